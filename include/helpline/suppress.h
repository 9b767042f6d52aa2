/*
 * suppress.h - small-cell suppression for published counts (DESIGN.md
 * section 5 rule 7), independent of what the counts mean.
 *
 * A table is a set of cells (counts) and lines.  A line is a set of cells
 * and the cell that holds their total; that total may itself be a cell of
 * another line (a row's total is a cell of the total column, whose own
 * total is the grand total).  The cells of a line must add up to its total.
 *
 * hl_suppress_run() decides which cells to hide:
 *   primary:   every cell with 1 <= n < k is hidden; zero is shown;
 *   secondary: a line whose total is shown must have no hidden cell, or at
 *              least two whose sum (the total minus the shown cells) is 0
 *              or at least k, so subtracting never pins a hidden cell down
 *              to a small value.  A line whose total is hidden must not
 *              show all its cells: their sum would give the total away,
 *              and with it whatever another line hid the total to protect.
 *              A line that breaks this has its smallest shown non-zero
 *              cell hidden (the first such in the line on a tie), again
 *              until it holds; if no such cell is left, its total is
 *              hidden.  Hiding a cell can break another line that holds
 *              it, so all lines are swept again until a whole sweep hides
 *              nothing.
 * So no single line has exactly one unknown.  It terminates: every step
 * hides one cell that was shown and nothing is ever shown again, so there
 * are at most as many steps as cells, and a sweep that hides nothing ends
 * the run.  (A hidden total is never 0, so a line that shows all the cells
 * of its hidden total has a non-zero one to hide.)  The result is
 * deterministic: the same cells and lines, added in the same order, hide
 * the same cells.
 *
 * What it does not do: it checks each line on its own, not what several
 * lines solved together could reveal (a linear-programming audit), and it
 * cannot stop someone from differencing two reports over ranges that
 * differ by a day.  The figures are for coordinators, not for publication.
 */
#ifndef HELPLINE_SUPPRESS_H
#define HELPLINE_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hl_suppress;

/* Creates an empty table with threshold k; a k below
 * HL_STATS_MIN_CELL_FLOOR (settings.h) is raised to it.  Returns NULL on
 * out-of-memory. */
struct hl_suppress *hl_suppress_new(unsigned k);

/* Returns the threshold in force (k after raising). */
unsigned hl_suppress_k(const struct hl_suppress *);

/* Adds a cell holding n; its id (0, 1, 2, ... in order of adding) goes to
 * *id.  Returns 0, or -1 on out-of-memory. */
int hl_suppress_cell(struct hl_suppress *, uint64_t n, size_t *id);

/* Adds a line: cells[0..n) and the cell holding their total (ids copied).
 * Returns 0, or -1 if an id is unknown, the total is one of the cells, the
 * cells do not add up to the total, or on out-of-memory. */
int hl_suppress_line(struct hl_suppress *, size_t total, const size_t *cells,
    size_t n);

/* Decides which cells are hidden (see the top of this file).  Running it
 * again, after more cells or lines, goes on from what is hidden. */
void hl_suppress_run(struct hl_suppress *);

/* Returns true if the cell is hidden (false for an unknown id). */
bool hl_suppress_is_hidden(const struct hl_suppress *, size_t id);

/* Returns the number of hidden cells. */
size_t hl_suppress_hidden_count(const struct hl_suppress *);

void hl_suppress_free(struct hl_suppress *);

#endif
