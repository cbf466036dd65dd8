/* SPDX-License-Identifier: MIT */
/* tp_link.c: offices ("US defence secretary") and their canonical forms. */

#include "tp_private.h"

#include <string.h>

/* An office as parsed from words: the country it belongs to (or NULL), its
 * portfolio and office word, both canonical (lexicon `canonical=`). */
typedef struct {
    const char *country;
    const char *portfolio;
    const char *word;
    guint32 end; /* last token of the parse */
    gboolean modifier;
} OfficeParse;

/* Heads of state and government: "the president" alone is an office. */
static const char *const head_words[] = {"president", "prime minister", "chancellor", "premier",
                                         "king",      "queen",          "pope",       NULL};

static const TpLexWord *lexword_at(const TpKnowledge *k, const TpTokens *tt, guint i, guint span,
                                   GString *buf) {
    if (i + span > tt->toks->len)
        return NULL;
    g_string_truncate(buf, 0);
    for (guint j = i; j < i + span; j++) {
        if (j > i)
            g_string_append_c(buf, ' ');
        g_string_append(buf, tp_tok_key(tt, tp_tok(tt, j)));
    }
    return tp_gazetteer_lexword(k->gaz, buf->str);
}

/* The lexicon entry of class `cls` at token i, two words before one ("prime
 * minister", "foreign affairs"); its length in tokens in *out_span. */
static const TpLexWord *class_at(const TpKnowledge *k, const TpTokens *tt, guint i, guint32 cls,
                                 guint *out_span, GString *buf) {
    for (guint span = 2; span >= 1; span--) {
        const TpLexWord *w = lexword_at(k, tt, i, span, buf);
        if (w && (w->classes & cls)) {
            *out_span = span;
            return w;
        }
    }
    return NULL;
}

/* A country named at token i by a gazetteer match ("US", "Ukraine") or a
 * demonym ("British"); its last token in *out_last. */
static const char *country_at(const TpKnowledge *k, const TpTokens *tt, const TpMatchIndex *ix,
                              guint i, guint *out_last, GString *buf) {
    for (guint m = tp_match_begin(ix, i); m < tp_match_begin(ix, i + 1); m++) {
        const TpGazMatch *gm = &g_array_index(ix->matches, TpGazMatch, m);
        const TpGazEntry *e =
            tp_gazetteer_entry(k->gaz, tp_gazetteer_value(k->gaz, gm->value)->entry);
        if (e->type == TP_ENTITY_PLACE && e->kind && strcmp(e->kind, "country") == 0 &&
            e->country) {
            *out_last = gm->last;
            return e->country;
        }
    }
    guint span;
    const TpLexWord *w = class_at(k, tt, i, TP_LEX_DEMONYM, &span, buf);
    if (w && w->country && (tp_tok(tt, i)->flags & TP_TOK_CAP)) {
        *out_last = i + span - 1;
        return w->country;
    }
    return NULL;
}

/* Parse "[the] [country] [portfolio...] office-word [of|for portfolio|country]"
 * from token i. */
static gboolean parse_office(const TpKnowledge *k, const TpTokens *tt, const TpMatchIndex *matches,
                             guint i, OfficeParse *out, GString *buf) {
    guint n = tt->toks->len;
    memset(out, 0, sizeof(*out));
    guint last;
    const char *cc = i < n ? country_at(k, tt, matches, i, &last, buf) : NULL;
    if (cc) {
        out->country = cc;
        out->modifier = TRUE;
        i = last + 1;
    }
    guint span;
    for (int p = 0; p < 2 && i < n; p++) {
        const TpLexWord *w = class_at(k, tt, i, TP_LEX_PORTFOLIO, &span, buf);
        if (w == NULL)
            break;
        /* A portfolio that is also the office word ("deputy") stays the word
         * when nothing follows. */
        guint span2;
        if (class_at(k, tt, i, TP_LEX_OFFICE_WORD, &span2, buf) &&
            !class_at(k, tt, i + span, TP_LEX_OFFICE_WORD, &span2, buf) &&
            !class_at(k, tt, i + span, TP_LEX_PORTFOLIO, &span2, buf))
            break;
        out->portfolio = w->canonical;
        i += span;
    }
    if (i >= n)
        return FALSE;
    const TpLexWord *w = class_at(k, tt, i, TP_LEX_OFFICE_WORD, &span, buf);
    if (w == NULL)
        return FALSE;
    out->word = w->canonical;
    out->end = i + span - 1;
    /* "Secretary of State for Defence", "Minister of Finance", "President of France". */
    guint j = out->end + 1;
    while (j + 1 < n && (strcmp(tp_tok_key(tt, tp_tok(tt, j)), "of") == 0 ||
                         strcmp(tp_tok_key(tt, tp_tok(tt, j)), "for") == 0)) {
        guint at = j + 1;
        if (at < n && strcmp(tp_tok_key(tt, tp_tok(tt, at)), "the") == 0)
            at++;
        const TpLexWord *pw = at < n ? class_at(k, tt, at, TP_LEX_PORTFOLIO, &span, buf) : NULL;
        const char *pc = (pw == NULL && at < n) ? country_at(k, tt, matches, at, &last, buf) : NULL;
        if (pw) {
            out->portfolio = pw->canonical;
            out->end = at + span - 1;
        } else if (pc && out->country == NULL) {
            out->country = pc;
            out->modifier = TRUE;
            out->end = last;
        } else {
            break;
        }
        j = out->end + 1;
    }
    return TRUE;
}

static char *office_key(const char *country, const OfficeParse *p) {
    return g_strdup_printf("%s|%s|%s", country ? country : "", p->portfolio ? p->portfolio : "",
                           p->word ? p->word : "");
}

void tp_offices_index(TpKnowledge *k) {
    if (k->offices)
        g_hash_table_destroy(k->offices);
    k->offices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const GArray *aliases = tp_gazetteer_office_aliases(k->gaz);
    TpTokens tt;
    tp_tokens_init(&tt);
    g_autoptr(GArray) matches = g_array_new(FALSE, FALSE, sizeof(TpGazMatch));
    g_autoptr(GString) buf = g_string_new(NULL);
    g_autoptr(GString) shape = g_string_new(NULL);
    g_autoptr(GArray) starts = g_array_new(FALSE, FALSE, sizeof(guint32));
    TpMatchIndex ix = {matches, starts};
    for (guint i = 0; i < aliases->len; i++) {
        const TpOfficeAlias *oa = &g_array_index(aliases, TpOfficeAlias, i);
        const TpGazEntry *e = tp_gazetteer_entry(k->gaz, oa->entry);
        tp_tokenize(&tt, oa->alias, strlen(oa->alias));
        g_array_set_size(matches, 0);
        tp_gazetteer_match(k->gaz, oa->alias, &tt, shape, matches);
        tp_match_index_build(&ix, tt.toks->len);
        OfficeParse p;
        guint start = (tt.toks->len && strcmp(tp_tok_key(&tt, tp_tok(&tt, 0)), "the") == 0);
        if (!parse_office(k, &tt, &ix, start, &p, buf) || p.end + 1 != tt.toks->len)
            continue;
        char *key = office_key(p.country ? p.country : e->country, &p);
        /* The first entry (in load order) keeps a key; a higher prior takes it over. */
        gpointer old = g_hash_table_lookup(k->offices, key);
        if (old == NULL || tp_gazetteer_entry(k->gaz, GPOINTER_TO_UINT(old) - 1)->prior < e->prior)
            g_hash_table_insert(k->offices, key, GUINT_TO_POINTER(oa->entry + 1));
        else
            g_free(key);
    }
    tp_tokens_clear(&tt);
}

static const char *title_case(GStringChunk *strings, const OfficeParse *p) {
    g_autoptr(GString) s = g_string_new(NULL);
    if (p->portfolio) {
        g_string_append(s, p->portfolio);
        g_string_append_c(s, ' ');
    }
    g_string_append(s, p->word);
    gboolean up = TRUE;
    for (gsize i = 0; i < s->len; i++) {
        if (up && g_ascii_islower(s->str[i]))
            s->str[i] = g_ascii_toupper(s->str[i]);
        up = s->str[i] == ' ' || s->str[i] == '-';
    }
    return g_string_chunk_insert_const(strings, s->str);
}

void tp_offices_find(const TpKnowledge *k, const char *text, const TpTokens *tt,
                     const TpMatchIndex *gaz_matches, GStringChunk *strings, GArray *out) {
    (void)text;
    guint n = tt->toks->len;
    g_autoptr(GString) buf = g_string_new(NULL);
    guint i = 0;
    while (i < n) {
        /* The longest gazetteer office starting here. */
        gint gaz_last = -1;
        const TpGazEntry *gaz_entry = NULL;
        for (guint m = tp_match_begin(gaz_matches, i); m < tp_match_begin(gaz_matches, i + 1);
             m++) {
            const TpGazMatch *gm = &g_array_index(gaz_matches->matches, TpGazMatch, m);
            const TpGazEntry *e =
                tp_gazetteer_entry(k->gaz, tp_gazetteer_value(k->gaz, gm->value)->entry);
            if (e->type == TP_ENTITY_OFFICE && (gint)gm->last > gaz_last) {
                gaz_last = (gint)gm->last;
                gaz_entry = e;
            }
        }
        OfficeParse p;
        /* Only a word the lexicons know, or a gazetteer name, can open an office. */
        gboolean may = gaz_entry != NULL ||
                       (tp_tok(tt, i)->lex &
                        (TP_LEX_DEMONYM | TP_LEX_PORTFOLIO | TP_LEX_OFFICE_WORD | TP_LEX_PHRASE)) ||
                       tp_match_begin(gaz_matches, i) < tp_match_begin(gaz_matches, i + 1);
        gboolean parsed = may && parse_office(k, tt, gaz_matches, i, &p, buf);
        if (parsed && !p.modifier && !p.portfolio) {
            /* A bare office word counts when it is a capitalized title before a
             * name ("President Trump") or a head of state after "the". */
            const TpToken *t = tp_tok(tt, i);
            gboolean head = FALSE;
            for (guint h = 0; head_words[h]; h++)
                head = head || strcmp(p.word, head_words[h]) == 0;
            gboolean titled = (t->flags & TP_TOK_CAP) && !(t->flags & TP_TOK_SENT) &&
                              p.end + 1 < n && (tp_tok(tt, p.end + 1)->flags & TP_TOK_CAP) &&
                              (tp_tok(tt, p.end + 1)->flags & TP_TOK_WORD);
            gboolean after_the = i > 0 && strcmp(tp_tok_key(tt, tp_tok(tt, i - 1)), "the") == 0;
            if (!(titled || (head && after_the)) && gaz_entry == NULL)
                parsed = FALSE;
        }
        if (!parsed && gaz_entry == NULL) {
            i++;
            continue;
        }
        guint last = parsed ? MAX((gint)p.end, gaz_last) : (guint)gaz_last;
        TpOffice o = {.first = i, .last = last, .score = 0.8};
        const TpGazEntry *e = NULL;
        if (parsed && (gint)p.end >= gaz_last) {
            g_autofree char *key = office_key(p.country, &p);
            gpointer hit = k->offices ? g_hash_table_lookup(k->offices, key) : NULL;
            if (hit == NULL && p.country == NULL && gaz_entry)
                e = gaz_entry;
            else if (hit)
                e = tp_gazetteer_entry(k->gaz, GPOINTER_TO_UINT(hit) - 1);
            if (e == NULL) {
                o.name = title_case(strings, &p);
                g_autofree char *slugged = g_strdup_printf("%s%s%s", p.country ? p.country : "",
                                                           p.country ? " " : "", o.name);
                const char *local = tp_local_id(strings, TP_ENTITY_OFFICE, slugged);
                /* Offices are facts of the world, not of this text: no "local:" prefix. */
                o.id = local + strlen("local:");
                o.country = p.country ? g_string_chunk_insert_const(strings, p.country) : NULL;
                o.score = 0.7;
            }
        } else {
            e = gaz_entry;
        }
        if (e) {
            o.name = e->name;
            o.id = e->id;
            o.country = e->country;
            o.score = 0.9;
        }
        g_array_append_val(out, o);
        i = last + 1;
    }
}
