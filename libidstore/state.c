/* state.c: the cn=state entry of a user. */
#include "state.h"
#include "filter.h"
#include "gentime.h"
#include "mods.h"
#include "rc.h"
#include "secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
ids_state_ensure(struct ids_dir *dir, const char *user_dn, int *created)
{
	struct ids_mods *m = NULL;
	char *dn = NULL;
	int rc = IDS_ENOMEM;

	if (created != NULL)
		*created = 0;
	if (ids_mods_new(&m) != 0 ||
	    ids_dn(&dn, "cn=state,%D", user_dn) != IDS_OK)
		goto out;
	ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top", "idpUserState",
	    NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "cn", "state", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpPasswordFailures", "0", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpTotpFailures", "0", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpTotpLastStep", "0", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpTotpState", "none", NULL);
	if (ids_mods_get(m) == NULL)
		goto out;
	/* Add, and on "already exists" go on: another host may have won. */
	rc = ids_dir_add(dir, dn, ids_mods_get(m));
	if (rc == IDS_OK && created != NULL)
		*created = 1;
	if (rc == IDS_EEXIST)
		rc = IDS_OK;
out:
	ids_mods_free(m);
	free(dn);
	return rc;
}

int
ids_state_reset_password_failures(struct ids_dir *dir, const char *user_dn)
{
	int rc;

	/* Made when missing, by whoever may (an org admin may not: then
	 * there are no failures to reset, and the next login makes it). */
	rc = ids_state_ensure(dir, user_dn, NULL);
	if (rc == IDS_EPERM)
		return IDS_OK;
	if (rc != IDS_OK)
		return rc;
	return ids_state_reset(dir, user_dn, "idpPasswordFailures");
}

void
ids_state_clear(struct ids_state *st)
{
	int i;

	if (st->totp_secret != NULL) {
		ids_wipe(st->totp_secret, st->totp_secret_len);
		free(st->totp_secret);
	}
	for (i = 0; i < st->nrecovery; i++)
		free(st->recovery[i]);
	memset(st, 0, sizeof(*st));
}

static int64_t
number(struct ids_dir *dir, LDAPMessage *e, const char *attr)
{
	char *v = ids_dir_get(dir, e, attr);
	int64_t n = v != NULL ? strtoll(v, NULL, 10) : 0;

	free(v);
	return n;
}

static void
text(struct ids_dir *dir, LDAPMessage *e, const char *attr, char *buf,
    size_t len)
{
	char *v = ids_dir_get(dir, e, attr);

	snprintf(buf, len, "%s", v != NULL ? v : "");
	free(v);
}

/* The sealed secret and hashed recovery codes: binary-safe values. */
static int
secrets(struct ids_dir *dir, LDAPMessage *e, struct ids_state *st)
{
	struct berval **v;
	int i;

	v = ldap_get_values_len(ids_dir_ld(dir), e, "idpTotpSecret");
	if (v != NULL && v[0] != NULL && v[0]->bv_len > 0) {
		if ((st->totp_secret = malloc(v[0]->bv_len)) == NULL) {
			ldap_value_free_len(v);
			return IDS_ENOMEM;
		}
		memcpy(st->totp_secret, v[0]->bv_val, v[0]->bv_len);
		st->totp_secret_len = v[0]->bv_len;
	}
	ldap_value_free_len(v);
	v = ldap_get_values_len(ids_dir_ld(dir), e, "idpRecoveryCode");
	for (i = 0; v != NULL && v[i] != NULL && i < IDS_RECOVERY_MAX; i++) {
		if ((st->recovery[i] = strndup(v[i]->bv_val, v[i]->bv_len)) ==
		    NULL) {
			ldap_value_free_len(v);
			return IDS_ENOMEM;
		}
		st->nrecovery++;
	}
	ldap_value_free_len(v);
	return IDS_OK;
}

int
ids_state_read(struct ids_dir *dir, const char *user_dn,
    struct ids_state *st)
{
	static char *attrs[] = { "idpPasswordFailures", "idpTotpFailures",
	    "idpTotpLastStep", "idpLockTime", "idpLockReason", "idpTotpState",
	    "idpTotpSecret", "idpRecoveryCode", NULL };
	LDAPMessage *res = NULL, *e;
	char *dn = NULL, when[32];
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = ids_dn(&dn, "cn=state,%D", user_dn)) != IDS_OK)
		return rc;
	/* Only a real state entry counts: anything else at that DN (planted
	 * by a host or an admin) reads as missing, then fails to be made. */
	rc = ids_dir_search(dir, dn, LDAP_SCOPE_BASE,
	    "(objectClass=idpUserState)", attrs, 1, &res);
	if (rc == IDS_ENOTFOUND) {
		/* made with the user normally; a host mends a missing one */
		ldap_msgfree(res);
		res = NULL;
		if ((rc = ids_state_ensure(dir, user_dn, NULL)) != IDS_OK ||
		    (rc = ids_dir_search(dir, dn, LDAP_SCOPE_BASE,
		    "(objectClass=idpUserState)", attrs, 1, &res)) != IDS_OK)
			goto out;
	} else if (rc != IDS_OK) {
		goto out;
	}
	if ((e = ldap_first_entry(ids_dir_ld(dir), res)) == NULL) {
		rc = IDS_ENOTFOUND;
		goto out;
	}
	st->password_failures = number(dir, e, "idpPasswordFailures");
	st->totp_failures = number(dir, e, "idpTotpFailures");
	st->totp_last_step = (uint64_t)number(dir, e, "idpTotpLastStep");
	text(dir, e, "idpLockReason", st->lock_reason,
	    sizeof(st->lock_reason));
	text(dir, e, "idpTotpState", st->totp_state, sizeof(st->totp_state));
	text(dir, e, "idpLockTime", when, sizeof(when));
	/* an unreadable lock time still locks */
	if (when[0] != '\0' && ids_gentime_parse(when, &st->lock_time) !=
	    IDS_OK)
		st->lock_time = 1;
	if ((rc = secrets(dir, e, st)) != IDS_OK)
		goto out;
	/* Fail closed: a state we do not know, or a secret with no state
	 * (the attribute deleted to skip the code), refuses the login.  No
	 * state and no secret is "none", as entries made before it existed. */
	if (!(st->totp_state[0] == '\0' && st->totp_secret == NULL) &&
	    strcasecmp(st->totp_state, "none") != 0 &&
	    strcasecmp(st->totp_state, "pending") != 0 &&
	    strcasecmp(st->totp_state, "active") != 0)
		rc = IDS_EDIR;
out:
	if (rc != IDS_OK)
		ids_state_clear(st);
	ldap_msgfree(res);
	free(dn);
	return rc;
}

int
ids_state_locked(const struct ids_state *st, long lockout_duration,
    time_t now)
{
	if (st->lock_time == 0)
		return 0;
	return lockout_duration == 0 || now < st->lock_time +
	    lockout_duration;
}

/* Apply m to cn=state, only while it is not locked when unlocked is set. */
static int
modify(struct ids_dir *dir, const char *user_dn, struct ids_mods *m,
    int unlocked)
{
	char *dn = NULL;
	int rc;

	if (ids_mods_get(m) == NULL ||
	    ids_dn(&dn, "cn=state,%D", user_dn) != IDS_OK)
		rc = IDS_ENOMEM;
	else if (unlocked)
		rc = ids_dir_modify_if(dir, dn, ids_mods_get(m),
		    "(!(idpLockTime=*))");
	else
		rc = ids_dir_modify(dir, dn, ids_mods_get(m));
	free(dn);
	return rc;
}

int
ids_state_modify(struct ids_dir *dir, const char *user_dn, struct ids_mods *m)
{
	return modify(dir, user_dn, m, 0);
}

int
ids_state_count_failure(struct ids_dir *dir, const char *user_dn,
    const char *attr, int64_t *after)
{
	char *dn = NULL;
	int64_t before = 0;
	int rc;

	if ((rc = ids_dn(&dn, "cn=state,%D", user_dn)) != IDS_OK)
		return rc;
	/* the server adds; the value before comes back in the same reply */
	rc = ids_dir_increment(dir, dn, attr, 1, &before);
	free(dn);
	*after = before + 1;
	return rc;
}

int
ids_state_reset(struct ids_dir *dir, const char *user_dn, const char *attr)
{
	struct ids_mods *m = NULL;
	int rc;

	if (ids_mods_new(&m) != 0)
		return IDS_ENOMEM;
	ids_mods_add(m, LDAP_MOD_REPLACE, attr, "0", NULL);
	rc = ids_state_modify(dir, user_dn, m);
	ids_mods_free(m);
	return rc;
}

int
ids_state_lock(struct ids_dir *dir, const char *user_dn, time_t now,
    const char *reason)
{
	struct ids_mods *m = NULL;
	char when[IDS_GENTIME_LEN];
	int rc;

	if ((rc = ids_gentime_format(now, when, sizeof(when))) != IDS_OK)
		return rc;
	if (ids_mods_new(&m) != 0)
		return IDS_ENOMEM;
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpLockTime", when, NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpLockReason", reason, NULL);
	rc = ids_state_modify(dir, user_dn, m);
	ids_mods_free(m);
	return rc;
}

int
ids_state_unlock(struct ids_dir *dir, const char *user_dn)
{
	struct ids_mods *m = NULL;
	int rc;

	if (ids_mods_new(&m) != 0)
		return IDS_ENOMEM;
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpLockTime", NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpLockReason", NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpPasswordFailures", "0", NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpTotpFailures", "0", NULL);
	rc = ids_state_modify(dir, user_dn, m);
	ids_mods_free(m);
	return rc;
}

int
ids_state_swap_step(struct ids_dir *dir, const char *user_dn, uint64_t old,
    uint64_t new)
{
	struct ids_mods *m = NULL;
	char from[24], to[24];
	int rc;

	snprintf(from, sizeof(from), "%llu", (unsigned long long)old);
	snprintf(to, sizeof(to), "%llu", (unsigned long long)new);
	if (ids_mods_new(&m) != 0)
		return IDS_ENOMEM;
	/* delete old + add new in one modify: if another host won, the
	 * delete fails and the code is a replay */
	ids_mods_add(m, LDAP_MOD_DELETE, "idpTotpLastStep", from, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpTotpLastStep", to, NULL);
	/* and only while unlocked: a lock set by another login after this
	 * one read the state still stops this code */
	rc = modify(dir, user_dn, m, 1);
	ids_mods_free(m);
	return rc;
}

int
ids_state_use_recovery(struct ids_dir *dir, const char *user_dn,
    const char *stored)
{
	struct ids_mods *m = NULL;
	int rc;

	if (ids_mods_new(&m) != 0)
		return IDS_ENOMEM;
	ids_mods_add(m, LDAP_MOD_DELETE, "idpRecoveryCode", stored, NULL);
	rc = modify(dir, user_dn, m, 1);
	ids_mods_free(m);
	return rc;
}

int
ids_state_take_reset(struct ids_dir *dir, const char *user_dn, time_t now,
    long interval)
{
	struct ids_mods *m = NULL;
	char at[IDS_GENTIME_LEN], since[IDS_GENTIME_LEN];
	char *dn = NULL, *assertion = NULL;
	int rc;

	if (ids_gentime_format(now, at, sizeof(at)) != IDS_OK ||
	    ids_gentime_format(now - interval, since, sizeof(since)) != IDS_OK)
		return IDS_ESYS;
	if (ids_mods_new(&m) != 0)
		return IDS_ENOMEM;
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpLastResetTime", at, NULL);
	/* Compare-and-set: of two requests in one interval, on any hosts,
	 * the second finds the first's time and gets IDS_ECHANGED. */
	if ((rc = ids_filter(&assertion, "(|(!(idpLastResetTime=*))"
	    "(idpLastResetTime<=%s))", since)) == IDS_OK &&
	    (rc = ids_dn(&dn, "cn=state,%D", user_dn)) == IDS_OK)
		rc = ids_mods_get(m) == NULL ? IDS_ENOMEM :
		    ids_dir_modify_if(dir, dn, ids_mods_get(m), assertion);
	free(dn);
	free(assertion);
	ids_mods_free(m);
	return rc;
}

int
ids_state_give_back_reset(struct ids_dir *dir, const char *user_dn,
    time_t now)
{
	struct ids_mods *m = NULL;
	char at[IDS_GENTIME_LEN];
	int rc;

	if (ids_gentime_format(now, at, sizeof(at)) != IDS_OK)
		return IDS_ESYS;
	if (ids_mods_new(&m) != 0)
		return IDS_ENOMEM;
	/* That value only: a reset taken since by someone else stays. */
	ids_mods_add(m, LDAP_MOD_DELETE, "idpLastResetTime", at, NULL);
	rc = modify(dir, user_dn, m, 0);
	ids_mods_free(m);
	return rc;
}
