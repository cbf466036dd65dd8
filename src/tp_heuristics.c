/* SPDX-License-Identifier: MIT */
/* tp_heuristics.c: entities the gazetteers cannot know, found from cues in the text. */

#include "tp_private.h"

#include <string.h>

/* A document-local id from a surface name: "Henry Moore" -> "local:person/henry-moore". */
static const char *local_id(GStringChunk *strings, TpEntityType type, const char *name) {
    g_autoptr(GString) key = g_string_new(NULL);
    tp_text_fold(key, name, strlen(name));
    g_autoptr(GString) id = g_string_new("local:");
    g_string_append(id, tp_entity_type_name(type));
    g_string_append_c(id, '/');
    gboolean dash = FALSE;
    for (const char *p = key->str; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isalnum(c)) {
            if (dash)
                g_string_append_c(id, '-');
            g_string_append_unichar(id, c);
            dash = FALSE;
        } else if (id->str[id->len - 1] != '/') {
            dash = TRUE;
        }
    }
    return g_string_chunk_insert_const(strings, id->str);
}

static gboolean is_name_word(const TpToken *t) {
    return (t->flags & TP_TOK_WORD) && (t->flags & TP_TOK_CAP) && !(t->flags & TP_TOK_DIGIT);
}

/* A byline: a line that is "By" and a name of two to four capitalized words,
 * ending the line or followed by a comma ("By Henry Moore, Political
 * Editor"). News sites put the author there; nothing else reads like it. */
void tp_heuristics_bylines(const char *text, const TpTokens *tt, GStringChunk *strings,
                           GArray *out) {
    guint n = tt->toks->len;
    for (guint i = 0; i + 2 < n; i++) {
        const TpToken *by = tp_tok(tt, i);
        if (!(by->flags & TP_TOK_NL) || !(by->flags & TP_TOK_CAP) ||
            strcmp(tp_tok_key(tt, by), "by") != 0)
            continue;
        guint j = i + 1;
        while (j < n && j - i <= 4 && is_name_word(tp_tok(tt, j)) &&
               (j == i + 1 || !(tp_tok(tt, j)->flags & TP_TOK_NL)))
            j++;
        guint words = j - i - 1;
        if (words < 2 || words > 4)
            continue;
        if (j < n) {
            const TpToken *after = tp_tok(tt, j);
            if (!(after->flags & TP_TOK_NL) && strcmp(tp_tok_key(tt, after), ",") != 0)
                continue;
        }
        const TpToken *a = tp_tok(tt, i + 1), *b = tp_tok(tt, j - 1);
        g_autofree char *name = g_strndup(text + a->start, b->end - a->start);
        TpHeuristic h = {
            .first = i + 1,
            .last = j - 1,
            .type = TP_ENTITY_PERSON,
            .name = g_string_chunk_insert_const(strings, name),
            .id = local_id(strings, TP_ENTITY_PERSON, name),
            .score = 0.7,
        };
        g_array_append_val(out, h);
    }
}
