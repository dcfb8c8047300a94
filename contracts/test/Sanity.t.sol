// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Test} from "./utils/Test.sol";

/// @notice Checks the toolchain the contracts rely on: the osaka precompiles are present.
contract ToolchainTest is Test {
    /// @dev P256VERIFY (EIP-7951) at 0x100 returns empty output for an invalid signature.
    function test_p256verify_RejectsZeroSignature() public view {
        (bool ok, bytes memory out) = address(0x100).staticcall(abi.encode(0, 0, 0, 0, 0));
        assertTrue(ok);
        assertEq(out.length, 0);
    }

    /// @dev ecAdd (0x06) of the generator with infinity is the generator.
    function test_ecAdd_GeneratorPlusInfinity() public view {
        (bool ok, bytes memory out) = address(0x06).staticcall(abi.encode(1, 2, 0, 0));
        assertTrue(ok);
        assertEq(out, abi.encode(1, 2));
    }
}
