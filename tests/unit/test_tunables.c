/* SPDX-License-Identifier: MIT */
/* test_tunables.c: generated/tp_tunables.h says what models/tunables.tsv says, row for row. */

#include "tp_text.h"
#include "tp_tunables.h"

#include <string.h>

static const struct {
    const char *name;
    double value;
} table[] = {TP_TUNABLES_TABLE};

static void test_same_as_file(void) {
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) lines =
        tp_read_lines(SRCDIR "/models/tunables.tsv", "# tagpipe-tunables 1", &error);
    g_assert_no_error(error);
    guint n = 0;
    for (guint i = 1; lines[i]; i++) {
        if (lines[i][0] == '#' || lines[i][0] == '\0')
            continue;
        g_auto(GStrv) cols = g_strsplit(lines[i], "\t", -1);
        g_assert_cmpuint(g_strv_length(cols), ==, 3);
        g_assert_cmpuint(n, <, G_N_ELEMENTS(table));
        g_assert_cmpstr(cols[0], ==, table[n].name);
        double v = 0;
        g_assert_true(tp_parse_weight(cols[1], &v, "tunables.tsv", i + 1, &error));
        g_assert_cmpfloat(v, ==, table[n].value);
        g_assert_cmpstr(cols[2], !=, "");
        n++;
    }
    g_assert_cmpuint(n, ==, G_N_ELEMENTS(table));
}

/* Scores are probabilities: each tunable named *-score* lies in (0, 1]. */
static void test_scores_in_range(void) {
    for (guint i = 0; i < G_N_ELEMENTS(table); i++)
        if (strstr(table[i].name, "score") && !strstr(table[i].name, "margin")) {
            g_assert_cmpfloat(table[i].value, >, 0.0);
            g_assert_cmpfloat(table[i].value, <=, 1.0);
        }
    g_assert_cmpfloat(TP_TUNE_CUE_SCORE_BASE + TP_TUNE_CUE_SCORE_SPAN, <=, 1.0);
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tunables/same-as-file", test_same_as_file);
    g_test_add_func("/tunables/scores-in-range", test_scores_in_range);
    return g_test_run();
}
