/* mail.c: build a message safely and pipe it to mail_command. */
#include "mail.h"
#include "rc.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One line of printable text: no CR, LF or other control byte. */
static int
header_safe(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int
address_ok(const char *a)
{
	const char *at = strchr(a, '@');

	return header_safe(a) && at != NULL && at != a && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strpbrk(a, " <>,;\"()\\") == NULL;
}

static int
write_all(int fd, const char *s)
{
	size_t len = strlen(s), off = 0;
	ssize_t n;

	while (off < len) {
		if ((n = write(fd, s + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

int
ids_mail_send(const struct ids_conf *conf, const char *to,
    const char *subject, const char *body, char *err, size_t errlen)
{
	char head[1024];
	void (*old)(int);
	pid_t pid;
	int fds[2], status, rc = IDS_OK;

	if (!address_ok(to) || !header_safe(subject) ||
	    (conf->mail_from != NULL && !address_ok(conf->mail_from))) {
		snprintf(err, errlen, "refusing to mail: bad address or "
		    "subject");
		return IDS_EINVAL;
	}
	snprintf(head, sizeof(head), "From: %s\nTo: %s\nSubject: %s\n"
	    "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n", conf->mail_from != NULL ?
	    conf->mail_from : "root", to, subject);
	if (pipe2(fds, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return IDS_ESYS;
	}
	/* A mail command that dies early must not kill us with SIGPIPE. */
	old = signal(SIGPIPE, SIG_IGN);
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		signal(SIGPIPE, old);
		return IDS_ESYS;
	}
	if (pid == 0) {
		if (dup2(fds[0], STDIN_FILENO) == -1)
			_exit(127);
		execv(conf->mail_command[0], conf->mail_command);
		_exit(127);
	}
	close(fds[0]);
	if (write_all(fds[1], head) == -1 || write_all(fds[1], body) == -1)
		rc = IDS_ESYS;
	close(fds[1]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	signal(SIGPIPE, old);
	if (rc != IDS_OK || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "%s failed (exit %d)",
		    conf->mail_command[0], WIFEXITED(status) ?
		    WEXITSTATUS(status) : -1);
		rc = IDS_ESYS;
	}
	return rc;
}
