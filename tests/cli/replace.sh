#!/bin/sh
# SPDX-License-Identifier: MIT
# --replace re-tags lines that already carry entities/topics: the old members
# go, every other byte stays; without it such lines are errors.
set -eu
: "${TAGPIPE:?}" "${TESTDATA:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"

cat "$SRCDIR/examples/news.jsonl" "$SRCDIR/tests/golden/contract/input.jsonl" | grep -v '"entities"\|"topics"' > "$tmp/in"
tp < "$tmp/in"
cp "$tmp/out" "$tmp/once"
grep -q '"entities":\[{' "$tmp/once" || bad "nothing tagged"
# Re-tagging tagged output gives the same bytes.
tp --replace < "$tmp/once"
[ "$status" -eq 0 ] || bad "--replace: exit $status, expected 0"
cmp -s "$tmp/once" "$tmp/out" || bad "--replace on tagged output: not the same bytes"
# Without --replace, every tagged line is an error, passed unchanged.
tp < "$tmp/once"
[ "$status" -eq 1 ] || bad "tagged again without --replace: exit $status, expected 1"
[ "$(grep -c 'already has a "entities" member' "$tmp/err")" -eq "$(grep -c . "$tmp/once")" ] ||
    bad "tagged again without --replace: $(wc -l < "$tmp/err") messages"

# Old members anywhere, odd spacing, strings with brackets: removed, the rest kept.
cat > "$tmp/odd" <<'J'
{"entities":[1,{"a":"]}\""}], "id":1 ,"text":"Kyiv","topics":[] , "z":2}
{"a":1,"entities":[],"b":"x,y","topics":{"k":[1]},"c":3}
{"a":1.50,"entities":"x"}
{"topics":null}
J
cat > "$tmp/odd.want" <<'J'
{"id":1 ,"text":"Kyiv" , "z":2,
{"a":1,"b":"x,y","c":3,
{"a":1.50,
{
J
tp --replace < "$tmp/odd"
[ "$status" -eq 0 ] || bad "--replace on odd lines: exit $status: $(cat "$tmp/err")"
sed 's/"entities":\[.*$//' "$tmp/out" > "$tmp/odd.got"
cmp -s "$tmp/odd.want" "$tmp/odd.got" || bad "--replace on odd lines: kept bytes differ: $(cat "$tmp/odd.got")"
python3 - "$tmp/out" <<'PY' || bad "--replace on odd lines: output not valid JSON with one entities member"
import json, sys
for line in open(sys.argv[1]):
    pairs = json.loads(line, object_pairs_hook=lambda p: p)
    keys = [k for k, _ in pairs]
    assert keys.count("entities") == 1 and keys.count("topics") == 1, keys
PY

finish
