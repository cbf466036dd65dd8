#!/bin/sh
# SPDX-License-Identifier: MIT
# cmake --install into a temporary prefix: the installed binary finds its data
# from anywhere (run from /), TAGPIPE_DATA_DIR overrides it, and a C program
# builds against the installed library with pkg-config and with find_package.
set -eu
: "${BUILDDIR:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"

prefix=$tmp/prefix
if ! cmake --install "$BUILDDIR" --prefix "$prefix" > "$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"
    bad "cmake --install failed"
    finish
fi
for f in bin/tagpipe include/tagpipe.h share/tagpipe/models/topics.model \
    share/tagpipe/gazetteers/people-curated.tsv share/tagpipe/tagpipe.image; do
    [ -e "$prefix/$f" ] || bad "not installed: $f"
done
for f in share/man/man1/tagpipe.1 share/man/man1/tagpipe-train.1 share/man/man1/tagpipe-html.1 \
    share/bash-completion/completions/tagpipe share/zsh/site-functions/_tagpipe; do
    [ -e "$prefix/$f" ] || bad "not installed: $f"
done
# The man pages render without warnings, when man is there.
if command -v man > /dev/null; then
    for m in "$prefix"/share/man/man1/tagpipe*.1; do
        w=$(MANWIDTH=80 man --warnings -l "$m" 2>&1 > /dev/null) || bad "man -l $m failed"
        [ -z "$w" ] || bad "man -l $m warns: $w"
        MANWIDTH=80 man -l "$m" 2>/dev/null > "$tmp/man.txt"
        grep -q -e '--help' "$tmp/man.txt" || bad "man -l $m shows no options"
        awk 'length > 80 { bad = 1 } END { exit bad }' "$tmp/man.txt" || bad "man -l $m: lines over 80 columns"
    done
fi
# The bash completion offers the options of each command.
if command -v bash > /dev/null; then
    got=$(bash -c '. "$1"; COMP_WORDS=(tagpipe --on); COMP_CWORD=1; _tagpipe; echo "${COMPREPLY[*]}"
        COMP_WORDS=(tagpipe train --lab); COMP_CWORD=2; _tagpipe; echo "${COMPREPLY[*]}"' \
        sh "$prefix/share/bash-completion/completions/tagpipe")
    [ "$got" = "--on-error
--label-field" ] || bad "bash completion gave: $got"
fi
for pat in 'libtagpipe.so' 'libtagpipe.a' 'pkgconfig/tagpipe.pc' 'cmake/tagpipe/tagpipeConfig.cmake'; do
    find "$prefix" -path "*/$pat" | grep -q . || bad "not installed: */$pat"
done

# Moved: the prefix is renamed after installing, so no configure-time path can help.
mv "$prefix" "$tmp/moved"
prefix=$tmp/moved
line='{"text":"Mr Trump met NATO chiefs in Kyiv."}'
status=0
(cd / && printf '%s\n' "$line" | env -u TAGPIPE_DATA_DIR "$prefix/bin/tagpipe") > "$tmp/out" 2> "$tmp/err" ||
    status=$?
[ "$status" -eq 0 ] || bad "installed tagpipe run from / exited $status: $(cat "$tmp/err")"
grep -q '"id":"org/nato"' "$tmp/out" || bad "installed tagpipe found no NATO: $(cat "$tmp/out")"
# The installed image is fresh (install keeps the data files' times), so it is
# what runs: no warning. Corrupted, it is said and the text files are used.
[ ! -s "$tmp/err" ] || bad "installed tagpipe warned: $(cat "$tmp/err")"
"$prefix/bin/tagpipe" --image "$prefix/share/tagpipe/tagpipe.image" --list-gazetteers \
    > "$tmp/list.image" 2> "$tmp/err" || bad "the installed image does not load: $(cat "$tmp/err")"
cp "$prefix/share/tagpipe/tagpipe.image" "$tmp/image.bak"
printf 'XX' | dd of="$prefix/share/tagpipe/tagpipe.image" bs=1 seek=4096 conv=notrunc 2> /dev/null
status=0
(cd / && printf '%s\n' "$line" | env -u TAGPIPE_DATA_DIR "$prefix/bin/tagpipe") > "$tmp/out" 2> "$tmp/err" ||
    status=$?
[ "$status" -eq 0 ] || bad "a corrupted installed image: exit $status"
grep -q "tagpipe: warning: .*tagpipe.image: IMAGE: checksum mismatch.*; loading the text files" \
    "$tmp/err" || bad "a corrupted installed image was not said: $(cat "$tmp/err")"
grep -q '"id":"org/nato"' "$tmp/out" || bad "the text fallback found no NATO: $(cat "$tmp/out")"
cp "$tmp/image.bak" "$prefix/share/tagpipe/tagpipe.image"

# TAGPIPE_DATA_DIR: a copy of the data with one extra gazetteer entry is used.
cp -R "$prefix/share/tagpipe" "$tmp/data"
printf '# tagpipe-gazetteer 1\norganization\torg/zorblax\tZorblax Industries\tZorblax\t\n' \
    > "$tmp/data/gazetteers/zz-test.tsv"
status=0
(cd / && printf '{"text":"Zorblax shares rose."}\n' |
    TAGPIPE_DATA_DIR="$tmp/data" "$prefix/bin/tagpipe") > "$tmp/out" 2> "$tmp/err" || status=$?
[ "$status" -eq 0 ] || bad "tagpipe with TAGPIPE_DATA_DIR exited $status: $(cat "$tmp/err")"
grep -q '"id":"org/zorblax"' "$tmp/out" || bad "TAGPIPE_DATA_DIR not used: $(cat "$tmp/out")"
status=0
(cd / && echo '{}' | TAGPIPE_DATA_DIR="$tmp/nowhere" "$prefix/bin/tagpipe") > /dev/null 2> "$tmp/err" ||
    status=$?
[ "$status" -eq 3 ] || bad "a missing TAGPIPE_DATA_DIR gave exit $status, not 3"

# A small embedder, loading the shipped data in one call.
mkdir "$tmp/embed"
cat > "$tmp/embed/embed.c" <<'C'
#include <stdio.h>
#include <tagpipe.h>
int main(void) {
    GError *error = NULL;
    TpKnowledge *k = tp_knowledge_new_default(&error);
    if (k == NULL) {
        fprintf(stderr, "embed: %s\n", error->message);
        return 3;
    }
    TpTagger *t = tp_tagger_new(k, &error);
    const TpEntity *e;
    gsize n;
    if (t == NULL || !tp_tagger_tag_text(t, "Mr Trump met NATO chiefs in Kyiv.", -1, &e, &n, &error))
        return 1;
    for (gsize i = 0; i < n; i++)
        printf("%s %s\n", tp_entity_type_name(e[i].type), e[i].id);
    tp_tagger_free(t);
    tp_knowledge_free(k);
    return 0;
}
C
cat > "$tmp/embed/CMakeLists.txt" <<'C'
cmake_minimum_required(VERSION 3.18)
project(embed LANGUAGES C)
find_package(tagpipe 0.1 REQUIRED)
add_executable(embed embed.c)
target_link_libraries(embed PRIVATE tagpipe::tagpipe)
C
libdir=$(dirname "$(find "$prefix" -name libtagpipe.so | head -n 1)")
check_embed() { # NAME BINARY
    status=0
    (cd / && TAGPIPE_DATA_DIR="$prefix/share/tagpipe" "$2") > "$tmp/out" 2> "$tmp/err" || status=$?
    [ "$status" -eq 0 ] || bad "$1: the embedder exited $status: $(cat "$tmp/err")"
    grep -qx 'organization org/nato' "$tmp/out" || bad "$1: no NATO in: $(cat "$tmp/out")"
    grep -qx 'place place/geonames:703448' "$tmp/out" || bad "$1: no Kyiv in: $(cat "$tmp/out")"
}
if PKG_CONFIG_PATH="$libdir/pkgconfig" cc -o "$tmp/embed/pc" "$tmp/embed/embed.c" \
    $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs tagpipe) \
    -Wl,-rpath,"$libdir" 2> "$tmp/err"; then
    check_embed pkg-config "$tmp/embed/pc"
else
    bad "pkg-config build failed: $(cat "$tmp/err")"
fi
if cmake -S "$tmp/embed" -B "$tmp/embed/build" -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/cm.log" 2>&1 &&
    cmake --build "$tmp/embed/build" >> "$tmp/cm.log" 2>&1; then
    check_embed find_package "$tmp/embed/build/embed"
else
    cat "$tmp/cm.log"
    bad "find_package(tagpipe) build failed"
fi

finish "installed, moved, run from /, TAGPIPE_DATA_DIR, pkg-config and find_package embedders"
