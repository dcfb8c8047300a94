/*
** address.c: address derivation and EIP-55 checksums (see include/mpavs/address.h).
*/
#include "mpavs/address.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"

#include <ctype.h>
#include <string.h>

void mp_address_from_pubkey(uint8_t out[20], const uint8_t pub[64])
{
    uint8_t h[32];
    mp_keccak256(h, pub, 64);
    memcpy(out, h + 12, 20);
}

void mp_address_to_checksum(char out[MP_ADDRESS_TEXT_LEN], const uint8_t addr[20])
{
    char lower[41];
    uint8_t h[32];
    mp_hex_encode(lower, addr, 20);
    /* EIP-55 hashes the lowercase hex text, not the bytes. */
    mp_keccak256(h, lower, 40);
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 40; i++) {
        int nib = (i % 2 == 0) ? h[i / 2] >> 4 : h[i / 2] & 15;
        char c = lower[i];
        out[2 + i] = (c >= 'a' && nib >= 8) ? (char)toupper((unsigned char)c) : c;
    }
    out[42] = 0;
}

bool mp_address_is_checksummed(const char *text)
{
    uint8_t addr[20];
    const char *d = mp_hex_skip_0x(text);
    if (strlen(d) != 40 || mp_hex_decode_exact(addr, 20, d, NULL) != MP_OK)
        return false;
    char want[MP_ADDRESS_TEXT_LEN];
    mp_address_to_checksum(want, addr);
    return memcmp(want + 2, d, 40) == 0;
}

int mp_address_parse(uint8_t out[20], const char *text, mp_err *err)
{
    if (text == NULL)
        return MP_FAIL(err, MP_ERR_INVALID, "missing address");
    const char *d = mp_hex_skip_0x(text);
    if (strlen(d) != 40)
        return MP_FAIL(err, MP_ERR_INVALID, "an address has 40 hex digits, got %zu", strlen(d));
    uint8_t addr[20];
    int rc = mp_hex_decode_exact(addr, 20, d, err);
    if (rc != MP_OK) {
        mp_err_wrap(err, "address");
        return rc;
    }
    bool has_lower = false, has_upper = false;
    for (int i = 0; i < 40; i++) {
        has_lower |= d[i] >= 'a' && d[i] <= 'f';
        has_upper |= d[i] >= 'A' && d[i] <= 'F';
    }
    if (has_lower && has_upper && !mp_address_is_checksummed(d))
        return MP_FAIL(err, MP_ERR_INVALID, "bad EIP-55 checksum in address %.42s", text);
    memcpy(out, addr, 20);
    return MP_OK;
}

bool mp_address_is_zero(const uint8_t addr[20])
{
    uint8_t acc = 0;
    for (int i = 0; i < 20; i++)
        acc |= addr[i];
    return acc == 0;
}
