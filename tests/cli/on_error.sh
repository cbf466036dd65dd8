#!/bin/sh
# SPDX-License-Identifier: MIT
# Lines that cannot be tagged: --on-error=pass|skip|fail, messages with line numbers, exit 1.
set -eu
: "${SRCDIR:?}" "${TAGPIPE:?}" "${TESTDATA:?}"
. "$SRCDIR/tests/lib/cli.sh"
# same NAME EXPECTED ACTUAL: exact byte comparison, with a diff when it fails.
same() {
    if ! cmp -s "$2" "$3"; then
        bad "$1"
        diff "$2" "$3" | head -n 40 || true
    fi
    return 0
}

# ---- the input: one line per call, with its kind ----
# G: can be tagged; W: blank, passes through as it is; B:WORD: cannot be tagged,
# and the message must contain WORD (case-insensitive).
: > "$tmp/mix.jsonl"
: > "$tmp/kinds"
add() {
    printf '%s\n' "$2" >> "$tmp/mix.jsonl"
    printf '%s\n' "$1" >> "$tmp/kinds"
}
add G '{"id":1,"text":"Mr Trump met NATO chiefs in Kyiv."}'
add B:JSON '{"id":2,"text":"Kyiv'
add B:UTF-8 "$(printf '{"id":3,"text":"Kyiv \377 NATO"}')"
add B:array '[{"text":"Kyiv"}]'
add G '{"id":5,"text":"Zelensky in Brussels"}'
add B:string '{"id":6,"text":42}'
add W ''
add B:entities '{"id":8,"text":"Kyiv","entities":[]}'
add B:topics '{"id":9,"text":"Kyiv","topics":[]}'
add G '{"id":10,"text":"x\u0000"}'
add B:overflow '{"id":11,"x":1E400}'
add W '   	  '
add G '{"id":13}'
add B:JSON 'not json at all'
add B:object '"Kyiv"'
add B:JSON '{"id":16,"text":"Kyiv"} trailing'
add G '{"id":17,"text":null}'
add B:UTF-8 "$(printf '{"id":18,"text":"caf\303"}')"
add G '{"id":19,"text":"Putin and Starmer"}'
nlines=$(wc -l < "$tmp/kinds")

# The good lines alone: all tagged, exit 0, nothing on stderr.
awk 'NR == FNR { kind[NR] = $0; next } kind[FNR] == "G" || kind[FNR] == "W"' \
    "$tmp/kinds" "$tmp/mix.jsonl" > "$tmp/good.jsonl"
tp --threads 1 < "$tmp/good.jsonl"
[ "$status" -eq 0 ] || bad "all good lines: exit $status, expected 0"
[ -s "$tmp/err" ] && { bad "all good lines: stderr not empty"; cat "$tmp/err"; }
[ "$(wc -l < "$tmp/out")" -eq "$(wc -l < "$tmp/good.jsonl")" ] ||
    bad "all good lines: $(wc -l < "$tmp/out") lines out for $(wc -l < "$tmp/good.jsonl") in"
cp "$tmp/out" "$tmp/good.out"
# Each good line was really tagged (ends with the two members), each blank one kept.
awk 'NR == FNR { kind[NR] = $0; next }
     kind[FNR] == "G" || kind[FNR] == "W" { want = kind[FNR]
        if ((getline got < OUT) <= 0) { print "missing output for line " FNR; exit 1 }
        if (want == "G" && got !~ /"entities":\[.*\],"topics":\[.*\]\}$/) { print "line " FNR " not tagged: " got; exit 1 }
        if (want == "W" && got != $0) { print "blank line " FNR " changed"; exit 1 } }' \
    OUT="$tmp/good.out" "$tmp/kinds" "$tmp/mix.jsonl" || bad "good lines were not tagged as expected"
# The good lines carry entities, so that "tagged" means something.
grep -q '"id":"place/geonames:703448"' "$tmp/good.out" || bad "the good lines produced no Kyiv entity"

# ---- expected output and messages for each policy ----
# pass: a bad line comes out byte-identical, in its place.
# skip: a bad line is left out. fail: output stops before the first bad line.
expect() { # expect POLICY SOURCE: writes $tmp/want.out and $tmp/want.err
    awk -v policy="$1" -v src="$2" -v OUT="$tmp/want.out" -v ERR="$tmp/want.err" -v GOOD="$tmp/good.out" '
        BEGIN { printf "" > OUT; printf "" > ERR }
        NR == FNR { kind[NR] = $0; next }
        stopped { next }
        kind[FNR] == "G" || kind[FNR] == "W" { getline t < GOOD; print t > OUT; next }
        {
            printf "tagpipe: %s:%d:\n", src, FNR > ERR
            if (policy == "pass") print $0 > OUT
            if (policy == "fail") stopped = 1
        }' "$tmp/kinds" "$tmp/mix.jsonl"
}
# check_run WHAT POLICY SOURCE: compares the last run with expect's files.
check_run() {
    [ "$status" -eq 1 ] || bad "$1: exit $status, expected 1"
    same "$1: stdout" "$tmp/want.out" "$tmp/out"
    # One message per bad line, in order, each "tagpipe: SOURCE:N: <problem>".
    sed -n 's/^\(tagpipe: .*:[0-9][0-9]*:\) [^ ].*/\1/p' "$tmp/err" > "$tmp/err.prefix"
    [ "$(wc -l < "$tmp/err")" -eq "$(wc -l < "$tmp/err.prefix")" ] ||
        { bad "$1: stderr has lines that are not 'tagpipe: FILE:N: problem'"; cat "$tmp/err"; }
    same "$1: stderr line numbers" "$tmp/want.err" "$tmp/err.prefix"
    # Each message says what was wrong with its line.
    awk -v src="$3" 'NR == FNR { kind[NR] = $0; next }
        {
            rest = substr($0, length("tagpipe: " src ":") + 1)
            line = rest + 0
            msg = rest; sub(/^[0-9]+: /, "", msg)
            k = kind[line]; w = substr(k, 3)
            if (substr(k, 1, 2) != "B:") { print "message for good line " line ": " $0; bad = 1 }
            else if (index(tolower(msg), tolower(w)) == 0) { print "message for line " line " does not say " w ": " $0; bad = 1 }
        }
        END { exit bad }' "$tmp/kinds" "$tmp/err" || bad "$1: messages do not describe the problem"
    return 0
}

nbad=$(grep -c '^B' "$tmp/kinds")
ngood=$((nlines - nbad))
for threads in 1 3; do
    for policy in pass skip fail; do
        what="--on-error=$policy --threads $threads < mix"
        expect "$policy" '<stdin>'
        tp --on-error="$policy" --threads "$threads" < "$tmp/mix.jsonl"
        check_run "$what" "$policy" '<stdin>'
    done
    # Lines in == lines out for pass, lines in - bad lines for skip.
    tp --threads "$threads" < "$tmp/mix.jsonl"
    [ "$(wc -l < "$tmp/out")" -eq "$nlines" ] ||
        bad "default policy, --threads $threads: $(wc -l < "$tmp/out") lines out for $nlines in"
    expect pass '<stdin>'
    same "no --on-error is --on-error=pass (--threads $threads)" "$tmp/want.out" "$tmp/out"
    tp --threads "$threads" --on-error=skip < "$tmp/mix.jsonl"
    [ "$(wc -l < "$tmp/out")" -eq "$ngood" ] ||
        bad "--on-error=skip --threads $threads: $(wc -l < "$tmp/out") lines out, expected $ngood"
done

# ---- file arguments ----
cd "$tmp"
expect pass mix.jsonl
tp --threads 1 mix.jsonl < /dev/null
check_run "tagpipe mix.jsonl" pass mix.jsonl
expect skip "$tmp/mix.jsonl"
tp --threads 2 --on-error=skip "$tmp/mix.jsonl" < /dev/null
check_run "tagpipe --on-error=skip $tmp/mix.jsonl" skip "$tmp/mix.jsonl"
# '-' is standard input, named <stdin>.
expect pass '<stdin>'
tp --threads 1 - < mix.jsonl
check_run "tagpipe - < mix.jsonl" pass '<stdin>'

# Several inputs: line numbers restart, each message names its input.
expect pass mix.jsonl
cat want.out > want2.out; cat want.err > want2.err
expect pass '<stdin>'
cat want.out >> want2.out; cat want.err >> want2.err
cat good.out >> want2.out
tp --threads 1 mix.jsonl - good.jsonl < mix.jsonl
[ "$status" -eq 1 ] || bad "mix.jsonl - good.jsonl: exit $status, expected 1"
same "mix.jsonl - good.jsonl: stdout" want2.out out
sed -n 's/^\(tagpipe: .*:[0-9][0-9]*:\) [^ ].*/\1/p' err > err.prefix
same "mix.jsonl - good.jsonl: stderr" want2.err err.prefix

# A missing input: reported, exit 1, the other inputs still tagged.
cat good.out good.out > want3.out
for threads in 1 2; do
    tp --threads "$threads" good.jsonl no-such-file.jsonl good.jsonl < /dev/null
    [ "$status" -eq 1 ] || bad "missing input (--threads $threads): exit $status, expected 1"
    same "missing input (--threads $threads): stdout" want3.out out
    if [ "$(wc -l < err)" -ne 1 ] || ! grep -q '^tagpipe: no-such-file\.jsonl: [A-Za-z]' err; then
        bad "missing input (--threads $threads): expected one message 'tagpipe: no-such-file.jsonl: ...'"
        cat err
    fi
done
# An input that cannot be read: reported, exit 1, the other inputs still tagged.
mkdir a-directory
for threads in 1 2; do
    tp --threads "$threads" good.jsonl a-directory good.jsonl < /dev/null
    [ "$status" -eq 1 ] || bad "directory as input (--threads $threads): exit $status, expected 1"
    same "directory as input (--threads $threads): stdout" want3.out out
    if [ "$(wc -l < err)" -ne 1 ] || ! grep -q '^tagpipe: a-directory: [A-Za-z]' err; then
        bad "directory as input (--threads $threads): expected one message 'tagpipe: a-directory: ...'"
        cat err
    fi
done
status=0
"$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" --threads 1 <&- > out 2> err ||
    status=$?
[ "$status" -eq 1 ] || bad "stdin closed: exit $status, expected 1"
[ -s out ] && bad "stdin closed: output not empty"
grep -q '^tagpipe: <stdin>: [A-Za-z]' err || { bad "stdin closed: no message 'tagpipe: <stdin>: ...'"; cat err; }

# Only good inputs: exit 0.
tp --threads 2 good.jsonl - < good.jsonl
[ "$status" -eq 0 ] && [ ! -s err ] || bad "good.jsonl - < good.jsonl: exit $status or messages"
cat good.out good.out > want4.out
same "good.jsonl - < good.jsonl: stdout" want4.out out

# --on-error=fail stops the whole run, later inputs included.
expect fail mix.jsonl
cat good.out want.out > want5.out
tp --threads 1 --on-error=fail good.jsonl mix.jsonl good.jsonl < /dev/null
[ "$status" -eq 1 ] || bad "--on-error=fail over three inputs: exit $status, expected 1"
same "--on-error=fail over three inputs: stdout" want5.out out
[ "$(wc -l < err)" -eq 1 ] || { bad "--on-error=fail over three inputs: expected one message"; cat err; }

finish
