#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's console examples (```console blocks: "$ command" lines, then the
# output), run as printed with the shipped data and compared with what they
# show, byte for byte. The first example of the README is one of them.
set -eu
. "$(dirname "$0")/../lib/cli.sh"
: "${TAGPIPE:?}" "${SRCDIR:?}"
mkdir "$tmp/bin"
ln -s "$TAGPIPE" "$tmp/bin/tagpipe"
awk -v dir="$tmp" '
    /^```console[ \t]*$/ { inblock = 1; next }
    inblock && /^```[ \t]*$/ { inblock = 0; next }
    inblock && /^\$ / { n++; sub(/^\$ /, ""); print > (dir "/cmd." n); next }
    inblock && n { print > (dir "/want." n) }
' "$SRCDIR/README.md"
[ -f "$tmp/cmd.1" ] || bad "README.md has no console example"
n=1
while [ -f "$tmp/cmd.$n" ]; do
    [ -f "$tmp/want.$n" ] || : > "$tmp/want.$n"
    (cd "$SRCDIR" && PATH="$tmp/bin:$PATH" sh -e "$tmp/cmd.$n") > "$tmp/got.$n" 2>&1 ||
        bad "console example $n failed: $(cat "$tmp/cmd.$n")"
    diff -u -B "$tmp/want.$n" "$tmp/got.$n" || bad "console example $n: output differs: $(cat "$tmp/cmd.$n")"
    n=$((n + 1))
done
finish "$((n - 1)) console example(s) give the output shown"
