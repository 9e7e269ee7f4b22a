/* secret.c: secret files, wiping, constant-time compare, random passwords. */
#include "secret.h"
#include "rc.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#define SECRET_MAX	4096

void
ids_wipe(void *p, size_t len)
{
	if (p != NULL)
		explicit_bzero(p, len);
}

void
ids_free_secret(char *s)
{
	if (s == NULL)
		return;
	ids_wipe(s, strlen(s));
	free(s);
}

int
ids_secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	/* Compare the full length of a even when lengths differ. */
	return CRYPTO_memcmp(a, la == lb ? b : a, la) == 0 && la == lb;
}

static int
check_stat(const char *path, const struct stat *st, char *err, size_t errlen)
{
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		return IDS_ECONF;
	}
	if (st->st_uid != 0) {
		snprintf(err, errlen, "%s is owned by uid %u, want root",
		    path, (unsigned)st->st_uid);
		return IDS_ECONF;
	}
	if ((st->st_mode & 077) != 0) {
		snprintf(err, errlen, "%s is mode %04o, want 0600", path,
		    (unsigned)(st->st_mode & 07777));
		return IDS_ECONF;
	}
	return IDS_OK;
}

int
ids_secret_check_file(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return IDS_ESYS;
	}
	return check_stat(path, &st, err, errlen);
}

int
ids_secret_read_file(const char *path, char **out, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL, extra;
	ssize_t n;
	size_t len = 0;
	int fd, rc;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return IDS_ESYS;
	}
	/* fstat the open file: what we check is what we read. */
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = IDS_ESYS;
		goto out;
	}
	if ((rc = check_stat(path, &st, err, errlen)) != IDS_OK)
		goto out;
	if ((buf = malloc(SECRET_MAX + 1)) == NULL) {
		rc = IDS_ENOMEM;
		goto out;
	}
	while (len < SECRET_MAX &&
	    (n = read(fd, buf + len, SECRET_MAX - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rc = IDS_ESYS;
			goto out;
		}
		len += (size_t)n;
	}
	/* Full: only a final newline may follow, else refuse the file. */
	if (len == SECRET_MAX && read(fd, &extra, 1) == 1 &&
	    (extra != '\n' || read(fd, &extra, 1) != 0)) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    SECRET_MAX);
		rc = IDS_ECONF;
		goto out;
	}
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	if (len == 0 || memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: empty or not text", path);
		rc = IDS_ECONF;
		goto out;
	}
	*out = buf;
	buf = NULL;
	rc = IDS_OK;
out:
	if (buf != NULL) {
		ids_wipe(buf, SECRET_MAX + 1);
		free(buf);
	}
	close(fd);
	return rc;
}

int
ids_secret_write_file(const char *path, const char *data, char *err,
    size_t errlen)
{
	size_t len = strlen(data), off = 0;
	ssize_t n;
	int fd, rc = IDS_OK;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return IDS_ESYS;
	}
	/* No trailing newline: `ldapwhoami -y FILE` sends the bytes as is. */
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1 &&
		    errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rc = IDS_ESYS;
			break;
		}
		off += (size_t)n;
	}
	if (rc == IDS_OK && fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = IDS_ESYS;
	}
	close(fd);
	if (rc != IDS_OK)
		unlink(path);
	return rc;
}

int
ids_random_password(char *out, size_t len)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	/* 62 * 4 = 248: bytes at or above it are dropped (no modulo bias). */
	const unsigned limit = 248;
	unsigned char pool[64];
	size_t have = 0, used = 0, i = 0;
	int rc = IDS_OK;

	while (i < len) {
		if (used == have) {
			if (RAND_bytes(pool, sizeof(pool)) != 1) {
				rc = IDS_ESYS;
				break;
			}
			have = sizeof(pool);
			used = 0;
		}
		if (pool[used] < limit)
			out[i++] = alphabet[pool[used] % 62];
		used++;
	}
	if (rc == IDS_OK)
		out[len] = '\0';
	else
		ids_wipe(out, len + 1);
	ids_wipe(pool, sizeof(pool));
	return rc;
}
