// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DcapCollateralStore} from "../src/attestation/DcapCollateralStore.sol";
import {SgxDcapVerifier} from "../src/attestation/SgxDcapVerifier.sol";
import {TcbStatus} from "../src/attestation/DcapTypes.sol";
import {AttestationCollateral} from "./AttestationCollateral.sol";

/// @title DcapDeployer
/// @notice Deploys and configures the on-chain SGX DCAP verifier: DcapCollateralStore (with its
///         parser) pinned to a root CA key, SgxDcapVerifier reading it, the collateral of a
///         directory, the enclave allow-lists and the accepted TCB statuses. Shared by
///         DeployAttestation.s.sol (attestation only), Deploy.s.sol (the whole system) and the
///         tests, so the tests run the deployment code the devnet uses.
/// @dev Simulation pins the key of `<collateralDir>/root_ca.der` (an `mpavs sim-ca` directory);
///      otherwise Intel's SGX Root CA key is pinned. The contracts and their checks are the same
///      in both modes. Every creation and call must come from `cfg.deployer` (the broadcaster in
///      a script, the calling contract in a test); the deployer owns the verifier while
///      configuring, then `cfg.owner` receives a two-step ownership transfer if it differs.
abstract contract DcapDeployer is AttestationCollateral {
    /// @notice Intel SGX Root CA public key (tests/vectors/dcap/README.md).
    bytes32 internal constant INTEL_ROOT_X =
        0x0ba9c4c0c0c86193a3fe23d6b02cda10a8bbd4e88e48b4458561a36e705525f5;
    bytes32 internal constant INTEL_ROOT_Y =
        0x67918e2edc88e40d860bd0cc4ee26aacc988e505a953558c453f6b0904ae7394;

    /// @notice What to deploy.
    /// @param deployer The address sending every transaction.
    /// @param simulation Pin the collateral directory's root (mpavs sim-ca) instead of Intel's.
    /// @param collateralDir Directory to upload (required in simulation; "" uploads nothing).
    /// @param mrEnclaves MRENCLAVE allow-list.
    /// @param mrSigners MRSIGNER allow-list.
    /// @param acceptedStatuses Bit i: TcbStatus(i) accepted; 0 keeps the verifier's default.
    /// @param owner Policy owner (0: the deployer).
    struct DcapConfig {
        address deployer;
        bool simulation;
        string collateralDir;
        bytes32[] mrEnclaves;
        bytes32[] mrSigners;
        uint8 acceptedStatuses;
        address owner;
    }

    /// @notice What was deployed.
    struct DcapDeployment {
        DcapCollateralStore store;
        SgxDcapVerifier verifier;
        bytes32 rootKeyX;
        bytes32 rootKeyY;
    }

    /// @notice A DCAP deployment parameter is unusable.
    error DcapConfigInvalid(string what);

    /// @notice The root key the configuration pins (reads the directory in simulation).
    function dcapRootKey(
        DcapConfig memory cfg
    ) public view returns (bytes32 x, bytes32 y) {
        if (!cfg.simulation) return (INTEL_ROOT_X, INTEL_ROOT_Y);
        if (bytes(cfg.collateralDir).length == 0) {
            revert DcapConfigInvalid("simulation needs a collateral directory");
        }
        return rootKeyOf(cfg.collateralDir);
    }

    /// @notice Deploys the store and the verifier, uploads the collateral, sets the policy.
    function _deployDcap(
        DcapConfig memory cfg
    ) internal returns (DcapDeployment memory d) {
        if ((cfg.acceptedStatuses & (uint8(1) << uint8(TcbStatus.Revoked))) != 0) {
            revert DcapConfigInvalid("Revoked can never be an accepted status");
        }
        (d.rootKeyX, d.rootKeyY) = dcapRootKey(cfg);
        d.store = new DcapCollateralStore(d.rootKeyX, d.rootKeyY);
        d.verifier = new SgxDcapVerifier(d.store, cfg.deployer);
        if (bytes(cfg.collateralDir).length != 0) uploadCollateral(d.store, cfg.collateralDir);
        for (uint256 i; i < cfg.mrEnclaves.length; ++i) {
            d.verifier.setMrEnclave(cfg.mrEnclaves[i], true);
        }
        for (uint256 i; i < cfg.mrSigners.length; ++i) {
            d.verifier.setMrSigner(cfg.mrSigners[i], true);
        }
        if (cfg.acceptedStatuses != 0) d.verifier.setAcceptedStatuses(cfg.acceptedStatuses);
        if (cfg.owner != address(0) && cfg.owner != cfg.deployer) {
            d.verifier.transferOwnership(cfg.owner);
        }
    }

    /// @notice The TcbStatus mask of a list of status names ("UpToDate", "SWHardeningNeeded",
    ///         "ConfigurationAndSWHardeningNeeded", "ConfigurationNeeded", "OutOfDate",
    ///         "OutOfDateConfigurationNeeded"); an empty list gives 0 (the verifier's default).
    function statusMask(
        string[] memory names
    ) public pure returns (uint8 mask) {
        for (uint256 i; i < names.length; ++i) {
            mask |= uint8(1) << _statusNumber(names[i]);
        }
    }

    function _statusNumber(
        string memory name
    ) private pure returns (uint8) {
        bytes32 h = keccak256(bytes(name));
        if (h == keccak256("UpToDate")) return uint8(TcbStatus.UpToDate);
        if (h == keccak256("SWHardeningNeeded")) return uint8(TcbStatus.SWHardeningNeeded);
        if (h == keccak256("ConfigurationAndSWHardeningNeeded")) {
            return uint8(TcbStatus.ConfigurationAndSWHardeningNeeded);
        }
        if (h == keccak256("ConfigurationNeeded")) return uint8(TcbStatus.ConfigurationNeeded);
        if (h == keccak256("OutOfDate")) return uint8(TcbStatus.OutOfDate);
        if (h == keccak256("OutOfDateConfigurationNeeded")) {
            return uint8(TcbStatus.OutOfDateConfigurationNeeded);
        }
        revert DcapConfigInvalid(string.concat("unknown or unacceptable TCB status: ", name));
    }
}
