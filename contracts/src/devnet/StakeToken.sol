// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @title StakeToken
/// @notice The devnet's stake token: a plain ERC-20 the owner mints to operators and stakers,
///         who deposit it into the RestakingVault. Devnet only.
contract StakeToken is ERC20, Ownable2Step {
    /// @param initialOwner May mint.
    constructor(
        address initialOwner
    ) ERC20("mpavs devnet stake", "MPSTAKE") Ownable(initialOwner) {}

    /// @notice Mints `amount` to `to`. Owner only (emits Transfer from the zero address).
    /// @param to Receiver.
    /// @param amount Amount in wei units (18 decimals).
    function mint(
        address to,
        uint256 amount
    ) external onlyOwner {
        _mint(to, amount);
    }
}
