// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ITaskValidator} from "../interfaces/ITaskValidator.sol";
import {MockRollup} from "./MockRollup.sol";

/// @title MockRollupTaskValidator
/// @notice The task validator of the L2 batch committee (identifier 2, docs/protocol.md
///         section 1): a header is valid only if its batch is committed to the MockRollup with
///         the same L2 chain id, block range and batch hash. The state roots are what operators
///         prove and are not known on chain; the batch hash and range are, so a state for a
///         batch that was never committed (or a different batch) cannot be confirmed.
/// @dev metadata = abi.encode(uint256 l2ChainId, uint256 batchIndex, uint256 firstBlock,
///      uint256 lastBlock) (128 bytes); state = abi.encode(bytes32 prevStateRoot,
///      bytes32 postStateRoot, bytes32 batchHash) (96 bytes). Any other length is invalid.
contract MockRollupTaskValidator is ITaskValidator {
    /// @notice Committee identifier this validator understands (L2 batch).
    uint256 public constant IDENTIFIER = 2;

    /// @notice The rollup whose committed batches are the tasks.
    MockRollup public immutable rollup;

    /// @param rollup_ The MockRollup.
    constructor(
        MockRollup rollup_
    ) {
        rollup = rollup_;
    }

    /// @inheritdoc ITaskValidator
    function isValidTask(
        uint256 identifier,
        bytes calldata metadata,
        bytes calldata state
    ) external view returns (bool) {
        if (identifier != IDENTIFIER || metadata.length != 128 || state.length != 96) return false;
        (uint256 chainId, uint256 index, uint256 firstBlock, uint256 lastBlock) =
            abi.decode(metadata, (uint256, uint256, uint256, uint256));
        (,, bytes32 batchHash) = abi.decode(state, (bytes32, bytes32, bytes32));
        if (chainId != rollup.l2ChainId() || index >= rollup.batchCount()) return false;
        MockRollup.Batch memory b = rollup.getBatch(index);
        return b.batchHash == batchHash && b.firstBlock == firstBlock && b.lastBlock == lastBlock;
    }
}
