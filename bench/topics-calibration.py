#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reliability of tagpipe's topic scores, and the --min-topic-score that suits them.

    bench/topics-calibration.py GOLD.jsonl SYSTEM.jsonl [GOLD.jsonl SYSTEM.jsonl ...]

(SHARED names the shared folder if it is not ../shared.)

SYSTEM.jsonl is tagpipe's output for GOLD.jsonl, written with every topic
(`--min-topic-score 0 --max-topics 17`). A topic is *right* when the fixed
mapping of ../shared/eval/topics/score.py sends it to the document's gold
class (topics without a counterpart in the data set are left out), or, for
gold that lists IPTC labels (wikinews-*.jsonl), when it is one of them. Prints:

- the reliability of the top topic (the scorer's prediction) and of every
  topic, in score bins: how often a topic scored about p is right;
- for candidate thresholds, what tagpipe's defaults (at most 3 topics) would
  give: the scorer's accuracy, the precision of the topics written, the
  documents left with some right topic, and the F1 of those two.
"""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
sys.path.insert(0, os.path.join(SHARED, "eval", "topics"))
import score  # noqa: E402  (the fixed mapping)

BINS = 10
THRESHOLDS = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5]
MAX_TOPICS = 3


def load(gold_path, sys_path):
    """(data set, [(gold set, [(class, score)] best first)]): AG and BBC
    through the fixed mapping; IPTC gold (a list of labels, as Wikinews) as is."""
    gold = {}
    for _, r in score.read_jsonl(gold_path):
        gold[r["id"]] = r["gold"]
    iptc = all(isinstance(g, list) for g in gold.values())
    if iptc:
        ds, m = "iptc", None
    else:
        ds = score.detect_dataset(set(gold.values()))
        m = score.MAPPINGS[ds]["map"]
    docs = []
    for _, r in score.read_jsonl(sys_path):
        if r.get("id") in gold:
            g = gold[r["id"]]
            if iptc:
                ts = [(t["label"], t["score"]) for t in r.get("topics", [])]
                docs.append((set(g), ts))
                continue
            ts = [(t["label"], t["score"]) for t in r.get("topics", []) if m.get(t["label"])]
            docs.append(({g}, [(m[l], s) for l, s in ts]))
    return ds, docs


def table(title, pairs):
    print(title)
    print("  score      topics  mean score  right")
    ece, n = 0.0, len(pairs)
    for b in range(BINS):
        sel = [(s, ok) for s, ok in pairs if min(int(s * BINS), BINS - 1) == b]
        if not sel:
            continue
        mean = sum(s for s, _ in sel) / len(sel)
        acc = sum(ok for _, ok in sel) / len(sel)
        ece += len(sel) * abs(mean - acc) / n
        print(f"  {b / BINS:.1f}-{(b + 1) / BINS:.1f}  {len(sel):7d}  {mean:10.3f}  {acc:5.3f}")
    print(f"  expected calibration error {ece:.3f}")


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    f1_sum = {t: 0.0 for t in THRESHOLDS}
    for i in range(0, len(args), 2):
        ds, docs = load(args[i], args[i + 1])
        print(f"== {ds}: {args[i]} ({len(docs)} documents)")
        top = [(ts[0][1], ts[0][0] in g) for g, ts in docs if ts]
        table("top topic:", top)
        table("every topic:", [(s, c in g) for g, ts in docs for c, s in ts])
        print("threshold  accuracy  precision  covered  F1  topics/doc")
        for t in THRESHOLDS:
            acc = written = right = covered = 0
            for g, ts in docs:
                kept = [(c, s) for c, s in ts if s >= t][:MAX_TOPICS]
                acc += bool(kept) and kept[0][0] in g
                written += len(kept)
                right += sum(c in g for c, _ in kept)
                covered += any(c in g for c, _ in kept)
            p = right / written if written else 0.0
            r = covered / len(docs)
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            f1_sum[t] += f1
            print(f"  {t:5.2f}    {100 * acc / len(docs):6.1f}  {100 * p:8.1f}  {100 * r:7.1f}"
                  f"  {100 * f1:5.1f}  {written / len(docs):5.2f}")
    best = max(THRESHOLDS, key=lambda t: (round(f1_sum[t], 9), -t))
    print(f"threshold with the best mean F1 over the data sets: {best}")


if __name__ == "__main__":
    main()
