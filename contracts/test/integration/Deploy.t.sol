// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "../utils/Test.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {MpavsDeployer} from "../../script/MpavsDeployer.sol";
import {DcapDeployer} from "../../script/DcapDeployer.sol";
import {MockAttestationVerifier} from "../mocks/MockAttestationVerifier.sol";
import {TEE} from "../../src/libraries/TEE.sol";
import {IMultiProverServiceManager} from "../../src/interfaces/IMultiProverServiceManager.sol";
import {MultiProverServiceManager} from "../../src/core/MultiProverServiceManager.sol";
import {TEELivenessVerifier} from "../../src/core/TEELivenessVerifier.sol";
import {RegistryCoordinator} from "../../src/middleware/RegistryCoordinator.sol";
import {SgxDcapVerifier} from "../../src/attestation/SgxDcapVerifier.sol";
import {DcapCollateralStore} from "../../src/attestation/DcapCollateralStore.sol";
import {DcapChecks} from "../../src/attestation/DcapTypes.sol";
import {ProxyAdmin} from "@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @notice Runs the deployment script's code in forge (no RPC) so it cannot rot: from the
///         environment with broadcast (simulation mode: the test PKI's root pinned, its
///         collateral uploaded, the policy set), and with explicit configurations.
/// @dev Environment variables are process-wide, so everything that sets them is in one test.
contract DeployTest is Test {
    uint256 internal constant DEPLOYER_KEY = 0xDE9107E5;
    string internal constant PKI = "test/attestation/data/testpki";

    function _meta(
        string memory key
    ) internal view returns (bytes32) {
        return vm.parseJsonBytes32(vm.readFile(string.concat(PKI, "/meta.json")), key);
    }

    function _expectConfigError(
        Deploy script,
        string memory what
    ) internal {
        vm.expectRevert(abi.encodeWithSelector(MpavsDeployer.DeployConfigInvalid.selector, what));
        script.configFromEnv(address(this));
    }

    function test_run_DeploysFromEnvironment() public {
        vm.warp(vm.parseJsonUint(vm.readFile(string.concat(PKI, "/meta.json")), ".verifyAt"));
        Deploy script = new Deploy();
        address owner = address(0x0A11CE);
        string memory out =
            string.concat(vm.projectRoot(), "/cache/test-deploy/env/deployment.json");

        _expectConfigError(script, "MPAVS_ATTESTATION must be simulation, intel or existing");
        vm.setEnv("MPAVS_ATTESTATION", "simulation");
        _expectConfigError(script, "simulation needs MPAVS_DCAP_COLLATERAL_DIR");
        vm.setEnv("MPAVS_DCAP_COLLATERAL_DIR", PKI);
        vm.setEnv("MPAVS_SGX_ATTESTATION_VERIFIER", vm.toString(address(0x516)));
        _expectConfigError(script, "MPAVS_SGX_ATTESTATION_VERIFIER needs mode existing");
        vm.setEnv("MPAVS_SGX_ATTESTATION_VERIFIER", vm.toString(address(0)));
        vm.setEnv("MPAVS_THRESHOLD_PERCENT", "101");
        _expectConfigError(script, "MPAVS_THRESHOLD_PERCENT must be 1..100");
        vm.setEnv("MPAVS_THRESHOLD_PERCENT", "75");
        vm.setEnv("MPAVS_ACCEPTED_STATUSES", "UpToDate,Revoked");
        vm.expectRevert(
            abi.encodeWithSelector(
                DcapDeployer.DcapConfigInvalid.selector,
                "unknown or unacceptable TCB status: Revoked"
            )
        );
        script.configFromEnv(address(this));

        vm.setEnv("MPAVS_ACCEPTED_STATUSES", "UpToDate,OutOfDate");
        vm.setEnv("MPAVS_MRENCLAVES", vm.toString(_meta(".mrenclave")));
        vm.setEnv("MPAVS_MRSIGNERS", vm.toString(_meta(".mrsigner")));
        vm.setEnv("DEPLOYER_PRIVATE_KEY", vm.toString(bytes32(DEPLOYER_KEY)));
        vm.setEnv("MPAVS_OWNER", vm.toString(owner));
        vm.setEnv("MPAVS_MAX_REFERENCE_BLOCK_AGE", "321");
        vm.setEnv("MPAVS_DEPLOYMENT_OUT", out);
        script.run();

        string memory json = vm.readFile(out);
        _checkAddresses(json);
        assertEq(vm.parseJsonUint(json, ".chainId"), block.chainid);
        assertEq(vm.parseJsonUint(json, ".startBlock"), block.number);
        assertEq(vm.parseJsonAddress(json, ".deployer"), vm.addr(DEPLOYER_KEY));
        assertEq(vm.parseJsonAddress(json, ".owner"), owner);
        assertEq(vm.parseJsonString(json, ".attestationMode"), "simulation");
        assertEq(vm.parseJsonUint(json, ".acceptedStatuses"), 0x11);
        assertEq(vm.parseJsonBytes32(json, ".dcapRootKeyX"), _meta(".rootKeyX"));
        assertEq(vm.parseJsonBytes32(json, ".dcapRootKeyY"), _meta(".rootKeyY"));

        SgxDcapVerifier sgx = SgxDcapVerifier(vm.parseJsonAddress(json, ".sgxAttestationVerifier"));
        DcapCollateralStore store =
            DcapCollateralStore(vm.parseJsonAddress(json, ".dcapCollateralStore"));
        assertEq(address(sgx.store()), address(store));
        assertEq(vm.parseJsonAddress(json, ".dcapCollateralParser"), address(store.parser()));
        assertTrue(sgx.mrEnclaveAllowed(_meta(".mrenclave")));
        assertTrue(sgx.mrSignerAllowed(_meta(".mrsigner")));
        assertEq(uint256(sgx.acceptedStatuses()), 0x11);
        // The collateral is on chain: the test PKI's quote verifies.
        bytes memory quote = vm.readFileBinary(string.concat(PKI, "/quotes/quote.bin"));
        assertEq(uint256(sgx.verifyQuote(quote).check), uint256(DcapChecks.OK));

        MultiProverServiceManager sm =
            MultiProverServiceManager(vm.parseJsonAddress(json, ".serviceManager"));
        TEELivenessVerifier lv =
            TEELivenessVerifier(vm.parseJsonAddress(json, ".teeLivenessVerifier"));
        RegistryCoordinator rc =
            RegistryCoordinator(vm.parseJsonAddress(json, ".registryCoordinator"));
        assertEq(uint256(sm.maxReferenceBlockAge()), 321);
        // Committee 2 checks batches against the mock rollup; committee 1 has no validator.
        assertEq(address(sm.taskValidator(2)), vm.parseJsonAddress(json, ".batchTaskValidator"));
        assertEq(address(sm.taskValidator(1)), address(0));
        assertEq(sm.getCommittee(1).thresholdPercentages, hex"4b");
        assertEq(address(sm.livenessVerifier()), address(lv));
        assertEq(address(lv.attestationVerifier(TEE.INTEL_SGX)), address(sgx));
        assertEq(address(sm.registryCoordinator()), address(rc));
        // Ownership: two-step contracts wait for the owner; the proxy admin moved at once.
        address deployer = vm.addr(DEPLOYER_KEY);
        assertEq(sm.owner(), deployer);
        assertEq(sm.pendingOwner(), owner);
        assertEq(Ownable2Step(address(rc)).pendingOwner(), owner);
        assertEq(lv.pendingOwner(), owner);
        assertEq(sgx.owner(), deployer);
        assertEq(sgx.pendingOwner(), owner);
        ProxyAdmin admin = ProxyAdmin(vm.parseJsonAddress(json, ".serviceManagerProxyAdmin"));
        assertEq(admin.owner(), owner);
        vm.prank(owner);
        sm.acceptOwnership();
        assertEq(sm.owner(), owner);

        // Mode existing refuses policy settings it could not apply.
        vm.setEnv("MPAVS_ATTESTATION", "existing");
        _expectConfigError(script, "MPAVS_SGX_ATTESTATION_VERIFIER is not set");
        vm.setEnv("MPAVS_SGX_ATTESTATION_VERIFIER", vm.toString(address(sgx)));
        _expectConfigError(
            script, "an existing verifier's collateral and policy belong to its owner"
        );
    }

    function _checkAddresses(
        string memory json
    ) internal view {
        string[14] memory keys = [
            ".stakeToken",
            ".restakingVault",
            ".avsDirectory",
            ".stakeRegistry",
            ".blsApkRegistry",
            ".indexRegistry",
            ".operatorStateRetriever",
            ".serviceManagerImpl",
            ".mockRollup",
            ".batchTaskValidator",
            ".teeLivenessVerifier",
            ".sgxAttestationVerifier",
            ".dcapCollateralStore",
            ".dcapCollateralParser"
        ];
        for (uint256 i = 0; i < keys.length; i++) {
            assertGt(vm.parseJsonAddress(json, keys[i]).code.length, 0);
        }
    }

    function _avsConfig(
        address deployer
    ) internal returns (MpavsDeployer.DeployConfig memory cfg) {
        cfg.deployer = deployer;
        cfg.owner = deployer;
        cfg.pauser = address(0xBEEF);
        cfg.ejector = address(0xE1EC);
        cfg.sequencer = address(0x5E0);
        cfg.sgxAttestationVerifier = new MockAttestationVerifier(address(0x516));
        cfg.maxOperatorCount = 7;
        cfg.minimumStake = 5;
        cfg.thresholdPercentage = 60;
        cfg.withdrawalDelayBlocks = 14;
        cfg.livenessValiditySeconds = 99;
        cfg.livenessMaxBlockAge = 12;
        cfg.maxReferenceBlockAge = 13;
        cfg.l2ChainId = 777;
        cfg.firstL2Block = 42;
    }

    function test_deployWithoutBroadcast_ExistingVerifier() public {
        Deploy script = new Deploy();
        Deploy.SystemConfig memory cfg;
        cfg.mode = Deploy.AttestationMode.Existing;
        cfg.avs = _avsConfig(address(script));
        string memory out =
            string.concat(vm.projectRoot(), "/cache/test-deploy/cfg/deployment.json");
        (MpavsDeployer.Deployment memory d,) = script.deployWithoutBroadcast(cfg, out);
        string memory json = vm.readFile(out);
        assertEq(vm.parseJsonAddress(json, ".serviceManager"), address(d.serviceManager));
        assertEq(
            vm.parseJsonAddress(json, ".sgxAttestationVerifier"),
            address(cfg.avs.sgxAttestationVerifier)
        );
        assertEq(vm.parseJsonString(json, ".attestationMode"), "existing");
        assertEq(vm.parseJsonAddress(json, ".dcapCollateralStore"), address(0));
        assertEq(vm.parseJsonUint(json, ".l2ChainId"), 777);
        assertEq(uint256(d.registryCoordinator.getOperatorSetParams(0).maxOperatorCount), 7);
        assertEq(uint256(d.stakeRegistry.minimumStakeForQuorum(0)), 5);
        assertEq(uint256(d.livenessVerifier.validitySeconds()), 99);
        assertEq(uint256(d.livenessVerifier.maxBlockAge()), 12);
        assertEq(d.rollup.sequencer(), address(0x5E0));
        assertEq(uint256(d.rollup.nextBlock()), 42);
        assertEq(d.serviceManager.pauser(), address(0xBEEF));
        assertEq(d.registryCoordinator.ejector(), address(0xE1EC));
        assertEq(uint256(d.serviceManager.quorumTeeType(0)), TEE.INTEL_SGX);
        IMultiProverServiceManager.Committee memory c = d.serviceManager.getCommittee(2);
        assertEq(c.quorumNumbers, hex"00");
        assertEq(c.thresholdPercentages, hex"3c");
        assertEq(d.serviceManager.owner(), address(script));
    }

    function test_deployWithoutBroadcast_IntelRootWiresDcapVerifier() public {
        Deploy script = new Deploy();
        Deploy.SystemConfig memory cfg;
        cfg.mode = Deploy.AttestationMode.Intel;
        cfg.avs = _avsConfig(address(script));
        cfg.dcap.deployer = address(script);
        cfg.dcap.mrEnclaves = new bytes32[](1);
        cfg.dcap.mrEnclaves[0] = bytes32(uint256(0xE1));
        string memory out =
            string.concat(vm.projectRoot(), "/cache/test-deploy/intel/deployment.json");
        (MpavsDeployer.Deployment memory d, DcapDeployer.DcapDeployment memory dd) =
            script.deployWithoutBroadcast(cfg, out);
        // The mock in cfg.avs is replaced by the DCAP verifier the script deployed.
        assertEq(
            address(d.livenessVerifier.attestationVerifier(TEE.INTEL_SGX)), address(dd.verifier)
        );
        assertEq(
            dd.store.rootKeyX(), 0x0ba9c4c0c0c86193a3fe23d6b02cda10a8bbd4e88e48b4458561a36e705525f5
        );
        assertEq(uint256(dd.verifier.acceptedStatuses()), 0x0f);
        assertTrue(dd.verifier.mrEnclaveAllowed(bytes32(uint256(0xE1))));
        string memory json = vm.readFile(out);
        assertEq(vm.parseJsonString(json, ".attestationMode"), "intel");
        assertEq(vm.parseJsonAddress(json, ".sgxAttestationVerifier"), address(dd.verifier));
        // Simulated quotes do not pass an Intel-rooted verifier.
        bytes memory quote = vm.readFileBinary(string.concat(PKI, "/quotes/quote.bin"));
        assertEq(uint256(dd.verifier.verifyQuote(quote).check), uint256(DcapChecks.PCK_ROOT_KEY));
    }

    function test_deploy_RevertWhen_VerifierHasNoCode() public {
        Deploy script = new Deploy();
        Deploy.SystemConfig memory cfg;
        cfg.mode = Deploy.AttestationMode.Existing;
        cfg.avs.deployer = address(script);
        cfg.avs.owner = address(script);
        cfg.avs.sgxAttestationVerifier = MockAttestationVerifier(address(0x1234));
        vm.expectRevert(
            abi.encodeWithSelector(
                MpavsDeployer.DeployConfigInvalid.selector, "SGX attestation verifier has no code"
            )
        );
        script.deployWithoutBroadcast(cfg, "unused");
    }

    /// @dev Issue 10 item 1: a reference window as long as the withdrawal delay is refused
    ///      before anything is deployed.
    function test_deploy_RevertWhen_ReferenceWindowNotBelowWithdrawalDelay() public {
        Deploy script = new Deploy();
        Deploy.SystemConfig memory cfg;
        cfg.mode = Deploy.AttestationMode.Existing;
        cfg.avs = _avsConfig(address(script));
        cfg.avs.withdrawalDelayBlocks = cfg.avs.maxReferenceBlockAge;
        vm.expectRevert(
            abi.encodeWithSelector(
                MpavsDeployer.DeployConfigInvalid.selector,
                "the reference block window (MPAVS_MAX_REFERENCE_BLOCK_AGE) must be shorter than the withdrawal delay (MPAVS_WITHDRAWAL_DELAY_BLOCKS)"
            )
        );
        script.deployWithoutBroadcast(cfg, "unused");
    }

    function test_statusMask_NamesToBits() public {
        Deploy script = new Deploy();
        string[] memory names = new string[](2);
        names[0] = "ConfigurationNeeded";
        names[1] = "OutOfDateConfigurationNeeded";
        assertEq(uint256(script.statusMask(names)), 0x28);
        assertEq(uint256(script.statusMask(new string[](0))), 0);
        names[1] = "uptodate";
        vm.expectRevert(
            abi.encodeWithSelector(
                DcapDeployer.DcapConfigInvalid.selector,
                "unknown or unacceptable TCB status: uptodate"
            )
        );
        script.statusMask(names);
    }
}
