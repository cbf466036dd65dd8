#!/bin/sh
# SPDX-License-Identifier: MIT
# Topic classification, side by side: `tagpipe train` and fastText (Debian's
# `fasttext`, with the tuned settings and text normalisation of
# ../shared/eval/topics/README.md), each trained on agnews-train, bbc-train and wikinews-train
# and scored on the matching -dev file. Prints accuracy, training and
# prediction times, model sizes; then the shipped model's accuracy through the
# fixed IPTC mapping (score.py). A benchmark, never part of the test suite.
#
#   sh bench/topics.sh                 # one seed
#   SEEDS="1 2 3 4 5" sh bench/topics.sh
#
# Environment: TAGPIPE (default build/tagpipe), SHARED (default ../shared),
# SEEDS (default 1), THREADS for fastText (default 1, as in the README),
# DATASETS (default "agnews bbc wikinews").
set -eu
LC_ALL=C
export LC_ALL
root=$(cd "$(dirname "$0")/.." && pwd)
TAGPIPE=${TAGPIPE:-$root/build/tagpipe}
SHARED=${SHARED:-$root/../shared}
SEEDS=${SEEDS:-1}
THREADS=${THREADS:-1}
D=$SHARED/data/topics
command -v fasttext >/dev/null 2>&1 || { echo "fasttext is not installed (TAGPIPE_BENCH=1 sh scripts/deps.sh)" >&2; exit 1; }
[ -x "$TAGPIPE" ] || { echo "no $TAGPIPE: build first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{printf "%.2f", $1 - $2}'; }

# JSONL -> fastText lines "__label__CLASS text" (the README's ft(); "shuffle" for a training file)
ft() {
    python3 -c '
import json, random, sys
rs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
if sys.argv[2:] == ["shuffle"]:
    random.Random(12345).shuffle(rs)
for r in rs:
    t = r["text"].lower().replace("<br />", " ")
    for c in ".,()!?\x27":
        t = t.replace(c, " " + c + " ")
    t = t.replace("\"", "").replace(";", " ").replace(":", " ")
    gold = r["gold"] if isinstance(r["gold"], list) else [r["gold"]]
    labels = " ".join("__label__" + "_".join(g.replace(",", " ").split()) for g in gold)
    print(labels, " ".join(t.split()))' "$@"
}

printf '%-7s %-26s %5s %9s %8s %9s %10s\n' data system seed accuracy "train s" "predict s" "model"
# Wikinews: several labels per article (fastText's P@1 and tagpipe's dev
# accuracy both count the top topic right when it is one of them); fastText
# takes AG's settings there (not tuned on Wikinews).
for ds in ${DATASETS:-agnews bbc wikinews}; do
    case $ds in agnews|wikinews) lr=0.5 ;; bbc) lr=1.0 ;; esac
    ft "$D/$ds-train.jsonl" shuffle > "$tmp/$ds-train.txt"
    ft "$D/$ds-dev.jsonl" > "$tmp/$ds-dev.txt"
    src=$D tax=""
    if [ "$ds" = wikinews ]; then
        # tagpipe train takes label keys: the IPTC labels become the taxonomy's keys.
        for part in train dev; do
            python3 -c '
import json, sys
keys = {}
for l in open(sys.argv[1], encoding="utf-8"):
    c = l.rstrip("\n").split("\t")
    if len(c) >= 3 and not l.startswith("#"):
        keys[c[2]] = c[0]
for l in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(l)
    print(json.dumps({"text": r["text"], "gold": [keys[g] for g in r["gold"]]}))' \
                "$root/models/iptc-topics.tsv" "$D/$ds-$part.jsonl" > "$tmp/$ds-$part.jsonl"
        done
        src=$tmp tax="--taxonomy $root/models/iptc-topics.tsv"
    fi
    for s in $SEEDS; do
        # tagpipe train: the time covers loading the gazetteers, tagging and fitting;
        # the dev lines are then tagged as tagpipe tags them.
        t0=$(now)
        # shellcheck disable=SC2086
        "$TAGPIPE" train --label-field gold --seed "$s" -o "$tmp/tp-$ds.model" $tax \
            --dev "$src/$ds-dev.jsonl" "$src/$ds-train.jsonl" > "$tmp/tp.out"
        total=$(since "$t0")
        acc=$(sed -n 's/^dev: .*accuracy \([0-9.]*\)%.*/\1/p' "$tmp/tp.out")
        pred=$(sed -n 's/^dev: .*tagged in \([0-9.]*\) s.*/\1/p' "$tmp/tp.out")
        train=$(echo "$total $pred" | awk '{printf "%.2f", $1 - $2}')
        size=$(wc -c < "$tmp/tp-$ds.model")
        printf '%-7s %-26s %5s %8s%% %9s %9s %10s\n' "$ds" "tagpipe train" "$s" "$acc" "$train" "$pred" "$size"

        t0=$(now)
        fasttext supervised -input "$tmp/$ds-train.txt" -output "$tmp/ft-$ds" -dim 10 -lr $lr \
            -epoch 50 -wordNgrams 2 -minCount 1 -bucket 10000000 -thread "$THREADS" -seed "$s" \
            -verbose 0
        train=$(since "$t0")
        t0=$(now)
        acc=$(fasttext test "$tmp/ft-$ds.bin" "$tmp/$ds-dev.txt" | sed -n 's/^P@1[[:space:]]*//p' |
              awk '{printf "%.1f", 100 * $1}')
        pred=$(since "$t0")
        size=$(wc -c < "$tmp/ft-$ds.bin")
        printf '%-7s %-26s %5s %8s%% %9s %9s %10s\n' "$ds" "fastText lr $lr epoch 50" "$s" "$acc" "$train" "$pred" "$size"
        rm -f "$tmp/ft-$ds.bin" "$tmp/ft-$ds.vec"
    done
done

echo
echo "shipped model (models/topics.model), through the fixed IPTC mapping:"
for ds in agnews bbc; do
    t0=$(now)
    "$TAGPIPE" --threads 1 < "$D/$ds-dev.jsonl" > "$tmp/out-$ds.jsonl"
    secs=$(since "$t0")
    acc=$(python3 "$SHARED/eval/topics/score.py" "$D/$ds-dev.jsonl" "$tmp/out-$ds.jsonl" | tail -n 1)
    echo "  $ds-dev: $acc (tagged in $secs s on one thread, loading included)"
done
