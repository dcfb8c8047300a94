/*
** avserr.c: the custom errors of contracts/src by selector, and revert data
** described with their names and decoded arguments. Selectors are computed on
** each lookup (about 120 keccak-256 of short strings): reverts are rare.
*/
#include "mpavs/avserr.h"
#include "mpavs/abi.h"
#include "mpavs/buf.h"
#include "mpavs/ethrpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Declarations as written in contracts/src, whitespace folded (enum TcbStatus is its
 * uint8). A contract that gains an error needs its line here: test_avserr fails until then. */
static const char *const errors[] = {
    "AlreadyDelegated()",
    "AlreadyOperator()",
    "AlreadyRegisteredForQuorums()",
    "AmountTooLarge()",
    "AttestationVerifierNotSet(uint8 teeType)",
    "BLSPubkeyAlreadyRegistered()",
    "BelowMinimumStakeRequirement()",
    "BitmapEmpty()",
    "BitmapUpdateIsAfterBlockNumber()",
    "BitmapValueTooLarge()",
    "BlockNumberBeforeFirstUpdate()",
    "BlockNumberNotLatest()",
    "BlockNumberTooRecent()",
    "BytesArrayNotOrdered()",
    "BytesArrayTooLong()",
    "CertificateIssuerMismatch()",
    "CertificateMalformed()",
    "CertificateRoleUnknown()",
    "CertificateSignatureInvalid()",
    "CollateralMalformed(string field)",
    "CollateralNotNewer()",
    "CollateralNotValidNow(uint256 validFrom, uint256 validUntil, uint256 time)",
    "CommitteeNotFound(uint256 identifier)",
    "ConflictAlreadyRecorded(uint256 identifier, bytes32 metadataHash, bytes32 stateHash)",
    "CrlIssuerMismatch()",
    "CrlMalformed()",
    "CrlSignatureInvalid()",
    "EcAddFailed()",
    "EcMulFailed()",
    "EmptyBlockRange()",
    "EnclaveBoundToOtherOperator(address enclave, bytes32 liveOperatorId)",
    "EnforcedPause()",
    "ExpectedPause()",
    "HistoryIndexOutOfBounds()",
    "InputArrayLengthMismatch()",
    "InputArrayLengthTooLong()",
    "InputArrayLengthZero()",
    "InputDuplicateStrategy()",
    "InputEmptyQuorumNumbers()",
    "InputLengthMismatch()",
    "InputMultiplierZero()",
    "InputNonSignerLengthMismatch()",
    "InsufficientShares()",
    "InsufficientSignedStake(uint8 quorumNumber, uint96 signedStake, uint96 totalStake, uint8 "
    "thresholdPercentage)",
    "InvalidBLSPairingKey()",
    "InvalidBLSSignature()",
    "InvalidBLSSignatureOrPrivateKey()",
    "InvalidBlockNumber()",
    "InvalidCommittee()",
    "InvalidParameter()",
    "InvalidQuorumApkHash()",
    "InvalidReferenceBlocknumber()",
    "InvalidSignature()",
    "MaxOperatorCountReached()",
    "MaxQuorumsReached()",
    "ModExpFailed()",
    "NextBitmapUpdateIsBeforeBlockNumber()",
    "NoBitmapUpdateAtBlockNumber()",
    "NoStakeUpdateAtBlockNumber()",
    "NonContiguousBatch(uint64 expectedFirstBlock, uint64 firstBlock)",
    "NonSignerPubkeysNotSorted()",
    "NotDelegated()",
    "NotOperator()",
    "NotRegistered()",
    "NotRegisteredForQuorum()",
    "NotSorted()",
    "OnlyEjector()",
    "OnlyPauser()",
    "OnlyRegistryCoordinator()",
    "OnlyRegistryCoordinatorOwner()",
    "OnlySequencer()",
    "OnlyServiceManager(address caller)",
    "OperatorAlreadyRegistered()",
    "OperatorCannotUndelegate()",
    "OperatorIdDoesNotExist()",
    "OperatorNotRegistered()",
    "OperatorNotRegistered(bytes32 operatorId)",
    "OperatorNotRegisteredToEigenLayer()",
    "PairingFailed()",
    "QeIdentitySignatureInvalid()",
    "QuorumAlreadyExists()",
    "QuorumDidNotExistAtBlockNumber()",
    "QuorumDoesNotExist()",
    "QuorumOperatorCountMismatch()",
    "QuorumTeeTypeAlreadySet(uint8 quorumNumber)",
    "QuoteAlreadyUsed(bytes32 quoteId)",
    "QuoteRejected(uint8 check, string name, uint8 status)",
    "QuoteTooShort(uint256 length)",
    "ReferenceBlockHashMismatch(bytes32 expected, bytes32 given)",
    "ReferenceBlockNotInPast(uint256 referenceBlockNumber, uint256 currentBlock)",
    "ReferenceBlockNotInPast(uint32 referenceBlockNumber, uint256 currentBlock)",
    "ReferenceBlockTooOld(uint256 referenceBlockNumber, uint256 currentBlock, uint32 maxBlockAge)",
    "ReferenceBlockTooOld(uint32 referenceBlockNumber, uint256 currentBlock, uint32 maxAge)",
    "ReferenceWindowNotBelowWithdrawalDelay(uint32 maxReferenceBlockAge, uint256 "
    "withdrawalDelayBlocks)",
    "ReportDataMalformed()",
    "ReportDataMismatch(bytes32 expected, bytes32 actual)",
    "RootCertificateMissing()",
    "RootKeyMismatch()",
    "SaltSpent()",
    "ScalarTooLarge()",
    "SignatureExpired()",
    "SignerNotLive(bytes32 operatorId, uint8 quorumNumber)",
    "SignerNotTcbSigning()",
    "StakeUpdateNotLatest()",
    "StaleStakesForbidden()",
    "StateAlreadyConfirmed(uint256 identifier, bytes32 metadataHash, bytes32 stateHash)",
    "StrategyIndexOutOfBounds()",
    "TaskNotValid(uint256 identifier, bytes32 metadataHash, bytes32 stateHash)",
    "TcbInfoSignatureInvalid()",
    "UnauthorizedRevoker(address caller)",
    "UnauthorizedSubmitter(address caller, address operator)",
    "UnknownBatch(uint256 batchIndex)",
    "UnknownWithdrawal()",
    "UnsupportedQuoteTeeType(uint32 headerTeeType)",
    "WithdrawalAlreadyCompleted()",
    "WithdrawalDelayNotPassed(uint256 completableAtBlock)",
    "ZeroAddress()",
    "ZeroAmount()",
    "ZeroBatchHash()",
    "ZeroPubKey()",
};

#define N_ERRORS (sizeof errors / sizeof errors[0])

size_t mp_avs_error_count(void)
{
    return N_ERRORS;
}

const char *mp_avs_error_at(size_t i)
{
    return i < N_ERRORS ? errors[i] : NULL;
}

const char *mp_avs_error_find(const uint8_t *data, size_t len)
{
    uint8_t sel[4];
    if (data == NULL || len < 4)
        return NULL;
    for (size_t i = 0; i < N_ERRORS; i++)
        if (mp_abi_selector(sel, errors[i], NULL) == MP_OK && memcmp(sel, data, 4) == 0)
            return errors[i];
    return NULL;
}

/* "Name(args)" with the arguments as a JSON array minus its brackets. */
static int describe_known(char *out, size_t cap, const char *decl, const uint8_t *data, size_t len)
{
    mp_abi_sig sig;
    mp_abi_value v;
    if (mp_abi_sig_parse(&sig, decl, NULL) != MP_OK)
        return -1;
    int rc = -1;
    if (mp_abi_decode(&v, sig.params, data + 4, len - 4, NULL) == MP_OK) {
        json_t *j = mp_abi_value_to_json(&v);
        char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        if (text != NULL) {
            size_t n = strlen(text);
            /* text is "[...]": drop the brackets */
            snprintf(out, cap, "%s(%.*s)", sig.name, (int)(n >= 2 ? n - 2 : 0), text + 1);
            rc = 0;
        }
        free(text);
        json_decref(j);
        mp_abi_value_free(&v);
    }
    mp_abi_sig_free(&sig);
    return rc;
}

void mp_avs_revert_describe(char *out, size_t cap, const uint8_t *data, size_t len)
{
    if (cap == 0)
        return;
    const char *decl = mp_avs_error_find(data, len);
    if (decl != NULL && describe_known(out, cap, decl, data, len) == 0)
        return;
    if (decl != NULL) { /* known name, arguments that do not decode */
        char rest[256];
        mp_eth_revert_describe(rest, sizeof rest, data, len);
        snprintf(out, cap, "%.*s with malformed arguments: %s", (int)strcspn(decl, "("), decl,
                 rest);
        return;
    }
    mp_eth_revert_describe(out, cap, data, len);
}
