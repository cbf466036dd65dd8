#!/bin/sh
# SPDX-License-Identifier: MIT
# Quick start, step 2: install what is missing, build, and run the whole test
# suite: units, golden files and command-line tests (ctest in build/), then the
# sanitizer build's suite, valgrind over the golden tests and the bounded fuzz
# runs (scripts/ci-extra.sh). TAGPIPE_QUICK=1 stops after the first part.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAGPIPE_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
[ "${TAGPIPE_QUICK:-0}" = 1 ] || sh scripts/ci-extra.sh
