/* SPDX-License-Identifier: MIT */
/* test_image.c: the compiled knowledge image: checksum, round trip, and
 * every kind of bad image refused. */

#include "tp_knowledge.h"
#include "tp_image.h"
#include "tp_test.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---- XXH64 against the published vectors ---- */

static void test_xxh64(void) {
    g_assert_cmphex(tp_xxh64("", 0, 0), ==, G_GUINT64_CONSTANT(0xEF46DB3751D8E999));
    g_assert_cmphex(tp_xxh64("a", 1, 0), ==, G_GUINT64_CONSTANT(0xD24EC4F1A98C6E5B));
    g_assert_cmphex(tp_xxh64("abc", 3, 0), ==, G_GUINT64_CONSTANT(0x44BC2CF5AD770999));
    const char *fox = "The quick brown fox jumps over the lazy dog";
    g_assert_cmphex(tp_xxh64(fox, strlen(fox), 0), ==, G_GUINT64_CONSTANT(0x0B242D361FDA71BC));
    /* Past the 32-byte stripes: the low half is what zstd's frame checksum
     * holds (`zstd --check` of the same 1000 bytes ends in d1 4e 6f b6). */
    char buf[1000];
    for (int i = 0; i < 1000; i++)
        buf[i] = (char)(33 + i % 90);
    g_assert_cmphex(tp_xxh64(buf, sizeof buf, 0) & 0xffffffffu, ==, 0xb66f4ed1u);
}

/* ---- tp_bytes_equal against memcmp ---- */

/* Every length to 40 at every offset of two buffers, equal and with each
 * single byte changed (the first, the last, and each of the overlapping
 * four- and eight-byte loads). */
static void test_bytes_equal(void) {
    unsigned char a[64], b[64];
    for (int i = 0; i < 64; i++)
        a[i] = b[i] = (unsigned char)(7 + i * 13);
    for (gsize off = 0; off < 8; off++) {
        for (gsize len = 0; len <= 40; len++) {
            g_assert_true(tp_bytes_equal(a + off, b + off, len));
            for (gsize d = 0; d < len; d++) {
                b[off + d] ^= 0x20;
                g_assert_cmpint(tp_bytes_equal(a + off, b + off, len), ==,
                                memcmp(a + off, b + off, len) == 0);
                g_assert_false(tp_bytes_equal(a + off, b + off, len));
                b[off + d] ^= 0x20;
            }
            /* a difference just past the end is not seen */
            b[off + len] ^= 0x20;
            g_assert_true(tp_bytes_equal(a + off, b + off, len));
            b[off + len] ^= 0x20;
        }
    }
}

/* ---- tp_copy_small against memcpy ---- */

/* Every length to 40 at every offset: the bytes memcpy writes, and none
 * outside them. */
static void test_copy_small(void) {
    unsigned char src[64], want[80], got[80];
    for (int i = 0; i < 64; i++)
        src[i] = (unsigned char)(3 + i * 29);
    for (gsize off = 0; off < 8; off++) {
        for (gsize len = 0; len <= 40; len++) {
            memset(want, 0xee, sizeof want);
            memset(got, 0xee, sizeof got);
            memcpy(want + 8 + off, src + off, len);
            tp_copy_small(got + 8 + off, src + off, len);
            g_assert_cmpmem(got, sizeof got, want, sizeof want);
        }
    }
}

/* ---- TpStrSet against a GHashTable ---- */

/* Rounds of random byte strings (short, from a small alphabet with NUL in
 * it, so that many repeat) added to a TpStrSet and to a GHashTable of
 * GBytes: the same numbers, the same finds (of the keys and of others),
 * across growth and resets, expected sizes too small and too large. */
static void test_strset(void) {
    GRand *rand = g_rand_new_with_seed(7);
    TpStrSet set;
    tp_strset_init(&set);
    static const guint32 rounds[][2] = {{10, 0},    {300, 300}, {2000, 5},
                                        {50, 4000}, {0, 0},     {900, 1}};
    for (guint r = 0; r < G_N_ELEMENTS(rounds); r++) {
        tp_strset_reset(&set, rounds[r][1]);
        g_autoptr(GHashTable) ref =
            g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
        for (guint i = 0; i < rounds[r][0]; i++) {
            char key[40];
            gsize len = (gsize)g_rand_int_range(rand, 0, (i % 7 == 0) ? 40 : 4);
            for (gsize j = 0; j < len; j++)
                key[j] = "ab\0c"[g_rand_int_range(rand, 0, 4)];
            GBytes *b = g_bytes_new(key, len);
            gpointer num;
            gboolean known = g_hash_table_lookup_extended(ref, b, NULL, &num);
            g_assert_cmpuint(tp_strset_find(&set, key, len), ==,
                             known ? GPOINTER_TO_UINT(num) : TP_STRSET_NONE);
            gboolean added = FALSE;
            guint32 got = tp_strset_add(&set, key, len, &added);
            g_assert_cmpint(added, ==, !known);
            if (known) {
                g_assert_cmpuint(got, ==, GPOINTER_TO_UINT(num));
                g_bytes_unref(b);
            } else {
                g_assert_cmpuint(got, ==, g_hash_table_size(ref));
                g_hash_table_insert(ref, b, GUINT_TO_POINTER(got));
            }
        }
        GHashTableIter it;
        gpointer kb, num;
        g_hash_table_iter_init(&it, ref);
        while (g_hash_table_iter_next(&it, &kb, &num)) {
            gsize len;
            const char *key = g_bytes_get_data(kb, &len);
            g_assert_cmpuint(tp_strset_find(&set, key, len), ==, GPOINTER_TO_UINT(num));
        }
        g_assert_cmpuint(set.n, ==, g_hash_table_size(ref));
    }
    tp_strset_clear(&set);
    g_rand_free(rand);
}

/* ---- round trip ---- */

static TpKnowledge *text_knowledge(void) {
    TpKnowledge *k = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_knowledge_load_dir(k, TESTDATA "/gazetteers", &error));
    g_assert_true(tp_knowledge_load_topic_model(k, TESTDATA "/models/topics.model", &error));
    g_assert_true(tp_knowledge_load_cues(k, TESTDATA "/models/cues.tsv", &error));
    g_assert_no_error(error);
    return k;
}

/* Tag `line` with `k`: the output line. */
static char *tag_line(const TpKnowledge *k, const char *line) {
    g_autoptr(GError) error = NULL;
    TpTagger *t = tp_tagger_new(k, &error);
    g_assert_no_error(error);
    TpLineOptions opt = {.min_topic_score = TP_TOPIC_THRESHOLDS, .max_topics = 3};
    g_autoptr(GString) out = g_string_new(NULL);
    g_assert_true(tp_tagger_tag_line(t, line, strlen(line), &opt, out, &error));
    g_assert_no_error(error);
    tp_tagger_free(t);
    return g_strdup(out->str);
}

static const char *const lines[] = {
    "{\"text\":\"Mr Trump met NATO chiefs in Kyiv.\"}",
    "{\"text\":\"US defence secretary Pete Hegseth met Sir Keir Starmer.\"}",
    "{\"text\":\"Zelenskyy\u2019s office in Ky\u00efv. The US told us. By Jane Doe\"}",
    "{\"text\":\"Talks in Kij\u00f3w with the Ministry of Defence and Acme Holdings Ltd.\"}",
};

static char *save_tmp(const TpKnowledge *k) {
    g_autofree char *path = tp_test_write_tmp("tp-image-XXXXXX.tpimage", "", 0);
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_knowledge_save_image(k, path, &error));
    g_assert_no_error(error);
    return g_steal_pointer(&path);
}

/* The checksum is xxh64 over the little-endian xxh64 of each 1 MiB block,
 * whether one thread or several compute the blocks (above 16 blocks they
 * are split among threads, in 8-block groups: sizes around the splits). */
static void test_checksum_blocks(void) {
    const gsize mib = (gsize)1 << 20;
    const gsize sizes[] = {0, 1, mib, mib + 1, 15 * mib + 7, 16 * mib, 17 * mib + 3, 41 * mib + 5};
    guchar *buf = g_malloc(sizes[G_N_ELEMENTS(sizes) - 1]);
    guint32 x = 2463534242u; /* xorshift32: fixed bytes */
    for (gsize i = 0; i < sizes[G_N_ELEMENTS(sizes) - 1]; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (guchar)x;
    }
    for (guint k = 0; k < G_N_ELEMENTS(sizes); k++) {
        gsize len = sizes[k], n = (len + mib - 1) / mib;
        guint64 *sums = g_new(guint64, n ? n : 1);
        for (gsize i = 0; i < n; i++)
            sums[i] = GUINT64_TO_LE(tp_xxh64(buf + i * mib, MIN(mib, len - i * mib), 0));
        guint64 want = tp_xxh64(sums, n * sizeof(guint64), 0);
        g_free(sums);
        g_assert_cmphex(tp_image_checksum_bytes(buf, len, FALSE), ==, want);
    }
    g_free(buf);
}

static void test_round_trip(void) {
    TpKnowledge *text = text_knowledge();
    g_autofree char *path = save_tmp(text);
    g_autoptr(GError) error = NULL;
    TpKnowledge *img = tp_knowledge_new_from_image(path, &error);
    g_assert_no_error(error);
    g_assert_nonnull(img);
    for (guint i = 0; i < G_N_ELEMENTS(lines); i++) {
        g_autofree char *a = tag_line(text, lines[i]);
        g_autofree char *b = tag_line(img, lines[i]);
        g_assert_cmpstr(a, ==, b);
    }
    g_autoptr(GString) da = g_string_new(NULL), db = g_string_new(NULL);
    tp_knowledge_describe(text, da);
    tp_knowledge_describe(img, db);
    g_assert_cmpstr(da->str, ==, db->str);
    /* A file loaded on top of an image copies its records, and tags as on text. */
    g_autofree char *extra = tp_test_write_tmp(
        "tp-gaz-XXXXXX.tsv",
        "# tagpipe-gazetteer 1\norganization\torg/zorblax\tZorblax Industries\tZorblax\t\n", -1);
    g_assert_true(tp_knowledge_load_file(text, extra, &error));
    g_assert_true(tp_knowledge_load_file(img, extra, &error));
    g_assert_no_error(error);
    const char *z = "{\"text\":\"Zorblax met Mr Trump in Kyiv.\"}";
    g_autofree char *za = tag_line(text, z);
    g_autofree char *zb = tag_line(img, z);
    g_assert_cmpstr(za, ==, zb);
    g_assert_nonnull(strstr(za, "org/zorblax"));
    /* The sources: fresh now, stale after a change. */
    g_assert_true(tp_knowledge_check_sources(img, &error));
    g_assert_no_error(error);
    tp_knowledge_free(img);
    tp_knowledge_free(text);
    g_unlink(path);
    g_unlink(extra);
}

static void test_stale(void) {
    g_autofree char *gaz = tp_test_write_tmp(
        "tp-gaz-XXXXXX.tsv", "# tagpipe-gazetteer 1\nplace\tplace/x\tXland\t\t\n", -1);
    TpKnowledge *k = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_knowledge_load_file(k, gaz, &error));
    g_autofree char *path = save_tmp(k);
    tp_knowledge_free(k);
    k = tp_knowledge_new_from_image(path, &error);
    g_assert_no_error(error);
    g_assert_true(tp_knowledge_check_sources(k, &error));
    g_file_set_contents(gaz, "# tagpipe-gazetteer 1\nplace\tplace/x\tXland\tXl\t\n", -1, NULL);
    g_assert_false(tp_knowledge_check_sources(k, &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_FORMAT);
    g_assert_nonnull(strstr(error->message, "IMAGE: stale"));
    tp_knowledge_free(k);
    g_unlink(path);
    g_unlink(gaz);
}

/* ---- bad images ---- */

typedef struct {
    const char *name;
    void (*spoil)(GByteArray *img);
    const char *message; /* part of the message */
} BadCase;

/* Header fields (tp_image.c): magic 0, version 8, endian 12, size 16, checksum 24. */
static void put32(GByteArray *b, gsize at, guint32 v) {
    memcpy(b->data + at, &v, 4);
}
static void fix_checksum(GByteArray *b) {
    guint64 sum = tp_image_checksum_bytes(b->data + 64, b->len - 64, FALSE);
    memcpy(b->data + 24, &sum, 8);
}
static void spoil_magic(GByteArray *b) {
    b->data[0] ^= 0x20;
}
static void spoil_version(GByteArray *b) {
    put32(b, 8, TP_IMAGE_VERSION + 1);
}
static void spoil_endian(GByteArray *b) {
    put32(b, 12, 0x04030201u);
}
static void spoil_truncate(GByteArray *b) {
    g_byte_array_set_size(b, b->len / 2);
}
static void spoil_byte(GByteArray *b) {
    b->data[b->len * 2 / 3] ^= 0x01;
}
static void spoil_empty(GByteArray *b) {
    g_byte_array_set_size(b, 0);
}
/* A section's offset past the end, with a checksum that fits. */
static void spoil_section(GByteArray *b) {
    guint64 off = b->len + 8;
    memcpy(b->data + 64 + 8, &off, 8);
    fix_checksum(b);
}
/* The first gazetteer value points at an entry that does not exist. */
static void spoil_offset(GByteArray *b) {
    guint32 n;
    memcpy(&n, b->data + 32, 4);
    for (guint32 i = 0; i < n; i++) {
        guint32 id;
        guint64 off;
        memcpy(&id, b->data + 64 + 24 * i, 4);
        memcpy(&off, b->data + 64 + 24 * i + 8, 8);
        if (id == TP_SEC_GAZ_VALUES)
            put32(b, off, 0x7fffffffu);
    }
    fix_checksum(b);
}

static const BadCase bad_cases[] = {
    {"magic", spoil_magic, "IMAGE: bad magic"},
    {"version", spoil_version, "IMAGE: format version"},
    {"endian", spoil_endian, "IMAGE: written on a machine of the other byte order"},
    {"truncated", spoil_truncate, "IMAGE: size mismatch"},
    {"corrupted-byte", spoil_byte, "IMAGE: checksum mismatch"},
    {"empty", spoil_empty, "IMAGE: bad magic"},
    {"section-out-of-range", spoil_section, "IMAGE: section"},
    {"offset-out-of-range", spoil_offset, "IMAGE: gazetteer sections"},
};

static void test_bad(gconstpointer data) {
    const BadCase *c = data;
    TpKnowledge *text = text_knowledge();
    g_autofree char *path = save_tmp(text);
    tp_knowledge_free(text);
    g_autofree char *contents = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)contents, (guint)len);
    c->spoil(b);
    g_assert_true(g_file_set_contents(path, (const char *)b->data, b->len, NULL));
    g_autoptr(GError) error = NULL;
    TpKnowledge *k = tp_knowledge_new_from_image(path, &error);
    g_assert_null(k);
    g_assert_error(error, TP_ERROR, TP_ERROR_FORMAT);
    if (strstr(error->message, c->message) == NULL)
        g_error("%s: message '%s' lacks '%s'", c->name, error->message, c->message);
    g_assert_true(g_str_has_prefix(error->message, path));
    g_byte_array_unref(b);
    g_unlink(path);
}

static void test_missing(void) {
    g_autoptr(GError) error = NULL;
    g_assert_null(tp_knowledge_new_from_image("/nonexistent/x.tpimage", &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_IO);
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/image/xxh64", test_xxh64);
    g_test_add_func("/image/bytes-equal", test_bytes_equal);
    g_test_add_func("/image/copy-small", test_copy_small);
    g_test_add_func("/image/strset", test_strset);
    g_test_add_func("/image/checksum-blocks", test_checksum_blocks);
    g_test_add_func("/image/round-trip", test_round_trip);
    g_test_add_func("/image/stale", test_stale);
    g_test_add_func("/image/missing", test_missing);
    for (guint i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        g_autofree char *path = g_strdup_printf("/image/bad/%s", bad_cases[i].name);
        g_test_add_data_func(path, &bad_cases[i], test_bad);
    }
    return g_test_run();
}
