/* cli.h: what every `idportal` subcommand shares: parsed global options,
 * the exit-code translation, error output, JSON strings, secret input. */
#ifndef IDPORTAL_CLI_H
#define IDPORTAL_CLI_H

#include <stdio.h>
#include <time.h>

#include "conf.h"
#include "dir.h"
#include "log.h"

/* SPEC §6 exit codes. */
enum {
	EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_NOTFOUND = 3,
	EXIT_DENIED = 4, EXIT_CONFLICT = 5, EXIT_UNREACHABLE = 6,
};

struct cli {
	const char	*config;	/* --config, or NULL */
	const char	*as;		/* --as ADMIN_ID */
	const char	*as_pw_file;	/* --as-pw-file */
	int		 json;		/* --json */
	struct ids_log	 log;		/* "idportal: ..." on stderr */
};

/* The one translation of library codes into exit codes. */
int	rc_to_exit(int rc);
/* "idportal: <message>" on stderr; returns code, for `return fail(...)`. */
int	fail(int code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Load the config (--config, $IDPORTAL_CONF, default); on error prints
 * "idportal: file:line: ..." and returns EXIT_ERROR. */
int	cli_conf(const struct cli *cli, struct ids_conf **out);
/* A JSON string literal of s (NULL gives null). */
void	json_str(FILE *f, const char *s);
/* A secret from file (checked like every secret file) or, when file is
 * NULL, from the terminal without echo.  Release with ids_free_secret(). */
int	read_secret(const char *file, const char *prompt, char **out);

/* A writer session bound as --as ADMIN_ID (found through the service
 * account, password from --as-pw-file or the terminal), else as the local
 * service config.  Prints the error and returns its exit code. */
int	cli_admin_session(const struct cli *cli, const struct ids_conf *conf,
	    struct ids_dir **out);
/* "2026-11-24 (Asia/Tokyo)": the last local day before deadline. */
void	cli_last_day(time_t deadline, const char *tz, char *buf, size_t len);

/* A new password from file (read once) or the terminal (twice, equal),
 * different from old (NULL: no old one), strong enough with words (the
 * user's ID, name...).  Prints the error and returns the exit code;
 * release *out with ids_free_secret(). */
int	cli_new_password(const char *file, const char *const *words,
	    const char *old, char **out);
/* "2026-11-24 19:00:00 (Asia/Tokyo)": when, in time zone tz. */
void	cli_time(time_t when, const char *tz, char *buf, size_t len);
/* Mail user their temporary password pw, valid until the end of day.
 * Prints the error and returns the exit code. */
struct ids_user;
int	reissue_mail(const struct ids_conf *conf, const struct ids_user *user,
	    const char *pw, const char *day);

int	cmd_check(struct cli *cli, int argc, char **argv);
int	cmd_forgot_password(struct cli *cli, int argc, char **argv);
int	cmd_init(struct cli *cli, int argc, char **argv);
int	cmd_invite(struct cli *cli, int argc, char **argv);
int	cmd_lookup_id(struct cli *cli, int argc, char **argv);
int	cmd_org(struct cli *cli, int argc, char **argv);
int	cmd_passwd(struct cli *cli, int argc, char **argv);
int	cmd_register(struct cli *cli, int argc, char **argv);
int	cmd_reissue(struct cli *cli, int argc, char **argv);
int	cmd_seat(struct cli *cli, int argc, char **argv);
int	cmd_signup(struct cli *cli, int argc, char **argv);
int	cmd_sync(struct cli *cli, int argc, char **argv);
int	cmd_totp(struct cli *cli, int argc, char **argv);
int	cmd_unlock(struct cli *cli, int argc, char **argv);
int	cmd_user(struct cli *cli, int argc, char **argv);

#endif
