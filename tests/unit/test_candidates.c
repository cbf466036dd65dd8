/* SPDX-License-Identifier: MIT */
/* test_candidates.c: candidate features by family (each with a case that must hold and one it
 * must reject), the fitted model's decisions, the model loader and the trainer's determinism. */

#include "tp_candidates.h"
#include "tp_test.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static TpKnowledge *k;

/* ---- features ---- */

typedef struct {
    guint32 start_cp;
    guint32 end_cp;
    GPtrArray *features;
    gboolean found;
} Probe;

static void probe_one(guint32 start_cp, guint32 name_start_cp, guint32 end_cp, const char *features,
                      guint n, gpointer data) {
    (void)name_start_cp;
    Probe *p = data;
    if (start_cp != p->start_cp || end_cp != p->end_cp)
        return;
    p->found = TRUE;
    for (guint i = 0; i < n; i++, features += strlen(features) + 1)
        g_ptr_array_add(p->features, g_strdup(features));
}

/* The features of the candidate spanning the first `span` of `text` (ASCII),
 * or NULL when it is no candidate. */
static GPtrArray *features_of(const char *text, const char *span) {
    const char *at = strstr(text, span);
    g_assert_nonnull(at);
    Probe p = {(guint32)(at - text), (guint32)(at - text + strlen(span)),
               g_ptr_array_new_with_free_func(g_free), FALSE};
    TpTagger *t = tp_tagger_new(k, NULL);
    g_assert_true(tp_tagger_collect_candidates(t, text, -1, probe_one, &p, NULL));
    tp_tagger_free(t);
    if (!p.found) {
        g_ptr_array_free(p.features, TRUE);
        return NULL;
    }
    return p.features;
}

static gboolean has(GPtrArray *fs, const char *feature) {
    for (guint i = 0; i < fs->len; i++)
        if (strcmp(g_ptr_array_index(fs, i), feature) == 0)
            return TRUE;
    return FALSE;
}

typedef struct {
    const char *path;
    const char *text;
    const char *span;
    const char *feature;
    gboolean want;
} FeatureCase;

static const FeatureCase feature_cases[] = {
    /* shape */
    {"/features/shape/caps-line", "SOCCER - ARSENAL WIN AGAIN", "ARSENAL", "caps-line", TRUE},
    {"/features/shape/caps-line/reject", "Arsenal won again.", "Arsenal", "caps-line", FALSE},
    {"/features/shape/initials", "Then J. Oyelaran spoke.", "J. Oyelaran", "shape=iC", TRUE},
    {"/features/shape/initials/reject", "Then John Oyelaran spoke.", "John Oyelaran", "shape=iC",
     FALSE},
    {"/features/shape/table-row", "Standings:\nArsenal 10 7 2 1 20", "Arsenal", "table-row", TRUE},
    {"/features/shape/table-row/reject", "Standings:\nArsenal won 10 games", "Arsenal", "table-row",
     FALSE},
    /* context */
    {"/features/context/versus", "Arsenal beat Chelsea 2-1.", "Chelsea", "versus", TRUE},
    {"/features/context/versus/reject", "Arsenal met Chelsea fans.", "Chelsea", "versus", FALSE},
    {"/features/context/score", "Result: Arsenal 2 Chelsea 1", "Arsenal", "score-after", TRUE},
    {"/features/context/score/reject", "Arsenal 2 % up", "Arsenal", "score-after", FALSE},
    {"/features/context/score-row", "Result: Arsenal 2 Chelsea 1", "Arsenal", "score-row=first",
     TRUE},
    {"/features/context/score-row/second", "Result: Arsenal 2 Chelsea 1", "Chelsea",
     "score-row=second", TRUE},
    {"/features/context/score-row/reject", "Arsenal 2 goals ahead", "Arsenal", "score-row=first",
     FALSE},
    {"/features/shape/sent-start-ordinary", "On Saturday Arsenal won.", "On Saturday Arsenal",
     "sent-start-ordinary-first", TRUE},
    {"/features/shape/sent-start-ordinary/honorific", "Mr Jones said so.", "Mr Jones",
     "sent-start-ordinary-first", FALSE},
    {"/features/context/place-prep", "He lives in Paris now.", "Paris", "place-prep-before", TRUE},
    {"/features/context/place-prep/reject", "He said Paris was fine.", "Paris", "place-prep-before",
     FALSE},
    {"/features/context/speech", "Then Oyelaran said so.", "Oyelaran", "n1=said", TRUE},
    {"/features/context/x-based", "The Bonn-based group left.", "Bonn", "x-based", TRUE},
    {"/features/context/x-based/reject", "The Bonn group left.", "Bonn", "x-based", FALSE},
    {"/features/context/comma-region", "It was in Springvale, Ukraine today.", "Springvale",
     "comma-place-after=country", TRUE},
    {"/features/context/possessive", "Then Oyelaran's men left.", "Oyelaran", "possessive", TRUE},
    {"/features/context/honorific", "Then Mr Oyelaran said so.", "Mr Oyelaran", "honorific-first",
     TRUE},
    {"/features/context/honorific/reject", "Then Oyelaran said so.", "Oyelaran", "honorific-first",
     FALSE},
    /* gazetteers and lexicons */
    {"/features/gazetteer/place", "He lives in Kyiv.", "Kyiv", "gaz=place", TRUE},
    {"/features/gazetteer/place/reject", "He lives in Tavildara.", "Tavildara", "gaz=place", FALSE},
    {"/features/lexicon/given-name", "Then John Oyelaran spoke.", "John Oyelaran",
     "lex.first=given", TRUE},
    {"/features/lexicon/org-head", "Then the Kirkwall Harbour Board met.", "Kirkwall Harbour Board",
     "lex.last=orghead", TRUE},
    {"/features/lexicon/org-head/reject", "Then the Kirkwall Harbour met.", "Kirkwall Harbour",
     "lex.last=orghead", FALSE},
    {"/features/lexicon/plural-demonym", "Then Ukrainians fought.", "Ukrainians",
     "lex.plural-demonym", TRUE},
};

/* ---- candidate generation ---- */

typedef struct {
    GArray *spans; /* guint32 pairs: start, end */
    gboolean byline_run, byline_not_run;
} AllSpans;

static void collect_span(guint32 start_cp, guint32 name_start_cp, guint32 end_cp,
                         const char *features, guint n, gpointer data) {
    (void)name_start_cp;
    AllSpans *all = data;
    guint32 se[2] = {start_cp, end_cp};
    g_array_append_vals(all->spans, se, 2);
    gboolean byline = FALSE, not_run = FALSE;
    for (guint i = 0; i < n; i++, features += strlen(features) + 1) {
        byline |= strcmp(features, "byline") == 0;
        not_run |= strcmp(features, "not-capitalized-run") == 0;
    }
    if (byline) {
        all->byline_run |= !not_run;
        all->byline_not_run |= not_run;
    }
}

/* Gazetteer readings, capitalized runs and bylines are merged into one list
 * ordered by (start, end), each span once with the origins of all its
 * sources: "Henry Moore" is a byline and a capitalized run, "Paris" a
 * gazetteer name and a run, "paris" (lower case) no run at all. */
static void test_cands_merged(void) {
    const char *text = "By Henry Moore\nPrime Minister Keir Starmer met Donald Trump in Paris, "
                       "then New York Times reporters in Kyiv.";
    AllSpans all = {g_array_new(FALSE, FALSE, sizeof(guint32)), FALSE, FALSE};
    TpTagger *t = tp_tagger_new(k, NULL);
    g_assert_true(tp_tagger_collect_candidates(t, text, -1, collect_span, &all, NULL));
    tp_tagger_free(t);
    guint32 *se = (guint32 *)all.spans->data;
    guint n = all.spans->len / 2;
    g_assert_cmpuint(n, >=, 10);
    for (guint i = 1; i < n; i++) {
        gboolean after = se[2 * i] > se[2 * i - 2] ||
                         (se[2 * i] == se[2 * i - 2] && se[2 * i + 1] > se[2 * i - 1]);
        if (!after)
            g_error("candidate %u (%u-%u) is not after %u-%u", i, se[2 * i], se[2 * i + 1],
                    se[2 * i - 2], se[2 * i - 1]);
    }
    g_assert_true(all.byline_run);
    g_assert_false(all.byline_not_run);
    g_array_free(all.spans, TRUE);
    g_autoptr(GPtrArray) paris = features_of(text, "Paris");
    g_assert_nonnull(paris);
    g_assert_true(has(paris, "gaz=place"));
    g_assert_false(has(paris, "not-capitalized-run"));
}

static void run_feature_case(gconstpointer data) {
    const FeatureCase *c = data;
    g_autoptr(GPtrArray) fs = features_of(c->text, c->span);
    g_assert_nonnull(fs);
    g_assert_cmpint(has(fs, c->feature), ==, c->want);
}

/* The document family: the feature fires on the later mention, not on a
 * mention without the document's support. */
static void test_doc_features(void) {
    const char *t1 = "John Oyelaran spoke. Later Oyelaran left.";
    const char *later = strstr(t1, "Later Oyelaran") + 6;
    Probe p = {(guint32)(later - t1), (guint32)(later - t1 + 8),
               g_ptr_array_new_with_free_func(g_free), FALSE};
    TpTagger *t = tp_tagger_new(k, NULL);
    g_assert_true(tp_tagger_collect_candidates(t, t1, -1, probe_one, &p, NULL));
    g_assert_true(p.found);
    g_assert_true(has(p.features, "doc.longer-earlier=person-like"));
    g_ptr_array_free(p.features, TRUE);
    g_autoptr(GPtrArray) alone = features_of("Later Oyelaran left.", "Oyelaran");
    g_assert_false(has(alone, "doc.longer-earlier"));

    const char *t2 = "The Kirkwall Harbour Board (KHB) met. Later KHB said so.";
    const char *khb = strstr(t2, "Later KHB") + 6;
    p = (Probe){(guint32)(khb - t2), (guint32)(khb - t2 + 3),
                g_ptr_array_new_with_free_func(g_free), FALSE};
    g_assert_true(tp_tagger_collect_candidates(t, t2, -1, probe_one, &p, NULL));
    g_assert_true(p.found);
    g_assert_true(has(p.features, "doc.acronym-defined"));
    g_ptr_array_free(p.features, TRUE);
    g_autoptr(GPtrArray) undefined = features_of("Later KHB said so.", "KHB");
    g_assert_false(has(undefined, "doc.acronym-defined"));

    const char *t3 = "Then Mr Oyelaran spoke. Oyelaran left.";
    const char *second = strstr(t3, "Oyelaran left");
    p = (Probe){(guint32)(second - t3), (guint32)(second - t3 + 8),
                g_ptr_array_new_with_free_func(g_free), FALSE};
    g_assert_true(tp_tagger_collect_candidates(t, t3, -1, probe_one, &p, NULL));
    g_assert_true(has(p.features, "doc.other=honorific"));
    g_ptr_array_free(p.features, TRUE);
    g_autoptr(GPtrArray) once = features_of("Then Oyelaran spoke. Oyelaran left.", "Oyelaran");
    g_assert_false(has(once, "doc.other=honorific"));
    tp_tagger_free(t);
}

/* No feature names a word of the candidate itself: names are knowledge. */
static void test_no_lexical_identity(void) {
    const char *text = "Yesterday Mr Zubrowski of Quentova Holdings said Zubrowski would go.";
    TpTagger *t = tp_tagger_new(k, NULL);
    Probe p = {0, G_MAXUINT32, g_ptr_array_new_with_free_func(g_free), FALSE};
    const char *at = strstr(text, "Quentova Holdings");
    p.start_cp = (guint32)(at - text);
    p.end_cp = p.start_cp + 17;
    g_assert_true(tp_tagger_collect_candidates(t, text, -1, probe_one, &p, NULL));
    g_assert_true(p.found);
    for (guint i = 0; i < p.features->len; i++) {
        const char *f = g_ptr_array_index(p.features, i);
        g_assert_null(strstr(f, "quentova"));
        g_assert_null(strstr(f, "holdings"));
        g_assert_null(strstr(f, "Quentova"));
        g_assert_null(strstr(f, "zubrowski"));
    }
    g_ptr_array_free(p.features, TRUE);
    tp_tagger_free(t);
}

/* ---- decisions of the shipped model ---- */

/* Persons, places and organizations of `text` as "surface/type" joined by '|'. */
static char *tag(const char *text) {
    TpTagger *t = tp_tagger_new(k, NULL);
    const TpEntity *es = NULL;
    gsize n = 0;
    g_assert_true(tp_tagger_tag_text(t, text, -1, &es, &n, NULL));
    GString *s = g_string_new(NULL);
    for (gsize i = 0; i < n; i++) {
        if (es[i].type == TP_ENTITY_OFFICE)
            continue;
        if (s->len)
            g_string_append_c(s, '|');
        g_string_append_printf(s, "%.*s/%s", (int)(es[i].end_byte - es[i].start_byte),
                               text + es[i].start_byte, tp_entity_type_name(es[i].type));
    }
    tp_tagger_free(t);
    return g_string_free(s, FALSE);
}

typedef struct {
    const char *path;
    const char *text;
    const char *want;
} TagCase;

static const TagCase tag_cases[] = {
    /* context: results make clubs of towns */
    {"/fitted/results", "Leeds beat Everton 2-1.", "Leeds/organization|Everton/organization"},
    {"/fitted/results/score", "Result: Brussels 3 Kyiv 1",
     "Brussels/organization|Kyiv/organization"},
    {"/fitted/results/reject", "He flew from London to Madrid on Saturday.",
     "London/place|Madrid/place"},
    /* context: a preposition of place */
    {"/fitted/place", "The talks were held in Paris.", "Paris/place"},
    {"/fitted/place/reject", "Then the talks were held.", ""},
    /* context: an honorific and a speech verb */
    {"/fitted/person", "Mr Jones said the plan would fail.", "Mr Jones/person"},
    {"/fitted/person/reject", "Then the plan would fail, he said.", ""},
    /* shape and lexicon: an unknown organization by its head word */
    {"/fitted/org-head", "Then the Kirkwall Harbour Board met.",
     "Kirkwall Harbour Board/organization"},
    {"/fitted/common-words/reject", "Speaking to reporters, he left.", ""},
    /* the document: a later short form keeps the full form's type */
    {"/fitted/doc", "Then John Oyelaran arrived. Oyelaran left soon.",
     "John Oyelaran/person|Oyelaran/person"},
    {"/fitted/doc/sentence-start", "Then John Oyelaran arrived. Later Oyelaran left.",
     "John Oyelaran/person|Oyelaran/person"},
    {"/fitted/doc/reject", "Then John Oyelaran arrived. Later Adebayo left.",
     "John Oyelaran/person"},
    {"/fitted/acronym", "The World Health Organization (WHO) met. The WHO said so.",
     "World Health Organization/organization|WHO/organization|WHO/organization"},
};

static void run_tag_case(gconstpointer data) {
    const TagCase *c = data;
    g_autofree char *got = tag(c->text);
    g_assert_cmpstr(got, ==, c->want);
}

/* ---- the model file ---- */

typedef struct {
    const char *path;
    const char *text;
    gint code;
} BadModel;

#define GOOD_HEAD "# tagpipe-entities 1\nclasses\tnone\tperson\tplace\torganization\n"

static const BadModel bad_models[] = {
    {"/model/load/header", "# tagpipe-cues 1\n", TP_ERROR_FORMAT},
    {"/model/load/classes", "# tagpipe-entities 1\nclasses\tnone\tperson\nfeatures\t0\n",
     TP_ERROR_FORMAT},
    {"/model/load/number", GOOD_HEAD "features\t1\nw\tbias\t1\tx\t0\t0\n", TP_ERROR_PARSE},
    {"/model/load/infinite", GOOD_HEAD "features\t1\nw\tbias\t1\tinf\t0\t0\n", TP_ERROR_PARSE},
    {"/model/load/columns", GOOD_HEAD "features\t1\nw\tbias\t1\t0\t0\n", TP_ERROR_PARSE},
    {"/model/load/twice", GOOD_HEAD "features\t2\nw\tbias\t1\t0\t0\t0\nw\tbias\t1\t0\t0\t0\n",
     TP_ERROR_PARSE},
    {"/model/load/empty-name", GOOD_HEAD "features\t1\nw\t\t1\t0\t0\t0\n", TP_ERROR_PARSE},
    {"/model/load/count", GOOD_HEAD "features\t2\nw\tbias\t1\t0\t0\t0\n", TP_ERROR_FORMAT},
};

static void test_bad_model(gconstpointer data) {
    const BadModel *c = data;
    g_autoptr(GError) error = NULL;
    TpEntityModel *m = tp_entity_model_parse("m", c->text, strlen(c->text), &error);
    g_assert_null(m);
    g_assert_error(error, TP_ERROR, c->code);
}

static void test_good_model(void) {
    const char *text =
        GOOD_HEAD "scale\t2\nfeatures\t2\nw\tbias\t1\t0\t0\t0\nw\tgaz=place\t0\t0\t3\t0\n";
    g_autoptr(GError) error = NULL;
    TpEntityModel *m = tp_entity_model_parse("m", text, strlen(text), &error);
    g_assert_no_error(error);
    g_assert_cmpuint(tp_entity_model_n_features(m), ==, 2);
    TpCand c = {0};
    tp_entity_model_score(m, "bias\0gaz=place\0unknown\0", 3, &c);
    g_assert_cmpint(c.cls, ==, TP_CLASS_PLACE);
    g_assert_cmpfloat_with_epsilon(c.margin, 2.0, 1e-9);
    g_assert_cmpfloat_with_epsilon(tp_entity_model_confidence(m, c.margin), 0.731, 1e-9);
    tp_entity_model_free(m);
}

/* Save the sections of `w` (freed) as an image and map it; the file is gone
 * again when this returns (the mapping stays). */
static TpImage *save_and_open(TpImageWriter *w) {
    g_autofree char *dir = g_dir_make_tmp("tp-model-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "m.image", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_image_writer_save(w, path, &error));
    tp_image_writer_free(w);
    TpImage *img = tp_image_open(path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(g_remove(path), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
    return img;
}

/* A feature longer than the feature builder's stack buffer (a user's
 * gazetteer may give a place any kind) is written whole for the trainer and
 * scored whole: the model below makes a person only of its weight. */
static void test_long_feature(void) {
    g_autofree char *kind = g_strnfill(300, 'k');
    g_autofree char *gaz = g_strdup_printf("# tagpipe-gazetteer 1\n"
                                           "place\tplace/test-zzyzx\tZzyzxville\t-\t"
                                           "country=US;kind=%s;prior=0.5;source=test\n",
                                           kind);
    g_autofree char *feature = g_strconcat("gaz=place|kind=", kind, NULL);
    g_autofree char *model = g_strdup_printf(GOOD_HEAD "features\t2\nw\tbias\t1\t0\t0\t0\n"
                                                       "w\t%s\t0\t5\t0\t0\n",
                                             feature);
    g_autofree char *gaz_path = tp_test_write_tmp("tp-gaz-XXXXXX.tsv", gaz, -1);
    g_autofree char *model_path = tp_test_write_tmp("tp-model-XXXXXX.model", model, -1);
    g_autoptr(GError) error = NULL;
    TpKnowledge *kl = tp_knowledge_new();
    g_assert_true(tp_knowledge_load_dir(kl, SRCDIR "/gazetteers", &error));
    g_assert_true(tp_knowledge_load_file(kl, gaz_path, &error));
    g_assert_true(tp_knowledge_load_entity_model(kl, model_path, &error));
    g_assert_no_error(error);

    const char *text = "Then Zzyzxville was quiet.";
    Probe p = {5, 15, g_ptr_array_new_with_free_func(g_free), FALSE};
    TpTagger *t = tp_tagger_new(kl, NULL);
    g_assert_true(tp_tagger_collect_candidates(t, text, -1, probe_one, &p, NULL));
    g_assert_true(p.found);
    g_assert_true(has(p.features, feature));
    /* the features after it are whole too */
    g_assert_true(has(p.features, "gctx=place|p1=SentCommon"));
    g_ptr_array_free(p.features, TRUE);

    const TpEntity *es = NULL;
    gsize n = 0;
    g_assert_true(tp_tagger_tag_text(t, text, -1, &es, &n, NULL));
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmpint(es[0].type, ==, TP_ENTITY_PERSON);
    tp_tagger_free(t);
    tp_knowledge_free(kl);
    g_assert_cmpint(g_unlink(gaz_path), ==, 0);
    g_assert_cmpint(g_unlink(model_path), ==, 0);
}

/* The model's own feature table (tp_candidates.c) against a GHashTable of the
 * same file: every feature of the shipped model, and near misses of each
 * (a prefix, one byte more, one byte changed), score what the GHashTable says. */
static void test_model_table(void) {
    g_autofree char *text = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(SRCDIR "/models/entities.model", &text, &len, NULL));
    g_autoptr(GError) error = NULL;
    TpEntityModel *m = tp_entity_model_parse("m", text, len, &error);
    g_assert_no_error(error);
    g_autoptr(GHashTable) ref = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_auto(GStrv) cols = g_strsplit(lines[i], "\t", -1);
        if (g_strv_length(cols) != 2 + TP_CLASS_N || strcmp(cols[0], "w") != 0)
            continue;
        double *w = g_new(double, TP_CLASS_N);
        for (guint c = 0; c < TP_CLASS_N; c++)
            w[c] = g_ascii_strtod(cols[c + 2], NULL);
        g_hash_table_insert(ref, g_strdup(cols[1]), w);
    }
    g_assert_cmpuint(g_hash_table_size(ref), ==, tp_entity_model_n_features(m));
    g_assert_cmpuint(g_hash_table_size(ref), >, 1000);
    g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter it;
    gpointer name;
    g_hash_table_iter_init(&it, ref);
    while (g_hash_table_iter_next(&it, &name, NULL)) {
        const char *s = name;
        gsize n = strlen(s);
        g_ptr_array_add(probes, g_strdup(s));
        g_ptr_array_add(probes, g_strndup(s, n / 2));
        g_ptr_array_add(probes, g_strconcat(s, "x", NULL));
        char *changed = g_strdup(s);
        if (n > 0)
            changed[n - 1] ^= 1;
        g_ptr_array_add(probes, changed);
    }
    g_ptr_array_add(probes, g_strdup(""));

    /* The same model through an image: written as sections, borrowed back. */
    TpImageWriter *w = tp_image_writer_new();
    tp_entity_model_write(m, w);
    TpImage *img = save_and_open(w);
    gboolean present = FALSE;
    TpEntityModel *mi = tp_entity_model_from_image(img, &present, &error);
    g_assert_no_error(error);
    g_assert_true(present);
    g_assert_cmpuint(tp_entity_model_n_features(mi), ==, tp_entity_model_n_features(m));
    g_assert_cmpfloat(tp_entity_model_confidence(mi, 1.5), ==, tp_entity_model_confidence(m, 1.5));

    const TpEntityModel *models[] = {m, mi};
    for (guint mk = 0; mk < G_N_ELEMENTS(models); mk++) {
        for (guint i = 0; i < probes->len; i++) {
            const char *s = g_ptr_array_index(probes, i);
            const double *wr = g_hash_table_lookup(ref, s);
            TpCand c = {0};
            tp_entity_model_score(models[mk], s, 1, &c);
            for (guint j = 0; j < TP_CLASS_N; j++)
                g_assert_cmpfloat(c.score[j], ==, wr ? wr[j] : 0.0);
        }
    }
    tp_entity_model_free(mi);
    tp_image_free(img);
    tp_entity_model_free(m);
}

/* An image's entity sections are checked when loaded: each of these is
 * refused ("entity model sections malformed"), the first one loads. The
 * records are written as the image format has them (tp_candidates.c). */
typedef struct {
    guint32 name, len, hash, w;
} SlotRec;
typedef struct {
    guint32 n_feat, n_slots;
    double scale;
} MetaRec;
typedef struct {
    const char *path;
    MetaRec meta;
    SlotRec slot; /* slot 0 of two; slot 1 is empty */
    double weight0;
    gboolean ok;
} BadSections;

static const BadSections bad_sections[] = {
    {"/model/image/good", {1, 2, 1.0}, {1, 2, 7, 0}, 0.5, TRUE},
    {"/model/image/name-past-pool", {1, 2, 1.0}, {3, 2, 7, 0}, 0.5, FALSE},
    {"/model/image/weight-index", {1, 2, 1.0}, {1, 2, 7, 1}, 0.5, FALSE},
    {"/model/image/weight-not-finite", {1, 2, 1.0}, {1, 2, 7, 0}, INFINITY, FALSE},
    {"/model/image/slots-not-power-of-two", {1, 3, 1.0}, {1, 2, 7, 0}, 0.5, FALSE},
    {"/model/image/table-full", {2, 2, 1.0}, {1, 2, 7, 0}, 0.5, FALSE},
    {"/model/image/scale", {1, 2, 0.0}, {1, 2, 7, 0}, 0.5, FALSE},
};

static void test_image_sections(gconstpointer data) {
    const BadSections *c = data;
    SlotRec slots[2] = {c->slot, {0, 0, 0, 0}};
    double weights[2 * TP_CLASS_N] = {c->weight0};
    static const char names[] = "\0ab";
    TpImageWriter *w = tp_image_writer_new();
    tp_image_writer_add_copy(w, TP_SEC_ENTITY_META, &c->meta, sizeof c->meta);
    tp_image_writer_add_copy(w, TP_SEC_ENTITY_SLOTS, slots, sizeof slots);
    tp_image_writer_add_copy(w, TP_SEC_ENTITY_NAMES, names, sizeof names);
    tp_image_writer_add_copy(w, TP_SEC_ENTITY_WEIGHTS, weights,
                             sizeof(double) * TP_CLASS_N * c->meta.n_feat);
    TpImage *img = save_and_open(w);
    g_autoptr(GError) error = NULL;
    gboolean present = FALSE;
    TpEntityModel *m = tp_entity_model_from_image(img, &present, &error);
    g_assert_true(present);
    if (c->ok) {
        g_assert_no_error(error);
        g_assert_nonnull(m);
    } else {
        g_assert_null(m);
        g_assert_error(error, TP_ERROR, TP_ERROR_FORMAT);
        g_assert_nonnull(strstr(error->message, "entity model sections malformed"));
    }
    tp_entity_model_free(m);
    tp_image_free(img);
}

/* ---- the trainer ---- */

static char *fit(TpEntityTrainAlgorithm algorithm, guint64 seed) {
    TpEntityTrainOptions o = {algorithm, 5, seed, 0.1, 1e-4};
    TpEntityTrainer *t = tp_entity_trainer_new(&o);
    static const char *const feats[] = {"bias\0p1=in\0gaz=place\0", "bias\0p1=HON\0shape=C\0",
                                        "bias\0lex.last=orghead\0shape=CC\0",
                                        "bias\0lex.first=common\0sent-start\0"};
    static const TpClass gold[] = {TP_CLASS_PLACE, TP_CLASS_PERSON, TP_CLASS_ORGANIZATION,
                                   TP_CLASS_NONE};
    for (guint r = 0; r < 25; r++)
        for (guint i = 0; i < 4; i++)
            tp_entity_trainer_add(t, feats[i], 3, gold[(i + (r % 7 == 0)) % 4]);
    GString *out = g_string_new(NULL);
    const char *const prov[] = {"test", NULL};
    tp_entity_trainer_fit(t, prov, out);
    tp_entity_trainer_free(t);
    return g_string_free(out, FALSE);
}

static void test_trainer_determinism(void) {
    for (int a = 0; a < 2; a++) {
        g_autofree char *m1 = fit((TpEntityTrainAlgorithm)a, 7);
        g_autofree char *m2 = fit((TpEntityTrainAlgorithm)a, 7);
        g_assert_cmpstr(m1, ==, m2);
        g_autofree char *m3 = fit((TpEntityTrainAlgorithm)a, 8);
        g_assert_nonnull(strstr(m3, "seed\t8\n"));
        /* What it writes, it reads, and it has learnt the majority classes. */
        g_autoptr(GError) error = NULL;
        TpEntityModel *m = tp_entity_model_parse("fit", m1, strlen(m1), &error);
        g_assert_no_error(error);
        TpCand c = {0};
        tp_entity_model_score(m, "bias\0p1=in\0gaz=place\0", 3, &c);
        g_assert_cmpint(c.cls, ==, TP_CLASS_PLACE);
        g_assert_cmpfloat(c.margin, >, 0);
        tp_entity_model_score(m, "bias\0lex.first=common\0sent-start\0", 3, &c);
        g_assert_cmpfloat(c.margin, <, 0);
        tp_entity_model_free(m);
    }
}

/* A gazetteer's word on a reading of one class moves that class only. */
static void test_trainer_class_bound(void) {
    TpEntityTrainOptions o = {TP_ENTITY_TRAIN_LOGISTIC, 5, 1, 0.1, 1e-4};
    TpEntityTrainer *t = tp_entity_trainer_new(&o);
    for (guint r = 0; r < 20; r++)
        tp_entity_trainer_add(t, "bias\0gaz=organization|kind=government\0", 2, TP_CLASS_PLACE);
    g_autoptr(GString) out = g_string_new(NULL);
    tp_entity_trainer_fit(t, NULL, out);
    tp_entity_trainer_free(t);
    const char *line = strstr(out->str, "w\tgaz=organization|kind=government\t");
    g_assert_nonnull(line);
    g_auto(GStrv) cols = g_strsplit_set(line, "\t\n", 7);
    g_assert_cmpstr(cols[4], ==, "0.000"); /* place */
    g_assert_cmpstr(cols[3], ==, "0.000"); /* person */
}

/* ---- the memo of feature weights ---- */

typedef struct {
    const TpEntityModel *model;
    guint n;
} ScoreCheck;

/* The scores tp_cand_score gave are those of the candidate's features,
 * to the bit. */
static void check_scored(const char *features, guint n, const double *score, gpointer data) {
    ScoreCheck *sc = data;
    TpCand c = {0};
    tp_entity_model_score(sc->model, features, n, &c);
    for (int cls = 0; cls < TP_CLASS_N; cls++)
        g_assert_true(memcmp(&c.score[cls], &score[cls], sizeof(double)) == 0);
    sc->n++;
}

/* The texts of a JSON-lines file, each line taken whole as a text: names,
 * quotes, escapes and brackets enough. */
static GPtrArray *lines_of(const char *path) {
    g_autofree char *contents = NULL;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_file_get_contents(path, &contents, NULL, &error));
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) split = g_strsplit(contents, "\n", -1);
    for (guint i = 0; split[i]; i++)
        if (*split[i])
            g_ptr_array_add(lines, g_strdup(split[i]));
    return lines;
}

/* With the memo, every candidate of many texts scores as its feature names
 * do, on the first meeting of a key and on later ones; and a second pass
 * over the same texts finds every key in the memo. */
static void test_memo_scores(void) {
    g_autoptr(GPtrArray) texts = lines_of(SRCDIR "/examples/news.jsonl");
    g_autoptr(GPtrArray) golden = lines_of(SRCDIR "/tests/golden/fitted/input.jsonl");
    for (guint i = 0; i < golden->len; i++)
        g_ptr_array_add(texts, g_strdup(g_ptr_array_index(golden, i)));
    static const char *const more[] = {
        "PRIME MINISTER KEIR STARMER MET NATO CHIEFS IN KYIV\nArsenal 3 Chelsea 1\n",
        "Smith & Wesson (S&W) v. Jones -- 12%; the New York-based Acme Corp's head, Dr. Ann Lee.",
        "\u00c9milie Dupont, of Lyon, France, told Reuters: \u00ab\u00a0Non\u00a0\u00bb.",
    };
    for (guint i = 0; i < G_N_ELEMENTS(more); i++)
        g_ptr_array_add(texts, g_strdup(more[i]));
    TpTagger *t = tp_tagger_new(k, NULL);
    ScoreCheck sc = {k->entities, 0};
    guint64 hits = 0, misses = 0, hits2 = 0, misses2 = 0;
    guint keys = 0, keys2 = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < texts->len; i++) {
            const char *text = g_ptr_array_index(texts, i);
            g_assert_true(tp_tagger_collect_scored(t, text, -1, check_scored, &sc, NULL));
        }
        /* A text with a NUL in it ("\u0000" in JSON): punctuation up to it. */
        static const char nul[] = "Talks in Geneva \0- and Paris \0\0, said Mr Lavrov.";
        g_assert_true(tp_tagger_collect_scored(t, nul, sizeof nul - 1, check_scored, &sc, NULL));
        if (pass == 0)
            tp_feat_memo_stats(tp_tagger_feat_memo(t), &hits, &misses, &keys);
        else
            tp_feat_memo_stats(tp_tagger_feat_memo(t), &hits2, &misses2, &keys2);
    }
    g_assert_cmpuint(sc.n, >, 1000);
    g_assert_cmpuint(misses, >, 100);
    g_assert_cmpuint(hits, >, misses);
    g_assert_cmpuint(keys, ==, misses);
    g_assert_cmpuint(misses2, ==, misses);
    g_assert_cmpuint(keys2, ==, keys);
    g_assert_cmpuint(hits2, >, 2 * hits);
    tp_tagger_free(t);
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    g_autoptr(GError) error = NULL;
    k = tp_knowledge_new();
    g_assert_true(tp_knowledge_load_dir(k, SRCDIR "/gazetteers", &error));
    g_assert_true(tp_knowledge_load_cues(k, SRCDIR "/models/cues.tsv", &error));
    g_assert_true(tp_knowledge_load_entity_model(k, SRCDIR "/models/entities.model", &error));
    for (guint i = 0; i < G_N_ELEMENTS(feature_cases); i++)
        g_test_add_data_func(feature_cases[i].path, &feature_cases[i], run_feature_case);
    g_test_add_func("/candidates/merged", test_cands_merged);
    g_test_add_func("/features/doc/longer-acronym-same", test_doc_features);
    g_test_add_func("/features/no-lexical-identity", test_no_lexical_identity);
    for (guint i = 0; i < G_N_ELEMENTS(tag_cases); i++)
        g_test_add_data_func(tag_cases[i].path, &tag_cases[i], run_tag_case);
    for (guint i = 0; i < G_N_ELEMENTS(bad_models); i++)
        g_test_add_data_func(bad_models[i].path, &bad_models[i], test_bad_model);
    g_test_add_func("/model/load/good", test_good_model);
    g_test_add_func("/model/table", test_model_table);
    g_test_add_func("/model/long-feature", test_long_feature);
    for (guint i = 0; i < G_N_ELEMENTS(bad_sections); i++)
        g_test_add_data_func(bad_sections[i].path, &bad_sections[i], test_image_sections);
    g_test_add_func("/trainer/determinism", test_trainer_determinism);
    g_test_add_func("/trainer/class-bound", test_trainer_class_bound);
    g_test_add_func("/memo/scores", test_memo_scores);
    int rc = g_test_run();
    tp_knowledge_free(k);
    return rc;
}
