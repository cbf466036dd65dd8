/* SPDX-License-Identifier: MIT */
/* tp_tagger.c: the knowledge bundle, tagging one text, and resolving overlapping matches. */

#include "tp_private.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(tp - error - quark, tp_error)

/* One proposed entity: a gazetteer match (value != NO_MATCH) or a heuristic. */
#define NO_MATCH G_MAXUINT32
typedef struct {
    guint32 first;
    guint32 last;
    guint32 value;     /* gazetteer value, or NO_MATCH */
    guint32 heuristic; /* index into TpTagger.heuristics when value == NO_MATCH */
    double weight;     /* among candidates of one span */
} Candidate;

struct TpTagger {
    const TpKnowledge *k;
    TpTokens tt;
    GArray *matches;    /* TpGazMatch */
    GArray *chosen;     /* Candidate */
    GArray *heuristics; /* TpHeuristic */
    GArray *entities;   /* TpEntity */
    GString *shape;
    GByteArray *taken;      /* per token: part of a kept gazetteer match */
    GStringChunk *strings;  /* names and ids made for this text */
    TpTopicScratch *topics; /* NULL without a topic model */
};

TpKnowledge *tp_knowledge_new(void) {
    TpKnowledge *k = g_new0(TpKnowledge, 1);
    k->gaz = tp_gazetteer_new();
    return k;
}

void tp_knowledge_free(TpKnowledge *knowledge) {
    if (knowledge == NULL)
        return;
    tp_gazetteer_free(knowledge->gaz);
    tp_topic_model_free(knowledge->topics);
    g_free(knowledge);
}

gboolean tp_knowledge_load_file(TpKnowledge *knowledge, const char *path, GError **error) {
    g_return_val_if_fail(knowledge != NULL && path != NULL, FALSE);
    return tp_gazetteer_load(knowledge->gaz, path, error);
}

static int cmp_path(gconstpointer a, gconstpointer b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static gboolean load_tsv_files(TpKnowledge *knowledge, const char *dir, gboolean must_exist,
                               GError **error) {
    GError *io = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &io);
    if (d == NULL) {
        if (!must_exist && g_error_matches(io, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            g_error_free(io);
            return TRUE;
        }
        g_set_error(error, TP_ERROR, TP_ERROR_IO, "%s", io->message);
        g_error_free(io);
        return FALSE;
    }
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
        if (g_str_has_suffix(name, ".tsv"))
            g_ptr_array_add(names, g_build_filename(dir, name, NULL));
    /* Name order, so that loading (and so tie-breaking) is the same everywhere. */
    g_ptr_array_sort(names, cmp_path);
    for (guint i = 0; i < names->len; i++)
        if (!tp_knowledge_load_file(knowledge, g_ptr_array_index(names, i), error))
            return FALSE;
    return TRUE;
}

gboolean tp_knowledge_load_dir(TpKnowledge *knowledge, const char *dir, GError **error) {
    g_return_val_if_fail(knowledge != NULL && dir != NULL, FALSE);
    if (!load_tsv_files(knowledge, dir, TRUE, error))
        return FALSE;
    g_autofree char *lex = g_build_filename(dir, "lexicon", NULL);
    return load_tsv_files(knowledge, lex, FALSE, error);
}

gboolean tp_knowledge_load_topic_model(TpKnowledge *knowledge, const char *path, GError **error) {
    g_return_val_if_fail(knowledge != NULL && path != NULL, FALSE);
    TpTopicModel *m = tp_topic_model_load(path, error);
    if (m == NULL)
        return FALSE;
    tp_topic_model_free(knowledge->topics);
    knowledge->topics = m;
    return TRUE;
}

void tp_knowledge_describe(const TpKnowledge *knowledge, GString *out) {
    g_return_if_fail(knowledge != NULL && out != NULL);
    tp_gazetteer_describe(knowledge->gaz, out);
}

TpTagger *tp_tagger_new(const TpKnowledge *knowledge, GError **error) {
    g_return_val_if_fail(knowledge != NULL, NULL);
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
    t->chosen = g_array_new(FALSE, FALSE, sizeof(Candidate));
    t->heuristics = g_array_new(FALSE, FALSE, sizeof(TpHeuristic));
    t->entities = g_array_new(FALSE, FALSE, sizeof(TpEntity));
    t->shape = g_string_new(NULL);
    t->taken = g_byte_array_new();
    t->strings = g_string_chunk_new(4096);
    t->topics = topics;
    return t;
}

void tp_tagger_free(TpTagger *tagger) {
    if (tagger == NULL)
        return;
    tp_tokens_clear(&tagger->tt);
    g_array_free(tagger->matches, TRUE);
    g_array_free(tagger->chosen, TRUE);
    g_array_free(tagger->heuristics, TRUE);
    g_array_free(tagger->entities, TRUE);
    g_string_free(tagger->shape, TRUE);
    g_byte_array_free(tagger->taken, TRUE);
    g_string_chunk_free(tagger->strings);
    tp_topic_scratch_free(tagger->topics);
    g_free(tagger);
}

void tp_tagger_reset(TpTagger *tagger) {
    g_return_if_fail(tagger != NULL);
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

/* ---- resolving matches ---- */

static const TpGazEntry *value_entry(const TpTagger *t, guint32 value) {
    const TpGazetteer *gaz = t->k->gaz;
    return tp_gazetteer_entry(gaz, tp_gazetteer_value(gaz, value)->entry);
}

/* How much a match is worth against others on the same span: the entry's
 * prior, then exact-case evidence. */
static double match_weight(const TpTagger *t, const TpGazMatch *m) {
    const TpGazValue *v = tp_gazetteer_value(t->k->gaz, m->value);
    double w = value_entry(t, m->value)->prior;
    if (v->flags & TP_ALIAS_EXACT)
        w += 0.01;
    return w;
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

/* The one overlap rule set: for each span its best gazetteer entry; then all
 * candidates, gazetteer and heuristic alike, longest first, each kept unless
 * it overlaps one kept before. */
static void resolve_overlaps(TpTagger *t) {
    GArray *cands = t->chosen;
    g_array_set_size(cands, 0);
    for (guint i = 0; i < t->matches->len; i++) {
        const TpGazMatch *m = &g_array_index(t->matches, TpGazMatch, i);
        Candidate c = {m->first, m->last, m->value, 0, match_weight(t, m)};
        Candidate *last = cands->len ? &g_array_index(cands, Candidate, cands->len - 1) : NULL;
        if (last && last->first == c.first && last->last == c.last) {
            if (c.weight > last->weight)
                *last = c;
            continue;
        }
        g_array_append_val(cands, c);
    }
    for (guint i = 0; i < t->heuristics->len; i++) {
        const TpHeuristic *h = &g_array_index(t->heuristics, TpHeuristic, i);
        Candidate c = {h->first, h->last, NO_MATCH, i, h->score};
        g_array_append_val(cands, c);
    }
    g_array_sort(cands, cmp_candidate);

    guint n_tok = t->tt.toks->len;
    g_byte_array_set_size(t->taken, n_tok);
    guint8 *taken = t->taken->data;
    if (n_tok)
        memset(taken, 0, n_tok);
    guint kept = 0;
    for (guint i = 0; i < cands->len; i++) {
        Candidate c = g_array_index(cands, Candidate, i);
        gboolean free_span = TRUE;
        for (guint k = c.first; k <= c.last && free_span; k++)
            free_span = !taken[k];
        if (!free_span)
            continue;
        memset(taken + c.first, 1, c.last - c.first + 1);
        g_array_index(cands, Candidate, kept++) = c;
    }
    g_array_set_size(cands, kept);
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
        !(tp_tok(tt, first)->flags & TP_TOK_NL) &&
        (tp_gazetteer_lexicon(t->k->gaz, tp_tok_key(tt, prev)) & TP_LEX_HONORIFIC))
        return k;
    return first;
}

/* Confidence of a gazetteer match: longer and exact-case matches are surer;
 * a common word that passed its checks is the least sure. */
static double match_score(const TpTagger *t, const Candidate *m) {
    const TpGazValue *v = tp_gazetteer_value(t->k->gaz, m->value);
    if (v->flags & TP_ALIAS_COMMON)
        return 0.6;
    if ((v->flags & TP_ALIAS_EXACT) || m->last > m->first)
        return 0.9;
    return 0.8;
}

static int cmp_entity(gconstpointer a, gconstpointer b) {
    const TpEntity *x = a, *y = b;
    if (x->start_byte != y->start_byte)
        return x->start_byte < y->start_byte ? -1 : 1;
    if (x->end_byte != y->end_byte)
        return x->end_byte < y->end_byte ? -1 : 1;
    return (int)x->type - (int)y->type;
}

gboolean tp_tagger_tag_text(TpTagger *tagger, const char *text, gssize len,
                            const TpEntity **out_entities, gsize *out_n, GError **error) {
    g_return_val_if_fail(tagger != NULL && text != NULL, FALSE);
    g_return_val_if_fail(out_entities != NULL && out_n != NULL, FALSE);
    gsize n = len < 0 ? strlen(text) : (gsize)len;
    const char *bad = NULL;
    if (!g_utf8_validate_len(text, n, &bad)) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "invalid UTF-8 at byte %" G_GSIZE_FORMAT,
                    (gsize)(bad - text));
        return FALSE;
    }
    if (n >= G_MAXUINT32) {
        g_set_error(error, TP_ERROR, TP_ERROR_LIMIT,
                    "text of %" G_GSIZE_FORMAT " bytes is longer than 4 GiB", n);
        return FALSE;
    }

    tp_tokenize(&tagger->tt, text, n);
    g_array_set_size(tagger->matches, 0);
    tp_gazetteer_match(tagger->k->gaz, text, &tagger->tt, tagger->shape, tagger->matches);
    g_string_chunk_clear(tagger->strings);
    g_array_set_size(tagger->heuristics, 0);
    tp_heuristics_bylines(text, &tagger->tt, tagger->strings, tagger->heuristics);
    resolve_overlaps(tagger);

    g_array_set_size(tagger->entities, 0);
    for (guint i = 0; i < tagger->chosen->len; i++) {
        const Candidate *c = &g_array_index(tagger->chosen, Candidate, i);
        TpEntity ent = {.source = "gazetteer"};
        guint first = c->first;
        if (c->value != NO_MATCH) {
            const TpGazEntry *e = value_entry(tagger, c->value);
            ent.type = e->type;
            ent.name = e->name;
            ent.id = e->id;
            ent.country = e->country;
            ent.score = match_score(tagger, c);
        } else {
            const TpHeuristic *h = &g_array_index(tagger->heuristics, TpHeuristic, c->heuristic);
            ent.type = h->type;
            ent.name = h->name;
            ent.id = h->id;
            ent.source = "heuristic";
            ent.score = h->score;
        }
        if (tagger->topics)
            tp_topic_add_entity(tagger->topics, ent.type,
                                c->value != NO_MATCH ? value_entry(tagger, c->value)->kind : NULL,
                                ent.id);
        if (ent.type == TP_ENTITY_PERSON)
            first = extend_honorific(tagger, first);
        const TpToken *a = tp_tok(&tagger->tt, first), *b = tp_tok(&tagger->tt, c->last);
        ent.start_byte = a->start;
        ent.end_byte = b->end;
        ent.start_cp = a->start_cp;
        ent.end_cp = b->end_cp;
        g_array_append_val(tagger->entities, ent);
    }
    g_array_sort(tagger->entities, cmp_entity);

    if (tagger->topics)
        tp_topic_add_tokens(tagger->topics, text, &tagger->tt);

    *out_entities = (const TpEntity *)tagger->entities->data;
    *out_n = tagger->entities->len;
    return TRUE;
}
