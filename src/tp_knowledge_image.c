/* SPDX-License-Identifier: MIT */
/* tp_knowledge_image.c: the knowledge bundle as one compiled image, the
 * sources it was compiled from, and the cache of images with user gazetteers. */

#include "tp_candidates.h"
#include "tp_knowledge.h"
#include "tp_image.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* One file the knowledge was loaded from, as the image records it. */
typedef struct {
    guint32 path;     /* pool offset */
    guint16 relative; /* path is relative to tp_data_dir() */
    guint16 is_dir;   /* a folder whose *.tsv were loaded: `size` hashes their names */
    gint64 size;
    gint64 mtime; /* seconds (install keeps whole seconds) */
} SourceRec;

static int cmp_name(gconstpointer a, gconstpointer b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A hash of the sorted *.tsv names of folder `dir` (none when it is missing):
 * a file added to or removed from a data folder makes its image stale. */
static gint64 dir_names_hash(const char *dir) {
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d)) != NULL)
        if (g_str_has_suffix(name, ".tsv"))
            g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, cmp_name);
    guint64 h = 0;
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        h = tp_xxh64(n, strlen(n) + 1, h);
    }
    return (gint64)(h >> 1);
}

void tp_knowledge_add_source_dir(TpKnowledge *k, const char *dir) {
    /* Absolute, so that a run from another folder checks the same file. */
    TpKnowledgeSource src = {
        .path = g_canonicalize_filename(dir, NULL), .is_dir = TRUE, .size = dir_names_hash(dir)};
    if (k->sources == NULL)
        k->sources = g_array_new(FALSE, FALSE, sizeof(TpKnowledgeSource));
    g_array_append_val(k->sources, src);
}

void tp_knowledge_add_source(TpKnowledge *k, const char *path) {
    TpKnowledgeSource src = {.path = g_canonicalize_filename(path, NULL), .size = -1, .mtime = -1};
    GStatBuf st;
    if (g_stat(path, &st) == 0) {
        src.size = st.st_size;
        src.mtime = st.st_mtime;
    }
    if (k->sources == NULL)
        k->sources = g_array_new(FALSE, FALSE, sizeof(TpKnowledgeSource));
    g_array_append_val(k->sources, src);
}

void tp_knowledge_sources_free(TpKnowledge *k) {
    for (guint i = 0; k->sources && i < k->sources->len; i++)
        g_free(g_array_index(k->sources, TpKnowledgeSource, i).path);
    if (k->sources)
        g_array_free(k->sources, TRUE);
    k->sources = NULL;
}

gboolean tp_knowledge_save_image(const TpKnowledge *k, const char *path, GError **error) {
    g_return_val_if_fail(k != NULL && path != NULL, FALSE);
    tp_knowledge_finish(k);
    TpImageWriter *w = tp_image_writer_new();
    tp_gazetteer_write(k->gaz, w);
    tp_office_index_write(&k->offices, w);
    if (k->topics)
        tp_topic_model_write(k->topics, w);
    tp_cues_write(&k->cues, w);
    if (k->entities)
        tp_entity_model_write(k->entities, w);

    /* The sources, relative to the data folder when inside it, so that an
     * installed image is checked against the installed text files. */
    g_autofree char *data_dir = tp_data_dir();
    g_autofree char *data_abs = g_canonicalize_filename(data_dir, NULL);
    g_autofree char *prefix = g_strconcat(data_abs, G_DIR_SEPARATOR_S, NULL);
    TpPool pool;
    tp_pool_init(&pool);
    TpVec recs = {0};
    for (guint i = 0; k->sources && i < k->sources->len; i++) {
        const TpKnowledgeSource *s = &g_array_index(k->sources, TpKnowledgeSource, i);
        gboolean rel = g_str_has_prefix(s->path, prefix);
        SourceRec *r = tp_vec_push(&recs, sizeof(SourceRec));
        r->relative = rel;
        r->is_dir = s->is_dir;
        r->size = s->size;
        r->mtime = s->mtime;
        r->path = tp_pool_add(&pool, rel ? s->path + strlen(prefix) : s->path);
    }
    tp_image_writer_add_vec(w, TP_SEC_SOURCES, &recs, sizeof(SourceRec));
    tp_image_writer_add_vec(w, TP_SEC_SOURCES_POOL, &pool.bytes, 1);
    gboolean ok = tp_image_writer_save(w, path, error);
    tp_image_writer_free(w);
    tp_vec_clear(&recs);
    tp_pool_clear(&pool);
    return ok;
}

static gboolean load_entity_model(TpKnowledge *k, const TpImage *img, GError **error) {
    gboolean present;
    k->entities = tp_entity_model_from_image(img, &present, error);
    return k->entities != NULL || !present;
}

static gboolean load_sources(TpKnowledge *k, const TpImage *img, GError **error) {
    TpVec recs = {0};
    TpPool pool = {0};
    if (!tp_image_vec(img, TP_SEC_SOURCES, sizeof(SourceRec), &recs) ||
        !tp_image_vec(img, TP_SEC_SOURCES_POOL, 1, &pool.bytes) || !tp_pool_valid(&pool))
        return tp_image_fail(img, error, "source sections malformed");
    g_autofree char *data_dir = NULL;
    k->sources = g_array_new(FALSE, FALSE, sizeof(TpKnowledgeSource));
    for (guint32 i = 0; i < recs.len; i++) {
        const SourceRec *r = &TP_VEC_AT(recs, SourceRec, i);
        if (r->path == 0 || r->path >= pool.bytes.len)
            return tp_image_fail(img, error, "source sections malformed");
        const char *p = tp_pool_str(&pool, r->path);
        if (r->relative && data_dir == NULL)
            data_dir = tp_data_dir();
        TpKnowledgeSource s = {.path =
                                   r->relative ? g_build_filename(data_dir, p, NULL) : g_strdup(p),
                               .is_dir = r->is_dir != 0,
                               .size = r->size,
                               .mtime = r->mtime};
        g_array_append_val(k->sources, s);
    }
    return TRUE;
}

TpKnowledge *tp_knowledge_from_image(TpImage *img, GError **error) {
    TpKnowledge *k = g_new0(TpKnowledge, 1);
    g_mutex_init(&k->finish_lock);
    k->image = img;
    tp_image_verify_begin(img);
    GError *bad = NULL;
    k->gaz = tp_gazetteer_from_image(img, &bad);
    gboolean ok =
        k->gaz != NULL &&
        tp_office_index_from_image(&k->offices, img, tp_gazetteer_n_entries(k->gaz), &bad) &&
        tp_cues_from_image(&k->cues, img, &bad) && load_sources(k, img, &bad) &&
        load_entity_model(k, img, &bad);
    if (ok)
        k->topics = tp_topic_model_from_image(img, &bad);
    /* A changed byte is said as such, before what it made out of range. */
    GError *sum = NULL;
    if (!tp_image_verify(img, &sum)) {
        g_clear_error(&bad);
        bad = sum;
    }
    if (bad) {
        g_propagate_error(error, bad);
        tp_knowledge_free(k);
        return NULL;
    }
    return k;
}

TpKnowledge *tp_knowledge_new_from_image(const char *path, GError **error) {
    g_return_val_if_fail(path != NULL, NULL);
    TpImage *img = tp_image_open(path, error);
    return img ? tp_knowledge_from_image(img, error) : NULL;
}

gboolean tp_knowledge_check_sources(const TpKnowledge *k, GError **error) {
    g_return_val_if_fail(k != NULL, FALSE);
    if (k->image == NULL)
        return TRUE;
    for (guint i = 0; k->sources && i < k->sources->len; i++) {
        const TpKnowledgeSource *s = &g_array_index(k->sources, TpKnowledgeSource, i);
        GStatBuf st;
        gboolean same = s->is_dir ? dir_names_hash(s->path) == s->size
                                  : g_stat(s->path, &st) == 0 && st.st_size == s->size &&
                                        (gint64)st.st_mtime == s->mtime;
        if (!same) {
            g_set_error(error, TP_ERROR, TP_ERROR_FORMAT,
                        "%s: IMAGE: stale: %s changed since the image was compiled",
                        tp_image_name(k->image), s->path);
            return FALSE;
        }
    }
    return TRUE;
}

/* ---- the cache of images with user gazetteers ---- */

/* The content hash of a file (xxh64 of its bytes, and its length): read
 * through a buffer, not mapped, since a mapping of a 36 MB gazetteer would
 * count in the resident size for the rest of the run's peak. */
static gboolean hash_file(const char *path, guint64 *out_hash, guint64 *out_len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return FALSE;
    g_autofree guchar *buf = g_malloc(1 << 20);
    guint64 fh = 0, len = 0;
    gsize n;
    while ((n = fread(buf, 1, 1 << 20, f)) > 0) {
        fh = tp_xxh64(buf, n, fh);
        len += n;
    }
    gboolean failed = ferror(f) != 0;
    fclose(f);
    *out_hash = fh;
    *out_len = len;
    return !failed;
}

/* What a file's hash was when it had this stat, kept in the cache folder
 * (as git's index keeps one per file): reading a 36 MB user gazetteer was a
 * fifth of the start-up its cached image gives. ctime changes with every
 * write and cannot be set back, so a same-size edit with its mtime restored
 * still misses; a file written within two seconds of being hashed is not
 * memoised ("racy": a later write in the same clock tick could keep every
 * time stamp). */
typedef struct {
    char magic[8]; /* "tpstat1\0" */
    guint64 dev, ino, size;
    gint64 mtime_s, mtime_ns, ctime_s, ctime_ns;
    guint64 hash, len;
} StatMemo;

static void memo_fill(StatMemo *m, const struct stat *st) {
    memset(m, 0, sizeof *m);
    memcpy(m->magic, "tpstat1", 8);
    m->dev = (guint64)st->st_dev;
    m->ino = (guint64)st->st_ino;
    m->size = (guint64)st->st_size;
    m->mtime_s = st->st_mtim.tv_sec;
    m->mtime_ns = st->st_mtim.tv_nsec;
    m->ctime_s = st->st_ctim.tv_sec;
    m->ctime_ns = st->st_ctim.tv_nsec;
}

static gboolean hash_file_memo(const char *path, const char *memo_dir, guint64 *out_hash,
                               guint64 *out_len) {
    struct stat st;
    if (memo_dir == NULL || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return hash_file(path, out_hash, out_len);
    g_autofree char *abs = g_canonicalize_filename(path, NULL);
    g_autofree char *name =
        g_strdup_printf("%016" G_GINT64_MODIFIER "x.stat", tp_xxh64(abs, strlen(abs), 0));
    g_autofree char *memo_path = g_build_filename(memo_dir, name, NULL);
    StatMemo now, old;
    memo_fill(&now, &st);
    g_autofree char *data = NULL;
    gsize len = 0;
    if (g_file_get_contents(memo_path, &data, &len, NULL) && len == sizeof old) {
        memcpy(&old, data, sizeof old);
        now.hash = old.hash;
        now.len = old.len;
        if (memcmp(&now, &old, sizeof now) == 0) {
            *out_hash = old.hash;
            *out_len = old.len;
            return TRUE;
        }
    }
    if (!hash_file(path, out_hash, out_len))
        return FALSE;
    gint64 wall = g_get_real_time() / G_USEC_PER_SEC;
    if (st.st_mtim.tv_sec + 2 <= wall && st.st_ctim.tv_sec + 2 <= wall) {
        now.hash = *out_hash;
        now.len = *out_len;
        g_file_set_contents(memo_path, (const char *)&now, sizeof now, NULL); /* only speed */
    }
    return TRUE;
}

/* The cache key: the format version, the base image's checksum, and each
 * file's bytes (its content, not its name or time, so that a copy hits and
 * an edit misses). NULL when a file cannot be read. */
static char *cache_key(guint64 base_checksum, const char *const *paths, const char *memo_dir) {
    guint64 h = tp_xxh64("tagpipe-image-cache", 19, TP_IMAGE_VERSION);
    h = tp_xxh64(&h, sizeof h, base_checksum);
    for (guint i = 0; paths[i]; i++) {
        guint64 pair[2];
        if (!hash_file_memo(paths[i], memo_dir, &pair[0], &pair[1]))
            return NULL;
        h = tp_xxh64(pair, sizeof pair, h);
    }
    return g_strdup_printf("%016" G_GINT64_MODIFIER "x", h);
}

/* Where the image of `paths` over the base image of `base_checksum` is
 * cached, with its folder made; NULL when there is none to be had. */
static char *cache_path(guint64 base_checksum, const char *const *paths) {
    g_autofree char *dir = g_build_filename(g_get_user_cache_dir(), "tagpipe", NULL);
    if (g_mkdir_with_parents(dir, 0755) != 0)
        return NULL;
    g_autofree char *key = cache_key(base_checksum, paths, dir);
    if (key == NULL)
        return NULL; /* the text load reports the unreadable file */
    g_autofree char *name = g_strconcat(key, ".tpimage", NULL);
    return g_build_filename(dir, name, NULL);
}

/* The cached image at `path` when it is there, sound and fresh; else NULL,
 * with why in `*out_warning` when it was there. */
static TpKnowledge *cache_lookup(const char *path, char **out_warning) {
    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return NULL;
    GError *bad = NULL;
    TpKnowledge *cached = tp_knowledge_new_from_image(path, &bad);
    if (cached && !tp_knowledge_check_sources(cached, &bad))
        g_clear_pointer(&cached, tp_knowledge_free);
    if (cached == NULL) {
        /* Compiled again by the caller, over the bad one. */
        if (out_warning)
            *out_warning = g_strdup_printf("%s; compiling it again", bad->message);
        g_error_free(bad);
    }
    return cached;
}

/* Load `paths` into `base` and save the result at `cache` (when not NULL). */
static TpKnowledge *load_and_save(TpKnowledge *base, const char *const *paths, const char *cache,
                                  GError **error) {
    for (guint i = 0; paths[i]; i++) {
        if (!tp_knowledge_load_file(base, paths[i], error)) {
            tp_knowledge_free(base);
            return NULL;
        }
    }
    /* An unwritable cache only costs the next start-up its speed. */
    if (cache)
        tp_knowledge_save_image(base, cache, NULL);
    return base;
}

TpKnowledge *tp_knowledge_add_files_cached(TpKnowledge *base, const char *const *paths,
                                           char **out_warning, GError **error) {
    g_return_val_if_fail(base != NULL && paths != NULL, NULL);
    if (out_warning)
        *out_warning = NULL;
    g_autofree char *cache = NULL;
    if (base->image && paths[0]) {
        cache = cache_path(tp_image_checksum(base->image), paths);
        TpKnowledge *cached = cache ? cache_lookup(cache, out_warning) : NULL;
        if (cached) {
            tp_knowledge_free(base);
            return cached;
        }
    }
    return load_and_save(base, paths, cache, error);
}

TpKnowledge *tp_knowledge_new_default_image_cached(const char *const *paths, gboolean *out_fallback,
                                                   char **out_warning, GError **error) {
    g_return_val_if_fail(paths != NULL && out_fallback != NULL, NULL);
    *out_fallback = TRUE;
    if (out_warning)
        *out_warning = NULL;
    g_autofree char *path = tp_data_image_path();
    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return NULL;
    /* The header names the shipped image (its checksum) for the key; it is
     * read through, checksum and all, only when the cache misses. */
    TpImage *img = tp_image_open(path, error);
    if (img == NULL)
        return NULL;
    g_autofree char *cache = paths[0] ? cache_path(tp_image_checksum(img), paths) : NULL;
    /* The cached image's sources are the shipped files and `paths`: fresh
     * means neither changed. */
    TpKnowledge *cached = cache ? cache_lookup(cache, out_warning) : NULL;
    if (cached) {
        tp_image_free(img);
        *out_fallback = FALSE;
        return cached;
    }
    TpKnowledge *base = tp_knowledge_from_image(img, error);
    if (base && !tp_knowledge_check_sources(base, error))
        g_clear_pointer(&base, tp_knowledge_free);
    if (base == NULL)
        return NULL;
    *out_fallback = FALSE;
    return load_and_save(base, paths, cache, error);
}
