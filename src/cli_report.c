/* SPDX-License-Identifier: MIT */
/* cli_report.c: what the command tells the user on stderr: messages, progress, --stats. */

#include "cli_report.h"

#include "tagpipe.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

static const char *const kind_names[CLI_ERR_N] = {
    "json",  "utf8",     "not-object", "already-tagged", "field-not-string",
    "limit", "too-long", "input",
};

struct CliReport {
    gboolean progress, stats;
    guint max_messages;
    gint64 total_bytes;
    gint64 t0;      /* monotonic, us */
    gint64 t_drawn; /* when the progress line was last drawn */
    gboolean drawn; /* a progress line is on the screen */
    gboolean tty;   /* stderr is a terminal: redraw one line in place */
    guint64 lines, tagged, blank, passed, skipped, bytes_done;
    guint64 errors[CLI_ERR_N];
    guint64 entities[CLI_N_TYPES];
    GHashTable *topics;     /* label -> count (GUINT_TO_POINTER) */
    GPtrArray *topic_order; /* the labels, first seen first */
};

CliReport *cli_report_new(gboolean progress, gboolean stats, guint max_messages,
                          gint64 total_bytes) {
    CliReport *r = g_new0(CliReport, 1);
    r->progress = progress;
    r->stats = stats;
    r->max_messages = max_messages;
    r->total_bytes = total_bytes;
    r->t0 = g_get_monotonic_time();
    r->tty = isatty(STDERR_FILENO);
    r->topics = g_hash_table_new(g_str_hash, g_str_equal); /* keys owned by topic_order */
    r->topic_order = g_ptr_array_new_with_free_func(g_free);
    return r;
}

void cli_report_free(CliReport *r) {
    if (r == NULL)
        return;
    g_hash_table_unref(r->topics);
    g_ptr_array_free(r->topic_order, TRUE);
    g_free(r);
}

guint64 cli_report_n_tagged(const CliReport *r) {
    return r->tagged;
}

CliErrorKind cli_error_kind(int tp_error_code, const char *message) {
    if (g_str_has_prefix(message, "invalid UTF-8"))
        return CLI_ERR_UTF8;
    if (g_str_has_prefix(message, "not a JSON object"))
        return CLI_ERR_NOT_OBJECT;
    if (g_str_has_prefix(message, "already has"))
        return CLI_ERR_TAGGED;
    if (g_str_has_prefix(message, "field "))
        return CLI_ERR_FIELD;
    if (tp_error_code == TP_ERROR_LIMIT)
        return CLI_ERR_LIMIT;
    return CLI_ERR_JSON;
}

char *cli_escape(const char *s) {
    GString *out = g_string_new(NULL);
    const char *end = s + strlen(s);
    while (s < end) {
        const char *bad = NULL;
        g_utf8_validate_len(s, (gsize)(end - s), &bad);
        for (const char *c = s; c < bad; c++) {
            if ((guchar)*c < 0x20 || *c == 0x7f)
                g_string_append_printf(out, "\\x%02x", (guchar)*c);
            else
                g_string_append_c(out, *c);
        }
        if (bad >= end)
            break;
        g_string_append_printf(out, "\\x%02x", (guchar)*bad);
        s = bad + 1;
    }
    return g_string_free(out, FALSE);
}

static void clear_progress(CliReport *r) {
    if (r->drawn && r->tty) {
        fputs("\r\033[K", stderr);
        r->drawn = FALSE;
    }
}

/* On a terminal the status line is redrawn in place twice a second; in a
 * log (stderr redirected) it is one plain line every 10 seconds, and at the end. */
static void draw_progress(CliReport *r, gboolean force) {
    gint64 now = g_get_monotonic_time();
    if (!force && now - r->t_drawn < (r->tty ? 500000 : 10000000))
        return;
    r->t_drawn = now;
    double secs = (double)(now - r->t0) / 1e6;
    double mb = (double)r->bytes_done / 1e6;
    guint64 n_err = 0;
    for (int k = 0; k < CLI_ERR_N; k++)
        n_err += r->errors[k];
    fprintf(stderr,
            "%stagpipe: %" G_GUINT64_FORMAT " line%s, %.1f MB, %.1f MB/s, %" G_GUINT64_FORMAT
            " error%s",
            r->tty ? "\r\033[K" : "", r->lines, r->lines == 1 ? "" : "s", mb,
            secs > 0 ? mb / secs : 0.0, n_err, n_err == 1 ? "" : "s");
    if (r->total_bytes > 0) {
        double frac = MIN(1.0, (double)r->bytes_done / (double)r->total_bytes);
        fprintf(stderr, ", %.0f%%", frac * 100.0);
        if (frac > 0.0 && secs > 1.0) {
            long eta = (long)(secs / frac - secs + 0.5);
            fprintf(stderr, ", ETA %ld:%02ld", eta / 60, eta % 60);
        }
    }
    if (r->tty)
        r->drawn = TRUE;
    else
        fputc('\n', stderr);
}

void cli_report_problem(CliReport *r, CliErrorKind kind, const char *source, guint64 lineno,
                        const char *problem) {
    r->errors[kind]++;
    if (r->max_messages && r->errors[kind] > r->max_messages)
        return;
    clear_progress(r);
    g_autofree char *safe = cli_escape(problem);
    g_autofree char *safe_source = cli_escape(source);
    if (lineno)
        fprintf(stderr, "tagpipe: %s:%" G_GUINT64_FORMAT ": %s\n", safe_source, lineno, safe);
    else
        fprintf(stderr, "tagpipe: %s: %s\n", safe_source, safe);
}

void cli_report_warning(CliReport *r, const char *fmt, ...) {
    clear_progress(r);
    va_list ap;
    va_start(ap, fmt);
    fputs("tagpipe: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_report_line(CliReport *r, gboolean tagged, gboolean blank, gboolean written,
                     const guint *n_by_type, const char *const *topics, guint64 bytes_done) {
    r->lines++;
    if (tagged)
        r->tagged++;
    else if (blank)
        r->blank++;
    else if (written)
        r->passed++;
    else
        r->skipped++;
    r->bytes_done = bytes_done;
    for (int t = 0; n_by_type && t < CLI_N_TYPES; t++)
        r->entities[t] += n_by_type[t];
    for (guint i = 0; topics && topics[i]; i++) {
        gpointer key = NULL, val = NULL;
        if (g_hash_table_lookup_extended(r->topics, topics[i], &key, &val)) {
            g_hash_table_insert(r->topics, key, GUINT_TO_POINTER(GPOINTER_TO_UINT(val) + 1));
        } else {
            char *k = g_strdup(topics[i]);
            g_hash_table_insert(r->topics, k, GUINT_TO_POINTER(1));
            g_ptr_array_add(r->topic_order, k);
        }
    }
    if (r->progress)
        draw_progress(r, FALSE);
}

static int by_count(gconstpointer a, gconstpointer b, gpointer data) {
    GHashTable *h = data;
    guint na = GPOINTER_TO_UINT(g_hash_table_lookup(h, *(char *const *)a));
    guint nb = GPOINTER_TO_UINT(g_hash_table_lookup(h, *(char *const *)b));
    if (na != nb)
        return na > nb ? -1 : 1;
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void cli_report_finish(CliReport *r) {
    if (r->progress) {
        draw_progress(r, TRUE);
        if (r->tty)
            fputc('\n', stderr);
        r->drawn = FALSE;
    }
    for (int k = 0; k < CLI_ERR_N; k++)
        if (r->max_messages && r->errors[k] > r->max_messages)
            fprintf(stderr,
                    "tagpipe: %" G_GUINT64_FORMAT " more %s errors not shown (--max-messages)\n",
                    r->errors[k] - r->max_messages, kind_names[k]);
    if (!r->stats)
        return;
    json_t *o = json_object();
    json_object_set_new(o, "lines", json_integer((json_int_t)r->lines));
    json_object_set_new(o, "tagged", json_integer((json_int_t)r->tagged));
    json_object_set_new(o, "blank", json_integer((json_int_t)r->blank));
    json_object_set_new(o, "passed", json_integer((json_int_t)r->passed));
    json_object_set_new(o, "skipped", json_integer((json_int_t)r->skipped));
    json_t *errors = json_object();
    for (int k = 0; k < CLI_ERR_N; k++)
        if (r->errors[k])
            json_object_set_new(errors, kind_names[k], json_integer((json_int_t)r->errors[k]));
    json_object_set_new(o, "errors", errors);
    json_t *ents = json_object();
    for (int t = 0; t < CLI_N_TYPES; t++)
        json_object_set_new(ents, tp_entity_type_name((TpEntityType)t),
                            json_integer((json_int_t)r->entities[t]));
    json_object_set_new(o, "entities", ents);
    g_ptr_array_sort_with_data(r->topic_order, by_count, r->topics);
    json_t *topics = json_object();
    for (guint i = 0; i < r->topic_order->len; i++) {
        const char *label = g_ptr_array_index(r->topic_order, i);
        json_object_set_new(topics, label,
                            json_integer(GPOINTER_TO_UINT(g_hash_table_lookup(r->topics, label))));
    }
    json_object_set_new(o, "topics", topics);
    json_object_set_new(o, "bytes", json_integer((json_int_t)r->bytes_done));
    double secs = (double)(g_get_monotonic_time() - r->t0) / 1e6;
    json_object_set_new(o, "seconds", json_real(((long)(secs * 1000 + 0.5)) / 1000.0));
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
    if (s) {
        fputs(s, stderr);
        fputc('\n', stderr);
        free(s);
    }
    json_decref(o);
}
