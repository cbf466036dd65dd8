#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Precision of entities by source (gazetteer, heuristic), exact span and type.
usage: ner-by-source.py GOLD.jsonl SYSTEM.jsonl"""
import json, sys
gold = [json.loads(l) for l in open(sys.argv[1])]
out = [json.loads(l) for l in open(sys.argv[2])]
for src in ("gazetteer", "heuristic"):
    tp = n = 0
    for g, o in zip(gold, out):
        gs = {(x["start"], x["end"], x["type"]) for x in g["gold"]}
        for e in o["entities"]:
            if e["type"] == "office" or e["source"] != src: continue
            n += 1; tp += (e["start"], e["end"], e["type"]) in gs
    print(f"{src}: {n} predictions, precision {100*tp/max(n,1):.1f}")
