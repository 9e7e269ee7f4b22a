/* rc.c: names and messages of the library's error codes. */
#include "rc.h"

#include <stddef.h>

static const struct {
	int		 rc;
	const char	*name;
	const char	*text;
} codes[] = {
	{ IDS_OK, "IDS_OK", "success" },
	{ IDS_ENOMEM, "IDS_ENOMEM", "out of memory" },
	{ IDS_EUNAVAIL, "IDS_EUNAVAIL", "no directory server answered" },
	{ IDS_ENOUSER, "IDS_ENOUSER", "no such user" },
	{ IDS_EBADCRED, "IDS_EBADCRED", "invalid credentials" },
	{ IDS_ELOCKED, "IDS_ELOCKED", "account locked" },
	{ IDS_EEXPIRED, "IDS_EEXPIRED", "temporary password expired" },
	{ IDS_ECONF, "IDS_ECONF", "configuration error" },
	{ IDS_ETIMEOUT, "IDS_ETIMEOUT",
	    "the directory server did not answer in time" },
	{ IDS_ETLS, "IDS_ETLS", "TLS negotiation or certificate check failed" },
	{ IDS_EPERM, "IDS_EPERM", "permission denied by the directory" },
	{ IDS_EEXIST, "IDS_EEXIST", "already exists" },
	{ IDS_ENOTFOUND, "IDS_ENOTFOUND", "not found" },
	{ IDS_EINVAL, "IDS_EINVAL", "invalid input" },
	{ IDS_EDIR, "IDS_EDIR", "directory error" },
	{ IDS_ESYS, "IDS_ESYS", "system error" },
	{ IDS_EDISABLED, "IDS_EDISABLED", "account disabled" },
	{ IDS_ECHANGED, "IDS_ECHANGED", "changed by another host first" },
	{ IDS_ENOSEAT, "IDS_ENOSEAT", "not linked to a license seat" },
};

static size_t
lookup(int rc)
{
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].rc == rc)
			return i;
	return (size_t)-1;
}

const char *
ids_strerror(int rc)
{
	size_t i = lookup(rc);

	return i == (size_t)-1 ? "unknown error" : codes[i].text;
}

const char *
ids_rcname(int rc)
{
	size_t i = lookup(rc);

	return i == (size_t)-1 ? "IDS_E?" : codes[i].name;
}
