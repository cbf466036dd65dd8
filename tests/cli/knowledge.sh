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

# Given names read off the sources' people: the words before the surname
d.GIVEN_SEEN.clear()
d.note_given_names("Recep Tayyip Erdogan", "Erdogan", "factbook")
d.note_given_names("Xi Jinping", "Xi", "factbook")           # family name first
d.note_given_names("Ivan Duque Marquez", "Duque", "factbook")  # a second surname after
check("given names of the Factbook's people", sorted(d.GIVEN_SEEN), ["Ivan", "Recep", "Tayyip"])
# ... and the first words of the NER training files' person spans, never -dev
import json, os, tempfile
w.level.update({"will": 10})
with tempfile.TemporaryDirectory() as ner:
    def write(name, texts):
        with open(os.path.join(ner, name), "w") as f:
            for t in texts:
                f.write(json.dumps({"text": t, "gold": [{"start": 0, "end": len(t), "type": "person"}]}) + "\n")
    write("x-train.jsonl", ["Boris Yeltsin", "Boris Johnson", "Will Carling", "Will Smith", "Wasim Akram"])
    write("x-dev.jsonl", ["Nursultan Nazarbayev", "Nursultan Abishev"])
    check("given names of the training spans", sorted(d.ner_train_given_names(ner, w)), ["Boris"])
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

# Second-level subdivisions (derive-gazetteers.py --second-level), where the
# Debian packages the script reads are installed: under their parent, never
# under a city's name.
if [ -f /usr/share/iso-codes/json/iso_3166-2.json ] && [ -d /usr/share/unicode/cldr ] &&
    [ -d /usr/share/dict/scowl ] && python3 -c 'import yaml' 2> /dev/null; then
    python3 - "$SRCDIR/scripts/derive-gazetteers.py" <<'PY' || bad "second-level subdivisions"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("derive", sys.argv[1])
d = importlib.util.module_from_spec(spec)
spec.loader.exec_module(d)
w = d.Words()
class C:
    def __init__(self, cc): self.cc = cc
    def keys(self): return {d.fold(self.cc)}
by_a2 = {c: C(c) for c in ("GB", "IT", "FR")}
first = {e.id[len("place/iso:"):] for e in d.build_subdivisions(w, by_a2, {})}
second = {e.id: e for e in d.build_subdivisions(w, by_a2, {}, (first, {"paris"}))}
fail = 0
lan = second.get("place/iso:GB-LAN")
if lan is None or lan.name != "Lancashire" or lan.attrs["parent"] != "place/iso:GB-ENG":
    print("FAIL: GB-LAN", lan and (lan.name, lan.attrs)); fail = 1
rm = second.get("place/iso:IT-RM")
if rm is None or rm.attrs["parent"] != "place/iso:IT-62":
    print("FAIL: IT-RM", rm and rm.attrs); fail = 1
if "place/iso:FR-75C" in second or any(e.name == "Paris" for e in second.values()):
    print("FAIL: a second-level subdivision under the name of a city (Paris)"); fail = 1
sys.exit(fail)
PY
else
    echo "skipped the second-level check: iso-codes, unicode-cldr-core or scowl not installed"
fi

finish "knowledge checks passed"
