/* SPDX-License-Identifier: MIT */
/* cli_report.h: what the command tells the user on stderr: messages, progress, --stats. */
#ifndef TAGPIPE_CLI_REPORT_H
#define TAGPIPE_CLI_REPORT_H

#include <glib.h>

/* Kinds of untagged lines, the keys of "errors" in --stats. */
typedef enum {
    CLI_ERR_JSON,       /* not JSON */
    CLI_ERR_UTF8,       /* not UTF-8 */
    CLI_ERR_NOT_OBJECT, /* JSON, not an object */
    CLI_ERR_TAGGED,     /* already has entities/topics (see --replace) */
    CLI_ERR_FIELD,      /* a selected field is not a string */
    CLI_ERR_LIMIT,      /* beyond Jansson's or tagpipe's limits */
    CLI_ERR_TOO_LONG,   /* over --max-line-bytes */
    CLI_ERR_INPUT,      /* a whole input could not be read */
    CLI_ERR_N
} CliErrorKind;

/* Entity types counted by --stats, in tagpipe.h's order. */
#define CLI_N_TYPES 4

typedef struct CliReport CliReport;

/*
 * Everything is called from one thread (the ordered writer), so messages
 * come out in input order. `progress`: redraw a status line on stderr at most
 * twice a second; `total_bytes` is the size of all inputs, or -1 when one is
 * not a regular file (no percent, no ETA). `max_messages`: per kind, the
 * messages shown before the rest are only counted (0: no cap). (transfer full)
 */
CliReport *cli_report_new(gboolean progress, gboolean stats, guint max_messages,
                          gint64 total_bytes);

/* Report one untagged line (lineno > 0) or input (lineno 0), control bytes escaped. */
void cli_report_problem(CliReport *r, CliErrorKind kind, const char *source, guint64 lineno,
                        const char *problem);

/* Count one line: `tagged` (else blank, passed or skipped), its entities by
 * type, its topic labels (NULL-terminated or NULL), and `bytes_done`: input
 * bytes read when it was read. */
void cli_report_line(CliReport *r, gboolean tagged, gboolean blank, gboolean written,
                     const guint *n_by_type, const char *const *topics, guint64 bytes_done);

/* Print a warning on stderr, keeping the progress line tidy. */
void cli_report_warning(CliReport *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Clear the progress line, print the capped-message counts and the --stats JSON. */
void cli_report_finish(CliReport *r);

/* Number of lines counted so far as tagged. */
guint64 cli_report_n_tagged(const CliReport *r);

void cli_report_free(CliReport *r);

/* Classify a message of tp_tagger_tag_line. */
CliErrorKind cli_error_kind(int tp_error_code, const char *message);

/* `s` with control bytes, DEL and invalid UTF-8 written as \xNN. (transfer full) */
char *cli_escape(const char *s);

#endif /* TAGPIPE_CLI_REPORT_H */
