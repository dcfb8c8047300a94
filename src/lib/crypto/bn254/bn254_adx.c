/*
** bn254_adx.c: the x86-64 BN254 backend, whose Fp products are MULX/ADCX/ADOX
** assembly (fp_adx_impl.h). Built on every x86-64; the dispatcher in bn254.c
** uses it only when the CPU reports BMI2 and ADX.
*/
#if defined(__x86_64__) && !defined(MP_BN254_NO_ASM)
#define MP_BN254_ADX       1
#define BN254_BACKEND_VAR  mp_bn254_backend_adx
#define BN254_BACKEND_NAME "adx"
#include "engine_impl.h"

#if defined(__GNUC__) && !defined(__clang__)
bool mp_bn254_backend_adx_usable(void)
{
    /* libgcc reads CPUID once at startup; this is two loads. */
    return __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("adx");
}
#else
#include <cpuid.h>
#include <stdatomic.h>

bool mp_bn254_backend_adx_usable(void)
{
    /* Clang has no "adx" feature name: ask CPUID once and remember the answer
     * (a fact about the hardware, so caching it is not mutable state that
     * matters; racing first callers compute the same value). */
    static atomic_int known = -1;
    int v = atomic_load_explicit(&known, memory_order_relaxed);
    if (v < 0) {
        unsigned a, b, c, d;
        v = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 8)) && (b & (1u << 19));
        atomic_store_explicit(&known, v, memory_order_relaxed);
    }
    return v == 1;
}
#endif
#else
#include "backend.h"

/* No assembly here: the table is the generic one and is never chosen. */
const mp_bn254_backend mp_bn254_backend_adx = {.name = "adx (unavailable)"};

bool mp_bn254_backend_adx_usable(void)
{
    return false;
}
#endif
