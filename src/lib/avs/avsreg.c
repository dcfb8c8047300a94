/*
** avsreg.c: operator registration messages and calldata (include/mpavs/avsreg.h).
** The PoP digest comes from bls.c (mp_bls_registration_digest); the AVS
** directory digest is EigenLayer M2's, as contracts/src/devnet/AVSDirectory.sol
** computes it (checked against that contract on anvil by test_avs_e2e.c).
*/
#include "mpavs/avsreg.h"
#include "mpavs/abi.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"
#include "mpavs/keccak.h"
#include "mpavs/u256.h"

#include <string.h>

void mp_avsreg_pubkey_params_make(mp_avsreg_pubkey_params *out, const mp_bls_secret *sk,
                                  uint64_t chain_id, const uint8_t coordinator[20],
                                  const uint8_t operator_addr[20])
{
    uint8_t digest[32];
    mp_bls_pubkey pk;
    mp_bls_pubkey_from_secret(&pk, sk);
    mp_bls_registration_digest(digest, NULL, NULL, chain_id, coordinator, operator_addr);
    mp_bls_registration_sign(&out->pop, sk, digest);
    out->g1 = pk.g1;
    out->g2 = pk.g2;
}

void mp_avsreg_avs_digest(uint8_t out[32], uint64_t chain_id, const uint8_t avs_directory[20],
                          const uint8_t operator_addr[20], const uint8_t avs[20],
                          const uint8_t salt[32], uint64_t expiry)
{
    static const char domain_type[] =
        "EIP712Domain(string name,uint256 chainId,address verifyingContract)";
    static const char reg_type[] =
        "OperatorAVSRegistration(address operator,address avs,bytes32 salt,uint256 expiry)";
    uint8_t domain[4][32], st[5][32], msg[66];
    mp_keccak256(domain[0], domain_type, strlen(domain_type));
    mp_keccak256(domain[1], "EigenLayer", 10);
    mp_u256_from_u64(domain[2], chain_id);
    mp_abi_address_word(domain[3], avs_directory);
    mp_keccak256(st[0], reg_type, strlen(reg_type));
    mp_abi_address_word(st[1], operator_addr);
    mp_abi_address_word(st[2], avs);
    memcpy(st[3], salt, 32);
    mp_u256_from_u64(st[4], expiry);
    msg[0] = 0x19;
    msg[1] = 0x01;
    mp_keccak256(msg + 2, domain, sizeof domain);
    mp_keccak256(msg + 34, st, sizeof st);
    mp_keccak256(out, msg, sizeof msg);
}

int mp_avsreg_sign(mp_avsreg_signature *out, mp_secp *ctx, const uint8_t ecdsa_sk[32],
                   uint64_t chain_id, const uint8_t avs_directory[20], const uint8_t avs[20],
                   const uint8_t salt[32], uint64_t expiry, mp_err *err)
{
    uint8_t operator_addr[20], digest[32];
    MP_TRY(mp_secp_address(ctx, operator_addr, ecdsa_sk, err));
    mp_avsreg_avs_digest(digest, chain_id, avs_directory, operator_addr, avs, salt, expiry);
    MP_TRY(mp_secp_sign65(ctx, out->sig, digest, ecdsa_sk, err));
    memcpy(out->salt, salt, 32);
    out->expiry = expiry;
    return MP_OK;
}

int mp_avsreg_register_calldata(mp_buf *out, const uint8_t *quorums, size_t n_quorums,
                                const char *socket, const mp_avsreg_pubkey_params *params,
                                const mp_avsreg_signature *sig, mp_err *err)
{
    MP_ARG_CHECK(err, quorums != NULL && socket != NULL && params != NULL && sig != NULL);
    if (n_quorums == 0 || n_quorums > 192)
        return MP_FAIL(err, MP_ERR_INVALID, "registration needs 1..192 quorums, got %zu",
                       n_quorums);
    for (size_t i = 1; i < n_quorums; i++)
        if (quorums[i] <= quorums[i - 1])
            return MP_FAIL(err, MP_ERR_INVALID, "quorum numbers are not strictly ascending");
    size_t socket_len = strlen(socket);
    uint8_t g1[64], g2[128];
    MP_TRY(mp_abi_put_selector(out,
                               "registerOperator(bytes,string,((uint256,uint256),(uint256,uint256),"
                               "(uint256[2],uint256[2])),(bytes,bytes32,uint256))",
                               err));
    /* head: off(quorums), off(socket), params (8 static words), off(signature) */
    size_t head = 11 * 32;
    size_t socket_off = head + mp_abi_tail_bytes_len(n_quorums);
    size_t sig_off = socket_off + mp_abi_tail_bytes_len(socket_len);
    mp_abi_put_u64(out, head);
    mp_abi_put_u64(out, socket_off);
    mp_bn254_g1_encode(g1, &params->pop);
    mp_buf_append(out, g1, 64);
    mp_bn254_g1_encode(g1, &params->g1);
    mp_buf_append(out, g1, 64);
    mp_bn254_g2_encode(g2, &params->g2);
    mp_buf_append(out, g2, 128);
    mp_abi_put_u64(out, sig_off);
    mp_abi_put_tail_bytes(out, quorums, n_quorums);
    mp_abi_put_tail_bytes(out, socket, socket_len);
    /* (bytes signature, bytes32 salt, uint256 expiry) */
    mp_abi_put_u64(out, 3 * 32);
    mp_abi_put_word(out, sig->salt);
    mp_abi_put_u64(out, sig->expiry);
    mp_abi_put_tail_bytes(out, sig->sig, 65);
    return mp_buf_check(out, err);
}
