/* SPDX-License-Identifier: MIT */
/* tp_image.h: the compiled knowledge image file: a header, a table of
 * sections, and the sections (flat arrays), memory-mapped read-only. */

#ifndef TP_IMAGE_H
#define TP_IMAGE_H

#include "tp_flat.h"

/* Bump on any change of a section's layout, of a hash in tp_flat.h, or of
 * what the loaders compute: an image of another version is rejected. */
#define TP_IMAGE_VERSION 5u
#define TP_IMAGE_MAGIC "TPKNOWL\n"

/* Section ids. Each module owns a range. */
enum {
    TP_SEC_GAZ_META = 0x100, /* TpGazMeta */
    TP_SEC_GAZ_POOL,
    TP_SEC_GAZ_ENTRIES,
    TP_SEC_GAZ_LINES,
    TP_SEC_GAZ_VALUES,
    TP_SEC_GAZ_NODES,
    TP_SEC_GAZ_EDGE_KEYS,
    TP_SEC_GAZ_EDGE_VALS,
    TP_SEC_GAZ_IDS,
    TP_SEC_GAZ_WORDS,
    TP_SEC_GAZ_WORD_MAP,
    TP_SEC_GAZ_FILES,
    TP_SEC_GAZ_OFFICE_ALIASES,
    TP_SEC_OFFICES_POOL = 0x200,
    TP_SEC_OFFICES_MAP,
    TP_SEC_OFFICES_META,
    TP_SEC_TOPIC_META = 0x300,
    TP_SEC_TOPIC_POOL,
    TP_SEC_TOPIC_TOPICS,
    TP_SEC_TOPIC_FEATS,
    TP_SEC_TOPIC_FEAT_FIRST,
    TP_SEC_TOPIC_WEIGHTS,
    TP_SEC_TOPIC_STOPWORDS,
    TP_SEC_TOPIC_STEM_IDS,
    TP_SEC_TOPIC_PAIR_KEYS,
    TP_SEC_TOPIC_PAIR_VALS,
    TP_SEC_CUES = 0x400,
    TP_SEC_ENTITY_META = 0x480, /* the entity model: FeatMeta (tp_candidates.c) */
    TP_SEC_ENTITY_SLOTS,
    TP_SEC_ENTITY_NAMES,
    TP_SEC_ENTITY_WEIGHTS,
    TP_SEC_SOURCES = 0x500, /* TpImageSource records, then their pool */
    TP_SEC_SOURCES_POOL,
};

/* XXH64 (Yann Collet's xxHash, 64-bit, seed 0), written out here: the image
 * is checked on every start-up and GChecksum's fastest digest (MD5) reads
 * about 0.6 GB/s, a third of a 20 ms budget for a 40 MB image; XXH64 reads
 * several GB/s. tests/unit/test_image.c checks it against the published
 * test vectors. */
guint64 tp_xxh64(const void *data, gsize len, guint64 seed);

/* The checksum of an image's bytes after its header: XXH64 of the XXH64s
 * of its 1 MiB blocks, so that the pages of each block can be let go as
 * soon as it is read (`release` on a mapping: see tp_image.c). */
guint64 tp_image_checksum_bytes(const void *data, gsize len, gboolean release);

typedef struct TpImageWriter TpImageWriter;

TpImageWriter *tp_image_writer_new(void);
void tp_image_writer_free(TpImageWriter *w);
/* Add a section of `len` bytes at `data`, borrowed until the image is saved. */
void tp_image_writer_add(TpImageWriter *w, guint32 id, const void *data, gsize len);
/* The same with a copy of the bytes (for small records built on the stack). */
void tp_image_writer_add_copy(TpImageWriter *w, guint32 id, const void *data, gsize len);
/* Add the records of a vector of records of `size` bytes. */
void tp_image_writer_add_vec(TpImageWriter *w, guint32 id, const TpVec *v, gsize size);
/* Add a string table, rehashed into the fewest slots that keep it at most
 * 60% full (a table grown by doubling is a quarter to a half full: a third
 * of an image was empty slots). Lookups find the same values. */
void tp_image_writer_add_strmap(TpImageWriter *w, guint32 id, const TpStrMap *m,
                                const TpPool *pool);
/* The same for a table of 64-bit keys (its keys and values as two sections). */
void tp_image_writer_add_u64map(TpImageWriter *w, guint32 keys_id, guint32 vals_id,
                                const TpU64Map *m);
/* Write the image to `path` atomically (a temporary file renamed). */
gboolean tp_image_writer_save(TpImageWriter *w, const char *path, GError **error);

typedef struct TpImage TpImage;

/* Map the image `path` and check its header: TP_ERROR_IO when it cannot
 * be read, TP_ERROR_FORMAT "PATH: IMAGE: problem" when it is not an image
 * of this version (magic, version, byte order, size, section table). The
 * checksum is tp_image_verify()'s: the loaders check the sections' offsets
 * (reading the records once) while the checksum, begun before them, reads
 * every page in other threads (and lets a big image's pages go). */
TpImage *tp_image_open(const char *path, GError **error);
/* The same over `len` bytes at `data` (copied); `name` is used in messages. */
TpImage *tp_image_new_from_data(const char *name, const void *data, gsize len, GError **error);
void tp_image_free(TpImage *img);
/* Compare the checksum with the bytes: "IMAGE: checksum mismatch". */
gboolean tp_image_verify(TpImage *img, GError **error);
/* Start the checksum in the background, so that the loaders' checks of the
 * sections run beside it; tp_image_verify() then waits for it. */
void tp_image_verify_begin(TpImage *img);
const char *tp_image_name(const TpImage *img);
guint64 tp_image_checksum(const TpImage *img);
/* Section `id` (8-byte aligned), or NULL when absent; its length in `out_len`. */
const void *tp_image_section(const TpImage *img, guint32 id, gsize *out_len);
/* Point `v` at section `id` as records of `size` bytes: FALSE when absent
 * (with `required`) or not a whole number of records. */
gboolean tp_image_vec(const TpImage *img, guint32 id, gsize size, TpVec *v);
/* Set a TP_ERROR_FORMAT "NAME: IMAGE: ..." error about `img`. */
gboolean tp_image_fail(const TpImage *img, GError **error, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

#endif /* TP_IMAGE_H */
