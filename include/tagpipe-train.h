/* SPDX-License-Identifier: MIT */
/* tagpipe-train.h: fit a topic model of your own from labelled documents
 * (what `tagpipe train` does), with the same features tagging computes. */

#ifndef TAGPIPE_TRAIN_H
#define TAGPIPE_TRAIN_H

#include "tagpipe.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The trainer: labelled documents in, a model file out. */
typedef struct TpTrainer TpTrainer;

typedef struct {
    const char *stemmer;          /* Snowball language of the model */
    guint epochs;                 /* passes over the training documents */
    double learning_rate;         /* AdaGrad step size */
    double l2;                    /* L2 penalty on the weights, per document */
    guint min_count;              /* a feature must occur in this many documents */
    guint64 seed;                 /* document order and calibration folds */
    guint calibrate_folds;        /* folds of cross-validation to fit the temperature; 0: none */
    double prune;                 /* leave out weights smaller than this (after centering) */
    gboolean one_of;              /* a document's labels are alternatives, one of them right */
    const char *const *stopwords; /* words left out of the features, or NULL */
    const char *const *exclude;   /* prefixes of features left out ("e:", "b:"), or NULL */
    guint average; /* fits averaged, with seeds seed .. seed + average - 1 (1: one) */
} TpTrainOptions;

/* A topic as the model file names it: KEY, CODE (or NULL), LABEL, parent KEY (or NULL). */
typedef struct {
    const char *key;
    const char *code;
    const char *label;
    const char *parent;
} TpTrainTopic;

/* What tp_trainer_fit() did, for the report. */
typedef struct {
    guint n_documents;
    guint n_topics;
    guint n_features_seen;
    guint n_features_used; /* after min_count */
    guint n_features_kept; /* with a weight in the model file */
    guint n_weights;
    double temperature;
    double cv_accuracy; /* held-out top-label accuracy of the calibration folds, or -1 */
    double cv_log_loss; /* held-out log-loss after temperature scaling, or -1 */
} TpTrainReport;

TP_API void tp_train_options_init(TpTrainOptions *options);
/* A trainer that tags documents with `knowledge` (gazetteers loaded, no topic
 * model: the trainer installs its collecting model there until freed, so the
 * knowledge must not be used by anything else meanwhile). */
TP_API TpTrainer *tp_trainer_new(TpKnowledge *knowledge, const TpTrainOptions *options,
                                 GError **error);
TP_API void tp_trainer_free(TpTrainer *trainer);
/* Name the topics (in this order) before adding documents; labels not named
 * here are added after them, in the order they are first seen. */
TP_API void tp_trainer_set_topics(TpTrainer *trainer, const TpTrainTopic *topics, guint n);
/* Add one document: its text fields (NULL-terminated, valid UTF-8), its
 * labels (NULL-terminated, at least one) and its weight (> 0). */
TP_API gboolean tp_trainer_add(TpTrainer *trainer, const char *const *texts,
                               const char *const *labels, double weight, GError **error);
TP_API guint tp_trainer_n_documents(const TpTrainer *trainer);
/* Fit the model and append its file text to `out`. Deterministic for a seed. */
TP_API gboolean tp_trainer_fit(TpTrainer *trainer, GString *out, TpTrainReport *report,
                               GError **error);

/* Name the topics from a taxonomy file ("# tagpipe-taxonomy 1", then KEY,
 * CODE or -, LABEL and an optional parent=KEY per line, tab-separated), as
 * tp_trainer_set_topics() does. TP_ERROR_PARSE "FILE:LINE: ..." on a bad line. */
TP_API gboolean tp_trainer_load_taxonomy(TpTrainer *trainer, const char *path, GError **error);

/* The words of a stop word file ("# tagpipe-stopwords 1", then one word per
 * line), stemmed for `stemmer` as the model's features are: what
 * TpTrainOptions.stopwords takes. (transfer full) */
TP_API char **tp_train_read_stopwords(const char *path, const char *stemmer, GError **error);

/* ---- the entity model (models/entities.model): `tagpipe train-entities` ---- */

typedef enum {
    TP_ENTITY_TRAIN_PERCEPTRON, /* averaged perceptron */
    TP_ENTITY_TRAIN_LOGISTIC,   /* multinomial logistic regression, AdaGrad, L2 */
} TpEntityTrainAlgorithm;

typedef struct {
    TpEntityTrainAlgorithm algorithm;
    guint epochs;
    guint64 seed;
    double learning_rate; /* logistic: AdaGrad step size */
    double l2;            /* logistic: L2 penalty per occurrence of a feature */
} TpEntityTrainOptions;

/* A name of a training document: code-point offsets and its type (person,
 * place or organization; other types are ignored). */
typedef struct {
    gsize start;
    gsize end;
    TpEntityType type;
} TpGoldName;

/* How much a learner has seen. */
typedef struct {
    guint documents;
    guint gold;       /* gold names */
    guint covered;    /* gold names that are also candidates */
    guint candidates; /* training examples */
} TpEntityLearnCounts;

/* Learns the entity model from documents with gold names: each is tagged
 * with `knowledge` (its gazetteers and lexicons, as when tagging), and every
 * candidate span becomes an example labelled by the gold names. */
typedef struct TpEntityLearner TpEntityLearner;

TP_API TpEntityLearner *tp_entity_learner_new(const TpKnowledge *knowledge,
                                              const TpEntityTrainOptions *options, GError **error);
TP_API void tp_entity_learner_free(TpEntityLearner *learner);
/* With `dump` set, each candidate is appended to it as a line (START END
 * CLASS DOCUMENT FEATURE..., tab-separated) instead of being learnt. */
TP_API void tp_entity_learner_set_dump(TpEntityLearner *learner, GString *dump);
TP_API gboolean tp_entity_learner_add(TpEntityLearner *learner, const char *text, gssize len,
                                      const TpGoldName *gold, gsize n_gold, GError **error);
TP_API void tp_entity_learner_counts(const TpEntityLearner *learner, TpEntityLearnCounts *counts);
/* Fit and append the model file to `out`, after the comment lines
 * `provenance` (NULL-terminated, or NULL). Same documents and options: same bytes. */
TP_API void tp_entity_learner_fit(TpEntityLearner *learner, const char *const *provenance,
                                  GString *out);

#ifdef __cplusplus
}
#endif

#endif /* TAGPIPE_TRAIN_H */
