// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Asn1Der} from "./Asn1Der.sol";
import {DateParse} from "./DateParse.sol";
import {P256Sha} from "./P256Sha.sol";

/// @title X509
/// @notice Reads the parts of an X.509 v3 certificate that SGX DCAP verification needs: the TBS
///         range (signed bytes), serial number, issuer and subject names (as hashes of their DER),
///         validity, P-256 public key, ECDSA-SHA256 signature, the subject common name and the
///         Intel SGX extension (OID 1.2.840.113741.1.13.1) of PCK certificates.
/// @dev Every parser returns `ok = false` instead of reverting, so the quote verifier can name
///      the failed check. Only ecdsa-with-SHA256 signatures and P-256 keys are accepted: that is
///      all Intel's SGX PKI (and the simulation CA, which uses the same formats) issues.
library X509 {
    using Asn1Der for bytes;

    /// @dev What a parsed certificate offers. Offsets index the DER buffer it was parsed from.
    struct Certificate {
        uint256 tbsStart;
        uint256 tbsLength;
        uint256 serial;
        bytes32 issuerHash;
        bytes32 subjectHash;
        uint256 subjectNode;
        uint256 notBefore;
        uint256 notAfter;
        bytes32 keyX;
        bytes32 keyY;
        bytes32 sigR;
        bytes32 sigS;
        uint256 extensions;
    }

    /// @dev The SGX extension of a PCK certificate: the platform's TCB and identity.
    struct SgxExtension {
        bytes16 cpuSvn; // TCB components 1..16, one byte each, in order
        uint16 pceSvn;
        bytes2 pceId;
        bytes6 fmspc;
    }

    bytes32 private constant OID_ECDSA_SHA256 = hex"2a8648ce3d040302";
    bytes32 private constant OID_EC_PUBLIC_KEY = hex"2a8648ce3d0201";
    bytes32 private constant OID_PRIME256V1 = hex"2a8648ce3d030107";
    bytes32 private constant OID_COMMON_NAME = hex"550403";
    bytes32 private constant OID_SGX_EXTENSION = hex"2a864886f84d010d01";

    /// @dev Parses `der`, which must be exactly one certificate.
    function parse(
        bytes memory der
    ) internal pure returns (bool ok, Certificate memory c) {
        uint256 cert = Asn1Der.expect(der.root(), 0x30);
        uint256 tbs = Asn1Der.expect(der.first(cert), 0x30);
        uint256 sigAlg = der.next(tbs, cert);
        uint256 sigVal = der.next(sigAlg, cert);
        if (sigVal == 0 || Asn1Der.end(sigVal) != Asn1Der.end(cert)) return (false, c);
        if (!isEcdsaSha256(der, sigAlg)) return (false, c);
        bool sigOk;
        (sigOk, c.sigR, c.sigS) = signatureValue(der, sigVal);
        if (!sigOk) return (false, c);
        c.tbsStart = Asn1Der.start(tbs);
        c.tbsLength = Asn1Der.end(tbs) - c.tbsStart;
        return (_parseTbs(der, tbs, c), c);
    }

    function _parseTbs(
        bytes memory der,
        uint256 tbs,
        Certificate memory c
    ) private pure returns (bool) {
        uint256 n = der.first(tbs);
        if (Asn1Der.tag(n) == 0xa0) n = der.next(n, tbs); // version [0]
        bool serialOk;
        (serialOk, c.serial) = der.uintValue(n, 20);
        uint256 alg = der.next(n, tbs);
        uint256 issuer = Asn1Der.expect(der.next(alg, tbs), 0x30);
        if (!serialOk || issuer == 0 || !isEcdsaSha256(der, alg)) return false;
        c.issuerHash = der.hashTlv(issuer);
        uint256 validity = Asn1Der.expect(der.next(issuer, tbs), 0x30);
        if (!_validity(der, validity, c)) return false;
        uint256 subject = Asn1Der.expect(der.next(validity, tbs), 0x30);
        if (subject == 0) return false;
        c.subjectHash = der.hashTlv(subject);
        c.subjectNode = subject;
        uint256 spki = Asn1Der.expect(der.next(subject, tbs), 0x30);
        bool keyOk;
        (keyOk, c.keyX, c.keyY) = _publicKey(der, spki);
        if (!keyOk) return false;
        return _extensions(der, spki, tbs, c);
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

    /// @dev Optional issuerUniqueID [1], subjectUniqueID [2], extensions [3] after the key;
    ///      they must end exactly at the end of the TBS.
    function _extensions(
        bytes memory der,
        uint256 spki,
        uint256 tbs,
        Certificate memory c
    ) private pure returns (bool) {
        uint256 last = spki;
        for (uint256 x = der.next(spki, tbs); x != 0; x = der.next(x, tbs)) {
            uint256 t = Asn1Der.tag(x);
            if (t == 0xa3) {
                if (c.extensions != 0) return false;
                c.extensions = Asn1Der.expect(der.inner(x), 0x30);
                if (c.extensions == 0) return false;
            } else if (t != 0x81 && t != 0x82 && t != 0xa1 && t != 0xa2) {
                return false;
            }
            last = x;
        }
        return Asn1Der.end(last) == Asn1Der.end(tbs);
    }

    /// @dev Whether the children of `parent` from `from` on tile it exactly (no trailing junk).
    function childrenEndAt(
        bytes memory der,
        uint256 from,
        uint256 parent
    ) internal pure returns (bool) {
        uint256 last = from;
        for (uint256 x = der.next(from, parent); x != 0; x = der.next(x, parent)) {
            last = x;
        }
        return Asn1Der.end(last) == Asn1Der.end(parent);
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

    /// @dev Splits an ECDSA-Sig-Value (BIT STRING holding SEQUENCE { r INTEGER, s INTEGER }).
    function signatureValue(
        bytes memory der,
        uint256 bitString
    ) internal pure returns (bool ok, bytes32 r, bytes32 s) {
        uint256 seq = Asn1Der.expect(der.inner(der.bitStringContent(bitString)), 0x30);
        uint256 rn = der.first(seq);
        uint256 sn = der.next(rn, seq);
        if (sn == 0 || Asn1Der.end(sn) != Asn1Der.end(seq)) return (false, r, s);
        (bool okR, uint256 rv) = der.uintValue(rn, 32);
        (bool okS, uint256 sv) = der.uintValue(sn, 32);
        return (okR && okS, bytes32(rv), bytes32(sv));
    }

    /// @dev The P-256 key of a SubjectPublicKeyInfo (uncompressed point 0x04 || x || y).
    function _publicKey(
        bytes memory der,
        uint256 spki
    ) private pure returns (bool ok, bytes32 x, bytes32 y) {
        uint256 alg = Asn1Der.expect(der.first(spki), 0x30);
        uint256 oid = Asn1Der.expect(der.first(alg), 0x06);
        uint256 curve = Asn1Der.expect(der.next(oid, alg), 0x06);
        uint256 key = der.bitStringContent(der.next(alg, spki));
        if (!der.contentEquals(oid, OID_EC_PUBLIC_KEY, 7)) return (false, x, y);
        if (!der.contentEquals(curve, OID_PRIME256V1, 8)) return (false, x, y);
        if (Asn1Der.length(key) != 65 || Asn1Der.end(key) != Asn1Der.end(spki)) {
            return (false, x, y);
        }
        uint256 p = Asn1Der.contentStart(key);
        uint256 prefix;
        assembly ("memory-safe") {
            let q := add(add(der, 0x20), p)
            prefix := byte(0, mload(q))
            x := mload(add(q, 1))
            y := mload(add(q, 33))
        }
        return (prefix == 0x04, x, y);
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

    /// @dev The value node of the first commonName attribute of the Name `name`, or INVALID.
    function commonName(
        bytes memory der,
        uint256 name
    ) internal pure returns (uint256) {
        for (uint256 rdn = der.first(name); rdn != 0; rdn = der.next(rdn, name)) {
            for (uint256 atv = der.first(rdn); atv != 0; atv = der.next(atv, rdn)) {
                uint256 oid = der.first(atv);
                if (der.contentEquals(oid, OID_COMMON_NAME, 3)) return der.next(oid, atv);
            }
        }
        return 0;
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
        return contains(der, commonName(der, c.subjectNode), needle);
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
        uint256 extensions
    ) internal pure returns (bool ok, SgxExtension memory e) {
        uint256 val = findExtension(der, extensions);
        if (val == 0) return (false, e);
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

    /// @dev The OCTET STRING value of the only SGX extension, or INVALID if there is none or
    ///      more than one.
    function findExtension(
        bytes memory der,
        uint256 extensions
    ) internal pure returns (uint256 found) {
        for (uint256 ext = der.first(extensions); ext != 0; ext = der.next(ext, extensions)) {
            uint256 oid = der.first(ext);
            if (!der.contentEquals(oid, OID_SGX_EXTENSION, 9)) continue;
            if (found != 0) return 0;
            uint256 val = der.next(oid, ext);
            if (Asn1Der.tag(val) == 0x01) val = der.next(val, ext); // critical flag
            found = Asn1Der.expect(val, 0x04);
            if (found == 0) return 0;
        }
    }
}
