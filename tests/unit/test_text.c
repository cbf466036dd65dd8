/* SPDX-License-Identifier: MIT */
/* test_text.c: the tokenizer's tokens, offsets and flags, and text folding. */

#include "tp_text.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* Tokenize `text` and return the tokens' surface strings joined by '|'. */
static char *surfaces(const char *text) {
    TpTokens tt;
    tp_tokens_init(&tt);
    tp_tokenize(&tt, text, strlen(text));
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < tt.toks->len; i++) {
        const TpToken *t = tp_tok(&tt, i);
        if (i)
            g_string_append_c(s, '|');
        g_string_append_len(s, text + t->start, t->end - t->start);
    }
    tp_tokens_clear(&tt);
    return g_string_free(s, FALSE);
}

typedef struct {
    const char *text;
    const char *tokens;
} TokCase;

static const TokCase tok_cases[] = {
    {"Mr Trump met NATO.", "Mr|Trump|met|NATO|."},
    {"Ukraine’s voice", "Ukraine|’s|voice"},
    {"Ukraine's allies", "Ukraine|'s|allies"},
    {"O'Brien said", "O'Brien|said"},
    {"don’t stop", "don’t|stop"},
    {"the U.S. and U.K. talks", "the|U.S.|and|U.K.|talks"},
    {"J. K. Rowling", "J.|K.|Rowling"},
    {"UK-Ukraine 100-year", "UK|-|Ukraine|100|-|year"},
    {"1,000.5 troops", "1,000.5|troops"},
    {"“So,” he said", "“|So|,|”|he|said"},
    {"al-Assad", "al|-|Assad"},
    {"end.Next", "end|.|Next"},
};

static void test_tokens(gconstpointer data) {
    const TokCase *c = data;
    g_autofree char *got = surfaces(c->text);
    g_assert_cmpstr(got, ==, c->tokens);
}

/* Offsets of the token `word` in `text`: bytes and code points. */
static void assert_offsets(const char *text, const char *word, guint start_cp) {
    TpTokens tt;
    tp_tokens_init(&tt);
    tp_tokenize(&tt, text, strlen(text));
    const char *at = strstr(text, word);
    g_assert_nonnull(at);
    gboolean found = FALSE;
    for (guint i = 0; i < tt.toks->len; i++) {
        const TpToken *t = tp_tok(&tt, i);
        if (t->start != (guint32)(at - text))
            continue;
        found = TRUE;
        g_assert_cmpuint(t->end - t->start, ==, strlen(word));
        g_assert_cmpuint(t->start_cp, ==, start_cp);
        g_assert_cmpuint(t->end_cp, ==, start_cp + g_utf8_strlen(word, -1));
        g_assert_cmpuint(t->start_cp, ==, g_utf8_strlen(text, at - text));
    }
    g_assert_true(found);
    tp_tokens_clear(&tt);
}

static void test_offsets_emoji(void) {
    /* U+1F642 is outside the BMP: one code point, four bytes, two UTF-16 units. */
    assert_offsets("🙂 Kyiv", "Kyiv", 2);
    assert_offsets("🙂🙂 in Kyiv", "Kyiv", 6);
    g_assert_cmpuint(tp_utf16_length("🙂 ", strlen("🙂 ")), ==, 3);
}

static void test_offsets_combining(void) {
    /* "é" written as e + U+0301: two code points. */
    assert_offsets("Cafe\xcc\x81 in Paris", "Paris", 9);
    assert_offsets("Cafe\xcc\x81 in Paris", "Cafe\xcc\x81", 0);
}

static void test_offsets_scripts(void) {
    assert_offsets("Путин сказал, Kyiv", "Kyiv", 14);
    assert_offsets("Путин сказал", "сказал", 6);
    assert_offsets("北京 and Kyiv", "Kyiv", 7);
    assert_offsets("𝐀𝐁 Kyiv", "Kyiv", 3); /* mathematical letters, outside the BMP */
}

static guint32 flags_of(const char *text, guint index) {
    TpTokens tt;
    tp_tokens_init(&tt);
    tp_tokenize(&tt, text, strlen(text));
    g_assert_cmpuint(index, <, tt.toks->len);
    guint32 f = tp_tok(&tt, index)->flags;
    tp_tokens_clear(&tt);
    return f;
}

static void test_flags(void) {
    const char *t = "Speaking today, Mr. Healey said: “We agree.” NATO met.\nBREAKING NEWS HERE";
    g_assert_true(flags_of(t, 0) & TP_TOK_SENT);  /* Speaking */
    g_assert_false(flags_of(t, 1) & TP_TOK_SENT); /* today */
    g_assert_true(flags_of(t, 3) & TP_TOK_CAP);   /* Mr */
    g_assert_false(flags_of(t, 5) & TP_TOK_SENT); /* Healey after "Mr." */
    g_assert_true(flags_of(t, 9) & TP_TOK_SENT);  /* We, after ': “' */
    g_assert_true(flags_of(t, 13) & TP_TOK_SENT); /* NATO */
    g_assert_true(flags_of(t, 13) & TP_TOK_ALLCAPS);
    g_assert_false(flags_of(t, 13) & TP_TOK_LINECAPS);
    g_assert_true(flags_of(t, 16) & TP_TOK_NL); /* BREAKING */
    g_assert_true(flags_of(t, 16) & TP_TOK_LINECAPS);
    g_assert_true(flags_of(t, 17) & TP_TOK_LINECAPS);
    g_assert_true(flags_of("3 x", 0) & TP_TOK_DIGIT);
    g_assert_true(flags_of("U.S.", 0) & TP_TOK_ABBREV);
}

typedef struct {
    const char *in;
    const char *folded;
} FoldCase;

static const FoldCase fold_cases[] = {
    {"Erdoğan", "erdogan"},   {"São Paulo", "sao paulo"},
    {"Straße", "strasse"},    {"Łódź", "lodz"},
    {"Søren", "soren"},       {"Zelenskyy’s", "zelenskyy's"},
    {"“Kyiv”", "\"kyiv\""},   {"Hamas–Israel", "hamas-israel"},
    {"ＮＡＴＯ", "nato"}, /* fullwidth letters, NFKC */
    {"Cafe\xcc\x81", "cafe"}, {"ΑΘΗΝΑ", "αθηνα"},
};

static void test_fold(gconstpointer data) {
    const FoldCase *c = data;
    g_autoptr(GString) out = g_string_new(NULL);
    tp_text_fold(out, c->in, strlen(c->in));
    g_assert_cmpstr(out->str, ==, c->folded);
}

static void test_fold_keeps_distinct(void) {
    /* Folding must not merge different words: a case that must fail to match. */
    g_autoptr(GString) a = g_string_new(NULL);
    g_autoptr(GString) b = g_string_new(NULL);
    tp_text_fold(a, "Georgia", 7);
    tp_text_fold(b, "Georgian", 8);
    g_assert_cmpstr(a->str, !=, b->str);
}

static void test_shape(void) {
    g_autoptr(GString) out = g_string_new(NULL);
    tp_text_shape(out, "Ukraine’s", strlen("Ukraine’s"));
    g_assert_cmpstr(out->str, ==, "Ukraine's");
    g_string_truncate(out, 0);
    tp_text_shape(out, "NATO", 4);
    g_assert_cmpstr(out->str, ==, "NATO"); /* case is kept */
}

/* GLib's normalizations after unification, as tp_text_fold did them for
 * every non-ASCII text (no letter of fold_letter's list in the cases). */
static char *fold_by_glib(const char *s) {
    g_autoptr(GString) unified = g_string_new(NULL);
    tp_text_shape(unified, s, strlen(s));
    g_autofree char *nfkc = g_utf8_normalize(unified->str, -1, G_NORMALIZE_NFKC);
    g_autofree char *folded = g_utf8_casefold(nfkc, -1);
    g_autofree char *nfd = g_utf8_normalize(folded, -1, G_NORMALIZE_NFD);
    g_autoptr(GString) bare = g_string_new(NULL);
    for (const char *p = nfd; *p; p = g_utf8_next_char(p))
        if (!g_unichar_ismark(g_utf8_get_char(p)))
            g_string_append_unichar(bare, g_utf8_get_char(p));
    return g_utf8_normalize(bare->str, -1, G_NORMALIZE_NFC);
}

/* Texts that are ASCII once quotes and dashes are unified take the ASCII
 * path: the same keys as GLib's normalizations give. */
static void test_fold_unified_ascii(void) {
    static const char *const cases[] = {"\u201cKyiv\u201d",
                                        "\u2014",
                                        "O\u2019Brien",
                                        "\u2018S",
                                        "\u00abLe Monde\u00bb",
                                        "\u20135",
                                        "\u2212",
                                        "\u2033",
                                        "A\u2010B\u2011C",
                                        "\uff0d",
                                        "\u00b4",
                                        "\u02bcOK",
                                        "\u2032\u201e",
                                        "\u2015\u2012\u201f",
                                        "\ufe58\ufe63",
                                        "\u00e9",
                                        "\u00c9cole",
                                        "\u201cZ\u00fcrich\u201d"};
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GString) mine = g_string_new(NULL);
        tp_text_fold(mine, cases[i], strlen(cases[i]));
        g_autofree char *glib = fold_by_glib(cases[i]);
        g_assert_cmpstr(mine->str, ==, glib);
    }
}

/* The tokenizer's ASCII fast paths give GLib's answers: every ASCII code
 * point, and some beyond it (where they call GLib themselves). */
static void test_fast_ctype(void) {
    static const gunichar beyond[] = {0xE9,   0xC9,   0x1C5, 0x301, 0xA0,
                                      0x2028, 0x3000, 0x661, 0x4E2D};
    for (gunichar c = 0; c < 0x80 + G_N_ELEMENTS(beyond); c++) {
        gunichar u = c < 0x80 ? c : beyond[c - 0x80];
        g_assert_cmpint(tp_uisalnum(u), ==, g_unichar_isalnum(u));
        g_assert_cmpint(tp_uisalpha(u), ==, g_unichar_isalpha(u));
        g_assert_cmpint(tp_uisdigit(u), ==, g_unichar_isdigit(u));
        g_assert_cmpint(tp_uisupper(u), ==, g_unichar_isupper(u));
        g_assert_cmpint(tp_uislower(u), ==, g_unichar_islower(u));
        g_assert_cmpint(tp_uisupper_or_title(u), ==, g_unichar_isupper(u) || g_unichar_istitle(u));
        g_assert_cmpint(tp_uisspace(u), ==, g_unichar_isspace(u));
        g_assert_cmpint(tp_uisword(u), ==, g_unichar_isalnum(u) || g_unichar_ismark(u));
        char buf[8] = {0};
        g_unichar_to_utf8(u, buf);
        g_assert_cmpuint(tp_uchar(buf), ==, g_utf8_get_char(buf));
    }
    /* Every byte: tp_text_fold's ASCII path lowers with tp_ascii_tolower. */
    for (int b = 0; b < 256; b++)
        g_assert_cmpint(tp_ascii_tolower((gchar)b), ==, g_ascii_tolower((gchar)b));
}

/* Keys longer than their text (NFKC expands U+FDFA elevenfold) before
 * ASCII words and punctuation, whose keys the tokenizer writes into room it
 * made for twice the text: each key is still tp_text_fold's. */
static void test_tokens_expanding_keys(void) {
    g_autoptr(GString) text = g_string_new(NULL);
    g_autoptr(GString) ref = g_string_new(NULL);
    /* Mixes of a few expanding characters and up to 200 words and commas
     * meet the end of the room made inside a word. */
    for (guint expanding = 1; expanding <= 24; expanding++) {
        for (guint ascii = 1; ascii <= 200; ascii++) {
            g_string_truncate(text, 0);
            for (guint i = 0; i < expanding; i++)
                g_string_append(text, "\xef\xb7\xba ");
            for (guint i = 0; i < ascii; i++)
                g_string_append_len(text, i % 2 ? "," : "abcdefghijklmnop", i % 2 ? 1 : i % 16 + 1);
            /* Fresh tokens: a string that held a longer text has room to spare. */
            TpTokens tt;
            tp_tokens_init(&tt);
            tp_tokenize(&tt, text->str, text->len);
            g_assert_cmpuint(tt.toks->len, ==, expanding + ascii);
            for (guint i = 0; i < tt.toks->len; i++) {
                const TpToken *t = tp_tok(&tt, i);
                g_string_truncate(ref, 0);
                tp_text_fold(ref, text->str + t->start, t->end - t->start);
                g_assert_cmpstr(tp_tok_key(&tt, t), ==, ref->str);
                g_assert_cmpuint(t->key_len, ==, ref->len);
            }
            tp_tokens_clear(&tt);
        }
    }
}

/* tp_utf8_validate_len against g_utf8_validate_len: the same answer and the
 * same end, on random text of ASCII runs, valid characters of every length
 * and bad sequences (stray continuation bytes, truncated and overlong
 * sequences, surrogates, bytes that never occur, NUL) at every place. */
static void test_utf8_validate(void) {
    static const char *const pieces[] = {"a",
                                         "Kyiv said ",
                                         "0123456789abcdef",
                                         "\xc3\xa9",
                                         "\xe2\x80\x99",
                                         "\xf0\x9f\x98\x80",
                                         "\x80",
                                         "\xc3",
                                         "\xe2\x80",
                                         "\xf0\x9f\x98",
                                         "\xc0\xaf",
                                         "\xed\xa0\x80",
                                         "\xff",
                                         "\xf5\x80\x80\x80",
                                         "\x7f"};
    GRand *rng = g_rand_new_with_seed(3);
    g_autoptr(GString) text = g_string_new(NULL);
    guint bad = 0;
    for (guint round = 0; round < 100000; round++) {
        g_string_truncate(text, 0);
        guint n = g_rand_int_range(rng, 0, 30);
        /* Mostly good pieces, so that a bad one comes late as often as early. */
        for (guint i = 0; i < n; i++) {
            guint k = g_rand_int_range(rng, 0, 100) < 97 ? g_rand_int_range(rng, 0, 6)
                                                         : g_rand_int_range(rng, 0, 15);
            g_string_append(text, pieces[k]);
        }
        if (g_rand_int_range(rng, 0, 50) == 0)
            g_string_insert_c(text, g_rand_int_range(rng, 0, (gint32)text->len + 1), '\0');
        const char *end_glib = NULL, *end_ours = NULL;
        gboolean glib = g_utf8_validate_len(text->str, text->len, &end_glib);
        gboolean ours = tp_utf8_validate_len(text->str, text->len, &end_ours);
        g_assert_cmpint(ours, ==, glib);
        g_assert_true(end_ours == end_glib);
        bad += !glib;
    }
    g_assert_cmpuint(bad, >, 10000);
    g_rand_free(rng);
}

/* The tokenizer's one-pass paths (ASCII words, one punctuation character)
 * against GLib: on random text of ASCII letters, digits, punctuation, curly
 * quotes, dashes, accented and Cyrillic letters and line breaks, every
 * token's key is what tp_text_fold gives its surface (for ASCII,
 * g_ascii_strdown), its code point offsets are g_utf8_strlen's, its case
 * flags are GLib's character tests of its letters, and a line's LINECAPS is
 * set when GLib counts two upper-case letters on it and no lower-case one. */
static void test_tokens_as_glib(void) {
    static const char *const pieces[] = {"a", "B", "z", "Q", "7", "0", "'", ".", ",", "-", "\"",
                                         "`", "(", "&", " ", " ", " ", "\n", "’", "“", "—", "é",
                                         "É", "Ж", "ж", "s", "S", "U.S.", "Mr", "A.", "1,000.5",
                                         "O'Neil", "'s", "ǅ",
                                         /* U+FDFA: 3 bytes whose NFKC key takes 33 */
                                         "\xef\xb7\xba"};
    GRand *rng = g_rand_new_with_seed(7);
    TpTokens tt;
    tp_tokens_init(&tt);
    g_autoptr(GString) ref = g_string_new(NULL);
    for (guint round = 0; round < 3000; round++) {
        g_autoptr(GString) text = g_string_new(NULL);
        guint n = g_rand_int_range(rng, 1, 40);
        for (guint i = 0; i < n; i++)
            g_string_append(text, pieces[g_rand_int_range(rng, 0, G_N_ELEMENTS(pieces))]);
        tp_tokenize(&tt, text->str, text->len);
        for (guint i = 0; i < tt.toks->len; i++) {
            const TpToken *t = tp_tok(&tt, i);
            const char *surface = text->str + t->start;
            gsize len = t->end - t->start;
            g_string_truncate(ref, 0);
            tp_text_fold(ref, surface, len);
            g_assert_cmpstr(tp_tok_key(&tt, t), ==, ref->str);
            g_assert_cmpuint(t->key_len, ==, ref->len);
            g_autofree char *lower = g_ascii_strdown(surface, (gssize)len);
            gboolean ascii = TRUE;
            for (gsize k = 0; k < len; k++)
                ascii = ascii && (guchar)surface[k] < 0x80;
            if (ascii)
                g_assert_cmpstr(tp_tok_key(&tt, t), ==, lower);
            g_assert_cmpuint(t->start_cp, ==, g_utf8_strlen(text->str, t->start));
            g_assert_cmpuint(t->end_cp - t->start_cp, ==, g_utf8_strlen(surface, (gssize)len));
            if (!(t->flags & TP_TOK_WORD))
                continue;
            guint up = 0, low = 0;
            gboolean first = TRUE;
            guint32 want = 0;
            for (const char *q = surface; q < surface + len; q = g_utf8_next_char(q)) {
                gunichar c = g_utf8_get_char(q);
                gboolean upper = g_unichar_isupper(c) || g_unichar_istitle(c);
                if (first && g_unichar_isdigit(c))
                    want |= TP_TOK_DIGIT;
                if (first && upper)
                    want |= TP_TOK_CAP;
                if (first && !upper && g_unichar_islower(c))
                    want |= TP_TOK_LOWER;
                up += upper;
                low += !upper && g_unichar_islower(c);
                if (g_unichar_isalnum(c))
                    first = FALSE;
            }
            if (up >= 2 && low == 0)
                want |= TP_TOK_ALLCAPS;
            g_assert_cmphex(t->flags & (TP_TOK_DIGIT | TP_TOK_CAP | TP_TOK_LOWER | TP_TOK_ALLCAPS),
                            ==, want);
        }
        /* LINECAPS, line by line (a line's tokens start after a break). */
        guint line_first = 0;
        for (guint i = 0; i <= tt.toks->len; i++) {
            if (i < tt.toks->len && (i == 0 || !(tp_tok(&tt, i)->flags & TP_TOK_NL)))
                continue;
            if (i > line_first) {
                guint up = 0, low = 0;
                for (guint j = line_first; j < i; j++) {
                    const TpToken *t = tp_tok(&tt, j);
                    for (const char *q = text->str + t->start; q < text->str + t->end;
                         q = g_utf8_next_char(q)) {
                        gunichar c = g_utf8_get_char(q);
                        up += g_unichar_isupper(c);
                        low += g_unichar_islower(c);
                    }
                }
                gboolean caps = up >= 2 && low == 0;
                for (guint j = line_first; j < i; j++)
                    g_assert_cmpint((tp_tok(&tt, j)->flags & TP_TOK_LINECAPS) != 0, ==, caps);
            }
            line_first = i;
        }
    }
    tp_tokens_clear(&tt);
    g_rand_free(rng);
}

/* tp_read_lines() splits as g_strsplit(text, "\n", -1) does, then drops one
 * '\r' at the end of each line. */
static void test_read_lines(void) {
    static const char *const texts[] = {"",     "\n",         "a",        "a\n", "a\nb",
                                        "\n\n", "a\r\nb\r\n", "x\r\r\ny", "\r",  "é\n\nü"};
    for (gsize t = 0; t < G_N_ELEMENTS(texts); t++) {
        g_autofree char *path = NULL;
        int fd = g_file_open_tmp("tp-lines-XXXXXX", &path, NULL);
        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(write(fd, texts[t], strlen(texts[t])), ==, (gssize)strlen(texts[t]));
        close(fd);
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) got = tp_read_lines(path, NULL, &error);
        g_assert_no_error(error);
        g_auto(GStrv) want = g_strsplit(texts[t], "\n", -1);
        for (guint i = 0; want[i]; i++) {
            gsize n = strlen(want[i]);
            if (n && want[i][n - 1] == '\r')
                want[i][n - 1] = '\0';
        }
        g_assert_cmpstrv(got, want);
        g_unlink(path);
        g_auto(GStrv) split = tp_split_lines(texts[t], strlen(texts[t]));
        g_auto(GStrv) want_split = g_strsplit(texts[t], "\n", -1);
        g_assert_cmpstrv(split, want_split);
    }
}

/* The one located-error form, and the weight parser every model file uses. */
static void test_located_errors(void) {
    g_autoptr(GError) error = NULL;
    g_assert_false(tp_set_error_at(&error, TP_ERROR_PARSE, "a.tsv", 3, "bad %s", "thing"));
    g_assert_error(error, TP_ERROR, TP_ERROR_PARSE);
    g_assert_cmpstr(error->message, ==, "a.tsv:3: bad thing");
    g_clear_error(&error);
    g_assert_false(tp_set_error_at(&error, TP_ERROR_FORMAT, "a.tsv", 0, "no threshold"));
    g_assert_cmpstr(error->message, ==, "a.tsv: no threshold");
    g_clear_error(&error);
    double w = 0;
    g_assert_true(tp_parse_weight("-1.5e2", &w, "m", 2, &error));
    g_assert_no_error(error);
    g_assert_cmpfloat(w, ==, -150.0);
    g_assert_true(tp_parse_weight("1e6", &w, "m", 2, &error));
    static const struct {
        const char *s;
        int code;
        const char *msg;
    } bad[] = {
        {"abc", TP_ERROR_PARSE, "m:2: weight 'abc' is not a number"},
        {"1.5x", TP_ERROR_PARSE, "m:2: weight '1.5x' is not a number"},
        {"", TP_ERROR_PARSE, "m:2: weight '' is not a number"},
        {"1e999", TP_ERROR_FORMAT, "m:2: weight '1e999' is not a finite number in [-1e6, 1e6]"},
        {"nan", TP_ERROR_FORMAT, "m:2: weight 'nan' is not a finite number in [-1e6, 1e6]"},
        {"-1000001", TP_ERROR_FORMAT,
         "m:2: weight '-1000001' is not a finite number in [-1e6, 1e6]"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(tp_parse_weight(bad[i].s, &w, "m", 2, &error));
        g_assert_error(error, TP_ERROR, bad[i].code);
        g_assert_cmpstr(error->message, ==, bad[i].msg);
        g_clear_error(&error);
    }
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(tok_cases); i++) {
        g_autofree char *path = g_strdup_printf("/text/tokens/%u", i);
        g_test_add_data_func(path, &tok_cases[i], test_tokens);
    }
    g_test_add_func("/text/offsets/emoji", test_offsets_emoji);
    g_test_add_func("/text/read-lines", test_read_lines);
    g_test_add_func("/text/offsets/combining", test_offsets_combining);
    g_test_add_func("/text/offsets/scripts", test_offsets_scripts);
    g_test_add_func("/text/flags", test_flags);
    for (guint i = 0; i < G_N_ELEMENTS(fold_cases); i++) {
        g_autofree char *path = g_strdup_printf("/text/fold/%u", i);
        g_test_add_data_func(path, &fold_cases[i], test_fold);
    }
    g_test_add_func("/text/fold/distinct", test_fold_keeps_distinct);
    g_test_add_func("/text/shape", test_shape);
    g_test_add_func("/text/fast-ctype", test_fast_ctype);
    g_test_add_func("/text/tokens/as-glib", test_tokens_as_glib);
    g_test_add_func("/text/tokens/expanding-keys", test_tokens_expanding_keys);
    g_test_add_func("/text/utf8-validate", test_utf8_validate);
    g_test_add_func("/text/located-errors", test_located_errors);
    g_test_add_func("/text/fold/unified-ascii", test_fold_unified_ascii);
    return g_test_run();
}
