/* SPDX-License-Identifier: MIT */
/* cli_compile.c: `tagpipe compile`: the text gazetteers and models as one
 * compiled knowledge image. */

#include "cli_compile.h"
#include "cli_common.h"

#include "tagpipe.h"

#include <stdio.h>
#include <stdlib.h>

/* Exit statuses, as for tagging (main.c). */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 2,
    EXIT_LOAD = 3,  /* a text file failed to load */
    EXIT_WRITE = 4, /* the image could not be written */
};

static char *opt_output = NULL;
static char *opt_gazetteer_dir = NULL;
static char *opt_models_dir = NULL;
static char **opt_files = NULL;

static const GOptionEntry option_entries[] = {
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
     "Write the image to IMAGE (default: tagpipe.image)", "IMAGE"},
    {"gazetteers", 0, 0, G_OPTION_ARG_FILENAME, &opt_gazetteer_dir,
     "Compile the gazetteers of DIR, not the shipped ones", "DIR"},
    {"models", 0, 0, G_OPTION_ARG_FILENAME, &opt_models_dir,
     "Compile the topic model and the cues of DIR", "DIR"},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_files, NULL, "[FILE...]"},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

static const char summary[] =
    "Compile the gazetteers, lexicons, topic model and cues into one knowledge\n"
    "image that tagpipe maps at start-up instead of reading the text files:\n"
    "the shipped text data (or --gazetteers, --models), then each gazetteer or\n"
    "lexicon FILE, as 'tagpipe --gazetteer FILE' would load them.\n"
    "\n"
    "  tagpipe compile -o my.image my-names.tsv\n"
    "  tagpipe --image my.image < news.jsonl";

static const char description[] =
    "The shipped image is built with the program; 'tagpipe --gazetteer FILE'\n"
    "compiles into the user cache by itself. An image is refused when it is\n"
    "truncated, corrupted or of another format version.\n"
    "\n"
    "Exit status:\n"
    "  0  the image was written\n"
    "  2  usage error\n"
    "  3  a gazetteer or model could not be loaded\n"
    "  4  the image could not be written\n";

static void free_options(void) {
    g_free(opt_output);
    g_free(opt_gazetteer_dir);
    g_free(opt_models_dir);
    g_strfreev(opt_files);
}

int compile_main(int argc, char **argv) {
    cli_parse_options("tagpipe compile", &argc, &argv, option_entries, summary, description);
    g_autoptr(GError) error = NULL;
    const char *out = opt_output ? opt_output : "tagpipe.image";
    g_autofree char *gdir =
        opt_gazetteer_dir ? g_strdup(opt_gazetteer_dir) : cli_data_dir("gazetteers");
    g_autofree char *mdir = opt_models_dir ? g_strdup(opt_models_dir) : cli_data_dir("models");
    g_autofree char *model = g_build_filename(mdir, "topics.model", NULL);
    g_autofree char *cues = cli_cues_path(opt_models_dir);
    /* Always from the text files: an image is compiled from its sources. */
    TpKnowledge *k = tp_knowledge_new();
    gboolean ok = tp_knowledge_load_dir(k, gdir, &error);
    for (guint i = 0; ok && opt_files && opt_files[i]; i++)
        ok = tp_knowledge_load_file(k, opt_files[i], &error);
    if (ok)
        ok = tp_knowledge_load_topic_model(k, model, &error);
    if (ok)
        ok = tp_knowledge_load_cues(k, cues, &error);
    /* The entity model by the rule tagging follows with the same folders. */
    g_autofree char *entities = cli_entity_model_path(opt_gazetteer_dir, opt_models_dir);
    if (ok && entities)
        ok = tp_knowledge_load_entity_model(k, entities, &error);
    int status = EXIT_OK;
    if (!ok) {
        fprintf(stderr, "tagpipe compile: %s\n", error->message);
        status = EXIT_LOAD;
    } else if (!tp_knowledge_save_image(k, out, &error)) {
        fprintf(stderr, "tagpipe compile: %s\n", error->message);
        status = EXIT_WRITE;
    }
    tp_knowledge_free(k);
    free_options();
    return status;
}
