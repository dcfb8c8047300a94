// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {DcapChecks, QuoteResult, TcbStatus} from "../../src/attestation/DcapTypes.sol";
import {DcapTestBase} from "./DcapTestBase.sol";

/// @notice The two real Intel SGX quote sets verify at their times with the expected results.
contract DcapRealSetsTest is DcapTestBase {
    function test_set1_VerifiesWithExpectedResult() public {
        setUpSet1();
        bytes memory quote = _bin("set1/quote.bin");
        QuoteResult memory r = verifier.verifyQuote(quote);
        assertCheck(r, DcapChecks.OK, "set1");
        assertEq(uint256(r.status), uint256(TcbStatus.SWHardeningNeeded), "set1 status");
        assertEq(r.mrEnclave, 0xa4f45c39dac622cb1dd32ddb35a52ec92db41d0fa88a1c911c49e59c534f61cd);
        assertEq(r.mrSigner, 0x8f2dbc0f9c5d3378d596974b2deed1f93223cc49242899f83809bcc92546132c);
        assertEq(r.reportData, new bytes(64), "set1 report data");
        assertEq(bytes32(r.fmspc), bytes32(bytes6(0x00606a000000)), "set1 fmspc");
        assertEq(r.advisoryIds.length, 0, "set1 advisories");
        assertFalse(r.debug);
        assertEq(verifier.verifyAttestation(quote), new bytes(64), "set1 verifyAttestation");
    }

    function test_set2_VerifiesWithExpectedResult() public {
        setUpSet2();
        bytes memory quote = _bin("set2/sgx_quote.bin");
        QuoteResult memory r = verifier.verifyQuote(quote);
        assertCheck(r, DcapChecks.OK, "set2");
        assertEq(
            uint256(r.status), uint256(TcbStatus.ConfigurationAndSWHardeningNeeded), "set2 status"
        );
        assertEq(r.mrEnclave, 0x33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb);
        assertEq(r.mrSigner, 0x815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6);
        bytes memory rd = new bytes(64);
        bytes memory hello = "Hello, world!";
        for (uint256 i; i < hello.length; ++i) {
            rd[i] = hello[i];
        }
        assertEq(r.reportData, rd, "set2 report data");
        assertEq(bytes32(r.fmspc), bytes32(bytes6(0x00a067110000)), "set2 fmspc");
        assertEq(r.advisoryIds.length, 2, "set2 advisory count");
        assertEq(r.advisoryIds[0], "INTEL-SA-00289");
        assertEq(r.advisoryIds[1], "INTEL-SA-00615");
        assertEq(verifier.verifyAttestation(quote), rd, "set2 verifyAttestation");
    }
}
