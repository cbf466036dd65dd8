/* SPDX-License-Identifier: MIT */
/* json_agree.h: the line scanner (tp_json.h) against Jansson, for
 * tests/unit/test_json.c and tests/fuzz/fuzz_json.c. */

#ifndef JSON_AGREE_H
#define JSON_AGREE_H

#include "tp_json.h"

#include <jansson.h>
#include <string.h>

typedef enum {
    JSON_UNSURE,   /* the scanner left the line to Jansson */
    JSON_AGREE,    /* it answered, and Jansson reads the same members */
    JSON_DISAGREE, /* it answered otherwise than Jansson: a bug */
} JsonAgreement;

/* Scan `line` (valid UTF-8 without NUL: what tp_tagger_tag_line hands the
 * scanner) for `names` and, when the scanner answers, compare each name's
 * kind and decoded bytes, and whether the object has members, with
 * json_loadb's tree (the flags tp_line.c parses with). */
static inline JsonAgreement json_agree(const char *line, gsize len, const char *const *names,
                                       guint n) {
    TpJsonMember *got = g_new(TpJsonMember, n);
    guint members = 0;
    GString *scratch = g_string_new(NULL);
    JsonAgreement result = JSON_UNSURE;
    if (tp_json_scan_object(line, len, names, n, got, &members, scratch)) {
        json_error_t jerr;
        json_t *root = json_loadb(
            line, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &jerr);
        result = root && json_is_object(root) && (members > 0) == (json_object_size(root) > 0)
                     ? JSON_AGREE
                     : JSON_DISAGREE;
        for (guint k = 0; k < n && result == JSON_AGREE; k++) {
            json_t *v = json_object_get(root, names[k]);
            TpJsonKind want = v == NULL           ? TP_JSON_ABSENT
                              : json_is_null(v)   ? TP_JSON_NULL
                              : json_is_string(v) ? TP_JSON_STRING
                                                  : TP_JSON_OTHER;
            if (got[k].kind != want || (got[k].count > 0) != (v != NULL) ||
                (want == TP_JSON_STRING &&
                 (got[k].len != json_string_length(v) ||
                  memcmp(got[k].str, json_string_value(v), got[k].len) != 0)))
                result = JSON_DISAGREE;
        }
        if (root)
            json_decref(root);
    }
    g_string_free(scratch, TRUE);
    g_free(got);
    return result;
}

#endif /* JSON_AGREE_H */
