#!/bin/sh
# SPDX-License-Identifier: MIT
# Only tp_ symbols leave the shared library, and every TP_API function of the header does.
set -eu
: "${LIBTAGPIPE:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"

if ! nm -D --defined-only "$LIBTAGPIPE" > "$tmp/nm"; then
    echo "FAIL: nm -D --defined-only $LIBTAGPIPE failed"
    exit 1
fi
# Symbol names, without any version suffix (name@@VERSION).
awk 'NF >= 3 { print $3 } NF == 2 { print $2 }' "$tmp/nm" | sed 's/@.*//' | sort -u > "$tmp/syms"
[ -s "$tmp/syms" ] || { echo "FAIL: no exported symbols at all in $LIBTAGPIPE"; exit 1; }

# Anything that is neither tp_ nor the linker's own markers is a leak.
grep -v -e '^tp_' -e '^_init$' -e '^_fini$' -e '^__bss_start$' -e '^_edata$' -e '^_end$' \
    "$tmp/syms" > "$tmp/leaked" || true
if [ -s "$tmp/leaked" ]; then
    bad "$(wc -l < "$tmp/leaked") exported symbol(s) without the tp_ prefix:"
    grep -F -f "$tmp/leaked" "$tmp/nm" | sed 's/^/    /'
fi

# Each function the public header marks TP_API is exported.
grep -v '^[[:space:]]*#' "$SRCDIR/include/tagpipe.h" | tr '\n' ' ' | grep -o 'TP_API [^;(]*(' |
    sed 's/.*[ *]\([A-Za-z_][A-Za-z0-9_]*\)($/\1/' | sort -u > "$tmp/declared"
[ "$(wc -l < "$tmp/declared")" -ge 5 ] || bad "found only $(wc -l < "$tmp/declared") TP_API functions in include/tagpipe.h"
while read -r f; do
    grep -qx "$f" "$tmp/syms" || bad "$f is declared TP_API in include/tagpipe.h but not exported"
done < "$tmp/declared"

finish "all $(wc -l < "$tmp/syms") exported symbols are tp_ or linker markers"
