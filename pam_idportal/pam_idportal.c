/* pam_idportal.c: the PAM entry points.  Thin: options, conversation and
 * translation of library codes; everything else is libidstore. */
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "conf.h"
#include "dir.h"
#include "enroll.h"
#include "log.h"
#include "login.h"
#include "passwd.h"
#include "rc.h"
#include "secret.h"
#include "strength.h"
#include "user.h"

#define EXPORT	__attribute__((visibility("default")))

#define MSG_UNAVAIL	"The login directory cannot be reached. Try again " \
			"later or contact your administrator."
#define MSG_EXPIRED	"Your temporary password has expired. Ask your " \
			"administrator to issue a new one."
#define MSG_DISABLED	"Your account is disabled or not allowed to log " \
			"in here. Contact your administrator."
#define MSG_CONF	"The login service is misconfigured. Contact your " \
			"administrator."
#define MSG_MUST_CHANGE	"You are using a temporary password and must " \
			"change it now."
#define MSG_MISMATCH	"The two new passwords do not match."
#define MSG_SAME	"The new password must differ from the current one."
#define MSG_CHANGED	"Your password has been changed."
#define MSG_LOCKED	"Your account is locked. Contact your administrator."

/* The password auth accepted, kept (wiped at pam_end) only when it is a
 * temporary one, so the forced change does not ask for it again. */
#define DATA_TEMP_AUTHTOK	"idportal_temp_authtok"

struct mod_ctx {
	pam_handle_t		*pamh;
	int			 silent;
	int			 use_first_pass;
	int			 try_first_pass;
	int			 use_authtok;
	const char		*config;
	struct ids_log		 log;
	struct ids_conf		*conf;
	struct ids_dir		*dir;
	struct ids_login	*login;		/* auth only */
	const char		*user;
	const char		*rhost;
	char			*password;	/* our copy; wiped on close */
};

static void
emit(void *pamh, int prio, const char *line)
{
	pam_syslog(pamh, prio, "%s", line);
}

static void
say(struct mod_ctx *ctx, int style, const char *text)
{
	if (!ctx->silent || style == PAM_ERROR_MSG)
		pam_prompt(ctx->pamh, style, NULL, "%s", text);
}

static void
parse_args(struct mod_ctx *ctx, int argc, const char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "debug") == 0)
			ctx->log.debug = 1;
		else if (strcmp(argv[i], "use_first_pass") == 0)
			ctx->use_first_pass = 1;
		else if (strcmp(argv[i], "try_first_pass") == 0)
			ctx->try_first_pass = 1;
		else if (strcmp(argv[i], "use_authtok") == 0)
			ctx->use_authtok = 1;
		else if (strncmp(argv[i], "config=", 7) == 0)
			ctx->config = argv[i] + 7;
		else
			pam_syslog(ctx->pamh, LOG_WARNING, "unknown option: %s",
			    argv[i]);
	}
}

static int
ctx_open(struct mod_ctx *ctx, pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	char err[512];
	const void *item = NULL;
	int rc;

	memset(ctx, 0, sizeof(*ctx));
	ctx->pamh = pamh;
	ctx->rhost = "-";
	ctx->silent = (flags & PAM_SILENT) != 0;
	ctx->log.emit = emit;
	ctx->log.ctx = pamh;
	parse_args(ctx, argc, argv);
	if (pam_get_user(pamh, &ctx->user, NULL) != PAM_SUCCESS ||
	    ctx->user == NULL || *ctx->user == '\0')
		return IDS_ENOUSER;
	if (pam_get_item(pamh, PAM_RHOST, &item) == PAM_SUCCESS &&
	    item != NULL)
		ctx->rhost = item;
	if ((rc = ids_conf_load(ctx->config, &ctx->conf, err, sizeof(err))) !=
	    IDS_OK) {
		pam_syslog(pamh, LOG_ERR, "%s", err);
		return rc;
	}
	return ids_dir_open(ctx->conf, &ctx->log, IDS_DIR_READER, &ctx->dir);
}

static void
ctx_close(struct mod_ctx *ctx)
{
	ids_login_close(ctx->login);
	ids_dir_close(ctx->dir);
	ids_conf_free(ctx->conf);
	ids_free_secret(ctx->password);
	ctx->password = NULL;
}

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

static const char *
result_name(int rc)
{
	switch (rc) {
	case IDS_OK: return "success";
	case IDS_ENOUSER: return "unknown_user";
	case IDS_EBADCRED: return "bad_password";
	case IDS_EEXPIRED: return "temp_password_expired";
	case IDS_EDISABLED: return "disabled";
	case IDS_ELOCKED: return "locked";
	case IDS_EINVAL: return "refused";
	case IDS_ECONF: return "config_error";
	default: return "directory_error";
	}
}

/* Say what the user needs to know; log one line per decision. */
static void
report(struct mod_ctx *ctx, const char *step, int rc)
{
	const char *who = ctx->user != NULL ? ctx->user : "-";
	int prio = rc == IDS_OK ? LOG_INFO : LOG_NOTICE;

	switch (rc) {
	case IDS_EUNAVAIL:
	case IDS_ETIMEOUT:
	case IDS_ETLS:
	case IDS_EPERM:
	case IDS_EDIR:
		say(ctx, PAM_ERROR_MSG, MSG_UNAVAIL);
		ids_log(&ctx->log, LOG_ERR, "%s user=%s rhost=%s result=%s "
		    "error=\"%s\"", step, who, ctx->rhost,
		    result_name(rc), ctx->login != NULL ?
		    ids_dir_error(ctx->login->writer) : ctx->dir != NULL ?
		    ids_dir_error(ctx->dir) : ids_strerror(rc));
		return;
	case IDS_ECONF:
		say(ctx, PAM_ERROR_MSG, MSG_CONF);
		break;
	case IDS_EEXPIRED:
		say(ctx, PAM_ERROR_MSG, MSG_EXPIRED);
		break;
	case IDS_EDISABLED:
		say(ctx, PAM_ERROR_MSG, MSG_DISABLED);
		break;
	case IDS_ELOCKED:
		say(ctx, PAM_ERROR_MSG, MSG_LOCKED);
		break;
	}
	ids_log(&ctx->log, prio, "%s user=%s rhost=%s result=%s", step, who,
	    ctx->rhost, result_name(rc));
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
		return PAM_PERM_DENIED;
	case IDS_ENOMEM:
		return PAM_BUF_ERR;
	default:
		return PAM_AUTHINFO_UNAVAIL;
	}
}

static void
wipe_data(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	ids_free_secret(data);
}

/* Ask for one secret with echo off; the answer is ours to wipe. */
static int
ask(struct mod_ctx *ctx, const char *prompt, char **out)
{
	*out = NULL;
	if (pam_prompt(ctx->pamh, PAM_PROMPT_ECHO_OFF, out, "%s", prompt) !=
	    PAM_SUCCESS || *out == NULL) {
		ids_free_secret(*out);
		*out = NULL;
		return IDS_EBADCRED;
	}
	return IDS_OK;
}

/* Text lines one message each: a conversation message has a size limit
 * (PAM_MAX_MSG_SIZE), a QR code does not fit in one. */
static void
say_lines(struct mod_ctx *ctx, const char *text)
{
	const char *p = text, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		pam_prompt(ctx->pamh, PAM_TEXT_INFO, NULL, "%.*s",
		    nl != NULL ? (int)(nl - p) : (int)strlen(p), p);
		if (nl == NULL)
			break;
		p = nl + 1;
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
	say(ctx, PAM_TEXT_INFO, "Two-factor authentication must be set up "
	    "now. Scan this QR code with Google or Microsoft Authenticator:");
	say_lines(ctx, e.qr);
	pam_prompt(ctx->pamh, PAM_TEXT_INFO, NULL, "Or add this key by hand: "
	    "%s", e.base32);
	pam_prompt(ctx->pamh, PAM_TEXT_INFO, NULL, "(%s)", e.uri);
	if ((rc = ask(ctx, "Verification code: ", &code)) != IDS_OK ||
	    (rc = ids_enroll_finish(ctx->login->writer, ctx->conf,
	    ctx->login->user->dn, ctx->login->user->id, &e, code,
	    time(NULL))) != IDS_OK)
		goto out;
	say(ctx, PAM_TEXT_INFO, "Two-factor authentication is on. Recovery "
	    "codes, each usable once at the Verification code prompt if you "
	    "lose your phone (shown only now, keep them safe):");
	for (i = 0; i < IDS_RECOVERY_COUNT; i++) {
		snprintf(line, sizeof(line), "    %s", e.codes[i]);
		say(ctx, PAM_TEXT_INFO, line);
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
	int rc;

	switch (ids_login_next(ctx->login)) {
	case IDS_LOGIN_DONE:
		return IDS_OK;
	case IDS_LOGIN_CODE:
		if ((rc = ask(ctx, "Verification code: ", &code)) == IDS_OK)
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
	    pam_set_data(ctx->pamh, DATA_TEMP_AUTHTOK, keep, wipe_data) !=
	    PAM_SUCCESS)
		ids_free_secret(keep);
	return rc;
}

/* Returns a PAM code directly: a valid temporary password is not an
 * error of the library but PAM_NEW_AUTHTOK_REQD. */
static int
account(struct mod_ctx *ctx, int *pam_rc)
{
	struct ids_user *user = NULL;
	int rc;

	if ((rc = ids_user_find(ctx->dir, ctx->user, &user)) == IDS_OK &&
	    (rc = ids_user_account(user, time(NULL))) == IDS_OK &&
	    user->temp_password) {
		say(ctx, PAM_TEXT_INFO, MSG_MUST_CHANGE);
		*pam_rc = PAM_NEW_AUTHTOK_REQD;
	} else {
		*pam_rc = acct_rc_to_pam(rc);
	}
	ids_user_free(user);
	return rc;
}

EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct mod_ctx ctx;
	int rc;

	if ((rc = ctx_open(&ctx, pamh, flags, argc, argv)) == IDS_OK)
		rc = authenticate(&ctx);
	report(&ctx, "auth", rc);
	ctx_close(&ctx);	/* wipes every copy of the password */
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

	if ((rc = ctx_open(&ctx, pamh, flags, argc, argv)) == IDS_OK)
		rc = account(&ctx, &pam_rc);
	else
		pam_rc = acct_rc_to_pam(rc);
	if (pam_rc == PAM_NEW_AUTHTOK_REQD)
		ids_log(&ctx.log, LOG_INFO, "account user=%s rhost=%s "
		    "result=new_password_required", ctx.user, ctx.rhost);
	else
		report(&ctx, "account", rc);
	ctx_close(&ctx);
	return pam_rc;
}

/* The current password: the temporary one auth just accepted, or asked
 * and checked against the directory. */
static int
current_password(struct mod_ctx *ctx, const struct ids_user *user,
    char **out)
{
	const void *kept = NULL;
	int rc;

	*out = NULL;
	if (pam_get_data(ctx->pamh, DATA_TEMP_AUTHTOK, &kept) ==
	    PAM_SUCCESS && kept != NULL)
		return (*out = strdup(kept)) != NULL ? IDS_OK : IDS_ENOMEM;
	if ((rc = ask(ctx, "Current password: ", out)) != IDS_OK)
		return rc;
	if ((rc = ids_dir_check_password(ctx->dir, user->dn, *out)) !=
	    IDS_OK) {
		ids_free_secret(*out);
		*out = NULL;
	}
	return rc;
}

/* The new password, twice, and strong enough.  Says why when not. */
static int
new_password(struct mod_ctx *ctx, const struct ids_user *user,
    const char *old, char **out)
{
	const char *words[] = { user->id, NULL };
	const void *item = NULL;
	char why[256], *again = NULL;
	int rc;

	*out = NULL;
	if (ctx->use_authtok) {
		if (pam_get_item(ctx->pamh, PAM_AUTHTOK, &item) != PAM_SUCCESS ||
		    item == NULL)
			return IDS_EBADCRED;
		if ((*out = strdup(item)) == NULL)
			return IDS_ENOMEM;
	} else {
		if ((rc = ask(ctx, "New password: ", out)) != IDS_OK ||
		    (rc = ask(ctx, "Retype new password: ", &again)) != IDS_OK)
			goto out;
		if (!ids_secret_equal(*out, again)) {
			say(ctx, PAM_ERROR_MSG, MSG_MISMATCH);
			rc = IDS_EINVAL;
			goto out;
		}
	}
	if (ids_secret_equal(*out, old)) {
		say(ctx, PAM_ERROR_MSG, MSG_SAME);
		rc = IDS_EINVAL;
		goto out;
	}
	if ((rc = ids_strength_check(*out, words, why, sizeof(why))) !=
	    IDS_OK) {
		pam_prompt(ctx->pamh, PAM_ERROR_MSG, NULL, "Password refused: %s",
		    why);
		goto out;
	}
	rc = IDS_OK;
out:
	ids_free_secret(again);
	if (rc != IDS_OK) {
		ids_free_secret(*out);
		*out = NULL;
	}
	return rc;
}

/* Everything happens in the update phase: PAM runs the preliminary
 * phase first only to let modules refuse early. */
static int
change_password(struct mod_ctx *ctx, int flags)
{
	struct ids_user *user = NULL;
	struct ids_dir *writer = NULL;
	char *old = NULL, *new = NULL;
	int rc;

	if ((rc = ids_user_find(ctx->dir, ctx->user, &user)) != IDS_OK)
		goto out;
	/* sshd asks modules to change only what has expired */
	if ((flags & PAM_CHANGE_EXPIRED_AUTHTOK) && !user->temp_password)
		goto out;
	if ((rc = current_password(ctx, user, &old)) != IDS_OK ||
	    (rc = new_password(ctx, user, old, &new)) != IDS_OK)
		goto out;
	if ((rc = ids_dir_open(ctx->conf, &ctx->log, IDS_DIR_WRITER,
	    &writer)) != IDS_OK ||
	    (rc = ids_passwd_change(writer, user, old, new)) != IDS_OK)
		goto out;
	pam_set_data(ctx->pamh, DATA_TEMP_AUTHTOK, NULL, NULL);
	pam_set_item(ctx->pamh, PAM_AUTHTOK, new);
	say(ctx, PAM_TEXT_INFO, MSG_CHANGED);
out:
	if (writer != NULL && rc != IDS_OK && rc != IDS_EINVAL &&
	    rc != IDS_EBADCRED)
		ids_log(&ctx->log, LOG_ERR, "password user=%s error=\"%s\"",
		    ctx->user, ids_dir_error(writer));
	ids_dir_close(writer);
	ids_free_secret(old);
	ids_free_secret(new);
	ids_user_free(user);
	return rc;
}

static int
passwd_rc_to_pam(int rc)
{
	switch (rc) {
	case IDS_OK:
		return PAM_SUCCESS;
	case IDS_ENOUSER:
		return PAM_USER_UNKNOWN;
	case IDS_EBADCRED:
		return PAM_AUTH_ERR;
	case IDS_EINVAL:
	case IDS_EPERM:
		return PAM_AUTHTOK_ERR;
	case IDS_ENOMEM:
		return PAM_BUF_ERR;
	default:
		return PAM_AUTHINFO_UNAVAIL;
	}
}

EXPORT int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct mod_ctx ctx;
	int rc;

	if ((rc = ctx_open(&ctx, pamh, flags, argc, argv)) == IDS_OK) {
		if (flags & PAM_PRELIM_CHECK)
			rc = ids_dir_connect(ctx.dir);
		else
			rc = change_password(&ctx, flags);
	}
	if (!(flags & PAM_PRELIM_CHECK) || rc != IDS_OK)
		report(&ctx, "password", rc);
	ctx_close(&ctx);
	return passwd_rc_to_pam(rc);
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
