/* diag.h: what `idportal check` asks beyond the library's everyday work:
 * whether the server's schema knows an object class, whether a search is
 * allowed at all, and why a TLS handshake failed.  Nothing here changes
 * the directory or sends a password. */
#ifndef IDS_DIAG_H
#define IDS_DIAG_H

#include <stddef.h>

#include "dir.h"

/* *known gets 1 if the subschema subentry named by the root DSE lists the
 * object class name (any of its names, without case), else 0; *subentry
 * (malloc'd, free()) its DN when it was found.  IDS_ENOTFOUND if the
 * subentry cannot be read, or a connection error. */
int	ids_diag_schema_knows(struct ids_dir *dir, const char *name,
	    int *known, char **subentry);

/* A one-level search under base with filter, at most one entry: IDS_OK
 * if the server allowed it (*seen: whether an entry came back; a search
 * the ACLs filter to nothing is still IDS_OK, *seen 0), IDS_ENOTFOUND if
 * base does not exist or is hidden, or another error. */
int	ids_diag_search_allowed(struct ids_dir *dir, const char *base,
	    const char *filter, int *seen);

/* After ids_dir_probe() said IDS_ETLS for uri: why.  Repeats the
 * handshake without verifying (no bind, nothing sent but StartTLS or a
 * root DSE read), then checks the server's certificate against conf's
 * tls_ca_file and the uri's host itself, and writes the cause into why:
 * "certificate verify failed: unable to get local issuer certificate:
 * tls_ca_file (...) must hold the CA that signed the server's
 * certificate", "...: it does not name 127.0.0.1: ...", or "handshake
 * failed even without certificate verification ...".  Returns IDS_OK
 * once why is written. */
int	ids_diag_tls_cause(const struct ids_conf *conf, const char *uri,
	    char *why, size_t len);

#endif
