#!/bin/sh
# SPDX-License-Identifier: MIT
# `tagpipe html` without a browser: escaping, tooltips, bad lines, offsets
# units, usage and write errors (tests/cli/html_chromium.sh checks the page as
# rendered).
set -eu
. "$SRCDIR/tests/lib/cli.sh"

crafted=$SRCDIR/tests/data/html/crafted.jsonl
html() {
    status=0
    "$TAGPIPE" html "$@" > "$tmp/out" 2> "$tmp/err" || status=$?
}

html --title 'News <&>' "$crafted"
[ "$status" -eq 0 ] || bad "crafted lines: exit $status, $(cat "$tmp/err")"
[ ! -s "$tmp/err" ] || bad "crafted lines: stderr $(cat "$tmp/err")"
grep -q 'alert(1)&lt;/script&gt; &amp; &quot;Q&quot;&#13;' "$tmp/out" ||
    bad "the text is not HTML-escaped (CR as &#13;)"
grep -q '&#1;' "$tmp/out" || bad "a control byte is not written as a reference"
grep -q '<title>News &lt;&amp;&gt;</title>' "$tmp/out" || bad "the title is not escaped"
grep -q 'title="A &quot;b&quot; &lt;i&gt;' "$tmp/out" || bad "a name in a tooltip is not escaped"
grep -q '^held by p/x' "$tmp/out" || bad "the office's holder is not in its tooltip"
grep -q '<li>politics &lt;b&gt;' "$tmp/out" || bad "topics are missing or not escaped"
grep -Eq '(src|href)=' "$tmp/out" && bad "the page refers to something outside it"
grep -q '<h2>x&lt;1&gt; <small>' "$tmp/out" || bad "the document's id is not its heading"
grep -q '<h2>7 <small>' "$tmp/out" || bad "a numeric id is not the heading"
# Only the fields asked for and those entities name: "title" has one.
grep -q 'data-field="title"' "$tmp/out" || bad "the field an entity names is not shown"

# The tooltip shows the holder's name when the holder is in the line.
echo '{"text":"President Trump","entities":[{"text":"President","type":"office","start":0,"end":9,"field":"text","holder":"person/t"},{"text":"Trump","type":"person","start":10,"end":15,"field":"text","name":"Donald Trump","id":"person/t","offices":["office/p"]}]}' > "$tmp/in"
html < "$tmp/in"
grep -q '^held by Donald Trump (person/t)' "$tmp/out" || bad "the holder is not named in the tooltip"
grep -q '^offices: office/p' "$tmp/out" || bad "a person's offices are not in the tooltip"

# Offsets in other units, as given to tagpipe --offsets.
printf '%s\n' '{"text":"🙂 Kyiv","entities":[{"text":"Kyiv","type":"place","start":3,"end":7,"field":"text"}]}' > "$tmp/in"
html --offsets utf16 < "$tmp/in"
[ "$status" -eq 0 ] && grep -q '>Kyiv<span class=lbl' "$tmp/out" || bad "utf16 offsets: exit $status"
printf '%s\n' '{"text":"🙂 Kyiv","entities":[{"text":"Kyiv","type":"place","start":5,"end":9,"field":"text"}]}' > "$tmp/in"
html --offsets byte < "$tmp/in"
[ "$status" -eq 0 ] && grep -q '>Kyiv<span class=lbl' "$tmp/out" || bad "byte offsets: exit $status"
# The same line read as code points does not fit: reported, exit 1, still a page.
printf '%s\n' '{"text":"🙂 Kyiv","entities":[{"text":"Kyiv","type":"place","start":3,"end":7,"field":"text"}]}' > "$tmp/in"
html < "$tmp/in"
[ "$status" -eq 1 ] || bad "wrong offsets: exit $status, not 1"
grep -q '^tagpipe html: <stdin>:1: entity 0: \[3, 7) is not a span of "text"' "$tmp/err" ||
    bad "wrong offsets: $(cat "$tmp/err")"
grep -q '</html>' "$tmp/out" || bad "wrong offsets: the page is not finished"

# Entities out of order (offsets are looked up from the start again).
printf '%s\n' '{"text":"Kyiv and Lviv","entities":[{"text":"Lviv","type":"place","start":9,"end":13,"field":"text"},{"text":"Kyiv","type":"place","start":0,"end":4,"field":"text"}]}' > "$tmp/in"
html < "$tmp/in"
[ "$status" -eq 0 ] && [ "$(grep -o '<mark class="place"' "$tmp/out" | wc -l)" -eq 2 ] ||
    bad "unsorted entities: exit $status, $(cat "$tmp/err")"

# Read as the tagger reads: gzip input (by its magic bytes), binary refused.
html < "$crafted"
cp "$tmp/out" "$tmp/plain.html"
gzip -c "$crafted" > "$tmp/crafted.gz"
html < "$tmp/crafted.gz"
[ "$status" -eq 0 ] && cmp -s "$tmp/out" "$tmp/plain.html" ||
    bad "gzip input: exit $status, page differs from the plain input's: $(cat "$tmp/err")"
printf 'x\000y\n' > "$tmp/bin"
html "$tmp/bin"
[ "$status" -eq 1 ] && grep -q "^tagpipe html: $tmp/bin: binary input" "$tmp/err" ||
    bad "binary input: exit $status: $(cat "$tmp/err")"

# Bad lines are reported by line number; the others are still shown.
printf '%s\n' '{"text":"Kyiv","entities":[]}' 'not json' '[1]' '{"text":"Lviv","entities":{}}' > "$tmp/in"
html < "$tmp/in"
[ "$status" -eq 1 ] || bad "bad lines: exit $status, not 1"
# worded as the tagger words them (cli_json_object): the column, the kind of value
grep -q '^tagpipe html: <stdin>:2: invalid JSON: .* (column [0-9]*)$' "$tmp/err" || bad "bad lines: $(cat "$tmp/err")"
grep -q '^tagpipe html: <stdin>:3: not a JSON object but an array$' "$tmp/err" || bad "bad lines: $(cat "$tmp/err")"
grep -q '^tagpipe html: <stdin>:4: "entities" is not an array' "$tmp/err" || bad "bad lines: $(cat "$tmp/err")"
grep -q '>Kyiv</div>' "$tmp/out" && grep -q '>Lviv</div>' "$tmp/out" || bad "bad lines: good text not shown"
html "$tmp/no-such-file" "$crafted"
[ "$status" -eq 1 ] && grep -q 'no-such-file: No such file' "$tmp/err" || bad "missing FILE: exit $status"
grep -q 'data-doc="1"' "$tmp/out" || bad "missing FILE: the next file is not shown"

# Usage and write errors.
html --offsets bogus < /dev/null
[ "$status" -eq 2 ] && grep -q "Try 'tagpipe html --help'" "$tmp/err" || bad "bad --offsets: exit $status"
html --help
[ "$status" -eq 0 ] && grep -q 'tagpipe html > view.html' "$tmp/out" || bad "--help: exit $status"
status=0
"$TAGPIPE" html "$crafted" > /dev/full 2> "$tmp/err" || status=$?
[ "$status" -eq 4 ] && grep -q 'write error' "$tmp/err" || bad "/dev/full: exit $status"

# As a filter after tagging.
"$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$TESTDATA/models" < "$SRCDIR/examples/news.jsonl" |
    "$TAGPIPE" html > "$tmp/view.html" || bad "tagpipe | tagpipe html failed"
[ "$(grep -c '<article class=doc' "$tmp/view.html")" -eq "$(grep -c . "$SRCDIR/examples/news.jsonl")" ] ||
    bad "one article per input line"

finish
