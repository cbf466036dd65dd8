/* SPDX-License-Identifier: MIT */
/* tp_emit.h: the small JSON writer of the output fragment (not installed). */

#ifndef TP_EMIT_H
#define TP_EMIT_H

#include <glib.h>

/* Append `s` (`len` bytes of valid UTF-8) to `out` as a JSON string, quotes
 * included, escaped as Jansson's json_dumps escapes it with no flags: `"`,
 * `\` and control characters; everything else as it is. */
void tp_emit_string(GString *out, const char *s, gsize len);

/* Append a score: `x` rounded to three decimals, written as Jansson writes
 * json_real() under JSON_REAL_PRECISION(3) ("0.81", "1.0", "0.0"), whatever
 * the locale. */
void tp_emit_score(GString *out, double x);

#endif /* TP_EMIT_H */
