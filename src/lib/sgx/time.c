/*
** time.c: UTC calendar times <-> Unix seconds, done by hand (days from the
** civil date) so results never depend on the process's time zone, and the
** strict ISO 8601 form Intel's JSON collateral uses.
*/
#include "sgx/sgx_util.h"

#include <stdio.h>
#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t mp_utc_seconds(int year, int month, int day, int hour, int min, int sec)
{
    return days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
}

int64_t mp_tm_to_unix(const struct tm *tm)
{
    return mp_utc_seconds(tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min,
                          tm->tm_sec);
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : days[m - 1];
}

bool mp_utc_date_valid(int year, int month, int day)
{
    /* Dates before the Unix epoch are refused: no genuine collateral has them,
    ** and the on-chain verifier (solady's DateTimeLib) cannot represent them, so
    ** both verifiers reject the same documents. */
    return year >= 1970 && month >= 1 && month <= 12 && day >= 1 &&
           day <= days_in_month(year, month);
}

int mp_iso8601_parse(const char *s, int64_t *out, mp_err *err)
{
    int y, mo, d, h, mi, se;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
        !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
        return MP_FAIL(err, MP_ERR_PARSE, "date is not YYYY-MM-DDTHH:MM:SSZ");
    const char *p = s + 19;
    if (*p == '.') { /* a fraction of a second is allowed and ignored */
        p++;
        const char *f = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == f || p - f > 9)
            return MP_FAIL(err, MP_ERR_PARSE, "date has a bad fraction of a second");
    }
    if (p[0] != 'Z' || p[1] != 0)
        return MP_FAIL(err, MP_ERR_PARSE, "date must be UTC and end in Z");
    if (!mp_utc_date_valid(y, mo, d) || h > 23 || mi > 59 || se > 59)
        return MP_FAIL(err, MP_ERR_PARSE, "date out of range");
    *out = mp_utc_seconds(y, mo, d, h, mi, se);
    return MP_OK;
}

void mp_iso8601_format(char out[21], int64_t t)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    /* civil_from_days (inverse of days_from_civil) */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)(y % 10000), (int)m, (int)d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    memcpy(out, tmp, 20);
    out[20] = 0;
}
