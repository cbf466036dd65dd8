/* SPDX-License-Identifier: MIT */
/* tp_json.h: a scanner for the common input line, beside Jansson (not installed).
 *
 * Most lines are a flat JSON object whose text fields are plain strings.
 * For them the tagger needs only where those fields' strings are and
 * whether the object has members, not a tree of every value: the scanner
 * reads the line once, validating as it goes, and answers for the members
 * asked for, pointing into the line itself where a string has no escapes.
 * It answers only when sure that Jansson (json_loadb with
 * JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL) reads the line
 * as an object with those very members; anything else (an error, a limit,
 * an escaped member name, a number that might not fit a double, deep
 * nesting, a \u0000) it leaves to Jansson, which then gives the answer or
 * the error as before. tests/unit/test_json.c and tests/fuzz/fuzz_json.c
 * compare the two. */

#ifndef TP_JSON_H
#define TP_JSON_H

#include <glib.h>

/* Whether any of the eight bytes of `v` is one a JSON string cannot hold as
 * it is: a control character (below 0x20), '"' or '\\'. The classic tests
 * for a zero byte and a byte below n (Hacker's Delight), exact as a yes or
 * no; the bytes of UTF-8 sequences (0x80 and up) never count. What the
 * scanner steps over and the writer (tp_emit.c) copies, eight at a time. */
static inline gboolean tp_json_word_special(guint64 v) {
    const guint64 ones = G_GUINT64_CONSTANT(0x0101010101010101);
    const guint64 highs = G_GUINT64_CONSTANT(0x8080808080808080);
    guint64 quote = v ^ (ones * '"'), backslash = v ^ (ones * '\\');
    guint64 t =
        ((v - ones * 0x20) & ~v) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash);
    return (t & highs) != 0;
}

typedef enum {
    TP_JSON_ABSENT, /* no such member */
    TP_JSON_NULL,
    TP_JSON_STRING,
    TP_JSON_OTHER, /* a number, true, false, an array or an object */
} TpJsonKind;

typedef struct {
    TpJsonKind kind;
    const char *str; /* TP_JSON_STRING: its bytes, decoded (not NUL-terminated) */
    gsize len;
    guint count; /* members of that name (Jansson keeps the last) */
} TpJsonMember;

/* Scan `line` (`len` bytes, valid UTF-8 without NUL bytes: the caller has
 * checked) and, when it is sure, fill out[i] with the last top-level member
 * called names[i] (`n` of them, distinct plain names) and *n_members with
 * the object's members, repeated names counted each time. Decoded strings
 * live in `scratch` (reset), pointed into until its next use. FALSE: not
 * sure; ask Jansson. */
gboolean tp_json_scan_object(const char *line, gsize len, const char *const *names, guint n,
                             TpJsonMember *out, guint *n_members, GString *scratch);

#endif /* TP_JSON_H */
