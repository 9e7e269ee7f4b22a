/* gentime.c: GeneralizedTime and the end-of-next-day deadline. */
#include "gentime.h"
#include "rc.h"

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
	struct tm tm;
	const char *p;
	size_t i;

	for (i = 0; i < 14; i++)
		if (!isdigit((unsigned char)s[i]))
			return IDS_EINVAL;
	p = s + 14;
	if (*p == '.' || *p == ',')
		for (p++; isdigit((unsigned char)*p); p++)
			;
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
	*out = timegm(&tm);
	return IDS_OK;
}

int
ids_deadline_end_of_next_day(time_t issued, const char *tz, time_t *out)
{
	char *saved = NULL, zone[256];
	const char *old = getenv("TZ");
	struct tm tm;
	int rc = IDS_OK;

	if (old != NULL && (saved = strdup(old)) == NULL)
		return IDS_ENOMEM;
	snprintf(zone, sizeof(zone), ":%s", tz);
	setenv("TZ", zone, 1);
	tzset();
	if (localtime_r(&issued, &tm) == NULL) {
		rc = IDS_EINVAL;
		goto out;
	}
	/* Midnight two days on; mktime normalises the date and finds the
	 * offset in force then (DST may differ from the issue time). */
	tm.tm_mday += 2;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((*out = mktime(&tm)) == (time_t)-1)
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
