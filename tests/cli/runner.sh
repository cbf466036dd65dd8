#!/bin/sh
# SPDX-License-Identifier: MIT
# One runner for every --threads N: the same load checks before reading, the
# same flushing (a line reaches the consumer while the input stays open).
set -eu
: "${TAGPIPE:?}" "${TESTDATA:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"

# ---- a model whose stemmer libstemmer lacks: exit 3 before reading, for every N ----
mkdir "$tmp/models"
cp "$TESTDATA/models/cues.tsv" "$tmp/models/"
sed 's/^stemmer\tenglish$/stemmer\tklingon/' "$TESTDATA/models/topics.model" > "$tmp/models/topics.model"
grep -q '^stemmer	klingon$' "$tmp/models/topics.model" || bad "could not make the klingon model"
printf '%s\n' '{"text":"Kyiv"}' '{"text":"Paris"}' > "$tmp/in"
for n in 1 2 8; do
    status=0
    "$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$tmp/models" --threads "$n" \
        < "$tmp/in" > "$tmp/out.$n" 2> "$tmp/err.$n" || status=$?
    [ "$status" -eq 3 ] || bad "klingon stemmer, --threads $n: exit $status, expected 3"
    [ -s "$tmp/out.$n" ] && bad "klingon stemmer, --threads $n: wrote to stdout"
    [ "$(wc -l < "$tmp/err.$n")" -eq 1 ] && grep -q '^tagpipe: .*klingon' "$tmp/err.$n" ||
        { bad "klingon stemmer, --threads $n: expected one message naming the stemmer"; cat "$tmp/err.$n"; }
    cmp -s "$tmp/err.1" "$tmp/err.$n" || bad "klingon stemmer: --threads $n message differs from --threads 1"
done

# ---- flushing: with the input still open, a tagged line is written out ----
# wait_line FILE: up to 10 s for FILE to hold one whole line.
wait_line() {
    i=0
    while [ "$i" -lt 100 ]; do
        [ "$(wc -l < "$1")" -ge 1 ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
mkfifo "$tmp/fifo"
for n in 1 2; do
    : > "$tmp/live.$n"
    "$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" --threads "$n" \
        < "$tmp/fifo" > "$tmp/live.$n" 2>&1 &
    pid=$!
    exec 3> "$tmp/fifo"
    echo '{"text":"Talks in Kyiv."}' >&3
    wait_line "$tmp/live.$n" || bad "--threads $n: no output while the input stays open"
    exec 3>&-
    wait "$pid" || bad "--threads $n: exit $? after the input closed"
    [ "$(wc -l < "$tmp/live.$n")" -eq 1 ] && grep -q '"entities":\[{' "$tmp/live.$n" ||
        bad "--threads $n: expected one tagged line, got: $(cat "$tmp/live.$n")"
done


# ---- the end of input, broadcast while the writer flushes, is not lost ----
# The writer flushed with the lock free after writing the last line; the
# reader's "input ended" came in that window and the writer then waited for a
# wake-up that had already gone (a hang, seen in CI and in a shell loop). The
# hook stretches the window to 0.6 s; the input ends 0.4 s in, inside it.
for n in 1 2; do
    status=0
    { printf '%s\n' '{"text":"Kyiv"}'; sleep 0.4; } |
        TAGPIPE_TEST_FLUSH_DELAY_US=600000 timeout -k 5 20 "$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" \
            --models "$TESTDATA/models" --threads "$n" > "$tmp/race.$n" 2>&1 || status=$?
    [ "$status" -eq 0 ] || bad "end of input during an idle flush, --threads $n: exit $status (124: hung)"
    grep -q '"Kyiv"' "$tmp/race.$n" || bad "end of input during an idle flush, --threads $n: line not written"
done
finish
