#!/bin/sh
# SPDX-License-Identifier: MIT
# `tagpipe train-entities`: the same data and seed write the same bytes, the
# seed is in the header, the model it writes is loaded by `--models`, and bad
# usage or bad lines give the documented exit statuses.
set -eu
. "$(dirname "$0")/../lib/cli.sh"
: "${TAGPIPE:?}" "${SRCDIR:?}"
cd "$tmp"
cat > train.jsonl <<'JSON'
{"text":"Mr Oyelaran said Leeds beat Everton 2-1 in Lagos.","gold":[{"start":3,"end":11,"type":"person"},{"start":17,"end":22,"type":"organization"},{"start":28,"end":35,"type":"organization"},{"start":43,"end":48,"type":"place"}]}
{"text":"The Kirkwall Harbour Board met in Paris on Monday.","gold":[{"start":4,"end":26,"type":"organization"},{"start":34,"end":39,"type":"place"}]}
{"text":"John Healey flew to Kyiv. Healey said so.","gold":[{"start":0,"end":11,"type":"person"},{"start":20,"end":24,"type":"place"},{"start":26,"end":32,"type":"person"}]}
JSON
for s in 1 1 2; do
    "$TAGPIPE" train-entities -q --seed "$s" --epochs 3 -o "m$s.$$" train.jsonl 2> err ||
        bad "train-entities --seed $s failed: $(cat err)"
    [ -f "m1.x" ] || cp "m$s.$$" m1.x
    mv "m$s.$$" "m$s.last"
done
cmp -s m1.x m1.last || bad "the same seed wrote different bytes"
grep -q '^seed	2$' m2.last || bad "the seed is not in the model header"
head -n 1 m1.last | grep -q '^# tagpipe-entities 1$' || bad "no format header"
grep -q '^# Data: train.jsonl (sha256 ' m1.last || bad "no provenance of the data"
"$TAGPIPE" train-entities -q --trainer perceptron -o ap.model train.jsonl || bad "perceptron failed"
grep -q '^trainer	perceptron$' ap.model || bad "the perceptron's model does not say so"

# The written model types names when it is the models folder's own.
mkdir my
cp m1.last my/entities.model
cp "$SRCDIR/models/topics.model" my/
echo '{"text":"Mr Oyelaran went to Lagos."}' |
    "$TAGPIPE" --models my > out 2> err || bad "tagging with my/entities.model failed: $(cat err)"
grep -q '"type":"place"' out || bad "no place with my/entities.model: $(cat out)"

# Usage and data errors.
status=0
"$TAGPIPE" train-entities train.jsonl > /dev/null 2> err || status=$?
[ "$status" -eq 2 ] || bad "no --output: exit $status, expected 2"
status=0
"$TAGPIPE" train-entities --trainer svm -o x train.jsonl > /dev/null 2> err || status=$?
[ "$status" -eq 2 ] || bad "unknown --trainer: exit $status, expected 2"
echo '{"text":1}' > bad.jsonl
status=0
"$TAGPIPE" train-entities -o x bad.jsonl > /dev/null 2> err || status=$?
[ "$status" -eq 1 ] || bad "bad line: exit $status, expected 1"
grep -q 'bad.jsonl:1:' err || bad "the bad line is not named: $(cat err)"
finish "train-entities: deterministic, loadable, errors reported"
