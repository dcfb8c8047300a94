// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Vm
/// @notice The subset of Foundry's cheatcodes mpavs tests and scripts use. forge-std is not
///         on the npm registry, so the project declares the cheatcode interface itself; the
///         signatures are Foundry's, the cheatcode contract lives at the fixed address below.
interface Vm {
    // ---- environment ----
    function warp(
        uint256 timestamp
    ) external;
    function roll(
        uint256 blockNumber
    ) external;
    function setBlockhash(
        uint256 blockNumber,
        bytes32 blockHash
    ) external;
    function chainId(
        uint256 newChainId
    ) external;
    function deal(
        address account,
        uint256 newBalance
    ) external;
    function etch(
        address target,
        bytes calldata code
    ) external;
    function load(
        address target,
        bytes32 slot
    ) external view returns (bytes32 data);
    function store(
        address target,
        bytes32 slot,
        bytes32 value
    ) external;
    function prank(
        address msgSender
    ) external;
    function prank(
        address msgSender,
        address txOrigin
    ) external;
    function startPrank(
        address msgSender
    ) external;
    function stopPrank() external;
    function label(
        address account,
        string calldata newLabel
    ) external;
    function assume(
        bool condition
    ) external pure;
    function snapshotState() external returns (uint256 snapshotId);
    function revertToState(
        uint256 snapshotId
    ) external returns (bool success);
    function cool(
        address target
    ) external;
    function pauseGasMetering() external;
    function resumeGasMetering() external;
    function lastCallGas() external view returns (Gas memory gas);
    function getNonce(
        address account
    ) external view returns (uint64 nonce);
    function computeCreateAddress(
        address deployer,
        uint256 nonce
    ) external pure returns (address);

    struct Gas {
        uint64 gasLimit;
        uint64 gasTotalUsed;
        uint64 gasMemoryUsed;
        int64 gasRefunded;
        uint64 gasRemaining;
    }

    // ---- keys and signatures ----
    function addr(
        uint256 privateKey
    ) external pure returns (address keyAddr);
    function sign(
        uint256 privateKey,
        bytes32 digest
    ) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function signP256(
        uint256 privateKey,
        bytes32 digest
    ) external pure returns (bytes32 r, bytes32 s);
    function publicKeyP256(
        uint256 privateKey
    ) external pure returns (uint256 publicKeyX, uint256 publicKeyY);

    // ---- expectations ----
    function expectRevert() external;
    function expectRevert(
        bytes4 revertData
    ) external;
    function expectRevert(
        bytes calldata revertData
    ) external;
    /// @dev Expects a revert whose data starts with this selector (custom error, any arguments).
    function expectPartialRevert(
        bytes4 revertData
    ) external;
    function expectEmit() external;
    function expectEmit(
        address emitter
    ) external;
    function expectEmit(
        bool checkTopic1,
        bool checkTopic2,
        bool checkTopic3,
        bool checkData
    ) external;
    function expectEmit(
        bool checkTopic1,
        bool checkTopic2,
        bool checkTopic3,
        bool checkData,
        address emitter
    ) external;
    function mockCall(
        address callee,
        bytes calldata data,
        bytes calldata returnData
    ) external;
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);

    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    // ---- assertions (Foundry formats the failure message) ----
    function assertTrue(
        bool condition,
        string calldata error
    ) external pure;
    function assertFalse(
        bool condition,
        string calldata error
    ) external pure;
    function assertEq(
        bool left,
        bool right,
        string calldata error
    ) external pure;
    function assertEq(
        uint256 left,
        uint256 right,
        string calldata error
    ) external pure;
    function assertEq(
        int256 left,
        int256 right,
        string calldata error
    ) external pure;
    function assertEq(
        address left,
        address right,
        string calldata error
    ) external pure;
    function assertEq(
        bytes32 left,
        bytes32 right,
        string calldata error
    ) external pure;
    function assertEq(
        bytes calldata left,
        bytes calldata right,
        string calldata error
    ) external pure;
    function assertEq(
        string calldata left,
        string calldata right,
        string calldata error
    ) external pure;
    function assertNotEq(
        uint256 left,
        uint256 right,
        string calldata error
    ) external pure;
    function assertNotEq(
        bytes32 left,
        bytes32 right,
        string calldata error
    ) external pure;
    function assertNotEq(
        address left,
        address right,
        string calldata error
    ) external pure;
    function assertGt(
        uint256 left,
        uint256 right,
        string calldata error
    ) external pure;
    function assertGe(
        uint256 left,
        uint256 right,
        string calldata error
    ) external pure;
    function assertLt(
        uint256 left,
        uint256 right,
        string calldata error
    ) external pure;
    function assertLe(
        uint256 left,
        uint256 right,
        string calldata error
    ) external pure;

    // ---- files, JSON, environment, processes ----
    function projectRoot() external view returns (string memory path);
    function readFile(
        string calldata path
    ) external view returns (string memory data);
    function readFileBinary(
        string calldata path
    ) external view returns (bytes memory data);
    function writeFile(
        string calldata path,
        string calldata data
    ) external;
    function exists(
        string calldata path
    ) external view returns (bool result);

    struct DirEntry {
        string errorMessage;
        string path;
        uint64 depth;
        bool isDir;
        bool isSymlink;
    }

    function readDir(
        string calldata path
    ) external view returns (DirEntry[] memory entries);
    function isFile(
        string calldata path
    ) external view returns (bool result);
    function createDir(
        string calldata path,
        bool recursive
    ) external;
    function writeJson(
        string calldata json,
        string calldata path
    ) external;
    function parseJson(
        string calldata json,
        string calldata key
    ) external pure returns (bytes memory abiEncodedData);
    function parseJsonUint(
        string calldata json,
        string calldata key
    ) external pure returns (uint256);
    function parseJsonBytes(
        string calldata json,
        string calldata key
    ) external pure returns (bytes memory);
    function parseJsonUintArray(
        string calldata json,
        string calldata key
    ) external pure returns (uint256[] memory);
    function parseJsonBytes32(
        string calldata json,
        string calldata key
    ) external pure returns (bytes32);
    function parseJsonAddress(
        string calldata json,
        string calldata key
    ) external pure returns (address);
    function parseJsonString(
        string calldata json,
        string calldata key
    ) external pure returns (string memory);
    function parseJsonBool(
        string calldata json,
        string calldata key
    ) external pure returns (bool);
    function parseJsonKeys(
        string calldata json,
        string calldata key
    ) external pure returns (string[] memory keys);
    function parseBytes(
        string calldata stringifiedValue
    ) external pure returns (bytes memory parsedValue);
    function parseUint(
        string calldata stringifiedValue
    ) external pure returns (uint256 parsedValue);
    function serializeAddress(
        string calldata objectKey,
        string calldata valueKey,
        address value
    ) external returns (string memory json);
    function serializeUint(
        string calldata objectKey,
        string calldata valueKey,
        uint256 value
    ) external returns (string memory json);
    function serializeString(
        string calldata objectKey,
        string calldata valueKey,
        string calldata value
    ) external returns (string memory json);
    function serializeBytes32(
        string calldata objectKey,
        string calldata valueKey,
        bytes32 value
    ) external returns (string memory json);
    function serializeBytes32(
        string calldata objectKey,
        string calldata valueKey,
        bytes32[] calldata values
    ) external returns (string memory json);
    function serializeBool(
        string calldata objectKey,
        string calldata valueKey,
        bool value
    ) external returns (string memory json);
    function toString(
        uint256 value
    ) external pure returns (string memory stringifiedValue);
    function toString(
        address value
    ) external pure returns (string memory stringifiedValue);
    function toString(
        bytes calldata value
    ) external pure returns (string memory stringifiedValue);
    function toString(
        bytes32 value
    ) external pure returns (string memory stringifiedValue);
    function envOr(
        string calldata name,
        uint256 defaultValue
    ) external view returns (uint256 value);
    function envOr(
        string calldata name,
        address defaultValue
    ) external view returns (address value);
    function envOr(
        string calldata name,
        string calldata defaultValue
    ) external view returns (string memory value);
    function envOr(
        string calldata name,
        bool defaultValue
    ) external view returns (bool value);
    function envUint(
        string calldata name
    ) external view returns (uint256 value);
    function setEnv(
        string calldata name,
        string calldata value
    ) external;
    function envString(
        string calldata name
    ) external view returns (string memory value);
    function envOr(
        string calldata name,
        string calldata delim,
        bytes32[] calldata defaultValue
    ) external view returns (bytes32[] memory value);
    function envOr(
        string calldata name,
        string calldata delim,
        string[] calldata defaultValue
    ) external view returns (string[] memory value);
    function ffi(
        string[] calldata commandInput
    ) external returns (bytes memory result);

    // ---- scripts ----
    function startBroadcast() external;
    function startBroadcast(
        uint256 privateKey
    ) external;
    function stopBroadcast() external;
}
