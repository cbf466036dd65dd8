/* SPDX-License-Identifier: MIT */
/* fuzz_image.c: libFuzzer target: arbitrary bytes as a compiled knowledge image, then a tag. */

#include "tp_knowledge.h"
#include "tp_image.h"
#include "fuzz_tag.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* A mutated byte almost always breaks the checksum, and a mismatch is
     * refused before anything is trusted: so the harness writes the right
     * checksum (header bytes 24..31) into the copy, and the section checks
     * are what the fuzzer reaches. An odd first byte of the checksum field
     * keeps it as it came, so the mismatch path runs too. */
    g_autofree guint8 *copy = g_memdup2(data, size ? size : 1);
    if (size >= 64 && (copy[24] & 1) == 0) {
        guint64 sum = tp_image_checksum_bytes(copy + 64, size - 64, FALSE);
        memcpy(copy + 24, &sum, sizeof sum);
    }
    g_autoptr(GError) error = NULL;
    TpImage *img = tp_image_new_from_data("fuzz.tpimage", copy, size, &error);
    if (img == NULL) {
        if (error == NULL || error->domain != TP_ERROR)
            abort();
        return 0;
    }
    TpKnowledge *k = tp_knowledge_from_image(img, &error);
    if (k == NULL) {
        if (error == NULL || error->domain != TP_ERROR || strstr(error->message, "IMAGE: ") == NULL)
            abort();
        return 0;
    }
    g_autoptr(GString) d = g_string_new(NULL);
    tp_knowledge_describe(k, d);
    fuzz_tag_once(k);
    tp_knowledge_free(k);
    return 0;
}
