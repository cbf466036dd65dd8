/* SPDX-License-Identifier: MIT */
/* train_entities_main.c: `tagpipe train-entities`: fit the entity model from gold spans. */

#include "tp_candidates.h"
#include "tp_build.h"
#include "train_main.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* Exit statuses, as for tagging (main.c). */
enum {
    EXIT_OK = 0,
    EXIT_DATA = 1,
    EXIT_USAGE = 2,
    EXIT_LOAD = 3,
    EXIT_WRITE = 4,
};

/* ---- options: the one place each tunable is defined ---- */

static char *opt_output = NULL;
static int opt_epochs = 10;
static char *opt_algorithm = NULL;
static double opt_learning_rate = 0.1;
static double opt_l2 = 1e-4;
static gint64 opt_seed = 1;
static char *opt_gazetteer_dir = NULL;
static gboolean opt_quiet = FALSE;
static gboolean opt_dump = FALSE;
static char **opt_inputs = NULL;

static const GOptionEntry option_entries[] = {
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
     "Write the model to FILE (required; - for standard output)", "FILE"},
    {"epochs", 0, 0, G_OPTION_ARG_INT, &opt_epochs, "Passes over the candidates (default 10)", "N"},
    {"trainer", 0, 0, G_OPTION_ARG_STRING, &opt_algorithm,
     "logistic (regression, AdaGrad; the default) or perceptron (averaged)", "NAME"},
    {"lr", 0, 0, G_OPTION_ARG_DOUBLE, &opt_learning_rate,
     "Logistic: AdaGrad step size (default 0.1)", "X"},
    {"l2", 0, 0, G_OPTION_ARG_DOUBLE, &opt_l2,
     "Logistic: L2 penalty per feature occurrence (default 1e-4)", "X"},
    {"seed", 0, 0, G_OPTION_ARG_INT64, &opt_seed,
     "Seed of the order in which candidates are visited (default 1)", "N"},
    {"gazetteers", 'g', 0, G_OPTION_ARG_FILENAME, &opt_gazetteer_dir,
     "Find candidates with the gazetteers of DIR (default: the shipped ones)", "DIR"},
    {"dump", 0, 0, G_OPTION_ARG_NONE, &opt_dump,
     "Print each candidate (span, gold class, features) to standard output, fit nothing", NULL},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, "Print no report on standard error", NULL},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_inputs, NULL, "FILE..."},
    {NULL, 0, 0, 0, NULL, NULL, NULL}};

static const char description[] =
    "Each line of FILE is a JSON object with a string `text` and an array `gold` of\n"
    "entities {\"start\", \"end\", \"type\"} (half-open code-point offsets; type person,\n"
    "place or organization), as in ../shared/data/ner/*-train.jsonl. Every candidate\n"
    "name tagpipe finds in `text` is labelled with the type of the gold entity of\n"
    "exactly its span, or none, and a linear model is fitted on them. The\n"
    "same files, options and gazetteers write the same bytes.\n"
    "\n"
    "Example:\n"
    "  tagpipe train-entities -o models/entities.model \\\n"
    "      ../shared/data/ner/conll2003-train.jsonl ../shared/data/ner/politics-train.jsonl\n"
    "\n"
    "Exit status: 0 model written; 1 a line could not be used; 2 usage;\n"
    "3 gazetteers failed to load; 4 the model could not be written.";

typedef struct {
    TpEntityTrainer *trainer;
    GHashTable *gold; /* "start:end" -> class */
    GHashTable *seen; /* gold spans some candidate covers */
    GString *key;
    guint n_candidates;
    guint n_docs; /* documents read before the current one */
} Collect;

static void collect(guint32 start_cp, guint32 name_start_cp, guint32 end_cp, const char *features,
                    guint n, gpointer data) {
    Collect *c = data;
    /* "Mr Trump" is a mention of the gold "Trump": the honorific belongs to it. */
    g_string_printf(c->key, "%u:%u", name_start_cp, end_cp);
    TpClass gold = GPOINTER_TO_UINT(g_hash_table_lookup(c->gold, c->key->str));
    if (gold == TP_CLASS_NONE) {
        g_string_printf(c->key, "%u:%u", start_cp, end_cp);
        gold = GPOINTER_TO_UINT(g_hash_table_lookup(c->gold, c->key->str));
    }
    if (gold != TP_CLASS_NONE)
        g_hash_table_add(c->seen, g_strdup(c->key->str));
    if (opt_dump) {
        printf("%u\t%u\t%s\t%u", start_cp, end_cp, tp_class_name(gold), c->n_docs);
        const char *p = features;
        for (guint i = 0; i < n; i++, p += strlen(p) + 1)
            printf("\t%s", p);
        putchar('\n');
        return;
    }
    tp_entity_trainer_add(c->trainer, features, n, gold);
    c->n_candidates++;
}

static TpClass class_of(const char *type) {
    for (int k = 1; k < TP_CLASS_N; k++)
        if (strcmp(type, tp_class_name((TpClass)k)) == 0)
            return (TpClass)k;
    return TP_CLASS_NONE;
}

/* Add the candidates of every line of `path`; counts gold spans and those
 * the candidates cover. */
static gboolean add_file(TpTagger *tagger, Collect *c, const char *path, guint *out_docs,
                         guint *out_gold, guint *out_covered, GError **error) {
    g_autofree char *text = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &text, &len, error))
        return FALSE;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        if (lines[i][0] == '\0')
            continue;
        json_error_t jerr;
        json_t *doc = json_loads(lines[i], 0, &jerr);
        json_t *t = doc ? json_object_get(doc, "text") : NULL;
        json_t *gold = doc ? json_object_get(doc, "gold") : NULL;
        if (!json_is_string(t) || !json_is_array(gold)) {
            g_set_error(error, TP_ERROR, TP_ERROR_PARSE,
                        "%s:%u: expected an object with a string 'text' and an array 'gold'", path,
                        i + 1);
            json_decref(doc);
            return FALSE;
        }
        g_hash_table_remove_all(c->gold);
        g_hash_table_remove_all(c->seen);
        size_t gi;
        json_t *g;
        json_array_foreach(gold, gi, g) {
            json_t *ty = json_object_get(g, "type");
            json_t *st = json_object_get(g, "start"), *en = json_object_get(g, "end");
            if (!json_is_string(ty) || !json_is_integer(st) || !json_is_integer(en))
                continue;
            TpClass cls = class_of(json_string_value(ty));
            if (cls == TP_CLASS_NONE)
                continue;
            g_hash_table_insert(c->gold,
                                g_strdup_printf("%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT,
                                                json_integer_value(st), json_integer_value(en)),
                                GUINT_TO_POINTER(cls));
        }
        tp_tagger_reset(tagger);
        if (!tp_tagger_collect_candidates(tagger, json_string_value(t),
                                          (gssize)json_string_length(t), collect, c, error)) {
            g_prefix_error(error, "%s:%u: ", path, i + 1);
            json_decref(doc);
            return FALSE;
        }
        *out_docs += 1;
        c->n_docs++;
        *out_gold += g_hash_table_size(c->gold);
        *out_covered += g_hash_table_size(c->seen);
        json_decref(doc);
    }
    return TRUE;
}

int train_entities_main(int argc, char **argv) {
    g_set_prgname("tagpipe train-entities");
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_option_context_set_summary(ctx, "Fit the entity model (models/entities.model) from gold "
                                      "entity spans.");
    g_option_context_set_description(ctx, description);
    g_option_context_add_main_entries(ctx, option_entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr, "tagpipe train-entities: %s\nTry 'tagpipe train-entities --help'.\n",
                error->message);
        return EXIT_USAGE;
    }
    if (opt_dump && opt_output == NULL)
        opt_output = g_strdup("-");
    if (opt_output == NULL || opt_inputs == NULL || opt_epochs < 1 || opt_epochs > 1000 ||
        opt_seed < 0) {
        fprintf(stderr, "tagpipe train-entities: %s\nTry 'tagpipe train-entities --help'.\n",
                opt_output == NULL   ? "--output is required"
                : opt_inputs == NULL ? "no training file given"
                                     : "--epochs must be in [1, 1000] and --seed not negative");
        return EXIT_USAGE;
    }
    int status = EXIT_OK;
    TpKnowledge *k = tp_knowledge_new();
    TpTagger *tagger = NULL;
    TpEntityTrainOptions options = {.epochs = (guint)opt_epochs,
                                    .seed = (guint64)opt_seed,
                                    .learning_rate = opt_learning_rate,
                                    .l2 = opt_l2};
    options.algorithm = TP_ENTITY_TRAIN_LOGISTIC;
    if (opt_algorithm && strcmp(opt_algorithm, "perceptron") == 0)
        options.algorithm = TP_ENTITY_TRAIN_PERCEPTRON;
    else if (opt_algorithm && strcmp(opt_algorithm, "logistic") != 0) {
        fprintf(stderr,
                "tagpipe train-entities: --trainer must be perceptron or logistic, not "
                "'%s'\nTry 'tagpipe train-entities --help'.\n",
                opt_algorithm);
        return EXIT_USAGE;
    }
    TpEntityTrainer *trainer = tp_entity_trainer_new(&options);
    Collect c = {trainer,
                 g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                 g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                 g_string_new(NULL),
                 0,
                 0};
    g_autoptr(GPtrArray) prov = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) model = NULL;
    g_autofree char *gdir =
        opt_gazetteer_dir ? g_strdup(opt_gazetteer_dir) : tp_cli_data_dir("gazetteers");
    if (!tp_knowledge_load_dir(k, gdir, &error) || !(tagger = tp_tagger_new(k, &error))) {
        fprintf(stderr, "tagpipe train-entities: %s\n", error->message);
        status = EXIT_LOAD;
        goto out;
    }
    g_ptr_array_add(prov, g_strdup("Fitted by `tagpipe train-entities` (src/train_entities_main.c, "
                                   "src/tp_entity_train.c)."));
    g_ptr_array_add(
        prov, g_strdup_printf("Features: src/tp_candidates.c; epochs %d, seed %" G_GINT64_FORMAT
                              "; gazetteers as shipped with this tree.",
                              opt_epochs, opt_seed));
    for (guint f = 0; opt_inputs[f]; f++) {
        guint docs = 0, gold = 0, covered = 0, before = c.n_candidates;
        if (!add_file(tagger, &c, opt_inputs[f], &docs, &gold, &covered, &error)) {
            fprintf(stderr, "tagpipe train-entities: %s\n", error->message);
            status = EXIT_DATA;
            goto out;
        }
        g_autofree char *base = g_path_get_basename(opt_inputs[f]);
        g_autofree char *bytes = NULL;
        gsize blen = 0;
        g_file_get_contents(opt_inputs[f], &bytes, &blen, NULL);
        g_autofree char *sum =
            g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)bytes, blen);
        g_ptr_array_add(prov,
                        g_strdup_printf("Data: %s (sha256 %s): %u documents, %u gold names, "
                                        "%u of them candidates; %u candidates.",
                                        base, sum, docs, gold, covered, c.n_candidates - before));
        if (!opt_quiet)
            fprintf(stderr,
                    "tagpipe train-entities: %s: %u documents, %u gold names, %u (%.1f%%) among "
                    "the %u candidates\n",
                    opt_inputs[f], docs, gold, covered, gold ? 100.0 * covered / gold : 0.0,
                    c.n_candidates - before);
    }
    if (opt_dump)
        goto out;
    g_ptr_array_add(prov, NULL);
    model = g_string_new(NULL);
    tp_entity_trainer_fit(trainer, (const char *const *)prov->pdata, model);
    if (strcmp(opt_output, "-") == 0) {
        if (fwrite(model->str, 1, model->len, stdout) != model->len || fflush(stdout) != 0) {
            fprintf(stderr, "tagpipe train-entities: write error\n");
            status = EXIT_WRITE;
        }
    } else if (!g_file_set_contents(opt_output, model->str, (gssize)model->len, &error)) {
        fprintf(stderr, "tagpipe train-entities: %s\n", error->message);
        status = EXIT_WRITE;
    }
out:
    g_hash_table_destroy(c.gold);
    g_hash_table_destroy(c.seen);
    g_string_free(c.key, TRUE);
    tp_entity_trainer_free(trainer);
    tp_tagger_free(tagger);
    tp_knowledge_free(k);
    return status;
}
