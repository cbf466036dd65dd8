/* SPDX-License-Identifier: MIT */
/* train_entities_main.c: `tagpipe train-entities`: fit the entity model from gold spans. */

#include "tagpipe.h"
#include "tagpipe-train.h"
#include "cli_common.h"
#include "tp_build.h"
#include "train_main.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* Exit statuses, as for tagging (main.c). */
enum {
    EXIT_OK = 0,
    EXIT_DATA = 1,
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
     "Write the model to FILE (required; - : stdout)", "FILE"},
    {"epochs", 0, 0, G_OPTION_ARG_INT, &opt_epochs, "Passes over the candidates (default 10)", "N"},
    {"trainer", 0, 0, G_OPTION_ARG_STRING, &opt_algorithm, "perceptron (default) or logistic",
     "NAME"},
    {"lr", 0, 0, G_OPTION_ARG_DOUBLE, &opt_learning_rate,
     "Logistic: AdaGrad step size (default 0.1)", "X"},
    {"l2", 0, 0, G_OPTION_ARG_DOUBLE, &opt_l2, "Logistic: L2 penalty per feature (default 1e-4)",
     "X"},
    {"seed", 0, 0, G_OPTION_ARG_INT64, &opt_seed, "Seed of the candidates' order (default 1)", "N"},
    {"gazetteers", 'g', 0, G_OPTION_ARG_FILENAME, &opt_gazetteer_dir,
     "Gazetteers of DIR (default: the shipped ones)", "DIR"},
    {"dump", 0, 0, G_OPTION_ARG_NONE, &opt_dump, "Print the candidates and features; fit nothing",
     NULL},
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

/* Add every line of `path` ({"text": ..., "gold": [{"start", "end", "type"}]},
 * code-point offsets) to the learner. */
static gboolean add_file(TpEntityLearner *learner, const char *path, GError **error) {
    g_autofree char *text = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &text, &len, error))
        return FALSE;
    g_autoptr(GArray) names = g_array_new(FALSE, FALSE, sizeof(TpGoldName));
    guint lineno = 0;
    for (char *line = text, *next; line < text + len; line = next) {
        char *nl = memchr(line, '\n', (gsize)(text + len - line));
        next = nl ? nl + 1 : text + len;
        lineno++;
        gsize n = (gsize)((nl ? nl : text + len) - line);
        if (n == 0)
            continue;
        g_autofree char *bad = NULL;
        json_t *doc = cli_json_object(line, n, 0, &bad);
        if (doc == NULL) {
            g_set_error(error, TP_ERROR, TP_ERROR_PARSE, "%s:%u: %s", path, lineno, bad);
            return FALSE;
        }
        json_t *t = json_object_get(doc, "text");
        json_t *gold = json_object_get(doc, "gold");
        if (!json_is_string(t) || !json_is_array(gold)) {
            g_set_error(error, TP_ERROR, TP_ERROR_PARSE,
                        "%s:%u: expected an object with a string 'text' and an array 'gold'", path,
                        lineno);
            json_decref(doc);
            return FALSE;
        }
        g_array_set_size(names, 0);
        size_t gi;
        json_t *g;
        json_array_foreach(gold, gi, g) {
            json_t *ty = json_object_get(g, "type");
            json_t *st = json_object_get(g, "start"), *en = json_object_get(g, "end");
            if (!json_is_string(ty) || !json_is_integer(st) || !json_is_integer(en) ||
                json_integer_value(st) < 0 || json_integer_value(en) < 0)
                continue;
            for (int k = 0; k < TP_ENTITY_N_TYPES; k++) {
                if (strcmp(json_string_value(ty), tp_entity_type_name((TpEntityType)k)) == 0) {
                    TpGoldName name = {(gsize)json_integer_value(st), (gsize)json_integer_value(en),
                                       (TpEntityType)k};
                    g_array_append_val(names, name);
                }
            }
        }
        gboolean ok =
            tp_entity_learner_add(learner, json_string_value(t), (gssize)json_string_length(t),
                                  (const TpGoldName *)names->data, names->len, error);
        json_decref(doc);
        if (!ok) {
            g_prefix_error(error, "%s:%u: ", path, lineno);
            return FALSE;
        }
    }
    return TRUE;
}

int train_entities_main(int argc, char **argv) {
    cli_parse_options("tagpipe train-entities", &argc, &argv, option_entries,
                      "Fit the entity model (models/entities.model) from gold entity spans.",
                      description);
    g_autoptr(GError) error = NULL;
    if (opt_dump && opt_output == NULL)
        opt_output = g_strdup("-");
    if (opt_output == NULL)
        cli_usage_error("--output is required");
    if (opt_inputs == NULL)
        cli_usage_error("no training file given");
    if (opt_epochs < 1 || opt_epochs > 1000 || opt_seed < 0)
        cli_usage_error("--epochs must be in [1, 1000] and --seed not negative");
    int status = EXIT_OK;
    TpKnowledge *k = tp_knowledge_new();
    TpEntityLearner *learner = NULL;
    g_autoptr(GString) dump = opt_dump ? g_string_new(NULL) : NULL;
    TpEntityTrainOptions options = {.epochs = (guint)opt_epochs,
                                    .seed = (guint64)opt_seed,
                                    .learning_rate = opt_learning_rate,
                                    .l2 = opt_l2};
    /* The averaged perceptron is the default: on the three dev sets it beat the
     * logistic fit at every seed tried (models/SOURCES.md has the figures). */
    options.algorithm = TP_ENTITY_TRAIN_PERCEPTRON;
    if (opt_algorithm && strcmp(opt_algorithm, "logistic") == 0)
        options.algorithm = TP_ENTITY_TRAIN_LOGISTIC;
    else if (opt_algorithm && strcmp(opt_algorithm, "perceptron") != 0) {
        cli_usage_error("--trainer must be perceptron or logistic, not '%s'", opt_algorithm);
    }
    g_autoptr(GPtrArray) prov = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) model = NULL;
    g_autofree char *gdir =
        opt_gazetteer_dir ? g_strdup(opt_gazetteer_dir) : cli_data_dir("gazetteers");
    if (!tp_knowledge_load_dir(k, gdir, &error) ||
        !(learner = tp_entity_learner_new(k, &options, &error))) {
        fprintf(stderr, "tagpipe train-entities: %s\n", error->message);
        status = EXIT_LOAD;
        goto out;
    }
    tp_entity_learner_set_dump(learner, dump);
    g_ptr_array_add(prov, g_strdup("Fitted by `tagpipe train-entities` (src/train_entities_main.c, "
                                   "src/tp_entity_train.c)."));
    g_ptr_array_add(
        prov, g_strdup_printf("Features: src/tp_candidates.c; epochs %d, seed %" G_GINT64_FORMAT
                              "; gazetteers as shipped with this tree.",
                              opt_epochs, opt_seed));
    for (guint f = 0; opt_inputs[f]; f++) {
        TpEntityLearnCounts before, after;
        tp_entity_learner_counts(learner, &before);
        if (!add_file(learner, opt_inputs[f], &error)) {
            fprintf(stderr, "tagpipe train-entities: %s\n", error->message);
            status = EXIT_DATA;
            goto out;
        }
        tp_entity_learner_counts(learner, &after);
        guint docs = after.documents - before.documents, gold = after.gold - before.gold;
        guint covered = after.covered - before.covered;
        guint cands = after.candidates - before.candidates;
        if (dump) {
            if (fwrite(dump->str, 1, dump->len, stdout) != dump->len) {
                status = EXIT_WRITE;
                goto out;
            }
            g_string_truncate(dump, 0);
        }
        g_autofree char *base = g_path_get_basename(opt_inputs[f]);
        g_autofree char *bytes = NULL;
        gsize blen = 0;
        g_file_get_contents(opt_inputs[f], &bytes, &blen, NULL);
        g_autofree char *sum =
            g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)bytes, blen);
        g_ptr_array_add(prov, g_strdup_printf("Data: %s (sha256 %s): %u documents, %u gold names, "
                                              "%u of them candidates; %u candidates.",
                                              base, sum, docs, gold, covered, cands));
        if (!opt_quiet)
            fprintf(stderr,
                    "tagpipe train-entities: %s: %u documents, %u gold names, %u (%.1f%%) among "
                    "the %u candidates\n",
                    opt_inputs[f], docs, gold, covered, gold ? 100.0 * covered / gold : 0.0, cands);
    }
    if (opt_dump)
        goto out;
    g_ptr_array_add(prov, NULL);
    model = g_string_new(NULL);
    tp_entity_learner_fit(learner, (const char *const *)prov->pdata, model);
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
    tp_entity_learner_free(learner);
    tp_knowledge_free(k);
    return status;
}
