#!/bin/sh
# SPDX-License-Identifier: MIT
# Reading: gzip files and gzip on stdin, binary input refused with one message,
# a BOM on line 1, a directory or a missing FILE among good ones,
# --max-line-bytes, --line-offset.
set -eu
: "${TAGPIPE:?}" "${TESTDATA:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"

cp "$SRCDIR/examples/news.jsonl" "$tmp/news.jsonl"
gzip -c "$tmp/news.jsonl" > "$tmp/news.jsonl.gz"
nin=$(wc -l < "$tmp/news.jsonl")
tp < "$tmp/news.jsonl"
[ "$status" -eq 0 ] || bad "plain input: exit $status"
mv "$tmp/out" "$tmp/ref"
grep -q '"entities":\[{' "$tmp/ref" || bad "plain input: nothing tagged"

# ---- gzip: a .gz FILE, gzip on stdin, a file misnamed, two members ----
tp "$tmp/news.jsonl.gz"
[ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] || bad ".gz file: exit $status, stderr: $(cat "$tmp/err")"
cmp -s "$tmp/ref" "$tmp/out" || bad ".gz file: output differs from the plain input's"
tp < "$tmp/news.jsonl.gz"
[ "$status" -eq 0 ] || bad "gzip on stdin: exit $status"
cmp -s "$tmp/ref" "$tmp/out" || bad "gzip on stdin: output differs from the plain input's"
cp "$tmp/news.jsonl.gz" "$tmp/misnamed.jsonl"
tp --threads 3 "$tmp/misnamed.jsonl"
cmp -s "$tmp/ref" "$tmp/out" || bad "gzip named .jsonl: output differs from the plain input's"
cat "$tmp/news.jsonl.gz" "$tmp/news.jsonl.gz" > "$tmp/two.gz"
cat "$tmp/ref" "$tmp/ref" > "$tmp/ref2"
tp "$tmp/two.gz"
cmp -s "$tmp/ref2" "$tmp/out" || bad "two gzip members: output is not both members' lines"
# A larger file, so that lines cross the decompressor's blocks.
i=0
while [ "$i" -lt 200 ]; do cat "$tmp/news.jsonl"; i=$((i + 1)); done > "$tmp/big.jsonl"
gzip -c "$tmp/big.jsonl" > "$tmp/big.jsonl.gz"
tp --threads 2 < "$tmp/big.jsonl"
mv "$tmp/out" "$tmp/bigref"
tp --threads 2 < "$tmp/big.jsonl.gz"
cmp -s "$tmp/bigref" "$tmp/out" || bad "big gzip input: output differs from the plain input's"
[ "$(wc -l < "$tmp/out")" -eq $((nin * 200)) ] || bad "big gzip input: $(wc -l < "$tmp/out") lines"
# Truncated gzip: the lines decoded so far, then one message, exit 1.
size=$(wc -c < "$tmp/big.jsonl.gz")
head -c $((size / 2)) "$tmp/big.jsonl.gz" > "$tmp/cut.gz"
tp "$tmp/cut.gz"
[ "$status" -eq 1 ] || bad "truncated gzip: exit $status, expected 1"
[ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "^tagpipe: $tmp/cut.gz: gzip data ends early" "$tmp/err" ||
    bad "truncated gzip: expected one message, got: $(cat "$tmp/err")"
# Every line written is whole (valid JSON) and a prefix of the full output.
n=$(wc -l < "$tmp/out")
[ "$n" -gt 0 ] && head -n "$n" "$tmp/bigref" | cmp -s - "$tmp/out" ||
    bad "truncated gzip: output ($n lines) is not a prefix of the full output"

# ---- binary input: one message, nothing written, exit 1 ----
# binary NAME: stdin from $tmp/bin
binary() {
    tp < "$tmp/bin"
    [ "$status" -eq 1 ] || bad "$1: exit $status, expected 1"
    [ -s "$tmp/out" ] && bad "$1: wrote to stdout"
    [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "^tagpipe: <stdin>: .*$2" "$tmp/err" ||
        bad "$1: expected one message '$2', got: $(head -c 300 "$tmp/err")"
    return 0
}
head -c 20000 "$TAGPIPE" > "$tmp/bin"
binary "an executable" "binary input"
python3 -c 'import sys, random; r = random.Random(1); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(30000)))' > "$tmp/bin"
binary "random bytes" "binary input"
printf '{"text":"Kyiv\000"}\n{"text":"Paris"}\n' > "$tmp/bin"
binary "a NUL on line 1" "NUL byte at offset 13"
if command -v xz > /dev/null; then
    xz -c "$tmp/news.jsonl" > "$tmp/bin"
    binary "xz" "xz-compressed input is not supported"
fi
printf 'BZh91AY&SY\001\002' > "$tmp/bin"
binary "bzip2" "bzip2-compressed input is not supported"
# Binary among good files: reported, the others tagged.
tp "$tmp/news.jsonl" "$TAGPIPE" "$tmp/news.jsonl"
[ "$status" -eq 1 ] || bad "binary among good files: exit $status, expected 1"
cmp -s "$tmp/ref2" "$tmp/out" || bad "binary among good files: the good files' output differs"
[ "$(wc -l < "$tmp/err")" -eq 1 ] || bad "binary among good files: $(wc -l < "$tmp/err") messages"
# A NUL byte further on is only that line's problem.
{ cat "$tmp/news.jsonl"; printf '{"text":"Kyiv\000"}\n'; cat "$tmp/news.jsonl"; } > "$tmp/nul.jsonl"
tp --on-error=skip "$tmp/nul.jsonl"
[ "$status" -eq 1 ] || bad "NUL on a later line: exit $status, expected 1"
cmp -s "$tmp/ref2" "$tmp/out" || bad "NUL on a later line: the other lines' output differs"
[ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "^tagpipe: $tmp/nul.jsonl:$((nin + 1)): " "$tmp/err" ||
    bad "NUL on a later line: expected one message for line $((nin + 1)), got: $(cat "$tmp/err")"

# ---- a byte order mark on line 1 (as jq accepts) ----
printf '\357\273\277{"text":"Talks in Kyiv."}\n' > "$tmp/bom.jsonl"
tp "$tmp/bom.jsonl"
[ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] || bad "BOM: exit $status, stderr: $(cat "$tmp/err")"
grep -q '^{"text":"Talks in Kyiv.","entities":\[{"text":"Kyiv"' "$tmp/out" ||
    bad "BOM: line 1 not tagged (or the BOM kept): $(cat "$tmp/out")"

# ---- a directory, a missing FILE among good ones: reported in order, the rest tagged ----
tp "$tmp/news.jsonl" "$tmp" "$tmp/no-such.jsonl" "$tmp/news.jsonl"
[ "$status" -eq 1 ] || bad "directory and missing file: exit $status, expected 1"
cmp -s "$tmp/ref2" "$tmp/out" || bad "directory and missing file: the good files' output differs"
printf 'tagpipe: %s: is a directory\ntagpipe: %s: No such file or directory\n' "$tmp" "$tmp/no-such.jsonl" > "$tmp/experr"
cmp -s "$tmp/experr" "$tmp/err" || bad "directory and missing file: stderr: $(cat "$tmp/err")"
# Many inputs that cannot be opened in a row: each is a message-only job that
# the writer may write and free before the reader is done handing it over (a
# use-after-free that the sanitizer build hit on CI's machine). It is a race:
# with stderr into a pipe the ASan build hits it in about two runs of three
# here, so two runs. Each message once and in order, exit 1.
seq -f "$tmp/gone-%g.jsonl" 1 20000 > "$tmp/gone.list"
for run in 1 2; do
    # shellcheck disable=SC2046 # one argument per line of the list; $tmp has no spaces
    { status=0; "$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" \
        --max-messages 0 $(cat "$tmp/gone.list") < /dev/null 2>&1 > "$tmp/out" || status=$?
      echo "exit $status"; } | cat > "$tmp/err"
    [ "$(tail -n 1 "$tmp/err")" = "exit 1" ] || bad "20000 missing files: $(grep -m 3 -v '^tagpipe: ' "$tmp/err")"
    sed '$d; s/^tagpipe: \(.*\): No such file or directory$/\1/' "$tmp/err" | cmp -s "$tmp/gone.list" - ||
        bad "20000 missing files, run $run: messages not one each in order"
done

# ---- --max-line-bytes: reported, not written, the next lines go on ----
printf '%s\n' '{"text":"Kyiv"}' '{"text":"Paris is a long line of text"}' '{"text":"Kyiv"}' > "$tmp/long.jsonl"
for n in 1 2; do
    tp --threads "$n" --max-line-bytes 20 "$tmp/long.jsonl"
    [ "$status" -eq 1 ] || bad "--max-line-bytes: exit $status, expected 1"
    [ "$(wc -l < "$tmp/out")" -eq 2 ] && [ "$(grep -c Kyiv "$tmp/out")" -eq 2 ] ||
        bad "--max-line-bytes: expected the two short lines, got: $(cat "$tmp/out")"
    grep -q "^tagpipe: $tmp/long.jsonl:2: line of 39 bytes is over --max-line-bytes (20)" "$tmp/err" ||
        bad "--max-line-bytes: message: $(cat "$tmp/err")"
done
# A 20 MB line under a 1 MB limit: memory stays near the limit, not the line.
python3 -c 'import sys; sys.stdout.write("{\"text\":\"" + "Kyiv " * 4000000 + "\"}\n{\"text\":\"Kyiv\"}\n")' > "$tmp/huge.jsonl"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$tmp/rss" "$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" \
        --models "$TESTDATA/models" --max-line-bytes 1000000 --threads 1 "$tmp/huge.jsonl" \
        > "$tmp/out" 2> "$tmp/err" || true
    rss=$(tail -n 1 "$tmp/rss")
    [ "$rss" -lt 100000 ] || bad "a 20 MB line over a 1 MB limit: peak RSS ${rss} KB"
    [ "$(wc -l < "$tmp/out")" -eq 1 ] || bad "a 20 MB line over the limit: $(wc -l < "$tmp/out") lines out"
fi

# ---- --line-offset: messages numbered as in the whole file ----
printf '%s\n' '{"text":"Kyiv"}' 'not json' > "$tmp/chunk.jsonl"
tp --line-offset 3000 < "$tmp/chunk.jsonl"
grep -q '^tagpipe: <stdin>:3002: ' "$tmp/err" || bad "--line-offset 3000: message: $(cat "$tmp/err")"

finish
