// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {IDelegationManager} from "../interfaces/IDelegationManager.sol";
import {IStrategy} from "../interfaces/IStrategy.sol";

/// @title RestakingVault
/// @notice The devnet's stand-in for EigenLayer's restaking: stakers deposit the stake token
///         (one share per token unit), delegate their shares to an operator, and withdraw after
///         a delay of `minWithdrawalDelayBlocks`. It is the single strategy of the devnet (its
///         own address is the strategy id) and answers the DelegationManager calls the
///         StakeRegistry makes.
/// @dev Shares leave the operator's total when a withdrawal is queued, as in EigenLayer, so a
///      queued withdrawal stops counting at the next stake update; the registries only see a
///      change once someone calls RegistryCoordinator.updateOperators. No slashing.
contract RestakingVault is IDelegationManager, IStrategy, Ownable2Step {
    using SafeERC20 for IERC20;

    /// @notice A queued withdrawal.
    /// @param staker Owner of the shares.
    /// @param amount Shares (= tokens) to withdraw.
    /// @param startBlock Block at which it was queued.
    /// @param completed Whether the tokens were paid out.
    struct Withdrawal {
        address staker;
        uint96 amount;
        uint32 startBlock;
        bool completed;
    }

    /// @notice The stake token.
    IERC20 public immutable token;
    /// @inheritdoc IDelegationManager
    uint256 public minWithdrawalDelayBlocks;
    /// @notice Deposited, not withdrawn shares of each staker.
    mapping(address => uint256) public stakerShares;
    /// @notice The operator each staker delegates to (0 if none).
    mapping(address => address) public delegatedTo;
    /// @notice Shares delegated to each operator.
    mapping(address => uint256) public operatorShares;
    /// @inheritdoc IDelegationManager
    mapping(address => bool) public isOperator;
    /// @notice Queued withdrawals by id.
    mapping(uint256 => Withdrawal) public withdrawals;
    /// @notice Number of withdrawals queued so far (the next id).
    uint256 public withdrawalCount;

    /// @notice Tokens were deposited.
    /// @param staker The staker.
    /// @param amount Tokens (= shares).
    event Deposited(address indexed staker, uint256 amount);
    /// @notice An address registered as operator (and delegated to itself).
    /// @param operator The operator.
    event OperatorRegistered(address indexed operator);
    /// @notice A staker delegated its shares.
    /// @param staker The staker.
    /// @param operator The operator.
    event StakerDelegated(address indexed staker, address indexed operator);
    /// @notice A staker took its delegation back.
    /// @param staker The staker.
    /// @param operator The former operator.
    event StakerUndelegated(address indexed staker, address indexed operator);
    /// @notice An operator's delegated shares changed.
    /// @param operator The operator.
    /// @param shares Its new total.
    event OperatorSharesUpdated(address indexed operator, uint256 shares);
    /// @notice A withdrawal was queued.
    /// @param id The withdrawal id.
    /// @param staker The staker.
    /// @param amount Shares withdrawn.
    /// @param completableAtBlock First block at which it can be completed.
    event WithdrawalQueued(
        uint256 indexed id, address indexed staker, uint256 amount, uint256 completableAtBlock
    );
    /// @notice A withdrawal was paid out.
    /// @param id The withdrawal id.
    /// @param staker The staker.
    /// @param amount Tokens paid.
    event WithdrawalCompleted(uint256 indexed id, address indexed staker, uint256 amount);
    /// @notice The withdrawal delay changed.
    /// @param previous Old delay in blocks.
    /// @param current New delay in blocks.
    event MinWithdrawalDelayBlocksUpdated(uint256 previous, uint256 current);

    /// @notice Amount zero.
    error ZeroAmount();
    /// @notice The staker has fewer shares than requested.
    error InsufficientShares();
    /// @notice The address is already an operator.
    error AlreadyOperator();
    /// @notice The target is not a registered operator.
    error NotOperator();
    /// @notice The staker is already delegated.
    error AlreadyDelegated();
    /// @notice The staker is not delegated.
    error NotDelegated();
    /// @notice Operators stay delegated to themselves.
    error OperatorCannotUndelegate();
    /// @notice No such withdrawal, or it belongs to someone else.
    error UnknownWithdrawal();
    /// @notice The withdrawal was already completed.
    error WithdrawalAlreadyCompleted();
    /// @notice The withdrawal delay has not passed.
    error WithdrawalDelayNotPassed(uint256 completableAtBlock);
    /// @notice Amounts beyond 2^96 - 1 are not supported.
    error AmountTooLarge();

    /// @param stakeToken The token stakers deposit.
    /// @param initialOwner May change the withdrawal delay.
    /// @param withdrawalDelayBlocks Blocks between queueing and completing a withdrawal.
    constructor(
        IERC20 stakeToken,
        address initialOwner,
        uint256 withdrawalDelayBlocks
    ) Ownable(initialOwner) {
        token = stakeToken;
        minWithdrawalDelayBlocks = withdrawalDelayBlocks;
        emit MinWithdrawalDelayBlocksUpdated(0, withdrawalDelayBlocks);
    }

    /// @notice Deposits `amount` tokens (approve first); the shares follow the caller's delegation.
    /// @param amount Tokens to deposit.
    function deposit(
        uint256 amount
    ) external {
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint96).max) revert AmountTooLarge();
        token.safeTransferFrom(msg.sender, address(this), amount);
        stakerShares[msg.sender] += amount;
        emit Deposited(msg.sender, amount);
        address operator = delegatedTo[msg.sender];
        if (operator != address(0)) _addOperatorShares(operator, amount);
    }

    /// @notice Registers the caller as an operator, delegated to itself.
    function registerAsOperator() external {
        if (isOperator[msg.sender]) revert AlreadyOperator();
        if (delegatedTo[msg.sender] != address(0)) revert AlreadyDelegated();
        isOperator[msg.sender] = true;
        emit OperatorRegistered(msg.sender);
        _delegate(msg.sender, msg.sender);
    }

    /// @notice Delegates all of the caller's shares (present and future) to `operator`.
    /// @param operator A registered operator.
    function delegateTo(
        address operator
    ) external {
        if (!isOperator[operator]) revert NotOperator();
        if (delegatedTo[msg.sender] != address(0)) revert AlreadyDelegated();
        _delegate(msg.sender, operator);
    }

    /// @notice Takes the caller's delegation back; its shares stop counting for the operator.
    function undelegate() external {
        address operator = delegatedTo[msg.sender];
        if (operator == address(0)) revert NotDelegated();
        if (isOperator[msg.sender]) revert OperatorCannotUndelegate();
        delegatedTo[msg.sender] = address(0);
        _removeOperatorShares(operator, stakerShares[msg.sender]);
        emit StakerUndelegated(msg.sender, operator);
    }

    /// @notice Queues a withdrawal of `amount` shares; they stop counting for the operator now.
    /// @param amount Shares to withdraw.
    /// @return id The withdrawal id.
    function queueWithdrawal(
        uint256 amount
    ) external returns (uint256 id) {
        if (amount == 0) revert ZeroAmount();
        if (stakerShares[msg.sender] < amount) revert InsufficientShares();
        stakerShares[msg.sender] -= amount;
        address operator = delegatedTo[msg.sender];
        if (operator != address(0)) _removeOperatorShares(operator, amount);
        id = withdrawalCount++;
        withdrawals[id] = Withdrawal({
            staker: msg.sender,
            amount: uint96(amount),
            startBlock: uint32(block.number),
            completed: false
        });
        emit WithdrawalQueued(id, msg.sender, amount, block.number + minWithdrawalDelayBlocks);
    }

    /// @notice Pays out a queued withdrawal once the delay has passed.
    /// @param id The withdrawal id.
    function completeWithdrawal(
        uint256 id
    ) external {
        Withdrawal storage w = withdrawals[id];
        if (w.staker != msg.sender || w.staker == address(0)) revert UnknownWithdrawal();
        if (w.completed) revert WithdrawalAlreadyCompleted();
        uint256 readyAt = uint256(w.startBlock) + minWithdrawalDelayBlocks;
        if (block.number < readyAt) revert WithdrawalDelayNotPassed(readyAt);
        w.completed = true;
        token.safeTransfer(msg.sender, w.amount);
        emit WithdrawalCompleted(id, msg.sender, w.amount);
    }

    /// @notice Sets the withdrawal delay. Owner only.
    /// @param blocks New delay in blocks.
    function setMinWithdrawalDelayBlocks(
        uint256 blocks
    ) external onlyOwner {
        emit MinWithdrawalDelayBlocksUpdated(minWithdrawalDelayBlocks, blocks);
        minWithdrawalDelayBlocks = blocks;
    }

    /// @inheritdoc IDelegationManager
    /// @dev Only this vault's own address is a known strategy; others count zero.
    function getOperatorShares(
        address operator,
        IStrategy[] memory strategies
    ) external view returns (uint256[] memory shares) {
        shares = new uint256[](strategies.length);
        for (uint256 i = 0; i < strategies.length; i++) {
            if (address(strategies[i]) == address(this)) shares[i] = operatorShares[operator];
        }
    }

    /// @inheritdoc IStrategy
    function underlyingToken() external view returns (address) {
        return address(token);
    }

    function _delegate(
        address staker,
        address operator
    ) internal {
        delegatedTo[staker] = operator;
        emit StakerDelegated(staker, operator);
        uint256 shares = stakerShares[staker];
        if (shares != 0) _addOperatorShares(operator, shares);
    }

    function _addOperatorShares(
        address operator,
        uint256 amount
    ) internal {
        uint256 total = operatorShares[operator] + amount;
        operatorShares[operator] = total;
        emit OperatorSharesUpdated(operator, total);
    }

    function _removeOperatorShares(
        address operator,
        uint256 amount
    ) internal {
        uint256 total = operatorShares[operator] - amount;
        operatorShares[operator] = total;
        emit OperatorSharesUpdated(operator, total);
    }
}
