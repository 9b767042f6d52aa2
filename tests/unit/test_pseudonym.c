/*
 * test_pseudonym.c - keyed pseudonyms and key rotation, on a fake clock.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "helpline/pseudonym.h"

#define PERIOD	86400u
/* The start of a period in 2026. */
#define T0	((time_t)1795000000 / PERIOD * PERIOD)

struct fixture {
	time_t				 now;
	struct hl_pseudonymizer		*pz;
	struct hl_phone			 a, b;
};

/* Returns the fixture's fake time. */
static time_t
fake_clock(void *ctx)
{
	return ((struct fixture *)ctx)->now;
}

/* Makes a pseudonymizer on a fake clock at the start of a period. */
static int
setup(void **state)
{
	static struct fixture	f;

	memset(&f, 0, sizeof f);
	f.now = T0;
	f.pz = hl_pseudonymizer_new(PERIOD, fake_clock, &f);
	if (f.pz == NULL)
		return -1;
	strcpy(f.a.e164, "+31612345678");
	strcpy(f.b.e164, "+31612345679");
	*state = &f;
	return 0;
}

/* Frees the pseudonymizer. */
static int
teardown(void **state)
{
	struct fixture	*f = *state;

	hl_pseudonymizer_free(f->pz);
	return 0;
}

/* Returns true if two pseudonyms are equal. */
static bool
same(const struct hl_pseudonym *x, const struct hl_pseudonym *y)
{
	return memcmp(x->mac, y->mac, sizeof x->mac) == 0;
}

/* Checks that a number keeps its pseudonym within a period. */
static void
test_stable_in_period(void **state)
{
	struct fixture		*f = *state;
	struct hl_pseudonym	 x, y;

	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &x), 0);
	f->now = T0 + PERIOD - 1;
	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &y), 0);
	assert_true(same(&x, &y));
	/* First period: there is no previous key. */
	assert_int_equal(hl_pseudonym_previous(f->pz, &f->a, &y), -1);
}

/* Checks that different numbers get different pseudonyms. */
static void
test_numbers_differ(void **state)
{
	struct fixture		*f = *state;
	struct hl_pseudonym	 x, y, zero;

	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &x), 0);
	assert_int_equal(hl_pseudonym_current(f->pz, &f->b, &y), 0);
	assert_false(same(&x, &y));
	memset(&zero, 0, sizeof zero);
	assert_false(same(&x, &zero));
}

/* Checks that two instances have independent random keys. */
static void
test_instances_differ(void **state)
{
	struct fixture		*f = *state;
	struct hl_pseudonymizer	*other;
	struct hl_pseudonym	 x, y;

	other = hl_pseudonymizer_new(PERIOD, fake_clock, f);
	assert_non_null(other);
	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &x), 0);
	assert_int_equal(hl_pseudonym_current(other, &f->a, &y), 0);
	assert_false(same(&x, &y));
	hl_pseudonymizer_free(other);
	hl_pseudonymizer_free(NULL);
}

/* Checks that yesterday's key is today's previous key. */
static void
test_one_period_later(void **state)
{
	struct fixture		*f = *state;
	struct hl_pseudonym	 old, prev, cur;

	f->now = T0 + 100;
	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &old), 0);
	f->now = T0 + PERIOD;
	/* previous() alone rotates: no current() call needed first. */
	assert_int_equal(hl_pseudonym_previous(f->pz, &f->a, &prev), 0);
	assert_true(same(&old, &prev));
	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &cur), 0);
	assert_false(same(&old, &cur));
	f->now = T0 + 2 * PERIOD - 1;
	assert_int_equal(hl_pseudonym_previous(f->pz, &f->a, &prev), 0);
	assert_true(same(&old, &prev));
	/* The day after, the first key is gone and the second is previous. */
	f->now = T0 + 2 * PERIOD;
	assert_int_equal(hl_pseudonym_previous(f->pz, &f->a, &prev), 0);
	assert_true(same(&cur, &prev));
}

/* Checks that a key two periods old is wiped, not kept as previous. */
static void
test_two_periods_later(void **state)
{
	struct fixture		*f = *state;
	struct hl_pseudonym	 old, prev, cur;

	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &old), 0);
	f->now = T0 + 2 * PERIOD;
	assert_int_equal(hl_pseudonym_previous(f->pz, &f->a, &prev), -1);
	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &cur), 0);
	assert_false(same(&old, &cur));
	assert_int_equal(hl_pseudonym_previous(f->pz, &f->a, &prev), -1);
}

/* Checks that a previous key is dropped after its following period. */
static void
test_previous_expires(void **state)
{
	struct fixture		*f = *state;
	struct hl_pseudonym	 x, prev;

	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &x), 0);
	f->now = T0 + PERIOD;
	assert_int_equal(hl_pseudonym_previous(f->pz, &f->a, &prev), 0);
	/* No current key was made in period 1, so period 2 has nothing. */
	f->now = T0 + 2 * PERIOD;
	assert_int_equal(hl_pseudonym_previous(f->pz, &f->a, &prev), -1);
}

/* Checks that a clock stepping back keeps the keys. */
static void
test_clock_back(void **state)
{
	struct fixture		*f = *state;
	struct hl_pseudonym	 x, y;

	f->now = T0 + PERIOD;
	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &x), 0);
	f->now = T0 + PERIOD - 10;
	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &y), 0);
	assert_true(same(&x, &y));
}

/* Checks that periods are floored, also before the epoch. */
static void
test_negative_time(void **state)
{
	struct fixture		*f = *state;
	struct hl_pseudonym	 x, y;

	f->now = -1;
	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &x), 0);
	f->now = -(time_t)PERIOD;
	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &y), 0);
	assert_true(same(&x, &y));
	f->now = 0;
	assert_int_equal(hl_pseudonym_previous(f->pz, &f->a, &y), 0);
	assert_true(same(&x, &y));
}

/* Checks MACs of arbitrary bytes. */
static void
test_of_bytes(void **state)
{
	struct fixture		*f = *state;
	struct hl_pseudonym	 x, y, z, n;

	assert_int_equal(hl_pseudonym_of_bytes(f->pz, "msg-1", 5, &x), 0);
	assert_int_equal(hl_pseudonym_of_bytes(f->pz, "msg-1", 5, &y), 0);
	assert_int_equal(hl_pseudonym_of_bytes(f->pz, "msg-2", 5, &z), 0);
	assert_true(same(&x, &y));
	assert_false(same(&x, &z));
	/* Same key as numbers: the E.164 bytes give the number's pseudonym. */
	assert_int_equal(hl_pseudonym_of_bytes(f->pz, f->a.e164,
	    strlen(f->a.e164), &y), 0);
	assert_int_equal(hl_pseudonym_current(f->pz, &f->a, &n), 0);
	assert_true(same(&n, &y));
	assert_int_equal(hl_pseudonym_of_bytes(f->pz, "", 0, &z), 0);
	assert_false(same(&x, &z));
}

/* Checks argument validation in the constructor and the real clock. */
static void
test_new(void **state)
{
	struct hl_pseudonymizer	*pz;
	struct fixture		*f = *state;
	struct hl_pseudonym	 x, y;

	assert_null(hl_pseudonymizer_new(0, NULL, NULL));
	/* A 126-year period: no boundary falls between the two calls. */
	pz = hl_pseudonymizer_new(4000000000u, NULL, NULL);
	assert_non_null(pz);
	assert_int_equal(hl_pseudonym_current(pz, &f->a, &x), 0);
	assert_int_equal(hl_pseudonym_current(pz, &f->a, &y), 0);
	assert_true(same(&x, &y));
	hl_pseudonymizer_free(pz);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stable_in_period, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_numbers_differ, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_instances_differ, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_one_period_later, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_two_periods_later, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_previous_expires, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_clock_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_negative_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_of_bytes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_new, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
