#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's train -> tag round trip, as a new user types it, in a fresh
# folder: `-o my/topics.model` creates my/, `--models my` (no cues.tsv there)
# uses the shipped name cues; `-o -` writes the model to stdout; a wrong
# --output fails before loading; a missing label names --label-field.
set -eu
. "$(dirname "$0")/../lib/cli.sh"
cd "$tmp"
mk() { # mk FILE N: N labelled lines, two topics
    i=0
    : > "$1"
    while [ "$i" -lt "$2" ]; do
        echo "{\"text\":\"The striker scored twice as the club won the cup final $i.\",\"gold\":\"sport\"}" >> "$1"
        echo "{\"text\":\"Parliament passed the budget bill after the minister's vote $i.\",\"gold\":[\"politics\"]}" >> "$1"
        i=$((i + 1))
    done
}
mk train.jsonl 20
mk dev.jsonl 3
echo '{"text":"The striker scored in the cup final."}' > news.jsonl

st=0
"$TAGPIPE" train --label-field gold --output my/topics.model --dev dev.jsonl train.jsonl \
    > train.out 2> train.err || st=$?
[ "$st" -eq 0 ] || bad "train exit $st: $(cat train.err)"
[ -f my/topics.model ] || bad "my/topics.model not written"
grep -q 'accuracy 100.0%' train.out || bad "dev accuracy not 100%: $(cat train.out)"
st=0
"$TAGPIPE" --models my < news.jsonl > tagged.jsonl 2> tag.err || st=$?
[ "$st" -eq 0 ] || bad "tag with --models my: exit $st: $(cat tag.err)"
python3 - tagged.jsonl <<'PY' || bad "round trip: news not tagged sport first"
import json, sys
t = json.loads(open(sys.argv[1]).read())["topics"]
sys.exit(0 if t and t[0]["label"] == "sport" else 1)
PY

# -o -: the model on stdout, the reports on stderr, no file named '-'.
st=0
"$TAGPIPE" train --label-field gold -o - train.jsonl > stdout.model 2> stdout.err || st=$?
[ "$st" -eq 0 ] || bad "-o - exit $st"
[ ! -e ./- ] || bad "-o - wrote a file named '-'"
head -1 stdout.model | grep -qx '# tagpipe-topic-model 1' || bad "-o - stdout is not a model"
tail -1 stdout.model | grep -qx '# end' || bad "-o - model not ended"
grep -q 'train time' stdout.err || bad "-o - reports not on stderr"
cmp -s stdout.model my/topics.model || bad "-o - differs from the file model"

# A folder that cannot be made fails at once, naming --output.
: > afile
st=0
"$TAGPIPE" train --label-field gold -o afile/sub/topics.model train.jsonl > o 2> e || st=$?
[ "$st" -eq 4 ] || bad "uncreatable --output folder: exit $st, expected 4"
grep -q -- '--output' e || bad "uncreatable folder message does not name --output: $(cat e)"
grep -q 'training:' o && bad "uncreatable folder: trained anyway"

# Forgetting --label-field: the message names the option.
st=0
"$TAGPIPE" train -o m2/topics.model train.jsonl > o 2> e || st=$?
[ "$st" -eq 1 ] || bad "missing label: exit $st, expected 1"
grep -q -- '--label-field' e || bad "missing label message has no hint: $(cat e)"
finish
