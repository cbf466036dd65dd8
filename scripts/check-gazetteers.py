#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check every shipped gazetteer and lexicon file against gazetteers/FORMAT.md.

usage: scripts/check-gazetteers.py [DIR] [--stats]

Reports each problem as FILE:LINE: problem and exits 1 if there is any:
header, 4 or 5 columns, known type, well-formed and unique id (over all
files), valid alias flags, `key=value` attributes, ISO 3166-1 alpha-2
country codes, priors in [0,1], references (parent, same-as, offices,
holder) to existing ids, and no alias shared by two entries of the same type
with equal priors (the ambiguity rule). Lexicon files: header, known class,
2 or 3 columns. --stats prints entries and aliases per file and per type.
Standard library only; reads iso-codes' JSON for the list of codes when it
is installed.
"""

import collections
import glob
import json
import os
import re
import sys
import unicodedata

TYPES = {"person", "office", "place", "organization"}
ID_PREFIX = {"person": "person/", "office": "office/", "place": "place/", "organization": "org/"}
ID_RE = re.compile(r"^(person|office|place|org)/[^\s/][^\s]*$")
LEX_CLASSES = {"given-name", "surname", "particle", "honorific", "title", "org-head", "org-suffix",
               "demonym", "portfolio", "office-word", "stopword", "common",
               "connector", "place-preposition", "speech-verb", "role", "versus",
               "office-modifier"}
ATTR_KEY_RE = re.compile(r"^[a-z][a-z0-9-]*$")
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u201c": '"',
                        "\u201d": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                        "\u2014": "-", "\u2212": "-"})
# user-assigned and reserved codes that sources use (Kosovo, EU)
EXTRA_CODES = {"XK", "EU"}


def fold(s):
    s = unicodedata.normalize("NFKC", s).translate(QUOTES).casefold()
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("\u0131", "i").replace("\u00f8", "o").replace("\u0142", "l").replace("\u00df", "ss")
    s = s.replace("\u0111", "d").replace("\u00e6", "ae").replace("\u0153", "oe").replace("\u00fe", "th")
    return " ".join(s.split())


def iso_codes():
    path = "/usr/share/iso-codes/json/iso_3166-1.json"
    try:
        with open(path, encoding="utf-8") as f:
            return {c["alpha_2"] for c in json.load(f)["3166-1"]} | EXTRA_CODES
    except OSError:
        return None


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    stats = "--stats" in sys.argv
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gazetteers")
    codes = iso_codes()
    problems = []

    def bad(path, n, msg):
        problems.append("%s:%d: %s" % (os.path.relpath(path), n, msg))

    ids = {}
    refs = []
    alias_index = collections.defaultdict(list)  # (type, key) -> [(prior, id, path, line)]
    per_file = []
    for path in sorted(glob.glob(os.path.join(root, "*.tsv"))):
        n_entries = n_aliases = 0
        ftype = collections.Counter()
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if not lines or lines[0] != "# tagpipe-gazetteer 1":
            bad(path, 1, "missing header '# tagpipe-gazetteer 1'")
            continue
        for n, line in enumerate(lines, 1):
            if n == 1 or not line.strip() or line.startswith("#"):
                continue
            if line != line.strip(" ") or "\r" in line:
                bad(path, n, "stray whitespace")
            cols = line.split("\t")
            if len(cols) not in (4, 5):
                bad(path, n, "expected 4 or 5 tab-separated fields, found %d" % len(cols))
                continue
            typ, eid, name, aliases = cols[:4]
            if typ not in TYPES:
                bad(path, n, "unknown type %r" % typ)
                continue
            if not ID_RE.match(eid) or not eid.startswith(ID_PREFIX[typ]):
                bad(path, n, "malformed id %r for type %s" % (eid, typ))
            if eid in ids:
                bad(path, n, "duplicate id %s (first in %s)" % (eid, ids[eid]))
            ids[eid] = "%s:%d" % (os.path.relpath(path), n)
            if not name.strip() or name != name.strip() or name[0] in "=~":
                bad(path, n, "empty or malformed canonical name")
            attrs = {}
            if len(cols) == 5:
                if not cols[4]:
                    bad(path, n, "empty attribute column")
                for kv in cols[4].split(";"):
                    k, eq, v = kv.partition("=")
                    if not eq or not ATTR_KEY_RE.match(k) or not v:
                        bad(path, n, "bad attribute %r" % kv)
                        continue
                    if k in attrs:
                        bad(path, n, "attribute %s given twice" % k)
                    attrs[k] = v
            c = attrs.get("country")
            if c is not None and (not re.match(r"^[A-Z]{2}$", c) or (codes and c not in codes)):
                bad(path, n, "country %r is not an ISO 3166-1 alpha-2 code" % c)
            prior = None
            if "prior" in attrs:
                try:
                    prior = float(attrs["prior"])
                    if not 0 <= prior <= 1:
                        raise ValueError
                except ValueError:
                    bad(path, n, "prior %r not a number in [0,1]" % attrs["prior"])
                    prior = None
            if "wikidata" in attrs and not re.match(r"^Q\d+$", attrs["wikidata"]):
                bad(path, n, "bad wikidata id %r" % attrs["wikidata"])
            if "geonames" in attrs and not re.match(r"^\d+$", attrs["geonames"]):
                bad(path, n, "bad geonames id %r" % attrs["geonames"])
            for k in ("from", "to", "end"):
                if k in attrs and not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", attrs[k]):
                    bad(path, n, "%s=%r is not an ISO date" % (k, attrs[k]))
            for k in ("parent", "same-as", "holder"):
                if k in attrs:
                    refs.append((path, n, k, attrs[k]))
            if "offices" in attrs:
                for o in attrs["offices"].split(","):
                    refs.append((path, n, "offices", o))
            keys = {fold(name)}
            als = [] if aliases in ("", "-") else aliases.split("|")
            for a in als:
                if not a:
                    bad(path, n, "empty alias")
                    continue
                body = a[1:] if a[0] in "=~" else a
                if not body or body[0] in "=~" or body != body.strip():
                    bad(path, n, "bad alias flag or spacing in %r" % a)
                    continue
                keys.add(fold(body))
            for k in keys:
                alias_index[(typ, k)].append((prior, eid, path, n))
            n_entries += 1
            n_aliases += len(als)
            ftype[typ] += 1
        per_file.append((os.path.relpath(path, root), ftype, n_entries, n_aliases))
    for path, n, k, target in refs:
        if target not in ids:
            bad(path, n, "%s refers to unknown id %s" % (k, target))
    for (typ, key), es in sorted(alias_index.items()):
        if len(es) < 2:
            continue
        seen = {}
        for prior, eid, path, n in es:
            if prior is None:
                others = [e for e in es if e[1] != eid]
                bad(path, n, "alias %r of %s is shared with %s and has no prior" % (key, eid, others[0][1]))
                continue
            if prior in seen and seen[prior] != eid:
                bad(path, n, "alias %r shared by %s and %s with equal prior %s" % (key, eid, seen[prior], prior))
            seen[prior] = eid
    lex_rows = collections.Counter()
    for path in sorted(glob.glob(os.path.join(root, "lexicon", "*.tsv"))):
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if not lines or lines[0] != "# tagpipe-lexicon 1":
            bad(path, 1, "missing header '# tagpipe-lexicon 1'")
            continue
        rows = 0
        for n, line in enumerate(lines, 1):
            if n == 1 or not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) not in (2, 3):
                bad(path, n, "expected 2 or 3 tab-separated fields, found %d" % len(cols))
                continue
            if cols[0] not in LEX_CLASSES:
                bad(path, n, "unknown lexicon class %r" % cols[0])
            if not cols[1] or cols[1] != cols[1].strip():
                bad(path, n, "empty or padded word")
            if len(cols) == 3:
                for kv in cols[2].split(";"):
                    k, eq, v = kv.partition("=")
                    if not eq or not ATTR_KEY_RE.match(k) or not v:
                        bad(path, n, "bad attribute %r" % kv)
                    elif k == "country" and (not re.match(r"^[A-Z]{2}$", v) or (codes and v not in codes)):
                        bad(path, n, "country %r is not an ISO 3166-1 alpha-2 code" % v)
            rows += 1
        lex_rows[os.path.relpath(path, root)] = rows
    for p in problems:
        print(p)
    if stats:
        totals = collections.defaultdict(lambda: [0, 0])
        for name, ftype, ne, na in per_file:
            print("%-34s %-13s %7d entries %8d aliases" % (name, "/".join(sorted(ftype)), ne, na))
        for name, ftype, ne, na in per_file:
            for t in ftype:
                totals[t][0] += ftype[t]
            if len(ftype) == 1:
                totals[next(iter(ftype))][1] += na
        for name, rows in sorted(lex_rows.items()):
            print("%-34s %-13s %7d rows" % (name, "lexicon", rows))
        for t in sorted(totals):
            print("total %-12s %7d entries" % (t, totals[t][0]))
    print("check-gazetteers: %d files, %d ids, %d problems" % (
        len(per_file) + len(lex_rows), len(ids), len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
