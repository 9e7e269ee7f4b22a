/* syncset_int.h: inside the syncset module (syncset.c: the set,
 * syncset_parse.c: entries, syncset_write.c: users and groups out of
 * them).  Not for other modules: use syncset.h. */
#ifndef IDS_SYNCSET_INT_H
#define IDS_SYNCSET_INT_H

#include <stdint.h>

#include "syncset.h"

/* Warnings per set; then one line saying so. */
#define SYNC_MAX_WARNINGS	100

enum sync_kind {
	SYNC_USER = 1,
	SYNC_GROUP,
	SYNC_SKIPPED,	/* a user or group the cache cannot hold */
};

struct sync_entry {
	char		*key;		/* entryUUID, or the DN */
	char		*dn;
	int		 kind;		/* enum sync_kind */
	int		 active;	/* users: idpState active/absent */
	/* users: the org they are under; groups: the org they are the
	 * group of; lowercased, NULL if none. */
	char		*org;
	char		*name;
	uint32_t	 id;		/* uidNumber; groups: gidNumber */
	uint32_t	 gid;		/* users: gidNumber */
	char		*gecos;
	char		*home;
	char		*shell;
	char		**members;	/* groups: memberUid values */
	size_t		 nmembers;
	int		 placed;	/* where idportal keeps its kind */
};

struct ids_syncset {
	void			*root;		/* tsearch, by key */
	size_t			 count;
	LDAPDN			 base;
	int			 nbase;		/* RDNs in base */
	const struct ids_log	*log;
	unsigned		 warned;
};

/* Parse e (DN dn) into *out: a user, a group, a SYNC_SKIPPED entry (with
 * a warning), or NULL when it is neither (not an idpUser, say).  IDS_OK
 * or IDS_ENOMEM. */
int	sync_parse(struct ids_syncset *set, LDAP *ld, LDAPMessage *e,
	    const char *dn, struct sync_entry **out);
void	sync_entry_free(void *x);
/* "DN: left out of the cache: why", up to SYNC_MAX_WARNINGS times. */
void	sync_warn(struct ids_syncset *set, const char *dn, const char *why);

#endif
