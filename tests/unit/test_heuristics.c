/* SPDX-License-Identifier: MIT */
/* test_heuristics.c: each cue family and each mention-linking rule, with a case it must reject. */

#include "tp_heuristics.h"
#include "tp_knowledge.h"
#include "tp_test.h"

#include <glib/gstdio.h>
#include <string.h>

static TpKnowledge *k;

/* Entities of `text` as "surface/type/id" joined by '|', offices with
 * ">holder" and persons with "<office" appended. */
static char *tag(const char *text) {
    TpTagger *t = tp_tagger_new(k, NULL);
    const TpEntity *es = NULL;
    gsize n = 0;
    g_assert_true(tp_tagger_tag_text(t, text, -1, &es, &n, NULL));
    GString *s = g_string_new(NULL);
    for (gsize i = 0; i < n; i++) {
        if (i)
            g_string_append_c(s, '|');
        g_string_append_printf(s, "%.*s/%s/%s", (int)(es[i].end_byte - es[i].start_byte),
                               text + es[i].start_byte, tp_entity_type_name(es[i].type), es[i].id);
        if (es[i].holder)
            g_string_append_printf(s, ">%s", es[i].holder);
        for (gsize o = 0; o < es[i].n_offices; o++)
            g_string_append_printf(s, "<%s", es[i].offices[o]);
    }
    tp_tagger_free(t);
    return g_string_free(s, FALSE);
}

typedef struct {
    const char *path;
    const char *text;
    const char *want;
} Case;

static const Case cases[] = {
    /* honorifics */
    {"/cue/honorific", "Yesterday Mrs Oyelaran spoke.",
     "Mrs Oyelaran/person/local:person/oyelaran"},
    {"/cue/honorific/reject", "Yesterday Oyelaran spoke.", ""},
    /* a title before the name */
    {"/cue/title", "Then President Mbeki arrived.",
     "President/office/office/president>local:person/mbeki|Mbeki/person/local:person/"
     "mbeki<office/president"},
    {"/cue/title/reject", "Then the Mbeki arrived.", ""},
    /* a known given name first */
    {"/cue/given-name", "Then John Oyelaran arrived.",
     "John Oyelaran/person/local:person/john-oyelaran"},
    {"/cue/given-name/reject", "Then Jade Oyelaran arrived.", ""},
    /* organization head words and suffixes */
    {"/cue/org-head", "Then the Kirkwall Harbour Board met.",
     "Kirkwall Harbour Board/organization/local:organization/kirkwall-harbour-board"},
    {"/cue/org-head/reject", "Then the Kirkwall Harbour met.", ""},
    {"/cue/org-suffix", "Yesterday Zentrix Inc said so.",
     "Zentrix Inc/organization/local:organization/zentrix-inc"},
    /* acronyms, but not in all-caps copy */
    {"/cue/acronym", "Yesterday the ZKP said so.", "ZKP/organization/local:organization/zkp"},
    {"/cue/acronym/reject", "ZKP WINS THE VOTE", ""},
    /* place cues */
    {"/cue/place-preposition", "Fighting went on near Tavildara today.",
     "Tavildara/place/local:place/tavildara"},
    {"/cue/place-preposition/reject", "Fighting and Tavildara went on.", ""},
    {"/cue/region-after-comma", "It happened at Springvale, Ukraine today.",
     "Springvale/place/local:place/springvale|Ukraine/place/place/iso:UA"},
    /* ordinary words are not names without a cue */
    {"/cue/common-word/reject", "Then Police said so.", ""},
    {"/cue/sentence-start/reject", "Speaking to reporters, he left.", ""},
    /* one entity across its mentions */
    {"/link/surname", "Then John Oyelaran arrived. Later Mr Oyelaran and Oyelaran left.",
     "John Oyelaran/person/local:person/john-oyelaran|Mr Oyelaran/person/local:person/"
     "john-oyelaran|Oyelaran/person/local:person/john-oyelaran"},
    {"/link/surname/reject", "Then John Oyelaran arrived. Later Mr Adebayo left.",
     "John Oyelaran/person/local:person/john-oyelaran|Mr Adebayo/person/local:person/adebayo"},
    {"/link/place-preposition/reject", "Then John Brussels spoke in Brussels.",
     "John Brussels/person/local:person/john-brussels|Brussels/place/place/geonames:2800866"},
    {"/link/gazetteer-surname", "Then John Healey spoke. Healey said.",
     "John Healey/person/person/john-healey|Healey/person/person/john-healey"},
    {"/link/acronym", "Then the Kirkwall Harbour Board (KHB) met. Later KHB said so.",
     "Kirkwall Harbour Board/organization/local:organization/kirkwall-harbour-board|KHB/"
     "organization/local:organization/kirkwall-harbour-board|KHB/organization/"
     "local:organization/kirkwall-harbour-board"},
    /* a common-word gazetteer alias needs support */
    {"/link/common-alias", "He lives in Reading now.", "Reading/place/place/test:reading"},
    {"/link/common-alias/reject", "He said Reading was fine.", ""},
    /* teams named after their towns in results */
    {"/link/sports-team", "Result: Brussels 3 Kyiv 1",
     "Brussels/organization/local:organization/brussels|Kyiv/organization/local:organization/"
     "kyiv"},
    {"/link/sports-team/reject", "In Brussels 2016 was cold.",
     "Brussels/place/place/geonames:2800866"},
    /* offices and their holders */
    {"/office/holder", "Then Ukrainian president Volodymyr Zelensky spoke.",
     "Ukrainian president/office/office/ua-president>person/volodymyr-zelensky|Volodymyr "
     "Zelensky/person/person/volodymyr-zelensky<office/ua-president"},
    {"/office/apposition", "Then Pete Hegseth, the US defence secretary, spoke.",
     "Pete Hegseth/person/person/pete-hegseth<office/us-defense-secretary|US/place/place/iso:US|"
     "US defence secretary/office/office/us-defense-secretary>person/pete-hegseth"},
    {"/office/holder/reject", "Then the president left. Volodymyr Zelensky spoke.",
     "president/office/office/president|Volodymyr Zelensky/person/person/volodymyr-zelensky"},
    /* "a minister" is the position itself (GUIDELINE.md section 1); a spokesman is a job */
    {"/office/bare", "A minister appeared.", "minister/office/office/minister"},
    {"/office/bare/reject", "A spokesman appeared.", ""},
};

static void run_case(gconstpointer data) {
    const Case *c = data;
    g_autofree char *got = tag(c->text);
    g_assert_cmpstr(got, ==, c->want);
}

/* Found by fuzzing (tests/fuzz/corpus/models/crash-cues-*): a cues file whose
 * threshold or weight is infinite, or so large that a sum of cues overflows,
 * is refused with its line. `line` is the first line whose first column is
 * `cue`; its numbers are replaced by `value`. */
typedef struct {
    const char *path;
    const char *cue;
    const char *value;
} BadCues;

static const BadCues bad_cues[] = {
    {"/cues/load/threshold-inf", "threshold", "inf"},
    {"/cues/load/threshold-nan", "threshold", "nan"},
    {"/cues/load/weight-inf", "bias", "-inf"},
    {"/cues/load/weight-1e999", "bias", "1e999"},
    {"/cues/load/weight-huge", "bias", "1e308"},
};

static void test_bad_cues(gconstpointer data) {
    const BadCues *c = data;
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(TESTDATA "/models/cues.tsv", &text, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint at = 0;
    for (guint i = 0; lines[i] && at == 0; i++) {
        g_auto(GStrv) cols = g_strsplit(lines[i], "\t", -1);
        if (strcmp(cols[0], c->cue) == 0) {
            for (guint j = 1; cols[j]; j++) {
                g_free(cols[j]);
                cols[j] = g_strdup(c->value);
            }
            g_free(lines[i]);
            lines[i] = g_strjoinv("\t", cols);
            at = i + 1;
        }
    }
    g_assert_cmpuint(at, >, 0);
    g_autofree char *bad = g_strjoinv("\n", lines);
    g_autofree char *path = tp_test_write_tmp("tp-cues-XXXXXX.tsv", bad, -1);
    TpCues cues = {0};
    g_autoptr(GError) error = NULL;
    g_assert_false(tp_cues_load(&cues, path, &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_FORMAT);
    g_autofree char *where = g_strdup_printf("%s:%u: ", path, at);
    g_assert_true(g_str_has_prefix(error->message, where));
    g_assert_false(cues.loaded);
    g_unlink(path);
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    k = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_knowledge_load_dir(k, TESTDATA "/gazetteers", &error));
    g_assert_true(tp_knowledge_load_cues(k, TESTDATA "/models/cues.tsv", &error));
    g_assert_no_error(error);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        g_test_add_data_func(cases[i].path, &cases[i], run_case);
    for (guint i = 0; i < G_N_ELEMENTS(bad_cues); i++)
        g_test_add_data_func(bad_cues[i].path, &bad_cues[i], test_bad_cues);
    int rc = g_test_run();
    tp_knowledge_free(k);
    return rc;
}
