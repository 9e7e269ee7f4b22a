/* cli.c: helpers shared by the subcommands. */
#include "cli.h"
#include "rc.h"
#include "secret.h"

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
	va_list ap;

	fputs("idportal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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
	(void)!write(fd, prompt, strlen(prompt));
	tcsetattr(fd, TCSAFLUSH, &quiet);
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, 1)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	close(fd);
	if (len == 0 || (*out = strdup(buf)) == NULL)
		rc = len == 0 ? IDS_EINVAL : IDS_ENOMEM;
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
		return rc;
	}
	if ((rc = ids_secret_read_file(file, out, err, sizeof(err))) != IDS_OK)
		fail(rc_to_exit(rc), "%s", err);
	return rc;
}
