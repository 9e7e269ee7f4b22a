#!/bin/bash
# `idportal sync --daemon` end to end (TAP), against the run's slapd (its
# database has syncprov): the daemon follows the directory with RFC 4533
# refreshAndPersist into a private cache file, read back through the built
# libnss_idportal.so.2 under nss_wrapper.  An added user shows within 2 s
# (the measured delay is printed), a disabled or deleted one goes, a group
# membership change shows; a restarted daemon resumes from its saved
# cookie and picks up what changed while it was down; slapd stopped and
# started again: the cache stays readable, the daemon reconnects and
# catches up.  The daemon is killed at the end whatever happens.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
module=$build/libnss_idportal.so.2
: "${IDS_LDAPI_URI:?run through tests/run-tests}" "${IDS_BASE:?}" \
    "${IDPORTAL_CONF:?}" "${IDS_ENV_DIR:?}" "${IDS_PORT:?}"
base=$IDS_BASE
people=ou=people,$base

work=$(mktemp -d /tmp/sync-daemon-test.XXXXXX) || exit 1
daemon_pid=
stop_daemon() {
	[ -n "$daemon_pid" ] || return 0
	kill -TERM "$daemon_pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$daemon_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$daemon_pid" 2>/dev/null
	wait "$daemon_pid" 2>/dev/null
	daemon_rc=$?
	daemon_pid=
}
slapd_up() {	# slapd_up: start the run's slapd again if it is down
	LDAPNOINIT=1 ldapwhoami -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" \
	    >/dev/null 2>&1 && return 0
	slapd -F "$IDS_ENV_DIR/slapd.d" \
	    -h "ldap://127.0.0.1:$IDS_PORT/ $IDS_LDAPI_URI" \
	    < /dev/null > /dev/null 2>> "$IDS_ENV_DIR/slapd.err" || return 1
	for _ in $(seq 100); do
		LDAPNOINIT=1 ldapwhoami -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" \
		    >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
bare=
cleanup() {
	stop_daemon
	[ -z "$bare" ] || "$top/tests/slapd-env" stop "$bare" >/dev/null 2>&1
	slapd_up
	ldapdelete -c -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" \
	    "uid=sdmuser1,$people" "uid=sdmuser2,$people" \
	    "uid=sdmuser3,$people" "uid=sdmuser4,$people" \
	    "cn=sdmgrp1,ou=groups,$base" >/dev/null 2>&1
	rm -rf -- "$work"
}
trap cleanup EXIT

n=0
check() {	# check DESCRIPTION COMMAND...
	local desc=$1
	shift
	n=$((n + 1))
	: > "$work/note"
	if "$@" > "$work/out" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# /' "$work/out"
	fi
	cat "$work/note"
}

cache=$work/cache
conf=$work/idportal.conf
grep -v '^cache_file' "$IDPORTAL_CONF" > "$conf"
echo "cache_file = $cache" >> "$conf"
chmod 600 "$conf"
export IDPORTAL_CACHE=$cache

printf 'root:x:0:0:root:/root:/bin/bash\n' > "$work/passwd"
printf 'root:x:0:\n' > "$work/group"
preload=libnss_wrapper.so
if [ "${SANITIZE:-}" = 1 ]; then
	preload="$(gcc -print-file-name=libasan.so) $preload"
	export NSS_WRAPPER_DISABLE_DEEPBIND=1 ASAN_OPTIONS=detect_leaks=0
fi
nw() {		# nw COMMAND...: run with NSS answered by files + idportal
	LD_PRELOAD="$preload" NSS_WRAPPER_PASSWD="$work/passwd" \
	    NSS_WRAPPER_GROUP="$work/group" \
	    NSS_WRAPPER_MODULE_SO_PATH="$module" \
	    NSS_WRAPPER_MODULE_FN_PREFIX=idportal "$@"
}
ms() {
	echo $(($(date +%s%N) / 1000000))
}
# wait_for WHAT COMMAND...: poll COMMAND every 20 ms for up to 2 s; say
# how long it took (a TAP comment); fail after 2 s.
wait_for() {
	local what=$1 t0 dt
	shift
	t0=$(ms)
	while :; do
		if "$@" >/dev/null 2>&1; then
			dt=$(($(ms) - t0))
			echo "# $what: ${dt} ms" >> "$work/note"
			return 0
		fi
		dt=$(($(ms) - t0))
		[ "$dt" -lt 2000 ] || { echo "not within 2 s"; return 1; }
		sleep 0.02
	done
}
has_user() {	# has_user NAME: getent passwd finds it
	nw getent passwd "$1"
}
no_user() {
	local rc=0
	nw getent passwd "$1" || rc=$?
	[ "$rc" -eq 2 ]
}
group_is() {	# group_is NAME LINE
	[ "$(nw getent group "$1")" = "$2" ]
}
ldif_user() {	# ldif_user ID UIDNUMBER
	printf 'dn: uid=%s,%s\nobjectClass: inetOrgPerson\n' "$1" "$people"
	printf 'objectClass: posixAccount\nobjectClass: idpUser\nuid: %s\n' "$1"
	printf 'cn: %s\nsn: %s\nuidNumber: %s\ngidNumber: %s\n' "$1" "$1" \
	    "$2" "$2"
	printf 'homeDirectory: /home/%s\nidpState: active\n\n' "$1"
}
ldap() {	# ldap TOOL ARGS...: as root over ldapi
	"$@" -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" >/dev/null
}
add_user() {
	ldif_user "$1" "$2" | ldap ldapadd
}
ldapmod() {	# ldapmod DN OP ATTR VALUE
	printf 'dn: %s\nchangetype: modify\n%s: %s\n%s: %s\n' "$1" "$2" \
	    "$3" "$3" "$4" | ldap ldapmodify
}
start_daemon() {	# start_daemon [ARGS...]
	"$idportal" --config "$conf" sync --daemon "$@" \
	    > "$work/daemon.out" 2>> "$work/daemon.err" &
	daemon_pid=$!
}
logged() {	# logged PATTERN: the daemon's log has a matching line
	grep -q -- "$1" "$work/daemon.err"
}
refreshes() {	# how many refreshes the daemon logged as done
	grep -c 'refresh done' "$work/daemon.err"
}

# --- start ---
add_user sdmuser1 43001 || { echo "Bail out! fixture"; exit 1; }
printf 'dn: cn=sdmgrp1,ou=groups,%s\nobjectClass: posixGroup\ncn: sdmgrp1\ngidNumber: 43100\nmemberUid: sdmuser1\n\n' \
    "$base" | ldap ldapadd || { echo "Bail out! fixture"; exit 1; }
start_daemon
check "the daemon's first refresh writes the cache" \
    wait_for "first refresh" has_user sdmuser1
check "... a full one" logged 'refresh done (full)'
check "... and saves its state and cookie next to the cache" \
    test -s "$cache.sync"
check "the group is there" \
    group_is sdmgrp1 "sdmgrp1:x:43100:sdmuser1"

# --- persist phase ---
add_user sdmuser2 43002
check "an added user is visible within 2 s" \
    wait_for "add -> visible" has_user sdmuser2
check "... with its fields" [ "$(nw getent passwd sdmuser2)" = \
    "sdmuser2:x:43002:43002:sdmuser2:/home/sdmuser2:" ]
ldapmod "uid=sdmuser2,$people" replace idpState disabled
check "a disabled user is gone within 2 s" \
    wait_for "disable -> gone" no_user sdmuser2
ldapmod "uid=sdmuser2,$people" replace idpState active
check "... and back when enabled again" \
    wait_for "enable -> visible" has_user sdmuser2
ldapmod "cn=sdmgrp1,ou=groups,$base" add memberUid sdmuser2
check "a member added to a group shows within 2 s" \
    wait_for "member add -> visible" \
    group_is sdmgrp1 "sdmgrp1:x:43100:sdmuser1,sdmuser2"
ldapmod "cn=sdmgrp1,ou=groups,$base" delete memberUid sdmuser1
check "a member removed from a group goes within 2 s" \
    wait_for "member delete -> gone" \
    group_is sdmgrp1 "sdmgrp1:x:43100:sdmuser2"
check "id -G shows the new membership" \
    sh -c "$(declare -f nw); preload='$preload' work='$work' \
    module='$module'; nw id -G sdmuser2 | grep -qw 43100"
ldap ldapdelete "uid=sdmuser2,$people"
check "a deleted user is gone within 2 s" \
    wait_for "delete -> gone" no_user sdmuser2
check "the cache file stays root-owned 0644" \
    [ "$(stat -c '%a %u' "$cache")" = "644 0" ]

# --- restart: resume from the cookie ---
stop_daemon
check "SIGTERM: the daemon exits cleanly" [ "$daemon_rc" -eq 0 ]
check "... saying so" logged 'stopped'
add_user sdmuser3 43003
ldap ldapdelete "uid=sdmuser1,$people"
check "while it is down the cache still answers" has_user sdmuser1
before=$(refreshes)
start_daemon
check "restarted, it catches up on a user added meanwhile" \
    wait_for "restart -> added user visible" has_user sdmuser3
check "... and on one deleted meanwhile" wait_for "restart -> deleted user gone" \
    no_user sdmuser1
resumed() {
	[ "$(refreshes)" -gt "$before" ] &&
	    tail -n +1 "$work/daemon.err" | grep 'refresh done' | tail -1 |
	    grep -q 'resumed from the saved cookie'
}
check "... resuming from the saved cookie, not reading everything" resumed
few() {		# the resumed refresh applied only the two changes
	grep 'refresh done' "$work/daemon.err" | tail -1 |
	    grep -q ': 2 changes,'
}
check "... applying only what changed (2 changes)" few

# --- slapd goes away and comes back ---
slapd_pid=$(cat "$IDS_ENV_DIR/slapd.pid")
kill "$slapd_pid"
for _ in $(seq 100); do
	kill -0 "$slapd_pid" 2>/dev/null || break
	sleep 0.1
done
check "slapd stopped" sh -c "! kill -0 $slapd_pid 2>/dev/null"
check "the daemon notices and keeps going" \
    wait_for "slapd stop -> noticed" logged 'connection lost'
check "the cache stays readable meanwhile" has_user sdmuser3
sleep 1.5
check "... still, after failed reconnects" has_user sdmuser3
check "the daemon is still running" kill -0 "$daemon_pid"
check "slapd starts again" slapd_up
ldapmod "cn=sdmgrp1,ou=groups,$base" add memberUid sdmuser3
add_user sdmuser4 43004
t0=$(ms)
wait_back() {	# up to the backoff (<= 4 s here) plus 2 s
	while ! has_user sdmuser4 >/dev/null 2>&1; do
		[ $(($(ms) - t0)) -lt 8000 ] || return 1
		sleep 0.05
	done
	echo "# slapd back -> change visible: $(($(ms) - t0)) ms" \
	    >> "$work/note"
}
check "it reconnects and catches up" wait_back
check "... the group change too" \
    group_is sdmgrp1 "sdmgrp1:x:43100:sdmuser2,sdmuser3"
check "... resuming from its cookie" resumed
stop_daemon
check "the daemon exits cleanly at the end" [ "$daemon_rc" -eq 0 ]

# --- a server without syncprov (Debian's stock slapd): periodic refresh ---
bare=$work/bare
if SLAPD_ENV_BARE=yes "$top/tests/slapd-env" start "$bare" \
    > "$work/bare.log" 2>&1; then
	# the stock server has no service account: bind anonymously
	grep -Ev '^(bind_dn|bind_pw_file|cache_file)' "$bare/idportal.conf" \
	    > "$conf"
	echo "cache_file = $work/bare-cache" >> "$conf"
	: > "$work/daemon.err"
	start_daemon --interval 1
	fallback() {
		logged 'falling back to a full refresh every 1 s' &&
		    [ "$(grep -c 'full refresh: ' "$work/daemon.err")" -ge 2 ]
	}
	t0=$(ms)
	back_off() {
		while ! fallback; do
			[ $(($(ms) - t0)) -lt 4000 ] || return 1
			sleep 0.1
		done
	}
	check "no sync control: a full refresh every --interval" back_off
	check "... each writing the cache" test -s "$work/bare-cache"
	ino=$(stat -c %i "$work/bare-cache")
	"$top/tests/slapd-env" stop "$bare" >/dev/null 2>&1
	bare=
	t0=$(ms)
	kept() {
		while ! logged 'refresh failed; the cache was kept'; do
			[ $(($(ms) - t0)) -lt 4000 ] || return 1
			sleep 0.1
		done
		[ "$(stat -c %i "$work/bare-cache")" = "$ino" ]
	}
	check "... a refresh that fails leaves the cache alone" kept
	stop_daemon
	check "... and SIGTERM still ends it cleanly" [ "$daemon_rc" -eq 0 ]
else
	n=$((n + 1))
	echo "not ok $n - a stock slapd for the fallback test did not start"
	sed 's/^/# /' "$work/bare.log"
fi
if [ -n "${SYNC_DAEMON_LOG:-}" ]; then
	sed 's/^/# /' "$work/daemon.err"
fi
echo "1..$n"
