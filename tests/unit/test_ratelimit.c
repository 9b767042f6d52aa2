/*
 * test_ratelimit.c - per-sender token buckets on an injected clock: burst,
 * refill, a flood and its recovery, senders forgotten once full again,
 * eviction when the table is full (the flooder stays tracked), many
 * senders through a small table, senders whose keys share a hash, and
 * the [ratelimit] settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/config.h"
#include "helpline/ratelimit.h"

struct fixture {
	int64_t now_ms;
	struct hl_ratelimit *rl;
};

/* The injected clock. */
static int64_t
fake_clock(void *ctx)
{
	return ((struct fixture *)ctx)->now_ms;
}

/* Makes a sender key from a number, spread like a MAC (splitmix64). */
static struct hl_pseudonym
who(uint64_t n)
{
	struct hl_pseudonym p;

	for (size_t i = 0; i < sizeof p.mac; i += 8) {
		uint64_t z = (n += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		memcpy(p.mac + i, &z, 8);
	}
	return p;
}

/* Creates a limiter on the fixture's clock. */
static struct hl_ratelimit *
limiter(struct fixture *f, unsigned burst, unsigned per_minute,
    unsigned senders)
{
	struct hl_ratelimit_opts o = {
		.burst = burst, .per_minute = per_minute, .senders = senders,
		.clock = fake_clock, .clock_ctx = f,
	};

	hl_ratelimit_free(f->rl);
	f->rl = hl_ratelimit_new(&o);
	assert_non_null(f->rl);
	return f->rl;
}

/* Takes from sender n's bucket. */
static bool
take(struct fixture *f, uint64_t n)
{
	struct hl_pseudonym p = who(n);

	return hl_ratelimit_take(f->rl, &p);
}

/* Counts how many of tries messages from n get through now. */
static int
passed(struct fixture *f, uint64_t n, int tries)
{
	int ok = 0;

	for (int i = 0; i < tries; i++)
		ok += take(f, n);
	return ok;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->now_ms = 1000000;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	hl_ratelimit_free(f->rl);
	free(f);
	return 0;
}

static void
test_bad_options(void **state)
{
	struct hl_ratelimit_opts o = { .burst = 0, .per_minute = 6,
	    .senders = 16 };

	(void)state;
	assert_null(hl_ratelimit_new(&o));
	o.burst = 3;
	o.per_minute = 0;
	assert_null(hl_ratelimit_new(&o));
	o.per_minute = 6;
	o.senders = 0;
	assert_null(hl_ratelimit_new(&o));
	assert_int_equal(hl_ratelimit_count(NULL), 0);
	hl_ratelimit_free(NULL);
}

static void
test_burst_then_refill(void **state)
{
	struct fixture *f = *state;

	limiter(f, 3, 6, 16);	/* one message back every 10 s */
	assert_int_equal(passed(f, 1, 5), 3);
	/* Another sender is not affected. */
	assert_int_equal(passed(f, 2, 1), 1);
	f->now_ms += 9999;
	assert_false(take(f, 1));
	f->now_ms += 1;
	assert_true(take(f, 1));
	assert_false(take(f, 1));
	/* Denied attempts cost nothing: 20 s later, two are back. */
	f->now_ms += 20000;
	assert_int_equal(passed(f, 1, 5), 2);
}

static void
test_flood_then_recovery(void **state)
{
	struct fixture *f = *state;

	limiter(f, 5, 6, 64);
	/* 30 rapid messages: only the burst is answered. */
	assert_int_equal(passed(f, 7, 30), 5);
	/* Flooding on for a minute, one message a second: six refills. */
	for (int i = 0; i < 60; i++) {
		f->now_ms += 1000;
		passed(f, 7, 1);
	}
	assert_int_equal(hl_ratelimit_count(f->rl), 1);
	/* Quiet for the time to fill up (5 x 10 s): a full burst again. */
	f->now_ms += 50000;
	assert_int_equal(passed(f, 7, 30), 5);
}

static void
test_forgotten_when_full(void **state)
{
	struct fixture *f = *state;

	limiter(f, 3, 6, 16);
	assert_true(take(f, 1));
	assert_int_equal(passed(f, 2, 3), 3);
	assert_int_equal(hl_ratelimit_count(f->rl), 2);
	/* Sender 1 is full again after 10 s, sender 2 after 30 s. */
	f->now_ms += 10000;
	assert_true(take(f, 3));
	assert_int_equal(hl_ratelimit_count(f->rl), 2);
	f->now_ms += 20000;
	assert_true(take(f, 3));
	/* 2 and the first 3 (full again at 20 s) were forgotten; 3 is
	 * tracked anew. */
	assert_int_equal(hl_ratelimit_count(f->rl), 1);
	/* Forgetting lost nothing: 2 is as if new, a full burst. */
	assert_int_equal(passed(f, 2, 5), 3);
}

static void
test_full_table_evicts_nearest_full(void **state)
{
	struct fixture *f = *state;

	limiter(f, 3, 6, 16);
	/* The flooder empties its bucket: full again in 30 s. */
	assert_int_equal(passed(f, 1000, 10), 3);
	/* 15 more senders, one token each (full again in 10 s), 1 ms
	 * apart: the table holds 16. */
	for (uint64_t i = 0; i < 15; i++) {
		f->now_ms += 1;
		assert_true(take(f, i));
	}
	assert_int_equal(hl_ratelimit_count(f->rl), 16);
	assert_int_equal(hl_ratelimit_evictions(f->rl), 0);
	/* A 17th: the sender nearest to full (0, the oldest single) goes,
	 * the flooder stays, and stays refused. */
	f->now_ms += 1;
	assert_true(take(f, 100));
	assert_int_equal(hl_ratelimit_count(f->rl), 16);
	assert_int_equal(hl_ratelimit_evictions(f->rl), 1);
	assert_false(take(f, 1000));
	/* Sender 1 is still tracked (two tokens left), 0 starts afresh. */
	assert_int_equal(passed(f, 1, 3), 2);
	f->now_ms += 1;
	assert_int_equal(passed(f, 0, 3), 3);
}

static void
test_many_senders_bounded(void **state)
{
	struct fixture *f = *state;
	int flooder_passed = 0;

	limiter(f, 3, 6, 1000);
	assert_int_equal(passed(f, 1ULL << 40, 3), 3);
	/* 100,000 numbers, 1 ms apart, while the flooder sends every
	 * 100 ms: memory stays at the table's 1,000 entries, and the
	 * flooder, nearest to empty, is never the one evicted. */
	for (uint64_t i = 0; i < 100000; i++) {
		f->now_ms += 1;
		assert_true(take(f, i));
		if (i % 100 == 0)
			flooder_passed += take(f, 1ULL << 40);
		assert_true(hl_ratelimit_count(f->rl) <= 1000);
	}
	assert_int_equal(hl_ratelimit_count(f->rl), 1000);
	assert_true(hl_ratelimit_evictions(f->rl) > 90000);
	/* 99.9 s of flooding earn the refill, 6 a minute: 9 messages (the
	 * tenth is due at 100 s), not a new burst each time it would have
	 * been forgotten. */
	assert_int_equal(flooder_passed, 9);
}

static void
test_shared_hash(void **state)
{
	struct fixture *f = *state;
	struct hl_pseudonym p[40];

	/* Keys equal in their first bytes all probe from one home slot:
	 * removals must shift the cluster back without losing anyone. */
	limiter(f, 2, 6, 32);
	for (size_t i = 0; i < 40; i++) {
		memset(&p[i], 0xAB, sizeof p[i]);
		p[i].mac[31] = (unsigned char)i;
	}
	for (size_t i = 0; i < 40; i++) {
		f->now_ms += 100;
		assert_true(hl_ratelimit_take(f->rl, &p[i]));
		/* Every other one floods: empty, held longest. */
		if (i % 2 == 0) {
			assert_true(hl_ratelimit_take(f->rl, &p[i]));
			assert_false(hl_ratelimit_take(f->rl, &p[i]));
		}
	}
	assert_int_equal(hl_ratelimit_count(f->rl), 32);
	/* The 20 flooders are all still tracked and refused; the singles
	 * that went were the ones nearest to full. */
	for (size_t i = 0; i < 40; i += 2)
		assert_false(hl_ratelimit_take(f->rl, &p[i]));
	assert_int_equal(hl_ratelimit_evictions(f->rl), 8);
}

static void
test_config(void **state)
{
	struct hl_config *c = hl_config_new();
	struct hl_ratelimit_opts o;
	char err[256];

	(void)state;
	assert_non_null(c);
	assert_int_equal(hl_ratelimit_read_config(c, &o, err, sizeof err), 0);
	assert_int_equal(o.burst, 20);
	assert_int_equal(o.per_minute, 6);
	assert_int_equal(o.senders, 10000);
	assert_int_equal(hl_config_set(c, "ratelimit", "burst", "5"), 0);
	assert_int_equal(hl_config_set(c, "ratelimit", "per_minute", "30"),
	    0);
	assert_int_equal(hl_ratelimit_read_config(c, &o, err, sizeof err), 0);
	assert_int_equal(o.burst, 5);
	assert_int_equal(o.per_minute, 30);
	assert_int_equal(hl_config_set(c, "ratelimit", "enabled", "no"), 0);
	assert_int_equal(hl_ratelimit_read_config(c, &o, err, sizeof err), 0);
	assert_int_equal(o.burst, 0);
	assert_int_equal(hl_config_check_unused(c, err, sizeof err), 0);
	assert_int_equal(hl_config_set(c, "ratelimit", "per_minute", "0"), 0);
	assert_int_equal(hl_ratelimit_read_config(c, &o, err, sizeof err), -1);
	assert_non_null(strstr(err, "per_minute"));
	hl_config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test_setup_teardown(test_burst_then_refill, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flood_then_recovery,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_forgotten_when_full,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_full_table_evicts_nearest_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_senders_bounded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_hash, setup,
		    teardown),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
