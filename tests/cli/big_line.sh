#!/bin/sh
# SPDX-License-Identifier: MIT
# A 50 MB line is tagged as one line, alone and among bad lines, with several thread counts.
set -eu
: "${SRCDIR:?}" "${TAGPIPE:?}" "${TESTDATA:?}"
. "$SRCDIR/tests/lib/cli.sh"

# One object whose text is 50 MB: 50 blocks, each a sentence with three names
# and 1 MB of filler. The filler words are long (tagging time goes with the
# number of tokens) and partly non-ASCII, so that code point and byte offsets
# differ.
python3 - "$tmp/big.jsonl" <<'EOF'
import json, sys
filler = ("pneumonoultramicroscopicsilicovolcanoconiosis électroencéphalographiquement "
          "supercalifragilisticexpialidocious ")
block = "Mr Trump met NATO chiefs in Kyiv. " + filler * 9500
text = block * 50
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write(json.dumps({"id": "big", "n": 0.10, "text": text}, ensure_ascii=False) + "\n")
EOF
size=$(wc -c < "$tmp/big.jsonl")
[ "$size" -gt 50000000 ] || bad "the big line has only $size bytes"

# check.py IN OUT: OUT is IN with the members spliced in, and its entities are
# the 150 expected ones, each at the right code point offsets.
cat > "$tmp/check.py" <<'EOF'
import json, sys
a = open(sys.argv[1], "rb").read()
b = open(sys.argv[2], "rb").read()
errors = []
if b.count(b"\n") != 1 or not b.endswith(b"\n"):
    errors.append("expected one output line, got %d newlines" % b.count(b"\n"))
head = a[:-2]  # without "}\n"
if not b.startswith(head + b',"entities":[') or not b.endswith(b"}\n"):
    errors.append("output is not the input with members spliced in: ...%r" % b[len(head) - 20:len(head) + 40])
else:
    src = json.loads(a)
    out = json.loads(b)
    text = src["text"]
    ents = out["entities"]
    kinds = {}
    for e in ents:
        kinds[e["id"]] = kinds.get(e["id"], 0) + 1
        if text[e["start"]:e["end"]] != e["text"]:
            errors.append("entity %r: text[start:end] is %r" % (e, text[e["start"]:e["end"]]))
            break
    want = {"person/donald-trump": 50, "org/nato": 50, "place/geonames:703448": 50}
    if kinds != want:
        errors.append("entities by id: %r, expected %r" % (kinds, want))
    if {k: v for k, v in out.items() if k not in ("entities", "topics")} != src:
        errors.append("the other members changed")
for e in errors:
    print("ERROR: " + e)
sys.exit(1 if errors else 0)
EOF

for n in 1 2; do
    tp --threads "$n" < "$tmp/big.jsonl"
    [ "$status" -eq 0 ] || bad "50 MB line, --threads $n: exit $status, expected 0"
    [ -s "$tmp/err" ] && { bad "50 MB line, --threads $n: stderr:"; head -c 2000 "$tmp/err"; }
    [ "$n" -eq 1 ] && { python3 "$tmp/check.py" "$tmp/big.jsonl" "$tmp/out" || bad "50 MB line: wrong output"; }
    mv "$tmp/out" "$tmp/big.out.$n"
done
cmp "$tmp/big.out.1" "$tmp/big.out.2" || bad "50 MB line: --threads 1 and 2 differ"

# ---- the big line among good, bad and blank lines ----
{
    echo '{"id":1,"text":"Mr Trump met NATO chiefs in Kyiv."}'
    echo '{"id":2,"text":"Kyiv"'
    echo ''
    printf '{"id":4,"text":"Kyiv \377"}\n'
    cat "$tmp/big.jsonl"
    echo '[1,2,3]'
    echo '{"id":7,"text":"Zelensky in Brussels"}'
    echo '   '
    printf '{"id":9,"text":"\300\200 Kyiv"}\n'
    echo '"just a string"'
    echo '{"id":12,"text":"NATO"}'
} > "$tmp/mix.jsonl"
nin=$(wc -l < "$tmp/mix.jsonl")
printf '%s\n' 'tagpipe: <stdin>:2:' 'tagpipe: <stdin>:4:' 'tagpipe: <stdin>:6:' \
    'tagpipe: <stdin>:9:' 'tagpipe: <stdin>:10:' > "$tmp/want.err"
for n in 1 2 4; do
    tp --threads "$n" < "$tmp/mix.jsonl"
    [ "$status" -eq 1 ] || bad "mix, --threads $n: exit $status, expected 1"
    [ "$(wc -l < "$tmp/out")" -eq "$nin" ] || bad "mix, --threads $n: $(wc -l < "$tmp/out") lines out for $nin in"
    sed 's/^\(tagpipe: <stdin>:[0-9]*:\) .*/\1/' "$tmp/err" > "$tmp/err.prefix"
    cmp -s "$tmp/want.err" "$tmp/err.prefix" || { bad "mix, --threads $n: messages:"; cat "$tmp/err"; }
    # The big line comes out as it does alone.
    sed -n 5p "$tmp/out" > "$tmp/line"
    cmp -s "$tmp/big.out.1" "$tmp/line" || bad "mix, --threads $n: line 5 differs from the big line alone"
    mv "$tmp/out" "$tmp/mix.out.$n"
done
cmp "$tmp/mix.out.1" "$tmp/mix.out.2" || bad "mix: --threads 1 and 2 differ"
cmp "$tmp/mix.out.1" "$tmp/mix.out.4" || bad "mix: --threads 1 and 4 differ"

finish
