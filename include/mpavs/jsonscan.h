/*
** jsonscan.h: bounds a JSON text before it is parsed.
**
** jansson builds a tree whose size is not proportional to the text: "{}" is 2
** bytes of text and ~250 bytes of tree, so a 64 MiB body of "[{},{},...]"
** takes ~5 GB to parse. mp_jsonscan_bound walks the text once, without
** allocating, counts its values and nesting, and estimates what jansson would
** allocate for them, so a caller can refuse a hostile body before parsing it.
** It only bounds: malformed text that passes is left for the parser to reject.
*/
#ifndef MPAVS_JSONSCAN_H
#define MPAVS_JSONSCAN_H

#include <stddef.h>

#include "mpavs/err.h"

/* Per-value estimates of jansson 2.14's allocations on glibc (measured, with
 * malloc's overhead and the parent's slot; a little above the real figures). */
#define MP_JSONSCAN_COST_SLOT   16u  /* every value: its slot in the parent */
#define MP_JSONSCAN_COST_OBJECT 240u /* an object and its empty hash table */
#define MP_JSONSCAN_COST_ARRAY  144u
#define MP_JSONSCAN_COST_STRING 96u /* plus its length; object keys count as strings */
#define MP_JSONSCAN_COST_NUMBER 48u /* true, false and null are shared: slot only */

typedef struct mp_jsonscan_stats {
    size_t values;  /* strings (keys included), numbers, literals, containers */
    unsigned depth; /* deepest nesting of containers */
    size_t cost;    /* estimated bytes jansson allocates to parse the text */
} mp_jsonscan_stats;

/** Scans text[0..len) and fills *stats (may be NULL). Fails with MP_ERR_INVALID,
 ** naming the limit, as soon as the estimated cost exceeds max_cost or
 ** containers nest deeper than max_depth; the scan stops there, so its own
 ** work is bounded by len. */
MP_WUR int mp_jsonscan_bound(const char *text, size_t len, size_t max_cost, unsigned max_depth,
                             mp_jsonscan_stats *stats, mp_err *err);

#endif /* MPAVS_JSONSCAN_H */
