/* SPDX-License-Identifier: MIT */
/* test_gazetteer.c: the gazetteer loader (good and bad files) and the trie matcher. */

#include "tp_gazetteer.h"
#include "tp_test.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write `contents` to a temporary file; returns its path (free with g_free). */
static char *write_tmp(const char *contents) {
    return tp_test_write_tmp("tp-gaz-XXXXXX.tsv", contents, -1);
}

#define HDR "# tagpipe-gazetteer 1\n"

static const char good[] =
    HDR "# people\n"
        "person\tperson/donald-trump\tDonald Trump\tTrump\tcountry=US;prior=0.9\n"
        "\n"
        "place\tplace/iso:US\tUnited States\t=US|=U.S.|America\tcountry=US\n"
        "place\tplace/geonames:1\tReading\t~Reading\tcountry=GB;population=1\n"
        "place\tplace/geonames:2\tSão Paulo\t-\tcountry=BR\n"
        "place\tplace/new-york\tNew York\t-\tcountry=US\n"
        "place\tplace/new-york-city\tNew York City\tNYC\tcountry=US\n"
        "person\tperson/recep-tayyip-erdogan\tRecep Tayyip Erdoğan\tErdoğan\tcountry=TR\n"
        "organization\torg/nato\tNorth Atlantic Treaty Organization\t=NATO|Nato\n"
        "organization\torg/who\tWorld Health Organization\t=WHO\n"
        "organization\torg/fed\tFederal Reserve\t~Federal Reserve\tcountry=US\n"
        "office\toffice/gb-defence-secretary\tSecretary of State for Defence\tDefence "
        "Secretary\tcountry=GB\n"
        "place\tplace/washington\tWashington\t-\tcountry=US;prior=0.7\n"
        "person\tperson/george-washington\tGeorge Washington\tWashington\tcountry=US;prior=0.2\n";

static TpGazetteer *load_good(void) {
    g_autofree char *path = write_tmp(good);
    TpGazetteer *gaz = tp_gazetteer_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_gazetteer_load(gaz, path, &error));
    g_assert_no_error(error);
    g_unlink(path);
    return gaz;
}

static void test_load_good(void) {
    TpGazetteer *gaz = load_good();
    g_autoptr(GString) d = g_string_new(NULL);
    tp_gazetteer_describe(gaz, d);
    g_assert_nonnull(strstr(d->str, "\tplace\t6 entries\t"));
    g_assert_nonnull(strstr(d->str, "total\tperson\t3 entries\t3 aliases"));
    g_assert_nonnull(strstr(d->str, "total\toffice\t1 entries\t1 aliases"));
    tp_gazetteer_free(gaz);
}

typedef struct {
    const char *name;
    const char *contents;
    int code;
} BadCase;

static const BadCase bad_cases[] = {
    {"no-header", "person\tperson/a\tA\t-\n", TP_ERROR_FORMAT},
    {"wrong-version", "# tagpipe-gazetteer 2\nperson\tperson/a\tA\t-\n", TP_ERROR_FORMAT},
    {"missing-column", HDR "person\tperson/a\tA\n", TP_ERROR_PARSE},
    {"extra-column", HDR "person\tperson/a\tA\t-\tcountry=US\textra\n", TP_ERROR_PARSE},
    {"unknown-type", HDR "thing\tthing/a\tA\t-\n", TP_ERROR_PARSE},
    {"bad-id", HDR "person\tno-slash\tA\t-\n", TP_ERROR_PARSE},
    {"id-with-space", HDR "person\tperson/a b\tA\t-\n", TP_ERROR_PARSE},
    {"empty-name", HDR "person\tperson/a\t \t-\n", TP_ERROR_PARSE},
    {"empty-alias", HDR "person\tperson/a\tA\tB||C\n", TP_ERROR_PARSE},
    {"double-flag", HDR "person\tperson/a\tA\t=~B\n", TP_ERROR_PARSE},
    {"bad-attribute", HDR "person\tperson/a\tA\t-\tcountry\n", TP_ERROR_PARSE},
    {"bad-country", HDR "person\tperson/a\tA\t-\tcountry=usa\n", TP_ERROR_PARSE},
    {"bad-prior", HDR "person\tperson/a\tA\t-\tprior=2\n", TP_ERROR_PARSE},
    {"duplicate-id", HDR "person\tperson/a\tA\t-\nplace\tperson/a\tB\t-\n", TP_ERROR_FORMAT},
    {"alias-no-word", HDR "person\tperson/a\tA\t...\n", TP_ERROR_PARSE},
    {"invalid-utf8", HDR "person\tperson/a\t\xff\t-\n", TP_ERROR_FORMAT},
    /* Found by fuzzing (tests/fuzz/corpus/gazetteer/crash-*): an office word or a
     * portfolio without its canonical form crashed the office index. */
    {"office-word-no-canonical", "# tagpipe-lexicon 1\noffice-word\tminister\n", TP_ERROR_FORMAT},
    {"portfolio-no-canonical", "# tagpipe-lexicon 1\nportfolio\tdefence\tcountry=GB\n",
     TP_ERROR_FORMAT},
};

static void test_load_bad(gconstpointer data) {
    const BadCase *c = data;
    g_autofree char *path = write_tmp(c->contents);
    TpGazetteer *gaz = tp_gazetteer_new();
    g_autoptr(GError) error = NULL;
    g_assert_false(tp_gazetteer_load(gaz, path, &error));
    g_assert_error(error, TP_ERROR, c->code);
    /* The message names the file (and the line, for line errors). */
    g_assert_true(g_str_has_prefix(error->message, path));
    /* Nothing of a refused file is kept. */
    g_autoptr(GString) d = g_string_new(NULL);
    tp_gazetteer_describe(gaz, d);
    g_assert_nonnull(strstr(d->str, "total\tperson\t0 entries"));
    tp_gazetteer_free(gaz);
    g_unlink(path);
}

static void test_load_missing(void) {
    TpGazetteer *gaz = tp_gazetteer_new();
    g_autoptr(GError) error = NULL;
    g_assert_false(tp_gazetteer_load(gaz, "/nonexistent/x.tsv", &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_IO);
    tp_gazetteer_free(gaz);
}

static void test_load_duplicate_across_files(void) {
    g_autofree char *a = write_tmp(HDR "person\tperson/a\tA\t-\n");
    g_autofree char *b = write_tmp(HDR "person\tperson/b\tB\t-\nplace\tperson/a\tC\t-\n");
    TpGazetteer *gaz = tp_gazetteer_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_gazetteer_load(gaz, a, &error));
    g_assert_false(tp_gazetteer_load(gaz, b, &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_FORMAT);
    g_assert_nonnull(strstr(error->message, ":3: duplicate id 'person/a'"));
    tp_gazetteer_free(gaz);
    g_unlink(a);
    g_unlink(b);
}

/* Matches in `text` after overlap resolution is not involved: every match,
 * as "surface=id" joined by '|'. */
static char *all_matches(TpGazetteer *gaz, const char *text) {
    TpTokens tt;
    tp_tokens_init(&tt);
    tp_tokenize(&tt, text, strlen(text));
    g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(TpGazMatch));
    g_autoptr(GString) shape = g_string_new(NULL);
    tp_gazetteer_match(gaz, text, &tt, shape, out);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < out->len; i++) {
        const TpGazMatch *m = &g_array_index(out, TpGazMatch, i);
        const TpGazEntry *e = tp_gazetteer_entry(gaz, tp_gazetteer_value(gaz, m->value)->entry);
        if (s->len)
            g_string_append_c(s, '|');
        guint32 a = tp_tok(&tt, m->first)->start, b = tp_tok(&tt, m->last)->end;
        g_string_append_printf(s, "%.*s=%s", (int)(b - a), text + a, tp_gazetteer_str(gaz, e->id));
    }
    tp_tokens_clear(&tt);
    return g_string_free(s, FALSE);
}

typedef struct {
    const char *text;
    const char *matches;
} MatchCase;

static const MatchCase match_cases[] = {
    /* longest and nested: both reported, resolution is the tagger's job */
    {"in New York City", "New York=place/new-york|New York City=place/new-york-city"},
    /* case evidence: exact-case acronyms */
    {"the US said", "US=place/iso:US"},
    {"give us peace", ""},
    {"the U.S. said", "U.S.=place/iso:US"},
    {"WHO warned", "WHO=org/who"},
    {"who warned", ""},
    {"Nato and NATO and nato", "Nato=org/nato|NATO=org/nato"},
    /* case evidence: a common word needs its capital, not at a sentence start */
    {"He lives in Reading now.", "Reading=place/geonames:1"},
    {"Reading is fun.", ""},
    {"I was reading it.", ""},
    {"LIVES IN READING", ""},
    /* a phrase of common words: at a sentence start when a later word is
     * capitalized as in the alias, never in lower case or all-caps copy */
    {"Federal Reserve governor Lawrence Lindsey said.", "Federal Reserve=org/fed"},
    {"He met Federal Reserve officials.", "Federal Reserve=org/fed"},
    {"Federal reserve rules apply.", ""},
    {"FEDERAL RESERVE MEETS", ""},
    /* case evidence: a capitalized name must be capitalized */
    {"new york is big", ""},
    {"america first", ""},
    /* offices match in any case */
    {"the defence secretary said", "defence secretary=office/gb-defence-secretary"},
    /* folding: diacritics and quotes meet */
    {"Erdogan spoke", "Erdogan=person/recep-tayyip-erdogan"},
    {"Sao Paulo and São Paulo", "Sao Paulo=place/geonames:2|São Paulo=place/geonames:2"},
    /* no match across a line break */
    {"New\nYork", ""},
    /* several entries on one alias are all reported */
    {"in Washington today", "Washington=place/washington|Washington=person/george-washington"},
};

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void test_match(gconstpointer data) {
    const MatchCase *c = data;
    TpGazetteer *gaz = load_good();
    g_autofree char *got = all_matches(gaz, c->text);
    /* Values of one node come newest first: compare sorted. */
    g_auto(GStrv) a = g_strsplit(got, "|", -1);
    g_auto(GStrv) b = g_strsplit(c->matches, "|", -1);
    qsort(a, g_strv_length(a), sizeof(char *), cmp_str);
    qsort(b, g_strv_length(b), sizeof(char *), cmp_str);
    g_autofree char *sorted_got = g_strjoinv("|", a);
    g_autofree char *sorted_want = g_strjoinv("|", b);
    g_assert_cmpstr(sorted_got, ==, sorted_want);
    tp_gazetteer_free(gaz);
}

static void test_lexicon(void) {
    g_autofree char *path = write_tmp("# tagpipe-lexicon 1\nhonorific\tMr\tgender=m\n"
                                      "demonym\tUkrainian\tcountry=UA\ngiven-name\tBill\t"
                                      "formal=William\n");
    TpGazetteer *gaz = tp_gazetteer_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_gazetteer_load(gaz, path, &error));
    g_assert_cmpuint(tp_gazetteer_lexicon(gaz, "mr"), ==, TP_LEX_HONORIFIC);
    g_assert_cmpuint(tp_gazetteer_lexicon(gaz, "ukrainian"), ==, TP_LEX_DEMONYM);
    g_assert_cmpuint(tp_gazetteer_lexicon(gaz, "trump"), ==, 0);
    tp_gazetteer_free(gaz);
    g_unlink(path);

    /* An attribute given twice (found by fuzz_gazetteer: the first copy
     * leaked, which the sanitizer build's leak check catches): the last holds. */
    g_autofree char *twice = write_tmp("# tagpipe-lexicon 1\ngiven-name\tBill\t"
                                       "formal=Bill;formal=William\n"
                                       "demonym\tKyivan\tcountry=RU;country=UA\n"
                                       "office-word\tPM\tcanonical=x;canonical=prime minister\n");
    gaz = tp_gazetteer_new();
    g_assert_true(tp_gazetteer_load(gaz, twice, &error));
    g_assert_no_error(error);
    const TpLexWord *bill = tp_gazetteer_lexword(gaz, "bill");
    g_assert_nonnull(bill);
    g_assert_cmpstr(tp_gazetteer_str(gaz, bill->formal), ==, "William");
    const TpLexWord *kyivan = tp_gazetteer_lexword(gaz, "kyivan");
    g_assert_nonnull(kyivan);
    g_assert_cmpstr(tp_gazetteer_str(gaz, kyivan->country), ==, "UA");
    tp_gazetteer_free(gaz);
    g_unlink(twice);

    g_autofree char *bad = write_tmp("# tagpipe-lexicon 1\nnoun\tMr\n");
    gaz = tp_gazetteer_new();
    g_clear_error(&error);
    g_assert_false(tp_gazetteer_load(gaz, bad, &error));
    g_assert_error(error, TP_ERROR, TP_ERROR_PARSE);
    tp_gazetteer_free(gaz);
    g_unlink(bad);
}

/* The trie's cost per token does not grow with its size: 200,000 aliases
 * load and the same text gives the same matches as with a handful. */
static void test_many_aliases(void) {
    g_autoptr(GString) big = g_string_new(HDR);
    for (guint i = 0; i < 200000; i++)
        g_string_append_printf(big, "place\tplace/x%u\tPlace%u Town\t-\n", i, i);
    g_string_append(big, "place\tplace/kyiv\tKyiv\t-\n");
    g_autofree char *path = write_tmp(big->str);
    TpGazetteer *gaz = tp_gazetteer_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_gazetteer_load(gaz, path, &error));
    g_autofree char *got = all_matches(gaz, "From Kyiv to Place123 Town and Place7");
    g_assert_cmpstr(got, ==, "Kyiv=place/kyiv|Place123 Town=place/x123");
    tp_gazetteer_free(gaz);
    g_unlink(path);
}

/* The function-word classes come from the lexicon (not from lists in the
 * code), and reach punctuation tokens ("&", "'s"), which no other class does. */
static void test_function_words(void) {
    TpGazetteer *gaz = tp_gazetteer_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(tp_gazetteer_load(gaz, SRCDIR "/gazetteers/lexicon/function-words.tsv", &error));
    g_assert_no_error(error);
    g_assert_true(tp_gazetteer_lexicon(gaz, "said") & TP_LEX_SPEECH_VERB);
    g_assert_true(tp_gazetteer_lexicon(gaz, "near") & TP_LEX_PLACE_PREP);
    g_assert_true(tp_gazetteer_lexicon(gaz, "beat") & TP_LEX_VERSUS);
    g_assert_true(tp_gazetteer_lexicon(gaz, "shareholders") & TP_LEX_ROLE);
    g_assert_true(tp_gazetteer_lexicon(gaz, "former") & TP_LEX_OFFICE_MODIFIER);
    g_assert_cmpuint(tp_gazetteer_lexicon(gaz, "kyiv"), ==, 0);
    TpTokens tt;
    tp_tokens_init(&tt);
    const char *text = "Procter & Gamble's board met Smith.";
    tp_tokenize(&tt, text, strlen(text));
    tp_gazetteer_lexicon_tokens(gaz, &tt, NULL);
    GString *classes = g_string_new(NULL);
    for (guint i = 0; i < tt.toks->len; i++)
        g_string_append_printf(classes, "%s:%s%s%s ", tp_tok_key(&tt, tp_tok(&tt, i)),
                               tp_tok_has(&tt, i, TP_LEX_CONNECTOR) ? "c" : "",
                               tp_tok_has(&tt, i, TP_LEX_ROLE) ? "r" : "",
                               tp_tok_has(&tt, i, TP_LEX_OFFICE_MODIFIER) ? "m" : "");
    g_assert_cmpstr(classes->str, ==, "procter: &:c gamble: 's:cm board:r met: smith: .: ");
    g_string_free(classes, TRUE);
    tp_tokens_clear(&tt);
    tp_gazetteer_free(gaz);
}

/* Through the word cache, every token gets what the word table gives it:
 * words met again (answered by the cache), keys longer than an entry
 * holds, keys cut at a NUL, and keys that share an entry and push each
 * other out. */
static void test_word_cache(void) {
    TpGazetteer *gaz = tp_gazetteer_new();
    g_autoptr(GError) error = NULL;
    static const char *const files[] = {"lexicon/function-words.tsv", "lexicon/common-words.tsv",
                                        "lexicon/given-names.tsv",    "places-countries.tsv",
                                        "places-cities.tsv",          "orgs-curated.tsv",
                                        "people-curated.tsv"};
    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *path = g_build_filename(SRCDIR, "gazetteers", files[i], NULL);
        g_assert_true(tp_gazetteer_load(gaz, path, &error));
        g_assert_no_error(error);
    }
    TpWordCache *cache = tp_word_cache_new();
    TpTokens plain, cached;
    tp_tokens_init(&plain);
    tp_tokens_init(&cached);
    g_autoptr(GString) text = g_string_new(NULL);
    g_autoptr(GRand) rng = g_rand_new_with_seed(3);
    GArray *m_plain = g_array_new(FALSE, FALSE, sizeof(TpGazMatch));
    GArray *m_cached = g_array_new(FALSE, FALSE, sizeof(TpGazMatch));
    GString *shape = g_string_new(NULL);
    guint n_matches = 0;
    static const char *const words[] = {"the",
                                        "Prime",
                                        "Minister",
                                        "of",
                                        "Kyiv",
                                        "NATO",
                                        "said",
                                        "&",
                                        "'s",
                                        "Smith",
                                        "met",
                                        "U.S.",
                                        "in",
                                        "Paris",
                                        "Bank",
                                        "supercalifragilisticexpialidocious",
                                        "internationalization",
                                        "Erdoğan",
                                        "é",
                                        "zzqx",
                                        ",",
                                        "."};
    for (int round = 0; round < 200; round++) {
        g_string_truncate(text, 0);
        int n = g_rand_int_range(rng, 1, 400);
        for (int i = 0; i < n; i++) {
            g_string_append(text, words[g_rand_int_range(rng, 0, (gint32)G_N_ELEMENTS(words))]);
            /* Random words too, so that entries are taken over. */
            if (g_rand_int_range(rng, 0, 4) == 0)
                g_string_append_printf(text, "%u", g_rand_int(rng) % 100000);
            if (g_rand_int_range(rng, 0, 50) == 0)
                g_string_append_c(text, '\0');
            g_string_append_c(text, ' ');
        }
        tp_tokenize(&plain, text->str, text->len);
        tp_tokenize(&cached, text->str, text->len);
        tp_gazetteer_lexicon_tokens(gaz, &plain, NULL);
        tp_gazetteer_lexicon_tokens(gaz, &cached, cache);
        g_assert_cmpuint(plain.toks->len, ==, cached.toks->len);
        for (guint i = 0; i < plain.toks->len; i++) {
            g_assert_cmphex(tp_tok(&plain, i)->lex, ==, tp_tok(&cached, i)->lex);
            g_assert_cmpuint(tp_tok(&plain, i)->gaz_id, ==, tp_tok(&cached, i)->gaz_id);
            g_assert_cmpuint(tp_tok(&plain, i)->gaz_root, ==, tp_tok(&cached, i)->gaz_root);
            guint32 id = tp_tok(&plain, i)->gaz_id;
            g_assert_cmpuint(tp_tok(&plain, i)->gaz_root, ==,
                             id == G_MAXUINT32 ? 0 : tp_gazetteer_child(gaz, 0, id));
        }
        /* The trie's walk from the tokens' interned first steps finds what
         * it finds from their keys alone. */
        TpTokens raw;
        tp_tokens_init(&raw);
        tp_tokenize(&raw, text->str, text->len);
        g_array_set_size(m_plain, 0);
        g_array_set_size(m_cached, 0);
        tp_gazetteer_match(gaz, text->str, &raw, shape, m_plain);
        tp_gazetteer_match(gaz, text->str, &cached, shape, m_cached);
        g_assert_cmpuint(m_plain->len, ==, m_cached->len);
        g_assert_true(memcmp(m_plain->data, m_cached->data, m_plain->len * sizeof(TpGazMatch)) ==
                      0);
        n_matches += m_plain->len;
        tp_tokens_clear(&raw);
    }
    g_assert_cmpuint(n_matches, >, 1000);
    g_array_free(m_plain, TRUE);
    g_array_free(m_cached, TRUE);
    g_string_free(shape, TRUE);
    guint64 hits = 0, misses = 0;
    tp_word_cache_stats(cache, &hits, &misses);
    g_assert_cmpuint(hits, >, misses / 2);
    g_assert_cmpuint(misses, >, 1000);
    tp_tokens_clear(&plain);
    tp_tokens_clear(&cached);
    tp_word_cache_free(cache);
    tp_gazetteer_free(gaz);
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gazetteer/load/good", test_load_good);
    g_test_add_func("/gazetteer/function-words", test_function_words);
    for (guint i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        g_autofree char *path = g_strdup_printf("/gazetteer/load/%s", bad_cases[i].name);
        g_test_add_data_func(path, &bad_cases[i], test_load_bad);
    }
    g_test_add_func("/gazetteer/load/missing-file", test_load_missing);
    g_test_add_func("/gazetteer/load/duplicate-across-files", test_load_duplicate_across_files);
    for (guint i = 0; i < G_N_ELEMENTS(match_cases); i++) {
        g_autofree char *path = g_strdup_printf("/gazetteer/match/%u", i);
        g_test_add_data_func(path, &match_cases[i], test_match);
    }
    g_test_add_func("/gazetteer/lexicon", test_lexicon);
    g_test_add_func("/gazetteer/many-aliases", test_many_aliases);
    g_test_add_func("/gazetteer/word-cache", test_word_cache);
    return g_test_run();
}
