/* SPDX-License-Identifier: MIT */
/* Unit tests of the output writer: the same bytes as Jansson's dump, and
 * parsed back by Jansson to the same values, over random Unicode. */

#include "tp_emit.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A random valid UTF-8 string: controls, quotes, backslashes, ASCII, Latin,
 * the line separators, CJK and characters outside the BMP. */
static void random_string(GRand *rng, GString *out) {
    static const gunichar odd[] = {'"',    '\\',   '/',    0x7F,   0x80,     0xA0,
                                   0x2028, 0x2029, 0xFEFF, 0xFFFD, 0x10FFFF, 0x1F600};
    g_string_truncate(out, 0);
    guint n = g_rand_int_range(rng, 0, 40);
    for (guint i = 0; i < n; i++) {
        gunichar c;
        switch (g_rand_int_range(rng, 0, 6)) {
        case 0: c = g_rand_int_range(rng, 1, 0x20); break;
        case 1: c = odd[g_rand_int_range(rng, 0, G_N_ELEMENTS(odd))]; break;
        case 2: c = g_rand_int_range(rng, 0x80, 0x800); break;
        case 3: c = g_rand_int_range(rng, 0x4E00, 0x9FFF); break;
        case 4: c = g_rand_int_range(rng, 0x10000, 0x10FFFF); break;
        default: c = g_rand_int_range(rng, 0x20, 0x7F); break;
        }
        if (c >= 0xD800 && c <= 0xDFFF)
            c = 'x';
        g_string_append_unichar(out, c);
    }
}

/* Mostly printable ASCII with a rare escape, at every position of an
 * eight-byte word and across words (the writer steps over eight at a time). */
static void plain_string(GRand *rng, GString *out) {
    static const char special[] = {'"', '\\', '\n', '\x01', '\x1f', 0x7f};
    g_string_truncate(out, 0);
    guint n = g_rand_int_range(rng, 0, 100);
    for (guint i = 0; i < n; i++) {
        guint r = g_rand_int_range(rng, 0, 100);
        if (r < 3)
            g_string_append_c(out, special[g_rand_int_range(rng, 0, sizeof special)]);
        else if (r < 6)
            g_string_append(out, "\xc3\xa9"); /* é */
        else
            g_string_append_c(out, (char)g_rand_int_range(rng, 0x20, 0x7F));
    }
}

static void test_string_random(void) {
    g_autoptr(GRand) rng = g_rand_new_with_seed(20261202);
    g_autoptr(GString) s = g_string_new(NULL);
    g_autoptr(GString) mine = g_string_new(NULL);
    for (guint k = 0; k < 40000; k++) {
        if (k % 2)
            random_string(rng, s);
        else
            plain_string(rng, s);
        g_assert_true(g_utf8_validate(s->str, s->len, NULL));
        g_string_truncate(mine, 0);
        tp_emit_string(mine, s->str, s->len);
        json_t *v = json_stringn(s->str, s->len);
        g_assert_nonnull(v);
        char *theirs = json_dumps(v, JSON_ENCODE_ANY);
        g_assert_cmpstr(mine->str, ==, theirs);
        free(theirs);
        json_decref(v);
        json_error_t err;
        json_t *back = json_loadb(mine->str, mine->len, JSON_DECODE_ANY, &err);
        g_assert_nonnull(back);
        g_assert_cmpmem(json_string_value(back), json_string_length(back), s->str, s->len);
        json_decref(back);
    }
}

static void test_string_escapes(void) {
    g_autoptr(GString) out = g_string_new(NULL);
    tp_emit_string(out, "a\"b\\c\n\x01\x1f/é", strlen("a\"b\\c\n\x01\x1f/é"));
    g_assert_cmpstr(out->str, ==, "\"a\\\"b\\\\c\\n\\u0001\\u001F/é\"");
}

static void test_score(void) {
    g_autoptr(GString) mine = g_string_new(NULL);
    for (int k = 0; k <= 1000; k++) {
        double x = k / 1000.0 + (k % 7) * 1e-5; /* also values that need rounding */
        g_string_truncate(mine, 0);
        tp_emit_score(mine, x);
        json_t *v = json_real(round(x * 1000.0) / 1000.0);
        char *theirs = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(3));
        g_assert_cmpstr(mine->str, ==, theirs);
        free(theirs);
        json_decref(v);
    }
    g_string_truncate(mine, 0);
    tp_emit_score(mine, 1.0);
    g_assert_cmpstr(mine->str, ==, "1.0");
}

/* The score as GLib formats it (what tp_emit_score did before its fast path). */
static void score_by_glib(GString *out, double x) {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(buf, sizeof(buf), "%.3g", round(x * 1000.0) / 1000.0);
    g_string_append(out, buf);
    if (strchr(buf, '.') == NULL && strchr(buf, 'e') == NULL)
        g_string_append(out, ".0");
}

static void test_score_glib(void) {
    g_autoptr(GString) mine = g_string_new(NULL);
    g_autoptr(GString) glib = g_string_new(NULL);
    g_autoptr(GRand) rng = g_rand_new_with_seed(9);
    for (int i = 0; i < 200000; i++) {
        double x = i < 3000   ? (i - 1000) / 1000.0
                   : i < 6000 ? (i - 4000) / 1000.0 + 0.0005
                   : i < 9000 ? nextafter((i - 7000) / 1000.0 + 0.0005, -1.0)
                              : g_rand_double_range(rng, -0.5, 1.5);
        g_string_truncate(mine, 0);
        g_string_truncate(glib, 0);
        tp_emit_score(mine, x);
        score_by_glib(glib, x);
        g_assert_cmpstr(mine->str, ==, glib->str);
    }
}

/* tp_append gives what g_string_append_len gives, across the appends that
 * fit and those that make the string grow, bytes NUL included. */
static void test_append(void) {
    g_autoptr(GRand) rng = g_rand_new_with_seed(7);
    for (int round = 0; round < 200; round++) {
        g_autoptr(GString) ours = g_string_sized_new((gsize)g_rand_int_range(rng, 0, 64));
        g_autoptr(GString) glib = g_string_new(NULL);
        for (int i = 0; i < 50; i++) {
            char piece[300];
            gsize n = (gsize)g_rand_int_range(rng, 0, (gint32)sizeof piece);
            for (gsize j = 0; j < n; j++)
                piece[j] = (char)g_rand_int_range(rng, 0, 256);
            tp_append(ours, piece, n);
            g_string_append_len(glib, piece, (gssize)n);
            g_assert_cmpuint(ours->len, ==, glib->len);
            g_assert_true(memcmp(ours->str, glib->str, glib->len + 1) == 0);
            g_assert_cmpuint(ours->allocated_len, >, ours->len);
        }
    }
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/emit/string/random", test_string_random);
    g_test_add_func("/emit/string/escapes", test_string_escapes);
    g_test_add_func("/emit/score", test_score);
    g_test_add_func("/emit/score/glib", test_score_glib);
    g_test_add_func("/emit/append", test_append);
    return g_test_run();
}
