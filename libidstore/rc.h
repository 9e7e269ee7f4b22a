/* rc.h: the one error space of libidstore.
 * Every library call returns IDS_OK or one of the negative codes below; the
 * PAM module and the CLI each translate them once, at their edge. */
#ifndef IDS_RC_H
#define IDS_RC_H

enum ids_rc {
	IDS_OK = 0,
	IDS_ENOMEM = -1,	/* out of memory */
	IDS_EUNAVAIL = -2,	/* no directory server answered */
	IDS_ENOUSER = -3,	/* no such user */
	IDS_EBADCRED = -4,	/* wrong password (or bind refused) */
	IDS_ELOCKED = -5,	/* account locked */
	IDS_EEXPIRED = -6,	/* temporary password past its deadline */
	IDS_ECONF = -7,		/* configuration error */
	IDS_ETIMEOUT = -8,	/* a server accepted but did not answer in time */
	IDS_ETLS = -9,		/* TLS failed (certificate not trusted, ...) */
	IDS_EPERM = -10,	/* the directory refused: insufficient access */
	IDS_EEXIST = -11,	/* already exists */
	IDS_ENOTFOUND = -12,	/* no such entry (other than a user) */
	IDS_EINVAL = -13,	/* bad input */
	IDS_EDIR = -14,		/* other directory error */
	IDS_ESYS = -15,		/* system call failed (file, random, clock) */
	IDS_EDISABLED = -16,	/* account disabled or not allowed */
	IDS_ECHANGED = -17,	/* another host changed it first (lost a CAS) */
	IDS_ENOSEAT = -18,	/* not linked to a license seat (SPEC 3) */
};

/* A short sentence for people: "no directory server answered". */
const char	*ids_strerror(int rc);
/* The symbol, for logs and tests: "IDS_EUNAVAIL". */
const char	*ids_rcname(int rc);

#endif
