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
#include "log.h"
#include "rc.h"
#include "secret.h"
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

struct mod_ctx {
	pam_handle_t		*pamh;
	int			 silent;
	int			 use_first_pass;
	int			 try_first_pass;
	const char		*config;
	struct ids_log		 log;
	struct ids_conf		*conf;
	struct ids_dir		*dir;
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
		    result_name(rc), ctx->dir != NULL ?
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

static int
authenticate(struct mod_ctx *ctx)
{
	int rc;

	if ((rc = get_password(ctx)) != IDS_OK)
		return rc;
	return ids_user_authenticate(ctx->dir, ctx->user, ctx->password,
	    time(NULL), NULL);
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
		say(ctx, PAM_TEXT_INFO, "You are using a temporary password "
		    "and must change it now.");
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
	report(&ctx, "account", rc);
	ctx_close(&ctx);
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
