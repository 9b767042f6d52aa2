/*
 * stats.h - usage figures for coordinators, from the aggregated counters
 * only (DESIGN.md sections 5 and 7).
 *
 * A report covers the days [since, until] and has three parts:
 *   sessions  - per period (day, ISO week or month) and in total: sessions
 *               started, split by channel and by language;
 *   screens   - per node over the whole range: screens viewed, drop-off
 *               (sessions that timed out on it: the last screen seen) and
 *               invalid input, with a total row;
 *   contacts  - the contact screens of the tree and how often each was
 *               viewed, with their total.
 * Small cells are suppressed (DESIGN.md section 5 rule 7): a count from 1
 * to min_cell - 1 is never shown, and neither is a cell a shown total
 * would reveal (a total minus the shown cells of its row or column must
 * never pin a hidden cell down).  Zero is shown as 0.
 */
#ifndef HELPLINE_STATS_H
#define HELPLINE_STATS_H

#include <stddef.h>
#include <stdio.h>

struct hl_menu;
struct hl_store;

enum hl_stats_by {
	HL_STATS_BY_DAY,
	HL_STATS_BY_WEEK,	/* ISO 8601 week: "2026-W48" */
	HL_STATS_BY_MONTH,	/* "2026-11" */
};

enum hl_stats_format {
	HL_STATS_TABLE,		/* aligned columns for a terminal */
	HL_STATS_CSV,		/* RFC 4180, one header row per part */
	HL_STATS_JSON,		/* one object; a suppressed cell is null */
};

struct hl_stats_opts {
	const char *since;	/* "YYYY-MM-DD", inclusive; NULL: no bound */
	const char *until;	/* "YYYY-MM-DD", inclusive; NULL: no bound */
	enum hl_stats_by by;
	unsigned min_cell;	/* raised to HL_STATS_MIN_CELL_FLOOR (5) if
				 * lower; 0 means the default, 10 */
	const char *lang;	/* headings: "nl" or "en" (NULL: en) */
	const struct hl_menu *tree;	/* the live tree, for node order and
					 * which nodes are contacts; may be
					 * NULL (no contacts part) */
};

struct hl_stats;

/* Reads the counters of the range from the store (which may be opened
 * read-only) and builds the suppressed report.  Returns NULL with a
 * message in err on failure (a bad date names the option). */
struct hl_stats *hl_stats_build(struct hl_store *,
    const struct hl_stats_opts *, char *err, size_t errlen);

/* Writes the report.  Returns 0 or -1 (write error). */
int hl_stats_write(const struct hl_stats *, enum hl_stats_format, FILE *);

void hl_stats_free(struct hl_stats *);

#endif
