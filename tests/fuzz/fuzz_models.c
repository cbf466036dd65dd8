/* SPDX-License-Identifier: MIT */
/* fuzz_models.c: libFuzzer target: arbitrary bytes as a topic model or a cues file, then a tag. */

#include "tp_knowledge.h"
#include "fuzz_tag.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static TpKnowledge *shipped; /* gazetteers only: the models come from the input */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static char *path;

/* The test gazetteers, once, outside the timed runs. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    shipped = tp_knowledge_new();
    if (!tp_knowledge_load_dir(shipped, TESTDATA "/gazetteers", NULL))
        abort();
    int fd = g_file_open_tmp("tp-fuzz-XXXXXX.tsv", &path, NULL);
    if (fd < 0)
        abort();
    close(fd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    g_autoptr(GError) error = NULL;
    /* The first byte picks the loader: even, the topic model (from memory); odd, the cues. */
    if ((data[0] & 1) == 0) {
        TpTopicModel *m =
            tp_topic_model_parse("fuzz.model", (const char *)data + 1, size - 1, &error);
        if (m == NULL) {
            if (error == NULL || error->domain != TP_ERROR)
                abort();
            return 0;
        }
        TpTopicModel *saved = shipped->topics;
        shipped->topics = m;
        fuzz_tag_once(shipped);
        shipped->topics = saved;
        tp_topic_model_free(m);
    } else {
        /* No fsync and no rename: the file is scratch, and fsync cost 10x the exec rate. */
        if (!g_file_set_contents_full(path, (const char *)data + 1, (gssize)size - 1,
                                      G_FILE_SET_CONTENTS_NONE, 0600, NULL))
            abort();
        TpCues saved = shipped->cues;
        if (!tp_cues_load(&shipped->cues, path, &error)) {
            if (error == NULL || error->domain != TP_ERROR)
                abort();
            return 0;
        }
        fuzz_tag_once(shipped);
        shipped->cues = saved;
    }
    return 0;
}
