/* dir.c: connection with failover, TLS and bind; the few operations the
 * rest of the library needs, each bounded by `timeout`. */
#include "dir.h"
#include "rc.h"
#include "secret.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ids_dir {
	const struct ids_conf	*conf;
	const struct ids_log	*log;
	char			**uris;		/* borrowed from conf */
	LDAP			*ld;
	int			 current;	/* index into uris, -1 if none */
	char			*bind_dn;	/* set_bind(), else NULL */
	char			*bind_pw;
	int			 have_bind;
	char			 err[1024];
};

int
ids_dir_open(const struct ids_conf *conf, const struct ids_log *log,
    int which, struct ids_dir **out)
{
	struct ids_dir *dir;

	*out = NULL;
	if ((dir = calloc(1, sizeof(*dir))) == NULL)
		return IDS_ENOMEM;
	dir->conf = conf;
	dir->log = log;
	dir->uris = which == IDS_DIR_WRITER ? conf->write_uri : conf->uri;
	dir->current = -1;
	*out = dir;
	return IDS_OK;
}

static void
disconnect(struct ids_dir *dir)
{
	if (dir->ld != NULL)
		ldap_unbind_ext_s(dir->ld, NULL, NULL);
	dir->ld = NULL;
}

void
ids_dir_close(struct ids_dir *dir)
{
	if (dir == NULL)
		return;
	disconnect(dir);
	free(dir->bind_dn);
	ids_free_secret(dir->bind_pw);
	free(dir);
}

int
ids_dir_set_bind(struct ids_dir *dir, const char *dn, const char *pw)
{
	char *d = NULL, *p = NULL;

	if ((dn != NULL && (d = strdup(dn)) == NULL) ||
	    (pw != NULL && (p = strdup(pw)) == NULL)) {
		free(d);
		return IDS_ENOMEM;
	}
	free(dir->bind_dn);
	ids_free_secret(dir->bind_pw);
	dir->bind_dn = d;
	dir->bind_pw = p;
	dir->have_bind = 1;
	return IDS_OK;
}

const char *
ids_dir_error(const struct ids_dir *dir)
{
	return dir->err[0] != '\0' ? dir->err : "no error";
}

const char *
ids_dir_uri(const struct ids_dir *dir)
{
	return dir->ld != NULL && dir->current >= 0 ?
	    dir->uris[dir->current] : NULL;
}

const struct ids_conf *
ids_dir_conf(const struct ids_dir *dir)
{
	return dir->conf;
}

LDAP *
ids_dir_ld(struct ids_dir *dir)
{
	return dir->ld;
}

/* Append "uri: what" to the error line. */
static void
note(struct ids_dir *dir, const char *uri, LDAP *ld, int lrc)
{
	char *diag = NULL;
	size_t len = strlen(dir->err);

	if (ld != NULL)
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	snprintf(dir->err + len, sizeof(dir->err) - len, "%s%s: %s%s%s",
	    len > 0 ? "; " : "", uri, ldap_err2string(lrc),
	    diag != NULL && *diag != '\0' ? ": " : "",
	    diag != NULL ? diag : "");
	ldap_memfree(diag);
}

int
ids_dir_rc(int lrc)
{
	switch (lrc) {
	case LDAP_SUCCESS:
		return IDS_OK;
	case LDAP_NO_MEMORY:
		return IDS_ENOMEM;
	case LDAP_SERVER_DOWN:
	case LDAP_CONNECT_ERROR:
	case LDAP_UNAVAILABLE:
	case LDAP_BUSY:
		return IDS_EUNAVAIL;
	case LDAP_TIMEOUT:
	case LDAP_TIMELIMIT_EXCEEDED:
		return IDS_ETIMEOUT;
	case LDAP_INVALID_CREDENTIALS:
		return IDS_EBADCRED;
	case LDAP_INSUFFICIENT_ACCESS:
	case LDAP_STRONG_AUTH_REQUIRED:
	case LDAP_CONFIDENTIALITY_REQUIRED:
	case LDAP_INAPPROPRIATE_AUTH:
	case LDAP_UNWILLING_TO_PERFORM:
		return IDS_EPERM;
	case LDAP_NO_SUCH_OBJECT:
		return IDS_ENOTFOUND;
	case LDAP_NO_SUCH_ATTRIBUTE:	/* a value to delete was gone */
	case LDAP_ASSERTION_FAILED:
		return IDS_ECHANGED;
	case LDAP_ALREADY_EXISTS:
	case LDAP_TYPE_OR_VALUE_EXISTS:
		return IDS_EEXIST;
	default:
		return IDS_EDIR;
	}
}

/* Connection-level failures: worth trying the next URI. */
static int
is_connection_error(int rc)
{
	return rc == IDS_EUNAVAIL || rc == IDS_ETIMEOUT || rc == IDS_ETLS;
}

static int
set_options(const struct ids_conf *conf, LDAP *ld)
{
	struct timeval tv = { conf->timeout, 0 };
	int v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;

	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3) ||
	    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv) ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv) ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) ||
	    ldap_set_option(ld, LDAP_OPT_RESTART, LDAP_OPT_ON) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand) ||
	    (conf->tls_ca_file != NULL && ldap_set_option(ld,
	    LDAP_OPT_X_TLS_CACERTFILE, conf->tls_ca_file)) ||
	    /* TLS options take effect only in a new context. */
	    ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero))
		return LDAP_LOCAL_ERROR;
	return LDAP_SUCCESS;
}

/* Open a handle to uri with TLS as configured; no bind yet. */
static int
open_uri(struct ids_dir *dir, const char *uri, LDAP **out)
{
	LDAP *ld = NULL;
	int lrc, rc;

	*out = NULL;
	if ((lrc = ldap_initialize(&ld, uri)) != LDAP_SUCCESS ||
	    (lrc = set_options(dir->conf, ld)) != LDAP_SUCCESS) {
		note(dir, uri, NULL, lrc);
		rc = lrc == LDAP_NO_MEMORY ? IDS_ENOMEM : IDS_ECONF;
		goto out;
	}
	if (strncmp(uri, "ldap://", 7) == 0 &&
	    dir->conf->tls == IDS_TLS_STARTTLS &&
	    (lrc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS) {
		note(dir, uri, ld, lrc);
		rc = ids_dir_rc(lrc);
		/* A refused or failed handshake, not a dead server. */
		if (rc != IDS_ETIMEOUT)
			rc = IDS_ETLS;
		if (lrc == LDAP_SERVER_DOWN)
			rc = IDS_EUNAVAIL;
		goto out;
	}
	*out = ld;
	ld = NULL;
	rc = IDS_OK;
out:
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	return rc;
}

int
ids_dir_probe(const struct ids_conf *conf, const char *uri, char *err,
    size_t errlen)
{
	struct ids_dir probe = { .conf = conf, .current = -1 };
	struct timeval tv = { conf->timeout, 0 };
	char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	LDAP *ld = NULL;
	size_t n;
	int lrc, rc;

	if ((rc = open_uri(&probe, uri, &ld)) != IDS_OK)
		goto out;
	/* ldaps:// and a plain connection are opened by the first request:
	 * the root DSE, anonymously (a refusal still means it answered). */
	lrc = ldap_search_ext_s(ld, "", LDAP_SCOPE_BASE, "(objectClass=*)",
	    none, 0, NULL, NULL, &tv, 1, &res);
	rc = ids_dir_rc(lrc);
	if (is_connection_error(rc)) {
		note(&probe, uri, ld, lrc);
		/* a handshake that failed on an ldaps:// connection */
		if (rc == IDS_EUNAVAIL && lrc == LDAP_CONNECT_ERROR &&
		    strncmp(uri, "ldaps://", 8) == 0)
			rc = IDS_ETLS;
	} else {
		rc = IDS_OK;
	}
out:
	/* the caller names the uri already: only what happened */
	n = strlen(uri);
	snprintf(err, errlen, "%s", strncmp(probe.err, uri, n) == 0 &&
	    probe.err[n] == ':' ? probe.err + n + 2 : probe.err);
	ldap_msgfree(res);
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	return rc;
}

static int
simple_bind(LDAP *ld, const char *dn, const char *pw)
{
	struct berval cred;

	cred.bv_val = (char *)pw;
	cred.bv_len = pw != NULL ? strlen(pw) : 0;
	return ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
	    NULL);
}

/* Bind the session's handle as configured. */
static int
bind_session(struct ids_dir *dir, const char *uri, LDAP *ld)
{
	char *pw = NULL;
	int lrc, rc;

	if (dir->have_bind) {
		lrc = simple_bind(ld, dir->bind_dn, dir->bind_pw);
	} else if (dir->conf->bind_dn != NULL) {
		size_t len = strlen(dir->err);

		rc = ids_secret_read_file(dir->conf->bind_pw_file, &pw,
		    dir->err + len, sizeof(dir->err) - len);
		if (rc != IDS_OK)
			return rc == IDS_ENOMEM ? rc : IDS_ECONF;
		lrc = simple_bind(ld, dir->conf->bind_dn, pw);
		ids_free_secret(pw);
	} else if (strncmp(uri, "ldapi://", 8) == 0) {
		/* An initial response that is present but empty: "no
		 * authorization identity".  Absent, slapd answers with a
		 * challenge and the exchange never ends. */
		struct berval empty = { 0, (char *)"" };

		lrc = ldap_sasl_bind_s(ld, NULL, "EXTERNAL", &empty, NULL,
		    NULL, NULL);
	} else {
		return IDS_OK;	/* anonymous */
	}
	if (lrc != LDAP_SUCCESS)
		note(dir, uri, ld, lrc);
	return ids_dir_rc(lrc);
}

int
ids_dir_connect(struct ids_dir *dir)
{
	LDAP *ld;
	int i, rc = IDS_EUNAVAIL;

	if (dir->ld != NULL)
		return IDS_OK;
	dir->err[0] = '\0';
	for (i = 0; dir->uris[i] != NULL; i++) {
		if ((rc = open_uri(dir, dir->uris[i], &ld)) != IDS_OK) {
			if (!is_connection_error(rc))
				break;
			if (dir->uris[i + 1] != NULL)
				ids_log(dir->log, LOG_NOTICE, "%s: %s, trying "
				    "the next server", dir->uris[i],
				    ids_strerror(rc));
			continue;
		}
		rc = bind_session(dir, dir->uris[i], ld);
		if (rc == IDS_OK) {
			dir->ld = ld;
			dir->current = i;
			return IDS_OK;
		}
		ldap_unbind_ext_s(ld, NULL, NULL);
		if (!is_connection_error(rc))
			break;
	}
	return rc;
}

/* After an operation failed with lrc: note it, and drop a connection
 * that broke so the next request reconnects (to the next URI). */
static int
failed(struct ids_dir *dir, int lrc)
{
	note(dir, dir->uris[dir->current], dir->ld, lrc);
	if (lrc == LDAP_SERVER_DOWN || lrc == LDAP_TIMEOUT)
		disconnect(dir);
	return ids_dir_rc(lrc);
}

int
ids_dir_search(struct ids_dir *dir, const char *base, int scope,
    const char *filter, char **attrs, int sizelimit, LDAPMessage **res)
{
	struct timeval tv = { dir->conf->timeout, 0 };
	int attempt, lrc, rc = IDS_EUNAVAIL;

	*res = NULL;
	/* A search is safe to repeat: once more if the connection broke. */
	for (attempt = 0; attempt < 2; attempt++) {
		if ((rc = ids_dir_connect(dir)) != IDS_OK)
			break;
		dir->err[0] = '\0';
		lrc = ldap_search_ext_s(dir->ld, base, scope, filter, attrs, 0,
		    NULL, NULL, &tv, sizelimit, res);
		if (lrc == LDAP_SUCCESS)
			return IDS_OK;
		ldap_msgfree(*res);
		*res = NULL;
		rc = failed(dir, lrc);
		if (!is_connection_error(rc))
			break;
	}
	return rc;
}

int
ids_dir_add(struct ids_dir *dir, const char *dn, LDAPMod **mods)
{
	int lrc, rc;

	if ((rc = ids_dir_connect(dir)) != IDS_OK)
		return rc;
	dir->err[0] = '\0';
	lrc = ldap_add_ext_s(dir->ld, dn, mods, NULL, NULL);
	return lrc == LDAP_SUCCESS ? IDS_OK : failed(dir, lrc);
}

int
ids_dir_modify(struct ids_dir *dir, const char *dn, LDAPMod **mods)
{
	int lrc, rc;

	if ((rc = ids_dir_connect(dir)) != IDS_OK)
		return rc;
	dir->err[0] = '\0';
	lrc = ldap_modify_ext_s(dir->ld, dn, mods, NULL, NULL);
	return lrc == LDAP_SUCCESS ? IDS_OK : failed(dir, lrc);
}

int
ids_dir_modify_if(struct ids_dir *dir, const char *dn, LDAPMod **mods,
    const char *assertion)
{
	struct berval value = { 0, NULL };
	LDAPControl *ctrl = NULL, *ctrls[2] = { NULL, NULL };
	int lrc, rc;

	if ((rc = ids_dir_connect(dir)) != IDS_OK)
		return rc;
	dir->err[0] = '\0';
	/* RFC 4528: the server applies the modify only if the entry still
	 * matches, in the same operation */
	if ((lrc = ldap_create_assertion_control_value(dir->ld,
	    (char *)assertion, &value)) == LDAP_SUCCESS &&
	    (lrc = ldap_control_create(LDAP_CONTROL_ASSERT, 1, &value, 1,
	    &ctrl)) == LDAP_SUCCESS) {
		ctrls[0] = ctrl;
		lrc = ldap_modify_ext_s(dir->ld, dn, mods, ctrls, NULL);
	}
	ldap_control_free(ctrl);
	ber_memfree(value.bv_val);
	return lrc == LDAP_SUCCESS ? IDS_OK : failed(dir, lrc);
}

int
ids_dir_delete(struct ids_dir *dir, const char *dn)
{
	int lrc, rc;

	if ((rc = ids_dir_connect(dir)) != IDS_OK)
		return rc;
	dir->err[0] = '\0';
	lrc = ldap_delete_ext_s(dir->ld, dn, NULL, NULL);
	return lrc == LDAP_SUCCESS ? IDS_OK : failed(dir, lrc);
}

/* The value of attr in a pre-read control's entry (RFC 4527 encodes it
 * as a SearchResultEntry: dn, then a sequence of {type, set of values}). */
static int
pre_read_value(LDAPControl *ctrl, const char *attr, int64_t *out)
{
	BerElement *ber;
	struct berval dn, type, *vals = NULL;
	char buf[32];
	int rc = IDS_EDIR;

	if ((ber = ber_init(&ctrl->ldctl_value)) == NULL)
		return IDS_ENOMEM;
	if (ber_scanf(ber, "{m{", &dn) == LBER_ERROR)
		goto out;
	while (ber_scanf(ber, "{m[W]}", &type, &vals) != LBER_ERROR) {
		if (strlen(attr) == type.bv_len &&
		    strncasecmp(attr, type.bv_val, type.bv_len) == 0 &&
		    vals != NULL && vals[0].bv_len > 0 &&
		    vals[0].bv_len < sizeof(buf)) {
			memcpy(buf, vals[0].bv_val, vals[0].bv_len);
			buf[vals[0].bv_len] = '\0';
			*out = strtoll(buf, NULL, 10);
			rc = IDS_OK;
		}
		ber_bvarray_free(vals);
		vals = NULL;
		if (rc == IDS_OK)
			break;
	}
out:
	ber_free(ber, 1);
	return rc;
}

/* RFC 4527: the control value is a SEQUENCE OF attribute names. */
static int
pre_read_control(char **attrs, LDAPControl **out)
{
	BerElement *ber;
	struct berval bv = { 0, NULL };
	int lrc = LDAP_NO_MEMORY;

	*out = NULL;
	if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL)
		return LDAP_NO_MEMORY;
	if (ber_printf(ber, "{v}", attrs) != -1 && ber_flatten2(ber, &bv, 0)
	    != -1)
		lrc = ldap_control_create(LDAP_CONTROL_PRE_READ, 1, &bv, 1,
		    out);
	ber_free(ber, 1);
	return lrc;
}

int
ids_dir_increment(struct ids_dir *dir, const char *dn, const char *attr,
    int64_t delta, int64_t *before)
{
	char num[32], *vals[2] = { num, NULL }, *want[2] = { (char *)attr,
	    NULL };
	LDAPMod mod = { LDAP_MOD_INCREMENT, (char *)attr, { vals } };
	LDAPMod *mods[2] = { &mod, NULL };
	LDAPControl *pre = NULL, *sctrls[2] = { NULL, NULL }, **rctrls = NULL;
	LDAPControl *found;
	LDAPMessage *res = NULL;
	struct timeval tv = { dir->conf->timeout, 0 };
	int lrc, err = LDAP_SUCCESS, msgid, rc;

	snprintf(num, sizeof(num), "%lld", (long long)delta);
	if ((rc = ids_dir_connect(dir)) != IDS_OK)
		return rc;
	dir->err[0] = '\0';
	if (before != NULL) {
		if ((lrc = pre_read_control(want, &pre)) != LDAP_SUCCESS) {
			rc = failed(dir, lrc);
			goto out;
		}
		sctrls[0] = pre;
	}
	lrc = ldap_modify_ext(dir->ld, dn, mods, sctrls, NULL, &msgid);
	if (lrc == LDAP_SUCCESS) {
		lrc = ldap_result(dir->ld, msgid, LDAP_MSG_ALL, &tv, &res);
		lrc = lrc == 0 ? LDAP_TIMEOUT : lrc < 0 ? LDAP_SERVER_DOWN :
		    ldap_parse_result(dir->ld, res, &err, NULL, NULL, NULL,
		    &rctrls, 0);
	}
	if (lrc == LDAP_SUCCESS)
		lrc = err;
	if (lrc != LDAP_SUCCESS) {
		rc = failed(dir, lrc);
		goto out;
	}
	rc = IDS_OK;
	if (before != NULL) {
		found = ldap_control_find(LDAP_CONTROL_PRE_READ, rctrls, NULL);
		rc = found != NULL ? pre_read_value(found, attr, before) :
		    IDS_EDIR;
		if (rc != IDS_OK)
			snprintf(dir->err, sizeof(dir->err), "%s: no pre-read "
			    "value of %s", dn, attr);
	}
out:
	ldap_controls_free(rctrls);
	ldap_control_free(pre);
	ldap_msgfree(res);
	return rc;
}

/* ldap_passwd_s insists on somewhere to put a server-made password; we
 * always send one, so there is none, but wipe whatever came. */
static void
drop_generated(struct berval *bv)
{
	if (bv->bv_val != NULL) {
		ids_wipe(bv->bv_val, bv->bv_len);
		ber_memfree(bv->bv_val);
	}
}

int
ids_dir_passwd(struct ids_dir *dir, const char *dn, const char *pw)
{
	struct berval user, newpw, generated = { 0, NULL };
	int lrc, rc;

	if ((rc = ids_dir_connect(dir)) != IDS_OK)
		return rc;
	dir->err[0] = '\0';
	user.bv_val = (char *)dn;
	user.bv_len = strlen(dn);
	newpw.bv_val = (char *)pw;
	newpw.bv_len = strlen(pw);
	lrc = ldap_passwd_s(dir->ld, &user, NULL, &newpw, &generated, NULL,
	    NULL);
	drop_generated(&generated);
	return lrc == LDAP_SUCCESS ? IDS_OK : failed(dir, lrc);
}

/* A fresh connection bound as dn with pw, trying the URIs from the one in
 * use.  *out is the bound handle, or NULL with the error returned. */
static int
user_connection(struct ids_dir *dir, const char *dn, const char *pw,
    LDAP **out, const char **used)
{
	LDAP *ld = NULL;
	int i, n, start, lrc, rc = IDS_EUNAVAIL;

	*out = NULL;
	if (pw == NULL || *pw == '\0')
		return IDS_EBADCRED;
	for (n = 0; dir->uris[n] != NULL; n++)
		;
	/* Start where the session is connected: skip servers known dead. */
	start = dir->current >= 0 ? dir->current : 0;
	dir->err[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *uri = dir->uris[(start + i) % n];

		if ((rc = open_uri(dir, uri, &ld)) != IDS_OK) {
			if (!is_connection_error(rc))
				break;
			continue;
		}
		lrc = simple_bind(ld, dn, pw);
		if ((rc = ids_dir_rc(lrc)) == IDS_OK) {
			*out = ld;
			*used = uri;
			return IDS_OK;
		}
		if (rc != IDS_EBADCRED)
			note(dir, uri, ld, lrc);
		ldap_unbind_ext_s(ld, NULL, NULL);
		ld = NULL;
		if (!is_connection_error(rc))
			break;
	}
	return rc;
}

int
ids_dir_check_password(struct ids_dir *dir, const char *dn, const char *pw)
{
	const char *uri;
	LDAP *ld;
	int rc;

	rc = user_connection(dir, dn, pw, &ld, &uri);
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	return rc;
}

int
ids_dir_change_password(struct ids_dir *dir, const char *dn,
    const char *oldpw, const char *newpw)
{
	struct berval user, old, new, generated = { 0, NULL };
	const char *uri;
	LDAP *ld;
	int lrc, rc;

	if ((rc = user_connection(dir, dn, oldpw, &ld, &uri)) != IDS_OK)
		return rc;
	user.bv_val = (char *)dn;
	user.bv_len = strlen(dn);
	old.bv_val = (char *)oldpw;
	old.bv_len = strlen(oldpw);
	new.bv_val = (char *)newpw;
	new.bv_len = strlen(newpw);
	lrc = ldap_passwd_s(ld, &user, &old, &new, &generated, NULL, NULL);
	drop_generated(&generated);
	if (lrc != LDAP_SUCCESS)
		note(dir, uri, ld, lrc);
	ldap_unbind_ext_s(ld, NULL, NULL);
	return ids_dir_rc(lrc);
}

char *
ids_dir_get(struct ids_dir *dir, LDAPMessage *entry, const char *attr)
{
	struct berval **vals;
	char *v = NULL;

	vals = ldap_get_values_len(dir->ld, entry, attr);
	if (vals != NULL && vals[0] != NULL)
		v = strndup(vals[0]->bv_val, vals[0]->bv_len);
	ldap_value_free_len(vals);
	return v;
}
