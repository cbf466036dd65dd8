/* SPDX-License-Identifier: MIT */
/* test_tagger.c: overlap resolution, priors, honorifics, bylines, and one JSON line end to end. */

#include "tp_knowledge.h"

#include <string.h>

static TpKnowledge *knowledge(void) {
    TpKnowledge *k = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_knowledge_load_dir(k, TESTDATA "/gazetteers", &error));
    g_assert_no_error(error);
    g_assert_true(tp_knowledge_load_topic_model(k, TESTDATA "/models/topics.model", &error));
    g_assert_no_error(error);
    return k;
}

/* The entities of `text` as "surface/type/id" joined by '|'. */
static char *tag(TpTagger *t, const char *text) {
    const TpEntity *es = NULL;
    gsize n = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_tagger_tag_text(t, text, -1, &es, &n, &error));
    g_assert_no_error(error);
    GString *s = g_string_new(NULL);
    for (gsize i = 0; i < n; i++) {
        if (i)
            g_string_append_c(s, '|');
        g_string_append_printf(s, "%.*s/%s/%s", (int)(es[i].end_byte - es[i].start_byte),
                               text + es[i].start_byte, tp_entity_type_name(es[i].type), es[i].id);
        g_assert_cmpuint(es[i].start_cp, ==, g_utf8_strlen(text, es[i].start_byte));
        g_assert_true(es[i].score > 0.0 && es[i].score <= 1.0);
    }
    return g_string_free(s, FALSE);
}

typedef struct {
    const char *text;
    const char *entities;
} TagCase;

static const TagCase tag_cases[] = {
    /* the longest match wins over the matches inside it */
    {"She met Donald Trump.", "Donald Trump/person/person/donald-trump"},
    {"Secretary of Defense Pete Hegseth spoke",
     "Secretary of Defense/office/office/us-defense-secretary|Pete Hegseth/person/person/"
     "pete-hegseth"},
    /* an honorific belongs to the person's mention, with or without a full stop */
    {"Mr Healey said", "Mr Healey/person/person/john-healey"},
    {"Then Mr. Healey said", "Mr. Healey/person/person/john-healey"},
    {"Sir Keir Starmer", "Sir Keir Starmer/person/person/keir-starmer"},
    /* ...but not a word that is no honorific */
    {"Tell Healey", "Healey/person/person/john-healey"},
    /* a byline on its own line */
    {"Talks in Kyiv.\nBy Jane Doe\nMore text",
     "Kyiv/place/place/geonames:703448|Jane Doe/person/local:person/jane-doe"},
    {"By Jane Doe, Political Editor", "Jane Doe/person/local:person/jane-doe"},
    /* not a byline: "By" inside a sentence, or a name that goes on */
    {"Walked by Jane Doe today", ""},
    {"By Tuesday the talks ended.", ""},
    /* diacritics and typographic quotes do not stop a match */
    {"Zelenskyy’s office in Kyïv",
     "Zelenskyy/person/person/volodymyr-zelensky|Kyïv/place/place/geonames:703448"},
    /* an entry that only adds names (same-as) reports its target */
    {"Talks in Kijów.", "Kijów/place/place/geonames:703448"},
    /* exact-case acronym: "US" yes, "us" no */
    {"The US told us", "US/place/place/iso:US"},
};

static void test_tag(gconstpointer data) {
    const TagCase *c = data;
    TpKnowledge *k = knowledge();
    TpTagger *t = tp_tagger_new(k, NULL);
    g_autofree char *got = tag(t, c->text);
    g_assert_cmpstr(got, ==, c->entities);
    tp_tagger_free(t);
    tp_knowledge_free(k);
}

static void test_invalid_utf8(void) {
    TpKnowledge *k = knowledge();
    TpTagger *t = tp_tagger_new(k, NULL);
    const TpEntity *es = NULL;
    gsize n = 0;
    g_autoptr(GError) error = NULL;
    g_assert_false(tp_tagger_tag_text(t, "Kyiv \xff", -1, &es, &n, &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_FORMAT);
    tp_tagger_free(t);
    tp_knowledge_free(k);
}

typedef struct {
    const char *line;
    int code; /* -1: success */
} LineCase;

static const LineCase line_cases[] = {
    {"{\"text\":\"Kyiv\"}", -1},         {"{}", -1},
    {"{\"text\":\"a\"", TP_ERROR_PARSE}, {"[1,2]", TP_ERROR_FORMAT},
    {"{\"text\":3}", TP_ERROR_FORMAT},   {"{\"text\":\"a\",\"topics\":[]}", TP_ERROR_FORMAT},
    {"{\"text\":\"a\\u0000b\"}", -1},    {"{\"a\\u0000b\":\"x\"}", TP_ERROR_LIMIT},
    {"{\"x\":1E400}", TP_ERROR_LIMIT},   {"{\"x\":\"\xc3\"}", TP_ERROR_FORMAT},
};

static void test_line(gconstpointer data) {
    const LineCase *c = data;
    TpKnowledge *k = knowledge();
    TpTagger *t = tp_tagger_new(k, NULL);
    g_autoptr(GString) out = g_string_new("prefix");
    g_autoptr(GError) error = NULL;
    gboolean ok = tp_tagger_tag_line(t, c->line, strlen(c->line), NULL, out, &error);
    if (c->code < 0) {
        g_assert_no_error(error);
        g_assert_true(ok);
        g_assert_true(g_str_has_prefix(out->str + 6, c->line[1] == '}' ? "{\"entities\":[]" : "{"));
        g_assert_true(g_str_has_suffix(out->str, "}"));
    } else {
        g_assert_false(ok);
        g_assert_error(error, TP_ERROR, c->code);
        g_assert_cmpstr(out->str, ==, "prefix"); /* nothing appended on failure */
    }
    tp_tagger_free(t);
    tp_knowledge_free(k);
}

static void test_line_offsets(void) {
    TpKnowledge *k = knowledge();
    TpTagger *t = tp_tagger_new(k, NULL);
    const char *line = "{\"text\":\"🙂 Kyiv\"}";
    const struct {
        TpOffsetUnit unit;
        const char *want;
    } cases[] = {{TP_OFFSETS_CODEPOINTS, "\"start\":2,\"end\":6"},
                 {TP_OFFSETS_BYTES, "\"start\":5,\"end\":9"},
                 {TP_OFFSETS_UTF16, "\"start\":3,\"end\":7"}};
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        TpLineOptions opt = {.offsets = cases[i].unit, .max_topics = 3};
        g_autoptr(GString) out = g_string_new(NULL);
        g_assert_true(tp_tagger_tag_line(t, line, strlen(line), &opt, out, NULL));
        g_assert_nonnull(strstr(out->str, cases[i].want));
    }
    tp_tagger_free(t);
    tp_knowledge_free(k);
}

/* What is derived from the loaded files (the office index, tp_knowledge_finish)
 * follows every load: a file loaded after a tagger was made counts for the
 * taggers made after it, and the index is built from all the files. */
static void test_finish_after_load(void) {
    const char *text = "The US defence secretary spoke.";
    TpKnowledge *k = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_knowledge_load_dir(k, TESTDATA "/gazetteers/lexicon", &error));
    g_assert_no_error(error);
    TpTagger *before = tp_tagger_new(k, &error);
    g_assert_no_error(error);
    g_autofree char *without = tag(before, text);
    tp_tagger_free(before);
    g_assert_null(strstr(without, "office/us-defense-secretary"));
    /* "defence" (not an alias's spelling) reaches the entry only through the index. */
    g_assert_true(tp_knowledge_load_file(k, TESTDATA "/gazetteers/test.tsv", &error));
    g_assert_no_error(error);
    TpTagger *after = tp_tagger_new(k, &error);
    g_assert_no_error(error);
    g_autofree char *with = tag(after, text);
    tp_tagger_free(after);
    g_assert_nonnull(strstr(with, "US defence secretary/office/office/us-defense-secretary"));
    tp_knowledge_free(k);
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(tag_cases); i++) {
        g_autofree char *path = g_strdup_printf("/tagger/tag/%u", i);
        g_test_add_data_func(path, &tag_cases[i], test_tag);
    }
    g_test_add_func("/tagger/invalid-utf8", test_invalid_utf8);
    for (guint i = 0; i < G_N_ELEMENTS(line_cases); i++) {
        g_autofree char *path = g_strdup_printf("/tagger/line/%u", i);
        g_test_add_data_func(path, &line_cases[i], test_line);
    }
    g_test_add_func("/tagger/line/offsets", test_line_offsets);
    g_test_add_func("/tagger/finish-after-load", test_finish_after_load);
    return g_test_run();
}
