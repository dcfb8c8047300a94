/*
** cfg_int.h: the seam between cfg.c (layers, tables) and cfg_types.c (the
** option types daemons need beyond string, int and bool). Internal to
** libmpavs.
*/
#ifndef MPAVS_CFG_INT_H
#define MPAVS_CFG_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "mpavs/cfg.h"

/** True for the types cfg_types.c handles. */
bool mp_cfg_typed_handles(mp_cfg_type t);
/** What a JSON value for type t must be, for messages: "a string", ... */
const char *mp_cfg_typed_expects(mp_cfg_type t);
/** Parses text into the field of o; from names the layer ("env MPAVS_X_Y"). */
int mp_cfg_typed_set_text(void *cfg, const mp_cfg_opt *o, const char *text, const char *from,
                          mp_err *err);
/** Sets a string list from a JSON array (the file layer). */
int mp_cfg_typed_set_array(void *cfg, const mp_cfg_opt *o, json_t *arr, const char *from,
                           mp_err *err);
/** True if some layer set the field (for MP_CFG_REQUIRED). */
bool mp_cfg_typed_is_set(const void *cfg, const mp_cfg_opt *o);
/** The field as a new JSON value (secrets are redacted by the caller). */
json_t *mp_cfg_typed_dump(const void *cfg, const mp_cfg_opt *o);
/** Frees (and for secrets wipes) what the field holds. */
void mp_cfg_typed_free(void *cfg, const mp_cfg_opt *o);

#endif /* MPAVS_CFG_INT_H */
