#!/bin/sh
# SPDX-License-Identifier: MIT
# Every long option that a command's --help lists is described in its man
# page and offered by both shell completions, and the man pages list no
# option the command does not have.
set -eu
: "${TAGPIPE:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"

bash_comp="$SRCDIR/completions/tagpipe.bash"
zsh_comp="$SRCDIR/completions/_tagpipe"
for cmd in main html train train-entities; do
    case $cmd in
    main) args="" page=tagpipe.1 ;;
    *) args=$cmd page=tagpipe-$cmd.1 ;;
    esac
    # shellcheck disable=SC2086
    "$TAGPIPE" $args --help > "$tmp/help"
    grep -o -e '--[a-z][a-z0-9-]*' "$tmp/help" | sort -u > "$tmp/opts.all"
    # Only the option lines (two spaces, then -x, or --name), not the examples.
    sed -n 's/^  \(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p' "$tmp/help" | sort -u > "$tmp/opts"
    [ "$(wc -l < "$tmp/opts")" -ge 3 ] || bad "$cmd: only $(wc -l < "$tmp/opts") options read from --help"
    # The man page writes "\-\-name"; read it back as "--name".
    sed 's/\\-/-/g' "$SRCDIR/man/$page" > "$tmp/man"
    while read -r opt; do
        grep -q -e "$opt" "$tmp/man" || bad "$cmd: $opt is not in man/$page"
        grep -q -e "$opt\\b" "$bash_comp" || bad "$cmd: $opt is not in completions/tagpipe.bash"
        [ "$opt" = --help ] || grep -q -e "$opt\\b" "$zsh_comp" || bad "$cmd: $opt is not in completions/_tagpipe"
    done < "$tmp/opts"
    # Options the man page describes (as ".BR --name" or ".B --name" items) exist.
    sed -n 's/^\.BR\{0,1\} \(-[A-Za-z] *", " \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p' "$tmp/man" |
        sort -u > "$tmp/man.opts"
    [ "$(wc -l < "$tmp/man.opts")" -ge 3 ] || bad "$cmd: only $(wc -l < "$tmp/man.opts") options read from man/$page"
    while read -r opt; do
        grep -qx -e "$opt" "$tmp/opts" || bad "$cmd: man/$page describes $opt, which --help does not list"
    done < "$tmp/man.opts"
done
finish "help, man pages and completions agree"
