/* SPDX-License-Identifier: MIT */
/* tp_entity_learn.c: documents with gold names in, training examples for the
 * entity model out: the public side of `tagpipe train-entities`. */

#include "tp_candidates.h"

#include <string.h>

struct TpEntityLearner {
    TpTagger *tagger;
    TpEntityTrainer *trainer;
    GHashTable *gold; /* "start:end" -> TpClass */
    GHashTable *seen; /* gold spans some candidate covers */
    GString *key;
    GString *dump; /* borrowed, or NULL */
    TpEntityLearnCounts counts;
};

TpEntityLearner *tp_entity_learner_new(const TpKnowledge *knowledge,
                                       const TpEntityTrainOptions *options, GError **error) {
    g_return_val_if_fail(knowledge != NULL && options != NULL, NULL);
    TpTagger *tagger = tp_tagger_new(knowledge, error);
    if (tagger == NULL)
        return NULL;
    TpEntityLearner *l = g_new0(TpEntityLearner, 1);
    l->tagger = tagger;
    l->trainer = tp_entity_trainer_new(options);
    l->gold = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    l->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    l->key = g_string_new(NULL);
    return l;
}

void tp_entity_learner_free(TpEntityLearner *l) {
    if (l == NULL)
        return;
    tp_tagger_free(l->tagger);
    tp_entity_trainer_free(l->trainer);
    g_hash_table_destroy(l->gold);
    g_hash_table_destroy(l->seen);
    g_string_free(l->key, TRUE);
    g_free(l);
}

void tp_entity_learner_set_dump(TpEntityLearner *l, GString *dump) {
    g_return_if_fail(l != NULL);
    l->dump = dump;
}

static void collect(guint32 start_cp, guint32 name_start_cp, guint32 end_cp, const char *features,
                    guint n, gpointer data) {
    TpEntityLearner *l = data;
    /* "Mr Trump" is a mention of the gold "Trump": the honorific belongs to it. */
    g_string_printf(l->key, "%u:%u", name_start_cp, end_cp);
    TpClass gold = GPOINTER_TO_UINT(g_hash_table_lookup(l->gold, l->key->str));
    if (gold == TP_CLASS_NONE) {
        g_string_printf(l->key, "%u:%u", start_cp, end_cp);
        gold = GPOINTER_TO_UINT(g_hash_table_lookup(l->gold, l->key->str));
    }
    if (gold != TP_CLASS_NONE)
        g_hash_table_add(l->seen, g_strdup(l->key->str));
    if (l->dump) {
        g_string_append_printf(l->dump, "%u\t%u\t%s\t%u", start_cp, end_cp, tp_class_name(gold),
                               l->counts.documents);
        const char *p = features;
        for (guint i = 0; i < n; i++, p += strlen(p) + 1)
            g_string_append_printf(l->dump, "\t%s", p);
        g_string_append_c(l->dump, '\n');
        return;
    }
    tp_entity_trainer_add(l->trainer, features, n, gold);
    l->counts.candidates++;
}

static TpClass class_of(TpEntityType type) {
    for (int k = 1; k < TP_CLASS_N; k++)
        if (tp_class_type((TpClass)k) == type)
            return (TpClass)k;
    return TP_CLASS_NONE;
}

gboolean tp_entity_learner_add(TpEntityLearner *l, const char *text, gssize len,
                               const TpGoldName *gold, gsize n_gold, GError **error) {
    g_return_val_if_fail(l != NULL && text != NULL && (gold != NULL || n_gold == 0), FALSE);
    g_hash_table_remove_all(l->gold);
    g_hash_table_remove_all(l->seen);
    for (gsize i = 0; i < n_gold; i++) {
        TpClass cls = class_of(gold[i].type);
        if (cls != TP_CLASS_NONE)
            g_hash_table_insert(
                l->gold,
                g_strdup_printf("%" G_GSIZE_FORMAT ":%" G_GSIZE_FORMAT, gold[i].start, gold[i].end),
                GUINT_TO_POINTER(cls));
    }
    tp_tagger_reset(l->tagger);
    if (!tp_tagger_collect_candidates(l->tagger, text, len, collect, l, error))
        return FALSE;
    l->counts.documents++;
    l->counts.gold += g_hash_table_size(l->gold);
    l->counts.covered += g_hash_table_size(l->seen);
    return TRUE;
}

void tp_entity_learner_counts(const TpEntityLearner *l, TpEntityLearnCounts *counts) {
    g_return_if_fail(l != NULL && counts != NULL);
    *counts = l->counts;
}

void tp_entity_learner_fit(TpEntityLearner *l, const char *const *provenance, GString *out) {
    g_return_if_fail(l != NULL && out != NULL);
    tp_entity_trainer_fit(l->trainer, provenance, out);
}
