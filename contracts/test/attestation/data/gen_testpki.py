#!/usr/bin/env python3
# gen_testpki.py: writes the test PKI of the on-chain DCAP tests into testpki/ (next to this
# script): a root CA with its own P-256 key, PCK Platform CA, TCB signing certificate, PCK
# certificates with the SGX extension, CRLs, TCB info v3 / QE identity v2 JSON in Intel's PCS
# format, and SGX DCAP v3 quotes signed through a simulated QE, plus variants that Intel's keys
# cannot produce (revoked PCK serial, Revoked TCB and QE levels, older collateral, bad QE
# identity fields, ...). Layout and names of the collateral files follow `mpavs sim-ca`.
#
# Why a generator: forge's vm.sign is secp256k1 only, and Intel-signed revocation variants do
# not exist. The outputs are committed; this script documents how they were made and can
# regenerate them (new keys and signatures, same structure and expected results):
#
#     python3 contracts/test/attestation/data/gen_testpki.py
#
# Needs the `cryptography` module (Debian: python3-cryptography). Keys are derived from fixed
# labels so the root key (pinned by the tests, see meta.json) is the same on every run; ECDSA
# signatures are randomised. These keys are test keys, published here on purpose.
import hashlib
import json
import os
import struct
from datetime import datetime, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testpki")

VERIFY_AT = 1736000000  # 2025-01-04T14:13:20Z, inside every validity window below


def utc(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def key(label):
    d = int.from_bytes(hashlib.sha256(b"mpavs onchain-dcap test key " + label.encode()).digest(), "big")
    return ec.derive_private_key(d % (2**256 - 2**224 - 1) + 1, ec.SECP256R1())


def xy(k):
    n = k.public_key().public_numbers()
    return n.x.to_bytes(32, "big") + n.y.to_bytes(32, "big")


def sign_raw(k, data):
    r, s = decode_dss_signature(k.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def name(cn):
    return x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mpavs test"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
    ])


# ---- minimal DER for the SGX extension -------------------------------------------------------

def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    ln = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(ln)]) + ln + content


def der_int(v):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
    return tlv(0x02, b)


SGX_OID = bytes.fromhex("2a864886f84d010d01")


def sgx_item(suffix, value):
    return tlv(0x30, tlv(0x06, SGX_OID + bytes(suffix)) + value)


def sgx_extension(comps, pcesvn, pceid, fmspc):
    tcb = b"".join(sgx_item([2, i + 1], der_int(c)) for i, c in enumerate(comps))
    tcb += sgx_item([2, 17], der_int(pcesvn))
    tcb += sgx_item([2, 18], tlv(0x04, bytes(comps)))
    body = sgx_item([1], tlv(0x04, hashlib.sha256(b"ppid").digest()[:16]))
    body += sgx_item([2], tlv(0x30, tcb))
    body += sgx_item([3], tlv(0x04, pceid))
    body += sgx_item([4], tlv(0x04, fmspc))
    body += sgx_item([5], tlv(0x0a, b"\x00"))
    return x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.840.113741.1.13.1"), tlv(0x30, body))


# ---- certificates and CRLs -------------------------------------------------------------------

def cert(subject_cn, subject_key, issuer_cn, issuer_key, serial, not_before, not_after, ca, ext=None):
    b = (x509.CertificateBuilder()
         .subject_name(name(subject_cn))
         .issuer_name(name(issuer_cn))
         .public_key(subject_key.public_key())
         .serial_number(serial)
         .not_valid_before(utc(not_before))
         .not_valid_after(utc(not_after))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ext is not None:
        b = b.add_extension(ext, critical=False)
    return b.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def crl(issuer_cn, issuer_key, this_update, next_update, serials):
    b = (x509.CertificateRevocationListBuilder()
         .issuer_name(name(issuer_cn))
         .last_update(utc(this_update))
         .next_update(utc(next_update)))
    for s in serials:
        b = b.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(s).revocation_date(utc("2024-06-01T00:00:00Z")).build())
    return b.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def pem_body(der):
    import base64
    b = base64.b64encode(der).decode()
    return "".join(b[i:i + 64] + "\n" for i in range(0, len(b), 64))


def pem_chain(ders):
    return "".join("-----BEGIN CERTIFICATE-----\n" + pem_body(d) + "-----END CERTIFICATE-----\n" for d in ders)


# ---- collateral JSON ---------------------------------------------------------------------------

def signed_json(member, body_obj, k, pretty=False):
    if pretty:  # whitespace and sorted keys: not Intel's layout (the general parser reads it)
        body = json.dumps(body_obj, indent=2, sort_keys=True).encode()
    else:
        body = json.dumps(body_obj, separators=(",", ":")).encode()
    sig = sign_raw(k, body).hex()
    return b'{"' + member.encode() + b'":' + body + b',"signature":"' + sig.encode() + b'"}'


def tcb_info(fmspc, eval_num, issue, nxt, levels):
    return {
        "id": "SGX", "version": 3, "issueDate": issue, "nextUpdate": nxt, "fmspc": fmspc.hex(),
        "pceId": "0000", "tcbType": 0, "tcbEvaluationDataNumber": eval_num,
        "tcbLevels": [{
            "tcb": {"sgxtcbcomponents": [{"svn": c} for c in comps], "pcesvn": pcesvn},
            "tcbDate": "2024-11-13T00:00:00Z", "tcbStatus": status,
            **({"advisoryIDs": adv} if adv else {}),
        } for comps, pcesvn, status, adv in levels],
    }


def large_tcb_info(fmspc):
    # As Intel's SGX TCB info v3 (set2): components carry only "svn"; 32 levels whose advisory
    # lists grow to 24 IDs (Intel's oldest levels list about that many).
    levels = []
    for i in range(32):
        comps = [max(0, 20 - i // 2), max(0, 20 - i // 2), 3, 3, 255, 255, i % 3] + [0] * 9
        adv = ["INTEL-SA-%05d" % (200 + 17 * k) for k in range(min(i, 24))]
        lvl = {"tcb": {"sgxtcbcomponents": [{"svn": c} for c in comps], "pcesvn": 13 - (i % 2)},
               "tcbDate": "2024-11-13T00:00:00Z",
               "tcbStatus": "UpToDate" if i == 0 else ("SWHardeningNeeded" if i < 10 else "OutOfDate")}
        if adv:
            lvl["advisoryIDs"] = adv
        levels.append(lvl)
    return {"id": "SGX", "version": 3, "issueDate": "2024-12-30T00:00:00Z", "nextUpdate": "2025-01-29T00:00:00Z",
            "fmspc": fmspc.hex(), "pceId": "0000", "tcbType": 0, "tcbEvaluationDataNumber": 19,
            "tcbLevels": levels}


QE_MRSIGNER = hashlib.sha256(b"mpavs test QE signer").digest()


def qe_identity(eval_num, issue, nxt, levels):
    return {
        "id": "QE", "version": 2, "issueDate": issue, "nextUpdate": nxt, "tcbEvaluationDataNumber": eval_num,
        "miscselect": "00000000", "miscselectMask": "FFFFFFFF",
        "attributes": "11000000000000000000000000000000", "attributesMask": "FBFFFFFFFFFFFFFF0000000000000000",
        "mrsigner": QE_MRSIGNER.hex().upper(), "isvprodid": 1,
        "tcbLevels": [{"tcb": {"isvsvn": svn}, "tcbDate": "2024-11-13T00:00:00Z", "tcbStatus": st,
                       **({"advisoryIDs": adv} if adv else {})} for svn, st, adv in levels],
    }


# ---- quotes ------------------------------------------------------------------------------------

INTEL_QE_VENDOR = bytes.fromhex("939a7233f79c4ca9940a0db3957f0607")


def report_body(cpusvn=bytes(16), miscselect=0, attributes=bytes(16), mrenclave=bytes(32), mrsigner=bytes(32),
                isvprodid=0, isvsvn=0, report_data=bytes(64)):
    b = cpusvn + struct.pack("<I", miscselect) + bytes(12) + bytes(16) + attributes + mrenclave + bytes(32)
    b += mrsigner + bytes(32) + bytes(64) + struct.pack("<HH", isvprodid, isvsvn) + bytes(2) + bytes(42)
    b += bytes(16) + report_data
    assert len(b) == 384
    return b


ENCLAVE_ATTRIBUTES = bytes.fromhex("0500000000000000e700000000000000")


def quote(pck_key, chain, att_key, mrenclave, mrsigner, report_data, debug=False, qe=None, att_pub=None):
    qe = dict(qe or {})
    att = att_pub if att_pub is not None else xy(att_key)
    auth = bytes(range(32))
    header = struct.pack("<HHIHH", 3, 2, 0, qe.get("isvsvn", 8), 10) + INTEL_QE_VENDOR + bytes(20)
    attrs = bytearray(ENCLAVE_ATTRIBUTES)
    if debug:
        attrs[0] |= 0x02
    body = report_body(cpusvn=bytes([6, 6, 2, 2, 255, 255, 1] + [0] * 9), attributes=bytes(attrs),
                       mrenclave=mrenclave, mrsigner=mrsigner, report_data=report_data)
    qe_rd = hashlib.sha256(att + auth).digest() + bytes(32)
    qe_body = report_body(cpusvn=bytes(16), miscselect=qe.get("miscselect", 0),
                          attributes=qe.get("attributes", bytes.fromhex("11000000000000000700000000000000")),
                          mrsigner=qe.get("mrsigner", QE_MRSIGNER), isvprodid=qe.get("isvprodid", 1),
                          isvsvn=qe.get("isvsvn", 8), report_data=qe_rd)
    isv_sig = sign_raw(att_key, header + body)
    qe_sig = sign_raw(pck_key, qe_body)
    certdata = pem_chain(chain).encode() + b"\x00"
    sig = isv_sig + att + qe_body + qe_sig + struct.pack("<H", len(auth)) + auth
    sig += struct.pack("<HI", 5, len(certdata)) + certdata
    return header + body + struct.pack("<I", len(sig)) + sig


def main():
    os.makedirs(OUT, exist_ok=True)

    os.makedirs(os.path.join(OUT, "quotes"), exist_ok=True)

    def write(fname, data):
        if fname.startswith("quote"):
            fname = os.path.join("quotes", fname)
        with open(os.path.join(OUT, fname), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())

    root_k, ca_k, tcb_k = key("root"), key("pck platform ca"), key("tcb signing")
    pck_k, pck_low_k, att_k = key("pck"), key("pck low"), key("attestation")
    other_root_k = key("other root")
    ROOT, CA, TCB = "mpavs Test SGX Root CA", "mpavs Test SGX PCK Platform CA", "mpavs Test SGX TCB Signing"
    fmspc, pceid = bytes.fromhex("00aabb000001"), bytes.fromhex("0000")

    root = cert(ROOT, root_k, ROOT, root_k, 0x1001, "2024-01-01T00:00:00Z", "2049-12-31T23:59:59Z", True)
    pck_ca = cert(CA, ca_k, ROOT, root_k, 0x2002, "2024-01-01T00:00:00Z", "2034-01-01T00:00:00Z", True)
    pck_ca_reissued = cert(CA, ca_k, ROOT, root_k, 0x2003, "2024-06-01T00:00:00Z", "2034-06-01T00:00:00Z", True)
    tcb_signing = cert(TCB, tcb_k, ROOT, root_k, 0x3003, "2024-01-01T00:00:00Z", "2031-01-01T00:00:00Z", False)
    other_root = cert(ROOT, other_root_k, ROOT, other_root_k, 0x1002, "2024-01-01T00:00:00Z",
                      "2049-12-31T23:59:59Z", True)
    pck_serial, pck_low_serial = 0x7e57000000000000000000000000000000000001, 0x7e57000000000000000000000000000000000002
    pck = cert("mpavs Test SGX PCK Certificate", pck_k, CA, ca_k, pck_serial, "2024-01-01T00:00:00Z",
               "2031-01-01T00:00:00Z", False, sgx_extension([6, 6, 2, 2, 255, 255, 1] + [0] * 9, 11, pceid, fmspc))
    pck_low = cert("mpavs Test SGX PCK Certificate", pck_low_k, CA, ca_k, pck_low_serial, "2024-01-01T00:00:00Z",
                   "2031-01-01T00:00:00Z", False, sgx_extension([1] * 16, 1, pceid, fmspc))
    for f, d in [("root_ca.der", root), ("pck_platform_ca.der", pck_ca), ("tcb_signing.der", tcb_signing),
                 ("pck_platform_ca_reissued.der", pck_ca_reissued), ("other_root_ca.der", other_root),
                 ("pck.der", pck)]:
        write(f, d)

    # CRLs: the root CRL and the PCK CRL in use, then newer ones revoking something.
    write("root_ca_crl.der", crl(ROOT, root_k, "2024-12-01T00:00:00Z", "2025-12-01T00:00:00Z", []))
    write("root_ca_crl_revokes_pck_ca.der", crl(ROOT, root_k, "2024-12-02T00:00:00Z", "2025-12-02T00:00:00Z", [0x2002]))
    write("root_ca_crl_revokes_tcb_signing.der",
          crl(ROOT, root_k, "2024-12-02T00:00:00Z", "2025-12-02T00:00:00Z", [0x3003]))
    others = [0x7e57000000000000000000000000000000000100 + i for i in range(3)]
    write("pck_crl.der", crl(CA, ca_k, "2024-12-30T00:00:00Z", "2025-01-29T00:00:00Z", others))
    write("pck_crl_revokes_pck.der",
          crl(CA, ca_k, "2024-12-31T00:00:00Z", "2025-01-30T00:00:00Z", others + [pck_serial]))
    write("pck_crl_older.der", crl(CA, ca_k, "2024-12-29T00:00:00Z", "2025-01-28T00:00:00Z", []))

    # TCB info: levels deliberately not in Intel's order in the JSON (the store sorts them).
    hi = [6, 6, 2, 2, 255, 255, 1] + [0] * 9
    mid = [5, 5, 2, 2, 255, 255, 1] + [0] * 9
    lo = [4, 4, 2, 2, 255, 255, 0] + [0] * 9

    def levels(hi_status):
        return [(lo, 10, "OutOfDate", ["INTEL-SA-00001", "INTEL-SA-00002"]),
                (hi, 11, hi_status, ["INTEL-SA-00615"] if hi_status != "UpToDate" else []),
                (mid, 11, "SWHardeningNeeded", ["INTEL-SA-00615"])]
    issue, nxt = "2024-12-30T00:00:00Z", "2025-01-29T00:00:00Z"
    write("tcbinfo.json", signed_json("tcbInfo", tcb_info(fmspc, 17, issue, nxt, levels("UpToDate")), tcb_k))
    write("tcbinfo_revoked.json", signed_json(
        "tcbInfo", tcb_info(fmspc, 18, "2024-12-31T00:00:00Z", "2025-01-30T00:00:00Z", levels("Revoked")), tcb_k))
    write("tcbinfo_confneeded.json", signed_json(
        "tcbInfo", tcb_info(fmspc, 17, "2024-12-31T00:00:00Z", "2025-01-30T00:00:00Z",
                            levels("ConfigurationNeeded")), tcb_k))
    write("tcbinfo_short.json", signed_json(
        "tcbInfo", tcb_info(fmspc, 18, "2024-12-31T00:00:00Z", "2025-01-10T00:00:00Z", levels("UpToDate")), tcb_k))
    # A fraction of a second in the dates (Intel never sends one; the C verifier accepts it).
    write("tcbinfo_fraction.json", signed_json(
        "tcbInfo", tcb_info(fmspc, 18, "2024-12-31T00:00:00.250Z", "2025-01-30T00:00:00.5Z", levels("UpToDate")),
        tcb_k))
    # A large TCB info for the gas benchmark (twice set2's 4.7 KB real one and more).
    write("tcbinfo_large.json", signed_json("tcbInfo", large_tcb_info(fmspc), tcb_k))
    write("tcbinfo_pretty.json", signed_json(
        "tcbInfo", tcb_info(fmspc, 18, "2024-12-31T00:00:00Z", "2025-01-30T00:00:00Z", levels("UpToDate")), tcb_k,
        pretty=True))
    write("tcbinfo_older.json", signed_json(
        "tcbInfo", tcb_info(fmspc, 16, "2025-01-01T00:00:00Z", "2025-01-31T00:00:00Z", levels("UpToDate")), tcb_k))
    write("tcbinfo_other_fmspc.json", signed_json(
        "tcbInfo", tcb_info(bytes.fromhex("00aabb000002"), 17, issue, nxt, levels("UpToDate")), tcb_k))
    write("tcbinfo_duplicate_levels.json", signed_json(
        "tcbInfo", tcb_info(fmspc, 19, issue, nxt, levels("UpToDate") + [(mid, 11, "OutOfDate", [])]), tcb_k))
    # Signed by the PCK CA instead of the TCB signing key.
    write("tcbinfo_wrong_signer.json", signed_json("tcbInfo", tcb_info(fmspc, 19, issue, nxt, levels("UpToDate")), ca_k))

    def qe_levels(top):
        return [(8, top, ["INTEL-SA-00615"] if top != "UpToDate" else []),
                (6, "OutOfDate", ["INTEL-SA-00615", "INTEL-SA-00999"])]
    write("qe_identity_pretty.json", signed_json(
        "enclaveIdentity", qe_identity(18, "2024-12-31T00:00:00Z", "2025-01-30T00:00:00Z", qe_levels("OutOfDate")),
        tcb_k, pretty=True))
    write("qe_identity.json", signed_json("enclaveIdentity", qe_identity(17, issue, nxt, qe_levels("UpToDate")), tcb_k))
    write("qe_identity_revoked.json", signed_json(
        "enclaveIdentity", qe_identity(18, "2024-12-31T00:00:00Z", "2025-01-30T00:00:00Z", qe_levels("Revoked")), tcb_k))
    write("qe_identity_outofdate.json", signed_json(
        "enclaveIdentity", qe_identity(18, "2024-12-31T00:00:00Z", "2025-01-30T00:00:00Z", qe_levels("OutOfDate")),
        tcb_k))

    mrenclave = hashlib.sha256(b"mpavs test enclave").digest()
    mrsigner = hashlib.sha256(b"mpavs test enclave signer").digest()
    report_data = bytes(12) + bytes.fromhex("00112233445566778899aabbccddeeff00112233") + \
        hashlib.sha256(b"mpavs test report data").digest()
    chain = [pck, pck_ca, root]
    q = lambda **kw: quote(kw.pop("pck_key", pck_k), kw.pop("chain", chain), att_k, kw.pop("mrenclave", mrenclave),
                           mrsigner, report_data, **kw)
    write("quote.bin", q())
    write("quote_debug.bin", q(debug=True))
    write("quote_other_enclave.bin", q(mrenclave=hashlib.sha256(b"another enclave").digest()))
    write("quote_reissued_ca.bin", q(chain=[pck, pck_ca_reissued, root]))
    write("quote_other_root.bin", q(chain=[pck, pck_ca, other_root]))
    write("quote_tcb_unsupported.bin", q(pck_key=pck_low_k, chain=[pck_low, pck_ca, root]))
    write("quote_qe_isvsvn_5.bin", q(qe={"isvsvn": 5}))
    write("quote_qe_isvsvn_6.bin", q(qe={"isvsvn": 6}))
    write("quote_qe_miscselect.bin", q(qe={"miscselect": 1}))
    write("quote_qe_attributes.bin", q(qe={"attributes": bytes.fromhex("13000000000000000700000000000000")}))
    write("quote_qe_mrsigner.bin", q(qe={"mrsigner": hashlib.sha256(b"not the QE").digest()}))
    write("quote_qe_isvprodid.bin", q(qe={"isvprodid": 2}))
    # An attestation key that is not a P-256 point, correctly bound in the QE report data.
    write("quote_att_key_off_curve.bin", q(att_pub=bytes(31) + b"\x01" + bytes(31) + b"\x02"))

    meta = {
        "verifyAt": VERIFY_AT,
        "rootKeyX": "0x" + xy(root_k)[:32].hex(), "rootKeyY": "0x" + xy(root_k)[32:].hex(),
        "mrenclave": "0x" + mrenclave.hex(), "mrsigner": "0x" + mrsigner.hex(),
        "reportData": "0x" + report_data.hex(), "fmspc": "0x" + fmspc.hex(),
        "pckSerial": hex(pck_serial), "pckCaSerial": hex(0x2002), "tcbSigningSerial": hex(0x3003),
    }
    write("meta.json", json.dumps(meta, indent=1) + "\n")


if __name__ == "__main__":
    main()
