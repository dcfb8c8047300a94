// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {JSONParserLib} from "solady/utils/JSONParserLib.sol";
import {DateParse} from "./DateParse.sol";

/// @title CollateralJson
/// @notice Parses Intel's signed SGX collateral JSON as served by the PCS (`{"tcbInfo":{...},
///         "signature":"<r||s hex>"}` and `{"enclaveIdentity":{...},"signature":"..."}`) into
///         the compact binary records the collateral store keeps, and returns the exact signed
///         bytes (the value of `tcbInfo` / `enclaveIdentity` from its `{` to its matching `}`).
/// @dev Record layouts (big-endian integers), read back by the quote verifier:
///      TCB info:    [0:4] tcbEvaluationDataNumber, [4:6] pceId, [6] version, [7:9] level
///                   count, then 32 bytes per level sorted as Intel's QVL sorts them (descending by the
///                   16 SGX component SVNs compared lexicographically, then pcesvn):
///                   [0:16] components, [16:18] pcesvn, [18] status, [19] advisory count,
///                   [20:22] offset of the level's advisory IDs in the record;
///                   then the advisory IDs, each a length byte and the ASCII ID.
///      QE identity: [0:4] tcbEvaluationDataNumber, [4:8] miscselect, [8:12] miscselectMask,
///                   [12:28] attributes, [28:44] attributesMask, [44:76] mrsigner,
///                   [76:78] isvprodid, [78:80] level count, then 8 bytes per level sorted by isvsvn
///                   descending: [0:2] isvsvn, [2] status, [3] advisory count, [4:6] advisory
///                   offset; then the advisory IDs as above.
///      Status numbers are those of `TcbStatus` in DcapTypes.sol.
///      What is accepted follows the C verifier (docs/dcap.md of the dcap branch, "Collateral
///      formats"): duplicate keys are refused anywhere and escaped top-level member names too;
///      integers are plain non-negative JSON integers; dates are YYYY-MM-DDTHH:MM:SS[.f]Z;
///      hex fields have exactly their length, in either case; 1..512 levels, no two equal;
///      advisoryIDs (TCB info v3 and QE identity) are at most 32 strings of 1..63 printable
///      characters other than '"' and '\'; QE levels are UpToDate, OutOfDate or Revoked.
library CollateralJson {
    using JSONParserLib for JSONParserLib.Item;

    /// @notice Collateral JSON is malformed; `field` names what is wrong.
    error CollateralMalformed(string field);

    uint256 internal constant TCB_HEADER = 9;
    uint256 internal constant TCB_LEVEL = 32;
    uint256 internal constant QE_HEADER = 80;
    uint256 internal constant QE_LEVEL = 8;
    uint256 internal constant MAX_LEVELS = 512;
    uint256 internal constant MAX_ADVISORIES = 32;

    /// @dev What the store needs besides the record.
    struct Parsed {
        bytes signedBody;
        bytes32 sigR;
        bytes32 sigS;
        bytes6 fmspc; // TCB info only
        uint32 evaluationDataNumber;
        uint40 issueDate;
        uint40 nextUpdate;
        bytes record;
    }

    /// @dev Parses a PCS TCB info response (version 2 or 3, SGX).
    function parseTcbInfo(
        bytes memory json
    ) internal pure returns (Parsed memory p) {
        JSONParserLib.Item memory body = _envelope(json, '"tcbInfo"', p);
        uint256 version = _uint(body, '"version"', "tcbInfo.version");
        if (version == 3) {
            if (!_isString(body.at('"id"'), '"SGX"')) revert CollateralMalformed("tcbInfo.id");
        } else if (version != 2) {
            revert CollateralMalformed("tcbInfo.version");
        }
        if (_uint(body, '"tcbType"', "tcbInfo.tcbType") != 0) {
            revert CollateralMalformed("tcbInfo.tcbType");
        }
        p.fmspc = bytes6(_hex(body.at('"fmspc"'), 6, "tcbInfo.fmspc"));
        bytes2 pceId = bytes2(_hex(body.at('"pceId"'), 2, "tcbInfo.pceId"));
        _dates(body, p, "tcbInfo.issueDate", "tcbInfo.nextUpdate");
        p.evaluationDataNumber = uint32(
            _uintMax(
                body, '"tcbEvaluationDataNumber"', "tcbInfo.tcbEvaluationDataNumber", 2 ** 32 - 1
            )
        );
        JSONParserLib.Item[] memory levels = _array(body.at('"tcbLevels"'), "tcbInfo.tcbLevels");
        _checkLevelCount(levels.length);
        uint256[] memory order = new uint256[](levels.length);
        for (uint256 i; i < levels.length; ++i) {
            order[i] = (_tcbKey(levels[i], version) << 16) | i;
        }
        _sortDescendingUnique(order, "tcbInfo.tcbLevels (duplicate level)");
        bytes memory header =
            abi.encodePacked(p.evaluationDataNumber, pceId, uint8(version), uint16(levels.length));
        p.record = _levelsRecord(header, levels, order, version);
    }

    /// @dev Parses a PCS QE identity response (version 2, id "QE").
    function parseQeIdentity(
        bytes memory json
    ) internal pure returns (Parsed memory p) {
        JSONParserLib.Item memory body = _envelope(json, '"enclaveIdentity"', p);
        if (!_isString(body.at('"id"'), '"QE"')) revert CollateralMalformed("enclaveIdentity.id");
        if (_uint(body, '"version"', "enclaveIdentity.version") != 2) {
            revert CollateralMalformed("enclaveIdentity.version");
        }
        _dates(body, p, "enclaveIdentity.issueDate", "enclaveIdentity.nextUpdate");
        p.evaluationDataNumber = uint32(
            _uintMax(
                body,
                '"tcbEvaluationDataNumber"',
                "enclaveIdentity.tcbEvaluationDataNumber",
                2 ** 32 - 1
            )
        );
        JSONParserLib.Item[] memory levels =
            _array(body.at('"tcbLevels"'), "enclaveIdentity.tcbLevels");
        _checkLevelCount(levels.length);
        uint256[] memory order = new uint256[](levels.length);
        for (uint256 i; i < levels.length; ++i) {
            JSONParserLib.Item memory tcb = _object(levels[i].at('"tcb"'), "tcbLevels.tcb");
            uint256 isvsvn = _uintMax(tcb, '"isvsvn"', "tcbLevels.tcb.isvsvn", 65_535);
            order[i] = (isvsvn << 16) | i;
        }
        _sortDescendingUnique(order, "enclaveIdentity.tcbLevels (duplicate isvsvn)");
        bytes memory header = abi.encodePacked(
            p.evaluationDataNumber,
            bytes4(_hex(body.at('"miscselect"'), 4, "enclaveIdentity.miscselect")),
            bytes4(_hex(body.at('"miscselectMask"'), 4, "enclaveIdentity.miscselectMask")),
            bytes16(_hex(body.at('"attributes"'), 16, "enclaveIdentity.attributes")),
            bytes16(_hex(body.at('"attributesMask"'), 16, "enclaveIdentity.attributesMask")),
            _hex(body.at('"mrsigner"'), 32, "enclaveIdentity.mrsigner"),
            uint16(_uintMax(body, '"isvprodid"', "enclaveIdentity.isvprodid", 65_535)),
            uint16(levels.length)
        );
        p.record = _levelsRecord(header, levels, order, 0);
    }

    /// @dev Parses the envelope, fills the signed bytes and the signature, returns the body.
    ///      Top-level member names must be unescaped and unique (the C verifier finds the
    ///      signed span by scanning them).
    function _envelope(
        bytes memory json,
        string memory bodyKey,
        Parsed memory p
    ) private pure returns (JSONParserLib.Item memory body) {
        JSONParserLib.Item memory top = JSONParserLib.parse(string(json));
        if (!top.isObject()) revert CollateralMalformed("envelope");
        JSONParserLib.Item[] memory members = top.children();
        for (uint256 i; i < members.length; ++i) {
            bytes memory k = bytes(members[i].key());
            for (uint256 j = 1; j + 1 < k.length; ++j) {
                if (k[j] == "\\") revert CollateralMalformed("envelope (escaped member name)");
            }
        }
        _noDuplicateKeys(top);
        body = top.at(bodyKey);
        if (!body.isObject()) revert CollateralMalformed(bodyKey);
        p.signedBody = bytes(body.value());
        JSONParserLib.Item memory sig = top.at('"signature"');
        p.sigR = _hex(sig, 64, "signature");
        p.sigS = _hexTail(sig);
    }

    /// @dev Refuses an object (at any depth below `item`) with a key twice.
    function _noDuplicateKeys(
        JSONParserLib.Item memory item
    ) private pure {
        if (!item.isObject() && !item.isArray()) return;
        JSONParserLib.Item[] memory kids = item.children();
        bool obj = item.isObject();
        for (uint256 i; i < kids.length; ++i) {
            if (obj) {
                bytes32 h = keccak256(bytes(kids[i].key()));
                for (uint256 j; j < i; ++j) {
                    if (keccak256(bytes(kids[j].key())) == h) {
                        revert CollateralMalformed("duplicate key");
                    }
                }
            }
            _noDuplicateKeys(kids[i]);
        }
    }

    function _dates(
        JSONParserLib.Item memory body,
        Parsed memory p,
        string memory issueField,
        string memory nextField
    ) private pure {
        p.issueDate = uint40(_date(body.at('"issueDate"'), issueField));
        p.nextUpdate = uint40(_date(body.at('"nextUpdate"'), nextField));
        if (p.nextUpdate < p.issueDate) revert CollateralMalformed(nextField);
    }

    /// @dev The 18-byte ordering key of a TCB level: 16 component SVNs, then pcesvn.
    function _tcbKey(
        JSONParserLib.Item memory level,
        uint256 version
    ) private pure returns (uint256 key) {
        JSONParserLib.Item memory tcb = _object(level.at('"tcb"'), "tcbLevels.tcb");
        if (version == 3) {
            JSONParserLib.Item[] memory comps =
                _array(tcb.at('"sgxtcbcomponents"'), "tcb.sgxtcbcomponents");
            if (comps.length != 16) revert CollateralMalformed("tcb.sgxtcbcomponents");
            for (uint256 i; i < 16; ++i) {
                JSONParserLib.Item memory c = _object(comps[i], "tcb.sgxtcbcomponents");
                key = (key << 8) | _uintMax(c, '"svn"', "sgxtcbcomponents.svn", 255);
            }
        } else {
            bytes memory name = bytes('"sgxtcbcomp00svn"');
            for (uint256 i = 1; i <= 16; ++i) {
                name[11] = bytes1(uint8(0x30 + i / 10));
                name[12] = bytes1(uint8(0x30 + i % 10));
                key = (key << 8) | _uintMax(tcb, string(name), "tcb.sgxtcbcompNNsvn", 255);
            }
        }
        key = (key << 16) | _uintMax(tcb, '"pcesvn"', "tcb.pcesvn", 65_535);
    }

    /// @dev Builds header ‖ levels ‖ advisory IDs in the sorted `order`; `version` is the
    ///      TCB info version, or 0 for a QE identity.
    function _levelsRecord(
        bytes memory header,
        JSONParserLib.Item[] memory levels,
        uint256[] memory order,
        uint256 version
    ) private pure returns (bytes memory rec) {
        uint256 n = levels.length;
        bool platform = version != 0;
        bytes memory advisories;
        bytes memory levelBytes;
        uint256 advBase = header.length + n * (platform ? TCB_LEVEL : QE_LEVEL);
        for (uint256 i; i < n; ++i) {
            JSONParserLib.Item memory level = levels[order[i] & 0xffff];
            _date(level.at('"tcbDate"'), "tcbLevels.tcbDate");
            uint256 status = _status(level.at('"tcbStatus"'), platform);
            // TCB info v2 has no advisory IDs (an advisoryIDs member would be ignored).
            (bytes memory ids, uint256 count) =
                version == 2 ? (bytes(""), 0) : _advisories(level.at('"advisoryIDs"'));
            uint256 advOffset = advBase + advisories.length;
            if (advOffset > 65_535) revert CollateralMalformed("advisoryIDs (too long)");
            uint256 key = order[i] >> 16;
            if (platform) {
                levelBytes = abi.encodePacked(
                    levelBytes,
                    uint144(key),
                    uint8(status),
                    uint8(count),
                    uint16(advOffset),
                    bytes10(0)
                );
            } else {
                levelBytes = abi.encodePacked(
                    levelBytes,
                    uint16(key),
                    uint8(status),
                    uint8(count),
                    uint16(advOffset),
                    bytes2(0)
                );
            }
            advisories = abi.encodePacked(advisories, ids);
        }
        rec = abi.encodePacked(header, levelBytes, advisories);
    }

    /// @dev Advisory IDs of a level (optional array of strings), length-prefixed.
    function _advisories(
        JSONParserLib.Item memory arr
    ) private pure returns (bytes memory ids, uint256 count) {
        if (arr.isUndefined()) return (ids, 0);
        JSONParserLib.Item[] memory items = _array(arr, "advisoryIDs");
        if (items.length > MAX_ADVISORIES) revert CollateralMalformed("advisoryIDs");
        for (uint256 i; i < items.length; ++i) {
            if (!items[i].isString()) revert CollateralMalformed("advisoryIDs");
            bytes memory s = bytes(JSONParserLib.decodeString(items[i].value()));
            if (s.length == 0 || s.length > 63) revert CollateralMalformed("advisoryIDs");
            for (uint256 j; j < s.length; ++j) {
                uint8 c = uint8(s[j]);
                if (c < 0x21 || c > 0x7e || c == 0x22 || c == 0x5c) {
                    revert CollateralMalformed("advisoryIDs");
                }
            }
            ids = abi.encodePacked(ids, uint8(s.length), s);
        }
        return (ids, items.length);
    }

    /// @dev TcbStatus number of a status string.
    ///      QE identity levels (platform false) may only be UpToDate, OutOfDate or Revoked.
    function _status(
        JSONParserLib.Item memory s,
        bool platform
    ) private pure returns (uint256) {
        if (!s.isString()) revert CollateralMalformed("tcbStatus");
        bytes32 h = keccak256(bytes(s.value()));
        if (h == keccak256('"UpToDate"')) return 0;
        if (h == keccak256('"OutOfDate"')) return 4;
        if (h == keccak256('"Revoked"')) return 6;
        if (!platform) revert CollateralMalformed("tcbStatus");
        if (h == keccak256('"SWHardeningNeeded"')) return 1;
        if (h == keccak256('"ConfigurationAndSWHardeningNeeded"')) return 2;
        if (h == keccak256('"ConfigurationNeeded"')) return 3;
        if (h == keccak256('"OutOfDateConfigurationNeeded"')) return 5;
        revert CollateralMalformed("tcbStatus");
    }

    function _checkLevelCount(
        uint256 n
    ) private pure {
        if (n == 0 || n > MAX_LEVELS) revert CollateralMalformed("tcbLevels (count)");
    }

    /// @dev Sorts descending by the key above the low index byte; rejects equal keys.
    function _sortDescendingUnique(
        uint256[] memory a,
        string memory what
    ) private pure {
        for (uint256 i = 1; i < a.length; ++i) {
            uint256 v = a[i];
            uint256 j = i;
            while (j > 0 && a[j - 1] < v) {
                a[j] = a[j - 1];
                --j;
            }
            a[j] = v;
        }
        for (uint256 i = 1; i < a.length; ++i) {
            if (a[i - 1] >> 16 == a[i] >> 16) revert CollateralMalformed(what);
        }
    }

    function _date(
        JSONParserLib.Item memory s,
        string memory field
    ) private pure returns (uint256 t) {
        if (!s.isString()) revert CollateralMalformed(field);
        bytes memory v = bytes(s.value());
        t = v.length < 2 ? 0 : DateParse.fromIso8601(v, 1, v.length - 2);
        if (t == 0) revert CollateralMalformed(field);
    }

    function _uint(
        JSONParserLib.Item memory obj,
        string memory key,
        string memory field
    ) private pure returns (uint256) {
        return _uintMax(obj, key, field, type(uint256).max);
    }

    function _uintMax(
        JSONParserLib.Item memory obj,
        string memory key,
        string memory field,
        uint256 max
    ) private pure returns (uint256 v) {
        JSONParserLib.Item memory item = obj.at(key);
        if (!item.isNumber()) revert CollateralMalformed(field);
        bytes memory s = bytes(item.value());
        // Plain non-negative integers only (no sign, fraction or exponent).
        if (s.length == 0 || s.length > 20) revert CollateralMalformed(field);
        for (uint256 i; i < s.length; ++i) {
            uint8 c = uint8(s[i]);
            if (c < 0x30 || c > 0x39) revert CollateralMalformed(field);
            v = v * 10 + (c - 0x30);
        }
        if (v > max) revert CollateralMalformed(field);
    }

    function _isString(
        JSONParserLib.Item memory item,
        string memory quoted
    ) private pure returns (bool) {
        return item.isString() && keccak256(bytes(item.value())) == keccak256(bytes(quoted));
    }

    function _object(
        JSONParserLib.Item memory item,
        string memory field
    ) private pure returns (JSONParserLib.Item memory) {
        if (!item.isObject()) revert CollateralMalformed(field);
        return item;
    }

    function _array(
        JSONParserLib.Item memory item,
        string memory field
    ) private pure returns (JSONParserLib.Item[] memory) {
        if (!item.isArray()) revert CollateralMalformed(field);
        return item.children();
    }

    /// @dev A JSON string of exactly 2*n hex digits (either case), as n bytes left-aligned
    ///      (the first 32 bytes when n > 32).
    function _hex(
        JSONParserLib.Item memory item,
        uint256 n,
        string memory field
    ) private pure returns (bytes32 out) {
        if (!item.isString()) revert CollateralMalformed(field);
        bytes memory s = bytes(item.value());
        if (s.length != 2 * n + 2) revert CollateralMalformed(field);
        uint256 m = n > 32 ? 32 : n;
        uint256 acc;
        for (uint256 i; i < 2 * m; ++i) {
            uint256 d = _hexDigit(uint8(s[1 + i]));
            if (d > 15) revert CollateralMalformed(field);
            acc = (acc << 4) | d;
        }
        // Validate the digits not returned, too.
        for (uint256 i = 2 * m; i < 2 * n; ++i) {
            if (_hexDigit(uint8(s[1 + i])) > 15) revert CollateralMalformed(field);
        }
        out = bytes32(acc << (256 - 8 * m));
    }

    /// @dev The last 32 bytes of a 64-byte hex string (validated by `_hex` before).
    function _hexTail(
        JSONParserLib.Item memory item
    ) private pure returns (bytes32) {
        bytes memory s = bytes(item.value());
        uint256 acc;
        for (uint256 i = 65; i < 129; ++i) {
            acc = (acc << 4) | _hexDigit(uint8(s[i]));
        }
        return bytes32(acc);
    }

    function _hexDigit(
        uint8 c
    ) private pure returns (uint256) {
        if (c >= 0x30 && c <= 0x39) return c - 0x30;
        if (c >= 0x61 && c <= 0x66) return c - 0x57;
        if (c >= 0x41 && c <= 0x46) return c - 0x37;
        return 16;
    }
}
