#!/bin/sh
# SPDX-License-Identifier: MIT
# The shipped gazetteers load, and pass the data checks: well-formed lines,
# unique ids, valid country codes, no alias shared by two entries of one type
# without different priors (scripts/check-gazetteers.py).
set -eu
LC_ALL=C
export LC_ALL
fail=0
out=$("$TAGPIPE" --gazetteers "$SRCDIR/gazetteers" --models "$SRCDIR/models" --list-gazetteers) ||
    { echo "FAIL: the shipped gazetteers do not load"; fail=1; }
for t in person office place organization; do
    printf '%s\n' "$out" | grep -q "^total	$t	[1-9][0-9]* entries" ||
        { echo "FAIL: no $t entries listed"; fail=1; }
done
python3 "$SRCDIR/scripts/check-gazetteers.py" "$SRCDIR/gazetteers" || fail=1
exit $fail
