// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {SSTORE2} from "solady/utils/SSTORE2.sol";
import {IAttestationVerifier} from "../interfaces/IAttestationVerifier.sol";
import {DcapCollateralStore} from "./DcapCollateralStore.sol";
import {
    CertRecord,
    CertRole,
    CertRoles,
    DcapChecks,
    QuoteCollateral,
    QuoteResult,
    SerialList,
    SignedRecord,
    TcbStatus
} from "./DcapTypes.sol";
import {P256Sha} from "./lib/P256Sha.sol";
import {Pem} from "./lib/Pem.sol";
import {X509} from "./lib/X509.sol";

/// @title SgxDcapVerifier
/// @notice Verifies Intel SGX DCAP ECDSA quotes (version 3, P-256) fully on chain against the
///         collateral of an on-chain PCCS (DcapCollateralStore), with the same checks, in the same
///         order and under the same names as the C verifier (docs/onchain-dcap.md), then applies
///         the owner's policy: accepted TCB statuses, MRENCLAVE/MRSIGNER allow-lists, no debug
///         enclaves.
/// @dev Cost is kept low by doing everything that does not depend on the quote at upload time:
///      CA certificates, CRLs, TCB info and QE identity are verified and parsed when stored. A
///      quote pays for decoding and parsing its PCK leaf certificate, three P256VERIFY calls
///      (PCK certificate, QE report, ISV report) and a few storage reads; its intermediate and
///      root certificates are recognised by the hash of their (canonical) PEM body.
contract SgxDcapVerifier is Ownable2Step, IAttestationVerifier {
    /// @notice The quote failed check `check` (named `name`, as in the C verifier).
    /// @param status the converged TCB status when known (policy checks), else Unrecognized.
    error QuoteRejected(uint8 check, string name, TcbStatus status);

    /// @notice The accepted TCB statuses changed (bit i set: TcbStatus(i) accepted).
    event AcceptedStatusesSet(uint8 mask);
    /// @notice `mrEnclave` was added to (allowed) or removed from the MRENCLAVE allow-list.
    event MrEnclaveAllowed(bytes32 indexed mrEnclave, bool allowed);
    /// @notice `mrSigner` was added to (allowed) or removed from the MRSIGNER allow-list.
    event MrSignerAllowed(bytes32 indexed mrSigner, bool allowed);

    /// @notice The collateral store (on-chain PCCS) this verifier reads.
    DcapCollateralStore public immutable store;
    /// @notice The pinned root CA key, copied from the store.
    bytes32 public immutable rootKeyX;
    bytes32 public immutable rootKeyY;

    /// @notice Bit i set: TcbStatus(i) accepted. Revoked and Unrecognized can never pass.
    uint8 public acceptedStatuses;
    mapping(bytes32 => bool) public mrEnclaveAllowed;
    mapping(bytes32 => bool) public mrSignerAllowed;
    uint256 public mrEnclaveCount;
    uint256 public mrSignerCount;

    /// @dev Default accepted statuses: UpToDate, SWHardeningNeeded,
    ///      ConfigurationAndSWHardeningNeeded, ConfigurationNeeded (as the C verifier).
    uint8 internal constant DEFAULT_ACCEPTED = 0x0f;

    bytes16 private constant INTEL_QE_VENDOR_ID = 0x939a7233f79c4ca9940a0db3957f0607;
    uint256 private constant MIN_QUOTE = 1020;
    uint256 private constant MAX_QUOTE = 65_536;

    /// @dev A CA certificate of the quote's chain: from the store, or parsed from the quote.
    struct Ca {
        bool stored; // verified at upload: CN role, format, signature under the pinned key
        bytes32 subject;
        bytes32 issuer;
        bytes32 keyX;
        bytes32 keyY;
        uint256 notBefore;
        uint256 notAfter;
        uint256 serial;
        bytes der; // inline only
        X509.Certificate cert; // inline only
    }

    /// @dev State carried between the verification phases.
    struct Ctx {
        uint256 q; // calldata offset of the quote
        uint256 len;
        uint256 t;
        uint256 authLen;
        bytes leafDer;
        X509.Certificate leaf;
        Ca inter;
        Ca root;
        bool extOk;
        X509.SgxExtension ext;
        QuoteCollateral col;
        bytes tcbRec; // TCB info record (empty if none for the FMSPC)
        bytes qeRec; // QE identity record (empty if none)
        uint256 qeLevel; // index of the matched QE level
        uint256 tcbLevel; // index of the matched platform level
    }

    /// @param store_ The collateral store; its pinned root key is the verifier's.
    /// @param owner_ Owner of the policy (accepted statuses, allow-lists).
    constructor(
        DcapCollateralStore store_,
        address owner_
    ) Ownable(owner_) {
        store = store_;
        rootKeyX = store_.rootKeyX();
        rootKeyY = store_.rootKeyY();
        acceptedStatuses = DEFAULT_ACCEPTED;
        emit AcceptedStatusesSet(DEFAULT_ACCEPTED);
    }

    // ------------------------------------------------------------------ policy

    /// @notice Sets the accepted TCB statuses (bit i: TcbStatus(i)); Revoked is never accepted.
    function setAcceptedStatuses(
        uint8 mask
    ) external onlyOwner {
        mask &= 0x3f;
        acceptedStatuses = mask;
        emit AcceptedStatusesSet(mask);
    }

    /// @notice Adds or removes MRENCLAVE values of enclaves allowed to attest.
    function setMrEnclave(
        bytes32 mrEnclave,
        bool allowed
    ) external onlyOwner {
        if (mrEnclaveAllowed[mrEnclave] == allowed) return;
        mrEnclaveAllowed[mrEnclave] = allowed;
        if (allowed) ++mrEnclaveCount;
        else --mrEnclaveCount;
        emit MrEnclaveAllowed(mrEnclave, allowed);
    }

    /// @notice Adds or removes MRSIGNER values of enclaves allowed to attest.
    function setMrSigner(
        bytes32 mrSigner,
        bool allowed
    ) external onlyOwner {
        if (mrSignerAllowed[mrSigner] == allowed) return;
        mrSignerAllowed[mrSigner] = allowed;
        if (allowed) ++mrSignerCount;
        else --mrSignerCount;
        emit MrSignerAllowed(mrSigner, allowed);
    }

    // ------------------------------------------------------------------ verification

    /// @inheritdoc IAttestationVerifier
    /// @dev Reverts with QuoteRejected naming the first failed check (policy included).
    function verifyAttestation(
        bytes calldata quote
    ) external view returns (bytes memory reportData) {
        QuoteResult memory r = _verify(quote, block.timestamp);
        if (r.check != DcapChecks.OK) {
            revert QuoteRejected(r.check, DcapChecks.name(r.check), r.status);
        }
        return r.reportData;
    }

    /// @notice Verifies `quote` at the current block time without reverting on a bad quote.
    /// @return r The result; r.check is 0 if it passed every check and the policy.
    function verifyQuote(
        bytes calldata quote
    ) external view returns (QuoteResult memory r) {
        return _verify(quote, block.timestamp);
    }

    /// @notice As verifyQuote, at verification time `time` (for tooling and differential
    ///         tests against the C verifier, which takes the time as a parameter).
    function verifyQuoteAt(
        bytes calldata quote,
        uint256 time
    ) external view returns (QuoteResult memory r) {
        return _verify(quote, time);
    }

    /// @notice The stable name of check number `check` (as the C verifier names it).
    function checkName(
        uint8 check
    ) external pure returns (string memory) {
        return DcapChecks.name(check);
    }

    function _verify(
        bytes calldata quote,
        uint256 t
    ) internal view returns (QuoteResult memory r) {
        r.status = TcbStatus.Unrecognized;
        Ctx memory c;
        c.t = t;
        c.len = quote.length;
        assembly ("memory-safe") {
            mstore(add(c, 0x00), quote.offset)
        }
        if ((r.check = _checkFormat(c)) != 0) return r;
        _fillReport(c, r);
        if ((r.check = _checkChain(c)) != 0) return r;
        if (c.extOk) r.fmspc = c.ext.fmspc;
        if ((r.check = _checkCrls(c)) != 0) return r;
        if ((r.check = _checkCollateral(c)) != 0) return r;
        if ((r.check = _checkQe(c)) != 0) return r;
        if ((r.check = _checkReport(c)) != 0) return r;
        uint8 check;
        (check, r.status) = _status(c);
        if ((r.check = check) != 0) return r;
        r.advisoryIds = _advisories(c);
        r.check = _checkPolicy(r);
    }

    // ---- checks 10-18: quote format

    function _checkFormat(
        Ctx memory c
    ) private pure returns (uint8) {
        uint256 q = c.q;
        uint256 len = c.len;
        if (len < MIN_QUOTE || len > MAX_QUOTE) return DcapChecks.QUOTE_SIZE;
        if (_le(q, 0, 2) != 3) return DcapChecks.HEADER_VERSION;
        if (_le(q, 2, 2) != 2) return DcapChecks.HEADER_ATT_KEY_TYPE;
        if (_le(q, 4, 4) != 0) return DcapChecks.HEADER_TEE_TYPE;
        if (bytes16(_word(q, 12)) != INTEL_QE_VENDOR_ID) return DcapChecks.HEADER_QE_VENDOR_ID;
        if (_le(q, 432, 4) != len - 436) return DcapChecks.QUOTE_SIG_DATA_LEN;
        uint256 n = _le(q, 1012, 2);
        if (1020 + n > len) return DcapChecks.QUOTE_QE_AUTH_DATA;
        c.authLen = n;
        if (_le(q, 1014 + n, 2) != 5) return DcapChecks.QUOTE_CERT_TYPE;
        if (1020 + n + _le(q, 1016 + n, 4) != len) return DcapChecks.QUOTE_CERT_DATA_SIZE;
        return 0;
    }

    function _fillReport(
        Ctx memory c,
        QuoteResult memory r
    ) private pure {
        uint256 q = c.q;
        r.debug = uint8(bytes1(_word(q, 96))) & 0x02 != 0;
        r.mrEnclave = _word(q, 112);
        r.mrSigner = _word(q, 176);
        r.isvProdId = uint16(_le(q, 304, 2));
        r.isvSvn = uint16(_le(q, 306, 2));
        r.reportData = abi.encodePacked(_word(q, 368), _word(q, 400));
    }

    // ---- checks 20-25: the PCK chain of the quote

    function _checkChain(
        Ctx memory c
    ) private view returns (uint8) {
        uint256 certOff = c.q + 1020 + c.authLen;
        (bool ok, uint256[3] memory s, uint256[3] memory e) =
            Pem.splitChain(certOff, c.len - 1020 - c.authLen);
        if (!ok) return DcapChecks.PCK_CHAIN;
        (ok, c.leafDer) = Pem.decodeBody(s[0], e[0]);
        if (!ok) return DcapChecks.PCK_CHAIN;
        (ok, c.leaf) = X509.parse(c.leafDer);
        if (!ok || !X509.subjectCnContains(c.leafDer, c.leaf, "SGX PCK Certificate")) {
            return DcapChecks.PCK_CHAIN;
        }
        // The SGX extension is only read here (it names the FMSPC whose TCB info the store
        // returns); it is checked in its turn, check 50.
        (c.extOk, c.ext) = X509.sgxExtension(c.leafDer, c.leaf);
        c.col = store.quoteCollateral(
            Pem.hashCalldata(s[1], e[1]),
            Pem.hashCalldata(s[2], e[2]),
            c.leaf.issuerHash,
            c.ext.fmspc
        );
        if (!_loadCa(c.inter, c.col.intermediate, s[1], e[1], CertRole.PckCa)) {
            return DcapChecks.PCK_CHAIN;
        }
        if (!_loadCa(c.root, c.col.root, s[2], e[2], CertRole.Root)) return DcapChecks.PCK_CHAIN;
        return _checkChainSignatures(c);
    }

    function _checkChainSignatures(
        Ctx memory c
    ) private view returns (uint8) {
        Ca memory root = c.root;
        Ca memory inter = c.inter;
        if (root.keyX != rootKeyX || root.keyY != rootKeyY) return DcapChecks.PCK_ROOT_KEY;
        if (
            !root.stored
                && (root.issuer != root.subject
                    || !X509.verifySignedBy(root.der, root.cert, root.keyX, root.keyY))
        ) return DcapChecks.PCK_ROOT_SIGNATURE;
        // A stored intermediate was verified under the pinned key, which the root now has.
        if (
            inter.issuer != root.subject
                || (!inter.stored
                    && !X509.verifySignedBy(inter.der, inter.cert, root.keyX, root.keyY))
        ) return DcapChecks.PCK_INTERMEDIATE_SIGNATURE;
        if (
            c.leaf.issuerHash != inter.subject
                || !X509.verifySignedBy(c.leafDer, c.leaf, inter.keyX, inter.keyY)
        ) return DcapChecks.PCK_LEAF_SIGNATURE;
        uint256 t = c.t;
        if (
            !X509.isValidAt(c.leaf, t) || inter.notBefore > t || t > inter.notAfter
                || root.notBefore > t || t > root.notAfter
        ) return DcapChecks.PCK_VALIDITY;
        return 0;
    }

    /// @dev Fills `ca` from its store record when the body is a stored certificate, else by
    ///      parsing the body. false when it is malformed or its subject CN does not fit `role`.
    function _loadCa(
        Ca memory ca,
        CertRecord memory rec,
        uint256 s,
        uint256 e,
        CertRole role
    ) private pure returns (bool) {
        if (rec.role != CertRole.None) {
            ca.stored = true;
            ca.subject = rec.subjectHash;
            ca.issuer = rec.issuerHash;
            ca.keyX = rec.keyX;
            ca.keyY = rec.keyY;
            ca.notBefore = rec.notBefore;
            ca.notAfter = rec.notAfter;
            ca.serial = rec.serial;
            return rec.role == role;
        }
        bool ok;
        (ok, ca.der) = Pem.decodeBody(s, e);
        if (!ok) return false;
        (ok, ca.cert) = X509.parse(ca.der);
        if (!ok || CertRoles.roleOf(ca.der, ca.cert) != role) return false;
        ca.subject = ca.cert.subjectHash;
        ca.issuer = ca.cert.issuerHash;
        ca.keyX = ca.cert.keyX;
        ca.keyY = ca.cert.keyY;
        ca.notBefore = ca.cert.notBefore;
        ca.notAfter = ca.cert.notAfter;
        ca.serial = ca.cert.serial;
        return true;
    }

    // ---- checks 30-37: root CA collateral, CRLs, revocation

    function _checkCrls(
        Ctx memory c
    ) private view returns (uint8) {
        uint256 t = c.t;
        QuoteCollateral memory col = c.col;
        CertRecord memory rootCa = col.rootCa;
        if (rootCa.role != CertRole.Root || rootCa.notBefore > t || t > rootCa.notAfter) {
            return DcapChecks.ROOT_CA_KEY;
        }
        if (col.rootCrl.thisUpdate == 0) return DcapChecks.ROOT_CRL_SIGNATURE;
        if (col.rootCrl.thisUpdate > t || t > col.rootCrl.nextUpdate) {
            return DcapChecks.ROOT_CRL_VALIDITY;
        }
        if (col.pckCrl.thisUpdate == 0) return DcapChecks.PCK_CRL_ISSUER;
        if (col.pckCrl.signerKeyHash != keccak256(abi.encodePacked(c.inter.keyX, c.inter.keyY))) {
            return DcapChecks.PCK_CRL_SIGNATURE;
        }
        if (col.pckCrl.thisUpdate > t || t > col.pckCrl.nextUpdate) {
            return DcapChecks.PCK_CRL_VALIDITY;
        }
        if (SerialList.contains(col.rootCrl.serials, c.inter.serial)) {
            return DcapChecks.PCK_INTERMEDIATE_REVOKED;
        }
        if (SerialList.contains(col.pckCrl.serials, c.leaf.serial)) return DcapChecks.PCK_REVOKED;
        return 0;
    }

    // ---- checks 40-45: TCB info and QE identity collateral

    function _checkCollateral(
        Ctx memory c
    ) private view returns (uint8) {
        uint256 t = c.t;
        QuoteCollateral memory col = c.col;
        SignedRecord memory ti = col.tcbInfo;
        SignedRecord memory qi = col.qeIdentity;
        // A TCB info is looked up by the PCK's FMSPC; without a readable extension there is
        // none to check here (check 50 fails later).
        bool haveTcb = c.extOk && ti.data != address(0);
        if (haveTcb) c.tcbRec = SSTORE2.read(ti.data);
        if (qi.data != address(0)) c.qeRec = SSTORE2.read(qi.data);
        // 40, 41: the TCB signing certificates of both items.
        uint8 check = haveTcb ? _checkSigner(col.tcbInfoSigner, col.rootCrl.serials, t) : 0;
        if (check == 0 && qi.data != address(0)) {
            check = _checkSigner(col.qeIdentitySigner, col.rootCrl.serials, t);
        }
        if (check != 0) return check;
        // 42 and 44 hold for every stored record (verified at upload); a missing QE
        // identity is reported as 44, a TCB info missing for the FMSPC as 51.
        if (haveTcb && (ti.issueDate > t || t > ti.nextUpdate)) {
            return DcapChecks.TCB_INFO_VALIDITY;
        }
        if (qi.data == address(0)) return DcapChecks.QE_IDENTITY_SIGNATURE;
        if (qi.issueDate > t || t > qi.nextUpdate) return DcapChecks.QE_IDENTITY_VALIDITY;
        return 0;
    }

    function _checkSigner(
        CertRecord memory signer,
        address rootCrlSerials,
        uint256 t
    ) private view returns (uint8) {
        if (signer.role != CertRole.TcbSigning || signer.notBefore > t || t > signer.notAfter) {
            return DcapChecks.TCB_SIGNING_CHAIN;
        }
        if (SerialList.contains(rootCrlSerials, signer.serial)) {
            return DcapChecks.TCB_SIGNING_REVOKED;
        }
        return 0;
    }

    // ---- checks 50-58: PCK certificate content and the QE

    function _checkQe(
        Ctx memory c
    ) private view returns (uint8) {
        if (!c.extOk) return DcapChecks.PCK_EXTENSION;
        if (c.tcbRec.length == 0) return DcapChecks.TCB_INFO_FMSPC;
        if (bytes2(_mword(c.tcbRec, 4)) != c.ext.pceId) return DcapChecks.TCB_INFO_PCEID;
        uint256 q = c.q;
        bytes32 digest = P256Sha.sha256Calldata(q + 564, 384);
        if (!P256Sha.verify(digest, _word(q, 948), _word(q, 980), c.leaf.keyX, c.leaf.keyY)) {
            return DcapChecks.QE_REPORT_SIGNATURE;
        }
        if (
            P256Sha.sha256Calldata2(q + 500, 64, q + 1014, c.authLen) != _word(q, 884)
                || _word(q, 916) != 0
        ) return DcapChecks.QE_REPORT_DATA;
        bytes memory qe = c.qeRec;
        // QE identity record: [4:8] miscselect, [8:12] mask, [12:28] attributes, [28:44] mask,
        // [44:76] mrsigner, [76:78] isvprodid (CollateralJson).
        if (bytes4(_word(q, 580)) & bytes4(_mword(qe, 8)) != bytes4(_mword(qe, 4))) {
            return DcapChecks.QE_MISCSELECT;
        }
        if (bytes16(_word(q, 612)) & bytes16(_mword(qe, 28)) != bytes16(_mword(qe, 12))) {
            return DcapChecks.QE_ATTRIBUTES;
        }
        if (_word(q, 692) != _mword(qe, 44)) return DcapChecks.QE_MRSIGNER;
        if (_le(q, 820, 2) != uint16(bytes2(_mword(qe, 76)))) return DcapChecks.QE_ISVPRODID;
        return 0;
    }

    // ---- checks 60-61: the enclave's report

    function _checkReport(
        Ctx memory c
    ) private view returns (uint8) {
        uint256 q = c.q;
        bytes32 x = _word(q, 500);
        bytes32 y = _word(q, 532);
        if (!P256Sha.isOnCurve(x, y)) return DcapChecks.QUOTE_ATT_KEY;
        bytes32 digest = P256Sha.sha256Calldata(q, 432);
        if (!P256Sha.verify(digest, _word(q, 436), _word(q, 468), x, y)) {
            return DcapChecks.ISV_REPORT_SIGNATURE;
        }
        return 0;
    }

    // ---- checks 62-64: TCB levels and status

    function _status(
        Ctx memory c
    ) private pure returns (uint8 check, TcbStatus status) {
        // QE level: first (isvsvn-descending) level with isvsvn <= the QE report's ISVSVN.
        bytes memory qe = c.qeRec;
        uint256 qeSvn = _le(c.q, 822, 2);
        uint256 n = uint16(bytes2(_mword(qe, 78)));
        uint256 qeStatus = type(uint256).max;
        for (uint256 i; i < n; ++i) {
            bytes32 lvl = _mword(qe, 80 + 8 * i);
            if (uint16(bytes2(lvl)) <= qeSvn) {
                qeStatus = uint8(lvl[2]);
                c.qeLevel = i;
                break;
            }
        }
        if (qeStatus == type(uint256).max) return (DcapChecks.QE_TCB, TcbStatus.Unrecognized);
        // Platform level: first (Intel-ordered) level whose 16 SVNs and pcesvn are all <=.
        bytes memory ti = c.tcbRec;
        n = uint16(bytes2(_mword(ti, 7)));
        uint256 pck = uint128(c.ext.cpuSvn);
        uint256 pceSvn = c.ext.pceSvn;
        uint256 platform = type(uint256).max;
        for (uint256 i; i < n; ++i) {
            bytes32 lvl = _mword(ti, 9 + 32 * i);
            if (_allGe(pck, uint128(bytes16(lvl))) && uint16(bytes2(lvl << 128)) <= pceSvn) {
                platform = uint8(lvl[18]);
                c.tcbLevel = i;
                break;
            }
        }
        if (platform == type(uint256).max) return (DcapChecks.TCB_LEVEL, TcbStatus.Unrecognized);
        status = _converge(TcbStatus(platform), TcbStatus(qeStatus));
        if (status == TcbStatus.Revoked) return (DcapChecks.TCB_REVOKED, status);
        return (0, status);
    }

    /// @dev Intel's convergeTcbStatusWithQeTcbStatus.
    function _converge(
        TcbStatus platform,
        TcbStatus qe
    ) private pure returns (TcbStatus) {
        if (qe == TcbStatus.Revoked) return TcbStatus.Revoked;
        if (qe == TcbStatus.OutOfDate) {
            if (platform == TcbStatus.UpToDate || platform == TcbStatus.SWHardeningNeeded) {
                return TcbStatus.OutOfDate;
            }
            if (
                platform == TcbStatus.ConfigurationNeeded
                    || platform == TcbStatus.ConfigurationAndSWHardeningNeeded
            ) return TcbStatus.OutOfDateConfigurationNeeded;
        }
        return platform;
    }

    /// @dev Whether every byte of the 16-byte `a` is >= the matching byte of `b`: each half
    ///      of the bytes is spread into 16-bit lanes where (a | 0x100) - b keeps bit 8 set
    ///      exactly when a >= b, and no lane borrows from its neighbour.
    function _allGe(
        uint256 a,
        uint256 b
    ) private pure returns (bool) {
        uint256 m = 0x00ff00ff00ff00ff00ff00ff00ff00ff;
        uint256 h = 0x01000100010001000100010001000100;
        uint256 even = ((a & m) | h) - (b & m);
        uint256 odd = (((a >> 8) & m) | h) - ((b >> 8) & m);
        return even & odd & h == h;
    }

    /// @dev Advisory IDs of the matched platform level, then those of the matched QE level,
    ///      each once, in order (as the C verifier lists them).
    function _advisories(
        Ctx memory c
    ) private pure returns (string[] memory ids) {
        bytes32 pl = _mword(c.tcbRec, 9 + 32 * c.tcbLevel);
        bytes32 ql = _mword(c.qeRec, 80 + 8 * c.qeLevel);
        uint256 pn = uint8(pl[19]);
        uint256 qn = uint8(ql[3]);
        ids = new string[](pn + qn);
        uint256 k = _appendAdvisories(ids, 0, c.tcbRec, uint16(bytes2(pl << 160)), pn);
        k = _appendAdvisories(ids, k, c.qeRec, uint16(bytes2(ql << 32)), qn);
        assembly ("memory-safe") {
            mstore(ids, k)
        }
    }

    /// @dev Appends the `n` advisory IDs at `off` in `rec` that `ids[0:k]` does not hold yet.
    function _appendAdvisories(
        string[] memory ids,
        uint256 k,
        bytes memory rec,
        uint256 off,
        uint256 n
    ) private pure returns (uint256) {
        for (uint256 i; i < n; ++i) {
            string memory id;
            (id, off) = _advisory(rec, off);
            bool dup;
            for (uint256 j; j < k && !dup; ++j) {
                dup = keccak256(bytes(ids[j])) == keccak256(bytes(id));
            }
            if (!dup) ids[k++] = id;
        }
        return k;
    }

    /// @dev One advisory ID of a record (CollateralJson layout) at `off`, and the next offset.
    function _advisory(
        bytes memory rec,
        uint256 off
    ) private pure returns (string memory id, uint256 next) {
        uint256 b0 = uint8(rec[off]);
        if (b0 & 0x80 != 0) {
            uint256 num =
                ((b0 & 0x7f) << 16) | (uint256(uint8(rec[off + 1])) << 8) | uint8(rec[off + 2]);
            bytes memory t = "INTEL-SA-00000";
            for (uint256 i = 13; num != 0; --i) {
                t[i] = bytes1(uint8(0x30 + num % 10));
                num /= 10;
            }
            return (string(t), off + 3);
        }
        bytes memory b = new bytes(b0);
        for (uint256 i; i < b0; ++i) {
            b[i] = rec[off + 1 + i];
        }
        return (string(b), off + 1 + b0);
    }

    // ---- checks 70-73: policy

    function _checkPolicy(
        QuoteResult memory r
    ) private view returns (uint8) {
        if ((acceptedStatuses >> uint8(r.status)) & 1 == 0 || r.status >= TcbStatus.Revoked) {
            return DcapChecks.POLICY_STATUS;
        }
        if (r.debug) return DcapChecks.POLICY_DEBUG;
        bool enclaveListed = mrEnclaveCount != 0;
        bool signerListed = mrSignerCount != 0;
        // Fail closed: an enclave must be on some allow-list.
        if (!enclaveListed && !signerListed) return DcapChecks.POLICY_MRENCLAVE;
        if (enclaveListed && !mrEnclaveAllowed[r.mrEnclave]) return DcapChecks.POLICY_MRENCLAVE;
        if (signerListed && !mrSignerAllowed[r.mrSigner]) return DcapChecks.POLICY_MRSIGNER;
        return 0;
    }

    // ---- calldata and memory readers

    /// @dev Little-endian unsigned integer of `n` bytes at quote offset `off`.
    function _le(
        uint256 q,
        uint256 off,
        uint256 n
    ) private pure returns (uint256 v) {
        bytes32 w = _word(q, off);
        for (uint256 i; i < n; ++i) {
            v |= uint256(uint8(w[i])) << (8 * i);
        }
    }

    /// @dev 32 bytes of the quote at offset `off` (zero past the end of calldata).
    function _word(
        uint256 q,
        uint256 off
    ) private pure returns (bytes32 w) {
        assembly ("memory-safe") {
            w := calldataload(add(q, off))
        }
    }

    /// @dev 32 bytes of `b` at offset `off` (the caller keeps off within b).
    function _mword(
        bytes memory b,
        uint256 off
    ) private pure returns (bytes32 w) {
        assembly ("memory-safe") {
            w := mload(add(add(b, 0x20), off))
        }
    }
}
