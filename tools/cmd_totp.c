/* cmd_totp.c: `idportal [--as ADMIN_ID] totp enable|enroll|reset|status ID`
 * (SPEC §3 two-factor).  The user is found and read as this host's service
 * account; changes are made as --as ADMIN_ID (or the service), so the
 * directory's ACLs decide who may (target.h):
 *	enable	none -> pending: the next login sets up the authenticator.
 *		The user themselves may (`--as ID totp enable ID`, their own
 *		password): the shipped ACLs let a user make exactly this change
 *		to their own state and no other.  Pending or active: exit 5.
 *	enroll	the enrollment of a login, at this terminal: QR code, key,
 *		URI, one code to confirm, then active with 10 recovery codes
 *		shown once.  Written as the admin; a user enrolling themselves
 *		(`--as ID ... enroll ID`) is written as the service, like the
 *		PAM module does at login, after the same checks: their password
 *		(the bind), not locked, account usable, and two-factor turned on
 *		by them (as for enable) or their admin.  Active: exit 5.
 *	reset	any -> pending (device change): secret, recovery codes and
 *		last step gone.  Admins only.
 *	status	two-factor state, lock, failure counters, recovery codes left
 *		(count).  Whoever the directory lets read the state entry,
 *		the user themselves included; the recovery count comes from
 *		the service's read (a user may not read the hashes).
 *
 * --json prints one object on stdout (enroll still talks to the terminal):
 *   status:
 *	id			the user's ID
 *	totp_state		"none" | "pending" | "active"
 *	locked			true if logins are refused now for a lock
 *	lock_time		when it was locked, UTC GeneralizedTime
 *				("20261124100000Z"), or null (an expired
 *				lock keeps its time: locked is then false)
 *	lock_reason		why, or null
 *	lock_until		when a lock ends by itself (lockout_duration),
 *				GeneralizedTime; null if not locked or locked
 *				until an admin unlocks
 *	password_failures	consecutive wrong passwords (integer)
 *	totp_failures		consecutive wrong verification codes
 *	recovery_codes_left	unused recovery codes (a count, never a code)
 *   enable, reset:
 *	id, totp_state ("pending"), previous_state ("none" | "pending" |
 *	"active")
 *   enroll:
 *	id, totp_state ("active"), recovery_codes (array of the 10 codes,
 *	"XXXXX-XXXXX", shown this once)
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "enroll.h"
#include "gentime.h"
#include "rc.h"
#include "secret.h"
#include "state.h"
#include "target.h"
#include "twofactor.h"

#define USAGE	"usage: idportal [--as ADMIN_ID] totp enable|enroll|reset|" \
		"status ID"
#define TRIES	3	/* codes typed before enroll gives up */

static void
json_time(time_t t)
{
	char when[IDS_GENTIME_LEN];

	if (t != 0 && ids_gentime_format(t, when, sizeof(when)) == IDS_OK)
		json_str(stdout, when);
	else
		fputs("null", stdout);
}

static void
status_json(const struct target *t, int state, int locked)
{
	const struct ids_state *st = &t->st;
	long duration = t->conf->lockout_duration;

	printf("{\"id\":");
	json_str(stdout, t->user->id);
	printf(",\"totp_state\":\"%s\",\"locked\":%s,\"lock_time\":",
	    ids_twofactor_name(state), locked ? "true" : "false");
	json_time(st->lock_time);
	printf(",\"lock_reason\":");
	json_str(stdout, st->lock_reason[0] != '\0' ? st->lock_reason : NULL);
	printf(",\"lock_until\":");
	json_time(locked && duration != 0 ? st->lock_time + duration : 0);
	printf(",\"password_failures\":%lld,\"totp_failures\":%lld,"
	    "\"recovery_codes_left\":%d}\n", (long long)st->password_failures,
	    (long long)st->totp_failures, st->nrecovery);
}

static void
status_human(const struct target *t, int state, int locked)
{
	const struct ids_state *st = &t->st;
	long duration = t->conf->lockout_duration;
	char when[300] = "";

	printf("User:                %s\nTwo-factor (TOTP):   %s\n"
	    "Locked:              ", t->user->id, ids_twofactor_name(state));
	if (st->lock_time != 0)
		target_time(t, st->lock_time, when, sizeof(when));
	if (!locked && st->lock_time != 0)
		printf("no (a lock of %s has expired)", when);
	else if (!locked)
		printf("no");
	else {
		printf("yes, since %s, ", when);
		if (duration == 0)
			printf("until an admin unlocks it");
		else {
			target_time(t, st->lock_time + duration, when,
			    sizeof(when));
			printf("until %s", when);
		}
		if (st->lock_reason[0] != '\0') {
			printf("; reason: ");
			put_text(stdout, st->lock_reason);
		}
	}
	printf("\nPassword failures:   %lld\nCode failures:       %lld\n"
	    "Recovery codes left: %d\n", (long long)st->password_failures,
	    (long long)st->totp_failures, st->nrecovery);
}

static int
status(struct cli *cli, struct target *t)
{
	int state = ids_twofactor_state(t->st.totp_state);
	int locked = ids_state_locked(&t->st, t->conf->lockout_duration,
	    time(NULL));

	if (cli->json)
		status_json(t, state, locked);
	else
		status_human(t, state, locked);
	return EXIT_OK;
}

static void
print_pending(struct cli *cli, const struct target *t, const char *before,
    const char *what)
{
	if (cli->json) {
		printf("{\"id\":");
		json_str(stdout, t->user->id);
		printf(",\"totp_state\":\"pending\","
		    "\"previous_state\":\"%s\"}\n", before);
		return;
	}
	printf("%s %s (it was %s): two-factor authentication is now pending."
	    "\nThe next login shows a QR code to set up the authenticator app"
	    " (or run `idportal totp enroll %s`).\n", what, t->user->id,
	    before, t->user->id);
}

static int
enable(struct cli *cli, struct target *t)
{
	int state = ids_twofactor_state(t->st.totp_state), rc;

	if (state == IDS_TWOFACTOR_ACTIVE)
		return fail(EXIT_CONFLICT, "two-factor authentication is "
		    "already active for %s; for a new device, an admin resets "
		    "it: idportal totp reset %s", t->user->id, t->user->id);
	if (state == IDS_TWOFACTOR_PENDING)
		return fail(EXIT_CONFLICT, "two-factor authentication is "
		    "already pending for %s: it is set up at the next login",
		    t->user->id);
	if ((rc = ids_twofactor_enable(t->actor, t->user->dn,
	    t->st.totp_state)) == IDS_ECHANGED)
		return fail(EXIT_CONFLICT, "the two-factor state of %s changed "
		    "meanwhile; nothing done (see idportal totp status %s)",
		    t->user->id, t->user->id);
	if (rc != IDS_OK)
		return target_refused(t, rc, "turn on two-factor "
		    "authentication for");
	print_pending(cli, t, "none", "Enabled for");
	return EXIT_OK;
}

static int
reset(struct cli *cli, struct target *t)
{
	const char *before = ids_twofactor_name(
	    ids_twofactor_state(t->st.totp_state));
	int rc;

	if ((rc = ids_enroll_set_pending(t->actor, t->user->dn)) != IDS_OK)
		return target_refused(t, rc, "reset two-factor authentication "
		    "for");
	print_pending(cli, t, before, "Reset");
	return EXIT_OK;
}

/* One line from the terminal (echo on is fine for a one-time code). */
static int
ask_code(FILE *tty, char *buf, size_t len)
{
	size_t n;

	fputs("Verification code: ", tty);
	fflush(tty);
	if (fgets(buf, (int)len, tty) == NULL)
		return IDS_EINVAL;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return IDS_OK;
}

/* Show the new secret, read codes until one fits; *now is its time. */
static int
confirm(struct target *t, struct ids_enrollment *e, FILE *out, FILE *tty,
    char *code, size_t len, time_t *now)
{
	uint64_t step;
	int i;

	fprintf(out, "Setting up two-factor authentication for %s.\n"
	    "Scan this QR code with Google or Microsoft Authenticator:\n%s\n"
	    "Or add this key by hand: %s\n(%s)\n", t->user->id, e->qr,
	    e->base32, e->uri);
	fflush(out);
	for (i = 0; i < TRIES; i++) {
		if (ask_code(tty, code, len) != IDS_OK)
			break;
		*now = time(NULL);
		if (ids_totp_verify(e->secret, sizeof(e->secret), code, *now,
		    (int)t->conf->totp_window, 0, &step) == IDS_OK)
			return EXIT_OK;
		if (i + 1 < TRIES) {
			fputs("That code is not right (is the phone's clock "
			    "correct?); try again.\n", tty);
			fflush(tty);
		}
	}
	return fail(EXIT_DENIED, "no right verification code for %s; nothing "
	    "changed", t->user->id);
}

static void
print_codes(struct cli *cli, const struct target *t,
    const struct ids_enrollment *e, FILE *out)
{
	int i;

	fprintf(out, "Two-factor authentication is on for %s.\n", t->user->id);
	if (cli->json) {
		fflush(out);
		printf("{\"id\":");
		json_str(stdout, t->user->id);
		printf(",\"totp_state\":\"active\",\"recovery_codes\":[");
		for (i = 0; i < IDS_RECOVERY_COUNT; i++)
			printf("%s\"%s\"", i > 0 ? "," : "", e->codes[i]);
		printf("]}\n");
		return;
	}
	printf("Recovery codes, each usable once at the \"Verification code:\" "
	    "prompt if the phone is lost (shown only now, keep them safe):\n");
	for (i = 0; i < IDS_RECOVERY_COUNT; i++)
		printf("    %s\n", e->codes[i]);
}

/* A user enrolling themselves is written as the service, as at login:
 * what the login would have checked first must hold. */
static int
self_checks(const struct target *t, time_t now)
{
	int rc;

	if (ids_state_locked(&t->st, t->conf->lockout_duration, now))
		return fail(EXIT_DENIED, "%s is locked; contact the "
		    "administrator", t->user->id);
	if ((rc = ids_user_account(t->user, now)) != IDS_OK)
		return fail(EXIT_DENIED, "%s may not log in (%s); nothing "
		    "changed", t->user->id, ids_strerror(rc));
	return EXIT_OK;
}

static int
enroll(struct cli *cli, struct target *t)
{
	int state = ids_twofactor_state(t->st.totp_state), rc, code;
	int self = cli->as != NULL && strcmp(cli->as, t->user->id) == 0;
	struct ids_enrollment e;
	char typed[64];
	time_t now = time(NULL);
	FILE *tty, *out;

	if (state == IDS_TWOFACTOR_ACTIVE)
		return fail(EXIT_CONFLICT, "two-factor authentication is "
		    "already active for %s; for a new device, reset it first: "
		    "idportal totp reset %s", t->user->id, t->user->id);
	if (self && (code = self_checks(t, now)) != EXIT_OK)
		return code;
	if ((tty = fopen("/dev/tty", "r+e")) == NULL)
		return fail(EXIT_USAGE, "totp enroll shows a QR code and asks "
		    "for a code: run it at a terminal");
	/* unbuffered: no copy of a typed code stays in a stdio buffer */
	setvbuf(tty, NULL, _IONBF, 0);
	if ((rc = ids_enroll_begin(t->user->id, &e)) != IDS_OK) {
		fclose(tty);
		return fail(rc_to_exit(rc), "cannot make a secret: %s",
		    ids_strerror(rc));
	}
	/* with --json, stdout is for the one object */
	out = cli->json ? tty : stdout;
	if ((code = confirm(t, &e, out, tty, typed, sizeof(typed), &now)) !=
	    EXIT_OK)
		goto out;
	/* themselves, from none: the one change a user may make, as them */
	if (self && state == IDS_TWOFACTOR_NONE &&
	    (rc = ids_twofactor_enable(t->actor, t->user->dn,
	    t->st.totp_state)) != IDS_OK) {
		code = target_refused(t, rc, "turn on two-factor "
		    "authentication for");
		goto out;
	}
	if ((rc = ids_enroll_finish(self ? t->svc : t->actor, t->conf,
	    t->user->dn, t->user->id, &e, typed, now)) != IDS_OK) {
		code = rc == IDS_EPERM ? target_refused(t, rc, "set up "
		    "two-factor authentication for") : fail(rc_to_exit(rc),
		    "storing the authenticator of %s: %s", t->user->id,
		    rc == IDS_ENOMEM || rc == IDS_ESYS || rc == IDS_ECONF ?
		    ids_strerror(rc) : ids_dir_error(self ? t->svc : t->actor));
		goto out;
	}
	print_codes(cli, t, &e, out);
out:
	ids_wipe(typed, sizeof(typed));
	ids_enroll_clear(&e);
	fclose(tty);
	return code;
}

int
cmd_totp(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*run)(struct cli *, struct target *);
		const char	*doing;		/* "the directory does not let X
						 * <doing> ID" */
	} subs[] = {
		{ "enable", enable, "turn on two-factor authentication for" },
		{ "enroll", enroll, "set up two-factor authentication for" },
		{ "reset", reset, "reset two-factor authentication for" },
		{ "status", status, "read the two-factor state of" },
	};
	struct target t;
	size_t i;
	int code;

	opterr = 0;
	if (getopt(argc, argv, "+") != -1 || argc - optind != 2)
		return fail(EXIT_USAGE, USAGE);
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[optind], subs[i].name) == 0)
			break;
	if (i == sizeof(subs) / sizeof(subs[0]))
		return fail(EXIT_USAGE, "unknown totp command \"%s\"; %s",
		    argv[optind], USAGE);
	if ((code = target_open(cli, argv[optind + 1], subs[i].doing, &t)) ==
	    EXIT_OK)
		code = subs[i].run(cli, &t);
	target_close(&t);
	return code;
}
