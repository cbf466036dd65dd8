/* SPDX-License-Identifier: MIT */
/* tp_gazetteer.c: gazetteer and lexicon loading, and the token trie that matches them. */

#include "tp_gazetteer.h"
#include "tp_image.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define GAZ_HEADER "# tagpipe-gazetteer 1"
#define LEX_HEADER "# tagpipe-lexicon 1"
#define NO_VALUE G_MAXUINT32

typedef TpLexWord LexWord;

/* The in-memory form is the image's form: flat records with offsets into one
 * string pool, and open-addressing tables of indexes. The text loader appends
 * to them; an image lends them from its mapping (every TpVec borrowed, see
 * tp_gazetteer_from_image), and a later text load copies them first. */
struct TpGazetteer {
    TpPool pool;
    TpVec entries;    /* TpGazEntry */
    TpVec lines;      /* guint32: source line of each entry, for messages */
    TpVec values;     /* TpGazValue */
    TpVec node_first; /* guint32 per trie node: first value or NO_VALUE */
    TpStrMap ids;     /* id -> entry index */
    guint32 n_tokens;
    /* Trie edges: (node << 32 | token id) + 1 -> child node. */
    TpU64Map edges;
    TpVec files;          /* TpGazFile */
    TpVec words;          /* LexWord: lexicon classes and alias token ids */
    TpStrMap word_map;    /* folded word -> index into words */
    TpVec office_aliases; /* TpOfficeAlias: every surface of every office */
    TpTokens tt;          /* scratch for tokenizing aliases */
};

/* What the image keeps beside the vectors. */
typedef struct {
    guint32 n_tokens;
    guint32 ids_count;
    guint32 word_map_count;
    guint32 edges_count;
} GazMeta;

static const char *const type_names[TP_ENTITY_N_TYPES] = {"person", "office", "place",
                                                          "organization"};

const char *tp_entity_type_name(TpEntityType type) {
    g_return_val_if_fail(type < TP_ENTITY_N_TYPES, NULL);
    return type_names[type];
}

TpGazetteer *tp_gazetteer_new(void) {
    TpGazetteer *gaz = g_new0(TpGazetteer, 1);
    tp_pool_init(&gaz->pool);
    *(guint32 *)tp_vec_push(&gaz->node_first, sizeof(guint32)) = NO_VALUE; /* the root */
    tp_tokens_init(&gaz->tt);
    return gaz;
}

void tp_gazetteer_free(TpGazetteer *gaz) {
    if (gaz == NULL)
        return;
    tp_pool_clear(&gaz->pool);
    tp_vec_clear(&gaz->entries);
    tp_vec_clear(&gaz->lines);
    tp_vec_clear(&gaz->values);
    tp_vec_clear(&gaz->node_first);
    tp_strmap_clear(&gaz->ids);
    tp_u64map_clear(&gaz->edges);
    tp_vec_clear(&gaz->files);
    tp_vec_clear(&gaz->words);
    tp_strmap_clear(&gaz->word_map);
    tp_vec_clear(&gaz->office_aliases);
    tp_tokens_clear(&gaz->tt);
    g_free(gaz);
}

/* Copy whatever an image lent, so that a text file can be added. */
static void gaz_thaw(TpGazetteer *gaz) {
    tp_vec_thaw(&gaz->pool.bytes, 1);
    tp_vec_thaw(&gaz->entries, sizeof(TpGazEntry));
    tp_vec_thaw(&gaz->lines, sizeof(guint32));
    tp_vec_thaw(&gaz->values, sizeof(TpGazValue));
    tp_vec_thaw(&gaz->node_first, sizeof(guint32));
    tp_vec_thaw(&gaz->ids.slots, sizeof(TpStrSlot));
    tp_vec_thaw(&gaz->edges.keys, sizeof(guint64));
    tp_vec_thaw(&gaz->edges.vals, sizeof(guint32));
    tp_vec_thaw(&gaz->files, sizeof(TpGazFile));
    tp_vec_thaw(&gaz->words, sizeof(LexWord));
    tp_vec_thaw(&gaz->word_map.slots, sizeof(TpStrSlot));
    tp_vec_thaw(&gaz->office_aliases, sizeof(TpOfficeAlias));
}

const TpGazEntry *tp_gazetteer_entry(const TpGazetteer *gaz, guint32 i) {
    return &TP_VEC_AT(gaz->entries, const TpGazEntry, i);
}

const TpGazValue *tp_gazetteer_value(const TpGazetteer *gaz, guint32 i) {
    return &TP_VEC_AT(gaz->values, const TpGazValue, i);
}

const char *tp_gazetteer_str(const TpGazetteer *gaz, guint32 off) {
    return tp_pool_opt(&gaz->pool, off);
}

/* ---- the trie ---- */

static guint64 edge_key(guint32 node, guint32 token_id) {
    /* +1 keeps key 0 free to mark empty slots. */
    return ((guint64)node << 32 | token_id) + 1;
}

guint32 tp_gazetteer_child(const TpGazetteer *gaz, guint32 node, guint32 token_id) {
    guint32 child = tp_u64map_get(&gaz->edges, edge_key(node, token_id), 0);
    /* An image's edges are bounded here, not scanned at load. */
    return child < gaz->node_first.len ? child : 0;
}

static guint32 child_or_new(TpGazetteer *gaz, guint32 node, guint32 token_id) {
    guint32 child = tp_gazetteer_child(gaz, node, token_id);
    if (child)
        return child;
    child = gaz->node_first.len;
    *(guint32 *)tp_vec_push(&gaz->node_first, sizeof(guint32)) = NO_VALUE;
    tp_u64map_put(&gaz->edges, edge_key(node, token_id), child);
    return child;
}

static const LexWord *word_get(const TpGazetteer *gaz, const char *key) {
    const guint32 *w = tp_strmap_get(&gaz->word_map, &gaz->pool, key);
    return w ? &TP_VEC_AT(gaz->words, const LexWord, *w) : NULL;
}

guint32 tp_gazetteer_token_id(const TpGazetteer *gaz, const char *key) {
    const LexWord *w = word_get(gaz, key);
    return w ? w->token_id : G_MAXUINT32;
}

/* The entry of `key` in the one table of words (lexicon classes and token
 * ids together, so that a text's token needs one lookup), added if new. */
static LexWord *word_or_new(TpGazetteer *gaz, const char *key) {
    const guint32 *i = tp_strmap_get(&gaz->word_map, &gaz->pool, key);
    if (i)
        return &TP_VEC_AT(gaz->words, LexWord, *i);
    guint32 off = tp_pool_add(&gaz->pool, key);
    guint32 index = gaz->words.len;
    LexWord *w = tp_vec_push(&gaz->words, sizeof(LexWord));
    w->token_id = G_MAXUINT32;
    w->key = off;
    tp_strmap_put(&gaz->word_map, &gaz->pool, off, index);
    return w;
}

/* The word of `key` as a token of an alias: with a token id, given if new. */
static LexWord *token_word_or_new(TpGazetteer *gaz, const char *key) {
    LexWord *w = word_or_new(gaz, key);
    if (w->token_id == G_MAXUINT32)
        w->token_id = gaz->n_tokens++;
    return w;
}

guint32 tp_gazetteer_first_value(const TpGazetteer *gaz, guint32 node) {
    return TP_VEC_AT(gaz->node_first, const guint32, node);
}

/* Shapes of tokens [first, last] of `text` joined by single spaces: the form
 * exact-case aliases are compared in. */
static void span_shape(GString *out, const char *text, const TpTokens *tt, guint first,
                       guint last) {
    g_string_truncate(out, 0);
    for (guint k = first; k <= last; k++) {
        const TpToken *t = tp_tok(tt, k);
        if (k > first)
            g_string_append_c(out, ' ');
        tp_text_shape(out, text + t->start, t->end - t->start);
    }
}

/* ---- loading ---- */

typedef struct {
    char *text; /* without flag */
    guint32 flags;
} ParsedAlias;

typedef struct {
    TpEntityType type;
    char *id;
    char *name;
    char *country;
    char *kind;
    char *same_as;
    double prior;
    GArray *aliases; /* ParsedAlias */
    guint32 line;
} ParsedEntry;

static void parsed_entry_clear(gpointer p) {
    ParsedEntry *e = p;
    g_free(e->id);
    g_free(e->name);
    g_free(e->country);
    g_free(e->kind);
    g_free(e->same_as);
    for (guint i = 0; e->aliases && i < e->aliases->len; i++)
        g_free(g_array_index(e->aliases, ParsedAlias, i).text);
    if (e->aliases)
        g_array_free(e->aliases, TRUE);
}

static gboolean first_letter_upper(const char *s) {
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isalpha(c))
            return g_unichar_isupper(c) || g_unichar_istitle(c);
    }
    return FALSE;
}

static gboolean parse_type(const char *s, TpEntityType *out) {
    for (int t = 0; t < TP_ENTITY_N_TYPES; t++) {
        if (strcmp(s, type_names[t]) == 0) {
            *out = (TpEntityType)t;
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean valid_id(const char *id) {
    const char *slash = strchr(id, '/');
    if (slash == NULL || slash == id || slash[1] == '\0')
        return FALSE;
    for (const char *p = id; *p; p++)
        if (g_ascii_isspace(*p) || *p == '|' || *p == ';')
            return FALSE;
    return TRUE;
}

static gboolean valid_country(const char *s) {
    return strlen(s) == 2 && g_ascii_isupper(s[0]) && g_ascii_isupper(s[1]);
}

/* Parse the attribute column into `e`; returns an error message or NULL. */
static char *parse_attributes(const char *col, ParsedEntry *e) {
    g_auto(GStrv) pairs = g_strsplit(col, ";", -1);
    for (guint i = 0; pairs[i]; i++) {
        char *kv = g_strstrip(pairs[i]);
        if (*kv == '\0')
            continue;
        char *eq = strchr(kv, '=');
        if (eq == NULL || eq == kv)
            return g_strdup_printf("attribute '%s' is not key=value", kv);
        *eq = '\0';
        const char *key = kv, *val = eq + 1;
        if (strcmp(key, "country") == 0) {
            if (!valid_country(val))
                return g_strdup_printf("country '%s' is not an ISO 3166-1 alpha-2 code", val);
            g_free(e->country);
            e->country = g_strdup(val);
        } else if (strcmp(key, "same-as") == 0) {
            g_free(e->same_as);
            e->same_as = g_strdup(val);
        } else if (strcmp(key, "kind") == 0) {
            g_free(e->kind);
            e->kind = g_strdup(val);
        } else if (strcmp(key, "prior") == 0) {
            char *endp = NULL;
            errno = 0;
            double p = g_ascii_strtod(val, &endp);
            if (errno || endp == val || *endp != '\0' || !(p >= 0.0 && p <= 1.0))
                return g_strdup_printf("prior '%s' is not a number in [0,1]", val);
            e->prior = p;
        }
    }
    return NULL;
}

static char *parse_aliases(const char *col, ParsedEntry *e) {
    e->aliases = g_array_new(FALSE, FALSE, sizeof(ParsedAlias));
    if (*col == '\0' || strcmp(col, "-") == 0)
        return NULL;
    g_auto(GStrv) parts = g_strsplit(col, "|", -1);
    for (guint i = 0; parts[i]; i++) {
        char *a = g_strstrip(parts[i]);
        ParsedAlias pa = {0};
        if (*a == '=') {
            pa.flags |= TP_ALIAS_EXACT;
            a++;
        } else if (*a == '~') {
            pa.flags |= TP_ALIAS_COMMON;
            a++;
        }
        if (*a == '\0')
            return g_strdup_printf("empty alias (number %u)", i + 1);
        if (*a == '=' || *a == '~')
            return g_strdup_printf("alias '%s' has two flags", a - 1);
        pa.text = g_strdup(a);
        g_array_append_val(e->aliases, pa);
    }
    return NULL;
}

/* Parse one gazetteer line; returns an error message or NULL. */
static char *parse_gazetteer_line(char *line, ParsedEntry *e) {
    g_auto(GStrv) cols = g_strsplit(line, "\t", -1);
    guint n = g_strv_length(cols);
    if (n < 4 || n > 5)
        return g_strdup_printf("expected 4 or 5 tab-separated fields, found %u", n);
    if (!parse_type(cols[0], &e->type))
        return g_strdup_printf("unknown type '%s'", cols[0]);
    if (!valid_id(cols[1]))
        return g_strdup_printf("malformed id '%s' (expected KIND/KEY without spaces)", cols[1]);
    e->id = g_strdup(cols[1]);
    char *name = g_strstrip(cols[2]);
    if (*name == '\0')
        return g_strdup("empty canonical name");
    e->name = g_strdup(name);
    e->prior = 0.5;
    char *msg = parse_aliases(cols[3], e);
    if (msg == NULL && n == 5)
        msg = parse_attributes(cols[4], e);
    return msg;
}

/* Can `alias` ever match? It needs a word, not only punctuation. */
static gboolean alias_has_word(TpGazetteer *gaz, const char *alias) {
    tp_tokenize(&gaz->tt, alias, strlen(alias));
    for (guint k = 0; k < gaz->tt.toks->len; k++)
        if (tp_tok(&gaz->tt, k)->flags & TP_TOK_WORD)
            return TRUE;
    return FALSE;
}

/* Add `alias` of entry `entry_index` to the trie (it has a word: checked
 * when the file was parsed). */
static void add_alias(TpGazetteer *gaz, guint32 entry_index, const char *alias, guint32 flags) {
    tp_tokenize(&gaz->tt, alias, strlen(alias));
    guint32 node = 0;
    for (guint k = 0; k < gaz->tt.toks->len; k++) {
        const TpToken *t = tp_tok(&gaz->tt, k);
        LexWord *w = token_word_or_new(gaz, tp_tok_key(&gaz->tt, t));
        node = child_or_new(gaz, node, w->token_id); /* adds nodes and edges, no word */
        if (k == 0)
            w->root = node;
    }
    if (first_letter_upper(alias))
        flags |= TP_ALIAS_UPPER;
    g_autoptr(GString) s = g_string_new(NULL);
    if (flags & (TP_ALIAS_EXACT | TP_ALIAS_COMMON))
        span_shape(s, alias, &gaz->tt, 0, gaz->tt.toks->len - 1);
    gboolean has_shape = (flags & (TP_ALIAS_EXACT | TP_ALIAS_COMMON)) != 0;
    /* The same surface twice for one entry (name and alias folding alike) adds nothing. */
    guint32 first = TP_VEC_AT(gaz->node_first, guint32, node);
    for (guint32 v = first; v != NO_VALUE; v = tp_gazetteer_value(gaz, v)->next) {
        const TpGazValue *old = tp_gazetteer_value(gaz, v);
        if (old->entry == entry_index &&
            (old->flags & ~TP_ALIAS_NAME) == (flags & ~TP_ALIAS_NAME) &&
            (old->shape != 0) == has_shape &&
            (!has_shape || strcmp(tp_pool_str(&gaz->pool, old->shape), s->str) == 0))
            return;
    }
    guint32 shape = has_shape ? tp_pool_add(&gaz->pool, s->str) : 0;
    TP_VEC_AT(gaz->node_first, guint32, node) = gaz->values.len;
    TpGazValue *val = tp_vec_push(&gaz->values, sizeof(TpGazValue));
    *val = (TpGazValue){.entry = entry_index, .flags = flags, .shape = shape, .next = first};
}

static void commit_entries(TpGazetteer *gaz, GArray *parsed, TpGazFile *file, guint32 file_index) {
    for (guint i = 0; i < parsed->len; i++) {
        ParsedEntry *pe = &g_array_index(parsed, ParsedEntry, i);
        guint32 index = gaz->entries.len;
        TpGazEntry e = {
            .type = pe->type,
            .file = file_index,
            .id = tp_pool_add(&gaz->pool, pe->id),
            .name = tp_pool_add(&gaz->pool, pe->name),
            .country = pe->country ? tp_pool_add(&gaz->pool, pe->country) : 0,
            .kind = pe->kind ? tp_pool_add(&gaz->pool, pe->kind) : 0,
            .prior = pe->prior,
            .same_as = pe->same_as ? tp_pool_add(&gaz->pool, pe->same_as) : 0,
        };
        *(TpGazEntry *)tp_vec_push(&gaz->entries, sizeof(TpGazEntry)) = e;
        *(guint32 *)tp_vec_push(&gaz->lines, sizeof(guint32)) = pe->line;
        tp_strmap_put(&gaz->ids, &gaz->pool, e.id, index);
        file->n_entries[e.type]++;

        /* The canonical name is matched too, with the flag of an alias spelled the same. */
        gboolean name_listed = FALSE;
        for (guint k = 0; k < pe->aliases->len; k++) {
            ParsedAlias *pa = &g_array_index(pe->aliases, ParsedAlias, k);
            if (strcmp(pa->text, pe->name) == 0)
                name_listed = TRUE;
            add_alias(gaz, index, pa->text, pa->flags);
            file->n_aliases[e.type]++;
            if (e.type == TP_ENTITY_OFFICE) {
                TpOfficeAlias oa = {index, tp_pool_add(&gaz->pool, pa->text)};
                *(TpOfficeAlias *)tp_vec_push(&gaz->office_aliases, sizeof oa) = oa;
            }
        }
        if (!name_listed)
            add_alias(gaz, index, pe->name, TP_ALIAS_NAME);
        if (!name_listed && e.type == TP_ENTITY_OFFICE) {
            TpOfficeAlias oa = {index, e.name};
            *(TpOfficeAlias *)tp_vec_push(&gaz->office_aliases, sizeof oa) = oa;
        }
    }
}

static gboolean load_gazetteer_lines(TpGazetteer *gaz, const char *path, char **lines,
                                     TpGazFile *file, guint32 file_index, GError **error) {
    g_autoptr(GArray) parsed = g_array_new(FALSE, TRUE, sizeof(ParsedEntry));
    g_array_set_clear_func(parsed, parsed_entry_clear);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    /* Parse and check the whole file before changing anything: a bad line
     * leaves the gazetteer as it was. */
    for (guint i = 1; lines[i]; i++) {
        char *line = lines[i];
        if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
            continue;
        ParsedEntry pe = {.line = i + 1};
        g_autofree char *msg = parse_gazetteer_line(line, &pe);
        if (msg) {
            parsed_entry_clear(&pe);
            return tp_set_error_at(error, TP_ERROR_PARSE, path, i + 1, "%s", msg);
        }
        if (!alias_has_word(gaz, pe.name))
            msg = g_strdup_printf("name '%s' has no word to match", pe.name);
        for (guint k = 0; msg == NULL && k < pe.aliases->len; k++) {
            const char *a = g_array_index(pe.aliases, ParsedAlias, k).text;
            if (!alias_has_word(gaz, a))
                msg = g_strdup_printf("alias '%s' has no word to match", a);
        }
        if (msg) {
            parsed_entry_clear(&pe);
            return tp_set_error_at(error, TP_ERROR_PARSE, path, i + 1, "%s", msg);
        }
        const guint32 *old = tp_strmap_get(&gaz->ids, &gaz->pool, pe.id);
        gpointer here = g_hash_table_lookup(seen, pe.id);
        if (old || here) {
            g_autofree char *where =
                old ? g_strdup_printf(
                          "%s:%u",
                          tp_pool_str(&gaz->pool, TP_VEC_AT(gaz->files, TpGazFile,
                                                            tp_gazetteer_entry(gaz, *old)->file)
                                                      .path),
                          TP_VEC_AT(gaz->lines, guint32, *old))
                    : g_strdup_printf("line %u", GPOINTER_TO_UINT(here));
            gboolean r = tp_set_error_at(error, TP_ERROR_FORMAT, path, i + 1,
                                         "duplicate id '%s' (first defined at %s)", pe.id, where);
            parsed_entry_clear(&pe);
            return r;
        }
        g_array_append_val(parsed, pe);
        g_hash_table_insert(seen, g_array_index(parsed, ParsedEntry, parsed->len - 1).id,
                            GUINT_TO_POINTER(i + 1));
    }
    commit_entries(gaz, parsed, file, file_index);
    return TRUE;
}

static gboolean parse_lex_class(const char *s, guint32 *out) {
    static const struct {
        const char *name;
        guint32 cls;
    } classes[] = {
        {"given-name", TP_LEX_GIVEN_NAME},
        {"surname", TP_LEX_SURNAME},
        {"particle", TP_LEX_PARTICLE},
        {"honorific", TP_LEX_HONORIFIC},
        {"title", TP_LEX_TITLE},
        {"org-head", TP_LEX_ORG_HEAD},
        {"org-suffix", TP_LEX_ORG_SUFFIX},
        {"demonym", TP_LEX_DEMONYM},
        {"portfolio", TP_LEX_PORTFOLIO},
        {"office-word", TP_LEX_OFFICE_WORD},
        {"stopword", TP_LEX_STOPWORD},
        {"common", TP_LEX_COMMON},
        {"connector", TP_LEX_CONNECTOR},
        {"place-preposition", TP_LEX_PLACE_PREP},
        {"speech-verb", TP_LEX_SPEECH_VERB},
        {"role", TP_LEX_ROLE},
        {"versus", TP_LEX_VERSUS},
        {"office-modifier", TP_LEX_OFFICE_MODIFIER},
    };
    for (guint i = 0; i < G_N_ELEMENTS(classes); i++) {
        if (strcmp(s, classes[i].name) == 0) {
            *out = classes[i].cls;
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean load_lexicon_lines(TpGazetteer *gaz, const char *path, char **lines,
                                   TpGazFile *file, GError **error) {
    typedef struct {
        char *key;
        guint32 cls;
        char *country;
        char *formal;
        char *canonical;
    } LexLine;
    g_autoptr(GArray) parsed = g_array_new(FALSE, TRUE, sizeof(LexLine));
    gboolean ok = TRUE;

    for (guint i = 1; lines[i] && ok; i++) {
        char *line = lines[i];
        if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
            continue;
        g_auto(GStrv) cols = g_strsplit(line, "\t", -1);
        guint n = g_strv_length(cols);
        LexLine ll = {0};
        if (n < 2 || n > 3) {
            ok = tp_set_error_at(error, TP_ERROR_PARSE, path, i + 1,
                                 "expected 2 or 3 tab-separated fields, found %u", n);
        } else if (!parse_lex_class(cols[0], &ll.cls)) {
            ok = tp_set_error_at(error, TP_ERROR_PARSE, path, i + 1, "unknown lexicon class '%s'",
                                 cols[0]);
        } else if (*g_strstrip(cols[1]) == '\0') {
            ok = tp_set_error_at(error, TP_ERROR_PARSE, path, i + 1, "empty word");
        } else {
            /* "Sen." and "Sen" are one title: a token's key never holds the stop. */
            gsize wlen = strlen(cols[1]);
            if (wlen > 1 && cols[1][wlen - 1] == '.')
                wlen--;
            g_autoptr(GString) key = g_string_new(NULL);
            tp_text_fold(key, cols[1], wlen);
            ll.key = g_string_free(g_steal_pointer(&key), FALSE);
            g_auto(GStrv) pairs = n == 3 ? g_strsplit(cols[2], ";", -1) : g_new0(char *, 1);
            for (guint k = 0; pairs[k] && ok; k++) {
                char *kv = g_strstrip(pairs[k]);
                char *eq = strchr(kv, '=');
                if (*kv == '\0')
                    continue;
                if (eq == NULL || eq == kv) {
                    ok = tp_set_error_at(error, TP_ERROR_PARSE, path, i + 1,
                                         "attribute '%s' is not key=value", kv);
                } else if (g_str_has_prefix(kv, "country=")) {
                    if (!valid_country(eq + 1))
                        ok = tp_set_error_at(error, TP_ERROR_PARSE, path, i + 1,
                                             "country '%s' is not an ISO 3166-1 alpha-2 code",
                                             eq + 1);
                    else
                        g_free(ll.country), ll.country = g_strdup(eq + 1);
                } else if (g_str_has_prefix(kv, "formal=")) {
                    /* A key given twice: the last one holds (the first is freed). */
                    g_free(ll.formal);
                    ll.formal = g_strdup(eq + 1);
                } else if (g_str_has_prefix(kv, "canonical=")) {
                    g_free(ll.canonical);
                    ll.canonical = g_strdup(eq + 1);
                }
            }
            /* Offices are keyed by canonical forms: a word without one has no key. */
            if (ok && (ll.cls & (TP_LEX_PORTFOLIO | TP_LEX_OFFICE_WORD)) && ll.canonical == NULL)
                ok = tp_set_error_at(error, TP_ERROR_FORMAT, path, i + 1,
                                     "%s '%s' has no canonical= form", cols[0], cols[1]);
            g_array_append_val(parsed, ll);
            continue;
        }
    }
    for (guint i = 0; i < parsed->len; i++) {
        LexLine *ll = &g_array_index(parsed, LexLine, i);
        if (ok) {
            /* Mark a phrase's first word, so that a word no phrase starts with
             * needs no phrase lookup. (First: adding a word moves the records.) */
            char *space = strchr(ll->key, ' ');
            if (space) {
                *space = '\0';
                word_or_new(gaz, ll->key)->classes |= TP_LEX_PHRASE;
                *space = ' ';
            }
            /* Strings first too: the pool may grow, the word records do not. */
            guint32 country = ll->country ? tp_pool_add(&gaz->pool, ll->country) : 0;
            guint32 formal = ll->formal ? tp_pool_add(&gaz->pool, ll->formal) : 0;
            guint32 canonical = ll->canonical ? tp_pool_add(&gaz->pool, ll->canonical) : 0;
            LexWord *w = word_or_new(gaz, ll->key);
            w->classes |= ll->cls;
            if (w->country == 0)
                w->country = country;
            if (w->formal == 0)
                w->formal = formal;
            if (w->canonical == 0)
                w->canonical = canonical;
            file->n_lexicon++;
        }
        g_free(ll->key);
        g_free(ll->country);
        g_free(ll->formal);
        g_free(ll->canonical);
    }
    return ok;
}

gboolean tp_gazetteer_load(TpGazetteer *gaz, const char *path, GError **error) {
    g_auto(GStrv) lines = tp_read_lines(path, NULL, error);
    if (lines == NULL)
        return FALSE;
    const char *header = lines[0] ? lines[0] : "";

    gaz_thaw(gaz);
    TpGazFile file = {0};
    gboolean ok;
    if (strcmp(header, GAZ_HEADER) == 0) {
        ok = load_gazetteer_lines(gaz, path, lines, &file, gaz->files.len, error);
    } else if (strcmp(header, LEX_HEADER) == 0) {
        file.lexicon = TRUE;
        ok = load_lexicon_lines(gaz, path, lines, &file, error);
    } else {
        ok = tp_set_error_at(error, TP_ERROR_FORMAT, path, 1,
                             "expected header '" GAZ_HEADER "' or '" LEX_HEADER "'");
    }
    if (!ok)
        return FALSE;
    file.path = tp_pool_add(&gaz->pool, path);
    *(TpGazFile *)tp_vec_push(&gaz->files, sizeof file) = file;
    return TRUE;
}

guint32 tp_gazetteer_lexicon(const TpGazetteer *gaz, const char *key) {
    const LexWord *w = word_get(gaz, key);
    return w ? w->classes : 0;
}

/* Direct-mapped by the key's hash: an entry holds a key of up to
 * WORD_CACHE_KEY bytes and what the word table said of it (a word, or
 * none). 32 bytes each, 64 KB in all. */
#define WORD_CACHE_SLOTS 2048
#define WORD_CACHE_KEY 19
typedef struct {
    guint64 hash;
    guint32 word; /* index into the words + 1; 0: not a word of the gazetteer */
    guint8 len;   /* key bytes; 0: an empty entry (no token's key is empty) */
    char key[WORD_CACHE_KEY];
} WordCacheEntry;
G_STATIC_ASSERT(sizeof(WordCacheEntry) == 32);

struct TpWordCache {
    const TpGazetteer *gaz;
    guint64 hits, misses;
    WordCacheEntry entries[WORD_CACHE_SLOTS];
};

TpWordCache *tp_word_cache_new(void) {
    return g_new0(TpWordCache, 1);
}

void tp_word_cache_free(TpWordCache *cache) {
    g_free(cache);
}

void tp_word_cache_stats(const TpWordCache *cache, guint64 *hits, guint64 *misses) {
    *hits = cache->hits;
    *misses = cache->misses;
}

/* The word of `key` (`len` bytes, NUL-terminated), through the cache. */
static const LexWord *word_get_cached(const TpGazetteer *gaz, TpWordCache *cache, const char *key,
                                      gsize len) {
    if (cache == NULL || len == 0 || len > WORD_CACHE_KEY)
        return word_get(gaz, key);
    guint64 h = tp_hash_str(key);
    WordCacheEntry *e = &cache->entries[h & (WORD_CACHE_SLOTS - 1)];
    if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0) {
        cache->hits++;
        return e->word ? &TP_VEC_AT(gaz->words, const LexWord, e->word - 1) : NULL;
    }
    cache->misses++;
    const guint32 *wi = tp_strmap_get_hashed(&gaz->word_map, &gaz->pool, key, h);
    const LexWord *w = wi ? &TP_VEC_AT(gaz->words, const LexWord, *wi) : NULL;
    e->hash = h;
    e->len = (guint8)len;
    memcpy(e->key, key, len);
    e->word = wi ? *wi + 1 : 0;
    return w;
}

void tp_gazetteer_lexicon_tokens(const TpGazetteer *gaz, TpTokens *tt, TpWordCache *cache) {
    if (cache && cache->gaz != gaz) {
        memset(cache, 0, sizeof *cache);
        cache->gaz = gaz;
    }
    for (guint i = 0; i < tt->toks->len; i++) {
        TpToken *t = &g_array_index(tt->toks, TpToken, i);
        /* Punctuation has no lexicon class but a function word's ("&", "'s"),
         * and may be an alias token ("U.S."). A key's bytes go up to its
         * first NUL (a text's "\u0000"), as the word table reads them. */
        const char *key = tt->keys->str + t->key;
        gsize len = memchr(key, '\0', t->key_len) ? strlen(key) : t->key_len;
        const LexWord *w = word_get_cached(gaz, cache, key, len);
        t->gaz_root = w ? w->root : 0;
        t->lex = w == NULL                  ? 0
                 : (t->flags & TP_TOK_WORD) ? w->classes
                                            : w->classes & TP_LEX_FUNCTION;
        t->gaz_id = w ? w->token_id : G_MAXUINT32;
    }
    tt->interned = TRUE;
}

const TpLexWord *tp_gazetteer_lexword(const TpGazetteer *gaz, const char *key) {
    /* Words that only aliases use carry no lexicon class. */
    const LexWord *w = word_get(gaz, key);
    return w && w->classes ? w : NULL;
}

const TpOfficeAlias *tp_gazetteer_office_aliases(const TpGazetteer *gaz, guint32 *out_n) {
    *out_n = gaz->office_aliases.len;
    return gaz->office_aliases.data;
}

const TpGazEntry *tp_gazetteer_entry_by_id(const TpGazetteer *gaz, const char *id) {
    const guint32 *v = tp_strmap_get(&gaz->ids, &gaz->pool, id);
    return v ? tp_gazetteer_entry(gaz, *v) : NULL;
}

const TpGazEntry *tp_gazetteer_canonical(const TpGazetteer *gaz, const TpGazEntry *e) {
    const TpGazEntry *target =
        e->same_as ? tp_gazetteer_entry_by_id(gaz, tp_pool_str(&gaz->pool, e->same_as)) : NULL;
    return target ? target : e;
}

guint32 tp_gazetteer_n_entries(const TpGazetteer *gaz) {
    return gaz->entries.len;
}

/* ---- the image sections ---- */

void tp_gazetteer_write(const TpGazetteer *gaz, TpImageWriter *w) {
    GazMeta meta = {gaz->n_tokens, gaz->ids.count, gaz->word_map.count, gaz->edges.count};
    tp_image_writer_add_copy(w, TP_SEC_GAZ_META, &meta, sizeof meta);
    tp_image_writer_add_vec(w, TP_SEC_GAZ_POOL, &gaz->pool.bytes, 1);
    tp_image_writer_add_vec(w, TP_SEC_GAZ_ENTRIES, &gaz->entries, sizeof(TpGazEntry));
    tp_image_writer_add_vec(w, TP_SEC_GAZ_LINES, &gaz->lines, sizeof(guint32));
    tp_image_writer_add_vec(w, TP_SEC_GAZ_VALUES, &gaz->values, sizeof(TpGazValue));
    tp_image_writer_add_vec(w, TP_SEC_GAZ_NODES, &gaz->node_first, sizeof(guint32));
    tp_image_writer_add_u64map(w, TP_SEC_GAZ_EDGE_KEYS, TP_SEC_GAZ_EDGE_VALS, &gaz->edges);
    tp_image_writer_add_strmap(w, TP_SEC_GAZ_IDS, &gaz->ids, &gaz->pool);
    tp_image_writer_add_vec(w, TP_SEC_GAZ_WORDS, &gaz->words, sizeof(LexWord));
    tp_image_writer_add_strmap(w, TP_SEC_GAZ_WORD_MAP, &gaz->word_map, &gaz->pool);
    tp_image_writer_add_vec(w, TP_SEC_GAZ_FILES, &gaz->files, sizeof(TpGazFile));
    tp_image_writer_add_vec(w, TP_SEC_GAZ_OFFICE_ALIASES, &gaz->office_aliases,
                            sizeof(TpOfficeAlias));
}

/* Is every offset and index of the borrowed records in range? Checked once
 * at load, so that a lookup never needs to. */
static gboolean gaz_valid(TpGazetteer *gaz) {
    guint32 pool = gaz->pool.bytes.len;
    guint32 n_entries = gaz->entries.len, n_values = gaz->values.len;
    guint32 n_nodes = gaz->node_first.len, n_files = gaz->files.len;
    if (!tp_pool_valid(&gaz->pool) || gaz->lines.len != n_entries || n_nodes == 0)
        return FALSE;
    for (guint32 i = 0; i < n_entries; i++) {
        const TpGazEntry *e = tp_gazetteer_entry(gaz, i);
        if (e->type >= TP_ENTITY_N_TYPES || e->file >= n_files || e->id == 0 || e->id >= pool ||
            e->name == 0 || e->name >= pool || e->country >= pool || e->kind >= pool ||
            e->same_as >= pool || !(e->prior >= 0.0 && e->prior <= 1.0))
            return FALSE;
    }
    for (guint32 i = 0; i < n_values; i++) {
        const TpGazValue *v = tp_gazetteer_value(gaz, i);
        /* A value links only to older ones: no chain can loop. */
        if (v->entry >= n_entries || v->shape >= pool || (v->next != NO_VALUE && v->next >= i))
            return FALSE;
        if ((v->flags & (TP_ALIAS_EXACT | TP_ALIAS_COMMON)) && v->shape == 0)
            return FALSE;
    }
    for (guint32 i = 0; i < n_nodes; i++) {
        guint32 f = TP_VEC_AT(gaz->node_first, guint32, i);
        if (f != NO_VALUE && f >= n_values)
            return FALSE;
    }
    for (guint32 i = 0; i < gaz->words.len; i++) {
        const LexWord *w = &TP_VEC_AT(gaz->words, LexWord, i);
        if (w->key == 0 || w->key >= pool || w->country >= pool || w->formal >= pool ||
            w->canonical >= pool || (w->token_id != G_MAXUINT32 && w->token_id >= gaz->n_tokens) ||
            w->root >= n_nodes || (w->root && w->token_id == G_MAXUINT32))
            return FALSE;
    }
    for (guint32 i = 0; i < n_files; i++)
        if (TP_VEC_AT(gaz->files, TpGazFile, i).path >= pool)
            return FALSE;
    for (guint32 i = 0; i < gaz->office_aliases.len; i++) {
        const TpOfficeAlias *oa = &TP_VEC_AT(gaz->office_aliases, TpOfficeAlias, i);
        if (oa->entry >= n_entries || oa->alias == 0 || oa->alias >= pool)
            return FALSE;
    }
    return tp_strmap_valid(&gaz->ids, n_entries) &&
           tp_strmap_valid(&gaz->word_map, gaz->words.len) && tp_u64map_valid(&gaz->edges);
}

TpGazetteer *tp_gazetteer_from_image(const TpImage *img, GError **error) {
    gsize len;
    const GazMeta *meta = tp_image_section(img, TP_SEC_GAZ_META, &len);
    if (meta == NULL || len != sizeof *meta) {
        tp_image_fail(img, error, "no gazetteer section");
        return NULL;
    }
    TpGazetteer *gaz = g_new0(TpGazetteer, 1);
    tp_tokens_init(&gaz->tt);
    gaz->n_tokens = meta->n_tokens;
    gaz->ids.count = meta->ids_count;
    gaz->word_map.count = meta->word_map_count;
    gaz->edges.count = meta->edges_count;
    gboolean ok =
        tp_image_vec(img, TP_SEC_GAZ_POOL, 1, &gaz->pool.bytes) &&
        tp_image_vec(img, TP_SEC_GAZ_ENTRIES, sizeof(TpGazEntry), &gaz->entries) &&
        tp_image_vec(img, TP_SEC_GAZ_LINES, sizeof(guint32), &gaz->lines) &&
        tp_image_vec(img, TP_SEC_GAZ_VALUES, sizeof(TpGazValue), &gaz->values) &&
        tp_image_vec(img, TP_SEC_GAZ_NODES, sizeof(guint32), &gaz->node_first) &&
        tp_image_vec(img, TP_SEC_GAZ_EDGE_KEYS, sizeof(guint64), &gaz->edges.keys) &&
        tp_image_vec(img, TP_SEC_GAZ_EDGE_VALS, sizeof(guint32), &gaz->edges.vals) &&
        tp_image_vec(img, TP_SEC_GAZ_IDS, sizeof(TpStrSlot), &gaz->ids.slots) &&
        tp_image_vec(img, TP_SEC_GAZ_WORDS, sizeof(LexWord), &gaz->words) &&
        tp_image_vec(img, TP_SEC_GAZ_WORD_MAP, sizeof(TpStrSlot), &gaz->word_map.slots) &&
        tp_image_vec(img, TP_SEC_GAZ_FILES, sizeof(TpGazFile), &gaz->files) &&
        tp_image_vec(img, TP_SEC_GAZ_OFFICE_ALIASES, sizeof(TpOfficeAlias), &gaz->office_aliases);
    if (!ok || !gaz_valid(gaz)) {
        tp_image_fail(img, error, "gazetteer sections malformed or out of range");
        tp_gazetteer_free(gaz);
        return NULL;
    }
    return gaz;
}

void tp_gazetteer_describe(const TpGazetteer *gaz, GString *out) {
    guint tot_e[TP_ENTITY_N_TYPES] = {0}, tot_a[TP_ENTITY_N_TYPES] = {0}, tot_lex = 0;
    for (guint i = 0; i < gaz->files.len; i++) {
        const TpGazFile *f = &TP_VEC_AT(gaz->files, TpGazFile, i);
        const char *path = tp_pool_str(&gaz->pool, f->path);
        if (f->lexicon) {
            g_string_append_printf(out, "%s\tlexicon\t%u words\n", path, f->n_lexicon);
            tot_lex += f->n_lexicon;
            continue;
        }
        for (int t = 0; t < TP_ENTITY_N_TYPES; t++) {
            if (f->n_entries[t] == 0)
                continue;
            g_string_append_printf(out, "%s\t%s\t%u entries\t%u aliases\n", path, type_names[t],
                                   f->n_entries[t], f->n_aliases[t]);
            tot_e[t] += f->n_entries[t];
            tot_a[t] += f->n_aliases[t];
        }
    }
    for (int t = 0; t < TP_ENTITY_N_TYPES; t++)
        g_string_append_printf(out, "total\t%s\t%u entries\t%u aliases\n", type_names[t], tot_e[t],
                               tot_a[t]);
    g_string_append_printf(out, "total\tlexicon\t%u words\n", tot_lex);
}

/* ---- matching ---- */

/* A token after the first of [first, last] is a capitalized word. */
static gboolean later_cap(const TpTokens *tt, guint first, guint last) {
    for (guint t = first + 1; t <= last; t++)
        if ((tp_tok(tt, t)->flags & TP_TOK_CAP) && (tp_tok(tt, t)->flags & TP_TOK_WORD))
            return TRUE;
    return FALSE;
}

/* Does the text at tokens [first, last] give the evidence alias `v` needs? */
static gboolean case_evidence(const TpGazetteer *gaz, const TpGazValue *v, const char *text,
                              const TpTokens *tt, guint first, guint last, GString *shape) {
    const TpToken *t0 = tp_tok(tt, first);
    if (v->flags & (TP_ALIAS_EXACT | TP_ALIAS_COMMON)) {
        span_shape(shape, text, tt, first, last);
        if (strcmp(shape->str, tp_pool_str(&gaz->pool, v->shape)) != 0)
            return FALSE;
        /* A common word at a sentence start or in all-caps copy proves nothing;
         * a phrase of them does at a sentence start when a later word is
         * capitalized as in the alias ("Federal Reserve governor ..."): an
         * ordinary phrase there would go on in lower case. */
        if ((v->flags & TP_ALIAS_COMMON) &&
            ((t0->flags & TP_TOK_LINECAPS) ||
             ((t0->flags & TP_TOK_SENT) && !later_cap(tt, first, last))))
            return FALSE;
        return TRUE;
    }
    if (tp_gazetteer_entry(gaz, v->entry)->type == TP_ENTITY_OFFICE)
        return TRUE;
    if ((v->flags & TP_ALIAS_UPPER) && !(t0->flags & TP_TOK_CAP))
        return FALSE;
    return TRUE;
}

void tp_gazetteer_match(const TpGazetteer *gaz, const char *text, const TpTokens *tt,
                        GString *shape_scratch, GArray *out) {
    guint n = tt->toks->len;
    g_autofree guint32 *ids = g_new(guint32, n ? n : 1);
    for (guint i = 0; i < n; i++)
        ids[i] = tt->interned ? tp_tok(tt, i)->gaz_id
                              : tp_gazetteer_token_id(gaz, tp_tok_key(tt, tp_tok(tt, i)));

    for (guint i = 0; i < n; i++) {
        guint32 node = 0;
        for (guint j = i; j < n; j++) {
            if (ids[j] == G_MAXUINT32 || (j > i && (tp_tok(tt, j)->flags & TP_TOK_NL)))
                break;
            /* The first step was taken when the token was interned. */
            node = j == i && tt->interned ? tp_tok(tt, i)->gaz_root
                                          : tp_gazetteer_child(gaz, node, ids[j]);
            if (node == 0)
                break;
            guint span_begin = out->len;
            for (guint32 v = tp_gazetteer_first_value(gaz, node); v != NO_VALUE;
                 v = tp_gazetteer_value(gaz, v)->next) {
                const TpGazValue *val = tp_gazetteer_value(gaz, v);
                if (!case_evidence(gaz, val, text, tt, i, j, shape_scratch))
                    continue;
                /* One match per entry and span, however many of its aliases fold
                 * alike; an exact-case alias is the stronger evidence. */
                gboolean seen = FALSE;
                for (guint k = span_begin; k < out->len && !seen; k++) {
                    TpGazMatch *old = &g_array_index(out, TpGazMatch, k);
                    const TpGazValue *oldv = tp_gazetteer_value(gaz, old->value);
                    if (oldv->entry != val->entry)
                        continue;
                    seen = TRUE;
                    if ((val->flags & TP_ALIAS_EXACT) && !(oldv->flags & TP_ALIAS_EXACT))
                        old->value = v;
                }
                if (!seen) {
                    TpGazMatch m = {
                        .first = i, .last = j, .value = v, .type = tp_gazetteer_value_type(gaz, v)};
                    g_array_append_val(out, m);
                }
            }
        }
    }
}

guint32 tp_gazetteer_value_type(const TpGazetteer *gaz, guint32 v) {
    return tp_gazetteer_entry(gaz, tp_gazetteer_value(gaz, v)->entry)->type;
}

void tp_match_index_build(TpMatchIndex *ix, guint n_tok) {
    g_array_set_size(ix->start, n_tok + 1);
    guint m = 0;
    for (guint t = 0; t <= n_tok; t++) {
        while (m < ix->matches->len && g_array_index(ix->matches, TpGazMatch, m).first < t)
            m++;
        g_array_index(ix->start, guint32, t) = m;
    }
}
