// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {
    TransparentUpgradeableProxy
} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {ProxyAdmin} from "@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol";
import {
    ITransparentUpgradeableProxy
} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {Vm} from "../test/utils/Vm.sol";
import {IAttestationVerifier} from "../src/interfaces/IAttestationVerifier.sol";
import {IRegistryCoordinator} from "../src/interfaces/IRegistryCoordinator.sol";
import {IStakeRegistry} from "../src/interfaces/IStakeRegistry.sol";
import {IStrategy} from "../src/interfaces/IStrategy.sol";
import {IServiceManager} from "../src/interfaces/IServiceManager.sol";
import {IBLSApkRegistry} from "../src/interfaces/IBLSApkRegistry.sol";
import {IIndexRegistry} from "../src/interfaces/IIndexRegistry.sol";
import {IDelegationManager} from "../src/interfaces/IDelegationManager.sol";
import {IAVSDirectory} from "../src/interfaces/IAVSDirectory.sol";
import {ITEELivenessVerifier} from "../src/interfaces/ITEELivenessVerifier.sol";
import {RegistryCoordinator} from "../src/middleware/RegistryCoordinator.sol";
import {StakeRegistry} from "../src/middleware/StakeRegistry.sol";
import {BLSApkRegistry} from "../src/middleware/BLSApkRegistry.sol";
import {IndexRegistry} from "../src/middleware/IndexRegistry.sol";
import {OperatorStateRetriever} from "../src/middleware/OperatorStateRetriever.sol";
import {MultiProverServiceManager} from "../src/core/MultiProverServiceManager.sol";
import {TEELivenessVerifier} from "../src/core/TEELivenessVerifier.sol";
import {StakeToken} from "../src/devnet/StakeToken.sol";
import {RestakingVault} from "../src/devnet/RestakingVault.sol";
import {AVSDirectory} from "../src/devnet/AVSDirectory.sol";
import {MockRollup} from "../src/devnet/MockRollup.sol";
import {MockRollupTaskValidator} from "../src/devnet/MockRollupTaskValidator.sol";
import {ITaskValidator} from "../src/interfaces/ITaskValidator.sol";
import {TEE} from "../src/libraries/TEE.sol";

/// @notice Code for the two proxies to point at until their implementations exist.
contract DeployPlaceholder {
    /// @notice No-op: OpenZeppelin's proxy constructor insists on an initialisation call.
    function placeholderInit() external {}
}

/// @title MpavsDeployer
/// @notice Deploys and configures the whole mpavs contract system; shared by the Deploy script
///         and the tests, so the tests exercise the deployment the devnet uses.
/// @dev Order: stake token, vault, AVS directory; the service manager's proxy on a
///      placeholder; the stake, APK and index registries with the coordinator's address
///      computed in advance (they and the coordinator refer to each other immutably); the
///      coordinator; the service manager implementation and the liveness verifier; the
///      implementation installed with upgradeAndCall; the state retriever, the mock rollup and
///      its task validator; then one quorum (the SGX quorum 0) and the committees 1 (L2 block
///      state) and 2 (L2 batch, checked against the mock rollup's committed batches). The
///      reference block window must be shorter than the vault's withdrawal delay (the service
///      manager refuses it otherwise). The deployer owns everything while configuring;
///      ownership then goes to `owner` (two-step contracts need the owner's acceptOwnership).
abstract contract MpavsDeployer {
    Vm private constant VM_ = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev ERC-1967 admin slot (the ProxyAdmin a TransparentUpgradeableProxy creates).
    bytes32 private constant ADMIN_SLOT =
        0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103;

    /// @notice Committee identifier of L2 block states.
    uint256 internal constant COMMITTEE_L2_BLOCK = 1;
    /// @notice Committee identifier of L2 batches.
    uint256 internal constant COMMITTEE_L2_BATCH = 2;
    /// @notice Devnet default withdrawal delay of the vault: 600 blocks (10 minutes of anvil at
    ///         one block a second), the time stake stays slashable after a withdrawal is queued.
    uint256 internal constant DEVNET_WITHDRAWAL_DELAY_BLOCKS = 600;
    /// @notice Devnet default reference block window of confirmations: 300 blocks (5 minutes),
    ///         half the withdrawal delay, and ample for a task whose reference block is a few
    ///         blocks old to be signed, aggregated and confirmed.
    uint32 internal constant DEVNET_MAX_REFERENCE_BLOCK_AGE = 300;

    /// @notice Deployment parameters.
    struct DeployConfig {
        address deployer;
        address owner;
        address pauser;
        address ejector;
        address sequencer;
        IAttestationVerifier sgxAttestationVerifier;
        uint32 maxOperatorCount;
        uint96 minimumStake;
        uint8 thresholdPercentage;
        uint256 withdrawalDelayBlocks;
        uint64 livenessValiditySeconds;
        uint32 livenessMaxBlockAge;
        uint32 maxReferenceBlockAge;
        uint256 l2ChainId;
        uint64 firstL2Block;
    }

    /// @notice Everything deployed.
    struct Deployment {
        StakeToken stakeToken;
        RestakingVault vault;
        AVSDirectory avsDirectory;
        RegistryCoordinator registryCoordinator;
        StakeRegistry stakeRegistry;
        BLSApkRegistry blsApkRegistry;
        IndexRegistry indexRegistry;
        OperatorStateRetriever operatorStateRetriever;
        MultiProverServiceManager serviceManager;
        address serviceManagerImpl;
        ProxyAdmin serviceManagerProxyAdmin;
        TEELivenessVerifier livenessVerifier;
        MockRollup rollup;
        MockRollupTaskValidator batchTaskValidator;
        uint256 startBlock;
    }

    /// @notice A required address was zero or has no code.
    error DeployConfigInvalid(string what);
    /// @notice The coordinator did not land at its precomputed address.
    error CoordinatorAddressMismatch(address expected, address actual);

    /// @notice Deploys and configures everything. Every creation and call must come from
    ///         `cfg.deployer` (the broadcaster in a script, this contract in a test).
    function _deployMpavs(
        DeployConfig memory cfg
    ) internal returns (Deployment memory d) {
        if (address(cfg.sgxAttestationVerifier).code.length == 0) {
            revert DeployConfigInvalid("SGX attestation verifier has no code");
        }
        if (cfg.owner == address(0)) revert DeployConfigInvalid("owner is zero");
        if (cfg.maxReferenceBlockAge >= cfg.withdrawalDelayBlocks) {
            revert DeployConfigInvalid("the reference block window (MPAVS_MAX_REFERENCE_BLOCK_AGE) must be shorter than the withdrawal delay (MPAVS_WITHDRAWAL_DELAY_BLOCKS)");
        }
        d.startBlock = block.number;

        d.stakeToken = new StakeToken(cfg.deployer);
        d.vault = new RestakingVault(
            IERC20(address(d.stakeToken)), cfg.deployer, cfg.withdrawalDelayBlocks
        );
        d.avsDirectory = new AVSDirectory(IDelegationManager(address(d.vault)));

        address placeholder = address(new DeployPlaceholder());
        bytes memory init = abi.encodeCall(DeployPlaceholder.placeholderInit, ());
        address smProxy = address(new TransparentUpgradeableProxy(placeholder, cfg.deployer, init));

        _deployRegistries(cfg, d, smProxy);

        d.serviceManagerImpl = address(
            new MultiProverServiceManager(
                IRegistryCoordinator(address(d.registryCoordinator)),
                IAVSDirectory(address(d.avsDirectory))
            )
        );
        d.livenessVerifier = _deployLivenessVerifier(cfg, d);
        d.serviceManager = MultiProverServiceManager(smProxy);
        _installImplementations(cfg, d);

        d.operatorStateRetriever = new OperatorStateRetriever();
        d.rollup = new MockRollup(cfg.deployer, cfg.sequencer, cfg.l2ChainId, cfg.firstL2Block);
        d.batchTaskValidator = new MockRollupTaskValidator(d.rollup);

        _configure(cfg, d);
        _handOver(cfg, d);
    }

    function _deployRegistries(
        DeployConfig memory cfg,
        Deployment memory d,
        address smProxy
    ) private {
        // The three registries take the coordinator's address, the coordinator theirs.
        address coordinator =
            VM_.computeCreateAddress(cfg.deployer, uint256(VM_.getNonce(cfg.deployer)) + 3);
        d.stakeRegistry = new StakeRegistry(coordinator, IDelegationManager(address(d.vault)));
        d.blsApkRegistry = new BLSApkRegistry(coordinator);
        d.indexRegistry = new IndexRegistry(coordinator);
        d.registryCoordinator = new RegistryCoordinator(
            IServiceManager(smProxy),
            IStakeRegistry(address(d.stakeRegistry)),
            IBLSApkRegistry(address(d.blsApkRegistry)),
            IIndexRegistry(address(d.indexRegistry)),
            cfg.deployer,
            cfg.ejector
        );
        if (address(d.registryCoordinator) != coordinator) {
            revert CoordinatorAddressMismatch(coordinator, address(d.registryCoordinator));
        }
    }

    function _deployLivenessVerifier(
        DeployConfig memory cfg,
        Deployment memory d
    ) private returns (TEELivenessVerifier) {
        uint8[] memory teeTypes = new uint8[](1);
        teeTypes[0] = TEE.INTEL_SGX;
        IAttestationVerifier[] memory verifiers = new IAttestationVerifier[](1);
        verifiers[0] = cfg.sgxAttestationVerifier;
        return new TEELivenessVerifier(
            IRegistryCoordinator(address(d.registryCoordinator)),
            cfg.deployer,
            cfg.livenessValiditySeconds,
            cfg.livenessMaxBlockAge,
            teeTypes,
            verifiers
        );
    }

    function _installImplementations(
        DeployConfig memory cfg,
        Deployment memory d
    ) private {
        d.serviceManagerProxyAdmin = _proxyAdmin(address(d.serviceManager));
        d.serviceManagerProxyAdmin
            .upgradeAndCall(
                ITransparentUpgradeableProxy(address(d.serviceManager)),
                d.serviceManagerImpl,
                abi.encodeCall(
                    MultiProverServiceManager.initialize,
                    (
                        cfg.deployer,
                        cfg.pauser,
                        ITEELivenessVerifier(address(d.livenessVerifier)),
                        cfg.maxReferenceBlockAge
                    )
                )
            );
    }

    function _configure(
        DeployConfig memory cfg,
        Deployment memory d
    ) private {
        IStakeRegistry.StrategyParams[] memory strategies = new IStakeRegistry.StrategyParams[](1);
        strategies[0] = IStakeRegistry.StrategyParams({
            strategy: IStrategy(address(d.vault)), multiplier: 1e18
        });
        d.registryCoordinator
            .createQuorum(
                IRegistryCoordinator.OperatorSetParam({
                    maxOperatorCount: cfg.maxOperatorCount,
                    kickBIPsOfOperatorStake: 11_000,
                    kickBIPsOfTotalStake: 200
                }),
                cfg.minimumStake,
                strategies
            );
        d.serviceManager.setQuorumTeeType(0, TEE.INTEL_SGX);
        bytes memory quorums = hex"00";
        bytes memory thresholds = abi.encodePacked(cfg.thresholdPercentage);
        d.serviceManager.setCommittee(COMMITTEE_L2_BLOCK, quorums, thresholds, "L2 block state");
        d.serviceManager.setCommittee(COMMITTEE_L2_BATCH, quorums, thresholds, "L2 batch");
        d.serviceManager
            .setTaskValidator(COMMITTEE_L2_BATCH, ITaskValidator(address(d.batchTaskValidator)));
    }

    function _handOver(
        DeployConfig memory cfg,
        Deployment memory d
    ) private {
        if (cfg.owner == cfg.deployer) return;
        d.stakeToken.transferOwnership(cfg.owner);
        d.vault.transferOwnership(cfg.owner);
        d.registryCoordinator.transferOwnership(cfg.owner);
        d.serviceManager.transferOwnership(cfg.owner);
        d.livenessVerifier.transferOwnership(cfg.owner);
        d.rollup.transferOwnership(cfg.owner);
        // ProxyAdmin is single-step Ownable: the upgrade right moves now.
        d.serviceManagerProxyAdmin.transferOwnership(cfg.owner);
    }

    function _proxyAdmin(
        address proxy
    ) private view returns (ProxyAdmin) {
        return ProxyAdmin(address(uint160(uint256(VM_.load(proxy, ADMIN_SLOT)))));
    }
}
