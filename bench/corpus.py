#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write MB megabytes of news-like JSON lines to stdout, deterministically
(the same bytes for the same MB and SEED), from material the repository
ships: the sentences of examples/news.jsonl and of the golden test inputs,
and sentences built around names of the shipped gazetteers (people, offices,
places, organizations), so that the vocabulary and the entities vary as on
real news and caches are not warmer than they would be there. Articles of 2
to 8 KB, each {"id", "title", "text"}.

usage: bench/corpus.py MB [SEED]"""
import glob
import json
import os
import random
import re
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
mb = float(sys.argv[1])
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)

sentences = []
for path in [os.path.join(root, "examples/news.jsonl")] + sorted(
        glob.glob(os.path.join(root, "tests/golden/*/input.jsonl"))):
    for line in open(path, encoding="utf-8", errors="replace"):
        try:
            o = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(o, dict) and isinstance(o.get("text"), str):
            sentences += [s for s in re.split(r"(?<=[.!?])\s+", o["text"]) if len(s) > 20]

names = {"person": [], "office": [], "place": [], "organization": []}
for path in sorted(glob.glob(os.path.join(root, "gazetteers/*.tsv"))):
    for line in open(path, encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if len(cols) >= 3 and cols[0] in names:
            names[cols[0]].append(cols[2])
for k in names:
    names[k].sort()

templates = [
    "{person}, the {office}, said on {day} that talks in {place} would go on.",
    "Officials from {org} met {person} in {place} to discuss the plan.",
    "{person} told reporters in {place} that {org} had not been consulted.",
    "The {office} is expected to visit {place} next week, {org} said.",
    "In {place}, supporters of {person} gathered outside the offices of {org}.",
    "{org} shares fell after {person} warned of slower growth in {place}.",
    "{person} and {person2} spoke by phone about the situation in {place}.",
    "A spokesman for {org} declined to comment on reports from {place}.",
]
days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def built():
    return rng.choice(templates).format(
        person=rng.choice(names["person"]), person2=rng.choice(names["person"]),
        office=rng.choice(names["office"]), place=rng.choice(names["place"]),
        org=rng.choice(names["organization"]), day=rng.choice(days))


out = sys.stdout
total, n = 0, 0
limit = int(mb * 1024 * 1024)
while total < limit:
    size = rng.randint(2048, 8192)
    parts, length = [], 0
    while length < size:
        s = rng.choice(sentences) if rng.random() < 0.5 else built()
        parts.append(s)
        length += len(s) + 1
    n += 1
    line = json.dumps({"id": "bench-%d" % n, "title": built()[:80], "text": " ".join(parts)},
                      ensure_ascii=False) + "\n"
    out.write(line)
    total += len(line.encode("utf-8"))
