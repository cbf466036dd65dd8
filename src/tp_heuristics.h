/* SPDX-License-Identifier: MIT */
/* tp_heuristics.h: cues and the names they type where no gazetteer lists one (tp_heuristics.c; not
 * installed). */

#ifndef TP_HEURISTICS_H
#define TP_HEURISTICS_H

#include "tp_gazetteer.h"

/* Cues that type a name no gazetteer lists; weights per type in models/cues.tsv. */
typedef enum {
    TP_CUE_BIAS,
    TP_CUE_HONORIFIC_BEFORE,
    TP_CUE_TITLE_BEFORE,
    TP_CUE_GIVEN_NAME_FIRST,
    TP_CUE_GIVEN_NAME_ONLY,
    TP_CUE_SURNAME_KNOWN,
    TP_CUE_PARTICLE_INSIDE,
    TP_CUE_ORG_HEAD_LAST,
    TP_CUE_ORG_HEAD_INSIDE,
    TP_CUE_ORG_SUFFIX,
    TP_CUE_ACRONYM,
    TP_CUE_PLACE_PREPOSITION,
    TP_CUE_REGION_AFTER_COMMA,
    TP_CUE_BASED_SUFFIX,
    TP_CUE_SAID_AFTER,
    TP_CUE_POSSESSIVE_ROLE,
    TP_CUE_MULTI_TOKEN,
    TP_CUE_SINGLE_TOKEN,
    TP_CUE_SENTENCE_START,
    TP_CUE_ALL_CAPS_LINE,
    TP_CUE_THE_BEFORE,
    TP_CUE_DEMONYM_FIRST,
    TP_CUE_N
} TpCue;

typedef struct {
    double w[TP_CUE_N][TP_ENTITY_N_TYPES];
    double threshold;
    gboolean loaded;
} TpCues;

const char *tp_cue_name(TpCue cue);
/* Load models/cues.tsv ("# tagpipe-cues 1"): every cue must have weights. */
gboolean tp_cues_load(TpCues *cues, const char *path, GError **error);
/* Add loaded cues to an image (nothing when not loaded). */
void tp_cues_write(const TpCues *cues, TpImageWriter *w);
/* The cues of an image, checked (not loaded when it has none). */
gboolean tp_cues_from_image(TpCues *cues, const TpImage *img, GError **error);

/* An entity proposed from cues in the text, over tokens [first, last]. It
 * competes with gazetteer matches in the one overlap resolution. */
typedef struct {
    guint32 first;
    guint32 last;
    TpEntityType type;
    const char *name; /* in the tagger's per-document string chunk */
    const char *id;
    double score;
    guint32 cues; /* TpCue bits that held */
    gboolean byline;
} TpHeuristic;

/* Is token i a preposition that introduces places ("in", "near", "from")? */
gboolean tp_is_place_preposition(const TpTokens *tt, guint i);

/* A document-local id for a name known only from the text. */
const char *tp_local_id(GStringChunk *strings, TpEntityType type, const char *name);

/* Append to `out` (TpHeuristic) the authors of bylines: "By Henry Moore" on a
 * line of its own. */
void tp_heuristics_bylines(const char *text, const TpTokens *tt, GStringChunk *strings,
                           GArray *out);

/* Append to `out` (TpHeuristic) the capitalized names that the kept
 * gazetteer matches (`gaz_kept`, covering `gaz_taken`) do not explain, typed by
 * cues; tokens of offices (`off_taken`) are never part of a name. */
void tp_heuristics_names(const TpKnowledge *k, const char *text, const TpTokens *tt,
                         const guint8 *gaz_taken, const TpMatchIndex *gaz_kept,
                         const guint8 *off_taken, GStringChunk *strings, GArray *out);

#endif /* TP_HEURISTICS_H */
