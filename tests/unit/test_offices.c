/* SPDX-License-Identifier: MIT */
/* test_offices.c: each office kind of ../shared/eval/offices/GUIDELINE.md with a case the
 * shipped gazetteers and lexicons must get right and one they must reject, and the holder
 * links (adjacent, apposition, copula, naming verb, coordination, holder's country). */

#include "tp_knowledge.h"
#include "tp_test.h"

#include <glib/gstdio.h>

#include <string.h>

static TpKnowledge *k;

/* The offices of `text` as "surface" or "surface>holder-surface", joined by '|';
 * with `ids`, "surface=id" instead. */
static char *offices(const char *text, gboolean ids) {
    TpTagger *t = tp_tagger_new(k, NULL);
    const TpEntity *es = NULL;
    gsize n = 0;
    g_assert_true(tp_tagger_tag_text(t, text, -1, &es, &n, NULL));
    GString *s = g_string_new(NULL);
    for (gsize i = 0; i < n; i++) {
        if (es[i].type != TP_ENTITY_OFFICE)
            continue;
        if (s->len)
            g_string_append_c(s, '|');
        g_string_append_printf(s, "%.*s", (int)(es[i].end_byte - es[i].start_byte),
                               text + es[i].start_byte);
        if (ids) {
            g_string_append_printf(s, "=%s", es[i].id);
            continue;
        }
        for (gsize j = 0; es[i].holder && j < n; j++)
            if (es[j].type == TP_ENTITY_PERSON && strcmp(es[j].id, es[i].holder) == 0) {
                g_string_append_printf(s, ">%.*s", (int)(es[j].end_byte - es[j].start_byte),
                                       text + es[j].start_byte);
                break;
            }
    }
    tp_tagger_free(t);
    return g_string_free(s, FALSE);
}

typedef struct {
    const char *path;
    const char *text;
    const char *want; /* with '=': offices with their ids */
} Case;

static const Case cases[] = {
    /* heads of a body: only when the phrase names the body (section 3) */
    {"/kind/leader", "Yesterday the opposition leader said no.", "opposition leader"},
    {"/kind/leader/reject", "Yesterday world leaders and a black leader said no.", ""},
    {"/kind/head-of", "Later the head of the World Health Organization spoke.",
     "head of the World Health Organization"},
    {"/kind/head/reject", "Later the head of the queue spoke.", ""},
    {"/kind/chief", "Later the army chief resigned.", "army chief"},
    {"/kind/chief/reject", "Later Chief Buthelezi spoke.", ""},
    /* the organization stays in the span */
    {"/kind/business", "Later Air France chairman Jean Dupont spoke.",
     "Air France chairman>Jean Dupont"},
    {"/kind/business/reject", "Later the chairs were stacked.", ""},
    {"/kind/institution", "Later NASA Administrator Daniel Goldin spoke.",
     "NASA Administrator>Daniel Goldin"},
    {"/kind/institution/reject", "Later the NASA building closed.", ""},
    /* church offices */
    {"/kind/church", "Later Cardinal Joseph Bernardin spoke.", "Cardinal>Joseph Bernardin"},
    {"/kind/church/reject", "Later a priest and an imam prayed.", ""},
    /* single legislature seats */
    {"/kind/legislature", "Yesterday the Conservative MP said no.", "MP"},
    {"/kind/legislature/reject", "Yesterday the MP3 player broke.", ""},
    /* lower-case and compound minister forms, plurals */
    {"/kind/minister", "Later the finance minister resigned.", "finance minister"},
    {"/kind/minister/plural", "Later EU foreign ministers met.", "EU foreign ministers"},
    {"/kind/minister/shared-plural", "Later the Foreign and Defence Ministers met.",
     "Foreign and Defence Ministers"},
    {"/kind/minister/reject", "Later ministerial talks began.", ""},
    /* ranks and job descriptions are no offices */
    {"/reject/rank", "Later General Ivanov spoke to the general.", ""},
    {"/reject/general-assembly", "Later the United Nations General Assembly voted.", ""},
    {"/reject/general-election", "Later the Russian general election was held.", ""},
    {"/reject/premier-league", "Later Premier League champions Arsenal won.", ""},
    {"/reject/spokesman", "Later a ministry spokesman said no.", ""},
    /* "U.S." is the United States, not the US Virgin Islands */
    {"/country/us-abbrev", "Later former U.S. Representative Bill Richardson spoke.",
     "U.S. Representative=office/us-representative"},
    /* lower-case titles before a name, possessives, apposition with "of" */
    {"/bare/lower-title", "Later chief prosecutor Michel Bourlet spoke.",
     "chief prosecutor>Michel Bourlet"},
    {"/bare/possessive", "Later the bank's governor was quoted.", "governor"},
    {"/bare/apposition-of", "Later Jean Dupont, director of the Louvre, spoke.",
     "director>Jean Dupont"},
    {"/bare/reject", "Later the spokesman, Jean Dupont, said no.", ""},
    /* hyphenated titles and "of" phrases */
    {"/span/hyphen", "Later Joschka Fischer became Vice-Chancellor.",
     "Vice-Chancellor>Joschka Fischer"},
    {"/span/of-polity", "Later the President of France spoke.", "President"},
    {"/span/of-portfolios", "Later the Minister of Trade and Industry spoke.",
     "Minister of Trade and Industry"},
    {"/span/in-name/reject", "Later the American Board of Commissioners for Foreign Missions met.",
     ""},
    /* holders */
    {"/holder/rank-between", "Later army commander Major Jean Dupont spoke.",
     "army commander>Jean Dupont"},
    {"/holder/copula/complement-reject", "Later the brother of Tony Blair was prime minister.",
     "prime minister"},
    {"/holder/initials", "Later Foreign Minister I.K. Gujral spoke.", "Foreign Minister>Gujral"},
    {"/holder/apposition-after", "Later the prime minister, Tony Blair, said no.",
     "prime minister>Tony Blair"},
    {"/holder/copula", "Later Boris Yeltsin is the Russian president.",
     "Russian president>Boris Yeltsin"},
    {"/holder/became", "In 1997 Tony Blair became prime minister.", "prime minister>Tony Blair"},
    {"/holder/who-became", "Later Tony Blair, who became prime minister, spoke.",
     "prime minister>Tony Blair"},
    {"/holder/coordination", "Later chairman and chief executive Jean Dupont spoke.",
     "chairman>Jean Dupont|chief executive>Jean Dupont"},
    {"/holder/possessive/reject", "Later Yeltsin's chief of staff spoke.", "chief of staff"},
    {"/holder/near/reject", "Later Tony Blair will meet the president.", "president"},
    /* a generic office takes its holder's country */
    {"/country/holder", "Later President Putin spoke.", "President=office/ru-president"},
    {"/country/holder/reject", "Later President Jean Dupont spoke.", "President=office/president"},
    /* the body before the office word when the gazetteers do not know it: a
     * capitalized run ending in a head word or legal form, an acronym in brackets */
    {"/span/org-run", "Later Panamanian Boxing Association President Ramon Manzanares spoke.",
     "Panamanian Boxing Association President>Ramon Manzanares"},
    {"/span/org-run/reject", "Later Boxing Association officials met President Jean Dupont.",
     "President>Jean Dupont"},
    {"/span/org-acronym", "Later the Indonesian Democratic Party (PDI) leader resigned.",
     "Indonesian Democratic Party (PDI) leader"},
    {"/span/org-acronym/reject", "Later the (PDI) leader resigned.", ""},
    /* a place that is no country: the seat of the office */
    {"/span/seat", "Later Chicago Cardinal Joseph Bernardin spoke.",
     "Chicago Cardinal>Joseph Bernardin"},
    {"/span/seat/reject", "Later the St. Louis Cardinals won in Chicago.", ""},
    {"/span/seat/common-reject", "Later the Reading mayor spoke.", "mayor"},
    {"/span/body/line-reject", "Later he joined the Art Institutes\nMinister of Foreign Affairs",
     "Minister of Foreign Affairs"},
    {"/span/abbrev-stop", "Later South Carolina Gov. Carroll Campbell spoke.",
     "South Carolina Gov.>Carroll Campbell"},
    {"/span/abbrev-stop/reject", "Later he met the president. Then he left.", "president"},
    {"/kind/diplomat", "Later the Israeli charge d'affaires, David Peleg, spoke.",
     "Israeli charge d'affaires>David Peleg"},
    {"/kind/diplomat/reject", "Later the charge was dropped and his affairs settled.", ""},
    {"/kind/minister/financial", "Later Hong Kong Financial Secretary Donald Tsang spoke.",
     "Hong Kong Financial Secretary>Donald Tsang"},
    {"/kind/minister/financial/reject", "Later the financial markets fell.", ""},
    /* a demonym of no state opens the span before a body word only */
    {"/kind/armed-group", "Later Chechen separatist military leader Aslan Maskhadov spoke.",
     "Chechen separatist military leader>Aslan Maskhadov"},
    {"/kind/armed-group/reject", "Later a Kurdish leader spoke.", ""},
    {"/kind/leader/possessive", "Police captured their leader John Smith.", "leader>John Smith"},
    {"/kind/leader/possessive/reject", "Later its chief agronomist spoke to their leaders.", ""},
    {"/holder/who-became-lower",
     "Later Joseph Bernardin, who became archbishop of Cincinnati, spoke.",
     "archbishop>Joseph Bernardin"},
    {"/holder/bracket", "We need (Air France chairman) Christian Blanc to agree.",
     "Air France chairman>Christian Blanc"},
    {"/holder/bracket/reject", "We need (Air France chairman) and Christian Blanc to agree.",
     "Air France chairman"},
    {"/holder/apposition-rank",
     "Later the commander-in-chief of the armed forces, Major-General Nikolai Sherbatov, spoke.",
     "commander-in-chief>Nikolai Sherbatov"},
    /* "the president": the one presidency the text names */
    {"/country/document", "Later the Russian president spoke. Then the president left.",
     "Russian president=office/ru-president|president=office/ru-president"},
    {"/country/document/reject",
     "Later the Russian president met the French president. Then the president left.",
     "Russian president=office/ru-president|French president=office/fr-president|"
     "president=office/president"},
};

static void run_case(gconstpointer data) {
    const Case *c = data;
    g_autofree char *got = offices(c->text, strchr(c->want, '=') != NULL);
    g_assert_cmpstr(got, ==, c->want);
}

/* A lexicon phrase too long for the stack room its words are joined in
 * (lexword_at): still found, by the GString it is joined in then. */
static void test_long_phrase(void) {
    g_autoptr(GString) word = g_string_new(NULL);
    while (word->len < 140)
        g_string_append(word, "quux");
    g_autofree char *lexicon = g_strdup_printf("# tagpipe-lexicon 1\n"
                                               "portfolio\tzeta %s\tcanonical=zeta\n",
                                               word->str);
    g_autofree char *path = tp_test_write_tmp("tp-lex-XXXXXX.tsv", lexicon, -1);
    TpKnowledge *own = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_knowledge_load_dir(own, SRCDIR "/gazetteers", &error));
    g_assert_true(tp_knowledge_load_file(own, path, &error));
    g_assert_true(tp_knowledge_load_cues(own, SRCDIR "/models/cues.tsv", &error));
    g_assert_no_error(error);
    g_unlink(path);
    TpKnowledge *shared = k;
    k = own;
    g_autofree char *text = g_strdup_printf("The Zeta %s Minister spoke.", word->str);
    g_autofree char *got = offices(text, FALSE);
    g_autofree char *want = g_strdup_printf("Zeta %s Minister", word->str);
    g_assert_cmpstr(got, ==, want);
    k = shared;
    tp_knowledge_free(own);
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    k = tp_knowledge_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_knowledge_load_dir(k, SRCDIR "/gazetteers", &error));
    g_assert_true(tp_knowledge_load_cues(k, SRCDIR "/models/cues.tsv", &error));
    g_assert_no_error(error);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        g_test_add_data_func(cases[i].path, &cases[i], run_case);
    g_test_add_func("/offices/long-phrase", test_long_phrase);
    int rc = g_test_run();
    tp_knowledge_free(k);
    return rc;
}
