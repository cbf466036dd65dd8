/* SPDX-License-Identifier: MIT */
/* train_main.c: `tagpipe train`: fit a topic model from labelled JSON lines. */

#include "tagpipe.h"
#include "tagpipe-train.h"
#include "tp_build.h"
#include "train_main.h"
#include "cli_common.h"
#include "cli_input.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit statuses, as for tagging (main.c). */
enum {
    EXIT_OK = 0,
    EXIT_DATA = 1,  /* a training or dev line could not be used */
    EXIT_USAGE = 2, /* bad command line */
    EXIT_LOAD = 3,  /* gazetteers or the taxonomy failed to load */
    EXIT_WRITE = 4, /* the model could not be written */
};

/* ---- options: the one place each tunable is defined ---- */

static char *opt_label_field = NULL;
static char **opt_fields = NULL;
static char *opt_weight_field = NULL;
static char *opt_dev = NULL;
static char *opt_output = NULL;
static char *opt_taxonomy = NULL;
static char *opt_stemmer = NULL;
static int opt_epochs = -1;
static double opt_learning_rate = -1.0;
static double opt_l2 = -1.0;
static int opt_min_count = -1;
static gint64 opt_seed = 1;
static int opt_folds = -1;
static int opt_average = -1;
static double opt_prune = -1.0;
static gboolean opt_one_of = FALSE;
static char *opt_gazetteer_dir = NULL;
static char *opt_models_dir = NULL;
static char **opt_gazetteer_files = NULL;
static char **opt_comments = NULL;
static char *opt_stopwords = NULL;
static char **opt_exclude = NULL;
static gboolean opt_quiet = FALSE;
static char **opt_inputs = NULL;

/* Help texts fit 80 columns; tagpipe-train(1) says more. */
static const GOptionEntry option_entries[] = {
    {"label-field", 'l', 0, G_OPTION_ARG_STRING, &opt_label_field,
     "Labels: a string or strings (default: label)", "NAME"},
    {"field", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &opt_fields,
     "Learn from NAME (a.b: nested; default text)", "NAME"},
    {"one-of", 0, 0, G_OPTION_ARG_NONE, &opt_one_of, "A line's labels are alternatives", NULL},
    {"weight-field", 0, 0, G_OPTION_ARG_STRING, &opt_weight_field,
     "A line's weight (default: 1 for every line)", "NAME"},
    {"dev", 0, 0, G_OPTION_ARG_FILENAME, &opt_dev, "Print the top-1 accuracy on FILE", "FILE"},
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
     "Write the model to FILE (required; - : stdout)", "FILE"},
    {"taxonomy", 0, 0, G_OPTION_ARG_FILENAME, &opt_taxonomy,
     "Topic names (code, label, parent) from FILE", "FILE"},
    {"epochs", 0, 0, G_OPTION_ARG_INT, &opt_epochs, "Passes over the lines (default 10)", "N"},
    {"lr", 0, 0, G_OPTION_ARG_DOUBLE, &opt_learning_rate, "AdaGrad learning rate (default 0.2)",
     "X"},
    {"l2", 0, 0, G_OPTION_ARG_DOUBLE, &opt_l2, "L2 penalty per line (default 3e-6)", "X"},
    {"min-count", 0, 0, G_OPTION_ARG_INT, &opt_min_count,
     "Features of at least N lines (default 2)", "N"},
    {"seed", 0, 0, G_OPTION_ARG_INT64, &opt_seed, "Line order and folds' seed (default 1)", "N"},
    {"average", 0, 0, G_OPTION_ARG_INT, &opt_average,
     "Average N fits, seeds SEED to SEED+N-1 (default 1)", "N"},
    {"calibrate-folds", 0, 0, G_OPTION_ARG_INT, &opt_folds,
     "Calibrate on N folds; 0: do not (default 5)", "N"},
    {"prune", 0, 0, G_OPTION_ARG_DOUBLE, &opt_prune, "Leave out weights below X (default 0.005)",
     "X"},
    {"stemmer", 0, 0, G_OPTION_ARG_STRING, &opt_stemmer,
     "Snowball stemmer language (default english)", "LANG"},
    {"stopwords", 0, 0, G_OPTION_ARG_FILENAME, &opt_stopwords,
     "Leave the words of FILE out of the features", "FILE"},
    {"exclude", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_exclude,
     "Leave out features starting PREFIX (w: b: e: k: i:)", "PREFIX"},
    {"gazetteers", 0, 0, G_OPTION_ARG_FILENAME, &opt_gazetteer_dir,
     "Entity cues from DIR (default: the shipped ones)", "DIR"},
    {"models", 0, 0, G_OPTION_ARG_FILENAME, &opt_models_dir,
     "Name cues from DIR/cues.tsv (default: shipped)", "DIR"},
    {"gazetteer", 'g', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_gazetteer_files,
     "Also load FILE (repeatable; when tagging too)", "FILE"},
    {"comment", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_comments,
     "A comment line in the model file (repeatable)", "TEXT"},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, "Print nothing but errors", NULL},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_inputs, NULL, "FILE..."},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

static const char summary[] =
    "Fit a topic model from labelled JSON lines (one object per line, its text in\n"
    "\"text\" and its labels in \"label\", or the members named by the options)\n"
    "and write it as a model file that tagpipe --models loads.\n"
    "\n"
    "  tagpipe train -l gold -o my/topics.model --dev dev.jsonl train.jsonl\n"
    "  tagpipe --models my < news.jsonl";

static const char description[] =
    "The model is a multinomial logistic regression over the stemmed words, word\n"
    "bigrams and gazetteer entity cues that tagging computes; its scores are\n"
    "calibrated on held-out folds of the training lines. The same input and seed\n"
    "give the same model file, byte for byte.\n"
    "\n"
    "Exit status:\n"
    "  0  the model was written\n"
    "  1  a training or dev line could not be used (reported on stderr)\n"
    "  2  usage error\n"
    "  3  the gazetteers or the taxonomy could not be loaded\n"
    "  4  the model could not be written\n";

static double seconds_since(gint64 t0) {
    return (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
}

/* ---- reading labelled lines ---- */

/* One labelled line: its texts and labels, borrowed from `root`. */
typedef struct {
    json_t *root;
    GPtrArray *texts;  /* const char *, NULL-terminated */
    GPtrArray *labels; /* const char *, NULL-terminated */
    double weight;
} Example;

/* Read the example on `line`; FALSE with a message in `problem` if unusable,
 * or FALSE with no problem for a blank line. */
static gboolean read_example(const char *line, gsize len, const char *const *fields,
                             gboolean need_labels, Example *ex, char **problem) {
    *problem = NULL;
    gsize k = 0;
    while (k < len && g_ascii_isspace(line[k]))
        k++;
    if (k == len)
        return FALSE;
    /* A member given twice would be a label or text read either way. */
    ex->root = cli_json_object(line, len, JSON_REJECT_DUPLICATES, problem);
    if (ex->root == NULL)
        return FALSE;
    for (guint f = 0; fields[f]; f++) {
        json_t *v = tp_json_path(ex->root, fields[f]);
        if (v == NULL || json_is_null(v))
            continue;
        if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
            *problem = g_strdup_printf("field \"%s\" is not a string without NUL", fields[f]);
            return FALSE;
        }
        g_ptr_array_add(ex->texts, (gpointer)json_string_value(v));
    }
    g_ptr_array_add(ex->texts, NULL);
    json_t *lv = tp_json_path(ex->root, opt_label_field);
    if (json_is_string(lv)) {
        g_ptr_array_add(ex->labels, (gpointer)json_string_value(lv));
    } else if (json_is_array(lv)) {
        for (gsize i = 0; i < json_array_size(lv); i++) {
            json_t *e = json_array_get(lv, i);
            if (!json_is_string(e)) {
                *problem =
                    g_strdup_printf("label field \"%s\" holds a non-string", opt_label_field);
                return FALSE;
            }
            g_ptr_array_add(ex->labels, (gpointer)json_string_value(e));
        }
    }
    if (need_labels && ex->labels->len == 0) {
        *problem = g_strdup_printf("no label in \"%s\" (name the member holding the labels "
                                   "with --label-field NAME)",
                                   opt_label_field);
        return FALSE;
    }
    g_ptr_array_add(ex->labels, NULL);
    ex->weight = 1.0;
    if (opt_weight_field) {
        json_t *wv = tp_json_path(ex->root, opt_weight_field);
        if (wv && !json_is_number(wv)) {
            *problem = g_strdup_printf("weight field \"%s\" is not a number", opt_weight_field);
            return FALSE;
        }
        if (wv)
            ex->weight = json_number_value(wv);
    }
    return TRUE;
}

typedef gboolean (*ExampleFunc)(const Example *ex, gpointer data, GError **error);

/* The longest training line read (a whole article is a few KB). */
#define TRAIN_MAX_LINE ((gsize)1 << 30)

/* Call `fn` on each labelled line of `path`; on a bad line print FILE:LINE:
 * problem and return FALSE. */
static gboolean read_examples(const char *path, const char *const *fields, ExampleFunc fn,
                              gpointer data) {
    g_autoptr(GError) io = NULL;
    CliInput *in = cli_input_open(path, TRAIN_MAX_LINE, &io);
    if (in == NULL) {
        fprintf(stderr, "tagpipe train: %s: %s\n", path, io->message);
        return FALSE;
    }
    guint64 lineno = 0;
    gboolean ok = TRUE;
    Example ex = {.texts = g_ptr_array_new(), .labels = g_ptr_array_new()};
    while (ok) {
        const char *line;
        gsize len;
        CliRead r = cli_input_read_line(in, &line, &len, &io);
        if (r == CLI_READ_INTERRUPTED)
            continue;
        if (r == CLI_READ_EOF)
            break;
        if (r == CLI_READ_ERROR) {
            fprintf(stderr, "tagpipe train: %s: %s\n", path, io->message);
            ok = FALSE;
            break;
        }
        lineno++;
        g_ptr_array_set_size(ex.texts, 0);
        g_ptr_array_set_size(ex.labels, 0);
        ex.root = NULL;
        g_autofree char *problem = NULL;
        g_autoptr(GError) error = NULL;
        if (line == NULL)
            problem = g_strdup_printf("line of %" G_GSIZE_FORMAT " bytes is too long", len);
        else if (read_example(line, len, fields, TRUE, &ex, &problem)) {
            if (!fn(&ex, data, &error))
                problem = g_strdup(error->message);
        }
        if (problem) {
            fprintf(stderr, "tagpipe train: %s:%" G_GUINT64_FORMAT ": %s\n", path, lineno, problem);
            ok = FALSE;
        }
        json_decref(ex.root);
    }
    g_ptr_array_free(ex.texts, TRUE);
    g_ptr_array_free(ex.labels, TRUE);
    cli_input_free(in);
    return ok;
}

static gboolean add_example(const Example *ex, gpointer data, GError **error) {
    return tp_trainer_add(data, (const char *const *)ex->texts->pdata,
                          (const char *const *)ex->labels->pdata, ex->weight, error);
}

/* ---- the dev file, tagged as tagpipe tags it ---- */

#define N_BINS 10

typedef struct {
    TpTagger *tagger;
    GHashTable *key_of_label; /* label -> key, borrowed from the model */
    guint n, right;
    guint bin_n[N_BINS], bin_right[N_BINS];
    double bin_score[N_BINS];
} Dev;

static gboolean dev_example(const Example *ex, gpointer data, GError **error) {
    Dev *dev = data;
    tp_tagger_reset(dev->tagger);
    for (guint i = 0; i < ex->texts->len - 1; i++) {
        const TpEntity *es;
        gsize n;
        if (!tp_tagger_tag_text(dev->tagger, g_ptr_array_index(ex->texts, i), -1, &es, &n, error))
            return FALSE;
    }
    gsize n_topics = 0;
    const TpTopic *ts = tp_tagger_topics(dev->tagger, 0.0, 1, &n_topics);
    gboolean right = FALSE;
    double score = 0.0;
    if (n_topics > 0) {
        const char *key = g_hash_table_lookup(dev->key_of_label, ts[0].label);
        score = ts[0].score;
        for (guint i = 0; i < ex->labels->len - 1; i++) {
            const char *gold = g_ptr_array_index(ex->labels, i);
            right = right || strcmp(gold, key) == 0 || strcmp(gold, ts[0].label) == 0;
        }
    }
    int bin = MIN((int)(score * N_BINS), N_BINS - 1);
    dev->n++;
    dev->right += right;
    dev->bin_n[bin]++;
    dev->bin_right[bin] += right;
    dev->bin_score[bin] += score;
    return TRUE;
}

static int run_dev(TpKnowledge *k, const char *const *fields) {
    g_autoptr(GError) error = NULL;
    if (!tp_knowledge_load_topic_model(k, opt_output, &error)) {
        fprintf(stderr, "tagpipe train: %s\n", error->message);
        return EXIT_LOAD;
    }
    Dev dev = {.key_of_label = g_hash_table_new(g_str_hash, g_str_equal)};
    for (guint i = 0; i < tp_knowledge_n_topics(k); i++) {
        const char *label;
        const char *key = tp_knowledge_topic(k, i, &label);
        g_hash_table_insert(dev.key_of_label, (gpointer)label, (gpointer)key);
    }
    dev.tagger = tp_tagger_new(k, &error);
    if (dev.tagger == NULL) {
        fprintf(stderr, "tagpipe train: %s\n", error->message);
        g_hash_table_destroy(dev.key_of_label);
        return EXIT_LOAD;
    }
    gint64 t0 = g_get_monotonic_time();
    gboolean ok = read_examples(opt_dev, fields, dev_example, &dev);
    double secs = seconds_since(t0);
    tp_tagger_free(dev.tagger);
    g_hash_table_destroy(dev.key_of_label);
    if (!ok)
        return EXIT_DATA;
    if (!opt_quiet) {
        printf("dev: %s: %u lines, accuracy %.1f%% (%u right), tagged in %.2f s\n", opt_dev, dev.n,
               dev.n ? 100.0 * dev.right / dev.n : 0.0, dev.right, secs);
        printf("dev reliability of the top topic:\n  score      lines  mean score  right\n");
        double ece = 0.0;
        for (int b = 0; b < N_BINS; b++) {
            if (dev.bin_n[b] == 0)
                continue;
            double mean = dev.bin_score[b] / dev.bin_n[b];
            double acc = (double)dev.bin_right[b] / dev.bin_n[b];
            ece += dev.bin_n[b] * fabs(mean - acc) / dev.n;
            printf("  %.1f-%.1f  %6u  %10.3f  %5.3f\n", (double)b / N_BINS,
                   (double)(b + 1) / N_BINS, dev.bin_n[b], mean, acc);
        }
        printf("  expected calibration error %.3f\n", ece);
    }
    return EXIT_OK;
}

/* ---- the command ---- */

/* The folder that will hold `path`, created if missing and checked before
 * the (slow) loading and training, so that a wrong -o fails at once. */
static gboolean prepare_output(const char *path, GError **error) {
    if (strcmp(path, "-") == 0)
        return TRUE;
    g_autofree char *dir = g_path_get_dirname(path);
    if (g_mkdir_with_parents(dir, 0777) != 0) {
        int e = errno;
        g_set_error(error, TP_ERROR, TP_ERROR_IO, "cannot create the folder '%s' for --output: %s",
                    dir, g_strerror(e));
        return FALSE;
    }
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, TP_ERROR, TP_ERROR_IO,
                    "--output '%s' is a folder: name the model file, e.g. %s/topics.model", path,
                    path);
        return FALSE;
    }
    if (g_access(dir, W_OK) != 0) {
        int e = errno;
        g_set_error(error, TP_ERROR, TP_ERROR_IO, "cannot write in '%s' for --output: %s", dir,
                    g_strerror(e));
        return FALSE;
    }
    return TRUE;
}

static gboolean write_file(const char *path, const GString *s, GError **error) {
    if (strcmp(path, "-") == 0) {
        /* `-o -`: the model on standard output (the reports go to stderr). */
        if (fwrite(s->str, 1, s->len, stdout) != s->len || fflush(stdout) != 0) {
            g_set_error(error, TP_ERROR, TP_ERROR_IO, "write error: %s", g_strerror(errno));
            return FALSE;
        }
        return TRUE;
    }
    /* g_file_set_contents writes a temporary file and renames it: a reader
     * never sees half a model. */
    GError *io = NULL;
    if (!g_file_set_contents(path, s->str, (gssize)s->len, &io)) {
        g_set_error(error, TP_ERROR, TP_ERROR_IO, "%s", io->message);
        g_error_free(io);
        return FALSE;
    }
    return TRUE;
}

int train_main(int argc, char **argv) {
    cli_parse_options("tagpipe train", &argc, &argv, option_entries, summary, description);
    g_autoptr(GError) error = NULL;

    TpTrainOptions o;
    tp_train_options_init(&o);
    if (opt_inputs == NULL || opt_inputs[0] == NULL)
        cli_usage_error("no training FILE");
    if (opt_output == NULL)
        cli_usage_error("--output FILE is required");
    if (strcmp(opt_output, "-") == 0 && opt_dev)
        cli_usage_error("--dev needs --output FILE (the model is read back from it)");
    if (opt_epochs != -1 && (opt_epochs < 1 || opt_epochs > 10000))
        cli_usage_error("--epochs must be between 1 and 10000");
    if (opt_learning_rate != -1.0 && !(opt_learning_rate > 0.0 && opt_learning_rate <= 100.0))
        cli_usage_error("--lr must be above 0 and at most 100");
    if (opt_l2 != -1.0 && !(opt_l2 >= 0.0 && opt_l2 <= 100.0))
        cli_usage_error("--l2 must be between 0 and 100");
    if (opt_min_count != -1 && opt_min_count < 1)
        cli_usage_error("--min-count must be at least 1");
    if (opt_folds != -1 && (opt_folds == 1 || opt_folds < 0 || opt_folds > 100))
        cli_usage_error("--calibrate-folds must be 0 or between 2 and 100");
    if (opt_average != -1 && (opt_average < 1 || opt_average > 100))
        cli_usage_error("--average must be between 1 and 100");
    if (opt_prune != -1.0 && !(opt_prune >= 0.0 && opt_prune < 100.0))
        cli_usage_error("--prune must be between 0 and 100");
    if (opt_seed < 0)
        cli_usage_error("--seed must not be negative");
    if (opt_label_field == NULL)
        opt_label_field = g_strdup("label");
    if (*opt_label_field == '\0')
        cli_usage_error("--label-field needs a name");
    for (guint i = 0; opt_fields && opt_fields[i]; i++)
        if (*opt_fields[i] == '\0')
            cli_usage_error("--field needs a name");
    for (guint i = 0; opt_comments && opt_comments[i]; i++)
        if (strpbrk(opt_comments[i], "\r\n"))
            cli_usage_error("--comment must be one line");
    if (opt_epochs != -1)
        o.epochs = (guint)opt_epochs;
    if (opt_learning_rate != -1.0)
        o.learning_rate = opt_learning_rate;
    if (opt_l2 != -1.0)
        o.l2 = opt_l2;
    if (opt_min_count != -1)
        o.min_count = (guint)opt_min_count;
    if (opt_folds != -1)
        o.calibrate_folds = (guint)opt_folds;
    if (opt_prune != -1.0)
        o.prune = opt_prune;
    if (opt_average != -1)
        o.average = (guint)opt_average;
    if (opt_stemmer)
        o.stemmer = opt_stemmer;
    o.seed = (guint64)opt_seed;
    o.exclude = (const char *const *)opt_exclude;
    o.one_of = opt_one_of;
    static const char *const default_fields[] = {"text", NULL};
    const char *const *fields =
        opt_fields && opt_fields[0] ? (const char *const *)opt_fields : default_fields;

    if (!prepare_output(opt_output, &error)) {
        fprintf(stderr, "tagpipe train: %s\n", error->message);
        return EXIT_WRITE;
    }

    /* Entity cues come from the same gazetteers and name cues as when tagging. */
    gint64 t_start = g_get_monotonic_time();
    TpKnowledge *k = tp_knowledge_new();
    g_autofree char *gdir =
        opt_gazetteer_dir ? g_strdup(opt_gazetteer_dir) : cli_data_dir("gazetteers");
    gboolean ok = tp_knowledge_load_dir(k, gdir, &error);
    for (guint i = 0; ok && opt_gazetteer_files && opt_gazetteer_files[i]; i++)
        ok = tp_knowledge_load_file(k, opt_gazetteer_files[i], &error);
    g_autofree char *mdir = opt_models_dir ? g_strdup(opt_models_dir) : cli_data_dir("models");
    g_autofree char *cues = g_build_filename(mdir, "cues.tsv", NULL);
    if (ok)
        ok = tp_knowledge_load_cues(k, cues, &error);
    /* The entity model too, by the rule tagging follows: entity cues are
     * features, and a model trained on other cues than tagging gives loses. */
    g_autofree char *entities = cli_entity_model_path(opt_gazetteer_dir, opt_models_dir);
    if (ok && entities)
        ok = tp_knowledge_load_entity_model(k, entities, &error);
    g_auto(GStrv) stopwords = NULL;
    if (ok && opt_stopwords) {
        stopwords = tp_train_read_stopwords(opt_stopwords, o.stemmer, &error);
        ok = stopwords != NULL;
        o.stopwords = (const char *const *)stopwords;
    }
    if (!ok) {
        fprintf(stderr, "tagpipe train: %s\n", error->message);
        tp_knowledge_free(k);
        return EXIT_LOAD;
    }
    double t_load = seconds_since(t_start);

    TpTrainer *trainer = tp_trainer_new(k, &o, &error);
    if (trainer == NULL) {
        fprintf(stderr, "tagpipe train: %s\n", error->message);
        tp_knowledge_free(k);
        return EXIT_USAGE;
    }
    if (opt_taxonomy && !tp_trainer_load_taxonomy(trainer, opt_taxonomy, &error)) {
        fprintf(stderr, "tagpipe train: %s\n", error->message);
        tp_trainer_free(trainer);
        tp_knowledge_free(k);
        return EXIT_LOAD;
    }

    /* Read and tag the training lines. */
    gint64 t0 = g_get_monotonic_time();
    for (guint i = 0; ok && opt_inputs[i]; i++)
        ok = read_examples(opt_inputs[i], fields, add_example, trainer);
    if (!ok) {
        tp_trainer_free(trainer);
        tp_knowledge_free(k);
        return EXIT_DATA;
    }
    double t_tag = seconds_since(t0);

    /* Fit and write. */
    t0 = g_get_monotonic_time();
    g_autoptr(GString) model = g_string_new(NULL);
    TpTrainReport r;
    ok = tp_trainer_fit(trainer, model, &r, &error);
    double t_fit = seconds_since(t0);
    tp_trainer_free(trainer);
    if (!ok) {
        fprintf(stderr, "tagpipe train: %s\n", error->message);
        tp_knowledge_free(k);
        return EXIT_DATA;
    }
    /* The user's comments go right after the header line. */
    gsize at = (gsize)(strchr(model->str, '\n') - model->str) + 1;
    for (guint i = 0; opt_comments && opt_comments[i]; i++) {
        g_autofree char *c = g_strdup_printf("# %s\n", opt_comments[i]);
        g_string_insert(model, (gssize)at, c);
        at += strlen(c);
    }
    if (!write_file(opt_output, model, &error)) {
        fprintf(stderr, "tagpipe train: %s\n", error->message);
        tp_knowledge_free(k);
        return EXIT_WRITE;
    }
    double t_total = seconds_since(t_start);
    FILE *info = strcmp(opt_output, "-") == 0 ? stderr : stdout;
    if (!opt_quiet) {
        fprintf(info,
                "training: %u lines, %u topics; features: %u seen, %u in at least %u lines, %u in "
                "the model with %u weights\n",
                r.n_documents, r.n_topics, r.n_features_seen, r.n_features_used, o.min_count,
                r.n_features_kept, r.n_weights);
        if (r.cv_accuracy >= 0)
            fprintf(info,
                    "calibration: %u-fold accuracy %.1f%%, temperature %.3f, held-out log-loss "
                    "%.3f\n",
                    o.calibrate_folds, 100.0 * r.cv_accuracy, r.temperature, r.cv_log_loss);
        fprintf(info, "model: %s (%" G_GSIZE_FORMAT " bytes)\n", opt_output, model->len);
        fprintf(info,
                "train time: %.2f s (loading gazetteers %.2f s, tagging %.2f s, fitting %.2f s)\n",
                t_total, t_load, t_tag, t_fit);
        fflush(info);
    }

    int status = EXIT_OK;
    if (opt_dev)
        status = run_dev(k, fields);
    tp_knowledge_free(k);
    return cli_close_stdout(0) ? status : EXIT_WRITE;
}
