/* SPDX-License-Identifier: MIT */
/* tp_gazetteer.h: gazetteers and lexicons: records, the alias trie, matching (tp_gazetteer.c; not
 * installed). */

#ifndef TP_GAZETTEER_H
#define TP_GAZETTEER_H

#include "tp_image.h"
#include "tp_text.h"

enum {
    TP_ALIAS_EXACT = 1 << 0,  /* '=': capitalization must match letter for letter */
    TP_ALIAS_COMMON = 1 << 1, /* '~': also a common word: needs capital, not sentence-initial */
    TP_ALIAS_UPPER = 1 << 2,  /* first letter of the alias is upper-case */
    TP_ALIAS_NAME = 1 << 3,   /* the canonical name itself */
};

/* The records below are the image's records too (tp_image.h): fixed sizes,
 * strings as offsets into the gazetteer's pool (tp_gazetteer_str; 0: none). */
typedef struct {
    guint32 type; /* TpEntityType */
    guint32 file; /* index into the gazetteer's files */
    guint32 id;
    guint32 name;
    guint32 country; /* or 0 */
    guint32 kind;    /* or 0 */
    guint32 same_as; /* id of the entry this one only adds names to, or 0 */
    guint32 pad;
    double prior; /* 0.5 when the file gives none */
} TpGazEntry;

typedef struct {
    guint32 entry;
    guint32 flags;
    guint32 shape; /* alias tokens' shapes joined by single spaces (for '=' and '~'), or 0 */
    guint32 next;  /* next value of the same trie node (always an older one), or G_MAXUINT32 */
} TpGazValue;

typedef struct {
    guint32 path;
    guint32 n_entries[TP_ENTITY_N_TYPES];
    guint32 n_aliases[TP_ENTITY_N_TYPES];
    guint32 n_lexicon;
    guint32 lexicon;
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
    TP_LEX_COMMON = 1 << 11, /* an ordinary lower-case English word */
    TP_LEX_PHRASE = 1 << 12, /* first word of a lexicon phrase ("prime" of "prime minister") */
    /* Closed lists of function words (lexicon/function-words.tsv): */
    TP_LEX_CONNECTOR = 1 << 13,   /* joins the parts of a name: "of", "van", "&" */
    TP_LEX_PLACE_PREP = 1 << 14,  /* introduces a place: "in", "near", "north" */
    TP_LEX_SPEECH_VERB = 1 << 15, /* "said", "told" */
    TP_LEX_ROLE = 1 << 16,        /* after a possessive, makes its owner a body: "'s president" */
    TP_LEX_VERSUS = 1 << 17,      /* between the two sides of a match: "v", "beat" */
    /* after which a bare office word is the position: "the", "former", "acting" */
    TP_LEX_OFFICE_MODIFIER = 1 << 18,
    /* The function-word classes, which punctuation ("&", "'s") may have too. */
    TP_LEX_FUNCTION = TP_LEX_CONNECTOR | TP_LEX_PLACE_PREP | TP_LEX_SPEECH_VERB | TP_LEX_ROLE |
                      TP_LEX_VERSUS | TP_LEX_OFFICE_MODIFIER,
} TpLexClass;

/* What the lexicons say of one folded word or phrase (strings as pool offsets). */
typedef struct {
    guint32 classes;   /* TpLexClass bits */
    guint32 country;   /* demonyms */
    guint32 formal;    /* nickname -> formal given name */
    guint32 canonical; /* portfolios, office words */
    guint32 token_id;  /* the word's id as a token of an alias, or G_MAXUINT32 */
    guint32 key;       /* the folded word */
    /* The trie's node the word leads to from the root (an alias starts with
     * it), or 0: kept here, so that a text's token takes its first step
     * with the one lookup of its word, not a second one in the edges. */
    guint32 root;
} TpLexWord;

typedef struct TpGazetteer TpGazetteer;

TpGazetteer *tp_gazetteer_new(void);
void tp_gazetteer_free(TpGazetteer *gaz);
gboolean tp_gazetteer_load(TpGazetteer *gaz, const char *path, GError **error);
/* Add the gazetteer's sections to an image (borrowed until it is saved). */
void tp_gazetteer_write(const TpGazetteer *gaz, TpImageWriter *w);
/* A gazetteer whose records are borrowed from `img` (which must outlive it),
 * checked; TP_ERROR_FORMAT "IMAGE: ..." when malformed. Loading text files
 * into it afterwards copies the records first. */
TpGazetteer *tp_gazetteer_from_image(const TpImage *img, GError **error);
void tp_gazetteer_describe(const TpGazetteer *gaz, GString *out);
const TpGazEntry *tp_gazetteer_entry(const TpGazetteer *gaz, guint32 i);
const TpGazValue *tp_gazetteer_value(const TpGazetteer *gaz, guint32 i);
/* Lexicon classes of a folded word (0 when none). */
guint32 tp_gazetteer_lexicon(const TpGazetteer *gaz, const char *key);
/* Set each token's `lex` classes and `gaz_id`, one lookup per token, in
 * `cache` first when one is given (NULL: none). */
typedef struct TpWordCache TpWordCache;
void tp_gazetteer_lexicon_tokens(const TpGazetteer *gaz, TpTokens *tt, TpWordCache *cache);

/* The words of the gazetteer met lately, by key: most of a text's tokens
 * are words met in the texts before (news has a small everyday
 * vocabulary), found here in a small table that stays in cache instead of
 * in the word table of the whole gazetteer, whose slots and keys are
 * cache misses. Tied to the first gazetteer it is used with; one per
 * tagger (not shared between threads). */
TpWordCache *tp_word_cache_new(void);
void tp_word_cache_free(TpWordCache *cache);
/* Lookups answered from the cache, and those that were not. */
void tp_word_cache_stats(const TpWordCache *cache, guint64 *hits, guint64 *misses);
/* Everything the lexicons say of a folded word or phrase, or NULL. */
const TpLexWord *tp_gazetteer_lexword(const TpGazetteer *gaz, const char *key);
typedef struct {
    guint32 entry;
    guint32 alias; /* pool offset */
} TpOfficeAlias;
/* Every surface (name and aliases) of every office entry; how many in `out_n`. */
const TpOfficeAlias *tp_gazetteer_office_aliases(const TpGazetteer *gaz, guint32 *out_n);
/* A string of the gazetteer's records, by offset; NULL for 0 (none). Valid
 * as long as the gazetteer. */
const char *tp_gazetteer_str(const TpGazetteer *gaz, guint32 off);
/* The entry with `id`, or NULL. */
const TpGazEntry *tp_gazetteer_entry_by_id(const TpGazetteer *gaz, const char *id);
/* The entry that `e` stands for: the target of its `same-as`, when loaded, else `e`. */
const TpGazEntry *tp_gazetteer_canonical(const TpGazetteer *gaz, const TpGazEntry *e);
/* Number of loaded entries. */
guint32 tp_gazetteer_n_entries(const TpGazetteer *gaz);

/* The trie walk: a token id for a folded key (G_MAXUINT32: no alias has it),
 * the child of a node by token id (0: none; the root is node 0), and the first
 * value of a node (G_MAXUINT32: none). */
guint32 tp_gazetteer_token_id(const TpGazetteer *gaz, const char *key);
guint32 tp_gazetteer_child(const TpGazetteer *gaz, guint32 node, guint32 token_id);
guint32 tp_gazetteer_first_value(const TpGazetteer *gaz, guint32 node);

/* A match found by tp_gazetteer_match(): tokens [first, last] carry the
 * alias value `value`, whose entry (tp_gazetteer_entry, not its canonical
 * one) is of `type`: what most readers of matches ask first, without
 * reaching into the value and the entry. */
typedef struct {
    guint32 first;
    guint32 last;
    guint32 value;
    guint32 type; /* TpEntityType */
} TpGazMatch;
/* The type of value `v`'s entry, for TpGazMatch.type. */
guint32 tp_gazetteer_value_type(const TpGazetteer *gaz, guint32 v);

/* Matches ordered by first token, with where each token's matches begin:
 * those starting at token t are matches[begin(t) .. begin(t+1)). */
typedef struct {
    const GArray *matches; /* TpGazMatch */
    GArray *start;         /* guint32, one per token and one more */
} TpMatchIndex;

/* Fill `ix->start` for `ix->matches` (sorted by first token) over `n_tok` tokens. */
void tp_match_index_build(TpMatchIndex *ix, guint n_tok);
static inline guint32 tp_match_begin(const TpMatchIndex *ix, guint tok) {
    return g_array_index(ix->start, guint32, tok);
}

/* Every gazetteer alias that occurs in `tt` and passes its case evidence,
 * appended to `out` (TpGazMatch), ordered by first token, then length. */
void tp_gazetteer_match(const TpGazetteer *gaz, const char *text, const TpTokens *tt,
                        GString *shape_scratch, GArray *out);

#endif /* TP_GAZETTEER_H */
