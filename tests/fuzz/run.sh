#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the fuzz targets in build-fuzz/ (clang, ASan+UBSan+libFuzzer) and run each
# for SECONDS (default 60), printing executions and exec/s per target.
set -eu
secs=${1:-60}
cd "$(dirname "$0")/../.."
src=$(pwd)
bdir=${TAGPIPE_FUZZ_BUILD:-$src/build-fuzz}
CC=clang cmake -S . -B "$bdir" -DTAGPIPE_FUZZ=ON -DTAGPIPE_WERROR=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$bdir" -j2 --target fuzz_line fuzz_json fuzz_gazetteer fuzz_models fuzz_image >/dev/null
for name in line json gazetteer models image; do
    sh tests/fuzz/run_one.sh "$bdir/tests/fuzz/fuzz_$name" "$src/tests/fuzz" "$name" "$secs"
done
