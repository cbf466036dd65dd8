#!/bin/sh
# SPDX-License-Identifier: MIT
# Output that cannot be written: a full disk exits 4 with a message; a closed pipe is quiet.
set -eu
: "${SRCDIR:?}" "${TAGPIPE:?}" "${TESTDATA:?}"
. "$SRCDIR/tests/lib/cli.sh"
set -- --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models"
if [ ! -w /dev/full ]; then
    echo "FAIL: /dev/full is not available to write to"
    exit 1
fi

# Inputs: one line, and ~2 MB of good lines (far more than the output buffer).
echo '{"id":1,"text":"Mr Trump met NATO chiefs in Kyiv."}' > "$tmp/small.jsonl"
awk 'BEGIN { for (i = 1; i <= 8000; i++)
    printf "{\"id\":%d,\"text\":\"Mr Trump met NATO chiefs in Kyiv on day %d, then flew to Brussels to see Zelensky and Starmer.\",\"pad\":\"%0120d\"}\n", i, i, i }' \
    > "$tmp/big.jsonl"
[ "$(wc -c < "$tmp/big.jsonl")" -gt 1000000 ] || bad "the big input is too small"
# The big input really is all good.
status=0
"$TAGPIPE" "$@" --threads 2 < "$tmp/big.jsonl" > "$tmp/big.out" 2> "$tmp/err" || status=$?
[ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] || bad "big input to a file: exit $status, or messages"
[ "$(wc -l < "$tmp/big.out")" -eq 8000 ] || bad "big input to a file: not 8000 lines out"

# ---- > /dev/full: exit 4, one 'tagpipe: write error: ...' message ----
# full WHAT ARGS...: runs tagpipe ARGS... > /dev/full, stdin from the caller.
full() {
    what=$1
    shift
    status=0
    "$TAGPIPE" "$@" > /dev/full 2> "$tmp/err" || status=$?
    [ "$status" -eq 4 ] || bad "$what > /dev/full: exit $status, expected 4"
    if [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -q '^tagpipe: write error: [A-Za-z]' "$tmp/err"; then
        bad "$what > /dev/full: expected one line 'tagpipe: write error: ...' on stderr, got:"
        cat "$tmp/err"
    fi
    return 0
}
for n in 1 2; do
    full "small input, --threads $n" "$@" --threads "$n" < "$tmp/small.jsonl"
    full "big input, --threads $n" "$@" --threads "$n" < "$tmp/big.jsonl"
    full "big input, --threads $n --unbuffered" "$@" --threads "$n" --unbuffered < "$tmp/big.jsonl"
    full "file argument, --threads $n" "$@" --threads "$n" "$tmp/big.jsonl" < /dev/null
done
full "--threads 8, big input" "$@" --threads 8 < "$tmp/big.jsonl"
"$TAGPIPE" "$@" --threads 1 < "$tmp/small.jsonl" > "$tmp/small.out"

# A write error outranks bad lines (exit 4, not 1).
printf '{"text":\n' | cat - "$tmp/big.jsonl" > "$tmp/bad-then-big.jsonl"
status=0
"$TAGPIPE" "$@" --threads 2 < "$tmp/bad-then-big.jsonl" > /dev/full 2> "$tmp/err" || status=$?
[ "$status" -eq 4 ] || bad "bad line then big input > /dev/full: exit $status, expected 4"
grep -q '^tagpipe: <stdin>:1: ' "$tmp/err" || bad "bad line then big input > /dev/full: no message for line 1"
grep -q '^tagpipe: write error: ' "$tmp/err" || bad "bad line then big input > /dev/full: no write error"
# A closed stdout is a write error too.
for n in 1 2; do
    status=0
    "$TAGPIPE" "$@" --threads "$n" < "$tmp/small.jsonl" >&- 2> "$tmp/err" || status=$?
    [ "$status" -eq 4 ] || bad "stdout closed, --threads $n: exit $status, expected 4"
    if [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -q '^tagpipe: write error: [A-Za-z]' "$tmp/err"; then
        bad "stdout closed, --threads $n: expected one line 'tagpipe: write error: ...', got:"
        cat "$tmp/err"
    fi
done
# Other output: --version and --list-gazetteers.
full "--version" "$@" --version < /dev/null
full "--list-gazetteers" "$@" --list-gazetteers < /dev/null

# ---- | head -n 1: one line, and no message from tagpipe ----
# Run tagpipe with the default SIGPIPE action, even if our caller ignores it.
dfl=
if env --default-signal=PIPE true 2> /dev/null; then dfl="env --default-signal=PIPE"; fi
for n in 1 2 8; do
    for input in small big; do
        rm -f "$tmp/status"
        { st=0; $dfl "$TAGPIPE" "$@" --threads "$n" < "$tmp/$input.jsonl" 2> "$tmp/err" || st=$?; echo "$st" > "$tmp/status"; } |
            head -n 1 > "$tmp/out"
        status=$(cat "$tmp/status")
        what="tagpipe --threads $n < $input.jsonl | head -n 1"
        [ "$(wc -l < "$tmp/out")" -eq 1 ] || bad "$what: $(wc -l < "$tmp/out") lines, expected 1"
        head -n 1 "$tmp/$input.out" > "$tmp/want"
        cmp -s "$tmp/want" "$tmp/out" || bad "$what: not the first tagged line"
        [ "$status" -eq 0 ] || [ "$status" -eq 141 ] || bad "$what: tagpipe exited $status, expected 0 or 141 (SIGPIPE)"
        [ -s "$tmp/err" ] && { bad "$what: tagpipe wrote to stderr:"; cat "$tmp/err"; }
    done
done

# When SIGPIPE is ignored, a closed pipe is a write error: exit 4, one message.
for n in 1 2; do
    rm -f "$tmp/status"
    (
        trap '' PIPE
        { st=0; "$TAGPIPE" "$@" --threads "$n" < "$tmp/big.jsonl" 2> "$tmp/err" || st=$?; echo "$st" > "$tmp/status"; } |
            head -n 1 > "$tmp/out"
    )
    status=$(cat "$tmp/status")
    what="SIGPIPE ignored: tagpipe --threads $n < big.jsonl | head -n 1"
    [ "$(wc -l < "$tmp/out")" -eq 1 ] || bad "$what: $(wc -l < "$tmp/out") lines, expected 1"
    [ "$status" -eq 4 ] || bad "$what: exit $status, expected 4"
    if [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -q '^tagpipe: write error: ' "$tmp/err"; then
        bad "$what: expected one line 'tagpipe: write error: ...', got:"
        cat "$tmp/err"
    fi
done

finish
