/* TEMPORARY placeholder until the assembly lands. */
#include "fp_generic_impl.h"
