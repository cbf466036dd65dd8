/* SPDX-License-Identifier: MIT */
/* tp_private.h: internals shared by the library's modules (not installed). */

#ifndef TP_PRIVATE_H
#define TP_PRIVATE_H

#include "tagpipe.h"

#include <stdint.h>

/* ---- text: normalization and tokens (tp_text.c) ---- */

enum {
    TP_TOK_WORD = 1 << 0,     /* letters or digits (else punctuation) */
    TP_TOK_CAP = 1 << 1,      /* first letter upper-case */
    TP_TOK_ALLCAPS = 1 << 2,  /* has letters, none lower-case, more than one */
    TP_TOK_LOWER = 1 << 3,    /* has letters, first one lower-case */
    TP_TOK_DIGIT = 1 << 4,    /* starts with a digit */
    TP_TOK_SENT = 1 << 5,     /* first word of a sentence (or of the text) */
    TP_TOK_NL = 1 << 6,       /* a line break precedes it */
    TP_TOK_SPACE = 1 << 7,    /* white space precedes it */
    TP_TOK_ABBREV = 1 << 8,   /* initials with dots: "U.S.", "J." */
    TP_TOK_LINECAPS = 1 << 9, /* on a line whose letters are all upper-case */
};

typedef struct {
    guint32 start; /* bytes into the text, half-open */
    guint32 end;
    guint32 start_cp; /* code points into the text */
    guint32 end_cp;
    guint32 key;     /* offset of the normalized key in TpTokens.keys */
    guint32 key_len; /* its length in bytes */
    guint32 flags;
} TpToken;

typedef struct {
    GArray *toks;  /* TpToken */
    GString *keys; /* normalized keys, NUL-separated */
    GString *scratch;
} TpTokens;

void tp_tokens_init(TpTokens *tt);
void tp_tokens_clear(TpTokens *tt);
/* Tokenize valid UTF-8 `text` of `len` bytes into `tt` (replacing its content). */
void tp_tokenize(TpTokens *tt, const char *text, gsize len);
static inline const TpToken *tp_tok(const TpTokens *tt, guint i) {
    return &g_array_index(tt->toks, TpToken, i);
}
static inline const char *tp_tok_key(const TpTokens *tt, const TpToken *t) {
    return tt->keys->str + t->key;
}
/* Append the matching key of the UTF-8 string `s` (`len` bytes) to `out`:
 * NFKC, case folded, quotes and dashes unified, diacritics removed. */
void tp_text_fold(GString *out, const char *s, gsize len);
/* Append `s` with quotes, apostrophes and dashes unified and NFC applied:
 * the form compared for exact-case aliases. */
void tp_text_shape(GString *out, const char *s, gsize len);
/* Number of UTF-16 code units of the first `len` bytes of valid UTF-8 `s`. */
gsize tp_utf16_length(const char *s, gsize len);

/* ---- gazetteers (tp_gazetteer.c) ---- */

enum {
    TP_ALIAS_EXACT = 1 << 0,  /* '=': capitalization must match letter for letter */
    TP_ALIAS_COMMON = 1 << 1, /* '~': also a common word: needs capital, not sentence-initial */
    TP_ALIAS_UPPER = 1 << 2,  /* first letter of the alias is upper-case */
    TP_ALIAS_NAME = 1 << 3,   /* the canonical name itself */
};

typedef struct {
    TpEntityType type;
    guint32 file;   /* index into TpGazetteer.files */
    const char *id; /* in the gazetteer's string chunk */
    const char *name;
    const char *country; /* or NULL */
    const char *kind;    /* or NULL */
    double prior;        /* 0.5 when the file gives none */
} TpGazEntry;

typedef struct {
    guint32 entry;
    guint32 flags;
    const char *shape; /* alias tokens' shapes joined by single spaces (for '=' and '~') */
    guint32 next;      /* next value of the same trie node, or G_MAXUINT32 */
} TpGazValue;

typedef struct {
    char *path;
    guint n_entries[TP_ENTITY_N_TYPES];
    guint n_aliases[TP_ENTITY_N_TYPES];
    guint n_lexicon;
    gboolean lexicon;
} TpGazFile;

/* Lexicon word classes (gazetteers/lexicon). */
typedef enum {
    TP_LEX_GIVEN_NAME = 1 << 0,
    TP_LEX_SURNAME = 1 << 1,
    TP_LEX_PARTICLE = 1 << 2,
    TP_LEX_HONORIFIC = 1 << 3,
    TP_LEX_TITLE = 1 << 4,
    TP_LEX_ORG_HEAD = 1 << 5,
    TP_LEX_ORG_SUFFIX = 1 << 6,
    TP_LEX_DEMONYM = 1 << 7,
    TP_LEX_PORTFOLIO = 1 << 8,
    TP_LEX_OFFICE_WORD = 1 << 9,
    TP_LEX_STOPWORD = 1 << 10,
} TpLexClass;

typedef struct TpGazetteer TpGazetteer;

TpGazetteer *tp_gazetteer_new(void);
void tp_gazetteer_free(TpGazetteer *gaz);
gboolean tp_gazetteer_load(TpGazetteer *gaz, const char *path, GError **error);
void tp_gazetteer_describe(const TpGazetteer *gaz, GString *out);
const TpGazEntry *tp_gazetteer_entry(const TpGazetteer *gaz, guint32 i);
const TpGazValue *tp_gazetteer_value(const TpGazetteer *gaz, guint32 i);
/* Lexicon classes of a folded word (0 when none). */
guint32 tp_gazetteer_lexicon(const TpGazetteer *gaz, const char *key);

/* The trie walk: a token id for a folded key (G_MAXUINT32: no alias has it),
 * the child of a node by token id (0: none; the root is node 0), and the first
 * value of a node (G_MAXUINT32: none). */
guint32 tp_gazetteer_token_id(const TpGazetteer *gaz, const char *key);
guint32 tp_gazetteer_child(const TpGazetteer *gaz, guint32 node, guint32 token_id);
guint32 tp_gazetteer_first_value(const TpGazetteer *gaz, guint32 node);

/* A match found by tp_gazetteer_match(): tokens [first, last] carry the
 * alias value `value`. */
typedef struct {
    guint32 first;
    guint32 last;
    guint32 value;
} TpGazMatch;

/* Every gazetteer alias that occurs in `tt` and passes its case evidence,
 * appended to `out` (TpGazMatch), ordered by first token, then length. */
void tp_gazetteer_match(const TpGazetteer *gaz, const char *text, const TpTokens *tt,
                        GString *shape_scratch, GArray *out);

/* ---- topics (tp_topics.c) ---- */

typedef struct TpTopicModel TpTopicModel;
typedef struct TpTopicScratch TpTopicScratch;

TpTopicModel *tp_topic_model_load(const char *path, GError **error);
void tp_topic_model_free(TpTopicModel *model);
TpTopicScratch *tp_topic_scratch_new(const TpTopicModel *model, GError **error);
void tp_topic_scratch_free(TpTopicScratch *scratch);
void tp_topic_scratch_reset(TpTopicScratch *scratch);
/* Add the words of one tokenized text to the document's features. */
void tp_topic_add_tokens(TpTopicScratch *scratch, const char *text, const TpTokens *tt);
/* Add one entity of the text to the document's features (type, the
 * gazetteer's `kind` or NULL, id or NULL). */
void tp_topic_add_entity(TpTopicScratch *scratch, TpEntityType type, const char *kind,
                         const char *id);
/* Scores of the document so far, best first, filtered; owned by `scratch`. */
const TpTopic *tp_topic_scores(TpTopicScratch *scratch, double min_score, gsize max, gsize *out_n);

/* ---- heuristics (tp_heuristics.c) ---- */

/* An entity proposed from cues in the text, over tokens [first, last]. It
 * competes with gazetteer matches in the one overlap resolution. */
typedef struct {
    guint32 first;
    guint32 last;
    TpEntityType type;
    const char *name; /* in the tagger's per-text string chunk */
    const char *id;
    double score;
} TpHeuristic;

/* Append to `out` (TpHeuristic) the authors of bylines: "By Henry Moore" on a
 * line of its own. Names and document-local ids are stored in `strings`. */
void tp_heuristics_bylines(const char *text, const TpTokens *tt, GStringChunk *strings,
                           GArray *out);

/* ---- knowledge and tagger (tp_tagger.c) ---- */

struct TpKnowledge {
    TpGazetteer *gaz;
    TpTopicModel *topics; /* or NULL: every document gets an empty topic list */
};

#endif /* TP_PRIVATE_H */
