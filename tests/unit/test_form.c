/*
 * test_form.c - strict form decoding: plus, escapes, repeats, order, and
 * the malformed inputs that must be refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/form.h"

static void
parse_ok(const char *s, struct hl_form *f)
{
	assert_int_equal(hl_form_parse(s, strlen(s), f), 0);
}

static void
test_twilio_body(void **state)
{
	struct hl_form f;

	(void)state;
	parse_ok("MessageSid=SM123&From=%2B31612345678&Body=Hallo+w%C3%ABreld"
	    "&NumMedia=0", &f);
	assert_int_equal(f.n, 4);
	assert_string_equal(hl_form_get(&f, "From"), "+31612345678");
	assert_string_equal(hl_form_get(&f, "Body"), "Hallo w\xc3\xabreld");
	assert_string_equal(f.params[0].name, "MessageSid");
	assert_string_equal(f.params[3].value, "0");
	assert_null(hl_form_get(&f, "from"));	/* names are exact */
	hl_form_clear(&f);
	assert_int_equal(f.n, 0);
	assert_null(f.buf);
}

static void
test_repeats_and_empties(void **state)
{
	struct hl_form f;

	(void)state;
	parse_ok("Digits=5678&Digits=1234&text=&flag&&x%3Dy=a%26b", &f);
	assert_int_equal(f.n, 5);
	assert_string_equal(hl_form_get(&f, "Digits"), "5678");
	assert_string_equal(f.params[1].value, "1234");
	assert_string_equal(hl_form_get(&f, "text"), "");
	assert_string_equal(hl_form_get(&f, "flag"), "");
	assert_string_equal(hl_form_get(&f, "x=y"), "a&b");	/* names decode */
	hl_form_clear(&f);
	parse_ok("", &f);
	assert_int_equal(f.n, 0);
	hl_form_clear(&f);
	parse_ok("text=1*2*4", &f);
	assert_string_equal(hl_form_get(&f, "text"), "1*2*4");
	hl_form_clear(&f);
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
		"a=%", "a=%4", "a=%G1", "a=%1g", "a=%00", "%00=a", "a=b%",
	};
	struct hl_form f;
	char many[3 * (HL_FORM_MAX_PARAMS + 1) + 1];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(hl_form_parse(bad[i], strlen(bad[i]), &f), -1);
		assert_int_equal(f.n, 0);
		assert_null(f.buf);
	}
	/* A NUL byte inside the input is refused too. */
	assert_int_equal(hl_form_parse("a=b\0c", 5, &f), -1);
	for (size_t i = 0; i <= HL_FORM_MAX_PARAMS; i++)
		memcpy(many + 3 * i, "a=&", 3);
	many[sizeof many - 2] = '\0';
	assert_int_equal(hl_form_parse(many, strlen(many), &f), -1);
}

static void
test_length_bounded(void **state)
{
	struct hl_form f;

	(void)state;
	/* Only len bytes are read: "b=2" lies past the end. */
	assert_int_equal(hl_form_parse("a=1&b=2", 3, &f), 0);
	assert_int_equal(f.n, 1);
	assert_null(hl_form_get(&f, "b"));
	hl_form_clear(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twilio_body),
		cmocka_unit_test(test_repeats_and_empties),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_length_bounded),
	};

	return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
