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
 * never pin a hidden cell down).  Zero is shown as 0.  The rules are those
 * of suppress.h, over one table for all three parts: a contact's views
 * are one cell, hidden in both parts or in neither.  Sums the report
 * shows: each period's (and the total row's) channels and languages add
 * up to its sessions started; each column adds up to its total row; the
 * contacts' views add up to their total, and the other nodes' views plus
 * that total make the screens' views total.
 *
 * Layout:
 *   - every period of [since, until] is a row, 0 where nothing was
 *     counted (a quiet day is information; zero is no small cell).  An
 *     open end of the range is the first or last day with any count.  A
 *     week or month cut by the range counts only its days inside it;
 *   - channel columns: sms, ussd, then any other by name; language
 *     columns: the tree's languages in its order, then others by name;
 *   - node rows: the tree's nodes in file order (0 for one never seen),
 *     then nodes of older versions that have counts, by id.  Forget-me
 *     counts are not part of the report.
 * Formats:
 *   table - a line with the range and min_cell, then each part under its
 *           title, columns aligned; a hidden cell reads "<10" (with the
 *           actual min_cell), explained by a note at the end;
 *   csv   - RFC 4180, CRLF line ends.  The parts follow each other as
 *           blocks in one file; each block starts with its own heading
 *           row, and every row's first field names the part: "part" in a
 *           heading row, then "sessions", "screens" or "contacts" ("deel";
 *           "sessies", "schermen", "contacten" in Dutch).  Blocks differ in
 *           width; filter on the first field.  Hidden cells read "<10";
 *   json  - one object, keys in English whatever the language:
 *           {"min_cell": 10, "since": "2026-11-23" | null, "until": ...,
 *            "by": "day" | "week" | "month",
 *            "sessions": {"periods": [{"period": "2026-11-23",
 *                "started": n, "channels": {"sms": n, ...},
 *                "languages": {"nl": n, ...}}, ...],
 *              "total": {"started": n, "channels": {...},
 *                "languages": {...}}},
 *            "screens": {"nodes": [{"node": id, "views": n,
 *                "dropoff": n, "invalid": n}, ...], "total": {...}},
 *            "contacts": {"nodes": [{"node": id, "name": s, "views": n},
 *                ...], "total": {"views": n}} | null (no tree)}
 *           where a hidden n is null; since and until are the range
 *           covered (null when open and there are no counts).
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
	const char *lang;	/* headings and errors: "nl..." is Dutch,
				 * anything else (or NULL) English */
	const struct hl_menu *tree;	/* the live tree, for node order and
					 * which nodes are contacts; may be
					 * NULL (no contacts part).  Read
					 * during hl_stats_build() only */
};

struct hl_stats;

/* Reads the counters of the range from the store (which may be opened
 * read-only) and builds the suppressed report; the caller frees it with
 * hl_stats_free().  Returns NULL with a message in err, in opts->lang, on
 * failure: a date that is not a real "YYYY-MM-DD" names its option
 * ("--since 2026-02-30: ..."), as does since after until; a range of more
 * than a century of days is refused. */
struct hl_stats *hl_stats_build(struct hl_store *,
    const struct hl_stats_opts *, char *err, size_t errlen);

/* Writes the report.  Returns 0 or -1 (write error). */
int hl_stats_write(const struct hl_stats *, enum hl_stats_format, FILE *);

/* Frees a report.  NULL is fine. */
void hl_stats_free(struct hl_stats *);

#endif
