#!/bin/sh
# SPDX-License-Identifier: MIT
# Speed figures (never part of the test suite): start-up with the shipped data,
# throughput in MB/s against `jq -c .` on the same file, peak memory, and
# scaling with threads. Usage: sh bench/speed.sh [MB] (default 100).
set -eu
cd "$(dirname "$0")/.."
T=./build/tagpipe
MB=${1:-100}
SHARED=${SHARED:-../shared}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$SHARED" "$MB" "$tmp/corpus.jsonl" <<'PY'
import sys
shared, mb, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
src = [shared + "/data/topics/bbc-train.jsonl", shared + "/data/topics/agnews-train.jsonl",
       shared + "/data/ner/conll2003-train.jsonl"]
lines = [l for f in src for l in open(f, encoding="utf-8")]
n = 0
with open(out, "w", encoding="utf-8") as o:
    while n < mb * 1024 * 1024:
        for l in lines:
            o.write(l)
            n += len(l.encode())
PY
size=$(wc -c < "$tmp/corpus.jsonl")
mbs() { python3 -c "print(f'{$size/1048576/$1:.1f}')"; }
secs() { /usr/bin/time -f %e -o "$tmp/t" "$@" > /dev/null 2>&1 || true; cat "$tmp/t"; }
echo "corpus: $(python3 -c "print(f'{$size/1048576:.1f}')") MB of news JSON lines"
s=$(secs $T < /dev/null); echo "start-up (tagpipe < /dev/null): ${s} s"
s=$(secs jq -c . "$tmp/corpus.jsonl"); echo "jq -c .: ${s} s, $(mbs "$s") MB/s"
for j in 1 2 4; do
    /usr/bin/time -f "%e %M" -o "$tmp/t" $T -j $j < "$tmp/corpus.jsonl" > /dev/null 2>&1 || true
    read -r s kb < "$tmp/t"
    echo "tagpipe --threads $j: ${s} s, $(mbs "$s") MB/s, peak $((kb / 1024)) MB"
done
# --offsets utf16 against code points on 1 MB of an office-dense text (every
# office starts where the place inside it starts).
python3 - "$tmp/offices.jsonl" <<'PY'
import json, sys
s = "US defence secretary Pete Hegseth met the UK defence secretary John Healey. "
with open(sys.argv[1], "w", encoding="utf-8") as o:
    o.write(json.dumps({"text": s * (1048576 // len(s))}) + "\n")
PY
cp=$(secs $T --offsets codepoint < "$tmp/offices.jsonl")
u16=$(secs $T --offsets utf16 < "$tmp/offices.jsonl")
echo "office-dense 1 MB: codepoint ${cp} s, utf16 ${u16} s, ratio $(python3 -c "print(f'{$u16/max($cp,0.001):.2f}')")"
