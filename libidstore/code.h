/* code.h: codes people type from a screen or a mail (recovery codes,
 * invitation tokens): Crockford's base32, 0-9 A-Z without I L O U, so
 * each symbol carries 5 random bits and nothing looks like anything else.
 * Typed input is normalised before use: case is ignored, '-' and ' ' are
 * dropped, O reads as 0, I and L as 1.  Pure logic, any thread. */
#ifndef IDS_CODE_H
#define IDS_CODE_H

#include <stddef.h>

/* n fresh symbols from the OpenSSL CSPRNG, a '-' after every group of
 * `group` (none after the last), NUL-terminated: out has room for
 * n + (n - 1) / group + 1 bytes.  IDS_ESYS if the RNG fails (out is then
 * wiped). */
int	ids_code_random(char *out, size_t n, size_t group);
/* The n symbols typed in `in`, into out (n + 1 bytes).  IDS_EINVAL if in
 * holds any other character or not exactly n symbols. */
int	ids_code_normalise(const char *in, char *out, size_t n);

#endif
