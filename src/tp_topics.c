/* SPDX-License-Identifier: MIT */
/* tp_topics.c: the topic model file, per-document features, and topic scores. */

#include "tp_topics.h"
#include "tp_image.h"

#include <errno.h>
#include <libstemmer.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_HEADER "# tagpipe-topic-model 1"
#define MODEL_END "# end"

/* The model's in-memory form is the image's (tp_image.h): records with
 * offsets into one pool, open-addressing tables of indexes. */
typedef struct {
    guint32 key; /* pool offsets */
    guint32 label;
    guint32 code;  /* or 0 */
    gint32 parent; /* index of the parent topic, or -1 */
    double bias;
    double threshold; /* score a topic needs to be written (chosen on dev data), or -1 */
} ModelTopic;

typedef struct {
    guint32 topic;
    float weight;
} Weight;

/* What the image keeps beside the vectors. */
typedef struct {
    guint32 stemmer; /* pool offset */
    guint32 scaling;
    guint32 bigrams;
    guint32 feats_count;
    guint32 stopwords_count;
    guint32 stem_ids_count;
    guint32 pairs_count;
    guint32 pad;
} TopicMeta;

struct TpTopicModel {
    TpPool pool;
    guint32 stemmer; /* Snowball language, e.g. "english" (pool offset) */
    TpTopicScaling scaling;
    TpVec topics;       /* ModelTopic */
    TpStrMap feats;     /* feature string -> index */
    TpVec feat_first;   /* guint32 per feature: first index into weights */
    TpVec weights;      /* Weight, grouped by feature; feat_first[n] ends the last group */
    gboolean bigrams;   /* emit bigram features (always, under TP_TOPIC_SCALING_LOG_NORM) */
    TpStrMap stopwords; /* words left out of the features (the stemmer's input form) */
    /* A collecting model (tp_topic_model_new_collector) has no topics: its
     * scratches keep every feature and hand them to `collect`. */
    TpTopicCollectFunc collect;
    gpointer collect_data;
    /* Built once after parsing, for the scorer's memo: every stem that a
     * "w:" or "b:" feature names, by id, and the bigram features by their
     * pair of stem ids. A bigram of a stem outside this vocabulary cannot
     * be a feature, so most pairs are never looked up. */
    TpStrMap stem_ids; /* stem -> id */
    TpU64Map pairs;    /* (first id << 32 | second id) + 1 -> feature index */
};

struct TpTopicScratch {
    const TpTopicModel *m;
    struct sb_stemmer *stemmer;
    gboolean keep_diacritics; /* stem the lower-cased token, not its matching key */
    guint16 *counts;          /* per model feature, for the current document */
    /* The feature indices with a count, in order of first count: room for
     * every feature once (a count goes from 0 to 1 once per document), so
     * that counting one needs no g_array_append_val call (1% of a line). */
    guint32 *touched;
    guint n_touched;
    guint64 n_occurrences; /* features emitted for the document, known or not */
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
    gboolean memo; /* scoring: `words` and `memo_keys` are in use */
    GArray *words; /* WordMemo, numbered as their words in memo_keys */
    /* Each word's key (the token's folded key up to a NUL, or its raw bytes):
     * a TpStrSet, not a GHashTable (whose g_str_hash and g_str_equal each
     * walk the key): 14 M of 996 M instructions fewer on 2 MB of real news. */
    TpStrSet memo_keys;
    /* The same memo by the token's interned id (tp_gazetteer_lexicon_tokens),
     * for words the gazetteers' vocabulary has: guint32 per id, index + 1
     * into words, 0 not yet seen; an array read before the string hash. */
    GArray *by_id;
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

static TpTopicModel *model_new(void) {
    TpTopicModel *m = g_new0(TpTopicModel, 1);
    tp_pool_init(&m->pool);
    m->stemmer = tp_pool_add(&m->pool, "english");
    m->scaling = TP_TOPIC_SCALING_LOG;
    return m;
}

void tp_topic_model_free(TpTopicModel *m) {
    if (m == NULL)
        return;
    tp_pool_clear(&m->pool);
    tp_vec_clear(&m->topics);
    tp_strmap_clear(&m->feats);
    tp_strmap_clear(&m->stem_ids);
    tp_u64map_clear(&m->pairs);
    tp_vec_clear(&m->feat_first);
    tp_vec_clear(&m->weights);
    tp_strmap_clear(&m->stopwords);
    g_free(m);
}

static const char *mstr(const TpTopicModel *m, guint32 off) {
    return tp_pool_opt(&m->pool, off);
}

static const ModelTopic *model_topic(const TpTopicModel *m, guint i) {
    return &TP_VEC_AT(m->topics, const ModelTopic, i);
}

static gboolean is_stopword(const TpTopicModel *m, const char *word) {
    return m->stopwords.count && tp_strmap_get(&m->stopwords, &m->pool, word) != NULL;
}

static void add_stopword(TpTopicModel *m, const char *word) {
    if (!is_stopword(m, word))
        tp_strmap_put(&m->stopwords, &m->pool, tp_pool_add(&m->pool, word), 0);
}

guint tp_topic_model_stopwords(const TpTopicModel *m, GPtrArray *out) {
    guint n0 = out->len;
    for (guint32 i = 0; i < m->stopwords.slots.len; i++) {
        guint32 key = TP_VEC_AT(m->stopwords.slots, TpStrSlot, i).key;
        if (key && key < m->pool.bytes.len)
            g_ptr_array_add(out, (gpointer)mstr(m, key));
    }
    return out->len - n0;
}

TpTopicModel *tp_topic_model_new_collector(const char *stemmer, const char *const *stopwords,
                                           TpTopicCollectFunc collect, gpointer data) {
    g_return_val_if_fail(stemmer != NULL && collect != NULL, NULL);
    TpTopicModel *m = model_new();
    for (guint i = 0; stopwords && stopwords[i]; i++)
        add_stopword(m, stopwords[i]);
    m->stemmer = tp_pool_add(&m->pool, stemmer);
    m->scaling = TP_TOPIC_SCALING_LOG_NORM;
    m->bigrams = TRUE;
    m->collect = collect;
    m->collect_data = data;
    *(guint32 *)tp_vec_push(&m->feat_first, sizeof(guint32)) = 0;
    return m;
}

const char *tp_topic_scaling_name(TpTopicScaling scaling) {
    return scaling == TP_TOPIC_SCALING_LOG_NORM ? "log-norm" : "log";
}

/* 1 + ln(max(c, 1)) for the counts below N_COUNT_LOGS: a table, so that
 * scoring a document takes no log per feature (test_topics.c compares it
 * with libm's). */
#define N_COUNT_LOGS 256
static const double *count_logs(void) {
    static gsize once = 0;
    static double logs[N_COUNT_LOGS];
    if (g_once_init_enter(&once)) {
        for (guint c = 0; c < N_COUNT_LOGS; c++)
            logs[c] = 1.0 + log((double)MAX(c, 1));
        g_once_init_leave(&once, 1);
    }
    return logs;
}

/* A feature's value of `count`; `root` is sqrt(max(occurrences, 1)), taken
 * once per document by the caller (a sqrt per feature was most of the rest). */
static inline double count_value(const double *logs, guint count, gboolean norm, double root) {
    double x = count < N_COUNT_LOGS ? logs[count] : 1.0 + log((double)count);
    return norm ? x / root : x;
}

double tp_topic_feature_value(TpTopicScaling scaling, guint count, guint64 n_occurrences) {
    /* A feature counts sub-linearly: a word repeated ten times is strong
     * evidence, but not ten times as strong. Under log-norm the document's
     * length is divided out (by the square root of its feature occurrences,
     * known to the model or not, so that the value of one feature never
     * depends on which others a model kept). */
    return count_value(count_logs(), count, scaling == TP_TOPIC_SCALING_LOG_NORM,
                       sqrt((double)MAX(n_occurrences, 1)));
}

/* ---- loading ---- */

static gboolean parse_double(const char *s, double *out) {
    char *end = NULL;
    errno = 0;
    *out = g_ascii_strtod(s, &end);
    return end != s && *end == '\0';
}

static gint topic_index(const TpTopicModel *m, const char *key) {
    for (guint i = 0; i < m->topics.len; i++)
        if (strcmp(mstr(m, model_topic(m, i)->key), key) == 0)
            return (gint)i;
    return -1;
}

static gboolean parse_topic_line(TpTopicModel *m, char **cols, guint n, const char *path,
                                 guint line, GError **error) {
    if (topic_index(m, cols[1]) >= 0)
        return tp_set_error_at(error, TP_ERROR_PARSE, path, line, "topic '%s' defined twice",
                               cols[1]);
    if (m->feat_first.len > 0)
        return tp_set_error_at(error, TP_ERROR_PARSE, path, line, "topic after the first feature");
    if (*cols[1] == '\0' || strchr(cols[1], ' ') || strchr(cols[1], ':'))
        return tp_set_error_at(error, TP_ERROR_PARSE, path, line,
                               "topic key '%s' is empty or has a space or colon", cols[1]);
    if (*cols[3] == '\0')
        return tp_set_error_at(error, TP_ERROR_PARSE, path, line, "topic '%s' has an empty label",
                               cols[1]);
    gint parent = -1;
    if (n == 5) {
        if (!g_str_has_prefix(cols[4], "parent="))
            return tp_set_error_at(error, TP_ERROR_PARSE, path, line,
                                   "expected parent=KEY, found '%s'", cols[4]);
        parent = topic_index(m, cols[4] + strlen("parent="));
        if (parent < 0)
            return tp_set_error_at(error, TP_ERROR_PARSE, path, line,
                                   "parent '%s' is not a topic defined above",
                                   cols[4] + strlen("parent="));
    }
    ModelTopic t = {.key = tp_pool_add(&m->pool, cols[1]),
                    .code = *cols[2] && strcmp(cols[2], "-") ? tp_pool_add(&m->pool, cols[2]) : 0,
                    .label = tp_pool_add(&m->pool, cols[3]),
                    .parent = parent,
                    .threshold = -1.0};
    *(ModelTopic *)tp_vec_push(&m->topics, sizeof t) = t;
    return TRUE;
}

static gboolean parse_feature_line(TpTopicModel *m, char **cols, const char *path, guint line,
                                   GError **error) {
    if (*cols[1] == '\0' || strchr(cols[1], ' '))
        return tp_set_error_at(error, TP_ERROR_PARSE, path, line,
                               "feature name '%s' is empty or has a space", cols[1]);
    if (tp_strmap_get(&m->feats, &m->pool, cols[1]))
        return tp_set_error_at(error, TP_ERROR_PARSE, path, line, "feature '%s' defined twice",
                               cols[1]);
    guint32 first = m->weights.len;
    g_auto(GStrv) pairs = g_strsplit(cols[2], " ", -1);
    for (guint i = 0; pairs[i]; i++) {
        if (*pairs[i] == '\0')
            continue;
        char *colon = strrchr(pairs[i], ':');
        double w;
        if (colon == NULL)
            return tp_set_error_at(error, TP_ERROR_PARSE, path, line,
                                   "weight '%s' is not TOPIC:WEIGHT", pairs[i]);
        *colon = '\0';
        gint ti = topic_index(m, pairs[i]);
        if (ti < 0)
            return tp_set_error_at(error, TP_ERROR_PARSE, path, line, "unknown topic '%s'",
                                   pairs[i]);
        if (!tp_parse_weight(colon + 1, &w, path, line, error))
            return FALSE;
        for (guint32 j = first; j < m->weights.len; j++)
            if (TP_VEC_AT(m->weights, Weight, j).topic == (guint32)ti)
                return tp_set_error_at(error, TP_ERROR_PARSE, path, line,
                                       "topic '%s' weighted twice", pairs[i]);
        Weight wt = {.topic = (guint32)ti, .weight = (float)w};
        *(Weight *)tp_vec_push(&m->weights, sizeof wt) = wt;
    }
    if (m->weights.len == first)
        return tp_set_error_at(error, TP_ERROR_PARSE, path, line, "feature '%s' has no weight",
                               cols[1]);
    guint32 index = m->feat_first.len;
    *(guint32 *)tp_vec_push(&m->feat_first, sizeof(guint32)) = first;
    tp_strmap_put(&m->feats, &m->pool, tp_pool_add(&m->pool, cols[1]), index);
    if (g_str_has_prefix(cols[1], "b:"))
        m->bigrams = TRUE;
    return TRUE;
}

static gboolean parse_model_line(TpTopicModel *m, char **cols, guint n, const char *path,
                                 guint line, GError **error) {
    const char *kind = cols[0];
    if (strcmp(kind, "stemmer") == 0 && n == 2) {
        if (m->topics.len > 0)
            return tp_set_error_at(error, TP_ERROR_PARSE, path, line,
                                   "stemmer after the first topic");
        m->stemmer = tp_pool_add(&m->pool, cols[1]);
    } else if (strcmp(kind, "scaling") == 0 && n == 2) {
        if (m->topics.len > 0)
            return tp_set_error_at(error, TP_ERROR_PARSE, path, line,
                                   "scaling after the first topic");
        if (strcmp(cols[1], "log") == 0)
            m->scaling = TP_TOPIC_SCALING_LOG;
        else if (strcmp(cols[1], "log-norm") == 0)
            m->scaling = TP_TOPIC_SCALING_LOG_NORM;
        else
            return tp_set_error_at(error, TP_ERROR_PARSE, path, line,
                                   "unknown scaling '%s' (log or log-norm)", cols[1]);
    } else if (strcmp(kind, "stopwords") == 0 && n == 2) {
        if (m->topics.len > 0)
            return tp_set_error_at(error, TP_ERROR_PARSE, path, line,
                                   "stopwords after the first topic");
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
            return tp_set_error_at(error, TP_ERROR_PARSE, path, line, "unknown topic '%s'",
                                   cols[1]);
        if (!tp_parse_weight(cols[2], &w, path, line, error))
            return FALSE;
        TP_VEC_AT(m->topics, ModelTopic, ti).bias = w;
    } else if (strcmp(kind, "threshold") == 0 && n == 3) {
        gint ti = topic_index(m, cols[1]);
        double x;
        if (ti < 0)
            return tp_set_error_at(error, TP_ERROR_PARSE, path, line, "unknown topic '%s'",
                                   cols[1]);
        if (!parse_double(cols[2], &x) || x < 0.0 || x > 1.0)
            return tp_set_error_at(error, TP_ERROR_PARSE, path, line, "bad threshold '%s' (0 to 1)",
                                   cols[2]);
        TP_VEC_AT(m->topics, ModelTopic, ti).threshold = x;
    } else if (strcmp(kind, "feature") == 0 && n == 3) {
        return parse_feature_line(m, cols, path, line, error);
    } else {
        return tp_set_error_at(error, TP_ERROR_PARSE, path, line,
                               "unknown or malformed line '%s' with %u fields", kind, n);
    }
    return TRUE;
}

/* The id of stem `st` (`len` bytes) in the model's vocabulary, added if new. */
static guint32 vocab_id(TpTopicModel *m, const char *st, gsize len) {
    g_autofree char *key = g_strndup(st, len);
    const guint32 *v = tp_strmap_get(&m->stem_ids, &m->pool, key);
    if (v)
        return *v;
    guint32 id = m->stem_ids.count;
    tp_strmap_put(&m->stem_ids, &m->pool, tp_pool_add(&m->pool, key), id);
    return id;
}

static guint64 pair_key(guint32 a, guint32 b) {
    /* +1 keeps key 0 free to mark empty slots. */
    return (((guint64)a << 32) | b) + 1;
}

/* The stem vocabulary and the bigram pairs, from the "w:" and "b:" features
 * (in feature table order: ids are only compared, never written). */
static void index_stems(TpTopicModel *m) {
    for (guint32 i = 0; i < m->feats.slots.len; i++) {
        TpStrSlot slot = TP_VEC_AT(m->feats.slots, TpStrSlot, i);
        if (slot.key == 0)
            continue;
        /* A copy: adding stems may move the pool. */
        g_autofree char *f = g_strdup(mstr(m, slot.key));
        if (g_str_has_prefix(f, "w:")) {
            vocab_id(m, f + 2, strlen(f + 2));
        } else if (g_str_has_prefix(f, "b:")) {
            /* Stems hold no '_': tokens are letters, digits, marks and inner apostrophes. */
            const char *us = strchr(f + 2, '_');
            if (us == NULL)
                continue;
            guint32 a = vocab_id(m, f + 2, us - (f + 2));
            guint32 b = vocab_id(m, us + 1, strlen(us + 1));
            tp_u64map_put(&m->pairs, pair_key(a, b), slot.val);
        }
    }
}

TpTopicModel *tp_topic_model_parse(const char *name, const char *contents, gsize len,
                                   GError **error) {
    g_return_val_if_fail(name != NULL && contents != NULL, NULL);
    g_auto(GStrv) lines = tp_text_lines(name, contents, len, MODEL_HEADER, error);
    if (lines == NULL)
        return NULL;
    TpTopicModel *m = model_new();
    gboolean ok = TRUE;
    gboolean ended = FALSE;
    for (guint i = 1; ok && lines[i]; i++) {
        /* Only the line end was trimmed (tp_text_lines): a tab may be a (bad) empty last field. */
        char *l = lines[i];
        if (ended && *l != '\0') {
            ok = tp_set_error_at(error, TP_ERROR_PARSE, name, i + 1, "text after '%s'", MODEL_END);
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
    if (ok && !ended)
        ok = tp_set_error_at(error, TP_ERROR_FORMAT, name, 0, "truncated: no '%s' line", MODEL_END);
    if (ok && m->topics.len == 0)
        ok = tp_set_error_at(error, TP_ERROR_FORMAT, name, 0, "defines no topic");
    if (!ok) {
        tp_topic_model_free(m);
        return NULL;
    }
    /* The log-norm scaling divides by every feature the document has, so all
     * kinds are emitted whether this model weights them or not. */
    if (m->scaling == TP_TOPIC_SCALING_LOG_NORM)
        m->bigrams = TRUE;
    *(guint32 *)tp_vec_push(&m->feat_first, sizeof(guint32)) = m->weights.len;
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
    return m->topics.len;
}

const char *tp_topic_model_key(const TpTopicModel *m, guint i, const char **out_label) {
    g_return_val_if_fail(i < m->topics.len, NULL);
    const ModelTopic *t = model_topic(m, i);
    if (out_label)
        *out_label = mstr(m, t->label);
    return mstr(m, t->key);
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
    const char *stemmer = mstr(m, m->stemmer);
    struct sb_stemmer *st = sb_stemmer_new(stemmer, NULL);
    if (st == NULL) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "no Snowball stemmer for language '%s'",
                    stemmer);
        return NULL;
    }
    TpTopicScratch *s = g_new0(TpTopicScratch, 1);
    s->m = m;
    s->stemmer = st;
    s->keep_diacritics = stemmer_keeps_diacritics(stemmer);
    s->counts = g_new0(guint16, m->feat_first.len);
    s->touched = g_new(guint32, m->feat_first.len);
    s->buf = g_string_new(NULL);
    s->prev = g_string_new(NULL);
    s->low = g_string_new(NULL);
    s->scores = g_new0(double, m->topics.len + 1);
    s->out = g_new0(TpTopic, m->topics.len + 1);
    if (m->collect) {
        s->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        s->names = g_ptr_array_new();
        s->n_counts = g_array_new(FALSE, FALSE, sizeof(guint32));
        s->values = g_array_new(FALSE, FALSE, sizeof(double));
    } else {
        s->memo = TRUE;
        s->words = g_array_new(FALSE, FALSE, sizeof(WordMemo));
        tp_strset_init(&s->memo_keys);
        s->by_id = g_array_new(FALSE, TRUE, sizeof(guint32));
    }
    return s;
}

static void memo_clear(TpTopicScratch *s) {
    tp_strset_reset(&s->memo_keys, 0);
    g_array_set_size(s->words, 0);
    g_array_set_size(s->by_id, 0);
}

void tp_topic_scratch_free(TpTopicScratch *s) {
    if (s == NULL)
        return;
    sb_stemmer_delete(s->stemmer);
    g_free(s->counts);
    g_free(s->touched);
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
        tp_strset_clear(&s->memo_keys);
        g_array_free(s->words, TRUE);
        g_array_free(s->by_id, TRUE);
    }
    g_free(s);
}

void tp_topic_scratch_reset(TpTopicScratch *s) {
    for (guint i = 0; i < s->n_touched; i++)
        s->counts[s->touched[i]] = 0;
    s->n_touched = 0;
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
    const guint32 *v = tp_strmap_get(&s->m->feats, &s->m->pool, feat);
    if (v == NULL)
        return;
    guint32 fi = *v;
    if (s->counts[fi] == 0)
        s->touched[s->n_touched++] = fi;
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
    if (s->counts[fi] == 0)
        s->touched[s->n_touched++] = (guint32)fi;
    if (s->counts[fi] < G_MAXUINT16)
        s->counts[fi]++;
}

static gint32 feature_index(const TpTopicScratch *s, const char *feat) {
    const guint32 *v = tp_strmap_get(&s->m->feats, &s->m->pool, feat);
    return v ? (gint32)*v : -1;
}

/* What token `t` gives (its stem id and unigram feature), from the memo or
 * worked out and remembered. */
/* Note `index1` (index + 1 into words) as the memo of interned id `id`. */
static void memo_by_id(TpTopicScratch *s, guint32 id, guint32 index1) {
    if (id >= s->by_id->len)
        g_array_set_size(s->by_id, id + 1); /* zero-filled: not yet seen */
    g_array_index(s->by_id, guint32, id) = index1;
}

static const WordMemo *word_memo(TpTopicScratch *s, const char *text, const TpTokens *tt,
                                 const TpToken *t) {
    /* The key is the token's folded key (one interned id per key) unless
     * the stemmer keeps diacritics. */
    guint32 id = !s->keep_diacritics && tt->interned ? t->gaz_id : G_MAXUINT32;
    if (id < s->by_id->len && g_array_index(s->by_id, guint32, id))
        return &g_array_index(s->words, WordMemo, g_array_index(s->by_id, guint32, id) - 1);
    const char *key = tp_tok_key(tt, t);
    if (s->keep_diacritics) {
        g_string_assign(s->buf, "");
        g_string_append_len(s->buf, text + t->start, t->end - t->start);
        key = s->buf->str;
    }
    /* Up to a NUL (a text's "\u0000"), as a C string key reads. */
    gsize key_len = strlen(key);
    gboolean added;
    guint32 num = tp_strset_add(&s->memo_keys, key, key_len, &added);
    if (!added) {
        if (id != G_MAXUINT32)
            memo_by_id(s, id, num + 1);
        return &g_array_index(s->words, WordMemo, num);
    }
    g_assert(num == s->words->len);
    WordMemo w = {.kind = WORD_NO_STEM, .stem = NO_STEM_ID, .feature = -1};
    stem_input(s, text, tt, t);
    gboolean stop = is_stopword(s->m, s->low->str);
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
        const guint32 *stem_id = tp_strmap_get(&s->m->stem_ids, &s->m->pool, s->buf->str + 2);
        if (stem_id)
            w.stem = *stem_id;
    }
    g_array_append_val(s->words, w);
    if (id != G_MAXUINT32)
        memo_by_id(s, id, s->words->len);
    return &g_array_index(s->words, WordMemo, s->words->len - 1);
}

/* The bigram feature of two stems of the model's vocabulary, or -1. */
static gint32 bigram_feature(const TpTopicScratch *s, guint32 a, guint32 b) {
    if (a == NO_STEM_ID || b == NO_STEM_ID)
        return -1;
    guint32 v = tp_u64map_get(&s->m->pairs, pair_key(a, b), G_MAXUINT32);
    /* An image's pairs are bounded here, not scanned at load. */
    return v < s->m->feat_first.len - 1 ? (gint32)v : -1;
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
        if (is_stopword(s->m, s->low->str))
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

/* Count the feature `prefix` (two bytes) `name`. Written on the stack, not
 * into a GString (whose assign and append calls were half of an entity's
 * cost): this runs for every entity. */
static void count_prefixed(TpTopicScratch *s, const char prefix[3], const char *name) {
    char feat[128];
    gsize len = strlen(name);
    if (len + 3 > sizeof feat) {
        g_string_append(g_string_assign(s->buf, prefix), name);
        count_feature(s, s->buf->str);
        return;
    }
    feat[0] = prefix[0];
    feat[1] = prefix[1];
    memcpy(feat + 2, name, len + 1);
    count_feature(s, feat);
}

void tp_topic_add_entity(TpTopicScratch *s, TpEntityType type, const char *kind, const char *id) {
    /* Entity cues: "k:central-bank" for an entry of a known kind (an athlete,
     * a club, a party: what the entity is says more than its type),
     * "e:organization" for one without, "h:person" for a name known only
     * from the text (a Title Case headline reads as a row of such names, so
     * they must not share the weight of known people), "i:org/nato". */
    if (kind)
        count_prefixed(s, "k:", kind);
    else if (id && g_str_has_prefix(id, "local:"))
        count_prefixed(s, "h:", tp_entity_type_name(type));
    else
        count_prefixed(s, "e:", tp_entity_type_name(type));
    if (id)
        count_prefixed(s, "i:", id);
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
    guint nt = m->topics.len;
    if (m->collect) {
        collect_document(s);
        *out_n = 0;
        return s->out;
    }
    for (guint k = 0; k < nt; k++)
        s->scores[k] = model_topic(m, k)->bias;
    /* tp_topic_feature_value, its square root taken once per document. */
    const double *logs = count_logs();
    double root = sqrt((double)MAX(s->n_occurrences, 1));
    gboolean norm = m->scaling == TP_TOPIC_SCALING_LOG_NORM;
    for (guint i = 0; i < s->n_touched; i++) {
        guint32 fi = s->touched[i];
        double x = count_value(logs, s->counts[fi], norm, root);
        guint32 a = TP_VEC_AT(m->feat_first, guint32, fi);
        guint32 b = TP_VEC_AT(m->feat_first, guint32, fi + 1);
        for (guint32 j = a; j < b; j++) {
            const Weight *w = &TP_VEC_AT(m->weights, Weight, j);
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
        const ModelTopic *mt = model_topic(m, k);
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
        s->out[n++] = (TpTopic){.label = mstr(m, mt->label), .code = mstr(m, mt->code), .score = p};
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
    g_autofree const char **names = g_new0(const char *, m->feat_first.len);
    for (guint32 i = 0; i < m->feats.slots.len; i++) {
        TpStrSlot slot = TP_VEC_AT(m->feats.slots, TpStrSlot, i);
        if (slot.key && slot.key < m->pool.bytes.len && slot.val + 1 < m->feat_first.len &&
            s->counts[slot.val])
            names[slot.val] = mstr(m, slot.key);
    }
    g_autofree Moved *moved = g_new0(Moved, s->n_touched + 1);
    for (gsize i = 0; i < n; i++) {
        guint k = 0;
        while (k < m->topics.len && mstr(m, model_topic(m, k)->label) != ts[i].label)
            k++;
        const ModelTopic *mt = model_topic(m, k);
        g_string_append_printf(out, "%s %.3f (bias %+.3f", mstr(m, mt->label), ts[i].score,
                               mt->bias);
        if (mt->threshold >= 0.0)
            g_string_append_printf(out, ", threshold %.2f", mt->threshold);
        g_string_append(out, ")\n");
        guint nm = 0;
        for (guint t = 0; t < s->n_touched; t++) {
            guint32 fi = s->touched[t];
            double x = tp_topic_feature_value(m->scaling, s->counts[fi], s->n_occurrences);
            guint32 a = TP_VEC_AT(m->feat_first, guint32, fi);
            guint32 b = TP_VEC_AT(m->feat_first, guint32, fi + 1);
            for (guint32 j = a; j < b; j++) {
                const Weight *w = &TP_VEC_AT(m->weights, Weight, j);
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

/* ---- the image sections ---- */

void tp_topic_model_write(const TpTopicModel *m, TpImageWriter *w) {
    TopicMeta meta = {m->stemmer,         m->scaling,        m->bigrams,     m->feats.count,
                      m->stopwords.count, m->stem_ids.count, m->pairs.count, 0};
    tp_image_writer_add_copy(w, TP_SEC_TOPIC_META, &meta, sizeof meta);
    tp_image_writer_add_vec(w, TP_SEC_TOPIC_POOL, &m->pool.bytes, 1);
    tp_image_writer_add_vec(w, TP_SEC_TOPIC_TOPICS, &m->topics, sizeof(ModelTopic));
    tp_image_writer_add_strmap(w, TP_SEC_TOPIC_FEATS, &m->feats, &m->pool);
    tp_image_writer_add_vec(w, TP_SEC_TOPIC_FEAT_FIRST, &m->feat_first, sizeof(guint32));
    tp_image_writer_add_vec(w, TP_SEC_TOPIC_WEIGHTS, &m->weights, sizeof(Weight));
    tp_image_writer_add_strmap(w, TP_SEC_TOPIC_STOPWORDS, &m->stopwords, &m->pool);
    tp_image_writer_add_strmap(w, TP_SEC_TOPIC_STEM_IDS, &m->stem_ids, &m->pool);
    tp_image_writer_add_u64map(w, TP_SEC_TOPIC_PAIR_KEYS, TP_SEC_TOPIC_PAIR_VALS, &m->pairs);
}

/* Is every offset and index of the borrowed records in range? */
static gboolean model_valid(TpTopicModel *m) {
    guint32 pool = m->pool.bytes.len, nt = m->topics.len, nw = m->weights.len;
    if (!tp_pool_valid(&m->pool) || m->stemmer == 0 || m->stemmer >= pool || nt == 0 ||
        m->feat_first.len == 0 || m->scaling > TP_TOPIC_SCALING_LOG_NORM)
        return FALSE;
    guint32 n_feats = m->feat_first.len - 1;
    for (guint32 i = 0; i < nt; i++) {
        const ModelTopic *t = model_topic(m, i);
        if (t->key == 0 || t->key >= pool || t->label == 0 || t->label >= pool || t->code >= pool ||
            t->parent < -1 || t->parent >= (gint32)i || !isfinite(t->bias))
            return FALSE;
    }
    /* Weight groups in order and in range. */
    guint32 prev = 0;
    for (guint32 i = 0; i <= n_feats; i++) {
        guint32 f = TP_VEC_AT(m->feat_first, guint32, i);
        if (f < prev || f > nw)
            return FALSE;
        prev = f;
    }
    if (prev != nw)
        return FALSE;
    for (guint32 i = 0; i < nw; i++) {
        const Weight *w = &TP_VEC_AT(m->weights, Weight, i);
        if (w->topic >= nt || !isfinite(w->weight))
            return FALSE;
    }
    return tp_strmap_valid(&m->feats, n_feats) && tp_strmap_valid(&m->stopwords, 1) &&
           tp_strmap_valid(&m->stem_ids, G_MAXUINT32) && tp_u64map_valid(&m->pairs);
}

TpTopicModel *tp_topic_model_from_image(const TpImage *img, GError **error) {
    gsize len;
    const TopicMeta *meta = tp_image_section(img, TP_SEC_TOPIC_META, &len);
    if (meta == NULL)
        return NULL; /* no model: not an error */
    TpTopicModel *m = g_new0(TpTopicModel, 1);
    gboolean ok = len == sizeof *meta;
    if (ok) {
        m->stemmer = meta->stemmer;
        m->scaling = meta->scaling;
        m->bigrams = meta->bigrams != 0;
        m->feats.count = meta->feats_count;
        m->stopwords.count = meta->stopwords_count;
        m->stem_ids.count = meta->stem_ids_count;
        m->pairs.count = meta->pairs_count;
    }
    ok = ok && tp_image_vec(img, TP_SEC_TOPIC_POOL, 1, &m->pool.bytes) &&
         tp_image_vec(img, TP_SEC_TOPIC_TOPICS, sizeof(ModelTopic), &m->topics) &&
         tp_image_vec(img, TP_SEC_TOPIC_FEATS, sizeof(TpStrSlot), &m->feats.slots) &&
         tp_image_vec(img, TP_SEC_TOPIC_FEAT_FIRST, sizeof(guint32), &m->feat_first) &&
         tp_image_vec(img, TP_SEC_TOPIC_WEIGHTS, sizeof(Weight), &m->weights) &&
         tp_image_vec(img, TP_SEC_TOPIC_STOPWORDS, sizeof(TpStrSlot), &m->stopwords.slots) &&
         tp_image_vec(img, TP_SEC_TOPIC_STEM_IDS, sizeof(TpStrSlot), &m->stem_ids.slots) &&
         tp_image_vec(img, TP_SEC_TOPIC_PAIR_KEYS, sizeof(guint64), &m->pairs.keys) &&
         tp_image_vec(img, TP_SEC_TOPIC_PAIR_VALS, sizeof(guint32), &m->pairs.vals);
    if (!ok || !model_valid(m)) {
        tp_image_fail(img, error, "topic model sections malformed or out of range");
        tp_topic_model_free(m);
        return NULL;
    }
    return m;
}
