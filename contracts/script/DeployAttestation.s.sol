// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {DcapCollateralStore} from "../src/attestation/DcapCollateralStore.sol";
import {SgxDcapVerifier} from "../src/attestation/SgxDcapVerifier.sol";
import {Script} from "../test/utils/Script.sol";
import {DcapDeployer} from "./DcapDeployer.sol";

/// @title DeployAttestation
/// @notice Deploys the on-chain DCAP verifier alone (DcapDeployer): DcapCollateralStore (with
///         its parser) pinned to a root CA key, and SgxDcapVerifier reading it; optionally
///         uploads a collateral directory and sets the policy. The whole system (this plus the
///         AVS contracts wired to it) is deployed by Deploy.s.sol / scripts/deploy-contracts.sh;
///         this script serves benchmarks and tests of the verifier alone. Environment:
///
///   PRIVATE_KEY             deployer key (broadcast); default: anvil's first account
///   DCAP_SIMULATION         true: pin the root key of $DCAP_COLLATERAL_DIR/root_ca.der (the
///                           `mpavs sim-ca` development root); false (default): Intel's root
///   DCAP_COLLATERAL_DIR     directory to upload (sim-CA layout, see AttestationCollateral);
///                           required in simulation, optional otherwise
///   DCAP_MRENCLAVES         comma-separated MRENCLAVE allow-list (hex), optional
///   DCAP_MRSIGNERS          comma-separated MRSIGNER allow-list (hex), optional
///   DCAP_ACCEPTED_STATUSES  comma-separated TCB status names (default: the verifier's)
///   DCAP_OWNER              policy owner; receives a two-step ownership transfer (accept with
///                           acceptOwnership) if it differs from the deployer
///   DCAP_DEPLOYMENT_OUT     JSON file for the addresses (default: deployments/attestation.json,
///                           under contracts/)
///
///   forge script script/DeployAttestation.s.sol --rpc-url $RPC --broadcast
///
/// Simulation runs exactly the same contracts and checks; only the pinned key differs.
contract DeployAttestation is Script, DcapDeployer {
    uint256 internal constant ANVIL_KEY =
        0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80;

    /// @notice Deployment parameters (see the environment variables above).
    struct Params {
        uint256 privateKey;
        bool simulation;
        string collateralDir;
        bytes32[] mrEnclaves;
        bytes32[] mrSigners;
        uint8 acceptedStatuses; // 0: the verifier's default
        address owner; // zero: the deployer
        string out;
    }

    /// @notice Deploys (and uploads, in simulation or when a directory is given).
    function run() external returns (DcapCollateralStore store, SgxDcapVerifier verifier) {
        Params memory p;
        p.privateKey = vm.envOr("PRIVATE_KEY", ANVIL_KEY);
        p.simulation = vm.envOr("DCAP_SIMULATION", false);
        p.collateralDir = vm.envOr("DCAP_COLLATERAL_DIR", string(""));
        bytes32[] memory none = new bytes32[](0);
        p.mrEnclaves = vm.envOr("DCAP_MRENCLAVES", ",", none);
        p.mrSigners = vm.envOr("DCAP_MRSIGNERS", ",", none);
        p.acceptedStatuses = statusMask(vm.envOr("DCAP_ACCEPTED_STATUSES", ",", new string[](0)));
        p.owner = vm.envOr("DCAP_OWNER", address(0));
        p.out = vm.envOr("DCAP_DEPLOYMENT_OUT", string("deployments/attestation.json"));
        return deploy(p);
    }

    /// @notice The work of run(), with explicit parameters.
    function deploy(
        Params memory p
    ) public returns (DcapCollateralStore store, SgxDcapVerifier verifier) {
        DcapConfig memory cfg = DcapConfig({
            deployer: vm.addr(p.privateKey),
            simulation: p.simulation,
            collateralDir: p.collateralDir,
            mrEnclaves: p.mrEnclaves,
            mrSigners: p.mrSigners,
            acceptedStatuses: p.acceptedStatuses,
            owner: p.owner
        });
        dcapRootKey(cfg); // fails early, before anything is sent
        vm.startBroadcast(p.privateKey);
        DcapDeployment memory d = _deployDcap(cfg);
        vm.stopBroadcast();
        _write(d.store, d.verifier, p.simulation, p.out);
        return (d.store, d.verifier);
    }

    function _write(
        DcapCollateralStore store,
        SgxDcapVerifier verifier,
        bool simulation,
        string memory out
    ) internal {
        string memory k = "attestation";
        vm.serializeAddress(k, "dcapCollateralStore", address(store));
        vm.serializeAddress(k, "dcapCollateralParser", address(store.parser()));
        vm.serializeBytes32(k, "rootKeyX", store.rootKeyX());
        vm.serializeBytes32(k, "rootKeyY", store.rootKeyY());
        vm.serializeUint(k, "simulation", simulation ? 1 : 0);
        string memory json = vm.serializeAddress(k, "sgxDcapVerifier", address(verifier));
        bytes memory path = bytes(out);
        uint256 slash;
        for (uint256 i; i < path.length; ++i) {
            if (path[i] == "/") slash = i;
        }
        if (slash != 0) {
            bytes memory dir = new bytes(slash);
            for (uint256 i; i < slash; ++i) {
                dir[i] = path[i];
            }
            vm.createDir(string(dir), true);
        }
        vm.writeJson(json, out);
    }
}
