#!/bin/bash
# `idportal check`, TAP: every check ok on the run's slapd-env; then one
# fault at a time in a copy of its config (syntax error, a 0644 secret file,
# a refusing uri next to the good one, the wrong CA, a wrong bind password,
# a base that `idportal init` never prepared), each named on a FAIL line
# with its exit status.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
: "${IDPORTAL_CONF:?run through tests/run-tests}" "${IDS_LDAPI_URI:?}"
: "${IDS_BASE:?}" "${IDS_URI:?}" "${IDS_OTHER_CA_FILE:?}"
env_dir=$(dirname "$IDPORTAL_CONF")

umask 077	# the configs written here must not be group-writable
work=$(mktemp -d /tmp/cli-check.XXXXXX) || exit 1
trap 'rm -rf -- "$work"' EXIT

# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

# The secret files, copied so that their modes can be spoiled.
install -m 600 "$env_dir/bind.secret" "$work/bind.secret" &&
    install -m 600 "$env_dir/totp.key" "$work/totp.key" ||
    bail "cannot copy the secret files"
printf 'not-the-password' > "$work/wrong.secret"
chmod 600 "$work/wrong.secret"

# conf [SED_EXPR...]: $work/c.conf, the run's config with our secret
# files, edited by each sed expression
conf() {
	local args=(-e "s|^bind_pw_file =.*|bind_pw_file = $work/bind.secret|"
	    -e "s|^totp_key_file =.*|totp_key_file = $work/totp.key|") e
	for e in "$@"; do
		args+=(-e "$e")
	done
	sed "${args[@]}" "$IDPORTAL_CONF" > "$work/c.conf"
}

# run WANT_EXIT [OPTION...]: `idportal [OPTION...] --config c.conf check`,
# stdout in $work/out, stderr in $work/err
run() {
	local want=$1 rc
	shift
	"$idportal" "$@" --config "$work/c.conf" check > "$work/out" \
	    2> "$work/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "exit $rc, want $want"
		cat "$work/out" "$work/err"
		return 1
	fi
}
said() {	# said REGEX: the last run printed it on stdout
	grep -q -- "$1" "$work/out" || { cat "$work/out"; return 1; }
}
complained() {	# the last run's stderr is one "idportal: " line
	[ "$(wc -l < "$work/err")" -eq 1 ] && grep -q '^idportal: ' "$work/err"
}
only_ok() {	# every check line of the last run says ok
	! grep -qv '^ok    \|^all [0-9]* checks passed$' "$work/out" &&
	    [ "$(grep -c '^ok    ' "$work/out")" -ge 10 ]
}
counter() {	# the unknown-logins counter's value
	ldapsearch -LLL -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" -b \
	    "cn=unknown-logins,ou=counters,$IDS_BASE" -s base \
	    idpPasswordFailures | sed -n 's/^idpPasswordFailures: //p'
}
json_ok() {	# the last run's stdout is the documented JSON, all ok
	python3 - "$work/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is True and d["exit"] == 0, d
names = [c["name"] for c in d["checks"]]
assert names == ["config", "bind_pw_file", "totp_key_file", "uri", "bind",
    "schema", "base", "init", "read_users", "write_counter"], names
for c in d["checks"]:
	assert set(c) == {"name", "target", "status", "detail"}, c
	assert c["status"] == "ok", c
PY
}

before=$(counter)
conf
check "all checks pass on a good setup: exit 0" run 0
check "... every line ok, then the summary" only_ok
check "... one line per uri, StartTLS verified" \
    said "^ok    uri $IDS_URI: answers (StartTLS, certificate verified)"
check "... nothing on stderr" test ! -s "$work/err"
check "... the write test changed no counter" test "$(counter)" = "$before"
check "--json: one object with ok, exit and checks" run 0 --json
check "... names, targets, statuses and details" json_ok

conf 's|^timeout = .*|timeout = 5 seconds|'
check "a syntax error: exit 1" run 1
check "... naming file:line" said "^FAIL  config $work/c.conf: $work/c.conf:[0-9]*: timeout"
check "... and nothing else tried" test "$(wc -l < "$work/out")" -eq 2
check "... one error line on stderr" complained

conf
chmod 644 "$work/bind.secret"
check "bind_pw_file mode 0644: exit 1" run 1
check "... the FAIL names the file and says chmod 600" \
    said "^FAIL  bind_pw_file $work/bind.secret: .*mode 0644.*chmod 600 $work/bind.secret"
check "... the other checks still run" said "^ok    uri $IDS_URI"
chmod 600 "$work/bind.secret"

conf "s|^uri = .*|uri = ldap://127.0.0.1:1 $IDS_URI|"
check "a refusing uri next to a good one: exit 6" run 6
check "... that uri FAILs as unreachable" \
    said "^FAIL  uri ldap://127.0.0.1:1: unreachable"
check "... the good one is ok" said "^ok    uri $IDS_URI: answers"
check "... and the rest passes through it" \
    said "^ok    write_counter .*accepted on $IDS_URI"
check "... 1 failure counted" said "^1 of 11 checks failed$"

conf "s|^tls_ca_file = .*|tls_ca_file = $IDS_OTHER_CA_FILE|"
check "tls_ca_file of another CA: exit 6" run 6
check "... the TLS failure named" \
    said "^FAIL  uri $IDS_URI: TLS failed: certificate verify failed: .*$IDS_OTHER_CA_FILE"
check "... what needs a server is skipped" said "^skip  bind "

conf "s|^bind_pw_file = .*|bind_pw_file = $work/wrong.secret|"
check "a wrong bind password: exit 4" run 4
check "... the bind FAILs" said "^FAIL  bind cn=idportal-host,"
check "... never printing the password" \
    not grep -q 'not-the-password' "$work/out" "$work/err"

conf "s|^base = .*|base = dc=never-initialised,dc=test|"
check "a base idportal init never prepared: exit 3" run 3
check "... the init check says to run idportal init" \
    said "^FAIL  init cn=uidnumber,ou=counters,dc=never-initialised,dc=test: .*run \`idportal init\`"
check "... as does the counter's" said "^FAIL  write_counter .*idportal init"

usage() {	# check with an argument: exit 2
	"$idportal" --config "$work/c.conf" check extra > "$work/out" \
	    2> "$work/err"
	[ $? -eq 2 ] && grep -q '^idportal: usage: ' "$work/err"
}
conf
check "an argument after check: usage, exit 2" usage
echo "1..$n"
