/*
 * test_text.c - UTF-8 checks, GSM 03.38 tables and SMS/USSD accounting.
 *
 * Vectors are written as explicit bytes so the test does not depend on the
 * encoding of this source file.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/text.h"

#include "text_helpers.h"

#define EURO	"\xE2\x82\xAC"	/* U+20AC */
#define E_ACUTE	"\xC3\xA9"	/* U+00E9, in GSM-7 */
#define E_DIAER	"\xC3\xAB"	/* U+00EB, not in GSM-7 */
#define GRIN	"\xF0\x9F\x98\x80"	/* U+1F600 */

/* Checks whether s fits an SMS budget of some segments. */
static bool
fits_sms(const char *s, unsigned segments)
{
	struct hl_budget	b = {
		.channel = HL_CHANNEL_SMS, .sms_segments = segments,
	};

	return hl_text_fits(&b, s, strlen(s));
}

/* Checks whether s fits a USSD budget of some characters. */
static bool
fits_ussd(const char *s, unsigned chars)
{
	struct hl_budget	b = {
		.channel = HL_CHANNEL_USSD, .ussd_chars = chars,
	};

	return hl_text_fits(&b, s, strlen(s));
}

/* Checks single-character costs from the tables. */
static void
test_septets(void **state)
{
	(void)state;
	assert_int_equal(hl_gsm7_septets('a'), 1);
	assert_int_equal(hl_gsm7_septets('@'), 1);
	assert_int_equal(hl_gsm7_septets('$'), 1);
	assert_int_equal(hl_gsm7_septets('_'), 1);
	assert_int_equal(hl_gsm7_septets('\n'), 1);
	assert_int_equal(hl_gsm7_septets('\r'), 1);
	assert_int_equal(hl_gsm7_septets(0x00A4), 1);	/* currency sign */
	assert_int_equal(hl_gsm7_septets(0x00E9), 1);	/* e acute */
	assert_int_equal(hl_gsm7_septets(0x0394), 1);	/* Delta */
	assert_int_equal(hl_gsm7_septets(0x20AC), 2);	/* euro */
	assert_int_equal(hl_gsm7_septets('{'), 2);
	assert_int_equal(hl_gsm7_septets('}'), 2);
	assert_int_equal(hl_gsm7_septets('['), 2);
	assert_int_equal(hl_gsm7_septets(']'), 2);
	assert_int_equal(hl_gsm7_septets('\\'), 2);
	assert_int_equal(hl_gsm7_septets('^'), 2);
	assert_int_equal(hl_gsm7_septets('~'), 2);
	assert_int_equal(hl_gsm7_septets('|'), 2);
	assert_int_equal(hl_gsm7_septets('\f'), 2);
	assert_int_equal(hl_gsm7_septets('`'), 0);
	assert_int_equal(hl_gsm7_septets(0x00EB), 0);	/* e diaeresis */
	assert_int_equal(hl_gsm7_septets(0x00E7), 0);	/* c cedilla */
	assert_int_equal(hl_gsm7_septets(0x2019), 0);	/* curly quote */
	assert_int_equal(hl_gsm7_septets(0), 0);
	assert_int_equal(hl_gsm7_septets('\t'), 0);
	assert_int_equal(hl_gsm7_septets(0xD800), 0);	/* the ESC slot */
	assert_int_equal(hl_gsm7_septets(0x1B), 0);
}

/* Counts the known vectors for both codings. */
static void
test_count_vectors(void **state)
{
	struct hl_sms_count	c;

	(void)state;
	c = count(EURO);
	assert_int_equal(c.coding, HL_SMS_GSM7);
	assert_int_equal(c.units, 2);
	assert_int_equal(c.forced_by, 0);
	c = count("{");
	assert_int_equal(c.coding, HL_SMS_GSM7);
	assert_int_equal(c.units, 2);
	c = count(E_ACUTE);
	assert_int_equal(c.coding, HL_SMS_GSM7);
	assert_int_equal(c.units, 1);
	c = count("Hallo " E_DIAER "n " GRIN);
	assert_int_equal(c.coding, HL_SMS_UCS2);
	assert_int_equal(c.forced_by, 0x00EB);
	assert_int_equal(c.units, 6 + 1 + 2 + 2);
	c = count(GRIN);
	assert_int_equal(c.coding, HL_SMS_UCS2);
	assert_int_equal(c.units, 2);
	assert_int_equal(c.forced_by, 0x1F600);
	c = count("a`");
	assert_int_equal(c.forced_by, '`');
	c = count("");
	assert_int_equal(c.coding, HL_SMS_GSM7);
	assert_int_equal(c.units, 0);
	/* U+0000 forces UCS-2 even though forced_by reads 0. */
	assert_int_equal(hl_sms_count("a\0b", 3, &c), 0);
	assert_int_equal(c.coding, HL_SMS_UCS2);
	assert_int_equal(c.units, 3);
	assert_int_equal(hl_sms_count("\xC0\x80", 2, &c), -1);
}

/* Checks the capacity table. */
static void
test_capacity(void **state)
{
	(void)state;
	assert_int_equal(hl_sms_capacity(HL_SMS_GSM7, 0), 0);
	assert_int_equal(hl_sms_capacity(HL_SMS_GSM7, 1), 160);
	assert_int_equal(hl_sms_capacity(HL_SMS_GSM7, 2), 306);
	assert_int_equal(hl_sms_capacity(HL_SMS_GSM7, 3), 459);
	assert_int_equal(hl_sms_capacity(HL_SMS_UCS2, 0), 0);
	assert_int_equal(hl_sms_capacity(HL_SMS_UCS2, 1), 70);
	assert_int_equal(hl_sms_capacity(HL_SMS_UCS2, 2), 134);
	assert_int_equal(hl_sms_capacity(HL_SMS_UCS2, 4), 268);
}

/* Checks one-segment boundaries in both codings. */
static void
test_fits_one_segment(void **state)
{
	char	*s;

	(void)state;
	s = repeat("a", 160);
	assert_true(fits_sms(s, 1));
	free(s);
	s = repeat("a", 161);
	assert_false(fits_sms(s, 1));
	assert_true(fits_sms(s, 2));
	free(s);
	s = repeat(EURO, 80);
	assert_int_equal(count(s).units, 160);
	assert_true(fits_sms(s, 1));
	free(s);
	s = repeat(EURO, 81);
	assert_false(fits_sms(s, 1));
	free(s);
	s = repeat(E_DIAER, 70);
	assert_int_equal(count(s).coding, HL_SMS_UCS2);
	assert_true(fits_sms(s, 1));
	free(s);
	s = repeat(E_DIAER, 71);
	assert_false(fits_sms(s, 1));
	assert_true(fits_sms(s, 2));
	free(s);
	s = repeat(GRIN, 35);
	assert_true(fits_sms(s, 1));
	free(s);
	s = repeat(GRIN, 36);
	assert_false(fits_sms(s, 1));
	free(s);
	assert_false(fits_sms("a", 0));
	assert_false(fits_sms("\xFF", 3));
}

/* Checks that multi-part fitting never splits an escape or surrogate. */
static void
test_fits_parts(void **state)
{
	char	*a, *s;

	(void)state;
	s = repeat("a", 306);
	assert_true(fits_sms(s, 2));
	free(s);
	s = repeat("a", 307);
	assert_false(fits_sms(s, 2));
	assert_true(fits_sms(s, 3));
	free(s);
	/* 152 + 2 + 152 = 306 septets, but the euro would straddle. */
	a = repeat("a", 152);
	assert_int_equal(asprintf(&s, "%s" EURO "%s", a, a), 307);
	assert_int_equal(count(s).units, 306);
	assert_false(fits_sms(s, 2));
	assert_true(fits_sms(s, 3));
	free(s);
	/* 151 + 2 + 153 = 306 septets, euro ends part one: fits. */
	s = malloc(400);
	assert_non_null(s);
	memset(s, 'a', 151);
	memcpy(s + 151, EURO, 3);
	memset(s + 154, 'a', 153);
	s[307] = '\0';
	assert_true(fits_sms(s, 2));
	free(s);
	free(a);
	/* UCS-2: 66 units, a surrogate pair, 66 more: 134 units, straddles. */
	a = repeat(E_DIAER, 66);
	assert_true(asprintf(&s, "%s" GRIN "%s", a, a) > 0);
	assert_int_equal(count(s).units, 134);
	assert_false(fits_sms(s, 2));
	assert_true(fits_sms(s, 3));
	free(s);
	free(a);
}

/* Checks that USSD counts code points, not bytes or septets. */
static void
test_fits_ussd(void **state)
{
	char	*s;

	(void)state;
	s = repeat(E_DIAER, 160);
	assert_int_equal(hl_utf8_chars(s, strlen(s)), 160);
	assert_true(fits_ussd(s, 160));
	assert_false(fits_ussd(s, 159));
	free(s);
	s = repeat(EURO, 182);
	assert_true(fits_ussd(s, HL_USSD_MAX_CHARS));
	free(s);
	s = repeat("a", 183);
	assert_false(fits_ussd(s, HL_USSD_MAX_CHARS));
	free(s);
	assert_false(fits_ussd("\xED\xA0\x80", 10));
}

/* Checks that malformed UTF-8 is rejected and well-formed accepted. */
static void
test_utf8_validity(void **state)
{
	static const struct {
		const char	*s;
		size_t		 len;
		bool		 valid;
	} v[] = {
		{ "", 0, true },
		{ "abc", 3, true },
		{ "\x00", 1, true },
		{ "\xC2\x80", 2, true },		/* U+0080 */
		{ "\xDF\xBF", 2, true },		/* U+07FF */
		{ "\xE0\xA0\x80", 3, true },		/* U+0800 */
		{ "\xED\x9F\xBF", 3, true },		/* U+D7FF */
		{ "\xEE\x80\x80", 3, true },		/* U+E000 */
		{ "\xEF\xBF\xBF", 3, true },		/* U+FFFF */
		{ "\xF0\x90\x80\x80", 4, true },	/* U+10000 */
		{ "\xF4\x8F\xBF\xBF", 4, true },	/* U+10FFFF */
		{ "\xC0\x80", 2, false },		/* overlong NUL */
		{ "\xC1\xBF", 2, false },		/* overlong */
		{ "\xE0\x80\x80", 3, false },		/* overlong */
		{ "\xE0\x9F\xBF", 3, false },		/* overlong */
		{ "\xF0\x80\x80\x80", 4, false },	/* overlong */
		{ "\xF0\x8F\xBF\xBF", 4, false },	/* overlong */
		{ "\xED\xA0\x80", 3, false },		/* U+D800 */
		{ "\xED\xBF\xBF", 3, false },		/* U+DFFF */
		{ "\xF4\x90\x80\x80", 4, false },	/* U+110000 */
		{ "\xF5\x80\x80\x80", 4, false },
		{ "\xFF", 1, false },
		{ "\xFE", 1, false },
		{ "\x80", 1, false },			/* lone cont. byte */
		{ "a\xBF" "b", 3, false },
		{ "\xC3", 1, false },			/* truncated */
		{ "\xE2\x82", 2, false },
		{ "\xF0\x9F\x98", 3, false },
		{ "\xE2\x82" "a", 3, false },
		{ "\xC3\xC3\xA9", 3, false },
	};
	size_t	i, pos;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		if (hl_utf8_is_valid(v[i].s, v[i].len) != v[i].valid)
			fail_msg("vector %zu", i);
	}
	/* A failed decode leaves the position alone. */
	pos = 1;
	assert_int_equal(hl_utf8_next("a\xED\xA0\x80", 4, &pos), -1);
	assert_int_equal(pos, 1);
	pos = 0;
	assert_int_equal(hl_utf8_next(GRIN, 4, &pos), 0x1F600);
	assert_int_equal(pos, 4);
	assert_int_equal(hl_utf8_next(GRIN, 4, &pos), -1);
}

/* Checks that truncation never splits a character. */
static void
test_truncate(void **state)
{
	const char	*s = "a" E_ACUTE EURO GRIN "b";	/* 1+2+3+4+1 */
	size_t		 len = strlen(s), max, n;

	(void)state;
	assert_int_equal(len, 11);
	assert_int_equal(hl_utf8_truncate(s, len, 11), 11);
	assert_int_equal(hl_utf8_truncate(s, len, 100), 11);
	assert_int_equal(hl_utf8_truncate(s, len, 10), 10);
	assert_int_equal(hl_utf8_truncate(s, len, 9), 6);
	assert_int_equal(hl_utf8_truncate(s, len, 6), 6);
	assert_int_equal(hl_utf8_truncate(s, len, 5), 3);
	assert_int_equal(hl_utf8_truncate(s, len, 2), 1);
	assert_int_equal(hl_utf8_truncate(s, len, 0), 0);
	for (max = 0; max <= len; max++) {
		n = hl_utf8_truncate(s, len, max);
		assert_true(n <= max);
		assert_true(hl_utf8_is_valid(s, n));
	}
	assert_int_equal(hl_utf8_chars(s, len), 5);
}

/* Checks the GSM-7 encoding of the traps and extension characters. */
static void
test_encode(void **state)
{
	const char		*s = "@$_" EURO "{" "\xC2\xA4" "\n";
	const unsigned char	 want[] = {
		0x00, 0x02, 0x11, 0x1B, 0x65, 0x1B, 0x28, 0x24, 0x0A,
	};
	unsigned char		 out[32];
	size_t			 n = 99;

	(void)state;
	assert_int_equal(hl_gsm7_encode(s, strlen(s), out, sizeof out, &n),
	    0);
	assert_int_equal(n, sizeof want);
	assert_memory_equal(out, want, sizeof want);
	assert_int_equal(hl_gsm7_encode("Aa0", 3, out, sizeof out, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "Aa0", 3);
	/* Not GSM-7, invalid, or too small. */
	assert_int_equal(hl_gsm7_encode(E_DIAER, 2, out, sizeof out, &n), -1);
	assert_int_equal(hl_gsm7_encode("`", 1, out, sizeof out, &n), -1);
	assert_int_equal(hl_gsm7_encode("\xC0\x80", 2, out, sizeof out, &n),
	    -1);
	assert_int_equal(hl_gsm7_encode(EURO, 3, out, 1, &n), -1);
	assert_int_equal(hl_gsm7_encode(EURO, 3, out, 2, &n), 0);
	assert_int_equal(hl_gsm7_encode("ab", 2, out, 1, &n), -1);
}

/* Checks decoding, including unknown and trailing escapes. */
static void
test_decode(void **state)
{
	const unsigned char	in[] = {
		0x00, 0x02, 0x24, 0x1B, 0x65, 0x10,
	};
	const unsigned char	unk[] = { 0x1B, 0x41, 0x1B, 0x1B, 0x1B };
	const unsigned char	bad[] = { 0x41, 0x80 };
	char			out[64];
	size_t			n;

	(void)state;
	assert_int_equal(hl_gsm7_decode(in, sizeof in, out, sizeof out, &n),
	    0);
	assert_string_equal(out, "@$\xC2\xA4" EURO "\xCE\x94");
	assert_int_equal(n, strlen(out));
	/* ESC A shows A; ESC ESC a space; a trailing ESC a space. */
	assert_int_equal(hl_gsm7_decode(unk, sizeof unk, out, sizeof out, &n),
	    0);
	assert_string_equal(out, "A  ");
	assert_int_equal(hl_gsm7_decode(bad, sizeof bad, out, sizeof out, &n),
	    -1);
	/* The euro needs 3 bytes plus the NUL. */
	assert_int_equal(hl_gsm7_decode(in + 3, 2, out, 3, &n), -1);
	assert_int_equal(hl_gsm7_decode(in + 3, 2, out, 4, &n), 0);
	assert_int_equal(hl_gsm7_decode(in, 0, out, 1, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(hl_gsm7_decode(in, 0, out, 0, &n), -1);
}

/* Round-trips every GSM-7 character through encode and decode. */
static void
test_round_trip(void **state)
{
	unsigned char	septets[256], back[256];
	char		utf8[1024];
	size_t		n = 0, ulen, blen, i;

	(void)state;
	for (i = 0; i < 128; i++) {
		if (i != 0x1B)
			septets[n++] = (unsigned char)i;
	}
	for (i = 0; i < 10; i++) {
		static const unsigned char ext[] = {
			0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E,
			0x40, 0x65,
		};
		septets[n++] = 0x1B;
		septets[n++] = ext[i];
	}
	assert_int_equal(hl_gsm7_decode(septets, n, utf8, sizeof utf8,
	    &ulen), 0);
	assert_true(hl_utf8_is_valid(utf8, ulen));
	assert_int_equal(count(utf8).coding, HL_SMS_GSM7);
	assert_int_equal(count(utf8).units, n);
	assert_int_equal(hl_gsm7_encode(utf8, ulen, back, sizeof back,
	    &blen), 0);
	assert_int_equal(blen, n);
	assert_memory_equal(back, septets, n);
}

/* Checks channel names both ways. */
static void
test_channel(void **state)
{
	enum hl_channel	ch;

	(void)state;
	assert_string_equal(hl_channel_name(HL_CHANNEL_SMS), "sms");
	assert_string_equal(hl_channel_name(HL_CHANNEL_USSD), "ussd");
	assert_int_equal(hl_channel_parse("ussd", &ch), 0);
	assert_int_equal(ch, HL_CHANNEL_USSD);
	assert_int_equal(hl_channel_parse("sms", &ch), 0);
	assert_int_equal(ch, HL_CHANNEL_SMS);
	assert_int_equal(hl_channel_parse("fax", &ch), -1);
	assert_int_equal(hl_channel_parse("", &ch), -1);
	assert_int_equal(hl_channel_parse(NULL, &ch), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_septets),
		cmocka_unit_test(test_count_vectors),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_fits_one_segment),
		cmocka_unit_test(test_fits_parts),
		cmocka_unit_test(test_fits_ussd),
		cmocka_unit_test(test_utf8_validity),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_channel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
