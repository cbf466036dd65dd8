#!/bin/sh
# SPDX-License-Identifier: MIT
# The compiled knowledge image: `tagpipe compile` and `--image` tag exactly as
# the text files do (golden inputs, examples/news.jsonl with the shipped
# data); a corrupted, truncated or other-version image is refused with a
# clear message; user gazetteers go through a content-keyed cache that an
# edit misses and an unwritable folder only bypasses.
set -eu
: "${TAGPIPE:?}" "${TESTDATA:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"

# ---- round trip on the golden inputs (fixed test data) ----
echo "image.sh: round trip on the golden inputs (fixed test data)"
"$TAGPIPE" compile --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" \
    -o "$tmp/test.image" 2> "$tmp/err" || bad "compile of the test data failed: $(cat "$tmp/err")"
[ -s "$tmp/test.image" ] || bad "compile wrote no image"
"$TAGPIPE" compile --gazetteers "$SRCDIR/gazetteers" --models "$SRCDIR/models" \
    -o "$tmp/shipped-folders.image" 2> "$tmp/err" || bad "compile of the shipped folders failed: $(cat "$tmp/err")"
for dir in "$SRCDIR"/tests/golden/*/; do
    case=$(basename "$dir")
    args=
    image="$tmp/test.image"
    if [ -f "$dir/args" ]; then
        # The image replaces the folder options: most golden cases use the
        # test data, the fitted case the shipped folders (with their entity model).
        args=$(sed -e "s|--gazetteers @SRCDIR@/tests/data/gazetteers||" "$dir/args")
        case $args in
        *"--gazetteers @SRCDIR@/gazetteers --models @SRCDIR@/models"*)
            args=$(printf '%s' "$args" | sed -e "s|--gazetteers @SRCDIR@/gazetteers --models @SRCDIR@/models||")
            image="$tmp/shipped-folders.image" ;;
        esac
    fi
    want=0
    [ -f "$dir/status" ] && want=$(cat "$dir/status")
    status=0
    # shellcheck disable=SC2086
    "$TAGPIPE" --image "$image" $args < "$dir/input.jsonl" > "$tmp/out" 2> "$tmp/err" ||
        status=$?
    cmp -s "$tmp/out" "$dir/expected.jsonl" || bad "golden/$case: image output differs from text"
    [ "$status" -eq "$want" ] || bad "golden/$case: image gave status $status, want $want"
done

# ---- the shipped data, text against image, byte for byte ----
echo "image.sh: the shipped data, text against image, byte for byte"
"$TAGPIPE" compile -o "$tmp/shipped.image" 2> "$tmp/err" ||
    bad "compile of the shipped data failed: $(cat "$tmp/err")"
"$TAGPIPE" --gazetteers "$SRCDIR/gazetteers" --models "$SRCDIR/models" \
    < "$SRCDIR/examples/news.jsonl" > "$tmp/text.out" 2> "$tmp/err" || bad "text run failed"
"$TAGPIPE" --image "$tmp/shipped.image" < "$SRCDIR/examples/news.jsonl" > "$tmp/image.out" \
    2> "$tmp/err" || bad "image run failed: $(cat "$tmp/err")"
cmp -s "$tmp/text.out" "$tmp/image.out" || bad "examples/news.jsonl: image output differs from text"
[ -s "$tmp/image.out" ] || bad "examples/news.jsonl: no output"
"$TAGPIPE" --image "$tmp/shipped.image" --list-gazetteers > "$tmp/list" ||
    bad "--list-gazetteers with an image failed"
grep -q "^total	place	[1-9][0-9]* entries" "$tmp/list" || bad "--list-gazetteers lists no places"

# ---- bad images: refused, exit 3, a message that says what is wrong ----
echo "image.sh: bad images: refused, exit 3, a message that says what is wrong"
line='{"text":"Mr Trump met NATO chiefs in Kyiv."}'
refused() { # NAME WHAT: the image $tmp/bad.image is refused with WHAT in the message
    status=0
    printf '%s\n' "$line" | "$TAGPIPE" --image "$tmp/bad.image" > "$tmp/out" 2> "$tmp/err" ||
        status=$?
    [ "$status" -eq 3 ] || bad "$1: exit $status, not 3"
    grep -q "^tagpipe: $tmp/bad.image: IMAGE: $2" "$tmp/err" || bad "$1: message: $(cat "$tmp/err")"
    [ ! -s "$tmp/out" ] || bad "$1: tagged anyway"
}
size=$(wc -c < "$tmp/test.image")
# A corrupted byte (a flipped bit two thirds in).
cp "$tmp/test.image" "$tmp/bad.image"
at=$((size * 2 / 3))
byte=$(od -An -tu1 -j "$at" -N1 "$tmp/bad.image" | tr -d ' ')
printf "$(printf '\\%03o' $(((byte + 1) % 256)))" |
    dd of="$tmp/bad.image" bs=1 seek="$at" conv=notrunc 2> /dev/null
refused corrupted "checksum mismatch"
# Truncated (a partial copy).
head -c $((size / 2)) "$tmp/test.image" > "$tmp/bad.image"
refused truncated "size mismatch"
# Another format version (the 32-bit field after the 8-byte magic).
cp "$tmp/test.image" "$tmp/bad.image"
printf '\377\0\0\0' | dd of="$tmp/bad.image" bs=1 seek=8 conv=notrunc 2> /dev/null
refused version "format version 255, this tagpipe reads version"
# Not an image at all.
cp "$TESTDATA/models/topics.model" "$tmp/bad.image"
refused magic "bad magic"
status=0
"$TAGPIPE" --image "$tmp/test.image" --gazetteers "$TESTDATA/gazetteers" < /dev/null \
    > /dev/null 2> "$tmp/err" || status=$?
[ "$status" -eq 2 ] || bad "--image with --gazetteers: exit $status, not 2"

# compile: a bad file is reported and no image written.
printf '# tagpipe-gazetteer 1\nplace\tbad id\tX\t\n' > "$tmp/broken.tsv"
status=0
"$TAGPIPE" compile --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" \
    -o "$tmp/never.image" "$tmp/broken.tsv" 2> "$tmp/err" || status=$?
[ "$status" -eq 3 ] || bad "compile of a bad file: exit $status, not 3"
grep -q "broken.tsv:2: malformed id" "$tmp/err" || bad "compile of a bad file said: $(cat "$tmp/err")"
[ ! -e "$tmp/never.image" ] || bad "compile of a bad file wrote an image"

# ---- user gazetteers through the cache ----
echo "image.sh: user gazetteers through the cache"
XDG_CACHE_HOME=$tmp/cache
export XDG_CACHE_HOME
user=$tmp/user.tsv
printf '# tagpipe-gazetteer 1\norganization\torg/zorblax\tZorblax Industries\tZorblax\t\n' > "$user"
text='{"text":"Zorblax and Quuxcorp met in Kyiv."}'
run_user() {
    status=0
    printf '%s\n' "$text" | "$TAGPIPE" --image "$tmp/test.image" --gazetteer "$user" \
        > "$tmp/out" 2> "$tmp/err" || status=$?
}
run_user
[ "$status" -eq 0 ] || bad "user gazetteer: exit $status: $(cat "$tmp/err")"
grep -q '"id":"org/zorblax"' "$tmp/out" || bad "user gazetteer not used: $(cat "$tmp/out")"
n=$(find "$tmp/cache/tagpipe" -name '*.tpimage' 2> /dev/null | wc -l)
[ "$n" -eq 1 ] || bad "first use made $n cache images, not 1"
cp "$tmp/out" "$tmp/first.out"
run_user
cmp -s "$tmp/out" "$tmp/first.out" || bad "the cached image tags differently"
[ ! -s "$tmp/err" ] || bad "the cached run said: $(cat "$tmp/err")"
# The entry is what the second run loads: swapped for an image that knows
# more, the run shows it.
entry=$(find "$tmp/cache/tagpipe" -name '*.tpimage')
printf '# tagpipe-gazetteer 1\norganization\torg/quuxcorp\tQuuxcorp\tQuuxcorp\t\n' > "$tmp/more.tsv"
"$TAGPIPE" compile --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" \
    -o "$entry" "$user" "$tmp/more.tsv"
run_user
grep -q '"id":"org/quuxcorp"' "$tmp/out" || bad "the cache entry was not what ran"
# Edited after its cache entry was made: compiled again, the new tags appear.
printf '# tagpipe-gazetteer 1\norganization\torg/zorblax\tZorblax Industries\tZorblax\t\nplace\tplace/quux\tQuuxcorp\t\t\n' \
    > "$user"
run_user
grep -q '"id":"place/quux"' "$tmp/out" || bad "an edited user gazetteer was not compiled again: $(cat "$tmp/out")"
grep -q '"id":"org/quuxcorp"' "$tmp/out" && bad "an edited user gazetteer ran the old cache entry"
n=$(find "$tmp/cache/tagpipe" -name '*.tpimage' | wc -l)
[ "$n" -eq 2 ] || bad "after the edit: $n cache images, not 2"
# A corrupted entry: said, compiled again, and the tags are right.
for f in "$tmp"/cache/tagpipe/*.tpimage; do head -c 100 "$f" > "$f.x" && mv "$f.x" "$f"; done
run_user
[ "$status" -eq 0 ] || bad "a corrupted cache entry: exit $status"
grep -q "warning: .*IMAGE: size mismatch.*compiling it again" "$tmp/err" ||
    bad "a corrupted cache entry was not said: $(cat "$tmp/err")"
grep -q '"id":"place/quux"' "$tmp/out" || bad "a corrupted cache entry: wrong tags"
run_user
[ ! -s "$tmp/err" ] || bad "the entry compiled again is still bad: $(cat "$tmp/err")"
echo "image.sh: the stat memo of the content key"
# The content key is memoised by the file's stat (in the cache folder), once
# the file is more than two seconds old: then a same-size edit whose mtime is
# set back must still miss (its ctime moved), and the memo is used (a memo
# that names another hash for the same stat sends the run elsewhere).
printf '# tagpipe-gazetteer 1\norganization\torg/memo-a\tMemoplex\tMemoplex\t\n' > "$tmp/memo.tsv"
sleep 3
memo_run() {
    status=0
    printf '%s\n' '{"text":"Memoplex met Memoplex."}' | "$TAGPIPE" --image "$tmp/test.image" \
        --gazetteer "$tmp/memo.tsv" > "$tmp/out" 2> "$tmp/err" || status=$?
}
memo_run
grep -q '"id":"org/memo-a"' "$tmp/out" || bad "memo: first run: $(cat "$tmp/out")"
[ "$(find "$tmp/cache/tagpipe" -name '*.stat' | wc -l)" -ge 1 ] || bad "memo: no stat memo written"
old_mtime=$(stat -c %Y "$tmp/memo.tsv")
printf '# tagpipe-gazetteer 1\norganization\torg/memo-b\tMemoplex\tMemoplex\t\n' > "$tmp/memo.tsv"
touch -d "@$old_mtime" "$tmp/memo.tsv"
memo_run
grep -q '"id":"org/memo-b"' "$tmp/out" ||
    bad "memo: a same-size edit with its mtime set back ran the old entry: $(cat "$tmp/out")"
# The memo is what the key is made from: with its hash (bytes 64-71)
# zeroed, the next run looks for another cache entry and compiles one.
sleep 3
memo_run
n_before=$(find "$tmp/cache/tagpipe" -name '*.tpimage' | wc -l)
for m in "$tmp"/cache/tagpipe/*.stat; do
    printf '\000\000\000\000\000\000\000\000' | dd of="$m" bs=1 seek=64 conv=notrunc 2> /dev/null
done
memo_run
grep -q '"id":"org/memo-b"' "$tmp/out" || bad "memo: run after the memo changed: $(cat "$tmp/out")"
n_after=$(find "$tmp/cache/tagpipe" -name '*.tpimage' | wc -l)
[ "$n_after" -eq $((n_before + 1)) ] ||
    bad "memo: a changed memo did not change the key ($n_before -> $n_after cache images)"

# The shipped image (the default) with a user gazetteer: compiled once into
# the cache; the hit reads the shipped image's header only and checks the
# cached image's sources (a touched file compiles again).
if [ -f "$BUILDDIR/tagpipe.image" ] && [ -z "${TAGPIPE_DATA_DIR:-}" ]; then
    XDG_CACHE_HOME=$tmp/cache2
    shipped_user() {
        status=0
        printf '%s\n' "$text" | "$TAGPIPE" --gazetteer "$user" > "$tmp/out" 2> "$tmp/err" || status=$?
    }
    shipped_user
    [ "$status" -eq 0 ] || bad "shipped + user: exit $status: $(cat "$tmp/err")"
    [ ! -s "$tmp/err" ] || bad "shipped + user said: $(cat "$tmp/err")"
    grep -q '"id":"place/quux"' "$tmp/out" || bad "shipped + user: no user tag: $(cat "$tmp/out")"
    cp "$tmp/out" "$tmp/shipped-user.out"
    printf '%s\n' "$text" | "$TAGPIPE" --gazetteers "$SRCDIR/gazetteers" --models "$SRCDIR/models" \
        --gazetteer "$user" > "$tmp/text-user.out" 2> /dev/null
    cmp -s "$tmp/shipped-user.out" "$tmp/text-user.out" || bad "shipped + user: image differs from text"
    n=$(find "$tmp/cache2/tagpipe" -name '*.tpimage' | wc -l)
    [ "$n" -eq 1 ] || bad "shipped + user: $n cache images, not 1"
    shipped_user
    [ ! -s "$tmp/err" ] || bad "shipped + user, cached, said: $(cat "$tmp/err")"
    cmp -s "$tmp/out" "$tmp/shipped-user.out" || bad "shipped + user: the cached run differs"
    # Same bytes, a new time: the entry is stale, said, and compiled again.
    touch -d '2001-01-01 00:00:00' "$user"
    shipped_user
    grep -q "warning: .*IMAGE: stale: .*user.tsv changed.*compiling it again" "$tmp/err" ||
        bad "a touched user gazetteer: $(cat "$tmp/err")"
    cmp -s "$tmp/out" "$tmp/shipped-user.out" || bad "a touched user gazetteer: wrong tags"
    shipped_user
    [ ! -s "$tmp/err" ] || bad "after compiling again, said: $(cat "$tmp/err")"
    # A bad user file is an error, not a fallback.
    status=0
    printf '{}\n' | "$TAGPIPE" --gazetteer "$tmp/broken.tsv" > /dev/null 2> "$tmp/err" || status=$?
    [ "$status" -eq 3 ] || bad "shipped + a bad user file: exit $status, not 3"
    grep -q "broken.tsv:2: malformed id" "$tmp/err" || bad "shipped + a bad user file: $(cat "$tmp/err")"
fi
# An unwritable cache folder: the text is loaded and tagging goes on.
XDG_CACHE_HOME=$tmp/user.tsv/not-a-folder
run_user
[ "$status" -eq 0 ] || bad "an unwritable cache: exit $status: $(cat "$tmp/err")"
grep -q '"id":"place/quux"' "$tmp/out" || bad "an unwritable cache: wrong tags"

# ---- the fuzz target's seed image is one this binary loads ----
# (a seed of an old format is refused at once, and the fuzzer would never
# reach the section checks: tests/fuzz/make-seed-image.sh writes a new one)
echo "image.sh: the fuzz seed image is of this format"
"$TAGPIPE" --image "$SRCDIR/tests/fuzz/corpus/image/small.tpimage" < /dev/null 2> "$tmp/err" \
    || bad "the fuzz seed image is refused (rerun tests/fuzz/make-seed-image.sh): $(cat "$tmp/err")"
finish
