/* passwd.c: pam_sm_chauthtok: the forced change of a temporary password
 * right after login, and a user's own change through passwd(1). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <syslog.h>

#include "mod.h"
#include "passwd.h"
#include "rc.h"
#include "secret.h"
#include "strength.h"
#include "user.h"

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
	if ((rc = mod_ask(ctx, "Current password: ", out)) != IDS_OK)
		return rc;
	/* The password step of a login: the lock, the shared failure count
	 * and the account's state apply here as at login. */
	(void)user;
	if ((rc = ids_login_open(ctx->conf, &ctx->log, &ctx->login)) ==
	    IDS_OK)
		rc = ids_login_password(ctx->login, ctx->user, *out,
		    time(NULL));
	if (rc != IDS_OK) {
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
		if ((rc = mod_ask(ctx, "New password: ", out)) != IDS_OK ||
		    (rc = mod_ask(ctx, "Retype new password: ", &again)) != IDS_OK)
			goto out;
		if (!ids_secret_equal(*out, again)) {
			mod_say(ctx, PAM_ERROR_MSG, MSG_MISMATCH);
			rc = IDS_EINVAL;
			goto out;
		}
	}
	if (ids_secret_equal(*out, old)) {
		mod_say(ctx, PAM_ERROR_MSG, MSG_SAME);
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
	mod_say(ctx, PAM_TEXT_INFO, MSG_CHANGED);
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
	case IDS_ELOCKED:
	case IDS_EDISABLED:
	case IDS_EEXPIRED:
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

	if ((rc = mod_open(&ctx, pamh, flags, argc, argv)) == IDS_OK) {
		if (flags & PAM_PRELIM_CHECK)
			rc = ids_dir_connect(ctx.dir);
		else
			rc = change_password(&ctx, flags);
	}
	if (!(flags & PAM_PRELIM_CHECK) || rc != IDS_OK)
		mod_report(&ctx, "password", rc);
	mod_close(&ctx);
	return passwd_rc_to_pam(rc);
}

