/*
 * test_smpp_window.c - SMPP sequence numbers, the window of outstanding
 * requests, the rate limit and the reconnect backoff.
 *
 * Time is a plain int64 of milliseconds stepped by the test, so every
 * expected value is exact and nothing sleeps.
 */

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "helpline/smpp_window.h"

#define TIMEOUT	1000	/* ms, for the expiry tests */

/* Checks the sequence runs 1..0x7FFFFFFF and wraps to 1, never 0. */
static void
test_seq(void **state)
{
	uint32_t	seq;

	(void)state;
	seq = 0;
	assert_int_equal(hl_smpp_seq_next(&seq), 1);
	assert_int_equal(seq, 1);
	assert_int_equal(hl_smpp_seq_next(&seq), 2);
	assert_int_equal(seq, 2);

	seq = 0x7FFFFFFE;
	assert_int_equal(hl_smpp_seq_next(&seq), 0x7FFFFFFF);
	assert_int_equal(seq, 0x7FFFFFFF);
	assert_int_equal(hl_smpp_seq_next(&seq), 1);
	assert_int_equal(seq, 1);

	/* Out-of-range starting values give 1, not 0x80000001 or 0. */
	seq = 0xFFFFFFFF;
	assert_int_equal(hl_smpp_seq_next(&seq), 1);
	assert_int_equal(seq, 1);
	seq = 0x80000000;
	assert_int_equal(hl_smpp_seq_next(&seq), 1);
	assert_int_equal(seq, 1);
	seq = 0x80000001;
	assert_int_equal(hl_smpp_seq_next(&seq), 1);
}

/* Checks the capacity limits and freeing NULL. */
static void
test_window_new(void **state)
{
	struct hl_smpp_window	*w;

	(void)state;
	assert_null(hl_smpp_window_new(0));
	assert_null(hl_smpp_window_new(1001));
	assert_null(hl_smpp_window_new(SIZE_MAX));
	w = hl_smpp_window_new(1000);
	assert_non_null(w);
	assert_int_equal(hl_smpp_window_count(w), 0);
	assert_false(hl_smpp_window_full(w));
	hl_smpp_window_free(w);
	w = hl_smpp_window_new(1);
	assert_non_null(w);
	hl_smpp_window_free(w);
	hl_smpp_window_free(NULL);
}

/* Checks responses matched by seq in any order. */
static void
test_window_out_of_order(void **state)
{
	struct hl_smpp_window	*w;
	int			 a = 1, b = 2, c = 3;
	bool			 found;

	(void)state;
	assert_non_null(w = hl_smpp_window_new(10));
	assert_int_equal(hl_smpp_window_put(w, 7, 0, &a), 0);
	assert_int_equal(hl_smpp_window_put(w, 8, 1, &b), 0);
	assert_int_equal(hl_smpp_window_put(w, 0x7FFFFFFF, 2, &c), 0);
	assert_int_equal(hl_smpp_window_count(w), 3);

	assert_ptr_equal(hl_smpp_window_take(w, 8, &found), &b);
	assert_true(found);
	assert_ptr_equal(hl_smpp_window_take(w, 0x7FFFFFFF, &found), &c);
	assert_true(found);
	assert_int_equal(hl_smpp_window_count(w), 1);
	assert_ptr_equal(hl_smpp_window_take(w, 7, &found), &a);
	assert_true(found);
	assert_int_equal(hl_smpp_window_count(w), 0);
	hl_smpp_window_free(w);
}

/* Checks a seq already outstanding is refused and the first one kept. */
static void
test_window_duplicate(void **state)
{
	struct hl_smpp_window	*w;
	int			 a, b;
	bool			 found;

	(void)state;
	assert_non_null(w = hl_smpp_window_new(10));
	assert_int_equal(hl_smpp_window_put(w, 42, 0, &a), 0);
	assert_int_equal(hl_smpp_window_put(w, 42, 5, &b), -1);
	assert_int_equal(hl_smpp_window_count(w), 1);
	assert_ptr_equal(hl_smpp_window_take(w, 42, &found), &a);
	assert_true(found);
	/* Answered, so the number may be used again. */
	assert_int_equal(hl_smpp_window_put(w, 42, 6, &b), 0);
	assert_ptr_equal(hl_smpp_window_take(w, 42, &found), &b);
	hl_smpp_window_free(w);
}

/* Checks a full window refuses, and takes room again once answered. */
static void
test_window_full(void **state)
{
	struct hl_smpp_window	*w;
	int			 v[4];
	bool			 found;

	(void)state;
	assert_non_null(w = hl_smpp_window_new(3));
	for (uint32_t i = 0; i < 3; i++) {
		assert_false(hl_smpp_window_full(w));
		assert_int_equal(hl_smpp_window_put(w, i + 1, 0, &v[i]), 0);
	}
	assert_true(hl_smpp_window_full(w));
	assert_int_equal(hl_smpp_window_put(w, 4, 0, &v[3]), -1);
	assert_int_equal(hl_smpp_window_count(w), 3);
	assert_ptr_equal(hl_smpp_window_take(w, 2, &found), &v[1]);
	assert_false(hl_smpp_window_full(w));
	assert_int_equal(hl_smpp_window_put(w, 4, 0, &v[3]), 0);
	assert_true(hl_smpp_window_full(w));
	assert_ptr_equal(hl_smpp_window_take(w, 4, &found), &v[3]);
	assert_true(found);
	hl_smpp_window_free(w);
}

/* Checks late and stray responses, and a NULL pointer told apart. */
static void
test_window_stray(void **state)
{
	struct hl_smpp_window	*w;
	int			 a;
	bool			 found = true;

	(void)state;
	assert_non_null(w = hl_smpp_window_new(10));
	assert_null(hl_smpp_window_take(w, 1, &found));
	assert_false(found);

	assert_int_equal(hl_smpp_window_put(w, 1, 0, &a), 0);
	found = true;
	assert_null(hl_smpp_window_take(w, 2, &found));
	assert_false(found);
	assert_int_equal(hl_smpp_window_count(w), 1);
	assert_ptr_equal(hl_smpp_window_take(w, 1, &found), &a);
	assert_true(found);
	/* The same response again (late duplicate). */
	found = true;
	assert_null(hl_smpp_window_take(w, 1, &found));
	assert_false(found);

	/* A request with no pointer is still found. */
	assert_int_equal(hl_smpp_window_put(w, 9, 0, NULL), 0);
	found = false;
	assert_null(hl_smpp_window_take(w, 9, &found));
	assert_true(found);
	assert_int_equal(hl_smpp_window_count(w), 0);
	hl_smpp_window_free(w);
}

/* Checks expiry takes the oldest first, by sent time, then put order. */
static void
test_window_expired(void **state)
{
	struct hl_smpp_window	*w;
	int			 v[4];
	uint32_t		 seq = 0;
	void			*data = NULL;

	(void)state;
	assert_non_null(w = hl_smpp_window_new(10));
	assert_int_equal(hl_smpp_window_next_timeout(w, 0, TIMEOUT), -1);
	assert_false(hl_smpp_window_take_expired(w, 1000000, TIMEOUT, &seq,
	    &data));

	assert_int_equal(hl_smpp_window_put(w, 5, 100, &v[0]), 0);
	/* Put later but stamped earlier: it is the oldest. */
	assert_int_equal(hl_smpp_window_put(w, 3, 50, &v[1]), 0);
	assert_int_equal(hl_smpp_window_put(w, 7, 100, &v[2]), 0);
	assert_int_equal(hl_smpp_window_put(w, 9, 200, &v[3]), 0);

	assert_int_equal(hl_smpp_window_next_timeout(w, 0, TIMEOUT), 1000);
	assert_int_equal(hl_smpp_window_next_timeout(w, 50, TIMEOUT), 1000);
	assert_int_equal(hl_smpp_window_next_timeout(w, 500, TIMEOUT), 550);
	assert_int_equal(hl_smpp_window_next_timeout(w, 1049, TIMEOUT), 1);
	assert_int_equal(hl_smpp_window_next_timeout(w, 1050, TIMEOUT), 0);
	assert_int_equal(hl_smpp_window_next_timeout(w, 9999, TIMEOUT), 0);

	assert_false(hl_smpp_window_take_expired(w, 1049, TIMEOUT, &seq,
	    &data));
	assert_true(hl_smpp_window_take_expired(w, 1050, TIMEOUT, &seq,
	    &data));
	assert_int_equal(seq, 3);
	assert_ptr_equal(data, &v[1]);
	assert_false(hl_smpp_window_take_expired(w, 1050, TIMEOUT, &seq,
	    &data));
	assert_int_equal(hl_smpp_window_next_timeout(w, 1050, TIMEOUT), 50);

	/* Two sent at 100: the one put first comes first. */
	assert_true(hl_smpp_window_take_expired(w, 1199, TIMEOUT, &seq,
	    &data));
	assert_int_equal(seq, 5);
	assert_ptr_equal(data, &v[0]);
	assert_true(hl_smpp_window_take_expired(w, 1199, TIMEOUT, &seq,
	    &data));
	assert_int_equal(seq, 7);
	assert_ptr_equal(data, &v[2]);
	assert_false(hl_smpp_window_take_expired(w, 1199, TIMEOUT, &seq,
	    &data));
	assert_int_equal(hl_smpp_window_next_timeout(w, 1199, TIMEOUT), 1);
	/* Exactly timeout_ms after sending counts as expired. */
	assert_true(hl_smpp_window_take_expired(w, 1200, TIMEOUT, &seq,
	    &data));
	assert_int_equal(seq, 9);
	assert_ptr_equal(data, &v[3]);
	assert_false(hl_smpp_window_take_expired(w, 1200, TIMEOUT, &seq,
	    &data));
	assert_int_equal(hl_smpp_window_next_timeout(w, 1200, TIMEOUT), -1);
	assert_int_equal(hl_smpp_window_count(w), 0);
	hl_smpp_window_free(w);
}

/* Checks a clock behind a sent time and far-apart times. */
static void
test_window_expired_clock(void **state)
{
	struct hl_smpp_window	*w;
	uint32_t		 seq = 0;
	void			*data = NULL;

	(void)state;
	assert_non_null(w = hl_smpp_window_new(10));
	assert_int_equal(hl_smpp_window_put(w, 1, 5000, NULL), 0);
	/* The clock went back: nothing has waited, the full timeout is left. */
	assert_int_equal(hl_smpp_window_next_timeout(w, 4000, TIMEOUT),
	    TIMEOUT);
	assert_false(hl_smpp_window_take_expired(w, 4000, TIMEOUT, &seq,
	    &data));
	assert_false(hl_smpp_window_take_expired(w, INT64_MIN, TIMEOUT, &seq,
	    &data));
	hl_smpp_window_free(w);

	assert_non_null(w = hl_smpp_window_new(10));
	assert_int_equal(hl_smpp_window_put(w, 2, INT64_MIN, NULL), 0);
	assert_int_equal(hl_smpp_window_next_timeout(w, INT64_MAX, INT64_MAX),
	    0);
	assert_true(hl_smpp_window_take_expired(w, INT64_MAX, INT64_MAX, &seq,
	    &data));
	assert_int_equal(seq, 2);
	hl_smpp_window_free(w);
}

/* Checks take_any empties the window in the order of sending, also after
 * slots were reused. */
static void
test_window_take_any(void **state)
{
	struct hl_smpp_window	*w;
	int			 v[10];
	uint32_t		 seq = 0;
	void			*data = NULL;
	bool			 found;

	(void)state;
	assert_non_null(w = hl_smpp_window_new(10));
	assert_false(hl_smpp_window_take_any(w, &seq, &data));
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(hl_smpp_window_put(w, 100 + i, 0, &v[i]), 0);
	/* Free the first slot and fill it with the newest request. */
	assert_ptr_equal(hl_smpp_window_take(w, 100, &found), &v[0]);
	assert_int_equal(hl_smpp_window_put(w, 200, 0, &v[0]), 0);

	for (uint32_t i = 1; i < 10; i++) {
		assert_true(hl_smpp_window_take_any(w, &seq, &data));
		assert_int_equal(seq, 100 + i);
		assert_ptr_equal(data, &v[i]);
	}
	assert_true(hl_smpp_window_take_any(w, &seq, &data));
	assert_int_equal(seq, 200);
	assert_ptr_equal(data, &v[0]);
	assert_false(hl_smpp_window_take_any(w, &seq, &data));
	assert_int_equal(hl_smpp_window_count(w), 0);
	assert_int_equal(hl_smpp_window_next_timeout(w, 0, TIMEOUT), -1);
	hl_smpp_window_free(w);
}

/* Returns the tokens taken from r by taking greedily every ms in
 * [from, to]. */
static unsigned
drain(struct hl_smpp_rate *r, int64_t from, int64_t to)
{
	unsigned	n = 0;

	for (int64_t t = from; t <= to; t++)
		while (hl_smpp_rate_take(r, t))
			n++;
	return n;
}

/* Checks 5/s with a burst of 1: a token every 200 ms, and the waits. */
static void
test_rate_five(void **state)
{
	struct hl_smpp_rate	r;
	int64_t			at[8];
	unsigned		n = 0;

	(void)state;
	hl_smpp_rate_init(&r, 5, 1, 0);
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 0), 0);
	for (int64_t t = 0; t < 1000; t++) {
		if (hl_smpp_rate_take(&r, t)) {
			assert_true(n < 8);
			at[n++] = t;
		}
	}
	assert_int_equal(n, 5);
	assert_int_equal(at[0], 0);
	assert_int_equal(at[1], 200);
	assert_int_equal(at[2], 400);
	assert_int_equal(at[3], 600);
	assert_int_equal(at[4], 800);

	/* Took at 800, last looked at 999: the next token comes at 1000. */
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 999), 1);
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 1000), 0);
	assert_true(hl_smpp_rate_take(&r, 1000));
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 1000), 200);
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 1001), 199);
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 1100), 100);
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 1199), 1);
	assert_false(hl_smpp_rate_take(&r, 1199));
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 1199), 1);
	assert_true(hl_smpp_rate_take(&r, 1200));
}

/* Checks 100/s over 10 s of 1 ms steps gives 1000 plus the burst: exact
 * only if the bucket does not drift when refilled 0.1 token at a time. */
static void
test_rate_hundred(void **state)
{
	struct hl_smpp_rate	r;

	(void)state;
	hl_smpp_rate_init(&r, 100, 1, 0);
	assert_int_equal(drain(&r, 0, 10000), 1001);
	hl_smpp_rate_init(&r, 100, 10, 0);
	assert_int_equal(drain(&r, 0, 10000), 1010);
	/* A rate that is no whole number of ms a token: 3/s. */
	hl_smpp_rate_init(&r, 3, 1, 0);
	assert_int_equal(drain(&r, 0, 9999), 30);
	hl_smpp_rate_init(&r, 3, 1, 0);
	assert_true(hl_smpp_rate_take(&r, 0));
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 0), 334);
	assert_false(hl_smpp_rate_take(&r, 333));
	assert_true(hl_smpp_rate_take(&r, 334));
}

/* Checks a burst is taken at once, and the bucket holds no more. */
static void
test_rate_burst(void **state)
{
	struct hl_smpp_rate	r;

	(void)state;
	hl_smpp_rate_init(&r, 5, 3, 0);
	assert_int_equal(drain(&r, 0, 0), 3);
	/* A long pause refills to the burst, not to 500 tokens. */
	assert_int_equal(drain(&r, 100000, 100000), 3);
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 100000), 200);

	/* A burst of 0 is a burst of 1. */
	hl_smpp_rate_init(&r, 10, 0, 0);
	assert_int_equal(r.burst, 1);
	assert_int_equal(drain(&r, 0, 0), 1);
	assert_int_equal(drain(&r, 1000000, 1000000), 1);

	/* Huge rate and burst: no overflow. */
	hl_smpp_rate_init(&r, UINT_MAX, UINT_MAX, 0);
	assert_true(hl_smpp_rate_take(&r, 0));
	assert_true(hl_smpp_rate_take(&r, INT64_MAX));
	assert_int_equal(r.millitokens, (uint64_t)UINT_MAX * 1000 - 1000);
}

/* Checks per_second 0 never holds anything back. */
static void
test_rate_unlimited(void **state)
{
	struct hl_smpp_rate	r;

	(void)state;
	hl_smpp_rate_init(&r, 0, 1, 0);
	for (int i = 0; i < 100000; i++)
		assert_true(hl_smpp_rate_take(&r, 0));
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 0), 0);
	assert_true(hl_smpp_rate_take(&r, -5));
	assert_int_equal(hl_smpp_rate_wait_ms(&r, -5), 0);
}

/* Checks a clock going back adds nothing and stalls nothing. */
static void
test_rate_clock_back(void **state)
{
	struct hl_smpp_rate	r;

	(void)state;
	hl_smpp_rate_init(&r, 5, 1, 1000);
	assert_true(hl_smpp_rate_take(&r, 1000));
	assert_false(hl_smpp_rate_take(&r, 500));
	assert_int_equal(hl_smpp_rate_wait_ms(&r, 500), 200);
	/* Refills count from the time it went back to, at the same rate. */
	assert_false(hl_smpp_rate_take(&r, 699));
	assert_true(hl_smpp_rate_take(&r, 700));
	assert_false(hl_smpp_rate_take(&r, 700));

	/* Extremes: nothing from going back, a full bucket going forward. */
	assert_false(hl_smpp_rate_take(&r, INT64_MIN));
	assert_int_equal(hl_smpp_rate_wait_ms(&r, INT64_MIN), 200);
	assert_int_equal(hl_smpp_rate_wait_ms(&r, INT64_MAX), 0);
	assert_true(hl_smpp_rate_take(&r, INT64_MAX));
	assert_false(hl_smpp_rate_take(&r, INT64_MAX));
}

/* Checks the delays with the smallest random value: exactly half. */
static void
test_backoff_low(void **state)
{
	struct hl_smpp_backoff	b = { .base_ms = 1000, .cap_ms = 60000 };
	const unsigned		want[] = {
		500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
	};

	(void)state;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_int_equal(hl_smpp_backoff_next(&b, 0), want[i]);
		assert_int_equal(b.attempt, i + 1);
	}
}

/* Checks the delays with the largest random value, and the full delay. */
static void
test_backoff_high(void **state)
{
	struct hl_smpp_backoff	b = { .base_ms = 1000, .cap_ms = 60000 };
	/* d/2 + UINT32_MAX % (d/2 + 1) for d = 1000, 2000, ... 60000. */
	const unsigned		want[] = {
		506, 1619, 2885, 5822, 14492, 26877, 54135, 54135,
	};

	(void)state;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_int_equal(hl_smpp_backoff_next(&b, UINT32_MAX),
		    want[i]);

	/* random = d/2 reaches the whole delay, and no further. */
	hl_smpp_backoff_reset(&b);
	assert_int_equal(hl_smpp_backoff_next(&b, 500), 1000);
	assert_int_equal(hl_smpp_backoff_next(&b, 1000), 2000);
	assert_int_equal(hl_smpp_backoff_next(&b, 2001), 2000);	/* wraps */
	for (int i = 0; i < 10; i++)
		(void)hl_smpp_backoff_next(&b, 0);
	assert_int_equal(hl_smpp_backoff_next(&b, 30000), 60000);
	assert_int_equal(hl_smpp_backoff_next(&b, 30001), 30000);
}

/* Checks the bounds hold for many random values and attempts. */
static void
test_backoff_bounds(void **state)
{
	struct hl_smpp_backoff	b = { .base_ms = 1000, .cap_ms = 60000 };
	uint32_t		x = 2463534242u;	/* xorshift32 */
	unsigned		d;

	(void)state;
	for (int i = 0; i < 5000; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		if (i % 50 == 0)
			hl_smpp_backoff_reset(&b);
		d = hl_smpp_backoff_next(&b, x);
		assert_in_range(d, 500, 60000);
	}
}

/* Checks reset, a cap below base, and huge attempt counts. */
static void
test_backoff_limits(void **state)
{
	struct hl_smpp_backoff	b = { .base_ms = 1000, .cap_ms = 60000 };

	(void)state;
	for (int i = 0; i < 20; i++)
		(void)hl_smpp_backoff_next(&b, 0);
	hl_smpp_backoff_reset(&b);
	assert_int_equal(b.attempt, 0);
	assert_int_equal(hl_smpp_backoff_next(&b, 0), 500);
	assert_int_equal(hl_smpp_backoff_next(&b, 0), 1000);

	/* attempt 10000 shifts nothing out of range (run under UBSan). */
	b.attempt = 10000;
	assert_int_equal(hl_smpp_backoff_next(&b, 0), 30000);
	assert_int_equal(b.attempt, 10001);

	b = (struct hl_smpp_backoff){
		.base_ms = 1, .cap_ms = UINT_MAX, .attempt = 10000,
	};
	assert_int_equal(hl_smpp_backoff_next(&b, 0), 2147483647u);
	assert_int_equal(hl_smpp_backoff_next(&b, UINT32_MAX), 4294967294u);

	b = (struct hl_smpp_backoff){
		.base_ms = UINT_MAX, .cap_ms = UINT_MAX, .attempt = 3,
	};
	assert_int_equal(hl_smpp_backoff_next(&b, UINT32_MAX), 4294967294u);

	/* The attempt count saturates rather than wrapping to 0. */
	b = (struct hl_smpp_backoff){
		.base_ms = 1000, .cap_ms = 60000, .attempt = UINT_MAX - 1,
	};
	assert_int_equal(hl_smpp_backoff_next(&b, 0), 30000);
	assert_int_equal(b.attempt, UINT_MAX);
	assert_int_equal(hl_smpp_backoff_next(&b, 0), 30000);
	assert_int_equal(b.attempt, UINT_MAX);

	/* A cap below base wins. */
	b = (struct hl_smpp_backoff){ .base_ms = 1000, .cap_ms = 300 };
	assert_int_equal(hl_smpp_backoff_next(&b, 0), 150);
	assert_int_equal(hl_smpp_backoff_next(&b, 150), 300);

	/* base 0: no delay, and no endless doubling of 0. */
	b = (struct hl_smpp_backoff){
		.base_ms = 0, .cap_ms = 60000, .attempt = UINT_MAX - 1,
	};
	assert_int_equal(hl_smpp_backoff_next(&b, UINT32_MAX), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq),
		cmocka_unit_test(test_window_new),
		cmocka_unit_test(test_window_out_of_order),
		cmocka_unit_test(test_window_duplicate),
		cmocka_unit_test(test_window_full),
		cmocka_unit_test(test_window_stray),
		cmocka_unit_test(test_window_expired),
		cmocka_unit_test(test_window_expired_clock),
		cmocka_unit_test(test_window_take_any),
		cmocka_unit_test(test_rate_five),
		cmocka_unit_test(test_rate_hundred),
		cmocka_unit_test(test_rate_burst),
		cmocka_unit_test(test_rate_unlimited),
		cmocka_unit_test(test_rate_clock_back),
		cmocka_unit_test(test_backoff_low),
		cmocka_unit_test(test_backoff_high),
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test(test_backoff_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
