#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Split the topic training files into a part to fit on and a part held out.

    python3 scripts/split-heldout.py OUTDIR [--shared DIR]

Writes OUTDIR/{wikinews,agnews,bbc}-train.jsonl (about 80% of each
../shared/data/topics/*-train.jsonl) and OUTDIR/*-dev.jsonl (the other 20%),
so that scripts/build-topic-model.py --data OUTDIR fits, calibrates and picks
its thresholds without the real -dev files, and the settings of the build can
be chosen on the held-out part (scripts/tune-topic-model.sh). A line goes to
the held-out part when the first byte of the sha256 of its id is below 52
(52/256 = 20.3%): deterministic, independent of file order, no stratification.
"""
import argparse
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for ds in ("wikinews", "agnews", "bbc"):
        src = os.path.join(args.shared, "data", "topics", f"{ds}-train.jsonl")
        n = {"train": 0, "dev": 0}
        with open(src, encoding="utf-8") as f, \
                open(os.path.join(args.outdir, f"{ds}-train.jsonl"), "w", encoding="utf-8") as tr, \
                open(os.path.join(args.outdir, f"{ds}-dev.jsonl"), "w", encoding="utf-8") as dv:
            for line in f:
                rid = json.loads(line)["id"]
                held = hashlib.sha256(rid.encode()).digest()[0] < 52
                (dv if held else tr).write(line)
                n["dev" if held else "train"] += 1
        print(f"{ds}: {n['train']} to fit, {n['dev']} held out", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
