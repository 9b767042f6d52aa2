/*
 * test_dedup.c - the message-id de-duplicator: window, capacity, hashing.
 *
 * Ids are built by hand rather than MAC'd so that tests can force hash
 * collisions; a random walk is checked against a plain linear model.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "helpline/dedup.h"

#define T0	((time_t)1795000000)

/* Makes an id whose hash bytes are `home` and whose tail is `n`. */
static struct hl_pseudonym
id_of(uint64_t home, uint64_t n)
{
	struct hl_pseudonym	id;

	memset(&id, 0, sizeof id);
	memcpy(id.mac, &home, sizeof home);
	memcpy(id.mac + 16, &n, sizeof n);
	return id;
}

/* Checks a retry within the window and a new message after it. */
static void
test_window(void **state)
{
	struct hl_dedup		*d;
	struct hl_pseudonym	 a = id_of(1, 1), b = id_of(2, 2);

	(void)state;
	d = hl_dedup_new(16, 60);
	assert_non_null(d);
	assert_false(hl_dedup_seen(d, &a, T0));
	assert_true(hl_dedup_seen(d, &a, T0));
	assert_true(hl_dedup_seen(d, &a, T0 + 59));
	assert_false(hl_dedup_seen(d, &b, T0 + 59));
	/* Exactly the window later it is a new message, and recorded anew. */
	assert_false(hl_dedup_seen(d, &a, T0 + 60));
	assert_true(hl_dedup_seen(d, &b, T0 + 118));
	assert_true(hl_dedup_seen(d, &a, T0 + 119));
	assert_false(hl_dedup_seen(d, &b, T0 + 119));
	/* A clock stepping back still sees a recent id. */
	assert_true(hl_dedup_seen(d, &a, T0 + 100));
	hl_dedup_free(d);
}

/* Checks that the oldest id is forgotten when full. */
static void
test_capacity(void **state)
{
	struct hl_dedup		*d;
	struct hl_pseudonym	 id;
	uint64_t		 i;

	(void)state;
	d = hl_dedup_new(4, 3600);
	assert_non_null(d);
	for (i = 0; i < 4; i++) {
		id = id_of(i * 7919, i);
		assert_false(hl_dedup_seen(d, &id, T0));
	}
	for (i = 0; i < 4; i++) {
		id = id_of(i * 7919, i);
		assert_true(hl_dedup_seen(d, &id, T0));
	}
	id = id_of(4 * 7919, 4);
	assert_false(hl_dedup_seen(d, &id, T0));	/* evicts id 0 */
	id = id_of(0, 0);
	assert_false(hl_dedup_seen(d, &id, T0));	/* evicts id 1 */
	id = id_of(1 * 7919, 1);
	assert_false(hl_dedup_seen(d, &id, T0));	/* evicts id 2 */
	id = id_of(3 * 7919, 3);
	assert_true(hl_dedup_seen(d, &id, T0));
	id = id_of(4 * 7919, 4);
	assert_true(hl_dedup_seen(d, &id, T0));
	hl_dedup_free(d);
}

/* Checks ids that all share one hash slot, through evictions. */
static void
test_collisions(void **state)
{
	struct hl_dedup		*d;
	struct hl_pseudonym	 id;
	uint64_t		 i, j;

	(void)state;
	d = hl_dedup_new(8, 3600);
	assert_non_null(d);
	for (i = 0; i < 100; i++) {
		id = id_of(42, i);
		assert_false(hl_dedup_seen(d, &id, T0));
		/* The newest eight are all found through the one chain. */
		for (j = i < 7 ? 0 : i - 7; j <= i; j++) {
			id = id_of(42, j);
			assert_true(hl_dedup_seen(d, &id, T0));
		}
	}
	id = id_of(42, 91);
	assert_false(hl_dedup_seen(d, &id, T0));
	hl_dedup_free(d);
}

/* Checks that many distinct ids give no false positive. */
static void
test_many_ids(void **state)
{
	struct hl_dedup		*d;
	struct hl_pseudonym	 id;
	uint64_t		 i, x = 0x9E3779B97F4A7C15u;

	(void)state;
	d = hl_dedup_new(1000, 30);
	assert_non_null(d);
	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		id = id_of(x, i);
		if (hl_dedup_seen(d, &id, T0 + (time_t)(i / 1000)))
			fail_msg("false positive at %llu",
			    (unsigned long long)i);
	}
	/* The last 1000 are remembered. */
	id = id_of(x, i - 1);
	assert_true(hl_dedup_seen(d, &id, T0 + 200));
	hl_dedup_free(d);
}

/* A plain model: arrival-ordered arrays, searched linearly. */
struct model {
	struct hl_pseudonym	id[16];
	time_t			at[16];
	size_t			n, cap;
	unsigned		window;
};

/* Drops the model's oldest entry. */
static void
model_drop(struct model *m)
{
	memmove(m->id, m->id + 1, (m->n - 1) * sizeof m->id[0]);
	memmove(m->at, m->at + 1, (m->n - 1) * sizeof m->at[0]);
	m->n--;
}

/* Answers as the de-duplicator should, for non-decreasing times. */
static bool
model_seen(struct model *m, const struct hl_pseudonym *id, time_t now)
{
	size_t	i;

	while (m->n > 0 && now - m->at[0] >= (time_t)m->window)
		model_drop(m);
	for (i = 0; i < m->n; i++) {
		if (memcmp(&m->id[i], id, sizeof *id) != 0)
			continue;
		if (now - m->at[i] < (time_t)m->window)
			return true;
		m->at[i] = now;
		return false;
	}
	if (m->n == m->cap)
		model_drop(m);
	m->id[m->n] = *id;
	m->at[m->n++] = now;
	return false;
}

/* Checks a long random walk over few ids and few slots against the model. */
static void
test_model(void **state)
{
	struct hl_dedup		*d;
	struct hl_pseudonym	 id;
	struct model		 m = { .cap = 11, .window = 20 };
	time_t			 now = T0;
	uint64_t		 i;
	unsigned		 r;

	(void)state;
	srand(12345);
	d = hl_dedup_new(m.cap, m.window);
	assert_non_null(d);
	for (i = 0; i < 200000; i++) {
		r = (unsigned)rand();
		now += r % 3 == 0;
		/* 40 ids over 5 hash values: long probe chains. */
		id = id_of((r >> 4) % 5, (r >> 8) % 40);
		if (hl_dedup_seen(d, &id, now) != model_seen(&m, &id, now))
			fail_msg("diverged at step %llu",
			    (unsigned long long)i);
	}
	hl_dedup_free(d);
}

/* Checks the constructor's argument checks. */
static void
test_new(void **state)
{
	(void)state;
	assert_null(hl_dedup_new(0, 60));
	assert_null(hl_dedup_new(10, 0));
	assert_null(hl_dedup_new(SIZE_MAX, 60));
	hl_dedup_free(NULL);
}

/* Checks that a kept reply comes back for a retry and goes with its id. */
static void
test_kept_reply(void **state)
{
	struct hl_dedup		*d;
	struct hl_pseudonym	 a = id_of(1, 1), b = id_of(1, 2), c = id_of(3, 3);
	size_t			 len = 0;
	bool			 end = false;
	const char		*r;

	(void)state;
	d = hl_dedup_new(2, 60);
	assert_non_null(d);
	/* Nothing can be kept for an id never seen. */
	assert_int_equal(hl_dedup_keep_reply(d, &a, "x", 1, false), -1);
	assert_false(hl_dedup_seen(d, &a, T0));
	assert_null(hl_dedup_reply(d, &a, &len, &end));
	assert_int_equal(hl_dedup_keep_reply(d, &a, "MENU 1 Help", 11, true),
	    0);
	assert_true(hl_dedup_seen(d, &a, T0 + 1));
	r = hl_dedup_reply(d, &a, &len, &end);
	assert_non_null(r);
	assert_int_equal(len, 11);
	assert_true(end);
	assert_memory_equal(r, "MENU 1 Help", 12);
	/* A second reply replaces the first. */
	assert_int_equal(hl_dedup_keep_reply(d, &a, "two", 3, false), 0);
	r = hl_dedup_reply(d, &a, &len, &end);
	assert_string_equal(r, "two");
	assert_false(end);
	/* Same home slot, other id: nothing kept for it. */
	assert_false(hl_dedup_seen(d, &b, T0 + 2));
	assert_null(hl_dedup_reply(d, &b, &len, &end));
	/* Full: a third id evicts a, and its reply with it (ASan sees any
	 * leak). */
	assert_false(hl_dedup_seen(d, &c, T0 + 3));
	assert_null(hl_dedup_reply(d, &a, &len, &end));
	/* Expired and seen again: recorded afresh, with no old reply. */
	assert_int_equal(hl_dedup_keep_reply(d, &c, "old", 3, false), 0);
	assert_false(hl_dedup_seen(d, &c, T0 + 100));
	assert_null(hl_dedup_reply(d, &c, &len, &end));
	assert_int_equal(hl_dedup_keep_reply(d, &c, "new", 3, false), 0);
	hl_dedup_free(d);
}

/* A forgotten id is new again, and evicting its old entry later does not
 * forget the new record. */
static void
test_forget(void **state)
{
	struct hl_dedup		*d = hl_dedup_new(2, 60);
	struct hl_pseudonym	 a = id_of(1, 1), b = id_of(2, 2);

	(void)state;
	assert_false(hl_dedup_seen(d, &a, T0));
	assert_int_equal(hl_dedup_keep_reply(d, &a, "x", 1, false), 0);
	hl_dedup_forget(d, &a);
	hl_dedup_forget(d, &b);		/* unknown: nothing happens */
	assert_false(hl_dedup_seen(d, &a, T0 + 1));	/* recorded anew */
	assert_true(hl_dedup_seen(d, &a, T0 + 2));
	/* Full: the forgotten entry is evicted, the new record stays. */
	assert_false(hl_dedup_seen(d, &b, T0 + 3));
	assert_true(hl_dedup_seen(d, &a, T0 + 4));
	hl_dedup_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_kept_reply),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_many_ids),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_new),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
