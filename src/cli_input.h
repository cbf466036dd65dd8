/* SPDX-License-Identifier: MIT */
/* cli_input.h: the command's line reader: plain or gzip input, binary refused, lines bounded. */
#ifndef TAGPIPE_CLI_INPUT_H
#define TAGPIPE_CLI_INPUT_H

#include <glib.h>

typedef struct CliInput CliInput;

typedef enum {
    CLI_READ_LINE,        /* a line (possibly too long: see cli_input_read_line) */
    CLI_READ_EOF,         /* no more lines */
    CLI_READ_ERROR,       /* read failed, corrupt gzip, or binary input; `error` says which */
    CLI_READ_INTERRUPTED, /* a signal arrived: call again to go on */
} CliRead;

/*
 * Open `path` ("-": standard input, not closed by cli_input_free) for
 * reading lines of at most `max_line_bytes` bytes. Gzip data (found by its
 * magic bytes, whatever the name) is decompressed as it is read. Fails on a
 * file that cannot be opened or is a directory. (transfer full)
 */
CliInput *cli_input_open(const char *path, gsize max_line_bytes, GError **error);

/*
 * Read the next line, terminator (LF or CRLF) removed, and a UTF-8 byte order
 * mark removed from the first line. `*out_line` and `*out_len` stay valid until
 * the next call. A line longer than the limit is skipped as it is read, so
 * memory stays bounded: it comes back with `*out_line` NULL and its length in
 * `*out_len`. The first block read is checked: other compressed formats and
 * binary data (NUL bytes, mostly control or non-UTF-8 bytes) are refused
 * with one error, before any line.
 */
CliRead cli_input_read_line(CliInput *in, const char **out_line, gsize *out_len, GError **error);

/* Bytes read from the file so far (compressed bytes for gzip input). */
guint64 cli_input_bytes_read(const CliInput *in);

/* Size in bytes of a regular file, else -1. */
gint64 cli_input_size(const CliInput *in);

/* Whether the input is gzip data. */
gboolean cli_input_is_gzip(const CliInput *in);

/* Close the input; NULL is a no-op. */
void cli_input_free(CliInput *in);

#endif /* TAGPIPE_CLI_INPUT_H */
