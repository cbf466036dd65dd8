/* SPDX-License-Identifier: MIT */
/* cli_common.c: option parsing, usage errors and output closing for every command. */

#include "cli_common.h"
#include "tagpipe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* The command being run, for messages ("tagpipe train"). */
static const char *cli_command = "tagpipe";

void cli_parse_options(const char *command, int *argc, char ***argv, const GOptionEntry *entries,
                       const char *summary, const char *description) {
    cli_command = command;
    g_set_prgname(command);
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_option_context_set_summary(ctx, summary);
    g_option_context_set_description(ctx, description);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, argc, argv, &error))
        cli_usage_error("%s", error->message);
}

void cli_usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cli_command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '%s --help'.\n", cli_command);
    va_end(ap);
    exit(CLI_EXIT_USAGE);
}

gboolean cli_close_stdout(int err) {
    if (err == 0 && (fflush(stdout) != 0 || ferror(stdout)))
        err = errno ? errno : EIO;
    if (fclose(stdout) != 0 && err == 0)
        err = errno ? errno : EIO;
    if (err) {
        fprintf(stderr, "%s: write error: %s\n", cli_command, g_strerror(err));
        return FALSE;
    }
    return TRUE;
}

char *cli_data_dir(const char *what) {
    g_autofree char *dir = tp_data_dir();
    return g_build_filename(dir, what, NULL);
}

char *cli_cues_path(const char *models_dir) {
    g_autofree char *shipped = cli_data_dir("models");
    char *cues = g_build_filename(models_dir ? models_dir : shipped, "cues.tsv", NULL);
    if (models_dir && !g_file_test(cues, G_FILE_TEST_EXISTS)) {
        g_free(cues);
        cues = g_build_filename(shipped, "cues.tsv", NULL);
    }
    return cues;
}

char *cli_entity_model_path(const char *gazetteer_dir, const char *models_dir) {
    if (models_dir) {
        char *own = g_build_filename(models_dir, "entities.model", NULL);
        if (g_file_test(own, G_FILE_TEST_EXISTS))
            return own;
        g_free(own);
    }
    if (gazetteer_dir)
        return NULL;
    g_autofree char *shipped = cli_data_dir("models");
    return g_build_filename(shipped, "entities.model", NULL);
}

json_t *cli_json_object(const char *line, gsize len, size_t flags, char **problem) {
    json_error_t jerr;
    json_t *root = json_loadb(line, len, flags, &jerr);
    if (root == NULL) {
        *problem = g_strdup_printf("invalid JSON: %s (column %d)", jerr.text, jerr.column);
        return NULL;
    }
    if (!json_is_object(root)) {
        static const char *const kinds[] = {"an object", "an array", "a string", "an integer",
                                            "a real",    "true",     "false",    "null"};
        *problem = g_strdup_printf("not a JSON object but %s", kinds[json_typeof(root)]);
        json_decref(root);
        return NULL;
    }
    return root;
}
