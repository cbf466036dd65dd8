/* SPDX-License-Identifier: MIT */
/* tp_json.c: the scanner of the common input line (tp_json.h). */

#include "tp_json.h"

#include <string.h>

/* Containers deeper than this are left to Jansson (its own limit is 2048). */
#define MAX_DEPTH 64
/* A number is read as a double by Jansson (JSON_DECODE_INT_AS_REAL), which
 * fails past DBL_MAX: below 10^300 with at most this many digits and an
 * exponent of at most two digits, so no overflow to wonder about. */
#define MAX_NUMBER_DIGITS 200
#define MAX_EXPONENT_DIGITS 2

typedef struct {
    const char *s;
    gsize len;
    gsize i;
} Scan;

static gboolean is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(Scan *sc) {
    while (sc->i < sc->len && is_ws(sc->s[sc->i]))
        sc->i++;
}

/* What may follow a number or a literal. */
static gboolean at_delimiter(const Scan *sc) {
    if (sc->i >= sc->len)
        return TRUE;
    char c = sc->s[sc->i];
    return is_ws(c) || c == ',' || c == ']' || c == '}';
}

/* The value of the four hex digits at `p`, or -1. */
static gint32 hex_value4(const char *p) {
    gint32 v = 0;
    for (gsize k = 0; k < 4; k++) {
        int d = g_ascii_xdigit_value(p[k]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* The four hex digits at s[i..i+4), or -1 (also when the line ends first). */
static gint32 hex4(const Scan *sc, gsize i) {
    return i + 4 <= sc->len ? hex_value4(sc->s + i) : -1;
}

/* The string opening at sc->i: its raw bytes (between the quotes) at
 * [*start, *end), *escaped when it has a backslash. FALSE when unsure: an
 * unterminated string, a control character, a bad escape, a \u0000, a lone
 * surrogate (all errors in Jansson, whose message is wanted). */
static gboolean scan_string(Scan *sc, gsize *start, gsize *end, gboolean *escaped) {
    const char *s = sc->s;
    gsize i = sc->i + 1;
    *start = i;
    *escaped = FALSE;
    for (;;) {
        /* The plain bytes, most of a string: eight at a time, then one by one. */
        while (i + 8 <= sc->len) {
            guint64 v;
            memcpy(&v, s + i, 8);
            if (tp_json_word_special(v))
                break;
            i += 8;
        }
        while (i < sc->len && s[i] != '"' && s[i] != '\\' && (guchar)s[i] >= 0x20)
            i++;
        if (i >= sc->len || (guchar)s[i] < 0x20)
            return FALSE;
        if (s[i] == '"')
            break;
        *escaped = TRUE;
        if (++i >= sc->len)
            return FALSE;
        switch (s[i]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't': i++; break;
        case 'u': {
            gint32 cp = hex4(sc, i + 1);
            if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
                return FALSE;
            i += 5;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (i + 1 >= sc->len || s[i] != '\\' || s[i + 1] != 'u')
                    return FALSE;
                gint32 lo = hex4(sc, i + 2);
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return FALSE;
                i += 6;
            }
            break;
        }
        default: return FALSE;
        }
    }
    *end = i;
    sc->i = i + 1;
    return TRUE;
}

/* Append the decoded bytes of the raw string `s` (`n` bytes, as
 * scan_string accepted it) to `out`. */
static void decode_string(const char *s, gsize n, GString *out) {
    gsize i = 0, run = 0;
    while (i < n) {
        if (s[i] != '\\') {
            i++;
            continue;
        }
        g_string_append_len(out, s + run, (gssize)(i - run));
        char c = s[i + 1];
        i += 2;
        switch (c) {
        case 'b': g_string_append_c(out, '\b'); break;
        case 'f': g_string_append_c(out, '\f'); break;
        case 'n': g_string_append_c(out, '\n'); break;
        case 'r': g_string_append_c(out, '\r'); break;
        case 't': g_string_append_c(out, '\t'); break;
        case 'u': {
            gunichar cp = (gunichar)hex_value4(s + i);
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                gunichar lo = (gunichar)hex_value4(s + i + 2);
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            g_string_append_unichar(out, cp);
            break;
        }
        default: g_string_append_c(out, c); break; /* '"', '\\', '/' */
        }
        run = i;
    }
    g_string_append_len(out, s + run, (gssize)(n - run));
}

/* A number in JSON's grammar that surely fits a double; else FALSE. */
static gboolean scan_number(Scan *sc) {
    const char *s = sc->s;
    gsize i = sc->i, digits = 0;
    if (i < sc->len && s[i] == '-')
        i++;
    if (i < sc->len && s[i] == '0') {
        i++;
        digits++;
    } else if (i < sc->len && s[i] >= '1' && s[i] <= '9') {
        while (i < sc->len && g_ascii_isdigit(s[i])) {
            i++;
            digits++;
        }
    } else {
        return FALSE;
    }
    if (i < sc->len && s[i] == '.') {
        i++;
        gsize frac = 0;
        while (i < sc->len && g_ascii_isdigit(s[i])) {
            i++;
            frac++;
        }
        if (frac == 0)
            return FALSE;
        digits += frac;
    }
    if (i < sc->len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < sc->len && (s[i] == '+' || s[i] == '-'))
            i++;
        gsize exp = 0;
        while (i < sc->len && g_ascii_isdigit(s[i])) {
            i++;
            exp++;
        }
        if (exp == 0 || exp > MAX_EXPONENT_DIGITS)
            return FALSE;
    }
    if (digits > MAX_NUMBER_DIGITS)
        return FALSE;
    sc->i = i;
    return at_delimiter(sc);
}

static gboolean scan_literal(Scan *sc, const char *word, gsize n) {
    if (sc->i + n > sc->len || memcmp(sc->s + sc->i, word, n) != 0)
        return FALSE;
    sc->i += n;
    return at_delimiter(sc);
}

static gboolean scan_value(Scan *sc, int depth);

/* The members or elements after an opening '{' or '[' at sc->i. */
static gboolean scan_container(Scan *sc, int depth) {
    if (depth >= MAX_DEPTH)
        return FALSE;
    char close = sc->s[sc->i] == '{' ? '}' : ']';
    sc->i++;
    skip_ws(sc);
    if (sc->i < sc->len && sc->s[sc->i] == close) {
        sc->i++;
        return TRUE;
    }
    for (;;) {
        if (close == '}') {
            gsize a, b;
            gboolean esc;
            if (sc->i >= sc->len || sc->s[sc->i] != '"' || !scan_string(sc, &a, &b, &esc))
                return FALSE;
            skip_ws(sc);
            if (sc->i >= sc->len || sc->s[sc->i] != ':')
                return FALSE;
            sc->i++;
            skip_ws(sc);
        }
        if (!scan_value(sc, depth + 1))
            return FALSE;
        skip_ws(sc);
        if (sc->i >= sc->len)
            return FALSE;
        char c = sc->s[sc->i++];
        if (c == close)
            return TRUE;
        if (c != ',')
            return FALSE;
        skip_ws(sc);
    }
}

/* Any value at sc->i, skipped. */
static gboolean scan_value(Scan *sc, int depth) {
    if (sc->i >= sc->len)
        return FALSE;
    gsize a, b;
    gboolean esc;
    switch (sc->s[sc->i]) {
    case '"': return scan_string(sc, &a, &b, &esc);
    case '{':
    case '[': return scan_container(sc, depth);
    case 't': return scan_literal(sc, "true", 4);
    case 'f': return scan_literal(sc, "false", 5);
    case 'n': return scan_literal(sc, "null", 4);
    default: return scan_number(sc);
    }
}

gboolean tp_json_scan_object(const char *line, gsize len, const char *const *names, guint n,
                             TpJsonMember *out, guint *n_members, GString *scratch) {
    Scan sc = {line, len, 0};
    /* Where each member asked for has its raw string, when escaped. */
    gboolean *escaped = g_newa(gboolean, n);
    for (guint k = 0; k < n; k++) {
        out[k] = (TpJsonMember){TP_JSON_ABSENT, NULL, 0, 0};
        escaped[k] = FALSE;
    }
    *n_members = 0;
    g_string_truncate(scratch, 0);

    skip_ws(&sc);
    if (sc.i >= len || line[sc.i] != '{')
        return FALSE;
    sc.i++;
    skip_ws(&sc);
    gboolean open = !(sc.i < len && line[sc.i] == '}');
    if (!open)
        sc.i++;
    while (open) {
        gsize ka, kb;
        gboolean kesc;
        if (sc.i >= len || line[sc.i] != '"' || !scan_string(&sc, &ka, &kb, &kesc) || kesc)
            return FALSE; /* a name with escapes: Jansson's to compare */
        skip_ws(&sc);
        if (sc.i >= len || line[sc.i] != ':')
            return FALSE;
        sc.i++;
        skip_ws(&sc);
        guint idx = n;
        for (guint k = 0; k < n && idx == n; k++)
            if (strlen(names[k]) == kb - ka && memcmp(names[k], line + ka, kb - ka) == 0)
                idx = k;
        (*n_members)++;
        if (sc.i >= len)
            return FALSE;
        if (idx < n && line[sc.i] == '"') {
            gsize va, vb;
            gboolean vesc;
            if (!scan_string(&sc, &va, &vb, &vesc))
                return FALSE;
            out[idx] = (TpJsonMember){TP_JSON_STRING, line + va, vb - va, out[idx].count};
            escaped[idx] = vesc;
        } else {
            gboolean null = line[sc.i] == 'n';
            if (!scan_value(&sc, 1))
                return FALSE;
            if (idx < n)
                out[idx] =
                    (TpJsonMember){null ? TP_JSON_NULL : TP_JSON_OTHER, NULL, 0, out[idx].count};
        }
        if (idx < n)
            out[idx].count++;
        skip_ws(&sc);
        if (sc.i >= len)
            return FALSE;
        char c = line[sc.i++];
        if (c == '}')
            break;
        if (c != ',')
            return FALSE;
        skip_ws(&sc);
    }
    skip_ws(&sc);
    if (sc.i != len)
        return FALSE; /* more after the object */

    /* Decode the strings that have escapes, then point at them (the
     * scratch may move while it grows). */
    gsize *at = g_newa(gsize, n);
    for (guint k = 0; k < n; k++) {
        if (out[k].kind == TP_JSON_STRING && escaped[k]) {
            at[k] = scratch->len;
            decode_string(out[k].str, out[k].len, scratch);
            out[k].len = scratch->len - at[k];
        }
    }
    for (guint k = 0; k < n; k++)
        if (out[k].kind == TP_JSON_STRING && escaped[k])
            out[k].str = scratch->str + at[k];
    return TRUE;
}
