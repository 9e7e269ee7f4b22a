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

int
cmd_passwd(struct cli *cli, int argc, char **argv)
{
	const char *words[] = { NULL, NULL };
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
	words[0] = user->id;
	if ((code = cli_new_password(NULL, words, old, &new)) != EXIT_OK)
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
