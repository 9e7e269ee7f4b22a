/* gentime.h: LDAP GeneralizedTime (UTC) and the temporary-password
 * deadline.  Time always comes in as an argument. */
#ifndef IDS_GENTIME_H
#define IDS_GENTIME_H

#include <stddef.h>
#include <time.h>

#define IDS_GENTIME_LEN	16	/* "YYYYMMDDHHMMSSZ" + NUL */

/* t as "20261124150000Z" into buf (at least IDS_GENTIME_LEN bytes). */
int	ids_gentime_format(time_t t, char *buf, size_t len);
/* Parse "YYYYMMDDHHMMSS[.fff]Z" (UTC only).  IDS_OK or IDS_EINVAL. */
int	ids_gentime_parse(const char *s, time_t *out);

/* The first instant after the end of the calendar day following the day
 * of `issued` in time zone tz (a zoneinfo name): a temporary password
 * issued any time on the 23rd is valid while now < this (00:00 on the
 * 25th, local).  Changes the process's TZ while it runs, so call it from
 * a single-threaded program (the CLI), never from the PAM module. */
int	ids_deadline_end_of_next_day(time_t issued, const char *tz,
	    time_t *out);

#endif
