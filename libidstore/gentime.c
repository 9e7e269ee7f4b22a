/* gentime.c: GeneralizedTime and the end-of-next-day deadline. */
#include "gentime.h"
#include "rc.h"

#include <sys/stat.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
ids_gentime_format(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y%m%d%H%M%SZ", &tm) == 0)
		return IDS_EINVAL;
	return IDS_OK;
}

int
ids_gentime_parse(const char *s, time_t *out)
{
	struct tm tm, want;
	const char *p;
	size_t i;

	for (i = 0; i < 14; i++)
		if (!isdigit((unsigned char)s[i]))
			return IDS_EINVAL;
	p = s + 14;
	if (*p == '.' || *p == ',') {
		if (!isdigit((unsigned char)p[1]))
			return IDS_EINVAL;
		for (p++; isdigit((unsigned char)*p); p++)
			;
	}
	if (strcmp(p, "Z") != 0)
		return IDS_EINVAL;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6 ||
	    tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return IDS_EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	want = tm;
	*out = timegm(&tm);
	/* timegm normalises 30 February to 2 March: refuse what moved */
	if (gmtime_r(out, &tm) == NULL || tm.tm_mday != want.tm_mday ||
	    tm.tm_mon != want.tm_mon || tm.tm_year != want.tm_year)
		return IDS_EINVAL;
	return IDS_OK;
}

/* Days since an epoch for a local date, to compare dates. */
static long
day_number(const struct tm *tm)
{
	return (long)(tm->tm_year) * 372 + tm->tm_mon * 31 + tm->tm_mday;
}

/* The first instant whose local date is `target` (a day_number), found
 * by bisection around guess: a midnight may happen twice (clocks set back
 * at 01:00) or not at all (set forward at 00:00), and mktime's answer for
 * those depends on what it was asked before. */
static time_t
first_instant_of(long target, time_t guess)
{
	time_t lo = guess - 86400, hi = guess + 86400, mid;
	struct tm tm;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (localtime_r(&mid, &tm) == NULL)
			return (time_t)-1;
		if (day_number(&tm) >= target)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

int
ids_deadline_end_of_next_day(time_t issued, const char *tz, time_t *out)
{
	char *saved = NULL, zone[256], path[512];
	const char *old = getenv("TZ");
	struct stat st;
	struct tm tm;
	time_t guess;
	int rc = IDS_OK;

	/* glibc silently computes in UTC for a zone it cannot find */
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	if (strcmp(tz, "UTC") != 0 && (strstr(tz, "..") != NULL ||
	    stat(path, &st) == -1 || !S_ISREG(st.st_mode)))
		return IDS_EINVAL;
	if (old != NULL && (saved = strdup(old)) == NULL)
		return IDS_ENOMEM;
	snprintf(zone, sizeof(zone), ":%s", tz);
	setenv("TZ", zone, 1);
	tzset();
	if (localtime_r(&issued, &tm) == NULL) {
		rc = IDS_EINVAL;
		goto out;
	}
	/* Noon two days on (never ambiguous), normalised by mktime, names
	 * the date; then find the exact first second of that date. */
	tm.tm_mday += 2;
	tm.tm_hour = 12;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((guess = mktime(&tm)) == (time_t)-1 ||
	    (*out = first_instant_of(day_number(&tm), guess)) == (time_t)-1)
		rc = IDS_EINVAL;
out:
	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	return rc;
}
