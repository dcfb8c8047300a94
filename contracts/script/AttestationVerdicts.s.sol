// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {DcapCollateralStore} from "../src/attestation/DcapCollateralStore.sol";
import {DcapChecks, QuoteResult} from "../src/attestation/DcapTypes.sol";
import {SgxDcapVerifier} from "../src/attestation/SgxDcapVerifier.sol";
import {Script} from "../test/utils/Script.sol";
import {Vm} from "../test/utils/Vm.sol";
import {AttestationCollateral} from "./AttestationCollateral.sol";

/// @title AttestationVerdicts
/// @notice The on-chain side of the differential test against the C verifier: deploys a store
///         and verifier in the script's own EVM (nothing is broadcast), uploads a collateral
///         directory, verifies every quote file of a directory and writes one line per quote:
///
///           <file name> TAB <accept|reject> TAB <TCB status name> TAB <failed check name or ->
///
///         Environment:
///   DCAP_COLLATERAL_DIR  collateral (sim-CA layout, see AttestationCollateral)
///   DCAP_QUOTES_DIR      quote files: raw binary, or hex text (optional 0x) if named *.hex
///   DCAP_VERIFY_AT       verification time (Unix seconds); default: now
///   DCAP_UPLOAD_AT       time at which the collateral is uploaded; default: DCAP_VERIFY_AT
///   DCAP_ROOT            "dir" (default): pin the key of root_ca.der; "intel": Intel's root
///   DCAP_MRENCLAVES / DCAP_MRSIGNERS  allow-lists as for the C CLI's --mrenclave/--mrsigner;
///                        with neither set, any enclave is accepted (the C CLI's --any-enclave), which
///                        the script reproduces by allowing each quote's own MRENCLAVE
///   DCAP_ACCEPTED_STATUSES  accepted-status bit mask (bit i = TcbStatus i); default 0x0f
///   DCAP_VERDICTS_OUT    output file (default: cache/dcap-verdicts.tsv under contracts/)
///
///   forge script script/AttestationVerdicts.s.sol
///
/// Paths must be readable under foundry.toml's fs_permissions (contracts/, ../tests, ../build).
contract AttestationVerdicts is Script, AttestationCollateral {
    bytes32 internal constant INTEL_ROOT_X =
        0x0ba9c4c0c0c86193a3fe23d6b02cda10a8bbd4e88e48b4458561a36e705525f5;
    bytes32 internal constant INTEL_ROOT_Y =
        0x67918e2edc88e40d860bd0cc4ee26aacc988e505a953558c453f6b0904ae7394;

    /// @dev Owner of the script's verifier (its policy calls are pranked from it).
    address internal constant OWNER = address(0xD1FF);

    /// @notice What to verify and under which policy (see the environment variables above).
    struct Config {
        string collateralDir;
        string quotesDir;
        uint256 verifyAt;
        uint256 uploadAt;
        bool intelRoot;
        bytes32[] mrEnclaves;
        bytes32[] mrSigners;
        uint8 acceptedStatuses;
        string out;
    }

    /// @notice Verifies every quote of DCAP_QUOTES_DIR; returns how many were accepted.
    function run() external returns (uint256 accepted, uint256 total) {
        Config memory c;
        c.collateralDir = vm.envString("DCAP_COLLATERAL_DIR");
        c.quotesDir = vm.envString("DCAP_QUOTES_DIR");
        c.verifyAt = vm.envOr("DCAP_VERIFY_AT", block.timestamp);
        c.uploadAt = vm.envOr("DCAP_UPLOAD_AT", c.verifyAt);
        c.intelRoot = keccak256(bytes(vm.envOr("DCAP_ROOT", string("dir")))) == keccak256("intel");
        bytes32[] memory none = new bytes32[](0);
        c.mrEnclaves = vm.envOr("DCAP_MRENCLAVES", ",", none);
        c.mrSigners = vm.envOr("DCAP_MRSIGNERS", ",", none);
        c.acceptedStatuses = uint8(vm.envOr("DCAP_ACCEPTED_STATUSES", uint256(0x0f)));
        c.out = vm.envOr("DCAP_VERDICTS_OUT", string("cache/dcap-verdicts.tsv"));
        return verdicts(c);
    }

    /// @notice The work of run(), with explicit parameters.
    function verdicts(
        Config memory c
    ) public returns (uint256 accepted, uint256 total) {
        vm.warp(c.uploadAt);
        (bytes32 x, bytes32 y) =
            c.intelRoot ? (INTEL_ROOT_X, INTEL_ROOT_Y) : rootKeyOf(c.collateralDir);
        DcapCollateralStore store = new DcapCollateralStore(x, y);
        SgxDcapVerifier verifier = new SgxDcapVerifier(store, OWNER);
        uploadCollateral(store, c.collateralDir);
        bool anyEnclave = _policy(verifier, c);

        Vm.DirEntry[] memory files = vm.readDir(c.quotesDir);
        string memory lines;
        for (uint256 i; i < files.length; ++i) {
            if (files[i].isDir) continue;
            (string memory line, bool ok) =
                _verdict(verifier, files[i].path, c.verifyAt, anyEnclave);
            lines = string.concat(lines, line);
            ++total;
            if (ok) ++accepted;
        }
        vm.writeFile(c.out, lines);
    }

    /// @dev Applies the policy; true when no allow-list is given.
    function _policy(
        SgxDcapVerifier verifier,
        Config memory c
    ) internal returns (bool anyEnclave) {
        vm.startPrank(OWNER);
        for (uint256 i; i < c.mrEnclaves.length; ++i) {
            verifier.setMrEnclave(c.mrEnclaves[i], true);
        }
        for (uint256 i; i < c.mrSigners.length; ++i) {
            verifier.setMrSigner(c.mrSigners[i], true);
        }
        verifier.setAcceptedStatuses(c.acceptedStatuses);
        vm.stopPrank();
        return c.mrEnclaves.length == 0 && c.mrSigners.length == 0;
    }

    /// @dev One verdict line for the quote file at `path`.
    function _verdict(
        SgxDcapVerifier verifier,
        string memory path,
        uint256 verifyAt,
        bool anyEnclave
    ) internal returns (string memory line, bool ok) {
        bytes memory quote = _quote(path);
        bool allowOwn = anyEnclave && quote.length >= 144;
        if (allowOwn) _allowEnclave(verifier, _mrEnclave(quote), true);
        QuoteResult memory r = verifier.verifyQuoteAt(quote, verifyAt);
        if (allowOwn) _allowEnclave(verifier, _mrEnclave(quote), false);
        ok = r.check == DcapChecks.OK;
        line = string.concat(
            _baseName(path),
            "\t",
            ok ? "accept" : "reject",
            "\t",
            DcapChecks.statusName(r.status),
            "\t",
            ok ? "-" : DcapChecks.name(r.check),
            "\n"
        );
    }

    function _allowEnclave(
        SgxDcapVerifier verifier,
        bytes32 mrEnclave,
        bool allowed
    ) internal {
        vm.prank(OWNER);
        verifier.setMrEnclave(mrEnclave, allowed);
    }

    function _quote(
        string memory path
    ) internal view returns (bytes memory) {
        bytes memory p = bytes(path);
        bool isHex = p.length > 4 && p[p.length - 4] == "." && p[p.length - 3] == "h"
            && p[p.length - 2] == "e" && p[p.length - 1] == "x";
        if (!isHex) return vm.readFileBinary(path);
        bytes memory text = bytes(vm.readFile(path));
        uint256 n = text.length;
        while (n > 0 && (text[n - 1] == "\n" || text[n - 1] == "\r" || text[n - 1] == " ")) --n;
        uint256 s = n >= 2 && text[0] == "0" && (text[1] == "x" || text[1] == "X") ? 2 : 0;
        bytes memory h = new bytes(n - s);
        for (uint256 i; i < h.length; ++i) {
            h[i] = text[s + i];
        }
        return vm.parseBytes(string.concat("0x", string(h)));
    }

    function _mrEnclave(
        bytes memory quote
    ) internal pure returns (bytes32 m) {
        assembly {
            m := mload(add(quote, add(0x20, 112)))
        }
    }

    function _baseName(
        string memory path
    ) internal pure returns (string memory) {
        bytes memory p = bytes(path);
        uint256 s;
        for (uint256 i; i < p.length; ++i) {
            if (p[i] == "/") s = i + 1;
        }
        bytes memory b = new bytes(p.length - s);
        for (uint256 i; i < b.length; ++i) {
            b[i] = p[s + i];
        }
        return string(b);
    }
}
