#!/bin/sh
# SPDX-License-Identifier: MIT
# One line with 150,000 entities: every one is written, with right offsets and
# linked offices (work on a text stays linear: a quadratic step would not end
# within the test's time limit).
set -eu
LC_ALL=C
export LC_ALL
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -c '
import json
print(json.dumps({"text": "President Trump met Mrs Oyelaran in Kyiv. " * 30000}))' > "$tmp/in"
"$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" -j 2 < "$tmp/in" > "$tmp/out"
python3 - "$tmp/out" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read())
t, es = r["text"], r["entities"]
bad = [e for e in es if t[e["start"]:e["end"]] != e["text"]]
kinds = {}
for e in es:
    kinds[e["type"]] = kinds.get(e["type"], 0) + 1
want = {"office": 30000, "person": 60000, "place": 30000}
held = sum(1 for e in es if e["type"] == "office" and e.get("holder") == "person/donald-trump")
if bad or kinds != want or held != 30000:
    print("FAIL: offset errors", len(bad), "types", kinds, "expected", want, "held offices", held)
    sys.exit(1)
PY
# The per-line cap (--max-entities, default 1,000,000): a line over it is a
# bad line, reported and handled by --on-error (passed through by default).
{ cat "$tmp/in"; echo '{"text":"Kyiv"}'; } > "$tmp/in2"
status=0
"$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" --max-entities 1000 \
    < "$tmp/in2" > "$tmp/out2" 2> "$tmp/err2" || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: --max-entities 1000: exit $status, expected 1"; exit 1; }
[ "$(cat "$tmp/err2")" = "tagpipe: <stdin>:1: more than 1000 entities (--max-entities)" ] ||
    { echo "FAIL: --max-entities 1000: stderr: $(cat "$tmp/err2")"; exit 1; }
head -n 1 "$tmp/out2" | cmp -s - "$tmp/in" || { echo "FAIL: the line over the cap was not passed through"; exit 1; }
tail -n 1 "$tmp/out2" | grep -q '"entities":\[{' || { echo "FAIL: the line after it was not tagged"; exit 1; }
"$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" --max-entities 100000 \
    --on-error=skip < "$tmp/in2" 2> /dev/null | wc -l | grep -qx 1 ||
    { echo "FAIL: --max-entities 100000 --on-error=skip did not skip the line"; exit 1; }
"$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" --max-entities 0 \
    < "$tmp/in" | grep -c '"type":"office"' | grep -qx 1 || { echo "FAIL: --max-entities 0"; exit 1; }
echo "150,000 entities on one line, offsets right, offices held; --max-entities caps a line"
