/*
** test_w256_portable.c: the checks of test_w256.c on the portable
** multiplication path (no unsigned __int128), with w256.c compiled in here
** so this binary's definitions take the place of the library's.
*/
#define MP_W256_PORTABLE 1
#include "../../src/lib/evm/w256.c"

#define W256_SUITE "w256_portable"
#include "test_w256.c"
