/* cmd_init.c: `idportal init --admin ID`: prepare an empty directory. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dir.h"
#include "filter.h"
#include "gentime.h"
#include "init.h"
#include "rc.h"
#include "secret.h"

static void
print_report(const struct cli *cli, const struct ids_conf *conf,
    const char *admin, const struct ids_init_report *rep)
{
	char deadline[IDS_GENTIME_LEN] = "", day[300];
	int i;

	if (rep->temp_password[0] != '\0')
		ids_gentime_format(rep->deadline, deadline, sizeof(deadline));
	if (cli->json) {
		printf("{\"admin\":");
		json_str(stdout, admin);
		printf(",\"changed\":%s,\"created\":[",
		    rep->ncreated > 0 ? "true" : "false");
		for (i = 0; i < rep->ncreated; i++) {
			printf(i > 0 ? "," : "");
			json_str(stdout, rep->created[i]);
		}
		printf("],\"bind_pw_file_written\":%s,\"temporary_password\":",
		    rep->wrote_bind_pw_file ? "true" : "false");
		json_str(stdout, rep->temp_password[0] != '\0' ?
		    rep->temp_password : NULL);
		printf(",\"deadline\":");
		json_str(stdout, deadline[0] != '\0' ? deadline : NULL);
		printf("}\n");
		return;
	}
	if (rep->ncreated == 0) {
		printf("The directory is already initialized; nothing "
		    "changed.\n");
		return;
	}
	for (i = 0; i < rep->ncreated; i++)
		printf("created %s\n", rep->created[i]);
	if (rep->wrote_bind_pw_file)
		printf("wrote the service account's password to %s (0600)\n",
		    conf->bind_pw_file);
	if (rep->temp_password[0] != '\0') {
		cli_last_day(rep->deadline, conf->timezone, day, sizeof(day));
		printf("\nTop-level admin %s, temporary password (shown once):"
		    "\n\n    %s\n\nValid until the end of %s; it must be "
		    "changed at first login.\n", admin, rep->temp_password,
		    day);
	}
}

int
cmd_init(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "admin", required_argument, NULL, 'a' },
		{ "bind-dn", required_argument, NULL, 'D' },
		{ "bind-pw-file", required_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	struct ids_init_report rep;
	struct ids_conf *conf = NULL;
	struct ids_dir *dir = NULL;
	const char *admin = NULL, *bind_dn = NULL, *pw_file = NULL;
	char *manager = NULL, *pw = NULL;
	int c, rc, code;

	memset(&rep, 0, sizeof(rep));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': admin = optarg; break;
		case 'D': bind_dn = optarg; break;
		case 'y': pw_file = optarg; break;
		default:
			return fail(EXIT_USAGE, "usage: idportal init --admin "
			    "ID [--bind-dn DN] [--bind-pw-file F]");
		}
	}
	if (admin == NULL || optind != argc)
		return fail(EXIT_USAGE, "usage: idportal init --admin ID "
		    "[--bind-dn DN] [--bind-pw-file F]");
	if ((code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	if (bind_dn == NULL && ids_dn(&manager, "cn=admin,%D", conf->base) !=
	    IDS_OK) {
		code = fail(EXIT_ERROR, "out of memory");
		goto out;
	}
	if ((rc = read_secret(pw_file, "Directory manager password: ", &pw))
	    != IDS_OK) {
		code = rc_to_exit(rc);
		goto out;
	}
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_WRITER, &dir)) !=
	    IDS_OK || (rc = ids_dir_set_bind(dir, bind_dn != NULL ? bind_dn :
	    manager, pw)) != IDS_OK) {
		code = fail(EXIT_ERROR, "%s", ids_strerror(rc));
		goto out;
	}
	rc = ids_init_directory(dir, admin, time(NULL), &rep);
	if (rc == IDS_EBADCRED)
		code = fail(EXIT_DENIED, "the directory refused the manager "
		    "credentials (%s): check --bind-dn and the password",
		    bind_dn != NULL ? bind_dn : manager);
	else if (rc != IDS_OK)
		code = fail(rc_to_exit(rc), "%s: %s", ids_strerror(rc),
		    rep.detail);
	else {
		print_report(cli, conf, admin, &rep);
		code = EXIT_OK;
	}
out:
	ids_init_report_clear(&rep);
	ids_free_secret(pw);
	ids_dir_close(dir);
	ids_conf_free(conf);
	free(manager);
	return code;
}
