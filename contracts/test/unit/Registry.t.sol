// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MpavsFixture} from "../utils/MpavsFixture.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {BitmapUtils} from "../../src/libraries/BitmapUtils.sol";
import {IRegistryCoordinator} from "../../src/interfaces/IRegistryCoordinator.sol";
import {IBLSApkRegistry} from "../../src/interfaces/IBLSApkRegistry.sol";
import {IStakeRegistry} from "../../src/interfaces/IStakeRegistry.sol";
import {IIndexRegistry} from "../../src/interfaces/IIndexRegistry.sol";
import {IStrategy} from "../../src/interfaces/IStrategy.sol";
import {IAVSDirectory} from "../../src/interfaces/IAVSDirectory.sol";
import {ISignatureUtils} from "../../src/interfaces/ISignatureUtils.sol";
import {AVSDirectory} from "../../src/devnet/AVSDirectory.sol";
import {OperatorStateRetriever} from "../../src/middleware/OperatorStateRetriever.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Registration (PoP, AVS signature, stake), deregistration, histories and the state
///         retriever. Quorums 0 and 1, minimum stake 1 ether.
contract RegistryTest is MpavsFixture {
    using BN254 for BN254.G1Point;

    IRegistryCoordinator internal rc;

    function setUp() public {
        _setUpSystem(67, 12);
        rc = IRegistryCoordinator(address(d.registryCoordinator));
        IStakeRegistry.StrategyParams[] memory sp = new IStakeRegistry.StrategyParams[](1);
        sp[0] = IStakeRegistry.StrategyParams(IStrategy(address(d.vault)), 1e18);
        d.registryCoordinator.createQuorum(IRegistryCoordinator.OperatorSetParam(5, 0, 0), 1e18, sp);
        vm.roll(block.number + 1);
    }

    // ---- registration ----

    function test_registerOperator_RegistersWithValidPoP() public {
        _register(0, hex"00", 3 ether);
        assertEq(
            uint256(rc.getOperatorStatus(ops[0].addr)),
            uint256(IRegistryCoordinator.OperatorStatus.REGISTERED)
        );
        assertEq(rc.getOperatorId(ops[0].addr), ops[0].id);
        assertEq(rc.getOperatorFromId(ops[0].id), ops[0].addr);
        assertEq(uint256(rc.getCurrentQuorumBitmap(ops[0].id)), 1);
        BN254.G1Point memory apk = d.blsApkRegistry.getApk(0);
        assertEq(apk.X, ops[0].pk1.X);
        assertEq(apk.Y, ops[0].pk1.Y);
        (BN254.G1Point memory pk, bytes32 id) = d.blsApkRegistry.getRegisteredPubkey(ops[0].addr);
        assertEq(pk.X, ops[0].pk1.X);
        assertEq(id, ops[0].id);
        BN254.G2Point memory pk2 = d.blsApkRegistry.getOperatorPubkeyG2(ops[0].addr);
        assertEq(pk2.X[0], ops[0].pk2.X[0]);
        assertEq(pk2.Y[1], ops[0].pk2.Y[1]);
        assertEq(uint256(d.stakeRegistry.getCurrentStake(ops[0].id, 0)), 3 ether);
        assertEq(uint256(d.stakeRegistry.getCurrentTotalStake(0)), 3 ether);
        assertEq(uint256(d.indexRegistry.totalOperatorsForQuorum(0)), 1);
        assertEq(uint256(d.indexRegistry.operatorNumber(ops[0].id)), 1);
        assertEq(d.indexRegistry.operatorIdByNumber(1), ops[0].id);
        assertEq(
            uint256(d.avsDirectory.avsOperatorStatus(address(d.serviceManager), ops[0].addr)),
            uint256(IAVSDirectory.OperatorAVSRegistrationStatus.REGISTERED)
        );
    }

    function test_registerOperator_RevertWhen_WrongPoP() public {
        _stake(0, 2 ether);
        IBLSApkRegistry.PubkeyRegistrationParams memory p = _pubkeyParams(ops[0]);
        p.pubkeyRegistrationSignature = p.pubkeyRegistrationSignature.plus(BN254.generatorG1());
        _expectRegisterRevert(0, p, IBLSApkRegistry.InvalidBLSSignatureOrPrivateKey.selector);
    }

    function test_registerOperator_RevertWhen_PoPSignedForOtherOperator() public {
        _stake(0, 2 ether);
        IBLSApkRegistry.PubkeyRegistrationParams memory p = _pubkeyParams(ops[0]);
        BN254.G1Point memory h = d.registryCoordinator.pubkeyRegistrationMessageHash(ops[1].addr);
        p.pubkeyRegistrationSignature = h.scalar_mul(ops[0].sk);
        _expectRegisterRevert(0, p, IBLSApkRegistry.InvalidBLSSignatureOrPrivateKey.selector);
    }

    function test_registerOperator_RevertWhen_G2KeyOfOtherSecret() public {
        _stake(0, 2 ether);
        IBLSApkRegistry.PubkeyRegistrationParams memory p = _pubkeyParams(ops[0]);
        p.pubkeyG2 = ops[1].pk2;
        _expectRegisterRevert(0, p, IBLSApkRegistry.InvalidBLSSignatureOrPrivateKey.selector);
    }

    function test_registerOperator_RevertWhen_G2KeyInvalid() public {
        _stake(0, 2 ether);
        IBLSApkRegistry.PubkeyRegistrationParams memory p = _pubkeyParams(ops[0]);
        p.pubkeyG2.X[0] = p.pubkeyG2.X[0] ^ 1; // off the twist: the pairing precompile fails
        _expectRegisterRevert(0, p, IBLSApkRegistry.InvalidBLSSignatureOrPrivateKey.selector);
    }

    function test_registerOperator_RevertWhen_PubkeyTakenByOtherOperator() public {
        _register(0, hex"00", 2 ether);
        _stake(1, 2 ether);
        // Operator 1 presents operator 0's key with a valid PoP for its own address.
        Op memory thief = ops[0];
        thief.addr = ops[1].addr;
        IBLSApkRegistry.PubkeyRegistrationParams memory p = _pubkeyParams(thief);
        _expectRegisterRevert(1, p, IBLSApkRegistry.BLSPubkeyAlreadyRegistered.selector);
    }

    function test_registerOperator_RevertWhen_BelowMinimumStake() public {
        _stake(0, 0.5 ether);
        _expectRegisterRevert(
            0, _pubkeyParams(ops[0]), IStakeRegistry.BelowMinimumStakeRequirement.selector
        );
    }

    function test_registerOperator_RevertWhen_AvsSignatureInvalid() public {
        _stake(0, 2 ether);
        IBLSApkRegistry.PubkeyRegistrationParams memory p = _pubkeyParams(ops[0]);
        ISignatureUtils.SignatureWithSaltAndExpiry memory s = _avsSignature(ops[1], bytes32(0));
        vm.prank(ops[0].addr);
        vm.expectRevert(AVSDirectory.InvalidSignature.selector);
        d.registryCoordinator.registerOperator(hex"00", "socket", p, s);
    }

    function test_registerOperator_RevertWhen_AvsSignatureExpired() public {
        _stake(0, 2 ether);
        IBLSApkRegistry.PubkeyRegistrationParams memory p = _pubkeyParams(ops[0]);
        ISignatureUtils.SignatureWithSaltAndExpiry memory s = _avsSignature(ops[0], bytes32(0));
        vm.warp(s.expiry + 1);
        vm.prank(ops[0].addr);
        vm.expectRevert(AVSDirectory.SignatureExpired.selector);
        d.registryCoordinator.registerOperator(hex"00", "socket", p, s);
    }

    function test_registerOperator_RevertWhen_AvsSaltReused() public {
        _stake(0, 2 ether);
        _registerStaked(0, hex"00", bytes32("salt"));
        vm.prank(ops[0].addr);
        d.registryCoordinator.deregisterOperator(hex"00");
        IBLSApkRegistry.PubkeyRegistrationParams memory p = _pubkeyParams(ops[0]);
        ISignatureUtils.SignatureWithSaltAndExpiry memory s = _avsSignature(ops[0], bytes32("salt"));
        vm.prank(ops[0].addr);
        vm.expectRevert(AVSDirectory.SaltSpent.selector);
        d.registryCoordinator.registerOperator(hex"00", "socket", p, s);
        _registerStaked(0, hex"00", bytes32("salt2"));
    }

    function test_registerOperator_RevertWhen_NotVaultOperator() public {
        d.stakeToken.mint(ops[0].addr, 2 ether);
        IBLSApkRegistry.PubkeyRegistrationParams memory p = _pubkeyParams(ops[0]);
        ISignatureUtils.SignatureWithSaltAndExpiry memory s = _avsSignature(ops[0], bytes32(0));
        vm.prank(ops[0].addr);
        vm.expectRevert(AVSDirectory.OperatorNotRegisteredToEigenLayer.selector);
        d.registryCoordinator.registerOperator(hex"00", "socket", p, s);
    }

    function test_registerOperator_RevertWhen_QuorumFull() public {
        d.registryCoordinator
            .setOperatorSetParams(0, IRegistryCoordinator.OperatorSetParam(1, 0, 0));
        _register(0, hex"00", 2 ether);
        _stake(1, 2 ether);
        _expectRegisterRevert(
            1, _pubkeyParams(ops[1]), IRegistryCoordinator.MaxOperatorCountReached.selector
        );
    }

    function test_registerOperator_RevertWhen_Paused() public {
        d.registryCoordinator.pause();
        _stake(0, 2 ether);
        _expectRegisterRevert(0, _pubkeyParams(ops[0]), Pausable.EnforcedPause.selector);
        d.registryCoordinator.unpause();
        _registerStaked(0, hex"00", bytes32(0));
    }

    function test_registerOperator_RevertWhen_QuorumsInvalid() public {
        _register(0, hex"00", 2 ether);
        IBLSApkRegistry.PubkeyRegistrationParams memory p = _pubkeyParams(ops[0]);
        ISignatureUtils.SignatureWithSaltAndExpiry memory s;
        vm.startPrank(ops[0].addr);
        vm.expectRevert(IRegistryCoordinator.AlreadyRegisteredForQuorums.selector);
        d.registryCoordinator.registerOperator(hex"00", "socket", p, s);
        vm.expectRevert(BitmapUtils.BytesArrayNotOrdered.selector);
        d.registryCoordinator.registerOperator(hex"0100", "socket", p, s);
        vm.expectRevert(BitmapUtils.BitmapValueTooLarge.selector);
        d.registryCoordinator.registerOperator(hex"05", "socket", p, s);
        vm.expectRevert(IRegistryCoordinator.BitmapEmpty.selector);
        d.registryCoordinator.registerOperator("", "socket", p, s);
        vm.stopPrank();
    }

    // ---- deregistration, updates, ejection ----

    function test_deregisterOperator_KeepsHistory() public {
        for (uint256 i = 0; i < 3; i++) {
            _register(i, hex"00", (i + 1) * 1 ether);
        }
        uint32 before = uint32(block.number);
        BN254.G1Point memory apkBefore = d.blsApkRegistry.getApk(0);
        vm.roll(block.number + 5);
        vm.prank(ops[0].addr);
        d.registryCoordinator.deregisterOperator(hex"00");
        assertEq(
            uint256(rc.getOperatorStatus(ops[0].addr)),
            uint256(IRegistryCoordinator.OperatorStatus.DEREGISTERED)
        );
        uint32 afterBlock = uint32(block.number);
        vm.roll(block.number + 1);

        bytes32[] memory old = d.indexRegistry.getOperatorListAtBlockNumber(0, before);
        assertEq(old.length, 3);
        assertEq(old[0], ops[0].id);
        bytes32[] memory cur = d.indexRegistry.getOperatorListAtBlockNumber(0, afterBlock);
        assertEq(cur.length, 2);
        assertEq(cur[0], ops[2].id); // the last operator moved into the freed index
        assertEq(cur[1], ops[1].id);
        uint32[] memory oldNums = d.indexRegistry.getOperatorNumbersAtBlockNumber(0, before);
        assertEq(uint256(oldNums[0]), d.indexRegistry.operatorNumber(ops[0].id));
        uint32[] memory curNums = d.indexRegistry.getOperatorNumbersAtBlockNumber(0, afterBlock);
        assertEq(uint256(curNums[0]), d.indexRegistry.operatorNumber(ops[2].id));
        assertEq(uint256(curNums.length), 2);

        uint32[] memory idx = d.blsApkRegistry.getApkIndicesAtBlockNumber(hex"00", before);
        assertEq(
            d.blsApkRegistry.getApkHashAtBlockNumberAndIndex(0, before, idx[0]),
            bytes24(BN254.hashG1Point(apkBefore))
        );
        vm.expectRevert(IBLSApkRegistry.BlockNumberNotLatest.selector);
        d.blsApkRegistry.getApkHashAtBlockNumberAndIndex(0, afterBlock, idx[0]);
        uint32[] memory tidx = d.stakeRegistry.getTotalStakeIndicesAtBlockNumber(before, hex"00");
        assertEq(
            uint256(d.stakeRegistry.getTotalStakeAtBlockNumberFromIndex(0, before, tidx[0])),
            6 ether
        );
        assertEq(uint256(d.stakeRegistry.getCurrentTotalStake(0)), 5 ether);
        assertEq(uint256(d.stakeRegistry.getStakeAtBlockNumber(ops[0].id, 0, before)), 1 ether);
        assertEq(uint256(d.stakeRegistry.getStakeAtBlockNumber(ops[0].id, 0, afterBlock)), 0);
    }

    function test_deregisterOperator_RevertWhen_NotRegistered() public {
        vm.prank(ops[0].addr);
        vm.expectRevert(IRegistryCoordinator.NotRegistered.selector);
        d.registryCoordinator.deregisterOperator(hex"00");
        _register(0, hex"00", 2 ether);
        vm.prank(ops[0].addr);
        vm.expectRevert(IRegistryCoordinator.NotRegisteredForQuorum.selector);
        d.registryCoordinator.deregisterOperator(hex"01");
    }

    function test_updateOperators_RemovesOperatorBelowMinimum() public {
        _register(0, hex"0001", 2 ether);
        vm.prank(ops[0].addr);
        d.vault.queueWithdrawal(1.5 ether);
        address[] memory list = new address[](1);
        list[0] = ops[0].addr;
        d.registryCoordinator.updateOperators(list);
        assertEq(
            uint256(rc.getOperatorStatus(ops[0].addr)),
            uint256(IRegistryCoordinator.OperatorStatus.DEREGISTERED)
        );
        assertEq(uint256(d.indexRegistry.totalOperatorsForQuorum(0)), 0);
        assertEq(uint256(d.stakeRegistry.getCurrentTotalStake(1)), 0);
    }

    function test_updateOperators_UpdatesStake() public {
        _register(0, hex"00", 2 ether);
        _stake(0, 3 ether);
        address[] memory list = new address[](1);
        list[0] = ops[0].addr;
        d.registryCoordinator.updateOperators(list);
        assertEq(uint256(d.stakeRegistry.getCurrentStake(ops[0].id, 0)), 5 ether);
    }

    function test_updateOperatorsForQuorum_RecordsBlock() public {
        _register(0, hex"00", 2 ether);
        _register(1, hex"00", 2 ether);
        address[][] memory all = new address[][](1);
        all[0] = new address[](2);
        (all[0][0], all[0][1]) =
            ops[0].addr < ops[1].addr ? (ops[0].addr, ops[1].addr) : (ops[1].addr, ops[0].addr);
        d.registryCoordinator.updateOperatorsForQuorum(all, hex"00");
        assertEq(rc.quorumUpdateBlockNumber(0), block.number);
        (all[0][0], all[0][1]) = (all[0][1], all[0][0]);
        vm.expectRevert(IRegistryCoordinator.NotSorted.selector);
        d.registryCoordinator.updateOperatorsForQuorum(all, hex"00");
        all[0] = new address[](1);
        vm.expectRevert(IRegistryCoordinator.QuorumOperatorCountMismatch.selector);
        d.registryCoordinator.updateOperatorsForQuorum(all, hex"00");
    }

    function test_ejectOperator_RemovesFromQuorum() public {
        _register(0, hex"0001", 2 ether);
        vm.prank(address(0xBAD));
        vm.expectRevert(IRegistryCoordinator.OnlyEjector.selector);
        d.registryCoordinator.ejectOperator(ops[0].addr, hex"00");
        vm.prank(address(0xE1EC));
        d.registryCoordinator.ejectOperator(ops[0].addr, hex"00");
        assertEq(uint256(rc.getCurrentQuorumBitmap(ops[0].id)), 2);
        assertEq(
            uint256(rc.getOperatorStatus(ops[0].addr)),
            uint256(IRegistryCoordinator.OperatorStatus.REGISTERED)
        );
    }

    function test_updateSocket_RevertWhen_NotRegistered() public {
        vm.prank(ops[0].addr);
        vm.expectRevert(IRegistryCoordinator.NotRegistered.selector);
        d.registryCoordinator.updateSocket("x");
        _register(0, hex"00", 2 ether);
        vm.prank(ops[0].addr);
        d.registryCoordinator.updateSocket("http://op0");
    }

    function test_createQuorum_RevertWhen_NotOwner() public {
        IStakeRegistry.StrategyParams[] memory sp = new IStakeRegistry.StrategyParams[](1);
        sp[0] = IStakeRegistry.StrategyParams(IStrategy(address(d.vault)), 1e18);
        vm.prank(address(0xBAD));
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(0xBAD))
        );
        d.registryCoordinator.createQuorum(IRegistryCoordinator.OperatorSetParam(5, 0, 0), 1, sp);
    }

    function test_stakeRegistry_StrategyAdministration() public {
        IStakeRegistry.StrategyParams[] memory sp = new IStakeRegistry.StrategyParams[](1);
        sp[0] = IStakeRegistry.StrategyParams(IStrategy(address(0x5757)), 2e18);
        d.stakeRegistry.addStrategies(0, sp);
        assertEq(d.stakeRegistry.strategyParamsLength(0), 2);
        vm.expectRevert(IStakeRegistry.InputDuplicateStrategy.selector);
        d.stakeRegistry.addStrategies(0, sp);
        uint256[] memory idx = new uint256[](1);
        idx[0] = 1;
        uint96[] memory mult = new uint96[](1);
        mult[0] = 3e18;
        d.stakeRegistry.modifyStrategyParams(0, idx, mult);
        assertEq(uint256(d.stakeRegistry.strategyParamsByIndex(0, 1).multiplier), 3e18);
        d.stakeRegistry.removeStrategies(0, idx);
        assertEq(d.stakeRegistry.strategyParamsLength(0), 1);
        vm.expectRevert(IStakeRegistry.StrategyIndexOutOfBounds.selector);
        d.stakeRegistry.removeStrategies(0, idx);
        d.stakeRegistry.setMinimumStakeForQuorum(0, 5 ether);
        assertEq(uint256(d.stakeRegistry.minimumStakeForQuorum(0)), 5 ether);
        vm.prank(address(0xBAD));
        vm.expectRevert(IStakeRegistry.OnlyRegistryCoordinatorOwner.selector);
        d.stakeRegistry.setMinimumStakeForQuorum(0, 1);
    }

    function test_registries_RevertWhen_CalledByStranger() public {
        vm.expectRevert(IBLSApkRegistry.OnlyRegistryCoordinator.selector);
        d.blsApkRegistry.registerOperator(address(1), hex"00");
        vm.expectRevert(IStakeRegistry.OnlyRegistryCoordinator.selector);
        d.stakeRegistry.deregisterOperator(bytes32(0), hex"00");
        vm.expectRevert(IIndexRegistry.OnlyRegistryCoordinator.selector);
        d.indexRegistry.initializeQuorum(9);
    }

    // ---- history lookups ----

    function test_getQuorumBitmapAtBlockNumberByIndex_ChecksIndex() public {
        _register(0, hex"00", 2 ether);
        uint32 b1 = uint32(block.number);
        vm.roll(block.number + 3);
        vm.prank(ops[0].addr);
        d.registryCoordinator.deregisterOperator(hex"00");
        uint32 b2 = uint32(block.number);
        assertEq(uint256(rc.getQuorumBitmapAtBlockNumberByIndex(ops[0].id, b1, 0)), 1);
        assertEq(uint256(rc.getQuorumBitmapAtBlockNumberByIndex(ops[0].id, b2, 1)), 0);
        vm.expectRevert(IRegistryCoordinator.NextBitmapUpdateIsBeforeBlockNumber.selector);
        rc.getQuorumBitmapAtBlockNumberByIndex(ops[0].id, b2, 0);
        vm.expectRevert(IRegistryCoordinator.BitmapUpdateIsAfterBlockNumber.selector);
        rc.getQuorumBitmapAtBlockNumberByIndex(ops[0].id, b1, 1);
        vm.expectRevert(IRegistryCoordinator.HistoryIndexOutOfBounds.selector);
        rc.getQuorumBitmapAtBlockNumberByIndex(ops[0].id, b2, 2);
        vm.expectRevert(IRegistryCoordinator.NoBitmapUpdateAtBlockNumber.selector);
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = ops[0].id;
        rc.getQuorumBitmapIndicesAtBlockNumber(b1 - 1, ids);
    }

    function test_historyGetters_RevertWhen_IndexOutOfBounds() public {
        vm.expectRevert(IBLSApkRegistry.HistoryIndexOutOfBounds.selector);
        d.blsApkRegistry.getApkHashAtBlockNumberAndIndex(0, uint32(block.number), 5);
        vm.expectRevert(IStakeRegistry.HistoryIndexOutOfBounds.selector);
        d.stakeRegistry.getTotalStakeAtBlockNumberFromIndex(0, uint32(block.number), 5);
        vm.expectRevert(IStakeRegistry.HistoryIndexOutOfBounds.selector);
        d.stakeRegistry.getStakeAtBlockNumberAndIndex(0, uint32(block.number), ops[0].id, 0);
        vm.expectRevert(IBLSApkRegistry.BlockNumberTooRecent.selector);
        d.blsApkRegistry.getApkHashAtBlockNumberAndIndex(0, 0, 0);
        vm.expectRevert(IStakeRegistry.InvalidBlockNumber.selector);
        d.stakeRegistry.getTotalStakeAtBlockNumberFromIndex(0, 0, 0);
    }

    function test_getCheckSignaturesIndices_PointsAtReferenceBlockEntries() public {
        _register(0, hex"0001", 2 ether);
        _register(1, hex"00", 3 ether);
        _register(2, hex"01", 4 ether);
        uint32 ref = uint32(block.number);
        vm.roll(block.number + 2);
        _stake(1, 1 ether);
        address[] memory l = new address[](1);
        l[0] = ops[1].addr;
        d.registryCoordinator.updateOperators(l); // a later stake entry for operator 1
        vm.roll(block.number + 1);
        bytes32[] memory ns = new bytes32[](2);
        (ns[0], ns[1]) = uint256(ops[0].id) < uint256(ops[1].id)
            ? (ops[0].id, ops[1].id)
            : (ops[1].id, ops[0].id);
        OperatorStateRetriever.CheckSignaturesIndices memory r =
            d.operatorStateRetriever.getCheckSignaturesIndices(rc, ref, hex"0001", ns);
        assertEq(r.nonSignerQuorumBitmapIndices.length, 2);
        assertEq(r.nonSignerStakeIndices[0].length, 2); // both in quorum 0
        assertEq(r.nonSignerStakeIndices[1].length, 1); // only operator 0 in quorum 1
        for (uint256 j = 0; j < 2; j++) {
            assertEq(
                uint256(
                    d.stakeRegistry
                        .getStakeAtBlockNumberAndIndex(0, ref, ns[j], r.nonSignerStakeIndices[0][j])
                ) > 0,
                true
            );
        }
        assertEq(
            uint256(
                d.stakeRegistry.getTotalStakeAtBlockNumberFromIndex(0, ref, r.totalStakeIndices[0])
            ),
            5 ether
        );
        assertEq(
            uint256(
                d.stakeRegistry.getTotalStakeAtBlockNumberFromIndex(1, ref, r.totalStakeIndices[1])
            ),
            6 ether
        );
        bytes memory both = hex"0001";
        OperatorStateRetriever.Operator[][] memory st =
            d.operatorStateRetriever.getOperatorState(rc, both, ref);
        assertEq(st[0].length, 2);
        assertEq(st[1].length, 2);
        assertEq(st[0][1].operator, ops[1].addr);
        assertEq(uint256(st[0][1].stake), 3 ether);
        (uint256 bitmap, OperatorStateRetriever.Operator[][] memory mine) =
            d.operatorStateRetriever.getOperatorState(rc, ops[2].id, ref);
        assertEq(bitmap, 2);
        assertEq(mine.length, 1);
        uint256[] memory bms = d.operatorStateRetriever.getQuorumBitmapsAtBlockNumber(rc, ns, ref);
        assertEq(bms.length, 2);
    }

    // ---- fuzz: random churn keeps every registry consistent with a model ----

    struct Snapshot {
        uint32 blockNumber;
        uint256[2] members; // bit i = operator i
        BN254.G1Point[2] apk;
        uint96[2] total;
    }

    function testFuzz_registry_TracksRandomChurn(
        uint256 seed
    ) public {
        uint256 n = 8;
        for (uint256 i = 0; i < n; i++) {
            _stake(i, (i + 1) * 1 ether);
        }
        d.registryCoordinator
            .setOperatorSetParams(1, IRegistryCoordinator.OperatorSetParam(8, 0, 0));
        uint256[2] memory members;
        Snapshot[] memory snaps = new Snapshot[](10);
        for (uint256 step = 0; step < 10; step++) {
            vm.roll(block.number + 1);
            seed = uint256(keccak256(abi.encode(seed, step)));
            uint256 i = seed % n;
            uint256 inMask = ((members[0] >> i) & 1) | (((members[1] >> i) & 1) << 1);
            uint256 pick = ((seed >> 8) % 3) + 1; // quorum set 1, 2 or 3
            if (inMask == 0 || (seed >> 16) % 2 == 0 && (pick & inMask) == 0) {
                uint256 add = pick & ~inMask;
                if (add == 0) add = 3 & ~inMask;
                if (add != 0) {
                    _registerStaked(
                        i, BitmapUtils.bitmapToBytesArray(add), keccak256(abi.encode(seed))
                    );
                    if (add & 1 == 1) members[0] |= 1 << i;
                    if (add & 2 == 2) members[1] |= 1 << i;
                }
            } else {
                uint256 drop = pick & inMask;
                if (drop == 0) drop = inMask;
                vm.prank(ops[i].addr);
                d.registryCoordinator.deregisterOperator(BitmapUtils.bitmapToBytesArray(drop));
                if (drop & 1 == 1) members[0] &= ~(uint256(1) << i);
                if (drop & 2 == 2) members[1] &= ~(uint256(1) << i);
            }
            snaps[step] = _checkCurrent(members, n);
        }
        vm.roll(block.number + 1);
        for (uint256 step = 0; step < 10; step++) {
            _checkPast(snaps[step], n);
        }
    }

    function _checkCurrent(
        uint256[2] memory members,
        uint256 n
    ) internal view returns (Snapshot memory s) {
        s.blockNumber = uint32(block.number);
        for (uint8 q = 0; q < 2; q++) {
            s.members[q] = members[q];
            for (uint256 i = 0; i < n; i++) {
                if ((members[q] >> i) & 1 == 1) {
                    s.apk[q] = s.apk[q].plus(ops[i].pk1);
                    s.total[q] += uint96((i + 1) * 1 ether);
                }
            }
            BN254.G1Point memory apk = d.blsApkRegistry.getApk(q);
            assertEq(apk.X, s.apk[q].X, "current apk");
            assertEq(apk.Y, s.apk[q].Y, "current apk");
            assertEq(
                uint256(d.stakeRegistry.getCurrentTotalStake(q)), uint256(s.total[q]), "total stake"
            );
            assertEq(
                uint256(d.indexRegistry.totalOperatorsForQuorum(q)),
                BitmapUtils.countNumOnes(members[q]),
                "operator count"
            );
        }
    }

    function _checkPast(
        Snapshot memory s,
        uint256 n
    ) internal view {
        for (uint8 q = 0; q < 2; q++) {
            bytes32[] memory list = d.indexRegistry.getOperatorListAtBlockNumber(q, s.blockNumber);
            uint32[] memory nums = d.indexRegistry.getOperatorNumbersAtBlockNumber(q, s.blockNumber);
            assertEq(list.length, nums.length, "list lengths");
            uint256 seen;
            for (uint256 j = 0; j < list.length; j++) {
                assertEq(d.indexRegistry.operatorIdByNumber(nums[j]), list[j], "number order");
                for (uint256 i = 0; i < n; i++) {
                    if (ops[i].id == list[j]) seen |= 1 << i;
                }
            }
            assertEq(seen, s.members[q], "member set at block");
            bytes memory qs = abi.encodePacked(q);
            uint32 ai = d.blsApkRegistry.getApkIndicesAtBlockNumber(qs, s.blockNumber)[0];
            bytes24 want =
                s.members[q] == 0 && ai == 0 ? bytes24(0) : bytes24(BN254.hashG1Point(s.apk[q]));
            assertEq(
                bytes32(d.blsApkRegistry.getApkHashAtBlockNumberAndIndex(q, s.blockNumber, ai)),
                bytes32(want),
                "apk hash at block"
            );
            uint32 ti = d.stakeRegistry.getTotalStakeIndicesAtBlockNumber(s.blockNumber, qs)[0];
            assertEq(
                uint256(d.stakeRegistry.getTotalStakeAtBlockNumberFromIndex(q, s.blockNumber, ti)),
                uint256(s.total[q]),
                "total stake at block"
            );
        }
    }

    // ---- helpers ----

    function _expectRegisterRevert(
        uint256 i,
        IBLSApkRegistry.PubkeyRegistrationParams memory p,
        bytes4 selector
    ) internal {
        ISignatureUtils.SignatureWithSaltAndExpiry memory s = _avsSignature(ops[i], bytes32(0));
        vm.prank(ops[i].addr);
        vm.expectRevert(selector);
        d.registryCoordinator.registerOperator(hex"00", "socket", p, s);
    }
}
