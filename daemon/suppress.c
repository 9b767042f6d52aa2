/*
 * suppress.c - small-cell suppression over cells and lines
 * (include/helpline/suppress.h has the rules and why they terminate).
 *
 * Cells are one array of (value, hidden); lines are runs of one flat
 * array of cell ids, so adding a line is one append and a sweep walks
 * memory in order.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/settings.h"
#include "helpline/suppress.h"

struct suppress_line {
	size_t total;		/* cell id */
	size_t first;		/* index of the first cell id in ids */
	size_t n;
};

struct suppress_cell {
	uint64_t value;
	bool hidden;
};

struct hl_suppress {
	unsigned k;
	struct suppress_cell *cells;
	size_t n_cells, cap_cells;
	struct suppress_line *lines;
	size_t n_lines, cap_lines;
	size_t *ids;		/* the cells of every line, line after line */
	size_t n_ids, cap_ids;
};

/* Returns p grown to hold at least need elements of size (doubling), with
 * *cap updated, or NULL on out-of-memory (p is then left as it was). */
static void *
suppress_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;

	if (need <= *cap)
		return p;
	ncap = *cap == 0 ? 16 : *cap;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / size)
			return NULL;
		ncap *= 2;
	}
	if ((p = realloc(p, ncap * size)) == NULL)
		return NULL;
	*cap = ncap;
	return p;
}

/* Creates an empty table. */
struct hl_suppress *
hl_suppress_new(unsigned k)
{
	struct hl_suppress *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	/* DESIGN.md section 5 rule 7: never below the floor, whoever asks. */
	s->k = k < HL_STATS_MIN_CELL_FLOOR ? HL_STATS_MIN_CELL_FLOOR : k;
	return s;
}

/* Returns the threshold in force. */
unsigned
hl_suppress_k(const struct hl_suppress *s)
{
	return s->k;
}

/* Adds a cell. */
int
hl_suppress_cell(struct hl_suppress *s, uint64_t n, size_t *id)
{
	struct suppress_cell *c;

	c = suppress_grow(s->cells, &s->cap_cells, s->n_cells + 1,
	    sizeof *c);
	if (c == NULL)
		return -1;
	s->cells = c;
	s->cells[s->n_cells] = (struct suppress_cell){ .value = n };
	*id = s->n_cells++;
	return 0;
}

/* Adds a line after checking that it adds up. */
int
hl_suppress_line(struct hl_suppress *s, size_t total, const size_t *cells,
    size_t n)
{
	struct suppress_line *lines;
	uint64_t sum = 0;
	size_t *ids;

	if (total >= s->n_cells)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (cells[i] >= s->n_cells || cells[i] == total ||
		    s->cells[cells[i]].value > UINT64_MAX - sum)
			return -1;
		sum += s->cells[cells[i]].value;
	}
	/* The remainder rule relies on it: hidden sum = total - shown. */
	if (sum != s->cells[total].value || n > SIZE_MAX - s->n_ids)
		return -1;
	if ((ids = suppress_grow(s->ids, &s->cap_ids, s->n_ids + n,
	    sizeof *ids)) == NULL)
		return -1;
	s->ids = ids;
	if ((lines = suppress_grow(s->lines, &s->cap_lines, s->n_lines + 1,
	    sizeof *lines)) == NULL)
		return -1;
	s->lines = lines;
	if (n > 0)
		memcpy(s->ids + s->n_ids, cells, n * sizeof *cells);
	s->lines[s->n_lines++] = (struct suppress_line){
		.total = total, .first = s->n_ids, .n = n,
	};
	s->n_ids += n;
	return 0;
}

/* Tells whether a line gives a hidden cell away.  With its total shown:
 * one hidden cell is the remainder exactly, several with a remainder
 * below k are each below k.  With its total hidden: if every cell shows,
 * the total is their sum, and may itself be what another line relies on
 * being unknown. */
static bool
suppress_line_leaks(const struct hl_suppress *s,
    const struct suppress_line *l)
{
	const size_t *ids = s->ids + l->first;
	uint64_t shown = 0, rest;
	size_t hidden = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (s->cells[ids[i]].hidden)
			hidden++;
		else
			shown += s->cells[ids[i]].value;
	}
	if (s->cells[l->total].hidden)
		return hidden == 0;
	rest = s->cells[l->total].value - shown;
	if (hidden == 0)
		return false;
	return hidden == 1 || rest < s->k;
}

/* Hides the smallest shown non-zero cell of a line (the first on a tie),
 * or else its total if that shows.  Returns false if there was nothing
 * left to hide. */
static bool
suppress_line_hide_one(struct hl_suppress *s, const struct suppress_line *l)
{
	const size_t *ids = s->ids + l->first;
	size_t pick = l->total;
	bool found = false;

	for (size_t i = 0; i < l->n; i++) {
		size_t c = ids[i];

		if (s->cells[c].hidden || s->cells[c].value == 0)
			continue;
		if (!found || s->cells[c].value < s->cells[pick].value) {
			pick = c;
			found = true;
		}
	}
	if (!found && s->cells[pick].hidden)
		return false;
	s->cells[pick].hidden = true;
	return true;
}

/* Hides cells until no line leaks. */
void
hl_suppress_run(struct hl_suppress *s)
{
	bool changed;

	for (size_t c = 0; c < s->n_cells; c++) {
		if (s->cells[c].value >= 1 && s->cells[c].value < s->k)
			s->cells[c].hidden = true;
	}
	/* Each pass of the inner loop hides one shown cell or leaves it:
	 * at most n_cells hides in all, so both loops end. */
	do {
		changed = false;
		for (size_t i = 0; i < s->n_lines; i++) {
			const struct suppress_line *l = &s->lines[i];

			while (suppress_line_leaks(s, l) &&
			    suppress_line_hide_one(s, l))
				changed = true;
		}
	} while (changed);
}

/* Tells whether a cell is hidden. */
bool
hl_suppress_is_hidden(const struct hl_suppress *s, size_t id)
{
	return id < s->n_cells && s->cells[id].hidden;
}

/* Counts the hidden cells. */
size_t
hl_suppress_hidden_count(const struct hl_suppress *s)
{
	size_t n = 0;

	for (size_t c = 0; c < s->n_cells; c++)
		n += s->cells[c].hidden;
	return n;
}

/* Frees the table. */
void
hl_suppress_free(struct hl_suppress *s)
{
	if (s == NULL)
		return;
	free(s->cells);
	free(s->lines);
	free(s->ids);
	free(s);
}
