/* SPDX-License-Identifier: MIT */
/* tp_tagger.h: what the tagger shares with the modules it drives (tp_tagger.c, tp_line.c; not
 * installed). */

#ifndef TP_TAGGER_H
#define TP_TAGGER_H

#include "tagpipe.h"

/* The token span every candidate record starts with. */
typedef struct {
    guint32 first;
    guint32 last;
} TpSpan;

/* Keep the records of `spans` (each starting with a TpSpan), in their order,
 * each unless it overlaps one kept before; `taken` marks the kept tokens. */
void tp_keep_free_spans(GArray *spans, GByteArray *taken, guint n_tok);

/* tp_tagger_tag_text() of `len` bytes already known to be valid UTF-8 (NUL
 * characters allowed), as a line's fields are, validated with their line:
 * the text is not validated a second time. */
gboolean tp_tagger_tag_valid_text(TpTagger *tagger, const char *text, gsize len,
                                  const TpEntity **out_entities, gsize *out_n, GError **error);

/* The summary tp_tagger_tag_line() (tp_line.c) fills for tp_tagger_line_summary(). */
TpLineSummary *tp_tagger_line_slot(TpTagger *tagger);

#endif /* TP_TAGGER_H */
