#!/bin/sh
# SPDX-License-Identifier: MIT
# --min-score leaves out entities scoring below it, and only those.
set -eu
LC_ALL=C
export LC_ALL
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
T="$TAGPIPE --gazetteers $TESTDATA/gazetteers --models $TESTDATA/models"
fail=0
echo '{"text":"Then Mrs Oyelaran met Donald Trump in Kyiv."}' > "$tmp/in"
$T < "$tmp/in" > "$tmp/all"
$T --min-score 0.85 < "$tmp/in" > "$tmp/some"
python3 - "$tmp/all" "$tmp/some" <<'PY' || fail=1
import json, sys
all_ = json.loads(open(sys.argv[1]).read())["entities"]
some = json.loads(open(sys.argv[2]).read())["entities"]
want = [e for e in all_ if e["score"] >= 0.85]
if some != want or not (0 < len(some) < len(all_)):
    print("FAIL: --min-score 0.85 kept", [e["text"] for e in some], "of", [(e["text"], e["score"]) for e in all_])
    sys.exit(1)
PY
st=0
$T --min-score 2 < "$tmp/in" > /dev/null 2>&1 || st=$?
[ "$st" -eq 2 ] || { echo "FAIL: --min-score 2 exit $st, expected 2"; fail=1; }
exit $fail
