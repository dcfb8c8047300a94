/*
** bn254_generic.c: the portable BN254 backend (64x64->128-bit C products).
** Always built; used on CPUs without BMI2/ADX and as the tests' reference.
*/
#define BN254_BACKEND_VAR  mp_bn254_backend_generic
#define BN254_BACKEND_NAME "generic"
#include "engine_impl.h"
