# SPDX-License-Identifier: MIT
# Shared by the shell tests of tests/cli: sourced, never run (ctest runs
# tests/cli/*.sh only). Gives a C locale, a temporary folder $tmp removed on
# exit, bad() to record a failed check, tp() to run tagpipe on the fixed test
# data, and finish() to report and exit.
LC_ALL=C
export LC_ALL
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

nfail=0
# bad MESSAGE: one failed check; the script goes on and fails at finish.
bad() {
    printf 'FAIL: %s\n' "$*"
    nfail=$((nfail + 1))
}
# tp ARGS...: tagpipe on the fixed test data, stdin from the caller; sets
# $status, leaves $tmp/out and $tmp/err.
tp() {
    status=0
    "$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" "$@" \
        > "$tmp/out" 2> "$tmp/err" || status=$?
}
# finish [SUMMARY]: exit 1 if a check failed, else print SUMMARY and exit 0.
finish() {
    if [ "$nfail" -ne 0 ]; then
        echo "$nfail check(s) failed"
        exit 1
    fi
    echo "${1:-all checks passed}"
    exit 0
}
