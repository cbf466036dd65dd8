/* SPDX-License-Identifier: MIT */
/* tp_emit.h: the small JSON writer of the output fragment (not installed). */

#ifndef TP_EMIT_H
#define TP_EMIT_H

#include <glib.h>
#include <string.h>

/* g_string_append_len for the writer's many short appends: a copy when
 * `out` has room, GLib's append (which grows it) when not. GLib 2.74's
 * g_string_append_len is a call into the general g_string_insert_len,
 * which took 17.8 M of the 430 M instructions of the 394 KB bench sample,
 * most of them here (tests/unit/test_emit.c compares the two). */
static inline void tp_append(GString *out, const char *s, gsize len) {
    if (G_LIKELY(out->len + len < out->allocated_len)) {
        memcpy(out->str + out->len, s, len);
        out->len += len;
        out->str[out->len] = '\0';
    } else {
        g_string_append_len(out, s, (gssize)len);
    }
}

/* Append `s` (`len` bytes of valid UTF-8) to `out` as a JSON string, quotes
 * included, escaped as Jansson's json_dumps escapes it with no flags: `"`,
 * `\` and control characters; everything else as it is. */
void tp_emit_string(GString *out, const char *s, gsize len);

/* Append a score: `x` rounded to three decimals, written as Jansson writes
 * json_real() under JSON_REAL_PRECISION(3) ("0.81", "1.0", "0.0"), whatever
 * the locale. */
void tp_emit_score(GString *out, double x);

#endif /* TP_EMIT_H */
