/* test_pam_lockout.c: the shared lock through the real pam_idportal.so
 * (pam_wrapper + libpamtest) against the real slapd of tests/slapd-env:
 * max_totp_failures and max_password_failures (config copies at 3), what
 * a locked account is told (the same whatever is typed), that a success
 * resets the count, lockout_duration (the clock moved with libfaketime,
 * never by sleeping), and unlocking.  The counters and the lock are read
 * back from cn=state as root over ldapi. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libpamtest.h>
#include <sys/wait.h>

#include <time.h>
#include <unistd.h>

#include "integ.h"

#define PW		"Quartz-Lantern-519"
#define WRONG_PW	"Quartz-Lantern-518"
#define MSG_LOCKED	"Your account is locked. Contact your administrator."
#define PROMPT_PW	"Password: "
#define SECRET_LEN	INTEG_TOTP_SECRET_LEN
#define ADMIN		"ttlkadmin1"
#define ADMIN_PW	"Granite-Harbor-8264"

static char admin_pw_file[1024];

static void
services(void)
{
	char line[2][4096], uri[4096];
	const char *svc[] = { line[0], line[1], NULL };
	const char *conf;
	struct {
		const char *service, *name, *overrides[6];
	} *s, copies[] = {
		{ "idp_lock3", "lock-3", { "max_totp_failures = 3",
		    "max_password_failures = 3", NULL } },
		/* another host of the same site: over ldapi */
		{ "idp_lock3_host2", "lock-3-host2", { "max_totp_failures = 3",
		    "max_password_failures = 3", uri, "tls = none", NULL } },
		{ "idp_dur60", "lock-dur60", { "max_totp_failures = 3",
		    "max_password_failures = 3", "lockout_duration = 60",
		    NULL } },
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

/* One login; its auth code; the conversation in c (chat_free it). */
static int
login(const char *service, const char *id, const char *pw,
    const char *code, struct chat *c)
{
	chat_init(c, pw, code, NULL);
	return pam_login(service, id, c, NULL);
}

static int
login_rc(const char *service, const char *id, const char *pw,
    const char *code)
{
	struct chat c;
	int rc = login(service, id, pw, code, &c);

	chat_free(&c);
	return rc;
}

static long long
count(const char *id, const char *attr)
{
	return dir_number(state_dn(id), attr);
}

static int
is_locked(const char *id)
{
	char *t = dir_value(state_dn(id), "idpLockTime", NULL);

	free(t);
	return t != NULL;
}

/* Move the clock to `seconds` after id's lock time (never back: the
 * checks before took less than that). */
static void
clock_after_lock(const char *id, long seconds)
{
	char *t = dir_value(state_dn(id), "idpLockTime", NULL);
	struct tm tm;
	time_t at;

	assert_non_null(t);
	memset(&tm, 0, sizeof(tm));
	assert_non_null(strptime(t, "%Y%m%d%H%M%SZ", &tm));
	free(t);
	at = timegm(&tm) + seconds;
	assert_true(at >= time(NULL));
	clock_forward((long)(at - time(NULL)));
}

static void
assert_reason(const char *id, const char *want)
{
	char *r = dir_value(state_dn(id), "idpLockReason", NULL);

	assert_non_null(r);
	assert_string_equal(r, want);
	free(r);
}

/* A locked account: refused with MSG_LOCKED right after the password,
 * whatever it was, no code asked, nothing counted.  The conversations of
 * the tries must be identical. */
static void
assert_locked_whatever_typed(const char *service, const char *id,
    const char *code)
{
	const char *pws[] = { PW, WRONG_PW, "", "x", NULL };
	long long pwf = count(id, "idpPasswordFailures");
	long long tf = count(id, "idpTotpFailures");
	struct chat c;
	int i;

	for (i = 0; pws[i] != NULL; i++) {
		assert_pam(login(service, id, pws[i], code, &c), PAM_AUTH_ERR);
		assert_int_equal(c.nprompts, 1);
		assert_string_equal(c.prompts[0], PROMPT_PW);
		assert_int_equal(c.nerr, 1);
		assert_string_equal(c.err[0], MSG_LOCKED);
		assert_int_equal(c.ninfo, 0);
		chat_free(&c);
	}
	assert_int_equal(count(id, "idpPasswordFailures"), pwf);
	assert_int_equal(count(id, "idpTotpFailures"), tf);
}

/* 2 wrong codes: counted, not locked.  The 3rd: locked for every host,
 * then the right password and code get MSG_LOCKED like anything else. */
static void
totp_failures_lock_at_max(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7], wrong[7];
	struct chat c;
	int i;

	(void)state;
	replace_user("ttlkcode01", PW, "");
	totp_activate("ttlkcode01", s, SECRET_LEN, 1, NULL, NULL);
	totp_wrong_code(s, SECRET_LEN, wrong);
	for (i = 1; i <= 2; i++) {
		assert_pam(login("idp_lock3", "ttlkcode01", PW, wrong, &c),
		    PAM_AUTH_ERR);
		assert_int_equal(c.nprompts, 2);
		assert_false(chat_said(&c, MSG_LOCKED));
		chat_free(&c);
		assert_int_equal(count("ttlkcode01", "idpTotpFailures"), i);
		assert_false(is_locked("ttlkcode01"));
	}
	assert_pam(login_rc("idp_lock3", "ttlkcode01", PW, wrong),
	    PAM_AUTH_ERR);
	assert_int_equal(count("ttlkcode01", "idpTotpFailures"), 3);
	assert_true(is_locked("ttlkcode01"));
	assert_reason("ttlkcode01", "too many wrong verification codes");
	totp_code(s, SECRET_LEN, totp_step_now(), code);
	assert_locked_whatever_typed("idp_lock3", "ttlkcode01", code);
	assert_locked_whatever_typed("idp_lock3_host2", "ttlkcode01", code);
	/* and the code was never used up: last step untouched */
	assert_int_equal(count("ttlkcode01", "idpTotpLastStep"), 0);
}

/* Consecutive: a success in between starts the count again. */
static void
totp_success_resets_count(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7], wrong[7];
	long long step = totp_step_now();

	(void)state;
	replace_user("ttlkcode02", PW, "");
	totp_activate("ttlkcode02", s, SECRET_LEN, 1, NULL, NULL);
	totp_wrong_code(s, SECRET_LEN, wrong);
	assert_pam(login_rc("idp_lock3", "ttlkcode02", PW, wrong),
	    PAM_AUTH_ERR);
	assert_pam(login_rc("idp_lock3", "ttlkcode02", PW, wrong),
	    PAM_AUTH_ERR);
	assert_pam(login_rc("idp_lock3", "ttlkcode02", PW,
	    totp_code(s, SECRET_LEN, step, code)), PAM_SUCCESS);
	assert_int_equal(count("ttlkcode02", "idpTotpFailures"), 0);
	assert_pam(login_rc("idp_lock3", "ttlkcode02", PW, wrong),
	    PAM_AUTH_ERR);
	assert_pam(login_rc("idp_lock3", "ttlkcode02", PW, wrong),
	    PAM_AUTH_ERR);
	assert_false(is_locked("ttlkcode02"));
	assert_pam(login_rc("idp_lock3", "ttlkcode02", PW,
	    totp_code(s, SECRET_LEN, step + 1, code)), PAM_SUCCESS);
	assert_int_equal(count("ttlkcode02", "idpTotpFailures"), 0);
}

/* Wrong passwords: counted; a right one resets; at 3 in a row, locked. */
static void
password_failures_lock_at_max(void **state)
{
	int i;

	(void)state;
	replace_user("ttlkpw01", PW, "");
	for (i = 1; i <= 2; i++) {
		assert_pam(login_rc("idp_lock3", "ttlkpw01", WRONG_PW, NULL),
		    PAM_AUTH_ERR);
		assert_int_equal(count("ttlkpw01", "idpPasswordFailures"), i);
	}
	assert_pam(login_rc("idp_lock3", "ttlkpw01", PW, NULL), PAM_SUCCESS);
	assert_int_equal(count("ttlkpw01", "idpPasswordFailures"), 0);
	for (i = 1; i <= 3; i++) {
		assert_false(is_locked("ttlkpw01"));
		assert_pam(login_rc("idp_lock3", "ttlkpw01", WRONG_PW, NULL),
		    PAM_AUTH_ERR);
		assert_int_equal(count("ttlkpw01", "idpPasswordFailures"), i);
	}
	assert_true(is_locked("ttlkpw01"));
	assert_reason("ttlkpw01", "too many wrong passwords");
	assert_locked_whatever_typed("idp_lock3", "ttlkpw01", NULL);
	assert_locked_whatever_typed("idp_lock3_host2", "ttlkpw01", NULL);
}

/* With two-factor on, the password count is the password's own: a
 * right password resets it even before the code. */
static void
password_count_reset_before_code(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7];

	(void)state;
	replace_user("ttlkpw02", PW, "");
	totp_activate("ttlkpw02", s, SECRET_LEN, 1, NULL, NULL);
	assert_pam(login_rc("idp_lock3", "ttlkpw02", WRONG_PW, NULL),
	    PAM_AUTH_ERR);
	assert_pam(login_rc("idp_lock3", "ttlkpw02", WRONG_PW, NULL),
	    PAM_AUTH_ERR);
	assert_int_equal(count("ttlkpw02", "idpPasswordFailures"), 2);
	assert_pam(login_rc("idp_lock3", "ttlkpw02", PW,
	    totp_code(s, SECRET_LEN, totp_step_now(), code)), PAM_SUCCESS);
	assert_int_equal(count("ttlkpw02", "idpPasswordFailures"), 0);
	assert_int_equal(count("ttlkpw02", "idpTotpFailures"), 0);
}

/* SPEC 5: "account: ... lock ... -> denied with a message".  A locked
 * user who got past auth some other way (an SSH key: sshd runs only
 * account) must be stopped there. */
static void
locked_denied_at_account(void **state)
{
	struct pam_testcase acct[] = {
		pam_test(PAMTEST_ACCOUNT, PAM_PERM_DENIED),
	};
	struct chat c;
	int i;

	(void)state;
	replace_user("ttlkacct01", PW, "");
	for (i = 0; i < 3; i++)
		login_rc("idp_lock3", "ttlkacct01", WRONG_PW, NULL);
	assert_true(is_locked("ttlkacct01"));
	chat_init(&c, NULL);
	acct[0].op_rv = -1;
	_pamtest_conv("idp_lock3", "ttlkacct01", chat_conv, &c, acct, 1,
	    NULL);
	print_message("# account phase of a locked user: %s\n",
	    pam_strerror(NULL, acct[0].op_rv));
	assert_pam(acct[0].op_rv, PAM_PERM_DENIED);
	assert_true(chat_said(&c, MSG_LOCKED));
	chat_free(&c);
}

/* lockout_duration = 60: locked at T (idpLockTime); still at T+30 and
 * T+50; in again at T+61, with the lock and both counts cleared. */
static void
lock_runs_out(void **state)
{
	int i;

	(void)state;
	if (!clock_faked())
		skip();
	replace_user("ttlkdur01", PW, "");
	for (i = 0; i < 3; i++)
		assert_pam(login_rc("idp_dur60", "ttlkdur01", WRONG_PW, NULL),
		    PAM_AUTH_ERR);
	assert_true(is_locked("ttlkdur01"));
	clock_after_lock("ttlkdur01", 30);
	assert_locked_whatever_typed("idp_dur60", "ttlkdur01", NULL);
	clock_after_lock("ttlkdur01", 50);
	assert_pam(login_rc("idp_dur60", "ttlkdur01", PW, NULL),
	    PAM_AUTH_ERR);
	clock_after_lock("ttlkdur01", 61);
	assert_pam(login_rc("idp_dur60", "ttlkdur01", PW, NULL), PAM_SUCCESS);
	assert_false(is_locked("ttlkdur01"));
	assert_int_equal(count("ttlkdur01", "idpPasswordFailures"), 0);
}

/* The same for a lock by codes; after it, a fresh count: 2 wrong codes
 * do not lock again. */
static void
code_lock_runs_out(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7], wrong[7];
	int i;

	(void)state;
	if (!clock_faked())
		skip();
	replace_user("ttlkdur02", PW, "");
	totp_activate("ttlkdur02", s, SECRET_LEN, 1, NULL, NULL);
	totp_wrong_code(s, SECRET_LEN, wrong);
	for (i = 0; i < 3; i++)
		assert_pam(login_rc("idp_dur60", "ttlkdur02", PW, wrong),
		    PAM_AUTH_ERR);
	assert_true(is_locked("ttlkdur02"));
	clock_after_lock("ttlkdur02", 50);
	assert_pam(login_rc("idp_dur60", "ttlkdur02", PW,
	    totp_code(s, SECRET_LEN, totp_step_now(), code)), PAM_AUTH_ERR);
	clock_after_lock("ttlkdur02", 61);
	clock_at_second(2);
	totp_wrong_code(s, SECRET_LEN, wrong);
	for (i = 0; i < 2; i++)
		assert_pam(login_rc("idp_dur60", "ttlkdur02", PW, wrong),
		    PAM_AUTH_ERR);
	assert_false(is_locked("ttlkdur02"));
	assert_int_equal(count("ttlkdur02", "idpTotpFailures"), 2);
	assert_pam(login_rc("idp_dur60", "ttlkdur02", PW,
	    totp_code(s, SECRET_LEN, totp_step_now(), code)), PAM_SUCCESS);
}

/* lockout_duration = 0 (the default): a day later, still locked. */
static void
lock_without_duration_stays(void **state)
{
	int i;

	(void)state;
	if (!clock_faked())
		skip();
	replace_user("ttlkdur03", PW, "");
	for (i = 0; i < 3; i++)
		login_rc("idp_lock3", "ttlkdur03", WRONG_PW, NULL);
	assert_true(is_locked("ttlkdur03"));
	clock_forward(86400);
	assert_locked_whatever_typed("idp_lock3", "ttlkdur03", NULL);
}

/* Does the CLI built for this run have `idportal unlock`? */
static int
cli_has_unlock(void)
{
	const char *cli = getenv("IDPORTAL");

	if (cli == NULL || access(cli, X_OK) != 0)
		return 0;
	return sh_plain_rc("'%s' --help 2>&1 | grep -q '^ *unlock '", cli) ==
	    0;
}

/* A top-level admin of our own (member of cn=idportal-admins), with a
 * permanent password in a 0600 file, to run the CLI as. */
static void
make_admin(void)
{
	replace_user(ADMIN, ADMIN_PW, "");
	snprintf(admin_pw_file, sizeof(admin_pw_file), "%s/%s.pw",
	    need_env("IDS_ENV_DIR"), ADMIN);
	sh_plain("umask 077 && printf '%%s\\n' '%s' > '%s'", ADMIN_PW,
	    admin_pw_file);
	sh_plain("LDAPNOINIT=1 ldapmodify -Q -Y EXTERNAL -H '%s' >/dev/null "
	    "2>&1 <<'EOF'\ndn: cn=idportal-admins,ou=groups,%s\n"
	    "changetype: modify\nadd: member\nmember: %s\n-\nEOF\ntrue",
	    need_env("IDS_LDAPI_URI"), need_env("IDS_BASE"), user_dn(ADMIN));
}

/* Unlock id: with `idportal unlock` as a top-level admin when the CLI
 * has it, else (the command is being written) by hand as root, leaving
 * what ids_state_unlock leaves: no lock time or reason, counters at 0. */
static void
unlock(const char *id)
{
	static int admin_made;
	int st;

	if (cli_has_unlock()) {
		if (!admin_made++)
			make_admin();
		st = sh_plain_rc("'%s' --as %s --as-pw-file '%s' unlock %s "
		    "</dev/null >&2", getenv("IDPORTAL"), ADMIN, admin_pw_file,
		    id);
		print_message("# unlocked with: idportal --as %s unlock %s "
		    "(exit %d)\n", ADMIN, id, st);
		assert_int_equal(st, 0);
		return;
	}
	print_message("# no `idportal unlock` in this build: unlocked with "
	    "ldapmodify\n");
	dir_modify("dn: %s\nchangetype: modify\nreplace: idpLockTime\n-\n"
	    "replace: idpLockReason\n-\nreplace: idpPasswordFailures\n"
	    "idpPasswordFailures: 0\n-\nreplace: idpTotpFailures\n"
	    "idpTotpFailures: 0\n-", state_dn(id));
}

/* Locked by codes, unlocked: the right password and code let the user
 * in, with a fresh count. */
static void
unlock_lets_in(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7], wrong[7];
	int i;

	(void)state;
	replace_user("ttlkunl01", PW, "");
	totp_activate("ttlkunl01", s, SECRET_LEN, 1, NULL, NULL);
	totp_wrong_code(s, SECRET_LEN, wrong);
	for (i = 0; i < 3; i++)
		login_rc("idp_lock3", "ttlkunl01", PW, wrong);
	assert_true(is_locked("ttlkunl01"));
	unlock("ttlkunl01");
	assert_false(is_locked("ttlkunl01"));
	assert_int_equal(count("ttlkunl01", "idpTotpFailures"), 0);
	assert_pam(login_rc("idp_lock3_host2", "ttlkunl01", PW,
	    totp_code(s, SECRET_LEN, totp_step_now(), code)), PAM_SUCCESS);
}

/* A login already past its password when another login locks the
 * account: its right code is refused (the step moves only while no lock
 * time is set, RFC 4528 assertion), and nothing is used up. */
static void
lock_while_at_code_prompt(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7], byte;
	int ready[2], go[2], status;
	pid_t pid;
	struct chat c;

	(void)state;
	replace_user("ttlkmid01", PW, "");
	totp_activate("ttlkmid01", s, SECRET_LEN, 1, NULL, NULL);
	totp_code(s, SECRET_LEN, totp_step_now(), code);
	if (pipe(ready) == -1 || pipe(go) == -1)
		fail_msg("pipe");
	if ((pid = fork()) == 0) {
		close(ready[0]);
		close(go[1]);
		chat_init(&c, PW, code, NULL);
		c.ready_fd = ready[1];	/* tell the parent we wait at the */
		c.go_fd = go[0];	/* code prompt, until it says go */
		_exit(pam_login("idp_lock3", "ttlkmid01", &c, NULL) ==
		    PAM_SUCCESS ? 0 : 1);
	}
	close(ready[1]);
	close(go[0]);
	assert_int_equal(read(ready[0], &byte, 1), 1);
	/* the other login's lock, written while this one waits */
	dir_modify("dn: %s\nchangetype: modify\nreplace: idpLockTime\n"
	    "idpLockTime: 20260101000000Z\n-\nreplace: idpLockReason\n"
	    "idpLockReason: too many wrong verification codes\n-",
	    state_dn("ttlkmid01"));
	close(go[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(ready[0]);
	print_message("# right code answered after a lock set meanwhile: %s\n",
	    WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ACCEPTED" :
	    "refused");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	assert_int_equal(count("ttlkmid01", "idpTotpLastStep"), 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(totp_failures_lock_at_max, steady),
		cmocka_unit_test_setup(totp_success_resets_count, steady),
		cmocka_unit_test_setup(password_failures_lock_at_max, steady),
		cmocka_unit_test_setup(password_count_reset_before_code,
		    steady),
		cmocka_unit_test_setup(locked_denied_at_account, steady),
		cmocka_unit_test_setup(lock_runs_out, steady),
		cmocka_unit_test_setup(code_lock_runs_out, steady),
		cmocka_unit_test_setup(lock_without_duration_stays, steady),
		cmocka_unit_test_setup(unlock_lets_in, steady),
		cmocka_unit_test_setup(lock_while_at_code_prompt, steady),
	};

	(void)argc;
	services_then_reexec(argv, services);
	return cmocka_run_group_tests_name("pam_lockout", tests, NULL, NULL);
}
