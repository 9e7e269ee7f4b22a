#!/bin/bash
# Integration test of `idportal forgot-password` and `idportal signup`
# (TAP), against the real slapd with the shipped ACLs, mail through
# tests/slapd-env's fake sendmail (DIR/mail/N.eml): the neutral answer
# whatever the ID and address, the temporary password mailed only to the
# registered address of an active user and working through
# pam_idportal.so, one reset per reset_interval (the clock moved with
# libfaketime; four requests at once make one mail), and sign-up ->
# register -> login, with allow_signup off, a host account instead of the
# portal, and an expired confirmation.
#
# Uses the shared directory of run-tests (env IDPORTAL_CONF, IDS_PORTAL_CONF,
# IDS_ENV_DIR, IDS_LDAPI_URI, IDS_BASE, IDPORTAL, IDS_BUILD_DIR).  Everything
# it makes has an ID starting with "slfs" or an @slfs.example address and is
# deleted at the end.  Needs root, ldap-utils, pamtester, pam_wrapper and
# faketime.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
module=$build/pam_idportal.so
export PATH=$PATH:/usr/sbin:/sbin

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/selfservice-test.XXXXXX") || exit 1
# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
# ldapi, search, value_of, attr_is, attr_absent, ldif_in
. "$(dirname "${BASH_SOURCE[0]}")/../ldapi.sh"
# cli, exit_is, refused, out_has, is_json_object, json_q, pam_login, ...
. "$(dirname "${BASH_SOURCE[0]}")/../cli.sh"
for v in IDPORTAL_CONF IDS_PORTAL_CONF IDS_ENV_DIR IDS_LDAPI_URI IDS_BASE; do
	[ -n "${!v:-}" ] || bail "$v is not set (run from tests/run-tests)"
done
[ -x "$idportal" ] || bail "no idportal CLI at $idportal"
[ -r "$module" ] || bail "no PAM module at $module"

conf=$IDPORTAL_CONF
base=$IDS_BASE
people=ou=people,$base
maildir=$IDS_ENV_DIR/mail
# The portal, with sign-up on; a host with sign-up on (refused anyway).
portal=$work/portal.conf
host=$work/host.conf
printf 'allow_signup = yes\n' | cat "$IDS_PORTAL_CONF" - > "$portal"
printf 'allow_signup = yes\n' | cat "$conf" - > "$host"

sweep() {
	local dn
	ldapi ldapsearch -LLL -o ldif-wrap=no -b "$base" \
	    '(|(uid=slfs*)(mail=*@slfs.example))' 1.1 2> /dev/null |
	    sed -n 's/^dn: //p' | while read -r dn; do
		ldapi ldapdelete -r "$dn" > /dev/null 2>&1
	done
}
cleanup() {
	sweep
	rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

mail_count() {
	find "$maildir" -name '*.eml' | wc -l
}
last_mail() {
	ls -t "$maildir"/*.eml | head -n 1
}
temp_in() {	# temp_in FILE: the temporary password in a reset mail
	sed -n '/temporary password is:/,/valid until/s/^    \([^ ]\+\)$/\1/p' \
	    "$1" | head -n 1
}
code_in() {	# code_in FILE: the registration code in a message
	sed -n 's/^ *\([0-9A-Z]\{5\}\(-[0-9A-Z]\{5\}\)\{4\}\)$/\1/p' "$1" |
	    head -n 1
}
add_user() {	# add_user ID EMAIL STATE: an individual user with good.pw
	local dn=uid=$1,$people uidn=$((63000 + RANDOM % 900))
	ldif_in -a <<EOF
dn: $dn
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: idpUser
uid: $1
cn: $1
sn: $1
mail: $2
uidNumber: $uidn
gidNumber: $uidn
homeDirectory: /home/$1
idpUserType: individual
idpState: $3
EOF
	set_password "$dn" "$work/good.pw"
}
logs_in() {	# logs_in ID PASSWORD: authenticated and let in
	pam_login idportal-slfs "$1" "$2" > "$work/pam.out"
	has_all "$work/pam.out" "successfully authenticated" \
	    "account management done"
}

sweep
printf '%s' 'Violet-Tractor-Sings-42' > "$work/good.pw"
add_user slfsuser1 u1@slfs.example active
add_user slfsuser2 u2@slfs.example active
add_user slfsuser3 u3@slfs.example active
add_user slfsgone1 gone@slfs.example disabled
pam_service idportal-slfs "$conf"
good=$(cat "$work/good.pw")
u1=uid=slfsuser1,$people

# --- forgot-password -----------------------------------------------------------
before=$(mail_count)
cli --config "$portal" forgot-password slfsuser1 wrong@slfs.example
check "forgot-password, wrong address: exit 0, the neutral answer" eval \
    'exit_is 0 && out_has "If slfsuser1 is registered with wrong@slfs.example, a temporary password has been mailed to that address."'
check "... no mail, the password unchanged" eval \
    '[ "$(mail_count)" -eq "$before" ] && logs_in slfsuser1 "$good"'
wrong_out=$(sed 's/wrong@/u1@/' "$work/out")
cli --config "$portal" forgot-password slfsnone1 u1@slfs.example
check "forgot-password, unknown ID: the same answer, no mail" eval \
    'exit_is 0 && equals "$(sed s/slfsnone1/slfsuser1/ "$work/out")" "$wrong_out" && [ "$(mail_count)" -eq "$before" ]'
cli --config "$portal" forgot-password slfsgone1 gone@slfs.example
check "forgot-password, disabled user: the same answer, no mail" eval \
    'exit_is 0 && [ "$(mail_count)" -eq "$before" ]'
cli --config "$portal" forgot-password SLFSUSER1 u1@slfs.example
check "forgot-password, the ID in another case: no mail (IDs are exact)" \
    eval 'exit_is 0 && [ "$(mail_count)" -eq "$before" ]'

cli --config "$portal" forgot-password slfsuser1 U1@SLFS.example
check "forgot-password, ID and address (any case): the same answer" eval \
    'exit_is 0 && equals "$(cat "$work/out")" "If slfsuser1 is registered with U1@SLFS.example, a temporary password has been mailed to that address."'
check "... one mail, to the registered address" eval \
    '[ "$(mail_count)" -eq $((before + 1)) ] && has_all "$(last_mail)" "To: u1@slfs.example" "Subject: Your temporary password"'
temp=$(temp_in "$(last_mail)")
check "... holding a temporary password of 10 letters and digits" eval \
    '[[ $temp =~ ^[A-Za-z0-9]{10}$ ]]'
check "... not printed" out_lacks "$temp"
check "... the user's temporary flag is set" attr_is "$u1" idpTempPassword TRUE
check "... cn=state has idpLastResetTime" eval \
    '[ -n "$(value_of "cn=state,$u1" idpLastResetTime)" ]'
pam_login idportal-slfs slfsuser1 "$temp" > "$work/pam.out"
check "PAM: the mailed password lets the user in only to change it" \
    has_all "$work/pam.out" "successfully authenticated" \
    "new one required"
check "PAM: the old password no longer works" not logs_in slfsuser1 "$good"

before=$(mail_count)
cli --config "$portal" forgot-password slfsuser1 u1@slfs.example
check "again within reset_interval: the same answer, no mail" eval \
    'exit_is 0 && out_has "If slfsuser1 is registered" && [ "$(mail_count)" -eq "$before" ]'
pam_login idportal-slfs slfsuser1 "$temp" > "$work/pam.out"
check "... and the first mailed password still works" has_all \
    "$work/pam.out" "successfully authenticated"
# Under libfaketime the mail command (a shell script) inherits the preload;
# with the ASan runtime in it too, it hangs: skipped in an ASan build.
if [ -n "$asan_rt" ]; then
	n=$((n + 1))
	echo "ok $n # SKIP 16 minutes later (libfaketime + ASan hang the mail command)"
else
	cli --at "+16m" --config "$portal" forgot-password slfsuser1 \
	    u1@slfs.example
	check "16 minutes later (reset_interval 15m): a new mail" eval \
	    'exit_is 0 && [ "$(mail_count)" -eq $((before + 1)) ]'
fi

before=$(mail_count)
for i in 1 2 3 4; do
	( ASAN_OPTIONS=detect_leaks=0 timeout 60 "$idportal" \
	    --config "$portal" forgot-password slfsuser2 u2@slfs.example \
	    < /dev/null > "$work/race.$i" 2>&1 ) &
done
wait
check "4 requests at once (a user never reset): 4 neutral answers, 1 mail" eval \
    '[ "$(grep -l "If slfsuser2 is registered" "$work"/race.? | wc -l)" -eq 4 ] && [ "$(mail_count)" -eq $((before + 1)) ]'

before=$(mail_count)
cli --config "$conf" forgot-password slfsuser3 u3@slfs.example
check "forgot-password as a host (not the portal): exit 4, says why" \
    refused 4 "portal's config"
check "... no mail, the password unchanged" eval \
    '[ "$(mail_count)" -eq "$before" ] && logs_in slfsuser3 "$good"'
cli --config "$portal" forgot-password slfsuser3 u3@slfs.example
check "... and the portal's request right after is not held back" eval \
    'exit_is 0 && [ "$(mail_count)" -eq $((before + 1)) ]'
cli --config "$portal" forgot-password 'slfs_user' u1@slfs.example
check "forgot-password: a bad ID is exit 2" refused 2 "ID slfs_user refused"
cli --config "$portal" forgot-password slfsuser1 'a@b.c
Bcc: x@y.z'
check "forgot-password: a line break in the address is exit 2" refused 2 \
    "--email"
cli --config "$portal" --json forgot-password slfsnone1 x@slfs.example
check "forgot-password --json: keys" eval \
    'exit_is 0 && is_json_object id email answer'

# --- signup ----------------------------------------------------------------------
cli --config "$IDS_PORTAL_CONF" signup s1@slfs.example
check "signup with allow_signup = no: exit 4, says so" refused 4 \
    "allow_signup = no"
cli --config "$host" signup s1@slfs.example
check "signup as a host (not the portal): exit 4" refused 4 "does not let"
before=$(mail_count)
cli --config "$portal" signup s1@slfs.example
check "signup: exit 0, says until when" eval \
    'exit_is 0 && out_has "A confirmation code was mailed to s1@slfs.example" "(Asia/Tokyo)"'
check "signup: one mail with a code" eval \
    '[ "$(mail_count)" -eq $((before + 1)) ] && has_all "$(last_mail)" "To: s1@slfs.example" "Subject: Confirm your sign-up"'
scode=$(code_in "$(last_mail)")
pend=$(search "$base" sub '(mail=s1@slfs.example)' 1.1 | sed -n 's/^dn: //p')
check "signup: a pending individual entry under ou=people,<base>" eval \
    '[[ $pend == *",$people" ]] && attr_is "$pend" idpState pending && attr_is "$pend" idpUserType individual'
check "signup: valid about 48 hours" eval \
    'd=$(value_of "$pend" idpInviteDeadline); s=$(date -u -d "${d:0:8} ${d:8:2}:${d:10:2}:${d:12:2}" +%s); [ $((s - $(date +%s))) -gt $((48 * 3600 - 120)) ] && [ $((s - $(date +%s))) -le $((48 * 3600)) ]'
cli --at "+49h" --config "$portal" register "$scode" --id slfssign1 \
    --name Sig --password-file "$work/good.pw"
check "register 49 hours later: expired, exit 4" refused 4 "expired"
cli --config "$portal" register "$scode" --id slfssign1 --name Sig \
    --password-file "$work/good.pw"
check "register within 48 hours: exit 0" exit_is 0
check "the signed-up user logs in (an individual needs no seat)" \
    logs_in slfssign1 "$good"
sed "s|^mail_command = .*|mail_command = /bin/false|" "$portal" \
    > "$work/nomail.conf"
cli --config "$work/nomail.conf" signup s2@slfs.example
check "signup with a failing mail command: exit 1, nothing kept" eval \
    'refused 1 "could not mail the confirmation" && [ -z "$(search "$base" sub "(mail=s2@slfs.example)" 1.1)" ]'
cli --config "$portal" --json signup s3@slfs.example
check "signup --json: keys" eval 'exit_is 0 && is_json_object email expires'

echo "1..$n"
[ "$fails" -eq 0 ]
