/* SPDX-License-Identifier: MIT */
/* tp_heuristics.c: names no gazetteer lists, typed by cues whose weights live in models/cues.tsv.
 */

#include "tp_heuristics.h"
#include "tp_knowledge.h"
#include "tp_tunables.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define CUES_HEADER "# tagpipe-cues 1"

static const char *const cue_names[TP_CUE_N] = {
    [TP_CUE_BIAS] = "bias",
    [TP_CUE_HONORIFIC_BEFORE] = "honorific-before",
    [TP_CUE_TITLE_BEFORE] = "title-before",
    [TP_CUE_GIVEN_NAME_FIRST] = "given-name-first",
    [TP_CUE_GIVEN_NAME_ONLY] = "given-name-only",
    [TP_CUE_SURNAME_KNOWN] = "surname-known",
    [TP_CUE_PARTICLE_INSIDE] = "particle-inside",
    [TP_CUE_ORG_HEAD_LAST] = "org-head-last",
    [TP_CUE_ORG_HEAD_INSIDE] = "org-head-inside",
    [TP_CUE_ORG_SUFFIX] = "org-suffix",
    [TP_CUE_ACRONYM] = "acronym",
    [TP_CUE_PLACE_PREPOSITION] = "place-preposition",
    [TP_CUE_REGION_AFTER_COMMA] = "region-after-comma",
    [TP_CUE_BASED_SUFFIX] = "based-suffix",
    [TP_CUE_SAID_AFTER] = "said-after",
    [TP_CUE_POSSESSIVE_ROLE] = "possessive-role",
    [TP_CUE_MULTI_TOKEN] = "multi-token",
    [TP_CUE_SINGLE_TOKEN] = "single-token",
    [TP_CUE_SENTENCE_START] = "sentence-start",
    [TP_CUE_ALL_CAPS_LINE] = "all-caps-line",
    [TP_CUE_THE_BEFORE] = "the-before",
    [TP_CUE_DEMONYM_FIRST] = "demonym-first",
};

/* The three types a cue votes for, in the file's column order. */
static const TpEntityType cue_types[3] = {TP_ENTITY_PERSON, TP_ENTITY_PLACE,
                                          TP_ENTITY_ORGANIZATION};

void tp_cues_write(const TpCues *cues, TpImageWriter *w) {
    if (cues->loaded)
        tp_image_writer_add(w, TP_SEC_CUES, cues, sizeof *cues);
}

gboolean tp_cues_from_image(TpCues *cues, const TpImage *img, GError **error) {
    gsize len;
    const TpCues *rec = tp_image_section(img, TP_SEC_CUES, &len);
    if (rec == NULL)
        return TRUE;
    if (len != sizeof *rec)
        return tp_image_fail(img, error, "cue section has %" G_GSIZE_FORMAT " bytes", len);
    /* A copy: a few hundred bytes, and TpCues is read by value everywhere. */
    memcpy(cues, rec, sizeof *cues);
    gboolean finite = isfinite(cues->threshold);
    for (int c = 0; c < TP_CUE_N; c++)
        for (int t = 0; t < TP_ENTITY_N_TYPES; t++)
            finite = finite && isfinite(cues->w[c][t]);
    cues->loaded = TRUE;
    if (!finite)
        return tp_image_fail(img, error, "cue weights not finite");
    return TRUE;
}

const char *tp_cue_name(TpCue cue) {
    return cue < TP_CUE_N ? cue_names[cue] : NULL;
}

/* Sums of a few cues' weights must stay finite: inf, 1e999 or 1e308 are
 * refused (tp_parse_weight). */
gboolean tp_cues_load(TpCues *cues, const char *path, GError **error) {
    g_auto(GStrv) lines = tp_read_lines(path, CUES_HEADER, error);
    if (lines == NULL)
        return FALSE;
    TpCues tmp = {.threshold = NAN};
    gboolean seen[TP_CUE_N] = {FALSE};
    for (guint i = 1; lines[i]; i++) {
        char *l = g_strchomp(lines[i]);
        if (*l == '\0' || *l == '#')
            continue;
        g_auto(GStrv) cols = g_strsplit(l, "\t", -1);
        guint n = g_strv_length(cols);
        if (strcmp(cols[0], "threshold") == 0 && n == 2) {
            if (!tp_parse_weight(cols[1], &tmp.threshold, path, i + 1, error))
                return FALSE;
            continue;
        }
        int cue = -1;
        for (int c = 0; c < TP_CUE_N; c++)
            if (strcmp(cols[0], cue_names[c]) == 0)
                cue = c;
        if (cue < 0 || n != 4)
            return tp_set_error_at(error, TP_ERROR_PARSE, path, i + 1,
                                   "expected a known cue and three weights");
        for (int t = 0; t < 3; t++)
            if (!tp_parse_weight(cols[t + 1], &tmp.w[cue][cue_types[t]], path, i + 1, error))
                return FALSE;
        seen[cue] = TRUE;
    }
    for (int c = 0; c < TP_CUE_N; c++) {
        if (!seen[c])
            return tp_set_error_at(error, TP_ERROR_FORMAT, path, 0, "no weights for cue '%s'",
                                   cue_names[c]);
    }
    if (isnan(tmp.threshold))
        return tp_set_error_at(error, TP_ERROR_FORMAT, path, 0, "no threshold");
    tmp.loaded = TRUE;
    *cues = tmp;
    return TRUE;
}

/* ---- word classes ---- */

static guint32 lex(const TpGazetteer *gaz, const TpTokens *tt, guint i) {
    (void)gaz;
    return tp_tok(tt, i)->lex;
}

static gboolean key_is(const TpTokens *tt, guint i, const char *key) {
    return strcmp(tp_tok_key(tt, tp_tok(tt, i)), key) == 0;
}

/* Connectors that belong to people's names. */
static const char *const particles[] = {"de", "du",  "da",  "dos",  "das", "del", "della",
                                        "di", "van", "von", "der",  "den", "ter", "la",
                                        "le", "bin", "ibn", "bint", "al",  "el",  NULL};

gboolean tp_is_place_preposition(const TpTokens *tt, guint i) {
    return tp_tok_has(tt, i, TP_LEX_PLACE_PREP);
}

/* ---- candidates ---- */

typedef struct {
    const TpKnowledge *k;
    const char *text;
    const TpTokens *tt;
    const guint8 *gaz_taken;      /* tokens of kept gazetteer name matches */
    const guint8 *off_taken;      /* tokens of offices */
    const TpMatchIndex *gaz_kept; /* matches kept by the gazetteer-only resolution */
    GStringChunk *strings;
    GArray *out; /* TpHeuristic */
} Ctx;

static void cue_scores(const Ctx *c, guint a, guint b, gboolean has_head, double score[3],
                       guint32 *out_cues) {
    const TpGazetteer *gaz = c->k->gaz;
    const TpTokens *tt = c->tt;
    guint n = tt->toks->len;
    guint32 cues = 1u << TP_CUE_BIAS;
    guint words = 0;
    for (guint i = a; i <= b; i++)
        if (tp_tok(tt, i)->flags & TP_TOK_WORD)
            words++;

    /* The word before, looking through the stop of "Mr." */
    gint p = (gint)a - 1;
    if (p >= 0 && key_is(tt, p, ".") && p > 0)
        p--;
    if (p >= 0) {
        guint32 pl = lex(gaz, tt, p);
        if (pl & TP_LEX_HONORIFIC)
            cues |= 1u << TP_CUE_HONORIFIC_BEFORE;
        else if ((pl & TP_LEX_TITLE) || c->off_taken[p])
            cues |= 1u << TP_CUE_TITLE_BEFORE;
        if (tp_tok_has(tt, p, TP_LEX_PLACE_PREP))
            cues |= 1u << TP_CUE_PLACE_PREPOSITION;
        if (key_is(tt, p, "the"))
            cues |= 1u << TP_CUE_THE_BEFORE;
    }
    guint32 first = lex(gaz, tt, a), last = lex(gaz, tt, b);
    if ((first & TP_LEX_GIVEN_NAME) && words >= 2)
        cues |= 1u << TP_CUE_GIVEN_NAME_FIRST;
    if ((first & TP_LEX_GIVEN_NAME) && words == 1)
        cues |= 1u << TP_CUE_GIVEN_NAME_ONLY;
    if ((last & TP_LEX_SURNAME) && words >= 1)
        cues |= 1u << TP_CUE_SURNAME_KNOWN;
    if (first & TP_LEX_DEMONYM && words >= 2)
        cues |= 1u << TP_CUE_DEMONYM_FIRST;
    if (last & TP_LEX_ORG_SUFFIX)
        cues |= 1u << TP_CUE_ORG_SUFFIX;
    else if (last & TP_LEX_ORG_HEAD)
        cues |= 1u << TP_CUE_ORG_HEAD_LAST;
    else if (has_head)
        cues |= 1u << TP_CUE_ORG_HEAD_INSIDE;
    for (guint i = a + 1; i < b; i++)
        if (tp_tok_key_in(tt, i, particles))
            cues |= 1u << TP_CUE_PARTICLE_INSIDE;
    const TpToken *ta = tp_tok(tt, a);
    if (words == 1 && (ta->flags & TP_TOK_ALLCAPS) && ta->end - ta->start <= 6)
        cues |= 1u << TP_CUE_ACRONYM;
    cues |= 1u << (words >= 2 ? TP_CUE_MULTI_TOKEN : TP_CUE_SINGLE_TOKEN);
    if (ta->flags & TP_TOK_SENT)
        cues |= 1u << TP_CUE_SENTENCE_START;
    if (ta->flags & TP_TOK_LINECAPS)
        cues |= 1u << TP_CUE_ALL_CAPS_LINE;

    /* The words after. */
    if (b + 1 < n) {
        if (tp_tok_has(tt, b + 1, TP_LEX_SPEECH_VERB))
            cues |= 1u << TP_CUE_SAID_AFTER;
        if (key_is(tt, b + 1, "'s") && b + 2 < n && tp_tok_has(tt, b + 2, TP_LEX_ROLE))
            cues |= 1u << TP_CUE_POSSESSIVE_ROLE;
        if (key_is(tt, b + 1, "-") && b + 2 < n && key_is(tt, b + 2, "based"))
            cues |= 1u << TP_CUE_BASED_SUFFIX;
        if (key_is(tt, b + 1, ",") && b + 2 < n) {
            for (guint m = tp_match_begin(c->gaz_kept, b + 2);
                 m < tp_match_begin(c->gaz_kept, b + 3); m++) {
                const TpGazMatch *gm = &g_array_index(c->gaz_kept->matches, TpGazMatch, m);
                const TpGazEntry *e =
                    tp_gazetteer_entry(gaz, tp_gazetteer_value(gaz, gm->value)->entry);
                if (e->type == TP_ENTITY_PLACE)
                    cues |= 1u << TP_CUE_REGION_AFTER_COMMA;
            }
        }
    }

    for (int t = 0; t < 3; t++)
        score[t] = 0.0;
    for (int cue = 0; cue < TP_CUE_N; cue++) {
        if (!(cues & (1u << cue)))
            continue;
        for (int t = 0; t < 3; t++)
            score[t] += c->k->cues.w[cue][cue_types[t]];
    }
    *out_cues = cues;
}

/* A document-local id from a surface name: "Henry Moore" -> "local:person/henry-moore". */
const char *tp_local_id(GStringChunk *strings, TpEntityType type, const char *name) {
    g_autoptr(GString) key = g_string_new(NULL);
    tp_text_fold(key, name, strlen(name));
    g_autoptr(GString) id = g_string_new("local:");
    g_string_append(id, tp_entity_type_name(type));
    g_string_append_c(id, '/');
    gboolean dash = FALSE;
    for (const char *p = key->str; *p; p = g_utf8_next_char(p)) {
        /* tp_uchar and tp_uisalnum: GLib's answers with an ASCII fast path. */
        gunichar ch = tp_uchar(p);
        if (tp_uisalnum(ch)) {
            if (dash)
                g_string_append_c(id, '-');
            if (ch < 0x80)
                g_string_append_c(id, (char)ch);
            else
                g_string_append_unichar(id, ch);
            dash = FALSE;
        } else if (id->str[id->len - 1] != '/') {
            dash = TRUE;
        }
    }
    return g_string_chunk_insert(strings, id->str);
}

/* The canonical surface of tokens [a, b]: their shapes, spaced as in the text. */
static const char *span_name(const Ctx *c, guint a, guint b) {
    g_autoptr(GString) s = g_string_new(NULL);
    for (guint i = a; i <= b; i++) {
        const TpToken *t = tp_tok(c->tt, i);
        if (i > a && (t->flags & TP_TOK_SPACE))
            g_string_append_c(s, ' ');
        tp_text_shape(s, c->text + t->start, t->end - t->start);
    }
    return g_string_chunk_insert(c->strings, s->str);
}

static void propose(Ctx *c, guint a, guint b, gboolean has_head) {
    const TpTokens *tt = c->tt;
    /* Trim what cannot start or end a name. */
    while (a <= b && !tp_tok_is_cap_word(tp_tok(tt, a)))
        a++;
    while (b > a && !tp_tok_is_cap_word(tp_tok(tt, b)))
        b--;
    if (a > b || !tp_tok_is_cap_word(tp_tok(tt, a)))
        return;
    guint32 first = lex(c->k->gaz, tt, a);
    /* A sentence's first word that is an ordinary word ("Speaking", "The")
     * is not part of the name that may follow it. */
    while (a < b && ((tp_tok(tt, a)->flags & TP_TOK_SENT) || key_is(tt, a, "the")) &&
           (first & (TP_LEX_COMMON | TP_LEX_STOPWORD) || key_is(tt, a, "the"))) {
        a++;
        while (a < b && !tp_tok_is_cap_word(tp_tok(tt, a)))
            a++;
        first = lex(c->k->gaz, tt, a);
    }
    guint words = 0;
    for (guint i = a; i <= b; i++)
        words += (tp_tok(tt, i)->flags & TP_TOK_WORD) != 0;
    if (words == 1 && (first & (TP_LEX_STOPWORD | TP_LEX_HONORIFIC | TP_LEX_TITLE | TP_LEX_DEMONYM |
                                TP_LEX_OFFICE_WORD)))
        return;
    if (words == 1 && (tp_tok(tt, a)->flags & TP_TOK_SENT) && (first & TP_LEX_COMMON))
        return;

    double score[3];
    guint32 cues;
    cue_scores(c, a, b, has_head, score, &cues);
    /* Ordinary words ("He", "Police", "World Cup") are names only with a
     * person cue before them or a head word. */
    gboolean all_common = TRUE;
    for (guint i = a; i <= b && all_common; i++)
        if (tp_tok(tt, i)->flags & TP_TOK_WORD)
            all_common = (lex(c->k->gaz, tt, i) & TP_LEX_COMMON) != 0;
    if (all_common && !has_head &&
        !(cues & ((1u << TP_CUE_HONORIFIC_BEFORE) | (1u << TP_CUE_TITLE_BEFORE))))
        return;
    int best = 0, second = -1;
    for (int t = 1; t < 3; t++) {
        if (score[t] > score[best]) {
            second = best;
            best = t;
        } else if (second < 0 || score[t] > score[second]) {
            second = t;
        }
    }
    double thr = c->k->cues.threshold;
    if (score[best] < thr)
        return;
    TpEntityType type = cue_types[best];
    const char *name = span_name(c, a, b);
    double margin = score[best] - score[second];
    TpHeuristic h = {
        .first = a,
        .last = b,
        .type = type,
        .name = name,
        .id = tp_local_id(c->strings, type, name),
        .score = TP_TUNE_CUE_SCORE_BASE +
                 TP_TUNE_CUE_SCORE_SPAN * tanh(margin / TP_TUNE_CUE_SCORE_MARGIN),
        .cues = cues,
    };
    g_array_append_val(c->out, h);
}

/* Propose the parts of [a, b] that no gazetteer match covers. */
static void propose_residue(Ctx *c, guint a, guint b, gboolean has_head) {
    guint i = a;
    while (i <= b) {
        while (i <= b && c->gaz_taken[i])
            i++;
        guint j = i;
        while (j <= b && !c->gaz_taken[j])
            j++;
        if (j > i)
            propose(c, i, j - 1, has_head);
        i = j;
    }
}

/* One run of capitalized words [a, b] (connectors inside): decide whether it
 * is one name, or pieces of names around gazetteer matches. */
static void consider_run(Ctx *c, guint a, guint b) {
    const TpTokens *tt = c->tt;
    const TpGazetteer *gaz = c->k->gaz;
    /* "Then John Brussels": a sentence's ordinary first word is not part of it. */
    while (a < b && (tp_tok(tt, a)->flags & TP_TOK_SENT) && !c->gaz_taken[a] &&
           (lex(gaz, tt, a) & (TP_LEX_COMMON | TP_LEX_STOPWORD)) &&
           tp_tok_is_cap_word(tp_tok(tt, a + 1)))
        a++;
    gboolean has_head = FALSE, has_gaz = FALSE, multi_gaz = FALSE;
    for (guint i = a; i <= b; i++) {
        guint32 l = lex(gaz, tt, i);
        if (tp_tok_is_cap_word(tp_tok(tt, i)) && (l & (TP_LEX_ORG_HEAD | TP_LEX_ORG_SUFFIX)))
            has_head = TRUE;
        if (c->gaz_taken[i])
            has_gaz = TRUE;
    }
    for (guint m = tp_match_begin(c->gaz_kept, a); m < tp_match_begin(c->gaz_kept, b + 1); m++) {
        const TpGazMatch *gm = &g_array_index(c->gaz_kept->matches, TpGazMatch, m);
        if (gm->last <= b && gm->last > gm->first)
            multi_gaz = TRUE;
        if (gm->first == a && gm->last == b)
            return; /* the gazetteer knows this name */
    }
    /* "Keir Starmer's Government": a known name before "'s" is its own entity,
     * the possessor, whatever head word follows. */
    for (guint i = a + 1; i < b; i++) {
        if (key_is(tt, i, "'s") && c->gaz_taken[i - 1]) {
            consider_run(c, a, i - 1);
            consider_run(c, i + 1, b);
            return;
        }
    }
    if (!has_head) {
        /* Without a head word, "and", "&", "for", "of" and "'s" separate names:
         * "Australia and England", "Trump's Washington". */
        for (guint i = a; i <= b; i++) {
            if (tp_tok_key_in(tt, i, (const char *const[]){"and", "&", "for", "of", "'s", NULL})) {
                if (i > a)
                    consider_run(c, a, i - 1);
                if (i < b)
                    consider_run(c, i + 1, b);
                return;
            }
        }
    }
    gboolean given_first = (lex(gaz, tt, a) & TP_LEX_GIVEN_NAME) && b > a;
    if (!has_gaz || has_head || (given_first && !multi_gaz))
        propose(c, a, b, has_head);
    else
        propose_residue(c, a, b, has_head);
}

void tp_heuristics_names(const TpKnowledge *k, const char *text, const TpTokens *tt,
                         const guint8 *gaz_taken, const TpMatchIndex *gaz_kept,
                         const guint8 *off_taken, GStringChunk *strings, GArray *out) {
    if (!k->cues.loaded)
        return;
    Ctx c = {k, text, tt, gaz_taken, off_taken, gaz_kept, strings, out};
    guint n = tt->toks->len;
    guint i = 0;
    while (i < n) {
        const TpToken *t = tp_tok(tt, i);
        if (!tp_tok_is_cap_word(t) || off_taken[i] ||
            (lex(k->gaz, tt, i) & (TP_LEX_HONORIFIC | TP_LEX_TITLE))) {
            i++;
            continue;
        }
        guint j = i;
        for (;;) {
            guint nx = j + 1;
            if (nx >= n || (tp_tok(tt, nx)->flags & TP_TOK_NL) || off_taken[nx] || j - i >= 10)
                break;
            /* An honorific or a title starts the next name: "Yesterday Mrs Oyelaran". */
            if (lex(k->gaz, tt, nx) & (TP_LEX_HONORIFIC | TP_LEX_TITLE))
                break;
            if (tp_tok_is_cap_word(tp_tok(tt, nx))) {
                j = nx;
                continue;
            }
            /* "Hewlett-Packard": a hyphen with no space either side. */
            gboolean glued_hyphen = key_is(tt, nx, "-") &&
                                    !(tp_tok(tt, nx)->flags & TP_TOK_SPACE) && nx + 1 < n &&
                                    !(tp_tok(tt, nx + 1)->flags & TP_TOK_SPACE);
            guint after = nx + 1;
            if (key_is(tt, nx, "of") && after < n && key_is(tt, after, "the"))
                after++;
            if ((glued_hyphen || tp_tok_has(tt, nx, TP_LEX_CONNECTOR)) && after < n &&
                tp_tok_is_cap_word(tp_tok(tt, after)) && !off_taken[after] &&
                !(tp_tok(tt, after)->flags & TP_TOK_NL)) {
                j = after;
                continue;
            }
            break;
        }
        consider_run(&c, i, j);
        i = j + 1;
    }
}

/* A byline: a line that is "By" and a name of two to four capitalized words,
 * ending the line or followed by a comma ("By Henry Moore, Political
 * Editor"). News sites put the author there; nothing else reads like it. */
void tp_heuristics_bylines(const char *text, const TpTokens *tt, GStringChunk *strings,
                           GArray *out) {
    guint n = tt->toks->len;
    for (guint i = 0; i + 2 < n; i++) {
        const TpToken *by = tp_tok(tt, i);
        if (!(by->flags & TP_TOK_NL) || !(by->flags & TP_TOK_CAP) ||
            strcmp(tp_tok_key(tt, by), "by") != 0)
            continue;
        guint j = i + 1;
        while (j < n && j - i <= 4 && tp_tok_is_cap_word(tp_tok(tt, j)) &&
               (j == i + 1 || !(tp_tok(tt, j)->flags & TP_TOK_NL)))
            j++;
        guint words = j - i - 1;
        if (words < 2 || words > 4)
            continue;
        if (j < n) {
            const TpToken *after = tp_tok(tt, j);
            if (!(after->flags & TP_TOK_NL) && strcmp(tp_tok_key(tt, after), ",") != 0)
                continue;
        }
        const TpToken *a = tp_tok(tt, i + 1), *b = tp_tok(tt, j - 1);
        g_autofree char *name = g_strndup(text + a->start, b->end - a->start);
        TpHeuristic h = {
            .first = i + 1,
            .last = j - 1,
            .type = TP_ENTITY_PERSON,
            .name = g_string_chunk_insert(strings, name),
            .id = tp_local_id(strings, TP_ENTITY_PERSON, name),
            .score = TP_TUNE_BYLINE_SCORE,
            .byline = TRUE,
        };
        g_array_append_val(out, h);
    }
}
