// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Script} from "../test/utils/Script.sol";
import {IAttestationVerifier} from "../src/interfaces/IAttestationVerifier.sol";
import {MpavsDeployer} from "./MpavsDeployer.sol";

/// @title Deploy
/// @notice Deploys the mpavs contracts to an RPC and writes the deployment JSON the daemons read.
///
///   forge script script/Deploy.s.sol --rpc-url http://127.0.0.1:8545 --broadcast \
///       [--private-key KEY | with DEPLOYER_PRIVATE_KEY set]
///
/// Environment (all optional except MPAVS_SGX_ATTESTATION_VERIFIER):
///   DEPLOYER_PRIVATE_KEY            deployer key (else forge's --private-key / --sender)
///   MPAVS_SGX_ATTESTATION_VERIFIER  address of the SGX DCAP attestation verifier (required)
///   MPAVS_OWNER                     owner of every contract (default: deployer)
///   MPAVS_PAUSER                    may pause confirmations (default: owner)
///   MPAVS_EJECTOR                   may eject operators (default: owner)
///   MPAVS_SEQUENCER                 may commit batches to MockRollup (default: owner)
///   MPAVS_MAX_OPERATORS             quorum 0 size limit (default 50)
///   MPAVS_MIN_STAKE                 quorum 0 minimum stake in token wei (default 1e18)
///   MPAVS_THRESHOLD_PERCENT         committees 1 and 2 threshold, 1..100 (default 67)
///   MPAVS_WITHDRAWAL_DELAY_BLOCKS   vault withdrawal delay (default 50)
///   MPAVS_LIVENESS_VALIDITY_SECONDS liveness validity (default 3600)
///   MPAVS_LIVENESS_MAX_BLOCK_AGE    liveness reference block age, 1..256 (default 256)
///   MPAVS_MAX_REFERENCE_BLOCK_AGE   confirmation reference block age (default 600)
///   MPAVS_L2_CHAIN_ID               chain id of the L2 whose batches MockRollup takes (default 31338)
///   MPAVS_FIRST_L2_BLOCK            first L2 block of the first batch (default 1)
///   MPAVS_DEPLOYMENT_OUT            output path (default <contracts>/script/output/<chainid>/deployment.json)
contract Deploy is Script, MpavsDeployer {
    /// @notice Reads the configuration, deploys with broadcast, writes the deployment JSON.
    function run() external {
        uint256 key = vm.envOr("DEPLOYER_PRIVATE_KEY", uint256(0));
        address deployer = key != 0 ? vm.addr(key) : msg.sender;
        DeployConfig memory cfg = configFromEnv(deployer);
        string memory out = vm.envOr("MPAVS_DEPLOYMENT_OUT", defaultOutputPath());
        if (key != 0) vm.startBroadcast(key);
        else vm.startBroadcast();
        Deployment memory d = _deployMpavs(cfg);
        vm.stopBroadcast();
        writeDeployment(d, cfg, out);
    }

    /// @notice The same deployment without broadcasting, from this contract (for tests).
    /// @param cfg Configuration; cfg.deployer must be this contract.
    /// @param out Where to write the deployment JSON.
    function deployWithoutBroadcast(
        DeployConfig memory cfg,
        string memory out
    ) external returns (Deployment memory d) {
        d = _deployMpavs(cfg);
        writeDeployment(d, cfg, out);
    }

    /// @notice The configuration from the environment (see the contract comment for names).
    /// @param deployer The address that will send the deployment.
    function configFromEnv(
        address deployer
    ) public view returns (DeployConfig memory cfg) {
        address verifier = vm.envOr("MPAVS_SGX_ATTESTATION_VERIFIER", address(0));
        if (verifier == address(0)) {
            revert DeployConfigInvalid("MPAVS_SGX_ATTESTATION_VERIFIER is not set");
        }
        uint256 threshold = vm.envOr("MPAVS_THRESHOLD_PERCENT", uint256(67));
        if (threshold == 0 || threshold > 100) {
            revert DeployConfigInvalid("MPAVS_THRESHOLD_PERCENT must be 1..100");
        }
        cfg.deployer = deployer;
        cfg.owner = vm.envOr("MPAVS_OWNER", deployer);
        cfg.pauser = vm.envOr("MPAVS_PAUSER", cfg.owner);
        cfg.ejector = vm.envOr("MPAVS_EJECTOR", cfg.owner);
        cfg.sequencer = vm.envOr("MPAVS_SEQUENCER", cfg.owner);
        cfg.sgxAttestationVerifier = IAttestationVerifier(verifier);
        cfg.maxOperatorCount = uint32(vm.envOr("MPAVS_MAX_OPERATORS", uint256(50)));
        cfg.minimumStake = uint96(vm.envOr("MPAVS_MIN_STAKE", uint256(1e18)));
        cfg.thresholdPercentage = uint8(threshold);
        cfg.withdrawalDelayBlocks = vm.envOr("MPAVS_WITHDRAWAL_DELAY_BLOCKS", uint256(50));
        cfg.livenessValiditySeconds =
            uint64(vm.envOr("MPAVS_LIVENESS_VALIDITY_SECONDS", uint256(3600)));
        cfg.livenessMaxBlockAge = uint32(vm.envOr("MPAVS_LIVENESS_MAX_BLOCK_AGE", uint256(256)));
        cfg.maxReferenceBlockAge = uint32(vm.envOr("MPAVS_MAX_REFERENCE_BLOCK_AGE", uint256(600)));
        cfg.l2ChainId = vm.envOr("MPAVS_L2_CHAIN_ID", uint256(31_338));
        cfg.firstL2Block = uint64(vm.envOr("MPAVS_FIRST_L2_BLOCK", uint256(1)));
    }

    /// @notice <contracts>/script/output/<chainid>/deployment.json
    function defaultOutputPath() public view returns (string memory) {
        return string.concat(
            vm.projectRoot(), "/script/output/", vm.toString(block.chainid), "/deployment.json"
        );
    }

    /// @notice Writes the deployment as one flat JSON object (addresses, chain id, start block).
    /// @param d The deployment.
    /// @param cfg Its configuration.
    /// @param out The file to write; its directory is created.
    function writeDeployment(
        Deployment memory d,
        DeployConfig memory cfg,
        string memory out
    ) public {
        string memory o = "deployment";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeUint(o, "startBlock", d.startBlock);
        vm.serializeUint(o, "l2ChainId", cfg.l2ChainId);
        vm.serializeAddress(o, "deployer", cfg.deployer);
        vm.serializeAddress(o, "owner", cfg.owner);
        vm.serializeAddress(o, "stakeToken", address(d.stakeToken));
        vm.serializeAddress(o, "restakingVault", address(d.vault));
        vm.serializeAddress(o, "avsDirectory", address(d.avsDirectory));
        vm.serializeAddress(o, "registryCoordinator", address(d.registryCoordinator));
        vm.serializeAddress(o, "stakeRegistry", address(d.stakeRegistry));
        vm.serializeAddress(o, "blsApkRegistry", address(d.blsApkRegistry));
        vm.serializeAddress(o, "indexRegistry", address(d.indexRegistry));
        vm.serializeAddress(o, "operatorStateRetriever", address(d.operatorStateRetriever));
        vm.serializeAddress(o, "serviceManager", address(d.serviceManager));
        vm.serializeAddress(o, "serviceManagerImpl", d.serviceManagerImpl);
        vm.serializeAddress(o, "serviceManagerProxyAdmin", address(d.serviceManagerProxyAdmin));
        vm.serializeAddress(o, "teeLivenessVerifier", address(d.livenessVerifier));
        vm.serializeAddress(o, "sgxAttestationVerifier", address(cfg.sgxAttestationVerifier));
        string memory json = vm.serializeAddress(o, "mockRollup", address(d.rollup));
        vm.createDir(_dirname(out), true);
        vm.writeJson(json, out);
    }

    function _dirname(
        string memory path
    ) private pure returns (string memory) {
        bytes memory b = bytes(path);
        uint256 end = b.length;
        while (end > 0 && b[end - 1] != "/") end--;
        if (end == 0) return ".";
        bytes memory dir = new bytes(end - 1);
        for (uint256 i = 0; i + 1 < end; i++) {
            dir[i] = b[i];
        }
        return string(dir);
    }
}
