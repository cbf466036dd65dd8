/* SPDX-License-Identifier: MIT */
/* tp_inline.h: TP_ALWAYS_INLINE, for the few hot helpers whose callers
 * pass constants (a literal's length, a record's size, a comparison) that
 * only inlining turns into a few instructions; and a bit scan. */

#ifndef TP_INLINE_H
#define TP_INLINE_H

#include <glib.h>

#if defined(__GNUC__)
#define TP_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define TP_ALWAYS_INLINE inline
#endif

/* The index of the lowest set bit of `x` (not 0). GLib's g_bit_nth_lsf is a
 * loop over the bits. */
static inline guint tp_lowest_bit(guint32 x) {
#if defined(__GNUC__)
    return (guint)__builtin_ctz(x);
#else
    guint i = 0;
    while (!(x & 1u)) {
        x >>= 1;
        i++;
    }
    return i;
#endif
}

#endif /* TP_INLINE_H */
