/* dir_paged.c: a subtree search read page by page (RFC 2696), on a
 * session of dir.c (through ids_dir_ld()). */
#include "dir_paged.h"
#include "rc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
failed(LDAP *ld, const struct ids_dir *dir, int lrc, char *err,
    size_t errlen)
{
	char *diag = NULL;

	ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	snprintf(err, errlen, "%s: %s%s%s", ids_dir_uri(dir) != NULL ?
	    ids_dir_uri(dir) : "directory", ldap_err2string(lrc),
	    diag != NULL && *diag != '\0' ? ": " : "",
	    diag != NULL ? diag : "");
	ldap_memfree(diag);
	return ids_dir_rc(lrc);
}

/* Read one page's messages: entries to each, then the result, whose
 * cookie (empty at the end) replaces *cookie. */
static int
read_page(struct ids_dir *dir, int msgid, ids_dir_entry_fn each, void *arg,
    struct berval *cookie, char *err, size_t errlen)
{
	LDAP *ld = ids_dir_ld(dir);
	struct timeval tv = { ids_dir_conf(dir)->timeout, 0 };
	LDAPMessage *msg = NULL;
	LDAPControl **ctrls = NULL, *page;
	ber_int_t count;
	int r, code = LDAP_SUCCESS, rc = IDS_OK;

	for (;;) {
		r = ldap_result(ld, msgid, LDAP_MSG_ONE, &tv, &msg);
		if (r <= 0) {
			rc = failed(ld, dir, r == 0 ? LDAP_TIMEOUT :
			    LDAP_SERVER_DOWN, err, errlen);
			goto out;
		}
		if (r == LDAP_RES_SEARCH_RESULT)
			break;
		if (r == LDAP_RES_SEARCH_ENTRY &&
		    (rc = each(arg, ld, msg)) != IDS_OK) {
			snprintf(err, errlen, "%s", ids_strerror(rc));
			ldap_abandon_ext(ld, msgid, NULL, NULL);
			goto out;
		}
		ldap_msgfree(msg);	/* an entry, or a referral: ignored */
		msg = NULL;
	}
	if ((r = ldap_parse_result(ld, msg, &code, NULL, NULL, NULL, &ctrls,
	    0)) != LDAP_SUCCESS || (r = code) != LDAP_SUCCESS) {
		rc = failed(ld, dir, r, err, errlen);
		goto out;
	}
	ber_memfree(cookie->bv_val);
	cookie->bv_val = NULL;
	cookie->bv_len = 0;
	/* No control: the server did not page; this was all of it. */
	if ((page = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, ctrls,
	    NULL)) != NULL && (r = ldap_parse_pageresponse_control(ld, page,
	    &count, cookie)) != LDAP_SUCCESS)
		rc = failed(ld, dir, r, err, errlen);
out:
	ldap_controls_free(ctrls);
	ldap_msgfree(msg);
	return rc;
}

int
ids_dir_search_paged(struct ids_dir *dir, const char *base,
    const char *filter, char **attrs, int pagesize, ids_dir_entry_fn each,
    void *arg, char *err, size_t errlen)
{
	struct timeval tv = { ids_dir_conf(dir)->timeout, 0 };
	struct berval cookie = { 0, NULL };
	LDAPControl *ctrl = NULL, *sctrls[2] = { NULL, NULL };
	LDAP *ld;
	int lrc, msgid, rc;

	if ((rc = ids_dir_connect(dir)) != IDS_OK) {
		snprintf(err, errlen, "%s", ids_dir_error(dir));
		return rc;
	}
	ld = ids_dir_ld(dir);
	do {
		if ((lrc = ldap_create_page_control(ld, pagesize, &cookie, 0,
		    &ctrl)) != LDAP_SUCCESS) {
			rc = failed(ld, dir, lrc, err, errlen);
			break;
		}
		sctrls[0] = ctrl;
		/* tv: the server's time limit for the page, too. */
		lrc = ldap_search_ext(ld, base, LDAP_SCOPE_SUBTREE, filter,
		    attrs, 0, sctrls, NULL, &tv, 0, &msgid);
		ldap_control_free(ctrl);
		ctrl = NULL;
		if (lrc != LDAP_SUCCESS) {
			rc = failed(ld, dir, lrc, err, errlen);
			break;
		}
		rc = read_page(dir, msgid, each, arg, &cookie, err, errlen);
	} while (rc == IDS_OK && cookie.bv_len > 0);
	ber_memfree(cookie.bv_val);
	return rc;
}
