/*
 * test_twilio_sig.c - X-Twilio-Signature against the published vectors
 * (twilio-python tests/unit/test_request_validator.py, recomputed in
 * protocols.md section 1): URL variants, repeated names, the JSON form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/twilio_sig.h"

#define TOKEN "12345"
#define URL "https://mycompany.com/myapp.php?foo=1&bar=2"

static const struct hl_form_param call[] = {
	{ "CallSid", "CA1234567890ABCDE" },
	{ "Caller", "+14158675309" },
	{ "Digits", "1234" },
	{ "From", "+14158675309" },
	{ "To", "+18005551212" },
};

static void
test_signature_vector(void **state)
{
	char sig[HL_TWILIO_SIG_LEN + 1];

	(void)state;
	assert_int_equal(hl_twilio_signature(TOKEN, URL, call, 5, sig), 0);
	assert_string_equal(sig, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
	assert_int_equal(hl_twilio_signature(TOKEN,
	    "https://mycompany.com:443/myapp.php?foo=1&bar=2", call, 5, sig),
	    0);
	assert_string_equal(sig, "kvajT1Ptam85bY51eRf/AJRuM3w=");
	assert_int_equal(hl_twilio_signature(TOKEN,
	    "http://mycompany.com:80/myapp.php?foo=1&bar=2", call, 5, sig), 0);
	assert_string_equal(sig, "0ZXoZLH/DfblKGATFgpif+LLRf4=");
}

static void
test_parameter_order_and_repeats(void **state)
{
	/* Given out of order: sorted by name, then by value. */
	static const struct hl_form_param p[] = {
		{ "Sid", "CA123" }, { "SidAccount", "AC123" },
		{ "Digits", "5678" }, { "Digits", "1234" },
	};
	char sig[HL_TWILIO_SIG_LEN + 1];

	(void)state;
	assert_int_equal(hl_twilio_signature(TOKEN, URL, p, 4, sig), 0);
	assert_string_equal(sig, "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

static void
test_validation_and_port_variants(void **state)
{
	(void)state;
	assert_true(hl_twilio_signature_is_valid(TOKEN, URL, call, 5,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	/* Signed with :443, received without: the default port is added. */
	assert_true(hl_twilio_signature_is_valid(TOKEN, URL, call, 5,
	    "kvajT1Ptam85bY51eRf/AJRuM3w="));
	/* Signed without a port, received with :443: the port is removed. */
	assert_true(hl_twilio_signature_is_valid(TOKEN,
	    "https://mycompany.com:443/myapp.php?foo=1&bar=2", call, 5,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	/* The often-quoted vector holds only for another Caller. */
	assert_false(hl_twilio_signature_is_valid(TOKEN, URL, call, 5,
	    "GvWf1cFY/Q7PnoempGyD5oXAezc="));
	/* Wrong token, changed parameter, truncated or missing signature. */
	assert_false(hl_twilio_signature_is_valid("12346", URL, call, 5,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	assert_false(hl_twilio_signature_is_valid(TOKEN, URL, call, 4,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	assert_false(hl_twilio_signature_is_valid(TOKEN, URL, call, 5,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8"));
	assert_false(hl_twilio_signature_is_valid(TOKEN, URL, call, 5, NULL));
	assert_false(hl_twilio_signature_is_valid(TOKEN, URL, call, 5, ""));
}

static void
test_json_body_hash(void **state)
{
	static const char body[] = "{\"property\": \"value\", \"boolean\": true}";
	static const char url[] = "https://mycompany.com/myapp.php?foo=1&bar=2"
	    "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf1963"
	    "2632f96e6620";
	char sig[HL_TWILIO_SIG_LEN + 1];

	(void)state;
	assert_true(hl_twilio_body_hash_is_valid(url, body, sizeof body - 1));
	assert_false(hl_twilio_body_hash_is_valid(url, body, sizeof body - 2));
	assert_false(hl_twilio_body_hash_is_valid(URL, body, sizeof body - 1));
	/* The JSON form signs the URL alone. */
	assert_int_equal(hl_twilio_signature(TOKEN, url, NULL, 0, sig), 0);
	assert_string_equal(sig, "a9nBmqA0ju/hNViExpshrM61xv4=");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signature_vector),
		cmocka_unit_test(test_parameter_order_and_repeats),
		cmocka_unit_test(test_validation_and_port_variants),
		cmocka_unit_test(test_json_body_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
