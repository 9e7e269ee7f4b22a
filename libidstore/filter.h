/* filter.h: the only way LDAP filters and DNs are built from values.
 * Both take a format in which "%s" is a value to escape and "%%" a percent
 * sign; ids_dn() also takes "%D" for a DN that is already a DN (the
 * configured base, an entry's DN from the server). Nothing else is
 * accepted in the format, so a value can never be pasted in raw. */
#ifndef IDS_FILTER_H
#define IDS_FILTER_H

/* RFC 4515: escapes * ( ) \ and every byte outside printable ASCII as \XX.
 * *out is malloc'd. IDS_OK, IDS_ENOMEM or IDS_EINVAL (bad format). */
int	ids_filter(char **out, const char *fmt, ...);
/* RFC 4514: escapes " + , ; < > \ = and control bytes as \XX, a leading
 * space or '#', and a trailing space. IDS_EINVAL for an empty value. */
int	ids_dn(char **out, const char *fmt, ...);

#endif
