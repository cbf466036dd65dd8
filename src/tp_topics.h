/* SPDX-License-Identifier: MIT */
/* tp_topics.h: the topic model, document features and scores (tp_topics.c; not installed). */

#ifndef TP_TOPICS_H
#define TP_TOPICS_H

#include "tp_image.h"
#include "tp_text.h"

typedef struct TpTopicModel TpTopicModel;
typedef struct TpTopicScratch TpTopicScratch;

/* How a feature's count in a document becomes its value (the model file's
 * `scaling` line): `log` is 1 + ln(count); `log-norm` divides that by the
 * square root of the document's feature occurrences. */
typedef enum {
    TP_TOPIC_SCALING_LOG,
    TP_TOPIC_SCALING_LOG_NORM,
} TpTopicScaling;

/* Receives one document's features (names and values, in order of first
 * occurrence) from a collecting model; both arrays are borrowed for the call. */
typedef void (*TpTopicCollectFunc)(const char *const *features, const double *values, guint n,
                                   gpointer data);

TpTopicModel *tp_topic_model_load(const char *path, GError **error);
/* The same from `len` bytes of model text; `name` is used in messages. */
TpTopicModel *tp_topic_model_parse(const char *name, const char *contents, gsize len,
                                   GError **error);
/* A model with no topics whose scratches keep every feature of a document and
 * hand them to `collect` when the document's scores are asked for (the
 * trainer's view of exactly what the tagger computes). Scaling log-norm;
 * `stopwords` (NULL-terminated, or NULL) are left out of the features. */
TpTopicModel *tp_topic_model_new_collector(const char *stemmer, const char *const *stopwords,
                                           TpTopicCollectFunc collect, gpointer data);
void tp_topic_model_free(TpTopicModel *model);
/* Add the model's sections to an image (borrowed until it is saved). */
void tp_topic_model_write(const TpTopicModel *model, TpImageWriter *w);
/* The model whose records are borrowed from `img` (which must outlive it),
 * checked; NULL without `error` set when the image has no model,
 * TP_ERROR_FORMAT "IMAGE: ..." when it is malformed. */
TpTopicModel *tp_topic_model_from_image(const TpImage *img, GError **error);
guint tp_topic_model_n_topics(const TpTopicModel *model);
/* Append the model's stop words to `out` (borrowed); returns how many. */
guint tp_topic_model_stopwords(const TpTopicModel *model, GPtrArray *out);
/* Key of topic `i` (and its label in `out_label`, if not NULL). */
const char *tp_topic_model_key(const TpTopicModel *model, guint i, const char **out_label);
const char *tp_topic_scaling_name(TpTopicScaling scaling);
/* The form in which the stemmer of language `stemmer` sees `word` (and in
 * which stop words are compared), into `out`. */
void tp_topic_stem_input(const char *stemmer, const char *word, GString *out);
/* Value of a feature seen `count` times in a document of `n_occurrences` features. */
double tp_topic_feature_value(TpTopicScaling scaling, guint count, guint64 n_occurrences);

TpTopicScratch *tp_topic_scratch_new(const TpTopicModel *model, GError **error);
void tp_topic_scratch_free(TpTopicScratch *scratch);
void tp_topic_scratch_reset(TpTopicScratch *scratch);
/* Add the words of one tokenized text to the document's features. */
void tp_topic_add_tokens(TpTopicScratch *scratch, const char *text, const TpTokens *tt);
/* Add one entity of the text to the document's features (type, the
 * gazetteer's `kind` or NULL, id or NULL). */
void tp_topic_add_entity(TpTopicScratch *scratch, TpEntityType type, const char *kind,
                         const char *id);
/* Scores of the document so far, best first, filtered; owned by `scratch`.
 * With a collecting model: hands the features over and returns none. */
const TpTopic *tp_topic_scores(TpTopicScratch *scratch, double min_score, gsize max, gsize *out_n);
/* Append to `out`, for each topic written (as with TP_TOPIC_THRESHOLDS, at most
 * `max_topics`), its score and the `max_features` features of the document
 * that moved it most (weight times value, largest magnitude first). */
void tp_topic_explain(TpTopicScratch *scratch, gsize max_topics, gsize max_features, GString *out);

#endif /* TP_TOPICS_H */
