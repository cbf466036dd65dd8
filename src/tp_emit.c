/* SPDX-License-Identifier: MIT */
/* tp_emit.c: the output fragment's JSON writer. The fragment used to be built
 * as Jansson objects and dumped: about 31 allocations and 3 us per entity, a
 * sixth of a line's time. Writing straight into the output buffer gives the
 * same bytes (tests/unit/test_emit.c compares with Jansson's dump and parses
 * the output back). */

#include "tp_emit.h"
#include "tp_json.h"

#include <math.h>
#include <string.h>

/* Whether any byte of `s` needs an escape, eight at a time: the last eight
 * overlap those before, a string shorter than eight is padded with 'a'. */
static inline gboolean needs_escape(const char *s, gsize len) {
    guint64 v;
    if (len < 8) {
        v = G_GUINT64_CONSTANT(0x0101010101010101) * 'a';
        memcpy(&v, s, len);
        return tp_json_word_special(v);
    }
    for (gsize i = 0; i + 8 <= len; i += 8) {
        memcpy(&v, s + i, 8);
        if (tp_json_word_special(v))
            return TRUE;
    }
    memcpy(&v, s + len - 8, 8);
    return tp_json_word_special(v);
}

void tp_emit_string(GString *out, const char *s, gsize len) {
    /* Most strings need no escape (names, ids, news text): told eight bytes
     * at a time and copied whole with their quotes, where the byte loop
     * below was 3% of a line's instructions. */
    if (!needs_escape(s, len)) {
        tp_append(out, "\"", 1);
        tp_append(out, s, len);
        tp_append(out, "\"", 1);
        return;
    }
    static const char hex[] = "0123456789ABCDEF";
    g_string_append_c(out, '"');
    gsize run = 0; /* start of the bytes not yet copied */
    for (gsize i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        tp_append(out, s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 0};
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xF];
            break;
        }
        g_string_append(out, esc);
    }
    tp_append(out, s + run, len - run);
    g_string_append_c(out, '"');
}

void tp_emit_score(GString *out, double x) {
    /* Scores in (0, 1] are most of them (one per entity and topic), and
     * g_ascii_formatd was a fifth of the emission's time: k/1000 written
     * "%.3g" is "0." and k's three digits without trailing zeros, or "1"
     * (tests/unit/test_emit.c compares with g_ascii_formatd). */
    double k = round(x * 1000.0);
    if (k >= 1.0 && k <= 1000.0) {
        if (k == 1000.0) {
            g_string_append(out, "1.0");
            return;
        }
        guint v = (guint)k;
        char d[6] = {
            '0', '.', (char)('0' + v / 100), (char)('0' + v / 10 % 10), (char)('0' + v % 10), '\0'};
        gsize n = 5;
        while (d[n - 1] == '0')
            n--;
        tp_append(out, d, n);
        return;
    }
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    /* Rounded first, so that output does not depend on printf's last digit. */
    g_ascii_formatd(buf, sizeof(buf), "%.3g", round(x * 1000.0) / 1000.0);
    g_string_append(out, buf);
    /* As Jansson does: a real always shows it is one. */
    if (strchr(buf, '.') == NULL && strchr(buf, 'e') == NULL)
        g_string_append(out, ".0");
}
