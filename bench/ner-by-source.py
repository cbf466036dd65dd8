#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Entity precision by the `source` of a prediction (gazetteer, heuristic), per type.

usage: python3 bench/ner-by-source.py GOLD SYSTEM

Exact span and type, as ../shared/eval/ner/score.py scores them: for each
source and type, the predictions, how many match a gold entity, precision,
and the share of all gold entities of the type that predictions of this
source find (the sources' shares add up to the recall). Offices are left out.
"""
import json
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    gold_lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
    sys_lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
    types = ("person", "place", "organization")
    n_gold = {t: 0 for t in types}
    stats = {}  # (source, type) -> [pred, tp]
    for g_line, s_line in zip(gold_lines, sys_lines):
        g, s = json.loads(g_line), json.loads(s_line)
        gold = {(e["start"], e["end"], e["type"]) for e in g["gold"] if e["type"] in types}
        for e in g["gold"]:
            if e["type"] in types:
                n_gold[e["type"]] += 1
        for e in s.get("entities", []):
            if e["type"] not in types or e.get("field", "text") != "text":
                continue
            st = stats.setdefault((e.get("source", "?"), e["type"]), [0, 0])
            st[0] += 1
            st[1] += (e["start"], e["end"], e["type"]) in gold
    print(f"{'source':<10} {'type':<13} {'pred':>6} {'tp':>6} {'P':>6} {'R share':>8}")
    for source in sorted({k[0] for k in stats}):
        tot = [0, 0]
        for t in types:
            pred, tp = stats.get((source, t), [0, 0])
            tot[0] += pred
            tot[1] += tp
            p = 100.0 * tp / pred if pred else 0.0
            r = 100.0 * tp / n_gold[t] if n_gold[t] else 0.0
            print(f"{source:<10} {t:<13} {pred:>6} {tp:>6} {p:>6.1f} {r:>8.1f}")
        p = 100.0 * tot[1] / tot[0] if tot[0] else 0.0
        r = 100.0 * tot[1] / sum(n_gold.values())
        print(f"{source:<10} {'all':<13} {tot[0]:>6} {tot[1]:>6} {p:>6.1f} {r:>8.1f}")


if __name__ == "__main__":
    main()
