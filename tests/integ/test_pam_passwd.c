/* test_pam_passwd.c: changing a password through pam_sm_chauthtok of the
 * real module: the forced change of a temporary password right after
 * login, and a user's own change (passwd), against the real slapd. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <security/pam_appl.h>
#include <libpamtest.h>

#include "integ.h"

#define TEMP_PW		"Xq7rTemp42"
#define NEW_PW		"Gl4cier-Orbit-Tandem"
#define OTHER_PW	"Marble-Violin-Cactus9"

struct talk {
	const char		*answers[8];
	char			 err_buf[4][PAM_MAX_MSG_SIZE];
	char			 info_buf[4][PAM_MAX_MSG_SIZE];
	char			*err[5];
	char			*info[5];
	struct pamtest_conv_data conv;
};

static void
talk_init(struct talk *t, const char *const *answers)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; answers[i] != NULL && i < 7; i++)
		t->answers[i] = answers[i];
	for (i = 0; i < 4; i++) {
		t->err[i] = t->err_buf[i];
		t->info[i] = t->info_buf[i];
	}
	t->conv.in_echo_off = t->answers;
	t->conv.out_err = t->err;
	t->conv.out_info = t->info;
}

static int
said(const struct talk *t, const char *what)
{
	int i;

	for (i = 0; i < 4; i++)
		if (strstr(t->err_buf[i], what) != NULL ||
		    strstr(t->info_buf[i], what) != NULL)
			return 1;
	return 0;
}

/* Auth + account with pw; expect auth_rc and acct_rc. */
static enum pamtest_err
login(const char *user, const char *pw, int auth_rc, int acct_rc)
{
	struct pam_testcase steps[] = {
		pam_test(PAMTEST_AUTHENTICATE, auth_rc),
		pam_test(PAMTEST_ACCOUNT, acct_rc),
	};
	struct pam_testcase auth_only[] = {
		pam_test(PAMTEST_AUTHENTICATE, auth_rc),
	};
	struct talk t;

	talk_init(&t, (const char *[]){ pw, NULL });
	if (auth_rc != PAM_SUCCESS)
		return run_pamtest("idp", user, &t.conv, auth_only, NULL);
	return run_pamtest("idp", user, &t.conv, steps, NULL);
}

/* sshd's order in one handle: auth, account says "change it", then
 * chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK). */
static enum pamtest_err
forced_change(const char *user, struct talk *t, int chauthtok_rc)
{
	struct pam_testcase steps[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
		pam_test(PAMTEST_ACCOUNT, PAM_NEW_AUTHTOK_REQD),
		pam_test_flags(PAMTEST_CHAUTHTOK, chauthtok_rc,
		    PAM_CHANGE_EXPIRED_AUTHTOK),
	};

	return run_pamtest("idp", user, &t->conv, steps, NULL);
}

static void
temp_user(const char *id)
{
	add_user(id, TEMP_PW, "idpTempPassword: TRUE\n"
	    "idpTempPasswordDeadline: 20991231000000Z");
}

static void
services(void)
{
	const char *svc[] = { "auth required @MODULE@",
	    "account required @MODULE@", "password required @MODULE@",
	    NULL };

	write_service("idp", svc);
}

static void
temporary_password_is_changed_at_first_login(void **state)
{
	struct talk t;

	(void)state;
	temp_user("tempchg01");
	talk_init(&t, (const char *[]){ TEMP_PW, NEW_PW, NEW_PW, NULL });
	assert_int_equal(forced_change("tempchg01", &t, PAM_SUCCESS),
	    PAMTEST_ERR_OK);
	assert_true(said(&t, "temporary password"));
	assert_true(said(&t, "has been changed"));
	/* the temporary one is gone; the new one is a normal password */
	assert_int_equal(login("tempchg01", TEMP_PW, PAM_AUTH_ERR, 0),
	    PAMTEST_ERR_OK);
	assert_int_equal(login("tempchg01", NEW_PW, PAM_SUCCESS, PAM_SUCCESS),
	    PAMTEST_ERR_OK);
}

static void
mismatched_new_passwords_change_nothing(void **state)
{
	struct talk t;

	(void)state;
	temp_user("tempmis01");
	talk_init(&t, (const char *[]){ TEMP_PW, NEW_PW, OTHER_PW, NULL });
	assert_int_equal(forced_change("tempmis01", &t, PAM_AUTHTOK_ERR),
	    PAMTEST_ERR_OK);
	assert_true(said(&t, "do not match"));
	assert_int_equal(login("tempmis01", TEMP_PW, PAM_SUCCESS,
	    PAM_NEW_AUTHTOK_REQD), PAMTEST_ERR_OK);
}

static void
weak_new_password_is_refused_with_reason(void **state)
{
	struct talk t;

	(void)state;
	temp_user("tempweak1");
	talk_init(&t, (const char *[]){ TEMP_PW, "password1", "password1",
	    NULL });
	assert_int_equal(forced_change("tempweak1", &t, PAM_AUTHTOK_ERR),
	    PAMTEST_ERR_OK);
	assert_true(said(&t, "Password refused: "));
	assert_false(said(&t, "password1"));
	talk_init(&t, (const char *[]){ TEMP_PW, "tempweak1-2026",
	    "tempweak1-2026", NULL });
	assert_int_equal(forced_change("tempweak1", &t, PAM_AUTHTOK_ERR),
	    PAMTEST_ERR_OK);
	assert_true(said(&t, "Password refused: "));
	assert_int_equal(login("tempweak1", TEMP_PW, PAM_SUCCESS,
	    PAM_NEW_AUTHTOK_REQD), PAMTEST_ERR_OK);
}

static void
new_password_must_differ(void **state)
{
	struct talk t;

	(void)state;
	add_user("tempsame1", NEW_PW, "idpTempPassword: TRUE\n"
	    "idpTempPasswordDeadline: 20991231000000Z");
	talk_init(&t, (const char *[]){ NEW_PW, NEW_PW, NEW_PW, NULL });
	assert_int_equal(forced_change("tempsame1", &t, PAM_AUTHTOK_ERR),
	    PAMTEST_ERR_OK);
	assert_true(said(&t, "must differ"));
}

/* passwd: no login first, so the current password is asked. */
static void
user_changes_own_password(void **state)
{
	struct pam_testcase steps[] = {
		pam_test(PAMTEST_CHAUTHTOK, PAM_SUCCESS),
	};
	struct talk t;

	(void)state;
	add_user("selfchg01", NEW_PW, "");
	talk_init(&t, (const char *[]){ NEW_PW, OTHER_PW, OTHER_PW, NULL });
	assert_int_equal(run_pamtest("idp", "selfchg01", &t.conv, steps, NULL),
	    PAMTEST_ERR_OK);
	assert_int_equal(login("selfchg01", NEW_PW, PAM_AUTH_ERR, 0),
	    PAMTEST_ERR_OK);
	assert_int_equal(login("selfchg01", OTHER_PW, PAM_SUCCESS,
	    PAM_SUCCESS), PAMTEST_ERR_OK);
}

static void
wrong_current_password_changes_nothing(void **state)
{
	struct pam_testcase steps[] = {
		pam_test(PAMTEST_CHAUTHTOK, PAM_AUTH_ERR),
	};
	struct talk t;

	(void)state;
	add_user("selfbad01", NEW_PW, "");
	talk_init(&t, (const char *[]){ "not-my-password", OTHER_PW, OTHER_PW,
	    NULL });
	assert_int_equal(run_pamtest("idp", "selfbad01", &t.conv, steps, NULL),
	    PAMTEST_ERR_OK);
	/* counted like a wrong password at login (the shared lock applies) */
	assert_int_equal(dir_number(state_dn("selfbad01"),
	    "idpPasswordFailures"), 1);
	assert_int_equal(login("selfbad01", NEW_PW, PAM_SUCCESS, PAM_SUCCESS),
	    PAMTEST_ERR_OK);
}

/* sshd asks to change only what has expired: nothing asked, nothing done */
static void
change_expired_leaves_normal_password_alone(void **state)
{
	struct pam_testcase steps[] = {
		pam_test_flags(PAMTEST_CHAUTHTOK, PAM_SUCCESS,
		    PAM_CHANGE_EXPIRED_AUTHTOK),
	};
	struct talk t;

	(void)state;
	add_user("selfkeep1", NEW_PW, "");
	talk_init(&t, (const char *[]){ NULL });
	assert_int_equal(run_pamtest("idp", "selfkeep1", &t.conv, steps, NULL),
	    PAMTEST_ERR_OK);
	assert_int_equal(login("selfkeep1", NEW_PW, PAM_SUCCESS, PAM_SUCCESS),
	    PAMTEST_ERR_OK);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(temporary_password_is_changed_at_first_login),
		cmocka_unit_test(mismatched_new_passwords_change_nothing),
		cmocka_unit_test(weak_new_password_is_refused_with_reason),
		cmocka_unit_test(new_password_must_differ),
		cmocka_unit_test(user_changes_own_password),
		cmocka_unit_test(wrong_current_password_changes_nothing),
		cmocka_unit_test(change_expired_leaves_normal_password_alone),
	};

	(void)argc;
	services_then_reexec(argv, services);
	return cmocka_run_group_tests_name("pam_passwd", tests, NULL, NULL);
}
