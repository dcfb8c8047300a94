/*
** avsreg.h: operator registration with the AVS (docs/protocol.md section 5):
** the BLS keys with their proof of possession (PubkeyRegistrationParams), the
** operator's EIP-712 AVS registration signature for the AVS directory
** (EigenLayer M2 digest, secp256k1), and the calldata of
** RegistryCoordinator.registerOperator. Staking in the vault comes before.
*/
#ifndef MPAVS_AVSREG_H
#define MPAVS_AVSREG_H

#include <stddef.h>
#include <stdint.h>

#include "mpavs/bls.h"
#include "mpavs/buf.h"
#include "mpavs/err.h"
#include "mpavs/secp.h"

/** IBLSApkRegistry.PubkeyRegistrationParams. */
typedef struct mp_avsreg_pubkey_params {
    mp_bn254_g1 pop; /* sk * hashToG1(registration digest of the operator) */
    mp_bn254_g1 g1;  /* sk * G1 */
    mp_bn254_g2 g2;  /* sk * G2 */
} mp_avsreg_pubkey_params;

/** ISignatureUtils.SignatureWithSaltAndExpiry of an EOA. */
typedef struct mp_avsreg_signature {
    uint8_t sig[65]; /* r || s || v, v = 27 or 28 */
    uint8_t salt[32];
    uint64_t expiry; /* unix time */
} mp_avsreg_signature;

/** The keys and proof of possession for `operator_addr` on the coordinator
 ** `coordinator` of chain chain_id (EIP-712 domain "AVSRegistryCoordinator",
 ** "v0.0.1"). Constant time in sk. */
void mp_avsreg_pubkey_params_make(mp_avsreg_pubkey_params *out, const mp_bls_secret *sk,
                                  uint64_t chain_id, const uint8_t coordinator[20],
                                  const uint8_t operator_addr[20]);

/** AVSDirectory.calculateOperatorAVSRegistrationDigestHash(operator, avs, salt,
 ** expiry): keccak256(0x1901 || domainSeparator || structHash) with the domain
 ** EIP712Domain(string name,uint256 chainId,address verifyingContract), name
 ** "EigenLayer", and OperatorAVSRegistration(address operator,address avs,bytes32
 ** salt,uint256 expiry). avs is the service manager (proxy). */
void mp_avsreg_avs_digest(uint8_t out[32], uint64_t chain_id, const uint8_t avs_directory[20],
                          const uint8_t operator_addr[20], const uint8_t avs[20],
                          const uint8_t salt[32], uint64_t expiry);

/** Signs the AVS registration digest with the operator's ECDSA key (whose
 ** address is the operator). ctx may be NULL. */
MP_WUR int mp_avsreg_sign(mp_avsreg_signature *out, mp_secp *ctx, const uint8_t ecdsa_sk[32],
                          uint64_t chain_id, const uint8_t avs_directory[20], const uint8_t avs[20],
                          const uint8_t salt[32], uint64_t expiry, mp_err *err);

/** Calldata of RegistryCoordinator.registerOperator(bytes quorumNumbers, string
 ** socket, PubkeyRegistrationParams, SignatureWithSaltAndExpiry). Quorum numbers
 ** must be strictly ascending (1..192 of them). */
MP_WUR int mp_avsreg_register_calldata(mp_buf *out, const uint8_t *quorums, size_t n_quorums,
                                       const char *socket, const mp_avsreg_pubkey_params *params,
                                       const mp_avsreg_signature *sig, mp_err *err);

#endif /* MPAVS_AVSREG_H */
