/* SPDX-License-Identifier: MIT */
/* tp_text.c: text normalization (folding for matching) and the tokenizer. */

#include "tp_text.h"
#include "tp_heuristics.h"
#include "tp_flat.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* Typographic variants that news copy mixes freely: curly and straight
 * quotes, the many dashes. Returns the ASCII stand-in, or 0. */
static char unify_punct(gunichar c) {
    switch (c) {
    case 0x2018: /* left single quotation mark */
    case 0x2019: /* right single quotation mark */
    case 0x201B:
    case 0x02BC: /* modifier letter apostrophe */
    case 0x2032: /* prime */
    case 0x0060: /* grave accent */
    case 0x00B4: /* acute accent */ return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2033:
    case 0x00AB: /* guillemets */
    case 0x00BB: return '"';
    case 0x2010: /* hyphen */
    case 0x2011:
    case 0x2012:
    case 0x2013: /* en dash */
    case 0x2014: /* em dash */
    case 0x2015:
    case 0x2212: /* minus sign */
    case 0xFE58:
    case 0xFE63:
    case 0xFF0D: return '-';
    default: return 0;
    }
}

/* Letters that carry no combining mark in NFD but that readers treat as a
 * plain Latin letter when diacritics are dropped (Søren, Łódź, Đoković). */
static const char *fold_letter(gunichar c) {
    switch (c) {
    case 0x00F8: return "o";  /* ø */
    case 0x0111: return "d";  /* đ */
    case 0x00F0: return "d";  /* ð */
    case 0x0142: return "l";  /* ł */
    case 0x0131: return "i";  /* dotless ı */
    case 0x00E6: return "ae"; /* æ */
    case 0x0153: return "oe"; /* œ */
    case 0x00FE: return "th"; /* þ */
    case 0x0127: return "h";  /* ħ */
    default: return NULL;
    }
}

static gboolean is_ascii(const char *s, gsize len) {
    for (gsize i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return FALSE;
    return TRUE;
}

/* Append `s` to `out` with quotes and dashes unified. */
static void append_unified(GString *out, const char *s, gsize len) {
    const char *end = s + len;
    for (const char *p = s; p < end; p = g_utf8_next_char(p)) {
        if ((unsigned char)*p < 0x80) {
            g_string_append_c(out, *p);
            continue;
        }
        gunichar c = g_utf8_get_char(p);
        char u = unify_punct(c);
        if (u)
            g_string_append_c(out, u);
        else
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
    }
}

void tp_text_fold(GString *out, const char *s, gsize len) {
    if (is_ascii(s, len)) {
        /* For ASCII, NFKC and NFD are the identity and case folding is tolower:
         * g_ascii_tolower's answer, without its call per byte (test_text.c
         * compares the two). */
        gsize at = out->len;
        g_string_set_size(out, at + len);
        for (gsize i = 0; i < len; i++)
            out->str[at + i] = tp_ascii_tolower(s[i]);
        return;
    }
    g_autoptr(GString) unified = g_string_sized_new(len);
    append_unified(unified, s, len);
    if (is_ascii(unified->str, unified->len)) {
        /* Curly quotes and dashes ("“", "—", "O’Brien") become ASCII when
         * unified, and the normalizations below leave ASCII as it is: the
         * ASCII path, without its four GLib passes (test_text.c compares). */
        gsize at = out->len;
        g_string_set_size(out, at + unified->len);
        for (gsize i = 0; i < unified->len; i++)
            out->str[at + i] = tp_ascii_tolower(unified->str[i]);
        return;
    }
    g_autofree char *nfkc = g_utf8_normalize(unified->str, unified->len, G_NORMALIZE_NFKC);
    if (nfkc == NULL)
        return;
    g_autofree char *folded = g_utf8_casefold(nfkc, -1);
    g_autofree char *nfd = g_utf8_normalize(folded, -1, G_NORMALIZE_NFD);
    g_autoptr(GString) bare = g_string_sized_new(len);
    for (const char *p = nfd; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_ismark(c))
            continue;
        const char *f = fold_letter(c);
        if (f)
            g_string_append(bare, f);
        else
            g_string_append_unichar(bare, c);
    }
    g_autofree char *nfc = g_utf8_normalize(bare->str, bare->len, G_NORMALIZE_NFC);
    if (nfc)
        g_string_append(out, nfc);
}

void tp_text_shape(GString *out, const char *s, gsize len) {
    if (is_ascii(s, len)) {
        g_string_append_len(out, s, len);
        return;
    }
    g_autoptr(GString) unified = g_string_sized_new(len);
    append_unified(unified, s, len);
    g_autofree char *nfc = g_utf8_normalize(unified->str, unified->len, G_NORMALIZE_NFC);
    if (nfc)
        g_string_append(out, nfc);
}

gsize tp_utf16_length(const char *s, gsize len) {
    gsize n = 0;
    for (gsize i = 0; i < len; i++) {
        unsigned char b = (unsigned char)s[i];
        if ((b & 0xC0) != 0x80)
            n += (b >= 0xF0) ? 2 : 1; /* four-byte sequences need a surrogate pair */
    }
    return n;
}

void tp_tokens_init(TpTokens *tt) {
    tt->toks = g_array_new(FALSE, FALSE, sizeof(TpToken));
    tt->keys = g_string_new(NULL);
    tt->scratch = g_string_new(NULL);
}

void tp_tokens_clear(TpTokens *tt) {
    if (tt->toks)
        g_array_free(tt->toks, TRUE);
    if (tt->keys)
        g_string_free(tt->keys, TRUE);
    if (tt->scratch)
        g_string_free(tt->scratch, TRUE);
    memset(tt, 0, sizeof(*tt));
}

static gboolean is_word_char(gunichar c) {
    return tp_uisword(c);
}

static gboolean is_apostrophe(gunichar c) {
    return c == '\'' || c == 0x2019 || c == 0x02BC;
}

/* Abbreviations after which a full stop does not end the sentence ("Mr.
 * Trump", "Gen. Milley", "St. Louis"); English news style. Asked of the
 * word before every full stop, so a set built once, not a walk down the
 * list (a strcmp per entry was 1% of the tagger's instructions). */
static gboolean is_title_abbrev(const char *key, gsize len) {
    static const char *const abbrevs[] = {
        "mr",   "mrs", "ms",   "dr",   "prof", "sen",  "rep",  "gov",  "gen",  "lt",     "col",
        "capt", "cpt", "sgt",  "maj",  "adm",  "cmdr", "st",   "ft",   "mt",   "jr",     "sr",
        "rev",  "hon", "pres", "supt", "insp", "det",  "no",   "vs",   "v",    "messrs", "mme",
        "mlle", "inc", "corp", "co",   "ltd",  "bros", "dept", "univ", "assn", "jan",    "feb",
        "mar",  "apr", "aug",  "sep",  "sept", "oct",  "nov",  "dec",  NULL};
    static gsize once = 0;
    static TpStrSet set;
    if (g_once_init_enter(&once)) {
        tp_strset_init(&set);
        for (guint i = 0; abbrevs[i]; i++)
            tp_strset_add(&set, abbrevs[i], strlen(abbrevs[i]), NULL);
        g_once_init_leave(&once, 1);
    }
    return tp_strset_find(&set, key, len) != TP_STRSET_NONE;
}

/* The character at `q`, or 0 at the end of the text. */
static gunichar peek(const char *q, const char *end) {
    return q < end ? tp_uchar(q) : 0;
}

/* Length in bytes of the word starting at `p`, following the rules that keep
 * names whole: inner apostrophes (O'Brien, but "Ukraine's" splits before
 * "'s"), initials with dots ("U.S.", "J."), and digit groups ("1,000.5"). */
/* The length of the word at `p`; *out_ascii: whether its bytes are all
 * ASCII (told on the way, not in a second pass). */
static gsize scan_word(const char *p, const char *end, gboolean *out_abbrev, gboolean *out_ascii) {
    const char *q = p;
    guint n_chars = 0;
    *out_abbrev = FALSE;
    *out_ascii = TRUE;

    /* Initials: a single letter and a full stop, repeated ("J.", "U.S."),
     * when what follows the stop is not a letter that goes on a word. */
    for (;;) {
        gunichar c = peek(q, end);
        if (!tp_uisalpha(c))
            break;
        const char *dot = g_utf8_next_char(q);
        if (dot >= end || *dot != '.')
            break;
        const char *after = dot + 1;
        gunichar nx = peek(after, end);
        if (is_word_char(nx) &&
            !(tp_uisalpha(nx) && after < end && peek(g_utf8_next_char(after), end) == '.'))
            break;
        q = after;
        *out_abbrev = TRUE;
    }
    if (*out_abbrev) {
        *out_ascii = is_ascii(p, (gsize)(q - p));
        return q - p;
    }

    while (q < end) {
        /* ASCII letters and digits, most of a word's bytes, without the
         * UTF-8 steps: is_word_char's answer for them. */
        if (g_ascii_isalnum(*q)) {
            q++;
            n_chars++;
            continue;
        }
        /* Every other byte the word takes is stepped over from here. */
        gboolean high = (guchar)*q >= 0x80;
        gunichar c = tp_uchar(q);
        const char *next = g_utf8_next_char(q);
        if (is_word_char(c)) {
            *out_ascii = *out_ascii && !high;
            q = next;
            n_chars++;
            continue;
        }
        if (n_chars == 0 || next >= end)
            break;
        gunichar nx = tp_uchar(next);
        if (is_apostrophe(c) && tp_uisalpha(nx)) {
            /* Split off a possessive "'s" (followed by a non-word character). */
            const char *after_s = g_utf8_next_char(next);
            if ((nx == 's' || nx == 'S') && (after_s >= end || !is_word_char(tp_uchar(after_s))))
                break;
            *out_ascii = *out_ascii && !high;
            q = next;
            continue;
        }
        if ((c == '.' || c == ',') && tp_uisdigit(nx) &&
            tp_uisdigit(tp_uchar(g_utf8_prev_char(q)))) {
            q = next;
            continue;
        }
        break;
    }
    return q - p;
}

static guint32 word_flags(const char *p, gsize len) {
    guint32 flags = TP_TOK_WORD;
    guint n_upper = 0, n_lower = 0;
    gboolean first = TRUE;
    for (const char *q = p; q < p + len; q = g_utf8_next_char(q)) {
        gunichar c = tp_uchar(q);
        if (first && tp_uisdigit(c))
            flags |= TP_TOK_DIGIT;
        if (tp_uisupper_or_title(c)) {
            if (first)
                flags |= TP_TOK_CAP;
            n_upper++;
        } else if (tp_uislower(c)) {
            if (first)
                flags |= TP_TOK_LOWER;
            n_lower++;
        }
        if (tp_uisalnum(c))
            first = FALSE;
    }
    if (n_upper >= 2 && n_lower == 0)
        flags |= TP_TOK_ALLCAPS;
    return flags;
}

/* A word of ASCII bytes only (most words of news) in one pass: word_flags'
 * flags, its upper- and lower-case letters (for mark_line_caps), and its key
 * (tp_text_fold's ASCII path, lower case) appended to `keys`. The general
 * path takes five passes with a UTF-8 step each; test_text.c checks the
 * tokens of random ASCII text against GLib's character tests and casefold. */
static guint32 ascii_word(GString *keys, const char *p, gsize len, guint *n_upper, guint *n_lower) {
    guint32 flags = TP_TOK_WORD;
    /* Words start with a word character: in ASCII, a letter or a digit. */
    unsigned char b0 = (unsigned char)p[0];
    if (b0 >= '0' && b0 <= '9')
        flags |= TP_TOK_DIGIT;
    else if (b0 >= 'A' && b0 <= 'Z')
        flags |= TP_TOK_CAP;
    else if (b0 >= 'a' && b0 <= 'z')
        flags |= TP_TOK_LOWER;
    gsize at = keys->len;
    /* Room is mostly made once per text (tp_tokenize): no call per word. */
    if (G_LIKELY(at + len < keys->allocated_len)) {
        keys->len = at + len;
        keys->str[keys->len] = '\0';
    } else {
        g_string_set_size(keys, at + len);
    }
    char *out = keys->str + at;
    guint up = 0, low = 0;
    for (gsize i = 0; i < len; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z') {
            up++;
            c = (char)(c - 'A' + 'a');
        } else if (c >= 'a' && c <= 'z') {
            low++;
        }
        out[i] = c;
    }
    if (up >= 2 && low == 0)
        flags |= TP_TOK_ALLCAPS;
    *n_upper = up;
    *n_lower = low;
    return flags;
}

/* Code points in `len` bytes of valid UTF-8: the bytes that start one
 * (g_utf8_strlen's answer on valid text, without its per-character step). */
static guint32 count_codepoints(const char *p, gsize len) {
    guint32 n = 0;
    for (gsize i = 0; i < len; i++)
        n += ((unsigned char)p[i] & 0xC0) != 0x80;
    return n;
}

static gboolean ends_sentence(gunichar c) {
    return c == '.' || c == '!' || c == '?' || c == 0x2026 /* … */ || c == ':' || c == ';';
}

static void mark_line_caps(TpTokens *tt, guint from, guint n_upper, guint n_lower) {
    if (n_upper < 2 || n_lower > 0)
        return;
    for (guint i = from; i < tt->toks->len; i++)
        g_array_index(tt->toks, TpToken, i).flags |= TP_TOK_LINECAPS;
}

/* Room for `n` more tokens past the current ones. */
static void tokens_reserve(GArray *toks, gsize n) {
    guint len = toks->len;
    g_array_set_size(toks, len + (guint)n);
    g_array_set_size(toks, len); /* GArray keeps what it allocated */
}

void tp_tokenize(TpTokens *tt, const char *text, gsize len) {
    g_array_set_size(tt->toks, 0);
    g_string_truncate(tt->keys, 0);
    tt->interned = FALSE;
    /* The ASCII words' keys are written in place (ascii_word): their bytes
     * and NULs take at most twice the text's length, room made here; a
     * folded key longer than its text (NFKC expands some characters) may
     * use it up, and ascii_word grows the string then. */
    g_string_set_size(tt->keys, 2 * len + 1);
    g_string_truncate(tt->keys, 0);
    /* Tokens are appended without g_array_append_val's call and copy (a
     * sixth of the tokenizer's instructions): room for `reserved` of them. */
    guint reserved = 0;

    const char *p = text;
    const char *end = text + len;
    guint32 cp = 0;
    gboolean sent_pending = TRUE;
    guint32 pending_flags = TP_TOK_NL; /* the text's start counts as a line start */
    guint line_first = 0, line_upper = 0, line_lower = 0;

    while (p < end) {
        gunichar c = tp_uchar(p);
        const char *next = g_utf8_next_char(p);
        if (tp_uisspace(c) || c == 0xFEFF || c == 0x200B) {
            if (c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029) {
                mark_line_caps(tt, line_first, line_upper, line_lower);
                line_first = tt->toks->len;
                line_upper = line_lower = 0;
                pending_flags |= TP_TOK_NL;
                sent_pending = TRUE;
            }
            pending_flags |= TP_TOK_SPACE;
            p = next;
            cp++;
            continue;
        }

        TpToken t = {0};
        gboolean folded = FALSE; /* the key and the line's letters are done */
        t.start = (guint32)(p - text);
        t.start_cp = cp;
        gboolean abbrev = FALSE;
        gboolean ascii = TRUE;
        gsize wlen = is_word_char(c) ? scan_word(p, end, &abbrev, &ascii) : 0;
        if (wlen == 0 && is_apostrophe(c) && tt->toks->len &&
            tp_tok(tt, tt->toks->len - 1)->end == t.start && (peek(next, end) | 0x20) == 's' &&
            !is_word_char(peek(next + 1, end))) {
            /* The possessive "'s" that scan_word split off: one token of its own. */
            t.end = (guint32)(next + 1 - text);
            cp += 2;
        } else if (wlen > 0 && ascii) {
            t.end = t.start + (guint32)wlen;
            t.key = (guint32)tt->keys->len;
            guint nu, nl;
            t.flags = ascii_word(tt->keys, p, wlen, &nu, &nl) | (abbrev ? TP_TOK_ABBREV : 0);
            line_upper += nu;
            line_lower += nl;
            folded = TRUE;
            if (sent_pending)
                t.flags |= TP_TOK_SENT;
            sent_pending = FALSE;
            cp += (guint32)wlen;
        } else if (wlen > 0) {
            t.end = t.start + (guint32)wlen;
            t.flags = word_flags(p, wlen) | (abbrev ? TP_TOK_ABBREV : 0);
            if (sent_pending)
                t.flags |= TP_TOK_SENT;
            sent_pending = FALSE;
            cp += count_codepoints(p, wlen);
        } else {
            t.end = (guint32)(next - text);
            cp++;
            /* One punctuation character, ASCII or unified to it (curly
             * quotes, dashes): its key as tp_text_fold gives it. */
            char u = c < 0x80 ? (char)c : unify_punct(c);
            if (u) {
                t.key = (guint32)tt->keys->len;
                g_string_append_c(tt->keys, tp_ascii_tolower(u));
                if (tp_uisupper(c))
                    line_upper++;
                else if (tp_uislower(c))
                    line_lower++;
                folded = TRUE;
            }
            if (ends_sentence(c)) {
                /* "Mr. Healey": a title abbreviation's full stop ends nothing. */
                const TpToken *prev = tt->toks->len ? tp_tok(tt, tt->toks->len - 1) : NULL;
                gboolean title = c == '.' && prev && (prev->flags & TP_TOK_WORD) &&
                                 prev->end == t.start &&
                                 is_title_abbrev(tp_tok_key(tt, prev), prev->key_len);
                if (!title)
                    sent_pending = TRUE;
            }
        }
        t.end_cp = cp;
        t.flags |= pending_flags;
        pending_flags = 0;

        if (!folded) {
            for (const char *q = p; q < text + t.end; q = g_utf8_next_char(q)) {
                gunichar lc = tp_uchar(q);
                if (tp_uisupper(lc))
                    line_upper++;
                else if (tp_uislower(lc))
                    line_lower++;
            }
            t.key = (guint32)tt->keys->len;
            tp_text_fold(tt->keys, p, t.end - t.start);
        }
        t.key_len = (guint32)(tt->keys->len - t.key);
        g_string_append_c(tt->keys, '\0');
        if (reserved == 0) {
            reserved = MAX(64u, tt->toks->len);
            tokens_reserve(tt->toks, reserved);
        }
        reserved--;
        g_array_index(tt->toks, TpToken, tt->toks->len++) = t;
        p = text + t.end;
    }
    mark_line_caps(tt, line_first, line_upper, line_lower);
}

gboolean tp_utf8_validate_len(const char *s, gsize len, const char **out_end) {
    /* Eight ASCII bytes at a time (no high bit, no NUL, which GLib rejects);
     * the rest goes to GLib in pieces that end before an ASCII byte, so at a
     * character's start: the pieces are valid exactly when the whole is, and
     * the first bad byte is the same. GLib's own loop takes a step per byte,
     * which was 2% of a line's time. test_text.c compares the two. */
    const guint64 ones = G_GUINT64_CONSTANT(0x0101010101010101);
    const guint64 highs = G_GUINT64_CONSTANT(0x8080808080808080);
    gsize i = 0;
    while (i < len) {
        while (i + 8 <= len) {
            guint64 v;
            memcpy(&v, s + i, 8);
            if (((v | ((v - ones) & ~v)) & highs) != 0)
                break;
            i += 8;
        }
        /* Up to 16 bytes more, to the next ASCII byte after them (or the end). */
        gsize j = MIN(i + 16, len);
        while (j < len && (guchar)s[j] >= 0x80)
            j++;
        const char *bad = NULL;
        if (!g_utf8_validate_len(s + i, j - i, &bad)) {
            if (out_end)
                *out_end = bad;
            return FALSE;
        }
        i = j;
    }
    if (out_end)
        *out_end = s + len;
    return TRUE;
}

char *tp_read_text(const char *path, gsize *out_len, GError **error) {
    char *contents = NULL;
    gsize len = 0;
    GError *io = NULL;
    if (!g_file_get_contents(path, &contents, &len, &io)) {
        g_set_error(error, TP_ERROR, TP_ERROR_IO, "%s", io->message);
        g_error_free(io);
        return NULL;
    }
    if (!g_utf8_validate(contents, len, NULL) || memchr(contents, '\0', len)) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "%s: not valid UTF-8 text", path);
        g_free(contents);
        return NULL;
    }
    *out_len = len;
    return contents;
}

/* memchr, not g_strsplit: g_strsplit's strstr is linear in what is left of
 * the text under AddressSanitizer's interceptor, which made loading a large
 * gazetteer or the topic model quadratic there (518 s for 200k aliases).
 * test_text.c compares the two. */
char **tp_split_lines(const char *text, gsize len) {
    GPtrArray *pieces = g_ptr_array_new();
    for (const char *p = text, *end = text + len; len > 0;) {
        const char *nl = memchr(p, '\n', (gsize)(end - p));
        const char *stop = nl ? nl : end;
        g_ptr_array_add(pieces, g_strndup(p, (gsize)(stop - p)));
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    g_ptr_array_add(pieces, NULL);
    return (char **)g_ptr_array_free(pieces, FALSE);
}

char **tp_text_lines(const char *name, const char *contents, gsize len, const char *header,
                     GError **error) {
    if (!g_utf8_validate_len(contents, len, NULL) || memchr(contents, '\0', len)) {
        tp_set_error_at(error, TP_ERROR_FORMAT, name, 0, "not valid UTF-8 text");
        return NULL;
    }
    char **lines = tp_split_lines(contents, len);
    for (guint i = 0; lines[i]; i++) {
        gsize n = strlen(lines[i]);
        if (n && lines[i][n - 1] == '\r')
            lines[i][n - 1] = '\0';
    }
    if (header && (lines[0] == NULL || strcmp(lines[0], header) != 0)) {
        tp_set_error_at(error, TP_ERROR_FORMAT, name, 1, "expected header '%s'", header);
        g_strfreev(lines);
        return NULL;
    }
    return lines;
}

char **tp_read_lines(const char *path, const char *header, GError **error) {
    gsize len = 0;
    g_autofree char *contents = tp_read_text(path, &len, error);
    return contents ? tp_text_lines(path, contents, len, header, error) : NULL;
}

gboolean tp_set_error_at(GError **error, int code, const char *path, guint line, const char *fmt,
                         ...) {
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (line)
        g_set_error(error, TP_ERROR, code, "%s:%u: %s", path, line, msg);
    else
        g_set_error(error, TP_ERROR, code, "%s: %s", path, msg);
    return FALSE;
}

gboolean tp_parse_weight(const char *s, double *out, const char *path, guint line, GError **error) {
    char *end = NULL;
    *out = g_ascii_strtod(s, &end);
    if (end == s || *end != '\0')
        return tp_set_error_at(error, TP_ERROR_PARSE, path, line, "weight '%s' is not a number", s);
    if (!isfinite(*out) || fabs(*out) > TP_MAX_WEIGHT)
        return tp_set_error_at(error, TP_ERROR_FORMAT, path, line,
                               "weight '%s' is not a finite number in [-1e6, 1e6]", s);
    return TRUE;
}
