// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./Test.sol";
import {BN254G2} from "./BN254G2.sol";
import {MpavsDeployer} from "../../script/MpavsDeployer.sol";
import {MockAttestationVerifier} from "../mocks/MockAttestationVerifier.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {TEE} from "../../src/libraries/TEE.sol";
import {IAttestationVerifier} from "../../src/interfaces/IAttestationVerifier.sol";
import {IBLSApkRegistry} from "../../src/interfaces/IBLSApkRegistry.sol";
import {IBLSSignatureChecker} from "../../src/interfaces/IBLSSignatureChecker.sol";
import {ISignatureUtils} from "../../src/interfaces/ISignatureUtils.sol";
import {IRegistryCoordinator} from "../../src/interfaces/IRegistryCoordinator.sol";
import {ITEELivenessVerifier} from "../../src/interfaces/ITEELivenessVerifier.sol";
import {IMultiProverServiceManager} from "../../src/interfaces/IMultiProverServiceManager.sol";
import {OperatorStateRetriever} from "../../src/middleware/OperatorStateRetriever.sol";

/// @title MpavsFixture
/// @notice Test base: deploys the system with MpavsDeployer (the script's code) and a test-only
///         attestation verifier, and drives it with the 200 EigenLayer operator keys from
///         tests/vectors/bn254 (small secret keys with published G1 and G2 public keys), so
///         tests can sign in Solidity (ecMul on hashToG1) and still present valid G2 keys.
abstract contract MpavsFixture is Test, MpavsDeployer {
    using BN254 for BN254.G1Point;

    string internal constant KEYS_FILE =
        "../tests/vectors/bn254/eigenlayer-middleware_operatorBLSKeys.json";
    uint256 internal constant QUOTE_SIGNER_KEY = 0xA11CE;

    /// @dev One test operator: an ECDSA account and a BLS key pair from the vectors.
    struct Op {
        address addr;
        uint256 ecdsaKey;
        uint256 sk;
        BN254.G1Point pk1;
        BN254.G2Point pk2;
        bytes32 id;
    }

    Deployment internal d;
    MockAttestationVerifier internal attestation;
    Op[] internal ops;
    uint256 internal quoteNonce;

    /// @dev Deploys with the given threshold (percent) and loads `n` operator keys.
    function _setUpSystem(
        uint8 threshold,
        uint256 n
    ) internal {
        attestation = new MockAttestationVerifier(vm.addr(QUOTE_SIGNER_KEY));
        _setUpSystemWith(IAttestationVerifier(address(attestation)), threshold, n);
    }

    /// @dev The same with a given SGX attestation verifier (e.g. a real SgxDcapVerifier).
    function _setUpSystemWith(
        IAttestationVerifier sgxVerifier,
        uint8 threshold,
        uint256 n
    ) internal {
        DeployConfig memory cfg = _config(threshold);
        cfg.sgxAttestationVerifier = sgxVerifier;
        d = _deployMpavs(cfg);
        _loadOperators(n);
    }

    function _config(
        uint8 threshold
    ) internal view returns (DeployConfig memory cfg) {
        cfg.deployer = address(this);
        cfg.owner = address(this);
        cfg.pauser = address(0xBEEF);
        cfg.ejector = address(0xE1EC);
        cfg.sequencer = address(0x5E0);
        cfg.sgxAttestationVerifier = IAttestationVerifier(address(attestation));
        cfg.maxOperatorCount = 200;
        cfg.minimumStake = 1e18;
        cfg.thresholdPercentage = threshold;
        cfg.withdrawalDelayBlocks = 200; // above the reference window, as the contract requires
        cfg.livenessValiditySeconds = 3600;
        cfg.livenessMaxBlockAge = 256;
        cfg.maxReferenceBlockAge = 100;
        cfg.l2ChainId = 31_338;
        cfg.firstL2Block = 1;
    }

    function _loadOperators(
        uint256 n
    ) internal {
        string memory json = vm.readFile(KEYS_FILE);
        uint256[] memory sks = vm.parseJsonUintArray(json, ".privateKeys");
        uint256[] memory g1x = vm.parseJsonUintArray(json, ".G1x");
        uint256[] memory g1y = vm.parseJsonUintArray(json, ".G1y");
        uint256[] memory g2x0 = vm.parseJsonUintArray(json, ".G2x0");
        uint256[] memory g2x1 = vm.parseJsonUintArray(json, ".G2x1");
        uint256[] memory g2y0 = vm.parseJsonUintArray(json, ".G2y0");
        uint256[] memory g2y1 = vm.parseJsonUintArray(json, ".G2y1");
        for (uint256 i = 0; i < n; i++) {
            Op memory op;
            op.ecdsaKey = 0x1000 + i;
            op.addr = vm.addr(op.ecdsaKey);
            op.sk = sks[i];
            op.pk1 = BN254.G1Point(g1x[i], g1y[i]);
            op.pk2 = BN254.G2Point([g2x0[i], g2x1[i]], [g2y0[i], g2y1[i]]);
            op.id = BN254.hashG1Point(op.pk1);
            ops.push(op);
        }
    }

    // ---- registration ----

    /// @dev Funds, stakes and registers operator i for `quorums` with a valid PoP.
    function _register(
        uint256 i,
        bytes memory quorums,
        uint256 stake
    ) internal {
        _stake(i, stake);
        Op memory op = ops[i];
        IBLSApkRegistry.PubkeyRegistrationParams memory params = _pubkeyParams(op);
        ISignatureUtils.SignatureWithSaltAndExpiry memory sig = _avsSignature(op, bytes32(i));
        vm.prank(op.addr);
        d.registryCoordinator.registerOperator(quorums, "socket", params, sig);
    }

    /// @dev Registers an already staked operator i for `quorums` (AVS signature with `salt`).
    function _registerStaked(
        uint256 i,
        bytes memory quorums,
        bytes32 salt
    ) internal {
        Op memory op = ops[i];
        IBLSApkRegistry.PubkeyRegistrationParams memory params = _pubkeyParams(op);
        ISignatureUtils.SignatureWithSaltAndExpiry memory sig = _avsSignature(op, salt);
        vm.prank(op.addr);
        d.registryCoordinator.registerOperator(quorums, "socket", params, sig);
    }

    function _stake(
        uint256 i,
        uint256 stake
    ) internal {
        Op memory op = ops[i];
        d.stakeToken.mint(op.addr, stake);
        vm.startPrank(op.addr);
        d.stakeToken.approve(address(d.vault), stake);
        if (!d.vault.isOperator(op.addr)) d.vault.registerAsOperator();
        d.vault.deposit(stake);
        vm.stopPrank();
    }

    /// @dev The BLS keys with the proof of possession sk * H(registration digest).
    function _pubkeyParams(
        Op memory op
    ) internal view returns (IBLSApkRegistry.PubkeyRegistrationParams memory p) {
        BN254.G1Point memory h = d.registryCoordinator.pubkeyRegistrationMessageHash(op.addr);
        p.pubkeyRegistrationSignature = h.scalar_mul(op.sk);
        p.pubkeyG1 = op.pk1;
        p.pubkeyG2 = op.pk2;
    }

    /// @dev The operator's EIP-712 AVS registration signature for the service manager.
    function _avsSignature(
        Op memory op,
        bytes32 salt
    ) internal view returns (ISignatureUtils.SignatureWithSaltAndExpiry memory s) {
        s.salt = salt;
        s.expiry = block.timestamp + 1 days;
        bytes32 digest = d.avsDirectory
            .calculateOperatorAVSRegistrationDigestHash(
                op.addr, address(d.serviceManager), s.salt, s.expiry
            );
        (uint8 v, bytes32 r, bytes32 sv) = vm.sign(op.ecdsaKey, digest);
        s.signature = abi.encodePacked(r, sv, v);
    }

    // ---- liveness ----

    /// @dev Report data binding operator i's key to the previous block.
    function _reportData(
        uint256 i
    ) internal view returns (ITEELivenessVerifier.ReportData memory r) {
        r.pubkey = ops[i].pk1;
        r.referenceBlockNumber = block.number - 1;
        r.referenceBlockHash = blockhash(block.number - 1);
        r.proverUrlHash = _proverUrlHash(string.concat("http://prover-", vm.toString(i)));
    }

    /// @dev docs/protocol.md section 4: keccak256 of the URL's bytes, as mp_liveness_url_hash.
    function _proverUrlHash(
        string memory url
    ) internal pure returns (bytes32) {
        return keccak256(bytes(url));
    }

    /// @dev A simulated quote for MockAttestationVerifier: header (TEE type, unique nonce), a
    ///      zero report ending in REPORTDATA, so that header + report is the part the TEE type
    ///      signs (TEE.quoteId: 432 bytes for SGX, 632 for TDX), then the mock signature.
    function _quote(
        uint32 headerTeeType,
        address enclave,
        bytes32 dataHash
    ) internal returns (bytes memory) {
        bytes memory header = abi.encodePacked(
            uint16(3), // version 3, little-endian low byte first is fine for the mock
            uint16(2),
            _le32(headerTeeType),
            bytes8(0),
            bytes16(0),
            bytes12(0),
            bytes4(uint32(++quoteNonce))
        );
        uint256 signedLength = headerTeeType == 0x81 ? TEE.TDX_SIGNED_LENGTH : TEE.SGX_SIGNED_LENGTH;
        bytes memory report =
            abi.encodePacked(new bytes(signedLength - 48 - 64), bytes12(0), enclave, dataHash);
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(QUOTE_SIGNER_KEY, keccak256(abi.encodePacked(header, report)));
        return abi.encodePacked(header, report, r, s, v);
    }

    function _le32(
        uint32 x
    ) internal pure returns (bytes4) {
        return
            bytes4((x & 0xff) << 24 | ((x >> 8) & 0xff) << 16 | ((x >> 16) & 0xff) << 8 | (x >> 24));
    }

    function _enclave(
        uint256 i
    ) internal pure returns (address) {
        return address(uint160(0xE0C1A0E0000 + i));
    }

    /// @dev Submits a valid SGX liveness proof for operator i from its own address.
    function _makeLive(
        uint256 i
    ) internal {
        ITEELivenessVerifier.ReportData memory r = _reportData(i);
        bytes memory q = _quote(0, _enclave(i), keccak256(abi.encode(r)));
        vm.prank(ops[i].addr);
        d.livenessVerifier.submitLivenessProof(r, q);
    }

    // ---- signing ----

    function _header(
        uint256 identifier,
        uint256 task,
        uint32 ref
    ) internal pure returns (IMultiProverServiceManager.StateHeader memory h) {
        h.identifier = identifier;
        h.metadata = abi.encode(uint256(31_338), task);
        h.state =
            abi.encode(keccak256(abi.encode("block", task)), keccak256(abi.encode("root", task)));
        h.referenceBlockNumber = ref;
    }

    /// @dev Everything confirmState needs for `quorums` at `ref`, with `signers` signing `digest`
    ///      and `nonSigners` (indices into ops) listed as non-signers.
    function _params(
        bytes memory quorums,
        uint32 ref,
        bytes32 digest,
        uint256[] memory signers,
        uint256[] memory nonSigners
    ) internal view returns (IBLSSignatureChecker.NonSignerStakesAndSignature memory p) {
        bytes32[] memory ids = new bytes32[](nonSigners.length);
        p.nonSignerPubkeys = new BN254.G1Point[](nonSigners.length);
        uint256[] memory sorted = _sortById(nonSigners);
        for (uint256 j = 0; j < sorted.length; j++) {
            ids[j] = ops[sorted[j]].id;
            p.nonSignerPubkeys[j] = ops[sorted[j]].pk1;
        }
        OperatorStateRetriever.CheckSignaturesIndices memory idx =
            d.operatorStateRetriever
                .getCheckSignaturesIndices(
                    IRegistryCoordinator(address(d.registryCoordinator)), ref, quorums, ids
                );
        p.nonSignerQuorumBitmapIndices = idx.nonSignerQuorumBitmapIndices;
        p.quorumApkIndices = idx.quorumApkIndices;
        p.totalStakeIndices = idx.totalStakeIndices;
        p.nonSignerStakeIndices = idx.nonSignerStakeIndices;
        p.quorumApks = new BN254.G1Point[](quorums.length);
        for (uint256 i = 0; i < quorums.length; i++) {
            p.quorumApks[i] = d.blsApkRegistry.getApk(uint8(quorums[i]));
        }
        (p.sigma, p.apkG2) = _aggregate(digest, signers, quorums);
    }

    /// @dev sigma = (sum of sk) * H(digest) and the sum of the signers' G2 keys, each signer
    ///      counted once per signing quorum it is registered in: the on-chain G1 APK is the sum
    ///      of the quorum APKs, which holds a key once per quorum.
    function _aggregate(
        bytes32 digest,
        uint256[] memory signers,
        bytes memory quorums
    ) internal view returns (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) {
        uint256 signingBitmap;
        for (uint256 i = 0; i < quorums.length; i++) {
            signingBitmap |= uint256(1) << uint8(quorums[i]);
        }
        uint256 skSum;
        uint256 total;
        uint256[] memory times = new uint256[](signers.length);
        for (uint256 i = 0; i < signers.length; i++) {
            uint256 bitmap = d.registryCoordinator.getCurrentQuorumBitmap(ops[signers[i]].id);
            times[i] = _popcount(bitmap & signingBitmap);
            total += times[i];
        }
        BN254.G2Point[] memory keys = new BN254.G2Point[](total);
        uint256 k;
        for (uint256 i = 0; i < signers.length; i++) {
            for (uint256 t = 0; t < times[i]; t++) {
                skSum = addmod(skSum, ops[signers[i]].sk, BN254.FR_MODULUS);
                keys[k++] = ops[signers[i]].pk2;
            }
        }
        sigma = BN254.hashToG1(digest).scalar_mul(skSum);
        apkG2 = BN254G2.sum(keys);
    }

    function _popcount(
        uint256 x
    ) internal pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) {
            n++;
        }
    }

    /// @dev Builds params for committee quorums `quorums`: every operator in `members` that is
    ///      not in `nonSigners` signs the header's digest.
    function _signedParams(
        IMultiProverServiceManager.StateHeader memory h,
        bytes memory quorums,
        uint256[] memory members,
        uint256[] memory nonSigners
    ) internal view returns (IBLSSignatureChecker.NonSignerStakesAndSignature memory) {
        bytes32 digest = d.serviceManager.stateHeaderDigest(h);
        return
            _params(
                quorums, h.referenceBlockNumber, digest, _without(members, nonSigners), nonSigners
            );
    }

    function _without(
        uint256[] memory all,
        uint256[] memory drop
    ) internal pure returns (uint256[] memory out) {
        out = new uint256[](all.length);
        uint256 n;
        for (uint256 i = 0; i < all.length; i++) {
            bool dropped;
            for (uint256 j = 0; j < drop.length; j++) {
                if (drop[j] == all[i]) dropped = true;
            }
            if (!dropped) out[n++] = all[i];
        }
        assembly ("memory-safe") {
            mstore(out, n)
        }
    }

    function _two(
        uint256 a,
        uint256 b
    ) internal pure returns (uint256[] memory r) {
        r = new uint256[](2);
        r[0] = a;
        r[1] = b;
    }

    function _sortById(
        uint256[] memory idx
    ) internal view returns (uint256[] memory out) {
        out = new uint256[](idx.length);
        for (uint256 i = 0; i < idx.length; i++) {
            out[i] = idx[i];
        }
        for (uint256 i = 1; i < out.length; i++) {
            uint256 x = out[i];
            uint256 j = i;
            while (j > 0 && uint256(ops[out[j - 1]].id) > uint256(ops[x].id)) {
                out[j] = out[j - 1];
                j--;
            }
            out[j] = x;
        }
    }

    function _range(
        uint256 from,
        uint256 to
    ) internal pure returns (uint256[] memory r) {
        r = new uint256[](to - from);
        for (uint256 i = from; i < to; i++) {
            r[i - from] = i;
        }
    }

    function _one(
        uint256 x
    ) internal pure returns (uint256[] memory r) {
        r = new uint256[](1);
        r[0] = x;
    }

    /// @dev Registers operators [0, n) in quorum 0 with stake (i + 1) ether and makes them live.
    function _registerLive(
        uint256 n
    ) internal {
        for (uint256 i = 0; i < n; i++) {
            _register(i, hex"00", (i + 1) * 1e18);
        }
        vm.roll(block.number + 5);
        for (uint256 i = 0; i < n; i++) {
            _makeLive(i);
        }
        vm.roll(block.number + 1);
    }
}
