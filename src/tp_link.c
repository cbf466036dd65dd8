/* SPDX-License-Identifier: MIT */
/* tp_link.c: offices ("US defence secretary") and their canonical forms. */

#include "tp_link.h"
#include "tp_knowledge.h"
#include "tp_tunables.h"

#include <string.h>

/* An office as parsed from words: the country it belongs to (or NULL), its
 * portfolio and office word, both canonical (lexicon `canonical=`). */
typedef struct {
    const char *country;
    const char *portfolio;
    const char *word;
    guint32 end; /* last token of the parse */
    gboolean modifier;
    guint32 of_country; /* first token of an "of" phrase naming the country, or 0 */
    guint32 of_body;    /* first token of an "of" phrase naming the body ("head of X"), or 0 */
} OfficeParse;

/* Heads of state and government: "the president" alone is an office. */
static const char *const head_words[] = {"president", "prime minister", "chancellor", "premier",
                                         "king",      "queen",          "pope",       NULL};

static gboolean key_is(const TpTokens *tt, guint i, const char *key) {
    return i < tt->toks->len && strcmp(tp_tok_key(tt, tp_tok(tt, i)), key) == 0;
}

static const TpLexWord *lexword_at(const TpKnowledge *k, const TpTokens *tt, guint i, guint span,
                                   GString *buf) {
    if (i + span > tt->toks->len)
        return NULL;
    /* One word is looked up by its key as it is; a phrase's words joined
     * by spaces on the stack when they fit (GString appends were most of
     * this function's time). A key is read up to a NUL, as a C string. */
    if (span == 1)
        return tp_gazetteer_lexword(k->gaz, tp_tok_key(tt, tp_tok(tt, i)));
    char stack[128];
    gsize len = 0;
    for (guint j = i; j < i + span && len < sizeof stack; j++) {
        const char *key = tp_tok_key(tt, tp_tok(tt, j));
        gsize n = strlen(key);
        if (len + n + 2 > sizeof stack) {
            len = sizeof stack;
            break;
        }
        if (j > i)
            stack[len++] = ' ';
        memcpy(stack + len, key, n);
        len += n;
    }
    if (len < sizeof stack) {
        stack[len] = '\0';
        return tp_gazetteer_lexword(k->gaz, stack);
    }
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
    /* A word token's interned `lex` holds all the lexicon classes of its key,
     * so it tells without a lookup whether a phrase can start there
     * (TP_LEX_PHRASE) and whether the word alone can be of class `cls`: most
     * calls need no string built and no lookup. Other tokens keep only their
     * function-word classes in `lex`, so they are looked up as before. */
    gboolean known = tt->interned && i < tt->toks->len && (tp_tok(tt, i)->flags & TP_TOK_WORD);
    guint32 lex = known ? tp_tok(tt, i)->lex : G_MAXUINT32;
    for (guint span = 2; span >= 1; span--) {
        if (!(lex & (span == 2 ? TP_LEX_PHRASE : cls)))
            continue;
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
                              guint i, guint *out_last, gboolean names_only, GString *buf) {
    /* The longest country reading, then the highest prior: "U.S." is an alias
     * of the US Virgin Islands too, but the United States first. */
    const TpGazEntry *best = NULL;
    guint best_last = 0;
    for (guint m = tp_match_begin(ix, i); m < tp_match_begin(ix, i + 1); m++) {
        const TpGazMatch *gm = &g_array_index(ix->matches, TpGazMatch, m);
        if (gm->type != TP_ENTITY_PLACE)
            continue;
        const TpGazEntry *e =
            tp_gazetteer_entry(k->gaz, tp_gazetteer_value(k->gaz, gm->value)->entry);
        if (e->kind && strcmp(tp_gazetteer_str(k->gaz, e->kind), "country") == 0 && e->country &&
            (best == NULL || gm->last > best_last ||
             (gm->last == best_last && e->prior > best->prior))) {
            best = e;
            best_last = gm->last;
        }
    }
    if (best) {
        *out_last = best_last;
        return tp_gazetteer_str(k->gaz, best->country);
    }
    guint span;
    const TpLexWord *w = names_only ? NULL : class_at(k, tt, i, TP_LEX_DEMONYM, &span, buf);
    if (w && w->country && (tp_tok(tt, i)->flags & TP_TOK_CAP)) {
        *out_last = i + span - 1;
        return tp_gazetteer_str(k->gaz, w->country);
    }
    return NULL;
}

/* Portfolios that name a body before an office word ("union leader") but
 * not after "of" ("head of the Union of X" names an organization). */
static const char *const body_portfolios[] = {
    "party",         "union",      "opposition", "rebel",        "guerrilla",
    "militant",      "separatist", "military",   "army",         "police",
    "navy",          "naval",      "air force",  "church",       "cabinet",
    "parliamentary", "majority",   "minority",   "central bank", NULL};

static gboolean word_in(const char *word, const char *const *list);

/* Parse "[the] [country] [portfolio...] office-word [of|for portfolio|country]"
 * from token i. */
static gboolean parse_office(const TpKnowledge *k, const TpTokens *tt, const TpMatchIndex *matches,
                             guint i, OfficeParse *out, GString *buf) {
    guint n = tt->toks->len;
    memset(out, 0, sizeof(*out));
    guint last;
    const char *cc = i < n ? country_at(k, tt, matches, i, &last, FALSE, buf) : NULL;
    guint span;
    if (cc) {
        out->country = cc;
        out->modifier = TRUE;
        i = last + 1;
    } else if (i < n && (tp_tok(tt, i)->flags & TP_TOK_CAP) &&
               class_at(k, tt, i, TP_LEX_DEMONYM, &span, buf)) {
        /* A demonym of no one state before a body word names that body's
         * people ("Chechen separatist military leader", "Kurdish rebel
         * leader"); alone it names no body ("Kurdish leader", GUIDELINE.md
         * section 3), so it opens the span only before a body portfolio. */
        guint span2;
        const TpLexWord *pw = class_at(k, tt, i + span, TP_LEX_PORTFOLIO, &span2, buf);
        if (pw && word_in(tp_gazetteer_str(k->gaz, pw->canonical), body_portfolios))
            i += span;
    }
    for (int p = 0; p < 3 && i < n; p++) {
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
        out->portfolio = tp_gazetteer_str(k->gaz, w->canonical);
        i += span;
        /* "Foreign and Defence Ministers": one span over both portfolios. */
        guint span3;
        if (i + 1 < n && key_is(tt, i, "and") &&
            class_at(k, tt, i + 1, TP_LEX_PORTFOLIO, &span3, buf)) {
            i++;
        }
    }
    if (i >= n)
        return FALSE;
    const TpLexWord *w = class_at(k, tt, i, TP_LEX_OFFICE_WORD, &span, buf);
    if (w == NULL)
        return FALSE;
    out->word = tp_gazetteer_str(k->gaz, w->canonical);
    out->end = i + span - 1;
    /* An abbreviated title keeps its full stop ("Gov.", "Sen.", GUIDELINE.md
     * section 2): a capitalized word of at most three letters, the stop
     * written right after it. */
    const TpToken *wt = tp_tok(tt, out->end);
    if (span == 1 && key_is(tt, out->end + 1, ".") &&
        !(tp_tok(tt, out->end + 1)->flags & TP_TOK_SPACE) && (wt->flags & TP_TOK_CAP) &&
        !(wt->flags & TP_TOK_ALLCAPS) && wt->end - wt->start <= 3)
        out->end++;
    /* "Secretary of State for Defence", "Minister of Finance", "President of France". */
    guint j = out->end + 1;
    while (j + 1 < n && (strcmp(tp_tok_key(tt, tp_tok(tt, j)), "of") == 0 ||
                         strcmp(tp_tok_key(tt, tp_tok(tt, j)), "for") == 0)) {
        guint at = j + 1;
        if (at < n && strcmp(tp_tok_key(tt, tp_tok(tt, at)), "the") == 0)
            at++;
        const TpLexWord *pw = at < n ? class_at(k, tt, at, TP_LEX_PORTFOLIO, &span, buf) : NULL;
        if (pw && word_in(tp_gazetteer_str(k->gaz, pw->canonical), body_portfolios))
            pw = NULL; /* "head of the Union of Populars": a name, no portfolio */
        const char *pc =
            (pw == NULL && at < n) ? country_at(k, tt, matches, at, &last, TRUE, buf) : NULL;
        if (pw) {
            out->portfolio = tp_gazetteer_str(k->gaz, pw->canonical);
            out->end = at + span - 1;
            /* "Minister of Trade and Industry" */
            guint span2;
            const TpLexWord *pw2 = class_at(k, tt, out->end + 2, TP_LEX_PORTFOLIO, &span2, buf);
            if (key_is(tt, out->end + 1, "and") && pw2 &&
                !word_in(tp_gazetteer_str(k->gaz, pw2->canonical), body_portfolios))
                out->end += 1 + span2;
        } else if (pc && out->country == NULL) {
            out->country = pc;
            out->modifier = TRUE;
            out->of_country = j;
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

/* The office index's record count in an image. */
typedef struct {
    guint32 count;
    guint32 pad;
} OfficesMeta;

void tp_office_index_write(const TpOfficeIndex *ix, TpImageWriter *w) {
    if (!ix->built)
        return;
    OfficesMeta meta = {ix->map.count, 0};
    tp_image_writer_add_copy(w, TP_SEC_OFFICES_META, &meta, sizeof meta);
    tp_image_writer_add_vec(w, TP_SEC_OFFICES_POOL, &ix->pool.bytes, 1);
    tp_image_writer_add_strmap(w, TP_SEC_OFFICES_MAP, &ix->map, &ix->pool);
}

gboolean tp_office_index_from_image(TpOfficeIndex *ix, const TpImage *img, guint32 n_entries,
                                    GError **error) {
    gsize len;
    const OfficesMeta *meta = tp_image_section(img, TP_SEC_OFFICES_META, &len);
    if (meta == NULL)
        return TRUE; /* not indexed */
    if (len != sizeof *meta)
        return tp_image_fail(img, error, "office index sections malformed or out of range");
    ix->map.count = meta->count;
    if (!tp_image_vec(img, TP_SEC_OFFICES_POOL, 1, &ix->pool.bytes) ||
        !tp_image_vec(img, TP_SEC_OFFICES_MAP, sizeof(TpStrSlot), &ix->map.slots) ||
        !tp_pool_valid(&ix->pool) || !tp_strmap_valid(&ix->map, n_entries))
        return tp_image_fail(img, error, "office index sections malformed or out of range");
    ix->built = TRUE;
    return TRUE;
}

void tp_office_index_clear(TpOfficeIndex *ix) {
    tp_pool_clear(&ix->pool);
    tp_strmap_clear(&ix->map);
    ix->built = FALSE;
}

/* The office entry of a "CC|portfolio|word" key, or NULL. */
static const TpGazEntry *office_lookup(const TpKnowledge *k, const char *key) {
    const guint32 *v = tp_strmap_get(&k->offices.map, &k->offices.pool, key);
    return v ? tp_gazetteer_entry(k->gaz, *v) : NULL;
}

void tp_offices_index(TpKnowledge *k) {
    tp_office_index_clear(&k->offices);
    tp_pool_init(&k->offices.pool);
    k->offices.built = TRUE;
    guint32 n_aliases;
    const TpOfficeAlias *aliases = tp_gazetteer_office_aliases(k->gaz, &n_aliases);
    TpTokens tt;
    tp_tokens_init(&tt);
    g_autoptr(GArray) matches = g_array_new(FALSE, FALSE, sizeof(TpGazMatch));
    g_autoptr(GString) buf = g_string_new(NULL);
    g_autoptr(GString) shape = g_string_new(NULL);
    g_autoptr(GArray) starts = g_array_new(FALSE, FALSE, sizeof(guint32));
    TpMatchIndex ix = {matches, starts};
    for (guint i = 0; i < n_aliases; i++) {
        const TpOfficeAlias *oa = &aliases[i];
        const TpGazEntry *e = tp_gazetteer_entry(k->gaz, oa->entry);
        const char *alias = tp_gazetteer_str(k->gaz, oa->alias);
        tp_tokenize(&tt, alias, strlen(alias));
        g_array_set_size(matches, 0);
        tp_gazetteer_match(k->gaz, alias, &tt, shape, matches);
        tp_match_index_build(&ix, tt.toks->len);
        OfficeParse p;
        guint start = (tt.toks->len && strcmp(tp_tok_key(&tt, tp_tok(&tt, 0)), "the") == 0);
        if (!parse_office(k, &tt, &ix, start, &p, buf) || p.end + 1 != tt.toks->len)
            continue;
        g_autofree char *key =
            office_key(p.country ? p.country : tp_gazetteer_str(k->gaz, e->country), &p);
        /* The first entry (in load order) keeps a key; a higher prior takes it over. */
        guint32 *old = tp_strmap_get_mut(&k->offices.map, &k->offices.pool, key);
        if (old == NULL)
            tp_strmap_put(&k->offices.map, &k->offices.pool, tp_pool_add(&k->offices.pool, key),
                          oa->entry);
        else if (tp_gazetteer_entry(k->gaz, *old)->prior < e->prior)
            *old = oa->entry;
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
    return g_string_chunk_insert(strings, s->str);
}

static gboolean word_in(const char *word, const char *const *list) {
    for (guint i = 0; word && list[i]; i++)
        if (strcmp(word, list[i]) == 0)
            return TRUE;
    return FALSE;
}

/* Parts of hyphenated titles around an office word. */
static const char *const hyphen_before[] = {"vice", "co", "deputy", "under", "chief", NULL};
static const char *const hyphen_after[] = {"in", "of", "chief", "staff", "general", "large", NULL};

/* "leader", "head", "chief", "boss" name an office only as the head of one body
 * that the phrase names: a country, a portfolio or body word ("opposition
 * leader", "army chief"), an organization ("FIFA boss") or an "of" phrase
 * ("head of the ILO"); never alone, never as a capitalized title ("Chief
 * Buthelezi", a traditional chief). GUIDELINE.md section 3. */
static const char *const body_words[] = {"leader", "head", "chief", "boss", NULL};

/* Words after "its leader" that leave "leader" a noun: "its leader said". */
static const char *const after_possessed[] = {"said", "says", "was",  "is",  "has",
                                              "had",  "and",  "will", "who", NULL};

/* Whether token t is a word after which a bare office word is the position
 * itself ("the minister said", "a new prime minister", "former president"):
 * the lexicon class office-modifier. */
static gboolean modifier_at(const TpTokens *tt, guint t) {
    return (tp_tok(tt, t)->lex & TP_LEX_OFFICE_MODIFIER) != 0;
}
/* and verbs of a change of state: "who became archbishop of Cincinnati" */
static const char *const become[] = {"became", "become", "becomes", NULL};

/* The longest gazetteer entry of `type` starting at token i; its last token in *out_last. */
static const TpGazEntry *entry_at(const TpKnowledge *k, const TpMatchIndex *ix, guint i,
                                  TpEntityType type, guint *out_last) {
    const TpGazEntry *best = NULL;
    for (guint m = tp_match_begin(ix, i); m < tp_match_begin(ix, i + 1); m++) {
        const TpGazMatch *gm = &g_array_index(ix->matches, TpGazMatch, m);
        if (gm->type != type)
            continue;
        const TpGazEntry *e =
            tp_gazetteer_entry(k->gaz, tp_gazetteer_value(k->gaz, gm->value)->entry);
        if (best == NULL || gm->last > *out_last) {
            best = e;
            *out_last = gm->last;
        }
    }
    return best;
}

/* An office word inside a longer name is no office: "Premier League", "General
 * Assembly", "Prime Minister's Office". True when an organization or place
 * match overlaps [first, last] and runs past it. */
static gboolean inside_name(const TpMatchIndex *ix, guint first, guint last) {
    guint from = first > 8 ? first - 8 : 0;
    for (guint t = from; t <= last; t++)
        for (guint m = tp_match_begin(ix, t); m < tp_match_begin(ix, t + 1); m++) {
            const TpGazMatch *gm = &g_array_index(ix->matches, TpGazMatch, m);
            if ((gm->type == TP_ENTITY_ORGANIZATION || gm->type == TP_ENTITY_PLACE) &&
                gm->last > last && gm->last >= first)
                return TRUE;
        }
    return FALSE;
}

/* "head of the International Labour Organisation": the body named after "of"
 * (a gazetteer name or a capitalized run) belongs to the span. The last token
 * of the phrase, or -1. */
static gint of_body(const TpKnowledge *k, const TpTokens *tt, const TpMatchIndex *ix, guint j) {
    guint n = tt->toks->len;
    if (!key_is(tt, j, "of"))
        return -1;
    guint at = j + 1;
    if (key_is(tt, at, "the"))
        at++;
    if (at >= n)
        return -1;
    guint last = 0;
    gint named = -1;
    if (entry_at(k, ix, at, TP_ENTITY_ORGANIZATION, &last) ||
        entry_at(k, ix, at, TP_ENTITY_PLACE, &last))
        named = (gint)last;
    /* A capitalized run, through "of" between capitalized words ("Union of Populars"). */
    gint end = -1;
    for (guint t = at; t < n && !(tp_tok(tt, t)->flags & TP_TOK_NL); t++) {
        const TpToken *tk = tp_tok(tt, t);
        if ((tk->flags & TP_TOK_CAP) && (tk->flags & TP_TOK_WORD))
            end = (gint)t;
        else if (!(end >= 0 && key_is(tt, t, "of") && t + 1 < n &&
                   (tp_tok(tt, t + 1)->flags & TP_TOK_CAP)))
            break;
    }
    return MAX(end, named);
}

/* Whether token t is a capitalized word. */
static gboolean cap_word(const TpTokens *tt, guint t) {
    return t < tt->toks->len && (tp_tok(tt, t)->flags & TP_TOK_CAP) &&
           (tp_tok(tt, t)->flags & TP_TOK_WORD);
}

/* Token t, capitalized, opens no name: a determiner, a stop word, or an
 * ordinary word at a sentence start ("Later", "Yesterday"). */
static gboolean opens_no_run(const TpTokens *tt, guint t) {
    const TpToken *tk = tp_tok(tt, t);
    return (tk->lex & (TP_LEX_OFFICE_MODIFIER | TP_LEX_STOPWORD)) ||
           ((tk->flags & TP_TOK_SENT) && (tk->lex & TP_LEX_COMMON) && !(tk->lex & TP_LEX_DEMONYM));
}

/* A capitalized run from token i (not a determiner, on one line) whose last
 * word before token `at` is an organization head word or legal-form suffix:
 * the name of a body the gazetteers do not know ("Panamanian Boxing
 * Association", "Federal Air Traffic Control Administration", "Pirelli SpA").
 * Its last token, or -1. */
static gint org_run(const TpTokens *tt, guint i) {
    guint n = tt->toks->len;
    if (!cap_word(tt, i) || opens_no_run(tt, i) ||
        (tp_tok(tt, i)->lex & (TP_LEX_OFFICE_WORD | TP_LEX_HONORIFIC)) ||
        (tp_tok(tt, i)->flags & TP_TOK_LINECAPS))
        return -1;
    /* the start of a run: no capitalized word before it on the line, but one
     * that opens no run ("The", "Later Boxing Association ...") */
    if (i > 0 && cap_word(tt, i - 1) && !(tp_tok(tt, i)->flags & TP_TOK_NL) &&
        !opens_no_run(tt, i - 1))
        return -1;
    gint last = -1;
    for (guint t = i; t < n && t < i + 8; t++) {
        if (t > i && (tp_tok(tt, t)->flags & TP_TOK_NL))
            break;
        if (!cap_word(tt, t) || (t > i && (tp_tok(tt, t)->lex & TP_LEX_OFFICE_WORD)))
            break;
        if (tp_tok(tt, t)->lex & (TP_LEX_ORG_HEAD | TP_LEX_ORG_SUFFIX))
            last = (gint)t;
    }
    return last;
}

/* "(PDI)" after the name of a body: its last token, or `t` - 1 when none. */
static guint bracketed_acronym(const TpTokens *tt, guint t) {
    if (t + 2 < tt->toks->len && key_is(tt, t, "(") && key_is(tt, t + 2, ")") &&
        (tp_tok(tt, t + 1)->flags & TP_TOK_ALLCAPS))
        return t + 2;
    return t - 1;
}

/* A name follows at token i: the next token starts a gazetteer person or is a
 * given name or surname of the lexicons. */
static gboolean name_at(const TpKnowledge *k, const TpTokens *tt, const TpMatchIndex *ix, guint i) {
    if (i >= tt->toks->len || !(tp_tok(tt, i)->flags & TP_TOK_CAP))
        return FALSE;
    guint last = 0;
    return entry_at(k, ix, i, TP_ENTITY_PERSON, &last) != NULL ||
           (tp_tok(tt, i)->lex & (TP_LEX_GIVEN_NAME | TP_LEX_SURNAME));
}

/* Whether the parse `p` at token i names an office on its own (`body`: an
 * organization before it names the body). One level of coordination: a bare
 * word before "and" and an office ("Chairman and chief executive X"). */
static gboolean office_accepted(const TpKnowledge *k, const TpTokens *tt, const TpMatchIndex *ix,
                                guint i, OfficeParse *p, gboolean body, gboolean coordinated,
                                GString *buf) {
    guint n = tt->toks->len;
    gboolean needs_body = word_in(p->word, body_words);
    /* "its leader", "their leader Rami al-Saadani": the possessor is the one
     * body (the singular only: "their leaders" names prominent people). */
    if (needs_body && i > 0 && p->end == i && word_in(tp_tok_key(tt, tp_tok(tt, i)), body_words) &&
        (key_is(tt, i - 1, "its") || key_is(tt, i - 1, "their")) &&
        (i + 1 >= n || !(tp_tok(tt, i + 1)->flags & TP_TOK_LOWER) ||
         word_in(tp_tok_key(tt, tp_tok(tt, i + 1)), after_possessed)))
        return TRUE; /* but "its chief agronomist": an adjective */
    if (needs_body && !p->modifier && !p->portfolio && !body) {
        gint end = of_body(k, tt, ix, p->end + 1);
        if (end < 0)
            return FALSE;
        p->of_body = p->end + 1;
        p->end = (guint)end;
        return TRUE;
    }
    if (p->modifier || p->portfolio || body)
        return TRUE;
    const TpToken *t = tp_tok(tt, i);
    /* A capitalized title before a name ("President Trump"); at a sentence start
     * only before a known name ("President Clinton said ..."). */
    gboolean next_cap = p->end + 1 < n && (tp_tok(tt, p->end + 1)->flags & TP_TOK_CAP) &&
                        (tp_tok(tt, p->end + 1)->flags & TP_TOK_WORD) &&
                        !(tp_tok(tt, p->end + 1)->lex & (TP_LEX_ORG_HEAD | TP_LEX_ORG_SUFFIX));
    gboolean titled = (t->flags & TP_TOK_CAP) && next_cap &&
                      (!(t->flags & TP_TOK_SENT) || name_at(k, tt, ix, p->end + 1));
    gboolean after_det =
        i > 0 && (modifier_at(tt, i - 1) || word_in(tp_tok_key(tt, tp_tok(tt, i - 1)), become));
    /* A party or other affiliation between: "the Conservative MP", but not a
     * word inside a longer name ("the Canton Metropolitan Statistical Area"). */
    if (!after_det && i > 1 && (tp_tok(tt, i - 1)->flags & TP_TOK_CAP) &&
        !(tp_tok(tt, i - 1)->flags & TP_TOK_SENT) && (!next_cap || name_at(k, tt, ix, p->end + 1)))
        after_det = modifier_at(tt, i - 2);
    /* A lower-case title before a name ("chief prosecutor Michel Bourlet"), and
     * apposition ("Mohammed Saleh, director of the Egyptian Museum"). */
    if (name_at(k, tt, ix, p->end + 1) && !(tp_tok(tt, p->end + 1)->flags & TP_TOK_NL))
        titled = TRUE;
    if (i > 0 && key_is(tt, i - 1, ",") &&
        (key_is(tt, p->end + 1, "of") || key_is(tt, p->end + 1, "at")))
        after_det = TRUE;
    /* The second half of a hyphenated title ("Vice-Chancellor") */
    if (i >= 2 && key_is(tt, i - 1, "-") && !(tp_tok(tt, i - 1)->flags & TP_TOK_SPACE) &&
        word_in(tp_tok_key(tt, tp_tok(tt, i - 2)), hyphen_before))
        titled = TRUE;
    /* An acronym is a title of its own ("CEO", "MP"), outside all-caps lines. */
    gboolean acronym = (t->flags & TP_TOK_ALLCAPS) && !(t->flags & TP_TOK_LINECAPS);
    if (titled || after_det || acronym)
        return TRUE;
    if (!coordinated && key_is(tt, p->end + 1, "and")) {
        OfficeParse q;
        if (parse_office(k, tt, ix, p->end + 2, &q, buf) &&
            (office_accepted(k, tt, ix, p->end + 2, &q, FALSE, TRUE, buf) ||
             name_at(k, tt, ix, q.end + 1)))
            return TRUE;
    }
    return FALSE;
}

void tp_offices_find(const TpKnowledge *k, const char *text, const TpTokens *tt,
                     const TpMatchIndex *gaz_matches, GStringChunk *strings, GArray *out) {
    (void)text;
    guint n = tt->toks->len;
    g_autoptr(GString) buf = g_string_new(NULL);
    guint i = 0;
    while (i < n) {
        /* Most tokens open nothing: no match starts there, no lexicon word
         * that may open an office, not capitalized (so no body's name and
         * no seat). The steps below would find nothing at them, one call
         * after another (a third of the offices' instructions). */
        if (tp_match_begin(gaz_matches, i) == tp_match_begin(gaz_matches, i + 1) &&
            !(tp_tok(tt, i)->lex &
              (TP_LEX_DEMONYM | TP_LEX_PORTFOLIO | TP_LEX_OFFICE_WORD | TP_LEX_PHRASE)) &&
            !cap_word(tt, i)) {
            i++;
            continue;
        }
        /* The longest gazetteer office starting here. */
        guint gaz_end = 0;
        const TpGazEntry *gaz_entry = entry_at(k, gaz_matches, i, TP_ENTITY_OFFICE, &gaz_end);
        gint gaz_last = gaz_entry ? (gint)gaz_end : -1;
        /* An organization before the office word names its body ("Air France
         * chairman", "FIFA boss"); the span keeps it. */
        guint org_last = 0;
        const TpGazEntry *org = entry_at(k, gaz_matches, i, TP_ENTITY_ORGANIZATION, &org_last);
        guint cc_last;
        if (org && country_at(k, tt, gaz_matches, i, &cc_last, FALSE, buf) && cc_last >= org_last)
            org = NULL; /* "Australia" is a country before a university */
        /* An organization's head word ends the name before it ("Black Panther
         * Party leader"): no office starts inside a name. */
        const TpToken *ti = tp_tok(tt, i);
        gboolean in_name = (ti->flags & TP_TOK_CAP) && (ti->lex & TP_LEX_ORG_HEAD) && i > 0 &&
                           (tp_tok(tt, i - 1)->flags & TP_TOK_CAP) &&
                           (tp_tok(tt, i - 1)->flags & TP_TOK_WORD);
        if (org && org_last + 1 < n && (tp_tok(tt, org_last + 1)->flags & TP_TOK_CAP) &&
            (tp_tok(tt, org_last + 1)->lex & TP_LEX_ORG_HEAD))
            org = NULL;
        OfficeParse p;
        gboolean parsed = FALSE, body = FALSE;
        /* the first token of the office words after the body, and the body's
         * name for the office's id */
        guint word_at = i;
        const char *body_name = NULL;
        g_autofree char *run_name = NULL;
        if (org) {
            word_at = bracketed_acronym(tt, org_last + 1) + 1;
            if (word_at < n && !(tp_tok(tt, word_at)->flags & TP_TOK_NL) &&
                parse_office(k, tt, gaz_matches, word_at, &p, buf) && !p.modifier &&
                (gint)p.end > gaz_last) {
                parsed = body = TRUE;
                body_name = tp_gazetteer_str(k->gaz, org->name);
            }
        }
        /* A body the gazetteers do not know, named by its head word or legal
         * form ("Panamanian Boxing Association President"). */
        gint run = (!parsed && org == NULL && gaz_entry == NULL) ? org_run(tt, i) : -1;
        if (run >= 0) {
            word_at = bracketed_acronym(tt, (guint)run + 1) + 1;
            if (word_at < n && !(tp_tok(tt, word_at)->flags & TP_TOK_NL) &&
                parse_office(k, tt, gaz_matches, word_at, &p, buf) && !p.modifier) {
                parsed = body = TRUE;
                const TpToken *a = tp_tok(tt, i), *b = tp_tok(tt, (guint)run);
                run_name = g_strndup(text + a->start, b->end - a->start);
                body_name = run_name;
            }
        }
        /* Only a word the lexicons know, or a gazetteer name, can open an office. */
        gboolean may = gaz_entry != NULL ||
                       (tp_tok(tt, i)->lex &
                        (TP_LEX_DEMONYM | TP_LEX_PORTFOLIO | TP_LEX_OFFICE_WORD | TP_LEX_PHRASE)) ||
                       tp_match_begin(gaz_matches, i) < tp_match_begin(gaz_matches, i + 1);
        /* "Board of Commissioners", "Council of Ministers": the office word
         * continues a name. */
        if (i >= 2 && (ti->flags & TP_TOK_CAP) &&
            (key_is(tt, i - 1, "of") || key_is(tt, i - 1, "for")) &&
            (tp_tok(tt, i - 2)->flags & TP_TOK_CAP) && (tp_tok(tt, i - 2)->lex & TP_LEX_ORG_HEAD))
            in_name = TRUE;
        if (!parsed) {
            word_at = i;
            parsed = may && !in_name && parse_office(k, tt, gaz_matches, i, &p, buf);
        }
        /* A place that is no country before the office words names its seat
         * ("Chicago Cardinal", "South Carolina Gov.", "the Moscow mayor"): the
         * span keeps it and the office takes its country; the office words
         * must stand as an office on their own (a title before a name, after
         * a determiner). */
        const TpGazEntry *seat = NULL;
        guint seat_last = 0;
        if (!parsed && !in_name && gaz_entry == NULL && cap_word(tt, i) &&
            !(tp_tok(tt, i)->flags & TP_TOK_LINECAPS))
            seat = entry_at(k, gaz_matches, i, TP_ENTITY_PLACE, &seat_last);
        /* A capitalized plural after a place names a team ("the St. Louis
         * Cardinals", "the Ottawa Senators"), not offices. */
        if (seat && seat_last + 1 < n && (tp_tok(tt, seat_last + 1)->flags & TP_TOK_CAP) &&
            g_str_has_suffix(tp_tok_key(tt, tp_tok(tt, seat_last + 1)), "s"))
            seat = NULL;
        /* nor is a one-word place that is also an ordinary word ("Can", "Reading":
         * in a title "Only God Can Judge Me" the word is the word) */
        if (seat && seat_last == i && (tp_tok(tt, i)->lex & TP_LEX_COMMON))
            seat = NULL;
        if (seat && seat_last + 1 < n && !(tp_tok(tt, seat_last + 1)->flags & TP_TOK_NL) &&
            parse_office(k, tt, gaz_matches, seat_last + 1, &p, buf) && !p.modifier &&
            office_accepted(k, tt, gaz_matches, i, &p, FALSE, FALSE, buf)) {
            parsed = TRUE;
            word_at = seat_last + 1;
            body_name = tp_gazetteer_str(k->gaz, seat->name);
            p.country = tp_gazetteer_str(k->gaz, seat->country);
        } else {
            seat = NULL;
        }
        gboolean raw = parsed; /* parsed, accepted or not: its words */
        if (parsed && !seat && !office_accepted(k, tt, gaz_matches, word_at, &p, body, FALSE, buf))
            parsed = FALSE;
        /* A one-word generic title of the gazetteers ("Governor", "King") obeys
         * the same rules as the lexicon's office words. */
        if (!parsed && gaz_entry && gaz_last == (gint)i && gaz_entry->kind &&
            strcmp(tp_gazetteer_str(k->gaz, gaz_entry->kind), "generic") == 0 &&
            gaz_entry->country == 0)
            gaz_entry = NULL;
        if (parsed && inside_name(gaz_matches, i, p.end))
            parsed = FALSE;
        if (!parsed && gaz_entry && inside_name(gaz_matches, i, (guint)gaz_last))
            gaz_entry = NULL;
        if (!parsed && gaz_entry == NULL) {
            i++;
            continue;
        }
        guint last = parsed ? MAX((gint)p.end, gaz_last) : (guint)gaz_last;
        /* "the speaker [of the Belarus parliament]", "Governor [of Washington]": an
         * office word on its own leaves the polity out of the span, keeping its
         * country (GUIDELINE.md section 2). */
        if (parsed && p.of_country > i && !word_in(p.word, body_words))
            last = p.of_country - 1;
        /* Hyphenated titles are one span: "Vice-Chancellor", "Commander-in-Chief",
         * "chief-of-staff" (the tokenizer splits at the hyphen). */
        guint first = i;
        if (first >= 2 && key_is(tt, first - 1, "-") &&
            !(tp_tok(tt, first - 1)->flags & TP_TOK_SPACE) &&
            !(tp_tok(tt, first)->flags & TP_TOK_SPACE) &&
            word_in(tp_tok_key(tt, tp_tok(tt, first - 2)), hyphen_before) &&
            (out->len == 0 || g_array_index(out, TpOffice, out->len - 1).last < first - 2))
            first -= 2;
        while (last + 2 < n && key_is(tt, last + 1, "-") &&
               !(tp_tok(tt, last + 1)->flags & TP_TOK_SPACE) &&
               !(tp_tok(tt, last + 2)->flags & TP_TOK_SPACE) &&
               word_in(tp_tok_key(tt, tp_tok(tt, last + 2)), hyphen_after))
            last += 2;
        /* The organization around the office word stays free for names. */
        TpOffice o = {.first = first,
                      .last = last,
                      .word_first = (body || seat) ? word_at : first,
                      .word_last = (parsed && p.of_body) ? p.of_body - 1 : last,
                      .score = TP_TUNE_OFFICE_SCORE};
        const TpGazEntry *e = NULL;
        if (parsed && (gint)p.end >= gaz_last) {
            o.word = p.word;
            o.portfolio = p.portfolio;
            g_autofree char *key = office_key(p.country, &p);
            const TpGazEntry *hit =
                (k->offices.built && !body && !seat) ? office_lookup(k, key) : NULL;
            if (hit == NULL && p.country == NULL && gaz_entry && !body)
                e = gaz_entry;
            else if (hit)
                e = hit;
            if (e == NULL) {
                o.name = title_case(strings, &p);
                g_autofree char *slugged =
                    g_strdup_printf("%s%s%s",
                                    body_name   ? body_name
                                    : p.country ? p.country
                                                : "",
                                    (body_name || p.country) ? " " : "", o.name);
                const char *local = tp_local_id(strings, TP_ENTITY_OFFICE, slugged);
                /* Offices are facts of the world, not of this text: no "local:" prefix. */
                o.id = local + strlen("local:");
                o.country = p.country ? g_string_chunk_insert(strings, p.country) : NULL;
                o.score = TP_TUNE_OFFICE_SCORE_LOCAL;
            }
        } else {
            e = gaz_entry;
            if (raw && (gint)p.end == gaz_last && !body) {
                o.word = p.word;
                o.portfolio = p.portfolio;
            }
        }
        if (e) {
            o.name = tp_gazetteer_str(k->gaz, e->name);
            o.id = tp_gazetteer_str(k->gaz, e->id);
            o.country = tp_gazetteer_str(k->gaz, e->country);
            o.score = TP_TUNE_OFFICE_SCORE_GAZETTEER;
        }
        if (first < i) {
            /* "Vice-Chancellor" is another office than "Chancellor" */
            g_autofree char *pre = g_strdup(tp_tok_key(tt, tp_tok(tt, first)));
            pre[0] = g_ascii_toupper(pre[0]);
            g_autofree char *name = g_strdup_printf("%s-%s", pre, o.name);
            g_autofree char *slugged =
                g_strdup_printf("%s%s%s", o.country ? o.country : "", o.country ? " " : "", name);
            o.name = g_string_chunk_insert(strings, name);
            o.id = tp_local_id(strings, TP_ENTITY_OFFICE, slugged) + strlen("local:");
            o.word = NULL;
        }
        g_array_append_val(out, o);
        i = last + 1;
    }
}

/* Verbs that link a person to an office they hold or take: "X is the foreign
 * minister", "George Bush became president", "X, who was also premier". */
static const char *const copulas[] = {"is",       "was",     "became", "becomes",   "remains",
                                      "remained", "been",    "be",     "served",    "serves",
                                      "who",      "elected", "named",  "appointed", NULL};
/* Verbs before "X office" that name X to it: "named Primakov foreign minister". */
static const char *const naming_verbs[] = {"named",  "appointed", "elected", "made",
                                           "making", "name",      "appoint", NULL};

static const char *const noun_complement[] = {"of", "to", "with", "by", "for", "'s", NULL};

static gint person_first(const gint *person_from, gint cand, guint last) {
    for (gint t = (gint)last; t >= 0 && (gint)last - t < 12; t--)
        if (person_from[t] == cand)
            return t;
    return -1;
}

void tp_offices_link(const TpKnowledge *k, const TpTokens *tt, GArray *offices,
                     const gint *person_from, const gint *person_to,
                     const char *const *person_country, gint *holder_of) {
    guint n = tt->toks->len;
    for (guint o = 0; o < offices->len; o++) {
        const TpOffice *off = &g_array_index(offices, TpOffice, o);
        holder_of[o] = -1;
        /* office, then the person, initials included: "President Trump",
         * "Foreign Minister I.K. Gujral" */
        guint next = off->last + 1;
        /* "(Air France chairman) Christian Blanc": the office in brackets */
        if (off->first > 0 && key_is(tt, off->first - 1, "(") && key_is(tt, next, ")"))
            next++;
        while (next < n && next <= off->last + 3 && person_from[next] < 0 &&
               ((tp_tok(tt, next)->flags & TP_TOK_ABBREV) ||
                (tp_tok(tt, next)->lex & TP_LEX_TITLE) ||
                (key_is(tt, next, ".") && next > off->last + 1)))
            next++; /* initials and ranks: "Brigade Commander Major Fallah Sewa" */
        if (next < n && person_from[next] >= 0) {
            holder_of[o] = person_from[next];
            continue;
        }
        /* a person whose mention takes the title in: "King Hussein" */
        for (guint t = off->last + 1; t < n && t <= off->last + 4; t++) {
            gint c = person_to[t];
            if (c >= 0) {
                gint f = person_first(person_from, c, t);
                if (f >= 0 && (guint)f <= off->first)
                    holder_of[o] = c;
                break;
            }
        }
        if (holder_of[o] >= 0)
            continue;
        /* the person, then the office, with a comma, a determiner, status words
         * or a copula between: "Boris Yeltsin, the Russian President",
         * "X, who became archbishop", "X is the foreign minister" */
        gint j = (gint)off->first - 1;
        while (j >= 0 && (modifier_at(tt, (guint)j) || key_is(tt, (guint)j, "also")))
            j--;
        gboolean linked = FALSE;
        if (j >= 0 && word_in(tp_tok_key(tt, tp_tok(tt, (guint)j)), copulas)) {
            j--;
            while (j >= 0 && (key_is(tt, (guint)j, "has") || key_is(tt, (guint)j, "had") ||
                              key_is(tt, (guint)j, "who") || key_is(tt, (guint)j, "was") ||
                              key_is(tt, (guint)j, "is") || key_is(tt, (guint)j, "will") ||
                              key_is(tt, (guint)j, "also")))
                j--;
            linked = TRUE;
        }
        if (j >= 1 && key_is(tt, (guint)j, ",") && person_to[j - 1] >= 0) {
            holder_of[o] = person_to[j - 1];
            continue;
        }
        /* not the complement of a noun: "the brother-in-law of X was minister" */
        gint pf = (linked && j >= 0 && person_to[j] >= 0)
                      ? person_first(person_from, person_to[j], (guint)j)
                      : -1;
        if (pf >= 1 && word_in(tp_tok_key(tt, tp_tok(tt, (guint)pf - 1)), noun_complement))
            linked = FALSE;
        if (linked && j >= 0 && person_to[j] >= 0) {
            holder_of[o] = person_to[j];
            continue;
        }
        /* "named Primakov foreign minister" */
        j = (gint)off->first - 1;
        if (j >= 1 && person_to[j] >= 0) {
            gint f = person_first(person_from, person_to[j], (guint)j);
            if (f >= 1 && word_in(tp_tok_key(tt, tp_tok(tt, (guint)f - 1)), naming_verbs)) {
                holder_of[o] = person_to[j];
                continue;
            }
        }
        /* the office, an "of" phrase, then the person in commas: "The prime
         * minister, Tony Blair, said", "the chairman of the company, John Smith," */
        guint t = off->last + 1;
        if (key_is(tt, t, "of") || key_is(tt, t, "for")) {
            guint stop = MIN(n, t + 8);
            while (t < stop && !key_is(tt, t, ",") && !key_is(tt, t, "."))
                t++;
        }
        /* a rank before the name: "the commander-in-chief of Tajikistan's armed
         * forces, Major-General Nikolai Sherbatov" */
        guint r = t + 1;
        while (r < n && r <= t + 3 && person_from[r] < 0 &&
               ((tp_tok(tt, r)->lex & (TP_LEX_TITLE | TP_LEX_HONORIFIC)) ||
                (key_is(tt, r, "-") && r > t + 1 && !(tp_tok(tt, r)->flags & TP_TOK_SPACE))))
            r++;
        if (key_is(tt, t, ",") && r < n && person_from[r] >= 0) {
            gint c = person_from[r];
            guint after = t + 2;
            while (after < n && person_from[after] != c && person_to[after - 1] != c)
                after++;
            for (after = t + 1; after < n && !(person_to[after] == c); after++)
                ;
            after++;
            if (after >= n || key_is(tt, after, ",") || key_is(tt, after, ".") ||
                key_is(tt, after, "said") || key_is(tt, after, "says") ||
                (tp_tok(tt, after)->flags & TP_TOK_NL))
                holder_of[o] = c;
        }
    }
    /* Coordination: offices before one name share it ("chairman and chief
     * executive Marco Tronchetti Provera"). */
    for (gint o = (gint)offices->len - 2; o >= 0; o--) {
        const TpOffice *a = &g_array_index(offices, TpOffice, o);
        const TpOffice *b = &g_array_index(offices, TpOffice, o + 1);
        if (holder_of[o] < 0 && holder_of[o + 1] >= 0 && b->first == a->last + 2 &&
            (key_is(tt, a->last + 1, "and") || key_is(tt, a->last + 1, "&")))
            holder_of[o] = holder_of[o + 1];
    }
    /* A generic office takes its holder's country: "President Putin" is the
     * Russian presidency when the gazetteers have it. */
    for (guint o = 0; o < offices->len; o++) {
        TpOffice *off = &g_array_index(offices, TpOffice, o);
        if (holder_of[o] < 0 || off->country || off->word == NULL ||
            person_country[holder_of[o]] == NULL || !k->offices.built ||
            key_is(tt, off->last + 1, "of"))
            continue; /* "president of the Socialist Movement" is no presidency */
        OfficeParse p = {.portfolio = off->portfolio, .word = off->word};
        g_autofree char *key = office_key(person_country[holder_of[o]], &p);
        const TpGazEntry *e = office_lookup(k, key);
        if (e) {
            off->name = tp_gazetteer_str(k->gaz, e->name);
            off->id = tp_gazetteer_str(k->gaz, e->id);
            off->country = tp_gazetteer_str(k->gaz, e->country);
        }
    }
    /* "the president": the document's head of state of that title, when the
     * text names only one. */
    for (guint h = 0; head_words[h]; h++) {
        const TpOffice *only = NULL;
        gboolean ambiguous = FALSE;
        for (guint o = 0; o < offices->len; o++) {
            const TpOffice *off = &g_array_index(offices, TpOffice, o);
            if (off->word && off->country && strcmp(off->word, head_words[h]) == 0 &&
                off->portfolio == NULL) {
                if (only && strcmp(only->id, off->id) != 0)
                    ambiguous = TRUE;
                only = off;
            }
        }
        if (only == NULL || ambiguous)
            continue;
        for (guint o = 0; o < offices->len; o++) {
            TpOffice *off = &g_array_index(offices, TpOffice, o);
            /* never over a holder of another or an unknown country */
            const char *hc = holder_of[o] >= 0 ? person_country[holder_of[o]] : NULL;
            if (off->word && off->country == NULL && off->portfolio == NULL &&
                strcmp(off->word, head_words[h]) == 0 && !key_is(tt, off->last + 1, "of") &&
                (holder_of[o] < 0 || (hc && strcmp(hc, only->country) == 0))) {
                off->name = only->name;
                off->id = only->id;
                off->country = only->country;
            }
        }
    }
}
