/* SPDX-License-Identifier: MIT */
/* fuzz_json.c: libFuzzer target: the input line scanner (tp_json.h) against
 * Jansson on arbitrary bytes. Whenever the scanner answers, Jansson must
 * read the line as an object with the same members, to the byte. */

#include "tp_json.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const names[] = {"text", "title", "entities", "topics"};
    enum { N = G_N_ELEMENTS(names) };
    const char *line = (const char *)data;
    /* What tp_tagger_tag_line hands the scanner: valid UTF-8, no NUL. */
    if (!g_utf8_validate_len(line, size, NULL))
        return 0;
    TpJsonMember got[N];
    guint members = 0;
    GString *scratch = g_string_new(NULL);
    gboolean sure = tp_json_scan_object(line, size, names, N, got, &members, scratch);
    if (sure) {
        json_error_t jerr;
        json_t *root = json_loadb(
            line, size, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &jerr);
        if (root == NULL || !json_is_object(root))
            abort();
        if ((members > 0) != (json_object_size(root) > 0))
            abort();
        for (guint k = 0; k < N; k++) {
            json_t *v = json_object_get(root, names[k]);
            TpJsonKind want = v == NULL           ? TP_JSON_ABSENT
                              : json_is_null(v)   ? TP_JSON_NULL
                              : json_is_string(v) ? TP_JSON_STRING
                                                  : TP_JSON_OTHER;
            if (got[k].kind != want || (got[k].count > 0) != (v != NULL))
                abort();
            if (want == TP_JSON_STRING &&
                (got[k].len != json_string_length(v) ||
                 memcmp(got[k].str, json_string_value(v), got[k].len) != 0))
                abort();
        }
        json_decref(root);
    }
    g_string_free(scratch, TRUE);
    return 0;
}
