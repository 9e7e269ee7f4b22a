#!/bin/bash
# Integration test of packaging/slapd/idportal-acl.ldif (TAP): who may read
# and write what, in a directory prepared by `idportal init` with the ACLs
# loaded as tests/slapd-env loads them.
#
# Runs against the directory run-tests provides (the IDS_* variables and
# IDPORTAL_CONF), or against any slapd-env: `tests/integ/acl.sh DIR`.
# Adds aclalice, aclbob01, aclcarol and o=aclacme and removes them again at
# exit; the admin moves the uid counter on by one.
set -uo pipefail

if [ $# -eq 1 ]; then
	# shellcheck source=/dev/null
	. "$1/env" || exit 1
fi
for v in IDPORTAL_CONF IDS_URI IDS_LDAPI_URI IDS_BASE IDS_CA_FILE \
    IDS_ADMIN_ID IDS_ADMIN_PW_FILE; do
	if [ -z "${!v:-}" ]; then
		echo "Bail out! $v is not set (run from run-tests, or: $0 DIR)"
		exit 1
	fi
done
export LDAPTLS_CACERT=$IDS_CA_FILE LDAPTLS_REQCERT=demand
umask 077

work=$(mktemp -d "${TMPDIR:-/tmp}/acl-test.XXXXXX") || exit 1
base=$IDS_BASE
alice_dn=uid=aclalice,ou=people,$base
bob_dn=uid=aclbob01,ou=people,$base
carol_dn=uid=aclcarol,ou=people,$base
org_dn=o=aclacme,$base
counter_dn=cn=uidnumber,ou=counters,$base
conf_value() {	# conf_value KEY: its value in the config
	sed -n "s/^$1[[:space:]]*=[[:space:]]*//p" "$IDPORTAL_CONF"
}
svc_dn=$(conf_value bind_dn)
svc_pw_file=$(conf_value bind_pw_file)

# Who binds: root over ldapi (peercred), the rest with StartTLS.
root=(-Q -Y EXTERNAL -H "$IDS_LDAPI_URI")
anon=(-ZZ -x -H "$IDS_URI")
alice=("${anon[@]}" -D "$alice_dn" -y "$work/alice.pw")
service=("${anon[@]}" -D "$svc_dn" -y "$svc_pw_file")
admin=("${anon[@]}" -D "uid=$IDS_ADMIN_ID,ou=people,$base"
    -y "$IDS_ADMIN_PW_FILE")

cleanup() {
	ldapdelete -c "${root[@]}" "cn=state,$alice_dn" "$alice_dn" \
	    "cn=state,$bob_dn" "$bob_dn" "$carol_dn" "$org_dn" \
	    > /dev/null 2>&1
	rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

n=0
fails=0
result() {	# result OK? DESCRIPTION: one TAP line, output as diagnostics
	n=$((n + 1))
	if [ "$1" = yes ]; then
		echo "ok $n - $2"
	else
		fails=$((fails + 1))
		echo "not ok $n - $2"
		sed 's/^/# /' "$work/out"
	fi
}
# run COMMAND...: output in $work/out, LDAP result code in $rc (the exit
# status, except ldappasswd, which exits 1 and prints "Result: ... (N)").
run() {
	local code
	rc=0
	"$@" > "$work/out" 2>&1 || rc=$?
	code=$(sed -n 's/^Result: .*(\([0-9]*\))$/\1/p' "$work/out")
	if [ "$rc" -eq 1 ] && [ -n "$code" ]; then
		rc=$code
	fi
}
expect_rc() {	# expect_rc CODE DESCRIPTION COMMAND...
	local want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$want" ]; then
		result yes "$desc"
	else
		echo "LDAP result $rc, want $want" >> "$work/out"
		result no "$desc"
	fi
}
may() {	# may DESCRIPTION COMMAND...: the operation succeeds
	expect_rc 0 "$@"
}
may_not() {	# may_not DESCRIPTION COMMAND...: insufficientAccess (50)
	expect_rc 50 "$@"
}
# sees / sees_not DESCRIPTION REGEX COMMAND...: a search whose output does
# or does not match. A search of what one may not see still succeeds (0) or
# finds no such object (32); anything else (a failed bind) is a failure.
sees() {
	local desc=$1 re=$2
	shift 2
	run "$@"
	if [ "$rc" -eq 0 ] && grep -qiE -- "$re" "$work/out"; then
		result yes "$desc"
	else
		result no "$desc (want /$re/, result $rc)"
	fi
}
sees_not() {
	local desc=$1 re=$2
	shift 2
	run "$@"
	if { [ "$rc" -eq 0 ] || [ "$rc" -eq 32 ]; } &&
	    ! grep -qiE -- "$re" "$work/out"; then
		result yes "$desc"
	else
		result no "$desc (want no /$re/, result $rc)"
	fi
}
search() {	# search BIND-OPTIONS... -- SEARCH-ARGS...
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	ldapsearch -LLL -o ldif-wrap=no "${opts[@]}" "$@"
}
# LDIF for ldapmodify: replace DN ATTR VALUE [ATTR VALUE]...
replace() {
	local dn=$1
	shift
	printf 'dn: %s\nchangetype: modify\n' "$dn"
	while [ $# -ge 2 ]; do
		printf 'replace: %s\n%s: %s\n-\n' "$1" "$1" "$2"
		shift 2
	done
}
# Move idpTotpLastStep from OLD to NEW in one modify (as the module does).
swap_step() {	# swap_step DN OLD NEW
	printf 'dn: %s\nchangetype: modify\ndelete: idpTotpLastStep\n' "$1"
	printf 'idpTotpLastStep: %s\n-\nadd: idpTotpLastStep\n' "$2"
	printf 'idpTotpLastStep: %s\n' "$3"
}
# Move idpTotpState from OLD to NEW in one modify (delete the value, add).
totp_state() {	# totp_state DN OLD NEW
	printf 'dn: %s\nchangetype: modify\ndelete: idpTotpState\n' "$1"
	printf 'idpTotpState: %s\n-\nadd: idpTotpState\n' "$2"
	printf 'idpTotpState: %s\n' "$3"
}
increment() {	# increment DN ATTR
	printf 'dn: %s\nchangetype: modify\nincrement: %s\n%s: 1\n' \
	    "$1" "$2" "$2"
}

# --- fixtures: two users and an org, added by root ---------------------------
printf 'Alice-pw-1' > "$work/alice.pw"
ldapadd "${root[@]}" > "$work/out" 2>&1 <<EOF || {
dn: $alice_dn
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: idpUser
uid: aclalice
cn: Alice
sn: A
displayName: Alice A
mail: alice@example.org
uidNumber: 79001
gidNumber: 79001
homeDirectory: /home/aclalice
loginShell: /bin/bash
idpTempPassword: FALSE
userPassword: Alice-pw-1

dn: $bob_dn
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: idpUser
uid: aclbob01
cn: Bob
sn: B
mail: bob@example.org
uidNumber: 79002
gidNumber: 79002
homeDirectory: /home/aclbob01
userPassword: Bob-pw-1

dn: cn=state,$bob_dn
objectClass: idpUserState
cn: state
idpPasswordFailures: 0
idpTotpSecret: c2VjcmV0

dn: $org_dn
objectClass: organization
o: aclacme
EOF
	sed 's/^/# /' "$work/out"
	echo "Bail out! cannot add the test entries"
	exit 1
}

# --- anonymous ---------------------------------------------------------------
sees_not "anonymous sees no users" "^dn:" \
    search "${anon[@]}" -- -b "$base" '(uid=*)'
sees "anonymous reads the rootDSE" "namingContexts" \
    search "${anon[@]}" -- -b "" -s base namingContexts

# --- a user: aclalice --------------------------------------------------------
may "alice binds" ldapwhoami "${alice[@]}"
sees "alice reads her own mail" "^mail:" \
    search "${alice[@]}" -- -b "$alice_dn" -s base
sees_not "alice does not read her own userPassword" "^userPassword" \
    search "${alice[@]}" -- -b "$alice_dn" -s base '*'
sees "alice sees bob's uidNumber" "^uidNumber: 79002" \
    search "${alice[@]}" -- -b "$bob_dn" -s base
sees_not "alice does not see bob's mail" "^mail" \
    search "${alice[@]}" -- -b "$bob_dn" -s base
sees "alice's subtree search from the base finds bob" "^dn: uid=aclbob01" \
    search "${alice[@]}" -- -b "$base" '(uid=aclbob01)' uid
sees_not "alice cannot use bob's mail as a search oracle" "^dn: uid=aclbob" \
    search "${alice[@]}" -- -b "$base" '(mail=bob*)' uid
sees_not "alice does not see o=aclacme" "^dn: o=aclacme" \
    search "${alice[@]}" -- -b "$base" '(objectClass=*)' 1.1
sees_not "alice does not see the services" "^dn: .*ou=services" \
    search "${alice[@]}" -- -b "$base" '(objectClass=*)' 1.1
sees_not "alice cannot read bob's state" "^dn: cn=state" \
    search "${alice[@]}" -- -b "cn=state,$bob_dn" -s base
may "alice changes her displayName and mail" ldapmodify "${alice[@]}" \
    <<< "$(replace "$alice_dn" displayName "Alice Z" mail alice2@example.org)"
may_not "alice cannot change her loginShell" ldapmodify "${alice[@]}" \
    <<< "$(replace "$alice_dn" loginShell /bin/sh)"
may_not "alice cannot clear her temporary-password flag" \
    ldapmodify "${alice[@]}" \
    <<< "$(replace "$alice_dn" idpTempPassword FALSE)"
may_not "alice cannot change bob's displayName" ldapmodify "${alice[@]}" \
    <<< "$(replace "$bob_dn" displayName X)"
may_not "alice cannot set bob's password" \
    ldappasswd "${alice[@]}" -s Whatever-1 "$bob_dn"
may_not "alice cannot create her own state entry" ldapadd "${alice[@]}" \
    <<< "$(printf 'dn: cn=state,%s\nobjectClass: idpUserState\ncn: state' \
    "$alice_dn")"

# --- the hosts' service account ----------------------------------------------
may "the service creates alice's state entry" ldapadd "${service[@]}" <<EOF
dn: cn=state,$alice_dn
objectClass: idpUserState
cn: state
idpPasswordFailures: 0
idpTotpFailures: 0
idpTotpLastStep: 0
EOF
sees "the service increments a counter, with post-read" \
    "idpPasswordFailures: 1" ldapmodify "${service[@]}" \
    -e postread=idpPasswordFailures \
    <<< "$(increment "cn=state,$alice_dn" idpPasswordFailures)"
may "the service swaps the last TOTP step under an assertion" \
    ldapmodify "${service[@]}" -e '!assert=(idpTotpLastStep=0)' \
    <<< "$(swap_step "cn=state,$alice_dn" 0 5)"
expect_rc 122 "a second swap with a stale assertion fails" \
    ldapmodify "${service[@]}" -e '!assert=(idpTotpLastStep=0)' \
    <<< "$(swap_step "cn=state,$alice_dn" 0 6)"
may "the service writes a TOTP secret" ldapmodify "${service[@]}" \
    <<< "$(replace "cn=state,$alice_dn" idpTotpSecret YWJj \
    idpTotpState pending)"
sees "alice reads her own state counters" "idpPasswordFailures: 1" \
    search "${alice[@]}" -- -b "cn=state,$alice_dn" -s base
sees_not "alice cannot read her TOTP secret" "idpTotpSecret" \
    search "${alice[@]}" -- -b "cn=state,$alice_dn" -s base '*'
may_not "alice cannot reset her counters" ldapmodify "${alice[@]}" \
    <<< "$(replace "cn=state,$alice_dn" idpPasswordFailures 0)"
# Two-factor self-service: from "none" to "pending" and nothing else.
may_not "alice cannot turn her pending TOTP off (pending -> none)" \
    ldapmodify "${alice[@]}" \
    <<< "$(totp_state "cn=state,$alice_dn" pending none)"
may_not "alice cannot replace her idpTotpState" ldapmodify "${alice[@]}" \
    <<< "$(replace "cn=state,$alice_dn" idpTotpState none)"
may_not "alice cannot delete her idpTotpState" ldapmodify "${alice[@]}" \
    <<< "$(printf 'dn: cn=state,%s\nchangetype: modify\n%s' "$alice_dn" \
    'delete: idpTotpState')"
may "the service sets alice's TOTP state back to none" \
    ldapmodify "${service[@]}" \
    <<< "$(replace "cn=state,$alice_dn" idpTotpState none)"
may_not "alice cannot make her TOTP active (none -> active)" \
    ldapmodify "${alice[@]}" \
    <<< "$(totp_state "cn=state,$alice_dn" none active)"
may_not "alice cannot turn on bob's TOTP" ldapmodify "${alice[@]}" \
    <<< "$(printf 'dn: cn=state,%s\nchangetype: modify\n%s\n%s' \
    "$bob_dn" 'add: idpTotpState' 'idpTotpState: pending')"
may "alice turns her own TOTP on (none -> pending, one modify)" \
    ldapmodify "${alice[@]}" \
    <<< "$(totp_state "cn=state,$alice_dn" none pending)"
sees "alice reads her idpTotpState: pending" "^idpTotpState: pending" \
    search "${alice[@]}" -- -b "cn=state,$alice_dn" -s base idpTotpState
sees_not "alice still cannot read her TOTP secret" "idpTotpSecret" \
    search "${alice[@]}" -- -b "cn=state,$alice_dn" -s base '*'
may "the service clears alice's temporary-password flag" \
    ldapmodify "${service[@]}" \
    <<< "$(replace "$alice_dn" idpTempPassword FALSE)"
may_not "the service cannot change alice's loginShell" \
    ldapmodify "${service[@]}" \
    <<< "$(replace "$alice_dn" loginShell /bin/sh)"
sees_not "the service cannot read userPassword" "userPassword" \
    search "${service[@]}" -- -b "$alice_dn" -s base userPassword
may_not "the service cannot set a password" \
    ldappasswd "${service[@]}" -s Whatever-1 "$alice_dn"
sees "the service reads bob's mail" "^mail:" \
    search "${service[@]}" -- -b "$bob_dn" -s base
sees "the service reads the uid counter" "idpNextUidNumber" \
    search "${service[@]}" -- -b "$counter_dn" -s base
may_not "the service cannot move the uid counter" ldapmodify "${service[@]}" \
    <<< "$(increment "$counter_dn" idpNextUidNumber)"
may_not "the service cannot add other children under a user" \
    ldapadd "${service[@]}" \
    <<< "$(printf 'dn: cn=foo,%s\nobjectClass: idpUserState\ncn: foo' \
    "$alice_dn")"
may_not "the service cannot add a user" ldapadd "${service[@]}" \
    <<< "$(printf 'dn: uid=acleve01,ou=people,%s\nobjectClass: account\n%s' \
    "$base" 'uid: acleve01')"
sees "the service's sync search returns users" "^dn: uid=aclbob01" \
    search "${service[@]}" -- -E sync=ro -b "$base" \
    '(|(objectClass=posixAccount)(objectClass=posixGroup))' 1.1
may "the service deletes alice's state" \
    ldapdelete "${service[@]}" "cn=state,$alice_dn"

# --- alice changes her own password (RFC 3062) -------------------------------
may "alice changes her password with the old one" \
    ldappasswd "${alice[@]}" -a Alice-pw-1 -s Alice-pw-2
printf 'Alice-pw-2' > "$work/alice.pw"
may "alice binds with the new password" ldapwhoami "${alice[@]}"
expect_rc 53 "alice's change with a wrong old password is refused" \
    ldappasswd "${alice[@]}" -a nope -s Alice-pw-3

# --- the top-level admin (member of cn=idportal-admins) ----------------------
may "the admin binds" ldapwhoami "${admin[@]}"
may "the admin changes alice's loginShell" ldapmodify "${admin[@]}" \
    <<< "$(replace "$alice_dn" loginShell /bin/sh)"
may "the admin sets bob's password" \
    ldappasswd "${admin[@]}" -s Bob-pw-2 "$bob_dn"
sees_not "the admin does not read password hashes" "userPassword" \
    search "${admin[@]}" -- -b "$bob_dn" -s base userPassword
sees "the admin reads bob's TOTP secret" "idpTotpSecret" \
    search "${admin[@]}" -- -b "cn=state,$bob_dn" -s base '*'
sees "the admin moves the uid counter (post-read)" "idpNextUidNumber: " \
    ldapmodify "${admin[@]}" -e postread=idpNextUidNumber \
    <<< "$(increment "$counter_dn" idpNextUidNumber)"
may "the admin adds a user" ldapadd "${admin[@]}" <<EOF
dn: $carol_dn
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: idpUser
uid: aclcarol
cn: Carol
sn: C
uidNumber: 79003
gidNumber: 79003
homeDirectory: /home/aclcarol
EOF
may "the admin deletes bob's state and bob" \
    ldapdelete "${admin[@]}" "cn=state,$bob_dn" "$bob_dn"

# --- root over ldapi ---------------------------------------------------------
sees "root over ldapi reads password hashes" "userPassword" \
    search "${root[@]}" -- -b "$alice_dn" -s base userPassword
# A modify that changes nothing: write back the current idle timeout.
idle=$(search "${root[@]}" -- -b cn=config -s base olcIdleTimeout |
    sed -n 's/^olcIdleTimeout: //p')
may "root over ldapi modifies cn=config" ldapmodify "${root[@]}" \
    <<< "$(replace cn=config olcIdleTimeout "${idle:-0}")"

echo "1..$n"
[ "$fails" -eq 0 ]
