// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MpavsFixture} from "../utils/MpavsFixture.sol";
import {IMultiProverServiceManager} from "../../src/interfaces/IMultiProverServiceManager.sol";
import {IBLSSignatureChecker} from "../../src/interfaces/IBLSSignatureChecker.sol";

/// @notice Gas of confirmState for 10/50/100 operators (quorum 0, equal stakes, all live) and
///         0 %, 10 %, 33 % non-signers, as Markdown rows for bench/contracts_gas.sh. The figure
///         is vm.lastCallGas().gasTotalUsed: run with `forge test --isolate` (as the benchmark
///         does) every confirmState is its own transaction and this is its gasUsed (21,000,
///         calldata, cold accounts and storage, refunds); without --isolate it is execution gas
///         only. hashToG1 needs a digest-dependent number of modexp calls, so each cell is
///         measured over 8 different tasks. Budgets are compared in the benchmark, not here:
///         a test that asserts gas fails or passes with the measuring mode.
contract ConfirmStateGasTest is MpavsFixture {
    uint256 internal constant TASKS = 8;

    event log(string);

    struct Cell {
        uint256 minGas;
        uint256 maxGas;
        uint256 sumGas;
    }

    function test_confirmState_GasTable10() public {
        _table(10);
    }

    function test_confirmState_GasTable50() public {
        _table(50);
    }

    function test_confirmState_GasTable100() public {
        _table(100);
    }

    /// @dev Committee 2 asks the MockRollup task validator first: its cost over committee 1.
    function test_confirmState_GasBatchCommittee() public {
        _setUpLive(10);
        Cell memory c;
        c.minGas = type(uint256).max;
        for (uint256 t = 0; t < TASKS; t++) {
            bytes32 batchHash = keccak256(abi.encode("batch", t));
            vm.prank(address(0x5E0)); // the fixture's sequencer
            d.rollup.commitBatch(batchHash, uint64(1 + 4 * t), uint64(4 + 4 * t));
            vm.roll(block.number + 1);
            IMultiProverServiceManager.StateHeader memory h;
            h.identifier = 2;
            h.metadata = abi.encode(uint256(31_338), t, 1 + 4 * t, 4 + 4 * t);
            h.state = abi.encode(keccak256(abi.encode(t)), keccak256(abi.encode(t + 1)), batchHash);
            h.referenceBlockNumber = uint32(block.number - 1);
            IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
                _signedParams(h, hex"00", _range(0, 10), new uint256[](0));
            _coolEverything();
            vm.cool(address(d.rollup));
            vm.cool(address(d.batchTaskValidator));
            d.serviceManager.confirmState(h, p);
            _add(c, vm.lastCallGas().gasTotalUsed);
            assertTrue(d.serviceManager.isStateConfirmed(2, h.metadata, h.state));
        }
        emit log(string.concat(
                "| 10 | 0 (0 %), committee 2 (MockRollup task validator) | ",
                vm.toString(c.sumGas / TASKS),
                " | ",
                vm.toString(c.minGas),
                " | ",
                vm.toString(c.maxGas),
                " | - |"
            ));
    }

    function _add(
        Cell memory c,
        uint256 g
    ) internal pure {
        c.sumGas += g;
        if (g < c.minGas) c.minGas = g;
        if (g > c.maxGas) c.maxGas = g;
    }

    function _setUpLive(
        uint256 n
    ) internal {
        _setUpSystem(66, n);
        for (uint256 i = 0; i < n; i++) {
            _register(i, hex"00", 1 ether);
        }
        vm.roll(block.number + 5);
        for (uint256 i = 0; i < n; i++) {
            _makeLive(i);
        }
        vm.roll(block.number + 1);
    }

    function _table(
        uint256 n
    ) internal {
        _setUpLive(n);

        uint256[3] memory pct = [uint256(0), 10, 33];
        uint256 base;
        for (uint256 k = 0; k < 3; k++) {
            uint256 m = n * pct[k] / 100;
            Cell memory c = _measure(n, m, k);
            uint256 mean = c.sumGas / TASKS;
            string memory perNonSigner = "-";
            if (k == 0) {
                base = mean;
            } else {
                uint256 per = mean > base ? (mean - base) / m : 0;
                perNonSigner = vm.toString(per);
            }
            emit log(string.concat(
                    "| ",
                    vm.toString(n),
                    " | ",
                    vm.toString(m),
                    " (",
                    vm.toString(pct[k]),
                    " %) | ",
                    vm.toString(mean),
                    " | ",
                    vm.toString(c.minGas),
                    " | ",
                    vm.toString(c.maxGas),
                    " | ",
                    perNonSigner,
                    " |"
                ));
        }
    }

    function _measure(
        uint256 n,
        uint256 m,
        uint256 k
    ) internal returns (Cell memory c) {
        c.minGas = type(uint256).max;
        uint256[] memory nonSigners = _range(n - m, n);
        for (uint256 t = 0; t < TASKS; t++) {
            IMultiProverServiceManager.StateHeader memory h =
                _header(1, 1000 * k + t, uint32(block.number - 1));
            IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
                _signedParams(h, hex"00", _range(0, n), nonSigners);
            _coolEverything();
            d.serviceManager.confirmState(h, p);
            _add(c, vm.lastCallGas().gasTotalUsed);
            assertTrue(d.serviceManager.isStateConfirmed(1, h.metadata, h.state));
        }
    }

    function _coolEverything() internal {
        vm.cool(address(d.serviceManager));
        vm.cool(d.serviceManagerImpl);
        vm.cool(address(d.livenessVerifier));
        vm.cool(address(d.registryCoordinator));
        vm.cool(address(d.blsApkRegistry));
        vm.cool(address(d.stakeRegistry));
        vm.cool(address(d.indexRegistry));
    }
}
