/* login.c: the password step of a login, the lock and the failure count. */
#include "login.h"
#include "filter.h"
#include "init.h"
#include "rc.h"
#include "seat.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Same servers for reads and writes: one connection serves both. */
static int
same_servers(const struct ids_conf *conf)
{
	size_t i;

	for (i = 0; conf->uri[i] != NULL && conf->write_uri[i] != NULL; i++)
		if (strcmp(conf->uri[i], conf->write_uri[i]) != 0)
			return 0;
	return conf->uri[i] == NULL && conf->write_uri[i] == NULL;
}

int
ids_login_open(const struct ids_conf *conf, const struct ids_log *log,
    struct ids_login **out)
{
	struct ids_login *l;
	int rc;

	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return IDS_ENOMEM;
	l->conf = conf;
	l->log = log;
	if ((rc = ids_dir_open(conf, log, IDS_DIR_READER, &l->reader)) !=
	    IDS_OK)
		goto fail;
	if (same_servers(conf))
		l->writer = l->reader;
	else if ((rc = ids_dir_open(conf, log, IDS_DIR_WRITER, &l->writer)) !=
	    IDS_OK)
		goto fail;
	*out = l;
	return IDS_OK;
fail:
	ids_login_close(l);
	return rc;
}

void
ids_login_close(struct ids_login *l)
{
	if (l == NULL)
		return;
	if (l->have_state)
		ids_state_clear(&l->state);
	ids_user_free(l->user);
	if (l->writer != l->reader)
		ids_dir_close(l->writer);
	ids_dir_close(l->reader);
	free(l);
}

/* The unknown-user path costs what a known user's wrong password does: a
 * state read on the writer (of an entry that cannot exist), a bind, and a
 * counted failure (on the site's unknown-logins counter). */
static int
decoy(struct ids_login *l, const char *password)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	char *dn = NULL, *counter = NULL;
	int rc;

	if ((rc = ids_dn(&dn, "uid=%s,ou=people,%D",
	    "idportal-decoy-user-that-does-not-exist", l->conf->base)) !=
	    IDS_OK || (rc = ids_dn(&counter, IDS_UNKNOWN_LOGINS_RDN ",%D",
	    l->conf->base)) != IDS_OK)
		goto out;
	rc = ids_dir_search(l->writer, dn, LDAP_SCOPE_BASE,
	    "(objectClass=*)", none, 1, &res);
	if (rc == IDS_OK || rc == IDS_ENOTFOUND)
		rc = ids_dir_check_password(l->reader, dn, password);
	if (rc == IDS_OK || rc == IDS_EBADCRED) {
		/* a directory made before this counter existed: no matter */
		if (*password != '\0')
			(void)ids_dir_increment(l->writer, counter,
			    "idpPasswordFailures", 1, NULL);
		rc = IDS_ENOUSER;
	}
out:
	ldap_msgfree(res);
	free(counter);
	free(dn);
	return rc;
}

/* A wrong password: count it where every host counts, lock at the limit. */
static int
wrong_password(struct ids_login *l, time_t now)
{
	int64_t failures;
	int rc;

	rc = ids_state_count_failure(l->writer, l->user->dn,
	    "idpPasswordFailures", &failures);
	if (rc != IDS_OK)
		return rc;
	if (failures >= l->conf->max_password_failures) {
		if ((rc = ids_state_lock(l->writer, l->user->dn, now,
		    "too many wrong passwords")) != IDS_OK)
			return rc;
		l->locked_now = 1;
		ids_log(l->log, LOG_WARNING, "user=%s locked after %lld wrong "
		    "passwords", l->user->id, (long long)failures);
	}
	return IDS_EBADCRED;
}

int
ids_login_password(struct ids_login *l, const char *id,
    const char *password, time_t now)
{
	struct ids_user *user = NULL;
	int rc;

	if ((rc = ids_user_find(l->reader, id, &user)) == IDS_ENOUSER)
		return decoy(l, password);
	if (rc != IDS_OK)
		return rc;
	l->user = user;
	if ((rc = ids_state_read(l->writer, user->dn, &l->state)) != IDS_OK)
		return rc;
	l->have_state = 1;
	if (ids_state_locked(&l->state, l->conf->lockout_duration, now))
		return IDS_ELOCKED;
	if (l->state.lock_time != 0 &&
	    (rc = ids_state_unlock(l->writer, user->dn)) != IDS_OK)
		return rc;	/* the lock ran out: clear it first */
	if (ids_user_account(user, now) == IDS_EEXPIRED)
		return IDS_EEXPIRED;
	rc = ids_dir_check_password(l->reader, user->dn, password);
	if (rc == IDS_EBADCRED)
		return wrong_password(l, now);
	if (rc != IDS_OK)
		return rc;
	/* a write only when there is something to reset */
	if (l->state.password_failures != 0 &&
	    (rc = ids_state_reset(l->writer, user->dn,
	    "idpPasswordFailures")) != IDS_OK)
		return rc;
	/* A disabled or pending account is refused here too, not only at
	 * the account step: some stacks never call it (pam_permit). */
	return ids_user_account(user, now);
}

/* Is the user a member (memberUid) of the posixGroup named group? */
static int
in_group(struct ids_login *l, const char *group, int *yes)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	char *filter = NULL;
	int rc;

	*yes = 0;
	if ((rc = ids_filter(&filter, "(&(objectClass=posixGroup)(cn=%s)"
	    "(memberUid=%s))", group, l->user->id)) != IDS_OK)
		return rc;
	rc = ids_dir_search(l->reader, l->conf->base, LDAP_SCOPE_SUBTREE,
	    filter, none, 0, &res);
	if (rc == IDS_OK)
		*yes = ldap_count_entries(ids_dir_ld(l->reader), res) > 0;
	ldap_msgfree(res);
	free(filter);
	return rc;
}

int
ids_login_next(struct ids_login *l, int *next)
{
	int rc, member;

	/* the schema matches idpTotpState without case; so do we */
	if (strcasecmp(l->state.totp_state, "active") == 0) {
		*next = IDS_LOGIN_CODE;
		return IDS_OK;
	}
	*next = IDS_LOGIN_ENROLL;
	if (strcasecmp(l->state.totp_state, "pending") == 0 ||
	    l->conf->require_totp == IDS_REQUIRE_TOTP_ALL)
		return IDS_OK;
	if (l->conf->require_totp == IDS_REQUIRE_TOTP_GROUP) {
		/* an error here refuses the login: fail closed */
		if ((rc = in_group(l, l->conf->require_totp_group, &member)) !=
		    IDS_OK)
			return rc;
		if (member)
			return IDS_OK;
	}
	*next = IDS_LOGIN_DONE;
	return IDS_OK;
}

int
ids_login_account(struct ids_login *l, const char *id, time_t now)
{
	int rc;

	if ((rc = ids_user_find(l->reader, id, &l->user)) != IDS_OK ||
	    (rc = ids_user_account(l->user, now)) != IDS_OK)
		return rc;
	if ((rc = ids_state_read(l->writer, l->user->dn, &l->state)) != IDS_OK)
		return rc;
	l->have_state = 1;
	if (ids_state_locked(&l->state, l->conf->lockout_duration, now))
		return IDS_ELOCKED;
	return ids_seat_check(l->reader, l->conf, l->user);
}

const char *
ids_login_error(const struct ids_login *l)
{
	const char *e = ids_dir_error(l->reader);

	/* the reader's error when it has one, else the writer's */
	return strcmp(e, "no error") != 0 ? e : ids_dir_error(l->writer);
}
