/* init.c: base entries, counter, service account, first admin. */
#include "init.h"
#include "filter.h"
#include "gentime.h"
#include "idrules.h"
#include "mods.h"
#include "pwhash.h"
#include "rc.h"
#include "secret.h"
#include "state.h"
#include "user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const ous[] = { "people", "services", "groups",
    "counters", NULL };

void
ids_init_report_clear(struct ids_init_report *rep)
{
	int i;

	for (i = 0; i < rep->ncreated; i++)
		free(rep->created[i]);
	ids_wipe(rep, sizeof(*rep));
}

static int
exists(struct ids_dir *dir, const char *dn, int *yes)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	int rc;

	rc = ids_dir_search(dir, dn, LDAP_SCOPE_BASE, "(objectClass=*)", none,
	    1, &res);
	ldap_msgfree(res);
	*yes = rc == IDS_OK;
	return rc == IDS_ENOTFOUND ? IDS_OK : rc;
}

/* Add dn with mods unless it is there; record what was made. */
static int
ensure(struct ids_dir *dir, struct ids_init_report *rep, const char *dn,
    struct ids_mods *m)
{
	LDAPMod **mods = ids_mods_get(m);
	int rc, there;

	if ((rc = exists(dir, dn, &there)) != IDS_OK || there)
		return rc;
	if (mods == NULL)
		return IDS_ENOMEM;
	if ((rc = ids_dir_add(dir, dn, mods)) != IDS_OK) {
		snprintf(rep->detail, sizeof(rep->detail), "adding %s: %s", dn,
		    ids_dir_error(dir));
		return rc;
	}
	if (rep->ncreated < IDS_INIT_MAX_CREATED &&
	    (rep->created[rep->ncreated] = strdup(dn)) != NULL)
		rep->ncreated++;
	return IDS_OK;
}

/* The suffix entry, from its own first RDN (dc=, o= or ou=). */
static int
ensure_base(struct ids_dir *dir, struct ids_init_report *rep)
{
	const char *base = ids_dir_conf(dir)->base;
	struct ids_mods *m = NULL;
	LDAPDN dn = NULL;
	char *type = NULL, *value = NULL;
	int rc = IDS_ENOMEM;

	if (ldap_str2dn(base, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
	    dn == NULL || dn[0] == NULL || dn[0][1] != NULL) {
		snprintf(rep->detail, sizeof(rep->detail), "base %s: cannot "
		    "create an entry for it (multi-valued RDN)", base);
		rc = IDS_EINVAL;
		goto out;
	}
	if ((type = strndup(dn[0][0]->la_attr.bv_val,
	    dn[0][0]->la_attr.bv_len)) == NULL ||
	    (value = strndup(dn[0][0]->la_value.bv_val,
	    dn[0][0]->la_value.bv_len)) == NULL ||
	    ids_mods_new(&m) != 0)
		goto out;
	if (strcasecmp(type, "dc") == 0) {
		ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top", "dcObject",
		    "organization", NULL);
		ids_mods_add(m, LDAP_MOD_ADD, "dc", value, NULL);
		ids_mods_add(m, LDAP_MOD_ADD, "o", value, NULL);
	} else if (strcasecmp(type, "o") == 0) {
		ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top",
		    "organization", NULL);
		ids_mods_add(m, LDAP_MOD_ADD, "o", value, NULL);
	} else if (strcasecmp(type, "ou") == 0) {
		ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top",
		    "organizationalUnit", NULL);
		ids_mods_add(m, LDAP_MOD_ADD, "ou", value, NULL);
	} else {
		snprintf(rep->detail, sizeof(rep->detail), "base %s: create "
		    "this entry first (init makes dc=, o= or ou= only)", base);
		rc = IDS_EINVAL;
		goto out;
	}
	rc = ensure(dir, rep, base, m);
out:
	ids_mods_free(m);
	free(type);
	free(value);
	ldap_dnfree(dn);
	return rc;
}

static int
ensure_ous(struct ids_dir *dir, struct ids_init_report *rep)
{
	struct ids_mods *m = NULL;
	char *dn = NULL;
	int i, rc = IDS_OK;

	for (i = 0; ous[i] != NULL && rc == IDS_OK; i++) {
		if (ids_mods_new(&m) != 0 || ids_dn(&dn, "ou=%s,%D", ous[i],
		    ids_dir_conf(dir)->base) != IDS_OK) {
			rc = IDS_ENOMEM;
			break;
		}
		ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top",
		    "organizationalUnit", NULL);
		ids_mods_add(m, LDAP_MOD_ADD, "ou", ous[i], NULL);
		rc = ensure(dir, rep, dn, m);
		ids_mods_free(m);
		m = NULL;
		free(dn);
		dn = NULL;
	}
	return rc;
}

static int
ensure_counter(struct ids_dir *dir, struct ids_init_report *rep)
{
	struct ids_mods *m = NULL;
	char *dn = NULL;
	int rc = IDS_ENOMEM;

	if (ids_mods_new(&m) != 0 || ids_dn(&dn, IDS_UID_COUNTER_RDN ",%D",
	    ids_dir_conf(dir)->base) != IDS_OK)
		goto out;
	ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top", "idpCounter",
	    NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "cn", "uidnumber", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpNextUidNumber", IDS_FIRST_UID,
	    NULL);
	rc = ensure(dir, rep, dn, m);
out:
	ids_mods_free(m);
	free(dn);
	return rc;
}

/* The decoy counter of unknown-user logins (login.c). */
static int
ensure_unknown_logins(struct ids_dir *dir, struct ids_init_report *rep)
{
	struct ids_mods *m = NULL;
	char *dn = NULL;
	int rc = IDS_ENOMEM;

	if (ids_mods_new(&m) != 0 || ids_dn(&dn, IDS_UNKNOWN_LOGINS_RDN ",%D",
	    ids_dir_conf(dir)->base) != IDS_OK)
		goto out;
	ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top", "idpUserState",
	    NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "cn", "unknown-logins", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpPasswordFailures", "0", NULL);
	rc = ensure(dir, rep, dn, m);
out:
	ids_mods_free(m);
	free(dn);
	return rc;
}

/* The cn value of a "cn=...,..." DN. */
static int
first_cn(const char *dnstr, char **out)
{
	LDAPDN dn = NULL;
	int rc = IDS_EINVAL;

	*out = NULL;
	if (ldap_str2dn(dnstr, &dn, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    dn != NULL && dn[0] != NULL && dn[0][1] == NULL &&
	    dn[0][0]->la_attr.bv_len == 2 &&
	    strncasecmp(dn[0][0]->la_attr.bv_val, "cn", 2) == 0) {
		*out = strndup(dn[0][0]->la_value.bv_val,
		    dn[0][0]->la_value.bv_len);
		rc = *out != NULL ? IDS_OK : IDS_ENOMEM;
	}
	ldap_dnfree(dn);
	return rc;
}

/* Before anything is written: the service account and its password file
 * must agree (both there, both missing, or only the file there), and a
 * present file must pass the secret-file checks. */
static int
check_service(struct ids_dir *dir, struct ids_init_report *rep)
{
	const struct ids_conf *conf = ids_dir_conf(dir);
	int rc, there;

	if (conf->bind_dn == NULL)
		return IDS_OK;
	if ((rc = exists(dir, conf->bind_dn, &there)) != IDS_OK)
		return rc;
	if (access(conf->bind_pw_file, F_OK) == 0)
		return ids_secret_check_file(conf->bind_pw_file, rep->detail,
		    sizeof(rep->detail)) == IDS_OK ? IDS_OK : IDS_ECONF;
	if (!there)
		return IDS_OK;
	snprintf(rep->detail, sizeof(rep->detail), "%s exists but %s is "
	    "missing: restore the file, or set a new password with ldappasswd "
	    "and write it there (0600)", conf->bind_dn, conf->bind_pw_file);
	return IDS_EEXIST;
}

/* The service account at bind_dn, with the password of bind_pw_file.  The
 * file is written only when both it and the entry are missing, and removed
 * again if the entry cannot be added. */
static int
ensure_service(struct ids_dir *dir, struct ids_init_report *rep)
{
	const struct ids_conf *conf = ids_dir_conf(dir);
	struct ids_mods *m = NULL;
	char hash[IDS_SSHA_LEN], *pw = NULL, *cn = NULL;
	int rc, there;

	if (conf->bind_dn == NULL)
		return IDS_OK;
	if ((rc = exists(dir, conf->bind_dn, &there)) != IDS_OK)
		return rc;
	if (access(conf->bind_pw_file, F_OK) == 0) {
		rc = ids_secret_read_file(conf->bind_pw_file, &pw, rep->detail,
		    sizeof(rep->detail));
		if (rc != IDS_OK || there)
			goto out;
	} else if (there) {
		rc = IDS_EEXIST;	/* check_service() said why */
		goto out;
	} else {
		if ((pw = calloc(1, IDS_PASSWORD_MAX + 1)) == NULL) {
			rc = IDS_ENOMEM;
			goto out;
		}
		if ((rc = ids_random_password(pw, IDS_PASSWORD_MAX)) != IDS_OK ||
		    (rc = ids_secret_write_file(conf->bind_pw_file, pw,
		    rep->detail, sizeof(rep->detail))) != IDS_OK)
			goto out;
		rep->wrote_bind_pw_file = 1;
	}
	if ((rc = first_cn(conf->bind_dn, &cn)) != IDS_OK) {
		snprintf(rep->detail, sizeof(rep->detail), "bind_dn %s: init "
		    "creates service accounts named cn=...", conf->bind_dn);
		goto out;
	}
	if ((rc = ids_pwhash_ssha(pw, hash, sizeof(hash))) != IDS_OK)
		goto out;
	if (ids_mods_new(&m) != 0) {
		rc = IDS_ENOMEM;
		goto out;
	}
	ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top",
	    "applicationProcess", "simpleSecurityObject", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "cn", cn, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "description", "idportal host service "
	    "account", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "userPassword", hash, NULL);
	rc = ensure(dir, rep, conf->bind_dn, m);
out:
	if (rc != IDS_OK && rep->wrote_bind_pw_file) {
		unlink(conf->bind_pw_file);
		rep->wrote_bind_pw_file = 0;
	}
	ids_wipe(hash, sizeof(hash));
	ids_mods_free(m);
	ids_free_secret(pw);
	free(cn);
	return rc;
}

/* The admin's entry with a fresh uidNumber and temporary password. */
static int
add_admin(struct ids_dir *dir, struct ids_init_report *rep,
    const char *id, const char *dn, time_t now)
{
	const struct ids_conf *conf = ids_dir_conf(dir);
	struct ids_mods *m = NULL;
	char hash[IDS_SSHA_LEN], uidn[24], deadline[IDS_GENTIME_LEN];
	char home[64], *counter = NULL;
	int64_t uid;
	int rc;

	if ((rc = ids_dn(&counter, IDS_UID_COUNTER_RDN ",%D", conf->base)) !=
	    IDS_OK)
		goto out;
	/* The counter hands out each number once, even to concurrent adds. */
	if ((rc = ids_dir_increment(dir, counter, "idpNextUidNumber", 1,
	    &uid)) != IDS_OK) {
		snprintf(rep->detail, sizeof(rep->detail), "allocating a "
		    "uidNumber: %s", ids_dir_error(dir));
		goto out;
	}
	snprintf(uidn, sizeof(uidn), "%lld", (long long)uid);
	snprintf(home, sizeof(home), "/home/%s", id);
	if ((rc = ids_random_password(rep->temp_password,
	    (size_t)conf->temp_password_length)) != IDS_OK ||
	    (rc = ids_deadline_end_of_next_day(now, conf->timezone,
	    &rep->deadline)) != IDS_OK ||
	    (rc = ids_gentime_format(rep->deadline, deadline,
	    sizeof(deadline))) != IDS_OK ||
	    (rc = ids_pwhash_ssha(rep->temp_password, hash, sizeof(hash))) !=
	    IDS_OK)
		goto out;
	if (ids_mods_new(&m) != 0) {
		rc = IDS_ENOMEM;
		goto out;
	}
	ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top", "inetOrgPerson",
	    "posixAccount", "idpUser", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "uid", id, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "cn", id, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "sn", id, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "displayName", id, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "uidNumber", uidn, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "gidNumber", uidn, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "homeDirectory", home, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "loginShell", "/bin/bash", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpUserType", "individual", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpState", "active", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpRole", "admin", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpTempPassword", "TRUE", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpTempPasswordDeadline", deadline,
	    NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "userPassword", hash, NULL);
	if ((rc = ensure(dir, rep, dn, m)) != IDS_OK)
		ids_wipe(rep->temp_password, sizeof(rep->temp_password));
out:
	ids_wipe(hash, sizeof(hash));
	ids_mods_free(m);
	free(counter);
	return rc;
}

/* cn=state under the user, via the shared helper; recorded if made. */
static int
ensure_state(struct ids_dir *dir, struct ids_init_report *rep,
    const char *user_dn)
{
	char *dn = NULL;
	int rc, created;

	if ((rc = ids_state_ensure(dir, user_dn, &created)) != IDS_OK) {
		snprintf(rep->detail, sizeof(rep->detail), "adding cn=state,"
		    "%s: %s", user_dn, ids_dir_error(dir));
		return rc;
	}
	if (created && rep->ncreated < IDS_INIT_MAX_CREATED &&
	    ids_dn(&dn, "cn=state,%D", user_dn) == IDS_OK)
		rep->created[rep->ncreated++] = dn;
	return IDS_OK;
}

/* The admins group, with user_dn a member (kept if already there). */
static int
ensure_admin_member(struct ids_dir *dir, struct ids_init_report *rep,
    const char *user_dn)
{
	struct ids_mods *m = NULL;
	char *dn = NULL, *filter = NULL;
	LDAPMessage *res = NULL;
	static char *none[] = { "1.1", NULL };
	int rc = IDS_ENOMEM, there;

	if (ids_dn(&dn, IDS_ADMINS_GROUP_RDN ",%D", ids_dir_conf(dir)->base)
	    != IDS_OK || ids_filter(&filter, "(member=%s)", user_dn) !=
	    IDS_OK || ids_mods_new(&m) != 0)
		goto out;
	if ((rc = exists(dir, dn, &there)) != IDS_OK)
		goto out;
	if (!there) {
		ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top",
		    "groupOfNames", NULL);
		ids_mods_add(m, LDAP_MOD_ADD, "cn", "idportal-admins", NULL);
		ids_mods_add(m, LDAP_MOD_ADD, "description", "top-level "
		    "idportal admins", NULL);
		ids_mods_add(m, LDAP_MOD_ADD, "member", user_dn, NULL);
		rc = ensure(dir, rep, dn, m);
		goto out;
	}
	if ((rc = ids_dir_search(dir, dn, LDAP_SCOPE_BASE, filter, none, 1,
	    &res)) != IDS_OK)
		goto out;
	if (ldap_count_entries(ids_dir_ld(dir), res) > 0)
		goto out;
	ids_mods_add(m, LDAP_MOD_ADD, "member", user_dn, NULL);
	if ((rc = ids_dir_modify(dir, dn, ids_mods_get(m))) != IDS_OK)
		snprintf(rep->detail, sizeof(rep->detail), "adding %s to %s: %s",
		    user_dn, dn, ids_dir_error(dir));
out:
	ldap_msgfree(res);
	ids_mods_free(m);
	free(filter);
	free(dn);
	return rc;
}

static int
ensure_admin(struct ids_dir *dir, struct ids_init_report *rep,
    const char *id, time_t now)
{
	struct ids_user *user = NULL;
	char *dn = NULL;
	int rc;

	rc = ids_user_find(dir, id, &user);
	if (rc == IDS_ENOUSER) {
		if ((rc = ids_dn(&dn, "uid=%s,ou=people,%D", id,
		    ids_dir_conf(dir)->base)) != IDS_OK ||
		    (rc = add_admin(dir, rep, id, dn, now)) != IDS_OK)
			goto out;
	} else if (rc != IDS_OK) {
		goto out;
	}
	/* Also mend what an interrupted earlier run left out. */
	if ((rc = ensure_state(dir, rep, user != NULL ? user->dn : dn)) ==
	    IDS_OK)
		rc = ensure_admin_member(dir, rep, user != NULL ? user->dn : dn);
out:
	ids_user_free(user);
	free(dn);
	return rc;
}

int
ids_init_directory(struct ids_dir *dir, const char *admin_id, time_t now,
    struct ids_init_report *rep)
{
	int rc;

	memset(rep, 0, sizeof(*rep));
	if ((rc = ids_id_check(admin_id, rep->detail, sizeof(rep->detail))) !=
	    IDS_OK)
		return rc;
	/* Bind first: a wrong manager password changes nothing. */
	if ((rc = ids_dir_connect(dir)) != IDS_OK) {
		snprintf(rep->detail, sizeof(rep->detail), "%s",
		    ids_dir_error(dir));
		return rc;
	}
	if ((rc = check_service(dir, rep)) != IDS_OK ||
	    (rc = ensure_base(dir, rep)) != IDS_OK ||
	    (rc = ensure_ous(dir, rep)) != IDS_OK ||
	    (rc = ensure_counter(dir, rep)) != IDS_OK ||
	    (rc = ensure_unknown_logins(dir, rep)) != IDS_OK ||
	    (rc = ensure_service(dir, rep)) != IDS_OK ||
	    (rc = ensure_admin(dir, rep, admin_id, now)) != IDS_OK) {
		if (rep->detail[0] == '\0')
			snprintf(rep->detail, sizeof(rep->detail), "%s",
			    ids_dir_error(dir));
	}
	return rc;
}
