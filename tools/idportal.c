/* idportal.c: the admin and self-service CLI: global options, then one
 * subcommand (git-style). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char	*name;
	int		(*run)(struct cli *, int, char **);
	const char	*usage;
} commands[] = {
	{ "check", cmd_check, "check" },
	{ "forgot-password", cmd_forgot_password,
	    "forgot-password ID EMAIL" },
	{ "init", cmd_init, "init --admin ID [--bind-dn DN] "
	    "[--bind-pw-file F]" },
	{ "invite", cmd_invite, "invite EMAIL [--org ORG] "
	    "[--type corporate|group] [--role ROLE]" },
	{ "lookup-id", cmd_lookup_id, "lookup-id EMAIL" },
	{ "org", cmd_org, "org add ORG --seats N | show ORG | list" },
	{ "passwd", cmd_passwd, "passwd [ID]" },
	{ "register", cmd_register, "register TOKEN [--id ID] [--name NAME] "
	    "[--password-file F]" },
	{ "reissue", cmd_reissue, "reissue ID [--password P | "
	    "--password-file F | --ask-password] [--mail]" },
	{ "seat", cmd_seat, "seat list [ORG] | link CODE ID | unlink CODE "
	    "| add ORG CODE" },
	{ "signup", cmd_signup, "signup EMAIL" },
	{ "sync", cmd_sync, "sync --once|--daemon [--page-size N] "
	    "[--interval S]" },
	{ "totp", cmd_totp, "totp enable|enroll|reset|status ID" },
	{ "unlock", cmd_unlock, "unlock ID" },
	{ "user", cmd_user, "user add|show|search|modify|delete ..." },
};

static int
usage(FILE *f, int code)
{
	size_t i;

	fprintf(f, "usage: idportal [--config FILE] [--as ADMIN_ID] "
	    "[--as-pw-file F] [--json] <command> ...\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	return code;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "as", required_argument, NULL, 'a' },
		{ "as-pw-file", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli;
	size_t i;
	int c;

	memset(&cli, 0, sizeof(cli));
	opterr = 0;	/* our own messages, starting "idportal: " */
	cli.log.emit = ids_log_stderr;
	/* Stop at the subcommand: its options are its own. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cli.config = optarg; break;
		case 'a': cli.as = optarg; break;
		case 'p': cli.as_pw_file = optarg; break;
		case 'j': cli.json = 1; break;
		case 'h': return usage(stdout, EXIT_OK);
		default:
			fail(EXIT_USAGE, "unknown option %s", argv[optind - 1]);
			return usage(stderr, EXIT_USAGE);
		}
	}
	if (optind >= argc)
		return usage(stderr, EXIT_USAGE);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0) {
			argc -= optind;
			argv += optind;
			optind = 0;	/* reset getopt for the subcommand */
			opterr = 0;	/* its own one-line usage error */
			return commands[i].run(&cli, argc, argv);
		}
	fail(EXIT_USAGE, "unknown command \"%s\"", argv[optind]);
	return usage(stderr, EXIT_USAGE);
}
