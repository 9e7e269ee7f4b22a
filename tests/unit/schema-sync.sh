#!/bin/bash
# The two forms of the schema (packaging/schema/idportal.schema for
# slapd.conf, idportal.ldif for cn=config) must define the same thing:
# slaptest converts the .schema to cn=config, and both are compared
# definition by definition after unfolding and dropping the {N} ordinals.
# TAP.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
dir=$top/packaging/schema
work=$(mktemp -d /tmp/schema-sync.XXXXXX) || exit 1
trap 'rm -rf -- "$work"' EXIT
PATH=$PATH:/usr/sbin

# definitions FILE: one olc* value per line, unfolded, without {N}
definitions() {
	sed -e ':a' -e '$!N' -e 's/\n //' -e 'ta' -e 'P' -e 'D' "$1" |
	    grep -E '^olc(ObjectIdentifier|AttributeTypes|ObjectClasses):' |
	    sed -E 's/^(olc[A-Za-z]+): \{[0-9]+\}/\1: /' | sort
}

mkdir -p "$work/d"
printf 'include /etc/ldap/schema/core.schema\ninclude %s\n' \
    "$dir/idportal.schema" > "$work/slapd.conf"
if slaptest -f "$work/slapd.conf" -F "$work/d" > "$work/log" 2>&1; then
	echo "ok 1 - slaptest reads idportal.schema"
else
	echo "not ok 1 - slaptest reads idportal.schema"
	sed 's/^/# /' "$work/log"
fi
definitions "$work"/d/cn=config/cn=schema/cn=*idportal.ldif > "$work/a"
definitions "$dir/idportal.ldif" > "$work/b"
if [ -s "$work/a" ] && diff "$work/a" "$work/b" > "$work/diff"; then
	echo "ok 2 - idportal.ldif defines what idportal.schema defines" \
	    "($(wc -l < "$work/a") definitions)"
else
	echo "not ok 2 - idportal.ldif defines what idportal.schema defines"
	sed 's/^/# /' "$work/diff"
fi
if grep -q "^attributetype ( idpAttr:2[0-2] NAME 'idp\(PasswordFailures\|TotpFailures\|TotpLastStep\)'" \
    "$dir/idportal.schema" &&
    [ "$(grep -c 'integerMatch' "$dir/idportal.schema")" -ge 4 ]; then
	echo "ok 3 - the shared counters are INTEGERs with integerMatch"
else
	echo "not ok 3 - the shared counters are INTEGERs with integerMatch"
fi
echo "1..3"
