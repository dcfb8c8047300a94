// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "../utils/Test.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {MpavsDeployer} from "../../script/MpavsDeployer.sol";
import {MockAttestationVerifier} from "../mocks/MockAttestationVerifier.sol";
import {TEE} from "../../src/libraries/TEE.sol";
import {IMultiProverServiceManager} from "../../src/interfaces/IMultiProverServiceManager.sol";
import {MultiProverServiceManager} from "../../src/core/MultiProverServiceManager.sol";
import {TEELivenessVerifier} from "../../src/core/TEELivenessVerifier.sol";
import {RegistryCoordinator} from "../../src/middleware/RegistryCoordinator.sol";
import {ProxyAdmin} from "@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @notice Runs the deployment script's code in forge (no RPC) so it cannot rot: from the
///         environment with broadcast, and with an explicit configuration.
/// @dev Environment variables are process-wide, so everything that sets them is in one test.
contract DeployTest is Test {
    uint256 internal constant DEPLOYER_KEY = 0xDE9107E5;

    function test_run_DeploysFromEnvironment() public {
        Deploy script = new Deploy();
        MockAttestationVerifier sgx = new MockAttestationVerifier(address(0x516));
        address owner = address(0x0A11CE);
        string memory out =
            string.concat(vm.projectRoot(), "/cache/test-deploy/env/deployment.json");

        vm.setEnv("MPAVS_SGX_ATTESTATION_VERIFIER", "0x0000000000000000000000000000000000000000");
        vm.expectRevert(
            abi.encodeWithSelector(
                MpavsDeployer.DeployConfigInvalid.selector,
                "MPAVS_SGX_ATTESTATION_VERIFIER is not set"
            )
        );
        script.configFromEnv(address(this));
        vm.setEnv("MPAVS_SGX_ATTESTATION_VERIFIER", vm.toString(address(sgx)));
        vm.setEnv("MPAVS_THRESHOLD_PERCENT", "101");
        vm.expectRevert(
            abi.encodeWithSelector(
                MpavsDeployer.DeployConfigInvalid.selector, "MPAVS_THRESHOLD_PERCENT must be 1..100"
            )
        );
        script.configFromEnv(address(this));

        vm.setEnv("MPAVS_THRESHOLD_PERCENT", "75");
        vm.setEnv("DEPLOYER_PRIVATE_KEY", vm.toString(bytes32(DEPLOYER_KEY)));
        vm.setEnv("MPAVS_OWNER", vm.toString(owner));
        vm.setEnv("MPAVS_MAX_REFERENCE_BLOCK_AGE", "321");
        vm.setEnv("MPAVS_DEPLOYMENT_OUT", out);
        script.run();

        string memory json = vm.readFile(out);
        assertEq(vm.parseJsonUint(json, ".chainId"), block.chainid);
        assertEq(vm.parseJsonUint(json, ".startBlock"), block.number);
        assertEq(vm.parseJsonAddress(json, ".deployer"), vm.addr(DEPLOYER_KEY));
        assertEq(vm.parseJsonAddress(json, ".owner"), owner);
        assertEq(vm.parseJsonAddress(json, ".sgxAttestationVerifier"), address(sgx));
        MultiProverServiceManager sm =
            MultiProverServiceManager(vm.parseJsonAddress(json, ".serviceManager"));
        TEELivenessVerifier lv =
            TEELivenessVerifier(vm.parseJsonAddress(json, ".teeLivenessVerifier"));
        RegistryCoordinator rc =
            RegistryCoordinator(vm.parseJsonAddress(json, ".registryCoordinator"));
        string[9] memory keys = [
            ".stakeToken",
            ".restakingVault",
            ".avsDirectory",
            ".stakeRegistry",
            ".blsApkRegistry",
            ".indexRegistry",
            ".operatorStateRetriever",
            ".serviceManagerImpl",
            ".mockRollup"
        ];
        for (uint256 i = 0; i < keys.length; i++) {
            assertGt(vm.parseJsonAddress(json, keys[i]).code.length, 0);
        }
        assertEq(uint256(sm.maxReferenceBlockAge()), 321);
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
        ProxyAdmin admin = ProxyAdmin(vm.parseJsonAddress(json, ".serviceManagerProxyAdmin"));
        assertEq(admin.owner(), owner);
        vm.prank(owner);
        sm.acceptOwnership();
        assertEq(sm.owner(), owner);
    }

    function test_deployWithoutBroadcast_WritesDeployment() public {
        Deploy script = new Deploy();
        MpavsDeployer.DeployConfig memory cfg;
        cfg.deployer = address(script);
        cfg.owner = address(script);
        cfg.pauser = address(0xBEEF);
        cfg.ejector = address(0xE1EC);
        cfg.sequencer = address(0x5E0);
        cfg.sgxAttestationVerifier = new MockAttestationVerifier(address(0x516));
        cfg.maxOperatorCount = 7;
        cfg.minimumStake = 5;
        cfg.thresholdPercentage = 60;
        cfg.withdrawalDelayBlocks = 3;
        cfg.livenessValiditySeconds = 99;
        cfg.livenessMaxBlockAge = 12;
        cfg.maxReferenceBlockAge = 13;
        cfg.l2ChainId = 777;
        cfg.firstL2Block = 42;
        string memory out =
            string.concat(vm.projectRoot(), "/cache/test-deploy/cfg/deployment.json");
        MpavsDeployer.Deployment memory d = script.deployWithoutBroadcast(cfg, out);
        string memory json = vm.readFile(out);
        assertEq(vm.parseJsonAddress(json, ".serviceManager"), address(d.serviceManager));
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

    function test_deploy_RevertWhen_VerifierHasNoCode() public {
        Deploy script = new Deploy();
        MpavsDeployer.DeployConfig memory cfg;
        cfg.deployer = address(script);
        cfg.owner = address(script);
        cfg.sgxAttestationVerifier = MockAttestationVerifier(address(0x1234));
        vm.expectRevert(
            abi.encodeWithSelector(
                MpavsDeployer.DeployConfigInvalid.selector, "SGX attestation verifier has no code"
            )
        );
        script.deployWithoutBroadcast(cfg, "unused");
    }
}
