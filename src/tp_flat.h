/* SPDX-License-Identifier: MIT */
/* tp_flat.h: flat arrays, a string pool and open-addressing tables whose memory
 * is either owned (built by a text loader) or borrowed (pointing into a
 * memory-mapped knowledge image), so that one set of lookups serves both. */

#ifndef TP_FLAT_H
#define TP_FLAT_H

#include <glib.h>
#include <string.h>

/* A growable array of fixed-size records. `cap` 0 with `len` > 0 means the
 * records are borrowed (from an image) and the vector is frozen. */
typedef struct {
    void *data;
    guint32 len; /* records */
    guint32 cap; /* records allocated; 0: borrowed or empty */
} TpVec;

#define TP_VEC_AT(v, type, i) (((type *)(v).data)[i])

/* Append one zeroed record of `size` bytes and return it. */
void *tp_vec_push(TpVec *v, gsize size);
/* Release owned records; borrowed ones are left alone. */
void tp_vec_clear(TpVec *v);
/* Make borrowed records owned (a copy), so that more can be appended. */
void tp_vec_thaw(TpVec *v, gsize size);

/* NUL-terminated strings addressed by 32-bit offsets. Offset 0 is an empty
 * string that stands for "none" in optional fields. */
typedef struct TpStrMap TpStrMap;
typedef struct {
    TpVec bytes;            /* char */
    struct TpStrMap *dedup; /* builder only: string -> its offset, or NULL */
} TpPool;

static inline const char *tp_pool_str(const TpPool *p, guint32 off) {
    return (const char *)p->bytes.data + off;
}
/* The string at `off`, or NULL for offset 0. */
static inline const char *tp_pool_opt(const TpPool *p, guint32 off) {
    return off ? (const char *)p->bytes.data + off : NULL;
}
void tp_pool_init(TpPool *p);
void tp_pool_clear(TpPool *p);
/* Offset of a copy of `s` in the pool (one copy per distinct string while the
 * pool is being built). */
guint32 tp_pool_add(TpPool *p, const char *s);

/* String keys (pool offsets) to 32-bit values, open addressing with linear
 * probing; `slots` holds a power of two of TpStrSlot, key 0 marking a free one. */
typedef struct {
    guint32 key; /* pool offset of the key */
    guint32 val;
    /* The high half of the key's tp_hash_str (the low bits pick the slot):
     * a probe past another key compares this, not the key's bytes, which
     * sit elsewhere in the pool (a cache miss each, with a 1 M-alias pool). */
    guint32 hash;
} TpStrSlot;

struct TpStrMap {
    TpVec slots; /* TpStrSlot */
    guint32 count;
    /* Borrowed tables are checked where they are read, not all at load (a
     * scan of every slot was a third of the start-up): a probe stops after
     * every slot, a key offset past the pool never matches, and a value at
     * or past `val_bound` (when `bounded`) reads as absent. */
    gboolean bounded;
    guint32 val_bound;
};

void tp_strmap_clear(TpStrMap *m);
/* The value slot of `key` (keys in `pool`), or NULL. */
const guint32 *tp_strmap_get(const TpStrMap *m, const TpPool *pool, const char *key);
/* Add `key_off` (not present yet) with `val`. */
void tp_strmap_put(TpStrMap *m, const TpPool *pool, guint32 key_off, guint32 val);
/* Mutable value slot of `key`, or NULL (builder only). */
guint32 *tp_strmap_get_mut(TpStrMap *m, const TpPool *pool, const char *key);

/* 64-bit keys (never 0) to 32-bit values, the same way. */
typedef struct {
    TpVec keys; /* guint64 */
    TpVec vals; /* guint32 */
    guint32 count;
} TpU64Map;

void tp_u64map_clear(TpU64Map *m);
/* The value of `key`, or `none`. */
guint32 tp_u64map_get(const TpU64Map *m, guint64 key, guint32 none);
/* Add `key` (not present yet) with `val`. */
void tp_u64map_put(TpU64Map *m, guint64 key, guint32 val);

/* Hashes that are part of the image format: they must never change without
 * a new TP_IMAGE_VERSION. */
static inline guint64 tp_mix64(guint64 x) {
    /* splitmix64's finalizer: spreads every input bit over the result. */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}
static inline guint64 tp_hash_str(const char *s) {
    /* FNV-1a over the bytes, finalized: keys are short words. */
    guint64 h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return tp_mix64(h);
}

/* memcmp(a, b, len) == 0, inlined for the short keys of the tables: eight
 * bytes a step, then the last one to eight as two overlapping fours or three
 * single bytes. A hit in a table has already matched hash and length, so
 * the bytes are almost always equal and memcmp's call and dispatch were most
 * of the comparison (tests/unit/test_image.c checks it against memcmp). */
static inline gboolean tp_bytes_equal(const void *a, const void *b, gsize len) {
    const unsigned char *p = a, *q = b;
    guint64 x, y;
    for (; len > 8; p += 8, q += 8, len -= 8) {
        memcpy(&x, p, 8);
        memcpy(&y, q, 8);
        if (x != y)
            return FALSE;
    }
    if (len >= 4) {
        guint32 p0, p1, q0, q1;
        memcpy(&p0, p, 4);
        memcpy(&q0, q, 4);
        memcpy(&p1, p + len - 4, 4);
        memcpy(&q1, q + len - 4, 4);
        return ((p0 ^ q0) | (p1 ^ q1)) == 0;
    }
    if (len == 0)
        return TRUE;
    return p[0] == q[0] && p[len / 2] == q[len / 2] && p[len - 1] == q[len - 1];
}

/* Checks for structures found in an image. A pool must start and end with
 * a NUL byte; a table must have a power of two of slots (its values are
 * bounded where read: `val_bound` for a TpStrMap, by the caller for a
 * TpU64Map). */
gboolean tp_pool_valid(const TpPool *p);
gboolean tp_strmap_valid(TpStrMap *m, guint32 val_bound);
gboolean tp_u64map_valid(const TpU64Map *m);

#endif /* TP_FLAT_H */
