/*
 * test_phone.c - sender normalisation and contact-number checks.
 *
 * The numbers are fictional or public service numbers; the dialable
 * vectors were chosen against libphonenumber 8.12 metadata and are ranges
 * (0800, 0900, geographic 033/070, 112) that have been stable for years.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/phone.h"

/* Normalises raw for NL and returns the result code; *out is filled. */
static int
norm(const char *raw, struct hl_phone *out)
{
	memset(out, 0x5A, sizeof *out);
	return hl_phone_normalise(raw, "NL", out);
}

/* Checks that every Dutch spelling of one number is one sender. */
static void
test_normalise_nl(void **state)
{
	static const char *const spellings[] = {
		"0612345678",
		"+31 6 12345678",
		"+31612345678",
		"0031612345678",
		"31612345678",
		"+31 (0)6 1234 5678",
		"06-12345678",
		"06 1234 5678",
		"0031 6 1234 5678",
		"  +31 6 12 34 56 78 ",
	};
	struct hl_phone	p;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
		if (norm(spellings[i], &p) != 0)
			fail_msg("spelling %zu rejected", i);
		if (strcmp(p.e164, "+31612345678") != 0)
			fail_msg("spelling %zu normalised wrongly", i);
	}
}

/* Checks that a foreign number keeps its own country code. */
static void
test_normalise_foreign(void **state)
{
	struct hl_phone	p;

	(void)state;
	assert_int_equal(norm("+32 470 12 34 56", &p), 0);
	assert_string_equal(p.e164, "+32470123456");
	assert_int_equal(norm("0032470123456", &p), 0);
	assert_string_equal(p.e164, "+32470123456");
	/* A gateway that dropped the '+' of a Belgian mobile. */
	assert_int_equal(norm("32470123456", &p), 0);
	assert_string_equal(p.e164, "+32470123456");
	assert_int_equal(norm("+1 650 253 0000", &p), 0);
	assert_string_equal(p.e164, "+16502530000");
	/* A different region reads a national number differently. */
	assert_int_equal(hl_phone_normalise("0470 12 34 56", "BE", &p), 0);
	assert_string_equal(p.e164, "+32470123456");
}

/* Checks that non-numbers are refused before and by libphonenumber. */
static void
test_normalise_junk(void **state)
{
	static const char *const junk[] = {
		"",
		"Twilio",
		"INFO",
		"0800-FLOWERS",		/* keypad letters */
		"0612345678x",		/* libphonenumber drops the x */
		"+",
		"   ",
		"12",
		"112",			/* a short number is no sender */
		"0612",
		"123456789012345678901",
		"06\n12345678",
		"+31 6 1234 5678; DROP TABLE",
	};
	struct hl_phone	p;
	char		long_raw[80];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		if (norm(junk[i], &p) != -1)
			fail_msg("junk %zu accepted", i);
	}
	assert_int_equal(hl_phone_normalise(NULL, "NL", &p), -1);
	assert_int_equal(hl_phone_normalise("0612345678", NULL, &p), -1);
	assert_int_equal(hl_phone_normalise("0612345678", "NL", NULL), -1);
	/* Padded to 64 bytes it is still a number; to 65, refused unread. */
	memset(long_raw, ' ', sizeof long_raw);
	memcpy(long_raw, "+31612345678", 12);
	long_raw[64] = '\0';
	assert_int_equal(norm(long_raw, &p), 0);
	assert_string_equal(p.e164, "+31612345678");
	long_raw[64] = ' ';
	long_raw[65] = '\0';
	assert_int_equal(norm(long_raw, &p), -1);
}

/* Checks menu contact numbers, including short numbers. */
static void
test_dialable(void **state)
{
	static const char *const yes[] = {
		"112",
		"0800-2000",
		"0900-8844",
		"033-448 11 86",
		"+31 70 333 44 44",
		"0800-7000",
		"0612345678",
	};
	static const char *const no[] = {
		"12",
		"0800-20",
		"",
		"Veilig Thuis",
		"0800-VEILIG",
		"06 1234 56789",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (!hl_phone_is_dialable(yes[i], "NL"))
			fail_msg("yes[%zu] not dialable", i);
	}
	for (i = 0; i < sizeof no / sizeof no[0]; i++) {
		if (hl_phone_is_dialable(no[i], "NL"))
			fail_msg("no[%zu] dialable", i);
	}
	assert_false(hl_phone_is_dialable(NULL, "NL"));
	assert_false(hl_phone_is_dialable("112", NULL));
}

/* Checks that wiping clears every byte. */
static void
test_wipe(void **state)
{
	struct hl_phone	p, zero;

	(void)state;
	assert_int_equal(norm("0612345678", &p), 0);
	hl_phone_wipe(&p);
	memset(&zero, 0, sizeof zero);
	assert_memory_equal(&p, &zero, sizeof p);
	hl_phone_wipe(NULL);
}

/* The fast path for "+31" and nine digits answers as libphonenumber does:
 * every prefix 1-9, and a deterministic spread of subscriber digits. */
static void
test_fast_path_agrees(void **state)
{
	static const char *const not_fast[] = {
		"+310612345678", "+3161234567", "+316123456789", "+31 612345678",
		"+31612345678 ", "+3161234567a",
	};
	struct hl_phone fast, slow;
	char raw[16];
	uint32_t x = 12345;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		x = x * 1103515245u + 12345u;
		snprintf(raw, sizeof raw, "+31%u%08u", 1 + i % 9,
		    (x >> 4) % 100000000u);
		assert_int_equal(hl_phone_normalise_slow(raw, "NL", &slow), 0);
		assert_int_equal(hl_phone_normalise(raw, "NL", &fast), 0);
		assert_string_equal(fast.e164, slow.e164);
		assert_int_equal(hl_phone_normalise(raw, "BE", &fast), 0);
		assert_string_equal(fast.e164, slow.e164);
	}
	/* Near misses go through libphonenumber and still agree. */
	for (size_t i = 0; i < sizeof not_fast / sizeof not_fast[0]; i++) {
		int a = hl_phone_normalise(not_fast[i], "NL", &fast);
		int b = hl_phone_normalise_slow(not_fast[i], "NL", &slow);

		assert_int_equal(a, b);
		if (a == 0)
			assert_string_equal(fast.e164, slow.e164);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_nl),
		cmocka_unit_test(test_normalise_foreign),
		cmocka_unit_test(test_normalise_junk),
		cmocka_unit_test(test_dialable),
		cmocka_unit_test(test_wipe),
		cmocka_unit_test(test_fast_path_agrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
