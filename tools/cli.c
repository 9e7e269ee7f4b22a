/* cli.c: helpers shared by the subcommands. */
#include "cli.h"
#include "rc.h"
#include "secret.h"
#include "strength.h"
#include "user.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int
rc_to_exit(int rc)
{
	switch (rc) {
	case IDS_OK:
		return EXIT_OK;
	case IDS_EINVAL:
		return EXIT_USAGE;
	case IDS_ENOUSER:
	case IDS_ENOTFOUND:
		return EXIT_NOTFOUND;
	case IDS_EPERM:
	case IDS_EBADCRED:
		return EXIT_DENIED;
	case IDS_EEXIST:
		return EXIT_CONFLICT;
	case IDS_EUNAVAIL:
	case IDS_ETIMEOUT:
	case IDS_ETLS:
		return EXIT_UNREACHABLE;
	default:
		return EXIT_ERROR;
	}
}

int
fail(int code, const char *fmt, ...)
{
	char line[1024];
	unsigned char *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One line, whatever a value from the directory holds. */
	for (p = (unsigned char *)line; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(stderr, "idportal: %s\n", line);
	return code;
}

int
cli_conf(const struct cli *cli, struct ids_conf **out)
{
	char err[512];

	if (ids_conf_load(cli->config, out, err, sizeof(err)) != IDS_OK)
		return fail(EXIT_ERROR, "%s", err);
	return EXIT_OK;
}

void
json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* One line from the terminal with echo off. */
static int
read_tty(const char *prompt, char **out)
{
	struct termios old, quiet;
	char buf[256];
	size_t len = 0;
	ssize_t n;
	int fd, rc = IDS_OK;

	*out = NULL;
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return IDS_EINVAL;
	if (tcgetattr(fd, &old) == -1) {
		close(fd);
		return IDS_EINVAL;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	/* Echo off before the prompt appears, so nothing typed early is
	 * shown, and nothing typed early is thrown away either. */
	tcsetattr(fd, TCSANOW, &quiet);
	(void)!write(fd, prompt, strlen(prompt));
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, 1)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	tcsetattr(fd, TCSANOW, &old);
	(void)!write(fd, "\n", 1);
	close(fd);
	/* an empty answer is not "no terminal" */
	if (len == 0 || (*out = strdup(buf)) == NULL)
		rc = len == 0 ? IDS_EBADCRED : IDS_ENOMEM;
	ids_wipe(buf, sizeof(buf));
	return rc;
}

int
read_secret(const char *file, const char *prompt, char **out)
{
	char err[512];
	int rc;

	if (file == NULL) {
		if ((rc = read_tty(prompt, out)) == IDS_EINVAL)
			fail(EXIT_USAGE, "no terminal to ask for the password: "
			    "give a password file");
		else if (rc == IDS_EBADCRED) {
			fail(EXIT_USAGE, "nothing was typed; nothing changed");
			rc = IDS_EINVAL;	/* a usage error (exit 2) */
		}
		return rc;
	}
	if ((rc = ids_secret_read_file(file, out, err, sizeof(err))) != IDS_OK)
		fail(rc_to_exit(rc), "%s", err);
	return rc;
}

int
cli_admin_session(const struct cli *cli, const struct ids_conf *conf,
    struct ids_dir **out)
{
	struct ids_dir *finder = NULL, *dir = NULL;
	struct ids_user *admin = NULL;
	char prompt[128], *pw = NULL;
	int rc, code = EXIT_OK;

	*out = NULL;
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_WRITER, &dir)) !=
	    IDS_OK) {
		code = fail(EXIT_ERROR, "%s", ids_strerror(rc));
		goto out;
	}
	if (cli->as != NULL) {
		if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_READER,
		    &finder)) != IDS_OK ||
		    (rc = ids_user_find(finder, cli->as, &admin)) != IDS_OK) {
			code = rc == IDS_ENOUSER ? fail(EXIT_DENIED, "no admin "
			    "%s in the directory", cli->as) : fail(rc_to_exit(rc),
			    "looking up %s: %s", cli->as, finder != NULL ?
			    ids_dir_error(finder) : ids_strerror(rc));
			goto out;
		}
		snprintf(prompt, sizeof(prompt), "Password for %s: ", cli->as);
		if ((rc = read_secret(cli->as_pw_file, prompt, &pw)) != IDS_OK) {
			code = rc_to_exit(rc);
			goto out;
		}
		if ((rc = ids_dir_set_bind(dir, admin->dn, pw)) != IDS_OK) {
			code = fail(EXIT_ERROR, "%s", ids_strerror(rc));
			goto out;
		}
	}
	if ((rc = ids_dir_connect(dir)) != IDS_OK) {
		code = rc == IDS_EBADCRED ? fail(EXIT_DENIED, "wrong password "
		    "for %s", cli->as != NULL ? cli->as : "the service account") :
		    fail(rc_to_exit(rc), "%s", ids_dir_error(dir));
		goto out;
	}
	*out = dir;
	dir = NULL;
out:
	ids_free_secret(pw);
	ids_user_free(admin);
	ids_dir_close(finder);
	ids_dir_close(dir);
	return code;
}

/* when in time zone tz, the date (and the time of day), then " (tz)". */
static void
local_time(time_t when, const char *tz, int time_of_day, char *buf,
    size_t len)
{
	char zone[256], at[32];
	struct tm tm;

	/* The CLI is single-threaded: switching TZ here is safe. */
	snprintf(zone, sizeof(zone), ":%s", tz);
	setenv("TZ", zone, 1);
	tzset();
	if (localtime_r(&when, &tm) == NULL ||
	    strftime(at, sizeof(at), time_of_day ? "%Y-%m-%d %H:%M:%S" :
	    "%Y-%m-%d", &tm) == 0)
		snprintf(at, sizeof(at), "?");
	snprintf(buf, len, "%s (%s)", at, tz);
}

void
cli_last_day(time_t deadline, const char *tz, char *buf, size_t len)
{
	local_time(deadline - 1, tz, 0, buf, len);
}

int
cli_new_password(const char *file, const char *const *words,
    const char *old, char **out)
{
	char why[256], *again = NULL;
	int rc, code = EXIT_OK;

	*out = NULL;
	if ((rc = read_secret(file, "New password: ", out)) != IDS_OK ||
	    (file == NULL && (rc = read_secret(NULL, "Retype new password: ",
	    &again)) != IDS_OK)) {
		code = rc_to_exit(rc);
		goto out;
	}
	if (file == NULL && !ids_secret_equal(*out, again))
		code = fail(EXIT_USAGE, "the two new passwords do not match; "
		    "nothing changed");
	else if (old != NULL && ids_secret_equal(*out, old))
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

void
cli_time(time_t when, const char *tz, char *buf, size_t len)
{
	local_time(when, tz, 1, buf, len);
}
