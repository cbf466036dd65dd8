#!/bin/sh
# SPDX-License-Identifier: MIT
# `tagpipe html` as a browser shows it: headless Chromium loads the page with
# #check, whose inline script lists every highlighted entity as laid out
# (document, field, code-point start and end measured in the rendered text,
# type, text); that list must be exactly the entities of the JSON input, as jq
# reads them. Input: hand-made lines (nesting, crossing spans, one span with
# two types, HTML and control characters in the text, an emoji before the
# entities, a second field) and examples/news.jsonl tagged with the shipped
# data. Skipped (77) only when chromium is not installed.
set -eu
. "$SRCDIR/tests/lib/cli.sh"

chromium=${CHROMIUM:-chromium}
if ! command -v "$chromium" > /dev/null 2>&1; then
    echo "SKIP: $chromium is not installed (scripts/deps.sh installs it)"
    exit 77
fi

# Chromium in a folder of its own, without a sandbox (CI runs as root).
render() { # render URL: the DOM after load, on stdout
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$tmp/profile" --window-size=1200,900 --dump-dom "$1" 2> "$tmp/chromium.err"
}

cp "$SRCDIR/tests/data/html/crafted.jsonl" "$tmp/in.jsonl"
"$TAGPIPE" < "$SRCDIR/examples/news.jsonl" >> "$tmp/in.jsonl"
"$TAGPIPE" html --field title "$tmp/in.jsonl" > "$tmp/page.html" 2> "$tmp/err" ||
    bad "tagpipe html exited $?: $(cat "$tmp/err")"

render "file://$tmp/page.html#check" > "$tmp/dom.html" || bad "chromium exited $?: $(tail -5 "$tmp/chromium.err")"
# The check list is one JSON value a line between <pre id="check"> and </pre>,
# all non-ASCII escaped by the script, so nothing in it is HTML-escaped.
sed -n '/<pre id="check">/,/<\/pre>/p' "$tmp/dom.html" |
    sed -e 's/.*<pre id="check">//' -e 's/<\/pre>.*//' | jq -c . > "$tmp/check" ||
    bad "the rendered page has no readable check list"

head -n 1 "$tmp/check" > "$tmp/page-facts"
echo '{"scripts":1,"external":0,"hidden":0,"types":4,"colours":4}' | cmp -s - "$tmp/page-facts" ||
    bad "the page is not one script, no external resource, every mark visible, a colour per type: $(cat "$tmp/page-facts")"

tail -n +2 "$tmp/check" | sort > "$tmp/shown"
jq -s -c 'to_entries[] | .key as $d | .value.entities[] | [$d, .field, .start, .end, .type, .text]' \
    "$tmp/in.jsonl" | sort > "$tmp/want"
[ "$(wc -l < "$tmp/want")" -gt 100 ] || bad "too few entities in the input: $(wc -l < "$tmp/want")"
diff -u "$tmp/want" "$tmp/shown" > "$tmp/diff" || bad "highlighted spans differ from the entities: $(head -n 20 "$tmp/diff")"

# The text in the page is the field's text: "<script>" in it stays text.
grep -c '<script' "$tmp/page.html" | grep -qx 1 || bad "the input's <script> reached the page as markup"

# Without #check the page lists nothing.
render "file://$tmp/page.html" > "$tmp/dom-plain.html" || bad "chromium exited $?"
grep -q '<pre id="check"></pre>' "$tmp/dom-plain.html" || bad "the check list is filled without #check"

finish "the rendered page highlights exactly the $(wc -l < "$tmp/want") entities"
