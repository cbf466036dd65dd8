/* SPDX-License-Identifier: MIT */
/* tp_line.c: one JSON line in, the same bytes with "entities" and "topics" spliced in out. */

#include "tp_private.h"
#include "tp_emit.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const default_fields[] = {"text", NULL};

json_t *tp_json_path(json_t *root, const char *path) {
    json_t *cur = root;
    const char *p = path;
    while (cur && json_is_object(cur)) {
        const char *dot = strchr(p, '.');
        if (dot == NULL)
            return json_object_get(cur, p);
        g_autofree char *step = g_strndup(p, dot - p);
        cur = json_object_get(cur, step);
        p = dot + 1;
    }
    return NULL;
}

/* Converts byte offsets of one text to the requested unit, walking from the
 * last position asked (entities come sorted by start, so each step is short). */
typedef struct {
    const char *text;
    TpOffsetUnit unit;
    gsize byte;
    gsize units;
} OffsetCursor;

static gsize offset_at(OffsetCursor *c, gsize byte, gsize cp) {
    if (c->unit == TP_OFFSETS_CODEPOINTS)
        return cp;
    if (c->unit == TP_OFFSETS_BYTES)
        return byte;
    /* Step back or forward from the last position: an entity may start
     * inside the one before it (a place inside an office), and restarting
     * from byte 0 there made long texts quadratic. */
    if (byte < c->byte)
        c->units -= tp_utf16_length(c->text + byte, c->byte - byte);
    else
        c->units += tp_utf16_length(c->text + c->byte, byte - c->byte);
    c->byte = byte;
    return c->units;
}

static void put_key(GString *out, const char *key) {
    g_string_append_c(out, ',');
    g_string_append_c(out, '"');
    g_string_append(out, key);
    g_string_append(out, "\":");
}

static void put_member(GString *out, const char *key, const char *value) {
    put_key(out, key);
    tp_emit_string(out, value, strlen(value));
}

/* One entity object, members in the contract's order. */
static void put_entity(GString *out, const TpEntity *e, const char *text, const char *field,
                       OffsetCursor *cur) {
    gsize start = offset_at(cur, e->start_byte, e->start_cp);
    gsize end = offset_at(cur, e->end_byte, e->end_cp);
    g_string_append(out, "{\"text\":");
    tp_emit_string(out, text + e->start_byte, e->end_byte - e->start_byte);
    put_member(out, "type", tp_entity_type_name(e->type));
    g_string_append_printf(out, ",\"start\":%" G_GSIZE_FORMAT ",\"end\":%" G_GSIZE_FORMAT, start,
                           end);
    put_member(out, "field", field);
    put_member(out, "name", e->name);
    if (e->id)
        put_member(out, "id", e->id);
    put_member(out, "source", e->source);
    if (e->country)
        put_member(out, "country", e->country);
    put_key(out, "score");
    tp_emit_score(out, e->score);
    if (e->holder)
        put_member(out, "holder", e->holder);
    if (e->n_offices) {
        put_key(out, "offices");
        g_string_append_c(out, '[');
        for (gsize i = 0; i < e->n_offices; i++) {
            if (i)
                g_string_append_c(out, ',');
            tp_emit_string(out, e->offices[i], strlen(e->offices[i]));
        }
        g_string_append_c(out, ']');
    }
    g_string_append_c(out, '}');
}

static gboolean fail_limit(GError **error, const char *what) {
    g_set_error(error, TP_ERROR, TP_ERROR_LIMIT, "out of memory building %s", what);
    return FALSE;
}

/* Parse `line` and check it is an object tagpipe may extend. */
static json_t *parse_object(const char *line, gsize len, GError **error) {
    const char *bad = NULL;
    if (!g_utf8_validate_len(line, len, &bad)) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "invalid UTF-8 at byte %" G_GSIZE_FORMAT,
                    (gsize)(bad - line) + 1);
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loadb(line, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &jerr);
    if (root == NULL) {
        /* Jansson's own limits (a \u0000, an integer past 64 bits, a real
         * past double, deep nesting) are limits, not malformed JSON. */
        enum json_error_code jcode = json_error_code(&jerr);
        int code = (jcode == json_error_numeric_overflow || jcode == json_error_null_character ||
                    jcode == json_error_stack_overflow)
                       ? TP_ERROR_LIMIT
                       : TP_ERROR_PARSE;
        g_set_error(error, TP_ERROR, code, "invalid JSON: %s (column %d)", jerr.text, jerr.column);
        return NULL;
    }
    if (!json_is_object(root)) {
        static const char *const kinds[] = {"an object", "an array", "a string", "an integer",
                                            "a real",    "true",     "false",    "null"};
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "not a JSON object but %s",
                    kinds[json_typeof(root)]);
        json_decref(root);
        return NULL;
    }
    static const char *const ours[] = {"entities", "topics"};
    for (guint i = 0; i < G_N_ELEMENTS(ours); i++) {
        if (json_object_get(root, ours[i])) {
            g_set_error(error, TP_ERROR, TP_ERROR_FORMAT,
                        "already has a \"%s\" member (tagged twice?)", ours[i]);
            json_decref(root);
            return NULL;
        }
    }
    return root;
}

/* Position of the object's closing brace: the last non-blank byte. */
static gssize closing_brace(const char *line, gsize len) {
    gsize i = len;
    while (i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t' || line[i - 1] == '\r' ||
                     line[i - 1] == '\n'))
        i--;
    return (i > 0 && line[i - 1] == '}') ? (gssize)(i - 1) : -1;
}

gboolean tp_tagger_tag_line(TpTagger *tagger, const char *line, gsize len,
                            const TpLineOptions *options, GString *out, GError **error) {
    g_return_val_if_fail(tagger != NULL && line != NULL && out != NULL, FALSE);
    static const TpLineOptions defaults = {NULL, TP_OFFSETS_CODEPOINTS, 0.0, 3, 0.0};
    const TpLineOptions *opt = options ? options : &defaults;
    const char *const *fields = opt->fields ? opt->fields : default_fields;

    json_t *root = parse_object(line, len, error);
    if (root == NULL)
        return FALSE;
    gboolean ok = FALSE;
    /* The members are written one value at a time, so that a text with
     * millions of entities never holds them all as JSON objects. */
    g_autoptr(GString) frag = g_string_new("\"entities\":[");
    gboolean first = TRUE;

    tp_tagger_reset(tagger);
    for (guint f = 0; fields[f]; f++) {
        json_t *v = tp_json_path(root, fields[f]);
        if (v == NULL || json_is_null(v))
            continue;
        if (!json_is_string(v)) {
            g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "field \"%s\" is not a string",
                        fields[f]);
            goto out;
        }
        const char *text = json_string_value(v);
        gsize text_len = json_string_length(v);
        const TpEntity *es = NULL;
        gsize n = 0;
        if (!tp_tagger_tag_text(tagger, text, (gssize)text_len, &es, &n, error))
            goto out;
        OffsetCursor cur = {.text = text, .unit = opt->offsets};
        for (gsize i = 0; i < n; i++) {
            if (es[i].score < opt->min_score)
                continue;
            if (!first)
                g_string_append_c(frag, ',');
            first = FALSE;
            put_entity(frag, &es[i], text, fields[f], &cur);
        }
    }
    g_string_append(frag, "],\"topics\":[");

    gsize n_topics = 0;
    const TpTopic *ts = tp_tagger_topics(tagger, opt->min_topic_score, opt->max_topics, &n_topics);
    for (gsize i = 0; i < n_topics; i++) {
        g_string_append(frag, i ? ",{\"label\":" : "{\"label\":");
        tp_emit_string(frag, ts[i].label, strlen(ts[i].label));
        if (ts[i].code)
            put_member(frag, "code", ts[i].code);
        put_key(frag, "score");
        tp_emit_score(frag, ts[i].score);
        g_string_append_c(frag, '}');
    }
    g_string_append_c(frag, ']');

    gssize brace = closing_brace(line, len);
    if (brace < 0) {
        fail_limit(error, "the output");
        goto out;
    }
    /* Splice the members before the closing brace. */
    g_string_append_len(out, line, brace);
    if (json_object_size(root) > 0)
        g_string_append_c(out, ',');
    g_string_append_len(out, frag->str, frag->len);
    g_string_append_len(out, line + brace, len - brace);
    ok = TRUE;
out:
    json_decref(root);
    return ok;
}
