#!/bin/sh
# SPDX-License-Identifier: MIT
# The slower CI checks (issue 12), each in its own build folder:
#  1. ASan+UBSan build (-DTAGPIPE_SANITIZE=ON) and the whole ctest suite there;
#  2. valgrind memcheck over the golden tests, any memcheck error fatal;
#  3. the fuzz targets, FUZZ_SECONDS (default 20) each from their seed corpora.
# scripts/test.sh runs it after the main suite (it needs build/tagpipe).
set -eu
cd "$(dirname "$0")/.."
src=$(pwd)
jobs=${JOBS:-2}

echo "== sanitize: build-sanitize (ASan+UBSan), whole suite"
cmake -S . -B build-sanitize -DTAGPIPE_SANITIZE=ON -DTAGPIPE_WERROR=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-sanitize -j "$jobs" >/dev/null
# Leaks are errors too; halt on the first report of any kind.
# Left out here, each run in the main suite: cli/install (its embedder is not
# instrumented, and ASan must be the first library loaded), and the tests whose
# time goes into other programs (Chromium, GNU parallel's many processes).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-sanitize --output-on-failure -j "$jobs" \
    -E '^cli/(install|html_chromium|parallel)$'


echo "== valgrind: memcheck over the golden tests (build/)"
[ -x build/tagpipe ] || { cmake -S . -B build -DTAGPIPE_WERROR=ON >/dev/null; cmake --build build -j "$jobs" >/dev/null; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A memcheck error exits 99, a status no golden case expects (bad-lines expects 1).
cat > "$tmp/tagpipe" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --track-origins=yes "$src/build/tagpipe" "\$@"
WRAP
chmod +x "$tmp/tagpipe"
for dir in tests/golden/*/; do
    TAGPIPE="$tmp/tagpipe" TESTDATA="$src/tests/data" SRCDIR="$src" \
        sh tests/golden/run.sh "$src/$dir" >"$tmp/log" 2>&1 ||
        { cat "$tmp/log"; echo "valgrind: golden $(basename "$dir") failed" >&2; exit 1; }
    echo "valgrind: golden/$(basename "$dir") clean"
done

# The same cases through a compiled image of the test data (mapped, not parsed).
"$src/build/tagpipe" compile --gazetteers tests/data/gazetteers --models tests/data/models \
    -o "$tmp/test.image"
for case in contract bad-lines; do
    status=0
    "$tmp/tagpipe" --image "$tmp/test.image" < "tests/golden/$case/input.jsonl" > "$tmp/out" \
        2> "$tmp/log" || status=$?
    [ "$status" -ne 99 ] || { cat "$tmp/log"; echo "valgrind: image golden $case failed" >&2; exit 1; }
    cmp -s "$tmp/out" "tests/golden/$case/expected.jsonl" ||
        { echo "valgrind: image golden $case differs" >&2; exit 1; }
    echo "valgrind: image golden/$case clean"
done

echo "== fuzz: build-fuzz (clang, libFuzzer), ${FUZZ_SECONDS:-20} s per target"
sh tests/fuzz/run.sh "${FUZZ_SECONDS:-20}"
