/* enroll.c: a new authenticator, confirmed, then stored. */
#include "enroll.h"
#include "mods.h"
#include "filter.h"
#include "qr.h"
#include "rc.h"
#include "seal.h"
#include "secret.h"
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISSUER	"idportal"

void
ids_enroll_clear(struct ids_enrollment *e)
{
	ids_free_secret(e->base32);
	ids_free_secret(e->uri);
	ids_free_secret(e->qr);
	ids_wipe(e, sizeof(*e));
}

int
ids_enroll_begin(const char *id, struct ids_enrollment *e)
{
	int rc;

	memset(e, 0, sizeof(*e));
	if ((rc = ids_totp_new_secret(e->secret)) != IDS_OK ||
	    (rc = ids_totp_base32(e->secret, sizeof(e->secret), &e->base32)) !=
	    IDS_OK ||
	    (rc = ids_totp_uri(e->secret, sizeof(e->secret), ISSUER, id,
	    &e->uri)) != IDS_OK ||
	    (rc = ids_qr_text(e->uri, &e->qr)) != IDS_OK)
		ids_enroll_clear(e);
	return rc;
}

/* One modify of cn=state: secret, state, step and recovery hashes. */
static int
store(struct ids_dir *dir, const char *user_dn, const unsigned char *blob,
    size_t bloblen, uint64_t step,
    char hashes[IDS_RECOVERY_COUNT][IDS_RECOVERY_HASH_LEN])
{
	struct berval bv = { (ber_len_t)bloblen, (char *)blob };
	struct berval *bvals[2] = { &bv, NULL };
	LDAPMod secret = { LDAP_MOD_REPLACE | LDAP_MOD_BVALUES,
	    (char *)"idpTotpSecret", { NULL } };
	struct ids_mods *m = NULL;
	LDAPMod **list, **all = NULL;
	char *dn = NULL, num[24];
	size_t n;
	int i, rc = IDS_ENOMEM;

	secret.mod_bvalues = bvals;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)step);
	if (ids_mods_new(&m) != 0 || ids_dn(&dn, "cn=state,%D", user_dn) !=
	    IDS_OK)
		goto out;
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpTotpState", "active", NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpTotpLastStep", num, NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpTotpFailures", "0", NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpRecoveryCode", NULL);
	for (i = 0; i < IDS_RECOVERY_COUNT; i++)
		ids_mods_add(m, LDAP_MOD_ADD, "idpRecoveryCode", hashes[i],
		    NULL);
	if ((list = ids_mods_get(m)) == NULL)
		goto out;
	/* the binary secret rides along as one more mod */
	for (n = 0; list[n] != NULL; n++)
		;
	if ((all = calloc(n + 2, sizeof(*all))) == NULL)
		goto out;
	memcpy(all, list, n * sizeof(*all));
	all[n] = &secret;
	/* only while unlocked and not already active: a lock or another
	 * enrollment since this one began wins */
	rc = ids_dir_modify_if(dir, dn, all,
	    "(&(!(idpLockTime=*))(!(idpTotpState=active)))");
out:
	free(all);
	ids_mods_free(m);
	free(dn);
	return rc;
}

int
ids_enroll_finish(struct ids_dir *dir, const struct ids_conf *conf,
    const char *user_dn, const char *id, struct ids_enrollment *e,
    const char *code, time_t now)
{
	char hashes[IDS_RECOVERY_COUNT][IDS_RECOVERY_HASH_LEN];
	struct ids_seal_keys *keys = NULL;
	unsigned char *blob = NULL;
	size_t bloblen = 0;
	char err[256];
	uint64_t step;
	int i, rc;

	if ((rc = ids_totp_verify(e->secret, sizeof(e->secret), code, now,
	    (int)conf->totp_window, 0, &step)) != IDS_OK)
		return rc == IDS_EINVAL ? IDS_EBADCRED : rc;
	if ((rc = ids_seal_keys_load(conf->totp_key_file, &keys, err,
	    sizeof(err))) != IDS_OK ||
	    (rc = ids_seal(keys, id, e->secret, sizeof(e->secret), &blob,
	    &bloblen)) != IDS_OK ||
	    (rc = ids_recovery_generate(e->codes)) != IDS_OK)
		goto out;
	for (i = 0; i < IDS_RECOVERY_COUNT; i++)
		if ((rc = ids_recovery_hash(e->codes[i], hashes[i])) != IDS_OK)
			goto out;
	if ((rc = ids_state_ensure(dir, user_dn, NULL)) == IDS_OK)
		rc = store(dir, user_dn, blob, bloblen, step, hashes);
out:
	if (rc != IDS_OK)
		ids_wipe(e->codes, sizeof(e->codes));
	ids_wipe(hashes, sizeof(hashes));
	free(blob);
	ids_seal_keys_free(keys);
	return rc;
}

int
ids_enroll_set_pending(struct ids_dir *dir, const char *user_dn)
{
	struct ids_mods *m = NULL;
	int rc;

	if ((rc = ids_state_ensure(dir, user_dn, NULL)) != IDS_OK)
		return rc;
	if (ids_mods_new(&m) != 0)
		return IDS_ENOMEM;
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpTotpState", "pending", NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpTotpSecret", NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpRecoveryCode", NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpTotpLastStep", "0", NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpTotpFailures", "0", NULL);
	rc = ids_state_modify(dir, user_dn, m);
	ids_mods_free(m);
	return rc;
}
