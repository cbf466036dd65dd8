/* SPDX-License-Identifier: MIT */
/* tp_private.h: internals shared by the library's modules (not installed). */

#ifndef TP_PRIVATE_H
#define TP_PRIVATE_H

#include "tagpipe.h"
#include "tagpipe-train.h"
#include "tp_flat.h"

#include <jansson.h>
#include <string.h>

#include <stdint.h>

typedef struct TpImage TpImage;
typedef struct TpImageWriter TpImageWriter;

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

/* Character tests with an ASCII fast path. News text is mostly ASCII, and
 * the tokenizer asks several of these per byte: GLib's g_unichar_* calls each
 * decode a table entry (g_unichar_istitle scans one), which was a fifth of a
 * line's time. Outside ASCII they are GLib's calls; inside, they give exactly
 * GLib's answers (tests/unit/test_text.c checks all 128 code points). */
static inline gunichar tp_uchar(const char *p) {
    unsigned char b = (unsigned char)*p;
    return b < 0x80 ? b : g_utf8_get_char(p);
}
static inline gboolean tp_uisalnum(gunichar c) {
    return c < 0x80 ? g_ascii_isalnum((char)c) : g_unichar_isalnum(c);
}
static inline gboolean tp_uisalpha(gunichar c) {
    return c < 0x80 ? g_ascii_isalpha((char)c) : g_unichar_isalpha(c);
}
static inline gboolean tp_uisdigit(gunichar c) {
    return c < 0x80 ? g_ascii_isdigit((char)c) : g_unichar_isdigit(c);
}
static inline gboolean tp_uisupper(gunichar c) {
    return c < 0x80 ? g_ascii_isupper((char)c) : g_unichar_isupper(c);
}
static inline gboolean tp_uislower(gunichar c) {
    return c < 0x80 ? g_ascii_islower((char)c) : g_unichar_islower(c);
}
/* No ASCII letter is title case, so for ASCII this is tp_uisupper. */
static inline gboolean tp_uisupper_or_title(gunichar c) {
    return c < 0x80 ? g_ascii_isupper((char)c) : (g_unichar_isupper(c) || g_unichar_istitle(c));
}
/* GLib's white space: in ASCII, space, tab, LF, CR and FF (not VT). */
static inline gboolean tp_uisspace(gunichar c) {
    return c < 0x80 ? (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
                    : g_unichar_isspace(c);
}
/* g_ascii_tolower without a call (inlined where keys are folded byte by byte). */
static inline gchar tp_ascii_tolower(gchar c) {
    return c >= 'A' && c <= 'Z' ? (gchar)(c - 'A' + 'a') : c;
}
/* A letter, digit or combining mark; ASCII has no marks. */
static inline gboolean tp_uisword(gunichar c) {
    return c < 0x80 ? g_ascii_isalnum((char)c) : (g_unichar_isalnum(c) || g_unichar_ismark(c));
}

typedef struct {
    guint32 start; /* bytes into the text, half-open */
    guint32 end;
    guint32 start_cp; /* code points into the text */
    guint32 end_cp;
    guint32 key;     /* offset of the normalized key in TpTokens.keys */
    guint32 key_len; /* its length in bytes */
    guint32 flags;
    guint32 lex;    /* lexicon classes of the key (TpLexClass), filled by the tagger */
    guint32 gaz_id; /* the gazetteer's token id of the key (G_MAXUINT32: none), likewise */
} TpToken;

typedef struct {
    GArray *toks;  /* TpToken */
    GString *keys; /* normalized keys, NUL-separated */
    GString *scratch;
    gboolean interned; /* `lex` and `gaz_id` are filled (tp_gazetteer_lexicon_tokens) */
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
/* Whether token `i`'s key is one of the NULL-terminated `keys`. */
static inline gboolean tp_tok_key_in(const TpTokens *tt, guint i, const char *const *keys) {
    const char *k = tp_tok_key(tt, tp_tok(tt, i));
    for (guint j = 0; keys[j]; j++)
        if (strcmp(k, keys[j]) == 0)
            return TRUE;
    return FALSE;
}
/* A capitalized word (not a number): what names are made of. */
static inline gboolean tp_tok_is_cap_word(const TpToken *t) {
    return (t->flags & TP_TOK_WORD) && (t->flags & TP_TOK_CAP) && !(t->flags & TP_TOK_DIGIT);
}
/* Lower-case words that join the parts of a name: "Bank of England", "Ludwig
 * van Beethoven", "Osama bin Laden", "Procter & Gamble" (tp_heuristics.c). */
extern const char *const tp_name_connectors[];
/* Append the matching key of the UTF-8 string `s` (`len` bytes) to `out`:
 * NFKC, case folded, quotes and dashes unified, diacritics removed. */
void tp_text_fold(GString *out, const char *s, gsize len);
/* Append `s` with quotes, apostrophes and dashes unified and NFC applied:
 * the form compared for exact-case aliases. */
void tp_text_shape(GString *out, const char *s, gsize len);
/* Number of UTF-16 code units of the first `len` bytes of valid UTF-8 `s`. */
gsize tp_utf16_length(const char *s, gsize len);

/* Read the UTF-8 text file `path` (no NUL byte); TP_ERROR_IO when it cannot
 * be read, TP_ERROR_FORMAT when it is not UTF-8 text. (transfer full) */
char *tp_read_text(const char *path, gsize *out_len, GError **error);

/* The lines of `len` bytes of `text` (no NUL), as g_strsplit(text, "\n", -1)
 * gives them: none for an empty text, an empty last one after a final "\n".
 * (transfer full) */
char **tp_split_lines(const char *text, gsize len);

/* Read the UTF-8 text file `path` as lines (terminators, CR included,
 * removed). With `header`, the first line must be exactly that
 * (TP_ERROR_FORMAT, "FILE:1: expected header ..."). TP_ERROR_IO when it
 * cannot be read, TP_ERROR_FORMAT when it is not UTF-8 text. (transfer full) */
char **tp_read_lines(const char *path, const char *header, GError **error);

/* ---- gazetteers (tp_gazetteer.c) ---- */

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
} TpLexClass;

/* What the lexicons say of one folded word or phrase (strings as pool offsets). */
typedef struct {
    guint32 classes;   /* TpLexClass bits */
    guint32 country;   /* demonyms */
    guint32 formal;    /* nickname -> formal given name */
    guint32 canonical; /* portfolios, office words */
    guint32 token_id;  /* the word's id as a token of an alias, or G_MAXUINT32 */
    guint32 key;       /* the folded word */
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
/* Set each token's `lex` classes and `gaz_id`, one lookup per token. */
void tp_gazetteer_lexicon_tokens(const TpGazetteer *gaz, TpTokens *tt);
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
 * alias value `value`. */
typedef struct {
    guint32 first;
    guint32 last;
    guint32 value;
} TpGazMatch;

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

/* ---- topics (tp_topics.c) and the trainer (tp_train.c) ---- */

typedef struct TpTopicModel TpTopicModel;
typedef struct TpTopicScratch TpTopicScratch;

/* How a feature's count in a document becomes its value (the model file's
 * `scaling` line): `log` is 1 + ln(count); `log-norm` divides that by the
 * square root of the document's feature occurrences. */
typedef enum {
    TP_TOPIC_SCALING_LOG,
    TP_TOPIC_SCALING_LOG_NORM,
} TpTopicScaling;

/* Receives one document's features (names and values, in order of first
 * occurrence) from a collecting model; both arrays are borrowed for the call. */
typedef void (*TpTopicCollectFunc)(const char *const *features, const double *values, guint n,
                                   gpointer data);

TpTopicModel *tp_topic_model_load(const char *path, GError **error);
/* The same from `len` bytes of model text; `name` is used in messages. */
TpTopicModel *tp_topic_model_parse(const char *name, const char *contents, gsize len,
                                   GError **error);
/* A model with no topics whose scratches keep every feature of a document and
 * hand them to `collect` when the document's scores are asked for (the
 * trainer's view of exactly what the tagger computes). Scaling log-norm;
 * `stopwords` (NULL-terminated, or NULL) are left out of the features. */
TpTopicModel *tp_topic_model_new_collector(const char *stemmer, const char *const *stopwords,
                                           TpTopicCollectFunc collect, gpointer data);
void tp_topic_model_free(TpTopicModel *model);
/* Add the model's sections to an image (borrowed until it is saved). */
void tp_topic_model_write(const TpTopicModel *model, TpImageWriter *w);
/* The model whose records are borrowed from `img` (which must outlive it),
 * checked; NULL without `error` set when the image has no model,
 * TP_ERROR_FORMAT "IMAGE: ..." when it is malformed. */
TpTopicModel *tp_topic_model_from_image(const TpImage *img, GError **error);
guint tp_topic_model_n_topics(const TpTopicModel *model);
/* Append the model's stop words to `out` (borrowed); returns how many. */
guint tp_topic_model_stopwords(const TpTopicModel *model, GPtrArray *out);
/* Key of topic `i` (and its label in `out_label`, if not NULL). */
const char *tp_topic_model_key(const TpTopicModel *model, guint i, const char **out_label);
const char *tp_topic_scaling_name(TpTopicScaling scaling);
/* The form in which the stemmer of language `stemmer` sees `word` (and in
 * which stop words are compared), into `out`. */
void tp_topic_stem_input(const char *stemmer, const char *word, GString *out);
/* Value of a feature seen `count` times in a document of `n_occurrences` features. */
double tp_topic_feature_value(TpTopicScaling scaling, guint count, guint64 n_occurrences);

/* The summary tp_tagger_tag_line() (tp_line.c) fills for tp_tagger_line_summary(). */
TpLineSummary *tp_tagger_line_slot(TpTagger *tagger);

TpTopicScratch *tp_topic_scratch_new(const TpTopicModel *model, GError **error);
void tp_topic_scratch_free(TpTopicScratch *scratch);
void tp_topic_scratch_reset(TpTopicScratch *scratch);
/* Add the words of one tokenized text to the document's features. */
void tp_topic_add_tokens(TpTopicScratch *scratch, const char *text, const TpTokens *tt);
/* Add one entity of the text to the document's features (type, the
 * gazetteer's `kind` or NULL, id or NULL). */
void tp_topic_add_entity(TpTopicScratch *scratch, TpEntityType type, const char *kind,
                         const char *id);
/* Scores of the document so far, best first, filtered; owned by `scratch`.
 * With a collecting model: hands the features over and returns none. */
const TpTopic *tp_topic_scores(TpTopicScratch *scratch, double min_score, gsize max, gsize *out_n);
/* Append to `out`, for each topic written (as with TP_TOPIC_THRESHOLDS, at most
 * `max_topics`), its score and the `max_features` features of the document
 * that moved it most (weight times value, largest magnitude first). */
void tp_topic_explain(TpTopicScratch *scratch, gsize max_topics, gsize max_features, GString *out);

/* The trainer's API is public: tagpipe-train.h. */

/* ---- heuristics (tp_heuristics.c) ---- */

/* Cues that type a name no gazetteer lists; weights per type in models/cues.tsv. */
typedef enum {
    TP_CUE_BIAS,
    TP_CUE_HONORIFIC_BEFORE,
    TP_CUE_TITLE_BEFORE,
    TP_CUE_GIVEN_NAME_FIRST,
    TP_CUE_GIVEN_NAME_ONLY,
    TP_CUE_SURNAME_KNOWN,
    TP_CUE_PARTICLE_INSIDE,
    TP_CUE_ORG_HEAD_LAST,
    TP_CUE_ORG_HEAD_INSIDE,
    TP_CUE_ORG_SUFFIX,
    TP_CUE_ACRONYM,
    TP_CUE_PLACE_PREPOSITION,
    TP_CUE_REGION_AFTER_COMMA,
    TP_CUE_BASED_SUFFIX,
    TP_CUE_SAID_AFTER,
    TP_CUE_POSSESSIVE_ROLE,
    TP_CUE_MULTI_TOKEN,
    TP_CUE_SINGLE_TOKEN,
    TP_CUE_SENTENCE_START,
    TP_CUE_ALL_CAPS_LINE,
    TP_CUE_THE_BEFORE,
    TP_CUE_DEMONYM_FIRST,
    TP_CUE_N
} TpCue;

typedef struct {
    double w[TP_CUE_N][TP_ENTITY_N_TYPES];
    double threshold;
    gboolean loaded;
} TpCues;

const char *tp_cue_name(TpCue cue);
/* Load models/cues.tsv ("# tagpipe-cues 1"): every cue must have weights. */
gboolean tp_cues_load(TpCues *cues, const char *path, GError **error);

/* An entity proposed from cues in the text, over tokens [first, last]. It
 * competes with gazetteer matches in the one overlap resolution. */
typedef struct {
    guint32 first;
    guint32 last;
    TpEntityType type;
    const char *name; /* in the tagger's per-document string chunk */
    const char *id;
    double score;
    guint32 cues; /* TpCue bits that held */
    gboolean byline;
} TpHeuristic;

/* Is token i a preposition that introduces places ("in", "near", "from")?
 * The NULL-terminated list of them. */
gboolean tp_is_place_preposition(const TpTokens *tt, guint i);
extern const char *const tp_place_prepositions[];

/* A document-local id for a name known only from the text. */
const char *tp_local_id(GStringChunk *strings, TpEntityType type, const char *name);

/* Append to `out` (TpHeuristic) the authors of bylines: "By Henry Moore" on a
 * line of its own. */
void tp_heuristics_bylines(const char *text, const TpTokens *tt, GStringChunk *strings,
                           GArray *out);

/* Append to `out` (TpHeuristic) the capitalized names that the kept
 * gazetteer matches (`gaz_kept`, covering `gaz_taken`) do not explain, typed by
 * cues; tokens of offices (`off_taken`) are never part of a name. */
void tp_heuristics_names(const TpKnowledge *k, const char *text, const TpTokens *tt,
                         const guint8 *gaz_taken, const TpMatchIndex *gaz_kept,
                         const guint8 *off_taken, GStringChunk *strings, GArray *out);

/* ---- offices and mentions (tp_link.c) ---- */

/* An office span over tokens [first, last]. */
typedef struct {
    guint32 first;
    guint32 last;
    const char *name;
    const char *id;
    const char *country;
    double score;
    const char *word;      /* canonical office word of a parsed office, or NULL */
    const char *portfolio; /* its canonical portfolio, or NULL */
    guint32 word_first;    /* the office words proper, without the organization */
    guint32 word_last;     /* before or the "of" body after: "Air France [chairman]" */
} TpOffice;

/* Index the gazetteer's offices by (country, portfolio, office word), so that
 * "US defence secretary" and "U.S. Defense Secretary" find one office. */
void tp_offices_index(TpKnowledge *k);
/* Find the offices of a text: gazetteer offices and "[country] [portfolio]
 * office-word" patterns. `gaz_matches` are all gazetteer matches. */
void tp_offices_find(const TpKnowledge *k, const char *text, const TpTokens *tt,
                     const TpMatchIndex *gaz_matches, GStringChunk *strings, GArray *out);
/* Link each office of `offices` (in token order) to the person holding it in
 * the text (adjacent title, apposition, copula, naming verb, coordination):
 * `holder_of[o]` is a candidate index or -1. `person_from`/`person_to` give, per
 * token, the person candidate whose mention starts/ends there (or -1);
 * `person_country` the country of each candidate (or NULL). A generic office
 * then takes its holder's country, and a bare head-of-state title the one
 * office of that title the text names. */
void tp_offices_link(const TpKnowledge *k, const TpTokens *tt, GArray *offices,
                     const gint *person_from, const gint *person_to,
                     const char *const *person_country, gint *holder_of);

/* ---- knowledge and tagger (tp_tagger.c) ---- */

/* The token span every candidate record starts with. */
typedef struct {
    guint32 first;
    guint32 last;
} TpSpan;

/* Keep the records of `spans` (each starting with a TpSpan), in their order,
 * each unless it overlaps one kept before; `taken` marks the kept tokens. */
void tp_keep_free_spans(GArray *spans, GByteArray *taken, guint n_tok);

typedef struct TpEntityModel TpEntityModel;

/* The offices by (country, portfolio, office word): keys "CC|portfolio|word"
 * to gazetteer entry indexes. */
typedef struct {
    TpPool pool;
    TpStrMap map;
    gboolean built;
} TpOfficeIndex;

void tp_office_index_clear(TpOfficeIndex *ix);

/* A file the knowledge was loaded from, with its size and time then
 * (tp_knowledge_check_sources() compares them with the file now). */
typedef struct {
    char *path;
    gboolean is_dir; /* a folder of *.tsv files: `size` is a hash of their names */
    gint64 size;     /* -1: could not be read */
    gint64 mtime;    /* seconds */
} TpKnowledgeSource;

struct TpKnowledge {
    TpGazetteer *gaz;
    TpTopicModel *topics;    /* or NULL: every document gets an empty topic list */
    TpCues cues;             /* not loaded: no heuristic names */
    TpEntityModel *entities; /* the fitted typing (tp_candidates.h), or NULL: the cues decide */
    GBytes *entities_text;   /* its file, kept for the image (parsed when loaded from one) */
    TpOfficeIndex offices;   /* built by tp_offices_index() */
    TpImage *image;          /* what the records above borrow from, or NULL */
    GArray *sources;         /* TpKnowledgeSource, in load order, or NULL */
};

/* Parse the entity model file `text` (named `name` in messages) into `k`,
 * keeping the text for an image. */
gboolean tp_knowledge_set_entity_model_text(TpKnowledge *knowledge, const char *name, GBytes *text,
                                            GError **error);

/* Record `path` as a source of `k` (tp_knowledge_image.c). */
void tp_knowledge_add_source(TpKnowledge *k, const char *path);
void tp_knowledge_add_source_dir(TpKnowledge *k, const char *dir);
/* The knowledge of the opened image `img` (taken over, also on failure):
 * its sections checked, then its checksum. */
TpKnowledge *tp_knowledge_from_image(TpImage *img, GError **error);
void tp_knowledge_sources_free(TpKnowledge *k);

#endif /* TP_PRIVATE_H */
