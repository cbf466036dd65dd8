/* SPDX-License-Identifier: MIT */
/* fuzz_tag.h: what the loader targets do with knowledge they accepted: tag one
 * fixed text and abort on anything out of contract (a failed tag, a score
 * outside [0, 1], an entity without a name, a topic without a label). */

#ifndef FUZZ_TAG_H
#define FUZZ_TAG_H

#include "tp_knowledge.h"

#include <stdlib.h>

static void fuzz_tag_once(const TpKnowledge *k) {
    TpTagger *t = tp_tagger_new(k, NULL);
    if (t == NULL)
        return; /* a stemmer language that does not exist: reported, not a crash */
    const TpEntity *ents;
    gsize n;
    static const char text[] = "Mr John Smith met Acme Holdings officials in Springfield. "
                               "US defence secretary Pete Hegseth said the election was won 3-1. "
                               "The Ministry of Goals agreed.";
    if (!tp_tagger_tag_text(t, text, -1, &ents, &n, NULL))
        abort();
    for (gsize i = 0; i < n; i++)
        if (!(ents[i].score >= 0.0 && ents[i].score <= 1.0) || ents[i].name == NULL)
            abort();
    const TpTopic *topics = tp_tagger_topics(t, 0.0, 17, &n);
    for (gsize i = 0; i < n; i++)
        if (!(topics[i].score >= 0.0 && topics[i].score <= 1.0) || topics[i].label == NULL)
            abort();
    tp_tagger_free(t);
}

#endif /* FUZZ_TAG_H */
