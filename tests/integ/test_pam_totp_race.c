/* test_pam_totp_race.c: logins of one user at the same time from several
 * processes (forked, each its own PAM handle and directory connection,
 * half of them "another host" over ldapi), through the real
 * pam_idportal.so against the real slapd of tests/slapd-env:
 *
 *  - wrong codes: the directory's idpTotpFailures ends at exactly the
 *    number of codes that reached the check (Modify-Increment: no lost
 *    update), with and without a lock on the way;
 *  - one valid code, or one recovery code, sent by all at once: exactly
 *    one login succeeds (compare-and-swap of the last step; delete of the
 *    exact stored value).
 *
 * Every process stops at its first "Verification code: " prompt (after
 * its password was checked and cn=state read) until all are there, then
 * all answer at once.  The numbers go out as TAP comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <security/pam_appl.h>
#include <unistd.h>

#include "integ.h"

#define PW		"Quartz-Lantern-519"
#define MSG_LOCKED	"Your account is locked. Contact your administrator."
#define SECRET_LEN	INTEG_TOTP_SECRET_LEN
#define PROCS		8	/* processes in each race */
#define TRIES		10	/* wrong codes each, counting race */
#define ROUNDS		5	/* same-code races, a step apart */

static void
services(void)
{
	char line[2][4096], uri[4096];
	const char *svc[] = { line[0], line[1], NULL };
	const char *conf;
	struct {
		const char *service, *name, *overrides[4];
	} *s, copies[] = {
		{ "idp_many", "race-many", { "max_totp_failures = 1000",
		    NULL } },
		{ "idp_many_host2", "race-many-host2", {
		    "max_totp_failures = 1000", uri, "tls = none", NULL } },
		{ "idp_lock5", "race-lock5", { "max_totp_failures = 5",
		    NULL } },
		{ "idp_lock5_host2", "race-lock5-host2", {
		    "max_totp_failures = 5", uri, "tls = none", NULL } },
		{ NULL, NULL, { NULL } },
	};

	snprintf(uri, sizeof(uri), "uri = %s", need_env("IDS_LDAPI_URI"));
	for (s = copies; s->service != NULL; s++) {
		conf = write_conf(s->name, s->overrides);
		snprintf(line[0], sizeof(line[0]),
		    "auth required @MODULE@ config=%s", conf);
		snprintf(line[1], sizeof(line[1]),
		    "account required @MODULE@ config=%s", conf);
		write_service(s->service, svc);
	}
	faketime_preload();
}

static int
steady(void **state)
{
	(void)state;
	if (clock_faked())
		clock_at_second(2);
	return 0;
}

/* What one process saw. */
struct tally {
	int	sent;		/* logins tried */
	int	success;	/* PAM_SUCCESS */
	int	refused;	/* PAM_AUTH_ERR */
	int	other;		/* anything else */
	int	asked;		/* got to the code prompt */
	int	locked;		/* told MSG_LOCKED */
};

struct race {
	const char	*id;
	const char	*services[2];	/* even processes, odd ones */
	const char	*code;		/* every login sends this */
	int		 tries;		/* logins per process */
	struct tally	 total;
	double		 seconds;	/* gate to last result */
};

/* One login from a child, straight from the service directory with
 * pam_start_confdir rather than through pam_wrapper's pam_start: in a
 * forked process pam_wrapper sets up a /tmp/pam.? directory of its own,
 * choosing a free name with lstat then mkdir, and processes doing that at
 * once (here or in other test runs) can pick the same one and remove it
 * under each other. */
static int
race_login(const char *service, const char *id, struct chat *c)
{
	struct pam_conv conv = { chat_conv, c };
	pam_handle_t *ph = NULL;
	int rc;

	if ((rc = pam_start_confdir(service, id, &conv,
	    need_env("PAM_WRAPPER_SERVICE_DIR"), &ph)) != PAM_SUCCESS)
		return rc;
	rc = pam_authenticate(ph, 0);
	pam_end(ph, rc);
	return rc;
}

/* In the child: tries logins, the first held at the gate. */
static void
child(const struct race *r, int n, int ready, int gate, int out)
{
	struct tally t;
	struct chat c;
	int i, rc;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < r->tries; i++) {
		chat_init(&c, PW, r->code, NULL);
		if (i == 0) {
			c.ready_fd = ready;
			c.go_fd = gate;
		}
		rc = race_login(r->services[n % 2], r->id, &c);
		t.sent++;
		t.success += rc == PAM_SUCCESS;
		t.refused += rc == PAM_AUTH_ERR;
		t.other += rc != PAM_SUCCESS && rc != PAM_AUTH_ERR;
		t.asked += c.nprompts == 2;
		t.locked += chat_said(&c, MSG_LOCKED);
		chat_free(&c);
	}
	/* _exit, not exit: no leak check of what this copy of the parent
	 * holds, no atexit handler of the parent's run twice */
	_exit(write(out, &t, sizeof(t)) == (ssize_t)sizeof(t) ? 0 : 2);
}

/* PROCS processes, all let go at once; their tallies summed in r. */
static void
race(struct race *r)
{
	int ready[2], gate[2], out[2], i, st;
	pid_t pids[PROCS];
	struct tally t;
	double start;
	char b;

	memset(&r->total, 0, sizeof(r->total));
	if (pipe(ready) == -1 || pipe(gate) == -1 || pipe(out) == -1)
		abort();
	fflush(NULL);
	for (i = 0; i < PROCS; i++) {
		if ((pids[i] = fork()) == -1)
			abort();
		if (pids[i] == 0) {
			/* only the parent may hold the gate's write end */
			close(gate[1]);
			close(ready[0]);
			close(out[0]);
			child(r, i, ready[1], gate[0], out[1]);
		}
	}
	close(ready[1]);
	close(gate[0]);
	close(out[1]);
	/* every process at its code prompt (or failed before it) */
	for (i = 0; i < PROCS && read(ready[0], &b, 1) == 1; i++)
		;
	start = now_s();
	close(gate[1]);
	for (i = 0; i < PROCS; i++) {
		if (read(out[0], &t, sizeof(t)) != (ssize_t)sizeof(t))
			break;
		r->total.sent += t.sent;
		r->total.success += t.success;
		r->total.refused += t.refused;
		r->total.other += t.other;
		r->total.asked += t.asked;
		r->total.locked += t.locked;
	}
	r->seconds = now_s() - start;
	close(ready[0]);
	close(out[0]);
	for (i = 0; i < PROCS; i++) {
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(r->total.other, 0);
}

/* PROCS x TRIES wrong codes, no lock in reach: every one counted. */
static void
wrong_codes_counted_exactly(void **state)
{
	unsigned char s[SECRET_LEN];
	char wrong[7];
	struct race r = { "ttrace01", { "idp_many", "idp_many_host2" },
	    NULL, TRIES, { 0, 0, 0, 0, 0, 0 }, 0 };
	long long counted;

	(void)state;
	replace_user(r.id, PW, "");
	totp_activate(r.id, s, SECRET_LEN, 1, NULL, NULL);
	r.code = totp_wrong_code(s, SECRET_LEN, wrong);
	race(&r);
	counted = dir_number(state_dn(r.id), "idpTotpFailures");
	print_message("# concurrent wrong codes: %d processes (2 hosts) x %d "
	    "= %d sent, %d refused, %lld counted in idpTotpFailures, %lld "
	    "lost (%.2f s)\n", PROCS, TRIES, r.total.sent, r.total.refused,
	    counted, (long long)r.total.sent - counted, r.seconds);
	assert_int_equal(r.total.sent, PROCS * TRIES);
	assert_int_equal(r.total.refused, PROCS * TRIES);
	assert_int_equal(r.total.asked, PROCS * TRIES);
	assert_int_equal(counted, PROCS * TRIES);
	assert_null(dir_value(state_dn(r.id), "idpLockTime", NULL));
}

/* With max_totp_failures = 5: the account locks on the way; every code
 * that reached the check is counted, none after the lock. */
static void
wrong_codes_counted_until_lock(void **state)
{
	unsigned char s[SECRET_LEN];
	char wrong[7], *lock;
	struct race r = { "ttrace02", { "idp_lock5", "idp_lock5_host2" },
	    NULL, 5, { 0, 0, 0, 0, 0, 0 }, 0 };
	long long counted;

	(void)state;
	replace_user(r.id, PW, "");
	totp_activate(r.id, s, SECRET_LEN, 1, NULL, NULL);
	r.code = totp_wrong_code(s, SECRET_LEN, wrong);
	race(&r);
	counted = dir_number(state_dn(r.id), "idpTotpFailures");
	print_message("# concurrent wrong codes, max_totp_failures 5: %d "
	    "processes x 5 = %d sent, %d checked, %d told locked, %lld "
	    "counted in idpTotpFailures (%.2f s)\n", PROCS, r.total.sent,
	    r.total.asked, r.total.locked, counted, r.seconds);
	assert_int_equal(r.total.sent, PROCS * 5);
	assert_int_equal(r.total.refused, PROCS * 5);
	assert_int_equal(r.total.asked + r.total.locked, r.total.sent);
	assert_int_equal(counted, r.total.asked);
	assert_true(counted >= 5);
	lock = dir_value(state_dn(r.id), "idpLockTime", NULL);
	assert_non_null(lock);
	free(lock);
}

/* One valid code sent by PROCS processes at once: one login. */
static void
same_code_one_success(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7];
	struct race r = { "ttrace03", { "idp_many", "idp_many_host2" },
	    NULL, 1, { 0, 0, 0, 0, 0, 0 }, 0 };
	int round, rounds = clock_faked() ? ROUNDS : 1;
	int won = 0, lost = 0, bad_rounds = 0;
	long long step;

	(void)state;
	replace_user(r.id, PW, "");
	totp_activate(r.id, s, SECRET_LEN, 1, NULL, NULL);
	for (round = 0; round < rounds; round++) {
		if (round > 0)
			clock_forward(30);	/* a new step, a new code */
		step = totp_step_now();
		r.code = totp_code(s, SECRET_LEN, step, code);
		race(&r);
		won += r.total.success;
		lost += r.total.refused;
		bad_rounds += r.total.success != 1;
		print_message("# same code, round %d: %d processes (2 hosts), "
		    "%d accepted, %d refused (%.2f s)\n", round + 1, PROCS,
		    r.total.success, r.total.refused, r.seconds);
		assert_int_equal(r.total.asked, PROCS);
		assert_int_equal(dir_number(state_dn(r.id),
		    "idpTotpLastStep"), step);
	}
	print_message("# same valid code raced: %d rounds x %d processes = %d "
	    "sent, %d accepted, %d refused\n", rounds, PROCS, rounds * PROCS,
	    won, lost);
	assert_int_equal(bad_rounds, 0);
	assert_int_equal(won, rounds);
	assert_int_equal(lost, rounds * (PROCS - 1));
}

/* One recovery code sent by PROCS processes at once: one login, one
 * code gone. */
static void
same_recovery_code_one_success(void **state)
{
	char rc[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1];
	unsigned char s[SECRET_LEN];
	struct race r = { "ttrace04", { "idp_many", "idp_many_host2" },
	    NULL, 1, { 0, 0, 0, 0, 0, 0 }, 0 };

	(void)state;
	replace_user(r.id, PW, "");
	totp_activate(r.id, s, SECRET_LEN, 1, NULL, rc);
	r.code = rc[5];
	race(&r);
	print_message("# same recovery code: %d processes (2 hosts), %d "
	    "accepted, %d refused (%.2f s)\n", PROCS, r.total.success,
	    r.total.refused, r.seconds);
	assert_int_equal(r.total.success, 1);
	assert_int_equal(r.total.refused, PROCS - 1);
	assert_int_equal(dir_nvalues(state_dn(r.id), "idpRecoveryCode"),
	    INTEG_RECOVERY_COUNT - 1);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(wrong_codes_counted_exactly, steady),
		cmocka_unit_test_setup(wrong_codes_counted_until_lock, steady),
		cmocka_unit_test_setup(same_code_one_success, steady),
		cmocka_unit_test_setup(same_recovery_code_one_success, steady),
	};

	(void)argc;
	services_then_reexec(argv, services);
	return cmocka_run_group_tests_name("pam_totp_race", tests, NULL,
	    NULL);
}
