/* seatcmd.h: what the `idportal seat` subcommands share (cmd_seat.c, and
 * the legacy link of cmd_seat_legacy.c): checks of typed codes, one seat
 * printed (human or JSON), the org's seat count and a user's seat. */
#ifndef IDPORTAL_SEATCMD_H
#define IDPORTAL_SEATCMD_H

#include "cli.h"
#include "dir.h"

#define SEATCMD_CODE_MAX	64

/* A seat code or legacy ID (what: "seat code", "legacy ID"): 1 to 64
 * ASCII letters, digits, '-', '_', '.'.  Prints the error line and returns
 * EXIT_USAGE, or EXIT_OK. */
int	seatcmd_check_code(const char *what, const char *code);
/* The value of the first RDN of dn ("uid=X,..." gives X), malloc'd; NULL
 * for a NULL dn or no memory. */
char	*seatcmd_rdn_value(const char *dn);
/* "o=ORG,<base>" inside a seat DN "idpSeatCode=..,ou=seats,o=ORG,<base>",
 * or NULL. */
const char *seatcmd_org_dn(const char *dn);
/* One seat: a JSON object {"code","org","dn","linked_user","linked_id"}
 * (null where absent), plus "legacy_id" (*legacy, maybe null) when legacy
 * is not NULL; or "CODE\tORG\tLINKED_ID\n". */
void	seatcmd_print(const struct cli *cli, const char *dn,
	    const char *code, const char *linked, const char *const *legacy);
/* How many seats of the org (DN odn) are linked, and its idpSeatLimit
 * (-1: none), as dir sees them. */
int	seatcmd_org_usage(struct ids_dir *dir, const char *odn, long *used,
	    long *limit);
/* The code of a seat user_dn already holds (malloc'd in *code), or NULL. */
int	seatcmd_held(struct ids_dir *dir, const char *user_dn, char **code);

/* `seat link CODE ID --legacy-password-file F [--password-file P]`
 * (cmd_seat_legacy.c), pw the legacy password read from F, userpw the
 * password of ID itself: svc finds, actor changes; org may be NULL.
 * Prints the result or the error line; returns the exit code. */
int	seat_link_legacy(struct cli *cli, struct ids_dir *svc,
	    struct ids_dir *actor, const char *code, const char *id,
	    const char *org, const char *pw, const char *userpw);

#endif
