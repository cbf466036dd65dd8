/* SPDX-License-Identifier: MIT */
/* tp_candidates.c: candidate spans for names, their features, the fitted model that scores them
 * and the one resolution that keeps the best non-overlapping set. */

#include "tp_inline.h"
#include "tp_sort.h"
#include "tp_candidates.h"
#include "tp_image.h"
#include "tp_tunables.h"

#include <math.h>
#include <string.h>

static const TpEntityType class_types[TP_CLASS_N] = {TP_ENTITY_N_TYPES, TP_ENTITY_PERSON,
                                                     TP_ENTITY_PLACE, TP_ENTITY_ORGANIZATION};
static const char *const class_names[TP_CLASS_N] = {"none", "person", "place", "organization"};

TpEntityType tp_class_type(TpClass cls) {
    return class_types[cls];
}

const char *tp_class_name(TpClass cls) {
    return class_names[cls];
}

static TpClass type_class(TpEntityType type) {
    switch (type) {
    case TP_ENTITY_PERSON: return TP_CLASS_PERSON;
    case TP_ENTITY_PLACE: return TP_CLASS_PLACE;
    case TP_ENTITY_ORGANIZATION: return TP_CLASS_ORGANIZATION;
    default: return TP_CLASS_NONE;
    }
}

/* ---- words and their classes ---- */

static const char *key(const TpTokens *tt, guint i) {
    return tp_tok_key(tt, tp_tok(tt, i));
}

/* The closed list of function words that context features may name: articles,
 * prepositions, conjunctions, pronouns and the verbs of results and speech.
 * Any other context word appears only as its lexicon class or shape. */
static const char *const function_words[] = {
    "the",    "a",        "an",        "in",         "at",         "from",      "to",
    "of",     "by",       "for",       "with",       "on",         "and",       "or",
    "but",    "as",       "after",     "before",     "against",    "near",      "into",
    "over",   "under",    "between",   "v",          "vs",         "versus",    "beat",
    "beats",  "defeated", "drew",      "lost",       "won",        "said",      "says",
    "told",   "added",    "is",        "was",        "are",        "were",      "has",
    "had",    "will",     "would",     "who",        "which",      "that",      "he",
    "she",    "it",       "they",      "his",        "her",        "its",       "their",
    "'s",     "based",    "across",    "outside",    "throughout", "via",       "around",
    "north",  "south",    "east",      "west",       "capital",    "city",      "province",
    "state",  "region",   "leader",    "party",      "club",       "team",      "company",
    "coach",  "striker",  "minister",  "president",  "chairman",   "spokesman", "spokeswoman",
    "chief",  "head",     "officials", "government", "forces",     "army",      "troops",
    "police", "people",   "born",      "visit",      "visited",    "met",       "meet",
    "join",   "joined",   "play",      "played",     NULL};
/* The tagger's `versus` lexicon class and "drew": the words between a
 * match's sides that the model's features were fitted with. */
static const char *const versus[] = {"v",     "vs",       "versus", "beat",
                                     "beats", "defeated", "drew",   NULL};

/* What the word lists above (and a few single keys) say of a token, as bits. */
enum {
    W_FUNCTION = 1 << 0,  /* function_words */
    W_SPEECH = 1 << 1,    /* lexicon class speech-verb */
    W_VERSUS = 1 << 2,    /* versus */
    W_PLACE = 1 << 3,     /* lexicon class place-preposition (tp_is_place_preposition) */
    W_CONNECTOR = 1 << 4, /* lexicon class connector */
    W_HYPHEN = 1 << 5,    /* "-" */
    W_POSS = 1 << 6,      /* "'s" */
    W_COMMA = 1 << 7,     /* "," */
    W_LPAREN = 1 << 8,    /* "(" */
    W_RPAREN = 1 << 9,    /* ")" */
    W_BASED = 1 << 10,    /* "based" */
    W_PERCENT = 1 << 11,  /* "%" */
    W_DOT = 1 << 12,      /* "." */
    W_AND = 1 << 13,      /* "and", "&" */
    W_OF = 1 << 14,       /* "of", "for" */
    W_THE = 1 << 15,      /* "the" */
};
/* Above the bits, the word's number in WordLists.words plus one (0: none):
 * what names a function word in a feature's key. */
#define W_NUM_SHIFT 24

/* Every word of the lists, with its bits (by its number in `words`), built
 * once, and the longest word. */
typedef struct {
    TpStrSet words;
    GArray *bits; /* guint32 */
    gsize max_len;
} WordLists;

static void add_words(WordLists *wl, const char *const *words, guint32 bit) {
    for (guint i = 0; words[i]; i++) {
        gsize len = strlen(words[i]);
        guint32 num = tp_strset_add(&wl->words, words[i], len, NULL);
        if (num >= wl->bits->len)
            g_array_set_size(wl->bits, num + 1);
        g_array_index(wl->bits, guint32, num) |= bit;
        wl->max_len = MAX(wl->max_len, len);
    }
}

static const WordLists *word_lists(void) {
    static gsize once = 0;
    static WordLists wl;
    if (g_once_init_enter(&once)) {
        tp_strset_init(&wl.words);
        wl.bits = g_array_new(FALSE, TRUE, sizeof(guint32));
        add_words(&wl, function_words, W_FUNCTION);
        add_words(&wl, versus, W_VERSUS);
        static const struct {
            const char *word;
            guint32 bit;
        } singles[] = {{"-", W_HYPHEN}, {"'s", W_POSS},     {",", W_COMMA},   {"(", W_LPAREN},
                       {")", W_RPAREN}, {"based", W_BASED}, {"%", W_PERCENT}, {".", W_DOT},
                       {"and", W_AND},  {"&", W_AND},       {"of", W_OF},     {"for", W_OF},
                       {"the", W_THE}};
        for (guint i = 0; i < G_N_ELEMENTS(singles); i++)
            add_words(&wl, (const char *const[]){singles[i].word, NULL}, singles[i].bit);
        g_assert(wl.bits->len < (1u << (32 - W_NUM_SHIFT)) - 1);
        g_once_init_leave(&once, 1);
    }
    return &wl;
}

/* The class of a context token is named by a number (for the features'
 * keys, see "the memo" below): CTX_* for a class, CTX_WORD plus its number
 * for a function word, CTX_SHORT with the bytes and length of a short
 * punctuation key; below 1 << CTX_BITS. Its string: ctx_part(). */
enum {
    CTX_BOUND = 1,
    CTX_PUNCT,
    CTX_DIG2,
    CTX_DIG4,
    CTX_DIGN,
    CTX_HON,
    CTX_OFFICE,
    CTX_TITLE,
    CTX_SPEECH,
    CTX_DEMONYM,
    CTX_SENT_COMMON,
    CTX_ORGHEAD,
    CTX_GIVEN,
    CTX_CAPS,
    CTX_CAP,
    CTX_STOP,
    CTX_COMMON,
    CTX_LOW,
    CTX_N,
    CTX_WORD = 32,
    CTX_SHORT = 1 << 26,
};
#define CTX_BITS 27

static const char *const ctx_names[CTX_N] = {
    [CTX_BOUND] = "BOUND",
    [CTX_PUNCT] = "PUNCT",
    [CTX_DIG2] = "DIG2",
    [CTX_DIG4] = "DIG4",
    [CTX_DIGN] = "DIGN",
    [CTX_HON] = "HON",
    [CTX_OFFICE] = "OFFICE",
    [CTX_TITLE] = "TITLE",
    [CTX_SPEECH] = "SPEECH",
    [CTX_DEMONYM] = "DEMONYM",
    [CTX_SENT_COMMON] = "SentCommon",
    [CTX_ORGHEAD] = "ORGHEAD",
    [CTX_GIVEN] = "GIVEN",
    [CTX_CAPS] = "CAPS",
    [CTX_CAP] = "Cap",
    [CTX_STOP] = "stop",
    [CTX_COMMON] = "common",
    [CTX_LOW] = "low",
};

static guint32 ctx_class_id(const TpCandContext *cx, guint i) {
    const TpTokens *tt = cx->tt;
    const TpToken *t = tp_tok(tt, i);
    guint32 kind = cx->words[i];
    if (kind & W_FUNCTION)
        return CTX_WORD + (kind >> W_NUM_SHIFT) - 1;
    if (!(t->flags & TP_TOK_WORD)) {
        /* Up to a NUL: a text's "\u0000" is in its keys. */
        const guchar *k = (const guchar *)key(tt, i);
        gsize len = strlen((const char *)k);
        if (len <= 3) {
            guint32 id = CTX_SHORT | ((guint32)len << 24);
            for (gsize j = 0; j < len; j++)
                id |= (guint32)k[j] << (8 * j);
            return id;
        }
        return CTX_PUNCT;
    }
    if (t->flags & TP_TOK_DIGIT) {
        gsize len = t->end - t->start;
        return len <= 2 ? CTX_DIG2 : len <= 4 ? CTX_DIG4 : CTX_DIGN;
    }
    guint32 l = t->lex;
    if (l & TP_LEX_HONORIFIC)
        return CTX_HON;
    if (cx->off_taken[i])
        return CTX_OFFICE;
    if (l & TP_LEX_TITLE)
        return CTX_TITLE;
    if (kind & W_SPEECH)
        return CTX_SPEECH;
    if (l & TP_LEX_DEMONYM)
        return CTX_DEMONYM;
    if (tp_tok_is_cap_word(t)) {
        /* "Later", "On" opening a sentence: an ordinary word, capitalized. */
        if ((t->flags & TP_TOK_SENT) && (l & (TP_LEX_COMMON | TP_LEX_STOPWORD)))
            return CTX_SENT_COMMON;
        if (l & (TP_LEX_ORG_HEAD | TP_LEX_ORG_SUFFIX))
            return CTX_ORGHEAD;
        if (l & TP_LEX_GIVEN_NAME)
            return CTX_GIVEN;
        return (t->flags & TP_TOK_ALLCAPS) ? CTX_CAPS : CTX_CAP;
    }
    if (l & TP_LEX_STOPWORD)
        return CTX_STOP;
    if (l & TP_LEX_COMMON)
        return CTX_COMMON;
    return CTX_LOW;
}

/* ---- candidates ---- */

static const TpGazEntry *value_entry(const TpGazetteer *gaz, guint32 value) {
    return tp_gazetteer_canonical(gaz,
                                  tp_gazetteer_entry(gaz, tp_gazetteer_value(gaz, value)->entry));
}

static int cmp_span(guint32 first_a, guint32 last_a, guint32 first_b, guint32 last_b) {
    if (first_a != first_b)
        return first_a < first_b ? -1 : 1;
    return last_a < last_b ? -1 : (last_a > last_b);
}

static int cmp_cand(gconstpointer a, gconstpointer b) {
    const TpCand *x = a, *y = b;
    return cmp_span(x->first, x->last, y->first, y->last);
}

/* Candidates arrive in (first, last) order, so that one span met twice (a
 * gazetteer reading that is also a capitalized run) is the last one kept:
 * its origins are joined. Sorting them afterwards was 5% of a run's
 * instructions (g_array_sort over 112-byte structs); both sources are
 * already in order, so they are merged as they are made. */
static void add_span(GArray *out, guint first, guint last, guint32 origin) {
    if (out->len > 0) {
        TpCand *prev = &g_array_index(out, TpCand, out->len - 1);
        g_assert(cmp_span(prev->first, prev->last, first, last) <= 0);
        if (prev->first == first && prev->last == last) {
            prev->origin |= origin;
            return;
        }
    }
    g_array_set_size(out, out->len + 1);
    TpCand *c = &g_array_index(out, TpCand, out->len - 1);
    *c = (TpCand){.first = first, .last = last, .origin = origin};
    for (int k = 0; k < TP_CLASS_N; k++)
        c->value[k] = TP_CAND_NO_VALUE;
}

/* A span out of order (a byline): put where it belongs, or joined with its equal. */
static void insert_span(GArray *out, guint first, guint last, guint32 origin) {
    guint lo = 0, hi = out->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        const TpCand *m = &g_array_index(out, TpCand, mid);
        if (cmp_span(m->first, m->last, first, last) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < out->len) {
        TpCand *at = &g_array_index(out, TpCand, lo);
        if (at->first == first && at->last == last) {
            at->origin |= origin;
            return;
        }
    }
    TpCand c = {.first = first, .last = last, .origin = origin};
    for (int k = 0; k < TP_CLASS_N; k++)
        c.value[k] = TP_CAND_NO_VALUE;
    g_array_insert_val(out, lo, c);
}

/* The gazetteer readings (offices aside) from `*m` on that come before the
 * span (first, last), or all that are left when `last` is G_MAXUINT32. */
static void add_gaz_spans_before(const TpCandContext *cx, guint *m, guint32 first, guint32 last,
                                 GArray *out) {
    const GArray *ms = cx->matches->matches;
    for (; *m < ms->len; (*m)++) {
        const TpGazMatch *gm = &g_array_index(ms, TpGazMatch, *m);
        if (cmp_span(gm->first, gm->last, first, last) > 0)
            break;
        if (type_class(value_entry(cx->k->gaz, gm->value)->type) != TP_CLASS_NONE)
            add_span(out, gm->first, gm->last, TP_CAND_GAZETTEER);
    }
}

/* The longest span a capitalized run's sub-span may have, in tokens. */
#define MAX_SPAN_TOKENS 8

void tp_cands_build(const TpCandContext *cx, const GArray *bylines, GArray *out) {
    const TpTokens *tt = cx->tt;
    const TpGazetteer *gaz = cx->k->gaz;
    guint n = tt->toks->len;
    g_array_set_size(out, 0);
    /* 1. Gazetteer readings, offices aside (matches are ordered by first
     * token, then last), merged with 2. the spans of capitalized runs:
     * connectors (TP_LEX_CONNECTOR) and glued hyphens inside, not across a
     * line break or an office word. */
    const GArray *ms = cx->matches->matches;
    guint gm_next = 0;
    guint i = 0;
    while (i < n) {
        if (!tp_tok_is_cap_word(tp_tok(tt, i)) || cx->off_taken[i]) {
            i++;
            continue;
        }
        guint j = i;
        for (;;) {
            guint nx = j + 1;
            if (nx >= n || (tp_tok(tt, nx)->flags & TP_TOK_NL) || cx->off_taken[nx] || j - i >= 12)
                break;
            if (tp_tok_is_cap_word(tp_tok(tt, nx))) {
                j = nx;
                continue;
            }
            gboolean glued_hyphen = (cx->words[nx] & W_HYPHEN) &&
                                    !(tp_tok(tt, nx)->flags & TP_TOK_SPACE) && nx + 1 < n &&
                                    !(tp_tok(tt, nx + 1)->flags & TP_TOK_SPACE);
            guint after = nx + 1;
            if (strcmp(key(tt, nx), "of") == 0 && after < n && (cx->words[after] & W_THE))
                after++;
            if ((glued_hyphen || (cx->words[nx] & W_CONNECTOR)) && after < n &&
                tp_tok_is_cap_word(tp_tok(tt, after)) && !cx->off_taken[after] &&
                !(tp_tok(tt, after)->flags & TP_TOK_NL)) {
                j = after;
                continue;
            }
            break;
        }
        for (guint a = i; a <= j; a++) {
            if (!tp_tok_is_cap_word(tp_tok(tt, a)))
                continue;
            for (guint b = a; b <= j && b - a < MAX_SPAN_TOKENS; b++) {
                if (tp_tok_is_cap_word(tp_tok(tt, b))) {
                    add_gaz_spans_before(cx, &gm_next, a, b, out);
                    add_span(out, a, b, TP_CAND_RUN);
                }
            }
        }
        i = j + 1;
    }
    add_gaz_spans_before(cx, &gm_next, G_MAXUINT32, G_MAXUINT32, out);
    /* 3. Bylines, where they belong. */
    for (guint h = 0; bylines && h < bylines->len; h++) {
        const TpHeuristic *bh = &g_array_index(bylines, TpHeuristic, h);
        if (bh->byline)
            insert_span(out, bh->first, bh->last, TP_CAND_BYLINE);
    }
    for (guint k = 0; k < out->len; k++) {
        TpCand *x = &g_array_index(out, TpCand, k);
        guint nf = x->first;
        if (nf < x->last && (tp_tok(tt, nf)->lex & TP_LEX_HONORIFIC)) {
            nf++;
            if (nf < x->last && (cx->words[nf] & W_DOT))
                nf++;
        }
        x->name_first = nf;
    }
    /* "Mr Trump" has the readings of "Trump" (after the readings, below). */
    /* The readings: matches and candidates are both ordered by (first, last). */
    guint c = 0;
    for (guint m = 0; m < ms->len; m++) {
        const TpGazMatch *gm = &g_array_index(ms, TpGazMatch, m);
        const TpGazEntry *e = value_entry(gaz, gm->value);
        TpClass cls = type_class(e->type);
        if (cls == TP_CLASS_NONE)
            continue;
        while (c < out->len && cmp_cand(&g_array_index(out, TpCand, c),
                                        &(TpCand){.first = gm->first, .last = gm->last}) < 0)
            c++;
        g_assert(c < out->len);
        TpCand *x = &g_array_index(out, TpCand, c);
        const TpGazValue *v = tp_gazetteer_value(gaz, gm->value);
        double w = e->prior + ((v->flags & TP_ALIAS_EXACT) ? TP_TUNE_EXACT_CASE_BONUS : 0.0);
        if (x->value[cls] == TP_CAND_NO_VALUE || w > x->prior[cls] + 1e-9) {
            x->value[cls] = gm->value;
            x->prior[cls] = w;
        }
    }
    for (guint k = 0; k < out->len; k++) {
        TpCand *x = &g_array_index(out, TpCand, k);
        if (x->name_first == x->first)
            continue;
        for (guint j = k + 1; j < out->len; j++) {
            const TpCand *y = &g_array_index(out, TpCand, j);
            if (y->first > x->name_first)
                break;
            if (y->first == x->name_first && y->last == x->last) {
                for (int cls = 1; cls < TP_CLASS_N; cls++) {
                    if (x->value[cls] == TP_CAND_NO_VALUE) {
                        x->value[cls] = y->value[cls];
                        x->prior[cls] = y->prior[cls];
                    }
                }
                break;
            }
        }
    }
}

/* ---- the document ---- */

/* Context cues of one occurrence, shared with the name's other occurrences. */
enum { DOC_HONORIFIC, DOC_PLACE_PREP, DOC_SPEECH, DOC_RESULT, DOC_POSSESSIVE, DOC_N };
static const char *const doc_cue_names[DOC_N] = {"honorific", "place-prep", "speech", "result",
                                                 "possessive"};

typedef struct {
    guint n;
    guint with[DOC_N];
} DocSurface;

struct TpCandDoc {
    TpStrSet surfaces;  /* folded surfaces, numbered as their DocSurface in `store` */
    GArray *store;      /* DocSurface: one allocation for the text's, not one each */
    GArray *cue_bits;   /* guint32 per candidate */
    GArray *surface_of; /* guint per candidate: its surface's index in `store` */
    GString *scratch;
    TpStrSet longer;      /* last words of longer names, numbered as their DocLonger in
                           * `longer_store` */
    GArray *longer_store; /* DocLonger */
    GHashTable *acronyms; /* acronyms defined in brackets (keys: the text's tokens) */
    GArray *words;        /* guint32 per token: W_* bits (tp_cand_words) */
};

/* Where the document's longer names ending in a word end first. */
typedef struct {
    guint32 min_last;        /* of any such candidate */
    guint32 min_person_last; /* of one with a given name first or a person reading */
} DocLonger;

TpCandDoc *tp_cand_doc_new(void) {
    TpCandDoc *d = g_new0(TpCandDoc, 1);
    tp_strset_init(&d->surfaces);
    d->store = g_array_new(FALSE, FALSE, sizeof(DocSurface));
    d->cue_bits = g_array_new(FALSE, FALSE, sizeof(guint32));
    d->surface_of = g_array_new(FALSE, FALSE, sizeof(guint));
    d->scratch = g_string_new(NULL);
    tp_strset_init(&d->longer);
    d->longer_store = g_array_new(FALSE, FALSE, sizeof(DocLonger));
    d->acronyms = g_hash_table_new(g_str_hash, g_str_equal);
    d->words = g_array_new(FALSE, FALSE, sizeof(guint32));
    return d;
}

void tp_cand_doc_free(TpCandDoc *doc) {
    if (doc == NULL)
        return;
    tp_strset_clear(&doc->surfaces);
    g_array_free(doc->store, TRUE);
    g_array_free(doc->cue_bits, TRUE);
    g_array_free(doc->surface_of, TRUE);
    g_string_free(doc->scratch, TRUE);
    tp_strset_clear(&doc->longer);
    g_array_free(doc->longer_store, TRUE);
    g_hash_table_destroy(doc->acronyms);
    g_array_free(doc->words, TRUE);
    g_free(doc);
}

/* The word-list bits of every token, one lookup each: candidates, their
 * features and the document's cues ask these of the same tokens many times
 * (each once a strcmp down a list). */
const guint32 *tp_cand_words(TpCandDoc *doc, const TpTokens *tt) {
    const WordLists *wl = word_lists();
    guint n = tt->toks->len;
    g_array_set_size(doc->words, n);
    guint32 *w = (guint32 *)(void *)doc->words->data;
    for (guint i = 0; i < n; i++) {
        const TpToken *t = tp_tok(tt, i);
        guint32 num = t->key_len <= wl->max_len
                          ? tp_strset_find(&wl->words, tp_tok_key(tt, t), t->key_len)
                          : TP_STRSET_NONE;
        w[i] = num != TP_STRSET_NONE
                   ? g_array_index(wl->bits, guint32, num) | ((num + 1) << W_NUM_SHIFT)
                   : 0;
        /* The lexicon's function-word classes (lexicon/function-words.tsv). */
        w[i] |= ((t->lex & TP_LEX_SPEECH_VERB) ? W_SPEECH : 0) |
                ((t->lex & TP_LEX_PLACE_PREP) ? W_PLACE : 0) |
                ((t->lex & TP_LEX_CONNECTOR) ? W_CONNECTOR : 0);
    }
    return w;
}

/* A score after the span: "Chicago 5", not "Chicago 5 %". */
static gboolean score_after(const TpCandContext *cx, guint b) {
    const TpTokens *tt = cx->tt;
    guint n = tt->toks->len;
    if (b + 1 >= n)
        return FALSE;
    const TpToken *nx = tp_tok(tt, b + 1);
    return (nx->flags & TP_TOK_DIGIT) && !(nx->flags & TP_TOK_NL) && nx->end - nx->start <= 3 &&
           !(b + 2 < n &&
             ((cx->words[b + 2] & W_PERCENT) || (tp_tok(tt, b + 2)->flags & TP_TOK_LOWER)));
}

/* One side of a result "X N Y N" on one line, each name capitalized: 1 for
 * the first side, 2 for the second, 0 for neither. The pattern, not the
 * bigrams around a side, says "two teams and their scores". */
static guint score_row_side(const TpCandContext *cx, guint a, guint b) {
    const TpTokens *tt = cx->tt;
    guint n = tt->toks->len;
    if (!score_after(cx, b))
        return 0;
    if (a > 1 && (tp_tok(tt, a - 1)->flags & TP_TOK_DIGIT) && !(tp_tok(tt, a)->flags & TP_TOK_NL) &&
        !(tp_tok(tt, a - 1)->flags & TP_TOK_NL) &&
        (tp_tok(tt, a - 2)->flags & (TP_TOK_CAP | TP_TOK_ALLCAPS)))
        return 2;
    /* the other name starts after the score and ends, within four words, at one */
    if (b + 2 >= n || !(tp_tok(tt, b + 2)->flags & (TP_TOK_CAP | TP_TOK_ALLCAPS)) ||
        (tp_tok(tt, b + 2)->flags & TP_TOK_NL))
        return 0;
    for (guint j = b + 2; j < n && j <= b + 5; j++) {
        const TpToken *t = tp_tok(tt, j);
        if (j > b + 2 && (t->flags & TP_TOK_NL))
            return 0;
        if (score_after(cx, j))
            return 1;
        if (!(t->flags & (TP_TOK_CAP | TP_TOK_ALLCAPS)))
            return 0;
    }
    return 0;
}

static guint32 occurrence_cues(const TpCandContext *cx, const TpCand *c) {
    const TpTokens *tt = cx->tt;
    guint n = tt->toks->len;
    guint32 bits = 0;
    guint a = c->first, b = c->last;
    if (a > 0 && !(tp_tok(tt, a)->flags & TP_TOK_NL)) {
        guint p = a - 1;
        if (p > 0 && (cx->words[p] & W_DOT))
            p--;
        if (tp_tok(tt, p)->lex & TP_LEX_HONORIFIC)
            bits |= 1u << DOC_HONORIFIC;
        if (cx->words[a - 1] & W_PLACE)
            bits |= 1u << DOC_PLACE_PREP;
        if (cx->words[a - 1] & W_VERSUS)
            bits |= 1u << DOC_RESULT;
    }
    if (b + 1 < n && !(tp_tok(tt, b + 1)->flags & TP_TOK_NL)) {
        if (cx->words[b + 1] & W_SPEECH)
            bits |= 1u << DOC_SPEECH;
        if ((cx->words[b + 1] & W_VERSUS) || score_after(cx, b))
            bits |= 1u << DOC_RESULT;
        if (cx->words[b + 1] & W_POSS)
            bits |= 1u << DOC_POSSESSIVE;
    }
    return bits;
}

/* The keys of the candidate's tokens, joined by spaces, in doc->scratch. */
static void surface_key(TpCandDoc *doc, const TpTokens *tt, const TpCand *c) {
    gsize len = c->last - c->first;
    for (guint i = c->first; i <= c->last; i++)
        len += tp_tok(tt, i)->key_len;
    g_string_set_size(doc->scratch, len);
    char *p = doc->scratch->str;
    for (guint i = c->first; i <= c->last; i++) {
        const TpToken *t = tp_tok(tt, i);
        if (i > c->first)
            *p++ = ' ';
        memcpy(p, tp_tok_key(tt, t), t->key_len);
        p += t->key_len;
    }
}

/* The initials of the capitalized words of [a, b] spell `acr` (folded)? */
static gboolean initials_match(const TpTokens *tt, guint a, guint b, const char *acr);

void tp_cand_doc_prepare(TpCandDoc *doc, const TpCandContext *cx, const GArray *cands) {
    const TpTokens *tt = cx->tt;
    guint n = tt->toks->len;
    tp_strset_reset(&doc->longer, cands->len);
    g_array_set_size(doc->longer_store, 0);
    g_hash_table_remove_all(doc->acronyms);
    for (guint i = 0; i < cands->len; i++) {
        const TpCand *d = &g_array_index(cands, TpCand, i);
        if (d->last == d->first || !(d->origin & (TP_CAND_RUN | TP_CAND_GAZETTEER)))
            continue;
        const TpToken *tl = tp_tok(tt, d->last);
        gboolean added;
        guint li = tp_strset_add(&doc->longer, tp_tok_key(tt, tl), tl->key_len, &added);
        if (added) {
            DocLonger none = {G_MAXUINT32, G_MAXUINT32};
            g_array_append_val(doc->longer_store, none);
        }
        DocLonger *l = &g_array_index(doc->longer_store, DocLonger, li);
        l->min_last = MIN(l->min_last, d->last);
        if ((tp_tok(tt, d->first)->lex & TP_LEX_GIVEN_NAME) ||
            d->value[TP_CLASS_PERSON] != TP_CAND_NO_VALUE)
            l->min_person_last = MIN(l->min_person_last, d->last);
    }
    /* "... Harbour Board (KHB)": the initials of the words before spell it. */
    for (guint j = 2; j + 1 < n; j++) {
        if (!(tp_tok(tt, j)->flags & TP_TOK_ALLCAPS) || !(cx->words[j - 1] & W_LPAREN) ||
            !(cx->words[j + 1] & W_RPAREN))
            continue;
        gboolean found = FALSE;
        for (guint st = j >= 10 ? j - 10 : 0; st + 1 < j && !found; st++)
            found = initials_match(tt, st, j - 2, key(tt, j));
        if (found)
            g_hash_table_add(doc->acronyms, (gpointer)key(tt, j));
    }
    tp_strset_reset(&doc->surfaces, cands->len);
    g_array_set_size(doc->store, 0);
    g_array_set_size(doc->cue_bits, cands->len);
    g_array_set_size(doc->surface_of, cands->len);
    for (guint i = 0; i < cands->len; i++) {
        const TpCand *c = &g_array_index(cands, TpCand, i);
        guint32 bits = occurrence_cues(cx, c);
        surface_key(doc, cx->tt, c);
        gboolean added;
        guint si = tp_strset_add(&doc->surfaces, doc->scratch->str, doc->scratch->len, &added);
        if (added) {
            DocSurface none = {0};
            g_array_append_val(doc->store, none);
        }
        DocSurface *s = &g_array_index(doc->store, DocSurface, si);
        s->n++;
        for (int k = 0; k < DOC_N; k++)
            s->with[k] += (bits >> k) & 1;
        g_array_index(doc->cue_bits, guint32, i) = bits;
        g_array_index(doc->surface_of, guint, i) = si;
    }
}

/* ---- features ---- */

static guint words_in(const TpTokens *tt, guint a, guint b) {
    guint n = 0;
    for (guint i = a; i <= b; i++)
        n += (tp_tok(tt, i)->flags & TP_TOK_WORD) != 0;
    return n;
}

/* Features are built one at a time in a buffer on the stack. For the
 * trainer each is then appended to `out`, NUL-terminated; when scoring, each
 * is looked up in the model as soon as it is complete and then dropped, so
 * that no list of strings is kept per candidate and none is printf-formatted
 * (the printf-like helpers and GLib's string hashing were half of the entity
 * path's time). The buffer is not a GString: keeping `out`'s length, size
 * and NUL up to date for every part, and cutting it back after each lookup,
 * cost as much as the lookups. */
#define FEAT_STACK_BYTES 128
typedef struct {
    char *buf;                  /* the feature being written: `stack`, or `spill`'s bytes */
    gsize len;                  /* its bytes so far */
    gsize cap;                  /* what `buf` holds */
    GString *out;               /* the trainer's features, or NULL when scoring */
    GString *spill;             /* a feature longer than `stack` (a long gazetteer kind), or NULL */
    const TpEntityModel *model; /* scoring: add each feature's weights to `score` */
    double *score;              /* scoring: where cand_features leaves the sums */
    TpFeatMemo *memo;           /* scoring: the weights of features already met, or NULL */
    const double *last_w;       /* the weights feat_end found (NULL: none) */
    guint n;
    char stack[FEAT_STACK_BYTES];
} Feats;

static void feats_init(Feats *f, GString *out, GString *spill, const TpEntityModel *model,
                       double *score, TpFeatMemo *memo) {
    f->buf = f->stack;
    f->len = 0;
    f->cap = sizeof f->stack;
    f->out = out;
    f->spill = spill;
    f->model = model;
    f->score = score;
    f->memo = memo;
    f->last_w = NULL;
    f->n = 0;
}

/* Room for `need` bytes: the feature so far moves to `spill` (created if
 * need be; the caller frees one it did not pass in). Rare, so not inlined. */
static G_GNUC_NO_INLINE void feat_grow(Feats *f, gsize need) {
    gboolean on_stack = f->buf == f->stack;
    if (f->spill == NULL)
        f->spill = g_string_sized_new(need);
    g_string_set_size(f->spill, MAX(need, 2 * f->cap));
    if (on_stack)
        memcpy(f->spill->str, f->stack, f->len);
    f->buf = f->spill->str;
    f->cap = f->spill->len;
}

/* Inlined, so that a literal part's length is a constant and its copy a few moves. */
static TP_ALWAYS_INLINE void put_len(Feats *f, const char *s, gsize len) {
    if (G_UNLIKELY(f->len + len > f->cap))
        feat_grow(f, f->len + len);
    tp_copy_small(f->buf + f->len, s, len);
    f->len += len;
}

static TP_ALWAYS_INLINE void put(Feats *f, const char *s) {
    put_len(f, s, strlen(s));
}

/* A part of features whose length is known (a literal, a context class
 * measured once for the several features it is in), so that writing it
 * needs no strlen. */
typedef struct {
    const char *s;
    gsize len;
} Part;
#define PART_INIT(lit)                                                                             \
    { lit, sizeof(lit) - 1 }
#define PART(lit) ((Part)PART_INIT(lit))

static inline Part part(const char *s) {
    return (Part){s, strlen(s)};
}
static inline Part part_len(const char *s, gsize len) {
    return (Part){s, len};
}
static TP_ALWAYS_INLINE void put_part(Feats *f, Part p) {
    put_len(f, p.s, p.len);
}
/* A Part, or a NUL-terminated string. */
#define PUT(f, x) _Generic((x), Part : put_part, default : put)(f, x)

static TP_ALWAYS_INLINE const double *model_weights(const TpEntityModel *m, const char *s,
                                                    gsize len);

/* Spelled out: the loop's counter cost as much as the sums (each class's
 * sum still in feature order, so the same doubles). */
/* The scores being summed, feature after feature. A local of
 * cand_features whose address only inlined code takes, so that the
 * compiler keeps the four sums in registers: summed through `f->score`,
 * each addition waited for the store of the one before it (a load from
 * memory that the weights might alias), four chains of dependent stores
 * and loads through every candidate. The same additions in the same order:
 * the same doubles. */
typedef struct {
    double s[TP_CLASS_N];
} Sums;

static TP_ALWAYS_INLINE void add_weights(Sums *sums, const double *w) {
    G_STATIC_ASSERT(TP_CLASS_N == 4);
    if (w) {
        sums->s[0] += w[0];
        sums->s[1] += w[1];
        sums->s[2] += w[2];
        sums->s[3] += w[3];
    }
}

/* ---- the memo ----
 *
 * Most of the features of a candidate are one of a few thousand: a
 * template ("p2p1=") and values from small sets (context classes, shapes,
 * classes, counts). When scoring, each feature is named by a 64-bit key, the
 * template's number (FeatSite) in the top byte and its values below, and
 * the memo keeps each key's weights once its string has been built and
 * looked up: a feature met before costs one probe of an integer table, not
 * its string written, hashed and compared (the features' instructions
 * halved: 114.8 M -> 58.0 M on the 394 KB bench sample). The string stays
 * the one definition of the feature: a key is only ever given the weights
 * of the string built at its site, from the values the key holds, so the
 * memo cannot change a score, and the trainer (no memo) sees the same
 * strings as ever. Per tagger, so never shared between threads; bounded
 * (MEMO_MAX_SLOTS), past which new keys are simply not kept. */
typedef struct {
    guint64 key; /* 0: an empty slot (every key has a site, so is not 0) */
    const double *w;
} MemoSlot;

struct TpFeatMemo {
    const TpEntityModel *model; /* whose weights the slots point into */
    MemoSlot *slots;
    guint32 mask;  /* slots - 1, a power of two */
    guint32 shift; /* 64 - log2(slots): memo_index takes the product's top bits */
    guint32 n;
    guint64 hits, misses;
};

#define MEMO_MIN_SLOTS (1u << 12)
#define MEMO_MAX_SLOTS (1u << 18) /* 4 MB: more keys than the features of the shipped model */

TpFeatMemo *tp_feat_memo_new(void) {
    return g_new0(TpFeatMemo, 1);
}

void tp_feat_memo_free(TpFeatMemo *memo) {
    if (memo == NULL)
        return;
    g_free(memo->slots);
    g_free(memo);
}

void tp_feat_memo_stats(const TpFeatMemo *memo, guint64 *hits, guint64 *misses, guint *keys) {
    *hits = memo->hits;
    *misses = memo->misses;
    *keys = memo->n;
}

/* Fibonacci hashing: the index is the top bits of the key times 2^64 / phi.
 * Every bit of the key reaches them, the template's top byte too (the low
 * bits of a product would leave it out, which a first version did). */
static inline guint32 memo_index(guint64 key, guint32 shift) {
    return (guint32)((key * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15)) >> shift);
}

/* The slot of `key`: its own, or the empty one where it would go (the
 * table is at most half full, so there is one). */
static inline MemoSlot *memo_slot(const TpFeatMemo *memo, guint64 key) {
    guint32 i = memo_index(key, memo->shift);
    while (memo->slots[i].key != key && memo->slots[i].key != 0)
        i = (i + 1) & memo->mask;
    return &memo->slots[i];
}

static void memo_reset(TpFeatMemo *memo, const TpEntityModel *model, guint32 n_slots) {
    g_free(memo->slots);
    memo->slots = g_new0(MemoSlot, n_slots);
    memo->mask = n_slots - 1;
    memo->shift = 64 - g_bit_storage(memo->mask);
    memo->n = 0;
    memo->model = model;
}

/* Keep `w` as the weights of `key` (not yet in the memo). Rare: not inlined. */
static G_GNUC_NO_INLINE void memo_put(TpFeatMemo *memo, guint64 key, const double *w) {
    memo->misses++;
    if (2 * (memo->n + 1) > memo->mask + 1) {
        if (memo->mask + 1 >= MEMO_MAX_SLOTS)
            return;
        MemoSlot *old = memo->slots;
        guint32 n_old = memo->mask + 1;
        memo->slots = g_new0(MemoSlot, 2 * n_old);
        memo->mask = 2 * n_old - 1;
        memo->shift = 64 - g_bit_storage(memo->mask);
        for (guint32 i = 0; i < n_old; i++)
            if (old[i].key)
                *memo_slot(memo, old[i].key) = old[i];
        g_free(old);
    }
    *memo_slot(memo, key) = (MemoSlot){key, w};
    memo->n++;
}

/* The feature `key` when the memo has it: counted and its weights added. */
static TP_ALWAYS_INLINE gboolean memo_feat(Feats *f, Sums *sums, guint64 key) {
    if (f->memo == NULL)
        return FALSE;
    const MemoSlot *sl = memo_slot(f->memo, key);
    if (sl->key == 0)
        return FALSE;
    f->memo->hits++;
    f->n++;
    add_weights(sums, sl->w);
    return TRUE;
}

/* The templates of features, for the keys' top byte. */
typedef enum {
    S_NONE, /* no key is 0 */
    S_BIAS,
    S_HONORIFIC_FIRST,
    S_LEN,
    S_SHAPE,
    S_SENT_START,
    S_SENT_START_ORDINARY,
    S_CAPS_LINE,
    S_LINE_START,
    S_LINE_END,
    S_LINE_WHOLE,
    S_TABLE_ROW,
    S_HYPHEN_INSIDE,
    S_CONNECTOR_INSIDE,
    S_BYLINE,
    S_NOT_RUN,
    S_P1,
    S_P2,
    S_P2P1,
    S_N1,
    S_N2,
    S_N1N2,
    S_P1N1,
    S_RUN_LEFT,
    S_RUN_RIGHT,
    S_RUN_WHOLE,
    S_HONORIFIC_REST,
    S_PLACE_PREP,
    S_SCORE_AFTER,
    S_SCORE_ROW_FIRST,
    S_SCORE_ROW_SECOND,
    S_SCORE_BEFORE,
    S_VERSUS,
    S_X_BASED,
    S_POSSESSIVE,
    S_COMMA_PLACE_AFTER,
    S_AFTER_PLACE_COMMA,
    S_IN_BRACKETS,
    S_GAZ,
    S_GAZ_PRIOR,
    S_GAZ_KIND,
    S_GAZ_COMMON,
    S_GAZ_EXACT,
    S_GAZ_ALIAS,
    S_GCTX_P1,
    S_GCTX_N1,
    S_GCTX_CAPS_LINE,
    S_GCTX_SENT_START,
    S_GCTX_RUN_WHOLE,
    S_GAZ_READINGS,
    S_GAZ_BEST,
    S_GAZ_IN,
    S_GAZ_WITHIN,
    S_LEX_FIRST,
    S_LEX_LAST,
    S_LEX_ALL_COMMON,
    S_LEX_ORGHEAD_INSIDE,
    S_LEX_GIVEN_SURNAME,
    S_LEX_PLURAL_DEMONYM,
    S_ACRONYM,
    S_DOC_REPEATED,
    S_DOC_OTHER,
    S_DOC_LONGER_EARLIER,
    S_DOC_LONGER_PERSON,
    S_DOC_ACRONYM_DEFINED,
    S_N_SITES
} FeatSite;
G_STATIC_ASSERT(S_N_SITES <= 256);

/* The key of template `site` with values `v` (below the top byte). */
static inline guint64 feat_key(FeatSite site, guint64 v) {
    return ((guint64)site << 56) | v;
}

/* The trainer keeps each feature, NUL-terminated. */
static G_GNUC_NO_INLINE void feat_keep(Feats *f) {
    g_string_append_len(f->out, f->buf, (gssize)f->len);
    g_string_append_c(f->out, '\0');
}

/* The feature in `f->buf` is complete. Inlined at each of its sixty uses:
 * the call's saving and restoring of registers was a fifth of its cost. */
static TP_ALWAYS_INLINE void feat_end(Feats *f) {
    f->n++;
    if (G_UNLIKELY(f->model == NULL)) {
        feat_keep(f);
    } else {
        f->last_w = model_weights(f->model, f->buf, f->len);
    }
    f->len = 0;
}

/* The feature made of one to four parts (Part or strings), one after the other. */
static TP_ALWAYS_INLINE void feat(Feats *f, const char *a) {
    put(f, a);
    feat_end(f);
}
#define FEAT_2(f, a, b) (PUT(f, a), PUT(f, b), feat_end(f))
#define FEAT_3(f, a, b, c) (PUT(f, a), PUT(f, b), PUT(f, c), feat_end(f))
#define FEAT_4(f, a, b, c, d) (PUT(f, a), PUT(f, b), PUT(f, c), PUT(f, d), feat_end(f))
#define FEAT_PICK(_1, _2, _3, _4, name, ...) name
#define featcat(f, ...) FEAT_PICK(__VA_ARGS__, FEAT_4, FEAT_3, FEAT_2, feat)(f, __VA_ARGS__)

/* The feature of key `key` (feat_key), its string made of the parts that
 * follow as for featcat, built only when the memo does not have the key;
 * its weights added to the `sums` (Sums *) of the scope. */
#define FEAT_K(f, key, ...)                                                                        \
    do {                                                                                           \
        guint64 key_ = (key);                                                                      \
        if (!memo_feat(f, sums, key_)) {                                                           \
            featcat(f, __VA_ARGS__);                                                               \
            if ((f)->model)                                                                        \
                add_weights(sums, (f)->last_w);                                                    \
            if ((f)->memo)                                                                         \
                memo_put((f)->memo, key_, (f)->last_w);                                            \
        }                                                                                          \
    } while (0)
/* A feature without values: the template is the whole key. */
#define LIT(f, site, lit) FEAT_K(f, feat_key(site, 0), lit)

/* A context token's class (ctx_class_id) and the token, whose key is the
 * class's string for a function word or short punctuation. */
typedef struct {
    guint32 id;
    guint tok;
} Ctx;
#define CTX_BOUND_AT ((Ctx){CTX_BOUND, 0})

static inline Ctx ctx_at(const TpCandContext *cx, guint i) {
    return (Ctx){ctx_class_id(cx, i), i};
}

/* The string of class `c`: what feature names hold. */
static Part ctx_part(const TpCandContext *cx, Ctx c) {
    return part(c.id < CTX_N ? ctx_names[c.id] : key(cx->tt, c.tok));
}

/* Two classes in one key's values. */
static inline guint64 ctx_pair(Ctx x, Ctx y) {
    return (guint64)x.id << CTX_BITS | y.id;
}

/* A small count as a feature value ("len=3"): what "%u" gave for 0..9. */
static Part digit(guint v) {
    static const char digits[] = "0123456789";
    g_assert(v < 10);
    return (Part){digits + v, 1};
}

/* An entry's prior as one of four buckets, prior_parts' names. */
static guint prior_bucket(double p) {
    return p < 0.35 ? 0 : p < 0.55 ? 1 : p < 0.75 ? 2 : 3;
}
static const Part prior_parts[] = {PART_INIT("lo"), PART_INIT("mid"), PART_INIT("hi"),
                                   PART_INIT("top")};

/* class_names as Parts. */
static const Part class_parts[TP_CLASS_N] = {PART_INIT("none"), PART_INIT("person"),
                                             PART_INIT("place"), PART_INIT("organization")};

static const struct {
    guint32 bit;
    Part name;
} lex_names[] = {
    {TP_LEX_GIVEN_NAME, PART_INIT("given")},     {TP_LEX_SURNAME, PART_INIT("surname")},
    {TP_LEX_PARTICLE, PART_INIT("particle")},    {TP_LEX_HONORIFIC, PART_INIT("honorific")},
    {TP_LEX_TITLE, PART_INIT("title")},          {TP_LEX_ORG_HEAD, PART_INIT("orghead")},
    {TP_LEX_ORG_SUFFIX, PART_INIT("orgsuffix")}, {TP_LEX_DEMONYM, PART_INIT("demonym")},
    {TP_LEX_PORTFOLIO, PART_INIT("portfolio")},  {TP_LEX_OFFICE_WORD, PART_INIT("office")},
    {TP_LEX_STOPWORD, PART_INIT("stop")},        {TP_LEX_COMMON, PART_INIT("common")},
};

/* In an all-caps line every word looks like a name, so what the lexicons
 * say weighs differently there: those features carry "|caps". Inlined, so
 * that `where`, a literal, is written as one. */
static TP_ALWAYS_INLINE void lex_feats(Feats *f, Sums *sums, FeatSite site, const char *where,
                                       guint32 l, gboolean caps) {
    gboolean any = FALSE;
    Part tail = caps ? PART("|caps") : PART("");
    /* The classes' bits are 1 << i for lex_names[i]: the set ones, lowest
     * first, are the table's order, without a test of each of the twelve. */
    G_STATIC_ASSERT(
        TP_LEX_GIVEN_NAME == 1 << 0 && TP_LEX_SURNAME == 1 << 1 && TP_LEX_PARTICLE == 1 << 2 &&
        TP_LEX_HONORIFIC == 1 << 3 && TP_LEX_TITLE == 1 << 4 && TP_LEX_ORG_HEAD == 1 << 5 &&
        TP_LEX_ORG_SUFFIX == 1 << 6 && TP_LEX_DEMONYM == 1 << 7 && TP_LEX_PORTFOLIO == 1 << 8 &&
        TP_LEX_OFFICE_WORD == 1 << 9 && TP_LEX_STOPWORD == 1 << 10 && TP_LEX_COMMON == 1 << 11);
    G_STATIC_ASSERT(G_N_ELEMENTS(lex_names) == 12);
    for (guint32 bits = l & ((1u << G_N_ELEMENTS(lex_names)) - 1); bits; bits &= bits - 1) {
        guint i = tp_lowest_bit(bits);
        FEAT_K(f, feat_key(site, i << 1 | caps), where, lex_names[i].name, tail);
        any = TRUE;
    }
    if (!any)
        FEAT_K(f, feat_key(site, G_N_ELEMENTS(lex_names) << 1 | caps), where, "unknown", tail);
}

static char shape_code(const TpCandContext *cx, guint i) {
    const TpTokens *tt = cx->tt;
    const TpToken *t = tp_tok(tt, i);
    if (!(t->flags & TP_TOK_WORD))
        return (cx->words[i] & W_HYPHEN) ? '-' : (cx->words[i] & W_POSS) ? 's' : 'p';
    if (t->flags & TP_TOK_DIGIT)
        return 'd';
    /* One character: g_utf8_strlen(key, -1) == 1 without its call and count. */
    const char *k = key(tt, i);
    if ((t->flags & TP_TOK_ABBREV) || ((t->flags & TP_TOK_CAP) && *k && !*g_utf8_next_char(k)))
        return 'i';
    if (t->flags & TP_TOK_ALLCAPS)
        return 'A';
    if (t->flags & TP_TOK_CAP)
        return 'C';
    return 'l';
}

static gboolean initials_match(const TpTokens *tt, guint a, guint b, const char *acr) {
    gsize len = strlen(acr), k = 0;
    for (guint i = a; i <= b; i++) {
        if (!tp_tok_is_cap_word(tp_tok(tt, i)))
            continue;
        if (k >= len || g_ascii_tolower(key(tt, i)[0]) != acr[k])
            return FALSE;
        k++;
    }
    return k == len && len >= 2;
}

/* Write the features of candidate `ci` to `f`; returns how many. */
static guint cand_features(const TpCandContext *cx, const TpCandDoc *doc, const GArray *cands,
                           guint ci, Feats *f) {
    const TpTokens *tt = cx->tt;
    const TpGazetteer *gaz = cx->k->gaz;
    const TpCand *c = &g_array_index(cands, TpCand, ci);
    guint n = tt->toks->len;
    /* Context is read around the whole span, the name from its proper start:
     * "Mr Trump" is the name "Trump" with an honorific. */
    guint a = c->first, b = c->last, an = c->name_first;
    const TpToken *ta = tp_tok(tt, a), *tb = tp_tok(tt, b), *tn = tp_tok(tt, an);
    guint words = words_in(tt, an, b);
    Sums sums_v = {{0.0}}, *sums = &sums_v;

    LIT(f, S_BIAS, "bias");
    if (an > a)
        LIT(f, S_HONORIFIC_FIRST, "honorific-first");
    /* ---- shape ---- */
    FEAT_K(f, feat_key(S_LEN, MIN(words, 5u)), "len=", digit(MIN(words, 5u)));
    {
        char sh[8];
        guint k = 0;
        for (guint i = an; i <= b && k < 6; i++)
            sh[k++] = shape_code(cx, i);
        if (b - an + 1 > 6)
            sh[k++] = '+';
        sh[k] = '\0';
        guint64 packed = 0;
        for (guint j = 0; j < k; j++)
            packed |= (guint64)(guchar)sh[j] << (8 * j);
        FEAT_K(f, feat_key(S_SHAPE, packed), "shape=", part_len(sh, k));
    }
    if (ta->flags & TP_TOK_SENT) {
        LIT(f, S_SENT_START, "sent-start");
        /* "On Saturday Arsenal": an ordinary word opening the sentence opens the
         * span. An honorific is no such word ("Mr Jones said"). */
        if ((ta->lex & (TP_LEX_COMMON | TP_LEX_STOPWORD)) && b > a && an == a)
            LIT(f, S_SENT_START_ORDINARY, "sent-start-ordinary-first");
    }
    if (ta->flags & TP_TOK_LINECAPS)
        LIT(f, S_CAPS_LINE, "caps-line");
    if ((ta->flags & TP_TOK_NL) || a == 0)
        LIT(f, S_LINE_START, "line-start");
    gboolean line_end = b + 1 >= n || (tp_tok(tt, b + 1)->flags & TP_TOK_NL);
    if (line_end)
        LIT(f, S_LINE_END, "line-end");
    if (((ta->flags & TP_TOK_NL) || a == 0) && line_end)
        LIT(f, S_LINE_WHOLE, "line-whole");
    {
        /* A table row: the name opens a line whose rest is numbers and punctuation. */
        guint j = b + 1, digits = 0;
        gboolean row = ((ta->flags & TP_TOK_NL) || a == 0) && !line_end;
        for (; row && j < n && !(tp_tok(tt, j)->flags & TP_TOK_NL); j++) {
            const TpToken *t = tp_tok(tt, j);
            if (t->flags & TP_TOK_DIGIT)
                digits++;
            else if (t->flags & TP_TOK_WORD)
                row = FALSE;
        }
        if (row && digits >= 2)
            LIT(f, S_TABLE_ROW, "table-row");
    }
    for (guint i = a; i <= b; i++) {
        if (cx->words[i] & W_HYPHEN) {
            LIT(f, S_HYPHEN_INSIDE, "hyphen-inside");
            break;
        }
    }
    for (guint i = a + 1; i < b; i++) {
        guint32 wi = cx->words[i];
        if ((wi & W_CONNECTOR) && !(tp_tok(tt, i)->flags & TP_TOK_CAP)) {
            guint which = (wi & W_AND) ? 0 : (wi & W_OF) ? 1 : (wi & W_POSS) ? 2 : 3;
            static const char *const connectors[] = {"and", "of", "'s", "particle"};
            FEAT_K(f, feat_key(S_CONNECTOR_INSIDE, which), "connector-inside=", connectors[which]);
        }
    }
    if (c->origin & TP_CAND_BYLINE)
        LIT(f, S_BYLINE, "byline");
    if (!(c->origin & TP_CAND_RUN))
        LIT(f, S_NOT_RUN, "not-capitalized-run");

    /* ---- context ---- */
    Ctx p1 = CTX_BOUND_AT, p2 = CTX_BOUND_AT, n1 = CTX_BOUND_AT, n2 = CTX_BOUND_AT;
    if (a > 0 && !(ta->flags & TP_TOK_NL)) {
        p1 = ctx_at(cx, a - 1);
        if (a > 1 && !(tp_tok(tt, a - 1)->flags & TP_TOK_NL))
            p2 = ctx_at(cx, a - 2);
    }
    FEAT_K(f, feat_key(S_P1, p1.id), "p1=", ctx_part(cx, p1));
    FEAT_K(f, feat_key(S_P2, p2.id), "p2=", ctx_part(cx, p2));
    FEAT_K(f, feat_key(S_P2P1, ctx_pair(p2, p1)), "p2p1=", ctx_part(cx, p2), "|", ctx_part(cx, p1));
    if (b + 1 < n && !(tp_tok(tt, b + 1)->flags & TP_TOK_NL)) {
        n1 = ctx_at(cx, b + 1);
        if (b + 2 < n && !(tp_tok(tt, b + 2)->flags & TP_TOK_NL))
            n2 = ctx_at(cx, b + 2);
    }
    FEAT_K(f, feat_key(S_N1, n1.id), "n1=", ctx_part(cx, n1));
    FEAT_K(f, feat_key(S_N2, n2.id), "n2=", ctx_part(cx, n2));
    FEAT_K(f, feat_key(S_N1N2, ctx_pair(n1, n2)), "n1n2=", ctx_part(cx, n1), "|", ctx_part(cx, n2));
    FEAT_K(f, feat_key(S_P1N1, ctx_pair(p1, n1)), "p1n1=", ctx_part(cx, p1), "|", ctx_part(cx, n1));
    /* A part of a longer capitalized run: "[Bill] Clinton", "Bill [Clinton]". */
    const TpToken *tp = a > 0 ? tp_tok(tt, a - 1) : NULL;
    gboolean run_left =
        tp && !(ta->flags & TP_TOK_NL) && tp_tok_is_cap_word(tp) &&
        !(tp->lex & (TP_LEX_HONORIFIC | TP_LEX_TITLE)) && !cx->off_taken[a - 1] &&
        !(ta->flags & TP_TOK_SENT) &&
        !((tp->flags & TP_TOK_SENT) && (tp->lex & (TP_LEX_COMMON | TP_LEX_STOPWORD)));
    gboolean run_right = b + 1 < n && !(tp_tok(tt, b + 1)->flags & TP_TOK_NL) &&
                         tp_tok_is_cap_word(tp_tok(tt, b + 1)) && !cx->off_taken[b + 1];
    if (run_left)
        LIT(f, S_RUN_LEFT, "run.left");
    if (run_right)
        LIT(f, S_RUN_RIGHT, "run.right");
    if (!run_left && !run_right)
        LIT(f, S_RUN_WHOLE, "run.whole");
    /* An honorific before the rest of its run: "Mr [Smith] said", "[Mr Smith] said". */
    if (!run_right && (an > a || (a > 0 && !(ta->flags & TP_TOK_NL) &&
                                  (tp_tok(tt, a - 1)->lex & TP_LEX_HONORIFIC))))
        LIT(f, S_HONORIFIC_REST, "honorific+rest-of-run");
    if (a > 0 && (cx->words[a - 1] & W_PLACE))
        LIT(f, S_PLACE_PREP, "place-prep-before");
    if (score_after(cx, b))
        LIT(f, S_SCORE_AFTER, "score-after");
    guint side = score_row_side(cx, a, b);
    if (side == 1)
        LIT(f, S_SCORE_ROW_FIRST, "score-row=first");
    else if (side)
        LIT(f, S_SCORE_ROW_SECOND, "score-row=second");
    if (a > 1 && (tp_tok(tt, a - 1)->flags & TP_TOK_DIGIT) && !(ta->flags & TP_TOK_NL))
        LIT(f, S_SCORE_BEFORE, "score-before");
    if ((b + 1 < n && (cx->words[b + 1] & W_VERSUS)) || (a > 0 && (cx->words[a - 1] & W_VERSUS)))
        LIT(f, S_VERSUS, "versus");
    if (b + 2 < n && (cx->words[b + 1] & W_HYPHEN) && (cx->words[b + 2] & W_BASED))
        LIT(f, S_X_BASED, "x-based");
    if (b + 1 < n && (cx->words[b + 1] & W_POSS))
        LIT(f, S_POSSESSIVE, "possessive");
    /* ", Region" after the name, or the name after "Town, ". */
    if (b + 2 < n && (cx->words[b + 1] & W_COMMA)) {
        for (guint m = tp_match_begin(cx->matches, b + 2); m < tp_match_begin(cx->matches, b + 3);
             m++) {
            const TpGazMatch *gm = &g_array_index(cx->matches->matches, TpGazMatch, m);
            const TpGazEntry *e = value_entry(gaz, gm->value);
            if (e->type == TP_ENTITY_PLACE) {
                FEAT_K(f, feat_key(S_COMMA_PLACE_AFTER, e->kind),
                       "comma-place-after=", e->kind ? tp_gazetteer_str(gaz, e->kind) : "place");
                break;
            }
        }
    }
    if (a >= 2 && (cx->words[a - 1] & W_COMMA)) {
        gboolean found = FALSE;
        for (guint i = a >= 8 ? a - 8 : 0; i <= a - 2 && !found; i++) {
            for (guint m = tp_match_begin(cx->matches, i);
                 m < tp_match_begin(cx->matches, i + 1) && !found; m++) {
                const TpGazMatch *gm = &g_array_index(cx->matches->matches, TpGazMatch, m);
                found = gm->last == a - 2 && value_entry(gaz, gm->value)->type == TP_ENTITY_PLACE;
            }
        }
        if (found)
            LIT(f, S_AFTER_PLACE_COMMA, "after-place-comma");
    }
    if (a > 0 && (cx->words[a - 1] & W_LPAREN) && b + 1 < n && (cx->words[b + 1] & W_RPAREN))
        LIT(f, S_IN_BRACKETS, "in-brackets");

    /* ---- gazetteers and lexicons ---- */
    TpClass best = TP_CLASS_NONE;
    guint n_read = 0;
    for (int k = 1; k < TP_CLASS_N; k++) {
        if (c->value[k] == TP_CAND_NO_VALUE)
            continue;
        n_read++;
        const TpGazValue *v = tp_gazetteer_value(gaz, c->value[k]);
        const TpGazEntry *e = value_entry(gaz, c->value[k]);
        Part cn = class_parts[k];
        FEAT_K(f, feat_key(S_GAZ, k), "gaz=", cn);
        guint bucket = prior_bucket(c->prior[k]);
        FEAT_K(f, feat_key(S_GAZ_PRIOR, k << 2 | bucket), "gaz=", cn,
               "|prior=", prior_parts[bucket]);
        if (e->kind && k == TP_CLASS_PLACE)
            FEAT_K(f, feat_key(S_GAZ_KIND, (guint64)k << 32 | e->kind), "gaz=", cn,
                   "|kind=", tp_gazetteer_str(gaz, e->kind));
        if (v->flags & TP_ALIAS_COMMON) {
            gboolean line_caps = (ta->flags & TP_TOK_LINECAPS) != 0;
            FEAT_K(f, feat_key(S_GAZ_COMMON, k << 1 | line_caps), "gaz=", cn, "|common",
                   line_caps ? "|caps" : "");
        }
        if (v->flags & TP_ALIAS_EXACT)
            FEAT_K(f, feat_key(S_GAZ_EXACT, k), "gaz=", cn, "|exact");
        if (!(v->flags & TP_ALIAS_NAME))
            FEAT_K(f, feat_key(S_GAZ_ALIAS, k), "gaz=", cn, "|alias");
        /* What the context says of a reading may favour any class ("Chicago 5"). */
        FEAT_K(f, feat_key(S_GCTX_P1, (guint64)k << CTX_BITS | p1.id), "gctx=", cn,
               "|p1=", ctx_part(cx, p1));
        FEAT_K(f, feat_key(S_GCTX_N1, (guint64)k << CTX_BITS | n1.id), "gctx=", cn,
               "|n1=", ctx_part(cx, n1));
        if (ta->flags & TP_TOK_LINECAPS)
            FEAT_K(f, feat_key(S_GCTX_CAPS_LINE, k), "gctx=", cn, "|caps-line");
        if (ta->flags & TP_TOK_SENT)
            FEAT_K(f, feat_key(S_GCTX_SENT_START, k), "gctx=", cn, "|sent-start");
        if (!run_left && !run_right)
            FEAT_K(f, feat_key(S_GCTX_RUN_WHOLE, k), "gctx=", cn, "|run.whole");
        if (best == TP_CLASS_NONE || c->prior[k] > c->prior[best])
            best = (TpClass)k;
    }
    FEAT_K(f, feat_key(S_GAZ_READINGS, n_read), "gaz.readings=", digit(n_read));
    if (best != TP_CLASS_NONE && n_read > 1)
        FEAT_K(f, feat_key(S_GAZ_BEST, best), "gaz.best=", class_parts[best]);
    /* Readings inside the span and around it, each kind once. */
    guint32 in_seen = 0, within_seen = 0;
    for (guint i = a; i <= b; i++) {
        for (guint m = tp_match_begin(cx->matches, i); m < tp_match_begin(cx->matches, i + 1);
             m++) {
            const TpGazMatch *gm = &g_array_index(cx->matches->matches, TpGazMatch, m);
            if (gm->last > b || (gm->first == a && gm->last == b))
                continue;
            TpClass k = type_class(value_entry(gaz, gm->value)->type);
            guint w = gm->first == a ? 0 : gm->last == b ? 1 : 2;
            guint32 bit = 1u << (k * 3 + w);
            if (in_seen & bit)
                continue;
            in_seen |= bit;
            static const char *const where[] = {"first", "last", "mid"};
            FEAT_K(f, feat_key(S_GAZ_IN, k * 3 + w),
                   "gaz.in=", k == TP_CLASS_NONE ? "office" : class_names[k], "|", where[w]);
        }
    }
    for (guint i = a >= 6 ? a - 6 : 0; i <= a; i++) {
        for (guint m = tp_match_begin(cx->matches, i); m < tp_match_begin(cx->matches, i + 1);
             m++) {
            const TpGazMatch *gm = &g_array_index(cx->matches->matches, TpGazMatch, m);
            if (gm->last < b || (gm->first == a && gm->last == b))
                continue;
            TpClass k = type_class(value_entry(gaz, gm->value)->type);
            if (k != TP_CLASS_NONE && !(within_seen & (1u << k))) {
                within_seen |= 1u << k;
                FEAT_K(f, feat_key(S_GAZ_WITHIN, k), "gaz.within=", class_parts[k]);
            }
        }
    }
    gboolean caps = (ta->flags & TP_TOK_LINECAPS) != 0;
    lex_feats(f, sums, S_LEX_FIRST, "lex.first=", tn->lex, caps);
    if (b > an)
        lex_feats(f, sums, S_LEX_LAST, "lex.last=", tb->lex, caps);
    gboolean all_common = TRUE, head_inside = FALSE;
    for (guint i = an; i <= b; i++) {
        const TpToken *t = tp_tok(tt, i);
        if (!(t->flags & TP_TOK_WORD))
            continue;
        if (!(t->lex & (TP_LEX_COMMON | TP_LEX_STOPWORD)))
            all_common = FALSE;
        if (i > a && i < b && (t->lex & (TP_LEX_ORG_HEAD | TP_LEX_ORG_SUFFIX)))
            head_inside = TRUE;
    }
    if (all_common) {
        gboolean line_caps = (ta->flags & TP_TOK_LINECAPS) != 0;
        FEAT_K(f, feat_key(S_LEX_ALL_COMMON, line_caps),
               line_caps ? "lex.all-common|caps" : "lex.all-common");
    }
    if (head_inside)
        LIT(f, S_LEX_ORGHEAD_INSIDE, "lex.orghead-inside");
    if ((tn->lex & TP_LEX_GIVEN_NAME) && b > an && (tb->lex & TP_LEX_SURNAME))
        LIT(f, S_LEX_GIVEN_SURNAME, "lex.given+surname");
    if (words == 1 && !(tn->lex & TP_LEX_DEMONYM)) {
        /* "Ukrainians": the plural of a demonym the lexicon lists. */
        const char *kk = key(tt, an);
        gsize kl = strlen(kk);
        if (kl > 3 && kk[kl - 1] == 's') {
            g_autofree char *sing = g_strndup(kk, kl - 1);
            if (tp_gazetteer_lexicon(gaz, sing) & TP_LEX_DEMONYM)
                LIT(f, S_LEX_PLURAL_DEMONYM, "lex.plural-demonym");
        }
    }
    if (words == 1 && (tn->flags & TP_TOK_ALLCAPS) && !(tn->flags & TP_TOK_LINECAPS)) {
        guint chars = MIN((guint)g_utf8_strlen(key(tt, an), -1), 5u);
        FEAT_K(f, feat_key(S_ACRONYM, chars), "acronym=", digit(chars));
    }

    /* ---- the document ---- */
    const DocSurface *s =
        &g_array_index(doc->store, DocSurface, g_array_index(doc->surface_of, guint, ci));
    guint32 own = g_array_index(doc->cue_bits, guint32, ci);
    if (s->n > 1)
        LIT(f, S_DOC_REPEATED, "doc.repeated");
    for (int k = 0; k < DOC_N; k++) {
        guint others = s->with[k] - ((own >> k) & 1);
        if (others > 0)
            FEAT_K(f, feat_key(S_DOC_OTHER, (guint)k), "doc.other=", doc_cue_names[k]);
    }
    if (words == 1) {
        /* A longer form earlier whose last word this is: "John Healey" ... "Healey". */
        const char *kk = key(tt, an);
        guint li = tp_strset_find(&doc->longer, kk, tn->key_len);
        const DocLonger *l =
            li != TP_STRSET_NONE ? &g_array_index(doc->longer_store, DocLonger, li) : NULL;
        if (l && l->min_last < a)
            LIT(f, S_DOC_LONGER_EARLIER, "doc.longer-earlier");
        if (l && l->min_person_last < a)
            LIT(f, S_DOC_LONGER_PERSON, "doc.longer-earlier=person-like");
        /* An acronym defined in brackets: "Organization (NATO)". */
        if ((tn->flags & TP_TOK_ALLCAPS) && g_hash_table_contains(doc->acronyms, kk))
            LIT(f, S_DOC_ACRONYM_DEFINED, "doc.acronym-defined");
    }
    if (f->score)
        for (int k = 0; k < TP_CLASS_N; k++)
            f->score[k] = sums->s[k];
    return f->n;
}

guint tp_cand_features(const TpCandContext *cx, const TpCandDoc *doc, const GArray *cands, guint ci,
                       GString *out) {
    g_string_truncate(out, 0);
    Feats f;
    feats_init(&f, out, NULL, NULL, NULL, NULL);
    guint n = cand_features(cx, doc, cands, ci, &f);
    if (f.spill)
        g_string_free(f.spill, TRUE);
    return n;
}

/* ---- the model ---- */

#define MODEL_HEADER "# tagpipe-entities 1"

/* The features' weights in an open-addressing table (linear probing, at
 * most half full) keyed by a hash of the name and compared by length and
 * bytes: a lookup costs one hash of bytes already in cache and, mostly, one
 * comparison, where GHashTable's g_str_hash and g_str_equal each walked the
 * string and chased a pointer (tests/unit/test_candidates.c checks it
 * against a GHashTable). The table, the names and the weights are flat
 * arrays, owned when parsed from the text and borrowed from a knowledge
 * image, where the model is these three sections and nothing is parsed at
 * start-up (parsing the text was a third of the start-up's instructions,
 * most of them in strtod). */
typedef struct {
    guint32 name; /* pool offset; 0: an empty slot */
    guint32 len;
    guint32 hash; /* the high half of the name's tp_hash_bytes */
    guint32 w;    /* the feature's index: its weights at w * TP_CLASS_N */
} FeatSlot;

typedef struct {
    guint32 n_feat;
    guint32 n_slots;
    double scale;
} FeatMeta;

struct TpEntityModel {
    TpVec slots; /* FeatSlot, a power of two */
    guint32 mask;
    TpPool names;
    TpVec weights; /* double, TP_CLASS_N per feature */
    guint n_feat;
    double scale;
};

void tp_entity_model_free(TpEntityModel *model) {
    if (model == NULL)
        return;
    tp_vec_clear(&model->slots);
    tp_vec_clear(&model->names.bytes);
    tp_vec_clear(&model->weights);
    g_free(model);
}

guint tp_entity_model_n_features(const TpEntityModel *model) {
    return model->n_feat;
}

/* The slot of feature `s` (`len` bytes): its own, or the empty one where it
 * would go, or NULL when a (borrowed) table has no empty slot on the way. */
static inline FeatSlot *model_slot(const TpEntityModel *m, const char *s, gsize len, guint64 h) {
    guint32 hi = (guint32)(h >> 32);
    FeatSlot *slots = m->slots.data;
    const char *names = m->names.bytes.data;
    guint32 i = (guint32)h & m->mask;
    for (guint32 step = 0; step <= m->mask; step++, i = (i + 1) & m->mask) {
        FeatSlot *sl = &slots[i];
        if (sl->name == 0 ||
            (sl->hash == hi && sl->len == len && tp_bytes_equal(names + sl->name, s, len)))
            return sl;
    }
    return NULL;
}

static TP_ALWAYS_INLINE const double *model_weights(const TpEntityModel *m, const char *s,
                                                    gsize len) {
    const FeatSlot *sl = model_slot(m, s, len, tp_hash_bytes(s, len));
    if (sl == NULL || sl->name == 0)
        return NULL;
    return (const double *)m->weights.data + (gsize)sl->w * TP_CLASS_N;
}

static gboolean parse_double(const char *s, double *out) {
    char *end = NULL;
    *out = g_ascii_strtod(s, &end);
    return end != s && *end == '\0' && isfinite(*out) && fabs(*out) <= 1e6;
}

TpEntityModel *tp_entity_model_parse(const char *name, const char *contents, gsize len,
                                     GError **error) {
    if (!g_utf8_validate_len(contents, len, NULL) || memchr(contents, '\0', len)) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "%s: not UTF-8 text", name);
        return NULL;
    }
    /* Lines and columns cut in place in one copy (g_strsplit's allocations
     * per line were most of its time). */
    g_autofree char *copy = g_strndup(contents, len);
    g_autoptr(GPtrArray) lines = g_ptr_array_new();
    for (char *p = copy, *end = copy + len; len > 0;) {
        char *nl = memchr(p, '\n', (gsize)(end - p));
        g_ptr_array_add(lines, p);
        if (nl == NULL)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    g_ptr_array_add(lines, NULL);
    if (lines->len < 2 || strcmp(g_strchomp(lines->pdata[0]), MODEL_HEADER) != 0) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "%s:1: expected header '%s'", name,
                    MODEL_HEADER);
        return NULL;
    }
    TpEntityModel *m = g_new0(TpEntityModel, 1);
    guint32 n_slots = 16;
    while (n_slots < 2 * lines->len)
        n_slots *= 2;
    m->slots = (TpVec){g_new0(FeatSlot, n_slots), n_slots, n_slots};
    m->mask = n_slots - 1;
    /* Room for a feature per line; the names are unique (checked), so the
     * pool needs no dedup table. */
    m->weights = (TpVec){g_new(double, (gsize)lines->len *TP_CLASS_N), 0, lines->len * TP_CLASS_N};
    m->names.bytes = (TpVec){g_new(char, len + 1), 1, (guint32)len + 1};
    ((char *)m->names.bytes.data)[0] = '\0';
    guint n_feat = 0;
    m->scale = 1.0;
    gint64 declared = -1;
    gboolean classes_ok = FALSE;
    for (guint i = 1; lines->pdata[i]; i++) {
        char *l = g_strchomp(lines->pdata[i]);
        if (*l == '\0' || *l == '#')
            continue;
        /* At most TP_CLASS_N + 2 columns are read; more count as more. */
        char *cols[TP_CLASS_N + 3];
        guint nc = 0;
        for (char *c = l; c && nc < G_N_ELEMENTS(cols); nc++) {
            cols[nc] = c;
            c = strchr(c, '\t');
            if (c)
                *c++ = '\0';
        }
        if (strcmp(cols[0], "classes") == 0) {
            classes_ok = nc == TP_CLASS_N + 1;
            for (guint k = 0; classes_ok && k < TP_CLASS_N; k++)
                classes_ok = strcmp(cols[k + 1], class_names[k]) == 0;
            if (!classes_ok)
                goto bad_classes;
            continue;
        }
        if (strcmp(cols[0], "features") == 0 && nc == 2) {
            declared = g_ascii_strtoll(cols[1], NULL, 10);
            continue;
        }
        if (strcmp(cols[0], "scale") == 0 && nc == 2) {
            if (!parse_double(cols[1], &m->scale) || m->scale <= 0)
                goto bad_number;
            continue;
        }
        if (strcmp(cols[0], "version") == 0 || strcmp(cols[0], "seed") == 0 ||
            strcmp(cols[0], "epochs") == 0 || strcmp(cols[0], "examples") == 0 ||
            strcmp(cols[0], "trainer") == 0 || strcmp(cols[0], "learning-rate") == 0 ||
            strcmp(cols[0], "l2") == 0)
            continue;
        if (strcmp(cols[0], "w") != 0 || nc != TP_CLASS_N + 2) {
            g_set_error(error, TP_ERROR, TP_ERROR_PARSE,
                        "%s:%u: expected 'w', a feature and %d weights", name, i + 1, TP_CLASS_N);
            goto fail;
        }
        double *w = (double *)m->weights.data + (gsize)n_feat * TP_CLASS_N;
        for (guint k = 0; k < TP_CLASS_N; k++) {
            if (!parse_double(cols[k + 2], &w[k]))
                goto bad_number;
        }
        const char *fname = cols[1];
        gsize flen = strlen(fname);
        if (flen == 0) {
            g_set_error(error, TP_ERROR, TP_ERROR_PARSE, "%s:%u: empty feature name", name, i + 1);
            goto fail;
        }
        guint64 h = tp_hash_bytes(fname, flen);
        FeatSlot *sl = model_slot(m, fname, flen, h);
        if (sl->name != 0) {
            g_set_error(error, TP_ERROR, TP_ERROR_PARSE, "%s:%u: feature '%s' given twice", name,
                        i + 1, cols[1]);
            goto fail;
        }
        guint32 off = m->names.bytes.len;
        memcpy((char *)m->names.bytes.data + off, fname, flen + 1);
        m->names.bytes.len += (guint32)flen + 1;
        *sl = (FeatSlot){off, (guint32)flen, (guint32)(h >> 32), n_feat};
        n_feat++;
        m->n_feat = n_feat;
        m->weights.len = n_feat * TP_CLASS_N;
        continue;
    bad_number:
        g_set_error(error, TP_ERROR, TP_ERROR_PARSE, "%s:%u: bad number", name, i + 1);
        goto fail;
    }
    if (!classes_ok)
        goto bad_classes;
    if (declared != (gint64)m->n_feat) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT,
                    "%s: 'features' says %" G_GINT64_FORMAT " but the file has %u", name, declared,
                    m->n_feat);
        goto fail;
    }
    return m;
bad_classes:
    g_set_error(error, TP_ERROR, TP_ERROR_FORMAT,
                "%s: expected the line 'classes\tnone\tperson\tplace\torganization'", name);
fail:
    tp_entity_model_free(m);
    return NULL;
}

TpEntityModel *tp_entity_model_load(const char *path, GError **error) {
    gsize len = 0;
    g_autofree char *text = tp_read_text(path, &len, error);
    if (text == NULL)
        return NULL;
    return tp_entity_model_parse(path, text, len, error);
}

void tp_entity_model_write(const TpEntityModel *model, TpImageWriter *w) {
    FeatMeta meta = {model->n_feat, model->slots.len, model->scale};
    tp_image_writer_add_copy(w, TP_SEC_ENTITY_META, &meta, sizeof meta);
    tp_image_writer_add_vec(w, TP_SEC_ENTITY_SLOTS, &model->slots, sizeof(FeatSlot));
    tp_image_writer_add_vec(w, TP_SEC_ENTITY_NAMES, &model->names.bytes, 1);
    tp_image_writer_add_vec(w, TP_SEC_ENTITY_WEIGHTS, &model->weights, sizeof(double));
}

TpEntityModel *tp_entity_model_from_image(const TpImage *img, gboolean *present, GError **error) {
    gsize len;
    *present = tp_image_section(img, TP_SEC_ENTITY_META, &len) != NULL;
    if (!*present)
        return NULL;
    TpEntityModel *m = g_new0(TpEntityModel, 1);
    TpVec meta = {0};
    if (!tp_image_vec(img, TP_SEC_ENTITY_META, sizeof(FeatMeta), &meta) || meta.len != 1 ||
        !tp_image_vec(img, TP_SEC_ENTITY_SLOTS, sizeof(FeatSlot), &m->slots) ||
        !tp_image_vec(img, TP_SEC_ENTITY_NAMES, 1, &m->names.bytes) ||
        !tp_image_vec(img, TP_SEC_ENTITY_WEIGHTS, sizeof(double), &m->weights) ||
        !tp_pool_valid(&m->names))
        goto bad;
    const FeatMeta *fm = meta.data;
    m->n_feat = fm->n_feat;
    m->scale = fm->scale;
    m->mask = m->slots.len - 1;
    /* A few thousand slots and weights: all checked here, so that a lookup
     * trusts them (a name inside the pool, a weight index in range, finite
     * weights; at least one slot empty, so that a probe ends). */
    if (fm->n_slots != m->slots.len || m->slots.len == 0 || (m->slots.len & m->mask) != 0 ||
        (guint64)m->n_feat * 2 > m->slots.len ||
        m->weights.len != (guint64)m->n_feat * TP_CLASS_N || !isfinite(m->scale) || m->scale <= 0)
        goto bad;
    const double *wv = m->weights.data;
    for (guint32 i = 0; i < m->weights.len; i++)
        if (!isfinite(wv[i]) || fabs(wv[i]) > 1e6)
            goto bad;
    guint32 used = 0;
    for (guint32 i = 0; i < m->slots.len; i++) {
        const FeatSlot *sl = &TP_VEC_AT(m->slots, FeatSlot, i);
        if (sl->name == 0)
            continue;
        used++;
        if ((guint64)sl->name + sl->len >= m->names.bytes.len || sl->w >= m->n_feat)
            goto bad;
    }
    if (used > m->n_feat)
        goto bad;
    return m;
bad:
    tp_entity_model_free(m);
    tp_image_fail(img, error, "entity model sections malformed");
    return NULL;
}

/* The best class other than none, and its margin over none. */
static void decide(TpCand *c) {
    c->cls = TP_CLASS_PERSON;
    for (int k = 2; k < TP_CLASS_N; k++)
        if (c->score[k] > c->score[c->cls])
            c->cls = (TpClass)k;
    c->margin = c->score[c->cls] - c->score[TP_CLASS_NONE];
}

void tp_entity_model_score(const TpEntityModel *model, const char *features, guint n, TpCand *c) {
    for (int k = 0; k < TP_CLASS_N; k++)
        c->score[k] = 0.0;
    const char *p = features;
    for (guint i = 0; i < n; i++) {
        gsize len = strlen(p);
        const double *w = model_weights(model, p, len);
        if (w)
            for (int k = 0; k < TP_CLASS_N; k++)
                c->score[k] += w[k];
        p += len + 1;
    }
    decide(c);
}

void tp_cand_score(const TpCandContext *cx, const TpCandDoc *doc, GArray *cands, guint ci,
                   const TpEntityModel *model, GString *scratch, TpFeatMemo *memo) {
    TpCand *c = &g_array_index(cands, TpCand, ci);
    /* Summed in feature order, as tp_entity_model_score does: the same doubles. */
    double score[TP_CLASS_N] = {0.0};
    if (memo && (memo->slots == NULL || memo->model != model))
        memo_reset(memo, model, MEMO_MIN_SLOTS);
    Feats f;
    feats_init(&f, NULL, scratch, model, score, memo);
    cand_features(cx, doc, cands, ci, &f);
    for (int k = 0; k < TP_CLASS_N; k++)
        c->score[k] = score[k];
    decide(c);
}

double tp_entity_model_confidence(const TpEntityModel *model, double margin) {
    double s = 1.0 / (1.0 + exp(-margin / model->scale));
    return floor(s * 1000.0 + 0.5) / 1000.0;
}

/* ---- resolution ---- */

static int cmp_margin(gconstpointer a, gconstpointer b) {
    const TpCand *x = a, *y = b;
    if (x->margin != y->margin)
        return x->margin > y->margin ? -1 : 1;
    guint lx = x->last - x->first, ly = y->last - y->first;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    return cmp_cand(a, b);
}

void tp_cands_resolve(GArray *cands, GByteArray *taken, guint n_tok) {
    guint kept = 0;
    for (guint i = 0; i < cands->len; i++) {
        TpCand c = g_array_index(cands, TpCand, i);
        if (c.margin > 0)
            g_array_index(cands, TpCand, kept++) = c;
    }
    g_array_set_size(cands, kept);
    tp_array_sort_stable(cands, sizeof(TpCand), cmp_margin);
    G_STATIC_ASSERT(G_STRUCT_OFFSET(TpCand, first) == 0 && G_STRUCT_OFFSET(TpCand, last) == 4);
    tp_keep_free_spans(cands, taken, n_tok);
    tp_array_sort_stable(cands, sizeof(TpCand), cmp_cand);
}
