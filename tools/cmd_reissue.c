/* cmd_reissue.c: `idportal reissue ID [--password P | --password-file F |
 * --ask-password] [--mail]`: a new temporary password, valid to the end
 * of the next day, that must be changed at first login. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dir.h"
#include "gentime.h"
#include "init.h"
#include "mail.h"
#include "passwd.h"
#include "rc.h"
#include "secret.h"
#include "strength.h"
#include "user.h"

#define USAGE	"usage: idportal [--as ADMIN_ID] reissue ID [--password P | " \
		"--password-file F | --ask-password] [--mail]"

/* The admin's own choice, or a random one of temp_password_length. */
static int
choose_password(const struct ids_conf *conf, const char *given,
    const char *file, int ask, const char *id, char **out)
{
	const char *words[] = { id, NULL };
	char why[256];
	int rc;

	*out = NULL;
	if (given != NULL) {
		fprintf(stderr, "idportal: warning: a password on the command "
		    "line is visible to other users (ps); prefer "
		    "--password-file or --ask-password\n");
		if ((*out = strdup(given)) == NULL)
			return fail(EXIT_ERROR, "out of memory");
	} else if (file != NULL || ask) {
		if ((rc = read_secret(file, "Temporary password: ", out)) !=
		    IDS_OK)
			return rc_to_exit(rc);
	} else {
		if ((*out = calloc(1, IDS_PASSWORD_MAX + 1)) == NULL)
			return fail(EXIT_ERROR, "out of memory");
		if (ids_random_password(*out,
		    (size_t)conf->temp_password_length) != IDS_OK)
			return fail(EXIT_ERROR, "the random generator failed");
		return EXIT_OK;
	}
	if (strlen(*out) > IDS_PASSWORD_MAX)
		return fail(EXIT_USAGE, "a temporary password has at most %d "
		    "characters", IDS_PASSWORD_MAX);
	if (ids_strength_check(*out, words, why, sizeof(why)) != IDS_OK)
		return fail(EXIT_USAGE, "password refused: %s", why);
	return EXIT_OK;
}

int
reissue_mail(const struct ids_conf *conf, const struct ids_user *user,
    const char *pw, const char *day)
{
	char body[1024], err[256];

	if (user->mail == NULL)
		return fail(EXIT_ERROR, "%s has no mail address; the password "
		    "above was not sent", user->id);
	snprintf(body, sizeof(body), "Hello %s,\n\nYour temporary password is:"
	    "\n\n    %s\n\nIt is valid until the end of %s. You will be asked "
	    "to choose a new password when you log in.\n", user->id, pw, day);
	if (ids_mail_send(conf, user->mail, "Your temporary password", body,
	    err, sizeof(err)) != IDS_OK) {
		ids_wipe(body, sizeof(body));
		return fail(EXIT_ERROR, "mail to %s: %s", user->mail, err);
	}
	ids_wipe(body, sizeof(body));
	return EXIT_OK;
}

static void
print_result(const struct cli *cli, const struct ids_user *user,
    const char *pw, time_t deadline, const char *day, int mailed)
{
	char when[IDS_GENTIME_LEN];

	ids_gentime_format(deadline, when, sizeof(when));
	if (cli->json) {
		printf("{\"id\":");
		json_str(stdout, user->id);
		printf(",\"temporary_password\":");
		json_str(stdout, pw);
		printf(",\"deadline\":\"%s\",\"mailed\":%s}\n", when,
		    mailed ? "true" : "false");
		return;
	}
	printf("Temporary password for %s (shown once):\n\n    %s\n\n"
	    "Valid until the end of %s; it must be changed at first login.\n",
	    user->id, pw, day);
	if (mailed)
		printf("Sent to %s.\n", user->mail);
}

int
cmd_reissue(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password", required_argument, NULL, 'p' },
		{ "password-file", required_argument, NULL, 'f' },
		{ "ask-password", no_argument, NULL, 'a' },
		{ "mail", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct ids_conf *conf = NULL;
	struct ids_dir *finder = NULL, *admin = NULL;
	struct ids_user *user = NULL;
	const char *given = NULL, *file = NULL;
	char day[300], *pw = NULL;
	time_t deadline;
	int c, ask = 0, mail = 0, rc, code;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': given = optarg; break;
		case 'f': file = optarg; break;
		case 'a': ask = 1; break;
		case 'm': mail = 1; break;
		default: return fail(EXIT_USAGE, USAGE);
		}
	}
	if (optind + 1 != argc || (given != NULL) + (file != NULL) + ask > 1)
		return fail(EXIT_USAGE, USAGE);
	if ((code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	/* Look the user up as the service, write as the admin: an org admin
	 * acting outside their org then hears "permission denied" from the
	 * directory, not "no such user". */
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_READER, &finder)) !=
	    IDS_OK || (rc = ids_user_find(finder, argv[optind], &user)) !=
	    IDS_OK) {
		code = rc == IDS_ENOUSER ? fail(EXIT_NOTFOUND, "no user %s",
		    argv[optind]) : fail(rc_to_exit(rc), "%s", finder != NULL ?
		    ids_dir_error(finder) : ids_strerror(rc));
		goto out;
	}
	/* A user may set their own password (passwd), but not its
	 * temporary flag: a self-reissue would change the password and then
	 * fail, leaving it changed. */
	if (cli->as != NULL && strcmp(cli->as, user->id) == 0) {
		code = fail(EXIT_DENIED, "you cannot reissue your own password; "
		    "change it with idportal passwd");
		goto out;
	}
	if ((code = cli_admin_session(cli, conf, &admin)) != EXIT_OK ||
	    (code = choose_password(conf, given, file, ask, user->id, &pw)) !=
	    EXIT_OK)
		goto out;
	if ((rc = ids_deadline_end_of_next_day(time(NULL), conf->timezone,
	    &deadline)) != IDS_OK) {
		code = fail(EXIT_ERROR, "cannot compute the deadline in %s",
		    conf->timezone);
		goto out;
	}
	if ((rc = ids_passwd_reissue(admin, user, pw, deadline)) != IDS_OK) {
		code = rc == IDS_EPERM ? fail(EXIT_DENIED, "the directory does "
		    "not let %s reissue a password for %s", cli->as != NULL ?
		    cli->as : "this host's service account", user->id) :
		    fail(rc_to_exit(rc), "%s", ids_dir_error(admin));
		goto out;
	}
	cli_last_day(deadline, conf->timezone, day, sizeof(day));
	code = mail ? reissue_mail(conf, user, pw, day) : EXIT_OK;
	print_result(cli, user, pw, deadline, day, mail && code == EXIT_OK);
out:
	ids_free_secret(pw);
	ids_user_free(user);
	ids_dir_close(admin);
	ids_dir_close(finder);
	ids_conf_free(conf);
	return code;
}
