#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Build the shipped topic model, models/topics.model, from material the repository ships.

    python3 scripts/build-topic-model.py [--build DIR] [--shared DIR] [--output FILE]

Inputs (all read, none changed):
  models/iptc-topics.tsv     the 17 IPTC Media Topics (key, code, label)
  models/vocab/*.txt         hand-curated words and phrases per topic
  models/vocab/topic-cues.tsv  gazetteer kinds (and ids) that are evidence for a topic
  models/stopwords-english.txt  words left out of the features
  gazetteers/*.tsv           the entity names behind those kinds (and, with
  models/cues.tsv            the name cues of the heuristics, the entity cues of
                             every document, as when tagging)
  ../shared/data/topics/wikinews-train.jsonl
                             Wikinews articles with IPTC gold for all 17 topics
  ../shared/data/topics/agnews-train.jsonl, bbc-train.jsonl
                             labelled news; their classes are mapped to IPTC topics
                             with the fixed mapping of ../shared/eval/topics/score.py
  ../shared/data/knowledge/TajaKuzman+IPTC-Media-Topic-Classification/data/iptc_mapping.json
                             IPTC concept names and definitions, one document each
  ../shared/data/topics/wikinews-dev.jsonl
                             only to choose one threshold per topic (never weights)

The fixed mapping is many-to-one: an AG "World" story may be politics,
conflict, crime, disaster, society, religion, human interest, weather or
education. Each news line is labelled with the topics, among those its class
maps to, that the curated vocabularies find in it (candidates(): every
allowed topic with at least half the vocabulary hits of the best one; the
class's canonical topic of score.py when no vocabulary word occurs), and the
trainer spreads the line's target evenly over them. The vocabulary and cue
pseudo-documents carry one topic each. The result is deterministic: the same
inputs and tagpipe give the same model file, byte for
byte (the inputs' sha256 are written into the model's header).
"""

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Training settings, chosen by 5-fold cross-validation on the training lines
# (never on the -dev files): see models/SOURCES.md.
SEED = 1
VOCAB_WEIGHT = 2.0  # weight of one vocabulary pseudo-document
CUE_WEIGHT = 1.0  # weight of one gazetteer-cue pseudo-document
CANDIDATE_RATIO = 0.5  # see candidates()
GROUP = 8  # vocabulary entries per group pseudo-document
CUE_NAMES = 6  # entity names per cue pseudo-document
CUE_DOCS = 8  # cue pseudo-documents per kind
# Weight of one line of each labelled news source. Wikinews (5,010 articles,
# every topic) carries the most; AG's short items and BBC's 2004-05 articles
# are down-weighted so that no single source's style dominates.
NEWS_WEIGHT = {"wikinews": 1.0, "agnews": 1.5, "bbc": 2.0}
# A Wikinews line is given twice: with its primary label (the rarest, which
# a reader names first) and with every gold label, spreading the target.
WIKINEWS_PRIMARY = 0.6  # share of the line's weight on its primary label
IPTC_WEIGHT = 1.0  # weight of one IPTC concept (name and definition) pseudo-document
FLOOR = 0.1  # TP_TOPIC_FLOOR of include/tagpipe.h: the best topic's own threshold
# AVERAGE fits with seeds SEED.. SEED + AVERAGE - 1 (the order in which the
# lines are visited) are averaged: one order's chance ups and downs (about
# +-0.4 points of top-1 between seeds on each -dev file) mostly cancel.
AVERAGE = 3
EPOCHS, LR, L2 = "10", "0.1", "3e-6"  # overridden by --epochs, --lr, --l2; lr chosen on
# held-out training data (scripts/split-heldout.py, see models/SOURCES.md)
TRAIN_ARGS = ["--min-count", "3", "--prune", "0.3", "--calibrate-folds", "5", "--average", str(AVERAGE)]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_lines(path, header):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines[0] != header:
        sys.exit(f"build-topic-model: {path}:1: expected header '{header}'")
    return [(n, l) for n, l in enumerate(lines[1:], 2) if l.strip() and not l.startswith("#")]


def load_taxonomy(path):
    keys = []
    for n, l in read_lines(path, "# tagpipe-taxonomy 1"):
        cols = l.split("\t")
        keys.append(cols[0])
    return keys


def load_vocab(vocab_dir, topics):
    vocab = {}
    for t in topics:
        path = os.path.join(vocab_dir, t + ".txt")
        entries = [l.strip() for _, l in read_lines(path, "# tagpipe-vocabulary 1")]
        if len(set(entries)) != len(entries):
            sys.exit(f"build-topic-model: {path}: an entry is listed twice")
        vocab[t] = entries
    return vocab


def load_cues(path, topics):
    cues = []
    for n, l in read_lines(path, "# tagpipe-topic-cues 1"):
        cols = l.split("\t")
        if len(cols) != 2 or cols[1] not in topics:
            sys.exit(f"build-topic-model: {path}:{n}: expected KIND (or id=ID, id~TEXT) and a "
                     "topic key")
        cues.append((cols[0], cols[1]))
    return cues


def iptc_concepts(path, code_to_key):
    """[(top-level key, "name. definition.")] for every current concept of the
    IPTC Media Topics under one of the 17 top-level topics, in code order."""
    with open(path, encoding="utf-8") as f:
        concepts = json.load(f)
    out = []
    for code in sorted(concepts):
        c = concepts[code]
        top = c.get("Level1/NewsCode")
        if top not in code_to_key or isinstance(c.get("RetiredDate"), str):
            continue
        name = c.get("Name (en-GB)")
        definition = c.get("Definition (en-GB)")
        parts = [x.strip().rstrip(".") for x in (name, definition) if isinstance(x, str)]
        if parts:
            out.append((code_to_key[top], ". ".join(parts) + "."))
    return out


def gazetteer_entries(gaz_dir):
    """[(id, name, kind)] over the gazetteers (not the lexicons)."""
    out = []
    for fn in sorted(os.listdir(gaz_dir)):
        if not fn.endswith(".tsv"):
            continue
        with open(os.path.join(gaz_dir, fn), encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 5:
                    continue
                attrs = dict(a.split("=", 1) for a in cols[4].split(";") if "=" in a)
                if "same-as" not in attrs:
                    out.append((cols[1], cols[2], attrs.get("kind")))
    return out


def select(entries, which):
    """The (id, name) of the entries a cue names: a kind, id=ID or id~TEXT."""
    if which.startswith("id="):
        return [(i, n) for i, n, _ in entries if i == which[3:]]
    if which.startswith("id~"):
        return [(i, n) for i, n, _ in entries if which[3:] in i]
    return [(i, n) for i, n, k in entries if k == which]


def tokens(text):
    """Lower-cased word tokens (letters, digits, inner apostrophes and hyphens)."""
    return re.findall(r"[a-z0-9]+(?:['-][a-z0-9]+)*", text.lower())


class VocabMatcher:
    """Occurrences of vocabulary entries in a text: whole words or phrases,
    case-insensitive, the last word also with a plural -s or -es."""

    def __init__(self, vocab):
        self.by_first = {}
        for topic, entries in vocab.items():
            for e in entries:
                toks = tuple(tokens(e))
                if toks:
                    self.by_first.setdefault(toks[0], []).append((toks, topic))

    def hits(self, text):
        toks = tokens(text)
        out = {}
        for i, tok in enumerate(toks):
            cands = self.by_first.get(tok, [])
            if not cands and tok.endswith("s"):
                cands = self.by_first.get(tok[:-1], []) + self.by_first.get(tok[:-2], [])
            for entry, topic in cands:
                n = len(entry)
                span = toks[i:i + n]
                if len(span) < n or list(span[:-1]) != list(entry[:-1]):
                    continue
                last = span[-1]
                if last in (entry[-1], entry[-1] + "s", entry[-1] + "es"):
                    out[topic] = out.get(topic, 0) + 1
        return out


def candidates(hits, allowed, canonical):
    """The topics a training document may have, among those its class maps to:
    every allowed topic with at least half the vocabulary hits of the best
    allowed one; the class's canonical topic when none has a hit."""
    best = max((hits.get(t, 0) for t in allowed), default=0)
    if best == 0:
        return [canonical]
    return sorted(t for t in allowed if hits.get(t, 0) >= max(1, CANDIDATE_RATIO * best))


def mapped_labels(score_py):
    """The fixed class -> IPTC topics mapping, from score.py itself."""
    if not os.path.exists(score_py):
        sys.exit(f"build-topic-model: {score_py} not found (give --shared DIR)")
    sys.path.insert(0, os.path.dirname(score_py))
    import score  # noqa: E402  (the scorer's tables, not a copy)
    label_to_key = {}
    for key, code, label in TAXONOMY:
        label_to_key[label] = key
    out = {}
    for name, m in score.MAPPINGS.items():
        inv = {}
        for label, cls in m["map"].items():
            if cls is not None:
                inv.setdefault(cls, []).append(label_to_key[label])
        canon = {cls: label_to_key[label] for cls, label in score.CANONICAL[name].items()}
        out[name] = {cls: (sorted(keys), canon[cls]) for cls, keys in inv.items()}
    return out


def all_scores(tagpipe, model_dir, gaz_dir, texts, n_topics):
    """Every topic's score for each text, as tagpipe writes them."""
    out = subprocess.run([tagpipe, "--gazetteers", gaz_dir, "--models", model_dir, "--threads",
                          "2", "--min-topic-score", "0", "--max-topics", str(n_topics)],
                         input="\n".join(json.dumps({"text": t}, ensure_ascii=False)
                                         for t in texts) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return [{t["label"]: t["score"] for t in json.loads(line)["topics"]} for line in out]


def choose_temperature(tagpipe, model_dir, gaz_dir, data_dir, shared):
    """One temperature for the scores, so that a top topic scored p is right
    about p of the time on every source: the one (0.50 to 1.50, steps of
    0.05) with the least mean expected calibration error of the top topic
    over wikinews-dev, bbc-dev and agnews-dev, each source weighing the same.
    softmax(z / T) is p ** (1 / T), renormalised, so the scores suffice."""
    sys.path.insert(0, os.path.join(shared, "eval", "topics"))
    import score  # noqa: E402
    sources = []
    for fn in ("wikinews-dev.jsonl", "bbc-dev.jsonl", "agnews-dev.jsonl"):
        rows = [json.loads(l) for l in open(os.path.join(data_dir, fn), encoding="utf-8")]
        if isinstance(rows[0]["gold"], list):
            golds = [set(r["gold"]) for r in rows]
            right = lambda label, g: label in g  # noqa: E731
        else:
            m = score.MAPPINGS[score.detect_dataset({r["gold"] for r in rows})]["map"]
            golds = [r["gold"] for r in rows]
            right = (lambda m: lambda label, g: m.get(label) == g)(m)  # noqa: E731
        scores = all_scores(tagpipe, model_dir, gaz_dir, [r["text"] for r in rows], len(TAXONOMY))
        sources.append((golds, scores, right))

    def ece(temp, golds, scores, right):
        bins = [[0, 0.0, 0] for _ in range(10)]
        for g, sc in zip(golds, scores):
            if not sc:
                continue
            pw = {k: v ** (1.0 / temp) for k, v in sc.items() if v > 0}
            z = sum(pw.values())
            top = max(pw, key=lambda k: (pw[k], k))
            p = pw[top] / z
            b = bins[min(int(p * 10), 9)]
            b[0] += 1
            b[1] += p
            b[2] += right(top, g)
        n = sum(b[0] for b in bins)
        return sum(abs(b[1] - b[2]) for b in bins if b[0]) / max(1, n)

    grid = [round(0.5 + 0.05 * i, 2) for i in range(21)]
    return min(grid, key=lambda t: (round(sum(ece(t, *src) for src in sources), 9), abs(t - 1)))


def rescale_model(path, temp):
    """Divide every bias and weight of the model file by `temp`."""
    def num(x):
        return f"{float(x) / temp:.4g}"
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            cols = line.split("\t")
            if cols[0] == "bias" and len(cols) == 3:
                line = "\t".join([cols[0], cols[1], num(cols[2])])
            elif cols[0] == "feature" and len(cols) == 3:
                pairs = []
                for pw in cols[2].split(" "):
                    t, w = pw.rsplit(":", 1)
                    pairs.append(f"{t}:{num(w)}")
                line = "\t".join([cols[0], cols[1], " ".join(pairs)])
            out.append(line)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


def choose_thresholds(tagpipe, model_dir, gaz_dir, dev_path, topics):
    """One threshold per topic, chosen on the Wikinews dev file (the only dev
    data with every IPTC label; thresholds, never weights, come from -dev):
    the score at which writing the topic gives its best F1 against the gold
    labels, the best topic of a document being written from TP_TOPIC_FLOOR."""
    label_to_key = {label: key for key, code, label in TAXONOMY}
    golds, texts = [], []
    with open(dev_path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            golds.append({label_to_key[g] for g in r["gold"]})
            texts.append(json.dumps({"text": r["text"]}, ensure_ascii=False))
    out = subprocess.run([tagpipe, "--gazetteers", gaz_dir, "--models", model_dir, "--threads",
                          "2", "--min-topic-score", "0", "--max-topics", str(len(topics))],
                         input="\n".join(texts) + "\n", capture_output=True, text=True,
                         check=True).stdout.splitlines()
    scores = []
    for line in out:
        ts = json.loads(line)["topics"]
        scores.append({label_to_key[t["label"]]: t["score"] for t in ts})
    grid = [round(0.05 * i, 2) for i in range(1, 20)]
    chosen = {}
    for t in topics:
        best = None
        for thr in grid:
            tp = fp = fn = 0
            for gold, sc in zip(golds, scores):
                top = max(sc, key=lambda k: (sc[k], k)) if sc else None
                p = sc.get(t, 0.0)
                pred = p >= thr or (t == top and p >= FLOOR)
                tp += pred and t in gold
                fp += pred and t not in gold
                fn += (not pred) and t in gold
            f1 = 2 * tp / max(1, 2 * tp + fp + fn)
            if best is None or f1 > best[0] + 1e-12:
                best = (f1, thr)
        chosen[t] = best[1]
    return chosen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"),
                    help="CMake build folder with tagpipe (built if missing)")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"),
                    help="the shared folder with data/topics and eval/topics")
    ap.add_argument("--output", default=os.path.join(ROOT, "models", "topics.model"))
    ap.add_argument("--data", help="read the -train.jsonl files from DIR instead "
                    "(to validate the settings on a part of them held out)")
    ap.add_argument("--epochs", default=EPOCHS, help=f"training epochs (default {EPOCHS})")
    ap.add_argument("--lr", default=LR, help=f"learning rate (default {LR})")
    ap.add_argument("--l2", default=L2, help=f"L2 penalty (default {L2})")
    ap.add_argument("--news-weight", action="append", default=[], metavar="SOURCE=W",
                    help="weight of one line of SOURCE (wikinews, agnews, bbc; default "
                    + ", ".join(f"{k} {v}" for k, v in NEWS_WEIGHT.items()) + ")")
    args = ap.parse_args()
    for nw in args.news_weight:
        src, _, w = nw.partition("=")
        if src not in NEWS_WEIGHT:
            ap.error(f"--news-weight: no source {src!r}")
        NEWS_WEIGHT[src] = float(w)
    train_args = ["--epochs", str(args.epochs), "--lr", str(args.lr), "--l2", str(args.l2)]
    train_args += TRAIN_ARGS

    taxonomy_path = os.path.join(ROOT, "models", "iptc-topics.tsv")
    global TAXONOMY
    TAXONOMY = [tuple(l.split("\t")[:3]) for _, l in
                read_lines(taxonomy_path, "# tagpipe-taxonomy 1")]
    topics = [t[0] for t in TAXONOMY]
    vocab_dir = os.path.join(ROOT, "models", "vocab")
    vocab = load_vocab(vocab_dir, topics)
    cues = load_cues(os.path.join(vocab_dir, "topic-cues.tsv"), topics)
    gaz_dir = os.path.join(ROOT, "gazetteers")
    entries = gazetteer_entries(gaz_dir)
    data_dir = args.data or os.path.join(args.shared, "data", "topics")
    score_py = os.path.join(args.shared, "eval", "topics", "score.py")
    mapping = mapped_labels(score_py)
    iptc_path = os.path.join(args.shared, "data", "knowledge",
                             "TajaKuzman+IPTC-Media-Topic-Classification", "data",
                             "iptc_mapping.json")

    tagpipe = os.path.join(args.build, "tagpipe")
    if not os.access(tagpipe, os.X_OK):
        subprocess.run(["cmake", "-S", ROOT, "-B", args.build], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", args.build, "-j2"], check=True,
                       stdout=subprocess.DEVNULL)

    matcher = VocabMatcher(vocab)
    rng = random.Random(SEED)
    lines = []
    counts = {}

    def add(text, labels, weight, source):
        lines.append(json.dumps({"text": text, "labels": labels, "weight": weight},
                                ensure_ascii=False))
        counts[source] = counts.get(source, 0) + 1

    # Labelled news: Wikinews with its IPTC gold (every label of the line), AG
    # and BBC each line with the topics its class maps to.
    label_to_key = {label: key for key, code, label in TAXONOMY}
    inputs = []
    path = os.path.join(data_dir, "wikinews-train.jsonl")
    inputs.append(path)
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            keys = [label_to_key[g] for g in r["gold"]]
            w = NEWS_WEIGHT["wikinews"]
            add(r["text"], keys[:1], round(w * WIKINEWS_PRIMARY, 6), "wikinews-train.jsonl")
            if len(keys) > 1:
                add(r["text"], keys, round(w * (1 - WIKINEWS_PRIMARY), 6),
                    "wikinews-train.jsonl (all labels)")
    for ds, fn in (("agnews", "agnews-train.jsonl"), ("bbc", "bbc-train.jsonl")):
        path = os.path.join(data_dir, fn)
        inputs.append(path)
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                allowed, canonical = mapping[ds][r["gold"]]
                labels = candidates(matcher.hits(r["text"]), allowed, canonical)
                add(r["text"], labels, NEWS_WEIGHT[ds], fn)
                for t in labels:
                    counts[f"{ds} candidate {t}"] = counts.get(f"{ds} candidate {t}", 0) + 1
    # Vocabulary: every entry alone, and again in groups of GROUP entries of one
    # topic (separate sentences, so no bigram spans two entries).
    for t in topics:
        for e in vocab[t]:
            add(e, [t], VOCAB_WEIGHT, "vocabulary entries")
        shuffled = vocab[t][:]
        rng.shuffle(shuffled)
        for i in range(0, len(shuffled), GROUP):
            add(". ".join(shuffled[i:i + GROUP]) + ".", [t], VOCAB_WEIGHT, "vocabulary groups")
    # IPTC concepts: the name and definition of every concept under a
    # top-level topic, one short document each (vocabulary no data set covers).
    code_to_key = {code: key for key, code, label in TAXONOMY}
    for t, text in iptc_concepts(iptc_path, code_to_key):
        add(text, [t], IPTC_WEIGHT, "IPTC concepts")
    # Gazetteer cues: names of the entries a cue names, picked by a hash of the
    # id (a fixed, unbiased sample that does not depend on file order).
    for which, t in cues:
        chosen = sorted(select(entries, which),
                        key=lambda e: hashlib.sha256(e[0].encode()).hexdigest())
        picked = [n for _, n in chosen[:CUE_NAMES * CUE_DOCS]]
        for i in range(0, len(picked), CUE_NAMES):
            add(", ".join(picked[i:i + CUE_NAMES]) + ".", [t], CUE_WEIGHT, "gazetteer cues")

    # Provenance: what the model was built from.
    comments = ["Built by scripts/build-topic-model.py (see models/SOURCES.md) from:"]
    for path in inputs + [iptc_path, taxonomy_path, os.path.join(vocab_dir, "topic-cues.tsv"),
                          os.path.join(ROOT, "models", "cues.tsv"),
                          os.path.join(ROOT, "models", "stopwords-english.txt")]:
        comments.append(f"  {os.path.basename(path)} sha256 {sha256(path)}")
    dev_path = os.path.join(data_dir, "wikinews-dev.jsonl")
    comments.append(f"  {os.path.basename(dev_path)} sha256 {sha256(dev_path)} (thresholds only)")
    h = hashlib.sha256()
    for t in topics:
        with open(os.path.join(vocab_dir, t + ".txt"), "rb") as f:
            h.update(f.read())
    comments.append(f"  models/vocab/*.txt sha256 {h.hexdigest()} (in taxonomy order)")
    h = hashlib.sha256()
    lex_dir = os.path.join(gaz_dir, "lexicon")
    for d, rel in ((gaz_dir, ""), (lex_dir, "lexicon/")):
        for fn in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if fn.endswith(".tsv"):
                with open(os.path.join(d, fn), "rb") as f:
                    h.update((rel + fn).encode() + b"\0" + f.read())
    comments.append(f"  gazetteers/*.tsv and lexicon/*.tsv sha256 {h.hexdigest()} (by name)")
    comments.append("  training lines: " + ", ".join(
        f"{k} {v}" for k, v in counts.items() if " candidate " not in k))
    for ds in ("agnews", "bbc"):
        comments.append(f"  {ds} candidate topics: " + ", ".join(
            f"{k.split()[-1]} {v}" for k, v in sorted(counts.items())
            if k.startswith(ds + " candidate ")))

    with tempfile.TemporaryDirectory() as tmp:
        train = os.path.join(tmp, "train.jsonl")
        with open(train, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        cmd = [tagpipe, "train", "--label-field", "labels",
               "--weight-field", "weight", "--taxonomy", taxonomy_path,
               "--gazetteers", gaz_dir, "--models", os.path.join(ROOT, "models"),
               "--stopwords", os.path.join(ROOT, "models", "stopwords-english.txt"),
               "--seed", str(SEED), "--output", os.path.join(tmp, "topics.model")]
        cmd += train_args
        for c in comments:
            cmd += ["--comment", c]
        cmd.append(train)
        subprocess.run(cmd, check=True)
        temp = choose_temperature(tagpipe, tmp, gaz_dir, data_dir, args.shared)
        rescale_model(os.path.join(tmp, "topics.model"), temp)
        print(f"calibration on the dev files: scores divided by a further {temp:.2f}")
        thresholds = choose_thresholds(tagpipe, tmp, gaz_dir, dev_path, topics)
        with open(os.path.join(tmp, "topics.model"), encoding="utf-8") as f:
            model = f.read().split("\n")
        at = next(i for i, l in enumerate(model) if l.startswith("feature\t"))
        block = [f"# Weights and biases above and below divided by {temp:.2f}: the least mean "
                 "calibration error of the top topic on wikinews-, bbc- and agnews-dev",
                 "# Per-topic thresholds: best F1 of each topic on wikinews-dev.jsonl "
                 f"(the best topic from {FLOOR})"]
        block += [f"threshold\t{t}\t{thresholds[t]:.2f}" for t in topics]
        model[at:at] = block
        with open(args.output, "w", encoding="utf-8") as f:
            f.write("\n".join(model))
        print("thresholds: " + ", ".join(f"{t} {thresholds[t]:.2f}" for t in topics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
