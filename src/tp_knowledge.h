/* SPDX-License-Identifier: MIT */
/* tp_knowledge.h: the knowledge bundle: what it holds and who loaded it from where (tp_knowledge.c,
 * tp_knowledge_image.c; not installed). */

#ifndef TP_KNOWLEDGE_H
#define TP_KNOWLEDGE_H

#include "tp_gazetteer.h"
#include "tp_heuristics.h"
#include "tp_image.h"
#include "tp_link.h"
#include "tp_topics.h"

typedef struct TpEntityModel TpEntityModel;

/* A file the knowledge was loaded from, with its size and time then
 * (tp_knowledge_check_sources() compares them with the file now). */
typedef struct {
    char *path;
    gboolean is_dir; /* a folder of *.tsv files: `size` is a hash of their names */
    gint64 size;     /* -1: could not be read */
    gint64 mtime;    /* seconds */
} TpKnowledgeSource;

struct TpKnowledge {
    TpGazetteer *gaz;
    TpTopicModel *topics;    /* or NULL: every document gets an empty topic list */
    TpCues cues;             /* not loaded: no heuristic names */
    TpEntityModel *entities; /* the fitted typing (tp_candidates.h), or NULL: the cues decide */
    TpOfficeIndex offices;   /* derived from `gaz` by tp_knowledge_finish() */
    gboolean stale;          /* loaded since the last finish: `offices` is out of date */
    GMutex finish_lock;      /* taggers may be made from several threads */
    TpImage *image;          /* what the records above borrow from, or NULL */
    GArray *sources;         /* TpKnowledgeSource, in load order, or NULL */
};

/* Build what is derived from the loaded records (the office index), once,
 * after the last load: every loader marks the knowledge stale, and the first
 * tagger made or image saved after it finishes it. The bundle's derived part
 * is a cache of what was loaded, so this is done through a `const` bundle
 * (under `finish_lock`); nothing a caller can see changes but the speed. */
void tp_knowledge_finish(const TpKnowledge *k);

/* Put `model` in place of the bundle's topic model (the trainer's
 * collector); returns the one it held, or NULL. */
TpTopicModel *tp_knowledge_swap_topic_model(TpKnowledge *k, TpTopicModel *model);

/* Record `path` as a source of `k` (tp_knowledge_image.c). */
void tp_knowledge_add_source(TpKnowledge *k, const char *path);
void tp_knowledge_add_source_dir(TpKnowledge *k, const char *dir);
/* The knowledge of the opened image `img` (taken over, also on failure):
 * its sections checked, then its checksum. */
TpKnowledge *tp_knowledge_from_image(TpImage *img, GError **error);
void tp_knowledge_sources_free(TpKnowledge *k);

#endif /* TP_KNOWLEDGE_H */
