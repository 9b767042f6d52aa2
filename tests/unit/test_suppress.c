/*
 * test_suppress.c - unit tests of small-cell suppression
 * (daemon/suppress.c, DESIGN.md section 5 rule 7).
 *
 * Hand-made tables with the exact set of cells that must be hidden, then
 * properties over thousands of random tables of several shapes (one line,
 * 2-D with row and column totals, two 2-D tables sharing their row totals
 * as the sessions report does, and nested totals), from a fixed seed:
 *   - no shown cell holds 1 .. k-1;
 *   - every line with a shown total has no hidden cell, or at least two
 *     whose sum (total - shown cells) is at least k;
 *   - every line with a hidden total has a hidden cell (else the total is
 *     the sum of the cells shown);
 *   - zero is never hidden, and running again hides nothing more.
 * The checker is the test's own, from the values it generated; as a
 * control it must find leaks in the same tables with primary suppression
 * only, which shows it can fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/settings.h"
#include "helpline/suppress.h"

#define RANDOM_TABLES 2000
#define MAX_CELLS 512
#define MAX_LINES 128
#define MAX_LINE 32

/* A table as the test sees it: values and lines, kept apart from the
 * module so the checker does not trust it. */
struct table {
	uint64_t value[MAX_CELLS];
	size_t n_cells;
	struct {
		size_t total;
		size_t cells[MAX_LINE];
		size_t n;
	} line[MAX_LINES];
	size_t n_lines;
};

/* Adds cells with the given values; ids are 0, 1, ... in order. */
static struct hl_suppress *
make(unsigned k, const uint64_t *v, size_t n)
{
	struct hl_suppress *s = hl_suppress_new(k);
	size_t id;

	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(hl_suppress_cell(s, v[i], &id), 0);
		assert_int_equal(id, i);
	}
	return s;
}

/* Checks the hidden set is exactly the listed ids. */
static void
assert_hidden(const struct hl_suppress *s, size_t n_cells,
    const size_t *want, size_t n_want)
{
	for (size_t c = 0; c < n_cells; c++) {
		bool expect = false;

		for (size_t i = 0; i < n_want; i++)
			expect |= want[i] == c;
		if (hl_suppress_is_hidden(s, c) != expect)
			fail_msg("cell %zu: hidden is %d, want %d", c,
			    hl_suppress_is_hidden(s, c), expect);
	}
	assert_int_equal(hl_suppress_hidden_count(s), n_want);
}

/* One small cell: the smallest other non-zero cell goes too. */
static void
test_one_line(void **state)
{
	/* 0..2 cells, 3 total */
	const uint64_t v[] = { 12, 3, 20, 35 };
	const size_t cells[] = { 0, 1, 2 }, want[] = { 0, 1 };
	struct hl_suppress *s = make(10, v, 4);

	(void)state;
	assert_int_equal(hl_suppress_line(s, 3, cells, 3), 0);
	hl_suppress_run(s);
	assert_hidden(s, 4, want, 2);
	hl_suppress_free(s);
}

/* Zero is shown, and a line of zeros and one large cell hides nothing. */
static void
test_zero_shown(void **state)
{
	const uint64_t v[] = { 0, 0, 25, 25 };
	const size_t cells[] = { 0, 1, 2 };
	struct hl_suppress *s = make(10, v, 4);

	(void)state;
	assert_int_equal(hl_suppress_line(s, 3, cells, 3), 0);
	hl_suppress_run(s);
	assert_hidden(s, 4, NULL, 0);
	hl_suppress_free(s);
}

/* Two small cells summing below k: a large one goes too, although there
 * are already two hidden. */
static void
test_small_remainder(void **state)
{
	const uint64_t v[] = { 2, 3, 40, 0, 45 };
	const size_t cells[] = { 0, 1, 2, 3 }, want[] = { 0, 1, 2 };
	struct hl_suppress *s = make(10, v, 5);

	(void)state;
	assert_int_equal(hl_suppress_line(s, 4, cells, 4), 0);
	hl_suppress_run(s);
	assert_hidden(s, 5, want, 3);
	hl_suppress_free(s);
}

/* The smallest shown non-zero cell is chosen, the first on a tie. */
static void
test_smallest_first_on_tie(void **state)
{
	const uint64_t v[] = { 50, 11, 4, 11, 76 };
	const size_t cells[] = { 0, 1, 2, 3 }, want[] = { 1, 2 };
	struct hl_suppress *s = make(10, v, 5);

	(void)state;
	assert_int_equal(hl_suppress_line(s, 4, cells, 4), 0);
	hl_suppress_run(s);
	assert_hidden(s, 5, want, 2);
	hl_suppress_free(s);
}

/*
 *          c1  c2 | T          every inner cell goes: 3 is small, then
 *    r1    20   3 | 23         row r1 takes 20, column c1 takes 15 and
 *    r2    15  30 | 45         column c2 takes 30; the margins stay.
 *    T     35  33 | 68
 */
static void
test_two_by_two(void **state)
{
	const uint64_t v[] = { 20, 3, 15, 30, 23, 45, 35, 33, 68 };
	const size_t r1[] = { 0, 1 }, r2[] = { 2, 3 }, c1[] = { 0, 2 },
	    c2[] = { 1, 3 }, tr[] = { 6, 7 }, tc[] = { 4, 5 },
	    want[] = { 0, 1, 2, 3 };
	struct hl_suppress *s = make(10, v, 9);

	(void)state;
	assert_int_equal(hl_suppress_line(s, 4, r1, 2), 0);
	assert_int_equal(hl_suppress_line(s, 5, r2, 2), 0);
	assert_int_equal(hl_suppress_line(s, 6, c1, 2), 0);
	assert_int_equal(hl_suppress_line(s, 7, c2, 2), 0);
	assert_int_equal(hl_suppress_line(s, 8, tr, 2), 0);
	assert_int_equal(hl_suppress_line(s, 8, tc, 2), 0);
	hl_suppress_run(s);
	assert_hidden(s, 9, want, 4);
	hl_suppress_free(s);
}

/* A line with one hidden cell and nothing else to hide loses its total:
 * cell 0 (12) is hidden for line B, and line A is {0} -> 2. */
static void
test_hide_total(void **state)
{
	const uint64_t v[] = { 12, 3, 15, 12 };
	const size_t b[] = { 0, 1 }, a[] = { 0 }, want[] = { 0, 1, 3 };
	struct hl_suppress *s = make(10, v, 4);

	(void)state;
	assert_int_equal(hl_suppress_line(s, 2, b, 2), 0);
	assert_int_equal(hl_suppress_line(s, 3, a, 1), 0);
	hl_suppress_run(s);
	assert_hidden(s, 4, want, 3);
	hl_suppress_free(s);
}

/*
 * A total hidden to protect another line must not be the sum of cells
 * that all show.  Line A {0: 10, 1: 0} -> 2 (10); line B {2, 3: 5} -> 4
 * (15).  5 is small, so B hides its total column cell 2; A then shows
 * both cells of its hidden total, 10 + 0, and 5 = 15 - 10: A hides 0.
 */
static void
test_hidden_total_not_derivable(void **state)
{
	const uint64_t v[] = { 10, 0, 10, 5, 15 };
	const size_t a[] = { 0, 1 }, b[] = { 2, 3 }, want[] = { 0, 2, 3 };
	struct hl_suppress *s = make(10, v, 5);

	(void)state;
	assert_int_equal(hl_suppress_line(s, 2, a, 2), 0);
	assert_int_equal(hl_suppress_line(s, 4, b, 2), 0);
	hl_suppress_run(s);
	assert_hidden(s, 5, want, 3);
	hl_suppress_free(s);
}

/* Hiding a cell for one line breaks an earlier line: the sweep goes
 * round again.  Line A {0, 1} -> 4 is checked first and holds; line B
 * {1, 2} -> 5 then hides 1, which leaves A with one hidden cell. */
static void
test_fixpoint_revisits(void **state)
{
	const uint64_t v[] = { 30, 14, 6, 0, 44, 20 };
	const size_t a[] = { 0, 1, 3 }, b[] = { 1, 2 }, want[] = { 0, 1, 2 };
	struct hl_suppress *s = make(10, v, 6);

	(void)state;
	assert_int_equal(hl_suppress_line(s, 4, a, 3), 0);
	assert_int_equal(hl_suppress_line(s, 5, b, 2), 0);
	hl_suppress_run(s);
	assert_hidden(s, 6, want, 3);
	hl_suppress_free(s);
}

/* k below the floor is raised to 5: 4 is hidden even when asked for 3,
 * and then 6 too, since it would give 4 away. */
static void
test_floor(void **state)
{
	const uint64_t v[] = { 4, 6, 10 };
	const size_t cells[] = { 0, 1 }, want[] = { 0, 1 };
	unsigned ks[] = { 0, 1, 3, 4 };

	(void)state;
	for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
		struct hl_suppress *s = make(ks[i], v, 3);

		assert_int_equal(hl_suppress_k(s), HL_STATS_MIN_CELL_FLOOR);
		assert_int_equal(hl_suppress_line(s, 2, cells, 2), 0);
		hl_suppress_run(s);
		assert_hidden(s, 3, want, 2);
		hl_suppress_free(s);
	}
	/* Above the floor, k is kept: with 12, 10 is small too. */
	{
		const uint64_t w[] = { 10, 12, 40, 62 };
		const size_t c3[] = { 0, 1, 2 }, want3[] = { 0, 1 };
		struct hl_suppress *s = make(12, w, 4);

		assert_int_equal(hl_suppress_k(s), 12);
		assert_int_equal(hl_suppress_line(s, 3, c3, 3), 0);
		hl_suppress_run(s);
		assert_hidden(s, 4, want3, 2);
		hl_suppress_free(s);
	}
}

/* A line that does not add up, an unknown id or a total among its own
 * cells is refused. */
static void
test_bad_lines(void **state)
{
	const uint64_t v[] = { 10, 20, 31 };
	const size_t ok[] = { 0, 1 }, unknown[] = { 0, 7 }, self[] = { 0, 2 };
	struct hl_suppress *s = make(10, v, 3);

	(void)state;
	assert_int_equal(hl_suppress_line(s, 2, ok, 2), -1);	/* 30 != 31 */
	assert_int_equal(hl_suppress_line(s, 2, unknown, 2), -1);
	assert_int_equal(hl_suppress_line(s, 9, ok, 2), -1);
	assert_int_equal(hl_suppress_line(s, 2, self, 2), -1);
	assert_false(hl_suppress_is_hidden(s, 99));
	hl_suppress_free(s);
	hl_suppress_free(NULL);
}

/* Returns the next value of a fixed-seed generator (splitmix64). */
static uint64_t
rnd(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Returns a count skewed the way real figures are: many zeros and small
 * counts, some around k, a few large. */
static uint64_t
rnd_count(uint64_t *x, unsigned k)
{
	unsigned r = (unsigned)(rnd(x) % 100);

	if (r < 25)
		return 0;
	if (r < 55)
		return 1 + rnd(x) % (k - 1);
	if (r < 85)
		return k + rnd(x) % 20;
	return rnd(x) % 500;
}

/* Adds a cell to the test's table. */
static size_t
t_cell(struct table *t, uint64_t v)
{
	assert_true(t->n_cells < MAX_CELLS);
	t->value[t->n_cells] = v;
	return t->n_cells++;
}

/* Adds a line to the test's table, with its total made as a new cell. */
static size_t
t_line_new_total(struct table *t, const size_t *cells, size_t n)
{
	uint64_t sum = 0;
	size_t total;

	for (size_t i = 0; i < n; i++)
		sum += t->value[cells[i]];
	total = t_cell(t, sum);
	assert_true(t->n_lines < MAX_LINES && n <= MAX_LINE);
	t->line[t->n_lines].total = total;
	memcpy(t->line[t->n_lines].cells, cells, n * sizeof *cells);
	t->line[t->n_lines].n = n;
	t->n_lines++;
	return total;
}

/* Adds a line over an existing total cell. */
static void
t_line(struct table *t, size_t total, const size_t *cells, size_t n)
{
	assert_true(t->n_lines < MAX_LINES && n <= MAX_LINE);
	t->line[t->n_lines].total = total;
	memcpy(t->line[t->n_lines].cells, cells, n * sizeof *cells);
	t->line[t->n_lines].n = n;
	t->n_lines++;
}

/* One line of 1..12 cells. */
static void
shape_line(struct table *t, uint64_t *x, unsigned k)
{
	size_t cells[MAX_LINE], n = 1 + rnd(x) % 12;

	for (size_t i = 0; i < n; i++)
		cells[i] = t_cell(t, rnd_count(x, k));
	t_line_new_total(t, cells, n);
}

/* An r x c grid with its row totals, column totals and grand total;
 * returns the ids of the row totals in rt.  With shared_rt, the row totals
 * are given (a second grid splitting the same rows another way). */
static void
shape_grid(struct table *t, uint64_t *x, unsigned k, size_t r, size_t c,
    size_t *rt, bool shared_rt, size_t *grand)
{
	size_t g[16][16], row[MAX_LINE], col[MAX_LINE], ct[MAX_LINE];

	assert_true(r <= 16 && c <= 16);
	for (size_t i = 0; i < r; i++) {
		uint64_t left = shared_rt ? t->value[rt[i]] : 0;

		for (size_t j = 0; j < c; j++) {
			uint64_t v = rnd_count(x, k);

			/* A second split of given totals: the last column
			 * takes what is left, the others a share of it. */
			if (shared_rt) {
				v = j + 1 == c ? left : (left == 0 ? 0 :
				    rnd(x) % (left + 1));
				left -= v;
			}
			g[i][j] = t_cell(t, v);
		}
	}
	for (size_t i = 0; i < r; i++) {
		for (size_t j = 0; j < c; j++)
			row[j] = g[i][j];
		if (shared_rt)
			t_line(t, rt[i], row, c);
		else
			rt[i] = t_line_new_total(t, row, c);
	}
	for (size_t j = 0; j < c; j++) {
		for (size_t i = 0; i < r; i++)
			col[i] = g[i][j];
		ct[j] = t_line_new_total(t, col, r);
	}
	if (!shared_rt)
		*grand = t_line_new_total(t, rt, r);
	t_line(t, *grand, ct, c);
}

/* Totals of totals: a line whose cells are each the total of a line. */
static void
shape_nested(struct table *t, uint64_t *x, unsigned k)
{
	size_t subs[MAX_LINE], n = 2 + rnd(x) % 5;

	for (size_t i = 0; i < n; i++) {
		size_t cells[MAX_LINE], m = 1 + rnd(x) % 5;

		for (size_t j = 0; j < m; j++)
			cells[j] = t_cell(t, rnd_count(x, k));
		subs[i] = t_line_new_total(t, cells, m);
	}
	t_line_new_total(t, subs, n);
}

/* Builds a random table of a random shape. */
static void
random_table(struct table *t, uint64_t *x, unsigned k)
{
	size_t rt[16], grand = 0;
	size_t r = 1 + rnd(x) % 8, c = 1 + rnd(x) % 6;

	memset(t, 0, sizeof *t);
	switch (rnd(x) % 4) {
	case 0:
		shape_line(t, x, k);
		break;
	case 1:
		shape_grid(t, x, k, r, c, rt, false, &grand);
		break;
	case 2:
		/* Sessions: started per period, by channel and by language. */
		shape_grid(t, x, k, r, c, rt, false, &grand);
		shape_grid(t, x, k, r, 1 + rnd(x) % 4, rt, true, &grand);
		break;
	default:
		shape_nested(t, x, k);
		break;
	}
}

/* Counts the lines that give a hidden cell away, by the test's own
 * reading of the rule, and fails on a shown small cell. */
static unsigned
leaks(const struct table *t, const bool *hidden, unsigned k)
{
	unsigned bad = 0;

	for (size_t c = 0; c < t->n_cells; c++) {
		if (!hidden[c] && t->value[c] >= 1 && t->value[c] < k)
			fail_msg("cell %zu shows %llu, below %u", c,
			    (unsigned long long)t->value[c], k);
	}
	for (size_t l = 0; l < t->n_lines; l++) {
		uint64_t rest = t->value[t->line[l].total];
		size_t h = 0;

		for (size_t i = 0; i < t->line[l].n; i++) {
			size_t c = t->line[l].cells[i];

			if (hidden[c])
				h++;
			else
				rest -= t->value[c];
		}
		/* A hidden total is the sum of its cells if all show. */
		if (hidden[t->line[l].total]) {
			bad += h == 0;
			continue;
		}
		if (h == 0 && rest != 0)
			fail_msg("line %zu does not add up", l);
		if (h == 1 || (h >= 2 && rest < k))
			bad++;
	}
	return bad;
}

/* Builds the module's table from the test's. */
static struct hl_suppress *
load(const struct table *t, unsigned k)
{
	struct hl_suppress *s = make(k, t->value, t->n_cells);

	for (size_t l = 0; l < t->n_lines; l++)
		assert_int_equal(hl_suppress_line(s, t->line[l].total,
		    t->line[l].cells, t->line[l].n), 0);
	return s;
}

static void
test_random_tables(void **state)
{
	static const unsigned ks[] = { 10, 5, 3, 12, 10, 7 };
	static struct table t;
	uint64_t x = 20261123;
	unsigned primary_leaks = 0, hidden_total = 0;

	(void)state;
	for (unsigned n = 0; n < RANDOM_TABLES; n++) {
		unsigned ask = ks[n % (sizeof ks / sizeof ks[0])];
		unsigned k = ask < HL_STATS_MIN_CELL_FLOOR ?
		    HL_STATS_MIN_CELL_FLOOR : ask;
		bool hidden[MAX_CELLS], primary[MAX_CELLS];
		struct hl_suppress *s;
		size_t before;

		random_table(&t, &x, k);
		s = load(&t, ask);
		hl_suppress_run(s);
		for (size_t c = 0; c < t.n_cells; c++) {
			hidden[c] = hl_suppress_is_hidden(s, c);
			primary[c] = t.value[c] >= 1 && t.value[c] < k;
			if (t.value[c] == 0 && hidden[c])
				fail_msg("table %u: zero cell %zu hidden", n,
				    c);
			hidden_total += hidden[c];
		}
		if (leaks(&t, hidden, k) != 0)
			fail_msg("table %u leaks", n);
		primary_leaks += leaks(&t, primary, k) != 0;
		/* A fixpoint: running again hides nothing more. */
		before = hl_suppress_hidden_count(s);
		hl_suppress_run(s);
		assert_int_equal(hl_suppress_hidden_count(s), before);
		hl_suppress_free(s);
	}
	/* Control: primary suppression alone leaks in many of them, so the
	 * checker above is able to fail. */
	print_message("%d tables, %u leak with primary suppression only, "
	    "%u cells hidden\n", RANDOM_TABLES, primary_leaks, hidden_total);
	assert_true(primary_leaks > RANDOM_TABLES / 4);
}

/* The same table gives the same hidden cells (determinism). */
static void
test_deterministic(void **state)
{
	static struct table t;
	uint64_t x = 7;

	(void)state;
	for (unsigned n = 0; n < 200; n++) {
		struct hl_suppress *a, *b;

		random_table(&t, &x, 10);
		a = load(&t, 10);
		b = load(&t, 10);
		hl_suppress_run(a);
		hl_suppress_run(b);
		for (size_t c = 0; c < t.n_cells; c++)
			assert_int_equal(hl_suppress_is_hidden(a, c),
			    hl_suppress_is_hidden(b, c));
		hl_suppress_free(a);
		hl_suppress_free(b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_line),
		cmocka_unit_test(test_zero_shown),
		cmocka_unit_test(test_small_remainder),
		cmocka_unit_test(test_smallest_first_on_tie),
		cmocka_unit_test(test_two_by_two),
		cmocka_unit_test(test_hide_total),
		cmocka_unit_test(test_hidden_total_not_derivable),
		cmocka_unit_test(test_fixpoint_revisits),
		cmocka_unit_test(test_floor),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_random_tables),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
