/* test_syncrepl.c: the RFC 4533 side of `sync --daemon` without a server:
 * the sync request control decodes to what was asked, syncState /
 * syncInfo / syncDone values (encoded here as slapd's syncprov encodes
 * them) change the set and the cookie as the RFC says (delete, syncIdSet
 * of deletes and of presents, the end of a present-mode refresh), broken
 * values are refused, and the saved state reads back byte for byte while
 * a damaged one reads as nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rc.h"
#include "syncrepl.h"
#include "syncset.h"

#define BASE	"dc=idportal,dc=test"

static char dir[64], path[128];
static unsigned char uuid[3][16];
static char key[3][37];

/* --- a state file written by hand: 3 users, keys key[0..2] --- */

static void
put32(FILE *f, uint32_t v)
{
	unsigned char b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
	    v >> 24 };

	fwrite(b, 1, 4, f);
}

static void
putstr(FILE *f, const char *s)
{
	put32(f, s != NULL ? (uint32_t)strlen(s) + 1 : 0);
	if (s != NULL)
		fwrite(s, 1, strlen(s), f);
}

static void
write_state(const char *p, const char *cookie)
{
	FILE *f = fopen(p, "w");
	char dn[128], name[16];
	int i;

	assert_non_null(f);
	fwrite("IDPSYNC1", 1, 8, f);
	put32(f, (uint32_t)strlen(cookie));
	fwrite(cookie, 1, strlen(cookie), f);
	put32(f, 3);
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "user%d", i);
		snprintf(dn, sizeof(dn), "uid=%s,ou=people," BASE, name);
		put32(f, 1);		/* SYNC_USER */
		put32(f, 1);		/* active */
		put32(f, 50000 + i);
		put32(f, 50000 + i);
		put32(f, 0);
		putstr(f, key[i]);
		putstr(f, dn);
		putstr(f, NULL);
		putstr(f, name);
		putstr(f, name);
		putstr(f, "/home/x");
		putstr(f, NULL);
	}
	fclose(f);
}

static int
setup(void **state)
{
	struct berval u;
	int i, j;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_syncrepl.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 16; j++)
			uuid[i][j] = (unsigned char)(i * 16 + j + 0x9a);
		u.bv_val = (char *)uuid[i];
		u.bv_len = 16;
		ids_syncrepl_uuid_str(&u, key[i]);
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* A set loaded from the hand-made state, and a syncrepl over it. */
static struct ids_syncset *
loaded(struct ids_syncrepl *s)
{
	struct ids_syncset *set;
	struct berval cookie;

	write_state(path, "rid=000,csn=1");
	assert_int_equal(ids_syncset_new(BASE, NULL, &set), IDS_OK);
	assert_int_equal(ids_syncset_load(set, path, &cookie), IDS_OK);
	assert_int_equal(ids_syncset_count(set), 3);
	assert_int_equal(cookie.bv_len, 13);
	assert_memory_equal(cookie.bv_val, "rid=000,csn=1", 13);
	assert_int_equal(ids_syncrepl_init(s, set, NULL, &cookie), IDS_OK);
	free(cookie.bv_val);
	return set;
}

/* Encode with ber_printf into v (ber_bvfree it). */
#define ENCODE(v, ...) do {						\
	BerElement *ber_ = ber_alloc_t(LBER_USE_DER);			\
									\
	assert_non_null(ber_);						\
	assert_int_not_equal(ber_printf(ber_, __VA_ARGS__), -1);	\
	assert_int_not_equal(ber_flatten(ber_, &(v)), -1);		\
	ber_free(ber_, 1);						\
} while (0)

static void
test_uuid_str(void **state)
{
	(void)state;
	assert_string_equal(key[0], "9a9b9c9d-9e9f-a0a1-a2a3-a4a5a6a7a8a9");
}

static void
test_control(void **state)
{
	struct ids_syncrepl s;
	struct berval cookie = { 5, "c=abc" }, got;
	LDAPControl *c;
	BerElement *ber;
	ber_int_t mode;
	ber_len_t len;

	(void)state;
	assert_int_equal(ids_syncrepl_init(&s, NULL, NULL, NULL), IDS_OK);
	assert_int_equal(ids_syncrepl_control(&s,
	    IDS_SYNC_REFRESH_AND_PERSIST, &c), LDAP_SUCCESS);
	assert_string_equal(c->ldctl_oid, LDAP_CONTROL_SYNC);
	assert_true(c->ldctl_iscritical);
	ber = ber_init(&c->ldctl_value);
	assert_int_not_equal(ber_scanf(ber, "{e", &mode), LBER_ERROR);
	assert_int_equal(mode, 3);
	/* no cookie, no reloadHint: the sequence ends */
	assert_int_equal(ber_peek_tag(ber, &len), LBER_DEFAULT);
	ber_free(ber, 1);
	ldap_control_free(c);
	ids_syncrepl_reset(&s);

	assert_int_equal(ids_syncrepl_init(&s, NULL, NULL, &cookie), IDS_OK);
	assert_int_equal(ids_syncrepl_control(&s, IDS_SYNC_REFRESH_ONLY, &c),
	    LDAP_SUCCESS);
	ber = ber_init(&c->ldctl_value);
	assert_int_not_equal(ber_scanf(ber, "{em}", &mode, &got),
	    LBER_ERROR);
	assert_int_equal(mode, 1);
	assert_int_equal(got.bv_len, 5);
	assert_memory_equal(got.bv_val, "c=abc", 5);
	ber_free(ber, 1);
	ldap_control_free(c);
	ids_syncrepl_reset(&s);
}

static void
test_state_delete(void **state)
{
	struct ids_syncrepl s;
	struct ids_syncset *set = loaded(&s);
	struct berval u = { 16, (char *)uuid[1] }, *v;
	char err[256];

	(void)state;
	/* syncState delete with a cookie */
	ENCODE(v, "{eOO}", (ber_int_t)LDAP_SYNC_DELETE, &u,
	    &(struct berval){ 3, "new" });
	assert_int_equal(ids_syncrepl_state(&s, v, NULL, NULL, err,
	    sizeof(err)), IDS_OK);
	ber_bvfree(v);
	assert_int_equal(ids_syncset_count(set), 2);
	assert_int_equal(s.changes, 1);
	assert_int_equal(s.cookie.bv_len, 3);
	/* an add needs its entry */
	ENCODE(v, "{eOO}", (ber_int_t)LDAP_SYNC_ADD, &u,
	    &(struct berval){ 3, "new" });
	assert_int_equal(ids_syncrepl_state(&s, v, NULL, NULL, err,
	    sizeof(err)), IDS_EINVAL);
	ber_bvfree(v);
	/* a UUID of the wrong size */
	ENCODE(v, "{eOO}", (ber_int_t)LDAP_SYNC_DELETE,
	    &(struct berval){ 3, "abc" }, &(struct berval){ 1, "x" });
	assert_int_equal(ids_syncrepl_state(&s, v, NULL, NULL, err,
	    sizeof(err)), IDS_EINVAL);
	ber_bvfree(v);
	ids_syncrepl_reset(&s);
	ids_syncset_free(set);
}

static void
test_info(void **state)
{
	struct ids_syncrepl s;
	struct ids_syncset *set = loaded(&s);
	struct berval ids[2] = { { 16, (char *)uuid[0] }, { 0, NULL } };
	struct berval *v;
	char err[256];

	(void)state;
	/* newcookie */
	ENCODE(v, "tO", (ber_tag_t)LDAP_TAG_SYNC_NEW_COOKIE,
	    &(struct berval){ 4, "nc=1" });
	assert_int_equal(ids_syncrepl_info(&s, v, err, sizeof(err)), IDS_OK);
	ber_bvfree(v);
	assert_int_equal(s.cookie.bv_len, 4);
	assert_memory_equal(s.cookie.bv_val, "nc=1", 4);
	/* syncIdSet, refreshDeletes TRUE: uuid[0] is gone */
	ENCODE(v, "t{b[W]}", (ber_tag_t)LDAP_TAG_SYNC_ID_SET, (ber_int_t)1,
	    ids);
	assert_int_equal(ids_syncrepl_info(&s, v, err, sizeof(err)), IDS_OK);
	ber_bvfree(v);
	assert_int_equal(ids_syncset_count(set), 2);
	/* syncIdSet of presents (refreshDeletes absent) names uuid[2]; the
	 * refreshPresent that ends the refresh drops uuid[1] */
	ids[0].bv_val = (char *)uuid[2];
	ENCODE(v, "t{O[W]}", (ber_tag_t)LDAP_TAG_SYNC_ID_SET,
	    &(struct berval){ 4, "nc=2" }, ids);
	assert_int_equal(ids_syncrepl_info(&s, v, err, sizeof(err)), IDS_OK);
	ber_bvfree(v);
	assert_int_equal(ids_syncset_count(set), 2);
	assert_memory_equal(s.cookie.bv_val, "nc=2", 4);
	assert_false(s.refresh_done);
	ENCODE(v, "t{O}", (ber_tag_t)LDAP_TAG_SYNC_REFRESH_PRESENT,
	    &(struct berval){ 4, "nc=3" });
	assert_int_equal(ids_syncrepl_info(&s, v, err, sizeof(err)), IDS_OK);
	ber_bvfree(v);
	assert_int_equal(ids_syncset_count(set), 1);
	assert_true(s.refresh_done);
	assert_memory_equal(s.cookie.bv_val, "nc=3", 4);
	/* the end of a delete-mode phase forgets nothing: the server named
	 * the deletes */
	ENCODE(v, "t{O}", (ber_tag_t)LDAP_TAG_SYNC_REFRESH_DELETE,
	    &(struct berval){ 4, "nc=4" });
	assert_int_equal(ids_syncrepl_info(&s, v, err, sizeof(err)), IDS_OK);
	ber_bvfree(v);
	assert_int_equal(ids_syncset_count(set), 1);
	/* garbage */
	ENCODE(v, "tO", (ber_tag_t)0x85, &(struct berval){ 1, "x" });
	assert_int_equal(ids_syncrepl_info(&s, v, err, sizeof(err)),
	    IDS_EINVAL);
	ber_bvfree(v);
	ids_syncrepl_reset(&s);
	ids_syncset_free(set);
}

static void
test_done(void **state)
{
	struct ids_syncrepl s;
	struct ids_syncset *set = loaded(&s);
	struct berval u = { 16, (char *)uuid[0] }, *v;
	char err[256];

	(void)state;
	/* refreshOnly in delete mode: nothing purged */
	ENCODE(v, "{Ob}", &(struct berval){ 2, "d1" }, (ber_int_t)1);
	assert_int_equal(ids_syncrepl_done(&s, v, err, sizeof(err)), IDS_OK);
	ber_bvfree(v);
	assert_int_equal(ids_syncset_count(set), 3);
	assert_memory_equal(s.cookie.bv_val, "d1", 2);
	ids_syncrepl_reset(&s);
	ids_syncset_free(set);

	/* present mode: only the entry named present stays */
	set = loaded(&s);
	ENCODE(v, "{eO}", (ber_int_t)LDAP_SYNC_PRESENT, &u);
	assert_int_equal(ids_syncrepl_state(&s, v, NULL, NULL, err,
	    sizeof(err)), IDS_OK);
	ber_bvfree(v);
	ENCODE(v, "{O}", &(struct berval){ 2, "d2" });
	assert_int_equal(ids_syncrepl_done(&s, v, err, sizeof(err)), IDS_OK);
	ber_bvfree(v);
	assert_int_equal(ids_syncset_count(set), 1);
	assert_int_equal(s.changes, 2);
	ids_syncrepl_reset(&s);
	ids_syncset_free(set);
}

static void
test_state_file(void **state)
{
	struct ids_syncrepl s;
	struct ids_syncset *set = loaded(&s), *other;
	struct berval cookie;
	char again[160], err[256], cmd[400];
	FILE *f;
	long size;

	(void)state;
	/* saved, it is the file it was loaded from */
	snprintf(again, sizeof(again), "%s.again", path);
	assert_int_equal(ids_syncset_save(set, again, &s.cookie, err,
	    sizeof(err)), IDS_OK);
	snprintf(cmd, sizeof(cmd), "cmp -s %s %s", path, again);
	assert_int_equal(system(cmd), 0);
	ids_syncrepl_reset(&s);
	ids_syncset_free(set);

	/* truncated anywhere: refused, the set stays empty */
	f = fopen(path, "r");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	for (long cut = 0; cut < size; cut += 7) {
		assert_int_equal(truncate(again, cut), 0);
		assert_int_equal(ids_syncset_new(BASE, NULL, &other), IDS_OK);
		assert_int_equal(ids_syncset_load(other, again, &cookie),
		    IDS_EINVAL);
		assert_int_equal(ids_syncset_count(other), 0);
		assert_null(cookie.bv_val);
		ids_syncset_free(other);
	}
	/* missing */
	unlink(again);
	assert_int_equal(ids_syncset_new(BASE, NULL, &other), IDS_OK);
	assert_int_equal(ids_syncset_load(other, again, &cookie),
	    IDS_ENOTFOUND);
	ids_syncset_free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uuid_str),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_state_delete),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_done),
		cmocka_unit_test(test_state_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
