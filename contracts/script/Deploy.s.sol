// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Script} from "../test/utils/Script.sol";
import {IAttestationVerifier} from "../src/interfaces/IAttestationVerifier.sol";
import {MpavsDeployer} from "./MpavsDeployer.sol";
import {DcapDeployer} from "./DcapDeployer.sol";
import {TEE} from "../src/libraries/TEE.sol";

/// @title Deploy
/// @notice Deploys the whole mpavs contract system to an RPC in one run and writes the one
///         deployment JSON the daemons read: the on-chain SGX DCAP verifier (collateral store
///         pinned to a root key, collateral uploaded, enclave policy set), then the AVS
///         contracts with that verifier as TEELivenessVerifier's SGX attestation verifier.
///         scripts/deploy-contracts.sh is the front end (flags, collateral staging); see
///         docs/operations.md "Deploying the contracts".
///
///   forge script script/Deploy.s.sol --rpc-url http://127.0.0.1:8545 --broadcast
///
/// Environment:
///   DEPLOYER_PRIVATE_KEY            deployer key (else forge's --private-key / --sender)
///   MPAVS_ATTESTATION               where the SGX attestation verifier comes from:
///                                   simulation  SgxDcapVerifier pinned to the root of
///                                               $MPAVS_DCAP_COLLATERAL_DIR (an `mpavs sim-ca`
///                                               directory), its collateral uploaded
///                                   intel       SgxDcapVerifier pinned to Intel's SGX Root CA;
///                                               $MPAVS_DCAP_COLLATERAL_DIR uploaded if set
///                                   existing    $MPAVS_SGX_ATTESTATION_VERIFIER, deployed before
///                                   (default: existing if MPAVS_SGX_ATTESTATION_VERIFIER is
///                                   set, else an error)
///   MPAVS_DCAP_COLLATERAL_DIR       collateral directory (readable by forge: fs_permissions)
///   MPAVS_MRENCLAVES                comma-separated MRENCLAVE allow-list (hex)
///   MPAVS_MRSIGNERS                 comma-separated MRSIGNER allow-list (hex)
///   MPAVS_ACCEPTED_STATUSES         comma-separated TCB status names (default: UpToDate,
///                                   SWHardeningNeeded, ConfigurationAndSWHardeningNeeded,
///                                   ConfigurationNeeded)
///   MPAVS_SGX_ATTESTATION_VERIFIER  an existing IAttestationVerifier (mode existing only)
///   MPAVS_OWNER                     owner of every contract (default: deployer)
///   MPAVS_PAUSER                    may pause confirmations (default: owner)
///   MPAVS_EJECTOR                   may eject operators (default: owner)
///   MPAVS_SEQUENCER                 may commit batches to MockRollup (default: owner)
///   MPAVS_MAX_OPERATORS             quorum 0 size limit (default 50)
///   MPAVS_MIN_STAKE                 quorum 0 minimum stake in token wei (default 1e18)
///   MPAVS_THRESHOLD_PERCENT         committees 1 and 2 threshold, 1..100 (default 67)
///   MPAVS_WITHDRAWAL_DELAY_BLOCKS   vault withdrawal delay (default 600)
///   MPAVS_LIVENESS_VALIDITY_SECONDS liveness validity (default 3600)
///   MPAVS_LIVENESS_MAX_BLOCK_AGE    liveness reference block age, 1..256 (default 256)
///   MPAVS_MAX_REFERENCE_BLOCK_AGE   confirmation reference block age, below the withdrawal
///                                   delay (default 300)
///   MPAVS_L2_CHAIN_ID               chain id of the L2 whose batches MockRollup takes (default 31338)
///   MPAVS_FIRST_L2_BLOCK            first L2 block of the first batch (default 1)
///   MPAVS_DEPLOYMENT_OUT            output path (default <contracts>/script/output/<chainid>/deployment.json)
contract Deploy is Script, MpavsDeployer, DcapDeployer {
    /// @notice Where the SGX attestation verifier comes from.
    enum AttestationMode {
        Simulation,
        Intel,
        Existing
    }

    /// @notice Everything a deployment needs.
    /// @param mode Where the SGX attestation verifier comes from.
    /// @param dcap The DCAP verifier's configuration (unused in mode Existing).
    /// @param avs The AVS contracts' configuration (sgxAttestationVerifier: mode Existing only).
    struct SystemConfig {
        AttestationMode mode;
        DcapConfig dcap;
        DeployConfig avs;
    }

    /// @notice Reads the configuration, deploys with broadcast, writes the deployment JSON.
    function run() external {
        uint256 key = vm.envOr("DEPLOYER_PRIVATE_KEY", uint256(0));
        address deployer = key != 0 ? vm.addr(key) : msg.sender;
        SystemConfig memory cfg = configFromEnv(deployer);
        string memory out = vm.envOr("MPAVS_DEPLOYMENT_OUT", defaultOutputPath());
        if (cfg.mode != AttestationMode.Existing) dcapRootKey(cfg.dcap); // fail before sending
        if (key != 0) vm.startBroadcast(key);
        else vm.startBroadcast();
        (Deployment memory d, DcapDeployment memory dd) = _deploySystem(cfg);
        vm.stopBroadcast();
        writeDeployment(d, dd, cfg, out);
    }

    /// @notice The same deployment without broadcasting, from this contract (for tests).
    /// @param cfg Configuration; cfg.avs.deployer and cfg.dcap.deployer must be this contract.
    /// @param out Where to write the deployment JSON.
    function deployWithoutBroadcast(
        SystemConfig memory cfg,
        string memory out
    ) external returns (Deployment memory d, DcapDeployment memory dd) {
        (d, dd) = _deploySystem(cfg);
        writeDeployment(d, dd, cfg, out);
    }

    /// @dev The DCAP verifier (unless an existing one is used), then the AVS contracts with it.
    function _deploySystem(
        SystemConfig memory cfg
    ) internal returns (Deployment memory d, DcapDeployment memory dd) {
        uint256 startBlock = block.number;
        if (cfg.mode != AttestationMode.Existing) {
            dd = _deployDcap(cfg.dcap);
            cfg.avs.sgxAttestationVerifier = IAttestationVerifier(address(dd.verifier));
        }
        d = _deployMpavs(cfg.avs);
        d.startBlock = startBlock;
    }

    /// @notice The configuration from the environment (see the contract comment for names).
    /// @param deployer The address that will send the deployment.
    function configFromEnv(
        address deployer
    ) public view returns (SystemConfig memory cfg) {
        cfg.mode = _modeFromEnv();
        cfg.avs = _avsConfigFromEnv(deployer);
        bytes32[] memory none = new bytes32[](0);
        cfg.dcap.deployer = deployer;
        cfg.dcap.owner = cfg.avs.owner;
        cfg.dcap.simulation = cfg.mode == AttestationMode.Simulation;
        cfg.dcap.collateralDir = vm.envOr("MPAVS_DCAP_COLLATERAL_DIR", string(""));
        cfg.dcap.mrEnclaves = vm.envOr("MPAVS_MRENCLAVES", ",", none);
        cfg.dcap.mrSigners = vm.envOr("MPAVS_MRSIGNERS", ",", none);
        cfg.dcap.acceptedStatuses =
            statusMask(vm.envOr("MPAVS_ACCEPTED_STATUSES", ",", new string[](0)));
        if (cfg.mode == AttestationMode.Existing) {
            address verifier = vm.envOr("MPAVS_SGX_ATTESTATION_VERIFIER", address(0));
            if (verifier == address(0)) {
                revert DeployConfigInvalid("MPAVS_SGX_ATTESTATION_VERIFIER is not set");
            }
            if (
                bytes(cfg.dcap.collateralDir).length != 0 || cfg.dcap.mrEnclaves.length != 0
                    || cfg.dcap.mrSigners.length != 0 || cfg.dcap.acceptedStatuses != 0
            ) {
                revert DeployConfigInvalid("an existing verifier's collateral and policy belong to its owner");
            }
            cfg.avs.sgxAttestationVerifier = IAttestationVerifier(verifier);
        } else if (vm.envOr("MPAVS_SGX_ATTESTATION_VERIFIER", address(0)) != address(0)) {
            revert DeployConfigInvalid("MPAVS_SGX_ATTESTATION_VERIFIER needs mode existing");
        }
        if (cfg.mode == AttestationMode.Simulation && bytes(cfg.dcap.collateralDir).length == 0) {
            revert DeployConfigInvalid("simulation needs MPAVS_DCAP_COLLATERAL_DIR");
        }
    }

    function _modeFromEnv() internal view returns (AttestationMode) {
        bytes32 mode = keccak256(bytes(vm.envOr("MPAVS_ATTESTATION", string(""))));
        if (mode == keccak256("simulation")) return AttestationMode.Simulation;
        if (mode == keccak256("intel")) return AttestationMode.Intel;
        if (mode == keccak256("existing")) return AttestationMode.Existing;
        if (mode == keccak256("")) {
            if (vm.envOr("MPAVS_SGX_ATTESTATION_VERIFIER", address(0)) != address(0)) {
                return AttestationMode.Existing;
            }
        }
        revert DeployConfigInvalid("MPAVS_ATTESTATION must be simulation, intel or existing");
    }

    function _avsConfigFromEnv(
        address deployer
    ) internal view returns (DeployConfig memory cfg) {
        uint256 threshold = vm.envOr("MPAVS_THRESHOLD_PERCENT", uint256(67));
        if (threshold == 0 || threshold > 100) {
            revert DeployConfigInvalid("MPAVS_THRESHOLD_PERCENT must be 1..100");
        }
        cfg.deployer = deployer;
        cfg.owner = vm.envOr("MPAVS_OWNER", deployer);
        cfg.pauser = vm.envOr("MPAVS_PAUSER", cfg.owner);
        cfg.ejector = vm.envOr("MPAVS_EJECTOR", cfg.owner);
        cfg.sequencer = vm.envOr("MPAVS_SEQUENCER", cfg.owner);
        cfg.maxOperatorCount = uint32(vm.envOr("MPAVS_MAX_OPERATORS", uint256(50)));
        cfg.minimumStake = uint96(vm.envOr("MPAVS_MIN_STAKE", uint256(1e18)));
        cfg.thresholdPercentage = uint8(threshold);
        cfg.withdrawalDelayBlocks =
            vm.envOr("MPAVS_WITHDRAWAL_DELAY_BLOCKS", DEVNET_WITHDRAWAL_DELAY_BLOCKS);
        cfg.livenessValiditySeconds =
            uint64(vm.envOr("MPAVS_LIVENESS_VALIDITY_SECONDS", uint256(3600)));
        cfg.livenessMaxBlockAge = uint32(vm.envOr("MPAVS_LIVENESS_MAX_BLOCK_AGE", uint256(256)));
        cfg.maxReferenceBlockAge = uint32(
            vm.envOr("MPAVS_MAX_REFERENCE_BLOCK_AGE", uint256(DEVNET_MAX_REFERENCE_BLOCK_AGE))
        );
        cfg.l2ChainId = vm.envOr("MPAVS_L2_CHAIN_ID", uint256(31_338));
        cfg.firstL2Block = uint64(vm.envOr("MPAVS_FIRST_L2_BLOCK", uint256(1)));
    }

    /// @notice <contracts>/script/output/<chainid>/deployment.json
    function defaultOutputPath() public view returns (string memory) {
        return string.concat(
            vm.projectRoot(), "/script/output/", vm.toString(block.chainid), "/deployment.json"
        );
    }

    /// @notice Writes the deployment as one flat JSON object: chain id, start block, every
    ///         address, and the attestation setup (docs/protocol.md section 6).
    /// @param d The AVS contracts.
    /// @param dd The DCAP verifier (zero in mode Existing).
    /// @param cfg The configuration.
    /// @param out The file to write; its directory is created.
    function writeDeployment(
        Deployment memory d,
        DcapDeployment memory dd,
        SystemConfig memory cfg,
        string memory out
    ) public {
        string memory o = "deployment";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeUint(o, "startBlock", d.startBlock);
        vm.serializeUint(o, "l2ChainId", cfg.avs.l2ChainId);
        vm.serializeAddress(o, "deployer", cfg.avs.deployer);
        vm.serializeAddress(o, "owner", cfg.avs.owner);
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
        vm.serializeAddress(o, "mockRollup", address(d.rollup));
        vm.serializeAddress(o, "batchTaskValidator", address(d.batchTaskValidator));
        _writeAttestation(o, dd, cfg);
        string memory json = vm.serializeAddress(
            o,
            "sgxAttestationVerifier",
            address(d.livenessVerifier.attestationVerifier(TEE.INTEL_SGX))
        );
        vm.createDir(_dirname(out), true);
        vm.writeJson(json, out);
    }

    function _writeAttestation(
        string memory o,
        DcapDeployment memory dd,
        SystemConfig memory cfg
    ) private {
        string[3] memory modes = ["simulation", "intel", "existing"];
        vm.serializeString(o, "attestationMode", modes[uint256(cfg.mode)]);
        vm.serializeAddress(o, "dcapCollateralStore", address(dd.store));
        vm.serializeAddress(
            o,
            "dcapCollateralParser",
            address(dd.store) == address(0) ? address(0) : address(dd.store.parser())
        );
        vm.serializeBytes32(o, "dcapRootKeyX", dd.rootKeyX);
        vm.serializeBytes32(o, "dcapRootKeyY", dd.rootKeyY);
        vm.serializeUint(
            o,
            "acceptedStatuses",
            address(dd.verifier) == address(0) ? 0 : dd.verifier.acceptedStatuses()
        );
        vm.serializeBytes32(o, "mrEnclaves", cfg.dcap.mrEnclaves);
        vm.serializeBytes32(o, "mrSigners", cfg.dcap.mrSigners);
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
