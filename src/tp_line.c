/* SPDX-License-Identifier: MIT */
/* tp_line.c: one JSON line in, the same bytes with "entities" and "topics" spliced in out. */

#include "tp_tagger.h"
#include "tp_text.h"
#include "tp_emit.h"
#include "tp_inline.h"
#include "tp_json.h"

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

/* Writes one object's members (an entity's or a topic's) in the contract's order, leaving out
 * those not in `keep` (NULL keeps all: --entity-members). */
typedef struct {
    GString *out;
    const char *const *keep;
    gboolean first;
} MemberWriter;

/* Inlined: the keys are literals, so their lengths and bytes are constants. */
static TP_ALWAYS_INLINE gboolean put_key(MemberWriter *w, const char *key) {
    if (w->keep && !g_strv_contains(w->keep, key))
        return FALSE;
    /* `{"key":` or `,"key":` in one append: four were most of its time. */
    char buf[64];
    gsize n = strlen(key);
    if (n + 4 <= sizeof buf) {
        buf[0] = w->first ? '{' : ',';
        buf[1] = '"';
        memcpy(buf + 2, key, n);
        buf[n + 2] = '"';
        buf[n + 3] = ':';
        tp_append(w->out, buf, n + 4);
    } else {
        g_string_append_c(w->out, w->first ? '{' : ',');
        g_string_append_c(w->out, '"');
        g_string_append(w->out, key);
        g_string_append(w->out, "\":");
    }
    w->first = FALSE;
    return TRUE;
}

static TP_ALWAYS_INLINE void put_member(MemberWriter *w, const char *key, const char *value) {
    if (value && put_key(w, key))
        tp_emit_string(w->out, value, strlen(value));
}

static TP_ALWAYS_INLINE void put_offset(MemberWriter *w, const char *key, gsize value) {
    if (!put_key(w, key))
        return;
    /* The digits by hand: printf was a tenth of the emission's time. */
    char digits[24];
    gsize at = sizeof digits;
    do {
        digits[--at] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    tp_append(w->out, digits + at, sizeof digits - at);
}

/* One entity object, members in the contract's order. */
static void put_entity(GString *out, const char *const *keep, const TpEntity *e, const char *text,
                       const char *field, OffsetCursor *cur) {
    MemberWriter w = {out, keep, TRUE};
    gsize start = offset_at(cur, e->start_byte, e->start_cp);
    gsize end = offset_at(cur, e->end_byte, e->end_cp);
    if (put_key(&w, "text"))
        tp_emit_string(out, text + e->start_byte, e->end_byte - e->start_byte);
    put_member(&w, "type", tp_entity_type_name(e->type));
    put_offset(&w, "start", start);
    put_offset(&w, "end", end);
    put_member(&w, "field", field);
    put_member(&w, "name", e->name);
    put_member(&w, "id", e->id);
    put_member(&w, "source", e->source);
    put_member(&w, "country", e->country);
    if (put_key(&w, "score"))
        tp_emit_score(out, e->score);
    put_member(&w, "holder", e->holder);
    if (e->n_offices && put_key(&w, "offices")) {
        g_string_append_c(out, '[');
        for (gsize i = 0; i < e->n_offices; i++) {
            if (i)
                g_string_append_c(out, ',');
            tp_emit_string(out, e->offices[i], strlen(e->offices[i]));
        }
        g_string_append_c(out, ']');
    }
    /* An entity with none of the kept members is still one (empty) object. */
    g_string_append(out, w.first ? "{}" : "}");
}

static const char *const ours[] = {"entities", "topics"};
G_STATIC_ASSERT(G_N_ELEMENTS(ours) == 2);

static void fail_ours(GError **error, guint i) {
    g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "already has a \"%s\" member (tagged twice?)",
                ours[i]);
}

static gboolean fail_limit(GError **error, const char *what) {
    g_set_error(error, TP_ERROR, TP_ERROR_LIMIT, "out of memory building %s", what);
    return FALSE;
}

/* Parse `line` (valid UTF-8) and check it is an object tagpipe may extend. */
static json_t *parse_object(const char *line, gsize len, gboolean replace, GError **error) {
    json_error_t jerr;
    json_t *root =
        json_loadb(line, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &jerr);
    if (root == NULL) {
        /* Jansson's own limits (a \u0000 in a member name, a real
         * past double, deep nesting) are limits, not malformed JSON. */
        enum json_error_code jcode = json_error_code(&jerr);
        int code = (jcode == json_error_numeric_overflow || jcode == json_error_null_character ||
                    jcode == json_error_null_byte_in_key || jcode == json_error_stack_overflow)
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
    for (guint i = 0; i < G_N_ELEMENTS(ours) && !replace; i++) {
        if (json_object_get(root, ours[i])) {
            fail_ours(error, i);
            json_decref(root);
            return NULL;
        }
    }
    return root;
}

/* What tagging a line reads of it: each field's value, whether it has
 * (or had, before --replace) our members, and whether any other member
 * is left for the output's comma. From tp_json_scan_object when it
 * answers, else from Jansson's tree (kept in `root` for the fields'
 * strings). */
#define FAST_MAX_FIELDS 16
typedef struct {
    json_t *root;
    TpJsonMember field[FAST_MAX_FIELDS];
    gboolean had_ours;
    gboolean has_members;
} LineView;

/* The scanner's answer, when it has one: the fields are plain names (no
 * path) and none is one of ours. */
static gboolean view_fast(const char *line, gsize len, const char *const *fields, gboolean replace,
                          GString *scratch, LineView *v, gboolean *failed, GError **error) {
    const char *names[FAST_MAX_FIELDS + G_N_ELEMENTS(ours)];
    guint n = 0;
    for (; fields[n]; n++) {
        if (n >= FAST_MAX_FIELDS || strchr(fields[n], '.') || strcmp(fields[n], ours[0]) == 0 ||
            strcmp(fields[n], ours[1]) == 0)
            return FALSE;
        names[n] = fields[n];
    }
    for (guint i = 0; i < G_N_ELEMENTS(ours); i++)
        names[n + i] = ours[i];
    TpJsonMember got[FAST_MAX_FIELDS + G_N_ELEMENTS(ours)];
    guint members = 0;
    if (!tp_json_scan_object(line, len, names, n + G_N_ELEMENTS(ours), got, &members, scratch))
        return FALSE;
    guint n_ours = 0;
    for (guint i = 0; i < G_N_ELEMENTS(ours); i++) {
        if (got[n + i].count && !replace) {
            fail_ours(error, i);
            *failed = TRUE;
            return TRUE;
        }
        n_ours += got[n + i].count;
    }
    memcpy(v->field, got, n * sizeof got[0]);
    v->root = NULL;
    v->had_ours = n_ours > 0;
    v->has_members = members > n_ours;
    return TRUE;
}

/* Jansson's answer; FALSE (and `error`) for a line it cannot tag. */
static gboolean view_jansson(const char *line, gsize len, gboolean replace, LineView *v,
                             GError **error) {
    json_t *root = parse_object(line, len, replace, error);
    if (root == NULL)
        return FALSE;
    v->root = root;
    v->had_ours = FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(ours) && replace; i++)
        v->had_ours |= json_object_del(root, ours[i]) == 0;
    v->has_members = json_object_size(root) > 0;
    return TRUE;
}

/* Field `f` of the view. */
static TpJsonMember view_field(const LineView *v, const char *const *fields, guint f) {
    if (v->root == NULL)
        return v->field[f];
    json_t *j = tp_json_path(v->root, fields[f]);
    if (j == NULL)
        return (TpJsonMember){TP_JSON_ABSENT, NULL, 0, 0};
    if (json_is_null(j))
        return (TpJsonMember){TP_JSON_NULL, NULL, 0, 1};
    if (!json_is_string(j))
        return (TpJsonMember){TP_JSON_OTHER, NULL, 0, 1};
    return (TpJsonMember){TP_JSON_STRING, json_string_value(j), json_string_length(j), 1};
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
        gboolean drop = (klen == 10 && memcmp(line + key_start, "\"entities\"", 10) == 0) ||
                        (klen == 8 && memcmp(line + key_start, "\"topics\"", 8) == 0);
        if (drop) {
            if (prev_end != G_MAXSIZE) {
                /* Drop from the end of the member before (its comma goes). */
                /* Drop from the comma before it, so that re-tagging what
                 * tagpipe wrote gives the same bytes. */
                if (comma_before > copied)
                    tp_append(out, line + copied, comma_before - copied);
                copied = MAX(copied, vend);
            } else {
                /* The first member: drop it and its comma. */
                tp_append(out, line + copied, key_start - copied);
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
    tp_append(out, line + copied, len - copied);
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
    static const TpLineOptions defaults = {.offsets = TP_OFFSETS_CODEPOINTS, .max_topics = 3};
    const TpLineOptions *opt = options ? options : &defaults;
    const char *const *fields = opt->fields ? opt->fields : default_fields;

    TpLineSummary *sum = tp_tagger_line_slot(tagger);
    memset(sum, 0, sizeof(*sum));
    const char *bad = NULL;
    if (!tp_utf8_validate_len(line, len, &bad)) {
        g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "invalid UTF-8 at byte %" G_GSIZE_FORMAT,
                    (gsize)(bad - line) + 1);
        return FALSE;
    }
    LineView view;
    g_autoptr(GString) scratch = g_string_new(NULL);
    gboolean failed = FALSE;
    if (view_fast(line, len, fields, opt->replace, scratch, &view, &failed, error)) {
        if (failed)
            return FALSE;
    } else if (!view_jansson(line, len, opt->replace, &view, error)) {
        return FALSE;
    }
    /* --replace: the old members are cut out of the bytes, the rest is kept. */
    g_autoptr(GString) cleaned = NULL;
    if (view.had_ours) {
        cleaned = g_string_sized_new(len);
        drop_members(line, len, cleaned);
        line = cleaned->str;
        len = cleaned->len;
    }
    gboolean ok = FALSE;
    /* The members are written one value at a time, so that a text with
     * millions of entities never holds them all as JSON objects. */
    g_autoptr(GString) frag = g_string_new("\"entities\":[");
    gboolean first = TRUE;
    gsize n_written = 0;

    tp_tagger_reset(tagger);
    for (guint f = 0; fields[f]; f++) {
        TpJsonMember v = view_field(&view, fields, f);
        if (v.kind == TP_JSON_ABSENT || v.kind == TP_JSON_NULL)
            continue;
        sum->fields_found++;
        if (v.kind != TP_JSON_STRING) {
            g_set_error(error, TP_ERROR, TP_ERROR_FORMAT, "field \"%s\" is not a string",
                        fields[f]);
            goto out;
        }
        const char *text = v.str;
        gsize text_len = v.len;
        const TpEntity *es = NULL;
        gsize n = 0;
        /* The line is valid UTF-8, so is each string in it (a field's
         * escapes decode to valid UTF-8, or the line went to Jansson,
         * which rejects a lone surrogate). */
        if (!tp_tagger_tag_valid_text(tagger, text, text_len, &es, &n, error))
            goto out;
        OffsetCursor cur = {.text = text, .unit = opt->offsets};
        for (gsize i = 0; i < n; i++) {
            if (es[i].score < opt->min_score)
                continue;
            if (opt->max_entities && ++n_written > opt->max_entities) {
                g_set_error(error, TP_ERROR, TP_ERROR_LIMIT,
                            "more than %" G_GSIZE_FORMAT " entities (--max-entities)",
                            opt->max_entities);
                goto out;
            }
            if (!first)
                g_string_append_c(frag, ',');
            first = FALSE;
            put_entity(frag, opt->entity_members, &es[i], text, fields[f], &cur);
            sum->entities[es[i].type]++;
        }
    }
    g_string_append(frag, "],\"topics\":[");

    gsize n_topics = 0;
    const TpTopic *ts = tp_tagger_topics(tagger, opt->min_topic_score, opt->max_topics, &n_topics);
    for (gsize i = 0; i < n_topics; i++) {
        if (i)
            g_string_append_c(frag, ',');
        MemberWriter w = {frag, NULL, TRUE};
        put_member(&w, "label", ts[i].label);
        put_member(&w, "code", ts[i].code);
        put_key(&w, "score");
        tp_emit_score(frag, ts[i].score);
        g_string_append_c(frag, '}');
    }
    g_string_append_c(frag, ']');
    sum->topics = n_topics;

    gssize brace = closing_brace(line, len);
    if (brace < 0) {
        fail_limit(error, "the output");
        goto out;
    }
    /* Splice the members before the closing brace. */
    tp_append(out, line, brace);
    if (view.has_members)
        g_string_append_c(out, ',');
    tp_append(out, frag->str, frag->len);
    tp_append(out, line + brace, len - brace);
    ok = TRUE;
out:
    if (!ok)
        memset(sum, 0, sizeof(*sum));
    if (view.root)
        json_decref(view.root);
    return ok;
}
