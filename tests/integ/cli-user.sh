#!/bin/bash
# Integration test of `idportal user add|show|search|modify|delete` and
# `idportal org add|show|list` (TAP), against the real slapd with the
# shipped ACLs: success paths (human and --json), what lands in the
# directory, the refusals (ID rules, duplicate IDs, type changes, an org
# admin outside their org), concurrent adds, search escaping and pending
# users, delete --dry-run, and a user added here then reissued logging in
# through pam_idportal.so.
#
# Uses the shared directory of run-tests (env IDPORTAL_CONF, IDS_ENV_DIR,
# IDS_LDAPI_URI, IDS_BASE, IDPORTAL, IDS_BUILD_DIR, ...). Everything it
# makes has an ID or org name starting with "cusr" and is deleted at the
# end. Needs root, ldap-utils, pamtester and pam_wrapper.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
module=$build/pam_idportal.so
export PATH=$PATH:/usr/sbin:/sbin

# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
for v in IDPORTAL_CONF IDS_ENV_DIR IDS_LDAPI_URI IDS_BASE; do
	[ -n "${!v:-}" ] || bail "$v is not set (run from tests/run-tests)"
done
[ -x "$idportal" ] || bail "no idportal CLI at $idportal"
[ -r "$module" ] || bail "no PAM module at $module"

conf=$IDPORTAL_CONF
base=$IDS_BASE
people=ou=people,$base
admins_dn=cn=idportal-admins,ou=groups,$base
admin=cusradm01
admin_dn=uid=$admin,$people
org1=cusrorg1
org2=cusrorg2

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/cli-user-test.XXXXXX") || exit 1
made=()		# DNs to delete at the end, children before parents
# ldapi, search, value_of, attr_is, attr_absent, ldif_in
. "$(dirname "${BASH_SOURCE[0]}")/../ldapi.sh"
# cli, exit_is, refused, out_has, is_json_object, json_q, pam_login, ...
. "$(dirname "${BASH_SOURCE[0]}")/../cli.sh"
# Every entry this test may have made: by its names, wherever it is.
sweep() {
	local dn
	ldapi ldapsearch -LLL -o ldif-wrap=no -b "$base" \
	    '(|(uid=cusr*)(o=cusr*))' 1.1 2> /dev/null |
	    sed -n 's/^dn: //p' | while read -r dn; do
		ldapi ldapdelete -r "$dn" > /dev/null 2>&1
	done
}
cleanup() {
	local i
	for ((i = ${#made[@]} - 1; i >= 0; i--)); do
		ldapi ldapdelete -r "${made[i]}" > /dev/null 2>&1
	done
	sweep
	ldapi ldapmodify > /dev/null 2>&1 <<EOF
dn: $admins_dn
changetype: modify
delete: member
member: $admin_dn
EOF
	rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP


as_admin=(--as "$admin" --as-pw-file "$work/admin.pw")
as_oa=(--as cusroa01 --as-pw-file "$work/oa.pw")
user_keys=(id dn type name email org role state uid_number gid_number home
    shell)
org_keys=(org dn seat_limit state gid_number)
pam_service idportal-cusr "$conf"

# --- fixtures ----------------------------------------------------------------
sweep		# left over from an interrupted run
head -c 18 /dev/urandom | base64 | tr -d '\n/+=' > "$work/admin.pw"
head -c 18 /dev/urandom | base64 | tr -d '\n/+=' > "$work/oa.pw"
uidn=$((65000 + RANDOM % 300))
ldif_in -a <<EOF
dn: $admin_dn
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: idpUser
uid: $admin
cn: $admin
sn: $admin
uidNumber: $uidn
gidNumber: $uidn
homeDirectory: /home/$admin
loginShell: /bin/bash
idpUserType: individual
idpState: active
idpRole: admin
EOF
made+=("$admin_dn")
set_password "$admin_dn" "$work/admin.pw"
ldif_in <<EOF
dn: $admins_dn
changetype: modify
add: member
member: $admin_dn
EOF

# --- org add / show / list ----------------------------------------------------
cli "${as_admin[@]}" org add "$org1" --seats 5
check "org add: exit 0" exit_is 0
check "org add: says what it added" out_has "Added organization $org1"
check "org add: o=$org1 with idpSeatLimit 5" \
    attr_is "o=$org1,$base" idpSeatLimit 5
check "org add: idpState active" attr_is "o=$org1,$base" idpState active
search "o=$org1,$base" base objectClass > "$work/org"
check "org add: objectClass idpOrganization" \
    has_all "$work/org" idpOrganization
check "org add: ou=people and ou=seats under it" eval \
    'has_entry "ou=people,o=$org1,$base" && has_entry "ou=seats,o=$org1,$base"'
search "cn=$org1,o=$org1,$base" base objectClass gidNumber > "$work/grp"
check "org add: the org's posixGroup cn=$org1 with a gidNumber" \
    has_all "$work/grp" posixGroup gidNumber:
cli "${as_admin[@]}" --json org add "$org2" --seats 2
check "org add --json: exit 0" exit_is 0
check "org add --json: one object, stable keys" is_json_object \
    "${org_keys[@]}"
check "org add --json: seat_limit 2, gid_number from the directory" eval \
    'equals "$(json_q "j[\"seat_limit\"], j[\"gid_number\"]")" \
    "2 $(value_of "cn=$org2,o=$org2,$base" gidNumber)"'
cli "${as_admin[@]}" org add "$org1" --seats 5
check "org add: an existing org is exit 5" refused 5 "o=$org1"
cli "${as_admin[@]}" org add cusrorg9 --seats lots
check "org add: --seats not a number is exit 2" refused 2 "--seats"
cli "${as_admin[@]}" org add 'cusr,org' --seats 1
check "org add: a bad org name is exit 2, names the character" \
    refused 2 "','"
cli "${as_admin[@]}" org show "$org1"
check "org show: exit 0, its limit and DN" eval \
    'exit_is 0 && out_has "Seat limit  5" "o=$org1,$base"'
cli "${as_admin[@]}" --json org show "$org1"
check "org show --json: keys" is_json_object "${org_keys[@]}" users seats \
    seats_linked
cli "${as_admin[@]}" org show cusrnone
check "org show: unknown org is exit 3" refused 3 cusrnone
cli "${as_admin[@]}" org list
check "org list: both orgs" eval 'exit_is 0 && out_has "$org1" "$org2"'
cli "${as_admin[@]}" --json org list
check "org list --json: {\"orgs\":[...]} with both" eval \
    'json_valid && equals "$(json_q "\" \".join(sorted(o[\"org\"] for o in j[\"orgs\"] if o[\"org\"].startswith(\"cusr\")))")" "cusrorg1 cusrorg2"'

# --- user add ------------------------------------------------------------------
cli "${as_admin[@]}" user add cusrind01 --type individual --name "Ind One" \
    --email ind01@example.org
check "user add individual: exit 0" exit_is 0
u1=uid=cusrind01,$people
check "user add: entry under ou=people,<base>" has_entry "$u1"
check "user add: idpUserType individual" attr_is "$u1" idpUserType individual
check "user add: idpState active" attr_is "$u1" idpState active
check "user add: displayName and mail" eval \
    'attr_is "$u1" displayName "Ind One" && attr_is "$u1" mail ind01@example.org'
check "user add: home /home/ID, shell /bin/bash" eval \
    'attr_is "$u1" homeDirectory /home/cusrind01 && attr_is "$u1" loginShell /bin/bash'
check "user add: gidNumber = uidNumber" equals \
    "$(value_of "$u1" gidNumber)" "$(value_of "$u1" uidNumber)"
check "user add: cn=state made, counters at 0" \
    attr_is "cn=state,$u1" idpPasswordFailures 0
check "user add: no password (set by reissue)" attr_absent "$u1" userPassword
cli "${as_admin[@]}" --json user add cusrcorp01 --type corporate --org "$org1" \
    --name "Corp One" --email corp01@example.org --role member
check "user add --json: one object, stable keys" is_json_object \
    "${user_keys[@]}"
check "user add --json: org, type, role" equals \
    "$(json_q 'j["org"], j["type"], j["role"]')" "$org1 corporate member"
c1=uid=cusrcorp01,ou=people,o=$org1,$base
check "user add corporate: entry under ou=people,o=ORG" has_entry "$c1"
check "user add corporate: uid_number is the entry's" equals \
    "$(json_q 'j["uid_number"]')" "$(value_of "$c1" uidNumber)"
cli "${as_admin[@]}" user add cusrgrp001 --type group --org "$org2" \
    --name "Group One" --email grp01@example.org
check "user add group user: exit 0" exit_is 0
cli "${as_admin[@]}" user add cusrcorp02 --type corporate --name X --email x@example.org
check "user add corporate without --org: exit 2" refused 2 "--org"
cli "${as_admin[@]}" user add cusrind02 --type individual --org "$org1" \
    --name X --email x@example.org
check "user add individual with --org: exit 2" refused 2 "individual"
cli "${as_admin[@]}" user add cusrcorp03 --type corporate --org cusrnone \
    --name X --email x@example.org
check "user add: unknown org is exit 3, says org add" \
    refused 3 "org add"
cli "${as_admin[@]}" user add cusrind03 --type person --name X --email x@example.org
check "user add: bad --type is exit 2" refused 2 "individual, corporate"
cli "${as_admin[@]}" user add cusrind03 --type individual --name X --email nobody
check "user add: bad --email is exit 2" refused 2 "--email"
cli "${as_admin[@]}" user add cusrind03 --type individual \
    --name "$(printf 'a\nb')" --email x@example.org
check "user add: a control character in --name is exit 2" refused 2 "--name"
cli "${as_admin[@]}" user add cusrind03 --type individual
check "user add: missing --name/--email is exit 2 with usage" \
    refused 2 "usage:"

# Duplicates: exactly, in another case, in another subtree.
cli "${as_admin[@]}" user add cusrind01 --type individual --name X \
    --email x@example.org
check "user add: duplicate ID is exit 5" refused 5 "cusrind01" "already taken"
cli "${as_admin[@]}" user add CUSRind01 --type individual --name X \
    --email x@example.org
check "user add: the ID in another case is exit 5" refused 5 "already taken"
cli "${as_admin[@]}" user add cusrind01 --type corporate --org "$org2" \
    --name X --email x@example.org
check "user add: duplicate ID in another org is exit 5" refused 5 \
    "already taken"
check "user add: the duplicate was not added in $org2" \
    no_entry "uid=cusrind01,ou=people,o=$org2,$base"

# Bad IDs: exit 2, one line naming the character (or the length).
bad_ids=(
	'cusr1|6 to 20'
	'abcde|6 to 20'
	'abcdefghijklmnopqrstu|6 to 20'		# 21
	'cusr_001|'"'_'"
	'cusr-001|'"'-'"
	'cusr.001|'"'.'"
	'cusr 001|'"' '"
	'cusr@001|'"'@'"
	'cusr*001|'"'*'"
	'cusr(001|'"'('"
	'cusr)001|'"')'"
	'cusr,001|'"','"
	'cusr=001|'"'='"
	'cusr+001|'"'+'"
	'cusr\001|'"'\\'"
	'cusr/001|'"'/'"
	'cusr#001|'"'#'"
	'cusr"001|'"'\"'"
	'ｃusr0001|full-width'
	'cusr０001|full-width'
	'Ａbcdef1|U+FF21'
	'cusré001|U+00E9'
	'cusr日本01|U+65E5'
	'cusr	001|control character'
	'|empty'
)
for t in "${bad_ids[@]}"; do
	id=${t%%|*}
	want=${t#*|}
	cli "${as_admin[@]}" user add "$id" --type individual --name X \
	    --email x@example.org
	check "bad ID '$id': exit 2, message names $want" refused 2 "$want"
done
check "bad IDs: none of them was added" equals "$(search "$base" sub \
    '(&(objectClass=idpUser)(displayName=X))' 1.1 | grep -c '^dn:')" 0
cli "${as_admin[@]}" user add cusr1234567890123456 --type individual \
    --name "Twenty" --email t@example.org
check "a 20-character ID is fine" exit_is 0
cli "${as_admin[@]}" user add Cusr01 --type individual --name "Six" \
    --email s@example.org
check "a 6-character ID is fine (case kept)" eval \
    'exit_is 0 && attr_is "uid=Cusr01,$people" uid Cusr01'

# Concurrent adds: 4 processes, 5 users each, all at once.
for p in 1 2 3 4; do
	(
		for i in 1 2 3 4 5; do
			timeout 60 "$idportal" "${as_admin[@]}" user add \
			    "cusrpar${p}0$i" --type individual \
			    --name "Par $p $i" --email "p$p$i@example.org" \
			    > /dev/null 2> "$work/par$p.$i.err"
			echo $? > "$work/par$p.$i.rc"
		done
	) &
done
wait
check "concurrent adds: all 20 exit 0" equals \
    "$(cat "$work"/par*.rc | sort -u | xargs)" 0
search "$base" sub '(uid=cusrpar*)' uidNumber | sed -n 's/^uidNumber: //p' \
    > "$work/par.uids"
check "concurrent adds: 20 users" equals "$(wc -l < "$work/par.uids")" 20
check "concurrent adds: 20 distinct uidNumbers" equals \
    "$(sort -u "$work/par.uids" | wc -l)" 20
check "concurrent adds: each has its cn=state" equals "$(search "$base" sub \
    '(&(cn=state)(objectClass=idpUserState))' 1.1 | grep -c \
    '^dn: cn=state,uid=cusrpar')" 20

# --- user show -----------------------------------------------------------------
cli "${as_admin[@]}" user show cusrcorp01
check "user show: exit 0, fields" eval \
    'exit_is 0 && out_has "cusrcorp01" "Corp One" "corp01@example.org" "corporate" "$org1" "member"'
cli "${as_admin[@]}" --json user show cusrcorp01
check "user show --json: stable keys" is_json_object "${user_keys[@]}"
check "user show --json: valid, values" equals \
    "$(json_q 'j["id"], j["name"], j["state"], j["home"]')" \
    "cusrcorp01 Corp One active /home/cusrcorp01"
cli "${as_admin[@]}" --json user show cusrind01
check "user show --json: an individual's org is null" equals \
    "$(json_q 'j["org"]')" None
cli "${as_admin[@]}" user show cusrnone01
check "user show: unknown ID is exit 3" refused 3 "no user cusrnone01"
cli "${as_admin[@]}" user show CUSRCORP01
check "user show: IDs are case-sensitive (exit 3)" exit_is 3

# --- user modify ----------------------------------------------------------------
cli "${as_admin[@]}" user modify cusrcorp01 --type individual
check "modify --type: refused" refused 2 "cannot be changed" \
    "create a new" "delete cusrcorp01"
check "modify --type: type unchanged" attr_is "$c1" idpUserType corporate
cli "${as_admin[@]}" user modify cusrcorp01 --type corporate --name "New"
check "modify --type same + --name: exit 0" exit_is 0
cli "${as_admin[@]}" --json user modify cusrcorp01 --name "Corp Renamed" \
    --email renamed@example.org --role lead
check "modify --json: exit 0, changed list" eval \
    'exit_is 0 && is_json_object id changed && out_has "\"changed\":[\"name\",\"email\",\"role\"]"'
check "modify: displayName, mail, idpRole written" eval \
    'attr_is "$c1" displayName "Corp Renamed" && attr_is "$c1" mail renamed@example.org && attr_is "$c1" idpRole lead'
check "modify: uid unchanged" attr_is "$c1" uid cusrcorp01
cli "${as_admin[@]}" user modify cusrcorp01
check "modify with nothing to change: exit 2" refused 2 "usage:"
cli "${as_admin[@]}" user modify cusrnone01 --name X
check "modify unknown ID: exit 3" refused 3 "no user"

# --- search ----------------------------------------------------------------------
cli "${as_admin[@]}" user add cusrstar1 --type individual --name "Star*Name" \
    --email star@example.org
cli "${as_admin[@]}" user add cusrparen1 --type individual \
    --name "Paren )( Name" --email paren@example.org
cli "${as_admin[@]}" user add cusrpend1 --type individual --name "Pending Pat" \
    --email pend@example.org
ldif_in <<EOF
dn: uid=cusrpend1,$people
changetype: modify
replace: idpState
idpState: pending
EOF
cli "${as_admin[@]}" user search cusrind
check "search by ID substring" eval \
    'exit_is 0 && out_has cusrind01 && out_lacks cusrcorp01'
cli "${as_admin[@]}" user search "Renamed"
check "search by display name" out_has cusrcorp01
cli "${as_admin[@]}" user search "grp01@example"
check "search by email" out_has cusrgrp001
cli "${as_admin[@]}" user search '*'
check "search '*' is a literal star" eval \
    'exit_is 0 && out_has cusrstar1 && out_lacks cusrind01 cusrparen1'
cli "${as_admin[@]}" user search ')('
check "search ')(' is literal, no filter error" eval \
    'exit_is 0 && out_has cusrparen1 && out_lacks cusrstar1'
cli "${as_admin[@]}" user search '*)(uid=*'
check "search injection attempt finds nothing" eval \
    'exit_is 0 && out_has "No users match"'
cli "${as_admin[@]}" user search Pending
check "search hides pending users" eval 'exit_is 0 && out_lacks cusrpend1'
cli "${as_admin[@]}" user search Pending --pending
check "search --pending shows them" eval 'exit_is 0 && out_has cusrpend1'
cli "${as_admin[@]}" --json user search cusrind
check "search --json: {\"users\":[...]}, user keys" eval \
    'json_valid && equals "$(json_q "\" \".join(u[\"id\"] for u in j[\"users\"])")" cusrind01 && is_json_object users "${user_keys[@]}"'
cli "${as_admin[@]}" --json user search cusrzzz
check "search --json with no match: empty list" eval \
    'exit_is 0 && equals "$(cat "$work/out")" "{\"users\":[]}"'

# --- an org admin: the directory decides ----------------------------------------
cli "${as_admin[@]}" user add cusroa01 --type corporate --org "$org1" \
    --name "Org Admin" --email oa@example.org --role orgadmin
oa_dn=uid=cusroa01,ou=people,o=$org1,$base
check "fixture: org admin cusroa01 added" exit_is 0
set_password "$oa_dn" "$work/oa.pw"
cli "${as_oa[@]}" user modify cusrgrp001 --name "Hijack"
check "org admin modifying a user of another org: exit 4" \
    refused 4 "does not let cusroa01"
check "... and the name is unchanged" attr_is \
    "uid=cusrgrp001,ou=people,o=$org2,$base" displayName "Group One"
cli "${as_oa[@]}" user modify cusrind01 --email evil@example.org
check "org admin modifying an individual user: exit 4" refused 4 \
    "does not let"
cli "${as_oa[@]}" user delete cusrgrp001
check "org admin deleting a user of another org: exit 4" refused 4 \
    "does not let cusroa01"
check "... and the user is still there" has_entry \
    "uid=cusrgrp001,ou=people,o=$org2,$base"
cli "${as_oa[@]}" user add cusroa02 --type group --org "$org2" --name X \
    --email x@example.org
check "org admin adding a user to another org: exit 4" refused 4 \
    "does not let cusroa01"
check "... nothing added" no_entry "uid=cusroa02,ou=people,o=$org2,$base"
cli "${as_oa[@]}" org add cusrorg3 --seats 1
check "org admin adding an org: exit 4" refused 4 "top-level admins"
check "... nothing added" no_entry "o=cusrorg3,$base"
cli "${as_oa[@]}" user modify cusrcorp01 --name "By Org Admin"
check "org admin modifying a user of their own org: exit 0" eval \
    'exit_is 0 && attr_is "$c1" displayName "By Org Admin"'
cli "${as_oa[@]}" user search cusr --pending
check "org admin's search: own org only" eval \
    'exit_is 0 && out_has cusrcorp01 && out_lacks cusrgrp001 cusrind01 cusrpend1'
cli "${as_oa[@]}" user show cusrind01
check "org admin showing a user outside their org: exit 4" refused 4 \
    "does not let cusroa01 read cusrind01"
cli "${as_oa[@]}" --json user show cusrcorp01
check "org admin showing a user of their own org: exit 0, email too" eval \
    'exit_is 0 && equals "$(json_q "j[\"email\"], j[\"state\"]")" "renamed@example.org active"'
cli --as cusroa01 --as-pw-file "$work/admin.pw" user show cusrcorp01
check "wrong --as password: exit 4" refused 4 "wrong password"

# --- delete ----------------------------------------------------------------------
# shellcheck disable=SC2034 # used in eval strings
g1=uid=cusrgrp001,ou=people,o=$org2,$base
cli "${as_admin[@]}" user delete cusrgrp001 --dry-run
check "delete --dry-run: exit 0, lists user and state" eval \
    'exit_is 0 && out_has "cn=state,$g1" "$g1" "Nothing was changed"'
check "delete --dry-run: user and state still there" eval \
    'has_entry "$g1" && has_entry "cn=state,$g1"'
cli "${as_admin[@]}" --json user delete cusrgrp001 --dry-run
check "delete --dry-run --json: keys, dry_run true, state first" eval \
    'is_json_object id dry_run deleted unlinked_seats && equals "$(json_q "j[\"dry_run\"], j[\"deleted\"][0]")" "True cn=state,$g1"'
cli "${as_admin[@]}" --json user delete cusrgrp001
check "delete --json: exit 0, dry_run false" eval \
    'exit_is 0 && equals "$(json_q "j[\"dry_run\"], len(j[\"deleted\"])")" "False 2"'
check "delete: user and cn=state gone" eval \
    'no_entry "$g1" && no_entry "cn=state,$g1"'
cli "${as_admin[@]}" user delete cusrgrp001
check "delete again: exit 3" refused 3 "no user cusrgrp001"
cli "${as_admin[@]}" user delete cusrind01
check "delete human: exit 0, says what went" eval \
    'exit_is 0 && out_has "Deleted cusrind01" "cn=state,$u1"'
cli "${as_admin[@]}" user add cusrind01 --type corporate --org "$org2" \
    --name "Reborn" --email r@example.org
check "after delete the ID can be used again (new type: new user)" exit_is 0

# --- a user added here logs in after a reissue -------------------------------------
cli "${as_admin[@]}" user add cusrlogin1 --type individual --name "Login" \
    --email login@example.org
{ head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 14
    printf 'Q7'; } > "$work/tmp.pw"
cli "${as_admin[@]}" reissue cusrlogin1 --password-file "$work/tmp.pw"
check "reissue of the new user: exit 0" exit_is 0
pam_login idportal-cusr cusrlogin1 "$(cat "$work/tmp.pw")" > "$work/pam.out"
check "PAM: the new user authenticates with the temporary password" \
    has_all "$work/pam.out" "successfully authenticated"
check "PAM: and must change it" has_all "$work/pam.out" \
    "Authentication token is no longer valid; new one required"
pam_login idportal-cusr cusrlogin1 wrong-password > "$work/pam.out"
check "PAM: a wrong password is refused" not grep -q \
    'successfully authenticated' "$work/pam.out"

# --- the hosts see them: `idportal sync --once`, then NSS --------------------------
nss_conf=$work/idportal.conf
grep -v '^cache_file' "$conf" > "$nss_conf"
echo "cache_file = $work/cache" >> "$nss_conf"
export IDPORTAL_CACHE=$work/cache
printf 'root:x:0:0:root:/root:/bin/bash\n' > "$work/passwd"
printf 'root:x:0:\n' > "$work/group"
nss_preload=libnss_wrapper.so
if [ -n "$asan_rt" ]; then
	nss_preload="$asan_rt $nss_preload"
	export NSS_WRAPPER_DISABLE_DEEPBIND=1
fi
nw() {		# nw COMMAND...: NSS answered by files + idportal
	LD_PRELOAD="$nss_preload" NSS_WRAPPER_PASSWD="$work/passwd" \
	    NSS_WRAPPER_GROUP="$work/group" \
	    NSS_WRAPPER_MODULE_SO_PATH="$build/libnss_idportal.so.2" \
	    NSS_WRAPPER_MODULE_FN_PREFIX=idportal "$@"
}
cli --config "$nss_conf" sync --once
check "sync --once: exit 0" exit_is 0
cuid=$(value_of "$c1" uidNumber)
check "NSS: a user added by the CLI" equals "$(nw getent passwd cusrcorp01)" \
    "cusrcorp01:x:$cuid:$cuid:By Org Admin:/home/cusrcorp01:/bin/bash"
check "NSS: the org's group made by org add, with its active users" equals \
    "$(nw getent group cusrorg1)" \
    "cusrorg1:x:$(value_of "cn=$org1,o=$org1,$base" gidNumber):cusrcorp01,cusroa01"
check "NSS: a deleted user is not there" equals \
    "$(nw getent passwd cusrgrp001)" ""

echo "1..$n"
[ "$fails" -eq 0 ]
