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
/* The same, given h = tp_hash_str(key) (which its caller needed too). */
const guint32 *tp_strmap_get_hashed(const TpStrMap *m, const TpPool *pool, const char *key,
                                    guint64 h);
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

/* A hash of `len` bytes (8 a step), for the short strings of the entity
 * model's features (tp_candidates.c) and of TpStrSet, inlined where XXH64's
 * call and byte loop were most of a lookup; the tables compare keys in
 * full, so the hash only spreads them. It places the slots of an image's
 * entity model table: part of the image format. */
static inline guint64 tp_hash_bytes(const char *s, gsize len) {
    guint64 h = G_GUINT64_CONSTANT(0x9E3779B97F4A7C15) ^ len;
    gsize n = len;
    const char *p = s;
    guint64 v;
    for (; n > 8; p += 8, n -= 8) {
        memcpy(&v, p, 8);
        h = (h ^ v) * G_GUINT64_CONSTANT(0xBF58476D1CE4E5B9);
        h ^= h >> 31;
    }
    /* The last 1 to 8 bytes without a byte loop: the final eight (which may
     * overlap those before), two fours, or three single bytes. */
    if (len >= 8) {
        memcpy(&v, s + len - 8, 8);
    } else if (len >= 4) {
        guint32 lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + len - 4, 4);
        v = lo | (guint64)hi << 32;
    } else if (len > 0) {
        v = (guint64)(guchar)s[0] | (guint64)(guchar)s[len / 2] << 8 |
            (guint64)(guchar)s[len - 1] << 16;
    } else {
        v = 0;
    }
    h = (h ^ v) * G_GUINT64_CONSTANT(0x94D049BB133111EB);
    h ^= h >> 29;
    h *= G_GUINT64_CONSTANT(0xBF58476D1CE4E5B9);
    return h ^ (h >> 32);
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

/* memcpy(dst, src, len), inlined for the few bytes of a part of a feature
 * (the call was most of writing one): two overlapping loads and stores of
 * eight bytes, or of four, or three single bytes; memcpy past 16 bytes.
 * With a constant `len` it is the one case's moves (tests/unit/test_image.c
 * checks it against memcpy). */
static inline void tp_copy_small(void *dst, const void *src, gsize len) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (len > 16) {
        memcpy(d, s, len);
    } else if (len >= 8) {
        guint64 x, y;
        memcpy(&x, s, 8);
        memcpy(&y, s + len - 8, 8);
        memcpy(d, &x, 8);
        memcpy(d + len - 8, &y, 8);
    } else if (len >= 4) {
        guint32 x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + len - 4, 4);
        memcpy(d, &x, 4);
        memcpy(d + len - 4, &y, 4);
    } else if (len > 0) {
        unsigned char x = s[0], y = s[len / 2], z = s[len - 1];
        d[0] = x;
        d[len / 2] = y;
        d[len - 1] = z;
    }
}

/* Byte strings, each numbered (0, 1, ...) in the order it was first
 * added: a scratch set of the words or names of one text, in owned memory
 * only. Open addressing with linear probing on tp_hash_bytes, at most half
 * full, keys copied. A GHashTable of strings cost several times as much per
 * lookup (g_str_hash and g_str_equal each walk a NUL-terminated key, and a
 * miss on insert resizes); tests/unit/test_image.c checks this against one. */
typedef struct {
    guint32 hash; /* the high half of the key's tp_hash_bytes */
    guint32 off;  /* its bytes in `keys` */
    guint32 len;
    guint32 num; /* 1 + its number; 0: an empty slot */
} TpStrSetSlot;

typedef struct {
    TpStrSetSlot *slots; /* a power of two */
    guint32 mask;
    guint32 n;        /* keys */
    guint32 *slot_of; /* per key number: its slot (a reset empties only those) */
    char *keys;       /* their bytes, one after the other */
    gsize keys_len;
    gsize keys_cap;
} TpStrSet;

#define TP_STRSET_NONE G_MAXUINT32

void tp_strset_init(TpStrSet *s);
void tp_strset_clear(TpStrSet *s);
/* Empty `s`, with room for `expected` keys. */
void tp_strset_reset(TpStrSet *s, guint32 expected);
/* The number of `key` (`len` bytes), added if new (`*out_added` then TRUE). */
guint32 tp_strset_add(TpStrSet *s, const char *key, gsize len, gboolean *out_added);

static inline const TpStrSetSlot *tp_strset_slot(const TpStrSet *s, const char *key, gsize len,
                                                 guint64 h) {
    guint32 hi = (guint32)(h >> 32);
    guint32 i = (guint32)h & s->mask;
    for (;; i = (i + 1) & s->mask) {
        const TpStrSetSlot *sl = &s->slots[i];
        if (sl->num == 0 ||
            (sl->hash == hi && sl->len == len && tp_bytes_equal(s->keys + sl->off, key, len)))
            return sl;
    }
}
/* The number of `key` (`len` bytes), or TP_STRSET_NONE. */
static inline guint32 tp_strset_find(const TpStrSet *s, const char *key, gsize len) {
    const TpStrSetSlot *sl = tp_strset_slot(s, key, len, tp_hash_bytes(key, len));
    return sl->num ? sl->num - 1 : TP_STRSET_NONE;
}

/* Checks for structures found in an image. A pool must start and end with
 * a NUL byte; a table must have a power of two of slots (its values are
 * bounded where read: `val_bound` for a TpStrMap, by the caller for a
 * TpU64Map). */
gboolean tp_pool_valid(const TpPool *p);
gboolean tp_strmap_valid(TpStrMap *m, guint32 val_bound);
gboolean tp_u64map_valid(const TpU64Map *m);

#endif /* TP_FLAT_H */
