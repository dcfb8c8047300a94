// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Asn1Der} from "./Asn1Der.sol";
import {DateParse} from "./DateParse.sol";
import {P256Sha} from "./P256Sha.sol";

/// @title X509
/// @notice Reads X.509 certificates of Intel's SGX PKI strictly, with the rules of the C
///         verifier's certificate parser (cert.c of the dcap branch; docs/dcap.md, "Collateral
///         formats"), so that both accept and refuse the same certificates: X.509 v3, DER
///         lengths in shortest form, a positive minimal serial of at most 20 bytes,
///         ecdsa-with-SHA256 (the same bytes inside and outside the TBS), UTCTime or
///         GeneralizedTime in Z form, SPKI id-ecPublicKey prime256v1 with an uncompressed point
///         on the curve, a subject with at most one common name, extensions whose values are
///         OCTET STRINGs, and the Intel SGX extension (OID 1.2.840.113741.1.13.1) of PCK
///         certificates.
/// @dev Parsers return `ok = false` instead of reverting, so the quote verifier can name the
///      failed check. A malformed ECDSA-Sig-Value is not a parse error (OpenSSL, which the C
///      verifier uses for signatures, rejects it when verifying): it leaves r = s = 0, which
///      P256VERIFY rejects, so the failure is reported by the signature check as in C.
library X509 {
    using Asn1Der for bytes;

    /// @dev What a parsed certificate offers. Offsets and nodes index its DER buffer.
    struct Certificate {
        uint256 tbsStart;
        uint256 tbsLength;
        uint256 serial;
        bytes32 issuerHash;
        bytes32 subjectHash;
        uint256 cn; // node of the subject common name (0 if there is none)
        uint256 notBefore;
        uint256 notAfter;
        bytes32 keyX;
        bytes32 keyY;
        bytes32 sigR;
        bytes32 sigS;
        uint256 sgxExt; // OCTET STRING node of the (last) SGX extension
        uint256 sgxExtCount;
    }

    /// @dev The SGX extension of a PCK certificate: the platform's TCB and identity.
    struct SgxExtension {
        bytes16 cpuSvn; // TCB components 1..16, one byte each, in order
        uint16 pceSvn;
        bytes2 pceId;
        bytes6 fmspc;
    }

    /// @dev DER of AlgorithmIdentifier { ecdsa-with-SHA256 } and of { id-ecPublicKey,
    ///      prime256v1 }, as Intel encodes them (12 and 21 bytes).
    bytes32 private constant ALG_ECDSA_SHA256 = hex"300a06082a8648ce3d040302";
    bytes32 private constant ALG_EC_P256 = hex"301306072a8648ce3d020106082a8648ce3d030107";
    bytes32 private constant OID_ECDSA_SHA256 = hex"2a8648ce3d040302";
    bytes32 private constant OID_COMMON_NAME = hex"550403";
    bytes32 private constant OID_SGX_EXTENSION = hex"2a864886f84d010d01";

    /// @dev Parses `der`, which must be exactly one certificate.
    function parse(
        bytes memory der
    ) internal pure returns (bool ok, Certificate memory c) {
        uint256 cert = Asn1Der.expect(der.root(), 0x30);
        uint256 tbs = Asn1Der.expect(der.first(cert), 0x30);
        uint256 alg = der.next(tbs, cert);
        uint256 bits = Asn1Der.expect(der.next(alg, cert), 0x03);
        if (bits == 0 || Asn1Der.end(bits) != Asn1Der.end(cert)) return (false, c);
        if (!_tlvIs(der, alg, ALG_ECDSA_SHA256, 12)) return (false, c);
        if (Asn1Der.length(bits) < 2 || _byte(der, Asn1Der.contentStart(bits)) != 0) {
            return (false, c);
        }
        (, c.sigR, c.sigS) = signatureValue(der, bits);
        c.tbsStart = Asn1Der.start(tbs);
        c.tbsLength = Asn1Der.end(tbs) - c.tbsStart;
        return (_parseTbs(der, tbs, c), c);
    }

    function _parseTbs(
        bytes memory der,
        uint256 tbs,
        Certificate memory c
    ) private pure returns (bool) {
        uint256 issuer = _tbsHead(der, tbs, c);
        if (issuer == 0) return false;
        c.issuerHash = der.hashTlv(issuer);
        uint256 validity = Asn1Der.expect(der.next(issuer, tbs), 0x30);
        if (!_validity(der, validity, c)) return false;
        uint256 subject = Asn1Der.expect(der.next(validity, tbs), 0x30);
        bool nOk;
        (nOk, c.cn) = _subjectCn(der, subject);
        if (!nOk) return false;
        c.subjectHash = der.hashTlv(subject);
        uint256 spki = Asn1Der.expect(der.next(subject, tbs), 0x30);
        bool keyOk;
        (keyOk, c.keyX, c.keyY) = _publicKey(der, spki);
        if (!keyOk) return false;
        return _rest(der, spki, tbs, c);
    }

    /// @dev Version (must be v3), serial, signature algorithm; returns the issuer node (0 if
    ///      anything is wrong).
    function _tbsHead(
        bytes memory der,
        uint256 tbs,
        Certificate memory c
    ) private pure returns (uint256 issuer) {
        uint256 ver = Asn1Der.expect(der.first(tbs), 0xa0);
        uint256 verInt = Asn1Der.expect(der.first(ver), 0x02);
        (bool vOk, uint256 version) = der.minimalUint(verInt, 2);
        if (!vOk || version != 2 || Asn1Der.end(verInt) != Asn1Der.end(ver)) return 0;
        uint256 serial = Asn1Der.expect(der.next(ver, tbs), 0x02);
        bool sOk;
        (sOk, c.serial) = _serial(der, serial);
        uint256 alg = der.next(serial, tbs);
        if (!sOk || !_tlvIs(der, alg, ALG_ECDSA_SHA256, 12)) return 0;
        return Asn1Der.expect(der.next(alg, tbs), 0x30);
    }

    /// @dev A positive, minimally encoded serial number of at most 20 significant bytes.
    function _serial(
        bytes memory der,
        uint256 node
    ) private pure returns (bool ok, uint256 v) {
        uint256 n = Asn1Der.length(node);
        if (node == 0 || n == 0) return (false, 0);
        uint256 cs = Asn1Der.contentStart(node);
        uint256 b0 = _byte(der, cs);
        if (b0 & 0x80 != 0) return (false, 0);
        if (n > 1 && b0 == 0 && _byte(der, cs + 1) & 0x80 == 0) return (false, 0);
        if (b0 == 0) {
            ++cs;
            --n;
        }
        if (n > 20) return (false, 0);
        if (n == 0) return (true, 0);
        assembly ("memory-safe") {
            v := shr(sub(256, shl(3, n)), mload(add(add(der, 0x20), cs)))
        }
        return (true, v);
    }

    function _validity(
        bytes memory der,
        uint256 validity,
        Certificate memory c
    ) private pure returns (bool) {
        uint256 nb = der.first(validity);
        uint256 na = der.next(nb, validity);
        c.notBefore = DateParse.fromAsn1(der, nb);
        c.notAfter = DateParse.fromAsn1(der, na);
        return c.notBefore != 0 && c.notAfter != 0 && Asn1Der.end(na) == Asn1Der.end(validity);
    }

    /// @dev Checks the subject Name (SEQUENCE of SETs of SEQUENCE { OID, value }, nothing
    ///      else) and returns its common name node: at most one, a UTF8String, PrintableString,
    ///      T61String or IA5String without NUL bytes and shorter than 256 bytes.
    function _subjectCn(
        bytes memory der,
        uint256 name
    ) private pure returns (bool ok, uint256 cn) {
        if (name == 0) return (false, 0);
        uint256 lastRdn;
        for (uint256 rdn = der.first(name); rdn != 0; rdn = der.next(rdn, name)) {
            if (Asn1Der.tag(rdn) != 0x31) return (false, 0);
            uint256 lastAtv;
            for (uint256 atv = der.first(rdn); atv != 0; atv = der.next(atv, rdn)) {
                uint256 oid = Asn1Der.expect(der.first(Asn1Der.expect(atv, 0x30)), 0x06);
                uint256 str = der.next(oid, atv);
                if (str == 0 || Asn1Der.end(str) != Asn1Der.end(atv)) return (false, 0);
                lastAtv = atv;
                if (!der.contentEquals(oid, OID_COMMON_NAME, 3)) continue;
                uint256 t = Asn1Der.tag(str);
                if (cn != 0 || (t != 0x0c && t != 0x13 && t != 0x14 && t != 0x16)) {
                    return (false, 0);
                }
                if (Asn1Der.length(str) > 255 || _hasNul(der, str)) return (false, 0);
                cn = str;
            }
            if (!_endsAt(rdn, lastAtv)) return (false, 0);
            lastRdn = rdn;
        }
        return (_endsAt(name, lastRdn), cn);
    }

    /// @dev Whether the children of `parent`, the last being `last` (0: none), tile it.
    function _endsAt(
        uint256 parent,
        uint256 last
    ) private pure returns (bool) {
        return last == 0
            ? Asn1Der.contentStart(parent) == Asn1Der.end(parent)
            : Asn1Der.end(last) == Asn1Der.end(parent);
    }

    function _hasNul(
        bytes memory der,
        uint256 node
    ) private pure returns (bool) {
        uint256 e = Asn1Der.end(node);
        for (uint256 i = Asn1Der.contentStart(node); i < e; ++i) {
            if (_byte(der, i) == 0) return true;
        }
        return false;
    }

    /// @dev The P-256 key of a SubjectPublicKeyInfo (uncompressed point 0x04 || x || y on the
    ///      curve), nothing after it.
    function _publicKey(
        bytes memory der,
        uint256 spki
    ) private pure returns (bool ok, bytes32 x, bytes32 y) {
        uint256 alg = der.first(spki);
        uint256 bits = Asn1Der.expect(der.next(alg, spki), 0x03);
        if (!_tlvIs(der, alg, ALG_EC_P256, 21)) return (false, x, y);
        if (Asn1Der.length(bits) != 66 || Asn1Der.end(bits) != Asn1Der.end(spki)) {
            return (false, x, y);
        }
        uint256 p = Asn1Der.contentStart(bits);
        uint256 prefix;
        assembly ("memory-safe") {
            let q := add(add(der, 0x20), p)
            prefix := shr(240, mload(q))
            x := mload(add(q, 2))
            y := mload(add(q, 34))
        }
        return (prefix == 0x0004 && P256Sha.isOnCurve(x, y), x, y);
    }

    /// @dev After the key: unique identifiers [1]/[2] (skipped), then optionally [3]
    ///      extensions; the TBS must end there.
    function _rest(
        bytes memory der,
        uint256 spki,
        uint256 tbs,
        Certificate memory c
    ) private pure returns (bool) {
        uint256 last = spki;
        uint256 x = der.next(spki, tbs);
        while (x != 0) {
            uint256 t = Asn1Der.tag(x);
            if (t != 0x81 && t != 0x82 && t != 0xa1 && t != 0xa2) break;
            last = x;
            x = der.next(x, tbs);
        }
        if (x != 0) {
            if (Asn1Der.tag(x) != 0xa3 || !_extensions(der, x, c)) return false;
            last = x;
        }
        return Asn1Der.end(last) == Asn1Der.end(tbs);
    }

    /// @dev [3] { SEQUENCE OF Extension { OID, [BOOLEAN], OCTET STRING } }, noting the SGX
    ///      extension (by OID) and how many there are.
    function _extensions(
        bytes memory der,
        uint256 wrap,
        Certificate memory c
    ) private pure returns (bool) {
        uint256 list = Asn1Der.expect(der.first(wrap), 0x30);
        if (list == 0 || Asn1Der.end(list) != Asn1Der.end(wrap)) return false;
        uint256 last;
        for (uint256 ext = der.first(list); ext != 0; ext = der.next(ext, list)) {
            uint256 oid = Asn1Der.expect(der.first(Asn1Der.expect(ext, 0x30)), 0x06);
            uint256 val = der.next(oid, ext);
            if (Asn1Der.tag(val) == 0x01) val = der.next(val, ext);
            if (oid == 0 || Asn1Der.tag(val) != 0x04 || Asn1Der.end(val) != Asn1Der.end(ext)) {
                return false;
            }
            if (der.contentEquals(oid, OID_SGX_EXTENSION, 9)) {
                c.sgxExt = val;
                ++c.sgxExtCount;
            }
            last = ext;
        }
        return _endsAt(list, last);
    }

    /// @dev Whether the whole TLV `node` equals the `n` bytes of `expected`.
    function _tlvIs(
        bytes memory der,
        uint256 node,
        bytes32 expected,
        uint256 n
    ) private pure returns (bool same) {
        if (node == 0 || Asn1Der.end(node) - Asn1Der.start(node) != n) return false;
        uint256 s = Asn1Der.start(node);
        assembly ("memory-safe") {
            let mask := not(shr(shl(3, n), not(0)))
            same := eq(and(mload(add(add(der, 0x20), s)), mask), expected)
        }
    }

    function _byte(
        bytes memory der,
        uint256 i
    ) private pure returns (uint256 b) {
        assembly ("memory-safe") {
            b := byte(0, mload(add(add(der, 0x20), i)))
        }
    }

    /// @dev Whether the AlgorithmIdentifier `algId` is ecdsa-with-SHA256 without parameters.
    function isEcdsaSha256(
        bytes memory der,
        uint256 algId
    ) internal pure returns (bool) {
        if (Asn1Der.tag(algId) != 0x30) return false;
        uint256 oid = Asn1Der.expect(der.first(algId), 0x06);
        // RFC 5758: the parameters field is absent for ecdsa-with-SHA256.
        return Asn1Der.end(oid) == Asn1Der.end(algId) && der.contentEquals(oid, OID_ECDSA_SHA256, 8);
    }

    /// @dev Splits an ECDSA-Sig-Value (BIT STRING holding SEQUENCE { r INTEGER, s INTEGER })
    ///      in strict DER (positive minimal INTEGERs of at most 32 significant bytes, nothing
    ///      after), as OpenSSL requires; ok false and r = s = 0 otherwise.
    function signatureValue(
        bytes memory der,
        uint256 bitString
    ) internal pure returns (bool ok, bytes32 r, bytes32 s) {
        uint256 seq = Asn1Der.expect(der.inner(der.bitStringContent(bitString)), 0x30);
        uint256 rn = Asn1Der.expect(der.first(seq), 0x02);
        uint256 sn = Asn1Der.expect(der.next(rn, seq), 0x02);
        if (sn == 0 || Asn1Der.end(sn) != Asn1Der.end(seq)) return (false, 0, 0);
        (bool okR, uint256 rv) = _sigInt(der, rn);
        (bool okS, uint256 sv) = _sigInt(der, sn);
        if (!(okR && okS)) return (false, 0, 0);
        return (true, bytes32(rv), bytes32(sv));
    }

    function _sigInt(
        bytes memory der,
        uint256 node
    ) private pure returns (bool ok, uint256 v) {
        uint256 n = Asn1Der.length(node);
        if (n == 0) return (false, 0);
        uint256 cs = Asn1Der.contentStart(node);
        uint256 b0 = _byte(der, cs);
        if (b0 & 0x80 != 0) return (false, 0);
        if (n > 1 && b0 == 0 && _byte(der, cs + 1) & 0x80 == 0) return (false, 0);
        if (b0 == 0 && n > 1) {
            ++cs;
            --n;
        }
        if (n > 32) return (false, 0);
        assembly ("memory-safe") {
            v := shr(sub(256, shl(3, n)), mload(add(add(der, 0x20), cs)))
        }
        return (true, v);
    }

    /// @dev Whether `issuerKey` signed the TBS of `c` (ECDSA P-256 over SHA-256).
    function verifySignedBy(
        bytes memory der,
        Certificate memory c,
        bytes32 issuerX,
        bytes32 issuerY
    ) internal view returns (bool) {
        bytes32 digest = P256Sha.sha256Mem(der, c.tbsStart, c.tbsLength);
        return P256Sha.verify(digest, c.sigR, c.sigS, issuerX, issuerY);
    }

    /// @dev Whether `validAt` lies in [notBefore, notAfter].
    function isValidAt(
        Certificate memory c,
        uint256 validAt
    ) internal pure returns (bool) {
        return c.notBefore <= validAt && validAt <= c.notAfter;
    }

    /// @dev Whether the content of `node` contains `needle` as a substring.
    function contains(
        bytes memory der,
        uint256 node,
        bytes memory needle
    ) internal pure returns (bool) {
        if (node == 0) return false;
        uint256 cs = Asn1Der.contentStart(node);
        uint256 e = Asn1Der.end(node);
        uint256 m = needle.length;
        if (m == 0) return true;
        if (e - cs < m) return false;
        bytes32 needleHash = keccak256(needle);
        for (uint256 i = cs; i + m <= e; ++i) {
            bytes32 h;
            assembly ("memory-safe") {
                h := keccak256(add(add(der, 0x20), i), m)
            }
            if (h == needleHash) return true;
        }
        return false;
    }

    /// @dev Whether the subject common name of `c` contains `needle`.
    function subjectCnContains(
        bytes memory der,
        Certificate memory c,
        bytes memory needle
    ) internal pure returns (bool) {
        return contains(der, c.cn, needle);
    }

    /// @dev Reads the SGX extension of a PCK certificate with the rules of the C verifier's
    ///      DER reader (pckext.c, der.c): exactly one SGX extension; single-byte tags, lengths
    ///      in their shortest form, minimal non-negative INTEGERs, each value exactly one TLV;
    ///      items .1 PPID (16 bytes), .2 TCB, .3 PCEID (2), .4 FMSPC (6), .5 SGX type (0..2)
    ///      at most once each, .6/.7 and unknown items ignored; .2, .3, .4 required; in the TCB,
    ///      components .2.1-.2.16 (0..255), PCESVN .2.17 (0..65535) required once each, CPUSVN
    ///      .2.18 (16 bytes) at most once, unknown items ignored.
    function sgxExtension(
        bytes memory der,
        Certificate memory cert
    ) internal pure returns (bool ok, SgxExtension memory e) {
        if (cert.sgxExtCount != 1) return (false, e);
        uint256 val = cert.sgxExt;
        uint256 cs = Asn1Der.contentStart(val);
        uint256 ce = Asn1Der.end(val);
        uint256 tcb;
        uint256 ids;
        assembly ("memory-safe") {
            // Packed nodes as in Asn1Der (0 = bad): content start and end.
            function cOf(n) -> c {
                c := and(shr(64, n), 0xffffffffffffffff)
            }
            function qOf(n) -> q {
                q := and(n, 0xffffffffffffffff)
            }
            // One element at p, bounded by lim, read as der.c reads (shortest-form lengths).
            function tlv(base, p, lim) -> node {
                if iszero(gt(add(p, 2), lim)) {
                    let w := mload(add(base, p))
                    let len := byte(1, w)
                    let c := add(p, 2)
                    let good := iszero(eq(and(byte(0, w), 0x1f), 0x1f))
                    if and(len, 0x80) {
                        let nb := and(len, 0x7f)
                        good := and(good, and(gt(nb, 0), lt(nb, 4)))
                        good := and(good, iszero(gt(add(c, nb), lim)))
                        len := shr(sub(256, shl(3, nb)), shl(16, w))
                        good := and(good, and(iszero(iszero(byte(2, w))), gt(len, 0x7f)))
                        c := add(c, nb)
                    }
                    if and(good, iszero(gt(add(c, len), lim))) {
                        node := or(shl(192, byte(0, w)), or(shl(64, c), add(c, len)))
                    }
                }
            }
            // Minimal non-negative INTEGER/ENUMERATED content of node n, at most max.
            function uintOf(base, n, max) -> v, ok_ {
                let c := cOf(n)
                let len := sub(qOf(n), c)
                let w := mload(add(base, c))
                ok_ := and(and(gt(len, 0), lt(len, 4)), iszero(and(byte(0, w), 0x80)))
                ok_ := and(
                    ok_,
                    iszero(and(gt(len, 1), and(iszero(byte(0, w)), iszero(and(byte(1, w), 0x80)))))
                )
                v := shr(sub(256, shl(3, len)), w)
                ok_ := and(ok_, iszero(gt(v, max)))
            }
            // The arc after the SGX prefix in OID node o: .k (depth 1) or .2.k (depth 2).
            function sgxArc(base, o, depth) -> k {
                let w := mload(add(base, cOf(o)))
                if and(
                    eq(sub(qOf(o), cOf(o)), add(9, depth)),
                    eq(shr(184, w), 0x2a864886f84d010d01)
                ) {
                    switch depth
                    case 1 { k := byte(9, w) }
                    default { if eq(byte(9, w), 2) { k := byte(10, w) } }
                }
            }
            // The value node of item j (after its OID o), which must end the item.
            function valueOf(base, j, o) -> x {
                x := tlv(base, qOf(o), qOf(j))
                if iszero(eq(qOf(x), qOf(j))) { x := 0 }
            }
            // TCB SEQUENCE content [c, q): packed (components << 16 | pcesvn).
            function tcbSeq(base, c, q) -> tcb_, good {
                let seen := 0
                good := 1
                for { let p := c } and(good, lt(p, q)) {} {
                    let j := tlv(base, p, q)
                    let o := tlv(base, cOf(j), qOf(j))
                    good := and(eq(shr(192, j), 0x30), eq(shr(192, o), 0x06))
                    let a := sgxArc(base, o, 2)
                    if and(good, and(gt(a, 0), lt(a, 19))) {
                        good := iszero(and(seen, shl(a, 1)))
                        seen := or(seen, shl(a, 1))
                        let x := valueOf(base, j, o)
                        switch a
                        case 18 {
                            good := and(
                                good,
                                and(eq(shr(192, x), 0x04), eq(sub(qOf(x), cOf(x)), 16))
                            )
                        }
                        default {
                            let v, uok := uintOf(base, x, sub(shl(shl(3, add(1, eq(a, 17))), 1), 1))
                            good := and(good, and(eq(shr(192, x), 0x02), uok))
                            switch a
                            case 17 { tcb_ := or(tcb_, v) }
                            default { tcb_ := or(tcb_, shl(add(16, shl(3, sub(16, a))), v)) }
                        }
                    }
                    p := qOf(j)
                }
                good := and(good, eq(and(seen, 0x3fffe), 0x3fffe))
            }
            // Extension SEQUENCE content [c, q): tcb, ids (pceid << 48 | fmspc).
            function extSeq(base, c, q) -> tcb_, ids_, good {
                let seen := 0
                good := 1
                for { let p := c } and(good, lt(p, q)) {} {
                    let j := tlv(base, p, q)
                    let o := tlv(base, cOf(j), qOf(j))
                    good := and(eq(shr(192, j), 0x30), eq(shr(192, o), 0x06))
                    let k := sgxArc(base, o, 1)
                    if and(good, and(gt(k, 0), lt(k, 6))) {
                        good := iszero(and(seen, shl(k, 1)))
                        seen := or(seen, shl(k, 1))
                        let x := valueOf(base, j, o)
                        switch k
                        case 1 {
                            good := and(
                                good,
                                and(eq(shr(192, x), 0x04), eq(sub(qOf(x), cOf(x)), 16))
                            )
                        }
                        case 2 {
                            let g2 := 0
                            tcb_, g2 := tcbSeq(base, cOf(x), qOf(x))
                            good := and(good, and(eq(shr(192, x), 0x30), g2))
                        }
                        case 3 {
                            good := and(
                                good,
                                and(eq(shr(192, x), 0x04), eq(sub(qOf(x), cOf(x)), 2))
                            )
                            ids_ := or(ids_, shl(48, shr(240, mload(add(base, cOf(x))))))
                        }
                        case 4 {
                            good := and(
                                good,
                                and(eq(shr(192, x), 0x04), eq(sub(qOf(x), cOf(x)), 6))
                            )
                            ids_ := or(ids_, shr(208, mload(add(base, cOf(x)))))
                        }
                        default {
                            let v, uok := uintOf(base, x, 2)
                            good := and(good, and(eq(shr(192, x), 0x0a), uok))
                        }
                    }
                    p := qOf(j)
                }
                good := and(good, eq(and(seen, 0x1c), 0x1c))
            }

            let base := add(der, 0x20)
            let outer := tlv(base, cs, ce)
            if and(eq(shr(192, outer), 0x30), eq(qOf(outer), ce)) {
                tcb, ids, ok := extSeq(base, cOf(outer), ce)
            }
        }
        e.cpuSvn = bytes16(uint128(tcb >> 16));
        e.pceSvn = uint16(tcb);
        e.pceId = bytes2(uint16(ids >> 48));
        e.fmspc = bytes6(uint48(ids));
    }
}
