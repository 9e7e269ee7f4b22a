/* usercmd.h: what the `idportal user` and `idportal org` subcommands share:
 * the attributes a user is shown with, one user printed (human or JSON),
 * the checks on the values an admin types. */
#ifndef IDPORTAL_USERCMD_H
#define IDPORTAL_USERCMD_H

#include <stdio.h>

#include "cli.h"
#include "dir.h"

/* What `user show` and `user search` read, in the actor's session. */
extern char *usercmd_attrs[];

/* The ORG of a DN "uid=..,ou=people,o=ORG,..." (malloc'd), or NULL for a
 * user outside any organization. */
char	*usercmd_dn_org(const char *dn);
/* Entry e (read through dir) as one JSON object, or as "key: value" lines
 * for people.  Attributes the reader may not see come out as null / "-". */
void	usercmd_print(const struct cli *cli, struct ids_dir *dir,
	    LDAPMessage *e);
/* "who" for messages: the --as ID, or the service account. */
const char *usercmd_who(const struct cli *cli);
/* Checks of typed values; each prints its one error line and returns
 * EXIT_USAGE, or EXIT_OK. */
int	usercmd_check_type(const char *type);
int	usercmd_check_text(const char *what, const char *s, size_t max);
int	usercmd_check_email(const char *email);
int	usercmd_check_org(const char *org);
/* Corporate and group users need an org, individual ones have none. */
int	usercmd_check_placement(const char *type, const char *org);

/* A user to add: org NULL for an individual, role and pwhash (a
 * userPassword value, e.g. {SSHA}) NULL for none. */
struct new_user {
	const char	*id, *type, *name, *email, *org, *role, *pwhash;
};
/* Exit 5 (printed) if id is taken anywhere, without regard to case. */
int	usercmd_id_taken(struct ids_dir *svc, const char *id);
/* Exit 3 (printed) unless o=org exists. */
int	usercmd_org_exists(struct ids_dir *svc, const char *org);
/* Add nu as actor's identity, with the next uidNumber; *dn gets its DN.
 * Prints the error and returns the exit code. */
int	usercmd_add_entry(const struct cli *cli, struct ids_dir *actor,
	    const struct new_user *nu, char **dn);

/* The seats of a user, for `user delete` (userseats.c). */
struct usercmd_seat {
	char	*dn;
	char	*code;		/* idpSeatCode */
	int	 unlinked;	/* freed by usercmd_seats_unlink() */
};
/* The seats whose idpLinkedUser is user_dn, as svc sees them: *out has *n
 * of them (release with usercmd_seats_free()). */
int	usercmd_seats_find(struct ids_dir *svc, const char *user_dn,
	    struct usercmd_seat **out, int *n);
void	usercmd_seats_free(struct usercmd_seat *v, int n);
/* Unlink each as actor, asserting idpLinkedUser is still user_dn (a seat
 * that moved meanwhile is left alone, unlinked stays 0).  First checks
 * that the actor sees every seat; on a refusal puts back what it freed,
 * prints the error ("...; nothing was deleted") and returns its exit
 * code, else EXIT_OK. */
int	usercmd_seats_unlink(const struct cli *cli, struct ids_dir *actor,
	    const char *id, const char *user_dn, struct usercmd_seat *v,
	    int n);
/* Link the seats freed above to user_dn again, if still free (after the
 * delete itself failed); those put back get unlinked = 0. */
void	usercmd_seats_relink(struct ids_dir *actor, const char *user_dn,
	    struct usercmd_seat *v, int n);

int	user_show(struct cli *cli, int argc, char **argv);
int	user_search(struct cli *cli, int argc, char **argv);

#endif
