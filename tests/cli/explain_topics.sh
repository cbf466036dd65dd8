#!/bin/sh
# SPDX-License-Identifier: MIT
# --explain-topics: for each document, its topics (best first, at most
# --max-topics) each with the features that moved it, on a fixed document
# and a fixed model written here.
set -eu
. "$(dirname "$0")/../lib/cli.sh"
mkdir "$tmp/model"
cat > "$tmp/model/topics.model" <<'M'
# tagpipe-topic-model 1
stemmer	english
scaling	log
topic	politics	medtop:11000000	politics
topic	sport	medtop:15000000	sport
topic	health	medtop:07000000	health
bias	sport	-0.5
threshold	politics	0.2
threshold	sport	0.2
threshold	health	0.2
feature	w:elect	politics:2
feature	w:vaccin	health:1.5 politics:-0.25
feature	w:goal	sport:3
feature	w:minist	politics:0.5 health:0.5
# end
M
printf '%s\n' '{"text":"The minister said the vaccine election vaccine."}' '{"text":"A goal."}' > "$tmp/in"
"$TAGPIPE" --gazetteers "$TESTDATA/gazetteers" --models "$tmp/model" --explain-topics --max-topics 2 \
    < "$tmp/in" > "$tmp/out" 2> "$tmp/err" || bad "exit status $?: $(cat "$tmp/err")"
# log scaling: value = 1 + ln(count), so two "vaccine" give 1.5 * 1.693 = 2.540;
# health's logit 3.040, politics' 2.077, sport's -0.5: softmax 0.709, 0.271.
cat > "$tmp/want" <<'W'
health 0.709 (bias +0.000, threshold 0.20)
  +2.540 w:vaccin (2)
  +0.500 w:minist (1)
politics 0.271 (bias +0.000, threshold 0.20)
  +2.000 w:elect (1)
  +0.500 w:minist (1)
  -0.423 w:vaccin (2)

sport 0.859 (bias -0.500, threshold 0.20)
  +3.000 w:goal (1)

W
diff -u "$tmp/want" "$tmp/out" || bad "explanation differs"
finish
