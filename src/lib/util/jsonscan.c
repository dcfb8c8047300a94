/*
** jsonscan.c: a one-pass, allocation-free estimate of what parsing a JSON text
** costs (see include/mpavs/jsonscan.h). Tuned for RPC bodies of a few MiB: one
** branch per byte outside strings, a tight loop inside them.
*/
#include "mpavs/jsonscan.h"

/* Index just past the string whose opening quote is at text[i] (len if unterminated). */
static size_t skip_string(const char *text, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (text[i] == '\\')
            i++;
        else if (text[i] == '"')
            return i + 1;
    }
    return len;
}

/* Index just past the number or literal (true, false, null) starting at text[i]. */
static size_t skip_scalar(const char *text, size_t len, size_t i)
{
    for (; i < len; i++) {
        char ch = text[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || ch == 'E' || ch == '+' ||
              ch == '-' || ch == '.'))
            break;
    }
    return i;
}

int mp_jsonscan_bound(const char *text, size_t len, size_t max_cost, unsigned max_depth,
                      mp_jsonscan_stats *stats, mp_err *err)
{
    mp_jsonscan_stats s = {0, 0, 0};
    unsigned depth = 0;
    int rc = MP_OK;
    for (size_t i = 0; i < len && rc == MP_OK;) {
        char ch = text[i];
        size_t start = i;
        if (ch == '"') {
            i = skip_string(text, len, i);
            s.cost += MP_JSONSCAN_COST_SLOT + MP_JSONSCAN_COST_STRING + (i - start);
        } else if (ch == '{' || ch == '[') {
            i++;
            s.cost += MP_JSONSCAN_COST_SLOT +
                      (ch == '{' ? MP_JSONSCAN_COST_OBJECT : MP_JSONSCAN_COST_ARRAY);
            if (++depth > s.depth)
                s.depth = depth;
        } else if (ch == '}' || ch == ']') {
            i++;
            depth -= depth > 0; /* unbalanced text is the parser's to reject */
            continue;
        } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
            i = skip_scalar(text, len, i);
            s.cost += MP_JSONSCAN_COST_SLOT + MP_JSONSCAN_COST_NUMBER;
        } else if (ch == 't' || ch == 'f' || ch == 'n') {
            i = skip_scalar(text, len, i);
            s.cost += MP_JSONSCAN_COST_SLOT;
        } else {
            i++; /* whitespace, ',' and ':' (and bytes the parser will refuse) */
            continue;
        }
        s.values++;
        if (s.depth > max_depth)
            rc = MP_FAIL(err, MP_ERR_INVALID, "JSON nests deeper than %u levels", max_depth);
        else if (s.cost > max_cost)
            rc = MP_FAIL(err, MP_ERR_INVALID,
                         "JSON has too many values to parse: %zu values in the first %zu bytes "
                         "would take over %zu KiB (limit %zu KiB)",
                         s.values, i, s.cost >> 10, max_cost >> 10);
    }
    if (stats)
        *stats = s;
    return rc;
}
