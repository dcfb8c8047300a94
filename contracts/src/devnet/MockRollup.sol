// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @title MockRollup
/// @notice The devnet's L1 rollup contract: a sequencer commits consecutive L2 block ranges as
///         batches, and the aggregator turns each BatchCommitted event into a task (committee
///         identifier 2, metadata abi.encode(chainId, batchIndex, firstBlock, lastBlock)).
///         Devnet only; it checks continuity, not contents.
contract MockRollup is Ownable2Step {
    /// @notice A committed batch.
    /// @param batchHash Hash of the batch data (chosen by the sequencer).
    /// @param firstBlock First L2 block of the range.
    /// @param lastBlock Last L2 block of the range.
    /// @param committedAtBlock L1 block of the commit.
    struct Batch {
        bytes32 batchHash;
        uint64 firstBlock;
        uint64 lastBlock;
        uint64 committedAtBlock;
    }

    /// @notice The L2 chain id the batches belong to.
    uint256 public immutable l2ChainId;
    /// @notice Address allowed to commit batches.
    address public sequencer;
    /// @notice The L2 block the next batch must start at.
    uint64 public nextBlock;
    /// @notice Committed batches by index (0, 1, 2, ...).
    Batch[] internal _batches;

    /// @notice A batch was committed.
    /// @param batchIndex Its index.
    /// @param batchHash Its hash.
    /// @param firstBlock First L2 block of the range.
    /// @param lastBlock Last L2 block of the range.
    event BatchCommitted(
        uint256 indexed batchIndex, bytes32 indexed batchHash, uint64 firstBlock, uint64 lastBlock
    );
    /// @notice The sequencer changed.
    /// @param previous Old sequencer.
    /// @param current New sequencer.
    event SequencerUpdated(address previous, address current);

    /// @notice The caller is not the sequencer.
    error OnlySequencer();
    /// @notice The batch does not start right after the previous one.
    error NonContiguousBatch(uint64 expectedFirstBlock, uint64 firstBlock);
    /// @notice lastBlock is before firstBlock.
    error EmptyBlockRange();
    /// @notice The batch hash is zero.
    error ZeroBatchHash();
    /// @notice No batch has this index.
    error UnknownBatch(uint256 batchIndex);

    /// @param initialOwner May change the sequencer.
    /// @param initialSequencer May commit batches.
    /// @param chainId The L2 chain id.
    /// @param firstL2Block The L2 block the first batch starts at.
    constructor(
        address initialOwner,
        address initialSequencer,
        uint256 chainId,
        uint64 firstL2Block
    ) Ownable(initialOwner) {
        l2ChainId = chainId;
        nextBlock = firstL2Block;
        _setSequencer(initialSequencer);
    }

    /// @notice Commits the L2 blocks [firstBlock, lastBlock]. Sequencer only.
    /// @param batchHash Hash identifying the batch's data.
    /// @param firstBlock Must equal nextBlock.
    /// @param lastBlock Must be >= firstBlock.
    /// @return batchIndex The new batch's index.
    function commitBatch(
        bytes32 batchHash,
        uint64 firstBlock,
        uint64 lastBlock
    ) external returns (uint256 batchIndex) {
        if (msg.sender != sequencer) revert OnlySequencer();
        if (batchHash == bytes32(0)) revert ZeroBatchHash();
        if (firstBlock != nextBlock) revert NonContiguousBatch(nextBlock, firstBlock);
        if (lastBlock < firstBlock) revert EmptyBlockRange();
        batchIndex = _batches.length;
        _batches.push(
            Batch({
                batchHash: batchHash,
                firstBlock: firstBlock,
                lastBlock: lastBlock,
                committedAtBlock: uint64(block.number)
            })
        );
        nextBlock = lastBlock + 1;
        emit BatchCommitted(batchIndex, batchHash, firstBlock, lastBlock);
    }

    /// @notice Sets the sequencer. Owner only.
    /// @param newSequencer The new sequencer.
    function setSequencer(
        address newSequencer
    ) external onlyOwner {
        _setSequencer(newSequencer);
    }

    /// @notice Number of committed batches.
    function batchCount() external view returns (uint256) {
        return _batches.length;
    }

    /// @notice A committed batch.
    /// @param batchIndex Its index.
    function getBatch(
        uint256 batchIndex
    ) external view returns (Batch memory) {
        if (batchIndex >= _batches.length) revert UnknownBatch(batchIndex);
        return _batches[batchIndex];
    }

    function _setSequencer(
        address newSequencer
    ) internal {
        emit SequencerUpdated(sequencer, newSequencer);
        sequencer = newSequencer;
    }
}
