/*
** avserr.h: names the custom errors of the mpavs contracts in revert data, so
** a command or a daemon can say "QuoteAlreadyUsed(0x12..)" instead of a bare
** selector. The table lists every `error` declared under contracts/src
** (tests/unit/test_avserr.c checks that it still does).
*/
#ifndef MPAVS_AVSERR_H
#define MPAVS_AVSERR_H

#include <stddef.h>
#include <stdint.h>

/** The declaration ("QuoteAlreadyUsed(bytes32 quoteId)") of the custom error
 ** whose selector starts data, or NULL when none of the contracts declares it
 ** (or data is shorter than 4 bytes). */
const char *mp_avs_error_find(const uint8_t *data, size_t len);

/** Describes revert data: a known custom error as its name and decoded
 ** arguments in JSON ("QuoteRejected(21,\"pck.root_key\",7)"), anything else
 ** as mp_eth_revert_describe does (Error("..."), Panic, unknown selector).
 ** Always NUL-terminates out (truncating if needed). */
void mp_avs_revert_describe(char *out, size_t cap, const uint8_t *data, size_t len);

/** The number of entries of the table and entry i (for the consistency test). */
size_t mp_avs_error_count(void);
const char *mp_avs_error_at(size_t i);

#endif /* MPAVS_AVSERR_H */
