/* SPDX-License-Identifier: MIT */
/* fuzz_line.c: libFuzzer target: arbitrary bytes as one input line through tp_tagger_tag_line(). */

#include "tagpipe.h"

#include <stdint.h>
#include <stdlib.h>

static TpTagger *tagger;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The test data (tests/data), once, outside the timed runs: small enough to
 * start in a second under ASan, and it has every kind of entry and cue. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    g_autoptr(GError) error = NULL;
    TpKnowledge *k = tp_knowledge_new();
    if (!tp_knowledge_load_dir(k, TESTDATA "/gazetteers", &error) ||
        !tp_knowledge_load_topic_model(k, TESTDATA "/models/topics.model", &error) ||
        !tp_knowledge_load_cues(k, TESTDATA "/models/cues.tsv", &error))
        g_error("fuzz_line: %s", error->message);
    tagger = tp_tagger_new(k, &error);
    if (tagger == NULL)
        g_error("fuzz_line: %s", error->message);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const text_only[] = {"text", NULL};
    static const char *const several[] = {"title", "text", "article.body", NULL};
    static const TpOffsetUnit units[] = {TP_OFFSETS_CODEPOINTS, TP_OFFSETS_BYTES, TP_OFFSETS_UTF16};
    if (size == 0)
        return 0;
    /* The first byte picks the options that change the path. */
    guint8 sel = data[0];
    TpLineOptions opt = {
        .fields = (sel & 4) ? several : text_only,
        .offsets = units[sel % 3],
        .min_topic_score = (sel & 8) ? 0.0 : 0.25,
        .max_topics = (sel & 16) ? 17 : 3,
        .min_score = (sel & 32) ? 0.5 : 0.0,
    };
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    gboolean ok = tp_tagger_tag_line(tagger, (const char *)data + 1, size - 1, &opt, out, &error);
    /* The contract: success appends the line and more, failure appends nothing. */
    if (ok ? out->len < size - 1 : (out->len != 0 || error == NULL))
        abort();
    tp_tagger_reset(tagger);
    return 0;
}
