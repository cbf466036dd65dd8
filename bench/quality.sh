#!/bin/sh
# SPDX-License-Identifier: MIT
# Quality figures on the development data of ../shared (never part of the test
# suite): the seed articles, entity P/R/F1 (exact and --partial) with the
# precision per source, and top-topic accuracy (AG, BBC, Wikinews). Usage: sh bench/quality.sh
# (TAGPIPE_ARGS=--hand-typing sh bench/quality.sh: the same with the hand-set cues)
set -eu
cd "$(dirname "$0")/.."
S=${SHARED:-../shared}
T="./build/tagpipe ${TAGPIPE_ARGS:-}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== seeds"
$T < examples/news.jsonl | python3 "$S/eval/seeds/check.py" "$S/eval/seeds/gold.json" -
for f in conll2003-dev politics-dev wikiann-dev; do
    echo "== $f"
    $T < "$S/data/ner/$f.jsonl" > "$out/$f.jsonl"
    python3 "$S/eval/ner/score.py" "$S/data/ner/$f.jsonl" "$out/$f.jsonl" | tail -8
    printf 'partial: '; python3 "$S/eval/ner/score.py" --partial "$S/data/ner/$f.jsonl" "$out/$f.jsonl" | tail -1
    python3 bench/ner-by-source.py "$S/data/ner/$f.jsonl" "$out/$f.jsonl"
done
for f in bbc-dev agnews-dev; do
    echo "== $f"
    $T < "$S/data/topics/$f.jsonl" > "$out/$f.jsonl"
    python3 "$S/eval/topics/score.py" "$S/data/topics/$f.jsonl" "$out/$f.jsonl" | tail -1
done
echo "== wikinews-dev"
python3 -c 'import json,sys
for l in sys.stdin:
    d = json.loads(l); print(json.dumps({"id": d["id"], "text": d["text"]}))' \
    < "$S/data/topics/wikinews-dev.jsonl" | $T > "$out/wikinews-dev.jsonl"
python3 "$S/eval/topics-iptc/score.py" "$S/data/topics/wikinews-dev.jsonl" "$out/wikinews-dev.jsonl" |
    grep -E '^(strict:|macro-F1 =|accuracy =)'
