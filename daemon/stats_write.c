/*
 * stats_write.c - writes a built report (stats.c) as an aligned table,
 * CSV or JSON (include/helpline/stats.h describes each).
 *
 * The table and CSV writers share one grid of strings per part, so both
 * show the same cells the same way; the JSON writer uses jansson.  A
 * hidden cell is "<k" in text and null in JSON, never its count.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "helpline/stats.h"
#include "helpline/suppress.h"
#include "helpline/text.h"
#include "stats_internal.h"

/* ---- writing: table and CSV ------------------------------------------ */

/* One part as strings: a heading row, data rows, the total row. */
struct grid {
	const char *title;
	const char *part;	/* CSV: the part column's value */
	size_t cols;
	size_t left;		/* the first `left` columns are text */
	char **s;		/* row-major */
	size_t n, cap;
};

/* Appends a copy of text as the next field. */
static int
grid_add(struct grid *g, const char *text)
{
	if (g->n == g->cap) {
		size_t ncap = g->cap ? g->cap * 2 : 64;
		char **p = reallocarray(g->s, ncap, sizeof *p);

		if (p == NULL)
			return -1;
		g->s = p;
		g->cap = ncap;
	}
	if ((g->s[g->n] = strdup(text)) == NULL)
		return -1;
	g->n++;
	return 0;
}

/* Appends an upper-cased copy of a column name ("sms" -> "SMS"). */
static int
grid_add_upper(struct grid *g, const char *text)
{
	char buf[64];
	size_t i;

	for (i = 0; text[i] != '\0' && i + 1 < sizeof buf; i++)
		buf[i] = (char)toupper((unsigned char)text[i]);
	buf[i] = '\0';
	return grid_add(g, buf);
}

/* Appends a cell: its count, or "<k" if hidden. */
static int
grid_add_cell(struct grid *g, const struct hl_stats *st,
    const struct stats_cell *c)
{
	char buf[32];

	if (hl_suppress_is_hidden(st->sup, c->id))
		snprintf(buf, sizeof buf, "<%u", st->k);
	else
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->n);
	return grid_add(g, buf);
}

/* Frees a grid's strings. */
static void
grid_free(struct grid *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->s[i]);
	free(g->s);
	memset(g, 0, sizeof *g);
}

/* Fills the sessions grid. */
static int
grid_sessions(struct grid *g, const struct hl_stats *st)
{
	const struct stats_words *w = st->w;
	size_t wd = st->width;

	g->title = w->sessions_title[st->by];
	g->part = w->part_names[0];
	g->cols = 1 + wd;
	g->left = 1;
	if (grid_add(g, w->period[st->by]) == -1 ||
	    grid_add(g, w->started) == -1)
		return -1;
	for (size_t c = 0; c < st->n_channels; c++) {
		if (grid_add_upper(g, st->channels[c]) == -1)
			return -1;
	}
	for (size_t l = 0; l < st->n_langs; l++) {
		if (grid_add_upper(g, st->langs[l]) == -1)
			return -1;
	}
	for (size_t r = 0; r <= st->n_periods; r++) {
		if (grid_add(g, r < st->n_periods ? st->periods[r] :
		    w->total) == -1)
			return -1;
		for (size_t c = 0; c < wd; c++) {
			if (grid_add_cell(g, st, &st->sessions[r * wd + c]) ==
			    -1)
				return -1;
		}
	}
	return 0;
}

/* Fills the screens grid. */
static int
grid_screens(struct grid *g, const struct hl_stats *st)
{
	const struct stats_words *w = st->w;

	g->title = w->screens_title;
	g->part = w->part_names[1];
	g->cols = 1 + STATS_NODE__COLS;
	g->left = 1;
	if (grid_add(g, w->node) == -1)
		return -1;
	for (int c = 0; c < STATS_NODE__COLS; c++) {
		if (grid_add(g, w->node_cols[c]) == -1)
			return -1;
	}
	for (size_t r = 0; r <= st->n_nodes; r++) {
		const struct stats_cell *cells = r < st->n_nodes ?
		    st->nodes[r].c : st->node_total;

		if (grid_add(g, r < st->n_nodes ? st->nodes[r].id :
		    w->total) == -1)
			return -1;
		for (int c = 0; c < STATS_NODE__COLS; c++) {
			if (grid_add_cell(g, st, &cells[c]) == -1)
				return -1;
		}
	}
	return 0;
}

/* Fills the contacts grid. */
static int
grid_contacts(struct grid *g, const struct hl_stats *st)
{
	const struct stats_words *w = st->w;

	g->title = w->contacts_title;
	g->part = w->part_names[2];
	g->cols = 3;
	g->left = 2;
	if (grid_add(g, w->node) == -1 || grid_add(g, w->contact) == -1 ||
	    grid_add(g, w->viewed) == -1)
		return -1;
	for (size_t r = 0; r < st->n_contacts; r++) {
		const struct stats_contact *c = &st->contacts[r];

		if (grid_add(g, st->nodes[c->node].id) == -1 ||
		    grid_add(g, c->name) == -1 ||
		    grid_add_cell(g, st, &st->nodes[c->node].c[STATS_VIEW]) ==
		    -1)
			return -1;
	}
	if (grid_add(g, w->total) == -1 || grid_add(g, "") == -1 ||
	    grid_add_cell(g, st, &st->contact_total) == -1)
		return -1;
	return 0;
}

/* Writes text for a terminal: control characters (which a node id from
 * an old database could hold) become '?'. */
static void
table_put(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, fp);
}

/* Writes n spaces. */
static void
table_pad(FILE *fp, size_t n)
{
	while (n-- > 0)
		fputc(' ', fp);
}

/* Writes a grid as aligned columns: text left, counts right, two spaces
 * between, no trailing blanks. */
static int
grid_write_table(const struct grid *g, FILE *fp)
{
	size_t *width = calloc(g->cols, sizeof *width), rows = g->n / g->cols;

	if (width == NULL)
		return -1;
	for (size_t i = 0; i < g->n; i++) {
		size_t len = hl_utf8_chars(g->s[i], strlen(g->s[i]));

		if (len > width[i % g->cols])
			width[i % g->cols] = len;
	}
	fprintf(fp, "%s\n", g->title);
	for (size_t r = 0; r < rows; r++) {
		size_t pending = 0;	/* blanks owed before the next field */

		for (size_t c = 0; c < g->cols; c++) {
			const char *s = g->s[r * g->cols + c];
			size_t len = hl_utf8_chars(s, strlen(s));

			if (c > 0)
				pending += 2;
			if (c >= g->left)
				pending += width[c] - len;
			if (*s != '\0') {
				table_pad(fp, pending);
				table_put(fp, s);
				pending = 0;
			}
			if (c < g->left)
				pending += width[c] - len;
		}
		fputc('\n', fp);
	}
	free(width);
	return 0;
}

/* Writes one CSV field, quoted if it holds a comma, quote or line break
 * (RFC 4180). */
static void
csv_put(FILE *fp, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* Writes a grid as CSV rows, each led by the part column; the heading
 * row's part field is the word "part" itself. */
static int
grid_write_csv(const struct grid *g, const struct stats_words *w, FILE *fp)
{
	size_t rows = g->n / g->cols;

	for (size_t r = 0; r < rows; r++) {
		csv_put(fp, r == 0 ? w->part : g->part);
		for (size_t c = 0; c < g->cols; c++) {
			fputc(',', fp);
			csv_put(fp, g->s[r * g->cols + c]);
		}
		fputs("\r\n", fp);
	}
	return 0;
}

/* Writes the table's first line: the range and the threshold. */
static void
table_heading(const struct hl_stats *st, FILE *fp)
{
	const struct stats_words *w = st->w;

	fputs(w->figures, fp);
	if (st->since[0] != '\0' && st->until[0] != '\0') {
		fputc(' ', fp);
		fprintf(fp, w->range_both, st->since, st->until);
	} else if (st->since[0] != '\0') {
		fputc(' ', fp);
		fprintf(fp, w->range_from, st->since);
	} else if (st->until[0] != '\0') {
		fputc(' ', fp);
		fprintf(fp, w->range_until, st->until);
	} else
		fprintf(fp, ": %s", w->no_counts);
	fprintf(fp, w->hidden_below, st->k);
	fputs("\n\n", fp);
}

/* Writes the report as a table or CSV, part after part. */
static int
stats_write_grids(const struct hl_stats *st, enum hl_stats_format f,
    FILE *fp)
{
	static int (*const fill[])(struct grid *, const struct hl_stats *) = {
		grid_sessions, grid_screens, grid_contacts,
	};
	size_t parts = st->has_contacts ? 3 : 2;

	if (f == HL_STATS_TABLE)
		table_heading(st, fp);
	for (size_t i = 0; i < parts; i++) {
		struct grid g = { 0 };
		int rc;

		rc = fill[i](&g, st);
		if (rc == 0 && f == HL_STATS_TABLE) {
			rc = grid_write_table(&g, fp);
			fputc('\n', fp);
		} else if (rc == 0)
			rc = grid_write_csv(&g, st->w, fp);
		grid_free(&g);
		if (rc == -1)
			return -1;
	}
	if (f == HL_STATS_TABLE) {
		fprintf(fp, st->w->note, st->k, st->k);
		fputc('\n', fp);
	}
	return 0;
}

/* ---- writing: JSON --------------------------------------------------- */

/* Returns a cell as JSON: its count, or null if hidden. */
static json_t *
json_cell(const struct hl_stats *st, const struct stats_cell *c)
{
	if (hl_suppress_is_hidden(st->sup, c->id))
		return json_null();
	return json_integer((json_int_t)c->n);
}

/* Sets key to value in obj, taking the reference; a NULL value (no
 * memory) fails. */
static int
json_put(json_t *obj, const char *key, json_t *value)
{
	return value != NULL && json_object_set_new(obj, key, value) == 0 ?
	    0 : -1;
}

/* Returns one sessions row: started, channels, languages. */
static json_t *
json_session_row(const struct hl_stats *st, const struct stats_cell *row,
    const char *period)
{
	json_t *obj = json_object(), *ch = json_object(), *lang = json_object();
	int rc = obj != NULL && ch != NULL && lang != NULL ? 0 : -1;

	if (rc == 0 && period != NULL)
		rc = json_put(obj, "period", json_string(period));
	if (rc == 0)
		rc = json_put(obj, "started", json_cell(st, &row[0]));
	for (size_t c = 0; rc == 0 && c < st->n_channels; c++)
		rc = json_put(ch, st->channels[c], json_cell(st, &row[1 + c]));
	for (size_t l = 0; rc == 0 && l < st->n_langs; l++)
		rc = json_put(lang, st->langs[l],
		    json_cell(st, &row[1 + st->n_channels + l]));
	if (rc == 0 && json_put(obj, "channels", ch) == 0) {
		ch = NULL;
		if (json_put(obj, "languages", lang) == 0)
			return obj;
		lang = NULL;
	}
	json_decref(ch);
	json_decref(lang);
	json_decref(obj);
	return NULL;
}

/* Returns the sessions part. */
static json_t *
json_sessions(const struct hl_stats *st)
{
	json_t *part = json_object(), *rows = json_array();
	int rc = part != NULL && rows != NULL ? 0 : -1;

	for (size_t r = 0; rc == 0 && r < st->n_periods; r++) {
		json_t *row = json_session_row(st, st->sessions + r * st->width,
		    st->periods[r]);

		rc = row != NULL && json_array_append_new(rows, row) == 0 ?
		    0 : -1;
	}
	if (rc == 0 && json_put(part, "periods", rows) == 0) {
		if (json_put(part, "total", json_session_row(st,
		    st->sessions + st->n_periods * st->width, NULL)) == 0)
			return part;
		rows = NULL;
	}
	json_decref(rows);
	json_decref(part);
	return NULL;
}

/* Returns a node row of the screens part, or its total (id NULL). */
static json_t *
json_node_row(const struct hl_stats *st, const char *id,
    const struct stats_cell *c)
{
	static const char *const keys[STATS_NODE__COLS] = {
		"views", "dropoff", "invalid",
	};
	json_t *obj = json_object();
	int rc = obj != NULL ? 0 : -1;

	if (rc == 0 && id != NULL)
		rc = json_put(obj, "node", json_string(id));
	for (int i = 0; rc == 0 && i < STATS_NODE__COLS; i++)
		rc = json_put(obj, keys[i], json_cell(st, &c[i]));
	if (rc == 0)
		return obj;
	json_decref(obj);
	return NULL;
}

/* Returns the screens part. */
static json_t *
json_screens(const struct hl_stats *st)
{
	json_t *part = json_object(), *rows = json_array();
	int rc = part != NULL && rows != NULL ? 0 : -1;

	for (size_t r = 0; rc == 0 && r < st->n_nodes; r++) {
		json_t *row = json_node_row(st, st->nodes[r].id,
		    st->nodes[r].c);

		rc = row != NULL && json_array_append_new(rows, row) == 0 ?
		    0 : -1;
	}
	if (rc == 0 && json_put(part, "nodes", rows) == 0) {
		if (json_put(part, "total", json_node_row(st, NULL,
		    st->node_total)) == 0)
			return part;
		rows = NULL;
	}
	json_decref(rows);
	json_decref(part);
	return NULL;
}

/* Returns the contacts part, or JSON null without a tree. */
static json_t *
json_contacts(const struct hl_stats *st)
{
	json_t *part, *rows;
	int rc;

	if (!st->has_contacts)
		return json_null();
	part = json_object();
	rows = json_array();
	rc = part != NULL && rows != NULL ? 0 : -1;
	for (size_t r = 0; rc == 0 && r < st->n_contacts; r++) {
		const struct stats_contact *c = &st->contacts[r];
		json_t *row = json_pack("{s:s,s:s,s:o*}", "node",
		    st->nodes[c->node].id, "name", c->name, "views",
		    json_cell(st, &st->nodes[c->node].c[STATS_VIEW]));

		rc = row != NULL && json_array_append_new(rows, row) == 0 ?
		    0 : -1;
	}
	if (rc == 0 && json_put(part, "nodes", rows) == 0) {
		if (json_put(part, "total", json_pack("{s:o*}", "views",
		    json_cell(st, &st->contact_total))) == 0)
			return part;
		rows = NULL;
	}
	json_decref(rows);
	json_decref(part);
	return NULL;
}

/* Returns a day of the range as JSON, or null if the range is open. */
static json_t *
json_day(const char *day)
{
	return day[0] != '\0' ? json_string(day) : json_null();
}

/* Writes the report as one JSON object. */
static int
stats_write_json(const struct hl_stats *st, FILE *fp)
{
	static const char *const by[] = { "day", "week", "month" };
	json_t *root = json_object();
	int rc = root != NULL ? 0 : -1;

	if (rc == 0)
		rc = json_put(root, "min_cell", json_integer(st->k));
	if (rc == 0)
		rc = json_put(root, "since", json_day(st->since));
	if (rc == 0)
		rc = json_put(root, "until", json_day(st->until));
	if (rc == 0)
		rc = json_put(root, "by", json_string(by[st->by]));
	if (rc == 0)
		rc = json_put(root, "sessions", json_sessions(st));
	if (rc == 0)
		rc = json_put(root, "screens", json_screens(st));
	if (rc == 0)
		rc = json_put(root, "contacts", json_contacts(st));
	if (rc == 0)
		rc = json_dumpf(root, fp, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER) == 0 ? 0 : -1;
	if (rc == 0)
		fputc('\n', fp);
	json_decref(root);
	return rc;
}

/* Writes the report. */
int
hl_stats_write(const struct hl_stats *st, enum hl_stats_format f, FILE *fp)
{
	int rc;

	if (f == HL_STATS_JSON)
		rc = stats_write_json(st, fp);
	else if (f == HL_STATS_TABLE || f == HL_STATS_CSV)
		rc = stats_write_grids(st, f, fp);
	else
		rc = -1;
	if (fflush(fp) == EOF || ferror(fp))
		rc = -1;
	return rc;
}
