/* mod.h: what the files of pam_idportal.so share: the per-call context,
 * the conversation helpers, the messages users see.  Nothing here is
 * exported from the module (only pam_sm_* are, by the version script). */
#ifndef PAM_IDPORTAL_MOD_H
#define PAM_IDPORTAL_MOD_H

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "conf.h"
#include "dir.h"
#include "log.h"
#include "login.h"

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
#define MSG_NOSEAT	"Your account is not linked to a license seat. " \
			"Contact your administrator."
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
	struct ids_login	*login;		/* auth and account */
	int			 at_code;	/* the failure was the code's */
	const char		*user;
	const char		*rhost;
	char			*password;	/* our copy; wiped on close */
};

/* Parse options, load the config, get the user; IDS_OK or a code to
 * report.  Always pair with mod_close(), which wipes every secret. */
int	mod_open(struct mod_ctx *ctx, pam_handle_t *pamh, int flags, int argc,
	    const char **argv);
void	mod_close(struct mod_ctx *ctx);
/* Tell the user something (PAM_TEXT_INFO unless PAM_SILENT; errors
 * always); text with newlines goes one line a message. */
void	mod_say(struct mod_ctx *ctx, int style, const char *text);
void	mod_say_lines(struct mod_ctx *ctx, const char *text);
/* Text the user cannot go on without (an enrollment's secret and recovery
 * codes): shown even under PAM_SILENT. */
void	mod_show(struct mod_ctx *ctx, const char *text);
/* Ask with echo off; *out is ours to ids_free_secret(). */
int	mod_ask(struct mod_ctx *ctx, const char *prompt, char **out);
/* The message the user needs for rc, and one log line for the decision. */
void	mod_report(struct mod_ctx *ctx, const char *step, int rc);
/* A pam_set_data cleanup that wipes a NUL-terminated secret. */
void	mod_wipe_data(pam_handle_t *pamh, void *data, int status);

#endif
