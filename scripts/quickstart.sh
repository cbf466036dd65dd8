#!/bin/sh
# SPDX-License-Identifier: MIT
# Quick start, step 1: install what is missing, build, and tag the bundled example.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
./build/tagpipe < examples/news.jsonl
