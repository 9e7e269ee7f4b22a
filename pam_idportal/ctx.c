/* ctx.c: the per-call context of pam_idportal: options, config, the
 * conversation, and what is said and logged for each decision. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "mod.h"
#include "rc.h"
#include "secret.h"

static void
emit(void *pamh, int prio, const char *line)
{
	pam_syslog(pamh, prio, "%s", line);
}

void
mod_show(struct mod_ctx *ctx, const char *text)
{
	pam_prompt(ctx->pamh, PAM_TEXT_INFO, NULL, "%s", text);
}

void
mod_say(struct mod_ctx *ctx, int style, const char *text)
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

int
mod_open(struct mod_ctx *ctx, pam_handle_t *pamh, int flags, int argc,
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

void
mod_close(struct mod_ctx *ctx)
{
	ids_login_close(ctx->login);
	ids_dir_close(ctx->dir);
	ids_conf_free(ctx->conf);
	ids_free_secret(ctx->password);
	ctx->password = NULL;
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
	case IDS_ENOSEAT: return "no_seat";
	case IDS_EINVAL: return "refused";
	case IDS_ECONF: return "config_error";
	default: return "directory_error";
	}
}

/* Say what the user needs to know; log one line per decision. */
void
mod_report(struct mod_ctx *ctx, const char *step, int rc)
{
	const char *who = ctx->user != NULL ? ctx->user : "-";
	int prio = rc == IDS_OK ? LOG_INFO : LOG_NOTICE;

	switch (rc) {
	case IDS_EUNAVAIL:
	case IDS_ETIMEOUT:
	case IDS_ETLS:
	case IDS_EPERM:
	case IDS_EDIR:
		mod_say(ctx, PAM_ERROR_MSG, MSG_UNAVAIL);
		ids_log(&ctx->log, LOG_ERR, "%s user=%s rhost=%s result=%s "
		    "error=\"%s\"", step, who, ctx->rhost,
		    result_name(rc), ctx->login != NULL ?
		    ids_login_error(ctx->login) : ctx->dir != NULL ?
		    ids_dir_error(ctx->dir) : ids_strerror(rc));
		return;
	case IDS_ECONF:
		mod_say(ctx, PAM_ERROR_MSG, MSG_CONF);
		break;
	case IDS_EEXPIRED:
		mod_say(ctx, PAM_ERROR_MSG, MSG_EXPIRED);
		break;
	case IDS_EDISABLED:
		mod_say(ctx, PAM_ERROR_MSG, MSG_DISABLED);
		break;
	case IDS_ELOCKED:
		mod_say(ctx, PAM_ERROR_MSG, MSG_LOCKED);
		break;
	case IDS_ENOSEAT:
		mod_say(ctx, PAM_ERROR_MSG, MSG_NOSEAT);
		break;
	}
	ids_log(&ctx->log, prio, "%s user=%s rhost=%s result=%s", step, who,
	    ctx->rhost, rc == IDS_EBADCRED && ctx->at_code ? "bad_code" :
	    result_name(rc));
}

void
mod_wipe_data(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	ids_free_secret(data);
}

/* Ask for one secret with echo off; the answer is ours to wipe. */
int
mod_ask(struct mod_ctx *ctx, const char *prompt, char **out)
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
void
mod_say_lines(struct mod_ctx *ctx, const char *text)
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

