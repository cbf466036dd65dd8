#!/bin/sh
# SPDX-License-Identifier: MIT
# Run one fuzz target for SECONDS from its seed corpus; print executions and exec/s.
# usage: run_one.sh BINARY FUZZDIR NAME SECONDS
set -eu
bin=$1 dir=$2 name=$3 secs=$4
# Inputs up to 4 KiB; a seed image (corpus/image) needs more.
max_len=4096
[ "$name" = image ] && max_len=65536
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dict=""
[ -f "$dir/$name.dict" ] && dict="-dict=$dir/$name.dict"
# Crashing inputs land in $work; the seed corpus (which holds past crashes) is only read.
# shellcheck disable=SC2086
if ! "$bin" -max_total_time="$secs" -max_len="$max_len" -timeout=60 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/" $dict "$work" "$dir/corpus/$name" \
    >"$work/log" 2>&1; then
    tail -40 "$work/log" >&2
    for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
        [ -f "$f" ] && { echo "fuzz/$name: failing input $f:" >&2; od -c "$f" | head -20 >&2; }
    done
    exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
secs_done=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
echo "fuzz/$name: $runs executions, $secs_done exec/s in ${secs}s"
