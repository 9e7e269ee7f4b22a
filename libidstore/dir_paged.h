/* dir_paged.h: a search of the whole directory in pages (RFC 2696 simple
 * paged results), for `idportal sync`: a server may cap how many entries
 * one search returns (slapd's sizelimit, 500 by default), but not how many
 * pages a client reads.  Entries are handed over one at a time as they
 * arrive, so memory does not grow with the result.  Same session rules as
 * dir.h (one thread; `timeout` bounds every wait). */
#ifndef IDS_DIR_PAGED_H
#define IDS_DIR_PAGED_H

#include "dir.h"

#define IDS_DIR_PAGE_SIZE	500

/* Called for each entry; a non-IDS_OK return stops the search with it. */
typedef int	(*ids_dir_entry_fn)(void *arg, LDAP *ld, LDAPMessage *entry);

/* Search base (subtree) for filter, pagesize entries per round trip (the
 * control is marked non-critical: a server without paging answers in one
 * go, or with sizeLimitExceeded if it caps results).  IDS_OK once every
 * page was read; else the first error (as dir.h: IDS_EUNAVAIL,
 * IDS_ETIMEOUT, IDS_EPERM, IDS_ENOTFOUND, IDS_EDIR, ...) with why in err,
 * or what each returned.  Entries handed over before an error were part
 * of an incomplete result: callers must not act on them as the whole.
 * After an error close the session (its connection may be half-read). */
int	ids_dir_search_paged(struct ids_dir *dir, const char *base,
	    const char *filter, char **attrs, int pagesize,
	    ids_dir_entry_fn each, void *arg, char *err, size_t errlen);

#endif
