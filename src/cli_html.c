/* SPDX-License-Identifier: MIT */
/* cli_html.c: `tagpipe html`: one self-contained HTML page from tagged JSON lines. */

#include "cli_html.h"
#include "cli_common.h"
#include "cli_input.h"
#include "tagpipe.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exit statuses, as for tagging (main.c). */
enum {
    EXIT_OK = 0,
    EXIT_BAD = 1,   /* some lines (or input files) could not be shown */
    EXIT_USAGE = 2, /* bad command line */
    EXIT_WRITE = 4, /* the page could not be written */
};

typedef enum { UNIT_CODEPOINT, UNIT_BYTE, UNIT_UTF16 } Unit;

/* ---- options: the one place each tunable is defined ---- */

static char **opt_fields = NULL;
static char *opt_offsets = NULL;
static char *opt_title = NULL;
static char **opt_inputs = NULL;

static const GOptionEntry option_entries[] = {
    {"field", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &opt_fields,
     "Show NAME too (a.b: nested; default: text)", "NAME"},
    {"offsets", 0, 0, G_OPTION_ARG_STRING, &opt_offsets,
     "Input offsets: codepoint (default), byte, utf16", "UNIT"},
    {"title", 0, 0, G_OPTION_ARG_STRING, &opt_title, "The page's title (default: tagpipe)", "TEXT"},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_inputs, NULL, "[FILE...]"},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

static const char summary[] =
    "Show tagged JSON lines (tagpipe's output) as one self-contained HTML page:\n"
    "each document's text with its entities highlighted by type (name, id,\n"
    "score, holder and offices on hover) and its topics.\n"
    "\n"
    "  tagpipe < news.jsonl | tagpipe html > view.html\n"
    "  tagpipe --field title --field text news.jsonl | tagpipe html --field title";

static const char description[] =
    "Exit status:\n"
    "  0  every line was shown\n"
    "  1  some lines (or input files) could not be shown; each is reported\n"
    "  2  usage error\n"
    "  4  the page could not be written\n";

/* ---- the page's fixed parts ---- */

/* Colours after displaCy's (PERSON, GPE, ORG; office in a hue of its own). */
static const char page_head_css[] =
    "<style>\n"
    "body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1em 2em;color:#222;"
    "background:#fafafa}\n"
    "header{position:sticky;top:0;background:#fafafa;padding:.5em 0;border-bottom:1px solid "
    "#ddd;z-index:1}\n"
    "h1{font-size:1.3em;margin:0 0 .3em}\n"
    ".legend mark{margin-right:.6em}\n"
    ".doc{background:#fff;border:1px solid #ddd;border-radius:6px;margin:1em 0;padding:.5em "
    "1.2em}\n"
    ".doc h2{font-size:1.05em;margin:.4em 0;color:#444}\n"
    ".doc h2 small{font-weight:normal;color:#888}\n"
    ".field h3{font-size:.75em;text-transform:uppercase;letter-spacing:.05em;color:#888;"
    "margin:.6em 0 0}\n"
    ".text{white-space:pre-wrap;line-height:2.6;overflow-wrap:anywhere}\n"
    "mark{padding:.15em .3em;border-radius:.35em;box-decoration-break:clone;"
    "-webkit-box-decoration-break:clone;cursor:help;color:inherit}\n"
    "mark mark{padding:.05em .2em}\n"
    "mark.person{background:#aa9cfc}\n"
    "mark.office{background:#f4b6c2}\n"
    "mark.place{background:#feca74}\n"
    "mark.organization{background:#7aecec}\n"
    "mark .lbl::after{content:attr(data-label);font-size:.6em;font-weight:bold;"
    "margin-left:.4em;vertical-align:middle;text-transform:uppercase;opacity:.75}\n"
    "mark.office{outline:1px dashed #c0607a;outline-offset:1px}\n"
    ".summary{font-size:.85em;color:#666;margin:.3em 0}\n"
    ".topics{list-style:none;padding:0;margin:.6em 0;display:flex;flex-wrap:wrap;gap:.4em}\n"
    ".topics li{background:#eef;border-radius:1em;padding:.1em .7em;font-size:.85em}\n"
    ".topics .bar{display:inline-block;width:4em;height:.5em;background:#ccd;"
    "border-radius:.25em;margin:0 .4em;vertical-align:middle;overflow:hidden}\n"
    ".topics .bar span{display:block;height:100%;background:#55a}\n"
    ".topics code{color:#777;font-size:.85em}\n"
    ".problem{color:#a00}\n"
    "pre#check{display:none}\n"
    "</style>\n";

/* Only for the test suite: with #check in the address, lists each highlighted
 * entity as the browser laid it out (document, field, start and end in code
 * points, type, text), one JSON array a line, non-ASCII escaped so that the
 * dumped DOM keeps it verbatim. */
static const char page_check_js[] =
    "<pre id=check></pre>\n"
    "<script>\n"
    "(function(){if(location.hash!=='#check')return;\n"
    "function cp(s){return Array.from(s).length}\n"
    "function esc(v){return JSON.stringify(v).replace(/[\\u007f-\\uffff<>&]/g,function(c){"
    "return '\\\\u'+('000'+c.charCodeAt(0).toString(16)).slice(-4)})}\n"
    "var out=[],colours={},hidden=0;\n"
    "document.querySelectorAll('.text').forEach(function(box){\n"
    "var doc=+box.closest('.doc').dataset.doc,field=box.dataset.field,ents={},order=[];\n"
    "box.querySelectorAll('mark').forEach(function(m){var k=m.dataset.i;\n"
    "if(m.getClientRects().length===0)hidden++;\n"
    "colours[m.dataset.type]=getComputedStyle(m).backgroundColor;\n"
    "if(!(k in ents)){var r=document.createRange();r.setStart(box,0);r.setEndBefore(m);\n"
    "ents[k]={start:cp(r.toString()),type:m.dataset.type,text:''};order.push(k)}\n"
    "ents[k].text+=m.textContent});\n"
    "order.forEach(function(k){var e=ents[k];\n"
    "out.push(esc([doc,field,e.start,e.start+cp(e.text),e.type,e.text]))})});\n"
    "var n={};Object.keys(colours).forEach(function(t){n[colours[t]]=1});\n"
    "out.unshift(esc({scripts:document.scripts.length,"
    "external:document.querySelectorAll('[src],[href],link,iframe,object,embed').length,"
    "hidden:hidden,types:Object.keys(colours).length,colours:Object.keys(n).length}));\n"
    "document.getElementById('check').textContent=out.join('\\n')})();\n"
    "</script>\n";

static const char *const type_names[] = {"person", "office", "place", "organization"};

/* ---- escaping ---- */

/* Append `len` bytes of UTF-8 `s`, escaped for HTML text and attribute values.
 * CR and the other C0 controls (tab and newline aside) go as character
 * references: a raw CR would be folded into the newline by the parser and
 * shift every later offset. */
static void append_escaped(GString *out, const char *s, gsize len) {
    for (gsize i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': g_string_append(out, "&amp;"); break;
        case '<': g_string_append(out, "&lt;"); break;
        case '>': g_string_append(out, "&gt;"); break;
        case '"': g_string_append(out, "&quot;"); break;
        case '\'': g_string_append(out, "&#39;"); break;
        default:
            if (c < 0x20 && c != '\n' && c != '\t')
                g_string_append_printf(out, "&#%u;", c);
            else
                g_string_append_c(out, (char)c);
        }
    }
}

static void append_escaped_str(GString *out, const char *s) {
    append_escaped(out, s, strlen(s));
}

/* ---- one document ---- */

/* One entity placed in a field: byte offsets into the field's value. */
typedef struct {
    gsize start_byte, end_byte;
    guint index; /* in the line's "entities" */
    json_t *ent; /* borrowed */
} Span;

static int span_cmp(gconstpointer a, gconstpointer b) {
    const Span *x = a, *y = b;
    if (x->start_byte != y->start_byte)
        return x->start_byte < y->start_byte ? -1 : 1;
    if (x->end_byte != y->end_byte)
        return x->end_byte > y->end_byte ? -1 : 1; /* the outer span first */
    return x->index < y->index ? -1 : x->index > y->index;
}

/* A position in a field: `n` units in, `b` bytes in. */
typedef struct {
    json_int_t n;
    gsize b;
} Cursor;

/* The byte offset of `off` (in `unit`) into the UTF-8 string `s`, or -1 when it is
 * past the end or inside a character. Walks on from `*at` when `off` is not
 * before it (entities come sorted, so a field costs one pass), and leaves `*at`
 * at `off`. */
static gssize byte_offset(const char *s, gsize len, Unit unit, json_int_t off, Cursor *at) {
    if (off < 0)
        return -1;
    if (unit == UNIT_BYTE) {
        if ((gsize)off > len || (off < (json_int_t)len && (s[off] & 0xC0) == 0x80))
            return -1;
        return (gssize)off;
    }
    Cursor c = off >= at->n ? *at : (Cursor){0, 0};
    while (c.n < off && c.b < len) {
        gunichar ch = g_utf8_get_char(s + c.b);
        c.n += (unit == UNIT_UTF16 && ch > 0xFFFF) ? 2 : 1;
        c.b = (gsize)(g_utf8_next_char(s + c.b) - s);
    }
    if (c.n != off)
        return -1;
    *at = c;
    return (gssize)c.b;
}

static const char *str_member(json_t *o, const char *key) {
    return json_string_value(json_object_get(o, key));
}

/* The name of the entity with id `id` in this line, for the tooltips. */
static const char *name_of(json_t *entities, const char *id) {
    size_t i;
    json_t *e;
    json_array_foreach(entities, i, e) {
        const char *eid = str_member(e, "id");
        if (eid && strcmp(eid, id) == 0)
            return str_member(e, "name");
    }
    return NULL;
}

static void append_ref(GString *t, json_t *entities, const char *id) {
    const char *name = name_of(entities, id);
    if (name)
        g_string_append_printf(t, "%s (%s)", name, id);
    else
        g_string_append(t, id);
}

/* The hover text: canonical name, id, type, score, country, source, and the
 * office's holder or the person's offices. */
static char *tooltip(json_t *ent, json_t *entities) {
    GString *t = g_string_new(NULL);
    const char *name = str_member(ent, "name"), *id = str_member(ent, "id");
    g_string_append(t, name ? name : "(no name)");
    if (id)
        g_string_append_printf(t, "\n%s", id);
    g_string_append_printf(t, "\n%s", str_member(ent, "type") ? str_member(ent, "type") : "?");
    json_t *score = json_object_get(ent, "score");
    if (json_is_number(score)) {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        g_string_append_printf(t, " · score %s",
                               g_ascii_formatd(buf, sizeof buf, "%.3g", json_number_value(score)));
    }
    if (str_member(ent, "country"))
        g_string_append_printf(t, " · %s", str_member(ent, "country"));
    if (str_member(ent, "source"))
        g_string_append_printf(t, " · %s", str_member(ent, "source"));
    if (str_member(ent, "holder")) {
        g_string_append(t, "\nheld by ");
        append_ref(t, entities, str_member(ent, "holder"));
    }
    json_t *offices = json_object_get(ent, "offices");
    if (json_is_array(offices) && json_array_size(offices) > 0) {
        size_t i;
        json_t *o;
        g_string_append(t, "\noffices: ");
        json_array_foreach(offices, i, o) {
            if (!json_is_string(o))
                continue;
            if (i)
                g_string_append(t, ", ");
            append_ref(t, entities, json_string_value(o));
        }
    }
    return g_string_free(t, FALSE);
}

static void open_mark(GString *out, const Span *sp, json_t *entities) {
    const char *type = str_member(sp->ent, "type");
    g_autofree char *tip = tooltip(sp->ent, entities);
    g_string_append(out, "<mark class=\"");
    append_escaped_str(out, type);
    g_string_append_printf(out, "\" data-i=\"%u\" data-type=\"", sp->index);
    append_escaped_str(out, type);
    g_string_append(out, "\" title=\"");
    append_escaped_str(out, tip);
    g_string_append(out, "\">");
}

/* Write the field's text with its spans as nested <mark>s. Spans that cross
 * (neither inside the other) cannot nest in HTML: the inner ones are closed
 * and reopened around the end of the outer, so a span may come in pieces
 * sharing its data-i; its label follows its last piece. */
static void render_text(GString *out, const char *s, gsize len, GArray *spans, json_t *entities) {
    g_array_sort(spans, span_cmp);
    GPtrArray *open = g_ptr_array_new(); /* Span *, outermost first */
    gsize pos = 0, next = 0;
    while (pos <= len) {
        /* Close every span ending here, innermost first, reopening those above it. */
        for (guint k = open->len; k-- > 0;) {
            Span *sp = g_ptr_array_index(open, k);
            if (sp->end_byte != pos)
                continue;
            for (guint j = open->len; j-- > k;) {
                Span *top = g_ptr_array_index(open, j);
                if (top->end_byte == pos) {
                    g_string_append(out, "<span class=lbl data-label=\"");
                    append_escaped_str(out, str_member(top->ent, "type"));
                    g_string_append(out, "\"></span>");
                }
                g_string_append(out, "</mark>");
            }
            g_ptr_array_remove_index(open, k);
            for (guint j = k; j < open->len; j++)
                open_mark(out, g_ptr_array_index(open, j), entities);
        }
        while (next < spans->len && g_array_index(spans, Span, next).start_byte == pos) {
            Span *sp = &g_array_index(spans, Span, next++);
            open_mark(out, sp, entities);
            if (sp->end_byte == pos) { /* empty: closed at once */
                g_string_append(out, "</mark>");
                continue;
            }
            g_ptr_array_add(open, sp);
        }
        if (pos == len)
            break;
        /* Text up to the next boundary. */
        gsize stop = len;
        if (next < spans->len)
            stop = MIN(stop, g_array_index(spans, Span, next).start_byte);
        for (guint k = 0; k < open->len; k++)
            stop = MIN(stop, ((Span *)g_ptr_array_index(open, k))->end_byte);
        append_escaped(out, s + pos, stop - pos);
        pos = stop;
    }
    g_ptr_array_free(open, TRUE);
}

static gboolean known_type(const char *type) {
    for (guint i = 0; i < G_N_ELEMENTS(type_names); i++)
        if (type && strcmp(type, type_names[i]) == 0)
            return TRUE;
    return FALSE;
}

/* Totals over the page, for its footer. */
typedef struct {
    guint64 docs, entities, bad;
} Totals;

/* Render one tagged line into `out`; FALSE (with `*out_problem`) when the line
 * or one of its entities cannot be shown: the rest of the line still is. */
static gboolean render_doc(GString *out, json_t *root, guint64 docno, const char *where, Unit unit,
                           const char *const *fields, Totals *totals, char **out_problem) {
    json_t *entities = json_object_get(root, "entities");
    json_t *topics = json_object_get(root, "topics");
    GString *problems = g_string_new(NULL);
    if (entities && !json_is_array(entities)) {
        g_string_append(problems, "; \"entities\" is not an array");
        entities = NULL;
    }
    if (topics && !json_is_array(topics)) {
        g_string_append(problems, "; \"topics\" is not an array");
        topics = NULL;
    }

    /* The fields: those asked for, then those the entities name. */
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; fields[i]; i++)
        g_ptr_array_add(names, (gpointer)fields[i]);
    size_t i;
    json_t *ent;
    json_array_foreach(entities, i, ent) {
        const char *f = str_member(ent, "field");
        if (f == NULL)
            f = "text";
        gboolean seen = FALSE;
        for (guint k = 0; k < names->len && !seen; k++)
            seen = strcmp(g_ptr_array_index(names, k), f) == 0;
        if (!seen)
            g_ptr_array_add(names, (gpointer)f);
    }

    g_string_append_printf(out, "<article class=doc data-doc=\"%" G_GUINT64_FORMAT "\">\n<h2>",
                           docno);
    json_t *id = json_object_get(root, "id");
    if (json_is_string(id))
        append_escaped_str(out, json_string_value(id));
    else if (json_is_integer(id))
        g_string_append_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
    else
        g_string_append_printf(out, "document %" G_GUINT64_FORMAT, docno + 1);
    g_string_append(out, " <small>");
    append_escaped_str(out, where);
    g_string_append(out, "</small></h2>\n");

    guint counts[G_N_ELEMENTS(type_names)] = {0};
    GArray *spans = g_array_new(FALSE, FALSE, sizeof(Span));
    for (guint k = 0; k < names->len; k++) {
        const char *field = g_ptr_array_index(names, k);
        json_t *value = tp_json_path(root, field);
        const char *s = json_string_value(value);
        gsize len = json_string_length(value);
        g_array_set_size(spans, 0);
        Cursor at = {0, 0};
        json_array_foreach(entities, i, ent) {
            const char *f = str_member(ent, "field");
            if (strcmp(f ? f : "text", field) != 0)
                continue;
            const char *type = str_member(ent, "type");
            json_t *js = json_object_get(ent, "start"), *je = json_object_get(ent, "end");
            if (!json_is_object(ent) || !known_type(type) || !json_is_integer(js) ||
                !json_is_integer(je)) {
                g_string_append_printf(problems,
                                       "; entity %zu has no type of the four, start or end", i);
                continue;
            }
            if (s == NULL) {
                g_string_append_printf(problems, "; entity %zu: \"%s\" is not a string", i, field);
                continue;
            }
            gssize b0 = byte_offset(s, len, unit, json_integer_value(js), &at);
            Cursor at_end = at;
            gssize b1 = byte_offset(s, len, unit, json_integer_value(je), &at_end);
            if (b0 < 0 || b1 < b0) {
                g_string_append_printf(problems,
                                       "; entity %zu: [%" JSON_INTEGER_FORMAT
                                       ", %" JSON_INTEGER_FORMAT ") is not a span of \"%s\"",
                                       i, json_integer_value(js), json_integer_value(je), field);
                continue;
            }
            const char *text = str_member(ent, "text");
            if (text && (strlen(text) != (gsize)(b1 - b0) || memcmp(text, s + b0, strlen(text)))) {
                g_string_append_printf(problems,
                                       "; entity %zu: \"text\" differs from its span of \"%s\" "
                                       "(offsets not in %s?)",
                                       i, field, opt_offsets ? opt_offsets : "codepoint");
                continue;
            }
            Span sp = {(gsize)b0, (gsize)b1, (guint)i, ent};
            g_array_append_val(spans, sp);
            for (guint t = 0; t < G_N_ELEMENTS(type_names); t++)
                counts[t] += strcmp(type, type_names[t]) == 0;
        }
        if (s == NULL)
            continue; /* a field this record lacks */
        g_string_append(out, "<section class=field><h3>");
        append_escaped_str(out, field);
        g_string_append(out, "</h3><div class=text data-field=\"");
        append_escaped_str(out, field);
        g_string_append(out, "\">");
        render_text(out, s, len, spans, entities);
        g_string_append(out, "</div></section>\n");
        totals->entities += spans->len;
    }
    g_array_free(spans, TRUE);
    g_ptr_array_free(names, TRUE);

    g_string_append(out, "<p class=summary>");
    if (entities == NULL)
        g_string_append(out, "not tagged (no &quot;entities&quot;)");
    else
        for (guint t = 0; t < G_N_ELEMENTS(type_names); t++)
            g_string_append_printf(out, "%s%u %s", t ? ", " : "", counts[t], type_names[t]);
    g_string_append(out, "</p>\n");

    if (topics && json_array_size(topics) > 0) {
        g_string_append(out, "<ul class=topics>");
        json_t *top;
        json_array_foreach(topics, i, top) {
            const char *label = str_member(top, "label");
            double score = json_number_value(json_object_get(top, "score"));
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append(out, "<li>");
            append_escaped_str(out, label ? label : "?");
            g_string_append_printf(
                out, "<span class=bar><span style=\"width:%s%%\"></span></span>",
                g_ascii_formatd(buf, sizeof buf, "%.1f", CLAMP(score, 0.0, 1.0) * 100.0));
            g_string_append(out, g_ascii_formatd(buf, sizeof buf, "%.2f", score));
            if (str_member(top, "code")) {
                g_string_append(out, " <code>");
                append_escaped_str(out, str_member(top, "code"));
                g_string_append(out, "</code>");
            }
            g_string_append(out, "</li>");
        }
        g_string_append(out, "</ul>\n");
    }
    gboolean ok = problems->len == 0;
    if (!ok) {
        g_string_append(out, "<p class=problem>");
        append_escaped_str(out, problems->str + 2);
        g_string_append(out, "</p>\n");
        *out_problem = g_strdup(problems->str + 2);
    }
    g_string_free(problems, TRUE);
    g_string_append(out, "</article>\n");
    totals->docs++;
    return ok;
}

/* ---- reading ---- */

static gboolean write_out(const GString *s) {
    return fwrite(s->str, 1, s->len, stdout) == s->len;
}

/* The longest line `tagpipe html` reads (a tagged line can be long). */
#define HTML_MAX_LINE ((gsize)1 << 30)

/* Render every line of `in` (named `name`); FALSE when a write failed. */
static gboolean render_stream(CliInput *in, const char *name, Unit unit, const char *const *fields,
                              Totals *totals) {
    guint64 lineno = 0;
    GString *out = g_string_new(NULL);
    gboolean written = TRUE;
    while (written) {
        const char *p;
        gsize len;
        g_autoptr(GError) io = NULL;
        CliRead r = cli_input_read_line(in, &p, &len, &io);
        if (r == CLI_READ_INTERRUPTED)
            continue;
        if (r == CLI_READ_EOF)
            break;
        if (r == CLI_READ_ERROR) {
            fprintf(stderr, "tagpipe html: %s: %s\n", name, io->message);
            totals->bad++;
            break;
        }
        lineno++;
        if (p == NULL) {
            fprintf(stderr,
                    "tagpipe html: %s:%" G_GUINT64_FORMAT ": line of %" G_GSIZE_FORMAT
                    " bytes is too long; not shown\n",
                    name, lineno, len);
            totals->bad++;
            continue;
        }
        if (len == 0)
            continue;
        g_autofree char *bad = NULL;
        json_t *root = cli_json_object(p, len, 0, &bad);
        if (root == NULL) {
            fprintf(stderr, "tagpipe html: %s:%" G_GUINT64_FORMAT ": %s\n", name, lineno, bad);
            totals->bad++;
            continue;
        }
        g_autofree char *where = g_strdup_printf("%s:%" G_GUINT64_FORMAT, name, lineno);
        g_autofree char *problem = NULL;
        g_string_set_size(out, 0);
        if (!render_doc(out, root, totals->docs, where, unit, fields, totals, &problem)) {
            fprintf(stderr, "tagpipe html: %s: %s\n", where, problem);
            totals->bad++;
        }
        json_decref(root);
        written = write_out(out);
    }
    g_string_free(out, TRUE);
    return written;
}

int html_main(int argc, char **argv) {
    cli_parse_options("tagpipe html", &argc, &argv, option_entries, summary, description);
    Unit unit = UNIT_CODEPOINT;
    if (opt_offsets == NULL || strcmp(opt_offsets, "codepoint") == 0)
        unit = UNIT_CODEPOINT;
    else if (strcmp(opt_offsets, "byte") == 0)
        unit = UNIT_BYTE;
    else if (strcmp(opt_offsets, "utf16") == 0)
        unit = UNIT_UTF16;
    else
        cli_usage_error("--offsets must be codepoint, byte or utf16, not '%s'", opt_offsets);
    static const char *const default_fields[] = {"text", NULL};
    const char *const *fields = opt_fields ? (const char *const *)opt_fields : default_fields;
    const char *title = opt_title ? opt_title : "tagpipe";

    GString *page = g_string_new("<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
                                 "<meta name=viewport content=\"width=device-width\">\n<title>");
    append_escaped_str(page, title);
    g_string_append(page, "</title>\n");
    g_string_append(page, page_head_css);
    g_string_append(page, "</head>\n<body>\n<header><h1>");
    append_escaped_str(page, title);
    g_string_append(page, "</h1><div class=legend>");
    for (guint t = 0; t < G_N_ELEMENTS(type_names); t++)
        g_string_append_printf(page, "<mark class=%s>%s</mark>", type_names[t], type_names[t]);
    g_string_append(page, "<small>hover a name for its canonical name, id, score and links"
                          "</small></div></header>\n<main>\n");
    gboolean written = write_out(page);

    Totals totals = {0};
    static const char *const stdin_only[] = {"-", NULL};
    const char *const *inputs =
        opt_inputs && opt_inputs[0] ? (const char *const *)opt_inputs : stdin_only;
    for (guint i = 0; written && inputs[i]; i++) {
        gboolean is_stdin = strcmp(inputs[i], "-") == 0;
        const char *name = is_stdin ? "<stdin>" : inputs[i];
        g_autoptr(GError) io = NULL;
        CliInput *in = cli_input_open(inputs[i], HTML_MAX_LINE, &io);
        if (in == NULL) {
            fprintf(stderr, "tagpipe html: %s: %s\n", name, io->message);
            totals.bad++;
            continue;
        }
        written = render_stream(in, name, unit, fields, &totals);
        cli_input_free(in);
    }

    g_string_set_size(page, 0);
    g_string_append_printf(page,
                           "</main>\n<footer class=summary>%" G_GUINT64_FORMAT
                           " documents, %" G_GUINT64_FORMAT " entities",
                           totals.docs, totals.entities);
    if (totals.bad)
        g_string_append_printf(page, ", %" G_GUINT64_FORMAT " problems (see stderr)", totals.bad);
    g_string_append(page, "</footer>\n");
    g_string_append(page, page_check_js);
    g_string_append(page, "</body>\n</html>\n");
    if (written)
        written = write_out(page);
    g_string_free(page, TRUE);

    if (!cli_close_stdout(written ? 0 : (errno ? errno : EIO)))
        return EXIT_WRITE;
    return totals.bad ? EXIT_BAD : EXIT_OK;
}
