// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Contracts the L2 traffic generator (scripts/l2-traffic.sh) deploys on the devnet's L2 so that
// stateless re-execution (docs/prover.md) sees every kind of state change: ERC-20 and ERC-721
// from the pinned OpenZeppelin package, storage writes and clears, logs, reverts, BLOCKHASH, and
// a contract created and self-destructed in one transaction.

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// An ERC-20 whose deployer gets the whole supply.
contract TrafficToken is ERC20 {
    constructor(
        uint256 supply
    ) ERC20("Traffic Token", "TT") {
        _mint(msg.sender, supply);
    }
}

/// An ERC-721 anyone can mint.
contract TrafficNFT is ERC721 {
    constructor() ERC721("Traffic NFT", "TNFT") {}

    function mint(
        address to,
        uint256 id
    ) external {
        _mint(to, id);
    }
}

/// Created and destroyed in the same transaction (EIP-6780 then deletes it).
contract Ephemeral {
    constructor(
        address payable beneficiary
    ) payable {
        selfdestruct(beneficiary);
    }
}

/// Storage writes and clears, logs, reverts and BLOCKHASH on demand.
contract TrafficStore {
    mapping(uint256 => uint256) public slots;
    bytes32 public lastHash;

    event Written(uint256 indexed key, uint256 value);

    function write(
        uint256 key,
        uint256 value
    ) external {
        slots[key] = value;
        emit Written(key, value);
    }

    function clear(
        uint256 key
    ) external {
        delete slots[key];
    }

    /// Reverts before touching storage (anvil's trie would keep a slot a reverted transaction
    /// loaded only as far as its commit goes; see docs/prover.md).
    function fail(
        uint256 key
    ) external pure {
        revert(key == 0 ? "TrafficStore: failing on purpose" : "TrafficStore: failing");
    }

    function recordHash(
        uint256 back
    ) external {
        lastHash = blockhash(block.number - back);
    }

    function createAndDestroy() external payable {
        new Ephemeral{value: msg.value}(payable(msg.sender));
    }
}
