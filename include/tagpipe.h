/* SPDX-License-Identifier: MIT */
/* tagpipe.h: tag people, offices, places, organizations and topics in news text. */

/*
 * Ownership: objects from `_new` are released with the matching `_free`
 * (which accepts NULL); returned strings and arrays are borrowed from their
 * owner and stay valid until the owner is freed or its next tagging call,
 * unless marked (transfer full).
 */

#ifndef TAGPIPE_H
#define TAGPIPE_H

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TP_VERSION_MAJOR 0
#define TP_VERSION_MINOR 1
#define TP_VERSION_PATCH 0
#define TP_VERSION "0.1.0"
#define TP_VERSION_HEX ((TP_VERSION_MAJOR << 16) | (TP_VERSION_MINOR << 8) | TP_VERSION_PATCH)

#if defined(_WIN32)
#define TP_API
#else
#define TP_API __attribute__((visibility("default")))
#endif

/* Errors reported by the library, in the domain TP_ERROR. */
#define TP_ERROR (tp_error_quark())
typedef enum {
    TP_ERROR_IO,     /* a file could not be read */
    TP_ERROR_PARSE,  /* input is not well formed (JSON, gazetteer line, model line) */
    TP_ERROR_FORMAT, /* well formed but not acceptable (wrong type, bad UTF-8, member clash) */
    TP_ERROR_LIMIT,  /* beyond what tagpipe or Jansson can represent */
} TpErrorCode;

TP_API GQuark tp_error_quark(void);

typedef enum {
    TP_ENTITY_PERSON,
    TP_ENTITY_OFFICE,
    TP_ENTITY_PLACE,
    TP_ENTITY_ORGANIZATION,
    TP_ENTITY_N_TYPES
} TpEntityType;

/* Units of the offsets written by tp_tagger_tag_line(). */
typedef enum {
    TP_OFFSETS_CODEPOINTS, /* Unicode code points (Python str indexing); the default */
    TP_OFFSETS_BYTES,      /* UTF-8 bytes */
    TP_OFFSETS_UTF16,      /* UTF-16 code units (JavaScript string indexing) */
} TpOffsetUnit;

/* One entity found in a text. Strings are borrowed from the TpTagger that
 * produced it (or its TpKnowledge) and stay valid until the next tagging call
 * on that tagger. `country`, `id` and `holder` may be NULL. */
typedef struct {
    TpEntityType type;
    gsize start_byte; /* half-open range in the UTF-8 text, in bytes */
    gsize end_byte;
    gsize start_cp; /* the same range in Unicode code points */
    gsize end_cp;
    const char *name;           /* canonical name */
    const char *id;             /* stable id from the gazetteer, or a document-local id */
    const char *country;        /* ISO 3166-1 alpha-2, or NULL */
    const char *source;         /* "gazetteer" or "heuristic" */
    double score;               /* confidence in [0,1] */
    const char *holder;         /* offices: id of the person holding it in this text, or NULL */
    const char *const *offices; /* persons: ids of the offices linked to them */
    gsize n_offices;
} TpEntity;

/* One topic of a text, with its score in [0,1]. Strings are borrowed from
 * the TpKnowledge. */
typedef struct {
    const char *label; /* lower-case IPTC name, e.g. "politics" */
    const char *code;  /* e.g. "medtop:11000000" */
    double score;
} TpTopic;

/* Loaded gazetteers and models: immutable once tagging starts, shared
 * read-only by every thread. */
typedef struct TpKnowledge TpKnowledge;

/* Per-thread tagging state: scratch buffers, the stemmer, the last result.
 * A TpTagger must not be used by two threads at once. */
typedef struct TpTagger TpTagger;

/*
 * Create an empty knowledge object. Add gazetteers and a topic model with the
 * calls below, then hand it to tp_tagger_new(). Free it with
 * tp_knowledge_free() after every tagger made from it has been freed.
 */
TP_API TpKnowledge *tp_knowledge_new(void);
TP_API void tp_knowledge_free(TpKnowledge *knowledge);

/*
 * Load one gazetteer or lexicon file (format in gazetteers/FORMAT.md; the
 * header line says which). On a bad line nothing of the file is kept and
 * `error` (TP_ERROR_PARSE or _FORMAT) says "FILE:LINE: problem"; TP_ERROR_IO
 * when the file cannot be read. Not thread-safe: load before tagging.
 */
TP_API gboolean tp_knowledge_load_file(TpKnowledge *knowledge, const char *path, GError **error);

/*
 * Load every `*.tsv` of `dir` and of `dir/lexicon`, in name order, with
 * tp_knowledge_load_file(). Stops at the first failure.
 */
TP_API gboolean tp_knowledge_load_dir(TpKnowledge *knowledge, const char *dir, GError **error);

/*
 * Load the topic model `path` (format "# tagpipe-topic-model 1"). Replaces a
 * model loaded before. Errors as for tp_knowledge_load_file().
 */
TP_API gboolean tp_knowledge_load_topic_model(TpKnowledge *knowledge, const char *path,
                                              GError **error);

/*
 * Load the weights of the cues that type names no gazetteer lists (format
 * "# tagpipe-cues 1", models/cues.tsv). Without them only gazetteer names
 * and bylines are found.
 */
TP_API gboolean tp_knowledge_load_cues(TpKnowledge *knowledge, const char *path, GError **error);

/*
 * Load the fitted entity model `path` (format "# tagpipe-entities 1",
 * models/entities.model, written by `tagpipe train-entities`). With it, one
 * linear model types or rejects every candidate name and the cues are not
 * used. Replaces a model loaded before (or one a knowledge image holds);
 * NULL `path` drops it, and the cues type names. Errors as for
 * tp_knowledge_load_file().
 */
/* Whether an entity model is loaded (from a file or a knowledge image). */
TP_API gboolean tp_knowledge_has_entity_model(const TpKnowledge *knowledge);
TP_API gboolean tp_knowledge_load_entity_model(TpKnowledge *knowledge, const char *path,
                                               GError **error);

/*
 * Print, per loaded file, its entry and alias counts per type, and totals,
 * as lines of text appended to `out`.
 */
TP_API void tp_knowledge_describe(const TpKnowledge *knowledge, GString *out);

/*
 * The folder of the shipped data (holding gazetteers/ and models/):
 * $TAGPIPE_DATA_DIR when set; the source tree for a program of the build
 * folder; else `<exe dir>/../share/tagpipe` when it exists; else the install
 * location. Never NULL; the folder may not exist. (transfer full: g_free)
 */
TP_API char *tp_data_dir(void);

/*
 * Create a knowledge object with the shipped gazetteers, topic model, entity
 * model and cues of tp_data_dir() loaded, ready for tp_tagger_new(). Returns NULL with
 * `error` set as by the tp_knowledge_load_ calls. Free with
 * tp_knowledge_free(). Not thread-safe while it runs.
 */
TP_API TpKnowledge *tp_knowledge_new_default(GError **error);

/*
 * Write everything `knowledge` holds (gazetteers, lexicons, the office
 * index, topic model and cues, and the names, sizes and times of the files
 * they came from) to the compiled image `path`, replacing it atomically.
 * TP_ERROR_IO when it cannot be written. Tagging with the image gives the
 * same output as with the knowledge itself.
 */
TP_API gboolean tp_knowledge_save_image(const TpKnowledge *knowledge, const char *path,
                                        GError **error);

/*
 * Create a knowledge object from the compiled image `path`, memory-mapped
 * read-only (nothing is parsed: the pages are shared by all threads and
 * processes). An image that is truncated, corrupted (checksum), of another
 * format version or byte order, or whose offsets are out of range is
 * refused with TP_ERROR_FORMAT "PATH: IMAGE: problem"; TP_ERROR_IO when it
 * cannot be read. More files may be loaded into it afterwards (they copy
 * the records first). Free with tp_knowledge_free().
 */
TP_API TpKnowledge *tp_knowledge_new_from_image(const char *path, GError **error);

/*
 * For a knowledge object made from an image: TRUE when every file it was
 * compiled from still has the size and modification time it had then;
 * else FALSE with TP_ERROR_FORMAT "PATH: IMAGE: stale: FILE changed ...".
 * TRUE for knowledge loaded from text.
 */
TP_API gboolean tp_knowledge_check_sources(const TpKnowledge *knowledge, GError **error);

/*
 * Load the gazetteer files `paths` (NULL-terminated) into `base`, through
 * the cache: when `base` comes from an image, the result is compiled once
 * into $XDG_CACHE_HOME/tagpipe (g_get_user_cache_dir()), keyed by the image
 * and the files' bytes, and later calls map that image instead (an edited
 * file misses and is compiled again). Takes `base` over and returns the
 * knowledge to use (maybe another object), or NULL with `error` set as by
 * tp_knowledge_load_file() (`base` then freed). A cache entry that is bad
 * is replaced and said in `out_warning` (transfer full, or NULL); a cache
 * folder that cannot be written is no error.
 */
TP_API TpKnowledge *tp_knowledge_add_files_cached(TpKnowledge *base, const char *const *paths,
                                                  char **out_warning, GError **error);

/*
 * The shipped image with the gazetteer files `paths` (NULL-terminated)
 * loaded, through the cache as tp_knowledge_add_files_cached() does, but
 * without reading the shipped image through when the cache has them (its
 * header names it in the key; the cached image's own sources are checked).
 * Returns NULL with `*out_fallback` TRUE when there is no usable shipped
 * image (`error` says why, unless there is none at all): load the text files
 * instead. Returns NULL with `*out_fallback` FALSE when a file of `paths`
 * failed to load (`error` as by tp_knowledge_load_file()).
 */
TP_API TpKnowledge *tp_knowledge_new_default_image_cached(const char *const *paths,
                                                          gboolean *out_fallback,
                                                          char **out_warning, GError **error);

/*
 * The compiled image of the shipped data: tagpipe.image beside the data of
 * tp_data_dir() (for a program of the build folder, the build folder's).
 * The file may not exist. (transfer full: g_free)
 */
TP_API char *tp_data_image_path(void);

/*
 * The shipped image (tp_data_image_path()) as a knowledge object, when it
 * exists, is sound and no file it was compiled from has changed since. NULL
 * without `error` set when there is none; NULL with TP_ERROR_FORMAT
 * "PATH: IMAGE: problem" when it is unusable. tp_knowledge_new_default()
 * tries this first and loads the text files on any failure.
 */
TP_API TpKnowledge *tp_knowledge_new_default_image(GError **error);

/*
 * Create a tagger over `knowledge`, which must outlive it and must not be
 * changed any more. Cheap enough to make one per thread. Returns NULL with
 * `error` set if the topic model's stemmer language is unavailable.
 */
TP_API TpTagger *tp_tagger_new(const TpKnowledge *knowledge, GError **error);
TP_API void tp_tagger_free(TpTagger *tagger);

/*
 * Tag one text: `text` is UTF-8 of `len` bytes (-1: NUL-terminated). On
 * success `*out_entities` points to `*out_n` entities sorted by start, end
 * and type, owned by the tagger until its next call. Texts tagged between two
 * tp_tagger_reset() calls are one document: later mentions ("Healey") take
 * the entity of earlier full names ("John Healey"). Fails with
 * TP_ERROR_FORMAT if `text` is not valid UTF-8.
 */
TP_API gboolean tp_tagger_tag_text(TpTagger *tagger, const char *text, gssize len,
                                   const TpEntity **out_entities, gsize *out_n, GError **error);

/*
 * Topics of the text given to the last tp_tagger_tag_text() calls since
 * tp_tagger_reset() (a document may have several fields), best first. At
 * most `max` topics scoring at least `min_score`, or, with `min_score`
 * TP_TOPIC_THRESHOLDS, each at least its own threshold from the model
 * (TP_TOPIC_DEFAULT_MIN_SCORE where it has none; the best topic of a text with
 * words at least TP_TOPIC_FLOOR). Owned by the tagger.
 */
#define TP_TOPIC_THRESHOLDS (-1.0)
#define TP_TOPIC_DEFAULT_MIN_SCORE 0.25
#define TP_TOPIC_FLOOR 0.1
TP_API const TpTopic *tp_tagger_topics(TpTagger *tagger, double min_score, gsize max, gsize *out_n);

/*
 * Why the last document got its topics: for each topic tp_tagger_topics()
 * gives with TP_TOPIC_THRESHOLDS (at most `max_topics`), a line "LABEL SCORE
 * (bias B, threshold T)" and up to `max_features` lines "  +W FEATURE (COUNT)",
 * the features that moved it most, appended to `out`. Not thread-safe on one
 * tagger; nothing is appended without a topic model.
 */
TP_API void tp_tagger_explain_topics(TpTagger *tagger, gsize max_topics, gsize max_features,
                                     GString *out);

/* Forget the document seen so far: the next tp_tagger_tag_text() starts a new one. */
TP_API void tp_tagger_reset(TpTagger *tagger);

/* What tp_tagger_tag_line() reads and writes. */
typedef struct {
    const char *const *fields; /* NULL-terminated dotted paths; NULL means {"text"} */
    TpOffsetUnit offsets;
    double min_topic_score;
    gsize max_topics;
    double min_score; /* entities scoring below it are left out (0: keep all) */
    gboolean replace; /* drop "entities"/"topics" members already there instead of failing */
    const char *const *entity_members; /* NULL-terminated names of the entity members to
                                          write ("text", "type", "start" ...); NULL: all */
    gsize max_entities; /* a line with more entities (all its fields together) fails with
                           TP_ERROR_LIMIT; 0: no limit */
} TpLineOptions;

/*
 * Tag one JSON object given as `len` bytes of `line` (no line terminator)
 * and append to `out` the same bytes with "entities" and "topics" members
 * spliced in before the closing brace. Fails, appending nothing, when the
 * line is not a JSON object Jansson can hold, is not valid UTF-8, has a
 * selected field that is not a string, already has such members (unless
 * `replace`) or more than `max_entities` entities; the
 * error message then says what is wrong, without file or line.
 */
TP_API gboolean tp_tagger_tag_line(TpTagger *tagger, const char *line, gsize len,
                                   const TpLineOptions *options, GString *out, GError **error);

/* The member at a dotted path ("article.body") of a Jansson object, through
 * nested objects, as --field reads it; NULL when a step is missing or not an
 * object. Borrowed. (For embedders that parse lines with Jansson themselves.) */
struct json_t;
TP_API struct json_t *tp_json_path(struct json_t *root, const char *path);

/* The topics of the loaded topic model: their number, and the key (and
 * label) of topic `i`. 0 and NULL without a model. */
TP_API guint tp_knowledge_n_topics(const TpKnowledge *knowledge);
TP_API const char *tp_knowledge_topic(const TpKnowledge *knowledge, guint i, const char **label);

/* What the last successful tp_tagger_tag_line() wrote. */
typedef struct {
    guint fields_found;                /* selected fields present (not null) */
    gsize entities[TP_ENTITY_N_TYPES]; /* entities written, by type */
    gsize topics;                      /* topics written */
} TpLineSummary;

/* Fill `summary` for the last line tp_tagger_tag_line() tagged on `tagger`
 * (all zero before the first, or after a failed one). Its topics are those of
 * tp_tagger_topics() with the same options, until the next call. */
TP_API void tp_tagger_line_summary(const TpTagger *tagger, TpLineSummary *summary);

/* Lower-case name of an entity type ("person", "office", "place", "organization"). */
TP_API const char *tp_entity_type_name(TpEntityType type);

#ifdef __cplusplus
}
#endif

#endif /* TAGPIPE_H */
