#!/bin/sh
# SPDX-License-Identifier: MIT
# --entity-members writes only the chosen members of each entity, same entities.
set -eu
: "${TAGPIPE:?}" "${TESTDATA:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"

cp "$SRCDIR/examples/news.jsonl" "$tmp/in"
tp < "$tmp/in"
cp "$tmp/out" "$tmp/full"
tp --entity-members text,type,start,end < "$tmp/in"
[ "$status" -eq 0 ] || bad "--entity-members: exit $status"
python3 - "$tmp/full" "$tmp/out" <<'PY' || bad "--entity-members: wrong members or entities"
import json, sys
full = [json.loads(l) for l in open(sys.argv[1])]
part = [json.loads(l) for l in open(sys.argv[2])]
assert len(full) == len(part)
n = 0
for f, p in zip(full, part):
    assert [list(e) for e in p["entities"]] == [["text", "type", "start", "end"]] * len(p["entities"])
    assert p["entities"] == [{k: e[k] for k in ("text", "type", "start", "end")} for e in f["entities"]]
    assert p["topics"] == f["topics"]
    n += len(p["entities"])
assert n > 10
PY
[ "$(wc -c < "$tmp/out")" -lt "$(wc -c < "$tmp/full")" ] || bad "--entity-members: output not smaller"
tp --entity-members text,bogus < "$tmp/in"
[ "$status" -eq 2 ] && grep -q "unknown member 'bogus'" "$tmp/err" || bad "--entity-members bogus: exit $status"
tp --entity-members= < "$tmp/in"
[ "$status" -eq 2 ] || bad "--entity-members empty: exit $status, expected 2"

finish
