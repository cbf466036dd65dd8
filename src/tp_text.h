/* SPDX-License-Identifier: MIT */
/* tp_text.h: tokens, normalization and text files (tp_text.c; not installed). */

#ifndef TP_TEXT_H
#define TP_TEXT_H

#include "tagpipe.h"

#include <string.h>

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
    guint32 lex;      /* lexicon classes of the key (TpLexClass), filled by the tagger */
    guint32 gaz_id;   /* the gazetteer's token id of the key (G_MAXUINT32: none), likewise */
    guint32 gaz_root; /* the gazetteer trie's node this token leads to from its root (0: none) */
} TpToken;

typedef struct {
    GArray *toks;  /* TpToken */
    GString *keys; /* normalized keys, NUL-separated */
    GString *scratch;
    gboolean interned; /* `lex`, `gaz_id` and `gaz_root` are filled (tp_gazetteer_lexicon_tokens) */
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
/* Whether token `i` has one of the lexicon classes `classes` (TpLexClass;
 * `lex` is filled once the tokens are interned). */
static inline gboolean tp_tok_has(const TpTokens *tt, guint i, guint32 classes) {
    return (tp_tok(tt, i)->lex & classes) != 0;
}
/* A capitalized word (not a number): what names are made of. */
static inline gboolean tp_tok_is_cap_word(const TpToken *t) {
    return (t->flags & TP_TOK_WORD) && (t->flags & TP_TOK_CAP) && !(t->flags & TP_TOK_DIGIT);
}
/* Append the matching key of the UTF-8 string `s` (`len` bytes) to `out`:
 * NFKC, case folded, quotes and dashes unified, diacritics removed. */
void tp_text_fold(GString *out, const char *s, gsize len);
/* Append `s` with quotes, apostrophes and dashes unified and NFC applied:
 * the form compared for exact-case aliases. */
void tp_text_shape(GString *out, const char *s, gsize len);
/* Number of UTF-16 code units of the first `len` bytes of valid UTF-8 `s`. */
gsize tp_utf16_length(const char *s, gsize len);

/* The one form of a problem found in a data file: `error` set to
 * "PATH:LINE: message" (LINE 1-based; "PATH: message" for 0) in TP_ERROR
 * with `code`. Returns FALSE, for `return tp_set_error_at(...)`. */
gboolean tp_set_error_at(GError **error, int code, const char *path, guint line, const char *fmt,
                         ...) G_GNUC_PRINTF(5, 6);

/* Weights are summed as floats over a text's features: one beyond this bound
 * (or inf, nan, 1e999) would overflow the float or the sum. */
#define TP_MAX_WEIGHT 1e6
/* Parse the weight `s` (a C number, whatever the locale) into `out`: FALSE
 * with "PATH:LINE: weight 'S' is not a number" (TP_ERROR_PARSE) or "... is
 * not a finite number in [-1e6, 1e6]" (TP_ERROR_FORMAT). */
gboolean tp_parse_weight(const char *s, double *out, const char *path, guint line, GError **error);

/* Read the UTF-8 text file `path` (no NUL byte); TP_ERROR_IO when it cannot
 * be read, TP_ERROR_FORMAT when it is not UTF-8 text. (transfer full) */
char *tp_read_text(const char *path, gsize *out_len, GError **error);
/* g_utf8_validate_len, the same answer and `*out_end`, faster on text that
 * is mostly ASCII (news is). */
gboolean tp_utf8_validate_len(const char *s, gsize len, const char **out_end);

/* The lines of `len` bytes of `text` (no NUL), as g_strsplit(text, "\n", -1)
 * gives them: none for an empty text, an empty last one after a final "\n".
 * (transfer full) */
char **tp_split_lines(const char *text, gsize len);

/* The lines of the `len` bytes of `contents` (named `name` in messages),
 * as tp_read_lines() gives a file's: TP_ERROR_FORMAT when they are not
 * UTF-8 text or (with `header`) do not start with it. (transfer full) */
char **tp_text_lines(const char *name, const char *contents, gsize len, const char *header,
                     GError **error);

/* Read the UTF-8 text file `path` as lines (terminators, CR included,
 * removed). With `header`, the first line must be exactly that
 * (TP_ERROR_FORMAT, "FILE:1: expected header ..."). TP_ERROR_IO when it
 * cannot be read, TP_ERROR_FORMAT when it is not UTF-8 text. (transfer full) */
char **tp_read_lines(const char *path, const char *header, GError **error);

#endif /* TP_TEXT_H */
