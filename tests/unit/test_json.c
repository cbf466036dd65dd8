/* SPDX-License-Identifier: MIT */
/* test_json.c: the input line scanner (tp_json.h) against Jansson. */

#include "../fuzz/json_agree.h"

#include <string.h>

static const char *const names[] = {"title", "text", "entities", "topics"};
#define N_NAMES G_N_ELEMENTS(names)

/* Whether the scanner answered for `line`, which Jansson then read with
 * the same members (json_agree.h): a disagreement fails the test. */
static gboolean agrees(const char *line, gsize len) {
    if (!g_utf8_validate_len(line, len, NULL))
        return FALSE; /* not what the scanner is asked about */
    JsonAgreement a = json_agree(line, len, names, N_NAMES);
    if (a == JSON_DISAGREE)
        g_error("the scanner and Jansson disagree on: %.*s", (int)len, line);
    return a == JSON_AGREE;
}

static gboolean agrees_str(const char *line) {
    return agrees(line, strlen(line));
}

static void test_cases(void) {
    /* Answered: plain and escaped strings, every kind of other value. */
    static const char *const sure[] = {
        "{}",
        " {\"text\": \"Kyiv\"} \r\n",
        "{\"id\":1,\"text\":\"a \\\"quoted\\\" \\\\ \\/ word\\n\\t\\b\\f\\r\"}",
        "{\"text\":\"\\u00e9t\\u00C9 \\ud83d\\ude00 \\u2028\"}",
        "{\"title\":null,\"text\":[1,2,{\"a\":[]}],\"n\":-0.5e+10,\"t\":true,\"f\":false}",
        "{\"text\":\"first\",\"text\":\"second\"}",
        "{\"meta\":{\"text\":\"nested, not ours\"},\"x\":1E2}",
        "{\"entities\":[],\"topics\":[{\"label\":\"x\"}]}",
        "{\"text\":\"Ünïcödé and 中文 and emoji 😀\"}",
    };
    for (guint i = 0; i < G_N_ELEMENTS(sure); i++)
        g_assert_true(agrees_str(sure[i]));
    /* Left to Jansson: errors, limits and what the scanner does not read. */
    static const char *const unsure[] = {
        "",
        "[]",
        "\"text\"",
        "{\"text\":\"a\"} x",
        "{\"text\":\"a\",}",
        "{\"text\" \"a\"}",
        "{\"te\\u0078t\":\"escaped name\"}",
        "{\"text\":\"nul \\u0000 inside\"}",
        "{\"text\":\"lone \\ud83d surrogate\"}",
        "{\"text\":\"lone \\ude00 low\"}",
        "{\"text\":\"bad \\x escape\"}",
        "{\"text\":\"control \x01 char\"}",
        "{\"text\":\"unterminated}",
        "{\"n\":01}",
        "{\"n\":1.}",
        "{\"n\":1e400}",
        "{\"n\":1e99999}",
        "{\"n\":+1}",
        "{\"n\":nul}",
        "{\"n\":truex}",
        "{\"n\":1 2}",
    };
    for (guint i = 0; i < G_N_ELEMENTS(unsure); i++)
        g_assert_false(agrees_str(unsure[i]));
    /* Deep nesting is Jansson's. */
    g_autoptr(GString) deep = g_string_new("{\"text\":");
    for (int i = 0; i < 100; i++)
        g_string_append_c(deep, '[');
    for (int i = 0; i < 100; i++)
        g_string_append_c(deep, ']');
    g_string_append_c(deep, '}');
    g_assert_false(agrees(deep->str, deep->len));
    /* A number with more digits than surely fit. */
    g_autoptr(GString) big = g_string_new("{\"n\":");
    for (int i = 0; i < 400; i++)
        g_string_append_c(big, '9');
    g_string_append_c(big, '}');
    g_assert_false(agrees(big->str, big->len));
}

/* Pieces of JSON, valid and not, for random lines. */
static const char *const pieces[] = {
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\"",
    "\"text\"",
    "\"title\"",
    "\"entities\"",
    "\"topics\"",
    "\"id\"",
    "\"a b\"",
    "\"Kyiv\"",
    "\"\\\"\"",
    "\"\\\\\"",
    "\"\\u00e9\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud83d\"",
    "\"\\u0000\"",
    "\"\\n\"",
    "\"é\"",
    "\"\\q\"",
    "0",
    "-1",
    "1.5",
    "2e10",
    "1e400",
    "01",
    "true",
    "false",
    "null",
    "nul",
    "\\",
    "x",
    "\t",
    "\"text\":",
    "\"text\":\"Officials met in Kyiv.\"",
    ",\"title\":\"NATO\"",
    "{\"text\":\"",
    "\"}",
};

static void random_line(GRand *rng, GString *out) {
    g_string_truncate(out, 0);
    gboolean framed = g_rand_boolean(rng);
    if (framed)
        g_string_append_c(out, '{');
    int n = g_rand_int_range(rng, 0, 12);
    for (int i = 0; i < n; i++)
        g_string_append(out, pieces[g_rand_int_range(rng, 0, (gint32)G_N_ELEMENTS(pieces))]);
    if (framed)
        g_string_append_c(out, '}');
}

/* Well-formed objects, for how often the scanner answers. */
static void random_object(GRand *rng, GString *out) {
    static const char *const keys[] = {"\"text\"", "\"title\"", "\"id\"", "\"entities\"",
                                       "\"meta\""};
    static const char *const values[] = {
        "\"Officials met in Kyiv.\"", "\"caf\\u00e9 \\\"x\\\"\\n\"", "null", "12",  "-0.25e3",
        "[1,\"a\",{\"b\":null}]",     "{\"text\":\"inner\"}",        "true", "\"\""};
    g_string_assign(out, "{");
    int n = g_rand_int_range(rng, 0, 6);
    for (int i = 0; i < n; i++) {
        if (i)
            g_string_append(out, g_rand_boolean(rng) ? "," : " , ");
        g_string_append(out, keys[g_rand_int_range(rng, 0, (gint32)G_N_ELEMENTS(keys))]);
        g_string_append(out, g_rand_boolean(rng) ? ":" : " : ");
        g_string_append(out, values[g_rand_int_range(rng, 0, (gint32)G_N_ELEMENTS(values))]);
    }
    g_string_append(out, "}");
}

/* A string of plain bytes with at most one byte of another kind (a control
 * character, a quote, a backslash, DEL, a two-byte letter) at any place:
 * the scanner steps over plain bytes eight at a time. */
static void plain_string_object(GRand *rng, GString *out) {
    static const char odd[] = {'\x01', '\x09', '\x0a', '\x10', '\x1f', '"', '\\', '\x7f', 'n'};
    g_string_assign(out, "{\"text\":\"");
    guint n = (guint)g_rand_int_range(rng, 0, 40);
    gint at = g_rand_int_range(rng, -1, (gint32)n);
    for (guint i = 0; i < n; i++) {
        if ((gint)i == at) {
            if (g_rand_int_range(rng, 0, 8) == 0)
                g_string_append(out, "\xc3\xa9");
            else
                g_string_append_c(out, odd[g_rand_int_range(rng, 0, (gint32)sizeof odd)]);
        } else {
            g_string_append_c(out, (char)g_rand_int_range(rng, 'a', 'z' + 1));
        }
    }
    g_string_append(out, "\"}");
}

static void test_random(void) {
    g_autoptr(GRand) rng = g_rand_new_with_seed(42);
    g_autoptr(GString) line = g_string_new(NULL);
    guint answered = 0;
    for (int i = 0; i < 200000; i++) {
        random_line(rng, line);
        answered += agrees(line->str, line->len);
    }
    g_assert_cmpuint(answered, >, 1000); /* the comparison was made */
    guint objects = 0;
    for (int i = 0; i < 20000; i++) {
        random_object(rng, line);
        objects += agrees(line->str, line->len);
    }
    g_assert_cmpuint(objects, ==, 20000); /* every well-formed one answered */
    guint plain = 0;
    for (int i = 0; i < 20000; i++) {
        plain_string_object(rng, line);
        plain += agrees(line->str, line->len);
    }
    g_assert_cmpuint(plain, >, 5000);
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json/cases", test_cases);
    g_test_add_func("/json/random", test_random);
    return g_test_run();
}
