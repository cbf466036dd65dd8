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
