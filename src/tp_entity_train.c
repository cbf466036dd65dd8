/* SPDX-License-Identifier: MIT */
/* tp_entity_train.c: fit the entity model (an averaged multi-class perceptron, as in
 * Collins 2002 and crfsuite's `ap` trainer) on candidates labelled from gold spans. */

#include "tp_candidates.h"

#include <math.h>
#include <string.h>

typedef struct {
    guint32 off; /* into `feats` */
    guint32 n;
    guint32 gold;
} Example;

struct TpEntityTrainer {
    TpEntityTrainOptions options;
    GHashTable *ids;  /* feature name -> id + 1 */
    GPtrArray *names; /* id -> name (owned) */
    GArray *feats;    /* guint32 feature ids of all examples */
    GArray *examples; /* Example */
};

TpEntityTrainer *tp_entity_trainer_new(const TpEntityTrainOptions *options) {
    TpEntityTrainer *t = g_new0(TpEntityTrainer, 1);
    t->options = *options;
    t->ids = g_hash_table_new(g_str_hash, g_str_equal);
    t->names = g_ptr_array_new_with_free_func(g_free);
    t->feats = g_array_new(FALSE, FALSE, sizeof(guint32));
    t->examples = g_array_new(FALSE, FALSE, sizeof(Example));
    return t;
}

void tp_entity_trainer_free(TpEntityTrainer *trainer) {
    if (trainer == NULL)
        return;
    g_hash_table_destroy(trainer->ids);
    g_ptr_array_free(trainer->names, TRUE);
    g_array_free(trainer->feats, TRUE);
    g_array_free(trainer->examples, TRUE);
    g_free(trainer);
}

void tp_entity_trainer_add(TpEntityTrainer *trainer, const char *features, guint n, TpClass gold) {
    Example ex = {trainer->feats->len, n, gold};
    const char *p = features;
    for (guint i = 0; i < n; i++) {
        guint32 id = GPOINTER_TO_UINT(g_hash_table_lookup(trainer->ids, p));
        if (id == 0) {
            char *name = g_strdup(p);
            g_ptr_array_add(trainer->names, name);
            id = trainer->names->len;
            g_hash_table_insert(trainer->ids, name, GUINT_TO_POINTER(id));
        }
        id--;
        g_array_append_val(trainer->feats, id);
        p += strlen(p) + 1;
    }
    g_array_append_val(trainer->examples, ex);
}

/* The classes a feature may vote for. What a gazetteer says of a reading of
 * class C ("gaz=C", "gaz=C|kind=...") supports or weakens that reading
 * only: it moves C against none, never another class, so that a data set's
 * convention for a kind (CoNLL marks the White House a place) cannot turn
 * the gazetteer's organization into a place; context features may. */
static guint32 allowed_classes(const char *name) {
    if (!g_str_has_prefix(name, "gaz="))
        return (1u << TP_CLASS_N) - 1;
    for (guint k = 1; k < TP_CLASS_N; k++) {
        const char *cn = tp_class_name((TpClass)k);
        gsize len = strlen(cn);
        if (strncmp(name + 4, cn, len) == 0 && (name[4 + len] == '\0' || name[4 + len] == '|'))
            return (1u << TP_CLASS_NONE) | (1u << k);
    }
    return (1u << TP_CLASS_N) - 1;
}

guint tp_entity_trainer_n_examples(const TpEntityTrainer *trainer) {
    return trainer->examples->len;
}

/* splitmix64 (Steele, Lea and Flood 2014): the same sequence on every platform. */
static guint64 next_random(guint64 *state) {
    guint64 z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static guint predict(const double *w, const guint32 *f, guint n) {
    double s[TP_CLASS_N] = {0};
    for (guint i = 0; i < n; i++)
        for (int k = 0; k < TP_CLASS_N; k++)
            s[k] += w[(gsize)f[i] * TP_CLASS_N + k];
    guint best = 0;
    for (guint k = 1; k < TP_CLASS_N; k++)
        if (s[k] > s[best])
            best = k;
    return best;
}

typedef struct {
    const char *name;
    guint32 id;
} Named;

static int cmp_named(gconstpointer a, gconstpointer b) {
    return strcmp(((const Named *)a)->name, ((const Named *)b)->name);
}

static int cmp_double(gconstpointer a, gconstpointer b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Weights are written with three decimals; the averaged weights are rounded
 * the same way before the scale is computed, so the file is the model. */
static double round3(double v) {
    double r = floor(v * 1000.0 + 0.5) / 1000.0;
    return r == 0.0 ? 0.0 : r; /* no "-0.000" */
}

void tp_entity_trainer_fit(TpEntityTrainer *trainer, const char *const *provenance, GString *out) {
    guint nf = trainer->names->len, ne = trainer->examples->len;
    g_autofree double *w = g_new0(double, (gsize)nf *TP_CLASS_N + 1);
    g_autofree double *u = g_new0(double, (gsize)nf *TP_CLASS_N + 1);
    g_autofree guint *order = g_new(guint, ne + 1);
    for (guint i = 0; i < ne; i++)
        order[i] = i;
    guint64 rng = trainer->options.seed;
    double step = 1.0;
    const guint32 *fs = (const guint32 *)trainer->feats->data;
    g_autofree guint32 *allowed = g_new(guint32, nf + 1);
    for (guint i = 0; i < nf; i++)
        allowed[i] = allowed_classes(g_ptr_array_index(trainer->names, i));
    gboolean logistic = trainer->options.algorithm == TP_ENTITY_TRAIN_LOGISTIC;
    double lr = trainer->options.learning_rate, l2 = trainer->options.l2;
    for (guint epoch = 0; epoch < trainer->options.epochs; epoch++) {
        for (guint i = ne; i > 1; i--) {
            guint j = (guint)(next_random(&rng) % i);
            guint tmp = order[i - 1];
            order[i - 1] = order[j];
            order[j] = tmp;
        }
        for (guint i = 0; i < ne; i++) {
            const Example *ex = &g_array_index(trainer->examples, Example, order[i]);
            const guint32 *f = fs + ex->off;
            if (logistic) {
                /* One step of AdaGrad on the log-loss of the softmax (u holds
                 * the squared gradients). */
                double sc[TP_CLASS_N] = {0}, mx = -G_MAXDOUBLE, z = 0;
                for (guint j = 0; j < ex->n; j++)
                    for (int k = 0; k < TP_CLASS_N; k++)
                        sc[k] += w[(gsize)f[j] * TP_CLASS_N + k];
                for (int k = 0; k < TP_CLASS_N; k++)
                    mx = MAX(mx, sc[k]);
                for (int k = 0; k < TP_CLASS_N; k++)
                    z += (sc[k] = exp(sc[k] - mx));
                for (guint j = 0; j < ex->n; j++) {
                    gsize base = (gsize)f[j] * TP_CLASS_N;
                    for (guint k = 0; k < TP_CLASS_N; k++) {
                        if (!(allowed[f[j]] & (1u << k)))
                            continue;
                        double g = sc[k] / z - (k == ex->gold) + l2 * w[base + k];
                        u[base + k] += g * g;
                        w[base + k] -= lr * g / sqrt(u[base + k] + 1e-8);
                    }
                }
                continue;
            }
            guint pred = predict(w, f, ex->n);
            if (pred != ex->gold) {
                for (guint j = 0; j < ex->n; j++) {
                    gsize base = (gsize)f[j] * TP_CLASS_N;
                    if (allowed[f[j]] & (1u << ex->gold)) {
                        w[base + ex->gold] += 1.0;
                        u[base + ex->gold] += step;
                    }
                    if (allowed[f[j]] & (1u << pred)) {
                        w[base + pred] -= 1.0;
                        u[base + pred] -= step;
                    }
                }
            }
            step += 1.0;
        }
    }
    /* The perceptron's average of the weights over all steps: w - u / step. */
    for (gsize i = 0; i < (gsize)nf * TP_CLASS_N; i++)
        w[i] = round3(logistic ? w[i] : w[i] - u[i] / step);

    /* The confidence scale: half the median margin of the gold names. */
    g_autoptr(GArray) margins = g_array_new(FALSE, FALSE, sizeof(double));
    for (guint i = 0; i < ne; i++) {
        const Example *ex = &g_array_index(trainer->examples, Example, i);
        if (ex->gold == TP_CLASS_NONE)
            continue;
        double s[TP_CLASS_N] = {0};
        for (guint j = 0; j < ex->n; j++)
            for (int k = 0; k < TP_CLASS_N; k++)
                s[k] += w[(gsize)fs[ex->off + j] * TP_CLASS_N + k];
        double m = s[ex->gold] - s[TP_CLASS_NONE];
        g_array_append_val(margins, m);
    }
    g_array_sort(margins, cmp_double);
    double scale = margins->len ? g_array_index(margins, double, margins->len / 2) / 2.0 : 1.0;
    if (!(scale > 0.01))
        scale = 1.0;
    /* A logistic model's margin is already the log-odds of the class against none. */
    if (logistic)
        scale = 1.0;

    g_autoptr(GArray) named = g_array_new(FALSE, FALSE, sizeof(Named));
    for (guint i = 0; i < nf; i++) {
        gboolean any = FALSE;
        for (int k = 0; k < TP_CLASS_N; k++)
            any |= w[(gsize)i * TP_CLASS_N + k] != 0.0;
        if (any) {
            Named x = {g_ptr_array_index(trainer->names, i), i};
            g_array_append_val(named, x);
        }
    }
    g_array_sort(named, cmp_named);

    char num[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append(out, "# tagpipe-entities 1\n");
    for (guint i = 0; provenance && provenance[i]; i++)
        g_string_append_printf(out, "# %s\n", provenance[i]);
    g_string_append(out, "# One line per feature: w, the feature, its weights for the classes.\n");
    g_string_append(out, "version\t1\n");
    g_string_append(out, "classes\tnone\tperson\tplace\torganization\n");
    g_string_append_printf(out, "trainer\t%s\n", logistic ? "logistic" : "perceptron");
    if (logistic) {
        g_string_append_printf(out, "learning-rate\t%s\n",
                               g_ascii_formatd(num, sizeof num, "%g", lr));
        g_string_append_printf(out, "l2\t%s\n", g_ascii_formatd(num, sizeof num, "%g", l2));
    }
    g_string_append_printf(out, "epochs\t%u\n", trainer->options.epochs);
    g_string_append_printf(out, "seed\t%" G_GUINT64_FORMAT "\n", trainer->options.seed);
    g_string_append_printf(out, "examples\t%u\n", ne);
    g_string_append_printf(out, "scale\t%s\n", g_ascii_formatd(num, sizeof num, "%.3f", scale));
    g_string_append_printf(out, "features\t%u\n", named->len);
    for (guint i = 0; i < named->len; i++) {
        const Named *x = &g_array_index(named, Named, i);
        g_string_append_printf(out, "w\t%s", x->name);
        for (int k = 0; k < TP_CLASS_N; k++)
            g_string_append_printf(
                out, "\t%s",
                g_ascii_formatd(num, sizeof num, "%.3f", w[(gsize)x->id * TP_CLASS_N + k]));
        g_string_append_c(out, '\n');
    }
}
