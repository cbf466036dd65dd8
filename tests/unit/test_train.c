/* SPDX-License-Identifier: MIT */
/* test_train.c: the topic trainer: determinism, a small run that must beat chance, bad input. */

#include "tagpipe-train.h"
#include "tp_knowledge.h"
#include "tp_topics.h"

#include <string.h>

/* A synthetic labelled set: each of four topics has its own words, and every
 * document also has words shared by all topics. Drawn from GLib's seeded
 * generator, so the set is the same on every run. */
#define N_TOPICS 4
#define N_OWN 12
#define N_SHARED 40

static const char *const topic_keys[N_TOPICS] = {"astro", "botany", "cuisine", "dance"};

static char *word(const char *stem, guint i) {
    /* Letters only: digits would make the tokenizer skip the word. */
    return g_strdup_printf("%s%c%c", stem, 'a' + (i % 26), 'a' + (i / 26) % 26);
}

static char *make_doc(GRand *r, guint topic) {
    GString *s = g_string_new(NULL);
    guint n_own = 2 + g_rand_int_range(r, 0, 3);
    guint n_shared = 5 + g_rand_int_range(r, 0, 5);
    for (guint i = 0; i < n_own + n_shared; i++) {
        g_autofree char *w = (g_rand_int_range(r, 0, n_own + n_shared) < (gint)n_own)
                                 ? word(topic_keys[topic], g_rand_int_range(r, 0, N_OWN))
                                 : word("common", g_rand_int_range(r, 0, N_SHARED));
        g_string_append_printf(s, "%s%s", i ? " " : "", w);
    }
    g_string_append_c(s, '.');
    return g_string_free(s, FALSE);
}

static TpKnowledge *knowledge(void) {
    TpKnowledge *k = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_knowledge_load_dir(k, TESTDATA "/gazetteers", &error));
    return k;
}

static void small_options(TpTrainOptions *o, guint64 seed) {
    tp_train_options_init(o);
    o->seed = seed;
    o->min_count = 1;
    o->calibrate_folds = 3;
}

/* Train on `n` synthetic documents; returns the model text. */
static char *train(TpKnowledge *k, const TpTrainOptions *o, guint n, guint32 data_seed,
                   TpTrainReport *report) {
    g_autoptr(GError) error = NULL;
    TpTrainer *t = tp_trainer_new(k, o, &error);
    g_assert_no_error(error);
    GRand *r = g_rand_new_with_seed(data_seed);
    for (guint i = 0; i < n; i++) {
        guint topic = i % N_TOPICS;
        g_autofree char *text = make_doc(r, topic);
        const char *texts[] = {text, NULL};
        const char *labels[] = {topic_keys[topic], NULL};
        g_assert_true(tp_trainer_add(t, texts, labels, 1.0, &error));
        g_assert_no_error(error);
    }
    g_rand_free(r);
    g_assert_cmpuint(tp_trainer_n_documents(t), ==, n);
    GString *out = g_string_new(NULL);
    g_assert_true(tp_trainer_fit(t, out, report, &error));
    g_assert_no_error(error);
    tp_trainer_free(t);
    g_assert_null(k->topics);
    return g_string_free(out, FALSE);
}

/* The same data and seed give the same model file, byte for byte. */
static void test_determinism(void) {
    TpKnowledge *k = knowledge();
    TpTrainOptions o;
    small_options(&o, 7);
    g_autofree char *a = train(k, &o, 120, 1, NULL);
    g_autofree char *b = train(k, &o, 120, 1, NULL);
    g_assert_cmpstr(a, ==, b);
    /* Another seed shuffles differently. */
    small_options(&o, 8);
    g_autofree char *c = train(k, &o, 120, 1, NULL);
    g_assert_cmpstr(a, !=, c);
    tp_knowledge_free(k);
}

/* --average N: the same bytes on every run, not one fit's, the header says
 * so, and the mean still beats chance. */
static double accuracy(TpKnowledge *k, const char *model_text, guint n, guint32 data_seed);

static void test_average(void) {
    TpKnowledge *k = knowledge();
    TpTrainOptions o;
    small_options(&o, 7);
    g_autofree char *one = train(k, &o, 120, 1, NULL);
    o.average = 3;
    g_autofree char *a = train(k, &o, 120, 1, NULL);
    g_autofree char *b = train(k, &o, 120, 1, NULL);
    g_assert_cmpstr(a, ==, b);
    g_assert_cmpstr(a, !=, one);
    g_assert_nonnull(strstr(a, "# weights averaged over 3 fits, seeds 7 to 9"));
    g_assert_null(strstr(one, "averaged"));
    g_assert_cmpfloat(accuracy(k, a, 200, 3), >, 0.75);
    tp_knowledge_free(k);
}

/* Accuracy of the top topic on fresh documents, tagged as tagpipe tags. */
static double accuracy(TpKnowledge *k, const char *model_text, guint n, guint32 data_seed) {
    g_autoptr(GError) error = NULL;
    k->topics = tp_topic_model_parse("trained", model_text, strlen(model_text), &error);
    g_assert_no_error(error);
    g_assert_cmpuint(tp_topic_model_n_topics(k->topics), ==, N_TOPICS);
    TpTagger *t = tp_tagger_new(k, &error);
    GRand *r = g_rand_new_with_seed(data_seed);
    guint right = 0;
    for (guint i = 0; i < n; i++) {
        guint topic = i % N_TOPICS;
        g_autofree char *text = make_doc(r, topic);
        const TpEntity *es;
        gsize ne, nt;
        tp_tagger_reset(t);
        g_assert_true(tp_tagger_tag_text(t, text, -1, &es, &ne, &error));
        const TpTopic *ts = tp_tagger_topics(t, 0.0, N_TOPICS, &nt);
        g_assert_cmpuint(nt, ==, N_TOPICS);
        for (gsize j = 0; j < nt; j++) {
            g_assert_cmpfloat(ts[j].score, >=, 0.0);
            g_assert_cmpfloat(ts[j].score, <=, 1.0);
            if (j > 0)
                g_assert_cmpfloat(ts[j - 1].score, >=, ts[j].score);
        }
        right += strcmp(ts[0].label, topic_keys[topic]) == 0;
    }
    g_rand_free(r);
    tp_tagger_free(t);
    tp_topic_model_free(k->topics);
    k->topics = NULL;
    return (double)right / n;
}

/* A small run must beat chance (1/4) by a clear margin on held-out documents. */
static void test_small_run(void) {
    TpKnowledge *k = knowledge();
    TpTrainOptions o;
    small_options(&o, 1);
    TpTrainReport r;
    g_autofree char *model = train(k, &o, 200, 2, &r);
    g_assert_cmpuint(r.n_documents, ==, 200);
    g_assert_cmpuint(r.n_topics, ==, N_TOPICS);
    g_assert_cmpfloat(r.temperature, >, 0.0);
    g_assert_cmpfloat(r.cv_accuracy, >, 0.6);
    double acc = accuracy(k, model, 200, 3);
    g_test_message("held-out accuracy %.3f (chance 0.25), cross-validated %.3f", acc,
                   r.cv_accuracy);
    g_assert_cmpfloat(acc, >, 0.75);
    tp_knowledge_free(k);
}

/* Named topics keep their order, code, label and parent; alternatives
 * (one_of) still teach the topic the words point to. */
static void test_topics_and_one_of(void) {
    TpKnowledge *k = knowledge();
    TpTrainOptions o;
    small_options(&o, 1);
    o.one_of = TRUE;
    g_autoptr(GError) error = NULL;
    TpTrainer *t = tp_trainer_new(k, &o, &error);
    static const TpTrainTopic named[] = {
        {"dance", "x:4", "dance and ballet", NULL},
        {"astro", "x:1", "astronomy", NULL},
        {"astro-moon", NULL, "the moon", "astro"},
    };
    tp_trainer_set_topics(t, named, G_N_ELEMENTS(named));
    GRand *r = g_rand_new_with_seed(5);
    for (guint i = 0; i < 200; i++) {
        guint topic = i % N_TOPICS;
        g_autofree char *text = make_doc(r, topic);
        const char *texts[] = {text, NULL};
        /* Half the astro documents only say "astro or cuisine". */
        const char *labels[] = {topic_keys[topic], i % 8 == 0 ? "cuisine" : NULL, NULL};
        g_assert_true(tp_trainer_add(t, texts, labels, 1.0, &error));
    }
    g_rand_free(r);
    g_autoptr(GString) out = g_string_new(NULL);
    g_assert_true(tp_trainer_fit(t, out, NULL, &error));
    tp_trainer_free(t);
    const char *a = strstr(out->str, "topic\tdance\tx:4\tdance and ballet\n");
    const char *b = strstr(out->str, "topic\tastro\tx:1\tastronomy\n");
    const char *c = strstr(out->str, "topic\tastro-moon\t-\tthe moon\tparent=astro\n");
    const char *d = strstr(out->str, "topic\tbotany\t-\tbotany\n");
    g_assert_true(a && b && c && d && a < b && b < c && c < d);
    k->topics = tp_topic_model_parse("trained", out->str, out->len, &error);
    g_assert_no_error(error);
    TpTagger *tg = tp_tagger_new(k, &error);
    const TpEntity *es;
    gsize ne, nt;
    g_assert_true(
        tp_tagger_tag_text(tg, "astroaa astroba astroca commonaa.", -1, &es, &ne, &error));
    const TpTopic *ts = tp_tagger_topics(tg, 0.0, 3, &nt);
    g_assert_cmpstr(ts[0].label, ==, "astronomy");
    g_assert_cmpstr(ts[0].code, ==, "x:1");
    tp_tagger_free(tg);
    tp_knowledge_free(k);
}

static void test_bad_input(void) {
    TpKnowledge *k = knowledge();
    TpTrainOptions o;
    small_options(&o, 1);
    g_autoptr(GError) error = NULL;
    TpTrainer *t = tp_trainer_new(k, &o, &error);
    const char *texts[] = {"Some text.", NULL};
    const char *none[] = {NULL};
    const char *spaced[] = {"two words", NULL};
    const char *good[] = {"ok", NULL};
    const char *bad_utf8[] = {"caf\xc3", NULL};
    g_assert_false(tp_trainer_add(t, texts, none, 1.0, &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_FORMAT);
    g_clear_error(&error);
    g_assert_false(tp_trainer_add(t, texts, spaced, 1.0, &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_FORMAT);
    g_clear_error(&error);
    g_assert_false(tp_trainer_add(t, texts, good, 0.0, &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_FORMAT);
    g_clear_error(&error);
    g_assert_false(tp_trainer_add(t, bad_utf8, good, 1.0, &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_FORMAT);
    g_clear_error(&error);
    g_assert_cmpuint(tp_trainer_n_documents(t), ==, 0);
    g_autoptr(GString) out = g_string_new(NULL);
    g_assert_false(tp_trainer_fit(t, out, NULL, &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_FORMAT);
    tp_trainer_free(t);
    tp_knowledge_free(k);
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/train/determinism", test_determinism);
    g_test_add_func("/train/small-run", test_small_run);
    g_test_add_func("/train/average", test_average);
    g_test_add_func("/train/topics-and-one-of", test_topics_and_one_of);
    g_test_add_func("/train/bad-input", test_bad_input);
    return g_test_run();
}
