// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MpavsFixture} from "../utils/MpavsFixture.sol";
import {IMultiProverServiceManager} from "../../src/interfaces/IMultiProverServiceManager.sol";
import {IBLSSignatureChecker} from "../../src/interfaces/IBLSSignatureChecker.sol";

contract SmokeTest is MpavsFixture {
    function setUp() public {
        _setUpSystem(67, 10);
        _registerLive(10);
    }

    function test_confirmState_smoke() public {
        uint32 ref = uint32(block.number - 1);
        IMultiProverServiceManager.StateHeader memory h = _header(1, 7, ref);
        bytes32 digest = d.serviceManager.stateHeaderDigest(h);
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _params(hex"00", ref, digest, _range(0, 10), new uint256[](0));
        vm.cool(address(d.serviceManager));
        vm.cool(d.serviceManagerImpl);
        vm.cool(address(d.livenessVerifier));
        vm.cool(address(d.registryCoordinator));
        vm.cool(address(d.blsApkRegistry));
        vm.cool(address(d.stakeRegistry));
        vm.cool(address(d.indexRegistry));
        d.serviceManager.confirmState(h, p);
        emit log_uint(vm.lastCallGas().gasTotalUsed);
        assertTrue(d.serviceManager.isStateConfirmed(1, h.metadata, h.state));
    }
    event log_uint(uint256);
}
