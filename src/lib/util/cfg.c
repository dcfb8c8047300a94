/*
** cfg.c: layered configuration (defaults, JSON file, environment, flags).
**
** All parsing goes through set_from_text() or set_from_json(), so a value has
** the same rules whichever layer it comes from; the one exception is that the
** JSON file may give ints and bools as JSON numbers and booleans.
*/
#include "mpavs/cfg.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/cfg_int.h"

#define CFG_MAX_FILE (1u << 20)

static char **str_field(void *cfg, const mp_cfg_opt *o)
{
    return (char **)((char *)cfg + o->offset);
}

static long long *int_field(void *cfg, const mp_cfg_opt *o)
{
    return (long long *)((char *)cfg + o->offset);
}

static bool *bool_field(void *cfg, const mp_cfg_opt *o)
{
    return (bool *)((char *)cfg + o->offset);
}

/* Option names match with '-' and '_' treated alike, so --rpc-url finds rpc_url. */
static bool name_eq(const char *a, const char *b, size_t blen)
{
    size_t i = 0;
    for (; i < blen && a[i]; i++) {
        char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];
        if (x != y)
            return false;
    }
    return i == blen && a[i] == 0;
}

static const mp_cfg_opt *find_opt(const mp_cfg_spec *spec, const char *name, size_t len)
{
    for (size_t i = 0; i < spec->nopts; i++)
        if (name_eq(spec->opts[i].name, name, len))
            return &spec->opts[i];
    return NULL;
}

static int set_string(void *cfg, const mp_cfg_opt *o, const char *text, mp_err *err)
{
    char *copy = strdup(text);
    if (copy == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    free(*str_field(cfg, o));
    *str_field(cfg, o) = copy;
    return MP_OK;
}

static int set_int(void *cfg, const mp_cfg_opt *o, long long v, const char *from, mp_err *err)
{
    if (v < o->min || v > o->max)
        return MP_FAIL(err, MP_ERR_INVALID, "%s: %s = %lld is outside [%lld, %lld]", from, o->name,
                       v, o->min, o->max);
    *int_field(cfg, o) = v;
    return MP_OK;
}

static int set_from_text(void *cfg, const mp_cfg_opt *o, const char *text, const char *from,
                         mp_err *err)
{
    switch (o->type) {
    case MP_CFG_STRING:
        return set_string(cfg, o, text, err);
    case MP_CFG_INT: {
        errno = 0;
        char *end = NULL;
        long long v = strtoll(text, &end, 0);
        if (errno || end == text || *end)
            return MP_FAIL(err, MP_ERR_INVALID, "%s: %s expects an integer, got \"%s\"", from,
                           o->name, text);
        return set_int(cfg, o, v, from, err);
    }
    default:
        if (mp_cfg_typed_handles(o->type))
            return mp_cfg_typed_set_text(cfg, o, text, from, err);
        break;
    case MP_CFG_BOOL:
        if (!strcmp(text, "true") || !strcmp(text, "1") || !strcmp(text, "yes"))
            *bool_field(cfg, o) = true;
        else if (!strcmp(text, "false") || !strcmp(text, "0") || !strcmp(text, "no"))
            *bool_field(cfg, o) = false;
        else
            return MP_FAIL(err, MP_ERR_INVALID, "%s: %s expects true or false, got \"%s\"", from,
                           o->name, text);
        return MP_OK;
    }
    return MP_FAIL(err, MP_ERR_MISUSE, "option %s has an unknown type", o->name);
}

static int set_from_json(void *cfg, const mp_cfg_opt *o, json_t *v, const char *path, mp_err *err)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (s[0] == '$' && s[1]) {
            const char *env = getenv(s + 1);
            if (env == NULL)
                return MP_FAIL(err, MP_ERR_INVALID, "%s: %s refers to unset variable %s", path,
                               o->name, s + 1);
            s = env;
        }
        return set_from_text(cfg, o, s, path, err);
    }
    if (o->type == MP_CFG_INT && json_is_integer(v))
        return set_int(cfg, o, json_integer_value(v), path, err);
    if (o->type == MP_CFG_BOOL && json_is_boolean(v)) {
        *bool_field(cfg, o) = json_is_true(v);
        return MP_OK;
    }
    if (json_is_array(v))
        return mp_cfg_typed_set_array(cfg, o, v, path, err);
    static const char *const type_names[] = {"a string", "an integer", "a boolean"};
    const char *want =
        mp_cfg_typed_handles(o->type) ? mp_cfg_typed_expects(o->type) : type_names[o->type];
    return MP_FAIL(err, MP_ERR_INVALID, "%s: %s must be %s", path, o->name, want);
}

static int load_file(const mp_cfg_spec *spec, void *cfg, const char *path, mp_err *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
    int rc = MP_OK;
    char from[300];
    snprintf(from, sizeof from, "config file %s", path);
    if (!json_is_object(root)) {
        rc = MP_FAIL(err, MP_ERR_PARSE, "%s: the config must be a JSON object", path);
        goto done;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        const mp_cfg_opt *o = find_opt(spec, key, strlen(key));
        if (o == NULL) {
            rc = MP_FAIL(err, MP_ERR_INVALID, "%s: unknown option \"%s\"", path, key);
            goto done;
        }
        if ((rc = set_from_json(cfg, o, val, from, err)) != MP_OK)
            goto done;
    }
done:
    json_decref(root);
    return rc;
}

/* MPAVS_AGG + rpc_url -> MPAVS_AGG_RPC_URL */
static void env_name(char *out, size_t cap, const char *prefix, const char *name)
{
    size_t n = (size_t)snprintf(out, cap, "%s_%s", prefix, name);
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = out[i] == '-' ? '_' : (char)toupper((unsigned char)out[i]);
}

static int load_env(const mp_cfg_spec *spec, void *cfg, mp_err *err)
{
    for (size_t i = 0; i < spec->nopts; i++) {
        char name[128], from[140];
        env_name(name, sizeof name, spec->env_prefix, spec->opts[i].name);
        const char *v = getenv(name);
        snprintf(from, sizeof from, "env %s", name);
        if (v != NULL)
            MP_TRY(set_from_text(cfg, &spec->opts[i], v, from, err));
    }
    return MP_OK;
}

static int load_defaults(const mp_cfg_spec *spec, void *cfg, mp_err *err)
{
    for (size_t i = 0; i < spec->nopts; i++)
        if (spec->opts[i].def != NULL)
            MP_TRY(set_from_text(cfg, &spec->opts[i], spec->opts[i].def, "default", err));
    return MP_OK;
}

/* The config file named by --config (scanned before anything else) or by env. */
static const char *config_path(const mp_cfg_spec *spec, int argc, char **argv)
{
    const char *path = NULL;
    char name[128];
    env_name(name, sizeof name, spec->env_prefix, "config");
    path = getenv(name);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            path = argv[i + 1];
        else if (!strncmp(argv[i], "--config=", 9))
            path = argv[i] + 9;
    }
    return path;
}

static int parse_flag(const mp_cfg_spec *spec, void *cfg, int argc, char **argv, int *i,
                      mp_err *err)
{
    const char *arg = argv[*i] + 2;
    const char *eq = strchr(arg, '=');
    size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
    if (name_eq("config", arg, nlen)) {
        *i += eq ? 0 : 1; /* already read by config_path */
        return MP_OK;
    }
    const mp_cfg_opt *o = find_opt(spec, arg, nlen);
    if (o == NULL)
        return MP_FAIL(err, MP_ERR_INVALID, "%s: unknown option --%.*s (see --help)", spec->prog,
                       (int)nlen, arg);
    char from[80];
    snprintf(from, sizeof from, "flag --%.*s", (int)(nlen < 64 ? nlen : 64), arg);
    if (eq)
        return set_from_text(cfg, o, eq + 1, from, err);
    if (o->type == MP_CFG_BOOL) {
        *bool_field(cfg, o) = true;
        return MP_OK;
    }
    if (*i + 1 >= argc)
        return MP_FAIL(err, MP_ERR_INVALID, "%s: option --%s needs a value", spec->prog, arg);
    *i += 1;
    return set_from_text(cfg, o, argv[*i], from, err);
}

static int check_required(const mp_cfg_spec *spec, void *cfg, mp_err *err)
{
    for (size_t i = 0; i < spec->nopts; i++) {
        const mp_cfg_opt *o = &spec->opts[i];
        bool unset = o->type == MP_CFG_STRING
                         ? !*str_field(cfg, o)
                         : mp_cfg_typed_handles(o->type) && !mp_cfg_typed_is_set(cfg, o);
        if ((o->flags & MP_CFG_REQUIRED) && unset)
            return MP_FAIL(err, MP_ERR_INVALID, "%s: option %s is required", spec->prog, o->name);
    }
    return MP_OK;
}

int mp_cfg_load(const mp_cfg_spec *spec, void *cfg, int argc, char **argv, int *first_arg,
                mp_err *err)
{
    MP_TRY(load_defaults(spec, cfg, err));
    const char *path = config_path(spec, argc, argv);
    if (path != NULL)
        MP_TRY(load_file(spec, cfg, path, err));
    MP_TRY(load_env(spec, cfg, err));
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (strncmp(argv[i], "--", 2) != 0)
            break;
        MP_TRY(parse_flag(spec, cfg, argc, argv, &i, err));
    }
    if (first_arg != NULL)
        *first_arg = i;
    else if (i < argc)
        return MP_FAIL(err, MP_ERR_INVALID, "%s: unexpected argument \"%s\"", spec->prog, argv[i]);
    return check_required(spec, cfg, err);
}

void mp_cfg_free(const mp_cfg_spec *spec, void *cfg)
{
    for (size_t i = 0; i < spec->nopts; i++)
        if (spec->opts[i].type == MP_CFG_STRING) {
            free(*str_field(cfg, &spec->opts[i]));
            *str_field(cfg, &spec->opts[i]) = NULL;
        } else if (mp_cfg_typed_handles(spec->opts[i].type))
            mp_cfg_typed_free(cfg, &spec->opts[i]);
}

int mp_cfg_dump_json(const mp_cfg_spec *spec, const void *cfg, mp_buf *out, mp_err *err)
{
    json_t *obj = json_object();
    for (size_t i = 0; obj && i < spec->nopts; i++) {
        const mp_cfg_opt *o = &spec->opts[i];
        void *c = (void *)cfg;
        json_t *v;
        if (o->flags & MP_CFG_SECRET)
            v = json_string("<redacted>");
        else if (o->type == MP_CFG_STRING)
            v = *str_field(c, o) ? json_string(*str_field(c, o)) : json_null();
        else if (o->type == MP_CFG_INT)
            v = json_integer(*int_field(c, o));
        else if (mp_cfg_typed_handles(o->type))
            v = mp_cfg_typed_dump(c, o);
        else
            v = json_boolean(*bool_field(c, o));
        json_object_set_new(obj, o->name, v);
    }
    char *text = obj ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(obj);
    if (text == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory dumping the config");
    mp_buf_puts(out, text);
    free(text);
    return mp_buf_check(out, err);
}

void mp_cfg_usage(const mp_cfg_spec *spec, FILE *out)
{
    fprintf(out, "options (file key, --flag, env %s_<NAME>):\n", spec->env_prefix);
    fprintf(out, "  --config FILE            JSON config file\n");
    for (size_t i = 0; i < spec->nopts; i++) {
        const mp_cfg_opt *o = &spec->opts[i];
        char flag[64];
        snprintf(flag, sizeof flag, "--%s", o->name);
        for (char *p = flag + 2; *p; p++)
            if (*p == '_')
                *p = '-';
        fprintf(out, "  %-24s %s", flag, o->help ? o->help : "");
        if (o->def && !(o->flags & MP_CFG_SECRET))
            fprintf(out, " (default %s)", o->def);
        fputc('\n', out);
    }
}

/* ---- command-line tools: flags only ------------------------------------- */

/* Reorders argv: what is not positional (argv[0], flags, their values, "--") first,
 * then the positional arguments, both in their original order. */
static void move_positionals_last(int argc, char **argv, const bool *positional, char **tmp)
{
    int w = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int r = 0; r < argc; r++)
            if (positional[r] == (pass == 1))
                tmp[w++] = argv[r];
    memcpy(argv, tmp, (size_t)argc * sizeof *argv);
}

/* Applies the flags of argv in order and marks the positional arguments. */
static int scan_flags(const mp_cfg_spec *spec, void *cfg, int argc, char **argv, bool *positional,
                      int *npos, mp_err *err)
{
    bool flags = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (flags && !strcmp(a, "--")) {
            flags = false;
            continue;
        }
        if (!flags || strncmp(a, "--", 2) != 0) {
            positional[i] = true;
            (*npos)++;
            continue;
        }
        size_t nlen = strcspn(a + 2, "=");
        if (name_eq("config", a + 2, nlen) && find_opt(spec, "config", 6) == NULL)
            return MP_FAIL(err, MP_ERR_INVALID, "%s: unknown option --config (see --help)",
                           spec->prog);
        MP_TRY(parse_flag(spec, cfg, argc, argv, &i, err));
    }
    return MP_OK;
}

int mp_cfg_load_flags(const mp_cfg_spec *spec, void *cfg, int argc, char **argv, int *first_arg,
                      mp_err *err)
{
    MP_ARG_CHECK(err, argc >= 1 && first_arg != NULL);
    MP_TRY(load_defaults(spec, cfg, err));
    bool *positional = calloc((size_t)argc, sizeof *positional);
    char **tmp = malloc((size_t)argc * sizeof *tmp);
    int npos = 0;
    int rc = positional && tmp ? scan_flags(spec, cfg, argc, argv, positional, &npos, err)
                               : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    if (rc == MP_OK) {
        move_positionals_last(argc, argv, positional, tmp);
        *first_arg = argc - npos;
        rc = check_required(spec, cfg, err);
    }
    free(positional);
    free(tmp);
    return rc;
}

void mp_cfg_usage_flags(const mp_cfg_spec *spec, FILE *out)
{
    if (spec->nopts == 0) {
        fputs("options: none\n", out);
        return;
    }
    fputs("options:\n", out);
    for (size_t i = 0; i < spec->nopts; i++) {
        const mp_cfg_opt *o = &spec->opts[i];
        /* --password-file PASSWORD_FILE, as argparse writes it */
        char flag[80];
        int n = snprintf(flag, sizeof flag, "--%s", o->name);
        for (char *p = flag + 2; *p; p++)
            *p = *p == '_' ? '-' : *p;
        if (o->type != MP_CFG_BOOL && n > 0 && (size_t)(2 * n) < sizeof flag) {
            flag[n] = ' ';
            for (int k = 0; k < n - 2; k++)
                flag[n + 1 + k] =
                    (char)toupper((unsigned char)(o->name[k] == '-' ? '_' : o->name[k]));
            flag[2 * n - 1] = 0;
        }
        const char *help = o->help ? o->help : "";
        if (strlen(flag) > 26) /* too long for the column: the help goes below */
            fprintf(out, "  %s\n%29s%s", flag, "", help);
        else
            fprintf(out, "  %-26s %s", flag, help);
        if (o->flags & MP_CFG_REQUIRED)
            fputs(" (required)", out);
        else if (o->def && !(o->flags & MP_CFG_SECRET))
            fprintf(out, " (default %s)", o->def);
        fputc('\n', out);
    }
}
