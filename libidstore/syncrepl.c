/* syncrepl.c: RFC 4533 messages applied to a syncset (syncrepl.h).
 *
 * ASN.1 (RFC 4533 2.2-2.5):
 *   syncRequestValue ::= SEQUENCE { mode ENUMERATED, cookie OCTET STRING
 *       OPTIONAL, reloadHint BOOLEAN DEFAULT FALSE }
 *   syncStateValue ::= SEQUENCE { state ENUMERATED { present(0), add(1),
 *       modify(2), delete(3) }, entryUUID OCTET STRING (16), cookie
 *       OCTET STRING OPTIONAL }
 *   syncDoneValue ::= SEQUENCE { cookie OPTIONAL, refreshDeletes BOOLEAN
 *       DEFAULT FALSE }
 *   syncInfoValue ::= CHOICE { newcookie [0] syncCookie,
 *       refreshDelete [1] SEQUENCE { cookie OPTIONAL, refreshDone BOOLEAN
 *           DEFAULT TRUE },
 *       refreshPresent [2] SEQUENCE { (the same) },
 *       syncIdSet [3] SEQUENCE { cookie OPTIONAL, refreshDeletes BOOLEAN
 *           DEFAULT FALSE, syncUUIDs SET OF OCTET STRING (16) } } */
#include "syncrepl.h"
#include "rc.h"

#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *ids_syncrepl_attrs[] = { "objectClass", "entryUUID", "uid",
    "uidNumber", "gidNumber", "gecos", "displayName", "cn",
    "homeDirectory", "loginShell", "idpState", "memberUid", NULL };

static int
by_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
ids_syncrepl_init(struct ids_syncrepl *s, struct ids_syncset *set,
    const struct ids_log *log, const struct berval *cookie)
{
	memset(s, 0, sizeof(*s));
	s->set = set;
	s->log = log;
	if (cookie != NULL && cookie->bv_len > 0) {
		if ((s->cookie.bv_val = malloc(cookie->bv_len)) == NULL)
			return IDS_ENOMEM;
		memcpy(s->cookie.bv_val, cookie->bv_val, cookie->bv_len);
		s->cookie.bv_len = cookie->bv_len;
	}
	return IDS_OK;
}

void
ids_syncrepl_reset(struct ids_syncrepl *s)
{
	free(s->cookie.bv_val);
	s->cookie.bv_val = NULL;
	s->cookie.bv_len = 0;
	tdestroy(s->present, free);
	s->present = NULL;
	s->refresh_done = 0;
	s->changes = 0;
	s->entries = 0;
}

void
ids_syncrepl_uuid_str(const struct berval *u, char out[37])
{
	const unsigned char *b = (const unsigned char *)u->bv_val;

	if (u->bv_len != 16) {
		out[0] = '\0';
		return;
	}
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

int
ids_syncrepl_control(const struct ids_syncrepl *s, int mode,
    LDAPControl **out)
{
	BerElement *ber;
	struct berval val = { 0, NULL };
	int lrc = LDAP_ENCODING_ERROR;

	*out = NULL;
	if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL)
		return LDAP_NO_MEMORY;
	if (ber_printf(ber, "{e", (ber_int_t)mode) == -1 ||
	    (s->cookie.bv_len > 0 && ber_printf(ber, "O", &s->cookie) == -1) ||
	    ber_printf(ber, "N}") == -1 || ber_flatten2(ber, &val, 0) == -1)
		goto out;
	lrc = ldap_control_create(LDAP_CONTROL_SYNC, 1, &val, 1, out);
out:
	ber_free(ber, 1);
	return lrc;
}

static int
set_cookie(struct ids_syncrepl *s, const struct berval *c)
{
	char *v;

	if (c == NULL || c->bv_len == 0)
		return IDS_OK;
	if ((v = malloc(c->bv_len)) == NULL)
		return IDS_ENOMEM;
	memcpy(v, c->bv_val, c->bv_len);
	free(s->cookie.bv_val);
	s->cookie.bv_val = v;
	s->cookie.bv_len = c->bv_len;
	return IDS_OK;
}

/* Remember that the server named uuid during a present-mode refresh. */
static int
mark_present(struct ids_syncrepl *s, const char *uuid)
{
	char *k;
	void *slot;

	if (s->refresh_done)
		return IDS_OK;
	if ((k = strdup(uuid)) == NULL)
		return IDS_ENOMEM;
	if ((slot = tsearch(k, &s->present, by_str)) == NULL) {
		free(k);
		return IDS_ENOMEM;
	}
	if (*(char **)slot != k)
		free(k);
	return IDS_OK;
}

static int
is_present(void *arg, const char *key)
{
	struct ids_syncrepl *s = arg;

	return tfind(key, &s->present, by_str) != NULL;
}

/* The end of a refresh phase: in present mode, what was not named is
 * gone; in delete mode the server named the deletes. */
static void
phase_end(struct ids_syncrepl *s, int present_mode, int done)
{
	size_t n;

	if (present_mode) {
		n = ids_syncset_retain(s->set, is_present, s);
		if (n > 0) {
			s->changes += n;
			ids_log(s->log, LOG_INFO, "refresh: %zu entries gone",
			    n);
		}
	}
	tdestroy(s->present, free);
	s->present = NULL;
	if (done)
		s->refresh_done = 1;
}

int
ids_syncrepl_state(struct ids_syncrepl *s, const struct berval *val,
    LDAP *ld, LDAPMessage *msg, char *err, size_t errlen)
{
	BerElement *ber = NULL;
	struct berval uuid = { 0, NULL }, cookie = { 0, NULL };
	ber_int_t state;
	ber_len_t len;
	char key[37];
	int rc = IDS_EINVAL;

	s->entries++;
	if ((ber = ber_init((struct berval *)val)) == NULL ||
	    ber_scanf(ber, "{em", &state, &uuid) == LBER_ERROR ||
	    uuid.bv_len != 16) {
		snprintf(err, errlen, "a malformed syncState control");
		goto out;
	}
	if (ber_peek_tag(ber, &len) == LDAP_TAG_SYNC_COOKIE &&
	    ber_scanf(ber, "m", &cookie) == LBER_ERROR) {
		snprintf(err, errlen, "a malformed syncState cookie");
		goto out;
	}
	ids_syncrepl_uuid_str(&uuid, key);
	switch (state) {
	case LDAP_SYNC_PRESENT:
		rc = mark_present(s, key);
		break;
	case LDAP_SYNC_ADD:
	case LDAP_SYNC_MODIFY:
		if (msg == NULL) {
			snprintf(err, errlen, "an add without an entry");
			goto out;
		}
		if ((rc = ids_syncset_put(s->set, ld, msg)) == IDS_OK)
			rc = mark_present(s, key);
		s->changes++;
		break;
	case LDAP_SYNC_DELETE:
		ids_syncset_delete(s->set, key);
		s->changes++;
		rc = IDS_OK;
		break;
	default:
		snprintf(err, errlen, "syncState %d", (int)state);
		goto out;
	}
	if (rc == IDS_OK)
		rc = set_cookie(s, &cookie);
out:
	ber_free(ber, 1);
	return rc;
}

static int
on_entry(struct ids_syncrepl *s, LDAP *ld, LDAPMessage *msg, char *err,
    size_t errlen)
{
	LDAPControl **ctrls = NULL, *c;
	int rc;

	if (ldap_get_entry_controls(ld, msg, &ctrls) != LDAP_SUCCESS ||
	    (c = ldap_control_find(LDAP_CONTROL_SYNC_STATE, ctrls, NULL)) ==
	    NULL) {
		snprintf(err, errlen, "an entry without a syncState control");
		rc = IDS_EINVAL;
	} else
		rc = ids_syncrepl_state(s, &c->ldctl_value, ld, msg, err,
		    errlen);
	ldap_controls_free(ctrls);
	return rc;
}

/* syncIdSet: UUIDs deleted (refreshDeletes) or present. */
static int
id_set(struct ids_syncrepl *s, BerVarray ids, int deletes)
{
	char key[37];
	size_t i;
	int rc;

	for (i = 0; ids != NULL && ids[i].bv_val != NULL; i++) {
		if (ids[i].bv_len != 16)
			return IDS_EINVAL;
		ids_syncrepl_uuid_str(&ids[i], key);
		if (deletes) {
			ids_syncset_delete(s->set, key);
			s->changes++;
		} else if ((rc = mark_present(s, key)) != IDS_OK)
			return rc;
	}
	return IDS_OK;
}

int
ids_syncrepl_info(struct ids_syncrepl *s, const struct berval *data,
    char *err, size_t errlen)
{
	struct berval cookie = { 0, NULL };
	BerVarray ids = NULL;
	BerElement *ber = NULL;
	ber_tag_t tag;
	ber_len_t len;
	ber_int_t flag;
	int rc = IDS_EINVAL;

	if (data == NULL || (ber = ber_init((struct berval *)data)) == NULL) {
		snprintf(err, errlen, "a syncInfo without a value");
		goto out;
	}
	switch ((tag = ber_peek_tag(ber, &len))) {
	case LDAP_TAG_SYNC_NEW_COOKIE:
		if (ber_scanf(ber, "m", &cookie) == LBER_ERROR)
			break;
		rc = set_cookie(s, &cookie);
		break;
	case LDAP_TAG_SYNC_REFRESH_DELETE:
	case LDAP_TAG_SYNC_REFRESH_PRESENT:
		if (ber_scanf(ber, "{") == LBER_ERROR)
			break;
		if (ber_peek_tag(ber, &len) == LDAP_TAG_SYNC_COOKIE &&
		    ber_scanf(ber, "m", &cookie) == LBER_ERROR)
			break;
		flag = 1;	/* refreshDone DEFAULT TRUE */
		if (ber_peek_tag(ber, &len) == LDAP_TAG_REFRESHDONE &&
		    ber_scanf(ber, "b", &flag) == LBER_ERROR)
			break;
		phase_end(s, tag == LDAP_TAG_SYNC_REFRESH_PRESENT, flag != 0);
		rc = set_cookie(s, &cookie);
		break;
	case LDAP_TAG_SYNC_ID_SET:
		if (ber_scanf(ber, "{") == LBER_ERROR)
			break;
		if (ber_peek_tag(ber, &len) == LDAP_TAG_SYNC_COOKIE &&
		    ber_scanf(ber, "m", &cookie) == LBER_ERROR)
			break;
		flag = 0;	/* refreshDeletes DEFAULT FALSE */
		if (ber_peek_tag(ber, &len) == LDAP_TAG_REFRESHDELETES &&
		    ber_scanf(ber, "b", &flag) == LBER_ERROR)
			break;
		if (ber_scanf(ber, "[W]}", &ids) == LBER_ERROR)
			break;
		if ((rc = id_set(s, ids, flag != 0)) == IDS_OK)
			rc = set_cookie(s, &cookie);
		break;
	default:
		break;
	}
	if (rc == IDS_EINVAL)
		snprintf(err, errlen, "a malformed syncInfo (tag 0x%lx)",
		    (unsigned long)tag);
out:
	ber_bvarray_free(ids);
	ber_free(ber, 1);
	return rc;
}

static int
on_info(struct ids_syncrepl *s, LDAP *ld, LDAPMessage *msg, char *err,
    size_t errlen)
{
	char *oid = NULL;
	struct berval *data = NULL;
	int rc = IDS_OK;	/* another intermediate: ignored */

	if (ldap_parse_intermediate(ld, msg, &oid, &data, NULL, 0) ==
	    LDAP_SUCCESS && oid != NULL && strcmp(oid, LDAP_SYNC_INFO) == 0)
		rc = ids_syncrepl_info(s, data, err, errlen);
	ber_bvfree(data);
	ldap_memfree(oid);
	return rc;
}

static int
on_result(struct ids_syncrepl *s, LDAP *ld, LDAPMessage *msg, int *code,
    char *err, size_t errlen)
{
	LDAPControl **ctrls = NULL, *c;
	char *diag = NULL;
	int rc = IDS_OK;

	if (ldap_parse_result(ld, msg, code, NULL, &diag, NULL, &ctrls, 0) !=
	    LDAP_SUCCESS) {
		snprintf(err, errlen, "an unreadable search result");
		rc = IDS_EINVAL;
		goto out;
	}
	if (*code != LDAP_SUCCESS) {
		snprintf(err, errlen, "%s%s%s", ldap_err2string(*code),
		    diag != NULL && *diag != '\0' ? ": " : "",
		    diag != NULL ? diag : "");
		goto out;
	}
	if ((c = ldap_control_find(LDAP_CONTROL_SYNC_DONE, ctrls, NULL)) !=
	    NULL)
		rc = ids_syncrepl_done(s, &c->ldctl_value, err, errlen);
out:
	ldap_controls_free(ctrls);
	ldap_memfree(diag);
	return rc;
}

int
ids_syncrepl_done(struct ids_syncrepl *s, const struct berval *val,
    char *err, size_t errlen)
{
	BerElement *ber;
	struct berval cookie = { 0, NULL };
	ber_len_t len;
	ber_int_t deletes = 0;
	int rc;

	if ((ber = ber_init((struct berval *)val)) == NULL ||
	    ber_scanf(ber, "{") == LBER_ERROR ||
	    (ber_peek_tag(ber, &len) == LDAP_TAG_SYNC_COOKIE &&
	    ber_scanf(ber, "m", &cookie) == LBER_ERROR) ||
	    (ber_peek_tag(ber, &len) == LDAP_TAG_REFRESHDELETES &&
	    ber_scanf(ber, "b", &deletes) == LBER_ERROR)) {
		snprintf(err, errlen, "a malformed syncDone control");
		ber_free(ber, 1);
		return IDS_EINVAL;
	}
	phase_end(s, !deletes, 1);
	rc = set_cookie(s, &cookie);
	ber_free(ber, 1);
	return rc;
}

int
ids_syncrepl_message(struct ids_syncrepl *s, LDAP *ld, LDAPMessage *msg,
    int *what, int *code, char *err, size_t errlen)
{
	*what = IDS_SYNCREPL_MORE;
	*code = LDAP_SUCCESS;
	switch (ldap_msgtype(msg)) {
	case LDAP_RES_SEARCH_ENTRY:
		return on_entry(s, ld, msg, err, errlen);
	case LDAP_RES_INTERMEDIATE:
		return on_info(s, ld, msg, err, errlen);
	case LDAP_RES_SEARCH_RESULT:
		*what = IDS_SYNCREPL_END;
		return on_result(s, ld, msg, code, err, errlen);
	default:
		return IDS_OK;	/* a referral: not followed */
	}
}
