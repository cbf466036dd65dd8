/* SPDX-License-Identifier: MIT */
/* tp_knowledge.c: the knowledge bundle: loading text files into it, and the
 * one step that builds what is derived from them (tp_knowledge_finish). Its
 * image form is tp_knowledge_image.c. */

#include "tp_candidates.h"

#include <string.h>

TpKnowledge *tp_knowledge_new(void) {
    TpKnowledge *k = g_new0(TpKnowledge, 1);
    k->gaz = tp_gazetteer_new();
    g_mutex_init(&k->finish_lock);
    return k;
}

void tp_knowledge_finish(const TpKnowledge *k) {
    TpKnowledge *mut = (TpKnowledge *)k; /* see tp_knowledge.h: a cache */
    g_mutex_lock(&mut->finish_lock);
    if (mut->stale) {
        tp_offices_index(mut);
        mut->stale = FALSE;
    }
    g_mutex_unlock(&mut->finish_lock);
}

TpTopicModel *tp_knowledge_swap_topic_model(TpKnowledge *k, TpTopicModel *model) {
    TpTopicModel *old = k->topics;
    k->topics = model;
    return old;
}

void tp_knowledge_free(TpKnowledge *knowledge) {
    if (knowledge == NULL)
        return;
    tp_gazetteer_free(knowledge->gaz);
    tp_topic_model_free(knowledge->topics);
    tp_entity_model_free(knowledge->entities);
    tp_office_index_clear(&knowledge->offices);
    tp_knowledge_sources_free(knowledge);
    /* Last: the records above may borrow from it. */
    tp_image_free(knowledge->image);
    g_mutex_clear(&knowledge->finish_lock);
    g_free(knowledge);
}

gboolean tp_knowledge_load_file(TpKnowledge *knowledge, const char *path, GError **error) {
    g_return_val_if_fail(knowledge != NULL && path != NULL, FALSE);
    if (!tp_gazetteer_load(knowledge->gaz, path, error))
        return FALSE;
    tp_knowledge_add_source(knowledge, path);
    knowledge->stale = TRUE;
    return TRUE;
}

static int cmp_path(gconstpointer a, gconstpointer b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static gboolean load_tsv_files(TpKnowledge *knowledge, const char *dir, gboolean must_exist,
                               GError **error) {
    GError *io = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &io);
    if (d == NULL) {
        if (!must_exist && g_error_matches(io, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            g_error_free(io);
            tp_knowledge_add_source_dir(knowledge, dir);
            return TRUE;
        }
        g_set_error(error, TP_ERROR, TP_ERROR_IO, "%s", io->message);
        g_error_free(io);
        return FALSE;
    }
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
        if (g_str_has_suffix(name, ".tsv"))
            g_ptr_array_add(names, g_build_filename(dir, name, NULL));
    /* Name order, so that loading (and so tie-breaking) is the same everywhere. */
    g_ptr_array_sort(names, cmp_path);
    /* What is derived from the files is built once, after all (tp_knowledge_finish). */
    for (guint i = 0; i < names->len; i++) {
        if (!tp_gazetteer_load(knowledge->gaz, g_ptr_array_index(names, i), error))
            return FALSE;
        tp_knowledge_add_source(knowledge, g_ptr_array_index(names, i));
    }
    tp_knowledge_add_source_dir(knowledge, dir);
    return TRUE;
}

gboolean tp_knowledge_load_dir(TpKnowledge *knowledge, const char *dir, GError **error) {
    g_return_val_if_fail(knowledge != NULL && dir != NULL, FALSE);
    g_autofree char *lex = g_build_filename(dir, "lexicon", NULL);
    gboolean ok =
        load_tsv_files(knowledge, dir, TRUE, error) && load_tsv_files(knowledge, lex, FALSE, error);
    /* What was loaded is used even after a failure, as after each file before. */
    knowledge->stale = TRUE;
    return ok;
}

gboolean tp_knowledge_load_topic_model(TpKnowledge *knowledge, const char *path, GError **error) {
    g_return_val_if_fail(knowledge != NULL && path != NULL, FALSE);
    TpTopicModel *m = tp_topic_model_load(path, error);
    if (m == NULL)
        return FALSE;
    tp_topic_model_free(knowledge->topics);
    knowledge->topics = m;
    tp_knowledge_add_source(knowledge, path);
    return TRUE;
}

gboolean tp_knowledge_load_cues(TpKnowledge *knowledge, const char *path, GError **error) {
    g_return_val_if_fail(knowledge != NULL && path != NULL, FALSE);
    if (!tp_cues_load(&knowledge->cues, path, error))
        return FALSE;
    tp_knowledge_add_source(knowledge, path);
    return TRUE;
}

guint tp_knowledge_n_topics(const TpKnowledge *knowledge) {
    g_return_val_if_fail(knowledge != NULL, 0);
    return knowledge->topics ? tp_topic_model_n_topics(knowledge->topics) : 0;
}

const char *tp_knowledge_topic(const TpKnowledge *knowledge, guint i, const char **label) {
    g_return_val_if_fail(knowledge != NULL, NULL);
    if (knowledge->topics == NULL || i >= tp_topic_model_n_topics(knowledge->topics))
        return NULL;
    return tp_topic_model_key(knowledge->topics, i, label);
}

gboolean tp_knowledge_has_entity_model(const TpKnowledge *knowledge) {
    g_return_val_if_fail(knowledge != NULL, FALSE);
    return knowledge->entities != NULL;
}

gboolean tp_knowledge_load_entity_model(TpKnowledge *knowledge, const char *path, GError **error) {
    g_return_val_if_fail(knowledge != NULL, FALSE);
    TpEntityModel *m = NULL;
    if (path != NULL && (m = tp_entity_model_load(path, error)) == NULL)
        return FALSE;
    tp_entity_model_free(knowledge->entities);
    knowledge->entities = m;
    if (path != NULL)
        tp_knowledge_add_source(knowledge, path);
    return TRUE;
}

void tp_knowledge_describe(const TpKnowledge *knowledge, GString *out) {
    g_return_if_fail(knowledge != NULL && out != NULL);
    tp_gazetteer_describe(knowledge->gaz, out);
}
