/* SPDX-License-Identifier: MIT */
/* cli_input.c: the command's line reader: plain or gzip input, binary refused, lines bounded. */

#include "cli_input.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK ((gsize)1 << 16)

struct CliInput {
    int fd;
    gboolean own_fd;
    gint64 size;
    guint64 bytes_read;
    gsize max_line;
    /* Decoded bytes: the current line starts at `start`, newlines are searched from `scan`. */
    char *buf;
    gsize cap, start, scan, end;
    gboolean eof;     /* no more decoded bytes will come */
    gboolean checked; /* the first block was looked at */
    gboolean first_line;
    gsize skipping; /* > 0: bytes of a too-long line dropped so far */
    /* gzip: raw bytes waiting for the decompressor */
    GConverter *gz;
    char *raw;
    gsize raw_start, raw_end;
    gboolean raw_eof;
};

CliInput *cli_input_open(const char *path, gsize max_line_bytes, GError **error) {
    gboolean is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        g_set_error_literal(error, G_FILE_ERROR, g_file_error_from_errno(err), g_strerror(err));
        return NULL;
    }
    struct stat st;
    gint64 size = -1;
    if (fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            if (!is_stdin)
                close(fd);
            g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "is a directory");
            return NULL;
        }
        if (S_ISREG(st.st_mode))
            size = (gint64)st.st_size;
    }
    CliInput *in = g_new0(CliInput, 1);
    in->fd = fd;
    in->own_fd = !is_stdin;
    in->size = size;
    in->max_line = max_line_bytes ? max_line_bytes : G_MAXSIZE / 2;
    in->cap = CHUNK;
    in->buf = g_malloc(in->cap);
    in->first_line = TRUE;
    return in;
}

void cli_input_free(CliInput *in) {
    if (in == NULL)
        return;
    if (in->own_fd)
        close(in->fd);
    g_clear_object(&in->gz);
    g_free(in->raw);
    g_free(in->buf);
    g_free(in);
}

guint64 cli_input_bytes_read(const CliInput *in) {
    return in->bytes_read;
}
gint64 cli_input_size(const CliInput *in) {
    return in->size;
}
gboolean cli_input_is_gzip(const CliInput *in) {
    return in->gz != NULL;
}

/* read(2) into dst; 0 at end of file, -1 on error, -2 when a signal came
 * (passed up, so that a signal handler's flag is seen by the caller). */
static gssize read_some(CliInput *in, char *dst, gsize n, GError **error) {
    gssize got = read(in->fd, dst, n);
    if (got < 0 && errno == EINTR)
        return -2;
    if (got < 0) {
        int err = errno;
        g_set_error_literal(error, G_IO_ERROR, g_io_error_from_errno(err), g_strerror(err));
        return -1;
    }
    in->bytes_read += (guint64)got;
    return got;
}

/* Room for at least CHUNK more decoded bytes after `end`: drop what was
 * consumed, then grow (a long line needs its whole length). */
static void make_room(CliInput *in) {
    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->scan -= in->start;
        in->start = 0;
    }
    if (in->cap - in->end < CHUNK) {
        in->cap = MAX(in->cap * 2, in->end + CHUNK);
        in->buf = g_realloc(in->buf, in->cap);
    }
}

/* When the compressed bytes are used up (and the input has not ended), read
 * more: 0 or the count read, -1 on error, -2 when interrupted. */
static gssize refill_raw(CliInput *in, GError **error) {
    if (in->raw_start < in->raw_end || in->raw_eof)
        return 0;
    gssize got = read_some(in, in->raw, CHUNK, error);
    if (got < 0)
        return got;
    in->raw_start = 0;
    in->raw_end = (gsize)got;
    in->raw_eof = got == 0;
    return got;
}

/* Decompress what the raw buffer holds into the line buffer, reading more raw
 * bytes when the decompressor needs them. Returns the decoded byte count (0:
 * end of the data), -1 on error, -2 when interrupted. */
static gssize fill_gzip(CliInput *in, GError **error) {
    for (;;) {
        gssize got = refill_raw(in, error);
        if (got < 0)
            return got;
        gsize nread = 0, nwritten = 0;
        GError *err = NULL;
        GConverterResult r = g_converter_convert(
            in->gz, in->raw + in->raw_start, in->raw_end - in->raw_start, in->buf + in->end,
            in->cap - in->end, in->raw_eof ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
            &nread, &nwritten, &err);
        in->raw_start += nread;
        if (r == G_CONVERTER_ERROR) {
            if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) && !in->raw_eof) {
                g_clear_error(&err);
                in->raw_start = in->raw_end; /* all was taken in; read on */
                continue;
            }
            if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
                g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                    "gzip data ends early (truncated file?)");
            else
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "corrupt gzip data: %s",
                            err->message);
            g_clear_error(&err);
            return -1;
        }
        if (r == G_CONVERTER_FINISHED) {
            /* The end of one gzip member: another may follow, as `cat a.gz b.gz` makes. */
            got = refill_raw(in, error);
            if (got < 0)
                return got;
            if (in->raw_start < in->raw_end)
                g_converter_reset(in->gz);
            else
                in->raw_eof = TRUE;
            if (nwritten == 0 && in->raw_eof && in->raw_start == in->raw_end)
                return 0;
        }
        if (nwritten > 0)
            return (gssize)nwritten;
        if (in->raw_eof && in->raw_start == in->raw_end)
            return 0;
    }
}

static const struct {
    const char *magic;
    gsize len;
    const char *name;
} other_formats[] = {
    {"BZh", 3, "bzip2"},
    {"\xfd"
     "7zXZ\0",
     6, "xz"},
    {"\x28\xb5\x2f\xfd", 4, "zstd"},
    {"PK\x03\x04", 4, "zip"},
    {"\x04\x22\x4d\x18", 4, "lz4"},
};

/* The first block: gzip is switched on, other compressed formats and binary
 * data are refused. */
static gboolean check_first_block(CliInput *in, GError **error) {
    const guchar *p = (const guchar *)in->buf + in->start;
    gsize n = in->end - in->start;
    for (guint i = 0; i < G_N_ELEMENTS(other_formats); i++)
        if (n >= other_formats[i].len &&
            memcmp(p, other_formats[i].magic, other_formats[i].len) == 0) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        "%s-compressed input is not supported; decompress it first "
                        "(e.g. %s -dc FILE | tagpipe)",
                        other_formats[i].name,
                        strcmp(other_formats[i].name, "zip") == 0 ? "unzip -p"
                                                                  : other_formats[i].name);
            return FALSE;
        }
    /* Binary: a NUL byte on the first line, or more than one byte in 16 that
     * is a control byte other than white space or not UTF-8. JSON text has
     * neither; a NUL further on is that line's problem, reported with it. */
    const guchar *first_nl = memchr(p, '\n', n);
    const guchar *nul = memchr(p, '\0', first_nl ? (gsize)(first_nl - p) : n);
    if (nul) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "binary input (a NUL byte at offset %" G_GSIZE_FORMAT
                    "), not JSON lines; nothing read from it",
                    (gsize)(nul - p));
        return FALSE;
    }
    gsize n_bad = 0;
    for (gsize i = 0; i < n; i++)
        if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t' && p[i] != '\f')
            n_bad++;
    const char *s = (const char *)p;
    const char *stop = s + n;
    const char *bad_at = NULL;
    while (s < stop && !g_utf8_validate_len(s, (gsize)(stop - s), &bad_at)) {
        /* An incomplete sequence cut by the end of the block is not bad. */
        if (stop - bad_at < 4 &&
            g_utf8_get_char_validated(bad_at, (gssize)(stop - bad_at)) == (gunichar)-2)
            break;
        if (*bad_at != '\0') /* NULs were counted with the control bytes */
            n_bad++;
        s = bad_at + 1;
    }
    if (n_bad >= 8 && n_bad * 16 > n) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            "binary input (mostly control or non-UTF-8 bytes), not JSON lines; "
                            "nothing read from it");
        return FALSE;
    }
    return TRUE;
}

/* Read more decoded bytes after `end`. Returns 1, 0 at end, -1 error, -2 interrupted. */
static int fill(CliInput *in, GError **error) {
    make_room(in);
    if (in->gz) {
        gssize got = fill_gzip(in, error);
        if (got < 0)
            return (int)got;
        if (got == 0)
            return 0;
        in->end += (gsize)got;
        return 1;
    }
    gssize got = read_some(in, in->buf + in->end, CHUNK, error);
    if (got < 0)
        return (int)got;
    if (got == 0)
        return 0;
    in->end += (gsize)got;
    if (!in->checked && in->bytes_read == (guint64)got && (guchar)in->buf[0] == 0x1f) {
        /* Perhaps gzip: its magic needs a second byte. */
        while (in->end < 2) {
            got = read_some(in, in->buf + in->end, CHUNK - in->end, error);
            if (got < 0)
                return (int)got;
            if (got == 0)
                break;
            in->end += (gsize)got;
        }
        if (in->end >= 2 && (guchar)in->buf[1] == 0x8b) {
            /* Gzip: what was read is raw input for the decompressor. */
            in->gz = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP));
            in->raw = g_malloc(CHUNK);
            memcpy(in->raw, in->buf, in->end);
            in->raw_start = 0;
            in->raw_end = in->end;
            in->start = in->scan = in->end = 0;
            return fill(in, error);
        }
    }
    return 1;
}

CliRead cli_input_read_line(CliInput *in, const char **out_line, gsize *out_len, GError **error) {
    for (;;) {
        char *nl = in->scan < in->end ? memchr(in->buf + in->scan, '\n', in->end - in->scan) : NULL;
        if (nl || (in->eof && (in->end > in->start || in->skipping))) {
            char *line_end = nl ? nl : in->buf + in->end;
            char *line = in->buf + in->start;
            gsize len = (gsize)(line_end - line);
            in->start = in->scan = nl ? (gsize)(nl + 1 - in->buf) : in->end;
            if (in->skipping) {
                *out_line = NULL;
                *out_len = in->skipping + len;
                in->skipping = 0;
                in->first_line = FALSE;
                return CLI_READ_LINE;
            }
            if (in->first_line && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
                line += 3;
                len -= 3;
            }
            in->first_line = FALSE;
            if (len > 0 && line[len - 1] == '\r')
                len--;
            if (len > in->max_line) {
                *out_line = NULL;
                *out_len = len;
                return CLI_READ_LINE;
            }
            *out_line = line;
            *out_len = len;
            return CLI_READ_LINE;
        }
        if (in->eof)
            return CLI_READ_EOF;
        in->scan = in->end;
        if (in->end - in->start > in->max_line) {
            /* Too long: drop it as it comes, keep only the count. */
            in->skipping += in->end - in->start;
            in->start = in->scan = in->end;
        }
        int r = fill(in, error);
        if (r == -2) {
            g_clear_error(error);
            return CLI_READ_INTERRUPTED;
        }
        if (r < 0)
            return CLI_READ_ERROR;
        if (r == 0)
            in->eof = TRUE;
        if (!in->checked && (in->end > 0 || in->eof)) {
            in->checked = TRUE;
            if (in->end > 0 && !check_first_block(in, error))
                return CLI_READ_ERROR;
        }
    }
}
