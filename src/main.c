/* SPDX-License-Identifier: MIT */
/* main.c: the tagpipe command: options, reading lines, the worker threads, ordered output. */

#include "tagpipe.h"
#include "tp_build.h"
#include "cli_html.h"
#include "cli_common.h"
#include "train_main.h"
#include "cli_compile.h"
#include "cli_input.h"
#include "cli_report.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

/* Exit statuses, as listed in --help and the README. */
enum {
    EXIT_OK = 0,       /* every line tagged */
    EXIT_UNTAGGED = 1, /* some lines (or input files) could not be tagged */
    EXIT_USAGE = 2,    /* bad command line */
    EXIT_LOAD = 3,     /* gazetteers or models failed to load */
    EXIT_WRITE = 4,    /* output could not be written */
};

/* Features shown per topic by --explain-topics. */
#define EXPLAIN_FEATURES 8

typedef enum { ON_ERROR_PASS, ON_ERROR_SKIP, ON_ERROR_FAIL } OnError;

/* ---- options: the one place each tunable is defined ---- */

static char **opt_fields = NULL;
static int opt_threads = 0;
static char *opt_gazetteer_dir = NULL;
static char **opt_gazetteer_files = NULL;
static char *opt_models_dir = NULL;
static char *opt_image = NULL;
static char *opt_on_error = NULL;
static char *opt_offsets = NULL;
static double opt_min_score = 0.0;
static double opt_min_topic_score = NAN; /* unset: the model's per-topic thresholds */
static int opt_max_topics = 3;
static gboolean opt_unbuffered = FALSE;
static gboolean opt_list_gazetteers = FALSE;
static gboolean opt_explain_topics = FALSE;
static gboolean opt_version = FALSE;
static gint64 opt_max_line_bytes = (gint64)64 << 20;
static gint64 opt_max_entities = 1000000;
static gint64 opt_line_offset = 0;
static gboolean opt_progress = FALSE;
static gboolean opt_no_progress = FALSE;
static gboolean opt_stats = FALSE;
static gboolean opt_replace = FALSE;
static char *opt_entity_members = NULL;
static gboolean opt_hand_typing = FALSE;
static int opt_max_messages = 100;
static char **opt_inputs = NULL;

static const GOptionEntry option_entries[] = {
    {"field", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &opt_fields,
     "Tag the string member NAME (a.b: nested; repeatable)", "NAME"},
    {"threads", 'j', 0, G_OPTION_ARG_INT, &opt_threads,
     "Tag with N threads (0, the default: one per CPU)", "N"},
    {"gazetteers", 0, 0, G_OPTION_ARG_FILENAME, &opt_gazetteer_dir,
     "Load the shipped gazetteers from DIR", "DIR"},
    {"gazetteer", 'g', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_gazetteer_files,
     "Also load the gazetteer or lexicon FILE (repeatable)", "FILE"},
    {"models", 0, 0, G_OPTION_ARG_FILENAME, &opt_models_dir,
     "Load the topic, entity and cue models from DIR", "DIR"},
    {"hand-typing", 0, 0, G_OPTION_ARG_NONE, &opt_hand_typing,
     "Type names by hand-set cues, not the fitted model", NULL},
    {"image", 0, 0, G_OPTION_ARG_FILENAME, &opt_image,
     "Load the compiled knowledge IMAGE (tagpipe compile)", "IMAGE"},
    {"on-error", 0, 0, G_OPTION_ARG_STRING, &opt_on_error,
     "A bad line: pass (as it is; default), skip or fail", "POLICY"},
    {"offsets", 0, 0, G_OPTION_ARG_STRING, &opt_offsets,
     "start/end in codepoint (default), byte or utf16", "UNIT"},
    {"min-score", 0, 0, G_OPTION_ARG_DOUBLE, &opt_min_score,
     "Leave out entities scoring below X (default 0)", "X"},
    {"min-topic-score", 0, 0, G_OPTION_ARG_DOUBLE, &opt_min_topic_score,
     "Leave out topics below X (default: the model's)", "X"},
    {"max-topics", 0, 0, G_OPTION_ARG_INT, &opt_max_topics,
     "Write at most N topics per line (default 3)", "N"},
    {"unbuffered", 'u', 0, G_OPTION_ARG_NONE, &opt_unbuffered, "Flush the output after every line",
     NULL},
    {"explain-topics", 0, 0, G_OPTION_ARG_NONE, &opt_explain_topics,
     "Print each line's topics and why, not the line", NULL},
    {"list-gazetteers", 0, 0, G_OPTION_ARG_NONE, &opt_list_gazetteers,
     "List the loaded gazetteers with counts, then exit", NULL},
    {"max-line-bytes", 0, 0, G_OPTION_ARG_INT64, &opt_max_line_bytes,
     "A longer line is a bad line (default 64 MiB)", "N"},
    {"max-entities", 0, 0, G_OPTION_ARG_INT64, &opt_max_entities,
     "More entities make a bad line (default 1000000)", "N"},
    {"line-offset", 0, 0, G_OPTION_ARG_INT64, &opt_line_offset,
     "Number lines from N+1 in messages (for chunks)", "N"},
    {"replace", 0, 0, G_OPTION_ARG_NONE, &opt_replace,
     "Re-tag lines that have entities/topics (old ones go)", NULL},
    {"entity-members", 0, 0, G_OPTION_ARG_STRING, &opt_entity_members,
     "Write only these members (e.g. text,type,start,end)", "LIST"},
    {"progress", 0, 0, G_OPTION_ARG_NONE, &opt_progress,
     "Show progress on stderr (default on a terminal)", NULL},
    {"no-progress", 0, 0, G_OPTION_ARG_NONE, &opt_no_progress, "Do not show progress", NULL},
    {"stats", 0, 0, G_OPTION_ARG_NONE, &opt_stats, "Print a JSON summary on stderr at the end",
     NULL},
    {"max-messages", 0, 0, G_OPTION_ARG_INT, &opt_max_messages,
     "Show N messages of a kind, then count (default 100)", "N"},
    {"version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, "Print the version and exit", NULL},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_inputs, NULL, "[FILE...]"},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

static const char summary[] =
    "Tag people, offices, places, organizations and topics in JSON lines.\n"
    "Reads one JSON object per line from the FILEs (or standard input, also\n"
    "named -) and writes each line back with \"entities\" and \"topics\" added.\n"
    "\n"
    "  echo '{\"text\":\"Mr Trump met the mayor of Paris.\"}' | tagpipe\n"
    "\n"
    "'tagpipe html' shows tagged lines as a web page; 'tagpipe train' and\n"
    "'tagpipe train-entities' fit topic and entity models (each has --help).";

static const char description[] =
    "Examples:\n"
    "  tagpipe --field title --field text news.jsonl > tagged.jsonl\n"
    "  tagpipe --stats archive.jsonl.gz | jq -c '[.entities[].name]'\n"
    "  tagpipe --on-error=skip --max-line-bytes 1000000 < feed.jsonl\n"
    "  parallel --pipepart -a big.jsonl --keep-order tagpipe -j 1 --no-progress\n"
    "\n"
    "FILEs may be gzip-compressed (found by content, not by name). A line that\n"
    "cannot be tagged is reported on stderr as FILE:LINE and handled by\n"
    "--on-error. SIGINT or SIGTERM stops reading; the lines read are finished\n"
    "and written whole, then tagpipe exits 130 or 143.\n"
    "\n"
    "Exit status:\n"
    "  0  every line was tagged\n"
    "  1  some lines (or input files) could not be tagged; each is reported\n"
    "  2  usage error\n"
    "  3  the gazetteers or models could not be loaded\n"
    "  4  the output could not be written\n"
    "  130, 143  stopped by SIGINT, SIGTERM\n";

/* The text files of the shipped data, or of --gazetteers and --models. */
static TpKnowledge *load_text_knowledge(GError **error) {
    TpKnowledge *k = tp_knowledge_new();
    g_autofree char *gdir =
        opt_gazetteer_dir ? g_strdup(opt_gazetteer_dir) : cli_data_dir("gazetteers");
    g_autofree char *mdir = opt_models_dir ? g_strdup(opt_models_dir) : cli_data_dir("models");
    g_autofree char *model = g_build_filename(mdir, "topics.model", NULL);
    g_autofree char *cues = cli_cues_path(opt_models_dir);
    gboolean ok = tp_knowledge_load_dir(k, gdir, error);
    if (ok)
        ok = tp_knowledge_load_topic_model(k, model, error);
    if (ok)
        ok = tp_knowledge_load_cues(k, cues, error);
    if (!ok) {
        tp_knowledge_free(k);
        return NULL;
    }
    return k;
}

/* The knowledge to tag with: --image, else the shipped image when it is
 * sound and fresh (a bad one is said and the text files loaded instead),
 * else the text files; then the --gazetteer files, through the cache. */
static TpKnowledge *load_knowledge(void) {
    g_autoptr(GError) error = NULL;
    TpKnowledge *k = NULL;
    const char *const *files = (const char *const *)opt_gazetteer_files;
    gboolean files_loaded = FALSE;
    gboolean from_image = FALSE; /* an image holds its own entity model, or none */
    if (opt_image) {
        k = tp_knowledge_new_from_image(opt_image, &error);
        from_image = TRUE;
    } else {
        if (!opt_gazetteer_dir && !opt_models_dir) {
            g_autofree char *warning = NULL;
            gboolean fallback = TRUE;
            if (files)
                k = tp_knowledge_new_default_image_cached(files, &fallback, &warning, &error);
            else
                k = tp_knowledge_new_default_image(&error);
            if (warning)
                fprintf(stderr, "tagpipe: warning: %s\n", warning);
            if (k == NULL && !fallback) {
                fprintf(stderr, "tagpipe: %s\n", error->message);
                return NULL;
            }
            if (k == NULL && error) {
                fprintf(stderr, "tagpipe: warning: %s; loading the text files\n", error->message);
                g_clear_error(&error);
            }
            files_loaded = k != NULL && files != NULL;
            from_image = k != NULL;
        }
        if (k == NULL)
            k = load_text_knowledge(&error);
    }
    if (k && files && !files_loaded) {
        g_autofree char *warning = NULL;
        k = tp_knowledge_add_files_cached(k, (const char *const *)opt_gazetteer_files, &warning,
                                          &error);
        if (warning)
            fprintf(stderr, "tagpipe: warning: %s\n", warning);
    }
    /* The fitted entity model: an image's own, else by the rule `tagpipe
     * train` follows too; --hand-typing drops it. */
    g_autofree char *entities = k && !opt_hand_typing && !from_image
                                    ? cli_entity_model_path(opt_gazetteer_dir, opt_models_dir)
                                    : NULL;
    if (k && opt_hand_typing)
        tp_knowledge_load_entity_model(k, NULL, NULL);
    if (entities && !tp_knowledge_load_entity_model(k, entities, &error)) {
        tp_knowledge_free(k);
        k = NULL;
    }
    if (k == NULL)
        fprintf(stderr, "tagpipe: %s\n", error->message);
    return k;
}

/* ---- jobs: one input line on its way through ---- */

typedef struct {
    const char *source; /* input name for messages, "<stdin>" */
    guint64 lineno;
    char *line; /* without its terminator */
    gsize len;
    GString *out;          /* the output line, without newline; NULL: write nothing */
    char *problem;         /* why the line was not tagged, or NULL */
    gboolean whole_input;  /* the problem is the input's, not a line's */
    gboolean line_dropped; /* the line's bytes were not kept: nothing to pass */
    gboolean pretty;       /* unparsable, and looks like a line of pretty-printed JSON */
    gboolean blank;
    CliErrorKind kind;            /* of `problem` */
    guint n_by_type[CLI_N_TYPES]; /* entities written, for --stats */
    char **topics;                /* topic labels written, for --stats, or NULL */
    guint64 bytes_done;           /* input bytes read when this line was read */
    gboolean done;
} Job;

typedef struct {
    const TpKnowledge *k;
    TpTagger **taggers; /* one per worker, made and checked before reading starts */
    guint next_tagger;  /* atomic: the next worker's index into `taggers` */
    TpLineOptions lopt;
    OnError on_error;
    /* Shared by reader, workers and writer, under `lock`. */
    GMutex lock;
    GCond cond_done; /* a job finished */
    /* The writer waits on cond_done; the jobs finished since it was last
     * woken (see worker_main). */
    gboolean writer_waiting;
    guint done_unwoken;
    GCond cond_space; /* a slot was freed */
    /* The reader waits on cond_space, for room for a line of this many bytes. */
    gboolean reader_waiting;
    gsize reader_needs;
    Job **ring;
    guint64 cap;
    guint64 next_in;
    guint64 next_out;
    gsize bytes_in_flight;
    gboolean input_ended;
    gboolean stop;        /* --on-error=fail tripped, or a write failed */
    GAsyncQueue *queue;   /* jobs for the workers; a NULL-line job ends a worker */
    gint n_untagged;      /* atomic */
    gint field_seen;      /* atomic: some line had one of the selected fields */
    gboolean hinted;      /* the writer gave the pretty-printed JSON hint */
    CliReport *report;    /* the writer's */
    guint64 bytes_before; /* the reader's: bytes of the inputs before this one */
    gboolean line_flush;  /* flush after each line: --unbuffered, or stdout is a terminal */
    int write_errno;      /* 0 or the errno of the failed write */
    /* Test hook (TAGPIPE_TEST_FLUSH_DELAY_US): the writer sleeps this long
     * after an idle flush, with the lock free, which widens the window a
     * lost wake-up once hung in (tests/cli/runner.sh). */
    gulong test_flush_delay_us;
} Run;

/* A blank line (white space only) passes through as it is. */
static gboolean is_blank(const char *s, gsize len) {
    for (gsize i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return FALSE;
    return TRUE;
}

/* What a tagged line's added members hold, for --stats and the no-field warning. */
static void count_members(Job *job, TpTagger *tagger, Run *run, gboolean want_topics) {
    TpLineSummary sum;
    tp_tagger_line_summary(tagger, &sum);
    for (int t = 0; t < CLI_N_TYPES; t++)
        job->n_by_type[t] = (guint)sum.entities[t];
    if (sum.fields_found > 0 && !g_atomic_int_get(&run->field_seen))
        g_atomic_int_set(&run->field_seen, 1);
    if (!want_topics)
        return;
    gsize n = 0;
    const TpTopic *ts =
        tp_tagger_topics(tagger, run->lopt.min_topic_score, run->lopt.max_topics, &n);
    job->topics = g_new0(char *, n + 1);
    for (gsize i = 0; i < n; i++)
        job->topics[i] = g_strdup(ts[i].label);
}

/* A line that is only "{" or "[": the input is pretty-printed JSON. */
static gboolean looks_pretty_printed(const char *s, gsize len) {
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    while (len > 0 && (*s == ' ' || *s == '\t'))
        s++, len--;
    return len == 1 && (*s == '{' || *s == '[');
}

static void process_job(TpTagger *tagger, Run *run, Job *job) {
    if (job->line_dropped)
        return;
    if (is_blank(job->line, job->len)) {
        job->blank = TRUE;
        job->out = g_string_new_len(job->line, job->len);
        return;
    }
    job->out = g_string_sized_new(job->len + 256);
    g_autoptr(GError) error = NULL;
    if (!tp_tagger_tag_line(tagger, job->line, job->len, &run->lopt, job->out, &error)) {
        job->kind = cli_error_kind(error->code, error->message);
        /* The hint goes on the first such line in input order: the writer
         * adds it (workers finish in any order). */
        job->pretty = job->kind == CLI_ERR_JSON && looks_pretty_printed(job->line, job->len);
        job->problem = g_strdup(error->message);
    } else {
        count_members(job, tagger, run, opt_stats);
        if (opt_explain_topics) {
            g_string_truncate(job->out, 0);
            tp_tagger_explain_topics(tagger, run->lopt.max_topics, EXPLAIN_FEATURES, job->out);
        }
    }
    if (job->problem) {
        g_string_truncate(job->out, 0);
        if (run->on_error == ON_ERROR_PASS) {
            g_string_append_len(job->out, job->line, job->len);
        } else {
            g_string_free(job->out, TRUE);
            job->out = NULL;
        }
    }
}

static void job_free(Job *job) {
    if (job == NULL)
        return;
    g_free(job->line);
    if (job->out)
        g_string_free(job->out, TRUE);
    g_free(job->problem);
    g_strfreev(job->topics);
    g_free(job);
}

/* Report and write one finished job; FALSE when the run must stop. */
static gboolean emit_job(Run *run, Job *job) {
    if (job->pretty && !run->hinted) {
        run->hinted = TRUE;
        char *hinted = g_strdup_printf("%s; the input looks like pretty-printed JSON, and "
                                       "tagpipe reads one object per line: try "
                                       "'jq -c . FILE | tagpipe'",
                                       job->problem);
        g_free(job->problem);
        job->problem = hinted;
    }
    if (job->problem) {
        cli_report_problem(run->report, job->whole_input ? CLI_ERR_INPUT : job->kind, job->source,
                           job->whole_input ? 0 : job->lineno, job->problem);
        g_atomic_int_inc(&run->n_untagged);
    }
    if (!job->whole_input)
        cli_report_line(run->report, job->problem == NULL && !job->blank, job->blank,
                        job->out != NULL, job->n_by_type, (const char *const *)job->topics,
                        job->bytes_done);
    if (job->problem && !job->whole_input && run->on_error == ON_ERROR_FAIL)
        return FALSE;
    if (job->out) {
        g_string_append_c(job->out, '\n');
        if (fwrite(job->out->str, 1, job->out->len, stdout) != job->out->len ||
            (run->line_flush && fflush(stdout) != 0)) {
            run->write_errno = errno ? errno : EIO;
            return FALSE;
        }
    }
    return TRUE;
}

/* ---- threads ---- */

/* Bounds on the work in flight, so memory stays flat however long the input. */
#define MAX_BYTES_IN_FLIGHT ((gsize)64 << 20)
#define JOBS_PER_THREAD 64

/* Finished lines a busy worker lets gather before it wakes the writer. */
#define WAKE_BATCH 16

static gpointer worker_main(gpointer data) {
    Run *run = data;
    TpTagger *tagger = run->taggers[g_atomic_int_add(&run->next_tagger, 1)];
    for (;;) {
        Job *job = g_async_queue_pop(run->queue);
        if (job->line == NULL) {
            /* The end of work: what this worker let gather goes out now. */
            job_free(job);
            g_mutex_lock(&run->lock);
            g_cond_broadcast(&run->cond_done);
            g_mutex_unlock(&run->lock);
            break;
        }
        process_job(tagger, run, job);
        g_mutex_lock(&run->lock);
        job->done = TRUE;
        /* Read under the lock, after `done` is set: a worker that reads
         * "more" here and does not wake the writer leaves a queued line
         * whose worker will look again, and see this one done. */
        gboolean more = g_async_queue_length(run->queue) > 0;
        /* Waking the writer costs this thread a system call and the writer
         * a switch, once per line: with short lines that was a tenth of a
         * worker's time. So a worker with more lines queued lets finished
         * ones gather (WAKE_BATCH at most, a fraction of the ring); one about
         * to run out of work wakes the writer at once, so that a line read is
         * a line written as soon as it is tagged (tail -f | tagpipe). */
        Job *next = run->next_out < run->next_in ? run->ring[run->next_out % run->cap] : NULL;
        if (run->writer_waiting && next && next->done &&
            (!more || ++run->done_unwoken >= WAKE_BATCH)) {
            run->done_unwoken = 0;
            g_cond_broadcast(&run->cond_done);
        }
        g_mutex_unlock(&run->lock);
    }
    return NULL;
}

/* The writer's wait for a job to finish (run->lock held). */
static void writer_wait(Run *run) {
    run->writer_waiting = TRUE;
    g_cond_wait(&run->cond_done, &run->lock);
    run->writer_waiting = FALSE;
}

/* Whether the writer, having freed a slot, wakes the reader (run->lock
 * held). A broadcast is a system call even with no one waiting, and a
 * reader woken for each slot freed reads one line and waits again, both once
 * per line: a twentieth of a run's time on short lines. So the reader is
 * woken when it waits and there is room for its line and a quarter of the
 * ring is free (or nothing is in flight), or when the run stops. */
static gboolean reader_may_go_on(const Run *run) {
    if (run->stop)
        return TRUE;
    if (!run->reader_waiting)
        return FALSE;
    guint64 in_flight = run->next_in - run->next_out;
    gboolean room =
        in_flight < run->cap && (run->bytes_in_flight == 0 ||
                                 run->bytes_in_flight + run->reader_needs <= MAX_BYTES_IN_FLIGHT);
    return room && (in_flight == 0 || in_flight <= run->cap - run->cap / 4);
}

/* Writes jobs in input order as they finish. */
static gpointer writer_main(gpointer data) {
    Run *run = data;
    g_mutex_lock(&run->lock);
    for (;;) {
        Job *job = run->next_out < run->next_in ? run->ring[run->next_out % run->cap] : NULL;
        if (job == NULL || !job->done) {
            if (run->input_ended && run->next_out == run->next_in)
                break;
            if (run->next_out < run->next_in) {
                /* A line is still being tagged: wait for it, the buffer fills. */
                writer_wait(run);
                continue;
            }
            /* Everything read is written and the reader waits for input: let
             * it reach the consumer now (interactive pipes, tail -f). */
            g_mutex_unlock(&run->lock);
            gboolean flushed = run->stop || fflush(stdout) == 0;
            int err = errno;
            if (run->test_flush_delay_us > 0)
                g_usleep(run->test_flush_delay_us);
            g_mutex_lock(&run->lock);
            if (!flushed && !run->stop) {
                run->write_errno = err ? err : EIO;
                run->stop = TRUE;
                g_cond_broadcast(&run->cond_space);
            }
            /* The end of input may have been broadcast while the lock was
             * free: waiting for it again would wait for ever. */
            job = run->next_out < run->next_in ? run->ring[run->next_out % run->cap] : NULL;
            if ((job == NULL || !job->done) && !(run->input_ended && run->next_out == run->next_in))
                writer_wait(run);
            continue;
        }
        g_mutex_unlock(&run->lock);
        gboolean go_on = run->stop || emit_job(run, job);
        g_mutex_lock(&run->lock);
        if (!go_on)
            run->stop = TRUE;
        run->ring[run->next_out % run->cap] = NULL;
        run->next_out++;
        run->bytes_in_flight -= job->len;
        job_free(job);
        if (reader_may_go_on(run))
            g_cond_broadcast(&run->cond_space);
    }
    g_mutex_unlock(&run->lock);
    return NULL;
}

/* ---- reading ---- */

/* Set by the SIGINT/SIGTERM handler: the reader stops, the lines in flight
 * are finished and written whole, and the exit status says which signal. */
static volatile sig_atomic_t got_signal = 0;
static struct timespec first_signal; /* when got_signal was set */

/* A second signal a second or more after the first ends tagpipe at once, as
 * a user pressing Ctrl-C again expects. One sooner is the same stop said
 * twice: `timeout`, for one, signals its child and then its whole process
 * group, and taking that as "now" cut the last line short. (Everything here
 * is async-signal-safe: clock_gettime, signal, raise.) */
static void on_signal(int sig) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!got_signal) {
        first_signal = now;
        got_signal = sig;
        return;
    }
    if (now.tv_sec - first_signal.tv_sec >= 2 ||
        (now.tv_sec - first_signal.tv_sec == 1 && now.tv_nsec >= first_signal.tv_nsec)) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

/* Hand one job to the workers in input order; FALSE when the run stops. A job
 * with no line (`line` NULL) carries only a message: it goes straight to the
 * writer, so every message comes out in input order whatever N is. */
static gboolean push_job(Run *run, Job *job) {
    g_mutex_lock(&run->lock);
    while (!run->stop &&
           (run->next_in - run->next_out >= run->cap ||
            (run->bytes_in_flight > 0 && run->bytes_in_flight + job->len > MAX_BYTES_IN_FLIGHT))) {
        run->reader_waiting = TRUE;
        run->reader_needs = job->len;
        g_cond_wait(&run->cond_space, &run->lock);
        run->reader_waiting = FALSE;
    }
    gboolean go_on = !run->stop;
    /* Read before the unlock: a message-only job is the writer's from then
     * on, and it may be written and freed before this thread runs again. */
    gboolean to_workers = job->line != NULL;
    if (go_on) {
        run->ring[run->next_in % run->cap] = job;
        run->next_in++;
        run->bytes_in_flight += job->len;
        if (job->line == NULL) {
            job->done = TRUE;
            g_cond_broadcast(&run->cond_done);
        }
    }
    g_mutex_unlock(&run->lock);
    if (!go_on) {
        job_free(job);
        return FALSE;
    }
    if (to_workers)
        g_async_queue_push(run->queue, job);
    return TRUE;
}

/* A message about the input NAME as a whole (it cannot be read). */
static gboolean push_input_problem(Run *run, const char *name, const char *problem) {
    Job *job = g_new0(Job, 1);
    job->source = name;
    job->whole_input = TRUE;
    job->problem = g_strdup(problem);
    return push_job(run, job);
}

/* Feed one input to the workers; FALSE when the run must stop. */
static gboolean feed_input(Run *run, CliInput *in, const char *name) {
    guint64 lineno = (guint64)opt_line_offset;
    for (;;) {
        const char *line;
        gsize len;
        g_autoptr(GError) error = NULL;
        CliRead r = got_signal ? CLI_READ_EOF : cli_input_read_line(in, &line, &len, &error);
        if (r == CLI_READ_INTERRUPTED)
            continue; /* got_signal is looked at above */
        if (r == CLI_READ_EOF)
            return !got_signal;
        if (r == CLI_READ_ERROR)
            return push_input_problem(run, name, error->message);
        Job *job = g_new0(Job, 1);
        job->source = name;
        job->lineno = ++lineno;
        job->bytes_done = run->bytes_before + cli_input_bytes_read(in);
        if (line == NULL) {
            /* Over --max-line-bytes: its bytes were dropped as they came. */
            job->problem = g_strdup_printf("line of %" G_GSIZE_FORMAT
                                           " bytes is over --max-line-bytes (%" G_GUINT64_FORMAT
                                           "); not written",
                                           len, (guint64)opt_max_line_bytes);
            job->line_dropped = TRUE;
            job->kind = CLI_ERR_TOO_LONG;
            job->line = g_strdup("");
        } else {
            job->len = len;
            job->line = g_memdup2(line, len + 1);
            job->line[len] = '\0';
        }
        if (!push_job(run, job))
            return FALSE;
    }
}

static gboolean parse_policy(const char *s, OnError *out) {
    if (s == NULL || strcmp(s, "pass") == 0)
        *out = ON_ERROR_PASS;
    else if (strcmp(s, "skip") == 0)
        *out = ON_ERROR_SKIP;
    else if (strcmp(s, "fail") == 0)
        *out = ON_ERROR_FAIL;
    else
        return FALSE;
    return TRUE;
}

static gboolean parse_offsets(const char *s, TpOffsetUnit *out) {
    if (s == NULL || strcmp(s, "codepoint") == 0)
        *out = TP_OFFSETS_CODEPOINTS;
    else if (strcmp(s, "byte") == 0)
        *out = TP_OFFSETS_BYTES;
    else if (strcmp(s, "utf16") == 0)
        *out = TP_OFFSETS_UTF16;
    else
        return FALSE;
    return TRUE;
}

/* Open each input in turn and feed it to the workers. */
/* The size of all the inputs, or -1 when one is not a regular file. */
static gint64 inputs_size(void) {
    if (!(opt_inputs && opt_inputs[0]))
        return -1;
    gint64 total = 0;
    for (guint i = 0; opt_inputs[i]; i++) {
        GStatBuf st;
        if (strcmp(opt_inputs[i], "-") == 0 || g_stat(opt_inputs[i], &st) != 0 ||
            !S_ISREG(st.st_mode))
            return -1;
        total += (gint64)st.st_size;
    }
    return total;
}

static void run_inputs(Run *run) {
    static const char *const stdin_only[] = {"-", NULL};
    const char *const *inputs =
        (opt_inputs && opt_inputs[0]) ? (const char *const *)opt_inputs : stdin_only;
    for (guint i = 0; inputs[i] && !got_signal; i++) {
        gboolean is_stdin = strcmp(inputs[i], "-") == 0;
        const char *name = is_stdin ? "<stdin>" : inputs[i];
        g_autoptr(GError) error = NULL;
        CliInput *in = cli_input_open(inputs[i], (gsize)opt_max_line_bytes, &error);
        gboolean go_on =
            in ? feed_input(run, in, name) : push_input_problem(run, name, error->message);
        if (in)
            run->bytes_before += cli_input_bytes_read(in);
        cli_input_free(in);
        if (!go_on)
            break;
    }
}

/* Flush and close standard output, as jq does: a full disk or a closed file
 * must not look like success. `err` is an earlier write's errno, or 0.
 * Reports the failure; FALSE when there was one. */
int main(int argc, char **argv) {
    /* `tagpipe train ...` fits a topic model (train_main.c). */
    setlocale(LC_ALL, "");
    /* Numbers in data files and output are C numbers whatever the locale. */
    setlocale(LC_NUMERIC, "C");
    if (argc > 1 && strcmp(argv[1], "train") == 0)
        return train_main(argc - 1, argv + 1);
    /* `tagpipe train-entities ...` fits the entity model (train_entities_main.c). */
    if (argc > 1 && strcmp(argv[1], "train-entities") == 0)
        return train_entities_main(argc - 1, argv + 1);
    /* `tagpipe html ...` shows tagged lines as a page (cli_html.c). */
    if (argc > 1 && strcmp(argv[1], "html") == 0)
        return html_main(argc - 1, argv + 1);
    /* `tagpipe compile ...` writes a knowledge image (cli_compile.c). */
    if (argc > 1 && strcmp(argv[1], "compile") == 0)
        return compile_main(argc - 1, argv + 1);
    cli_parse_options("tagpipe", &argc, &argv, option_entries, summary, description);

    if (opt_version) {
        printf("tagpipe %s (%s)\n", TP_VERSION, TAGPIPE_GIT_VERSION);
        return cli_close_stdout(0) ? EXIT_OK : EXIT_WRITE;
    }
    Run run = {0};
    if (!parse_policy(opt_on_error, &run.on_error))
        cli_usage_error("--on-error must be pass, skip or fail, not '%s'", opt_on_error);
    if (!parse_offsets(opt_offsets, &run.lopt.offsets))
        cli_usage_error("--offsets must be codepoint, byte or utf16, not '%s'", opt_offsets);
    if (opt_threads < 0 || opt_threads > 1024)
        cli_usage_error("--threads must be between 0 (the number of CPUs) and 1024, not %d",
                        opt_threads);
    if (opt_max_entities < 0)
        cli_usage_error("--max-entities must not be negative (0: no limit), not %" G_GINT64_FORMAT,
                        opt_max_entities);
    run.lopt.max_entities = (gsize)opt_max_entities;
    if (opt_max_line_bytes < 1)
        cli_usage_error("--max-line-bytes must be at least 1, not %" G_GINT64_FORMAT,
                        opt_max_line_bytes);
    if (opt_line_offset < 0)
        cli_usage_error("--line-offset must not be negative, not %" G_GINT64_FORMAT,
                        opt_line_offset);
    if (opt_max_messages < 0)
        cli_usage_error("--max-messages must not be negative, not %d", opt_max_messages);
    if (opt_image && (opt_gazetteer_dir || opt_models_dir))
        cli_usage_error("--image cannot be used with --gazetteers or --models");
    if (opt_progress && opt_no_progress)
        cli_usage_error("--progress and --no-progress cannot be used together");
    if (opt_max_topics < 0)
        cli_usage_error("--max-topics must not be negative");
    if (!(opt_min_score >= 0.0 && opt_min_score <= 1.0))
        cli_usage_error("--min-score must be between 0 and 1");
    if (!isnan(opt_min_topic_score) && !(opt_min_topic_score >= 0.0 && opt_min_topic_score <= 1.0))
        cli_usage_error("--min-topic-score must be between 0 and 1");
    for (guint i = 0; opt_fields && opt_fields[i]; i++)
        if (*opt_fields[i] == '\0')
            cli_usage_error("--field needs a name");
    int threads = opt_threads ? opt_threads : (int)g_get_num_processors();

    TpKnowledge *k = load_knowledge();
    if (k == NULL)
        return EXIT_LOAD;
    if (opt_list_gazetteers) {
        g_autoptr(GString) s = g_string_new(NULL);
        tp_knowledge_describe(k, s);
        fputs(s->str, stdout);
        tp_knowledge_free(k);
        return cli_close_stdout(0) ? EXIT_OK : EXIT_WRITE;
    }

    run.k = k;
    run.lopt.fields = (const char *const *)opt_fields;
    run.lopt.min_topic_score =
        isnan(opt_min_topic_score) ? TP_TOPIC_THRESHOLDS : opt_min_topic_score;
    run.lopt.min_score = opt_min_score;
    run.lopt.replace = opt_replace;
    g_auto(GStrv) members = NULL;
    if (opt_entity_members) {
        static const char *const known[] = {"text",   "type",    "start",  "end",     "field",
                                            "name",   "id",      "source", "country", "score",
                                            "holder", "offices", NULL};
        members = g_strsplit(opt_entity_members, ",", -1);
        for (guint i = 0; members[i]; i++)
            if (!g_strv_contains(known, members[i]))
                cli_usage_error("--entity-members: unknown member '%s' (known: text, type, start, "
                                "end, field, name, id, source, country, score, holder, offices)",
                                members[i]);
        if (members[0] == NULL)
            cli_usage_error("--entity-members needs at least one member");
        run.lopt.entity_members = (const char *const *)members;
    }
    run.lopt.max_topics = (gsize)opt_max_topics;
    g_mutex_init(&run.lock);
    g_cond_init(&run.cond_done);
    g_cond_init(&run.cond_space);
    run.line_flush = opt_unbuffered || isatty(STDOUT_FILENO);
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

    /* One runner for every N: a reader (this thread), N workers each with its
     * own tagger, and one ordered writer. The taggers are made here, before
     * anything is read, so that a model that cannot be used (a stemmer
     * libstemmer lacks) fails the same way for every N. */
    run.taggers = g_new0(TpTagger *, threads);
    for (int i = 0; i < threads; i++) {
        g_autoptr(GError) error = NULL;
        run.taggers[i] = tp_tagger_new(k, &error);
        if (run.taggers[i] == NULL) {
            fprintf(stderr, "tagpipe: %s\n", error->message);
            for (int j = 0; j < i; j++)
                tp_tagger_free(run.taggers[j]);
            g_free(run.taggers);
            tp_knowledge_free(k);
            return EXIT_LOAD;
        }
    }
    gboolean progress = opt_progress || (!opt_no_progress && isatty(STDERR_FILENO));
    run.report = cli_report_new(progress, opt_stats, (guint)opt_max_messages, inputs_size());
    /* Jansson's hash seed is set once, before any thread parses (its docs). */
    json_object_seed(0);
    const char *delay = g_getenv("TAGPIPE_TEST_FLUSH_DELAY_US");
    run.test_flush_delay_us = delay ? (gulong)g_ascii_strtoull(delay, NULL, 10) : 0;
    run.cap = (guint64)threads * JOBS_PER_THREAD;
    run.ring = g_new0(Job *, run.cap);
    run.queue = g_async_queue_new();
    /* SIGINT and SIGTERM reach only this thread (the reader): the workers and
     * the writer start with them blocked, so no write is cut by a signal. */
    sigset_t stop_signals, old_mask;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
    GThread **workers = g_new(GThread *, threads);
    for (int i = 0; i < threads; i++)
        workers[i] = g_thread_new("tagpipe-worker", worker_main, &run);
    GThread *writer = g_thread_new("tagpipe-writer", writer_main, &run);
    /* No SA_RESTART, so that a read waiting for input returns; a second
     * signal, a second later, kills at once (on_signal). */
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_flags = 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    run_inputs(&run);
    g_mutex_lock(&run.lock);
    run.input_ended = TRUE;
    g_cond_broadcast(&run.cond_done);
    g_mutex_unlock(&run.lock);
    for (int i = 0; i < threads; i++)
        g_async_queue_push(run.queue, g_new0(Job, 1)); /* end of work */
    for (int i = 0; i < threads; i++)
        g_thread_join(workers[i]);
    g_thread_join(writer);
    for (int i = 0; i < threads; i++)
        tp_tagger_free(run.taggers[i]);
    g_free(run.taggers);
    g_free(workers);
    g_async_queue_unref(run.queue);
    g_free(run.ring);

    if (cli_report_n_tagged(run.report) > 0 && !run.field_seen) {
        g_autofree char *names = opt_fields ? g_strjoinv(", ", opt_fields) : g_strdup("text");
        cli_report_warning(run.report,
                           "no line had the field%s %s; every line got empty arrays "
                           "(choose others with --field)",
                           opt_fields && opt_fields[1] ? "s" : "", names);
    }
    cli_report_finish(run.report);
    cli_report_free(run.report);
    int status = run.n_untagged ? EXIT_UNTAGGED : EXIT_OK;
    if (!cli_close_stdout(run.write_errno))
        status = EXIT_WRITE;
    else if (got_signal)
        status = 128 + got_signal; /* as the shell reports a signal: 130, 143 */
    g_mutex_clear(&run.lock);
    g_cond_clear(&run.cond_done);
    g_cond_clear(&run.cond_space);
    tp_knowledge_free(k);
    g_strfreev(opt_fields);
    g_strfreev(opt_gazetteer_files);
    g_strfreev(opt_inputs);
    g_free(opt_gazetteer_dir);
    g_free(opt_models_dir);
    g_free(opt_image);
    g_free(opt_on_error);
    g_free(opt_offsets);
    g_free(opt_entity_members);
    return status;
}
