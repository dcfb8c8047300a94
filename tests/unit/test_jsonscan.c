/*
** test_jsonscan.c: the JSON cost bound: counts, nesting, strings that hide
** brackets, the limits, and that the estimate is not below what jansson really
** allocates for the shapes that make a body expensive.
*/
#include "mpavs/jsonscan.h"
#include "test.h"

#include <jansson.h>
#include <malloc.h>
#include <stdlib.h>

TEST(counts_and_depth)
{
    mp_jsonscan_stats st;
    mp_err e;
    const char *t = "{\"a\": [1, -2.5e3, true, null, \"x]}{\\\"\"], \"b\": {\"c\": []}}";
    CHECK_OK(mp_jsonscan_bound(t, strlen(t), SIZE_MAX, 10, &st, &e), &e);
    /* {} a [] 1 -2.5e3 true null "x..." b {} c [] */
    CHECK(st.values == 12);
    CHECK(st.depth == 3);
    size_t want = 12 * MP_JSONSCAN_COST_SLOT + 2 * MP_JSONSCAN_COST_OBJECT +
                  2 * MP_JSONSCAN_COST_ARRAY + 4 * MP_JSONSCAN_COST_STRING + 3 + 8 + 3 + 3 +
                  2 * MP_JSONSCAN_COST_NUMBER;
    CHECK(st.cost == want);
    /* Empty text and scalars at the top. */
    CHECK_OK(mp_jsonscan_bound("", 0, 0, 0, &st, &e), &e);
    CHECK(st.values == 0 && st.cost == 0);
    CHECK_OK(mp_jsonscan_bound(NULL, 0, 0, 0, NULL, &e), &e);
    CHECK_OK(mp_jsonscan_bound("true", 4, 100, 0, &st, &e), &e);
    CHECK(st.values == 1 && st.depth == 0);
}

TEST(limits)
{
    mp_err e;
    CHECK_OK(mp_jsonscan_bound("[[[]]]", 6, SIZE_MAX, 3, NULL, &e), &e);
    CHECK_RC(mp_jsonscan_bound("[[[[]]]]", 8, SIZE_MAX, 3, NULL, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "deeper than 3 levels") != NULL);
    /* Closing brackets bring the depth down: siblings do not add up. */
    CHECK_OK(mp_jsonscan_bound("[[],[],[[]]]", 12, SIZE_MAX, 3, NULL, &e), &e);
    size_t one = MP_JSONSCAN_COST_SLOT + MP_JSONSCAN_COST_OBJECT;
    CHECK_OK(mp_jsonscan_bound("{}", 2, one, 8, NULL, &e), &e);
    CHECK_RC(mp_jsonscan_bound("{}", 2, one - 1, 8, NULL, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "too many values") != NULL);
    /* Unbalanced or unterminated text is the parser's business, not a crash. */
    CHECK_OK(mp_jsonscan_bound("]]]\"abc\\", 8, SIZE_MAX, 8, NULL, &e), &e);
}

/* jansson's real allocations, with a glibc-like 16-byte overhead per block. */
static size_t live;
static void *count_malloc(size_t n)
{
    void *p = malloc(n);
    if (p)
        live += malloc_usable_size(p) + 16;
    return p;
}
static void count_free(void *p)
{
    if (p)
        live -= malloc_usable_size(p) + 16;
    free(p);
}

TEST(estimate_covers_jansson)
{
    static const char *const elems[] = {
        "{}",
        "[]",
        "1",
        "-1.5",
        "\"\"",
        "{\"a\":1}",
        "{\"a\":{}}",
        "{\"address\":\"0x5fbdb2315678afecb367f032d93f642f64180aa3\",\"topics\":[\"0xddf252ad1be2"
        "c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef\"],\"data\":\"0x\",\"blockNumber\":"
        "\"0x1b4\",\"logIndex\":\"0x0\",\"removed\":false}"};
    json_set_alloc_funcs(count_malloc, count_free);
    for (size_t i = 0; i < sizeof elems / sizeof elems[0]; i++) {
        size_t n = 20000, el = strlen(elems[i]), k = 1;
        char *text = malloc(n * (el + 1) + 2);
        text[0] = '[';
        for (size_t j = 0; j < n; j++, k += el + 1) {
            memcpy(text + k, elems[i], el);
            text[k + el] = j + 1 < n ? ',' : ']';
        }
        mp_jsonscan_stats st;
        mp_err e;
        CHECK_OK(mp_jsonscan_bound(text, k, SIZE_MAX, 8, &st, &e), &e);
        live = 0;
        json_t *root = json_loadb(text, k, 0, NULL);
        CHECK(root != NULL);
        size_t real = live;
        if (st.cost < real || st.cost > 2 * real + 1024)
            printf("# %.20s: estimate %zu, jansson %zu\n", elems[i], st.cost, real);
        CHECK(st.cost >= real && st.cost <= 2 * real + 1024);
        json_decref(root);
        free(text);
    }
    json_set_alloc_funcs(malloc, free);
}

static const mp_test_case tests[] = {
    MP_TEST(counts_and_depth),
    MP_TEST(limits),
    MP_TEST(estimate_covers_jansson),
};

MP_TEST_MAIN("jsonscan", tests)
