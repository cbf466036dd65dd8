/* SPDX-License-Identifier: MIT */
/* tp_inline.h: TP_ALWAYS_INLINE, for the few hot helpers whose callers
 * pass constants (a literal's length, a record's size, a comparison) that
 * only inlining turns into a few instructions. */

#ifndef TP_INLINE_H
#define TP_INLINE_H

#if defined(__GNUC__)
#define TP_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define TP_ALWAYS_INLINE inline
#endif

#endif /* TP_INLINE_H */
