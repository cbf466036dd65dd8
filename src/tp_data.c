/* SPDX-License-Identifier: MIT */
/* tp_data.c: where the shipped gazetteers and models live, and loading them in one call. */

#include "tagpipe.h"
#include "tp_paths.h"

/* A folder holds the shipped data when it has a gazetteers folder. */
static gboolean has_data(const char *dir) {
    g_autofree char *g = g_build_filename(dir, "gazetteers", NULL);
    return g_file_test(g, G_FILE_TEST_IS_DIR);
}

char *tp_data_dir(void) {
    /* 1. The environment wins, even when the folder is missing: the load then says so. */
    const char *env = g_getenv("TAGPIPE_DATA_DIR");
    if (env && *env)
        return g_strdup(env);
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe) {
        /* 2. A program of the build folder (tagpipe, the unit tests) uses the source tree. */
        if (g_str_has_prefix(exe, TP_PATHS_BUILD_DIR "/"))
            return g_strdup(TP_PATHS_SOURCE_DIR);
        /* 3. Relative to the executable, so that an install prefix can be moved. */
        g_autofree char *bindir = g_path_get_dirname(exe);
        g_autofree char *rel = g_build_filename(bindir, TP_PATHS_BIN_TO_DATA, NULL);
        g_autofree char *canon = g_canonicalize_filename(rel, NULL);
        if (has_data(canon))
            return g_steal_pointer(&canon);
    }
    /* 4. Where the build was configured to install it. */
    return g_strdup(TP_PATHS_DATA_DIR);
}

char *tp_data_image_path(void) {
    /* A program of the build folder uses the image the build compiled. */
    const char *env = g_getenv("TAGPIPE_DATA_DIR");
    if (!(env && *env)) {
        g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
        if (exe && g_str_has_prefix(exe, TP_PATHS_BUILD_DIR "/"))
            return g_build_filename(TP_PATHS_BUILD_DIR, "tagpipe.image", NULL);
    }
    g_autofree char *dir = tp_data_dir();
    return g_build_filename(dir, "tagpipe.image", NULL);
}

/* The shipped image when it is there, sound and not older than the text
 * files; NULL otherwise, with the reason in `error` unless it is absent. */
static TpKnowledge *default_image(GError **error) {
    g_autofree char *image = tp_data_image_path();
    if (!g_file_test(image, G_FILE_TEST_EXISTS))
        return NULL;
    TpKnowledge *k = tp_knowledge_new_from_image(image, error);
    if (k && !tp_knowledge_check_sources(k, error)) {
        tp_knowledge_free(k);
        return NULL;
    }
    return k;
}

TpKnowledge *tp_knowledge_new_default(GError **error) {
    /* The image first; any problem with it and the text files are loaded. */
    TpKnowledge *k = default_image(NULL);
    if (k)
        return k;
    g_autofree char *dir = tp_data_dir();
    g_autofree char *gdir = g_build_filename(dir, "gazetteers", NULL);
    g_autofree char *model = g_build_filename(dir, "models", "topics.model", NULL);
    g_autofree char *cues = g_build_filename(dir, "models", "cues.tsv", NULL);
    g_autofree char *entities = g_build_filename(dir, "models", "entities.model", NULL);
    k = tp_knowledge_new();
    if (!tp_knowledge_load_dir(k, gdir, error) || !tp_knowledge_load_topic_model(k, model, error) ||
        !tp_knowledge_load_cues(k, cues, error) ||
        !tp_knowledge_load_entity_model(k, entities, error)) {
        tp_knowledge_free(k);
        return NULL;
    }
    return k;
}

TpKnowledge *tp_knowledge_new_default_image(GError **error) {
    return default_image(error);
}
