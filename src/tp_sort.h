/* SPDX-License-Identifier: MIT */
/* tp_sort.h: a stable sort of a GArray, inlined where it is called.
 *
 * g_array_sort is stable (GLib's merge sort, since 2.32) and what this
 * replaces on the hot path, where a line's candidates, matches and entities
 * are sorted five times: GLib calls the comparison through a pointer and
 * moves each record with a copy loop of its size unknown to the compiler,
 * 37 instructions per comparison besides the comparison's own, 4% of a
 * line's instructions. Inlined at a call with its constant comparison and
 * record type, both become a few instructions. Any two stable sorts by the
 * same comparison (a consistent weak order) put the records in the same
 * order, so this gives g_array_sort's order, byte for byte; test_sort.c
 * checks it against g_array_sort over random records with many ties. */

#ifndef TP_SORT_H
#define TP_SORT_H

#include "tp_inline.h"

#include <glib.h>
#include <string.h>

/* Runs of this many records are sorted by insertion before merging. */
#define TP_SORT_RUN 8

/* Sort `a` (records of `size` bytes) by `cmp` (as for g_array_sort: < 0
 * when the first goes before), keeping equal records in their order. The
 * records' addresses are sorted, then the records moved once, as GLib does
 * for records this large. Not thread-safe on one array. */
static TP_ALWAYS_INLINE void tp_array_sort_stable(GArray *a, gsize size, GCompareFunc cmp) {
    g_assert(g_array_get_element_size(a) == size);
    guint n = a->len;
    if (n < 2)
        return;
    char *base = a->data;
    /* One allocation: the addresses twice (for the merges) and the records. */
    const char **from = g_malloc((gsize)n * (2 * sizeof(char *) + size));
    const char **to = from + n;
    char *records = (char *)(to + n);
    for (guint i = 0; i < n; i++)
        from[i] = base + (gsize)i * size;
    /* 1. Insertion sort of each run: a record moves left past those
     * strictly after it only, so equal ones keep their order. */
    for (guint r = 0; r < n; r += TP_SORT_RUN) {
        guint end = MIN(r + TP_SORT_RUN, n);
        for (guint i = r + 1; i < end; i++) {
            const char *x = from[i];
            guint j = i;
            while (j > r && cmp(from[j - 1], x) > 0) {
                from[j] = from[j - 1];
                j--;
            }
            from[j] = x;
        }
    }
    /* 2. Merge runs of doubling width; on ties the left run's record first. */
    for (guint width = TP_SORT_RUN; width < n; width *= 2) {
        for (guint lo = 0; lo < n; lo += 2 * width) {
            guint mid = MIN(lo + width, n), hi = MIN(lo + 2 * width, n);
            guint i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                to[k++] = cmp(from[j], from[i]) < 0 ? from[j++] : from[i++];
            while (i < mid)
                to[k++] = from[i++];
            while (j < hi)
                to[k++] = from[j++];
        }
        const char **t = from;
        from = to;
        to = t;
    }
    /* 3. The records in their order, and back. */
    for (guint i = 0; i < n; i++)
        memcpy(records + (gsize)i * size, from[i], size);
    memcpy(base, records, (gsize)n * size);
    /* the allocation starts at whichever of the two address arrays is lower */
    g_free(MIN(from, to));
}

#endif /* TP_SORT_H */
