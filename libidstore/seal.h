/* seal.h: TOTP secrets at rest in the directory, AES-256-GCM under the
 * key of `totp_key_file`, so that a directory dump alone never yields a
 * secret.  A blob is
 *	"IDS1" | key id (8) | nonce (12) | ciphertext | tag (16)
 * where the key id is the first 8 bytes of SHA-256 of the key, so a blob
 * names the key that opens it, and the additional data is "IDS1" | key id
 * | context, so a blob copied to another entry does not open there.
 * Loaded keys are read-only: one struct may serve many threads. */
#ifndef IDS_SEAL_H
#define IDS_SEAL_H

#include <stddef.h>

#define IDS_SEAL_KEY_LEN	32
#define IDS_SEAL_OVERHEAD	40	/* 4 + 8 + 12 + 16 bytes */
#define IDS_SEAL_MAX		65536	/* largest plaintext */

struct ids_seal_keys;

/* Load the key file (exactly 32 raw bytes: head -c 32 /dev/urandom; a
 * regular file, owner root, mode 0600/0400) and PATH.previous if it
 * exists (same checks), so secrets sealed with the previous key still open
 * during a rotation.  IDS_ECONF for a wrong owner, mode, type or size,
 * IDS_ESYS if PATH is missing or unreadable; either way err gets
 * "PATH: why" (never the key).  Release with ids_seal_keys_free(). */
int	ids_seal_keys_load(const char *path, struct ids_seal_keys **out,
	    char *err, size_t errlen);
/* Wipes the keys, then frees; NULL is fine. */
void	ids_seal_keys_free(struct ids_seal_keys *keys);

/* Seal len bytes (at most IDS_SEAL_MAX) with the current key and a fresh
 * random nonce, bound to context (the entry it is stored in, e.g. the DN
 * as the directory returns it: a renamed entry's blobs no longer open).
 * *blob (malloc'd, *bloblen = len + IDS_SEAL_OVERHEAD) is not secret:
 * free() it.  IDS_EINVAL for bad arguments, IDS_ESYS if the RNG or the
 * cipher fails. */
int	ids_seal(const struct ids_seal_keys *keys, const char *context,
	    const unsigned char *plain, size_t len, unsigned char **blob,
	    size_t *bloblen);
/* Open a blob with whichever loaded key its id names: IDS_OK and *plain
 * (malloc'd, release with ids_seal_plain_free()), or IDS_EINVAL for a
 * blob that is malformed, names a key not loaded, or fails authentication
 * (corrupted, or sealed for another context); never partial plaintext:
 * on error *plain is NULL and *len 0. */
int	ids_seal_open(const struct ids_seal_keys *keys, const char *context,
	    const unsigned char *blob, size_t bloblen, unsigned char **plain,
	    size_t *len);
/* Wipe len bytes of plain, then free it; NULL is fine. */
void	ids_seal_plain_free(unsigned char *plain, size_t len);

#endif
