/* diag.c: schema, search and TLS questions for `idportal check`. */
#include "diag.h"
#include "rc.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap_schema.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

int
ids_diag_schema_knows(struct ids_dir *dir, const char *name, int *known,
    char **subentry)
{
	char *at[] = { "subschemaSubentry", NULL };
	char *oc[] = { "objectClasses", NULL }, *sub = NULL;
	LDAPMessage *res = NULL, *e;
	struct berval **vals = NULL;
	LDAPObjectClass *o;
	const char *cerr;
	int i, j, code, rc;

	*known = 0;
	*subentry = NULL;
	if ((rc = ids_dir_search(dir, "", LDAP_SCOPE_BASE, "(objectClass=*)",
	    at, 1, &res)) != IDS_OK)
		goto out;
	if ((e = ldap_first_entry(ids_dir_ld(dir), res)) == NULL ||
	    (sub = ids_dir_get(dir, e, at[0])) == NULL) {
		rc = IDS_ENOTFOUND;
		goto out;
	}
	ldap_msgfree(res);
	if ((rc = ids_dir_search(dir, sub, LDAP_SCOPE_BASE,
	    "(objectClass=subschema)", oc, 1, &res)) != IDS_OK)
		goto out;
	if ((e = ldap_first_entry(ids_dir_ld(dir), res)) == NULL) {
		rc = IDS_ENOTFOUND;
		goto out;
	}
	/* Parsed, not grepped: a name may be one of several, in any case. */
	vals = ldap_get_values_len(ids_dir_ld(dir), e, oc[0]);
	for (i = 0; vals != NULL && vals[i] != NULL && !*known; i++) {
		if ((o = ldap_str2objectclass(vals[i]->bv_val, &code, &cerr,
		    LDAP_SCHEMA_ALLOW_ALL)) == NULL)
			continue;
		for (j = 0; o->oc_names != NULL && o->oc_names[j] != NULL; j++)
			if (strcasecmp(o->oc_names[j], name) == 0)
				*known = 1;
		ldap_objectclass_free(o);
	}
	*subentry = sub;
	sub = NULL;
out:
	ldap_value_free_len(vals);
	ldap_msgfree(res);
	free(sub);
	return rc;
}

int
ids_diag_search_allowed(struct ids_dir *dir, const char *base,
    const char *filter, int *seen)
{
	struct timeval tv = { ids_dir_conf(dir)->timeout, 0 };
	char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	int lrc, rc;

	*seen = 0;
	if ((rc = ids_dir_connect(dir)) != IDS_OK)
		return rc;
	/* On the handle itself: a size limit of 1 that is hit is an answer
	 * here, where ids_dir_search() would call it an error. */
	lrc = ldap_search_ext_s(ids_dir_ld(dir), base, LDAP_SCOPE_ONELEVEL,
	    filter, none, 0, NULL, NULL, &tv, 1, &res);
	if (lrc == LDAP_SUCCESS || lrc == LDAP_SIZELIMIT_EXCEEDED) {
		*seen = ldap_count_entries(ids_dir_ld(dir), res) > 0;
		rc = IDS_OK;
	} else {
		rc = ids_dir_rc(lrc);
	}
	ldap_msgfree(res);
	return rc;
}

/* A handshake with uri that does not verify; *der gets the server's
 * certificate.  IDS_ETLS if even that fails. */
static int
unverified_peer(const struct ids_conf *conf, const char *uri,
    struct berval *der)
{
	struct timeval tv = { conf->timeout, 0 };
	int v3 = LDAP_VERSION3, allow = LDAP_OPT_X_TLS_ALLOW, zero = 0;
	char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	LDAP *ld = NULL;
	int lrc, rc = IDS_ETLS;

	der->bv_val = NULL;
	der->bv_len = 0;
	if (ldap_initialize(&ld, uri) != LDAP_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3) ||
	    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv) ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &allow) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero))
		goto out;
	if (strncmp(uri, "ldaps://", 8) == 0)
		lrc = ldap_search_ext_s(ld, "", LDAP_SCOPE_BASE,
		    "(objectClass=*)", none, 0, NULL, NULL, &tv, 1, &res);
	else
		lrc = ldap_start_tls_s(ld, NULL, NULL);
	if (lrc != LDAP_SUCCESS && ids_dir_rc(lrc) != IDS_EPERM &&
	    ids_dir_rc(lrc) != IDS_ENOTFOUND)
		goto out;
	if (ldap_get_option(ld, LDAP_OPT_X_TLS_PEERCERT, der) ==
	    LDAP_OPT_SUCCESS && der->bv_val != NULL)
		rc = IDS_OK;
out:
	ldap_msgfree(res);
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	return rc;
}

/* The certificate against the CA file and the host, as libldap would. */
static void
judge(const struct ids_conf *conf, const char *uri, X509 *cert, char *why,
    size_t len)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	LDAPURLDesc *lud = NULL;
	unsigned char ip[16];
	const char *host;
	int ok;

	if ((store = X509_STORE_new()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL) {
		snprintf(why, len, "certificate verify failed");
		goto out;
	}
	if (X509_STORE_load_file(store, conf->tls_ca_file) != 1) {
		snprintf(why, len, "certificate verify failed: cannot load %s",
		    conf->tls_ca_file);
		goto out;
	}
	if (X509_STORE_CTX_init(ctx, store, cert, NULL) != 1 ||
	    X509_verify_cert(ctx) != 1) {
		snprintf(why, len, "certificate verify failed: %s: "
		    "tls_ca_file (%s) must hold the CA that signed the "
		    "server's certificate", X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(ctx)), conf->tls_ca_file);
		goto out;
	}
	if (ldap_url_parse(uri, &lud) != LDAP_SUCCESS || lud->lud_host ==
	    NULL || *lud->lud_host == '\0') {
		snprintf(why, len, "certificate verify failed");
		goto out;
	}
	host = lud->lud_host;
	if (inet_pton(AF_INET, host, ip) == 1 ||
	    inet_pton(AF_INET6, host, ip) == 1)
		ok = X509_check_ip_asc(cert, host, 0) == 1;
	else
		ok = X509_check_host(cert, host, 0, 0, NULL) == 1;
	if (!ok)
		snprintf(why, len, "certificate verify failed: it does not "
		    "name %s: put a name it has in the uri", host);
	else
		snprintf(why, len, "handshake failed, though the certificate "
		    "verifies against %s and names %s", conf->tls_ca_file,
		    host);
out:
	ldap_free_urldesc(lud);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
}

int
ids_diag_tls_cause(const struct ids_conf *conf, const char *uri, char *why,
    size_t len)
{
	struct berval der = { 0, NULL };
	const unsigned char *p;
	X509 *cert = NULL;

	if (unverified_peer(conf, uri, &der) != IDS_OK) {
		snprintf(why, len, "handshake failed even without certificate "
		    "verification (is it a TLS port? tls = %s)",
		    conf->tls == IDS_TLS_LDAPS ? "ldaps" : "starttls");
		goto out;
	}
	p = (const unsigned char *)der.bv_val;
	if ((cert = d2i_X509(NULL, &p, (long)der.bv_len)) == NULL) {
		snprintf(why, len, "the server's certificate does not parse");
		goto out;
	}
	judge(conf, uri, cert, why, len);
out:
	X509_free(cert);
	ber_memfree(der.bv_val);
	return IDS_OK;
}
