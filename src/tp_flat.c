/* SPDX-License-Identifier: MIT */
/* tp_flat.c: flat arrays, the string pool and the open-addressing tables. */

#include "tp_flat.h"

#include <string.h>

void *tp_vec_push(TpVec *v, gsize size) {
    g_assert(v->cap > 0 || v->len == 0); /* a borrowed vector is frozen */
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->data = g_realloc_n(v->data, v->cap, size);
    }
    char *slot = (char *)v->data + (gsize)v->len * size;
    memset(slot, 0, size);
    v->len++;
    return slot;
}

void tp_vec_clear(TpVec *v) {
    if (v->cap)
        g_free(v->data);
    v->data = NULL;
    v->len = v->cap = 0;
}

void tp_vec_thaw(TpVec *v, gsize size) {
    if (v->cap || v->len == 0)
        return;
    v->data = g_memdup2(v->data, (gsize)v->len * size);
    v->cap = v->len;
}

void tp_pool_init(TpPool *p) {
    memset(p, 0, sizeof *p);
    *(char *)tp_vec_push(&p->bytes, 1) = '\0'; /* offset 0: "none" */
    p->dedup = g_new0(TpStrMap, 1);
}

void tp_pool_clear(TpPool *p) {
    if (p->dedup) {
        tp_strmap_clear(p->dedup);
        g_free(p->dedup);
    }
    tp_vec_clear(&p->bytes);
    p->dedup = NULL;
}

guint32 tp_pool_add(TpPool *p, const char *s) {
    if (p->dedup) {
        const guint32 *old = tp_strmap_get(p->dedup, p, s);
        if (old)
            return *old;
    }
    gsize n = strlen(s) + 1;
    tp_vec_thaw(&p->bytes, 1);
    guint32 off = p->bytes.len;
    g_assert((guint64)off + n < G_MAXUINT32);
    if (p->bytes.len + n > p->bytes.cap) {
        while (p->bytes.len + n > p->bytes.cap)
            p->bytes.cap *= 2;
        p->bytes.data = g_realloc(p->bytes.data, p->bytes.cap);
    }
    memcpy((char *)p->bytes.data + off, s, n);
    p->bytes.len += (guint32)n;
    if (p->dedup)
        tp_strmap_put(p->dedup, p, off, off);
    return off;
}

void tp_strmap_clear(TpStrMap *m) {
    tp_vec_clear(&m->slots);
    m->count = 0;
    m->bounded = FALSE;
}

const guint32 *tp_strmap_get(const TpStrMap *m, const TpPool *pool, const char *key) {
    return tp_strmap_get_hashed(m, pool, key, tp_hash_str(key));
}

const guint32 *tp_strmap_get_hashed(const TpStrMap *m, const TpPool *pool, const char *key,
                                    guint64 h) {
    if (m->slots.len == 0)
        return NULL;
    const TpStrSlot *slots = m->slots.data;
    guint32 mask = m->slots.len - 1, pool_len = pool->bytes.len;
    guint32 high = (guint32)(h >> 32);
    guint32 j = (guint32)h & mask;
    for (guint32 n = 0; n <= mask && slots[j].key; n++, j = (j + 1) & mask) {
        if (slots[j].hash == high && slots[j].key < pool_len &&
            strcmp(tp_pool_str(pool, slots[j].key), key) == 0) {
            if (m->bounded && slots[j].val >= m->val_bound)
                return NULL;
            return &slots[j].val;
        }
    }
    return NULL;
}

guint32 *tp_strmap_get_mut(TpStrMap *m, const TpPool *pool, const char *key) {
    g_assert(m->slots.cap > 0 || m->slots.len == 0);
    return (guint32 *)tp_strmap_get(m, pool, key);
}

static void strmap_insert(TpStrSlot *slots, guint32 mask, const TpPool *pool, guint32 key_off,
                          guint32 val) {
    guint64 h = tp_hash_str(tp_pool_str(pool, key_off));
    guint32 j = (guint32)h & mask;
    while (slots[j].key)
        j = (j + 1) & mask;
    slots[j] = (TpStrSlot){.key = key_off, .val = val, .hash = (guint32)(h >> 32)};
}

void tp_strmap_put(TpStrMap *m, const TpPool *pool, guint32 key_off, guint32 val) {
    g_assert(key_off != 0);
    tp_vec_thaw(&m->slots, sizeof(TpStrSlot));
    m->bounded = FALSE; /* owned now: the builder's values are right */
    /* At most half full, so that probes stay short and a free slot ends each one. */
    if ((m->count + 1) * 2 > m->slots.len) {
        guint32 n = m->slots.len ? m->slots.len * 2 : 64;
        TpStrSlot *fresh = g_new0(TpStrSlot, n);
        const TpStrSlot *old = m->slots.data;
        for (guint32 i = 0; i < m->slots.len; i++)
            if (old[i].key)
                strmap_insert(fresh, n - 1, pool, old[i].key, old[i].val);
        tp_vec_clear(&m->slots);
        m->slots.data = fresh;
        m->slots.len = m->slots.cap = n;
    }
    strmap_insert(m->slots.data, m->slots.len - 1, pool, key_off, val);
    m->count++;
}

void tp_u64map_clear(TpU64Map *m) {
    tp_vec_clear(&m->keys);
    tp_vec_clear(&m->vals);
    m->count = 0;
}

guint32 tp_u64map_get(const TpU64Map *m, guint64 key, guint32 none) {
    if (m->keys.len == 0)
        return none;
    const guint64 *keys = m->keys.data;
    guint32 mask = m->keys.len - 1;
    guint32 j = (guint32)tp_mix64(key) & mask;
    for (guint32 n = 0; n <= mask && keys[j]; n++, j = (j + 1) & mask)
        if (keys[j] == key)
            return TP_VEC_AT(m->vals, guint32, j);
    return none;
}

static void u64map_insert(guint64 *keys, guint32 *vals, guint32 mask, guint64 key, guint32 val) {
    guint32 j = (guint32)tp_mix64(key) & mask;
    while (keys[j])
        j = (j + 1) & mask;
    keys[j] = key;
    vals[j] = val;
}

void tp_u64map_put(TpU64Map *m, guint64 key, guint32 val) {
    g_assert(key != 0);
    tp_vec_thaw(&m->keys, sizeof(guint64));
    tp_vec_thaw(&m->vals, sizeof(guint32));
    if ((m->count + 1) * 2 > m->keys.len) {
        guint32 n = m->keys.len ? m->keys.len * 2 : 1024;
        guint64 *keys = g_new0(guint64, n);
        guint32 *vals = g_new0(guint32, n);
        const guint64 *ok = m->keys.data;
        const guint32 *ov = m->vals.data;
        for (guint32 i = 0; i < m->keys.len; i++)
            if (ok[i])
                u64map_insert(keys, vals, n - 1, ok[i], ov[i]);
        tp_vec_clear(&m->keys);
        tp_vec_clear(&m->vals);
        m->keys.data = keys;
        m->vals.data = vals;
        m->keys.len = m->keys.cap = m->vals.len = m->vals.cap = n;
    }
    u64map_insert(m->keys.data, m->vals.data, m->keys.len - 1, key, val);
    m->count++;
}

/* ---- checks of borrowed structures ---- */

static gboolean power_of_two_or_zero(guint32 n) {
    return (n & (n - 1)) == 0;
}

gboolean tp_pool_valid(const TpPool *p) {
    /* Every offset below len then reads a terminated string. */
    return p->bytes.len > 0 && ((const char *)p->bytes.data)[p->bytes.len - 1] == '\0' &&
           ((const char *)p->bytes.data)[0] == '\0';
}

gboolean tp_strmap_valid(TpStrMap *m, guint32 val_bound) {
    m->bounded = TRUE;
    m->val_bound = val_bound;
    return power_of_two_or_zero(m->slots.len);
}

gboolean tp_u64map_valid(const TpU64Map *m) {
    return power_of_two_or_zero(m->keys.len) && m->keys.len == m->vals.len;
}

/* ---- TpStrSet ---- */

#define STRSET_MIN_SLOTS 16

/* A table of `size` empty slots, and room for the slots of the at most
 * size / 2 keys it may hold. */
static void strset_alloc(TpStrSet *s, guint32 size) {
    s->slots = g_new0(TpStrSetSlot, size);
    s->slot_of = g_new(guint32, size / 2);
    s->mask = size - 1;
}

void tp_strset_init(TpStrSet *s) {
    memset(s, 0, sizeof *s);
    strset_alloc(s, STRSET_MIN_SLOTS);
}

void tp_strset_clear(TpStrSet *s) {
    g_free(s->slots);
    g_free(s->slot_of);
    g_free(s->keys);
    memset(s, 0, sizeof *s);
}

void tp_strset_reset(TpStrSet *s, guint32 expected) {
    guint32 want = STRSET_MIN_SLOTS;
    while (want < 2 * (guint64)expected + 2)
        want *= 2;
    if (want > s->mask + 1) {
        g_free(s->slots);
        g_free(s->slot_of);
        strset_alloc(s, want);
    } else {
        /* Not a memset of the whole table: it stays as big as the longest text's. */
        for (guint32 i = 0; i < s->n; i++)
            s->slots[s->slot_of[i]] = (TpStrSetSlot){0};
    }
    s->n = 0;
    s->keys_len = 0;
}

static void strset_grow(TpStrSet *s) {
    TpStrSetSlot *old = s->slots;
    guint32 old_size = s->mask + 1;
    g_free(s->slot_of);
    strset_alloc(s, old_size * 2);
    for (guint32 i = 0; i < old_size; i++) {
        if (old[i].num == 0)
            continue;
        guint64 h = tp_hash_bytes(s->keys + old[i].off, old[i].len);
        guint32 j = (guint32)h & s->mask;
        while (s->slots[j].num)
            j = (j + 1) & s->mask;
        s->slots[j] = old[i];
        s->slot_of[old[i].num - 1] = j;
    }
    g_free(old);
}

guint32 tp_strset_add(TpStrSet *s, const char *key, gsize len, gboolean *out_added) {
    guint64 h = tp_hash_bytes(key, len);
    TpStrSetSlot *sl = (TpStrSetSlot *)tp_strset_slot(s, key, len, h);
    if (sl->num) {
        if (out_added)
            *out_added = FALSE;
        return sl->num - 1;
    }
    if (2 * ((guint64)s->n + 1) > s->mask + 1) {
        strset_grow(s);
        sl = (TpStrSetSlot *)tp_strset_slot(s, key, len, h);
    }
    if (s->keys_len + len > s->keys_cap) {
        s->keys_cap = MAX(2 * s->keys_cap, s->keys_len + len + 256);
        s->keys = g_realloc(s->keys, s->keys_cap);
    }
    g_assert(s->keys_len + len < G_MAXUINT32);
    memcpy(s->keys + s->keys_len, key, len);
    *sl = (TpStrSetSlot){(guint32)(h >> 32), (guint32)s->keys_len, (guint32)len, s->n + 1};
    s->slot_of[s->n] = (guint32)(sl - s->slots);
    s->keys_len += len;
    if (out_added)
        *out_added = TRUE;
    return s->n++;
}
