/*
 * test_session_cache.c - pending session changes: put, delete, lookups,
 * the capacity bound, writing through to a real store, clearing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpline/session_cache.h"
#include "helpline/store.h"

/* Makes a session whose pseudonym starts with `home` (the hash) and ends
 * with n, so collisions can be forced. */
static struct hl_session
session_of(uint64_t home, uint64_t n, const char *node)
{
	struct hl_session s;

	memset(&s, 0, sizeof s);
	memcpy(s.who.mac, &home, sizeof home);
	memcpy(s.who.mac + 24, &n, sizeof n);
	snprintf(s.node, sizeof s.node, "%s", node);
	snprintf(s.tree_version, sizeof s.tree_version, "v1");
	snprintf(s.lang, sizeof s.lang, "nl");
	snprintf(s.channel, sizeof s.channel, "sms");
	s.expires_at = 2000000000;
	return s;
}

static void
test_put_get_delete(void **state)
{
	struct hl_session_cache *c = hl_session_cache_new(4);
	struct hl_session a = session_of(1, 1, "home");
	struct hl_session b = session_of(1, 2, "signals");	/* same home */
	struct hl_session out;

	(void)state;
	assert_non_null(c);
	assert_int_equal(hl_session_cache_get(c, &a.who, &out), HL_CACHE_MISS);
	assert_int_equal(hl_session_cache_put(c, &a), 0);
	assert_int_equal(hl_session_cache_put(c, &b), 0);
	assert_int_equal(hl_session_cache_get(c, &a.who, &out), HL_CACHE_PUT);
	assert_string_equal(out.node, "home");
	assert_int_equal(hl_session_cache_get(c, &b.who, &out), HL_CACHE_PUT);
	assert_string_equal(out.node, "signals");
	/* A newer change replaces the pending one, in the same slot. */
	snprintf(a.node, sizeof a.node, "info");
	assert_int_equal(hl_session_cache_put(c, &a), 0);
	assert_int_equal(hl_session_cache_count(c), 2);
	assert_int_equal(hl_session_cache_get(c, &a.who, &out), HL_CACHE_PUT);
	assert_string_equal(out.node, "info");
	assert_int_equal(hl_session_cache_delete(c, &a.who), 0);
	assert_int_equal(hl_session_cache_get(c, &a.who, &out),
	    HL_CACHE_DELETED);
	assert_true(hl_session_cache_uses_version(c, "v1"));	/* b */
	assert_int_equal(hl_session_cache_delete(c, &b.who), 0);
	assert_false(hl_session_cache_uses_version(c, "v1"));
	hl_session_cache_clear(c);
	assert_int_equal(hl_session_cache_count(c), 0);
	assert_int_equal(hl_session_cache_get(c, &b.who, &out), HL_CACHE_MISS);
	hl_session_cache_free(c);
	assert_null(hl_session_cache_new(0));
}

static void
test_capacity(void **state)
{
	struct hl_session_cache *c = hl_session_cache_new(3);
	struct hl_session s;

	(void)state;
	for (uint64_t i = 0; i < 3; i++) {
		s = session_of(i, i, "home");
		assert_int_equal(hl_session_cache_put(c, &s), 0);
	}
	s = session_of(9, 9, "home");
	assert_int_equal(hl_session_cache_put(c, &s), -1);
	assert_int_equal(hl_session_cache_delete(c, &s.who), -1);
	/* One already pending can still change. */
	s = session_of(1, 1, "info");
	assert_int_equal(hl_session_cache_put(c, &s), 0);
	assert_int_equal(hl_session_cache_delete(c, &s.who), 0);
	hl_session_cache_clear(c);
	s = session_of(9, 9, "home");
	assert_int_equal(hl_session_cache_put(c, &s), 0);
	hl_session_cache_free(c);
}

static void
test_write_through(void **state)
{
	char dir[] = "/tmp/hl-cache-XXXXXX", path[64], err[256], cmd[96];
	struct hl_session_cache *c = hl_session_cache_new(8);
	struct hl_session a = session_of(5, 1, "home");
	struct hl_session b = session_of(6, 2, "info");
	struct hl_session out;
	struct hl_store *store;
	unsigned n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	store = hl_store_open(path, err, sizeof err);
	assert_non_null(store);
	/* b is in the store; the cache deletes it and adds a. */
	assert_int_equal(hl_store_session_put(store, &b), 0);
	assert_int_equal(hl_session_cache_put(c, &a), 0);
	assert_int_equal(hl_session_cache_delete(c, &b.who), 0);
	assert_int_equal(hl_store_begin(store), 0);
	assert_int_equal(hl_session_cache_write(c, store), 0);
	assert_int_equal(hl_store_commit(store), 0);
	assert_int_equal(hl_store_session_get(store, &a.who, 0, &out), 0);
	assert_string_equal(out.node, "home");
	assert_int_equal(hl_store_session_get(store, &b.who, 0, &out), 1);
	assert_int_equal(hl_store_session_count(store, &n), 0);
	assert_int_equal(n, 1);
	hl_session_cache_free(c);
	hl_store_close(store);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A batch that could not be written goes back under newer changes. */
static void
test_merge(void **state)
{
	struct hl_session_cache *old = hl_session_cache_new(4);
	struct hl_session_cache *cur = hl_session_cache_new(2);
	struct hl_session a = session_of(1, 1, "home");
	struct hl_session b = session_of(2, 2, "home");
	struct hl_session c = session_of(3, 3, "home");
	struct hl_session out;
	size_t lost;

	(void)state;
	assert_int_equal(hl_session_cache_put(old, &a), 0);
	assert_int_equal(hl_session_cache_put(old, &b), 0);
	assert_int_equal(hl_session_cache_put(old, &c), 0);
	/* Since then a moved on and b was deleted. */
	snprintf(a.node, sizeof a.node, "info");
	assert_int_equal(hl_session_cache_put(cur, &a), 0);
	assert_int_equal(hl_session_cache_delete(cur, &b.who), 0);
	/* cur is full: c does not fit and is counted. */
	assert_int_equal(hl_session_cache_merge(cur, old, &lost), -1);
	assert_int_equal(lost, 1);
	assert_int_equal(hl_session_cache_count(old), 0);
	assert_int_equal(hl_session_cache_get(cur, &a.who, &out), HL_CACHE_PUT);
	assert_string_equal(out.node, "info");
	assert_int_equal(hl_session_cache_get(cur, &b.who, &out),
	    HL_CACHE_DELETED);
	hl_session_cache_free(cur);
	cur = hl_session_cache_new(4);
	assert_int_equal(hl_session_cache_put(old, &c), 0);
	assert_int_equal(hl_session_cache_merge(cur, old, &lost), 0);
	assert_int_equal(lost, 0);
	assert_int_equal(hl_session_cache_get(cur, &c.who, &out), HL_CACHE_PUT);
	hl_session_cache_free(cur);
	hl_session_cache_free(old);
}

/* A batch written a slice at a time writes each change once, in order. */
static void
test_write_some(void **state)
{
	char dir[] = "/tmp/hl-cache-XXXXXX", path[64], err[256], cmd[96];
	struct hl_session_cache *c = hl_session_cache_new(16);
	struct hl_store *store;
	size_t pos = 0, next, slices = 0;
	unsigned n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	store = hl_store_open(path, err, sizeof err);
	assert_non_null(store);
	for (uint64_t i = 0; i < 10; i++) {
		struct hl_session s = session_of(i, i, "home");

		assert_int_equal(hl_session_cache_put(c, &s), 0);
	}
	assert_int_equal(hl_store_begin(store), 0);
	do {
		assert_int_equal(hl_session_cache_write_some(c, store, pos, 4,
		    &next), 0);
		assert_true(next - pos <= 4);
		pos = next;
		slices++;
	} while (pos < hl_session_cache_count(c));
	assert_int_equal(slices, 3);
	assert_int_equal(hl_store_commit(store), 0);
	assert_int_equal(hl_store_session_count(store, &n), 0);
	assert_int_equal(n, 10);
	hl_session_cache_free(c);
	hl_store_close(store);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_delete),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_write_through),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_write_some),
	};

	return cmocka_run_group_tests_name("session_cache", tests, NULL, NULL);
}
