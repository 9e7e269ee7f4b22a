/* idrules.h: the rules for user IDs (SPEC §3): 6 to 20 ASCII letters and
 * digits, case-sensitive. */
#ifndef IDS_IDRULES_H
#define IDS_IDRULES_H

#include <stddef.h>

#define IDS_ID_MIN	6
#define IDS_ID_MAX	20

/* IDS_OK, or IDS_EINVAL with why filled for people, naming the offending
 * character ("full-width character 'Ａ' (U+FF21) at position 1: use ASCII
 * letters and digits only"). */
int	ids_id_check(const char *id, char *why, size_t whylen);

#endif
