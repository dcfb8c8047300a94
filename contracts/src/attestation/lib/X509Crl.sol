// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Asn1Der} from "./Asn1Der.sol";
import {DateParse} from "./DateParse.sol";
import {X509} from "./X509.sol";

/// @title X509Crl
/// @notice Reads an X.509 v2 CRL as Intel publishes them for the SGX Root CA and the PCK
///         Platform/Processor CAs: signed range, issuer name hash, thisUpdate/nextUpdate,
///         signature, and the revoked serial numbers.
/// @dev nextUpdate is required: a CRL without one could never expire, and DCAP collateral
///      must. Serial numbers are returned as integers (leading zero bytes stripped, at most
///      20 bytes as RFC 5280 requires), so they compare equal to certificate serials.
library X509Crl {
    using Asn1Der for bytes;

    struct Crl {
        uint256 tbsStart;
        uint256 tbsLength;
        bytes32 issuerHash;
        uint256 thisUpdate;
        uint256 nextUpdate;
        bytes32 sigR;
        bytes32 sigS;
        uint256[] revokedSerials;
    }

    /// @dev Parses `der`, which must be exactly one CRL.
    function parse(
        bytes memory der
    ) internal pure returns (bool ok, Crl memory crl) {
        uint256 top = Asn1Der.expect(der.root(), 0x30);
        uint256 tbs = Asn1Der.expect(der.first(top), 0x30);
        uint256 sigAlg = der.next(tbs, top);
        uint256 sigVal = der.next(sigAlg, top);
        if (sigVal == 0 || Asn1Der.end(sigVal) != Asn1Der.end(top)) return (false, crl);
        if (!X509.isEcdsaSha256(der, sigAlg)) return (false, crl);
        bool sigOk;
        (sigOk, crl.sigR, crl.sigS) = X509.signatureValue(der, sigVal);
        if (!sigOk) return (false, crl);
        crl.tbsStart = Asn1Der.start(tbs);
        crl.tbsLength = Asn1Der.end(tbs) - crl.tbsStart;
        return (_parseTbs(der, tbs, crl), crl);
    }

    function _parseTbs(
        bytes memory der,
        uint256 tbs,
        Crl memory crl
    ) private pure returns (bool) {
        uint256 n = der.first(tbs);
        if (Asn1Der.tag(n) == 0x02) n = der.next(n, tbs); // version v2
        uint256 issuer = Asn1Der.expect(der.next(n, tbs), 0x30);
        if (!X509.isEcdsaSha256(der, n) || issuer == 0) return false;
        crl.issuerHash = der.hashTlv(issuer);
        uint256 thisUpd = der.next(issuer, tbs);
        uint256 nextUpd = der.next(thisUpd, tbs);
        crl.thisUpdate = DateParse.fromAsn1(der, thisUpd);
        crl.nextUpdate = DateParse.fromAsn1(der, nextUpd);
        if (crl.thisUpdate == 0 || crl.nextUpdate == 0) return false;
        uint256 rest = der.next(nextUpd, tbs);
        uint256 last = nextUpd;
        if (Asn1Der.tag(rest) == 0x30) {
            bool listOk;
            (listOk, crl.revokedSerials) = _serials(der, rest);
            if (!listOk) return false;
            last = rest;
            rest = der.next(rest, tbs);
        }
        if (Asn1Der.tag(rest) == 0xa0) last = rest; // crlExtensions [0]
        return Asn1Der.end(last) == Asn1Der.end(tbs);
    }

    /// @dev The userCertificate of every revokedCertificates entry.
    function _serials(
        bytes memory der,
        uint256 list
    ) private pure returns (bool ok, uint256[] memory serials) {
        uint256 count;
        uint256 last;
        for (uint256 e = der.first(list); e != 0; e = der.next(e, list)) {
            ++count;
            last = e;
        }
        if (count != 0 && Asn1Der.end(last) != Asn1Der.end(list)) return (false, serials);
        serials = new uint256[](count);
        uint256 i;
        for (uint256 e = der.first(list); e != 0; e = der.next(e, list)) {
            uint256 entry = Asn1Der.expect(e, 0x30);
            (bool sOk, uint256 serial) = der.uintValue(der.first(entry), 20);
            if (!sOk) return (false, serials);
            serials[i++] = serial;
        }
        return (true, serials);
    }
}
