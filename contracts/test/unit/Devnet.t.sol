// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "../utils/Test.sol";
import {StakeToken} from "../../src/devnet/StakeToken.sol";
import {RestakingVault} from "../../src/devnet/RestakingVault.sol";
import {AVSDirectory} from "../../src/devnet/AVSDirectory.sol";
import {MockRollup} from "../../src/devnet/MockRollup.sol";
import {IAVSDirectory} from "../../src/interfaces/IAVSDirectory.sol";
import {ISignatureUtils} from "../../src/interfaces/ISignatureUtils.sol";
import {IStrategy} from "../../src/interfaces/IStrategy.sol";
import {IDelegationManager} from "../../src/interfaces/IDelegationManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice The devnet contracts: stake token, restaking vault, AVS directory, mock rollup.
contract DevnetTest is Test {
    StakeToken internal token;
    RestakingVault internal vault;
    AVSDirectory internal dir;
    MockRollup internal rollup;
    address internal constant OP = address(0x0F0);
    address internal constant STAKER = address(0x57A);

    function setUp() public {
        token = new StakeToken(address(this));
        vault = new RestakingVault(IERC20(address(token)), address(this), 10);
        dir = new AVSDirectory(IDelegationManager(address(vault)));
        rollup = new MockRollup(address(this), address(0x5E0), 31_338, 1);
        token.mint(OP, 100 ether);
        token.mint(STAKER, 50 ether);
    }

    function _deposit(
        address who,
        uint256 amount
    ) internal {
        vm.startPrank(who);
        token.approve(address(vault), amount);
        vault.deposit(amount);
        vm.stopPrank();
    }

    function _shares(
        address operator
    ) internal view returns (uint256) {
        IStrategy[] memory s = new IStrategy[](2);
        s[0] = IStrategy(address(vault));
        s[1] = IStrategy(address(0xD0D0));
        uint256[] memory r = vault.getOperatorShares(operator, s);
        assertEq(r[1], 0);
        return r[0];
    }

    function test_vault_DelegatesAndWithdrawsAfterDelay() public {
        vm.prank(OP);
        vault.registerAsOperator();
        assertTrue(vault.isOperator(OP));
        _deposit(OP, 10 ether);
        _deposit(STAKER, 5 ether);
        assertEq(_shares(OP), 10 ether);
        vm.prank(STAKER);
        vault.delegateTo(OP);
        assertEq(_shares(OP), 15 ether);
        _deposit(STAKER, 1 ether); // follows the delegation
        assertEq(_shares(OP), 16 ether);

        vm.prank(STAKER);
        uint256 id = vault.queueWithdrawal(4 ether);
        assertEq(_shares(OP), 12 ether); // leaves the operator at once
        vm.prank(STAKER);
        vm.expectRevert(
            abi.encodeWithSelector(
                RestakingVault.WithdrawalDelayNotPassed.selector, block.number + 10
            )
        );
        vault.completeWithdrawal(id);
        vm.roll(block.number + 10);
        vm.prank(address(0xBAD));
        vm.expectRevert(RestakingVault.UnknownWithdrawal.selector);
        vault.completeWithdrawal(id);
        uint256 before = token.balanceOf(STAKER);
        vm.prank(STAKER);
        vault.completeWithdrawal(id);
        assertEq(token.balanceOf(STAKER), before + 4 ether);
        vm.prank(STAKER);
        vm.expectRevert(RestakingVault.WithdrawalAlreadyCompleted.selector);
        vault.completeWithdrawal(id);

        vm.prank(STAKER);
        vault.undelegate();
        assertEq(_shares(OP), 10 ether);
        vm.prank(OP);
        vm.expectRevert(RestakingVault.OperatorCannotUndelegate.selector);
        vault.undelegate();
        assertEq(vault.underlyingToken(), address(token));
    }

    function test_vault_RevertWhen_Misused() public {
        vm.startPrank(STAKER);
        vm.expectRevert(RestakingVault.ZeroAmount.selector);
        vault.deposit(0);
        vm.expectRevert(RestakingVault.NotOperator.selector);
        vault.delegateTo(OP);
        vm.expectRevert(RestakingVault.InsufficientShares.selector);
        vault.queueWithdrawal(1);
        vm.expectRevert(RestakingVault.NotDelegated.selector);
        vault.undelegate();
        vm.stopPrank();
        vm.prank(OP);
        vault.registerAsOperator();
        vm.prank(OP);
        vm.expectRevert(RestakingVault.AlreadyOperator.selector);
        vault.registerAsOperator();
        vm.prank(STAKER);
        vault.delegateTo(OP);
        vm.prank(STAKER);
        vm.expectRevert(RestakingVault.AlreadyDelegated.selector);
        vault.delegateTo(OP);
        vault.setMinWithdrawalDelayBlocks(3);
        assertEq(vault.minWithdrawalDelayBlocks(), 3);
        vm.prank(OP);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, OP));
        vault.setMinWithdrawalDelayBlocks(0);
    }

    function test_avsDirectory_ChecksOperatorSignature() public {
        uint256 key = 0xA0A0;
        address op = vm.addr(key);
        vm.prank(op);
        vault.registerAsOperator();
        ISignatureUtils.SignatureWithSaltAndExpiry memory s;
        s.salt = bytes32("s1");
        s.expiry = block.timestamp + 100;
        bytes32 digest =
            dir.calculateOperatorAVSRegistrationDigestHash(op, address(this), s.salt, s.expiry);
        bytes32 expected = keccak256(
            abi.encodePacked(
                "\x19\x01",
                keccak256(
                    abi.encode(
                        keccak256(
                            "EIP712Domain(string name,uint256 chainId,address verifyingContract)"
                        ),
                        keccak256("EigenLayer"),
                        block.chainid,
                        address(dir)
                    )
                ),
                keccak256(
                    abi.encode(
                        keccak256(
                            "OperatorAVSRegistration(address operator,address avs,bytes32 salt,uint256 expiry)"
                        ),
                        op,
                        address(this),
                        s.salt,
                        s.expiry
                    )
                )
            )
        );
        assertEq(digest, expected);
        (uint8 v, bytes32 r, bytes32 sv) = vm.sign(key, digest);
        s.signature = abi.encodePacked(r, sv, v);
        dir.registerOperatorToAVS(op, s);
        assertTrue(dir.operatorSaltIsSpent(op, s.salt));
        vm.expectRevert(AVSDirectory.OperatorAlreadyRegistered.selector);
        dir.registerOperatorToAVS(op, s);
        dir.deregisterOperatorFromAVS(op);
        vm.expectRevert(AVSDirectory.OperatorNotRegistered.selector);
        dir.deregisterOperatorFromAVS(op);
        vm.expectRevert(AVSDirectory.SaltSpent.selector);
        dir.registerOperatorToAVS(op, s);
    }

    function test_mockRollup_CommitsContiguousBatches() public {
        vm.startPrank(address(0x5E0));
        vm.expectEmit(address(rollup));
        emit MockRollup.BatchCommitted(0, bytes32("b0"), 1, 10);
        assertEq(rollup.commitBatch(bytes32("b0"), 1, 10), 0);
        assertEq(rollup.commitBatch(bytes32("b1"), 11, 11), 1);
        vm.expectRevert(
            abi.encodeWithSelector(MockRollup.NonContiguousBatch.selector, uint64(12), uint64(13))
        );
        rollup.commitBatch(bytes32("b2"), 13, 20);
        vm.expectRevert(MockRollup.EmptyBlockRange.selector);
        rollup.commitBatch(bytes32("b2"), 12, 11);
        vm.expectRevert(MockRollup.ZeroBatchHash.selector);
        rollup.commitBatch(bytes32(0), 12, 12);
        vm.stopPrank();
        assertEq(rollup.batchCount(), 2);
        MockRollup.Batch memory b = rollup.getBatch(1);
        assertEq(b.batchHash, bytes32("b1"));
        assertEq(uint256(b.firstBlock), 11);
        assertEq(uint256(b.lastBlock), 11);
        vm.expectRevert(abi.encodeWithSelector(MockRollup.UnknownBatch.selector, uint256(2)));
        rollup.getBatch(2);
        vm.expectRevert(MockRollup.OnlySequencer.selector);
        rollup.commitBatch(bytes32("x"), 12, 12);
        rollup.setSequencer(address(this));
        rollup.commitBatch(bytes32("b2"), 12, 12);
        assertEq(rollup.nextBlock(), 13);
        assertEq(rollup.l2ChainId(), 31_338);
    }

    function test_stakeToken_OnlyOwnerMints() public {
        vm.prank(OP);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, OP));
        token.mint(OP, 1);
        token.mint(OP, 1);
        assertEq(token.balanceOf(OP), 100 ether + 1);
    }
}
