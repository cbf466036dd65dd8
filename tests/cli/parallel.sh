#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's GNU parallel recipe: tagpipe is a stateless line mapper, so
# cutting a file into 1 MB blocks at line ends, tagging them in separate
# processes and keeping their order gives a single process's output byte for
# byte. Input: about 4 MB built from examples/news.jsonl and the golden inputs
# (good and bad lines, CRLF, blank lines). Skipped (77) only when GNU parallel
# is not installed.
set -eu
. "$SRCDIR/tests/lib/cli.sh"

if ! command -v parallel > /dev/null 2>&1; then
    echo "SKIP: GNU parallel is not installed (scripts/deps.sh installs it)"
    exit 77
fi

# Copies with distinct ids so that no two blocks are alike.
i=0
while [ "$i" -lt 200 ]; do
    sed "s/\"id\": *\"/\"id\":\"c$i-/" "$SRCDIR/examples/news.jsonl"
    cat "$SRCDIR"/tests/golden/*/input.jsonl
    i=$((i + 1))
done > "$tmp/big.jsonl"
size=$(wc -c < "$tmp/big.jsonl")
[ "$size" -gt 3000000 ] || bad "the input is only $size bytes"

s1=0
# Every message shown (--max-messages 0): the default cap is per process.
"$TAGPIPE" -j 1 --max-messages 0 < "$tmp/big.jsonl" > "$tmp/one.jsonl" 2> "$tmp/one.err" || s1=$?
s2=0
parallel --pipepart -a "$tmp/big.jsonl" --block 1M --keep-order "$TAGPIPE" -j 1 --max-messages 0 \
    > "$tmp/many.jsonl" 2> "$tmp/many.err" || s2=$?

cmp "$tmp/one.jsonl" "$tmp/many.jsonl" || bad "parallel output differs from one process's"
[ "$(wc -l < "$tmp/many.jsonl")" -eq "$(wc -l < "$tmp/big.jsonl")" ] || bad "lines in != lines out"
# The bad lines of the golden input make both fail, and both say so.
[ "$s1" -ne 0 ] && [ "$s2" -ne 0 ] || bad "exit statuses: one process $s1, parallel $s2"
[ "$(wc -l < "$tmp/one.err")" -eq "$(wc -l < "$tmp/many.err")" ] ||
    bad "not the same number of error messages: $(wc -l < "$tmp/one.err") and $(wc -l < "$tmp/many.err")"
# One block per job slot, as the README advises for large files.
parallel -j 2 --pipepart -a "$tmp/big.jsonl" --block -1 --keep-order "$TAGPIPE" -j 1 \
    > "$tmp/slots.jsonl" 2> /dev/null || :
cmp "$tmp/one.jsonl" "$tmp/slots.jsonl" || bad "parallel --block -1 output differs from one process's"
grep -c '"entities":\[{' "$tmp/many.jsonl" > "$tmp/n"
[ "$(cat "$tmp/n")" -gt 600 ] || bad "too few tagged lines: $(cat "$tmp/n")"

# The README's recipe for messages located in the whole input: blocks of N
# lines, each numbered from its first line's place (--line-offset).
parallel --pipe -N 5000 --block 64M --keep-order "$TAGPIPE" -j 1 --max-messages 0 \
    --line-offset '{= $_ = ($job->seq() - 1) * 5000 =}' < "$tmp/big.jsonl" \
    > "$tmp/counted.jsonl" 2> "$tmp/counted.err" || :
cmp "$tmp/one.jsonl" "$tmp/counted.jsonl" || bad "parallel --pipe -N output differs from one process's"
sort "$tmp/one.err" > "$tmp/one.sorted"
sort "$tmp/counted.err" > "$tmp/counted.sorted"
cmp -s "$tmp/one.sorted" "$tmp/counted.sorted" ||
    bad "parallel --pipe -N --line-offset: messages differ from one process's: $(diff "$tmp/one.sorted" "$tmp/counted.sorted" | head -5)"

finish "parallel in 1 MB blocks = one process, byte for byte, on $size bytes"
