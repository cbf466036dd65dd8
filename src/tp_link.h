/* SPDX-License-Identifier: MIT */
/* tp_link.h: offices, their holders, and the index of offices (tp_link.c; not installed). */

#ifndef TP_LINK_H
#define TP_LINK_H

#include "tp_gazetteer.h"

/* The offices by (country, portfolio, office word): keys "CC|portfolio|word"
 * to gazetteer entry indexes. */
typedef struct {
    TpPool pool;
    TpStrMap map;
    gboolean built;
} TpOfficeIndex;

void tp_office_index_clear(TpOfficeIndex *ix);
/* Add the index's sections to an image (none when it is not built). */
void tp_office_index_write(const TpOfficeIndex *ix, TpImageWriter *w);
/* The index whose records are borrowed from `img`, checked against the
 * gazetteer's `n_entries`; not built when the image has none. */
gboolean tp_office_index_from_image(TpOfficeIndex *ix, const TpImage *img, guint32 n_entries,
                                    GError **error);

/* An office span over tokens [first, last]. */
typedef struct {
    guint32 first;
    guint32 last;
    const char *name;
    const char *id;
    const char *country;
    double score;
    const char *word;      /* canonical office word of a parsed office, or NULL */
    const char *portfolio; /* its canonical portfolio, or NULL */
    guint32 word_first;    /* the office words proper, without the organization */
    guint32 word_last;     /* before or the "of" body after: "Air France [chairman]" */
} TpOffice;

/* Index the gazetteer's offices by (country, portfolio, office word), so that
 * "US defence secretary" and "U.S. Defense Secretary" find one office. */
void tp_offices_index(TpKnowledge *k);
/* Find the offices of a text: gazetteer offices and "[country] [portfolio]
 * office-word" patterns. `gaz_matches` are all gazetteer matches. */
void tp_offices_find(const TpKnowledge *k, const char *text, const TpTokens *tt,
                     const TpMatchIndex *gaz_matches, GStringChunk *strings, GArray *out);
/* Link each office of `offices` (in token order) to the person holding it in
 * the text (adjacent title, apposition, copula, naming verb, coordination):
 * `holder_of[o]` is a candidate index or -1. `person_from`/`person_to` give, per
 * token, the person candidate whose mention starts/ends there (or -1);
 * `person_country` the country of each candidate (or NULL). A generic office
 * then takes its holder's country, and a bare head-of-state title the one
 * office of that title the text names. */
void tp_offices_link(const TpKnowledge *k, const TpTokens *tt, GArray *offices,
                     const gint *person_from, const gint *person_to,
                     const char *const *person_country, gint *holder_of);

#endif /* TP_LINK_H */
