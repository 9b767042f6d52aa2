/*
 * test_testers.c - test numbers: normalised like senders, kept as MACs,
 * the configured list wiped, bad entries named by position only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/phone.h"
#include "helpline/testers.h"

/* Returns true if the test numbers include raw (as a gateway sends it). */
static bool
has(struct hl_testers *t, const char *raw)
{
	struct hl_phone p;

	assert_int_equal(hl_phone_normalise(raw, "NL", &p), 0);
	return hl_testers_has(t, &p);
}

/* Every spelling of a test number matches; other numbers do not. */
static void
test_match(void **state)
{
	char list[] = "+31612345678, 0612345679,0031 6 1234 5680";
	struct hl_testers *t;
	char err[128];

	(void)state;
	t = hl_testers_new(list, "NL", err, sizeof err);
	assert_non_null(t);
	assert_int_equal(hl_testers_count(t), 3);
	assert_true(has(t, "0612345678"));
	assert_true(has(t, "+31 6 12345679"));
	assert_true(has(t, "0031612345680"));
	assert_false(has(t, "+31612345681"));
	for (size_t i = 0; i < sizeof list - 1; i++)
		assert_int_equal(list[i], '\0');
	hl_testers_free(t);
}

/* A bad entry is named by its position, never by its digits; the list is
 * wiped all the same. */
static void
test_bad_entry(void **state)
{
	char list[] = "+31612345678, 06-bogus-99";
	char err[128];

	(void)state;
	assert_null(hl_testers_new(list, "NL", err, sizeof err));
	assert_non_null(strstr(err, "entry 2"));
	assert_null(strstr(err, "bogus"));
	assert_null(strstr(err, "612345678"));
	for (size_t i = 0; i < sizeof list - 1; i++)
		assert_int_equal(list[i], '\0');
}

/* No numbers: nobody sees the draft. */
static void
test_empty(void **state)
{
	char list[] = "";
	struct hl_testers *t;
	char err[128];

	(void)state;
	t = hl_testers_new(list, "NL", err, sizeof err);
	assert_non_null(t);
	assert_int_equal(hl_testers_count(t), 0);
	assert_false(has(t, "0612345678"));
	hl_testers_free(t);
	assert_false(hl_testers_has(NULL, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_bad_entry),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
