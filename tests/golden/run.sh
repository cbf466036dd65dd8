#!/bin/sh
# SPDX-License-Identifier: MIT
# Run one golden case: tagpipe [args] < input.jsonl, compared with expected.jsonl,
# expected.stderr (if present) and status (if present, else 0).
# Unless `args` names other data, the fixed test gazetteers and model are used.
# TAGPIPE_UPDATE_GOLDEN=1 rewrites the expected files instead of comparing.
set -eu
LC_ALL=C
export LC_ALL
dir=$1
: "${TAGPIPE:?}" "${TESTDATA:?}" "${SRCDIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

set -- --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models"
if [ -f "$dir/args" ]; then
    args=$(sed -e "s|@TESTDATA@|$TESTDATA|g" -e "s|@SRCDIR@|$SRCDIR|g" "$dir/args")
    # shellcheck disable=SC2086
    eval "set -- \"\$@\" $args"
fi

status=0
"$TAGPIPE" "$@" < "$dir/input.jsonl" > "$tmp/stdout" 2> "$tmp/stderr" || status=$?

if [ "${TAGPIPE_UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$tmp/stdout" "$dir/expected.jsonl"
    if [ -s "$tmp/stderr" ]; then cp "$tmp/stderr" "$dir/expected.stderr"; else rm -f "$dir/expected.stderr"; fi
    if [ "$status" -ne 0 ]; then echo "$status" > "$dir/status"; else rm -f "$dir/status"; fi
    echo "updated $dir"
    exit 0
fi

fail=0
diff -u "$dir/expected.jsonl" "$tmp/stdout" || fail=1
if [ -f "$dir/expected.stderr" ]; then
    diff -u "$dir/expected.stderr" "$tmp/stderr" || fail=1
elif [ -s "$tmp/stderr" ]; then
    echo "unexpected stderr:"; cat "$tmp/stderr"; fail=1
fi
want=0
[ -f "$dir/status" ] && want=$(cat "$dir/status")
if [ "$status" -ne "$want" ]; then
    echo "exit status $status, expected $want"; fail=1
fi
exit $fail
