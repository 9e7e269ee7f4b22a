/* dir.h: a directory session.  Tries each URI of `uri` (or `write_uri` for
 * a writer) in order, with `timeout` on connect and on every operation,
 * StartTLS or ldaps with certificate verification, then binds: as the
 * credentials given with ids_dir_set_bind(), else as the service account
 * (bind_dn + bind_pw_file), else SASL EXTERNAL over ldapi://, else
 * anonymously.  Use a session from one thread at a time.  Nothing here ever
 * logs a secret. */
#ifndef IDS_DIR_H
#define IDS_DIR_H

#include <stdint.h>

#include <ldap.h>

#include "conf.h"
#include "log.h"

struct ids_dir;

#define IDS_DIR_READER	0	/* `uri`: reads, binds; any replica */
#define IDS_DIR_WRITER	1	/* `write_uri`: counters, admin writes */

/* Does not connect yet; the first request does.  conf and log must outlive
 * the session.  Returns IDS_OK and sets *out, or IDS_ENOMEM.  Release with
 * ids_dir_close() (NULL is fine). */
int	ids_dir_open(const struct ids_conf *conf, const struct ids_log *log,
	    int which, struct ids_dir **out);
void	ids_dir_close(struct ids_dir *dir);
/* Bind as dn/pw instead of the service account; pw is copied and wiped on
 * close.  Call before the first request. */
int	ids_dir_set_bind(struct ids_dir *dir, const char *dn, const char *pw);
/* Connect and bind now.  IDS_EUNAVAIL, IDS_ETIMEOUT, IDS_ETLS after every
 * URI failed; IDS_EBADCRED if the bind was refused; IDS_ECONF if the
 * bind_pw_file cannot be used. */
int	ids_dir_connect(struct ids_dir *dir);
/* What went wrong last, per URI, for people: "ldap://a: Can't contact
 * LDAP server; ldap://b: ...".  Never contains a secret. */
const char *ids_dir_error(const struct ids_dir *dir);
/* The URI in use, or NULL when not connected. */
const char *ids_dir_uri(const struct ids_dir *dir);
/* The configuration the session was opened with. */
const struct ids_conf *ids_dir_conf(const struct ids_dir *dir);
/* The handle, for reading entries of results this session returned. */
LDAP	*ids_dir_ld(struct ids_dir *dir);

/* Search (connecting first if needed; once more on the next URI if the
 * server went away).  sizelimit 0 = none.  *res is NULL or the result
 * chain, to free with ldap_msgfree().  IDS_ENOTFOUND if base is missing. */
int	ids_dir_search(struct ids_dir *dir, const char *base, int scope,
	    const char *filter, char **attrs, int sizelimit,
	    LDAPMessage **res);
/* Add / modify / delete one entry.  IDS_EEXIST, IDS_ENOTFOUND, IDS_EPERM,
 * or IDS_EDIR (with detail in ids_dir_error()). */
int	ids_dir_add(struct ids_dir *dir, const char *dn, LDAPMod **mods);
int	ids_dir_modify(struct ids_dir *dir, const char *dn, LDAPMod **mods);
int	ids_dir_delete(struct ids_dir *dir, const char *dn);
/* Modify dn only if it still matches the filter assertion (RFC 4528), in
 * the same operation; IDS_ECHANGED if it no longer does. */
int	ids_dir_modify_if(struct ids_dir *dir, const char *dn, LDAPMod **mods,
	    const char *assertion);
/* Add delta to an INTEGER attribute with Modify-Increment (RFC 4525);
 * *before gets the value it had, read in the same operation (pre-read
 * control, RFC 4527).  before may be NULL. */
int	ids_dir_increment(struct ids_dir *dir, const char *dn,
	    const char *attr, int64_t delta, int64_t *before);
/* Set dn's password with the Password Modify extended operation
 * (RFC 3062) as the bound identity. */
int	ids_dir_passwd(struct ids_dir *dir, const char *dn, const char *pw);

/* Bind as dn with pw on a fresh connection (the session's own stays
 * bound as before), trying the URIs from the one in use.  IDS_OK,
 * IDS_EBADCRED, or a connection error.  An empty pw is IDS_EBADCRED without
 * asking the server (an empty simple bind is anonymous, RFC 4513 5.1.2). */
int	ids_dir_check_password(struct ids_dir *dir, const char *dn,
	    const char *pw);

/* Bind as dn with oldpw on a fresh connection and change the password to
 * newpw there with Password Modify (RFC 3062, old and new given), as the
 * user.  IDS_EBADCRED if oldpw is wrong, IDS_EPERM if refused. */
int	ids_dir_change_password(struct ids_dir *dir, const char *dn,
	    const char *oldpw, const char *newpw);

/* Whether the one server at uri answers, without a session or a bind:
 * connect with TLS as conf says (StartTLS or ldaps, certificate verified
 * against tls_ca_file) within `timeout`, then read its root DSE
 * anonymously.  IDS_OK (even if the read is refused: it answered),
 * IDS_EUNAVAIL, IDS_ETIMEOUT, IDS_ETLS (or IDS_ECONF, IDS_ENOMEM if no
 * handle could be made); err gets why then ("Can't
 * contact LDAP server"), without the uri. */
int	ids_dir_probe(const struct ids_conf *conf, const char *uri, char *err,
	    size_t errlen);

/* The library's reading of an LDAP result code (LDAP_SUCCESS: IDS_OK). */
int	ids_dir_rc(int lrc);

/* The first value of attr in entry, malloc'd, or NULL. */
char	*ids_dir_get(struct ids_dir *dir, LDAPMessage *entry,
	    const char *attr);

#endif
