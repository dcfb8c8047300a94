// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MpavsFixture} from "../utils/MpavsFixture.sol";
import {MockAttestationVerifier} from "../mocks/MockAttestationVerifier.sol";
import {IMultiProverServiceManager} from "../../src/interfaces/IMultiProverServiceManager.sol";
import {IBLSSignatureChecker} from "../../src/interfaces/IBLSSignatureChecker.sol";

/// @notice Issue 10 item 1, the attack as it was tried, on the devnet's default windows: an
///         operator holding most of the stake withdraws it, waits out the vault's withdrawal
///         delay, and then signs a made-up state at a reference block from before the
///         withdrawal, when its stake still counted. The reference window is shorter than the
///         withdrawal delay, so by the time the stake is gone that block is too old.
contract StakeWindowTest is MpavsFixture {
    bytes internal constant Q0 = hex"00";

    function setUp() public {
        attestation = new MockAttestationVerifier(vm.addr(QUOTE_SIGNER_KEY));
        DeployConfig memory cfg = _config(67);
        cfg.withdrawalDelayBlocks = DEVNET_WITHDRAWAL_DELAY_BLOCKS;
        cfg.maxReferenceBlockAge = DEVNET_MAX_REFERENCE_BLOCK_AGE;
        d = _deployMpavs(cfg);
        _loadOperators(4);
        _register(0, Q0, 100 ether); // the attacker: 100 of 103 ether
        for (uint256 i = 1; i < 4; i++) {
            _register(i, Q0, 1 ether);
        }
        vm.roll(block.number + 5);
        for (uint256 i = 0; i < 4; i++) {
            _makeLive(i);
        }
        vm.roll(block.number + 1);
    }

    function test_confirmState_RevertWhen_WithdrawnStakeConfirmsMadeUpState() public {
        uint32 ref = uint32(block.number - 1); // the attacker holds 97 % here
        vm.prank(ops[0].addr);
        uint256 id = d.vault.queueWithdrawal(99 ether); // keeps the minimum: stays registered
        address[] memory who = new address[](1);
        who[0] = ops[0].addr;
        d.registryCoordinator.updateOperators(who); // from here on it counts 1 ether
        vm.roll(block.number + d.vault.minWithdrawalDelayBlocks());
        vm.prank(ops[0].addr);
        d.vault.completeWithdrawal(id);
        vm.roll(block.number + 11);

        // Alone, at the old reference block, for a task nobody has created yet.
        IMultiProverServiceManager.StateHeader memory fake = _header(1, 777, ref);
        fake.state = abi.encode(keccak256("made up"), keccak256("made up root"));
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(fake, Q0, _range(0, 4), _range(1, 4));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.ReferenceBlockTooOld.selector,
                ref,
                block.number,
                DEVNET_MAX_REFERENCE_BLOCK_AGE
            )
        );
        d.serviceManager.confirmState(fake, p);

        // The honest state, signed by the stake that is still there, is the confirmed one.
        IMultiProverServiceManager.StateHeader memory honest =
            _header(1, 777, uint32(block.number - 1));
        d.serviceManager.confirmState(honest, _signedParams(honest, Q0, _range(0, 4), _one(0)));
        assertTrue(d.serviceManager.isStateConfirmed(1, honest.metadata, honest.state));
        assertEq(d.serviceManager.conflictCount(1, honest.metadata), 0);
    }

    /// @dev The review's exact sequence: everything withdrawn, so the operator is deregistered
    ///      at the stake update; 61 blocks after completing the withdrawal it signs alone at a
    ///      reference block from before. Refused twice over: the reference block is too old
    ///      (checked first), and its liveness ended with its registration.
    function test_confirmState_RevertWhen_DeregisteredOperatorConfirmsWithWithdrawnStake() public {
        uint32 ref = uint32(block.number - 1);
        vm.prank(ops[0].addr);
        uint256 id = d.vault.queueWithdrawal(100 ether);
        address[] memory who = new address[](1);
        who[0] = ops[0].addr;
        d.registryCoordinator.updateOperators(who); // below the minimum: deregistered
        assertFalse(d.livenessVerifier.isLive(ops[0].id));
        vm.roll(block.number + d.vault.minWithdrawalDelayBlocks());
        vm.prank(ops[0].addr);
        d.vault.completeWithdrawal(id);
        vm.roll(block.number + 61);
        IMultiProverServiceManager.StateHeader memory fake = _header(1, 778, ref);
        fake.state = abi.encode(keccak256("made up"), keccak256("made up root"));
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(fake, Q0, _range(0, 4), _range(1, 4));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.ReferenceBlockTooOld.selector,
                ref,
                block.number,
                DEVNET_MAX_REFERENCE_BLOCK_AGE
            )
        );
        d.serviceManager.confirmState(fake, p);
        assertEq(d.serviceManager.confirmedStateHash(1, fake.metadata), bytes32(0));
    }

    function test_devnetDefaults_KeepStakeSlashableForWholeWindow() public view {
        assertLt(
            uint256(d.serviceManager.maxReferenceBlockAge()), d.vault.minWithdrawalDelayBlocks()
        );
    }
}
