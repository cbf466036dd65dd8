#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the README.md examples marked with a line <!-- test --> before their fenced block.
#
# Each marked block is run as a script with `sh -e` in the repository root, with
# the tagpipe under test first on PATH and no other options: every command in the
# block must succeed. A marker not followed by a fenced block, and a README with
# no marked block at all, are failures too.
set -eu
LC_ALL=C
export LC_ALL
: "${TAGPIPE:?}" "${SRCDIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

readme=$SRCDIR/README.md
if [ ! -f "$readme" ]; then
    echo "FAIL: $readme does not exist"
    exit 1
fi

# Cut the marked blocks into $tmp/block.N.sh; $tmp/blocks lists "N LINE".
: > "$tmp/blocks"
if ! awk -v dir="$tmp" '
    function is_close(s,   t) {
        t = s
        sub(/^ */, "", t)
        sub(/[ \t]+$/, "", t)
        return (t ~ /^`+$/ || t ~ /^~+$/) && substr(t, 1, 1) == substr(fence, 1, 1) &&
               length(t) >= length(fence)
    }
    state == 0 && /^[ \t]*<!--[ \t]*test[ \t]*-->[ \t]*$/ { state = 1; mark = NR; next }
    state == 1 && /^[ \t]*$/ { next }
    state == 1 {
        if (match($0, /^ *(````*|~~~~*)/)) {
            fence = substr($0, RSTART, RLENGTH)
            sub(/^ */, "", fence)
            n++
            file = dir "/block." n ".sh"
            printf "" > file
            print n, NR + 1 > (dir "/blocks")
            state = 2
        } else {
            print "FAIL: README.md:" mark ": <!-- test --> is not followed by a fenced block"
            err = 1
            state = 0
        }
        next
    }
    state == 2 && is_close($0) { close(file); state = 0; next }
    state == 2 { print > file }
    END {
        if (state == 2) { print "FAIL: README.md: the block opened after line " mark " is not closed"; err = 1 }
        if (state == 1) { print "FAIL: README.md:" mark ": <!-- test --> is not followed by a fenced block"; err = 1 }
        exit err
    }' "$readme"; then
    exit 1
fi
if [ ! -s "$tmp/blocks" ]; then
    echo "FAIL: README.md has no example marked to be run (a line <!-- test --> before a fenced block)"
    exit 1
fi

bindir=$(cd "$(dirname "$TAGPIPE")" && pwd)
PATH=$bindir:$PATH
export PATH
if [ "$(command -v tagpipe)" != "$bindir/tagpipe" ]; then
    echo "FAIL: tagpipe on PATH is $(command -v tagpipe), not $bindir/tagpipe"
    exit 1
fi

nfail=0
nblocks=0
while read -r n line; do
    nblocks=$((nblocks + 1))
    status=0
    (cd "$SRCDIR" && sh -e "$tmp/block.$n.sh") > "$tmp/out" 2>&1 < /dev/null || status=$?
    if [ "$status" -ne 0 ]; then
        echo "FAIL: README.md:$line: the example exited $status:"
        sed 's/^/    /' "$tmp/block.$n.sh"
        echo "  output:"
        head -n 40 "$tmp/out" | sed 's/^/    /'
        nfail=$((nfail + 1))
    fi
done < "$tmp/blocks"

if [ "$nfail" -ne 0 ]; then
    echo "$nfail of $nblocks README example(s) failed"
    exit 1
fi
echo "all $nblocks README example(s) ran"
