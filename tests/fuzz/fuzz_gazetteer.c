/* SPDX-License-Identifier: MIT */
/* fuzz_gazetteer.c: libFuzzer target: arbitrary bytes as a gazetteer or lexicon file, then a tag.
 */

#include "tagpipe.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char *path;
    if (path == NULL) {
        int fd = g_file_open_tmp("tp-fuzz-XXXXXX.tsv", &path, NULL);
        if (fd < 0)
            abort();
        close(fd);
    }
    /* No fsync and no rename: the file is scratch, and fsync cost 10x the exec rate. */
    if (!g_file_set_contents_full(path, (const char *)data, (gssize)size, G_FILE_SET_CONTENTS_NONE,
                                  0600, NULL))
        abort();
    g_autoptr(GError) error = NULL;
    TpKnowledge *k = tp_knowledge_new();
    if (tp_knowledge_load_file(k, path, &error)) {
        /* What loaded must also tag: the office index and the lexicon are used here. */
        TpTagger *t = tp_tagger_new(k, NULL);
        const TpEntity *ents;
        gsize n;
        static const char text[] = "Mr John Smith, the US defence secretary, met President Macron "
                                   "of France and the Foreign Minister in Kyiv on Monday.";
        if (t == NULL || !tp_tagger_tag_text(t, text, -1, &ents, &n, NULL))
            abort();
        tp_tagger_free(t);
    } else if (error == NULL || error->domain != TP_ERROR) {
        abort();
    }
    tp_knowledge_free(k);
    return 0;
}
