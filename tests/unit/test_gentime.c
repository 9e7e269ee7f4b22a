/* test_gentime.c: GeneralizedTime both ways, and the temporary-password
 * deadline (SPEC §3: valid until the end of the next calendar day in the
 * site's zone), with fixed instants and DST days; nothing sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "gentime.h"
#include "rc.h"

/* A UTC instant, without the zone of the process. */
static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

static const struct {
	int		 y, mo, d, h, mi, s;
	const char	*str;
} stamps[] = {
	{ 1970, 1, 1, 0, 0, 0, "19700101000000Z" },
	{ 2000, 2, 29, 0, 0, 0, "20000229000000Z" },
	{ 2026, 11, 24, 15, 0, 0, "20261124150000Z" },
	{ 2026, 12, 31, 23, 59, 59, "20261231235959Z" },
	{ 2038, 1, 19, 3, 14, 8, "20380119031408Z" },	/* past 2^31 - 1 */
	{ 9999, 12, 31, 23, 59, 59, "99991231235959Z" },
};

static void
test_format(void **state)
{
	char buf[IDS_GENTIME_LEN];
	size_t i;

	(void)state;
	assert_int_equal(utc(2026, 11, 24, 15, 0, 0), 1795532400);
	assert_int_equal(utc(2038, 1, 19, 3, 14, 8), 2147483648LL);
	for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		memset(buf, 'X', sizeof(buf));
		assert_int_equal(ids_gentime_format(utc(stamps[i].y,
		    stamps[i].mo, stamps[i].d, stamps[i].h, stamps[i].mi,
		    stamps[i].s), buf, sizeof(buf)), IDS_OK);
		assert_string_equal(buf, stamps[i].str);
	}
	/* One byte short of IDS_GENTIME_LEN. */
	assert_int_equal(ids_gentime_format(0, buf, IDS_GENTIME_LEN - 1),
	    IDS_EINVAL);
}

static void
test_parse(void **state)
{
	static const struct {
		const char	*s;
		time_t		 want;
	} frac[] = {
		{ "20261124150000.123Z", 1795532400 },
		{ "20261124150000,5Z", 1795532400 },
		{ "20261124150000.999999Z", 1795532400 },
	};
	time_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		t = -1;
		assert_int_equal(ids_gentime_parse(stamps[i].str, &t),
		    IDS_OK);
		assert_int_equal(t, utc(stamps[i].y, stamps[i].mo,
		    stamps[i].d, stamps[i].h, stamps[i].mi, stamps[i].s));
	}
	for (i = 0; i < sizeof(frac) / sizeof(frac[0]); i++) {
		assert_int_equal(ids_gentime_parse(frac[i].s, &t), IDS_OK);
		assert_int_equal(t, frac[i].want);
	}
}

static void
test_round_trip(void **state)
{
	char buf[IDS_GENTIME_LEN];
	time_t t, back;
	int i;

	(void)state;
	/* Spread over 1970..2100, odd steps to hit every field. */
	for (i = 0, t = 0; t < 4102444800; i++, t += 86400 * 97 + 3607) {
		assert_int_equal(ids_gentime_format(t, buf, sizeof(buf)),
		    IDS_OK);
		assert_int_equal(strlen(buf), IDS_GENTIME_LEN - 1);
		back = -1;
		assert_int_equal(ids_gentime_parse(buf, &back), IDS_OK);
		if (back != t)
			fail_msg("%lld -> %s -> %lld", (long long)t, buf,
			    (long long)back);
	}
	assert_true(i > 400);
}

static const char *const rejects[] = {
	"20261124150000",		/* no Z */
	"20261124150000+0900",		/* offsets: UTC only */
	"20261124150000-0500",
	"20261124150000Z+0900",
	"20261124150000z",
	"2026112415000Z",		/* short */
	"202611241500Z",
	"2026112415Z",
	"20261124Z",
	"",
	"Z",
	"20261324150000Z",		/* month 13 */
	"20260024150000Z",		/* month 0 */
	"20261100150000Z",		/* day 0 */
	"20261132150000Z",		/* day 32 */
	"20261124240000Z",		/* hour 24 */
	"20261124156000Z",		/* minute 60 */
	"20261124150061Z",		/* second 61 */
	"2026112415000aZ",
	"2026-11-24T15:00:00Z",
	" 20261124150000Z",
	"20261124150000Z ",
	"20261124150000ZZ",
	"202611241500000Z",		/* 15 digits */
	"20261124150000.12aZ",
	"+2026112415000Z",
};

static void
test_parse_rejects(void **state)
{
	time_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++)
		if (ids_gentime_parse(rejects[i], &t) != IDS_EINVAL)
			fail_msg("\"%s\" accepted", rejects[i]);
}

/* RFC 4517 §3.3.13: a fraction has at least one digit, and a date is a
 * date: 30 February is not 2 March. */
static void
test_parse_rejects_bad_dates(void **state)
{
	static const char *const bad[] = {
		"20261124150000.Z",
		"20261124150000,Z",
		"20260230000000Z",
		"20250229000000Z",	/* 2025 is no leap year */
		"21000229000000Z",	/* neither is 2100 */
		"20260431000000Z",
	};
	time_t t;
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ids_gentime_parse(bad[i], &t) != IDS_EINVAL) {
			print_error("\"%s\" accepted\n", bad[i]);
			failed++;
		}
	assert_int_equal(failed, 0);
	assert_int_equal(ids_gentime_parse("20240229000000Z", &t), IDS_OK);
	assert_int_equal(t, utc(2024, 2, 29, 0, 0, 0));
}

/* issued (UTC) -> deadline (UTC), in zone tz. */
static const struct {
	const char	*tz;
	int		 iy, imo, id, ih, imi, is;
	int		 dy, dmo, dd, dh, dmi;
} deadlines[] = {
	/* Asia/Tokyo, UTC+9, no DST: 23:59:59 and 00:00:00 JST on the
	 * 23rd both end at 00:00 JST on the 25th. */
	{ "Asia/Tokyo", 2026, 11, 23, 14, 59, 59, 2026, 11, 24, 15, 0 },
	{ "Asia/Tokyo", 2026, 11, 22, 15, 0, 0, 2026, 11, 24, 15, 0 },
	/* One second later it is the 24th in Tokyo: a day more. */
	{ "Asia/Tokyo", 2026, 11, 23, 15, 0, 0, 2026, 11, 25, 15, 0 },
	{ "Asia/Tokyo", 2026, 12, 31, 3, 0, 0, 2027, 1, 1, 15, 0 },
	{ "Asia/Tokyo", 2028, 2, 28, 3, 0, 0, 2028, 2, 29, 15, 0 },
	{ "UTC", 2026, 11, 23, 23, 59, 59, 2026, 11, 25, 0, 0 },
	{ "UTC", 2026, 11, 23, 0, 0, 0, 2026, 11, 25, 0, 0 },
	{ "UTC", 2026, 2, 27, 12, 0, 0, 2026, 3, 1, 0, 0 },
	/* America/New_York: EST (-5) to EDT (-4) at 02:00 on 8 March
	 * 2026, back at 02:00 on 1 November 2026. */
	{ "America/New_York", 2026, 3, 7, 4, 0, 0, 2026, 3, 8, 5, 0 },
	{ "America/New_York", 2026, 3, 7, 17, 0, 0, 2026, 3, 9, 4, 0 },
	{ "America/New_York", 2026, 3, 8, 7, 30, 0, 2026, 3, 10, 4, 0 },
	{ "America/New_York", 2026, 10, 30, 14, 0, 0, 2026, 11, 1, 4, 0 },
	{ "America/New_York", 2026, 10, 31, 14, 0, 0, 2026, 11, 2, 5, 0 },
	/* 01:30 on 1 November happens twice; both are that day. */
	{ "America/New_York", 2026, 11, 1, 5, 30, 0, 2026, 11, 3, 5, 0 },
	{ "America/New_York", 2026, 11, 1, 6, 30, 0, 2026, 11, 3, 5, 0 },
	/* Europe/Berlin: CET (+1) to CEST (+2) on 29 March 2026, back on
	 * 25 October 2026. */
	{ "Europe/Berlin", 2026, 3, 28, 9, 0, 0, 2026, 3, 29, 22, 0 },
	{ "Europe/Berlin", 2026, 3, 29, 10, 0, 0, 2026, 3, 30, 22, 0 },
	{ "Europe/Berlin", 2026, 10, 23, 8, 0, 0, 2026, 10, 24, 22, 0 },
	{ "Europe/Berlin", 2026, 10, 24, 8, 0, 0, 2026, 10, 25, 23, 0 },
	/* America/Havana springs forward at midnight: 8 March 2026 starts
	 * at 01:00 CDT. */
	{ "America/Havana", 2026, 3, 6, 17, 0, 0, 2026, 3, 8, 5, 0 },
};

static void
test_deadline(void **state)
{
	char got[IDS_GENTIME_LEN], want[IDS_GENTIME_LEN];
	time_t out, w;
	size_t i, failed = 0;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(deadlines) / sizeof(deadlines[0]); i++) {
		out = -1;
		rc = ids_deadline_end_of_next_day(utc(deadlines[i].iy,
		    deadlines[i].imo, deadlines[i].id, deadlines[i].ih,
		    deadlines[i].imi, deadlines[i].is), deadlines[i].tz, &out);
		w = utc(deadlines[i].dy, deadlines[i].dmo, deadlines[i].dd,
		    deadlines[i].dh, deadlines[i].dmi, 0);
		if (rc != IDS_OK || out != w) {
			ids_gentime_format(out, got, sizeof(got));
			ids_gentime_format(w, want, sizeof(want));
			print_error("row %zu (%s): %s %s, want %s\n", i,
			    deadlines[i].tz, ids_rcname(rc), got, want);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* The deadline is local midnight: across a DST change its UTC offset is
 * not the issue time's. */
static void
test_deadline_offset_changes(void **state)
{
	time_t issued, out;

	(void)state;
	/* Berlin, 12:00 CET on the 28th; midnight after the 29th is CEST. */
	issued = utc(2026, 3, 28, 11, 0, 0);
	assert_int_equal(ids_deadline_end_of_next_day(issued,
	    "Europe/Berlin", &out), IDS_OK);
	assert_int_equal(out - issued, 2 * 86400 - 12 * 3600 - 3600);
	/* New York, 12:00 EDT on 31 October; midnight after 1 November is
	 * EST: one hour longer than two days minus twelve hours. */
	issued = utc(2026, 10, 31, 16, 0, 0);
	assert_int_equal(ids_deadline_end_of_next_day(issued,
	    "America/New_York", &out), IDS_OK);
	assert_int_equal(out - issued, 2 * 86400 - 12 * 3600 + 3600);
}

/* America/Havana falls back from 01:00 CDT to 00:00 CST: 1 November 2026
 * has two midnights, and the day begins at the first, 04:00Z.  The answer
 * must not depend on what the process asked mktime() before. */
static void
test_deadline_two_midnights(void **state)
{
	time_t issued = utc(2026, 10, 30, 16, 0, 0), want, out;
	time_t others[] = {
		utc(2026, 3, 6, 17, 0, 0),	/* a CST day */
		utc(2026, 7, 1, 12, 0, 0),	/* a CDT day */
	};
	char got[IDS_GENTIME_LEN];
	size_t i;

	(void)state;
	want = utc(2026, 11, 1, 4, 0, 0);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		assert_int_equal(ids_deadline_end_of_next_day(others[i],
		    "America/Havana", &out), IDS_OK);
		assert_int_equal(ids_deadline_end_of_next_day(issued,
		    "America/Havana", &out), IDS_OK);
		if (out != want) {
			ids_gentime_format(out, got, sizeof(got));
			fail_msg("after call %zu: %s, want 20261101040000Z",
			    i, got);
		}
	}
}

/* The caller's TZ is put back as it was (set or unset). */
static void
test_tz_restored(void **state)
{
	const char *tz;
	char *saved = NULL;
	struct tm tm;
	time_t out, july = utc(2026, 7, 1, 12, 0, 0);

	(void)state;
	if ((tz = getenv("TZ")) != NULL)
		assert_non_null(saved = strdup(tz));

	assert_int_equal(setenv("TZ", "Europe/Paris", 1), 0);
	tzset();
	assert_int_equal(ids_deadline_end_of_next_day(july, "Asia/Tokyo",
	    &out), IDS_OK);
	assert_int_equal(out, utc(2026, 7, 2, 15, 0, 0));
	assert_non_null(tz = getenv("TZ"));
	assert_string_equal(tz, "Europe/Paris");
	/* And in force: 12:00 UTC in July is 14:00 in Paris. */
	assert_non_null(localtime_r(&july, &tm));
	assert_int_equal(tm.tm_hour, 14);
	assert_int_equal(tm.tm_gmtoff, 7200);

	/* Even when the zone is not one. */
	ids_deadline_end_of_next_day(july, "Mars/Base", &out);
	assert_string_equal(getenv("TZ"), "Europe/Paris");

	assert_int_equal(unsetenv("TZ"), 0);
	tzset();
	assert_int_equal(ids_deadline_end_of_next_day(july, "Asia/Tokyo",
	    &out), IDS_OK);
	assert_null(getenv("TZ"));

	if (saved != NULL)
		setenv("TZ", saved, 1);
	tzset();
	free(saved);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_rejects_bad_dates),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_deadline_offset_changes),
		cmocka_unit_test(test_deadline_two_midnights),
		cmocka_unit_test(test_tz_restored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
