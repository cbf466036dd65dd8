/* SPDX-License-Identifier: MIT */
/* tp_topics.c: the topic model file, per-document features, and topic scores. */

#include "tp_private.h"

#include <errno.h>
#include <libstemmer.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_HEADER "# tagpipe-topic-model 1"
#define MODEL_END "# end"

typedef struct {
    char *key;
    char *label;
    char *code;  /* or NULL */
    gint parent; /* index of the parent topic, or -1 */
    double bias;
    double threshold; /* score a topic needs to be written (chosen on dev data), or -1 */
} ModelTopic;

typedef struct {
    guint32 topic;
    float weight;
} Weight;

struct TpTopicModel {
    char *stemmer; /* Snowball language, e.g. "english" */
    TpTopicScaling scaling;
    GArray *topics;        /* ModelTopic */
    GHashTable *feats;     /* feature string -> index + 1 */
    GArray *feat_first;    /* guint32 per feature: first index into weights */
    GArray *weights;       /* Weight, grouped by feature; feat_first[n] ends the last group */
    gboolean bigrams;      /* emit bigram features (always, under TP_TOPIC_SCALING_LOG_NORM) */
    GHashTable *stopwords; /* words left out of the features (the stemmer's input form), or NULL */
    /* A collecting model (tp_topic_model_new_collector) has no topics: its
     * scratches keep every feature and hand them to `collect`. */
    TpTopicCollectFunc collect;
    gpointer collect_data;
    /* Built once after parsing, for the scorer's memo: every stem that a
     * "w:" or "b:" feature names, by id, and the bigram features by their
     * pair of stem ids. A bigram of a stem outside this vocabulary cannot
     * be a feature, so most pairs are never looked up. */
    GHashTable *stem_ids; /* stem -> id + 1 */
    GHashTable *pairs;    /* guint64 (first id << 32 | second id) -> feature index + 1 */
};

struct TpTopicScratch {
    const TpTopicModel *m;
    struct sb_stemmer *stemmer;
    gboolean keep_diacritics; /* stem the lower-cased token, not its matching key */
    guint16 *counts;          /* per model feature, for the current document */
    GArray *touched;          /* guint32 feature indices with a count */
    guint64 n_occurrences;    /* features emitted for the document, known or not */
    GString *buf;
    GString *prev; /* previous stem, for bigrams */
    GString *low;  /* the stemmer's input */
    double *scores;
    TpTopic *out;
    /* Collecting: every feature of the document, in order of first sight. */
    GHashTable *seen; /* feature string -> index + 1 into `names` */
    GPtrArray *names; /* char * (owned by `seen`) */
    GArray *n_counts; /* guint32 per name */
    GArray *values;   /* double per name, filled when handed over */
    /* Scoring: what each distinct word gives, worked out once per thread.
     * A news archive has a few hundred thousand distinct words and hundreds
     * of millions of tokens: stemming and two string-keyed lookups per token
     * were a third of a line's time. Cleared when it grows past a bound, so
     * memory stays flat over any input; output never depends on it. */
    GHashTable *memo; /* word (stemmer's input, or raw bytes) -> index + 1 into words */
    GArray *words;    /* WordMemo */
    GStringChunk *memo_strings;
};

typedef enum { WORD_STOP, WORD_NO_STEM, WORD_STEM } WordKind;

typedef struct {
    WordKind kind;
    guint32 stem;   /* the model's id of the stem, or NO_STEM_ID */
    gint32 feature; /* the unigram's model feature, or -1 */
} WordMemo;

#define NO_STEM_ID G_MAXUINT32
/* Past this, the memo starts again empty at the next document. */
#define MEMO_MAX_WORDS (1u << 18)

static void model_topic_clear(gpointer p) {
    ModelTopic *t = p;
    g_free(t->key);
    g_free(t->label);
    g_free(t->code);
}

static TpTopicModel *model_new(void) {
    TpTopicModel *m = g_new0(TpTopicModel, 1);
    m->stemmer = g_strdup("english");
    m->scaling = TP_TOPIC_SCALING_LOG;
    m->topics = g_array_new(FALSE, TRUE, sizeof(ModelTopic));
    g_array_set_clear_func(m->topics, model_topic_clear);
    m->feats = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    m->feat_first = g_array_new(FALSE, FALSE, sizeof(guint32));
    m->weights = g_array_new(FALSE, FALSE, sizeof(Weight));
    return m;
}

void tp_topic_model_free(TpTopicModel *m) {
    if (m == NULL)
        return;
    g_free(m->stemmer);
    g_array_free(m->topics, TRUE);
    g_hash_table_destroy(m->feats);
    if (m->stem_ids) {
        g_hash_table_destroy(m->stem_ids);
        g_hash_table_destroy(m->pairs);
    }
    g_array_free(m->feat_first, TRUE);
    g_array_free(m->weights, TRUE);
    if (m->stopwords)
        g_hash_table_destroy(m->stopwords);
    g_free(m);
}

static void add_stopword(TpTopicModel *m, const char *word) {
    if (m->stopwords == NULL)
        m->stopwords = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_add(m->stopwords, g_strdup(word));
}

guint tp_topic_model_stopwords(const TpTopicModel *m, GPtrArray *out) {
    if (m->stopwords == NULL)
        return 0;
    guint n0 = out->len;
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, m->stopwords);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_ptr_array_add(out, key);
    return out->len - n0;
}

TpTopicModel *tp_topic_model_new_collector(const char *stemmer, const char *const *stopwords,
                                           TpTopicCollectFunc collect, gpointer data) {
    g_return_val_if_fail(stemmer != NULL && collect != NULL, NULL);
    TpTopicModel *m = model_new();
    for (guint i = 0; stopwords && stopwords[i]; i++)
        add_stopword(m, stopwords[i]);
    g_free(m->stemmer);
    m->stemmer = g_strdup(stemmer);
    m->scaling = TP_TOPIC_SCALING_LOG_NORM;
    m->bigrams = TRUE;
    m->collect = collect;
    m->collect_data = data;
    guint32 end = 0;
    g_array_append_val(m->feat_first, end);
    return m;
}

const char *tp_topic_scaling_name(TpTopicScaling scaling) {
    return scaling == TP_TOPIC_SCALING_LOG_NORM ? "log-norm" : "log";
}

double tp_topic_feature_value(TpTopicScaling scaling, guint count, guint64 n_occurrences) {
    /* A feature counts sub-linearly: a word repeated ten times is strong
     * evidence, but not ten times as strong. Under log-norm the document's
     * length is divided out (by the square root of its feature occurrences,
     * known to the model or not, so that the value of one feature never
     * depends on which others a model kept). */
    double x = 1.0 + log((double)MAX(count, 1));
    if (scaling == TP_TOPIC_SCALING_LOG_NORM)
        x /= sqrt((double)MAX(n_occurrences, 1));
    return x;
}

/* ---- loading ---- */

static gboolean model_fail(GError **error, const char *path, guint line, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static gboolean model_fail(GError **error, const char *path, guint line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, TP_ERROR, TP_ERROR_PARSE, "%s:%u: %s", path, line, msg);
    return FALSE;
}

static gboolean parse_double(const char *s, double *out) {
    char *end = NULL;
    errno = 0;
    *out = g_ascii_strtod(s, &end);
    return end != s && *end == '\0';
}

/* Weights are stored as floats and summed over a document's features: one
 * beyond this bound (or inf, nan, 1e999) would overflow the float or the sum. */
#define MAX_WEIGHT 1e6

static gboolean weight_ok(const char *s, double *out, const char *path, guint line,
                          GError **error) {
    if (!parse_double(s, out))
        return model_fail(error, path, line, "bad weight '%s'", s);
    if (!isfinite(*out) || fabs(*out) > MAX_WEIGHT) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT,
                    "%s:%u: weight '%s' is not a finite number in [-1e6, 1e6]", path, line, s);
        return FALSE;
    }
    return TRUE;
}

static gint topic_index(const TpTopicModel *m, const char *key) {
    for (guint i = 0; i < m->topics->len; i++)
        if (strcmp(g_array_index(m->topics, ModelTopic, i).key, key) == 0)
            return (gint)i;
    return -1;
}

static gboolean parse_topic_line(TpTopicModel *m, char **cols, guint n, const char *path,
                                 guint line, GError **error) {
    if (topic_index(m, cols[1]) >= 0)
        return model_fail(error, path, line, "topic '%s' defined twice", cols[1]);
    if (m->feat_first->len > 0)
        return model_fail(error, path, line, "topic after the first feature");
    if (*cols[1] == '\0' || strchr(cols[1], ' ') || strchr(cols[1], ':'))
        return model_fail(error, path, line, "topic key '%s' is empty or has a space or colon",
                          cols[1]);
    if (*cols[3] == '\0')
        return model_fail(error, path, line, "topic '%s' has an empty label", cols[1]);
    gint parent = -1;
    if (n == 5) {
        if (!g_str_has_prefix(cols[4], "parent="))
            return model_fail(error, path, line, "expected parent=KEY, found '%s'", cols[4]);
        parent = topic_index(m, cols[4] + strlen("parent="));
        if (parent < 0)
            return model_fail(error, path, line, "parent '%s' is not a topic defined above",
                              cols[4] + strlen("parent="));
    }
    ModelTopic t = {.key = g_strdup(cols[1]),
                    .code = *cols[2] && strcmp(cols[2], "-") ? g_strdup(cols[2]) : NULL,
                    .label = g_strdup(cols[3]),
                    .parent = parent,
                    .threshold = -1.0};
    g_array_append_val(m->topics, t);
    return TRUE;
}

static gboolean parse_feature_line(TpTopicModel *m, char **cols, const char *path, guint line,
                                   GError **error) {
    if (*cols[1] == '\0' || strchr(cols[1], ' '))
        return model_fail(error, path, line, "feature name '%s' is empty or has a space", cols[1]);
    if (g_hash_table_contains(m->feats, cols[1]))
        return model_fail(error, path, line, "feature '%s' defined twice", cols[1]);
    guint32 first = m->weights->len;
    g_auto(GStrv) pairs = g_strsplit(cols[2], " ", -1);
    for (guint i = 0; pairs[i]; i++) {
        if (*pairs[i] == '\0')
            continue;
        char *colon = strrchr(pairs[i], ':');
        double w;
        if (colon == NULL)
            return model_fail(error, path, line, "weight '%s' is not TOPIC:WEIGHT", pairs[i]);
        *colon = '\0';
        gint ti = topic_index(m, pairs[i]);
        if (ti < 0)
            return model_fail(error, path, line, "unknown topic '%s'", pairs[i]);
        if (!weight_ok(colon + 1, &w, path, line, error))
            return FALSE;
        for (guint32 j = first; j < m->weights->len; j++)
            if (g_array_index(m->weights, Weight, j).topic == (guint32)ti)
                return model_fail(error, path, line, "topic '%s' weighted twice", pairs[i]);
        Weight wt = {.topic = (guint32)ti, .weight = (float)w};
        g_array_append_val(m->weights, wt);
    }
    if (m->weights->len == first)
        return model_fail(error, path, line, "feature '%s' has no weight", cols[1]);
    g_array_append_val(m->feat_first, first);
    g_hash_table_insert(m->feats, g_strdup(cols[1]), GUINT_TO_POINTER(m->feat_first->len));
    if (g_str_has_prefix(cols[1], "b:"))
        m->bigrams = TRUE;
    return TRUE;
}

static gboolean parse_model_line(TpTopicModel *m, char **cols, guint n, const char *path,
                                 guint line, GError **error) {
    const char *kind = cols[0];
    if (strcmp(kind, "stemmer") == 0 && n == 2) {
        if (m->topics->len > 0)
            return model_fail(error, path, line, "stemmer after the first topic");
        g_free(m->stemmer);
        m->stemmer = g_strdup(cols[1]);
    } else if (strcmp(kind, "scaling") == 0 && n == 2) {
        if (m->topics->len > 0)
            return model_fail(error, path, line, "scaling after the first topic");
        if (strcmp(cols[1], "log") == 0)
            m->scaling = TP_TOPIC_SCALING_LOG;
        else if (strcmp(cols[1], "log-norm") == 0)
            m->scaling = TP_TOPIC_SCALING_LOG_NORM;
        else
            return model_fail(error, path, line, "unknown scaling '%s' (log or log-norm)", cols[1]);
    } else if (strcmp(kind, "stopwords") == 0 && n == 2) {
        if (m->topics->len > 0)
            return model_fail(error, path, line, "stopwords after the first topic");
        g_auto(GStrv) words = g_strsplit(cols[1], " ", -1);
        for (guint i = 0; words[i]; i++)
            if (*words[i])
                add_stopword(m, words[i]);
    } else if (strcmp(kind, "topic") == 0 && (n == 4 || n == 5)) {
        return parse_topic_line(m, cols, n, path, line, error);
    } else if (strcmp(kind, "bias") == 0 && n == 3) {
        gint ti = topic_index(m, cols[1]);
        double w;
        if (ti < 0)
            return model_fail(error, path, line, "unknown topic '%s'", cols[1]);
        if (!weight_ok(cols[2], &w, path, line, error))
            return FALSE;
        g_array_index(m->topics, ModelTopic, ti).bias = w;
    } else if (strcmp(kind, "threshold") == 0 && n == 3) {
        gint ti = topic_index(m, cols[1]);
        double x;
        if (ti < 0)
            return model_fail(error, path, line, "unknown topic '%s'", cols[1]);
        if (!parse_double(cols[2], &x) || x < 0.0 || x > 1.0)
            return model_fail(error, path, line, "bad threshold '%s' (0 to 1)", cols[2]);
        g_array_index(m->topics, ModelTopic, ti).threshold = x;
    } else if (strcmp(kind, "feature") == 0 && n == 3) {
        return parse_feature_line(m, cols, path, line, error);
    } else {
        return model_fail(error, path, line, "unknown or malformed line '%s' with %u fields", kind,
                          n);
    }
    return TRUE;
}

/* g_int64_hash folds the two halves by xor, and a pair of stem ids then
 * collides with every pair of the same xor: mix the bits first. */
static guint pair_hash(gconstpointer p) {
    guint64 x = *(const guint64 *)p;
    x ^= x >> 33;
    x *= G_GUINT64_CONSTANT(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return (guint)x;
}

/* The id of stem `st` (`len` bytes) in the model's vocabulary, added if new. */
static guint32 vocab_id(TpTopicModel *m, const char *st, gsize len) {
    g_autofree char *key = g_strndup(st, len);
    gpointer v = g_hash_table_lookup(m->stem_ids, key);
    if (v)
        return GPOINTER_TO_UINT(v) - 1;
    guint32 id = g_hash_table_size(m->stem_ids);
    g_hash_table_insert(m->stem_ids, g_steal_pointer(&key), GUINT_TO_POINTER(id + 1));
    return id;
}

/* The stem vocabulary and the bigram pairs, from the "w:" and "b:" features. */
static void index_stems(TpTopicModel *m) {
    m->stem_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    m->pairs = g_hash_table_new_full(pair_hash, g_int64_equal, g_free, NULL);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, m->feats);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const char *f = k;
        if (g_str_has_prefix(f, "w:")) {
            vocab_id(m, f + 2, strlen(f + 2));
        } else if (g_str_has_prefix(f, "b:")) {
            /* Stems hold no '_': tokens are letters, digits, marks and inner apostrophes. */
            const char *us = strchr(f + 2, '_');
            if (us == NULL)
                continue;
            guint64 *pair = g_new(guint64, 1);
            guint32 a = vocab_id(m, f + 2, us - (f + 2));
            *pair = ((guint64)a << 32) | vocab_id(m, us + 1, strlen(us + 1));
            g_hash_table_insert(m->pairs, pair, v);
        }
    }
}

TpTopicModel *tp_topic_model_parse(const char *name, const char *contents, gsize len,
                                   GError **error) {
    g_return_val_if_fail(name != NULL && contents != NULL, NULL);
    if (!g_utf8_validate_len(contents, len, NULL) || memchr(contents, '\0', len)) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "%s: not valid UTF-8 text", name);
        return NULL;
    }
    TpTopicModel *m = model_new();
    g_auto(GStrv) lines = tp_split_lines(contents, len);
    gboolean ok = TRUE;
    gboolean ended = FALSE;
    if (lines[0] == NULL || strcmp(g_strchomp(lines[0]), MODEL_HEADER) != 0) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "%s:1: expected header '%s'", name,
                    MODEL_HEADER);
        ok = FALSE;
    }
    for (guint i = 1; ok && lines[i]; i++) {
        /* Only a line end is trimmed: a tab may be a (bad) empty last field. */
        char *l = lines[i];
        gsize n = strlen(l);
        if (n && l[n - 1] == '\r')
            l[--n] = '\0';
        if (ended && *l != '\0') {
            ok = model_fail(error, name, i + 1, "text after '%s'", MODEL_END);
            break;
        }
        if (*l == '\0' || *l == '#') {
            if (strcmp(l, MODEL_END) == 0)
                ended = TRUE;
            continue;
        }
        g_auto(GStrv) cols = g_strsplit(l, "\t", -1);
        ok = parse_model_line(m, cols, g_strv_length(cols), name, i + 1, error);
    }
    /* A model cut short (a partial copy, a full disk) must not load as a weaker model. */
    if (ok && !ended) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "%s: truncated: no '%s' line", name,
                    MODEL_END);
        ok = FALSE;
    }
    if (ok && m->topics->len == 0) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "%s: defines no topic", name);
        ok = FALSE;
    }
    if (!ok) {
        tp_topic_model_free(m);
        return NULL;
    }
    /* The log-norm scaling divides by every feature the document has, so all
     * kinds are emitted whether this model weights them or not. */
    if (m->scaling == TP_TOPIC_SCALING_LOG_NORM)
        m->bigrams = TRUE;
    guint32 end = m->weights->len;
    g_array_append_val(m->feat_first, end);
    index_stems(m);
    return m;
}

TpTopicModel *tp_topic_model_load(const char *path, GError **error) {
    gsize len = 0;
    g_autofree char *contents = tp_read_text(path, &len, error);
    if (contents == NULL)
        return NULL;
    return tp_topic_model_parse(path, contents, len, error);
}

guint tp_topic_model_n_topics(const TpTopicModel *m) {
    return m->topics->len;
}

const char *tp_topic_model_key(const TpTopicModel *m, guint i, const char **out_label) {
    g_return_val_if_fail(i < m->topics->len, NULL);
    const ModelTopic *t = &g_array_index(m->topics, ModelTopic, i);
    if (out_label)
        *out_label = t->label;
    return t->key;
}

/* ---- features of one document ---- */

/* Snowball's English stemmer knows only a-z, so it gets the matching key
 * (diacritics dropped: "café" -> "cafe"); the other languages' stemmers
 * expect their accented letters, so they get the lower-cased NFC word. */
static gboolean stemmer_keeps_diacritics(const char *stemmer) {
    return strcmp(stemmer, "english") != 0 && strcmp(stemmer, "en") != 0 &&
           strcmp(stemmer, "eng") != 0 && strcmp(stemmer, "porter") != 0;
}

static void lower_nfc(GString *out, const char *s, gsize len) {
    g_autoptr(GString) shaped = g_string_new(NULL);
    tp_text_shape(shaped, s, len);
    g_autofree char *down = g_utf8_strdown(shaped->str, (gssize)shaped->len);
    g_autofree char *nfc = g_utf8_normalize(down, -1, G_NORMALIZE_NFC);
    g_string_append(out, nfc ? nfc : down);
}

void tp_topic_stem_input(const char *stemmer, const char *word, GString *out) {
    g_string_truncate(out, 0);
    if (stemmer_keeps_diacritics(stemmer))
        lower_nfc(out, word, strlen(word));
    else
        tp_text_fold(out, word, strlen(word));
}

TpTopicScratch *tp_topic_scratch_new(const TpTopicModel *m, GError **error) {
    struct sb_stemmer *st = sb_stemmer_new(m->stemmer, NULL);
    if (st == NULL) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "no Snowball stemmer for language '%s'",
                    m->stemmer);
        return NULL;
    }
    TpTopicScratch *s = g_new0(TpTopicScratch, 1);
    s->m = m;
    s->stemmer = st;
    s->keep_diacritics = stemmer_keeps_diacritics(m->stemmer);
    s->counts = g_new0(guint16, m->feat_first->len);
    s->touched = g_array_new(FALSE, FALSE, sizeof(guint32));
    s->buf = g_string_new(NULL);
    s->prev = g_string_new(NULL);
    s->low = g_string_new(NULL);
    s->scores = g_new0(double, m->topics->len + 1);
    s->out = g_new0(TpTopic, m->topics->len + 1);
    if (m->collect) {
        s->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        s->names = g_ptr_array_new();
        s->n_counts = g_array_new(FALSE, FALSE, sizeof(guint32));
        s->values = g_array_new(FALSE, FALSE, sizeof(double));
    } else {
        s->memo = g_hash_table_new(g_str_hash, g_str_equal);
        s->words = g_array_new(FALSE, FALSE, sizeof(WordMemo));
        s->memo_strings = g_string_chunk_new(1 << 16);
    }
    return s;
}

static void memo_clear(TpTopicScratch *s) {
    g_hash_table_remove_all(s->memo);
    g_array_set_size(s->words, 0);
    g_string_chunk_clear(s->memo_strings);
}

void tp_topic_scratch_free(TpTopicScratch *s) {
    if (s == NULL)
        return;
    sb_stemmer_delete(s->stemmer);
    g_free(s->counts);
    g_array_free(s->touched, TRUE);
    g_string_free(s->buf, TRUE);
    g_string_free(s->prev, TRUE);
    g_string_free(s->low, TRUE);
    g_free(s->scores);
    g_free(s->out);
    if (s->seen) {
        g_ptr_array_free(s->names, TRUE);
        g_hash_table_destroy(s->seen);
        g_array_free(s->n_counts, TRUE);
        g_array_free(s->values, TRUE);
    }
    if (s->memo) {
        g_hash_table_destroy(s->memo);
        g_array_free(s->words, TRUE);
        g_string_chunk_free(s->memo_strings);
    }
    g_free(s);
}

void tp_topic_scratch_reset(TpTopicScratch *s) {
    for (guint i = 0; i < s->touched->len; i++)
        s->counts[g_array_index(s->touched, guint32, i)] = 0;
    g_array_set_size(s->touched, 0);
    g_string_truncate(s->prev, 0);
    s->n_occurrences = 0;
    /* Between documents only, so that stem ids hold within one. */
    if (s->memo && s->words->len >= MEMO_MAX_WORDS)
        memo_clear(s);
    if (s->seen) {
        g_ptr_array_set_size(s->names, 0);
        g_hash_table_remove_all(s->seen);
        g_array_set_size(s->n_counts, 0);
    }
}

static void count_feature(TpTopicScratch *s, const char *feat) {
    s->n_occurrences++;
    if (s->seen) {
        gpointer v = g_hash_table_lookup(s->seen, feat);
        if (v == NULL) {
            char *name = g_strdup(feat);
            g_ptr_array_add(s->names, name);
            guint32 one = 1;
            g_array_append_val(s->n_counts, one);
            g_hash_table_insert(s->seen, name, GUINT_TO_POINTER(s->names->len));
        } else {
            g_array_index(s->n_counts, guint32, GPOINTER_TO_UINT(v) - 1)++;
        }
        return;
    }
    gpointer v = g_hash_table_lookup(s->m->feats, feat);
    if (v == NULL)
        return;
    guint32 fi = GPOINTER_TO_UINT(v) - 1;
    if (s->counts[fi] == 0)
        g_array_append_val(s->touched, fi);
    if (s->counts[fi] < G_MAXUINT16)
        s->counts[fi]++;
}

/* The stemmer's input for token `t`, in s->low. */
static void stem_input(TpTopicScratch *s, const char *text, const TpTokens *tt, const TpToken *t) {
    g_string_truncate(s->low, 0);
    if (!s->keep_diacritics) {
        /* Token keys are already NFKC and case folded. */
        g_string_append_len(s->low, tp_tok_key(tt, t), t->key_len);
        return;
    }
    lower_nfc(s->low, text + t->start, t->end - t->start);
}

/* Count model feature `fi` (or only the occurrence, for -1). */
static void count_index(TpTopicScratch *s, gint32 fi) {
    s->n_occurrences++;
    if (fi < 0)
        return;
    if (s->counts[fi] == 0) {
        guint32 u = (guint32)fi;
        g_array_append_val(s->touched, u);
    }
    if (s->counts[fi] < G_MAXUINT16)
        s->counts[fi]++;
}

static gint32 feature_index(const TpTopicScratch *s, const char *feat) {
    gpointer v = g_hash_table_lookup(s->m->feats, feat);
    return v ? (gint32)(GPOINTER_TO_UINT(v) - 1) : -1;
}

/* What token `t` gives (its stem id and unigram feature), from the memo or
 * worked out and remembered. */
static const WordMemo *word_memo(TpTopicScratch *s, const char *text, const TpTokens *tt,
                                 const TpToken *t) {
    const char *key = tp_tok_key(tt, t);
    if (s->keep_diacritics) {
        g_string_assign(s->buf, "");
        g_string_append_len(s->buf, text + t->start, t->end - t->start);
        key = s->buf->str;
    }
    gpointer v = g_hash_table_lookup(s->memo, key);
    if (v)
        return &g_array_index(s->words, WordMemo, GPOINTER_TO_UINT(v) - 1);
    WordMemo w = {.kind = WORD_NO_STEM, .stem = NO_STEM_ID, .feature = -1};
    char *stored = g_string_chunk_insert(s->memo_strings, key);
    stem_input(s, text, tt, t);
    gboolean stop = s->m->stopwords && g_hash_table_contains(s->m->stopwords, s->low->str);
    const sb_symbol *stem =
        stop ? NULL : sb_stemmer_stem(s->stemmer, (const sb_symbol *)s->low->str, (int)s->low->len);
    if (stop) {
        w.kind = WORD_STOP;
    } else if (stem) {
        int stem_len = sb_stemmer_length(s->stemmer);
        g_string_assign(s->buf, "w:");
        g_string_append_len(s->buf, (const char *)stem, stem_len);
        w.kind = WORD_STEM;
        w.feature = feature_index(s, s->buf->str);
        gpointer id = g_hash_table_lookup(s->m->stem_ids, s->buf->str + 2);
        if (id)
            w.stem = GPOINTER_TO_UINT(id) - 1;
    }
    g_array_append_val(s->words, w);
    g_hash_table_insert(s->memo, stored, GUINT_TO_POINTER(s->words->len));
    return &g_array_index(s->words, WordMemo, s->words->len - 1);
}

/* The bigram feature of two stems of the model's vocabulary, or -1. */
static gint32 bigram_feature(const TpTopicScratch *s, guint32 a, guint32 b) {
    if (a == NO_STEM_ID || b == NO_STEM_ID)
        return -1;
    guint64 key = ((guint64)a << 32) | b;
    gpointer v = g_hash_table_lookup(s->m->pairs, &key);
    return v ? (gint32)GPOINTER_TO_UINT(v) - 1 : -1;
}

/* The scoring path: the same features as add_tokens_collect, through the memo. */
static void add_tokens_memo(TpTopicScratch *s, const char *text, const TpTokens *tt) {
    gboolean have_prev = FALSE; /* a stem before this word, with no punctuation between */
    guint32 prev = NO_STEM_ID;
    for (guint i = 0; i < tt->toks->len; i++) {
        const TpToken *t = tp_tok(tt, i);
        if (!(t->flags & TP_TOK_WORD) || (t->flags & TP_TOK_DIGIT)) {
            /* Bigrams do not reach across punctuation. */
            if (!(t->flags & TP_TOK_WORD))
                have_prev = FALSE;
            continue;
        }
        const WordMemo *w = word_memo(s, text, tt, t);
        if (w->kind != WORD_STEM) /* a stop word is skipped as if absent */
            continue;
        count_index(s, w->feature);
        if (s->m->bigrams) {
            /* Every bigram counts as an occurrence (log-norm), known or not. */
            if (have_prev)
                count_index(s, bigram_feature(s, prev, w->stem));
            have_prev = TRUE;
            prev = w->stem;
        }
    }
}

/* The collecting path (the trainer): every feature by name. */
static void add_tokens_collect(TpTopicScratch *s, const char *text, const TpTokens *tt) {

    g_string_truncate(s->prev, 0);
    for (guint i = 0; i < tt->toks->len; i++) {
        const TpToken *t = tp_tok(tt, i);
        if (!(t->flags & TP_TOK_WORD) || (t->flags & TP_TOK_DIGIT)) {
            /* Bigrams do not reach across punctuation. */
            if (!(t->flags & TP_TOK_WORD))
                g_string_truncate(s->prev, 0);
            continue;
        }
        stem_input(s, text, tt, t);
        /* A stop word is skipped as if absent: the bigram joins its neighbours. */
        if (s->m->stopwords && g_hash_table_contains(s->m->stopwords, s->low->str))
            continue;
        const sb_symbol *stem =
            sb_stemmer_stem(s->stemmer, (const sb_symbol *)s->low->str, (int)s->low->len);
        if (stem == NULL)
            continue;
        int stem_len = sb_stemmer_length(s->stemmer);
        g_string_assign(s->buf, "w:");
        g_string_append_len(s->buf, (const char *)stem, stem_len);
        count_feature(s, s->buf->str);
        if (s->m->bigrams) {
            if (s->prev->len) {
                g_string_assign(s->buf, "b:");
                g_string_append_len(s->buf, s->prev->str, s->prev->len);
                g_string_append_c(s->buf, '_');
                g_string_append_len(s->buf, (const char *)stem, stem_len);
                count_feature(s, s->buf->str);
            }
            g_string_truncate(s->prev, 0);
            g_string_append_len(s->prev, (const char *)stem, stem_len);
        }
    }
}

void tp_topic_add_tokens(TpTopicScratch *s, const char *text, const TpTokens *tt) {
    if (s->memo)
        add_tokens_memo(s, text, tt);
    else
        add_tokens_collect(s, text, tt);
}

void tp_topic_add_entity(TpTopicScratch *s, TpEntityType type, const char *kind, const char *id) {
    /* Entity cues: "k:central-bank" for an entry of a known kind (an athlete,
     * a club, a party: what the entity is says more than its type),
     * "e:organization" for one without, "h:person" for a name known only
     * from the text (a Title Case headline reads as a row of such names, so
     * they must not share the weight of known people), "i:org/nato". */
    if (kind)
        g_string_printf(s->buf, "k:%s", kind);
    else if (id && g_str_has_prefix(id, "local:"))
        g_string_printf(s->buf, "h:%s", tp_entity_type_name(type));
    else
        g_string_printf(s->buf, "e:%s", tp_entity_type_name(type));
    count_feature(s, s->buf->str);
    if (id) {
        g_string_printf(s->buf, "i:%s", id);
        count_feature(s, s->buf->str);
    }
}

/* ---- scores ---- */

static int cmp_topic(const void *a, const void *b) {
    const TpTopic *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->label, y->label);
}

/* Hand the collected document to the collector, as feature values. */
static void collect_document(TpTopicScratch *s) {
    guint n = s->names->len;
    g_array_set_size(s->values, n);
    for (guint i = 0; i < n; i++)
        g_array_index(s->values, double, i) = tp_topic_feature_value(
            s->m->scaling, g_array_index(s->n_counts, guint32, i), s->n_occurrences);
    s->m->collect((const char *const *)s->names->pdata, (const double *)s->values->data, n,
                  s->m->collect_data);
}

const TpTopic *tp_topic_scores(TpTopicScratch *s, double min_score, gsize max, gsize *out_n) {
    const TpTopicModel *m = s->m;
    guint nt = m->topics->len;
    if (m->collect) {
        collect_document(s);
        *out_n = 0;
        return s->out;
    }
    for (guint k = 0; k < nt; k++)
        s->scores[k] = g_array_index(m->topics, ModelTopic, k).bias;
    for (guint i = 0; i < s->touched->len; i++) {
        guint32 fi = g_array_index(s->touched, guint32, i);
        double x = tp_topic_feature_value(m->scaling, s->counts[fi], s->n_occurrences);
        guint32 a = g_array_index(m->feat_first, guint32, fi);
        guint32 b = g_array_index(m->feat_first, guint32, fi + 1);
        for (guint32 j = a; j < b; j++) {
            const Weight *w = &g_array_index(m->weights, Weight, j);
            s->scores[w->topic] += w->weight * x;
        }
    }
    /* Softmax: scores in [0,1] that sum to one over the taxonomy. */
    double top = -INFINITY, sum = 0.0;
    for (guint k = 0; k < nt; k++)
        top = MAX(top, s->scores[k]);
    for (guint k = 0; k < nt; k++)
        sum += (s->scores[k] = exp(s->scores[k] - top));
    /* TP_TOPIC_THRESHOLDS: each topic needs its own threshold (the default
     * one where the model has none); the best topic needs only the floor,
     * so that a document with words is rarely left without a topic. */
    gboolean per_topic = min_score < 0.0;
    guint best = 0;
    for (guint k = 1; k < nt; k++)
        if (s->scores[k] > s->scores[best])
            best = k;
    gsize n = 0;
    for (guint k = 0; k < nt; k++) {
        const ModelTopic *mt = &g_array_index(m->topics, ModelTopic, k);
        double p = s->scores[k] / sum;
        if (per_topic) {
            double need = mt->threshold >= 0.0 ? mt->threshold : TP_TOPIC_DEFAULT_MIN_SCORE;
            if (k == best && s->n_occurrences > 0)
                need = MIN(need, TP_TOPIC_FLOOR);
            if (p < need)
                continue;
        } else if (p < min_score) {
            continue;
        }
        s->out[n++] = (TpTopic){.label = mt->label, .code = mt->code, .score = p};
    }
    qsort(s->out, n, sizeof(TpTopic), cmp_topic);
    *out_n = MIN(n, max);
    return s->out;
}

/* ---- explanation ---- */

typedef struct {
    const char *name;
    guint count;
    double contribution;
} Moved;

static int cmp_moved(const void *a, const void *b) {
    const Moved *x = a, *y = b;
    if (fabs(x->contribution) != fabs(y->contribution))
        return fabs(x->contribution) > fabs(y->contribution) ? -1 : 1;
    return strcmp(x->name, y->name);
}

void tp_topic_explain(TpTopicScratch *s, gsize max_topics, gsize max_features, GString *out) {
    const TpTopicModel *m = s->m;
    if (m->collect)
        return;
    gsize n = 0;
    const TpTopic *ts = tp_topic_scores(s, TP_TOPIC_THRESHOLDS, max_topics, &n);
    /* The names of the document's features: a walk over the model's table,
     * which is fine for an explanation (never on the tagging path). */
    g_autofree const char **names = g_new0(const char *, m->feat_first->len);
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, m->feats);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        guint32 fi = GPOINTER_TO_UINT(value) - 1;
        if (s->counts[fi])
            names[fi] = key;
    }
    g_autofree Moved *moved = g_new0(Moved, s->touched->len + 1);
    for (gsize i = 0; i < n; i++) {
        guint k = 0;
        while (k < m->topics->len && g_array_index(m->topics, ModelTopic, k).label != ts[i].label)
            k++;
        const ModelTopic *mt = &g_array_index(m->topics, ModelTopic, k);
        g_string_append_printf(out, "%s %.3f (bias %+.3f", mt->label, ts[i].score, mt->bias);
        if (mt->threshold >= 0.0)
            g_string_append_printf(out, ", threshold %.2f", mt->threshold);
        g_string_append(out, ")\n");
        guint nm = 0;
        for (guint t = 0; t < s->touched->len; t++) {
            guint32 fi = g_array_index(s->touched, guint32, t);
            double x = tp_topic_feature_value(m->scaling, s->counts[fi], s->n_occurrences);
            guint32 a = g_array_index(m->feat_first, guint32, fi);
            guint32 b = g_array_index(m->feat_first, guint32, fi + 1);
            for (guint32 j = a; j < b; j++) {
                const Weight *w = &g_array_index(m->weights, Weight, j);
                if (w->topic == k)
                    moved[nm++] = (Moved){names[fi], s->counts[fi], w->weight * x};
            }
        }
        qsort(moved, nm, sizeof(Moved), cmp_moved);
        for (guint j = 0; j < nm && j < max_features; j++)
            g_string_append_printf(out, "  %+.3f %s (%u)\n", moved[j].contribution, moved[j].name,
                                   moved[j].count);
    }
}
