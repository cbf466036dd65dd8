/* SPDX-License-Identifier: MIT */
/* tp_train.c: fit a topic model (multinomial logistic regression) from labelled documents. */

#include "tagpipe-train.h"
#include "tp_knowledge.h"
#include "tp_topics.h"

#include <math.h>
#include <string.h>

/*
 * The model is a softmax over K topics of a linear score per topic: a bias
 * plus the weighted sum of the document's feature values. The features are
 * exactly those the tagger computes: the trainer tags each document with a
 * real TpTagger over a collecting topic model (tp_topic_model_new_collector),
 * so words, bigrams and entity cues come from the same code at training and
 * at tagging time.
 *
 * Fitting minimizes the weighted log-loss plus an L2 penalty with AdaGrad,
 * one document at a time, in an order drawn from the seed (xorshift64*, never
 * rand()), on one thread: the same input and seed give the same bytes. The
 * penalty of a feature is applied when a document has it, scaled by 1/df, so
 * that one pass applies it once in all (the usual lazy update for sparse
 * data). A document with several labels either has them all (the target is
 * spread evenly over them) or, with `one_of`, has one of them, unknown which:
 * the loss is then -log of their summed probability (a partial-label loss),
 * whose gradient shares the target among the alternatives in proportion to
 * what the model already believes.
 *
 * To keep the file small, each feature's weights are then centered on their
 * median, small ones dropped and the rest fitted again (see fit()).
 *
 * With `average` above 1, that fit is repeated with as many document orders
 * (seeds seed, seed + 1, ...) and the weights and biases are averaged: the
 * model scores with the mean of their logits, a seed ensemble (bagging
 * without resampling) that takes out most of what one document order adds
 * by chance, at the price of the fitting time and the union of the kept
 * weights.
 *
 * Scores are calibrated by temperature scaling (Guo et al. 2017): held-out
 * scores from k-fold cross-validation on the training documents fix one
 * temperature T, and the final model's weights are divided by T.
 */

typedef struct {
    char *key;
    char *code;
    char *label;
    char *parent;
} Topic;

struct TpTrainer {
    TpKnowledge *k;
    TpTagger *tagger;
    TpTrainOptions opt;
    GPtrArray *topics;     /* Topic */
    GHashTable *topic_ids; /* key -> index + 1 */
    /* Vocabulary of every feature seen, in order of first sight. */
    GHashTable *vocab; /* name -> id + 1 */
    GPtrArray *names;  /* char *, owned */
    GArray *df;        /* guint32 per feature: documents that have it */
    /* Documents: features and labels in CSR form. */
    GArray *doc_feat_start;  /* guint32, n_docs + 1 */
    GArray *feat_ids;        /* guint32 */
    GArray *feat_vals;       /* float */
    GArray *doc_label_start; /* guint32, n_docs + 1 */
    GArray *label_ids;       /* guint32 */
    GArray *doc_weights;     /* double */
    gboolean collected;      /* the collector saw the current document */
};

static void topic_free(gpointer p) {
    Topic *t = p;
    g_free(t->key);
    g_free(t->code);
    g_free(t->label);
    g_free(t->parent);
    g_free(t);
}

void tp_train_options_init(TpTrainOptions *o) {
    *o = (TpTrainOptions){
        .stemmer = "english",
        .epochs = 10,
        .learning_rate = 0.2,
        .l2 = 3e-6,
        .min_count = 2,
        .seed = 1,
        .calibrate_folds = 5,
        .prune = 0.005,
        .one_of = FALSE,
        .average = 1,
    };
}

/* The collector's callback: one document's features join the data set. */
static void collect(const char *const *features, const double *values, guint n, gpointer data) {
    TpTrainer *t = data;
    for (guint i = 0; i < n; i++) {
        gboolean excluded = FALSE;
        for (guint e = 0; t->opt.exclude && t->opt.exclude[e] && !excluded; e++)
            excluded = g_str_has_prefix(features[i], t->opt.exclude[e]);
        if (excluded)
            continue;
        gpointer v = g_hash_table_lookup(t->vocab, features[i]);
        guint32 id;
        if (v == NULL) {
            char *name = g_strdup(features[i]);
            id = t->names->len;
            g_ptr_array_add(t->names, name);
            guint32 zero = 0;
            g_array_append_val(t->df, zero);
            g_hash_table_insert(t->vocab, name, GUINT_TO_POINTER(id + 1));
        } else {
            id = GPOINTER_TO_UINT(v) - 1;
        }
        g_array_index(t->df, guint32, id)++;
        float x = (float)values[i];
        g_array_append_val(t->feat_ids, id);
        g_array_append_val(t->feat_vals, x);
    }
    t->collected = TRUE;
}

TpTrainer *tp_trainer_new(TpKnowledge *knowledge, const TpTrainOptions *options, GError **error) {
    g_return_val_if_fail(knowledge != NULL && options != NULL, NULL);
    g_return_val_if_fail(knowledge->topics == NULL, NULL);
    TpTrainer *t = g_new0(TpTrainer, 1);
    t->k = knowledge;
    t->opt = *options;
    t->topics = g_ptr_array_new_with_free_func(topic_free);
    t->topic_ids = g_hash_table_new(g_str_hash, g_str_equal);
    t->vocab = g_hash_table_new(g_str_hash, g_str_equal);
    t->names = g_ptr_array_new_with_free_func(g_free);
    t->df = g_array_new(FALSE, FALSE, sizeof(guint32));
    t->doc_feat_start = g_array_new(FALSE, FALSE, sizeof(guint32));
    t->feat_ids = g_array_new(FALSE, FALSE, sizeof(guint32));
    t->feat_vals = g_array_new(FALSE, FALSE, sizeof(float));
    t->doc_label_start = g_array_new(FALSE, FALSE, sizeof(guint32));
    t->label_ids = g_array_new(FALSE, FALSE, sizeof(guint32));
    t->doc_weights = g_array_new(FALSE, FALSE, sizeof(double));
    guint32 zero = 0;
    g_array_append_val(t->doc_feat_start, zero);
    g_array_append_val(t->doc_label_start, zero);
    tp_topic_model_free(tp_knowledge_swap_topic_model(
        knowledge, tp_topic_model_new_collector(options->stemmer, options->stopwords, collect, t)));
    t->tagger = tp_tagger_new(knowledge, error);
    if (t->tagger == NULL) {
        tp_trainer_free(t);
        return NULL;
    }
    return t;
}

void tp_trainer_free(TpTrainer *t) {
    if (t == NULL)
        return;
    tp_tagger_free(t->tagger);
    tp_topic_model_free(tp_knowledge_swap_topic_model(t->k, NULL));
    g_ptr_array_free(t->topics, TRUE);
    g_hash_table_destroy(t->topic_ids);
    g_hash_table_destroy(t->vocab);
    g_ptr_array_free(t->names, TRUE);
    g_array_free(t->df, TRUE);
    g_array_free(t->doc_feat_start, TRUE);
    g_array_free(t->feat_ids, TRUE);
    g_array_free(t->feat_vals, TRUE);
    g_array_free(t->doc_label_start, TRUE);
    g_array_free(t->label_ids, TRUE);
    g_array_free(t->doc_weights, TRUE);
    g_free(t);
}

static guint32 topic_id(TpTrainer *t, const char *key) {
    gpointer v = g_hash_table_lookup(t->topic_ids, key);
    if (v)
        return GPOINTER_TO_UINT(v) - 1;
    Topic *topic = g_new0(Topic, 1);
    topic->key = g_strdup(key);
    topic->label = g_strdup(key);
    g_ptr_array_add(t->topics, topic);
    g_hash_table_insert(t->topic_ids, topic->key, GUINT_TO_POINTER(t->topics->len));
    return t->topics->len - 1;
}

void tp_trainer_set_topics(TpTrainer *t, const TpTrainTopic *topics, guint n) {
    g_return_if_fail(t != NULL && tp_trainer_n_documents(t) == 0);
    for (guint i = 0; i < n; i++) {
        guint32 id = topic_id(t, topics[i].key); /* may grow t->topics */
        Topic *topic = g_ptr_array_index(t->topics, id);
        g_free(topic->label);
        topic->label = g_strdup(topics[i].label ? topics[i].label : topics[i].key);
        g_free(topic->code);
        topic->code = g_strdup(topics[i].code);
        g_free(topic->parent);
        topic->parent = g_strdup(topics[i].parent);
    }
}

guint tp_trainer_n_documents(const TpTrainer *t) {
    return t->doc_weights->len;
}

static gboolean valid_key(const char *s) {
    return *s && !strchr(s, ' ') && !strchr(s, ':') && !strchr(s, '\t') && !strchr(s, '\n') &&
           !strchr(s, '\r');
}

gboolean tp_trainer_add(TpTrainer *t, const char *const *texts, const char *const *labels,
                        double weight, GError **error) {
    g_return_val_if_fail(t != NULL && texts != NULL && labels != NULL, FALSE);
    if (labels[0] == NULL) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "no label");
        return FALSE;
    }
    for (guint i = 0; labels[i]; i++)
        if (!valid_key(labels[i])) {
            g_set_error(error, TP_ERROR, TP_ERROR_FORMAT,
                        "label \"%s\" is empty or has a space, colon, tab or line break",
                        labels[i]);
            return FALSE;
        }
    if (!(weight > 0.0 && isfinite(weight))) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "weight %g is not a positive number", weight);
        return FALSE;
    }
    /* Tag as tp_tagger_tag_line() does: one document, several fields. */
    tp_tagger_reset(t->tagger);
    for (guint i = 0; texts[i]; i++) {
        const TpEntity *es;
        gsize n;
        if (!tp_tagger_tag_text(t->tagger, texts[i], -1, &es, &n, error))
            return FALSE;
    }
    gsize n_topics;
    t->collected = FALSE;
    tp_tagger_topics(t->tagger, 0.0, 0, &n_topics);
    g_assert(t->collected);

    guint32 label_mark = t->label_ids->len;
    for (guint i = 0; labels[i]; i++) {
        guint32 id = topic_id(t, labels[i]);
        gboolean dup = FALSE;
        for (guint32 j = label_mark; j < t->label_ids->len; j++)
            dup = dup || g_array_index(t->label_ids, guint32, j) == id;
        if (!dup)
            g_array_append_val(t->label_ids, id);
    }
    guint32 end = t->feat_ids->len;
    g_array_append_val(t->doc_feat_start, end);
    end = t->label_ids->len;
    g_array_append_val(t->doc_label_start, end);
    g_array_append_val(t->doc_weights, weight);
    return TRUE;
}

/* ---- fitting ---- */

/* xorshift64* (Vigna 2016): small, fast, and the same everywhere. */
static guint64 rng_next(guint64 *state) {
    guint64 x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static guint64 rng_seed(guint64 seed) {
    /* splitmix64 of the seed, never zero (xorshift's one forbidden state). */
    guint64 z = seed + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z ? z : 1;
}

static void shuffle(guint32 *a, guint n, guint64 *state) {
    for (guint i = n; i > 1; i--) {
        guint j = (guint)(rng_next(state) % i);
        guint32 tmp = a[i - 1];
        a[i - 1] = a[j];
        a[j] = tmp;
    }
}

/* The data set as fitting sees it: features renumbered after min_count. */
typedef struct {
    guint n_docs;
    guint n_topics;
    guint n_feats;
    const guint32 *feat_start; /* per document */
    guint32 *feats;            /* renumbered, G_MAXUINT32: dropped */
    const float *vals;
    const guint32 *label_start;
    const guint32 *labels;
    const double *weights;
    gboolean one_of;
} Data;

typedef struct {
    float *w;  /* n_feats x n_topics */
    double *b; /* n_topics */
    float *gw; /* AdaGrad sums of squared gradients */
    double *gb;
} Params;

static void params_init(Params *p, const Data *d) {
    gsize n = (gsize)d->n_feats * d->n_topics;
    p->w = g_new0(float, n ? n : 1);
    p->gw = g_new0(float, n ? n : 1);
    p->b = g_new0(double, d->n_topics);
    p->gb = g_new0(double, d->n_topics);
}

static void params_clear(Params *p) {
    g_free(p->w);
    g_free(p->gw);
    g_free(p->b);
    g_free(p->gb);
}

static void doc_logits(const Data *d, const Params *p, guint i, double *s) {
    guint K = d->n_topics;
    for (guint k = 0; k < K; k++)
        s[k] = p->b[k];
    for (guint32 j = d->feat_start[i]; j < d->feat_start[i + 1]; j++) {
        guint32 f = d->feats[j];
        if (f == G_MAXUINT32)
            continue;
        const float *wf = p->w + (gsize)f * K;
        double x = d->vals[j];
        for (guint k = 0; k < K; k++)
            s[k] += wf[k] * x;
    }
}

/* Softmax of `s` / `temp` into `p`; returns log of the normalizer. */
static double softmax(const double *s, guint K, double temp, double *p) {
    double top = -INFINITY, sum = 0.0;
    for (guint k = 0; k < K; k++)
        top = MAX(top, s[k] / temp);
    for (guint k = 0; k < K; k++)
        sum += (p[k] = exp(s[k] / temp - top));
    for (guint k = 0; k < K; k++)
        p[k] /= sum;
    return top + log(sum);
}

/* Loss of document i given its probabilities `p`, and the target `q` (may be NULL). */
static double doc_loss(const Data *d, guint i, const double *p, double *q) {
    guint K = d->n_topics;
    const guint32 *L = d->labels + d->label_start[i];
    guint nl = d->label_start[i + 1] - d->label_start[i];
    if (q)
        for (guint k = 0; k < K; k++)
            q[k] = 0.0;
    if (d->one_of) {
        double mass = 0.0;
        for (guint j = 0; j < nl; j++)
            mass += p[L[j]];
        mass = MAX(mass, 1e-300);
        if (q)
            for (guint j = 0; j < nl; j++)
                q[L[j]] = p[L[j]] / mass;
        return -log(mass);
    }
    double loss = 0.0;
    for (guint j = 0; j < nl; j++) {
        loss -= log(MAX(p[L[j]], 1e-300)) / nl;
        if (q)
            q[L[j]] = 1.0 / nl;
    }
    return loss;
}

static guint argmax(const double *s, guint K) {
    guint best = 0;
    for (guint k = 1; k < K; k++)
        if (s[k] > s[best])
            best = k;
    return best;
}

static gboolean has_label(const Data *d, guint i, guint32 k) {
    for (guint32 j = d->label_start[i]; j < d->label_start[i + 1]; j++)
        if (d->labels[j] == k)
            return TRUE;
    return FALSE;
}

/* Fit `p` on the documents `docs[0..n)`, changing only the weights that
 * `mask` (if not NULL) marks. */
static void fit_masked(const Data *d, const TpTrainOptions *o, guint64 seed, const guint32 *docs,
                       guint n, Params *p, const guint8 *mask) {
    guint K = d->n_topics;
    /* Document frequency within these documents, for the lazy L2 penalty. */
    g_autofree guint32 *df = g_new0(guint32, d->n_feats ? d->n_feats : 1);
    for (guint a = 0; a < n; a++)
        for (guint32 j = d->feat_start[docs[a]]; j < d->feat_start[docs[a] + 1]; j++)
            if (d->feats[j] != G_MAXUINT32)
                df[d->feats[j]]++;
    g_autofree guint32 *order = g_new(guint32, n ? n : 1);
    memcpy(order, docs, n * sizeof(guint32));
    g_autofree double *s = g_new(double, K);
    g_autofree double *pr = g_new(double, K);
    g_autofree double *q = g_new(double, K);
    g_autofree double *g = g_new(double, K);
    guint64 state = rng_seed(seed);
    const double eta = o->learning_rate, eps = 1e-8;
    double total_weight = 0.0;
    for (guint a = 0; a < n; a++)
        total_weight += d->weights[docs[a]];
    /* The penalty per document weight unit: L = sum w_i loss_i + l2 * W/2 * |theta|^2,
     * with W the total weight, so that l2 does not depend on the data set's size. */
    const double l2 = o->l2 * total_weight;
    for (guint epoch = 0; epoch < o->epochs; epoch++) {
        shuffle(order, n, &state);
        for (guint a = 0; a < n; a++) {
            guint i = order[a];
            doc_logits(d, p, i, s);
            softmax(s, K, 1.0, pr);
            doc_loss(d, i, pr, q);
            double wi = d->weights[i];
            for (guint k = 0; k < K; k++) {
                g[k] = wi * (pr[k] - q[k]);
                p->gb[k] += g[k] * g[k];
                p->b[k] -= eta * g[k] / (sqrt(p->gb[k]) + eps);
            }
            for (guint32 j = d->feat_start[i]; j < d->feat_start[i + 1]; j++) {
                guint32 f = d->feats[j];
                if (f == G_MAXUINT32)
                    continue;
                double x = d->vals[j];
                double reg = l2 / df[f];
                float *wf = p->w + (gsize)f * K;
                float *gf = p->gw + (gsize)f * K;
                const guint8 *mf = mask ? mask + (gsize)f * K : NULL;
                for (guint k = 0; k < K; k++) {
                    if (mf && !mf[k])
                        continue;
                    double gr = g[k] * x + reg * wf[k];
                    gf[k] += (float)(gr * gr);
                    wf[k] -= (float)(eta * gr / (sqrt(gf[k]) + eps));
                }
            }
        }
    }
}

static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Fit, then make the model small: center each feature's weights on their
 * median (a softmax does not change when one feature's weights all move by
 * the same amount), drop those below `prune`, and fit the rest again so that
 * they make up for the dropped ones. */
static void fit_one(const Data *d, const TpTrainOptions *o, guint64 seed, const guint32 *docs,
                    guint n, Params *p) {
    fit_masked(d, o, seed, docs, n, p, NULL);
    guint K = d->n_topics;
    gsize nw = (gsize)d->n_feats * K;
    g_autofree float *sorted = g_new(float, K);
    g_autofree guint8 *mask = g_new0(guint8, nw ? nw : 1);
    for (guint f = 0; f < d->n_feats; f++) {
        float *wf = p->w + (gsize)f * K;
        memcpy(sorted, wf, K * sizeof(float));
        qsort(sorted, K, sizeof(float), cmp_float);
        float median = K % 2 ? sorted[K / 2] : (sorted[K / 2 - 1] + sorted[K / 2]) / 2;
        for (guint k = 0; k < K; k++) {
            wf[k] -= median;
            if (fabsf(wf[k]) < o->prune)
                wf[k] = 0.0f;
            else
                mask[(gsize)f * K + k] = 1;
        }
    }
    if (o->prune <= 0.0)
        return;
    memset(p->gw, 0, nw * sizeof(float));
    memset(p->gb, 0, K * sizeof(double));
    fit_masked(d, o, seed, docs, n, p, mask);
}

/* fit_one() with o->average document orders, their weights and biases averaged. */
static void fit(const Data *d, const TpTrainOptions *o, const guint32 *docs, guint n, Params *p) {
    guint R = MAX(o->average, 1);
    fit_one(d, o, o->seed, docs, n, p);
    if (R == 1)
        return;
    guint K = d->n_topics;
    gsize nw = (gsize)d->n_feats * K;
    /* Sums in double: float sums of a few small weights would round differently by order. */
    g_autofree double *sw = g_new(double, nw ? nw : 1);
    g_autofree double *sb = g_new(double, K);
    for (gsize j = 0; j < nw; j++)
        sw[j] = p->w[j];
    for (guint k = 0; k < K; k++)
        sb[k] = p->b[k];
    for (guint r = 1; r < R; r++) {
        Params q;
        params_init(&q, d);
        fit_one(d, o, o->seed + r, docs, n, &q);
        for (gsize j = 0; j < nw; j++)
            sw[j] += q.w[j];
        for (guint k = 0; k < K; k++)
            sb[k] += q.b[k];
        params_clear(&q);
    }
    for (gsize j = 0; j < nw; j++)
        p->w[j] = (float)(sw[j] / R);
    for (guint k = 0; k < K; k++)
        p->b[k] = sb[k] / R;
}

/* Held-out loss of the scores `logits` (n x K) of documents `docs` at temperature `temp`. */
static double held_out_loss(const Data *d, const guint32 *docs, guint n, const double *logits,
                            double temp) {
    guint K = d->n_topics;
    g_autofree double *pr = g_new(double, K);
    double loss = 0.0, wsum = 0.0;
    for (guint a = 0; a < n; a++) {
        softmax(logits + (gsize)a * K, K, temp, pr);
        loss += d->weights[docs[a]] * doc_loss(d, docs[a], pr, NULL);
        wsum += d->weights[docs[a]];
    }
    return wsum > 0 ? loss / wsum : 0.0;
}

/* The temperature that minimizes the held-out loss: golden-section search on
 * log T in [log 1/20, log 20] (the loss is unimodal in T). */
static double fit_temperature(const Data *d, const guint32 *docs, guint n, const double *logits) {
    const double phi = (sqrt(5.0) - 1.0) / 2.0;
    double a = log(0.05), b = log(20.0);
    double c = b - phi * (b - a), e = a + phi * (b - a);
    double fc = held_out_loss(d, docs, n, logits, exp(c));
    double fe = held_out_loss(d, docs, n, logits, exp(e));
    for (int it = 0; it < 60; it++) {
        if (fc < fe) {
            b = e;
            e = c;
            fe = fc;
            c = b - phi * (b - a);
            fc = held_out_loss(d, docs, n, logits, exp(c));
        } else {
            a = c;
            c = e;
            fc = fe;
            e = a + phi * (b - a);
            fe = held_out_loss(d, docs, n, logits, exp(e));
        }
    }
    return exp((a + b) / 2.0);
}

/* k-fold cross-validation: every document's score from a model that did not
 * see it; then the temperature that fits those scores best. */
static double calibrate(const Data *d, const TpTrainOptions *o, TpTrainReport *r) {
    guint N = d->n_docs, K = d->n_topics, F = o->calibrate_folds;
    g_autofree guint32 *perm = g_new(guint32, N);
    for (guint i = 0; i < N; i++)
        perm[i] = i;
    guint64 state = rng_seed(o->seed ^ 0x5EEDF01DULL);
    shuffle(perm, N, &state);
    g_autofree double *logits = g_new(double, (gsize)N *K);
    g_autofree guint32 *train = g_new(guint32, N);
    g_autofree guint32 *held = g_new(guint32, N);
    /* Held-out documents in fold order, so that `logits` rows follow `all`. */
    g_autofree guint32 *all = g_new(guint32, N);
    guint n_all = 0;
    for (guint f = 0; f < F; f++) {
        guint nt = 0, nh = 0;
        for (guint a = 0; a < N; a++) {
            if (a % F == f)
                held[nh++] = perm[a];
            else
                train[nt++] = perm[a];
        }
        /* Train documents in their input order: the fit shuffles them itself. */
        Params p;
        params_init(&p, d);
        fit(d, o, train, nt, &p);
        for (guint h = 0; h < nh; h++) {
            doc_logits(d, &p, held[h], logits + (gsize)n_all * K);
            all[n_all++] = held[h];
        }
        params_clear(&p);
    }
    guint right = 0;
    for (guint a = 0; a < n_all; a++)
        right += has_label(d, all[a], argmax(logits + (gsize)a * K, K));
    double temp = fit_temperature(d, all, n_all, logits);
    r->cv_accuracy = n_all ? (double)right / n_all : -1.0;
    r->cv_log_loss = held_out_loss(d, all, n_all, logits, temp);
    return temp;
}

typedef struct {
    const GPtrArray *names;
    const guint32 *used_to_vocab;
} NameOrder;

static int cmp_name(gconstpointer a, gconstpointer b, gpointer data) {
    const NameOrder *no = data;
    const char *x = g_ptr_array_index(no->names, no->used_to_vocab[*(const guint32 *)a]);
    const char *y = g_ptr_array_index(no->names, no->used_to_vocab[*(const guint32 *)b]);
    return strcmp(x, y);
}

static int cmp_str(gconstpointer a, gconstpointer b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void append_weight(GString *out, double w) {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(buf, sizeof(buf), "%.4g", w);
    g_string_append(out, buf);
}

/* Write the model text: the weights fit() kept, divided by the temperature. */
static void write_model(const TpTrainer *t, const Data *d, const Params *p,
                        const guint32 *used_to_vocab, double temp, GString *out, TpTrainReport *r) {
    const TpTrainOptions *o = &t->opt;
    guint K = d->n_topics;
    g_string_append(out, "# tagpipe-topic-model 1\n");
    g_string_append_printf(out,
                           "# Fitted by tagpipe train %s: multinomial logistic regression on %u "
                           "documents,\n",
                           TP_VERSION, d->n_docs);
    g_string_append_printf(out, "# %u epochs of AdaGrad (rate ", o->epochs);
    append_weight(out, o->learning_rate);
    g_string_append(out, ", L2 ");
    append_weight(out, o->l2);
    g_string_append_printf(out, "), min-count %u, seed %" G_GUINT64_FORMAT ", labels %s;\n",
                           o->min_count, o->seed, o->one_of ? "one-of" : "all-of");
    if (o->average > 1)
        g_string_append_printf(out,
                               "# weights averaged over %u fits, seeds %" G_GUINT64_FORMAT
                               " to %" G_GUINT64_FORMAT " (the order of the documents);\n",
                               o->average, o->seed, o->seed + o->average - 1);
    g_string_append(out, "# scores divided by the temperature ");
    append_weight(out, temp);
    if (o->calibrate_folds >= 2)
        g_string_append_printf(out, " (fitted by %u-fold cross-validation)", o->calibrate_folds);
    if (o->exclude && o->exclude[0]) {
        g_string_append(out, ";\n# features left out:");
        for (guint i = 0; o->exclude[i]; i++)
            g_string_append_printf(out, " %s*", o->exclude[i]);
    }
    g_string_append(out, ";\n# weights centered per feature, those below ");
    append_weight(out, o->prune);
    g_string_append(out, " left out and the rest fitted again.\n");
    g_string_append_printf(out, "stemmer\t%s\nscaling\t%s\n", o->stemmer,
                           tp_topic_scaling_name(TP_TOPIC_SCALING_LOG_NORM));
    /* Stop words sorted, so that the file does not depend on hashing. */
    g_autoptr(GPtrArray) stop = g_ptr_array_new();
    if (tp_topic_model_stopwords(t->k->topics, stop) > 0) {
        g_ptr_array_sort(stop, cmp_str);
        g_string_append(out, "stopwords\t");
        for (guint i = 0; i < stop->len; i++)
            g_string_append_printf(out, "%s%s", i ? " " : "", (const char *)stop->pdata[i]);
        g_string_append_c(out, '\n');
    }
    for (guint k = 0; k < K; k++) {
        const Topic *tp = g_ptr_array_index(t->topics, k);
        g_string_append_printf(out, "topic\t%s\t%s\t%s", tp->key, tp->code ? tp->code : "-",
                               tp->label);
        if (tp->parent)
            g_string_append_printf(out, "\tparent=%s", tp->parent);
        g_string_append_c(out, '\n');
    }
    double mean = 0.0;
    for (guint k = 0; k < K; k++)
        mean += p->b[k] / K;
    for (guint k = 0; k < K; k++) {
        const Topic *tp = g_ptr_array_index(t->topics, k);
        g_string_append_printf(out, "bias\t%s\t", tp->key);
        append_weight(out, (p->b[k] - mean) / temp);
        g_string_append_c(out, '\n');
    }
    /* By name, so that the file reads (and diffs) alphabetically. */
    g_autofree guint32 *order = g_new(guint32, d->n_feats ? d->n_feats : 1);
    for (guint f = 0; f < d->n_feats; f++)
        order[f] = f;
    NameOrder no = {t->names, used_to_vocab};
    g_qsort_with_data(order, (gint)d->n_feats, sizeof(guint32), cmp_name, &no);
    GString *line = g_string_new(NULL);
    for (guint a = 0; a < d->n_feats; a++) {
        guint f = order[a];
        const float *wf = p->w + (gsize)f * K;
        g_string_truncate(line, 0);
        guint n_w = 0;
        for (guint k = 0; k < K; k++) {
            if (wf[k] == 0.0f)
                continue;
            double w = wf[k] / temp;
            const Topic *tp = g_ptr_array_index(t->topics, k);
            g_string_append_printf(line, "%s%s:", n_w ? " " : "", tp->key);
            append_weight(line, w);
            n_w++;
        }
        if (n_w == 0)
            continue;
        r->n_features_kept++;
        r->n_weights += n_w;
        g_string_append_printf(out, "feature\t%s\t%s\n",
                               (const char *)g_ptr_array_index(t->names, used_to_vocab[f]),
                               line->str);
    }
    g_string_free(line, TRUE);
    g_string_append(out, "# end\n");
}

gboolean tp_trainer_fit(TpTrainer *t, GString *out, TpTrainReport *report, GError **error) {
    g_return_val_if_fail(t != NULL && out != NULL, FALSE);
    TpTrainReport r = {.temperature = 1.0, .cv_accuracy = -1.0, .cv_log_loss = -1.0};
    guint N = tp_trainer_n_documents(t);
    if (N == 0) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "no training documents");
        return FALSE;
    }
    /* Features in at least min_count documents, renumbered in order of first sight. */
    guint V = t->names->len;
    g_autofree guint32 *remap = g_new(guint32, V ? V : 1);
    g_autofree guint32 *used_to_vocab = g_new(guint32, V ? V : 1);
    guint n_used = 0;
    for (guint f = 0; f < V; f++) {
        if (g_array_index(t->df, guint32, f) >= MAX(t->opt.min_count, 1)) {
            used_to_vocab[n_used] = f;
            remap[f] = n_used++;
        } else {
            remap[f] = G_MAXUINT32;
        }
    }
    g_autofree guint32 *feats = g_new(guint32, t->feat_ids->len ? t->feat_ids->len : 1);
    for (guint j = 0; j < t->feat_ids->len; j++)
        feats[j] = remap[g_array_index(t->feat_ids, guint32, j)];
    Data d = {
        .n_docs = N,
        .n_topics = t->topics->len,
        .n_feats = n_used,
        .feat_start = (const guint32 *)t->doc_feat_start->data,
        .feats = feats,
        .vals = (const float *)t->feat_vals->data,
        .label_start = (const guint32 *)t->doc_label_start->data,
        .labels = (const guint32 *)t->label_ids->data,
        .weights = (const double *)t->doc_weights->data,
        .one_of = t->opt.one_of,
    };
    r.n_documents = N;
    r.n_topics = d.n_topics;
    r.n_features_seen = V;
    r.n_features_used = n_used;

    if (t->opt.calibrate_folds >= 2 && N >= 2 * t->opt.calibrate_folds && d.n_topics > 1)
        r.temperature = calibrate(&d, &t->opt, &r);

    g_autofree guint32 *docs = g_new(guint32, N);
    for (guint i = 0; i < N; i++)
        docs[i] = i;
    Params p;
    params_init(&p, &d);
    fit(&d, &t->opt, docs, N, &p);
    write_model(t, &d, &p, used_to_vocab, r.temperature, out, &r);
    params_clear(&p);
    if (report)
        *report = r;
    return TRUE;
}

/* ---- the taxonomy file: KEY, CODE, LABEL and an optional parent=KEY ---- */

#define TAXONOMY_HEADER "# tagpipe-taxonomy 1"

static gboolean load_taxonomy(const char *path, GArray *topics, GStringChunk *strings,
                              GError **error) {
    g_auto(GStrv) lines = tp_read_lines(path, TAXONOMY_HEADER, error);
    if (lines == NULL)
        return FALSE;
    g_autoptr(GHashTable) keys = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 1; lines[i]; i++) {
        char *l = lines[i];
        gsize n = strlen(l);
        if (n && l[n - 1] == '\r')
            l[n - 1] = '\0';
        if (*l == '\0' || *l == '#')
            continue;
        g_auto(GStrv) cols = g_strsplit(l, "\t", -1);
        guint nc = g_strv_length(cols);
        const char *problem = NULL;
        if (nc != 3 && nc != 4)
            problem = "expected KEY, CODE, LABEL and an optional parent=KEY";
        else if (!*cols[0] || strchr(cols[0], ' ') || strchr(cols[0], ':'))
            problem = "a key is not empty and has no space or colon";
        else if (g_hash_table_contains(keys, cols[0]))
            problem = "key defined twice";
        else if (!*cols[2])
            problem = "empty label";
        else if (nc == 4 && (!g_str_has_prefix(cols[3], "parent=") ||
                             !g_hash_table_contains(keys, cols[3] + strlen("parent="))))
            problem = "the parent must be parent=KEY of a topic defined above";
        if (problem)
            return tp_set_error_at(error, TP_ERROR_PARSE, path, i + 1, "%s", problem);
        TpTrainTopic t = {
            .key = g_string_chunk_insert(strings, cols[0]),
            .code = strcmp(cols[1], "-") ? g_string_chunk_insert(strings, cols[1]) : NULL,
            .label = g_string_chunk_insert(strings, cols[2]),
            .parent = nc == 4 ? g_string_chunk_insert(strings, cols[3] + strlen("parent=")) : NULL,
        };
        g_hash_table_add(keys, (gpointer)t.key);
        g_array_append_val(topics, t);
    }
    return TRUE;
}

/* ---- the stop word file: one word per line ---- */

#define STOPWORDS_HEADER "# tagpipe-stopwords 1"

char **tp_train_read_stopwords(const char *path, const char *stemmer, GError **error) {
    g_return_val_if_fail(path != NULL && stemmer != NULL, NULL);
    g_auto(GStrv) lines = tp_read_lines(path, STOPWORDS_HEADER, error);
    if (lines == NULL)
        return NULL;
    g_autoptr(GString) form = g_string_new(NULL);
    GPtrArray *out = g_ptr_array_new();
    for (guint i = 1; lines[i]; i++) {
        char *l = g_strstrip(lines[i]);
        if (*l == '\0' || *l == '#')
            continue;
        if (!g_utf8_validate(l, -1, NULL) || strpbrk(l, " \t")) {
            tp_set_error_at(error, TP_ERROR_PARSE, path, i + 1, "not one word of UTF-8");
            g_ptr_array_add(out, NULL);
            g_strfreev((char **)g_ptr_array_free(out, FALSE));
            return NULL;
        }
        tp_topic_stem_input(stemmer, l, form);
        g_ptr_array_add(out, g_strdup(form->str));
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

gboolean tp_trainer_load_taxonomy(TpTrainer *trainer, const char *path, GError **error) {
    g_return_val_if_fail(trainer != NULL && path != NULL, FALSE);
    g_autoptr(GArray) topics = g_array_new(FALSE, FALSE, sizeof(TpTrainTopic));
    GStringChunk *strings = g_string_chunk_new(1024);
    gboolean ok = load_taxonomy(path, topics, strings, error);
    if (ok)
        tp_trainer_set_topics(trainer, (const TpTrainTopic *)topics->data, topics->len);
    g_string_chunk_free(strings);
    return ok;
}
