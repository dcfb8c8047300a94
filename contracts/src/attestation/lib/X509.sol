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

    /// @dev Reads the SGX extension of a PCK certificate. ok requires all 16 TCB components
    ///      (each at most 255), PCESVN, PCE-ID (2 bytes) and FMSPC (6 bytes).
    function sgxExtension(
        bytes memory der,
        uint256 extensions
    ) internal pure returns (bool ok, SgxExtension memory e) {
        uint256 seq = _findExtension(der, extensions);
        if (seq == 0) return (false, e);
        uint256 found; // bit 0: TCB, bit 1: PCE-ID, bit 2: FMSPC
        for (uint256 item = der.first(seq); item != 0; item = der.next(item, seq)) {
            uint256 oid = Asn1Der.expect(der.first(Asn1Der.expect(item, 0x30)), 0x06);
            uint256 val = der.next(oid, item);
            if (val == 0 || Asn1Der.length(oid) != 10) return (false, e);
            bytes32 w = der.word(oid);
            if (bytes9(w) != bytes9(OID_SGX_EXTENSION)) return (false, e);
            uint256 kind = uint8(w[9]);
            if (kind == 2) {
                bool tcbOk;
                (tcbOk, e.cpuSvn, e.pceSvn) = _tcb(der, val);
                if (!tcbOk) return (false, e);
                found |= 1;
            } else if (kind == 3) {
                if (Asn1Der.tag(val) != 0x04 || Asn1Der.length(val) != 2) return (false, e);
                e.pceId = bytes2(der.word(val));
                found |= 2;
            } else if (kind == 4) {
                if (Asn1Der.tag(val) != 0x04 || Asn1Der.length(val) != 6) return (false, e);
                e.fmspc = bytes6(der.word(val));
                found |= 4;
            }
        }
        return (found == 7 && childrenEndAt(der, der.first(seq), seq), e);
    }

    /// @dev The SEQUENCE inside the SGX extension's OCTET STRING, or INVALID.
    function _findExtension(
        bytes memory der,
        uint256 extensions
    ) private pure returns (uint256) {
        for (uint256 ext = der.first(extensions); ext != 0; ext = der.next(ext, extensions)) {
            uint256 oid = der.first(ext);
            if (!der.contentEquals(oid, OID_SGX_EXTENSION, 9)) continue;
            uint256 val = der.next(oid, ext);
            if (Asn1Der.tag(val) == 0x01) val = der.next(val, ext); // critical flag
            return Asn1Der.expect(der.inner(Asn1Der.expect(val, 0x04)), 0x30);
        }
        return 0;
    }

    /// @dev The TCB SEQUENCE: components .2.1 .. .2.16 and PCESVN .2.17, each exactly once
    ///      (CPUSVN .2.18 is ignored).
    function _tcb(
        bytes memory der,
        uint256 seq
    ) private pure returns (bool ok, bytes16 comps, uint16 pceSvn) {
        if (Asn1Der.tag(seq) != 0x30) return (false, comps, pceSvn);
        uint256 found;
        uint256 packed;
        for (uint256 item = der.first(seq); item != 0; item = der.next(item, seq)) {
            (bool itemOk, uint256 k, uint256 v) = _tcbItem(der, item);
            if (!itemOk || (k != 0 && found & (1 << k) != 0)) return (false, comps, pceSvn);
            if (k >= 1 && k <= 16) packed |= v << (8 * (16 - k));
            else if (k == 17) pceSvn = uint16(v);
            if (k != 0) found |= 1 << k;
        }
        // bits 1..17 set
        return (found == 0x3fffe, bytes16(uint128(packed)), pceSvn);
    }

    /// @dev One TCB item: k = 1..16 (component, v <= 255), 17 (PCESVN, v <= 65535), or 0 for
    ///      an item we ignore.
    function _tcbItem(
        bytes memory der,
        uint256 item
    ) private pure returns (bool ok, uint256 k, uint256 v) {
        uint256 oid = Asn1Der.expect(der.first(Asn1Der.expect(item, 0x30)), 0x06);
        uint256 val = der.next(oid, item);
        if (val == 0 || Asn1Der.length(oid) != 11) return (false, 0, 0);
        bytes32 w = der.word(oid);
        if (bytes9(w) != bytes9(OID_SGX_EXTENSION) || uint8(w[9]) != 2) return (false, 0, 0);
        k = uint8(w[10]);
        if (k < 1 || k > 17) return (true, 0, 0);
        (ok, v) = der.uintValue(val, 2);
        if (k <= 16 && v > 255) ok = false;
    }
}
