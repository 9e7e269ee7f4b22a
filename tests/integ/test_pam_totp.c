/* test_pam_totp.c: the second factor through the real pam_idportal.so
 * (pam_wrapper + libpamtest) against the real slapd of tests/slapd-env:
 * verification codes, replay on one host and across hosts, the window,
 * recovery codes, damaged or unopenable secrets, and enrollment at login
 * (the key read out of the conversation, the code computed with liboath).
 * Lockout is test_pam_lockout.c, races test_pam_totp_race.c.
 *
 * Users are made here with an active authenticator directly in cn=state
 * (integ.c: totp_activate), not through enrollment.  The module's clock is
 * moved with libfaketime (integ.h: faketime_preload): each test starts
 * two seconds into a 30 s step, so no step changes under it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <liboath/oath.h>
#include <libpamtest.h>

#include "integ.h"

#define PW		"Quartz-Lantern-519"
#define MSG_CONF	"The login service is misconfigured."
#define PROMPT_PW	"Password: "
#define PROMPT_CODE	"Verification code: "
#define SECRET_LEN	INTEG_TOTP_SECRET_LEN
#define NOT_OPEN	"the stored TOTP secret does not open"

/* attr of dn has the value want (the copy is freed either way). */
static void
assert_value(const char *dn, const char *attr, const char *want)
{
	char *v = dir_value(dn, attr, NULL);
	int same = v != NULL && strcmp(v, want) == 0;

	if (!same)
		print_message("# %s: %s is %s, want %s\n", dn, attr,
		    v != NULL ? v : "(none)", want);
	free(v);
	assert_true(same);
}

static char other_key[1024], open_key[1024];

static void
services(void)
{
	char line[2][4096], opt[3][4096];
	const char *svc[] = { line[0], line[1], NULL };
	const char *conf;
	struct {
		const char *service, *name, *overrides[4];
	} *s, copies[] = {
		{ "idp_w0", "totp-w0", { "totp_window = 0", NULL } },
		{ "idp_nolock", "totp-nolock", { "max_totp_failures = 1000",
		    NULL } },
		{ "idp_w1", "totp-w1", { "totp_window = 1", NULL } },
		/* another host: over ldapi, same service account */
		{ "idp_host2", "totp-host2", { opt[0], "tls = none", NULL } },
		{ "idp_all", "totp-all", { "require_totp = all", NULL } },
		{ "idp_group", "totp-group", { "require_totp = group:ttgroup1",
		    NULL } },
		{ "idp_otherkey", "totp-otherkey", { opt[1], NULL } },
		{ "idp_openkey", "totp-openkey", { opt[2], NULL } },
		{ NULL, NULL, { NULL } },
	};
	const char *plain[] = { "auth required @MODULE@",
	    "account required @MODULE@", NULL };

	write_service("idp", plain);
	/* another 0600 key, and the right key readable by all */
	snprintf(other_key, sizeof(other_key), "%s/totp-other.key",
	    need_env("IDS_ENV_DIR"));
	snprintf(open_key, sizeof(open_key), "%s/totp-0644.key",
	    need_env("IDS_ENV_DIR"));
	sh_plain("umask 077 && head -c 32 /dev/urandom > '%s' && "
	    "cp '%s' '%s' && chmod 0644 '%s'", other_key,
	    conf_value("totp_key_file"), open_key, open_key);
	snprintf(opt[0], sizeof(opt[0]), "uri = %s",
	    need_env("IDS_LDAPI_URI"));
	snprintf(opt[1], sizeof(opt[1]), "totp_key_file = %s", other_key);
	snprintf(opt[2], sizeof(opt[2]), "totp_key_file = %s", open_key);
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

/* Every test starts two seconds into a step (when the clock is ours). */
static int
steady(void **state)
{
	(void)state;
	if (clock_faked())
		clock_at_second(2);
	return 0;
}

/* A user with an active authenticator; its secret in s. */
static void
totp_user(const char *id, unsigned char s[SECRET_LEN],
    char codes[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1])
{
	replace_user(id, PW, "");
	totp_activate(id, s, SECRET_LEN, 1, NULL, codes);
}

/* cn=state of id with TOTP pending, as `idportal totp enable` leaves it. */
static void
set_pending(const char *id)
{
	sh_plain("LDAPNOINIT=1 ldapdelete -Q -Y EXTERNAL -H '%s' '%s' "
	    ">/dev/null 2>&1; true", need_env("IDS_LDAPI_URI"), state_dn(id));
	sh_plain("LDAPNOINIT=1 ldapadd -Q -Y EXTERNAL -H '%s' >/dev/null "
	    "<<'EOF'\ndn: %s\nobjectClass: top\nobjectClass: idpUserState\n"
	    "cn: state\nidpPasswordFailures: 0\nidpTotpFailures: 0\n"
	    "idpTotpLastStep: 0\nidpTotpState: pending\nEOF",
	    need_env("IDS_LDAPI_URI"), state_dn(id));
}

/* One login with password and code through service; its auth code. */
static int
login2(const char *service, const char *id, const char *pw,
    const char *code, struct chat *c)
{
	chat_init(c, pw, code, NULL);
	return pam_login(service, id, c, NULL);
}

static int
login_code(const char *service, const char *id, const char *code)
{
	struct chat c;
	int rc;

	rc = login2(service, id, PW, code, &c);
	chat_free(&c);
	return rc;
}

static void
good_code(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7];
	long long step = totp_step_now();
	struct chat c;
	int acct;

	(void)state;
	totp_user("ttgood01", s, NULL);
	chat_init(&c, PW, totp_code(s, SECRET_LEN, step, code), NULL);
	assert_pam(pam_login("idp", "ttgood01", &c, &acct), PAM_SUCCESS);
	assert_pam(acct, PAM_SUCCESS);
	assert_int_equal(c.nprompts, 2);
	assert_string_equal(c.prompts[0], PROMPT_PW);
	assert_string_equal(c.prompts[1], PROMPT_CODE);
	assert_int_equal(c.nerr, 0);
	chat_free(&c);
	assert_int_equal(dir_number(state_dn("ttgood01"), "idpTotpLastStep"),
	    step);
	assert_int_equal(dir_number(state_dn("ttgood01"), "idpTotpFailures"),
	    0);
}

static void
wrong_code_refused_and_counted(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7];
	struct chat c;

	(void)state;
	totp_user("ttwrong01", s, NULL);
	assert_pam(login2("idp", "ttwrong01", PW,
	    totp_wrong_code(s, SECRET_LEN, code), &c), PAM_AUTH_ERR);
	assert_int_equal(c.nprompts, 2);
	chat_free(&c);
	assert_int_equal(dir_number(state_dn("ttwrong01"), "idpTotpFailures"),
	    1);
	assert_int_equal(dir_number(state_dn("ttwrong01"), "idpTotpLastStep"),
	    0);
	assert_null(dir_value(state_dn("ttwrong01"), "idpLockTime", NULL));
}

/* The admin reading the log can tell a wrong code from a wrong password
 * (one line per decision, SPEC 5; STYLE 8: result=totp_failed). */
static void
wrong_code_logged_apart_from_wrong_password(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7], *bad_pw, *bad_code, *l;
	struct chat c;

	(void)state;
	totp_user("ttlog01", s, NULL);
	log_capture_start();
	login2("idp", "ttlog01", "Quartz-Lantern-520", NULL, &c);
	bad_pw = log_capture_end();
	chat_free(&c);
	log_capture_start();
	login2("idp", "ttlog01", PW, totp_wrong_code(s, SECRET_LEN, code), &c);
	bad_code = log_capture_end();
	chat_free(&c);
	/* compare the decision lines: "auth user=ttlog01 ... result=..." */
	if ((l = strstr(bad_pw, "auth user=ttlog01")) != NULL)
		l[strcspn(l, "\n")] = '\0';
	assert_non_null(l);
	print_message("# wrong password logged as: %s\n", l);
	if ((l = strstr(bad_code, "auth user=ttlog01")) != NULL)
		l[strcspn(l, "\n")] = '\0';
	assert_non_null(l);
	print_message("# wrong code logged as:     %s\n", l);
	assert_string_not_equal(strstr(bad_pw, "auth user=ttlog01"), l);
	free(bad_pw);
	free(bad_code);
}

/* The code is asked only after the right password. */
static void
wrong_password_asks_no_code(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7];
	struct chat c;

	(void)state;
	totp_user("ttnopw01", s, NULL);
	assert_pam(login2("idp", "ttnopw01", "Quartz-Lantern-520",
	    totp_code(s, SECRET_LEN, totp_step_now(), code), &c),
	    PAM_AUTH_ERR);
	assert_int_equal(c.nprompts, 1);
	chat_free(&c);
	assert_int_equal(dir_number(state_dn("ttnopw01"),
	    "idpPasswordFailures"), 1);
	assert_int_equal(dir_number(state_dn("ttnopw01"), "idpTotpFailures"),
	    0);
}

/* Whatever is not six digits is read as a recovery code: none of these
 * is one of the user's, so each is refused, counted, and uses up no
 * recovery code.  (max_totp_failures 1000: no lock on the way.) */
static void
garbage_codes_refused(void **state)
{
	const char *junk[] = { "", "12345", "1234567", "12345a", "abcdef",
	    "ABCDE-FGHJK", "0000000000", " 123456", NULL };
	unsigned char s[SECRET_LEN];
	int i, accepted = 0;

	(void)state;
	totp_user("ttjunk01", s, NULL);
	for (i = 0; junk[i] != NULL; i++)
		if (login_code("idp_nolock", "ttjunk01", junk[i]) !=
		    PAM_AUTH_ERR) {
			print_message("# \"%s\" at the code prompt was not "
			    "refused\n", junk[i]);
			accepted++;
		}
	print_message("# %d of %d non-codes accepted; %d recovery codes "
	    "left of 10\n", accepted, i, dir_nvalues(state_dn("ttjunk01"),
	    "idpRecoveryCode"));
	assert_int_equal(accepted, 0);
	assert_int_equal(dir_nvalues(state_dn("ttjunk01"), "idpRecoveryCode"),
	    10);
	assert_int_equal(dir_number(state_dn("ttjunk01"), "idpTotpFailures"),
	    i);
}

/* Two pam_authenticate calls in one handle, as a program that retries
 * would make them: the second sends the same code and is refused. */
static void
code_reused_same_handle(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7];
	struct pam_conv conv;
	pam_handle_t *ph = NULL;
	struct chat c;
	int first, second;

	(void)state;
	totp_user("ttsame01", s, NULL);
	totp_code(s, SECRET_LEN, totp_step_now(), code);
	chat_init(&c, PW, code, PW, code, NULL);
	conv.conv = chat_conv;
	conv.appdata_ptr = &c;
	assert_int_equal(pam_start("idp", "ttsame01", &conv, &ph),
	    PAM_SUCCESS);
	first = pam_authenticate(ph, 0);
	second = pam_authenticate(ph, 0);
	pam_end(ph, second);
	assert_pam(first, PAM_SUCCESS);
	assert_pam(second, PAM_AUTH_ERR);
	assert_int_equal(c.nprompts, 4);	/* the code was asked again */
	chat_free(&c);
}

/* Host 1 (TCP + StartTLS) accepts a code; host 2 (ldapi, its own handle
 * and connection) refuses it, and an older one, but takes the next. */
static void
code_reused_other_host(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7];
	long long step = totp_step_now();

	(void)state;
	totp_user("ttother01", s, NULL);
	assert_pam(login_code("idp", "ttother01",
	    totp_code(s, SECRET_LEN, step, code)), PAM_SUCCESS);
	assert_pam(login_code("idp_host2", "ttother01", code), PAM_AUTH_ERR);
	assert_pam(login_code("idp_host2", "ttother01",
	    totp_code(s, SECRET_LEN, step - 1, code)), PAM_AUTH_ERR);
	assert_pam(login_code("idp_host2", "ttother01",
	    totp_code(s, SECRET_LEN, step + 1, code)), PAM_SUCCESS);
	assert_pam(login_code("idp", "ttother01", code), PAM_AUTH_ERR);
	assert_int_equal(dir_number(state_dn("ttother01"), "idpTotpLastStep"),
	    step + 1);
}

/* totp_window = 1, two seconds into step S: S-2 and S+2 refused, S-1
 * and S+1 accepted (in that order: a step must pass the last one), and
 * then S, older than the last accepted, refused. */
static void
window_edges(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7];
	long long step;

	(void)state;
	if (!clock_faked())
		skip();
	totp_user("ttwin01", s, NULL);
	step = totp_step_now();
	assert_pam(login_code("idp_w1", "ttwin01",
	    totp_code(s, SECRET_LEN, step - 2, code)), PAM_AUTH_ERR);
	assert_pam(login_code("idp_w1", "ttwin01",
	    totp_code(s, SECRET_LEN, step + 2, code)), PAM_AUTH_ERR);
	assert_pam(login_code("idp_w1", "ttwin01",
	    totp_code(s, SECRET_LEN, step - 1, code)), PAM_SUCCESS);
	assert_pam(login_code("idp_w1", "ttwin01",
	    totp_code(s, SECRET_LEN, step + 1, code)), PAM_SUCCESS);
	assert_pam(login_code("idp_w1", "ttwin01",
	    totp_code(s, SECRET_LEN, step, code)), PAM_AUTH_ERR);
	assert_int_equal(step, totp_step_now());
	assert_int_equal(dir_number(state_dn("ttwin01"), "idpTotpLastStep"),
	    step + 1);
}

/* The edge itself: in the last second of step S, S-1 is in the window;
 * in the first second of step N, N-2 is out and N-1 in. */
static void
window_edge_seconds(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7];
	long long step;
	int rc = -1, tries;

	(void)state;
	if (!clock_faked())
		skip();
	/* one second is short on a busy machine: if the step changed
	 * during the login, the module may have seen either; again */
	for (tries = 0; tries < 5; tries++) {
		totp_user("ttwin02", s, NULL);
		clock_at_second(29);
		step = totp_step_now();
		rc = login_code("idp_w1", "ttwin02",
		    totp_code(s, SECRET_LEN, step - 1, code));
		if (totp_step_now() == step)
			break;
		print_message("# step changed during the login: again\n");
	}
	assert_pam(rc, PAM_SUCCESS);
	clock_at_second(0);
	totp_user("ttwin02", s, NULL);
	step = totp_step_now();
	assert_pam(login_code("idp_w1", "ttwin02",
	    totp_code(s, SECRET_LEN, step - 2, code)), PAM_AUTH_ERR);
	assert_pam(login_code("idp_w1", "ttwin02",
	    totp_code(s, SECRET_LEN, step - 1, code)), PAM_SUCCESS);
}

/* totp_window = 0: only the current step. */
static void
window_zero(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7];
	long long step = totp_step_now();

	(void)state;
	totp_user("ttwin03", s, NULL);
	assert_pam(login_code("idp_w0", "ttwin03",
	    totp_code(s, SECRET_LEN, step - 1, code)), PAM_AUTH_ERR);
	assert_pam(login_code("idp_w0", "ttwin03",
	    totp_code(s, SECRET_LEN, step + 1, code)), PAM_AUTH_ERR);
	assert_pam(login_code("idp_w0", "ttwin03",
	    totp_code(s, SECRET_LEN, step, code)), PAM_SUCCESS);
}

/* "XXXXX-XXXXX" in lower case, without the dash: typed by a person. */
static void
sloppy(const char *code, char out[16])
{
	size_t i, o = 0;

	for (i = 0; code[i] != '\0' && o < 15; i++)
		if (code[i] != '-')
			out[o++] = (char)(code[i] >= 'A' && code[i] <= 'Z' ?
			    code[i] - 'A' + 'a' : code[i]);
	out[o] = '\0';
}

/* After a TOTP login, a recovery code at the same prompt: accepted once,
 * then refused; another one typed sloppily is accepted; the authenticator
 * stays active and its codes still work. */
static void
recovery_code_once(void **state)
{
	char rc[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1], typed[16];
	unsigned char s[SECRET_LEN];
	char code[7];
	long long step = totp_step_now();
	const char *dn = state_dn("ttrecov01");

	(void)state;
	totp_user("ttrecov01", s, rc);
	assert_pam(login_code("idp", "ttrecov01",
	    totp_code(s, SECRET_LEN, step, code)), PAM_SUCCESS);
	assert_pam(login_code("idp", "ttrecov01", rc[3]), PAM_SUCCESS);
	assert_int_equal(dir_nvalues(dn, "idpRecoveryCode"), 9);
	assert_pam(login_code("idp", "ttrecov01", rc[3]), PAM_AUTH_ERR);
	assert_int_equal(dir_nvalues(dn, "idpRecoveryCode"), 9);
	assert_int_equal(dir_number(dn, "idpTotpFailures"), 1);
	sloppy(rc[4], typed);
	assert_pam(login_code("idp", "ttrecov01", typed), PAM_SUCCESS);
	assert_int_equal(dir_nvalues(dn, "idpRecoveryCode"), 8);
	assert_pam(login_code("idp", "ttrecov01", typed), PAM_AUTH_ERR);
	assert_pam(login_code("idp", "ttrecov01", rc[4]), PAM_AUTH_ERR);
	assert_pam(login_code("idp", "ttrecov01",
	    totp_code(s, SECRET_LEN, step + 1, code)), PAM_SUCCESS);
	assert_value(dn, "idpTotpState", "active");
}

/* The last recovery code is used up like the others. */
static void
recovery_codes_all_used(void **state)
{
	char rc[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1];
	unsigned char s[SECRET_LEN];
	int i, ok = 0;

	(void)state;
	totp_user("ttrecov02", s, rc);
	for (i = INTEG_RECOVERY_COUNT - 1; i >= 0; i--)
		ok += login_code("idp", "ttrecov02", rc[i]) == PAM_SUCCESS;
	assert_int_equal(ok, INTEG_RECOVERY_COUNT);
	assert_int_equal(dir_nvalues(state_dn("ttrecov02"),
	    "idpRecoveryCode"), 0);
	for (i = 0; i < INTEG_RECOVERY_COUNT; i++)
		assert_pam(login_code("idp", "ttrecov02", rc[i]),
		    PAM_AUTH_ERR);
}

/* Refused, the decision logged with why, nothing counted against the
 * user, no crash: for each way the stored secret can be damaged. */
static void
refused_with_log(const char *service, const char *id,
    const unsigned char *s, const char *want_log, const char *what)
{
	char code[7], *log;
	struct chat c;
	int rc;

	log_capture_start();
	rc = login2(service, id, PW, totp_code(s, SECRET_LEN,
	    totp_step_now(), code), &c);
	log = log_capture_end();
	print_message("# %s: %s (%d)%s%s\n", what, pam_strerror(NULL, rc), rc,
	    c.nerr > 0 ? ", said: " : "", c.nerr > 0 ? c.err[0] : "");
	if (rc != PAM_AUTH_ERR && rc != PAM_AUTHINFO_UNAVAIL)
		fail_msg("%s: login not refused (%s)", what,
		    pam_strerror(NULL, rc));
	if (strstr(log, want_log) == NULL)
		fail_msg("%s: no \"%s\" in the log", what, want_log);
	assert_non_null(strstr(log, id));
	chat_free(&c);
	free(log);
}

static void
damaged_secret_refused(void **state)
{
	unsigned char s[SECRET_LEN], *blob, *bad;
	size_t len, cut;
	struct {
		const char	*what;
		size_t		 at;	/* byte to flip, or bytes kept */
		int		 flip;
	} *d, damage[] = {
		{ "one ciphertext byte flipped", 4 + 8 + 12 + 5, 1 },
		{ "one tag byte flipped", 0, 1 },	/* the last byte */
		{ "key id byte flipped", 6, 1 },
		{ "magic byte flipped", 0, 1 },
		{ "cut to 30 bytes", 30, 0 },
		{ "cut to the 4-byte magic", 4, 0 },
		{ NULL, 0, 0 },
	};

	(void)state;
	totp_user("ttdamage01", s, NULL);
	blob = totp_seal(NULL, "ttdamage01", s, SECRET_LEN, &len);
	if ((bad = malloc(len)) == NULL)
		abort();
	for (d = damage; d->what != NULL; d++) {
		memcpy(bad, blob, len);
		cut = len;
		if (d->flip)
			bad[d == &damage[1] ? len - 1 : d->at] ^= 0x01;
		else
			cut = d->at;
		totp_store_blob("ttdamage01", bad, cut);
		refused_with_log("idp", "ttdamage01", s, NOT_OPEN, d->what);
	}
	/* sealed for another user: the user ID is bound into the blob */
	free(blob);
	blob = totp_seal(NULL, "ttdamage02", s, SECRET_LEN, &len);
	totp_store_blob("ttdamage01", blob, len);
	refused_with_log("idp", "ttdamage01", s, NOT_OPEN,
	    "another user's blob");
	/* none at all */
	dir_modify("dn: %s\nchangetype: modify\ndelete: idpTotpSecret\n-",
	    state_dn("ttdamage01"));
	refused_with_log("idp", "ttdamage01", s, "TOTP active but no secret",
	    "no secret");
	assert_int_equal(dir_number(state_dn("ttdamage01"),
	    "idpTotpFailures"), 0);
	/* and the intact blob still works: the damage was all it was */
	free(blob);
	blob = totp_seal(NULL, "ttdamage01", s, SECRET_LEN, &len);
	totp_store_blob("ttdamage01", blob, len);
	assert_pam(login_code("idp", "ttdamage01", totp_code(s, SECRET_LEN,
	    totp_step_now(), (char[7]){ 0 })), PAM_SUCCESS);
	free(blob);
	free(bad);
}

/* A host whose totp_key_file is another (valid, 0600) key cannot open
 * the secret: refused and logged; the right key still opens it. */
static void
other_key_refused(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7];

	(void)state;
	totp_user("ttkey01", s, NULL);
	refused_with_log("idp_otherkey", "ttkey01", s, NOT_OPEN,
	    "another totp_key_file");
	assert_pam(login_code("idp", "ttkey01",
	    totp_code(s, SECRET_LEN, totp_step_now(), code)), PAM_SUCCESS);
}

/* A key file others can read is a configuration error: refused, the
 * user told the service is misconfigured, the log names the file. */
static void
readable_key_file_refused(void **state)
{
	unsigned char s[SECRET_LEN];
	char code[7], *log;
	struct chat c;

	(void)state;
	totp_user("ttkey02", s, NULL);
	log_capture_start();
	assert_pam(login2("idp_openkey", "ttkey02", PW,
	    totp_code(s, SECRET_LEN, totp_step_now(), code), &c),
	    PAM_AUTHINFO_UNAVAIL);
	log = log_capture_end();
	assert_true(chat_said(&c, MSG_CONF));
	assert_non_null(strstr(log, open_key));
	chat_free(&c);
	free(log);
}

/* Characters (not bytes) in a UTF-8 line: its width on a terminal. */
static size_t
columns(const char *l)
{
	size_t n = 0;

	for (; *l != '\0'; l++)
		n += ((unsigned char)*l & 0xc0) != 0x80;
	return n;
}

static int
is_qr_line(const char *l)
{
	/* U+2580 upper half, U+2584 lower half, U+2588 full block, space */
	while (*l != '\0') {
		if (*l == ' ')
			l++;
		else if (strncmp(l, "\xe2\x96\x80", 3) == 0 ||
		    strncmp(l, "\xe2\x96\x84", 3) == 0 ||
		    strncmp(l, "\xe2\x96\x88", 3) == 0)
			l += 3;
		else
			return 0;
	}
	return 1;
}

static int
is_recovery_line(const char *l)
{
	const char *crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	int i;

	if (strncmp(l, "    ", 4) != 0 || strlen(l) != 4 + 11)
		return 0;
	for (i = 0; i < 11; i++)
		if (i == 5 ? l[4 + i] != '-' :
		    strchr(crockford, l[4 + i]) == NULL)
			return 0;
	return 1;
}

/* What an enrollment must have said: QR code, key, URI, then (after the
 * code) 10 distinct recovery codes; they go to rc. */
static void
check_enrollment_said(const struct chat *c, const char *id,
    char rc[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1])
{
	char want[512];
	size_t width = 0;
	int i, j, qr = 0, nrc = 0;

	assert_true(chat_said(c, "Two-factor authentication must be set up"));
	for (i = 0; i < c->ninfo; i++) {
		if (is_qr_line(c->info[i]) && columns(c->info[i]) > 20) {
			if (width == 0)
				width = columns(c->info[i]);
			assert_int_equal(columns(c->info[i]), width);
			qr++;
		}
		if (is_recovery_line(c->info[i])) {
			assert_true(nrc < INTEG_RECOVERY_COUNT);
			snprintf(rc[nrc++], INTEG_RECOVERY_LEN + 1, "%s",
			    c->info[i] + 4);
		}
	}
	print_message("# enrollment showed %d QR lines of %zu columns, key "
	    "%zu chars, %d recovery codes\n", qr, width, strlen(c->key), nrc);
	assert_true(qr >= 10);
	assert_int_equal(strlen(c->key), 32);	/* 20 bytes in base32 */
	assert_int_equal(strspn(c->key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
	    32);
	snprintf(want, sizeof(want), "otpauth://totp/idportal:%s?secret=%s&"
	    "issuer=idportal&algorithm=SHA1&digits=6&period=30", id, c->key);
	assert_string_equal(c->uri, want);
	assert_true(chat_said(c, "Two-factor authentication is on"));
	assert_int_equal(nrc, INTEG_RECOVERY_COUNT);
	for (i = 0; i < nrc; i++)
		for (j = i + 1; j < nrc; j++)
			assert_string_not_equal(rc[i], rc[j]);
}

/* The directory after an enrollment: active, the step of the code sent,
 * the secret sealed (neither its bytes nor its base32 in the value), 10
 * hashed recovery codes (no code in clear). */
static void
check_enrollment_stored(const struct chat *c, const char *id,
    char rc[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1])
{
	const char *dn = state_dn(id);
	char *raw = NULL, *blob, *v;
	size_t rawlen = 0, bloblen;
	int i;

	assert_value(dn, "idpTotpState", "active");
	assert_int_equal(dir_number(dn, "idpTotpLastStep"), c->sent_step);
	assert_int_equal(dir_nvalues(dn, "idpRecoveryCode"),
	    INTEG_RECOVERY_COUNT);
	v = dir_value(dn, "idpRecoveryCode", NULL);
	assert_non_null(v);
	assert_memory_equal(v, "{PBKDF2-SHA256}", 15);
	free(v);
	assert_int_equal(oath_init(), OATH_OK);
	assert_int_equal(oath_base32_decode(c->key, strlen(c->key), &raw,
	    &rawlen), OATH_OK);
	assert_int_equal(rawlen, SECRET_LEN);
	blob = dir_value(dn, "idpTotpSecret", &bloblen);
	assert_non_null(blob);
	assert_int_equal(bloblen, SECRET_LEN + 40);
	assert_memory_equal(blob, "IDS1", 4);
	assert_null(memmem(blob, bloblen, raw, rawlen));
	assert_null(memmem(blob, bloblen, c->key, strlen(c->key)));
	free(blob);
	/* nothing of it anywhere in the state entry as root reads it */
	for (i = 0; i < INTEG_RECOVERY_COUNT; i++)
		assert_int_not_equal(sh_plain_rc("LDAPNOINIT=1 ldapsearch -Q "
		    "-Y EXTERNAL -H '%s' -LLL -o ldif-wrap=no -s base -b '%s' | "
		    "grep -qiF -e '%s' -e '%s'", need_env("IDS_LDAPI_URI"), dn,
		    rc[i], c->key), 0);
	free(raw);
}

/* The whole first login of a pending user, and the logins after it. */
static void
enrollment_end_to_end(void **state)
{
	char rc[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1], code[7];
	char *raw = NULL;
	size_t rawlen = 0;
	struct chat c, next;
	int acct;

	(void)state;
	replace_user("ttenrol01", PW, "");
	set_pending("ttenrol01");
	chat_init(&c, PW, CHAT_ENROLL_CODE, NULL);
	assert_pam(pam_login("idp", "ttenrol01", &c, &acct), PAM_SUCCESS);
	assert_pam(acct, PAM_SUCCESS);
	assert_int_equal(c.nprompts, 2);
	assert_string_equal(c.prompts[1], PROMPT_CODE);
	check_enrollment_said(&c, "ttenrol01", rc);
	check_enrollment_stored(&c, "ttenrol01", rc);

	/* from now on a code is needed */
	chat_init(&next, PW, NULL);
	assert_pam(pam_login("idp", "ttenrol01", &next, NULL), PAM_AUTH_ERR);
	assert_int_equal(next.nprompts, 2);
	assert_string_equal(next.prompts[1], PROMPT_CODE);
	chat_free(&next);
	/* not the code that confirmed the enrollment */
	assert_pam(login_code("idp", "ttenrol01", c.sent_code), PAM_AUTH_ERR);
	/* the next one, computed from the key shown, with liboath */
	assert_int_equal(oath_base32_decode(c.key, strlen(c.key), &raw,
	    &rawlen), OATH_OK);
	assert_int_equal(oath_totp_generate(raw, rawlen,
	    (time_t)(c.sent_step + 1) * 30, 30, 0, 6, code), OATH_OK);
	free(raw);
	assert_pam(login_code("idp", "ttenrol01", code), PAM_SUCCESS);
	/* the recovery codes shown work, once */
	assert_pam(login_code("idp", "ttenrol01", rc[0]), PAM_SUCCESS);
	assert_pam(login_code("idp", "ttenrol01", rc[0]), PAM_AUTH_ERR);
	assert_int_equal(dir_nvalues(state_dn("ttenrol01"),
	    "idpRecoveryCode"), INTEG_RECOVERY_COUNT - 1);
	chat_free(&c);
}

/* A wrong confirmation code: refused, nothing stored, no recovery code
 * shown; the next login starts over with a new key. */
static void
enrollment_wrong_code(void **state)
{
	char first_key[128];
	struct chat c;
	int i;

	(void)state;
	replace_user("ttenrol02", PW, "");
	set_pending("ttenrol02");
	chat_init(&c, PW, CHAT_ENROLL_WRONG, NULL);
	assert_pam(pam_login("idp", "ttenrol02", &c, NULL), PAM_AUTH_ERR);
	assert_true(c.key[0] != '\0');
	for (i = 0; i < c.ninfo; i++)
		assert_false(is_recovery_line(c.info[i]));
	snprintf(first_key, sizeof(first_key), "%s", c.key);
	chat_free(&c);
	assert_value(state_dn("ttenrol02"), "idpTotpState", "pending");
	assert_null(dir_value(state_dn("ttenrol02"), "idpTotpSecret", NULL));
	assert_int_equal(dir_nvalues(state_dn("ttenrol02"),
	    "idpRecoveryCode"), 0);

	chat_init(&c, PW, CHAT_ENROLL_CODE, NULL);
	assert_pam(pam_login("idp", "ttenrol02", &c, NULL), PAM_SUCCESS);
	assert_string_not_equal(c.key, first_key);
	chat_free(&c);
	assert_value(state_dn("ttenrol02"), "idpTotpState", "active");
}

/* Device change: back to pending (old secret and codes still in the
 * entry), enrolled again: the old codes, recovery and TOTP, are dead. */
static void
reenrollment_replaces_codes(void **state)
{
	char old[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1];
	char rc[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1], code[7];
	unsigned char s[SECRET_LEN];
	struct chat c;

	(void)state;
	totp_user("ttenrol03", s, old);
	dir_modify("dn: %s\nchangetype: modify\nreplace: idpTotpState\n"
	    "idpTotpState: pending\n-", state_dn("ttenrol03"));
	chat_init(&c, PW, CHAT_ENROLL_CODE, NULL);
	assert_pam(pam_login("idp", "ttenrol03", &c, NULL), PAM_SUCCESS);
	check_enrollment_said(&c, "ttenrol03", rc);
	check_enrollment_stored(&c, "ttenrol03", rc);
	chat_free(&c);
	assert_pam(login_code("idp", "ttenrol03", old[0]), PAM_AUTH_ERR);
	assert_pam(login_code("idp", "ttenrol03",
	    totp_code(s, SECRET_LEN, totp_step_now() + 1, code)),
	    PAM_AUTH_ERR);
	assert_pam(login_code("idp", "ttenrol03", rc[0]), PAM_SUCCESS);
}

/* PAM_SILENT (no informational messages): an enrollment either shows
 * what it must (the recovery codes exist only on this screen) or does
 * not happen.  Stored but never shown, they are lost to the user. */
static void
silent_enrollment_shows_codes_or_waits(void **state)
{
	struct pam_testcase t[] = {
		pam_test_flags(PAMTEST_AUTHENTICATE, PAM_SUCCESS, PAM_SILENT),
	};
	struct chat c;
	char *st;
	int i, nrc = 0;

	(void)state;
	replace_user("ttenrol04", PW, "");
	set_pending("ttenrol04");
	chat_init(&c, PW, CHAT_ENROLL_CODE, NULL);
	t[0].op_rv = -1;
	_pamtest_conv("idp", "ttenrol04", chat_conv, &c, t, 1, NULL);
	for (i = 0; i < c.ninfo; i++)
		nrc += is_recovery_line(c.info[i]);
	st = dir_value(state_dn("ttenrol04"), "idpTotpState", NULL);
	assert_non_null(st);
	print_message("# PAM_SILENT enrollment: %s, key %s, %d recovery "
	    "codes shown, %d stored, state %s\n", pam_strerror(NULL,
	    t[0].op_rv), c.key[0] != '\0' ? "shown" : "not shown", nrc,
	    dir_nvalues(state_dn("ttenrol04"), "idpRecoveryCode"), st);
	if (strcmp(st, "active") == 0)
		assert_int_equal(nrc, INTEG_RECOVERY_COUNT);
	free(st);
	chat_free(&c);
}

/* require_totp = enrolled (the default): no authenticator, no code. */
static void
no_totp_password_only(void **state)
{
	struct chat c;
	int acct;

	(void)state;
	replace_user("ttplain01", PW, "");
	chat_init(&c, PW, NULL);
	assert_pam(pam_login("idp", "ttplain01", &c, &acct), PAM_SUCCESS);
	assert_pam(acct, PAM_SUCCESS);
	assert_int_equal(c.nprompts, 1);
	chat_free(&c);
}

/* require_totp = all: a user with no authenticator (and no cn=state
 * yet) is sent through enrollment, then needs codes like anyone. */
static void
require_totp_all_enrolls(void **state)
{
	char rc[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1];
	struct chat c;

	(void)state;
	replace_user("ttall01", PW, "");
	chat_init(&c, PW, CHAT_ENROLL_CODE, NULL);
	assert_pam(pam_login("idp_all", "ttall01", &c, NULL), PAM_SUCCESS);
	check_enrollment_said(&c, "ttall01", rc);
	check_enrollment_stored(&c, "ttall01", rc);
	chat_free(&c);
	chat_init(&c, PW, NULL);
	assert_pam(pam_login("idp", "ttall01", &c, NULL), PAM_AUTH_ERR);
	assert_int_equal(c.nprompts, 2);
	chat_free(&c);
}

/* require_totp = group:ttgroup1: members without an authenticator enroll
 * (membership as NSS sees it: posixGroup memberUid); others do not. */
static void
require_totp_group_enrolls_members(void **state)
{
	struct chat c;

	(void)state;
	replace_user("ttgrp01", PW, "");
	replace_user("ttgrp02", PW, "");
	sh_plain("LDAPNOINIT=1 ldapdelete -Q -Y EXTERNAL -H '%s' "
	    "'cn=ttgroup1,ou=groups,%s' >/dev/null 2>&1; true",
	    need_env("IDS_LDAPI_URI"), need_env("IDS_BASE"));
	sh_plain("LDAPNOINIT=1 ldapadd -Q -Y EXTERNAL -H '%s' >/dev/null "
	    "<<'EOF'\ndn: cn=ttgroup1,ou=groups,%s\nobjectClass: posixGroup\n"
	    "cn: ttgroup1\ngidNumber: 29001\nmemberUid: ttgrp01\nEOF",
	    need_env("IDS_LDAPI_URI"), need_env("IDS_BASE"));
	chat_init(&c, PW, NULL);
	assert_pam(pam_login("idp_group", "ttgrp02", &c, NULL), PAM_SUCCESS);
	assert_int_equal(c.nprompts, 1);
	chat_free(&c);
	chat_init(&c, PW, CHAT_ENROLL_CODE, NULL);
	assert_pam(pam_login("idp_group", "ttgrp01", &c, NULL), PAM_SUCCESS);
	print_message("# require_totp = group:ttgroup1, member: %d prompts, "
	    "%s\n", c.nprompts, c.key[0] != '\0' ? "enrollment shown" :
	    "no enrollment");
	assert_true(c.key[0] != '\0');
	chat_free(&c);
	assert_value(state_dn("ttgrp01"), "idpTotpState", "active");
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(good_code, steady),
		cmocka_unit_test_setup(wrong_code_refused_and_counted, steady),
		cmocka_unit_test_setup(wrong_password_asks_no_code, steady),
		cmocka_unit_test_setup(
		    wrong_code_logged_apart_from_wrong_password, steady),
		cmocka_unit_test_setup(garbage_codes_refused, steady),
		cmocka_unit_test_setup(code_reused_same_handle, steady),
		cmocka_unit_test_setup(code_reused_other_host, steady),
		cmocka_unit_test_setup(window_edges, steady),
		cmocka_unit_test_setup(window_edge_seconds, steady),
		cmocka_unit_test_setup(window_zero, steady),
		cmocka_unit_test_setup(recovery_code_once, steady),
		cmocka_unit_test_setup(recovery_codes_all_used, steady),
		cmocka_unit_test_setup(damaged_secret_refused, steady),
		cmocka_unit_test_setup(other_key_refused, steady),
		cmocka_unit_test_setup(readable_key_file_refused, steady),
		cmocka_unit_test_setup(enrollment_end_to_end, steady),
		cmocka_unit_test_setup(enrollment_wrong_code, steady),
		cmocka_unit_test_setup(reenrollment_replaces_codes, steady),
		cmocka_unit_test_setup(silent_enrollment_shows_codes_or_waits,
		    steady),
		cmocka_unit_test_setup(no_totp_password_only, steady),
		cmocka_unit_test_setup(require_totp_all_enrolls, steady),
		cmocka_unit_test_setup(require_totp_group_enrolls_members,
		    steady),
	};

	(void)argc;
	services_then_reexec(argv, services);
	return cmocka_run_group_tests_name("pam_totp", tests, NULL, NULL);
}
