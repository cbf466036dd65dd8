/* SPDX-License-Identifier: MIT */
/* cli_common.h: what the commands of the tagpipe binary share (tagpipe,
 * tagpipe train, tagpipe html): option parsing, usage errors, exit statuses,
 * closing standard output, the shipped data folders. No command owns it. */

#ifndef CLI_COMMON_H
#define CLI_COMMON_H

#include <glib.h>
#include <jansson.h>

/* Exit statuses every command gives the same meaning. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_USAGE = 2, /* bad command line */
    CLI_EXIT_LOAD = 3,  /* gazetteers or models failed to load */
    CLI_EXIT_WRITE = 4, /* output could not be written */
};

/* Parse the options of `command` ("tagpipe", "tagpipe train"), which also
 * names it in messages; a bad option is a usage error. */
void cli_parse_options(const char *command, int *argc, char ***argv, const GOptionEntry *entries,
                       const char *summary, const char *description);

/* "COMMAND: MESSAGE" and "Try 'COMMAND --help'." on stderr, then exit 2. */
G_NORETURN void cli_usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Flush and close standard output; on failure (or a nonzero `err` from
 * earlier writes) say "COMMAND: write error: ..." and return FALSE. */
gboolean cli_close_stdout(int err);

/* The shipped data folder `what` ("gazetteers", "models") under
 * tp_data_dir(). (transfer full) */
char *cli_data_dir(const char *what);

/* The name cues for a models folder (NULL: the shipped one): its cues.tsv,
 * or the shipped one when a folder of one's own holds a topic model alone
 * (`tagpipe train -o my/topics.model`). (transfer full) */
char *cli_cues_path(const char *models_dir);

/* The entity model that goes with the data folders chosen: `models_dir`'s
 * entities.model when it has one; else the shipped one, unless the
 * gazetteers are one's own (`gazetteer_dir` set: the shipped model is fitted
 * to the shipped gazetteers' evidence); else NULL (names typed by the cues).
 * Tagging and training both use it, so that the cues they see are the same.
 * (transfer full) */
char *cli_entity_model_path(const char *gazetteer_dir, const char *models_dir);

/* One line of a sub-command's JSON-lines input as an object, parsed with
 * Jansson's `flags`: NULL with the problem worded as the tagger words it in
 * `*problem` ("invalid JSON: TEXT (column N)", "not a JSON object but an
 * array"). (transfer full) */
json_t *cli_json_object(const char *line, gsize len, size_t flags, char **problem);

#endif /* CLI_COMMON_H */
