#!/bin/sh
# SPDX-License-Identifier: MIT
# What tagpipe says on stderr: --progress, --stats, capped messages, the
# missing-field warning, the pretty-printed JSON hint, control bytes escaped.
set -eu
: "${TAGPIPE:?}" "${TESTDATA:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"

cp "$SRCDIR/examples/news.jsonl" "$tmp/news.jsonl"

# ---- no progress by default when stderr is not a terminal ----
tp "$tmp/news.jsonl"
[ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] || bad "default: stderr not empty: $(cat "$tmp/err")"
cp "$tmp/out" "$tmp/ref"

# ---- --progress: lines, MB, MB/s, errors, percent for a file; stdout unchanged ----
tp --progress "$tmp/news.jsonl"
cmp -s "$tmp/ref" "$tmp/out" || bad "--progress changed stdout"
tr '\r' '\n' < "$tmp/err" | grep -Eq '^(.\[K)?tagpipe: 2 lines, [0-9.]+ MB, [0-9.]+ MB/s, 0 errors, 100%' ||
    bad "--progress: no final status line: $(od -c "$tmp/err" | head -5)"
[ "$(tail -c 1 "$tmp/err" | od -An -c | tr -d ' ')" = '\n' ] || bad "--progress: stderr does not end in a newline"
tp --progress < "$tmp/news.jsonl"
tr '\r' '\n' < "$tmp/err" | grep -q '%' && bad "--progress on a pipe: percent shown"
# In a log (stderr not a terminal) progress is plain lines, no terminal codes.
tp --progress "$tmp/news.jsonl"
LC_ALL=C grep -q "$(printf '[\r\033]')" "$tmp/err" && bad "--progress into a file: terminal codes written"
grep -q '^tagpipe: 2 lines, .* 0 errors, 100%$' "$tmp/err" || bad "--progress into a file: no final line: $(cat "$tmp/err")"
# On a terminal (script(1) gives one) it is on by default and redrawn in place.
if command -v script > /dev/null 2>&1; then
    script -qec "'$TAGPIPE' --gazetteers '$TESTDATA/gazetteers' --models '$TESTDATA/models' '$tmp/news.jsonl' > /dev/null" /dev/null > "$tmp/tty" 2>&1 || :
    LC_ALL=C grep -q "$(printf '\r\033\\[K')tagpipe: 2 lines" "$tmp/tty" ||
        bad "progress on a terminal: not drawn in place: $(od -c "$tmp/tty" | head -3)"
fi
tp --progress --no-progress < "$tmp/news.jsonl"
[ "$status" -eq 2 ] || bad "--progress --no-progress: exit $status, expected 2"

# ---- --stats: one JSON object on stderr with the counts ----
{ cat "$tmp/news.jsonl"; echo; echo 'not json'; echo '["a"]'; printf '{"text":"\377"}\n'; } > "$tmp/mixed.jsonl"
tp --stats --on-error=skip "$tmp/mixed.jsonl"
[ "$status" -eq 1 ] || bad "--stats: exit $status, expected 1"
tail -n 1 "$tmp/err" > "$tmp/stats.json"
python3 - "$tmp/stats.json" "$tmp/ref" <<'PY' || bad "--stats: wrong summary: $(cat "$tmp/stats.json")"
import json, sys, collections
s = json.load(open(sys.argv[1]))
ents = collections.Counter()
tops = collections.Counter()
for line in open(sys.argv[2]):
    o = json.loads(line)
    ents.update(e["type"] for e in o["entities"])
    tops.update(t["label"] for t in o["topics"])
want = {"lines": 6, "tagged": 2, "blank": 1, "passed": 0, "skipped": 3,
        "errors": {"json": 1, "not-object": 1, "utf8": 1},
        "entities": {t: ents[t] for t in ("person", "office", "place", "organization")},
        "topics": dict(tops)}
for k, v in want.items():
    assert s[k] == v, (k, s[k], v)
assert sum(ents.values()) > 10
assert s["bytes"] > 0 and isinstance(s["seconds"], float)
PY

# ---- --stats counts what tagpipe wrote, not look-alike members of the input ----
printf '%s\n' '{"meta":{"entities":[{"type":"person"},{"type":"person"}],"topics":[{"label":"x"}]},"text":"Kyiv and Paris."}' > "$tmp/nested.jsonl"
tp --stats "$tmp/nested.jsonl"
tail -n 1 "$tmp/err" > "$tmp/stats.json"
python3 - "$tmp/stats.json" "$tmp/out" <<'PY' || bad "--stats: nested members counted: $(cat "$tmp/stats.json")"
import json, sys, collections
s = json.load(open(sys.argv[1]))
o = json.loads(open(sys.argv[2]).read())
ents = collections.Counter(e["type"] for e in o["entities"])
assert ents["place"] >= 1, o["entities"]
assert s["entities"] == {t: ents[t] for t in ("person", "office", "place", "organization")}, s
assert s["topics"] == dict(collections.Counter(t["label"] for t in o["topics"])), s
PY

# ---- repeated messages are capped, with a count at the end ----
i=0
while [ "$i" -lt 150 ]; do echo 'not json'; i=$((i + 1)); done > "$tmp/bad.jsonl"
tp --max-messages 100 "$tmp/bad.jsonl"
[ "$status" -eq 1 ] || bad "capped messages: exit $status, expected 1"
[ "$(grep -c 'invalid JSON' "$tmp/err")" -eq 100 ] || bad "capped messages: $(grep -c 'invalid JSON' "$tmp/err") shown, expected 100"
[ "$(tail -n 1 "$tmp/err")" = "tagpipe: 50 more json errors not shown (--max-messages)" ] ||
    bad "capped messages: last line: $(tail -n 1 "$tmp/err")"
[ "$(wc -l < "$tmp/out")" -eq 150 ] || bad "capped messages: $(wc -l < "$tmp/out") lines out"
tp --max-messages 0 "$tmp/bad.jsonl"
[ "$(wc -l < "$tmp/err")" -eq 150 ] || bad "--max-messages 0: $(wc -l < "$tmp/err") messages, expected 150"

# ---- a warning when no line had the selected field ----
printf '%s\n' '{"title":"Kyiv","body":"Paris"}' '{"title":"Rome"}' > "$tmp/nofield.jsonl"
tp "$tmp/nofield.jsonl"
[ "$status" -eq 0 ] || bad "no field: exit $status, expected 0"
[ "$(cat "$tmp/err")" = "tagpipe: warning: no line had the field text; every line got empty arrays (choose others with --field)" ] ||
    bad "no field: stderr: $(cat "$tmp/err")"
tp --field body --field text "$tmp/nofield.jsonl"
[ ! -s "$tmp/err" ] || bad "--field body: a warning though line 1 has body: $(cat "$tmp/err")"
printf '%s\n' '{"title":"x","text":""}' > "$tmp/emptytext.jsonl"
tp "$tmp/emptytext.jsonl"
[ ! -s "$tmp/err" ] || bad "an empty text: warned though the field is there: $(cat "$tmp/err")"

# ---- pretty-printed JSON: one hint ----
printf '{\n  "text": "Kyiv"\n}\n{\n  "text": "Paris"\n}\n' > "$tmp/pretty.json"
tp "$tmp/pretty.json"
[ "$(grep -c "jq -c . FILE | tagpipe" "$tmp/err")" -eq 1 ] || bad "pretty-printed JSON: expected one hint: $(cat "$tmp/err")"
head -n 1 "$tmp/err" | grep -q "^tagpipe: $tmp/pretty.json:1: invalid JSON: .*pretty-printed" ||
    bad "pretty-printed JSON: the hint is not on line 1's message"
# With many workers the hint is still on line 1's message: the ordered
# writer gives it, not whichever worker fails first (it went to line 4 under
# load once, when the workers did).
python3 -c 'import sys
for i in range(300): sys.stdout.write("{\n  \"text\": \"Kyiv\"\n}\n")' > "$tmp/pretty-many.json"
for run in 1 2 3 4 5; do
    tp --threads 4 --max-messages 0 "$tmp/pretty-many.json"
    head -n 1 "$tmp/err" | grep -q "^tagpipe: $tmp/pretty-many.json:1: invalid JSON: .*pretty-printed" ||
        bad "pretty-printed JSON, 4 threads, run $run: the hint is not on line 1's message"
    [ "$(grep -c "jq -c . FILE | tagpipe" "$tmp/err")" -eq 1 ] || bad "pretty-printed JSON, 4 threads: not one hint"
done

# ---- control bytes in a bad line are escaped in its message ----
printf '{"a":1\033[31m}\n' > "$tmp/ctl.jsonl"
tp "$tmp/ctl.jsonl"
grep -q "near '\\\\x1b'" "$tmp/err" || bad "control byte: not escaped: $(od -c "$tmp/err" | head -3)"
LC_ALL=C grep -q "$(printf '\033')" "$tmp/err" && bad "control byte: written raw to stderr"

finish
