#!/bin/sh
# SPDX-License-Identifier: MIT
# Write the image fuzz target's seed (tests/fuzz/corpus/image/small.tpimage):
# the test data's gazetteers, cues and topic model, and the first 40 features
# of the shipped entity model, so that every kind of section is in the seed.
# Rerun after any change of the image format (tests/cli/image.sh fails on a
# seed this binary refuses).
# usage: make-seed-image.sh TAGPIPE [OUT]
set -eu
bin=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${2:-$src/tests/fuzz/corpus/image/small.tpimage}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src"/tests/data/models/* "$tmp/"
awk -v keep=40 '
    $1 == "w" { if (n < keep) { w[n++] = $0 }; next }
    $1 == "features" { next }
    { print }
    END { print "features\t" n; for (i = 0; i < n; i++) print w[i] }
' "$src/models/entities.model" > "$tmp/entities.model"
"$bin" compile --gazetteers "$src/tests/data/gazetteers" --models "$tmp" -o "$out"
