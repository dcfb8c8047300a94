// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Vm} from "./Vm.sol";

/// @title Test
/// @notice Minimal test base for mpavs forge tests: the cheatcode handle, assertions that
///         report through Foundry's assertion cheatcodes, and `bound` for fuzz inputs.
abstract contract Test {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function assertTrue(
        bool c
    ) internal pure {
        vm.assertTrue(c, "expected true");
    }

    function assertTrue(
        bool c,
        string memory m
    ) internal pure {
        vm.assertTrue(c, m);
    }

    function assertFalse(
        bool c
    ) internal pure {
        vm.assertFalse(c, "expected false");
    }

    function assertFalse(
        bool c,
        string memory m
    ) internal pure {
        vm.assertFalse(c, m);
    }

    function assertEq(
        uint256 a,
        uint256 b
    ) internal pure {
        vm.assertEq(a, b, "values differ");
    }

    function assertEq(
        uint256 a,
        uint256 b,
        string memory m
    ) internal pure {
        vm.assertEq(a, b, m);
    }

    function assertEq(
        address a,
        address b
    ) internal pure {
        vm.assertEq(a, b, "addresses differ");
    }

    function assertEq(
        address a,
        address b,
        string memory m
    ) internal pure {
        vm.assertEq(a, b, m);
    }

    function assertEq(
        bytes32 a,
        bytes32 b
    ) internal pure {
        vm.assertEq(a, b, "words differ");
    }

    function assertEq(
        bytes32 a,
        bytes32 b,
        string memory m
    ) internal pure {
        vm.assertEq(a, b, m);
    }

    function assertEq(
        bool a,
        bool b
    ) internal pure {
        vm.assertEq(a, b, "booleans differ");
    }

    function assertEq(
        bool a,
        bool b,
        string memory m
    ) internal pure {
        vm.assertEq(a, b, m);
    }

    function assertEq(
        bytes memory a,
        bytes memory b
    ) internal pure {
        vm.assertEq(a, b, "bytes differ");
    }

    function assertEq(
        bytes memory a,
        bytes memory b,
        string memory m
    ) internal pure {
        vm.assertEq(a, b, m);
    }

    function assertEq(
        string memory a,
        string memory b
    ) internal pure {
        vm.assertEq(a, b, "strings differ");
    }

    function assertNotEq(
        bytes32 a,
        bytes32 b
    ) internal pure {
        vm.assertNotEq(a, b, "words equal");
    }

    function assertNotEq(
        uint256 a,
        uint256 b
    ) internal pure {
        vm.assertNotEq(a, b, "values equal");
    }

    function assertNotEq(
        address a,
        address b
    ) internal pure {
        vm.assertNotEq(a, b, "addresses equal");
    }

    function assertGt(
        uint256 a,
        uint256 b
    ) internal pure {
        vm.assertGt(a, b, "not greater");
    }

    function assertGe(
        uint256 a,
        uint256 b
    ) internal pure {
        vm.assertGe(a, b, "not greater or equal");
    }

    function assertLt(
        uint256 a,
        uint256 b
    ) internal pure {
        vm.assertLt(a, b, "not less");
    }

    function assertLe(
        uint256 a,
        uint256 b
    ) internal pure {
        vm.assertLe(a, b, "not less or equal");
    }

    /// @dev Maps x into [min, max] uniformly enough for fuzzing, keeping small values stable.
    function bound(
        uint256 x,
        uint256 min,
        uint256 max
    ) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }
}
