#!/bin/sh
# SPDX-License-Identifier: MIT
# Byte preservation of the input line, line endings, blank lines, --field and --offsets units.
set -eu
: "${TAGPIPE:?}" "${TESTDATA:?}" "${SRCDIR:?}"
. "$SRCDIR/tests/lib/cli.sh"
# ok WHAT: the last run exited 0 with nothing on stderr.
ok() {
    if [ "$status" -ne 0 ] || [ -s "$tmp/err" ]; then
        bad "$1: exit $status (expected 0), stderr:"
        cat "$tmp/err"
    fi
    return 0
}
# same WHAT EXPECTED ACTUAL: exact byte comparison.
same() {
    if ! cmp -s "$2" "$3"; then
        bad "$1"
        diff "$2" "$3" | head -n 20 || true
    fi
    return 0
}

# check.py UNIT IN OUT FIELD...: each output line is its input line, byte for byte,
# with ,"entities":[...],"topics":[...] spliced in before the closing brace (blank
# lines unchanged); every entity's start/end, in UNIT, slice its text out of the
# value of its field. Prints the entities as field|start|end|text|id, one per line.
cat > "$tmp/check.py" <<'EOF'
import json, sys

unit, inp, outp, fields = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
raw_in = open(inp, 'rb').read()
raw_out = open(outp, 'rb').read()
errors = []
if raw_out and not raw_out.endswith(b'\n'):
    errors.append('output does not end with a newline')
if b'\r' in raw_out:
    errors.append('output contains a carriage return')
lines_in = [l[:-1] if l.endswith(b'\r') else l for l in raw_in.split(b'\n')]
if raw_in.endswith(b'\n'):
    lines_in.pop()
lines_out = raw_out.split(b'\n')[:-1]
if len(lines_in) != len(lines_out):
    errors.append('%d lines in, %d lines out' % (len(lines_in), len(lines_out)))

def lookup(obj, path):
    for step in path.split('.'):
        if not isinstance(obj, dict) or step not in obj:
            return None
        obj = obj[step]
    return obj

def sliced(s, start, end):
    if unit == 'codepoint':
        return s[start:end]
    if unit == 'byte':
        return s.encode('utf-8')[start:end].decode('utf-8')
    return s.encode('utf-16-le')[2 * start:2 * end].decode('utf-16-le')

dec = json.JSONDecoder()
for n, (a, b) in enumerate(zip(lines_in, lines_out), 1):
    if a.strip(b' \t') == b'':
        if a != b:
            errors.append('line %d: blank line changed: %r -> %r' % (n, a, b))
        continue
    body = a.rstrip(b' \t')
    brace = len(body) - 1
    head, tail = a[:brace], a[brace:]
    if not (b.startswith(head) and b.endswith(tail)):
        errors.append('line %d: input bytes not kept:\n  in:  %r\n  out: %r' % (n, a, b))
        continue
    mid = b[len(head):len(b) - len(tail)].decode('utf-8')
    empty = json.loads(a.decode('utf-8')) == {}
    prefix = '"entities":' if empty else ',"entities":'
    try:
        if not mid.startswith(prefix):
            raise ValueError('expected %r' % prefix)
        ents, i = dec.raw_decode(mid, len(prefix))
        if not mid.startswith(',"topics":', i):
            raise ValueError('expected ,"topics":')
        tops, i = dec.raw_decode(mid, i + len(',"topics":'))
        if i != len(mid) or not isinstance(ents, list) or not isinstance(tops, list):
            raise ValueError('trailing bytes or not arrays')
    except ValueError as e:
        errors.append('line %d: spliced part is not ,"entities":[...],"topics":[...] (%s): %r' % (n, e, mid))
        continue
    obj = json.loads(a.decode('utf-8'))
    for e in ents:
        if e.get('field') not in fields:
            errors.append('line %d: entity of unexpected field: %r' % (n, e))
            continue
        s = lookup(obj, e['field'])
        got = sliced(s, e['start'], e['end'])
        if got != e['text']:
            errors.append('line %d: %s offsets %d:%d give %r, entity text is %r'
                          % (n, unit, e['start'], e['end'], got, e['text']))
        print('%d|%s|%d|%d|%s|%s' % (n, e['field'], e['start'], e['end'], e['text'], e.get('id')))
for e in errors:
    print('ERROR: ' + e)
sys.exit(1 if errors else 0)
EOF
# check WHAT UNIT IN FIELD...: runs check.py on IN and $tmp/out; entities in $tmp/ents.
check() {
    what=$1
    shift
    if ! python3 "$tmp/check.py" "$1" "$2" "$tmp/out" "$@" > "$tmp/ents"; then
        bad "$what:"
        grep '^ERROR' "$tmp/ents"
    fi
    return 0
}
# has WHAT LINE: $tmp/ents has exactly this entity line.
has() {
    grep -qxF "$2" "$tmp/ents" || { bad "$1: no entity $2; found:"; cat "$tmp/ents"; }
    return 0
}

# ---- the input bytes are kept: numbers, escapes, spacing, key order, nesting ----
cat > "$tmp/bytes.jsonl" <<'EOF'
{"n": 0.1, "z": -0, "e": 1e2, "E": 1E+2, "f": -1.5e-3, "g": 0.10, "h": 1.0000000000000000000001, "text": "Kyiv"}
{"big": 12345678901234567890, "neg": -98765432109876543210, "text": "NATO"}
{"z":1,"a":2,"m":{"y":[3,2,1],"b":null},"text":"Brussels","c":true,"0":false}
{  "text"  :  "Mr Trump in Kyiv"  ,"x" :[ 1 ,	2 ]  ,"y":{ }  }
{"s":"\u00e9\/\"\\\n\t\r\b\f\u0001x","text":"Caf\u00e9 in Kyiv \/ NATO \"quoted\" \\ Brussels"}
{"meta":{"a":{"b":[{"c":[[],{}]}],"text":"Kyiv"}},"text":"Zelensky"}
{"text":"Київ — Kyiv, «Zelensky» 🙂 NATO"}
{"ключ":"значение","\u043a":"\ud83d\ude42","text":"\ud83d\ude42 Kyiv"}
{"text":"Kyiv"}	  
{}
{ }
{"text":""}
{"text":null,"other":"Kyiv"}
{"a":[1,2,{"text":"Kyiv"}],"text":"nothing here"}
EOF
tp --threads 1 < "$tmp/bytes.jsonl"
ok "byte preservation"
check "byte preservation" codepoint "$tmp/bytes.jsonl" text
has "byte preservation" '1|text|0|4|Kyiv|place/geonames:703448'
has "byte preservation" '3|text|0|8|Brussels|place/geonames:2800866'
has "byte preservation" '4|text|12|16|Kyiv|place/geonames:703448'
has "byte preservation" '8|text|2|6|Kyiv|place/geonames:703448'
# Exact lines where the answer is obvious.
sed -n '10,13p' "$tmp/out" > "$tmp/got"
printf '%s\n' '{"entities":[],"topics":[]}' '{ "entities":[],"topics":[]}' \
    '{"text":"","entities":[],"topics":[]}' '{"text":null,"other":"Kyiv","entities":[],"topics":[]}' \
    > "$tmp/want"
same "empty objects, empty and null text" "$tmp/want" "$tmp/got"
# Trailing white space after the closing brace stays after it.
sed -n '9p' "$tmp/out" | grep -q '"topics":\[[^]]*\]}	  $' ||
    bad "line 9: trailing white space after the brace not kept: $(sed -n '9p' "$tmp/out")"

# ---- line endings: CRLF and a missing final newline ----
printf '{"text":"Kyiv"}\r\n{"text":"NATO"}\r\n\r\n{"a":1}\r\n{"text":"Brussels"}' > "$tmp/crlf.jsonl"
printf '{"text":"Kyiv"}\n{"text":"NATO"}\n\n{"a":1}\n{"text":"Brussels"}\n' > "$tmp/lf.jsonl"
for threads in 1 2; do
    tp --threads "$threads" < "$tmp/lf.jsonl"
    ok "LF input"
    cp "$tmp/out" "$tmp/lf.out"
    [ "$(wc -l < "$tmp/lf.out")" -eq 5 ] || bad "LF input: $(wc -l < "$tmp/lf.out") lines out, expected 5"
    tp --threads "$threads" < "$tmp/crlf.jsonl"
    ok "CRLF input without final newline (--threads $threads)"
    same "CRLF input without final newline gives the LF output (--threads $threads)" "$tmp/lf.out" "$tmp/out"
    check "CRLF input (--threads $threads)" codepoint "$tmp/crlf.jsonl" text
done
printf '{"text":"Kyiv"}' | tp --threads 1
ok "one line without newline"
[ "$(wc -l < "$tmp/out")" -eq 1 ] && [ "$(head -c 15 "$tmp/out")" = '{"text":"Kyiv",' ] ||
    { bad "one line without newline: expected one tagged line"; cat "$tmp/out"; }
[ "$(tail -c 1 "$tmp/out" | od -An -c | tr -d ' ')" = '\n' ] ||
    bad "one line without newline: output does not end with a newline"

# ---- blank lines pass through as they are; empty input gives empty output ----
printf '\n   \n\t\n \t \n{"text":"Kyiv"}\n\n' > "$tmp/blank.jsonl"
tp --threads 1 < "$tmp/blank.jsonl"
ok "blank lines"
check "blank lines" codepoint "$tmp/blank.jsonl" text
head -n 4 "$tmp/blank.jsonl" > "$tmp/want"
head -n 4 "$tmp/out" > "$tmp/got"
same "blank lines: kept byte for byte" "$tmp/want" "$tmp/got"
[ "$(tail -n 1 "$tmp/out")" = "" ] || bad "blank last line not kept"
printf '\n\n' | tp --threads 2
ok "only blank lines"
[ "$(od -An -c < "$tmp/out" | tr -d ' ')" = '\n\n' ] || bad "only blank lines: output is not two empty lines"
tp --threads 1 < /dev/null
ok "empty input"
[ -s "$tmp/out" ] && bad "empty input: output not empty"

# ---- --field: several fields, dotted paths ----
cat > "$tmp/fields.jsonl" <<'EOF'
{"title":"Kyiv talks","text":"NATO met in Brussels"}
{"text":"Zelensky","title":"Putin"}
{"title":"Kyiv"}
{"text":"Kyiv","title":null}
{"article":{"body":"Mr Trump in Kyiv","title":"NATO"},"text":"Brussels"}
{"article":"Kyiv"}
{"article":{"body":null}}
{"article":{"inner":{"body":"Kyiv"}}}
EOF
tp --threads 1 --field title --field text < "$tmp/fields.jsonl"
ok "--field title --field text"
check "--field title --field text" codepoint "$tmp/fields.jsonl" title text
cat > "$tmp/want" <<'EOF'
1|title|0|4|Kyiv|place/geonames:703448
1|text|0|4|NATO|org/nato
1|text|12|20|Brussels|place/geonames:2800866
2|title|0|5|Putin|person/vladimir-putin
2|text|0|8|Zelensky|person/volodymyr-zelensky
3|title|0|4|Kyiv|place/geonames:703448
4|text|0|4|Kyiv|place/geonames:703448
5|text|0|8|Brussels|place/geonames:2800866
EOF
same "--field title --field text: entities" "$tmp/want" "$tmp/ents"

tp --threads 1 --field article.body < "$tmp/fields.jsonl"
ok "--field article.body"
check "--field article.body" codepoint "$tmp/fields.jsonl" article.body
cat > "$tmp/want" <<'EOF'
5|article.body|0|8|Mr Trump|person/donald-trump
5|article.body|12|16|Kyiv|place/geonames:703448
EOF
same "--field article.body: entities" "$tmp/want" "$tmp/ents"

tp --threads 1 --field article.inner.body --field article.title < "$tmp/fields.jsonl"
ok "--field article.inner.body --field article.title"
check "--field article.inner.body --field article.title" codepoint "$tmp/fields.jsonl" \
    article.inner.body article.title
cat > "$tmp/want" <<'EOF'
5|article.title|0|4|NATO|org/nato
8|article.inner.body|0|4|Kyiv|place/geonames:703448
EOF
same "--field article.inner.body --field article.title: entities" "$tmp/want" "$tmp/ents"

# ---- offsets: code points (default), bytes, UTF-16 ----
cat > "$tmp/offsets.jsonl" <<'EOF'
{"text":"🙂e\u0301 北京 Kyiv 😀😀 NATO"}
{"text":"\ud83d\ude42 Caf\u00e9 e\u0301 Kyiv\nNATO \u5317\u4eac Brussels"}
{"text":"👩‍👩‍👧 Kyiv 🇺🇦 NATO ﷺ Zelensky"}
{"text":"İstanbul ǅ Kyiv ß NATO"}
{"text":"𝔘𝔫𝔦𝔠𝔬𝔡𝔢 Zelensky, Putin und Starmer — 東京で Kyiv"}
{"title":"🙂🙂🙂 Brussels","text":"ä\u0308\u0308 NATO"}
EOF
for unit in codepoint byte utf16; do
    tp --threads 1 --offsets="$unit" --field title --field text < "$tmp/offsets.jsonl"
    ok "--offsets=$unit"
    check "--offsets=$unit" "$unit" "$tmp/offsets.jsonl" title text
    cut -d'|' -f1,2,5,6 "$tmp/ents" > "$tmp/ents.$unit"
    [ "$(wc -l < "$tmp/ents")" -ge 12 ] || { bad "--offsets=$unit: too few entities"; cat "$tmp/ents"; }
done
# The example articles (curly quotes, dashes, ellipses) in every unit too.
for unit in codepoint byte utf16; do
    tp --threads 1 --offsets="$unit" --field title --field text < "$SRCDIR/examples/news.jsonl"
    ok "examples/news.jsonl, --offsets=$unit"
    check "examples/news.jsonl, --offsets=$unit" "$unit" "$SRCDIR/examples/news.jsonl" title text
    [ "$(wc -l < "$tmp/ents")" -ge 50 ] || bad "examples/news.jsonl, --offsets=$unit: too few entities"
done
same "the same entities whatever the unit (byte)" "$tmp/ents.codepoint" "$tmp/ents.byte"
same "the same entities whatever the unit (utf16)" "$tmp/ents.codepoint" "$tmp/ents.utf16"
# No --offsets is --offsets=codepoint.
tp --threads 1 --field title --field text < "$tmp/offsets.jsonl"
cp "$tmp/out" "$tmp/default.out"
tp --threads 1 --offsets=codepoint --field title --field text < "$tmp/offsets.jsonl"
same "default offsets are code points" "$tmp/default.out" "$tmp/out"
# One entity worked out by hand in each unit: Kyiv on line 1.
for spec in codepoint:7:11 byte:15:19 utf16:8:12; do
    unit=${spec%%:*}
    tp --threads 1 --offsets="$unit" < "$tmp/offsets.jsonl"
    want=$(echo "$spec" | cut -d: -f2,3 | sed 's/\(.*\):\(.*\)/"start":\1,"end":\2/')
    head -n 1 "$tmp/out" | grep -qF "{\"text\":\"Kyiv\",\"type\":\"place\",$want," ||
        { bad "--offsets=$unit: Kyiv on line 1 is not at $want"; head -n 1 "$tmp/out"; }
done

finish
