#!/bin/sh
# SPDX-License-Identifier: MIT
# --offsets utf16 on an office-dense text with characters outside the BMP:
# every entity's start/end index the UTF-16 code units of the field (as
# JavaScript's String.slice does), though each office starts where the place
# inside it starts (the cursor steps back there; it once restarted from byte 0).
set -eu
. "$(dirname "$0")/../lib/cli.sh"
python3 -c '
import json
s = "\U0001F600 The US defence secretary Pete Hegseth met the UK defence secretary John Healey. "
print(json.dumps({"text": s * 5000}, ensure_ascii=False))' > "$tmp/in"
for unit in utf16 codepoint byte; do
    tp --offsets "$unit" < "$tmp/in"
    [ "$status" -eq 0 ] || bad "$unit: exit $status"
    python3 - "$tmp/out" "$unit" <<'PY' || bad "$unit: offsets"
import json, sys
r = json.loads(open(sys.argv[1], encoding="utf-8").read())
unit, t = sys.argv[2], r["text"]
enc = {"utf16": "utf-16-le", "byte": "utf-8"}.get(unit)
size = {"utf16": 2, "byte": 1}.get(unit)
raw = t.encode(enc) if enc else None
def piece(e):
    if enc is None:
        return t[e["start"]:e["end"]]
    return raw[e["start"] * size:e["end"] * size].decode(enc)
es = r["entities"]
bad = [e for e in es if piece(e) != e["text"]]
offices = sum(1 for e in es if e["type"] == "office")
if bad or offices != 10000 or len(es) != 30000:
    print("FAIL:", unit, len(bad), "offset errors of", len(es), "entities;", offices, "offices",
          bad[:2])
    sys.exit(1)
PY
done
finish "utf16, codepoint and byte offsets right on 30,000 entities"
