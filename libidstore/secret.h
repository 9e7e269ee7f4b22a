/* secret.h: handling of passwords, keys and codes in memory and on disk.
 * Secret files must be regular files owned by root with no group or other
 * permission bits (0600 or 0400); anything else is refused. */
#ifndef IDS_SECRET_H
#define IDS_SECRET_H

#include <stddef.h>

/* explicit_bzero; p may be NULL. */
void	ids_wipe(void *p, size_t len);
/* Wipe a NUL-terminated secret, then free it; s may be NULL. */
void	ids_free_secret(char *s);
/* Constant-time equality of two NUL-terminated strings (length leaks). */
int	ids_secret_equal(const char *a, const char *b);

/* Read a secret file (at most 4 KiB, one trailing newline dropped) into a
 * fresh NUL-terminated buffer; release with ids_free_secret().
 * IDS_ESYS if missing/unreadable, IDS_ECONF if its owner or mode is wrong;
 * err gets "PATH: why" (never the content). */
int	ids_secret_read_file(const char *path, char **out, char *err,
	    size_t errlen);
/* Check owner and mode of an existing secret file; same errors. */
int	ids_secret_check_file(const char *path, char *err, size_t errlen);
/* Create PATH (must not exist) mode 0600 holding data (no newline, as
 * ldap-utils' -y expects), fsync'd. */
int	ids_secret_write_file(const char *path, const char *data, char *err,
	    size_t errlen);

/* len random letters and digits from the OpenSSL CSPRNG, without modulo
 * bias, NUL-terminated into out (size > len). IDS_ESYS if the RNG fails. */
int	ids_random_password(char *out, size_t len);

#endif
