# tap.sh: what the shell tests share; source it after setting $work (a
# temporary directory the test owns).  Each check prints one TAP line.

n=0
fails=0

check() {	# check DESCRIPTION COMMAND...: ok if COMMAND succeeds
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" > "$work/check.out" 2>&1; then
		echo "ok $n - $desc"
	else
		fails=$((fails + 1))
		echo "not ok $n - $desc"
		sed 's/^/# /' "$work/check.out"
	fi
}

not() {		# not COMMAND...: succeeds when COMMAND fails
	! "$@"
}

bail() {	# bail MESSAGE: the test cannot go on
	echo "Bail out! $*"
	exit 1
}
