/* SPDX-License-Identifier: MIT */
/* test_topics.c: the topic model loader (good and bad files), features, scores, the shipped model.
 */

#include "tp_knowledge.h"
#include "tp_topics.h"
#include "tp_test.h"

#include <glib/gstdio.h>
#include <jansson.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* Write `contents` to a temporary file; returns its path (free with g_free). */
static char *write_tmp(const char *contents, gssize len) {
    return tp_test_write_tmp("tp-topics-XXXXXX.model", contents, len);
}

#define HDR "# tagpipe-topic-model 1\n"
#define TOPICS                                                                                     \
    "stemmer\tenglish\n"                                                                           \
    "scaling\tlog-norm\n"                                                                          \
    "topic\tpolitics\tmedtop:11000000\tpolitics\n"                                                 \
    "topic\tsport\tmedtop:15000000\tsport\n"                                                       \
    "topic\telection\tmedtop:20000574\telection\tparent=politics\n"

static const char good[] = HDR "# a comment\n" TOPICS "bias\tsport\t-0.5\n"
                               "feature\tw:elect\tpolitics:1.5 election:2\n"
                               "feature\tw:goal\tsport:3\n"
                               "feature\tb:world_cup\tsport:2.5\n"
                               "feature\tk:club\tsport:1\n"
                               "\n"
                               "# end\n";

static TpTopicModel *load_text(const char *text, GError **error) {
    g_autofree char *path = write_tmp(text, -1);
    TpTopicModel *m = tp_topic_model_load(path, error);
    g_unlink(path);
    return m;
}

static void test_load_good(void) {
    g_autoptr(GError) error = NULL;
    TpTopicModel *m = load_text(good, &error);
    g_assert_no_error(error);
    g_assert_nonnull(m);
    g_assert_cmpuint(tp_topic_model_n_topics(m), ==, 3);
    const char *label = NULL;
    g_assert_cmpstr(tp_topic_model_key(m, 2, &label), ==, "election");
    g_assert_cmpstr(label, ==, "election");
    tp_topic_model_free(m);
}

typedef struct {
    const char *name;
    const char *contents;
    int code;
} BadCase;

static const BadCase bad_cases[] = {
    {"no-header", TOPICS "# end\n", TP_ERROR_FORMAT},
    {"wrong-version", "# tagpipe-topic-model 2\n" TOPICS "# end\n", TP_ERROR_FORMAT},
    {"truncated", HDR TOPICS "feature\tw:goal\tsport:3\n", TP_ERROR_FORMAT},
    {"truncated-mid-line", HDR TOPICS "feature\tw:goal\tsport:", TP_ERROR_PARSE},
    {"no-topic", HDR "stemmer\tenglish\n# end\n", TP_ERROR_FORMAT},
    {"text-after-end", HDR TOPICS "# end\nfeature\tw:goal\tsport:3\n", TP_ERROR_PARSE},
    {"unknown-line", HDR TOPICS "weight\tw:goal\tsport:3\n# end\n", TP_ERROR_PARSE},
    {"topic-missing-label", HDR "topic\tsport\tmedtop:15000000\n# end\n", TP_ERROR_PARSE},
    {"topic-twice", HDR TOPICS "topic\tsport\t-\tsport\n# end\n", TP_ERROR_PARSE},
    {"topic-key-with-colon", HDR "topic\ta:b\t-\tab\n# end\n", TP_ERROR_PARSE},
    {"topic-after-feature", HDR TOPICS "feature\tw:goal\tsport:3\ntopic\tx\t-\tx\n# end\n",
     TP_ERROR_PARSE},
    {"bad-parent-column", HDR "topic\ta\t-\ta\tmother=b\n# end\n", TP_ERROR_PARSE},
    {"unknown-parent", HDR "topic\ta\t-\ta\tparent=b\n# end\n", TP_ERROR_PARSE},
    {"bias-unknown-topic", HDR TOPICS "bias\tweather\t1\n# end\n", TP_ERROR_PARSE},
    {"bias-bad-weight", HDR TOPICS "bias\tsport\tlots\n# end\n", TP_ERROR_PARSE},
    /* Found by fuzzing (tests/fuzz/corpus/models/crash-topic-*): infinite weights, and
     * finite doubles that overflow the stored float, are refused. */
    {"bias-infinite", HDR TOPICS "bias\tsport\tinf\n# end\n", TP_ERROR_FORMAT},
    {"bias-1e999", HDR TOPICS "bias\tsport\t1e999\n# end\n", TP_ERROR_FORMAT},
    {"feature-infinite", HDR TOPICS "feature\tw:goal\tsport:inf\n# end\n", TP_ERROR_FORMAT},
    {"feature-1e999", HDR TOPICS "feature\tw:goal\tsport:-1e999\n# end\n", TP_ERROR_FORMAT},
    {"feature-nan", HDR TOPICS "feature\tw:goal\tsport:nan\n# end\n", TP_ERROR_FORMAT},
    {"feature-float-overflow", HDR TOPICS "feature\tw:goal\tsport:1e39\n# end\n", TP_ERROR_FORMAT},
    {"feature-no-weight", HDR TOPICS "feature\tw:goal\t\n# end\n", TP_ERROR_PARSE},
    {"feature-two-columns", HDR TOPICS "feature\tw:goal\n# end\n", TP_ERROR_PARSE},
    {"feature-twice", HDR TOPICS "feature\tw:goal\tsport:3\nfeature\tw:goal\tsport:1\n# end\n",
     TP_ERROR_PARSE},
    {"feature-topic-twice", HDR TOPICS "feature\tw:goal\tsport:3 sport:1\n# end\n", TP_ERROR_PARSE},
    {"feature-unknown-topic", HDR TOPICS "feature\tw:goal\tweather:3\n# end\n", TP_ERROR_PARSE},
    {"feature-no-colon", HDR TOPICS "feature\tw:goal\tsport\n# end\n", TP_ERROR_PARSE},
    {"feature-bad-weight", HDR TOPICS "feature\tw:goal\tsport:x\n# end\n", TP_ERROR_PARSE},
    {"unknown-scaling", HDR "scaling\tsqrt\n" TOPICS "# end\n", TP_ERROR_PARSE},
    {"stemmer-after-topic", HDR TOPICS "stemmer\tfrench\n# end\n", TP_ERROR_PARSE},
    {"threshold-unknown-topic", HDR TOPICS "threshold\tweather\t0.3\n# end\n", TP_ERROR_PARSE},
    {"threshold-above-one", HDR TOPICS "threshold\tsport\t1.5\n# end\n", TP_ERROR_PARSE},
    {"threshold-not-a-number", HDR TOPICS "threshold\tsport\thigh\n# end\n", TP_ERROR_PARSE},
    {"invalid-utf8", HDR TOPICS "feature\tw:\xff\tsport:1\n# end\n", TP_ERROR_FORMAT},
};

static void test_load_bad(gconstpointer data) {
    const BadCase *c = data;
    g_autoptr(GError) error = NULL;
    TpTopicModel *m = load_text(c->contents, &error);
    g_assert_null(m);
    g_assert_error(error, TP_ERROR, c->code);
    /* Messages say where: FILE:LINE: problem, or FILE: problem. */
    g_assert_nonnull(strstr(error->message, ".model:"));
}

static void test_load_missing(void) {
    g_autoptr(GError) error = NULL;
    g_assert_null(tp_topic_model_load("/nonexistent/topics.model", &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_IO);
}

/* The fixed placeholder model of the golden tests: old-style, no scaling line. */
static void test_load_placeholder(void) {
    g_autoptr(GError) error = NULL;
    TpTopicModel *m = tp_topic_model_load(TESTDATA "/models/topics.model", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(tp_topic_model_n_topics(m), ==, 17);
    tp_topic_model_free(m);
}

/* ---- features ---- */

typedef struct {
    GString *seen; /* "feature=value " for each feature */
} Collected;

static void collect(const char *const *features, const double *values, guint n, gpointer data) {
    Collected *c = data;
    g_string_truncate(c->seen, 0);
    for (guint i = 0; i < n; i++)
        g_string_append_printf(c->seen, "%s=%.3f ", features[i], values[i]);
}

static void test_features(void) {
    TpKnowledge *k = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_knowledge_load_dir(k, TESTDATA "/gazetteers", &error));
    g_assert_true(tp_knowledge_load_cues(k, TESTDATA "/models/cues.tsv", &error));
    Collected c = {g_string_new(NULL)};
    static const char *const stop[] = {"the", NULL};
    k->topics = tp_topic_model_new_collector("english", stop, collect, &c);
    TpTagger *t = tp_tagger_new(k, &error);
    g_assert_no_error(error);
    const TpEntity *es;
    gsize n;
    /* Stemmed words, bigrams across a stop word but not across punctuation,
     * entity cues; every value (1 + ln count) / sqrt(occurrences). */
    g_assert_true(tp_tagger_tag_text(t, "Kyiv talks. Talks in the Kyiv", -1, &es, &n, &error));
    gsize nt;
    tp_tagger_topics(t, 0.0, 10, &nt);
    g_assert_cmpuint(nt, ==, 0);
    g_assert_nonnull(strstr(c.seen->str, "w:talk="));
    g_assert_nonnull(strstr(c.seen->str, "b:kyiv_talk="));
    g_assert_nonnull(strstr(c.seen->str, "b:in_kyiv="));
    g_assert_null(strstr(c.seen->str, "b:talk_talk"));
    g_assert_null(strstr(c.seen->str, "w:the="));
    /* An entry of a known kind gives its kind, not its type. */
    g_assert_null(strstr(c.seen->str, "e:place="));
    g_assert_nonnull(strstr(c.seen->str, "k:city="));
    g_assert_nonnull(strstr(c.seen->str, "i:place/geonames:703448="));
    /* Occurrences: 5 words, 3 bigrams, 2 entities x 2 cues = 12. */
    g_autofree char *want = g_strdup_printf("w:talk=%.3f ", (1.0 + log(2.0)) / sqrt(12.0));
    g_assert_nonnull(strstr(c.seen->str, want));
    /* A name known only from the text is "h:TYPE", apart from known entries. */
    tp_tagger_reset(t);
    g_string_truncate(c.seen, 0);
    g_assert_true(
        tp_tagger_tag_text(t, "Mr Zorbulon Quexter said so in Kyiv.", -1, &es, &n, &error));
    tp_tagger_topics(t, 0.0, 10, &nt);
    g_assert_nonnull(strstr(c.seen->str, "h:person="));
    g_assert_null(strstr(c.seen->str, "e:person="));
    tp_tagger_free(t);
    tp_knowledge_free(k);
    g_string_free(c.seen, TRUE);
}

/* Entity cues, short and longer than the stack room they are written in:
 * each counts as its feature of the model. */
static void test_entity_cues(void) {
    g_autoptr(GString) id = g_string_new("org/");
    while (id->len < 300)
        g_string_append(id, "a-very-long-name-");
    g_autofree char *text = g_strdup_printf(HDR TOPICS "feature\ti:org/nato\tpolitics:4\n"
                                                       "feature\ti:%s\tsport:4\n"
                                                       "feature\tk:club\tsport:1\n"
                                                       "# end\n",
                                            id->str);
    g_autoptr(GError) error = NULL;
    TpTopicModel *m = load_text(text, &error);
    g_assert_no_error(error);
    const char *want[] = {"politics", "sport"};
    const char *ids[] = {"org/nato", id->str};
    for (guint i = 0; i < 2; i++) {
        TpTopicScratch *s = tp_topic_scratch_new(m, &error);
        g_assert_no_error(error);
        tp_topic_add_entity(s, TP_ENTITY_ORGANIZATION, NULL, ids[i]);
        gsize n;
        const TpTopic *ts = tp_topic_scores(s, 0.0, 3, &n);
        g_assert_cmpuint(n, >, 0);
        g_assert_cmpstr(ts[0].label, ==, want[i]);
        tp_topic_scratch_free(s);
    }
    tp_topic_model_free(m);
}

/* A feature's value, its logarithm from a table for small counts: libm's,
 * to the bit, on both sides of the table's end. */
static void test_feature_value(void) {
    static const guint64 occurrences[] = {0, 1, 7, 1000, 123457};
    for (guint c = 0; c < 1000; c++) {
        double want = 1.0 + log((double)MAX(c, 1u));
        g_assert_cmpfloat(tp_topic_feature_value(TP_TOPIC_SCALING_LOG, c, 5), ==, want);
        for (guint i = 0; i < G_N_ELEMENTS(occurrences); i++) {
            double norm = want / sqrt((double)MAX(occurrences[i], 1u));
            g_assert_cmpfloat(tp_topic_feature_value(TP_TOPIC_SCALING_LOG_NORM, c, occurrences[i]),
                              ==, norm);
        }
    }
}

/* ---- scores ---- */

static void check_scores(const TpTopic *ts, gsize n) {
    for (gsize i = 0; i < n; i++) {
        g_assert_cmpfloat(ts[i].score, >=, 0.0);
        g_assert_cmpfloat(ts[i].score, <=, 1.0);
        if (i > 0)
            g_assert_cmpfloat(ts[i - 1].score, >=, ts[i].score);
    }
}

static void test_scores(void) {
    TpKnowledge *k = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *path = write_tmp(good, -1);
    g_assert_true(tp_knowledge_load_topic_model(k, path, &error));
    g_unlink(path);
    TpTagger *t = tp_tagger_new(k, &error);
    static const char *const texts[] = {
        "The election.", "Goals at the World Cup, goals!", "", "Nothing to see here.",
        "Elections and goals and elections and goals and the World Cup final."};
    for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
        const TpEntity *es;
        gsize n, nt;
        tp_tagger_reset(t);
        g_assert_true(tp_tagger_tag_text(t, texts[i], -1, &es, &n, &error));
        const TpTopic *ts = tp_tagger_topics(t, 0.0, 10, &nt);
        g_assert_cmpuint(nt, ==, 3);
        check_scores(ts, nt);
        double sum = 0.0;
        for (gsize j = 0; j < nt; j++)
            sum += ts[j].score;
        g_assert_cmpfloat(fabs(sum - 1.0), <, 1e-9);
        if (i == 0)
            g_assert_cmpstr(ts[0].label, ==, "election");
        if (i == 1)
            g_assert_cmpstr(ts[0].label, ==, "sport");
        /* Filtering keeps the order and drops what is below the threshold. */
        double cut = ts[1].score;
        gsize want = 0;
        for (gsize j = 0; j < nt; j++)
            want += ts[j].score >= cut;
        const TpTopic *fs = tp_tagger_topics(t, cut, 10, &nt);
        g_assert_cmpuint(nt, ==, want);
        for (gsize j = 0; j < nt; j++)
            g_assert_cmpfloat(fs[j].score, >=, cut);
        tp_tagger_topics(t, 0.0, 1, &nt);
        g_assert_cmpuint(nt, ==, 1);
    }
    tp_tagger_free(t);
    tp_knowledge_free(k);
}

/* Multi-label output: with TP_TOPIC_THRESHOLDS each topic needs its own
 * threshold, the best one only TP_TOPIC_FLOOR; best first, capped by max. */
static const char thresholded[] = HDR TOPICS "threshold\tpolitics\t0.2\n"
                                             "threshold\tsport\t0.9\n"
                                             "threshold\telection\t0.05\n"
                                             "feature\tw:elect\tpolitics:2 election:2\n"
                                             "feature\tw:goal\tsport:3\n"
                                             "# end\n";

static void test_thresholds(void) {
    TpKnowledge *k = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *path = write_tmp(thresholded, -1);
    g_assert_true(tp_knowledge_load_topic_model(k, path, &error));
    g_unlink(path);
    TpTagger *t = tp_tagger_new(k, &error);
    const TpEntity *es;
    gsize n, nt;
    /* Politics and election share the weight: both written, sport (about
     * 0.06, below its 0.9) is not, though a fixed 0.05 would keep it. */
    g_assert_true(tp_tagger_tag_text(t, "The election.", -1, &es, &n, &error));
    const TpTopic *all = tp_tagger_topics(t, 0.0, 10, &nt);
    g_assert_cmpuint(nt, ==, 3);
    g_assert_cmpstr(all[2].label, ==, "sport");
    g_assert_cmpfloat(all[2].score, >, 0.05);
    const TpTopic *ts = tp_tagger_topics(t, TP_TOPIC_THRESHOLDS, 10, &nt);
    g_assert_cmpuint(nt, ==, 2);
    check_scores(ts, nt);
    g_assert_true(strcmp(ts[0].label, "sport") && strcmp(ts[1].label, "sport"));
    tp_tagger_topics(t, TP_TOPIC_THRESHOLDS, 1, &nt);
    g_assert_cmpuint(nt, ==, 1);
    /* Sport is best but below its own 0.9: written all the same (floor), alone. */
    tp_tagger_reset(t);
    g_assert_true(tp_tagger_tag_text(t, "A goal.", -1, &es, &n, &error));
    ts = tp_tagger_topics(t, TP_TOPIC_THRESHOLDS, 10, &nt);
    g_assert_cmpuint(nt, >=, 1);
    g_assert_cmpstr(ts[0].label, ==, "sport");
    g_assert_cmpfloat(ts[0].score, <, 0.9);
    for (gsize i = 1; i < nt; i++)
        g_assert_cmpstr(ts[i].label, ==, "election"); /* 0.05 */
    /* No words: no floor either; bias alone puts sport (0.23) below its 0.9. */
    tp_tagger_reset(t);
    g_assert_true(tp_tagger_tag_text(t, "", -1, &es, &n, &error));
    ts = tp_tagger_topics(t, TP_TOPIC_THRESHOLDS, 10, &nt);
    g_assert_cmpuint(nt, ==, 2);
    tp_tagger_free(t);
    tp_knowledge_free(k);
}

/* ---- the shipped model, with the shipped data, as tagpipe loads them ---- */

static TpKnowledge *shipped(void) {
    TpKnowledge *k = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_knowledge_load_dir(k, SRCDIR "/gazetteers", &error));
    g_assert_true(tp_knowledge_load_cues(k, SRCDIR "/models/cues.tsv", &error));
    g_assert_true(tp_knowledge_load_topic_model(k, SRCDIR "/models/topics.model", &error));
    g_assert_no_error(error);
    return k;
}

/* Topics of one JSON line as tagpipe writes them: "label label ..." */
static char *line_topics(TpTagger *t, const char *line, const char *const *fields) {
    TpLineOptions opt = {.fields = fields, .min_topic_score = 0.1, .max_topics = 3};
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_tagger_tag_line(t, line, strlen(line), &opt, out, &error));
    json_error_t jerr;
    json_t *root = json_loads(out->str, 0, &jerr);
    g_assert_nonnull(root);
    json_t *ts = json_object_get(root, "topics");
    GString *s = g_string_new(NULL);
    double prev = 1.0;
    for (gsize i = 0; i < json_array_size(ts); i++) {
        json_t *o = json_array_get(ts, i);
        double score = json_number_value(json_object_get(o, "score"));
        g_assert_cmpfloat(score, <=, prev);
        g_assert_cmpfloat(score, >=, 0.1);
        prev = score;
        g_string_append_printf(s, "%s%s", i ? "|" : "",
                               json_string_value(json_object_get(o, "label")));
    }
    json_decref(root);
    return g_string_free(s, FALSE);
}

/* The per-thread memo of what each word gives (by string and by interned
 * token id) never changes a score: each text scores the same in a tagger
 * that has seen the texts before it (in other cases and spellings) as in a
 * fresh one. */
static void test_memo_same_scores(void) {
    TpKnowledge *k = shipped();
    g_autoptr(GError) error = NULL;
    static const char *const texts[] = {
        "Kyiv talks: the minister said the election would go ahead.",
        "KYIV TALKS: THE MINISTER SAID THE ELECTION WOULD GO AHEAD.",
        "kyiv, ministers, elections and the football league.",
        "The football league met in Kyiv; the Minister resigned.",
        "Erdoğan and Zelenskyy’s ministers met in Kyiv.",
    };
    TpTagger *warm = tp_tagger_new(k, &error);
    for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
        TpTagger *cold = tp_tagger_new(k, &error);
        TpTagger *both[] = {warm, cold};
        const TpTopic *ts[2];
        gsize nt[2];
        for (guint j = 0; j < 2; j++) {
            const TpEntity *es;
            gsize n;
            tp_tagger_reset(both[j]);
            g_assert_true(tp_tagger_tag_text(both[j], texts[i], -1, &es, &n, &error));
            ts[j] = tp_tagger_topics(both[j], 0.0, 17, &nt[j]);
        }
        g_assert_cmpuint(nt[0], ==, nt[1]);
        g_assert_cmpuint(nt[0], >, 0);
        for (gsize j = 0; j < nt[0]; j++) {
            g_assert_cmpstr(ts[0][j].label, ==, ts[1][j].label);
            g_assert_cmpfloat(ts[0][j].score, ==, ts[1][j].score);
        }
        tp_tagger_free(cold);
    }
    tp_tagger_free(warm);
    tp_knowledge_free(k);
}

static void test_shipped_examples(void) {
    TpKnowledge *k = shipped();
    g_autoptr(GError) error = NULL;
    TpTagger *t = tp_tagger_new(k, &error);
    g_autofree char *contents = NULL;
    g_assert_true(g_file_get_contents(SRCDIR "/examples/news.jsonl", &contents, NULL, &error));
    g_auto(GStrv) lines = g_strsplit(contents, "\n", -1);
    static const char *const fields[] = {"title", "text", NULL};
    guint n = 0;
    for (guint i = 0; lines[i]; i++) {
        if (*lines[i] == '\0')
            continue;
        g_autofree char *got = line_topics(t, lines[i], fields);
        g_test_message("example %u: %s", i, got);
        /* Peace talks over a war: both topics, in either order, well ahead of any other. */
        g_assert_true(g_str_has_prefix(got, "politics|conflict, war and peace") ||
                      g_str_has_prefix(got, "conflict, war and peace|politics"));
        n++;
    }
    g_assert_cmpuint(n, ==, 2);
    tp_tagger_free(t);
    tp_knowledge_free(k);
}

/* A hand-written headline per topic, and the topic it must get first:
 * the shipped model knows all 17, not only the classes of its training data. */
static const struct {
    const char *text;
    const char *top;
} headlines[] = {
    {"Heavy snow and freezing temperatures expected as storm sweeps across the north, "
     "forecasters warn.",
     "weather"},
    {"The Pope celebrated Easter mass before thousands of pilgrims in St Peter's Square.",
     "religion"},
    {"Teachers say exam results for secondary school pupils improved this year as more students "
     "go to university.",
     "education"},
    {"Doctors warn of flu outbreak as hospitals report rising numbers of patients; vaccine "
     "supplies short.",
     "health"},
    {"Climate change is threatening endangered species and rainforests, conservationists warn "
     "ahead of talks on carbon emissions.",
     "environment"},
    {"Earthquake kills hundreds; rescuers search rubble for survivors as death toll rises.",
     "disaster, accident and emergency incident"},
    {"Man charged with murder after stabbing; police arrest suspect, court hears.",
     "crime, law and justice"},
    {"Troops and rebels clash as ceasefire collapses; army shelling kills civilians.",
     "conflict, war and peace"},
    {"Prime minister calls general election as opposition parties campaign on tax and public "
     "services.",
     "politics"},
    {"Shares fell on Wall Street as oil prices rose and the central bank raised interest rates.",
     "economy, business and finance"},
    {"Unions call strike over pay as workers protest job cuts and pension changes.", "labour"},
    {"Striker scores twice as United beat Chelsea to go top of the Premier League.", "sport"},
    {"The film won best picture at the Oscars; the director thanked the cast and the actress.",
     "arts, culture, entertainment and media"},
    {"Top chefs share holiday recipes; the restaurant's new menu and wine list draw tourists.",
     "lifestyle and leisure"},
    {"Charities say child poverty and homelessness are rising; asylum seekers and refugees face "
     "discrimination.",
     "society"},
    {"A 105-year-old woman celebrated her birthday with her twin sister and a cake from the zoo's "
     "giant panda keepers.",
     "human interest"},
    {"NASA launches spacecraft to Mars; scientists hope the telescope will find signs of water.",
     "science and technology"},
};

static void test_shipped_headlines(void) {
    TpKnowledge *k = shipped();
    g_autoptr(GError) error = NULL;
    TpTagger *t = tp_tagger_new(k, &error);
    for (guint i = 0; i < G_N_ELEMENTS(headlines); i++) {
        const TpEntity *es;
        gsize n, nt;
        tp_tagger_reset(t);
        g_assert_true(tp_tagger_tag_text(t, headlines[i].text, -1, &es, &n, &error));
        const TpTopic *ts = tp_tagger_topics(t, 0.0, 17, &nt);
        g_assert_cmpuint(nt, ==, 17);
        check_scores(ts, nt);
        g_test_message("%s: %s %.3f", headlines[i].top, ts[0].label, ts[0].score);
        g_assert_cmpstr(ts[0].label, ==, headlines[i].top);
    }
    tp_tagger_free(t);
    tp_knowledge_free(k);
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/topics/load/good", test_load_good);
    for (guint i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        g_autofree char *path = g_strdup_printf("/topics/load/%s", bad_cases[i].name);
        g_test_add_data_func(path, &bad_cases[i], test_load_bad);
    }
    g_test_add_func("/topics/load/missing-file", test_load_missing);
    g_test_add_func("/topics/load/placeholder", test_load_placeholder);
    g_test_add_func("/topics/features", test_features);
    g_test_add_func("/topics/entity-cues", test_entity_cues);
    g_test_add_func("/topics/feature-value", test_feature_value);
    g_test_add_func("/topics/scores/range-and-order", test_scores);
    g_test_add_func("/topics/scores/thresholds", test_thresholds);
    g_test_add_func("/topics/shipped/examples", test_shipped_examples);
    g_test_add_func("/topics/shipped/memo-same-scores", test_memo_same_scores);
    g_test_add_func("/topics/shipped/headlines", test_shipped_headlines);
    return g_test_run();
}
