#!/bin/sh
# SPDX-License-Identifier: MIT
# The derived knowledge (scripts/derive-gazetteers.py) where it had gaps: the
# common-word flag only on aliases that are words first, each policy with a
# case it must take and one it must refuse, on a stub word list and on the
# shipped files as the tagger reads them.
set -eu
: "${TAGPIPE:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"
T="$TAGPIPE --gazetteers $SRCDIR/gazetteers --models $SRCDIR/models"

# The policies on stub data: no Debian package needed.
python3 - "$SRCDIR/scripts/derive-gazetteers.py" <<'PY' || bad "derive-gazetteers.py policies"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("derive", sys.argv[1])
d = importlib.util.module_from_spec(spec)
spec.loader.exec_module(d)
fail = 0
def check(what, got, want):
    global fail
    if got != want:
        print(f"FAIL: {what}: {got!r}, expected {want!r}")
        fail = 1

class Stub(d.Words):
    def __init__(self):
        # scowl levels as in scowl 2020.12.07: 'wales' and 'Wales' both at 50,
        # 'reading' at 10 but 'Reading' at 50
        self.level = {"wales": 50, "reading": 10, "bath": 20}
        self.upper = {"Wales": 50, "Reading": 50, "Bath": 70}
        self.proper, self.given, self.surnames = {}, {}, {}
w = Stub()
check("flag of Wales (a name first)", d.flag_for(w, "Wales"), "")
check("flag of Reading (a word first)", d.flag_for(w, "Reading"), "~")
check("flag of Bath (a word first)", d.flag_for(w, "Bath"), "~")
sys.exit(fail)
PY

# The shipped files: Wales is matched at the start of a sentence, Reading is not.
grep -q "	place/iso:GB-WLS	Wales	-	" "$SRCDIR/gazetteers/places-subdivisions.tsv" ||
    bad "Wales carries a flag in places-subdivisions.tsv"
printf '%s\n' '{"text":"Wales beat Scotland in Cardiff."}' \
    '{"text":"Reading the report, he frowned."}' | $T > "$tmp/flags"
python3 - "$tmp/flags" <<'PY' || bad "flags as the tagger reads them"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
wales = [(e["text"], e["id"]) for e in lines[0]["entities"] if e["start"] == 0]
reading = [e["text"] for e in lines[1]["entities"]]
if wales != [("Wales", "place/iso:GB-WLS")]:
    print("FAIL: 'Wales beat ...' gives", wales); sys.exit(1)
if reading:
    print("FAIL: 'Reading the report' gives", reading); sys.exit(1)
PY

finish "knowledge checks passed"
