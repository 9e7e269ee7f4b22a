/* cmd_passwd.c: `idportal passwd [ID]`: change one's own password (the
 * current one, then the new one twice), with the same strength rule as the
 * PAM module.  ID defaults to the caller's login name. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dir.h"
#include "passwd.h"
#include "rc.h"
#include "secret.h"
#include "strength.h"
#include "user.h"

#define USAGE	"usage: idportal passwd [ID]"

/* New password twice, equal, different from the old, strong enough. */
static int
ask_new(const struct ids_user *user, const char *old, char **out)
{
	const char *words[] = { user->id, NULL };
	char why[256], *again = NULL;
	int rc, code = EXIT_OK;

	*out = NULL;
	if ((rc = read_secret(NULL, "New password: ", out)) != IDS_OK ||
	    (rc = read_secret(NULL, "Retype new password: ", &again)) !=
	    IDS_OK) {
		code = rc_to_exit(rc);
		goto out;
	}
	if (!ids_secret_equal(*out, again))
		code = fail(EXIT_USAGE, "the two new passwords do not match; "
		    "nothing changed");
	else if (ids_secret_equal(*out, old))
		code = fail(EXIT_USAGE, "the new password must differ from the "
		    "current one");
	else if (ids_strength_check(*out, words, why, sizeof(why)) != IDS_OK)
		code = fail(EXIT_USAGE, "password refused: %s", why);
out:
	ids_free_secret(again);
	if (code != EXIT_OK) {
		ids_free_secret(*out);
		*out = NULL;
	}
	return code;
}

int
cmd_passwd(struct cli *cli, int argc, char **argv)
{
	struct ids_conf *conf = NULL;
	struct ids_dir *finder = NULL, *writer = NULL;
	struct ids_user *user = NULL;
	struct passwd *pw;
	const char *id;
	char *old = NULL, *new = NULL;
	int rc, code;

	if (getopt(argc, argv, "") != -1 || argc - optind > 1)
		return fail(EXIT_USAGE, USAGE);
	if (optind < argc)
		id = argv[optind];
	else if ((pw = getpwuid(getuid())) != NULL)
		id = pw->pw_name;
	else
		return fail(EXIT_USAGE, "who are you? give your ID: " USAGE);
	if ((code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_READER, &finder)) !=
	    IDS_OK || (rc = ids_user_find(finder, id, &user)) != IDS_OK) {
		code = rc == IDS_ENOUSER ? fail(EXIT_NOTFOUND, "no user %s", id) :
		    rc == IDS_ECONF ? fail(EXIT_DENIED, "%s (as a user, change "
		    "your password with passwd(1), which goes through "
		    "pam_idportal)", ids_dir_error(finder)) :
		    fail(rc_to_exit(rc), "%s", ids_dir_error(finder));
		goto out;
	}
	if ((rc = read_secret(NULL, "Current password: ", &old)) != IDS_OK) {
		code = rc_to_exit(rc);
		goto out;
	}
	if ((code = ask_new(user, old, &new)) != EXIT_OK)
		goto out;
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_WRITER, &writer)) !=
	    IDS_OK || (rc = ids_passwd_change(writer, user, old, new)) !=
	    IDS_OK) {
		code = rc == IDS_EBADCRED ? fail(EXIT_DENIED, "the current "
		    "password is not right; nothing changed") :
		    fail(rc_to_exit(rc), "%s", writer != NULL ?
		    ids_dir_error(writer) : ids_strerror(rc));
		goto out;
	}
	printf("Password changed for %s.\n", user->id);
out:
	ids_free_secret(old);
	ids_free_secret(new);
	ids_user_free(user);
	ids_dir_close(writer);
	ids_dir_close(finder);
	ids_conf_free(conf);
	return code;
}
