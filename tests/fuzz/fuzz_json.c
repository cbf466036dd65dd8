/* SPDX-License-Identifier: MIT */
/* fuzz_json.c: libFuzzer target: the input line scanner (tp_json.h) against
 * Jansson on arbitrary bytes. Whenever the scanner answers, Jansson must
 * read the line as an object with the same members, to the byte. */

#include "json_agree.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const names[] = {"text", "title", "entities", "topics"};
    const char *line = (const char *)data;
    /* What tp_tagger_tag_line hands the scanner: valid UTF-8, no NUL. */
    if (!g_utf8_validate_len(line, size, NULL))
        return 0;
    if (json_agree(line, size, names, G_N_ELEMENTS(names)) == JSON_DISAGREE)
        abort();
    return 0;
}
