/* SPDX-License-Identifier: MIT */
/* tp_candidates.h: every span that could be a name, its features, and the fitted linear model
 * that types or rejects it (models/entities.model). */

#ifndef TP_CANDIDATES_H
#define TP_CANDIDATES_H

#include "tagpipe-train.h"
#include "tp_image.h"
#include "tp_knowledge.h"
#include "tp_tagger.h"

/* The model's classes, in the model file's column order. */
typedef enum {
    TP_CLASS_NONE,
    TP_CLASS_PERSON,
    TP_CLASS_PLACE,
    TP_CLASS_ORGANIZATION,
    TP_CLASS_N
} TpClass;

TpEntityType tp_class_type(TpClass cls);
const char *tp_class_name(TpClass cls);

/* Where a candidate came from (bits). */
enum {
    TP_CAND_GAZETTEER = 1 << 0, /* a gazetteer alias matched exactly this span */
    TP_CAND_RUN = 1 << 1,       /* a span of a capitalized run */
    TP_CAND_BYLINE = 1 << 2,    /* "By Henry Moore" on a line of its own */
};

#define TP_CAND_NO_VALUE G_MAXUINT32

/* One span [first, last] of tokens that could be a name. */
typedef struct {
    guint32 first;
    guint32 last;
    guint32 name_first;        /* `first`, or past a leading honorific ("Mr [Trump]") */
    guint32 origin;            /* TP_CAND_* bits */
    guint32 value[TP_CLASS_N]; /* best gazetteer value per class, or TP_CAND_NO_VALUE */
    double prior[TP_CLASS_N];  /* its entry's prior */
    double score[TP_CLASS_N];  /* the model's scores, filled by tp_entity_model_score */
    TpClass cls;               /* the best class other than none */
    double margin;             /* score[cls] - score[none] */
} TpCand;

/* What candidate generation and feature extraction read. */
typedef struct {
    const TpKnowledge *k;
    const char *text;
    const TpTokens *tt;          /* interned (tp_gazetteer_lexicon_tokens) */
    const TpMatchIndex *matches; /* every gazetteer match, by first token */
    const guint8 *off_taken;     /* tokens of offices */
    const guint32 *words;        /* per token: what the word lists say (tp_cand_words) */
} TpCandContext;

/* Append to `out` (TpCand, ordered by first token, then last) every span
 * that could be a name: each gazetteer reading (offices aside), each span
 * of a capitalized run that starts and ends on a capitalized word (titles,
 * demonyms and connectors inside, so that boundaries are choices), and the
 * bylines of `bylines` (TpHeuristic). */
void tp_cands_build(const TpCandContext *cx, const GArray *bylines, GArray *out);

/* Per-document facts the features read (the same name elsewhere, longer
 * forms, acronyms' definitions); tp_cand_doc_prepare fills it for a text. */
typedef struct TpCandDoc TpCandDoc;
typedef struct TpFeatMemo TpFeatMemo; /* below */
TpCandDoc *tp_cand_doc_new(void);
void tp_cand_doc_free(TpCandDoc *doc);
/* What the candidates' word lists say of each token of `tt`, for
 * TpCandContext.words; valid until the next call with `doc`. */
const guint32 *tp_cand_words(TpCandDoc *doc, const TpTokens *tt);
void tp_cand_doc_prepare(TpCandDoc *doc, const TpCandContext *cx, const GArray *cands);

/* Replace `out` with the features of candidate `i` of `cands`, each a
 * NUL-terminated string, one after the other; returns how many. No feature
 * holds a word of the candidate itself: context words appear only as
 * lexicon classes or as one of a closed list of function words. */
guint tp_cand_features(const TpCandContext *cx, const TpCandDoc *doc, const GArray *cands, guint i,
                       GString *out);

/* ---- the model (models/entities.model, "# tagpipe-entities 1") ---- */

TpEntityModel *tp_entity_model_load(const char *path, GError **error);
TpEntityModel *tp_entity_model_parse(const char *name, const char *contents, gsize len,
                                     GError **error);
void tp_entity_model_free(TpEntityModel *model);
guint tp_entity_model_n_features(const TpEntityModel *model);
/* Score `n` features (as from tp_cand_features) into c->score, c->cls, c->margin. */
void tp_entity_model_score(const TpEntityModel *model, const char *features, guint n, TpCand *c);
/* Score candidate `i` of `cands` as tp_cand_features() then
 * tp_entity_model_score() would, to the same doubles, without keeping its
 * features (`scratch` holds one too long for the stack). */
void tp_cand_score(const TpCandContext *cx, const TpCandDoc *doc, GArray *cands, guint i,
                   const TpEntityModel *model, GString *scratch, TpFeatMemo *memo);

/* The weights of the features met before, by template and values: what
 * spares tp_cand_score building and looking up most feature names (NULL
 * there: none kept). One per tagger; scores are the same with or without. */
TpFeatMemo *tp_feat_memo_new(void);
void tp_feat_memo_free(TpFeatMemo *memo);
/* Lookups it answered, those it did not (each then kept), and keys kept. */
void tp_feat_memo_stats(const TpFeatMemo *memo, guint64 *hits, guint64 *misses, guint *keys);
/* The model as image sections (its table, names and weights, as they are
 * in memory), and back: borrowed from `img`, checked, nothing parsed.
 * `present` says whether the image has a model at all (NULL then, and no
 * error). */
void tp_entity_model_write(const TpEntityModel *model, TpImageWriter *w);
TpEntityModel *tp_entity_model_from_image(const TpImage *img, gboolean *present, GError **error);
/* Confidence in [0,1] of a margin, by the model's scale. */
double tp_entity_model_confidence(const TpEntityModel *model, double margin);

/* Keep the best non-overlapping candidates of `cands` with a positive margin:
 * greedy by margin (then longer, then leftmost). `taken` is scratch. The kept
 * ones are left in `cands`, ordered by first token. */
void tp_cands_resolve(GArray *cands, GByteArray *taken, guint n_tok);

/* ---- the trainer (tp_entity_train.c): an averaged perceptron ---- */

typedef struct TpEntityTrainer TpEntityTrainer;

/* TpEntityTrainAlgorithm and TpEntityTrainOptions: tagpipe-train.h. */

TpEntityTrainer *tp_entity_trainer_new(const TpEntityTrainOptions *options);
void tp_entity_trainer_free(TpEntityTrainer *trainer);
/* Add one candidate: `n` features (NUL-separated in `features`) and its gold class. */
void tp_entity_trainer_add(TpEntityTrainer *trainer, const char *features, guint n, TpClass gold);
guint tp_entity_trainer_n_examples(const TpEntityTrainer *trainer);
/* Fit and append the model file to `out`, after the comment lines
 * `provenance` (each line without '#', NULL-terminated, or NULL).
 * Same examples, same options: same bytes. */
void tp_entity_trainer_fit(TpEntityTrainer *trainer, const char *const *provenance, GString *out);

/* ---- the tagger's side (tp_tagger.c) ---- */

/* Receives one candidate of a text: its code-point span, where the name
 * proper starts (past a leading honorific: the mention "Mr Trump" names
 * "Trump"; else `start_cp`) and its features. */
typedef void (*TpCandFunc)(guint32 start_cp, guint32 name_start_cp, guint32 end_cp,
                           const char *features, guint n, gpointer data);

/* Find the candidates of `text` exactly as tp_tagger_tag_text() does and hand
 * each with its features to `func`: what the trainer learns from. */
gboolean tp_tagger_collect_candidates(TpTagger *tagger, const char *text, gssize len,
                                      TpCandFunc func, gpointer data, GError **error);

/* Receives one candidate's features and the scores tp_tagger_tag_text()
 * gave it (tp_cand_score, with the tagger's memo). */
typedef void (*TpScoredFunc)(const char *features, guint n, const double *score, gpointer data);

/* As tp_tagger_collect_candidates, with each candidate's scores: for tests
 * that the scores are those of its features (tp_entity_model_score). The
 * tagger's memo, for its figures: tp_tagger_feat_memo. */
gboolean tp_tagger_collect_scored(TpTagger *tagger, const char *text, gssize len, TpScoredFunc func,
                                  gpointer data, GError **error);
const TpFeatMemo *tp_tagger_feat_memo(const TpTagger *tagger);

#endif /* TP_CANDIDATES_H */
