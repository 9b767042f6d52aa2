/*
 * stats.c - usage figures for coordinators from the aggregated counters
 * (include/helpline/stats.h), with small cells suppressed (suppress.h).
 *
 * Building a report takes three steps:
 *   1. read:     one walk over the counter rows of the range sums them by
 *                period (start rows: by channel and by language) and by
 *                node (view, dropoff and invalid rows);
 *   2. lay out:  the periods of the whole range, gaps included, the
 *                columns and the node rows in their display order; each
 *                figure becomes a cell of one suppression table, and every
 *                sum the report shows becomes a line of it;
 *   3. suppress: hl_suppress_run() once over all three parts together,
 *                since a contact's views appear in two parts and must be
 *                hidden in both or neither.
 * stats_write.c writes what was built: it only formats.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpline/menu.h"
#include "helpline/settings.h"
#include "helpline/stats.h"
#include "helpline/store.h"
#include "helpline/suppress.h"
#include "helpline/text.h"
#include "stats_internal.h"

#define STATS_MAX_CHANNELS 8
#define STATS_MAX_LANGS 16
#define STATS_MAX_DAYS (366 * 100)	/* a century, by day: 36,600 rows */
#define STATS_DAY_SECONDS 86400

static const struct stats_words stats_en = {
	.figures = "Usage figures",
	.range_both = "%s to %s",
	.range_from = "from %s",
	.range_until = "up to %s",
	.no_counts = "no counts yet",
	.hidden_below = ", counts below %u hidden",
	.sessions_title = { "Sessions started per day",
	    "Sessions started per ISO week", "Sessions started per month" },
	.period = { "Day", "Week", "Month" },
	.started = "Started",
	.total = "Total",
	.screens_title = "Screens per node",
	.node = "Node",
	.node_cols = { "Viewed", "Drop-off", "Invalid" },
	.contacts_title = "Contact screens viewed",
	.contact = "Contact",
	.viewed = "Viewed",
	.note = "<%u: hidden: a count below %u, or one hidden so that a total"
	    " cannot give a small count away.",
	.part = "part",
	.part_names = { "sessions", "screens", "contacts" },
	.bad_date = "%s %s: not a date (YYYY-MM-DD)",
	.after = "--since %s is after --until %s",
	.too_long = "%s to %s spans %ld days; at most %d (use --since and"
	    " --until)",
	.cannot_read = "cannot read the counters",
	.no_memory = "out of memory",
	.too_many_channels = "more than %d channels in the counters",
	.too_many_langs = "more than %d languages in the counters",
};

static const struct stats_words stats_nl = {
	.figures = "Gebruikscijfers",
	.range_both = "%s t/m %s",
	.range_from = "vanaf %s",
	.range_until = "tot en met %s",
	.no_counts = "nog geen tellingen",
	.hidden_below = ", aantallen onder %u verborgen",
	.sessions_title = { "Gestarte sessies per dag",
	    "Gestarte sessies per ISO-week", "Gestarte sessies per maand" },
	.period = { "Dag", "Week", "Maand" },
	.started = "Gestart",
	.total = "Totaal",
	.screens_title = "Schermen per knooppunt",
	.node = "Knooppunt",
	.node_cols = { "Bekeken", "Afgehaakt", "Ongeldig" },
	.contacts_title = "Bekeken contactschermen",
	.contact = "Contact",
	.viewed = "Bekeken",
	.note = "<%u: verborgen: een aantal onder %u, of verborgen zodat een"
	    " totaal geen klein aantal verraadt.",
	.part = "deel",
	.part_names = { "sessies", "schermen", "contacten" },
	.bad_date = "%s %s: geen geldige datum (JJJJ-MM-DD)",
	.after = "--since %s ligt na --until %s",
	.too_long = "%s t/m %s beslaat %ld dagen; hooguit %d (gebruik"
	    " --since en --until)",
	.cannot_read = "kan de tellingen niet lezen",
	.no_memory = "onvoldoende geheugen",
	.too_many_channels = "meer dan %d kanalen in de tellingen",
	.too_many_langs = "meer dan %d talen in de tellingen",
};

/* ---- step 1: reading the counters ------------------------------------ */

struct acc_period {
	char key[STATS_KEY_MAX];
	uint64_t started;
	uint64_t ch[STATS_MAX_CHANNELS];
	uint64_t lang[STATS_MAX_LANGS];
};

struct acc_node {
	char *id;
	uint64_t n[STATS_NODE__COLS];
	bool placed;		/* already in display order (tree node) */
};

/* What the walk over the counters sums up. */
struct acc {
	enum hl_stats_by by;
	struct acc_period *periods;	/* in key order, as rows come */
	size_t n_periods, cap_periods;
	struct acc_node *nodes;		/* sorted by id */
	size_t n_nodes, cap_nodes;
	char *channels[STATS_MAX_CHANNELS];
	size_t n_channels, seed_channels;
	char *langs[STATS_MAX_LANGS];
	size_t n_langs, seed_langs;
	char first[11], last[11];	/* days seen; "" if none */
	char cur_day[11];		/* cache: the last start row's day */
	int fail;			/* STATS_FAIL_* */
};

enum {
	STATS_FAIL_NONE,
	STATS_FAIL_MEMORY,
	STATS_FAIL_CHANNELS,
	STATS_FAIL_LANGS,
	STATS_FAIL_ORDER,
};

/* Parses a strict "YYYY-MM-DD" that names a real day into days since
 * 1970-01-01.  Returns 0 or -1. */
static int
stats_day_parse(const char *s, int64_t *days)
{
	struct tm tm = { 0 }, back;
	int year, mon, mday;
	time_t t;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	}
	year = atoi(s);
	mon = atoi(s + 5);
	mday = atoi(s + 8);
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = mday;
	/* timegm() normalises 02-30 to 03-02 (in tm too); reading the day
	 * back tells. */
	t = timegm(&tm);
	if (gmtime_r(&t, &back) == NULL || back.tm_year != year - 1900 ||
	    back.tm_mon != mon - 1 || back.tm_mday != mday)
		return -1;
	*days = (int64_t)t / STATS_DAY_SECONDS;
	return 0;
}

/* Writes the period key of a day (days since 1970-01-01). */
static void
stats_period_key(int64_t days, enum hl_stats_by by,
    char key[STATS_KEY_MAX])
{
	static const char *const fmt[] = {
		[HL_STATS_BY_DAY] = "%Y-%m-%d",
		[HL_STATS_BY_WEEK] = "%G-W%V",	/* ISO 8601 year and week */
		[HL_STATS_BY_MONTH] = "%Y-%m",
	};
	time_t t = (time_t)(days * STATS_DAY_SECONDS);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(key, STATS_KEY_MAX, fmt[by], &tm) == 0)
		key[0] = '\0';
}

/* Finds or adds a name in a small list.  Returns its index or -1. */
static int
acc_name(char **names, size_t *n, size_t max, const char *name)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp(names[i], name) == 0)
			return (int)i;
	}
	if (*n == max || (names[*n] = strdup(name)) == NULL)
		return -1;
	return (int)(*n)++;
}

/* Returns the period of a start row's day, adding it after the last one
 * (rows come ordered by day, so keys only grow), or NULL. */
static struct acc_period *
acc_period(struct acc *a, const char *day)
{
	char key[STATS_KEY_MAX];
	struct acc_period *p;
	int64_t days;
	int cmp = -1;

	if (a->n_periods > 0 && strcmp(day, a->cur_day) == 0)
		return &a->periods[a->n_periods - 1];
	if (stats_day_parse(day, &days) == -1)
		return NULL;
	stats_period_key(days, a->by, key);
	if (a->n_periods > 0)
		cmp = strcmp(a->periods[a->n_periods - 1].key, key);
	if (cmp > 0) {
		a->fail = STATS_FAIL_ORDER;
		return NULL;
	}
	if (cmp < 0) {
		if (a->n_periods == a->cap_periods) {
			size_t ncap = a->cap_periods ? a->cap_periods * 2 : 64;

			p = reallocarray(a->periods, ncap, sizeof *p);
			if (p == NULL) {
				a->fail = STATS_FAIL_MEMORY;
				return NULL;
			}
			a->periods = p;
			a->cap_periods = ncap;
		}
		p = &a->periods[a->n_periods++];
		memset(p, 0, sizeof *p);
		memcpy(p->key, key, sizeof key);
	}
	memcpy(a->cur_day, day, 11);
	return &a->periods[a->n_periods - 1];
}

/* Adds a start row: to its period, channel and language. */
static int
acc_start(struct acc *a, const char *day, const char *channel,
    const char *lang, uint64_t n)
{
	struct acc_period *p;
	int c, l;

	c = acc_name(a->channels, &a->n_channels, STATS_MAX_CHANNELS,
	    channel);
	l = acc_name(a->langs, &a->n_langs, STATS_MAX_LANGS, lang);
	if (c == -1 || l == -1) {
		a->fail = c == -1 ? STATS_FAIL_CHANNELS : STATS_FAIL_LANGS;
		return -1;
	}
	if ((p = acc_period(a, day)) == NULL)
		return -1;
	p->started += n;
	p->ch[c] += n;
	p->lang[l] += n;
	return 0;
}

/* Returns the index where id is or would go in the sorted nodes; *found
 * tells which. */
static size_t
acc_node_find(const struct acc *a, const char *id, bool *found)
{
	size_t lo = 0, hi = a->n_nodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(a->nodes[mid].id, id);

		if (cmp == 0) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Adds a node row (view, dropoff or invalid) to its node. */
static int
acc_node(struct acc *a, const char *id, enum stats_node_col col, uint64_t n)
{
	struct acc_node *p;
	bool found;
	size_t i = acc_node_find(a, id, &found);

	if (!found) {
		if (a->n_nodes == a->cap_nodes) {
			size_t ncap = a->cap_nodes ? a->cap_nodes * 2 : 64;

			if ((p = reallocarray(a->nodes, ncap,
			    sizeof *p)) == NULL)
				goto nomem;
			a->nodes = p;
			a->cap_nodes = ncap;
		}
		memmove(&a->nodes[i + 1], &a->nodes[i],
		    (a->n_nodes - i) * sizeof *a->nodes);
		memset(&a->nodes[i], 0, sizeof a->nodes[i]);
		a->n_nodes++;
		if ((a->nodes[i].id = strdup(id)) == NULL) {
			memmove(&a->nodes[i], &a->nodes[i + 1],
			    (--a->n_nodes - i) * sizeof *a->nodes);
			goto nomem;
		}
	}
	a->nodes[i].n[col] += n;
	return 0;
nomem:
	a->fail = STATS_FAIL_MEMORY;
	return -1;
}

/* Sums one counter row (hl_store_counter_cb).  A row whose day is not a
 * date, or of a kind the report does not show (forget), is passed over. */
static int
acc_row(const char *day, const char *node, const char *channel,
    const char *lang, const char *kind, uint64_t n, void *arg)
{
	struct acc *a = arg;
	int64_t days;

	if (strcmp(day, a->cur_day) != 0 && stats_day_parse(day, &days) == -1)
		return 0;
	if (a->first[0] == '\0' || strcmp(day, a->first) < 0)
		memcpy(a->first, day, 11);
	if (strcmp(day, a->last) > 0)
		memcpy(a->last, day, 11);
	if (strcmp(kind, hl_counter_kind_name(HL_COUNT_START)) == 0)
		return acc_start(a, day, channel, lang, n) == 0 ? 0 : 1;
	if (strcmp(kind, hl_counter_kind_name(HL_COUNT_VIEW)) == 0)
		return acc_node(a, node, STATS_VIEW, n) == 0 ? 0 : 1;
	if (strcmp(kind, hl_counter_kind_name(HL_COUNT_DROPOFF)) == 0)
		return acc_node(a, node, STATS_DROPOFF, n) == 0 ? 0 : 1;
	if (strcmp(kind, hl_counter_kind_name(HL_COUNT_INVALID)) == 0)
		return acc_node(a, node, STATS_INVALID, n) == 0 ? 0 : 1;
	return 0;
}

/* Puts the columns that always show first: both channels, and the tree's
 * languages in its order (a language nobody used is a 0, not a gap). */
static int
acc_seed(struct acc *a, const struct hl_menu *tree)
{
	static const enum hl_channel channels[] = {
		HL_CHANNEL_SMS, HL_CHANNEL_USSD,
	};

	for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++) {
		if (acc_name(a->channels, &a->n_channels, STATS_MAX_CHANNELS,
		    hl_channel_name(channels[i])) == -1)
			return -1;
	}
	a->seed_channels = a->n_channels;
	for (size_t i = 0; tree != NULL && i < tree->n_languages; i++) {
		if (acc_name(a->langs, &a->n_langs, STATS_MAX_LANGS,
		    tree->languages[i]) == -1)
			return -1;
	}
	a->seed_langs = a->n_langs;
	return 0;
}

/* Frees what the walk summed. */
static void
acc_free(struct acc *a)
{
	for (size_t i = 0; i < a->n_nodes; i++)
		free(a->nodes[i].id);
	free(a->nodes);
	free(a->periods);
	for (size_t i = 0; i < a->n_channels; i++)
		free(a->channels[i]);
	for (size_t i = 0; i < a->n_langs; i++)
		free(a->langs[i]);
}

/* ---- step 2: the report's layout ------------------------------------- */

/* Orders names for display: the seeded ones as they are, the rest by
 * name.  Writes indexes into order[]. */
static void
stats_order(char *const *names, size_t n, size_t seeded, size_t *order)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* Insertion sort: a handful of names. */
	for (size_t i = seeded + 1; i < n; i++) {
		size_t v = order[i], j = i;

		while (j > seeded &&
		    strcmp(names[order[j - 1]], names[v]) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
}

/* Adds a cell with value n to the suppression table. */
static int
stats_cell(struct hl_stats *st, struct stats_cell *c, uint64_t n)
{
	c->n = n;
	return hl_suppress_cell(st->sup, n, &c->id);
}

/* Copies the ordered channel and language names into the report. */
static int
stats_columns(struct hl_stats *st, struct acc *a, size_t *ch_order,
    size_t *lang_order)
{
	stats_order(a->channels, a->n_channels, a->seed_channels, ch_order);
	stats_order(a->langs, a->n_langs, a->seed_langs, lang_order);
	st->channels = calloc(a->n_channels + 1, sizeof *st->channels);
	st->langs = calloc(a->n_langs + 1, sizeof *st->langs);
	if (st->channels == NULL || st->langs == NULL)
		return -1;
	/* Moved, not copied: the accumulator forgets them. */
	for (size_t i = 0; i < a->n_channels; i++)
		st->channels[i] = a->channels[ch_order[i]];
	for (size_t i = 0; i < a->n_langs; i++)
		st->langs[i] = a->langs[lang_order[i]];
	st->n_channels = a->n_channels;
	st->n_langs = a->n_langs;
	a->n_channels = a->n_langs = 0;
	st->width = 1 + st->n_channels + st->n_langs;
	return 0;
}

/* Lists every period of [since, until] in order, or none if the range is
 * open at either end (then there were no counts). */
static int
stats_periods(struct hl_stats *st)
{
	int64_t from, to;
	char key[STATS_KEY_MAX];

	if (st->since[0] == '\0' || st->until[0] == '\0')
		return 0;
	if (stats_day_parse(st->since, &from) == -1 ||
	    stats_day_parse(st->until, &to) == -1)
		return -1;
	/* At most one period per day. */
	st->periods = calloc((size_t)(to - from + 1), sizeof *st->periods);
	if (st->periods == NULL)
		return -1;
	for (int64_t d = from; d <= to; d++) {
		stats_period_key(d, st->by, key);
		if (st->n_periods == 0 ||
		    strcmp(st->periods[st->n_periods - 1], key) != 0)
			memcpy(st->periods[st->n_periods++], key, sizeof key);
	}
	return 0;
}

/* Makes the cells of the sessions part: one row per period (0 where the
 * counters have none) and the total row. */
static int
stats_session_cells(struct hl_stats *st, const struct acc *a,
    const size_t *ch_order, const size_t *lang_order)
{
	size_t w = st->width, j = 0;
	uint64_t *sum;
	int rc = -1;

	st->sessions = calloc((st->n_periods + 1) * w, sizeof *st->sessions);
	sum = calloc(w, sizeof *sum);
	if (st->sessions == NULL || sum == NULL)
		goto out;
	for (size_t r = 0; r < st->n_periods; r++) {
		static const struct acc_period zero;
		const struct acc_period *p = &zero;
		struct stats_cell *row = st->sessions + r * w;

		/* Both lists are in key order; every counted period lies
		 * in the range. */
		while (j < a->n_periods &&
		    strcmp(a->periods[j].key, st->periods[r]) < 0)
			j++;
		if (j < a->n_periods &&
		    strcmp(a->periods[j].key, st->periods[r]) == 0)
			p = &a->periods[j];
		if (stats_cell(st, &row[0], p->started) == -1)
			goto out;
		sum[0] += p->started;
		for (size_t c = 0; c < st->n_channels; c++) {
			if (stats_cell(st, &row[1 + c], p->ch[ch_order[c]]) ==
			    -1)
				goto out;
			sum[1 + c] += row[1 + c].n;
		}
		for (size_t l = 0; l < st->n_langs; l++) {
			size_t col = 1 + st->n_channels + l;

			if (stats_cell(st, &row[col], p->lang[lang_order[l]]) ==
			    -1)
				goto out;
			sum[col] += row[col].n;
		}
	}
	for (size_t c = 0; c < w; c++) {
		if (stats_cell(st, &st->sessions[st->n_periods * w + c],
		    sum[c]) == -1)
			goto out;
	}
	rc = 0;
out:
	free(sum);
	return rc;
}

/* Adds a line to the suppression table: the n cells first[0], first[stride],
 * ... (a row: stride 1; a column of the sessions part: stride width). */
static int
stats_line(struct hl_stats *st, size_t *buf, const struct stats_cell *total,
    const struct stats_cell *first, size_t n, size_t stride)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = first[i * stride].id;
	return hl_suppress_line(st->sup, total->id, buf, n);
}

/* Adds the sums of the sessions part: each row's channels and its
 * languages add up to its started cell; each column's periods add up to
 * its total. */
static int
stats_session_lines(struct hl_stats *st, size_t *buf)
{
	size_t w = st->width, rows = st->n_periods + 1;
	const struct stats_cell *total = st->sessions + st->n_periods * w;

	for (size_t r = 0; r < rows; r++) {
		const struct stats_cell *row = st->sessions + r * w;

		if (stats_line(st, buf, &row[0], &row[1], st->n_channels,
		    1) == -1 ||
		    stats_line(st, buf, &row[0], &row[1 + st->n_channels],
		    st->n_langs, 1) == -1)
			return -1;
	}
	for (size_t c = 0; c < w; c++) {
		if (stats_line(st, buf, &total[c], &st->sessions[c],
		    st->n_periods, w) == -1)
			return -1;
	}
	return 0;
}

/* Adds one node row to the screens part. */
static int
stats_node_add(struct hl_stats *st, const char *id, const struct acc_node *n)
{
	struct stats_node *row = &st->nodes[st->n_nodes];

	if ((row->id = strdup(id)) == NULL)
		return -1;
	st->n_nodes++;
	for (int c = 0; c < STATS_NODE__COLS; c++) {
		if (stats_cell(st, &row->c[c], n != NULL ? n->n[c] : 0) == -1)
			return -1;
	}
	return 0;
}

/* Makes the screens part: the tree's nodes in file order (0 for one never
 * seen), then nodes of older versions by id; then the total row. */
static int
stats_node_cells(struct hl_stats *st, struct acc *a, const struct hl_menu *t)
{
	size_t n_tree = t != NULL ? t->n_nodes : 0;
	uint64_t sum[STATS_NODE__COLS] = { 0 };

	st->nodes = calloc(n_tree + a->n_nodes + 1, sizeof *st->nodes);
	if (st->nodes == NULL)
		return -1;
	for (size_t i = 0; i < n_tree; i++) {
		bool found;
		size_t at = acc_node_find(a, t->nodes[i].id, &found);

		if (found)
			a->nodes[at].placed = true;
		if (stats_node_add(st, t->nodes[i].id,
		    found ? &a->nodes[at] : NULL) == -1)
			return -1;
	}
	for (size_t i = 0; i < a->n_nodes; i++) {
		if (!a->nodes[i].placed &&
		    stats_node_add(st, a->nodes[i].id, &a->nodes[i]) == -1)
			return -1;
	}
	for (size_t i = 0; i < st->n_nodes; i++) {
		for (int c = 0; c < STATS_NODE__COLS; c++)
			sum[c] += st->nodes[i].c[c].n;
	}
	for (int c = 0; c < STATS_NODE__COLS; c++) {
		if (stats_cell(st, &st->node_total[c], sum[c]) == -1)
			return -1;
	}
	return 0;
}

/* Makes the contacts part: the tree's contact screens in file order and
 * their total.  Tree node i is row i of the screens part (the tree's
 * nodes lead it), whose views cell each contact row shares. */
static int
stats_contact_cells(struct hl_stats *st, const struct hl_menu *t)
{
	uint64_t sum = 0;

	if (t == NULL)
		return 0;
	st->has_contacts = true;
	st->contacts = calloc(t->n_nodes + 1, sizeof *st->contacts);
	if (st->contacts == NULL)
		return -1;
	for (size_t i = 0; i < t->n_nodes; i++) {
		struct stats_contact *c = &st->contacts[st->n_contacts];
		const char *name;

		if (t->nodes[i].contact == NULL)
			continue;
		name = t->nodes[i].contact->name;
		if ((c->name = strdup(name != NULL ? name : "")) == NULL)
			return -1;
		c->node = i;
		st->n_contacts++;
		sum += st->nodes[i].c[STATS_VIEW].n;
	}
	return stats_cell(st, &st->contact_total, sum);
}

/* Adds the sums of the screens and contacts parts.  Each column adds up
 * to its total; the contacts' views add up to theirs.  And since both
 * totals are shown, the views total minus the contacts' total is the sum
 * of the other nodes' views: that is a line too (other nodes' views plus
 * the contacts' total make the views total), or one hidden view of a
 * non-contact node could be worked out from the two totals. */
static int
stats_node_lines(struct hl_stats *st, size_t *buf)
{
	size_t n = 0;

	for (int c = 0; c < STATS_NODE__COLS; c++) {
		for (size_t i = 0; i < st->n_nodes; i++)
			buf[i] = st->nodes[i].c[c].id;
		if (hl_suppress_line(st->sup, st->node_total[c].id, buf,
		    st->n_nodes) == -1)
			return -1;
	}
	if (!st->has_contacts)
		return 0;
	for (size_t i = 0; i < st->n_contacts; i++)
		buf[i] = st->nodes[st->contacts[i].node].c[STATS_VIEW].id;
	if (hl_suppress_line(st->sup, st->contact_total.id, buf,
	    st->n_contacts) == -1)
		return -1;
	for (size_t i = 0, k = 0; i < st->n_nodes; i++) {
		if (k < st->n_contacts && st->contacts[k].node == i) {
			k++;
			continue;
		}
		buf[n++] = st->nodes[i].c[STATS_VIEW].id;
	}
	buf[n++] = st->contact_total.id;
	return hl_suppress_line(st->sup, st->node_total[STATS_VIEW].id, buf, n);
}

/* ---- building -------------------------------------------------------- */

/* Writes a message into err, if there is one. */
static void __attribute__((format(printf, 3, 4)))
stats_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Checks --since and --until and copies them into the report. */
static int
stats_check_range(struct hl_stats *st, const struct hl_stats_opts *o,
    char *err, size_t errlen)
{
	int64_t from = 0, to = 0;

	if (o->since != NULL && stats_day_parse(o->since, &from) == -1) {
		stats_errf(err, errlen, st->w->bad_date, "--since", o->since);
		return -1;
	}
	if (o->until != NULL && stats_day_parse(o->until, &to) == -1) {
		stats_errf(err, errlen, st->w->bad_date, "--until", o->until);
		return -1;
	}
	if (o->since != NULL && o->until != NULL && from > to) {
		stats_errf(err, errlen, st->w->after, o->since, o->until);
		return -1;
	}
	if (o->since != NULL)
		memcpy(st->since, o->since, 11);
	if (o->until != NULL)
		memcpy(st->until, o->until, 11);
	return 0;
}

/* Refuses a range of more than STATS_MAX_DAYS days: every day is a row. */
static int
stats_check_span(struct hl_stats *st, char *err, size_t errlen)
{
	int64_t from, to;

	if (st->since[0] == '\0' || st->until[0] == '\0')
		return 0;
	if (stats_day_parse(st->since, &from) == -1 ||
	    stats_day_parse(st->until, &to) == -1)
		return -1;
	if (to - from + 1 > STATS_MAX_DAYS) {
		stats_errf(err, errlen, st->w->too_long, st->since, st->until,
		    (long)(to - from + 1), STATS_MAX_DAYS);
		return -1;
	}
	return 0;
}

/* Writes why the walk over the counters stopped. */
static void
stats_read_error(const struct hl_stats *st, int fail, char *err,
    size_t errlen)
{
	switch (fail) {
	case STATS_FAIL_MEMORY:
		stats_errf(err, errlen, "%s", st->w->no_memory);
		break;
	case STATS_FAIL_CHANNELS:
		stats_errf(err, errlen, st->w->too_many_channels,
		    STATS_MAX_CHANNELS);
		break;
	case STATS_FAIL_LANGS:
		stats_errf(err, errlen, st->w->too_many_langs,
		    STATS_MAX_LANGS);
		break;
	default:
		stats_errf(err, errlen, "%s", st->w->cannot_read);
		break;
	}
}

/* Lays out the three parts, adds their sums and suppresses. */
static int
stats_lay_out(struct hl_stats *st, struct acc *a, const struct hl_menu *tree)
{
	size_t ch_order[STATS_MAX_CHANNELS], lang_order[STATS_MAX_LANGS];
	size_t *buf = NULL, max;
	int rc = -1;

	if (stats_columns(st, a, ch_order, lang_order) == -1 ||
	    stats_periods(st) == -1 ||
	    stats_session_cells(st, a, ch_order, lang_order) == -1 ||
	    stats_node_cells(st, a, tree) == -1 ||
	    stats_contact_cells(st, tree) == -1)
		goto out;
	max = st->n_periods + st->width + st->n_nodes + 1;
	if ((buf = calloc(max, sizeof *buf)) == NULL)
		goto out;
	if (stats_session_lines(st, buf) == -1 ||
	    stats_node_lines(st, buf) == -1)
		goto out;
	hl_suppress_run(st->sup);
	rc = 0;
out:
	free(buf);
	return rc;
}

/* Reads the counters of the range and builds the suppressed report. */
struct hl_stats *
hl_stats_build(struct hl_store *store, const struct hl_stats_opts *o,
    char *err, size_t errlen)
{
	struct hl_stats *st;
	struct acc a;
	unsigned k;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	memset(&a, 0, sizeof a);
	if ((st = calloc(1, sizeof *st)) == NULL) {
		stats_errf(err, errlen, "%s", stats_en.no_memory);
		return NULL;
	}
	st->w = o->lang != NULL && strncmp(o->lang, "nl", 2) == 0 ?
	    &stats_nl : &stats_en;
	st->by = o->by <= HL_STATS_BY_MONTH ? o->by : HL_STATS_BY_DAY;
	k = o->min_cell == 0 ? HL_STATS_MIN_CELL_DEFAULT : o->min_cell;
	if ((st->sup = hl_suppress_new(k)) == NULL) {
		stats_errf(err, errlen, "%s", st->w->no_memory);
		goto fail;
	}
	st->k = hl_suppress_k(st->sup);
	if (stats_check_range(st, o, err, errlen) == -1 ||
	    stats_check_span(st, err, errlen) == -1)
		goto fail;
	a.by = st->by;
	if (acc_seed(&a, o->tree) == -1) {
		stats_errf(err, errlen, "%s", st->w->no_memory);
		goto fail;
	}
	if (hl_store_counters_each(store, o->since, o->until, acc_row,
	    &a) == -1 || a.fail != STATS_FAIL_NONE) {
		stats_read_error(st, a.fail, err, errlen);
		goto fail;
	}
	/* An open end of the range closes at the first or last count. */
	if (st->since[0] == '\0')
		memcpy(st->since, a.first, 11);
	if (st->until[0] == '\0')
		memcpy(st->until, a.last, 11);
	if (stats_check_span(st, err, errlen) == -1)
		goto fail;
	if (stats_lay_out(st, &a, o->tree) == -1) {
		stats_errf(err, errlen, "%s", st->w->no_memory);
		goto fail;
	}
	acc_free(&a);
	return st;
fail:
	acc_free(&a);
	hl_stats_free(st);
	return NULL;
}

/* Frees a report. */
void
hl_stats_free(struct hl_stats *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->n_channels; i++)
		free(st->channels[i]);
	for (size_t i = 0; i < st->n_langs; i++)
		free(st->langs[i]);
	free(st->channels);
	free(st->langs);
	free(st->periods);
	free(st->sessions);
	for (size_t i = 0; i < st->n_nodes; i++)
		free(st->nodes[i].id);
	free(st->nodes);
	for (size_t i = 0; i < st->n_contacts; i++)
		free(st->contacts[i].name);
	free(st->contacts);
	hl_suppress_free(st->sup);
	free(st);
}
