/* SPDX-License-Identifier: MIT */
/* tp_image.c: writing, mapping and checking knowledge image files. */

/* madvise() (MADV_DONTNEED) is not POSIX: glibc's posix_madvise ignores it. */
#define _DEFAULT_SOURCE
#include "tp_image.h"

#include "tagpipe.h"

#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>

/* ---- XXH64 ---- */

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static inline guint64 rotl64(guint64 x, int r) {
    return (x << r) | (x >> (64 - r));
}
static inline guint64 read64(const guchar *p) {
    guint64 v;
    memcpy(&v, p, 8);
    return GUINT64_FROM_LE(v);
}
static inline guint32 read32(const guchar *p) {
    guint32 v;
    memcpy(&v, p, 4);
    return GUINT32_FROM_LE(v);
}
static inline guint64 xxh_round(guint64 acc, guint64 input) {
    acc += input * P2;
    acc = rotl64(acc, 31);
    return acc * P1;
}
static inline guint64 xxh_merge(guint64 acc, guint64 v) {
    acc ^= xxh_round(0, v);
    return acc * P1 + P4;
}

guint64 tp_xxh64(const void *data, gsize len, guint64 seed) {
    const guchar *p = data;
    const guchar *end = p + len;
    guint64 h;
    if (len >= 32) {
        guint64 v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
        const guchar *limit = end - 32;
        do {
            v1 = xxh_round(v1, read64(p));
            v2 = xxh_round(v2, read64(p + 8));
            v3 = xxh_round(v3, read64(p + 16));
            v4 = xxh_round(v4, read64(p + 24));
            p += 32;
        } while (p <= limit);
        h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
        h = xxh_merge(h, v1);
        h = xxh_merge(h, v2);
        h = xxh_merge(h, v3);
        h = xxh_merge(h, v4);
    } else {
        h = seed + P5;
    }
    h += (guint64)len;
    for (; p + 8 <= end; p += 8) {
        h ^= xxh_round(0, read64(p));
        h = rotl64(h, 27) * P1 + P4;
    }
    if (p + 4 <= end) {
        h ^= (guint64)read32(p) * P1;
        h = rotl64(h, 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++) {
        h ^= (guint64)*p * P5;
        h = rotl64(h, 11) * P1;
    }
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

#define BLOCK ((gsize)1 << 20)
#define HUGE ((gsize)2 << 20)
/* Images above this are let go of as they are read (see tp_image_verify). */
#define RELEASE_ABOVE ((gsize)64 << 20)

/* Blocks [from, to) of the checksum: each block's xxh64 into `sums`. */
typedef struct {
    const guchar *p;
    gsize len;
    gsize from, to;
    gboolean release;
    guint64 *sums;
} SumRange;

static gpointer sum_range(gpointer data) {
    SumRange *r = data;
    for (gsize i = r->from; i < r->to; i++) {
        gsize at = i * BLOCK, n = MIN(BLOCK, r->len - at);
        r->sums[i] = GUINT64_TO_LE(tp_xxh64(r->p + at, n, 0));
        /* Let go of what was read (maybe never needed again), by whole 2 MiB
         * spans: the page cache maps big files with huge pages, and
         * splitting them cost more than the release gained. */
        if (r->release && ((i + 1) % 8 == 0 || i + 1 == r->to)) {
            gsize group = MIN(i + 1 - r->from, (gsize)8);
            guintptr from =
                ((guintptr)r->p + (i + 1 - group) * BLOCK + HUGE - 1) & ~(guintptr)(HUGE - 1);
            guintptr to = ((guintptr)(r->p + at + n)) & ~(guintptr)(HUGE - 1);
            if (to > from)
                madvise((void *)from, to - from, MADV_DONTNEED);
        }
    }
    return NULL;
}

/* The checksum's work: the blocks' sums, split among threads. Above
 * PARALLEL_BLOCKS blocks several threads compute them: reading a 200 MB
 * image is most of its start-up, and the blocks are independent. The
 * checksum is the same whatever the number of threads. */
#define PARALLEL_BLOCKS 16
#define MAX_SUM_THREADS 4

typedef struct {
    guint64 *sums;
    gsize n_blocks;
    guint n_threads;
    SumRange ranges[MAX_SUM_THREADS];
    GThread *threads[MAX_SUM_THREADS];
} SumJob;

/* Start the sums: the threads after the first on their own (when
 * `background`, the first too); sum_finish() completes and joins them. */
static void sum_start(SumJob *job, const void *data, gsize len, gboolean release,
                      gboolean background) {
    memset(job, 0, sizeof *job);
    job->n_blocks = (len + BLOCK - 1) / BLOCK;
    job->sums = g_new(guint64, job->n_blocks ? job->n_blocks : 1);
    job->n_threads = 1;
    if (job->n_blocks >= PARALLEL_BLOCKS)
        job->n_threads = MIN(MAX(g_get_num_processors(), 1), MAX_SUM_THREADS);
    /* Ranges of whole 8-block groups, so that each thread releases whole
     * 2 MiB spans of its own. */
    gsize per = (job->n_blocks + job->n_threads - 1) / job->n_threads;
    per = (per + 7) / 8 * 8;
    for (guint t = 0; t < job->n_threads; t++) {
        gsize from = MIN(t * per, job->n_blocks), to = MIN(from + per, job->n_blocks);
        job->ranges[t] = (SumRange){data, len, from, to, release, job->sums};
        if ((t > 0 || background) && from < to)
            job->threads[t] = g_thread_try_new("tagpipe-sum", sum_range, &job->ranges[t], NULL);
    }
}

/* Sum what no thread took (here, in order), join the threads, and return
 * the checksum. */
static guint64 sum_finish(SumJob *job) {
    for (guint t = 0; t < job->n_threads; t++)
        if (job->threads[t] == NULL)
            sum_range(&job->ranges[t]);
    for (guint t = 0; t < job->n_threads; t++)
        if (job->threads[t])
            g_thread_join(job->threads[t]);
    guint64 h = tp_xxh64(job->sums, job->n_blocks * sizeof(guint64), 0);
    g_free(job->sums);
    memset(job, 0, sizeof *job);
    return h;
}

guint64 tp_image_checksum_bytes(const void *data, gsize len, gboolean release) {
    SumJob job;
    sum_start(&job, data, len, release, FALSE);
    return sum_finish(&job);
}

/* ---- layout ---- */

#define ENDIAN_MARK 0x01020304u

typedef struct {
    char magic[8];
    guint32 version;
    guint32 endian;   /* ENDIAN_MARK in the writer's byte order */
    guint64 size;     /* bytes of the whole file */
    guint64 checksum; /* tp_image_checksum_bytes() of bytes [sizeof(Header), size) */
    guint32 n_sections;
    guint32 header_size;
    guint64 reserved[3];
} Header;

typedef struct {
    guint32 id;
    guint32 pad;
    guint64 offset; /* from the start of the file, a multiple of 8 */
    guint64 len;
} SectionRec;

G_STATIC_ASSERT(sizeof(Header) == 64);
G_STATIC_ASSERT(sizeof(SectionRec) == 24);

static gsize align8(gsize n) {
    return (n + 7) & ~(gsize)7;
}

/* ---- writer ---- */

typedef struct {
    guint32 id;
    const void *data; /* borrowed until saved */
    gsize len;
} PendingSection;

struct TpImageWriter {
    GArray *sections; /* PendingSection */
    GPtrArray *copies;
};

TpImageWriter *tp_image_writer_new(void) {
    TpImageWriter *w = g_new0(TpImageWriter, 1);
    w->sections = g_array_new(FALSE, FALSE, sizeof(PendingSection));
    w->copies = g_ptr_array_new_with_free_func(g_free);
    return w;
}

void tp_image_writer_free(TpImageWriter *w) {
    if (w == NULL)
        return;
    g_array_free(w->sections, TRUE);
    g_ptr_array_free(w->copies, TRUE);
    g_free(w);
}

void tp_image_writer_add(TpImageWriter *w, guint32 id, const void *data, gsize len) {
    PendingSection s = {id, data, len};
    g_array_append_val(w->sections, s);
}

void tp_image_writer_add_copy(TpImageWriter *w, guint32 id, const void *data, gsize len) {
    void *copy = g_memdup2(data, len);
    g_ptr_array_add(w->copies, copy);
    tp_image_writer_add(w, id, copy, len);
}

void tp_image_writer_add_vec(TpImageWriter *w, guint32 id, const TpVec *v, gsize size) {
    tp_image_writer_add(w, id, v->data, (gsize)v->len * size);
}

/* Slots for `count` keys at most 60% full: a power of two, at least 8 (0 for none). */
static guint32 compact_size(guint32 count) {
    guint32 n = count ? 8 : 0;
    while ((guint64)count * 10 > (guint64)n * 6)
        n *= 2;
    return n;
}

void tp_image_writer_add_u64map(TpImageWriter *w, guint32 keys_id, guint32 vals_id,
                                const TpU64Map *m) {
    guint32 n = compact_size(m->count);
    guint64 *keys = g_new0(guint64, n ? n : 1);
    guint32 *vals = g_new0(guint32, n ? n : 1);
    const guint64 *ok = m->keys.data;
    const guint32 *ov = m->vals.data;
    for (guint32 i = 0; i < m->keys.len; i++) {
        if (ok[i] == 0)
            continue;
        guint32 j = (guint32)tp_mix64(ok[i]) & (n - 1);
        while (keys[j])
            j = (j + 1) & (n - 1);
        keys[j] = ok[i];
        vals[j] = ov[i];
    }
    g_ptr_array_add(w->copies, keys);
    g_ptr_array_add(w->copies, vals);
    tp_image_writer_add(w, keys_id, keys, (gsize)n * sizeof(guint64));
    tp_image_writer_add(w, vals_id, vals, (gsize)n * sizeof(guint32));
}

void tp_image_writer_add_strmap(TpImageWriter *w, guint32 id, const TpStrMap *m,
                                const TpPool *pool) {
    guint32 n = compact_size(m->count);
    TpStrSlot *slots = g_new0(TpStrSlot, n ? n : 1);
    const TpStrSlot *old = m->slots.data;
    for (guint32 i = 0; i < m->slots.len; i++) {
        if (old[i].key == 0)
            continue;
        guint32 j = (guint32)tp_hash_str(tp_pool_str(pool, old[i].key)) & (n - 1);
        while (slots[j].key)
            j = (j + 1) & (n - 1);
        slots[j] = old[i];
    }
    g_ptr_array_add(w->copies, slots);
    tp_image_writer_add(w, id, slots, (gsize)n * sizeof(TpStrSlot));
}

gboolean tp_image_writer_save(TpImageWriter *w, const char *path, GError **error) {
    guint n = w->sections->len;
    gsize size = sizeof(Header) + n * sizeof(SectionRec);
    for (guint i = 0; i < n; i++)
        size = align8(size) + g_array_index(w->sections, PendingSection, i).len;
    size = align8(size);
    g_autofree guchar *buf = g_malloc0(size);
    Header *h = (Header *)buf;
    memcpy(h->magic, TP_IMAGE_MAGIC, 8);
    h->version = TP_IMAGE_VERSION;
    h->endian = ENDIAN_MARK;
    h->size = size;
    h->n_sections = n;
    h->header_size = sizeof(Header);
    SectionRec *table = (SectionRec *)(buf + sizeof(Header));
    gsize at = sizeof(Header) + n * sizeof(SectionRec);
    for (guint i = 0; i < n; i++) {
        const PendingSection *s = &g_array_index(w->sections, PendingSection, i);
        at = align8(at);
        table[i] = (SectionRec){.id = s->id, .offset = at, .len = s->len};
        if (s->len)
            memcpy(buf + at, s->data, s->len);
        at += s->len;
    }
    h->checksum = tp_image_checksum_bytes(buf + sizeof(Header), size - sizeof(Header), FALSE);
    GError *io = NULL;
    if (!g_file_set_contents(path, (const char *)buf, (gssize)size, &io)) {
        g_set_error(error, TP_ERROR, TP_ERROR_IO, "%s", io->message);
        g_error_free(io);
        return FALSE;
    }
    return TRUE;
}

/* ---- reader ---- */

struct TpImage {
    char *name;
    GMappedFile *mapped; /* or NULL: `copy` holds the bytes */
    guchar *copy;
    const guchar *base;
    gsize size;
    const Header *h;
    const SectionRec *table;
    SumJob *sum; /* the checksum under way (tp_image_verify_begin), or NULL */
};

gboolean tp_image_fail(const TpImage *img, GError **error, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "%s: IMAGE: %s", img->name, msg);
    return FALSE;
}

/* Check the header and the section table (the checksum: tp_image_verify). */
static gboolean image_check(TpImage *img, GError **error) {
    if (((guintptr)img->base & 7) != 0)
        return tp_image_fail(img, error, "not 8-byte aligned in memory");
    if (img->size < sizeof(Header) || memcmp(img->base, TP_IMAGE_MAGIC, 8) != 0)
        return tp_image_fail(img, error, "bad magic (not a tagpipe knowledge image)");
    const Header *h = (const Header *)img->base;
    if (h->endian == GUINT32_SWAP_LE_BE(ENDIAN_MARK))
        return tp_image_fail(img, error, "written on a machine of the other byte order");
    if (h->endian != ENDIAN_MARK)
        return tp_image_fail(img, error, "bad byte-order mark 0x%08x", h->endian);
    guint32 version = h->version;
    if (version != TP_IMAGE_VERSION)
        return tp_image_fail(img, error, "format version %u, this tagpipe reads version %u",
                             version, TP_IMAGE_VERSION);
    if (h->size != img->size)
        return tp_image_fail(img, error,
                             "size mismatch: header says %" G_GUINT64_FORMAT
                             " bytes, file has %" G_GSIZE_FORMAT " (truncated?)",
                             (guint64)h->size, img->size);
    if (h->header_size != sizeof(Header))
        return tp_image_fail(img, error, "bad header size %u", h->header_size);
    if (h->n_sections > (img->size - sizeof(Header)) / sizeof(SectionRec))
        return tp_image_fail(img, error, "section table out of range");
    img->h = h;
    img->table = (const SectionRec *)(img->base + sizeof(Header));
    guint64 data_start = sizeof(Header) + (guint64)h->n_sections * sizeof(SectionRec);
    for (guint32 i = 0; i < h->n_sections; i++) {
        const SectionRec *s = &img->table[i];
        if (s->offset % 8 != 0 || s->offset < data_start || s->offset > img->size ||
            s->len > img->size - s->offset)
            return tp_image_fail(img, error, "section 0x%x out of range", s->id);
    }
    return TRUE;
}

TpImage *tp_image_open(const char *path, GError **error) {
    GError *io = NULL;
    GMappedFile *mf = g_mapped_file_new(path, FALSE, &io);
    if (mf == NULL) {
        g_set_error(error, TP_ERROR, TP_ERROR_IO, "%s", io->message);
        g_error_free(io);
        return NULL;
    }
    TpImage *img = g_new0(TpImage, 1);
    img->name = g_strdup(path);
    img->mapped = mf;
    img->base = (const guchar *)g_mapped_file_get_contents(mf);
    img->size = g_mapped_file_get_length(mf);
#ifdef MADV_POPULATE_READ
    /* Every page is read at load (the checks, the checksum): mapping them
     * in one call is cheaper than a fault each. A big image is read and
     * let go block by block instead (tp_image_checksum_bytes). Linux 5.14+;
     * an older kernel refuses it and the faults happen as before. */
    if (img->size > 0 && img->size <= RELEASE_ABOVE)
        madvise((void *)img->base, img->size, MADV_POPULATE_READ);
#endif
    if (!image_check(img, error)) {
        tp_image_free(img);
        return NULL;
    }
    return img;
}

TpImage *tp_image_new_from_data(const char *name, const void *data, gsize len, GError **error) {
    TpImage *img = g_new0(TpImage, 1);
    img->name = g_strdup(name);
    /* g_malloc's blocks are aligned for any type, so sections stay 8-aligned. */
    img->copy = g_malloc(len ? len : 1);
    if (len)
        memcpy(img->copy, data, len);
    img->base = img->copy;
    img->size = len;
    if (!image_check(img, error)) {
        tp_image_free(img);
        return NULL;
    }
    return img;
}

void tp_image_verify_begin(TpImage *img) {
    if (img->sum)
        return;
    /* Only a big image is let go of as it is read: for a small one (the
     * shipped image is 25 MB) the release and the faults that bring the used
     * pages back cost more start-up time than the memory is worth. */
    gboolean release = img->mapped != NULL && img->size > RELEASE_ABOVE;
    img->sum = g_new(SumJob, 1);
    sum_start(img->sum, img->base + sizeof(Header), img->size - sizeof(Header), release, TRUE);
}

gboolean tp_image_verify(TpImage *img, GError **error) {
    tp_image_verify_begin(img);
    guint64 sum = sum_finish(img->sum);
    g_clear_pointer(&img->sum, g_free);
    if (sum != img->h->checksum)
        return tp_image_fail(img, error, "checksum mismatch (corrupted)");
    return TRUE;
}

void tp_image_free(TpImage *img) {
    if (img == NULL)
        return;
    if (img->sum) { /* begun and never verified: the threads still read it */
        sum_finish(img->sum);
        g_free(img->sum);
    }
    if (img->mapped)
        g_mapped_file_unref(img->mapped);
    g_free(img->copy);
    g_free(img->name);
    g_free(img);
}

const char *tp_image_name(const TpImage *img) {
    return img->name;
}

guint64 tp_image_checksum(const TpImage *img) {
    return img->h->checksum;
}

const void *tp_image_section(const TpImage *img, guint32 id, gsize *out_len) {
    for (guint32 i = 0; i < img->h->n_sections; i++) {
        if (img->table[i].id == id) {
            *out_len = img->table[i].len;
            return img->base + img->table[i].offset;
        }
    }
    *out_len = 0;
    return NULL;
}

gboolean tp_image_vec(const TpImage *img, guint32 id, gsize size, TpVec *v) {
    gsize len;
    const void *p = tp_image_section(img, id, &len);
    if (p == NULL || len % size != 0 || len / size > G_MAXUINT32)
        return FALSE;
    v->data = (void *)p;
    v->len = (guint32)(len / size);
    v->cap = 0;
    return TRUE;
}
