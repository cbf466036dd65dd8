/* SPDX-License-Identifier: MIT */
/* tp_line.c: one JSON line in, the same bytes with "entities" and "topics" spliced in out. */

#include "tp_private.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const default_fields[] = {"text", NULL};

/* Round before json_real so that output does not depend on printf's last digit. */
static json_t *score_value(double x) {
    return json_real(round(x * 1000.0) / 1000.0);
}

/* Follow a dotted path ("article.body") through nested objects. NULL when a
 * step is missing or not an object. */
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

/* Converts byte offsets of one text to the requested unit, walking forward
 * from the last position asked (entities come sorted by start). */
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
    if (byte < c->byte) {
        c->byte = 0;
        c->units = 0;
    }
    c->units += tp_utf16_length(c->text + c->byte, byte - c->byte);
    c->byte = byte;
    return c->units;
}

static gboolean set_new(json_t *obj, const char *key, json_t *value) {
    return value != NULL && json_object_set_new(obj, key, value) == 0;
}

static json_t *id_list(const char *const *ids, gsize n) {
    json_t *a = json_array();
    for (gsize i = 0; a && i < n; i++) {
        if (json_array_append_new(a, json_string(ids[i]))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* Leave in `o` only the members named in `keep`. */
static void keep_members(json_t *o, const char *const *keep) {
    const char *key;
    json_t *value;
    void *tmp;
    json_object_foreach_safe(o, tmp, key, value) {
        gboolean wanted = FALSE;
        for (guint i = 0; keep[i] && !wanted; i++)
            wanted = strcmp(keep[i], key) == 0;
        if (!wanted)
            json_object_del(o, key);
    }
}

static json_t *entity_json(const TpEntity *e, const char *text, const char *field,
                           OffsetCursor *cur) {
    json_t *o = json_object();
    gsize start = offset_at(cur, e->start_byte, e->start_cp);
    gsize end = offset_at(cur, e->end_byte, e->end_cp);
    gboolean ok =
        o != NULL &&
        set_new(o, "text", json_stringn(text + e->start_byte, e->end_byte - e->start_byte)) &&
        set_new(o, "type", json_string(tp_entity_type_name(e->type))) &&
        set_new(o, "start", json_integer((json_int_t)start)) &&
        set_new(o, "end", json_integer((json_int_t)end)) &&
        set_new(o, "field", json_string(field)) && set_new(o, "name", json_string(e->name)) &&
        (e->id == NULL || set_new(o, "id", json_string(e->id))) &&
        set_new(o, "source", json_string(e->source)) &&
        (e->country == NULL || set_new(o, "country", json_string(e->country))) &&
        set_new(o, "score", score_value(e->score)) &&
        (e->holder == NULL || set_new(o, "holder", json_string(e->holder))) &&
        (e->n_offices == 0 || set_new(o, "offices", id_list(e->offices, e->n_offices)));
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Append `value` (consumed) compactly to `out`, after a comma unless it is
 * the first of its array. */
static gboolean append_json(GString *out, json_t *value, gboolean *first) {
    char buf[512];
    gsize need = json_dumpb(value, buf, sizeof(buf), JSON_COMPACT | JSON_REAL_PRECISION(3));
    if (need == 0) {
        json_decref(value);
        return FALSE;
    }
    if (!*first)
        g_string_append_c(out, ',');
    *first = FALSE;
    if (need <= sizeof(buf)) {
        g_string_append_len(out, buf, need);
    } else {
        char *big = json_dumps(value, JSON_COMPACT | JSON_REAL_PRECISION(3));
        if (big == NULL) {
            json_decref(value);
            return FALSE;
        }
        g_string_append(out, big);
        free(big);
    }
    json_decref(value);
    return TRUE;
}

static gboolean fail_limit(GError **error, const char *what) {
    g_set_error(error, TP_ERROR, TP_ERROR_LIMIT, "out of memory building %s", what);
    return FALSE;
}

/* Parse `line` and check it is an object tagpipe may extend. */
static json_t *parse_object(const char *line, gsize len, gboolean replace, GError **error) {
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
    for (guint i = 0; i < G_N_ELEMENTS(ours) && !replace; i++) {
        if (json_object_get(root, ours[i])) {
            g_set_error(error, TP_ERROR, TP_ERROR_FORMAT,
                        "already has a \"%s\" member (tagged twice?)", ours[i]);
            json_decref(root);
            return NULL;
        }
    }
    return root;
}

/* End of the JSON value starting at `i` (already known to be valid JSON). */
static gsize value_end(const char *s, gsize len, gsize i) {
    int depth = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '"') {
            for (i++; i < len && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
            if (depth == 0)
                return i + 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth <= 0)
                return depth < 0 ? i : i + 1;
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
            return i;
        }
    }
    return len;
}

static gboolean is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* `line` (a valid JSON object) without its top-level "entities" and "topics"
 * members, every other byte kept. A key spelled with escapes is not found. */
static void drop_members(const char *line, gsize len, GString *out) {
    gsize i = 0;
    while (i < len && line[i] != '{')
        i++;
    i++;
    gsize copied = 0;           /* line[copied..] not yet in out */
    gsize prev_end = G_MAXSIZE; /* end of the last member kept, or MAXSIZE */
    gsize comma_before = 0;     /* the comma before the current member */
    while (i < len) {
        while (i < len && is_ws(line[i]))
            i++;
        if (i >= len || line[i] != '"')
            break; /* the closing brace */
        gsize key_start = i;
        gsize key_end = value_end(line, len, i);
        gsize j = key_end;
        while (j < len && (is_ws(line[j]) || line[j] == ':'))
            j++;
        gsize vend = value_end(line, len, j);
        gsize after = vend;
        while (after < len && is_ws(line[after]))
            after++;
        gboolean comma = after < len && line[after] == ',';
        gsize klen = key_end - key_start;
        gboolean ours = (klen == 10 && memcmp(line + key_start, "\"entities\"", 10) == 0) ||
                        (klen == 8 && memcmp(line + key_start, "\"topics\"", 8) == 0);
        if (ours) {
            if (prev_end != G_MAXSIZE) {
                /* Drop from the end of the member before (its comma goes). */
                /* Drop from the comma before it, so that re-tagging what
                 * tagpipe wrote gives the same bytes. */
                if (comma_before > copied)
                    g_string_append_len(out, line + copied, comma_before - copied);
                copied = MAX(copied, vend);
            } else {
                /* The first member: drop it and its comma. */
                g_string_append_len(out, line + copied, key_start - copied);
                copied = comma ? after + 1 : vend;
                while (comma && copied < len && is_ws(line[copied]))
                    copied++;
            }
        } else {
            prev_end = vend;
        }
        comma_before = after;
        i = comma ? after + 1 : after;
        if (!comma)
            break;
    }
    g_string_append_len(out, line + copied, len - copied);
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
    static const TpLineOptions defaults = {NULL, TP_OFFSETS_CODEPOINTS, 0.0, 3, 0.0, FALSE, NULL};
    const TpLineOptions *opt = options ? options : &defaults;
    const char *const *fields = opt->fields ? opt->fields : default_fields;

    json_t *root = parse_object(line, len, opt->replace, error);
    if (root == NULL)
        return FALSE;
    /* --replace: the old members are cut out of the bytes, the rest is kept. */
    g_autoptr(GString) cleaned = NULL;
    if (opt->replace && (json_object_get(root, "entities") || json_object_get(root, "topics"))) {
        cleaned = g_string_sized_new(len);
        drop_members(line, len, cleaned);
        json_object_del(root, "entities");
        json_object_del(root, "topics");
        line = cleaned->str;
        len = cleaned->len;
    }
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
            json_t *e = entity_json(&es[i], text, fields[f], &cur);
            if (e && opt->entity_members)
                keep_members(e, opt->entity_members);
            if (e == NULL || !append_json(frag, e, &first)) {
                fail_limit(error, "an entity");
                goto out;
            }
        }
    }
    g_string_append(frag, "],\"topics\":[");
    first = TRUE;

    gsize n_topics = 0;
    const TpTopic *ts = tp_tagger_topics(tagger, opt->min_topic_score, opt->max_topics, &n_topics);
    for (gsize i = 0; i < n_topics; i++) {
        json_t *t = json_object();
        if (!t || !set_new(t, "label", json_string(ts[i].label)) ||
            (ts[i].code && !set_new(t, "code", json_string(ts[i].code))) ||
            !set_new(t, "score", score_value(ts[i].score)) || !append_json(frag, t, &first)) {
            fail_limit(error, "a topic");
            goto out;
        }
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
