/*
 * stats_internal.h - what the report's builder (stats.c) and its writers
 * (stats_write.c) share: the built report.  Only daemon/stats*.c include
 * this; everyone else uses helpline/stats.h.
 */
#ifndef HELPLINE_STATS_INTERNAL_H
#define HELPLINE_STATS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpline/stats.h"

#define STATS_KEY_MAX 12		/* "2026-11-23", "2026-W48", "2026-11" */

struct hl_suppress;

/* The node columns of the screens part, in display order. */
enum stats_node_col {
	STATS_VIEW,
	STATS_DROPOFF,
	STATS_INVALID,
	STATS_NODE__COLS,
};

/* Headings and messages, per language. */
struct stats_words {
	const char *figures;		/* first line of a table */
	const char *range_both;		/* "%s to %s" */
	const char *range_from;
	const char *range_until;
	const char *no_counts;
	const char *hidden_below;	/* ", counts below %u hidden" */
	const char *sessions_title[3];	/* per day, week, month */
	const char *period[3];
	const char *started;
	const char *total;
	const char *screens_title;
	const char *node;
	const char *node_cols[STATS_NODE__COLS];
	const char *contacts_title;
	const char *contact;
	const char *viewed;
	const char *note;		/* "<%u: ..." */
	const char *part;		/* CSV */
	const char *part_names[3];
	const char *bad_date;		/* "%s %s: ..." option, value */
	const char *after;		/* "--since %s ... --until %s" */
	const char *too_long;
	const char *cannot_read;
	const char *no_memory;
	const char *too_many_channels;
	const char *too_many_langs;
};

/* A figure of the report: its count and its cell in the suppression
 * table (hidden or not is asked of st->sup). */
struct stats_cell {
	uint64_t n;
	size_t id;		/* in the suppression table */
};

/* A row of the screens part. */
struct stats_node {
	char *id;
	struct stats_cell c[STATS_NODE__COLS];
};

/* A row of the contacts part. */
struct stats_contact {
	size_t node;		/* index in nodes: the views cell is shared */
	char *name;
};

/* A built report: every figure, in display order, and which to hide. */
struct hl_stats {
	const struct stats_words *w;
	enum hl_stats_by by;
	unsigned k;
	char since[11], until[11];	/* the range covered; "" if open */
	struct hl_suppress *sup;

	/* sessions: rows of width 1 + n_channels + n_langs (started, the
	 * channels, the languages); total is one more row. */
	char **channels, **langs;
	size_t n_channels, n_langs, width;
	char (*periods)[STATS_KEY_MAX];
	size_t n_periods;
	struct stats_cell *sessions;	/* (n_periods + 1) * width */

	/* screens: every node, then the total row */
	struct stats_node *nodes;
	size_t n_nodes;
	struct stats_cell node_total[STATS_NODE__COLS];

	/* contacts (only with a tree) */
	bool has_contacts;
	struct stats_contact *contacts;
	size_t n_contacts;
	struct stats_cell contact_total;
};

#endif
