/* cmd_unlock.c: `idportal [--as ADMIN_ID] unlock ID`: lift a lock (SPEC §3
 * lockout) on every host at once: no lock time or reason, both failure
 * counters 0.  Written as the admin, so the directory's ACLs decide: the
 * top-level admins for anyone, an org admin for the users of their own org
 * only; anyone else gets exit 4.
 *
 * --json prints one object:
 *	id			the user's ID
 *	was_locked		true if the account was locked just before
 *	lock_time		the lock's time, UTC GeneralizedTime
 *				("20261124100000Z"), or null if none was set
 *				(an expired lock still has one: was_locked
 *				is then false)
 *	lock_reason		why it was locked, or null
 *	password_failures_before  idpPasswordFailures before (now 0)
 *	totp_failures_before	idpTotpFailures before (now 0)
 */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "gentime.h"
#include "rc.h"
#include "state.h"
#include "target.h"

#define USAGE	"usage: idportal [--as ADMIN_ID] unlock ID"

static void
print_json(const struct target *t, int was_locked)
{
	char when[IDS_GENTIME_LEN];

	printf("{\"id\":");
	json_str(stdout, t->user->id);
	printf(",\"was_locked\":%s,\"lock_time\":", was_locked ? "true" :
	    "false");
	if (t->st.lock_time != 0 &&
	    ids_gentime_format(t->st.lock_time, when, sizeof(when)) == IDS_OK)
		json_str(stdout, when);
	else
		fputs("null", stdout);
	printf(",\"lock_reason\":");
	json_str(stdout, t->st.lock_reason[0] != '\0' ? t->st.lock_reason :
	    NULL);
	printf(",\"password_failures_before\":%lld,"
	    "\"totp_failures_before\":%lld}\n",
	    (long long)t->st.password_failures,
	    (long long)t->st.totp_failures);
}

static void
print_human(const struct target *t, int was_locked)
{
	char when[300] = "";

	if (t->st.lock_time != 0)
		target_time(t, t->st.lock_time, when, sizeof(when));
	if (was_locked)
		printf("Unlocked %s: it was locked since %s", t->user->id,
		    when);
	else if (t->st.lock_time != 0)
		printf("%s was not locked any more (its lock of %s had "
		    "expired); the lock is cleared", t->user->id, when);
	else
		printf("%s was not locked", t->user->id);
	if (t->st.lock_time != 0 && t->st.lock_reason[0] != '\0') {
		printf(", reason: ");
		put_text(stdout, t->st.lock_reason);
	}
	printf(".\nFailure counters set to 0 (they were: passwords %lld, "
	    "verification codes %lld).\n", (long long)t->st.password_failures,
	    (long long)t->st.totp_failures);
}

int
cmd_unlock(struct cli *cli, int argc, char **argv)
{
	struct target t;
	int rc, code, was_locked;

	opterr = 0;
	if (getopt(argc, argv, "") != -1 || optind + 1 != argc)
		return fail(EXIT_USAGE, USAGE);
	if ((code = target_open(cli, argv[optind], "unlock", &t)) != EXIT_OK)
		goto out;
	was_locked = ids_state_locked(&t.st, t.conf->lockout_duration,
	    time(NULL));
	if ((rc = ids_state_unlock(t.actor, t.user->dn)) != IDS_OK) {
		code = target_refused(&t, rc, "unlock");
		goto out;
	}
	if (cli->json)
		print_json(&t, was_locked);
	else
		print_human(&t, was_locked);
out:
	target_close(&t);
	return code;
}
