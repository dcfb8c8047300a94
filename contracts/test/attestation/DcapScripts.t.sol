// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {DeployAttestation} from "../../script/DeployAttestation.s.sol";
import {AttestationVerdicts} from "../../script/AttestationVerdicts.s.sol";
import {DcapCollateralStore} from "../../src/attestation/DcapCollateralStore.sol";
import {DcapChecks, QuoteResult, TcbStatus} from "../../src/attestation/DcapTypes.sol";
import {SgxDcapVerifier} from "../../src/attestation/SgxDcapVerifier.sol";
import {DcapTestBase} from "./DcapTestBase.sol";

/// @notice The deploy script's simulation mode (pin the collateral directory's root, upload it,
///         set the allow-list) and the verdict script of the differential test.
contract DcapScriptsTest is DcapTestBase {
    function test_deploySimulation_VerifiesDevQuote() public {
        vm.warp(1_736_000_000);
        DeployAttestation.Params memory p;
        p.privateKey = 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80;
        p.simulation = true;
        p.collateralDir = "test/attestation/data/testpki";
        p.mrEnclaves = new bytes32[](1);
        p.mrEnclaves[0] = _meta(".mrenclave");
        p.owner = OWNER;
        p.out = "cache/test-attestation-deployment.json";
        (DcapCollateralStore s, SgxDcapVerifier v) = new DeployAttestation().deploy(p);
        assertEq(s.rootKeyX(), _meta(".rootKeyX"));
        assertEq(v.pendingOwner(), OWNER);
        QuoteResult memory r = v.verifyQuote(_pki("quotes/quote.bin"));
        assertCheck(r, DcapChecks.OK, "simulated quote");
        assertEq(uint256(r.status), uint256(TcbStatus.UpToDate));
        assertEq(
            v.verifyQuote(_pki("quotes/quote_other_enclave.bin")).check, DcapChecks.POLICY_MRENCLAVE
        );
        string memory json = vm.readFile("cache/test-attestation-deployment.json");
        assertEq(vm.parseJsonAddress(json, ".sgxDcapVerifier"), address(v));
        // Real Intel quotes do not pass a simulation deployment.
        assertEq(v.verifyQuote(_bin("set1/quote.bin")).check, DcapChecks.PCK_ROOT_KEY);
    }

    function test_verdicts_OneLinePerQuote() public {
        AttestationVerdicts.Config memory c;
        c.collateralDir = "test/attestation/data/testpki";
        c.quotesDir = "test/attestation/data/testpki/quotes";
        c.verifyAt = 1_736_000_000;
        c.uploadAt = 1_736_000_000;
        c.acceptedStatuses = 0x0f;
        c.out = "cache/test-dcap-verdicts.tsv";
        (uint256 accepted, uint256 total) = new AttestationVerdicts().verdicts(c);
        assertEq(total, 13);
        assertEq(accepted, 3); // quote, other enclave (no allow-list), re-issued CA
        bytes memory out = bytes(vm.readFile("cache/test-dcap-verdicts.tsv"));
        assertTrue(_find(out, "quote.bin\taccept\tUpToDate\t-\n", 0) != type(uint256).max);
        assertTrue(
            _find(out, "quote_qe_isvsvn_6.bin\treject\tOutOfDate\tpolicy.status\n", 0)
                != type(uint256).max
        );
        assertTrue(
            _find(out, "quote_other_root.bin\treject\tUnrecognized\tpck.root_key\n", 0)
                != type(uint256).max
        );
    }
}
