/* counter.h: drawing numbers from a counter entry (the uid counter of
 * init.h) with Modify-Increment + pre-read (RFC 4525, 4527): each number
 * goes to one caller, whatever the number of concurrent callers. */
#ifndef IDS_COUNTER_H
#define IDS_COUNTER_H

#include <stdint.h>

#include "dir.h"

/* The value attr of dn had before this call added 1 to it.  IDS_EPERM
 * when the bound identity may not use the counter: slapd 2.5 answers an
 * increment with a pre-read control it may not satisfy with success, no
 * control and no change, which ids_dir_increment() reports as IDS_EDIR;
 * if the counter is then invisible to the session, it was a refusal. */
int	ids_counter_next(struct ids_dir *dir, const char *dn,
	    const char *attr, int64_t *value);

#endif
