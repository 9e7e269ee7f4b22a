/* auth.c: pam_sm_authenticate (password, then code or enrollment),
 * pam_sm_acct_mgmt, and the entry points that have nothing to do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "enroll.h"
#include "mod.h"
#include "rc.h"
#include "secret.h"
#include "user.h"

/* The password: from an earlier module (use_/try_first_pass) or asked. */
static int
get_password(struct mod_ctx *ctx)
{
	const void *item = NULL;
	char *answer = NULL;

	if (ctx->use_first_pass || ctx->try_first_pass) {
		if (pam_get_item(ctx->pamh, PAM_AUTHTOK, &item) ==
		    PAM_SUCCESS && item != NULL) {
			ctx->password = strdup(item);
			return ctx->password != NULL ? IDS_OK : IDS_ENOMEM;
		}
		if (ctx->use_first_pass)
			return IDS_EBADCRED;
	}
	if (pam_prompt(ctx->pamh, PAM_PROMPT_ECHO_OFF, &answer,
	    "Password: ") != PAM_SUCCESS || answer == NULL) {
		ids_free_secret(answer);
		return IDS_EBADCRED;
	}
	ctx->password = answer;
	/* Hand it on to the modules stacked after us. */
	pam_set_item(ctx->pamh, PAM_AUTHTOK, answer);
	return IDS_OK;
}

/* The one translation for auth: an unknown user and a wrong password give
 * the same answer. */
static int
auth_rc_to_pam(int rc)
{
	switch (rc) {
	case IDS_OK:
		return PAM_SUCCESS;
	case IDS_ENOUSER:
	case IDS_EBADCRED:
	case IDS_EEXPIRED:
	case IDS_ELOCKED:
	case IDS_EDISABLED:
		return PAM_AUTH_ERR;
	case IDS_ENOMEM:
		return PAM_BUF_ERR;
	default:
		return PAM_AUTHINFO_UNAVAIL;
	}
}

static int
acct_rc_to_pam(int rc)
{
	switch (rc) {
	case IDS_OK:
		return PAM_SUCCESS;
	case IDS_ENOUSER:
		return PAM_USER_UNKNOWN;
	case IDS_EEXPIRED:
	case IDS_EDISABLED:
	case IDS_ELOCKED:
	case IDS_ENOSEAT:
		return PAM_PERM_DENIED;
	case IDS_ENOMEM:
		return PAM_BUF_ERR;
	default:
		return PAM_AUTHINFO_UNAVAIL;
	}
}

/* First login with two-factor pending (or required): show the new
 * secret, confirm it with one code, store it, show the recovery codes. */
static int
enroll(struct mod_ctx *ctx)
{
	struct ids_enrollment e;
	char *code = NULL, line[128];
	int i, rc;

	if ((rc = ids_enroll_begin(ctx->login->user->id, &e)) != IDS_OK)
		return rc;
	mod_show(ctx, "Two-factor authentication must be set up now. Scan "
	    "this QR code with Google or Microsoft Authenticator:");
	mod_say_lines(ctx, e.qr);
	pam_prompt(ctx->pamh, PAM_TEXT_INFO, NULL, "Or add this key by hand: "
	    "%s", e.base32);
	pam_prompt(ctx->pamh, PAM_TEXT_INFO, NULL, "(%s)", e.uri);
	if ((rc = mod_ask(ctx, "Verification code: ", &code)) != IDS_OK ||
	    (rc = ids_enroll_finish(ctx->login->writer, ctx->conf,
	    ctx->login->user->dn, ctx->login->user->id, &e, code,
	    time(NULL))) != IDS_OK)
		goto out;
	mod_show(ctx, "Two-factor authentication is on. Recovery codes, each "
	    "usable once at the Verification code prompt if you lose your "
	    "phone (shown only now, keep them safe):");
	for (i = 0; i < IDS_RECOVERY_COUNT; i++) {
		snprintf(line, sizeof(line), "    %s", e.codes[i]);
		mod_show(ctx, line);
	}
	ids_wipe(line, sizeof(line));
	ids_log(&ctx->log, LOG_NOTICE, "user=%s enrolled an authenticator",
	    ctx->user);
out:
	ids_free_secret(code);
	ids_enroll_clear(&e);
	return rc;
}

/* What the user owes after the password: nothing, a code, enrollment. */
static int
second_factor(struct mod_ctx *ctx)
{
	char *code = NULL;
	int rc, next;

	if ((rc = ids_login_next(ctx->login, &next)) != IDS_OK)
		return rc;
	ctx->at_code = 1;
	switch (next) {
	case IDS_LOGIN_DONE:
		return IDS_OK;
	case IDS_LOGIN_CODE:
		if ((rc = mod_ask(ctx, "Verification code: ", &code)) == IDS_OK)
			rc = ids_login_code(ctx->login, code, time(NULL));
		ids_free_secret(code);
		return rc;
	default:
		return enroll(ctx);
	}
}

static int
authenticate(struct mod_ctx *ctx)
{
	char *keep;
	int rc;

	if ((rc = get_password(ctx)) != IDS_OK ||
	    (rc = ids_login_open(ctx->conf, &ctx->log, &ctx->login)) != IDS_OK)
		return rc;
	rc = ids_login_password(ctx->login, ctx->user, ctx->password,
	    time(NULL));
	if (rc == IDS_OK)
		rc = second_factor(ctx);
	if (rc == IDS_OK && ctx->login->user->temp_password &&
	    (keep = strdup(ctx->password)) != NULL &&
	    pam_set_data(ctx->pamh, DATA_TEMP_AUTHTOK, keep, mod_wipe_data) !=
	    PAM_SUCCESS)
		ids_free_secret(keep);
	return rc;
}

/* Returns a PAM code directly: a valid temporary password is not an
 * error of the library but PAM_NEW_AUTHTOK_REQD. */
static int
account(struct mod_ctx *ctx, int *pam_rc)
{
	int rc;

	if ((rc = ids_login_open(ctx->conf, &ctx->log, &ctx->login)) ==
	    IDS_OK)
		rc = ids_login_account(ctx->login, ctx->user, time(NULL));
	if (rc == IDS_OK && ctx->login->user->temp_password) {
		mod_say(ctx, PAM_TEXT_INFO, MSG_MUST_CHANGE);
		*pam_rc = PAM_NEW_AUTHTOK_REQD;
	} else {
		*pam_rc = acct_rc_to_pam(rc);
	}
	return rc;
}

EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct mod_ctx ctx;
	int rc;

	if ((rc = mod_open(&ctx, pamh, flags, argc, argv)) == IDS_OK)
		rc = authenticate(&ctx);
	mod_report(&ctx, "auth", rc);
	mod_close(&ctx);	/* wipes every copy of the password */
	return auth_rc_to_pam(rc);
}

EXPORT int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}

EXPORT int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct mod_ctx ctx;
	int rc, pam_rc;

	if ((rc = mod_open(&ctx, pamh, flags, argc, argv)) == IDS_OK)
		rc = account(&ctx, &pam_rc);
	else
		pam_rc = acct_rc_to_pam(rc);
	if (pam_rc == PAM_NEW_AUTHTOK_REQD)
		ids_log(&ctx.log, LOG_INFO, "account user=%s rhost=%s "
		    "result=new_password_required", ctx.user, ctx.rhost);
	else
		mod_report(&ctx, "account", rc);
	mod_close(&ctx);
	return pam_rc;
}

EXPORT int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}

EXPORT int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
