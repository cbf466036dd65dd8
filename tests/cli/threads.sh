#!/bin/sh
# SPDX-License-Identifier: MIT
# Output (stdout, stderr, status) is the same byte for byte for every --threads N.
set -eu
: "${TAGPIPE:?}" "${TESTDATA:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"
# tp ARGS...: tagpipe on the fixed test data; output to $tmp/out, $tmp/err; sets $status.
tp() {
    status=0
    "$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" "$@" \
        > "$tmp/out" 2> "$tmp/err" || status=$?
}

# ---- 10,000 lines: the example articles and the contract lines with their
# ids varied, a bad line now and then, blank lines ----
cat "$SRCDIR/examples/news.jsonl" "$SRCDIR/tests/golden/contract/input.jsonl" > "$tmp/templates"
printf '{"id":"b1","text":"Kyiv"\n' >> "$tmp/templates.bad"
printf '{"id":"b2","text":"Kyiv \377"}\n' >> "$tmp/templates.bad"
printf '["Kyiv"]\n' >> "$tmp/templates.bad"
printf '{"id":"b4","text":["Kyiv"]}\n' >> "$tmp/templates.bad"
printf '{"id":"b5","text":"Kyiv","topics":[]}\n' >> "$tmp/templates.bad"
awk -v BAD="$tmp/templates.bad" '
    NR == FNR { t[n++] = $0; next }
    END {
        while ((getline l < BAD) > 0) b[nb++] = l
        for (i = 1; i <= 10000; i++) {
            if (i % 97 == 0) { print b[(i / 97) % nb]; continue }
            if (i % 251 == 0) { print ""; continue }
            l = t[i % n]
            # Vary the id and the text so that no two lines are the same.
            sub(/"text": *"/, "&Mr Healey " i " in Kyiv. ", l)
            sub(/^\{ *\}$/, "{\"n\":" i "}", l) || sub(/^\{/, "{\"n\":" i ",", l)
            print l
        }
    }' "$tmp/templates" > "$tmp/in.jsonl"
nin=$(wc -l < "$tmp/in.jsonl")
[ "$nin" -eq 10000 ] || bad "generated $nin lines, expected 10000"
# Only the bad lines and the blank line repeat.
[ "$(sort "$tmp/in.jsonl" | uniq -d | wc -l)" -eq 6 ] || bad "generated lines repeat"
nbad=$((10000 / 97))

# ---- the reference: one thread ----
tp --threads 1 < "$tmp/in.jsonl"
mv "$tmp/out" "$tmp/ref.out"
mv "$tmp/err" "$tmp/ref.err"
ref_status=$status
[ "$ref_status" -eq 1 ] || bad "--threads 1: exit $ref_status, expected 1 (there are bad lines)"
[ "$(wc -l < "$tmp/ref.out")" -eq "$nin" ] ||
    bad "--threads 1: $(wc -l < "$tmp/ref.out") lines out for $nin in"
[ "$(wc -l < "$tmp/ref.err")" -eq "$nbad" ] ||
    bad "--threads 1: $(wc -l < "$tmp/ref.err") messages for $nbad bad lines"
# The good lines were tagged (guards against a reference that tags nothing).
# Three of the seven templates get the Healey sentence.
[ "$(grep -c '"id":"person/john-healey"' "$tmp/ref.out")" -ge 4000 ] ||
    bad "--threads 1: fewer than 4000 lines with John Healey"

for n in 2 3 8; do
    tp --threads "$n" < "$tmp/in.jsonl"
    [ "$status" -eq "$ref_status" ] || bad "--threads $n: exit $status, --threads 1 gave $ref_status"
    [ "$(wc -l < "$tmp/out")" -eq "$nin" ] || bad "--threads $n: $(wc -l < "$tmp/out") lines out for $nin in"
    cmp "$tmp/ref.out" "$tmp/out" || bad "--threads $n: stdout differs from --threads 1"
    cmp "$tmp/ref.err" "$tmp/err" || bad "--threads $n: stderr differs from --threads 1"
done

# The other policies, with an input file.
for policy in skip fail; do
    tp --threads 1 --on-error="$policy" "$tmp/in.jsonl"
    cp "$tmp/out" "$tmp/ref.$policy.out"
    cp "$tmp/err" "$tmp/ref.$policy.err"
    [ "$status" -eq 1 ] || bad "--on-error=$policy --threads 1: exit $status, expected 1"
    tp --threads 8 --on-error="$policy" "$tmp/in.jsonl"
    [ "$status" -eq 1 ] || bad "--on-error=$policy --threads 8: exit $status, expected 1"
    cmp "$tmp/ref.$policy.out" "$tmp/out" || bad "--on-error=$policy --threads 8: stdout differs"
    cmp "$tmp/ref.$policy.err" "$tmp/err" || bad "--on-error=$policy --threads 8: stderr differs"
done
[ "$(wc -l < "$tmp/ref.skip.out")" -eq $((nin - nbad)) ] ||
    bad "--on-error=skip: $(wc -l < "$tmp/ref.skip.out") lines out, expected $((nin - nbad))"
[ "$(wc -l < "$tmp/ref.fail.out")" -eq 96 ] ||
    bad "--on-error=fail: $(wc -l < "$tmp/ref.fail.out") lines out, expected the 96 before line 97"

# Several inputs, flushed line by line: one stream out, in order.
head -n 3000 "$tmp/in.jsonl" > "$tmp/a.jsonl"
tail -n 7000 "$tmp/in.jsonl" > "$tmp/b.jsonl"
tp --threads 8 --unbuffered "$tmp/a.jsonl" - < "$tmp/b.jsonl"
cmp "$tmp/ref.out" "$tmp/out" || bad "--threads 8 --unbuffered with two inputs: stdout differs from one input"

finish
