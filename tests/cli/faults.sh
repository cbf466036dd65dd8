#!/bin/sh
# SPDX-License-Identifier: MIT
# Faults: SIGINT and SIGTERM mid-stream leave only whole lines (exit 130, 143),
# input ending mid-line, invalid UTF-8 in every position, deep nesting.
set -eu
: "${TAGPIPE:?}" "${TESTDATA:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"

# ---- a signal mid-stream: the lines written are whole, the status names the signal ----
# whole FILE: every line of FILE is a tagged JSON object and FILE ends in a newline.
whole() {
    python3 - "$1" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
assert data.endswith(b"\n"), "does not end in a newline"
lines = data.split(b"\n")[:-1]
assert len(lines) > 100, "only %d lines" % len(lines)
for l in lines:
    o = json.loads(l)
    assert o["entities"][0]["name"] == "Kyiv", l
PY
}
# wait_output: until tagpipe has written 200 kB to $tmp/out (10 s at most).
wait_output() {
    i=0
    while [ "$i" -lt 200 ] && [ "$(wc -c < "$tmp/out")" -lt 200000 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}
mkfifo "$tmp/fifo"
for sig in INT TERM; do
    for n in 1 2; do
        : > "$tmp/out"
        timeout 120 yes '{"text":"Talks in Kyiv went on."}' > "$tmp/fifo" &
        ypid=$!
        timeout -s KILL 60 "$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" \
            --models "$TESTDATA/models" --threads "$n" < "$tmp/fifo" > "$tmp/out" 2> "$tmp/err" &
        pid=$!
        wait_output
        # timeout passes the signal on to tagpipe.
        kill -"$sig" "$pid"
        status=0
        wait "$pid" || status=$?
        kill "$ypid" 2> /dev/null || true
        wait "$ypid" 2> /dev/null || true
        want=130
        [ "$sig" = TERM ] && want=143
        [ "$status" -eq "$want" ] || bad "SIG$sig --threads $n: exit $status, expected $want"
        whole "$tmp/out" || bad "SIG$sig --threads $n: output is not whole tagged lines"
        [ ! -s "$tmp/err" ] || bad "SIG$sig --threads $n: stderr: $(cat "$tmp/err")"
    done
done

# ---- the same signal twice at once (as `timeout` sends it: to the child, then
# to its process group) is one stop: whole lines, exit 130 ----
for n in 1 2; do
    # Emptied first: wait_output must not see the last run's output and
    # signal before this tagpipe has started (a background job ignores
    # SIGINT until it has: the run then went on to the end of `yes`).
    : > "$tmp/out"
    timeout 120 yes '{"text":"Talks in Kyiv went on."}' > "$tmp/fifo" &
    ypid=$!
    "$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" --threads "$n" \
        < "$tmp/fifo" > "$tmp/out" 2> "$tmp/err" &
    pid=$!
    wait_output
    kill -INT "$pid"
    kill -INT "$pid" 2> /dev/null || :
    status=0
    wait "$pid" || status=$?
    kill "$ypid" 2> /dev/null || true
    wait "$ypid" 2> /dev/null || true
    [ "$status" -eq 130 ] || bad "SIGINT twice at once --threads $n: exit $status, expected 130"
    whole "$tmp/out" || bad "SIGINT twice at once --threads $n: output is not whole tagged lines"
done

# ---- a second signal a second later ends tagpipe even when it cannot finish
# (its output blocked: nobody reads the pipe) ----
mkfifo "$tmp/outfifo"
sleep 30 < "$tmp/outfifo" &
spid=$!
yes '{"text":"Talks in Kyiv went on."}' | head -n 200000 > "$tmp/many.jsonl"
"$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" -j 2 \
    < "$tmp/many.jsonl" > "$tmp/outfifo" 2> /dev/null &
pid=$!
sleep 1
kill -INT "$pid"
sleep 1.5
kill -INT "$pid" 2> /dev/null || :
i=0
while kill -0 "$pid" 2> /dev/null && [ "$i" -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 "$pid" 2> /dev/null; then
    bad "a second SIGINT 1.5 s later did not end a blocked tagpipe"
    kill -KILL "$pid"
fi
wait "$pid" 2> /dev/null || :
kill "$spid" 2> /dev/null || :
wait "$spid" 2> /dev/null || :

# ---- input ending mid-line: the last line is tagged, and ends in a newline ----
printf '{"text":"Kyiv"}\n{"text":"Paris"}' > "$tmp/in"
tp < "$tmp/in"
[ "$status" -eq 0 ] && [ "$(wc -l < "$tmp/out")" -eq 2 ] && grep -q '"Paris","entities":\[' "$tmp/out" ||
    bad "no final newline: exit $status, out: $(cat "$tmp/out")"
printf '{"text":"Kyiv"}\n{"text":"Par' > "$tmp/in"
tp < "$tmp/in"
[ "$status" -eq 1 ] && [ "$(wc -l < "$tmp/out")" -eq 2 ] && grep -q '^tagpipe: <stdin>:2: invalid JSON' "$tmp/err" ||
    bad "cut inside a line: exit $status, out: $(cat "$tmp/out"), err: $(cat "$tmp/err")"

# ---- invalid UTF-8 at every position of a line: one message each, every line out ----
python3 - "$tmp/utf8.jsonl" <<'PY'
import sys
base = b'{"id":1,"text":"Mr Trump met NATO chiefs in Kyiv."}'
with open(sys.argv[1], "wb") as f:
    for i in range(len(base) + 1):
        f.write(base[:i] + b"\xff" + base[i:] + b"\n")
PY
nin=$(wc -l < "$tmp/utf8.jsonl")
tp --threads 2 "$tmp/utf8.jsonl"
[ "$status" -eq 1 ] || bad "invalid UTF-8 everywhere: exit $status, expected 1"
cmp -s "$tmp/utf8.jsonl" "$tmp/out" || bad "invalid UTF-8 everywhere: lines not passed unchanged"
[ "$(grep -c ': invalid UTF-8 at byte ' "$tmp/err")" -eq "$nin" ] ||
    bad "invalid UTF-8 everywhere: $(wc -l < "$tmp/err") messages for $nin lines"

# ---- nesting 100,000 deep: reported (Jansson's limit), no crash ----
python3 -c 'print("{\"text\":\"Kyiv\",\"a\":" + "[" * 100000 + "]" * 100000 + "}"); print("{\"text\":\"Kyiv\"}")' > "$tmp/deep.jsonl"
tp "$tmp/deep.jsonl"
[ "$status" -eq 1 ] || bad "nesting 100000 deep: exit $status, expected 1"
[ "$(wc -l < "$tmp/out")" -eq 2 ] && tail -n 1 "$tmp/out" | grep -q '"entities":\[{' ||
    bad "nesting 100000 deep: the next line was not tagged"
grep -q '^tagpipe: .*deep.jsonl:1: ' "$tmp/err" || bad "nesting 100000 deep: no message: $(cat "$tmp/err")"

finish
