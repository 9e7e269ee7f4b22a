/* test_pam_password.c: password login through the real pam_idportal.so
 * (pam_wrapper + libpamtest) against the real slapd of tests/slapd-env. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <security/pam_appl.h>
#include <libpamtest.h>

#include "integ.h"

#define ALICE		"alice01"
#define ALICE_PW	"Corr3ct-h0rse-battery"
#define MSG_UNAVAIL	"The login directory cannot be reached. Try again " \
			"later or contact your administrator."

static char failover_svc[4096], dead_svc[4096], badca_svc[4096];
static char ldapi_svc[4096];
static char dead_conf_timeout[8] = "1";

/* One conversation: answers, and room for what the module says. */
struct talk {
	const char		*answers[4];
	char			 err_buf[4][PAM_MAX_MSG_SIZE];
	char			 info_buf[4][PAM_MAX_MSG_SIZE];
	char			*err[5];
	char			*info[5];
	struct pamtest_conv_data conv;
};

static void
talk_init(struct talk *t, const char *a0, const char *a1)
{
	int i;

	memset(t, 0, sizeof(*t));
	t->answers[0] = a0;
	t->answers[1] = a1;
	for (i = 0; i < 4; i++) {
		t->err[i] = t->err_buf[i];
		t->info[i] = t->info_buf[i];
	}
	t->conv.in_echo_off = t->answers;
	t->conv.out_err = t->err;
	t->conv.out_info = t->info;
}

/* Run authenticate (then account when acct is not -1) for user. */
static enum pamtest_err
login(const char *service, const char *user, struct talk *t, int auth,
    int acct)
{
	struct pam_testcase both[] = {
		pam_test(PAMTEST_AUTHENTICATE, auth),
		pam_test(PAMTEST_ACCOUNT, acct),
	};
	struct pam_testcase one[] = {
		pam_test(PAMTEST_AUTHENTICATE, auth),
	};

	if (acct == -1)
		return run_pamtest(service, user, &t->conv, one, NULL);
	return run_pamtest(service, user, &t->conv, both, NULL);
}

static void
services(void)
{
	char line[2][4096];
	const char *svc[] = { "auth required @MODULE@",
	    "account required @MODULE@", NULL };
	const char *first[] = { "auth required @SET_ITEMS@",
	    "auth required @MODULE@ use_first_pass", NULL };
	const char *try[] = { "auth required @SET_ITEMS@",
	    "auth required @MODULE@ try_first_pass", NULL };
	const char *noconf[] = {
	    "auth required @MODULE@ config=/nonexistent/idportal.conf",
	    NULL };
	const char *svc_conf[] = { line[0], line[1], NULL };
	const char *conf;

	write_service("idp", svc);
	write_service("idp_first", first);
	write_service("idp_try", try);
	write_service("idp_noconf", noconf);

	/* first URI refuses connections, second is the real server */
	snprintf(failover_svc, sizeof(failover_svc),
	    "uri = ldap://127.0.0.1:%d %s", closed_port(),
	    need_env("IDS_URI"));
	conf = write_conf("failover", (const char *[]){ failover_svc, NULL });
	snprintf(line[0], sizeof(line[0]), "auth required @MODULE@ config=%s",
	    conf);
	snprintf(line[1], sizeof(line[1]), "account required @MODULE@ "
	    "config=%s", conf);
	write_service("idp_failover", svc_conf);

	/* every URI dead: one never answers, one refuses */
	snprintf(dead_svc, sizeof(dead_svc), "uri = ldap://127.0.0.1:%d "
	    "ldap://127.0.0.1:%d", blackhole_port(), closed_port());
	conf = write_conf("dead", (const char *[]){ dead_svc,
	    "timeout = 1", NULL });
	snprintf(line[0], sizeof(line[0]), "auth required @MODULE@ config=%s",
	    conf);
	snprintf(line[1], sizeof(line[1]), "account required @MODULE@ "
	    "config=%s", conf);
	write_service("idp_dead", svc_conf);

	/* a CA that did not sign the server's certificate */
	snprintf(badca_svc, sizeof(badca_svc), "tls_ca_file = %s",
	    need_env("IDS_OTHER_CA_FILE"));
	conf = write_conf("badca", (const char *[]){ badca_svc, NULL });
	snprintf(line[0], sizeof(line[0]), "auth required @MODULE@ config=%s",
	    conf);
	write_service("idp_badca", (const char *[]){ line[0], NULL });

	/* ldapi:// without bind_dn: SASL EXTERNAL as root, TLS not needed */
	snprintf(ldapi_svc, sizeof(ldapi_svc), "uri = %s",
	    need_env("IDS_LDAPI_URI"));
	conf = write_conf("ldapi", (const char *[]){ ldapi_svc, "tls = none",
	    "bind_dn =", "bind_pw_file =", NULL });
	snprintf(line[0], sizeof(line[0]), "auth required @MODULE@ config=%s",
	    conf);
	snprintf(line[1], sizeof(line[1]), "account required @MODULE@ "
	    "config=%s", conf);
	write_service("idp_ldapi", svc_conf);
}

static int
setup(void **state)
{
	(void)state;
	add_user(ALICE, ALICE_PW, "");
	add_user("disabled1", ALICE_PW, "idpState: disabled");
	add_user("expired01", ALICE_PW, "idpTempPassword: TRUE\n"
	    "idpTempPasswordDeadline: 20200101000000Z");
	add_user("tempuser1", ALICE_PW, "idpTempPassword: TRUE\n"
	    "idpTempPasswordDeadline: 20991231000000Z");
	return 0;
}

static void
good_password(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, ALICE_PW, NULL);
	assert_int_equal(login("idp", ALICE, &t, PAM_SUCCESS, PAM_SUCCESS),
	    PAMTEST_ERR_OK);
	assert_string_equal(t.err[0], "");
}

static void
bad_password(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, "Corr3ct-h0rse-batterz", NULL);
	assert_int_equal(login("idp", ALICE, &t, PAM_AUTH_ERR, -1),
	    PAMTEST_ERR_OK);
}

static void
empty_password_is_not_anonymous_bind(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, "", NULL);
	assert_int_equal(login("idp", ALICE, &t, PAM_AUTH_ERR, -1),
	    PAMTEST_ERR_OK);
}

/* Same code and the same words as a wrong password. */
static void
unknown_user_looks_like_bad_password(void **state)
{
	struct talk bad, unknown;

	(void)state;
	talk_init(&bad, "wrong-password-1", NULL);
	talk_init(&unknown, "wrong-password-1", NULL);
	assert_int_equal(login("idp", ALICE, &bad, PAM_AUTH_ERR, -1),
	    PAMTEST_ERR_OK);
	assert_int_equal(login("idp", "nosuchuser9", &unknown, PAM_AUTH_ERR,
	    -1), PAMTEST_ERR_OK);
	assert_string_equal(bad.err[0], unknown.err[0]);
	assert_string_equal(bad.info[0], unknown.info[0]);
}

/* LDAP matches uid without case; the module must not. */
static void
id_is_case_sensitive(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, ALICE_PW, NULL);
	assert_int_equal(login("idp", "Alice01", &t, PAM_AUTH_ERR, -1),
	    PAMTEST_ERR_OK);
}

static void
injection_looking_names_are_refused(void **state)
{
	char longname[301];
	const char *names[] = { "*", ")(uid=*", "alice0*", "*)(uid=alice01",
	    "alice01)(|(uid=*", "\\00", "alice01\\00", longname,
	    "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc" "01",
	    "\xef\xbc\xa1" "lice01", "alice01 ", " alice01", NULL };
	struct talk t;
	int i;

	(void)state;
	memset(longname, 'a', 300);
	longname[300] = '\0';
	for (i = 0; names[i] != NULL; i++) {
		talk_init(&t, ALICE_PW, NULL);
		if (login("idp", names[i], &t, PAM_AUTH_ERR, -1) !=
		    PAMTEST_ERR_OK)
			fail_msg("user name #%d was not refused", i);
	}
}

static void
use_first_pass_takes_the_stacked_password(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, NULL, NULL);	/* any prompt would fail the login */
	setenv("PAM_AUTHTOK", ALICE_PW, 1);
	assert_int_equal(login("idp_first", ALICE, &t, PAM_SUCCESS, -1),
	    PAMTEST_ERR_OK);
	setenv("PAM_AUTHTOK", "not-the-password", 1);
	assert_int_equal(login("idp_first", ALICE, &t, PAM_AUTH_ERR, -1),
	    PAMTEST_ERR_OK);
	unsetenv("PAM_AUTHTOK");
}

static void
use_first_pass_without_password_fails(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, ALICE_PW, NULL);	/* must not be asked */
	unsetenv("PAM_AUTHTOK");
	assert_int_equal(login("idp_first", ALICE, &t, PAM_AUTH_ERR, -1),
	    PAMTEST_ERR_OK);
}

static void
try_first_pass_asks_when_nothing_stacked(void **state)
{
	struct talk t;

	(void)state;
	unsetenv("PAM_AUTHTOK");
	talk_init(&t, ALICE_PW, NULL);
	assert_int_equal(login("idp_try", ALICE, &t, PAM_SUCCESS, -1),
	    PAMTEST_ERR_OK);
}

static void
first_uri_dead_second_used(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, ALICE_PW, NULL);
	assert_int_equal(login("idp_failover", ALICE, &t, PAM_SUCCESS,
	    PAM_SUCCESS), PAMTEST_ERR_OK);
}

/* Both servers dead (one silent): refused with a message, within the
 * per-operation timeout (1 s here) rather than hanging. */
static void
all_dead_fails_closed_within_timeout(void **state)
{
	struct talk t;
	double start, took;

	(void)state;
	talk_init(&t, ALICE_PW, NULL);
	start = now_s();
	assert_int_equal(login("idp_dead", ALICE, &t, PAM_AUTHINFO_UNAVAIL,
	    -1), PAMTEST_ERR_OK);
	took = now_s() - start;
	assert_string_equal(t.err[0], MSG_UNAVAIL);
	/* the silent server costs one timeout; allow a generous margin */
	print_message("# all servers dead: refused after %.2f s (timeout "
	    "%s s)\n", took, dead_conf_timeout);
	assert_true(took < 4.0);
}

static void
wrong_ca_is_refused(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, ALICE_PW, NULL);
	assert_int_equal(login("idp_badca", ALICE, &t, PAM_AUTHINFO_UNAVAIL,
	    -1), PAMTEST_ERR_OK);
	assert_string_equal(t.err[0], MSG_UNAVAIL);
}

static void
ldapi_with_sasl_external(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, ALICE_PW, NULL);
	assert_int_equal(login("idp_ldapi", ALICE, &t, PAM_SUCCESS,
	    PAM_SUCCESS), PAMTEST_ERR_OK);
	talk_init(&t, "wrong-password-1", NULL);
	assert_int_equal(login("idp_ldapi", ALICE, &t, PAM_AUTH_ERR, -1),
	    PAMTEST_ERR_OK);
}

static void
bad_config_fails_closed(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, ALICE_PW, NULL);
	assert_int_equal(login("idp_noconf", ALICE, &t, PAM_AUTHINFO_UNAVAIL,
	    -1), PAMTEST_ERR_OK);
	assert_non_null(strstr(t.err[0], "misconfigured"));
}

/* Refused at auth already (a stack may skip the account step), with the
 * message, after the right password only. */
static void
disabled_user_denied_at_account(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, ALICE_PW, NULL);
	assert_int_equal(login("idp", "disabled1", &t, PAM_AUTH_ERR, -1),
	    PAMTEST_ERR_OK);
	assert_non_null(strstr(t.err[0], "disabled"));
	talk_init(&t, "wrong-password-1", NULL);
	assert_int_equal(login("idp", "disabled1", &t, PAM_AUTH_ERR, -1),
	    PAMTEST_ERR_OK);
	assert_string_equal(t.err[0], "");
}

static void
expired_temp_password_refused_whatever_typed(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, ALICE_PW, NULL);
	assert_int_equal(login("idp", "expired01", &t, PAM_AUTH_ERR, -1),
	    PAMTEST_ERR_OK);
	assert_non_null(strstr(t.err[0], "temporary password has expired"));
	talk_init(&t, "something-else", NULL);
	assert_int_equal(login("idp", "expired01", &t, PAM_AUTH_ERR, -1),
	    PAMTEST_ERR_OK);
	assert_non_null(strstr(t.err[0], "temporary password has expired"));
}

static void
valid_temp_password_must_be_changed(void **state)
{
	struct talk t;

	(void)state;
	talk_init(&t, ALICE_PW, NULL);
	assert_int_equal(login("idp", "tempuser1", &t, PAM_SUCCESS,
	    PAM_NEW_AUTHTOK_REQD), PAMTEST_ERR_OK);
}

static void
unknown_user_at_account(void **state)
{
	struct pam_testcase acct[] = {
		pam_test(PAMTEST_ACCOUNT, PAM_USER_UNKNOWN),
	};
	struct talk t;

	(void)state;
	talk_init(&t, NULL, NULL);
	assert_int_equal(run_pamtest("idp", "nosuchuser9", &t.conv, acct,
	    NULL), PAMTEST_ERR_OK);
}

/* The admin that `idportal init` made logs in with its temporary
 * password, and is then told to change it. */
static void
init_admin_temp_password_works(void **state)
{
	char pw[64] = "";
	FILE *f;
	struct talk t;

	(void)state;
	if ((f = fopen(need_env("IDS_ADMIN_PW_FILE"), "r")) == NULL ||
	    fgets(pw, sizeof(pw), f) == NULL)
		fail_msg("cannot read the admin's temporary password");
	fclose(f);
	pw[strcspn(pw, "\n")] = '\0';
	talk_init(&t, pw, NULL);
	assert_int_equal(login("idp", need_env("IDS_ADMIN_ID"), &t,
	    PAM_SUCCESS, PAM_NEW_AUTHTOK_REQD), PAMTEST_ERR_OK);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_password),
		cmocka_unit_test(bad_password),
		cmocka_unit_test(empty_password_is_not_anonymous_bind),
		cmocka_unit_test(unknown_user_looks_like_bad_password),
		cmocka_unit_test(id_is_case_sensitive),
		cmocka_unit_test(injection_looking_names_are_refused),
		cmocka_unit_test(use_first_pass_takes_the_stacked_password),
		cmocka_unit_test(use_first_pass_without_password_fails),
		cmocka_unit_test(try_first_pass_asks_when_nothing_stacked),
		cmocka_unit_test(first_uri_dead_second_used),
		cmocka_unit_test(all_dead_fails_closed_within_timeout),
		cmocka_unit_test(wrong_ca_is_refused),
		cmocka_unit_test(ldapi_with_sasl_external),
		cmocka_unit_test(bad_config_fails_closed),
		cmocka_unit_test(disabled_user_denied_at_account),
		cmocka_unit_test(expired_temp_password_refused_whatever_typed),
		cmocka_unit_test(valid_temp_password_must_be_changed),
		cmocka_unit_test(unknown_user_at_account),
		cmocka_unit_test(init_admin_temp_password_works),
	};

	(void)argc;
	services_then_reexec(argv, services);
	return cmocka_run_group_tests_name("pam_password", tests, setup,
	    NULL);
}
