#!/bin/sh
# SPDX-License-Identifier: MIT
# The C sources follow .clang-format (as Jansson's scripts/clang-format-check does).
set -eu
LC_ALL=C
export LC_ALL
: "${SRCDIR:?}"
cd "$SRCDIR"
if ! command -v clang-format >/dev/null 2>&1; then
    echo "clang-format is not installed (scripts/deps.sh installs it)"
    exit 1
fi
bad=0
for f in src/*.c src/*.h include/*.h tests/unit/*.c tests/fuzz/*.c; do
    [ -f "$f" ] || continue
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f (run: clang-format -i $f)"
        bad=1
    fi
done
exit $bad
