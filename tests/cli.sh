# cli.sh: running the idportal CLI and the PAM module from the shell tests,
# and checking what they said.  Source it after tests/tap.sh and
# tests/ldapi.sh, with $work, $idportal and $module set.

asan_rt=
# (not `ldd | grep -q`: with pipefail, ldd's SIGPIPE would fail the test)
if [[ $(ldd "$idportal" "$module" 2> /dev/null) == *libasan* ]]; then
	asan_rt=$(gcc -print-file-name=libasan.so)
fi
export ASAN_OPTIONS=detect_leaks=0	# pamtester and getent leak; not ours

libfaketime=/usr/lib/$(gcc -print-multiarch 2> /dev/null ||
    echo x86_64-linux-gnu)/faketime/libfaketime.so.1
# cli [--at FAKETIME] ARGS...: output in $work/out and $work/err, status in
# $rc.  --at runs it under libfaketime (FAKETIME syntax: "+8d",
# "@2026-12-24 00:00:00").
cli() {
	local pre=()
	if [ "$1" = --at ]; then
		pre=(env "FAKETIME=$2" FAKETIME_DONT_FAKE_MONOTONIC=1
		    "LD_PRELOAD=${asan_rt:+$asan_rt }$libfaketime")
		shift 2
	fi
	rc=0
	# the CLI itself must not leak (under ASan: make check SANITIZE=1)
	ASAN_OPTIONS=detect_leaks=1 timeout 60 "${pre[@]}" "$idportal" "$@" \
	    < /dev/null > "$work/out" 2> "$work/err" || rc=$?
}
exit_is() {	# exit_is WANT
	[ "$rc" -eq "$1" ] || {
		echo "exit $rc, want $1; stdout:"
		cat "$work/out"
		echo "stderr:"
		cat "$work/err"
		return 1
	}
}
one_error_line() {
	if [ "$(wc -l < "$work/err")" -ne 1 ] ||
	    grep -qv '^idportal: ' "$work/err"; then
		echo "want one line starting 'idportal: ', got:"
		cat "$work/err"
		return 1
	fi
}
has_all() {	# has_all FILE FIXED-STRING...: every string is in FILE
	local f=$1 s
	shift
	for s in "$@"; do
		grep -qF -- "$s" "$f" ||
		    { echo "no '$s' in:"; cat "$f"; return 1; }
	done
}
err_has() {
	has_all "$work/err" "$@"
}
out_has() {
	has_all "$work/out" "$@"
}
out_lacks() {	# out_lacks STRING...
	local s
	for s in "$@"; do
		not grep -qF -- "$s" "$work/out" ||
		    { echo "'$s' in:"; cat "$work/out"; return 1; }
	done
}
# refused WANT-EXIT STRING...: that exit, one error line, with the strings
refused() {
	local want=$1
	shift
	exit_is "$want" && one_error_line && err_has "$@"
}
is_json_object() {	# is_json_object KEY...: one line, {...}, these keys
	local keys
	if [ "$(wc -l < "$work/out")" -ne 1 ] ||
	    ! grep -qx '{.*}' "$work/out"; then
		echo "not one JSON object line:"
		cat "$work/out"
		return 1
	fi
	keys=$(grep -o '"[a-z_]*":' "$work/out" | tr -d '":' | sort -u |
	    xargs)
	[ "$keys" = "$(printf '%s\n' "$@" | sort -u | xargs)" ] ||
	    { echo "keys '$keys', want '$*'"; return 1; }
}
json_valid() {	# the output parses as JSON
	python3 -c 'import json,sys; json.load(sys.stdin)' < "$work/out" ||
	    { cat "$work/out"; return 1; }
}
json_q() {	# json_q PYTHON-EXPR: evaluate with j = the output
	python3 -c "import json,sys; j=json.load(sys.stdin); print($1)" \
	    < "$work/out"
}
equals() {	# equals GOT WANT
	[ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }
}

# --- the directory, as root over ldapi ---------------------------------------
has_entry() {	# has_entry DN
	search "$1" base 1.1 > /dev/null 2>&1
}
no_entry() {
	not has_entry "$1" || { echo "$1 exists"; return 1; }
}
set_password() {	# set_password DN PASSWORD-FILE
	ldapi ldappasswd -T "$2" "$1" > /dev/null ||
	    bail "ldappasswd for $1 failed"
}

# --- logins through the module (pamtester under pam_wrapper) ------------------
# pam_service NAME CONF: a service "auth + account through the module".
pam_service() {
	mkdir -p "$work/pam.d"
	printf '%s\n' "auth required $module config=$2" \
	    "account required $module config=$2" > "$work/pam.d/$1"
}
pam_login() {	# pam_login SERVICE USER PASSWORD: pamtester output
	local preload=libpam_wrapper.so
	[ -z "$asan_rt" ] || preload="$asan_rt $preload"
	printf '%s\n' "$3" | timeout 60 env LD_PRELOAD="$preload" \
	    PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$work/pam.d" \
	    pamtester -v "$1" "$2" authenticate acct_mgmt 2>&1 |
	    grep -v '^PWRAP_'
}
