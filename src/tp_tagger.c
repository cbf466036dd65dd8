/* SPDX-License-Identifier: MIT */
/* tp_tagger.c: tagging one text: matches, names, offices, one
 * overlap resolution, mentions linked across the document. */

#include "tp_sort.h"
#include "tp_candidates.h"
#include "tp_image.h"
#include "tp_tunables.h"

#include <math.h>
#include <string.h>

/* clang-format off */
G_DEFINE_QUARK(tp-error-quark, tp_error)
/* clang-format on */

/* A name kept for the text: from a gazetteer match or a heuristic, possibly
 * relabelled by the document's other mentions. */
#define NO_MATCH G_MAXUINT32
typedef struct {
    guint32 first;
    guint32 last;
    guint32 value; /* gazetteer value, or NO_MATCH for a heuristic */
    double weight; /* among candidates of one span */
    TpEntityType type;
    const char *name;
    const char *id;
    const char *country;
    const char *kind;
    const char *source;
    double score;
} Candidate;

/* What the document has said about a name so far: "Healey" is John Healey. */
typedef struct {
    TpEntityType type;
    const char *name;
    const char *id;
    const char *country;
} DocName;

struct TpTagger {
    const TpKnowledge *k;
    TpTokens tt;
    GArray *matches;     /* TpGazMatch: every gazetteer match */
    GArray *gaz_kept;    /* TpGazMatch: the gazetteer's own resolution, offices aside */
    GArray *match_start; /* guint32 per token: index of `matches` */
    GArray *kept_start;  /* guint32 per token: index of `gaz_kept` */
    GArray *cands;       /* Candidate */
    GArray *heuristics;  /* TpHeuristic */
    GArray *spans;       /* TpCand: every span that could be a name (fitted typing) */
    TpCandDoc *cand_doc;
    TpFeatMemo *memo;        /* the entity model's features by key */
    TpWordCache *word_cache; /* the gazetteer's words met lately */
    GString *features;
    GArray *offices;        /* TpOffice */
    GArray *entities;       /* TpEntity */
    GPtrArray *office_refs; /* the persons' `offices` arrays point in here */
    GString *shape;
    GByteArray *gaz_taken;
    GByteArray *off_taken;
    GByteArray *taken;
    GStringChunk *strings;  /* names and ids made for the document */
    GHashTable *doc_names;  /* folded surname or acronym -> DocName */
    TpTopicScratch *topics; /* NULL without a topic model */
    TpLineSummary line;     /* what the last tp_tagger_tag_line() wrote */
};

TpLineSummary *tp_tagger_line_slot(TpTagger *tagger) {
    return &tagger->line;
}

void tp_tagger_line_summary(const TpTagger *tagger, TpLineSummary *summary) {
    g_return_if_fail(tagger != NULL && summary != NULL);
    *summary = tagger->line;
}

TpTagger *tp_tagger_new(const TpKnowledge *knowledge, GError **error) {
    g_return_val_if_fail(knowledge != NULL, NULL);
    tp_knowledge_finish(knowledge);
    TpTopicScratch *topics = NULL;
    if (knowledge->topics) {
        topics = tp_topic_scratch_new(knowledge->topics, error);
        if (topics == NULL)
            return NULL;
    }
    TpTagger *t = g_new0(TpTagger, 1);
    t->k = knowledge;
    tp_tokens_init(&t->tt);
    t->matches = g_array_new(FALSE, FALSE, sizeof(TpGazMatch));
    t->gaz_kept = g_array_new(FALSE, FALSE, sizeof(TpGazMatch));
    t->match_start = g_array_new(FALSE, FALSE, sizeof(guint32));
    t->kept_start = g_array_new(FALSE, FALSE, sizeof(guint32));
    t->cands = g_array_new(FALSE, FALSE, sizeof(Candidate));
    t->heuristics = g_array_new(FALSE, FALSE, sizeof(TpHeuristic));
    t->spans = g_array_new(FALSE, FALSE, sizeof(TpCand));
    t->cand_doc = tp_cand_doc_new();
    t->memo = tp_feat_memo_new();
    t->word_cache = tp_word_cache_new();
    t->features = g_string_new(NULL);
    t->offices = g_array_new(FALSE, FALSE, sizeof(TpOffice));
    t->entities = g_array_new(FALSE, FALSE, sizeof(TpEntity));
    t->office_refs = g_ptr_array_new();
    t->shape = g_string_new(NULL);
    t->gaz_taken = g_byte_array_new();
    t->off_taken = g_byte_array_new();
    t->taken = g_byte_array_new();
    /* The document's strings (names, ids), until tp_tagger_reset. Added with
     * g_string_chunk_insert, not _insert_const: nothing compares them by
     * address, and the dedup's hash table was 2% of a line's instructions on
     * real news. */
    t->strings = g_string_chunk_new(4096);
    t->doc_names = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    t->topics = topics;
    return t;
}

void tp_tagger_free(TpTagger *tagger) {
    if (tagger == NULL)
        return;
    tp_tokens_clear(&tagger->tt);
    g_array_free(tagger->matches, TRUE);
    g_array_free(tagger->gaz_kept, TRUE);
    g_array_free(tagger->match_start, TRUE);
    g_array_free(tagger->kept_start, TRUE);
    g_array_free(tagger->cands, TRUE);
    g_array_free(tagger->heuristics, TRUE);
    g_array_free(tagger->spans, TRUE);
    tp_cand_doc_free(tagger->cand_doc);
    tp_feat_memo_free(tagger->memo);
    tp_word_cache_free(tagger->word_cache);
    g_string_free(tagger->features, TRUE);
    g_array_free(tagger->offices, TRUE);
    g_array_free(tagger->entities, TRUE);
    g_ptr_array_free(tagger->office_refs, TRUE);
    g_string_free(tagger->shape, TRUE);
    g_byte_array_free(tagger->gaz_taken, TRUE);
    g_byte_array_free(tagger->off_taken, TRUE);
    g_byte_array_free(tagger->taken, TRUE);
    g_string_chunk_free(tagger->strings);
    g_hash_table_destroy(tagger->doc_names);
    tp_topic_scratch_free(tagger->topics);
    g_free(tagger);
}

void tp_tagger_reset(TpTagger *tagger) {
    g_return_if_fail(tagger != NULL);
    g_hash_table_remove_all(tagger->doc_names);
    g_string_chunk_clear(tagger->strings);
    if (tagger->topics)
        tp_topic_scratch_reset(tagger->topics);
}

const TpTopic *tp_tagger_topics(TpTagger *tagger, double min_score, gsize max, gsize *out_n) {
    g_return_val_if_fail(tagger != NULL && out_n != NULL, NULL);
    if (tagger->topics == NULL) {
        *out_n = 0;
        return NULL;
    }
    return tp_topic_scores(tagger->topics, min_score, max, out_n);
}

void tp_tagger_explain_topics(TpTagger *tagger, gsize max_topics, gsize max_features,
                              GString *out) {
    g_return_if_fail(tagger != NULL && out != NULL);
    if (tagger->topics)
        tp_topic_explain(tagger->topics, max_topics, max_features, out);
}

/* ---- resolving matches ---- */

static int cmp_match_first(gconstpointer a, gconstpointer b) {
    const TpGazMatch *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x->last < y->last ? -1 : (x->last > y->last);
}

/* The entry a gazetteer value names ("same-as" entries stand for their target). */
static const TpGazEntry *value_entry(const TpTagger *t, guint32 value) {
    const TpGazetteer *gaz = t->k->gaz;
    return tp_gazetteer_canonical(gaz,
                                  tp_gazetteer_entry(gaz, tp_gazetteer_value(gaz, value)->entry));
}

/* Longest first; on equal length the heavier, then the leftmost. */
static int cmp_candidate(gconstpointer a, gconstpointer b) {
    const Candidate *x = a, *y = b;
    guint lx = x->last - x->first, ly = y->last - y->first;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return 0;
}

/* Keep candidates longest first, each unless it overlaps one kept before;
 * `taken` marks the tokens of the kept ones. */
static void keep_longest(GArray *cands, GByteArray *taken, guint n_tok) {
    G_STATIC_ASSERT(G_STRUCT_OFFSET(Candidate, first) == 0 &&
                    G_STRUCT_OFFSET(Candidate, last) == 4);
    tp_array_sort_stable(cands, sizeof(Candidate), cmp_candidate);
    tp_keep_free_spans(cands, taken, n_tok);
}

void tp_keep_free_spans(GArray *spans, GByteArray *taken, guint n_tok) {
    guint size = g_array_get_element_size(spans);
    g_byte_array_set_size(taken, n_tok);
    if (n_tok)
        memset(taken->data, 0, n_tok);
    guint kept = 0;
    for (guint i = 0; i < spans->len; i++) {
        char *el = spans->data + (gsize)i * size;
        TpSpan sp;
        memcpy(&sp, el, sizeof sp);
        gboolean free_span = TRUE;
        for (guint k = sp.first; k <= sp.last && free_span; k++)
            free_span = !taken->data[k];
        if (!free_span)
            continue;
        memset(taken->data + sp.first, 1, sp.last - sp.first + 1);
        if (kept != i)
            memcpy(spans->data + (gsize)kept * size, el, size);
        kept++;
    }
    g_array_set_size(spans, kept);
}

/* Confidence of a gazetteer match: longer and exact-case matches are surer;
 * a common word that passed its checks is the least sure. */
static double match_score(const TpTagger *t, const TpGazMatch *m) {
    const TpGazValue *v = tp_gazetteer_value(t->k->gaz, m->value);
    if (v->flags & TP_ALIAS_COMMON)
        return TP_TUNE_MATCH_SCORE_COMMON;
    if ((v->flags & TP_ALIAS_EXACT) || m->last > m->first)
        return TP_TUNE_MATCH_SCORE_SURE;
    return TP_TUNE_MATCH_SCORE;
}

/* The gazetteer's names (offices aside): for each span its best entry (prior,
 * then exact case), then longest first. */
static void gazetteer_candidates(TpTagger *t, GArray *out) {
    g_array_set_size(out, 0);
    for (guint i = 0; i < t->matches->len; i++) {
        const TpGazMatch *m = &g_array_index(t->matches, TpGazMatch, i);
        const TpGazEntry *e = value_entry(t, m->value);
        if (e->type == TP_ENTITY_OFFICE)
            continue;
        const TpGazValue *v = tp_gazetteer_value(t->k->gaz, m->value);
        Candidate c = {
            .first = m->first,
            .last = m->last,
            .value = m->value,
            .weight = e->prior + ((v->flags & TP_ALIAS_EXACT) ? TP_TUNE_EXACT_CASE_BONUS : 0.0),
            .type = e->type,
            .name = tp_gazetteer_str(t->k->gaz, e->name),
            .id = tp_gazetteer_str(t->k->gaz, e->id),
            .country = tp_gazetteer_str(t->k->gaz, e->country),
            .kind = tp_gazetteer_str(t->k->gaz, e->kind),
            .source = "gazetteer",
            .score = match_score(t, m),
        };
        Candidate *last = out->len ? &g_array_index(out, Candidate, out->len - 1) : NULL;
        if (last && last->first == c.first && last->last == c.last) {
            if (c.weight > last->weight)
                *last = c;
            continue;
        }
        g_array_append_val(out, c);
    }
    keep_longest(out, t->gaz_taken, t->tt.toks->len);
}

/* ---- one entity across its mentions ---- */

static guint word_count(const TpTokens *tt, guint a, guint b) {
    guint n = 0;
    for (guint i = a; i <= b; i++)
        n += (tp_tok(tt, i)->flags & TP_TOK_WORD) != 0;
    return n;
}

/* Remember the document's full names by their last word ("John Healey" ->
 * "healey"), and acronyms defined in brackets ("... Organization (NATO)"). */
static void register_names(TpTagger *t) {
    const TpTokens *tt = &t->tt;
    guint n = tt->toks->len;
    for (guint i = 0; i < t->cands->len; i++) {
        const Candidate *c = &g_array_index(t->cands, Candidate, i);
        const char *key = NULL;
        if (c->type == TP_ENTITY_PERSON && word_count(tt, c->first, c->last) >= 2)
            key = tp_tok_key(tt, tp_tok(tt, c->last));
        else if (c->type == TP_ENTITY_ORGANIZATION && c->last + 3 < n + 0 &&
                 strcmp(tp_tok_key(tt, tp_tok(tt, c->last + 1)), "(") == 0 &&
                 strcmp(tp_tok_key(tt, tp_tok(tt, c->last + 3)), ")") == 0 &&
                 (tp_tok(tt, c->last + 2)->flags & TP_TOK_ALLCAPS))
            key = tp_tok_key(tt, tp_tok(tt, c->last + 2));
        if (key == NULL || g_hash_table_contains(t->doc_names, key))
            continue;
        DocName *d = g_new(DocName, 1);
        *d = (DocName){c->type, c->name, c->id, c->country};
        g_hash_table_insert(t->doc_names, g_string_chunk_insert(t->strings, key), d);
    }
}

/* A one-word mention takes the entity of the document's full name it ends:
 * "Healey" and "Mr Healey" are John Healey, "Moore" in a text by Henry Moore
 * is not the town of Moore. Countries, exact-case matches and places after a
 * preposition of place keep their gazetteer reading. */
static void link_mentions(TpTagger *t) {
    const TpTokens *tt = &t->tt;
    for (guint i = 0; i < t->cands->len; i++) {
        Candidate *c = &g_array_index(t->cands, Candidate, i);
        if (word_count(tt, c->first, c->last) != 1)
            continue;
        const DocName *d = g_hash_table_lookup(t->doc_names, tp_tok_key(tt, tp_tok(tt, c->first)));
        if (d == NULL || (c->id && strcmp(c->id, d->id) == 0))
            continue;
        if (c->value != NO_MATCH) {
            const TpGazValue *v = tp_gazetteer_value(t->k->gaz, c->value);
            if ((v->flags & TP_ALIAS_EXACT) || (c->kind && (strcmp(c->kind, "country") == 0 ||
                                                            strcmp(c->kind, "subdivision") == 0)))
                continue;
            /* "in Washington": a preposition of place keeps the place reading. */
            if (c->type == TP_ENTITY_PLACE && c->first > 0 &&
                tp_is_place_preposition(tt, c->first - 1))
                continue;
        }
        c->type = d->type;
        c->name = d->name;
        c->id = d->id;
        c->country = d->country;
        c->kind = NULL;
        c->score = MAX(c->score, TP_TUNE_MENTION_SCORE);
    }
}

/* A person's honorific just before the name belongs to the mention ("Mr
 * Trump", "Sir Keir Starmer", "Dr. Tedros"). Returns the first token. */
static guint extend_honorific(const TpTagger *t, guint first) {
    const TpTokens *tt = &t->tt;
    if (first == 0)
        return first;
    guint k = first - 1;
    const TpToken *prev = tp_tok(tt, k);
    if (!(prev->flags & TP_TOK_WORD) && k > 0 && prev->end - prev->start == 1 &&
        tt->keys->str[prev->key] == '.' && !(prev->flags & TP_TOK_SPACE)) {
        k--; /* "Mr." */
        prev = tp_tok(tt, k);
    }
    if ((prev->flags & TP_TOK_WORD) && (prev->flags & TP_TOK_CAP) &&
        !(tp_tok(tt, first)->flags & TP_TOK_NL) && (prev->lex & TP_LEX_HONORIFIC))
        return k;
    return first;
}

/* A gazetteer alias that is also an ordinary word or name ("~Moore", "~Police")
 * needs support beyond its capital: a place a preposition before it ("in
 * Reading"), a person the document's full name or an honorific before it
 * ("Mr Trump"). Unsupported ones are dropped. */
static void confirm_common_words(TpTagger *t) {
    const TpTokens *tt = &t->tt;
    guint kept = 0;
    for (guint i = 0; i < t->cands->len; i++) {
        Candidate c = g_array_index(t->cands, Candidate, i);
        gboolean keep = TRUE;
        if (c.value != NO_MATCH && c.source[0] == 'g' && word_count(tt, c.first, c.last) == 1 &&
            (tp_gazetteer_value(t->k->gaz, c.value)->flags & TP_ALIAS_COMMON)) {
            const TpGazEntry *e = value_entry(t, c.value);
            if (strcmp(c.id, tp_gazetteer_str(t->k->gaz, e->id)) != 0)
                keep = TRUE; /* relabelled by the document already */
            else if (e->type == TP_ENTITY_PLACE)
                keep = c.first > 0 && tp_is_place_preposition(tt, c.first - 1);
            else if (e->type == TP_ENTITY_PERSON) {
                const DocName *d =
                    g_hash_table_lookup(t->doc_names, tp_tok_key(tt, tp_tok(tt, c.first)));
                keep = (d && strcmp(d->id, c.id) == 0) || extend_honorific(t, c.first) != c.first;
            }
        }
        if (keep)
            g_array_index(t->cands, Candidate, kept++) = c;
    }
    g_array_set_size(t->cands, kept);
}

/* A capitalized word that no candidate covers but that the document has
 * named in full ("John Oyelaran ... Oyelaran left") is a mention of it. */
static void add_doc_mentions(TpTagger *t) {
    const TpTokens *tt = &t->tt;
    guint n = tt->toks->len;
    if (g_hash_table_size(t->doc_names) == 0)
        return;
    guint8 *taken = t->taken->data;
    if (n)
        memset(taken, 0, n);
    for (guint i = 0; i < t->cands->len; i++) {
        const Candidate *c = &g_array_index(t->cands, Candidate, i);
        memset(taken + c->first, 1, c->last - c->first + 1);
    }
    for (guint i = 0; i < n; i++) {
        const TpToken *tok = tp_tok(tt, i);
        if (taken[i] || !(tok->flags & TP_TOK_WORD) || !(tok->flags & TP_TOK_CAP) ||
            (tok->flags & TP_TOK_DIGIT))
            continue;
        /* Inside a longer capitalized name ("Oyelaran Street") it is not the
         * person; with the fitted typing, an ordinary word opening the
         * sentence ("Later Oyelaran") is no part of a name (the hand-set
         * typing keeps its earlier behaviour). */
        const TpToken *prev = i > 0 ? tp_tok(tt, i - 1) : NULL;
        gboolean sent_word = prev && t->k->entities && (prev->flags & TP_TOK_SENT) &&
                             (prev->lex & (TP_LEX_COMMON | TP_LEX_STOPWORD));
        if ((prev && (prev->flags & TP_TOK_CAP) && !taken[i - 1] &&
             !(tp_gazetteer_lexicon(t->k->gaz, tp_tok_key(tt, prev)) & TP_LEX_HONORIFIC) &&
             !sent_word) ||
            (i + 1 < n && (tp_tok(tt, i + 1)->flags & TP_TOK_CAP) &&
             (tp_tok(tt, i + 1)->flags & TP_TOK_WORD) && !taken[i + 1]))
            continue;
        const DocName *d = g_hash_table_lookup(t->doc_names, tp_tok_key(tt, tok));
        if (d == NULL)
            continue;
        Candidate c = {.first = i,
                       .last = i,
                       .value = NO_MATCH,
                       .type = d->type,
                       .name = d->name,
                       .id = d->id,
                       .country = d->country,
                       .source = "heuristic",
                       .score = TP_TUNE_DOC_MENTION_SCORE};
        g_array_append_val(t->cands, c);
        taken[i] = 1;
    }
}

/* Sports results name teams after their towns: "CHICAGO 5 Houston 3",
 * "Surrey 305 and 202-5", "Barcelona beat Madrid". A town (not a country:
 * national sides stay places, as news and CoNLL have them) followed by a
 * score, or joined to another by "v"/"beat", is an organization. */
static void sports_teams(TpTagger *t) {
    const TpTokens *tt = &t->tt;
    guint n = tt->toks->len;
    for (guint i = 0; i < t->cands->len; i++) {
        Candidate *c = &g_array_index(t->cands, Candidate, i);
        if (c->type != TP_ENTITY_PLACE || (c->kind && strcmp(c->kind, "country") == 0))
            continue;
        gboolean team = FALSE;
        if (c->last + 1 < n) {
            const TpToken *nx = tp_tok(tt, c->last + 1);
            team = (nx->flags & TP_TOK_DIGIT) && nx->end - nx->start <= 3 &&
                   !(c->last + 2 < n && strcmp(tp_tok_key(tt, tp_tok(tt, c->last + 2)), "%") == 0);
        }
        team = team || (c->last + 1 < n && tp_tok_has(tt, c->last + 1, TP_LEX_VERSUS)) ||
               (c->first > 0 && tp_tok_has(tt, c->first - 1, TP_LEX_VERSUS));
        if (!team)
            continue;
        c->type = TP_ENTITY_ORGANIZATION;
        c->id = tp_local_id(t->strings, TP_ENTITY_ORGANIZATION, c->name);
        c->kind = "club";
        c->source = "heuristic";
        c->score = TP_TUNE_TEAM_SCORE;
    }
}

static int cmp_entity(gconstpointer a, gconstpointer b) {
    const TpEntity *x = a, *y = b;
    if (x->start_byte != y->start_byte)
        return x->start_byte < y->start_byte ? -1 : 1;
    if (x->end_byte != y->end_byte)
        return x->end_byte < y->end_byte ? -1 : 1;
    return (int)x->type - (int)y->type;
}

static TpEntity make_entity(const TpTagger *t, guint first, guint last, TpEntityType type) {
    const TpToken *a = tp_tok(&t->tt, first), *b = tp_tok(&t->tt, last);
    return (TpEntity){.type = type,
                      .start_byte = a->start,
                      .end_byte = b->end,
                      .start_cp = a->start_cp,
                      .end_cp = b->end_cp};
}

/* The gazetteer's own resolution of the names (its candidates kept
 * longest first in t->cands and t->gaz_taken), as matches indexed in `out`. */
static void gazetteer_reading(TpTagger *tagger, TpMatchIndex *out) {
    GArray *gaz = tagger->cands;
    gazetteer_candidates(tagger, gaz);
    g_array_set_size(tagger->gaz_kept, 0);
    for (guint i = 0; i < gaz->len; i++) {
        const Candidate *c = &g_array_index(gaz, Candidate, i);
        TpGazMatch m = {c->first, c->last, c->value,
                        tp_gazetteer_value_type(tagger->k->gaz, c->value)};
        g_array_append_val(tagger->gaz_kept, m);
    }
    tp_array_sort_stable(tagger->gaz_kept, sizeof(TpGazMatch), cmp_match_first);
    *out = (TpMatchIndex){tagger->gaz_kept, tagger->kept_start};
    tp_match_index_build(out, tagger->tt.toks->len);
}

/* Steps 1 and 2 of tagging a text: tokens, gazetteer matches (`all` indexes
 * them), the gazetteer-only resolution (`kept`, unless NULL) and offices. */
static gboolean find_matches(TpTagger *tagger, const char *text, gssize len, gboolean valid,
                             TpMatchIndex *out_all, TpMatchIndex *out_kept, GError **error) {
    gsize n = len < 0 ? strlen(text) : (gsize)len;
    /* UTF-8 with NUL characters allowed: JSON's "\u0000" is a character of
     * the text (g_utf8_validate stops at one), and no token holds it. */
    for (const char *p = text, *end = text + n; !valid && p < end;) {
        const char *nul = memchr(p, '\0', (gsize)(end - p));
        const char *bad = NULL;
        if (!tp_utf8_validate_len(p, (gsize)((nul ? nul : end) - p), &bad)) {
            g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "invalid UTF-8 at byte %" G_GSIZE_FORMAT,
                        (gsize)(bad - text));
            return FALSE;
        }
        p = nul ? nul + 1 : end;
    }
    if (n >= G_MAXUINT32) {
        g_set_error(error, TP_ERROR, TP_ERROR_LIMIT,
                    "text of %" G_GSIZE_FORMAT " bytes is longer than 4 GiB", n);
        return FALSE;
    }
    TpTokens *tt = &tagger->tt;
    tp_tokenize(tt, text, n);
    tp_gazetteer_lexicon_tokens(tagger->k->gaz, tt, tagger->word_cache);
    guint n_tok = tt->toks->len;

    /* 1. Every gazetteer alias, and the gazetteer's own reading of the names
     * (`out_kept`: only the hand-set cues read it, not the entity model). */
    g_array_set_size(tagger->matches, 0);
    tp_gazetteer_match(tagger->k->gaz, text, tt, tagger->shape, tagger->matches);
    *out_all = (TpMatchIndex){tagger->matches, tagger->match_start};
    tp_match_index_build(out_all, n_tok);
    if (out_kept)
        gazetteer_reading(tagger, out_kept);

    /* 2. Offices, a layer of their own: "US" stays a place inside "US defence secretary". */
    g_array_set_size(tagger->offices, 0);
    tp_offices_find(tagger->k, text, tt, out_all, tagger->strings, tagger->offices);
    g_byte_array_set_size(tagger->off_taken, n_tok);
    if (n_tok)
        memset(tagger->off_taken->data, 0, n_tok);
    for (guint i = 0; i < tagger->offices->len; i++) {
        const TpOffice *o = &g_array_index(tagger->offices, TpOffice, i);
        memset(tagger->off_taken->data + o->word_first, 1, o->word_last - o->word_first + 1);
    }
    return TRUE;
}

/* The canonical surface of tokens [a, b]: their shapes, spaced as in the text. */
static const char *span_name(TpTagger *t, const char *text, guint a, guint b) {
    g_autoptr(GString) s = g_string_new(NULL);
    for (guint i = a; i <= b; i++) {
        const TpToken *tok = tp_tok(&t->tt, i);
        if (i > a && (tok->flags & TP_TOK_SPACE))
            g_string_append_c(s, ' ');
        tp_text_shape(s, text + tok->start, tok->end - tok->start);
    }
    return g_string_chunk_insert(t->strings, s->str);
}

/* Every span that could be a name, with its features prepared. */
static void find_candidates(TpTagger *t, const char *text, const TpMatchIndex *all,
                            TpCandContext *cx) {
    *cx = (TpCandContext){
        t->k, text, &t->tt, all, t->off_taken->data, tp_cand_words(t->cand_doc, &t->tt)};
    g_array_set_size(t->heuristics, 0);
    tp_heuristics_bylines(text, &t->tt, t->strings, t->heuristics);
    tp_cands_build(cx, t->heuristics, t->spans);
    tp_cand_doc_prepare(t->cand_doc, cx, t->spans);
}

/* Steps 1 and 2 (the matches), then the candidates of `text`: what the
 * collectors below hand out one by one. `cx` points into `all`, which the
 * caller keeps while it reads `cx`. */
static gboolean text_candidates(TpTagger *tagger, const char *text, gssize len, TpMatchIndex *all,
                                TpCandContext *cx, GError **error) {
    if (!find_matches(tagger, text, len, FALSE, all, NULL, error))
        return FALSE;
    find_candidates(tagger, text, all, cx);
    return TRUE;
}

gboolean tp_tagger_collect_candidates(TpTagger *tagger, const char *text, gssize len,
                                      TpCandFunc func, gpointer data, GError **error) {
    g_return_val_if_fail(tagger != NULL && text != NULL && func != NULL, FALSE);
    TpMatchIndex all;
    TpCandContext cx;
    if (!text_candidates(tagger, text, len, &all, &cx, error))
        return FALSE;
    for (guint i = 0; i < tagger->spans->len; i++) {
        const TpCand *c = &g_array_index(tagger->spans, TpCand, i);
        guint nf = tp_cand_features(&cx, tagger->cand_doc, tagger->spans, i, tagger->features);
        func(tp_tok(&tagger->tt, c->first)->start_cp, tp_tok(&tagger->tt, c->name_first)->start_cp,
             tp_tok(&tagger->tt, c->last)->end_cp, tagger->features->str, nf, data);
    }
    return TRUE;
}

gboolean tp_tagger_collect_scored(TpTagger *tagger, const char *text, gssize len, TpScoredFunc func,
                                  gpointer data, GError **error) {
    g_return_val_if_fail(tagger != NULL && text != NULL && func != NULL, FALSE);
    g_return_val_if_fail(tagger->k->entities != NULL, FALSE);
    TpMatchIndex all;
    TpCandContext cx;
    if (!text_candidates(tagger, text, len, &all, &cx, error))
        return FALSE;
    for (guint i = 0; i < tagger->spans->len; i++) {
        tp_cand_score(&cx, tagger->cand_doc, tagger->spans, i, tagger->k->entities,
                      tagger->features, tagger->memo);
        const TpCand *c = &g_array_index(tagger->spans, TpCand, i);
        double score[TP_CLASS_N];
        memcpy(score, c->score, sizeof score);
        guint nf = tp_cand_features(&cx, tagger->cand_doc, tagger->spans, i, tagger->features);
        func(tagger->features->str, nf, score, data);
    }
    return TRUE;
}

const TpFeatMemo *tp_tagger_feat_memo(const TpTagger *tagger) {
    return tagger->memo;
}

/* Steps 3 and 4 with the fitted model: every candidate scored, the best
 * non-overlapping ones kept. */
static void fitted_names(TpTagger *t, const char *text, const TpMatchIndex *all) {
    const TpEntityModel *model = t->k->entities;
    TpCandContext cx;
    find_candidates(t, text, all, &cx);
    for (guint i = 0; i < t->spans->len; i++)
        tp_cand_score(&cx, t->cand_doc, t->spans, i, model, t->features, t->memo);
    tp_cands_resolve(t->spans, t->taken, t->tt.toks->len);
    g_array_set_size(t->cands, 0);
    for (guint i = 0; i < t->spans->len; i++) {
        const TpCand *sc = &g_array_index(t->spans, TpCand, i);
        TpEntityType type = tp_class_type(sc->cls);
        /* The honorific of a person is added back at output (extend_honorific). */
        guint first = type == TP_ENTITY_PERSON ? sc->name_first : sc->first;
        Candidate c = {.first = first,
                       .last = sc->last,
                       .value = NO_MATCH,
                       .weight = sc->margin,
                       .type = type,
                       .score = tp_entity_model_confidence(model, sc->margin)};
        if (sc->value[sc->cls] != TP_CAND_NO_VALUE) {
            const TpGazEntry *e = value_entry(t, sc->value[sc->cls]);
            c.value = sc->value[sc->cls];
            c.name = tp_gazetteer_str(t->k->gaz, e->name);
            c.id = tp_gazetteer_str(t->k->gaz, e->id);
            c.country = tp_gazetteer_str(t->k->gaz, e->country);
            c.kind = tp_gazetteer_str(t->k->gaz, e->kind);
            c.source = "gazetteer";
        } else {
            c.name = span_name(t, text, first, sc->last);
            c.id = tp_local_id(t->strings, type, c.name);
            c.source = "heuristic";
        }
        g_array_append_val(t->cands, c);
    }
}

/* 3-4 without the entity model: names the gazetteers lack, from cues and
 * bylines, then one overlap resolution over gazetteer and heuristic names. */
static void hand_typed_names(TpTagger *t, const char *text, const TpMatchIndex *kept) {
    const TpTokens *tt = &t->tt;
    g_array_set_size(t->heuristics, 0);
    tp_heuristics_bylines(text, tt, t->strings, t->heuristics);
    tp_heuristics_names(t->k, text, tt, t->gaz_taken->data, kept, t->off_taken->data, t->strings,
                        t->heuristics);
    for (guint i = 0; i < t->heuristics->len; i++) {
        const TpHeuristic *h = &g_array_index(t->heuristics, TpHeuristic, i);
        Candidate c = {.first = h->first,
                       .last = h->last,
                       .value = NO_MATCH,
                       .weight = h->score,
                       .type = h->type,
                       .name = h->name,
                       .id = h->id,
                       .source = "heuristic",
                       .score = h->score};
        g_array_append_val(t->cands, c);
    }
    keep_longest(t->cands, t->taken, tt->toks->len);
}

/* 5. One entity across its mentions. */
static void resolve_mentions(TpTagger *t, gboolean fitted) {
    register_names(t);
    link_mentions(t);
    if (!fitted)
        confirm_common_words(t);
    add_doc_mentions(t);
    if (!fitted)
        sports_teams(t);
}

/* What becomes of each kept name: where its mention starts (a person's
 * honorific included), whether it is written at all, its first office. */
typedef struct {
    guint first;
    gboolean dropped;
    gint first_office; /* index into the offices, or -1 */
} Mention;

/* Each office's holder (a candidate, or -1) and the holder's next office. */
typedef struct {
    gint holder;
    gint next;
} OfficeLink;

/* 6a. The mentions: a person's start moves back over its honorific, and an
 * honorific the gazetteer read as something else ("Mrs" as a party's short
 * name) is dropped: it belongs to the person it introduces, one or two
 * tokens later ("Mrs Oyelaran", "Mrs. Oyelaran"). */
static void find_mentions(const TpTagger *t, Mention *m) {
    guint nc = t->cands->len, n_tok = t->tt.toks->len;
    g_autofree gint *at_first = g_new(gint, n_tok + 1); /* per token: candidate starting there */
    for (guint i = 0; i <= n_tok; i++)
        at_first[i] = -1;
    for (guint i = 0; i < nc; i++) {
        const Candidate *c = &g_array_index(t->cands, Candidate, i);
        m[i] = (Mention){c->type == TP_ENTITY_PERSON ? extend_honorific(t, c->first) : c->first,
                         FALSE, -1};
        at_first[c->first] = (gint)i;
    }
    for (guint i = 0; i < nc; i++) {
        const Candidate *c = &g_array_index(t->cands, Candidate, i);
        for (guint d = 1; d <= 2 && c->first == c->last && c->first + d < n_tok; d++) {
            gint j = at_first[c->first + d];
            /* (one dropped already, earlier in the list, drops no other) */
            if (j >= 0 && ((guint)j > i || !m[j].dropped) && m[j].first <= c->first)
                m[i].dropped = TRUE;
        }
    }
}

/* 6b. Each office's holder among the persons mentioned (tp_offices_link),
 * and per person its offices in text order (a list through `links`). */
static void link_holders(TpTagger *t, Mention *m, OfficeLink *links) {
    guint nc = t->cands->len, no = t->offices->len, n_tok = t->tt.toks->len;
    g_autofree gint *person_from = g_new(gint, n_tok + 1);
    g_autofree gint *person_to = g_new(gint, n_tok + 1);
    g_autofree const char **country = g_new(const char *, nc + 1);
    g_autofree gint *holder_of = g_new(gint, no + 1);
    for (guint i = 0; i <= n_tok; i++)
        person_from[i] = person_to[i] = -1;
    for (guint i = 0; i < nc; i++) {
        const Candidate *c = &g_array_index(t->cands, Candidate, i);
        country[i] = c->country;
        if (c->type == TP_ENTITY_PERSON && !m[i].dropped) {
            person_from[m[i].first] = (gint)i;
            person_to[c->last] = (gint)i;
        }
    }
    tp_offices_link(t->k, &t->tt, t->offices, person_from, person_to, country, holder_of);
    for (gint o = (gint)no - 1; o >= 0; o--) {
        links[o] = (OfficeLink){holder_of[o], -1};
        if (holder_of[o] >= 0) {
            links[o].next = m[holder_of[o]].first_office;
            m[holder_of[o]].first_office = o;
        }
    }
}

/* 6c. The entities, names and offices, in text order; each also a cue of
 * the document's topics. */
static void write_entities(TpTagger *t, const Mention *m, const OfficeLink *links) {
    guint nc = t->cands->len, no = t->offices->len;
    /* The persons' office lists live in one array, sized once so no pointer moves. */
    g_ptr_array_set_size(t->office_refs, 0);
    g_ptr_array_set_size(t->office_refs, no + nc);
    guint next_ref = 0;
    g_array_set_size(t->entities, 0);
    for (guint i = 0; i < nc; i++) {
        const Candidate *c = &g_array_index(t->cands, Candidate, i);
        if (m[i].dropped)
            continue;
        TpEntity e = make_entity(t, m[i].first, c->last, c->type);
        e.name = c->name;
        e.id = c->id;
        e.country = c->country;
        e.source = c->source;
        e.score = c->score;
        if (c->type == TP_ENTITY_PERSON) {
            e.offices = (const char *const *)t->office_refs->pdata + next_ref;
            for (gint o = m[i].first_office; o >= 0; o = links[o].next)
                t->office_refs->pdata[next_ref + e.n_offices++] =
                    (gpointer)g_array_index(t->offices, TpOffice, o).id;
            next_ref += e.n_offices;
            if (e.n_offices == 0)
                e.offices = NULL;
        }
        if (t->topics)
            tp_topic_add_entity(t->topics, e.type, c->kind, e.id);
        g_array_append_val(t->entities, e);
    }
    for (guint o = 0; o < no; o++) {
        const TpOffice *off = &g_array_index(t->offices, TpOffice, o);
        TpEntity e = make_entity(t, off->first, off->last, TP_ENTITY_OFFICE);
        e.name = off->name;
        e.id = off->id;
        e.country = off->country;
        e.source = "gazetteer";
        e.score = off->score;
        if (links[o].holder >= 0)
            e.holder = g_array_index(t->cands, Candidate, links[o].holder).id;
        if (t->topics)
            tp_topic_add_entity(t->topics, e.type, NULL, e.id);
        g_array_append_val(t->entities, e);
    }
    tp_array_sort_stable(t->entities, sizeof(TpEntity), cmp_entity);
}

static gboolean tag_text(TpTagger *tagger, const char *text, gssize len, gboolean valid,
                         const TpEntity **out_entities, gsize *out_n, GError **error) {
    /* 1-2. Tokens, gazetteer matches and offices. */
    TpMatchIndex all, kept;
    gboolean fitted = tagger->k->entities != NULL;
    if (!find_matches(tagger, text, len, valid, &all, fitted ? NULL : &kept, error))
        return FALSE;
    /* 3-4. The names: one fitted decision per candidate, or the hand-set cues. */
    if (fitted)
        fitted_names(tagger, text, &all);
    else
        hand_typed_names(tagger, text, &kept);
    resolve_mentions(tagger, fitted);
    /* 6. Entities, offices and their holders. */
    g_autofree Mention *mentions = g_new(Mention, tagger->cands->len + 1);
    g_autofree OfficeLink *links = g_new(OfficeLink, tagger->offices->len + 1);
    find_mentions(tagger, mentions);
    link_holders(tagger, mentions, links);
    write_entities(tagger, mentions, links);
    if (tagger->topics)
        tp_topic_add_tokens(tagger->topics, text, &tagger->tt);
    *out_entities = (const TpEntity *)tagger->entities->data;
    *out_n = tagger->entities->len;
    return TRUE;
}

gboolean tp_tagger_tag_text(TpTagger *tagger, const char *text, gssize len,
                            const TpEntity **out_entities, gsize *out_n, GError **error) {
    g_return_val_if_fail(tagger != NULL && text != NULL, FALSE);
    g_return_val_if_fail(out_entities != NULL && out_n != NULL, FALSE);
    return tag_text(tagger, text, len, FALSE, out_entities, out_n, error);
}

gboolean tp_tagger_tag_valid_text(TpTagger *tagger, const char *text, gsize len,
                                  const TpEntity **out_entities, gsize *out_n, GError **error) {
    return tag_text(tagger, text, (gssize)len, TRUE, out_entities, out_n, error);
}
