#!/bin/sh
# SPDX-License-Identifier: MIT
# --help, --version, usage errors (exit 2) and data load errors (exit 3).
set -eu
: "${SRCDIR:?}" "${TAGPIPE:?}" "${TESTDATA:?}"
. "$SRCDIR/tests/lib/cli.sh"
show() {
    echo "--- stdout:"; cat "$tmp/out"; echo "--- stderr:"; cat "$tmp/err"; echo "---"
}

# tp ARGS...: run tagpipe on the fixed test data with $tmp/in as stdin;
# sets $status, leaves $tmp/out and $tmp/err.
tp() {
    status=0
    "$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" "$@" \
        < "$tmp/in" > "$tmp/out" 2> "$tmp/err" || status=$?
}
# Input that would be tagged if tagpipe went on to read it.
echo '{"text":"Mr Trump met NATO chiefs in Kyiv."}' > "$tmp/in"

# ---- --help: stdout, exit 0, lists every exit status ----
tp --help
[ "$status" -eq 0 ] || { bad "--help: exit $status, expected 0"; show; }
[ -s "$tmp/err" ] && { bad "--help wrote to stderr"; show; }
head -n 1 "$tmp/out" | grep -q '^Usage:' || { bad "--help: first line is not 'Usage:'"; show; }
grep -q '^Exit status:$' "$tmp/out" || { bad "--help does not have an 'Exit status:' section"; show; }
for code in 0 1 2 3 4; do
    grep -q "^  $code  [a-z]" "$tmp/out" || bad "--help does not describe exit status $code"
done
for opt in --field --threads --gazetteers --gazetteer --models --on-error --offsets --version; do
    grep -q -- "$opt[= ]" "$tmp/out" || bad "--help does not mention $opt"
done
tp -h
[ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && grep -q '^Exit status:$' "$tmp/out" ||
    { bad "-h: exit $status or output differs from --help"; show; }

# ---- --version: one line on stdout, exit 0 ----
tp --version
[ "$status" -eq 0 ] || { bad "--version: exit $status, expected 0"; show; }
[ -s "$tmp/err" ] && { bad "--version wrote to stderr"; show; }
if [ "$(wc -l < "$tmp/out")" -ne 1 ] || ! grep -Eq '^tagpipe [0-9]+\.[0-9]+\.[0-9]+' "$tmp/out"; then
    bad "--version: expected one line 'tagpipe X.Y.Z ...'"; show
fi

# ---- usage errors: exit 2, nothing on stdout, the hint last on stderr ----
# usage ARGS...: one bad command line
usage() {
    tp "$@"
    what="tagpipe $*"
    [ "$status" -eq 2 ] || { bad "$what: exit $status, expected 2"; show; return 0; }
    [ -s "$tmp/out" ] && { bad "$what: wrote to stdout"; show; return 0; }
    if [ "$(wc -l < "$tmp/err")" -ne 2 ] ||
        ! head -n 1 "$tmp/err" | grep -q '^tagpipe: .' ||
        [ "$(tail -n 1 "$tmp/err")" != "Try 'tagpipe --help'." ]; then
        bad "$what: expected 'tagpipe: <problem>' then 'Try 'tagpipe --help'.' on stderr"; show
    fi
    return 0
}
usage --bogus
usage -Z
usage --on-error=bogus
usage --on-error=
usage --on-error=PASS
usage --offsets=bogus
usage --offsets=bytes
usage --threads=-1
usage --threads=1025
usage --threads=x
usage --threads
usage --max-topics=-1
usage --min-topic-score=2
usage --min-topic-score=-0.5
usage --field=
usage --field title --field ''
# The messages name the bad value.
tp --on-error=bogus
grep -q "bogus" "$tmp/err" || { bad "--on-error=bogus: message does not name the value"; show; }
tp --threads=-1
grep -q -- "-1" "$tmp/err" || { bad "--threads=-1: message does not name the value"; show; }

# ---- load errors: exit 3, nothing on stdout, the place in the message ----
"$TAGPIPE" --gazetteers "$tmp/no-such-dir" --models "$TESTDATA/models" \
    < "$tmp/in" > "$tmp/out" 2> "$tmp/err" && status=0 || status=$?
[ "$status" -eq 3 ] || { bad "missing --gazetteers dir: exit $status, expected 3"; show; }
[ -s "$tmp/out" ] && { bad "missing --gazetteers dir: wrote to stdout"; show; }
grep -q "^tagpipe: .*$tmp/no-such-dir" "$tmp/err" ||
    { bad "missing --gazetteers dir: message does not name the dir"; show; }

"$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$tmp/no-such-dir" \
    < "$tmp/in" > "$tmp/out" 2> "$tmp/err" && status=0 || status=$?
[ "$status" -eq 3 ] || { bad "missing --models dir: exit $status, expected 3"; show; }
[ -s "$tmp/out" ] && { bad "missing --models dir: wrote to stdout"; show; }
grep -q "^tagpipe: .*$tmp/no-such-dir" "$tmp/err" ||
    { bad "missing --models dir: message does not name the dir"; show; }

tp --gazetteer "$tmp/no-such-file.tsv"
[ "$status" -eq 3 ] || { bad "missing --gazetteer file: exit $status, expected 3"; show; }
grep -q "^tagpipe: .*$tmp/no-such-file.tsv" "$tmp/err" ||
    { bad "missing --gazetteer file: message does not name the file"; show; }

# badgaz LINE CONTENT: a malformed --gazetteer file whose first error is on LINE
badgaz() {
    printf '%b' "$2" > "$tmp/bad.tsv"
    tp --gazetteer "$tmp/bad.tsv"
    [ "$status" -eq 3 ] || { bad "malformed gazetteer ($2): exit $status, expected 3"; show; return 0; }
    [ -s "$tmp/out" ] && { bad "malformed gazetteer ($2): wrote to stdout"; show; return 0; }
    if [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -q "^tagpipe: $tmp/bad.tsv:$1: [a-z]" "$tmp/err"; then
        bad "malformed gazetteer ($2): expected one line 'tagpipe: $tmp/bad.tsv:$1: ...'"; show
    fi
    return 0
}
badgaz 1 'person\tperson/x\tX Y\t-\tsource=t\n'
badgaz 1 '# tagpipe-gazetteer 999\n'
badgaz 3 '# tagpipe-gazetteer 1\n# comment\nperson\tperson/x\n'
badgaz 4 '# tagpipe-gazetteer 1\nperson\tperson/x\tX Y\t-\tsource=t\n\nnosuchtype\tt/y\tY Z\t-\tsource=t\n'
badgaz 2 '# tagpipe-gazetteer 1\nperson\tperson/x\tX Y\t-\tnot-key-value\n'

# A malformed file in the --gazetteers dir is reported the same way.
mkdir "$tmp/gdir"
printf '# tagpipe-gazetteer 1\n\nperson\tperson/x\n' > "$tmp/gdir/broken.tsv"
"$TAGPIPE" --gazetteers "$tmp/gdir" --models "$TESTDATA/models" \
    < "$tmp/in" > "$tmp/out" 2> "$tmp/err" && status=0 || status=$?
[ "$status" -eq 3 ] || { bad "malformed file in --gazetteers dir: exit $status, expected 3"; show; }
grep -q "^tagpipe: .*broken.tsv:3: [a-z]" "$tmp/err" ||
    { bad "malformed file in --gazetteers dir: expected 'tagpipe: .../broken.tsv:3: ...'"; show; }

# ---- --help fits 80 columns, has several examples, lists the new options ----
for cmd in train train-entities html; do
    tp "$cmd" --help
    awk 'length > 80 { bad = 1; print "over 80 columns: " $0 } END { exit bad }' "$tmp/out" ||
        bad "$cmd --help has lines over 80 columns"
done
tp --help
awk 'length > 80 { bad = 1; print "over 80 columns: " $0 } END { exit bad }' "$tmp/out" ||
    bad "--help has lines over 80 columns"
grep -q "'tagpipe html'" "$tmp/out" || bad "--help does not mention tagpipe html"
[ "$(grep -c '^  tagpipe \|^  parallel \|^  echo ' "$tmp/out")" -ge 4 ] || bad "--help has fewer than 4 examples"
for opt in --progress --no-progress --stats --max-line-bytes --line-offset --max-messages; do
    grep -q -- "$opt[= ]" "$tmp/out" || bad "--help does not mention $opt"
done
grep -q "^  130, 143  " "$tmp/out" || bad "--help does not describe exit statuses 130 and 143"
# In a UTF-8 locale GOption's usage line is translated (setlocale was called).
if locale -a 2> /dev/null | grep -qi '^c\.utf-\?8$'; then
    LC_ALL=C.UTF-8 "$TAGPIPE" --help | head -n 2 | grep -q 'OPTION…' ||
        bad "--help in C.UTF-8: usage line without the ellipsis (no setlocale?)"
fi
# -j 0 means one thread per CPU (as the help says), not a usage error.
tp -j 0
[ "$status" -eq 0 ] && grep -q '"entities":\[{' "$tmp/out" || { bad "-j 0: exit $status"; show; }
usage --max-line-bytes=0
usage --line-offset=-1
usage --max-messages=-1
usage --progress --no-progress

finish
