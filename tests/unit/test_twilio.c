/*
 * test_twilio.c - the pure parts of the Twilio webhook: TwiML rendering
 * and XML escaping (twiml.h), the signed URL and the request -> message
 * extraction (twilio.h).  The signature itself: test_twilio_sig.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/core.h"
#include "helpline/form.h"
#include "helpline/twilio.h"
#include "helpline/twilio_sig.h"
#include "helpline/twiml.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>"
#define TAIL "</Message></Response>"

/* Escapes a NUL-terminated string into a static buffer. */
static const char *
escaped(const char *s, size_t len)
{
	static char out[HL_TWIML_ESCAPED_MAX(256) + 1];
	size_t n;

	assert_true(len <= 256);
	n = hl_twiml_escape(s, len, out);
	assert_true(n <= HL_TWIML_ESCAPED_MAX(len));
	out[n] = '\0';
	return out;
}

#define ESC(lit) escaped(lit, sizeof lit - 1)

static void
test_escape_specials(void **state)
{
	(void)state;
	assert_string_equal(ESC("&"), "&amp;");
	assert_string_equal(ESC("<"), "&lt;");
	assert_string_equal(ESC(">"), "&gt;");
	assert_string_equal(ESC("\""), "&quot;");
	assert_string_equal(ESC("'"), "&apos;");
	assert_string_equal(ESC("a&b<c>d\"e'f"),
	    "a&amp;b&lt;c&gt;d&quot;e&apos;f");
	/* An entity in the text is text: its & is escaped again. */
	assert_string_equal(ESC("&amp;"), "&amp;amp;");
	assert_string_equal(ESC("]]>"), "]]&gt;");
	assert_string_equal(ESC("plain 1 Ja 2 Nee"), "plain 1 Ja 2 Nee");
	assert_string_equal(ESC(""), "");
}

static void
test_escape_controls(void **state)
{
	(void)state;
	/* Tab and LF stay; CR survives a parser only as a reference. */
	assert_string_equal(ESC("1 Ja\n2 Nee\t."), "1 Ja\n2 Nee\t.");
	assert_string_equal(ESC("a\r\nb"), "a&#13;\nb");
	/* Other C0 controls cannot appear in XML 1.0 at all. */
	assert_string_equal(ESC("a\x01\x08\x0b\x0c\x1b\x1f" "b"), "ab");
	assert_string_equal(ESC("\x7f"), "\x7f");
}

static void
test_escape_utf8(void **state)
{
	(void)state;
	/* Valid UTF-8 passes unchanged, 2, 3 and 4 byte sequences. */
	assert_string_equal(ESC("Zo\xc3\xab \xe2\x82\xac \xf0\x9f\x98\x80"),
	    "Zo\xc3\xab \xe2\x82\xac \xf0\x9f\x98\x80");
	assert_string_equal(ESC("co\xc3\xb6rdinator & <hulp>"),
	    "co\xc3\xb6rdinator &amp; &lt;hulp&gt;");
	/* Invalid bytes become U+FFFD, one each; what follows is kept. */
	assert_string_equal(ESC("a\xff" "b"), "a\xef\xbf\xbd" "b");
	assert_string_equal(ESC("\xc3"), "\xef\xbf\xbd");
	assert_string_equal(ESC("\xc0\xaf<"),
	    "\xef\xbf\xbd\xef\xbf\xbd&lt;");
	assert_string_equal(ESC("\xed\xa0\x80"),	/* a surrogate */
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* U+FFFE and U+FFFF are no XML characters. */
	assert_string_equal(ESC("\xef\xbf\xbe\xef\xbf\xbf"),
	    "\xef\xbf\xbd\xef\xbf\xbd");
}

static void
test_escape_worst_case_fits(void **state)
{
	char in[256], out[HL_TWIML_ESCAPED_MAX(256)];

	(void)state;
	memset(in, '"', sizeof in);
	assert_int_equal(hl_twiml_escape(in, sizeof in, out),
	    HL_TWIML_ESCAPED_MAX(sizeof in));
	memset(in, '\xff', sizeof in);
	assert_int_equal(hl_twiml_escape(in, sizeof in, out), 3 * sizeof in);
}

static void
test_message_document(void **state)
{
	static const char text[] = "Kies:\n1 Ja & <nee>";
	size_t len = 0;
	char *doc;

	(void)state;
	doc = hl_twiml_message(text, sizeof text - 1, &len);
	assert_non_null(doc);
	assert_string_equal(doc, HEAD "Kies:\n1 Ja &amp; &lt;nee&gt;" TAIL);
	assert_int_equal(len, strlen(doc));
	free(doc);

	doc = hl_twiml_message("\xc3\xab", 2, &len);
	assert_string_equal(doc, HEAD "\xc3\xab" TAIL);
	free(doc);
}

static void
test_message_empty_and_oversized(void **state)
{
	size_t len = 0;
	char *doc, *big;

	(void)state;
	doc = hl_twiml_message("", 0, &len);
	assert_string_equal(doc,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
	assert_int_equal(len, strlen(doc));
	free(doc);
	/* A text pointer is not needed for an empty reply. */
	doc = hl_twiml_message(NULL, 0, &len);
	assert_non_null(strstr(doc, "<Response/>"));
	free(doc);

	big = malloc(HL_TWIML_MAX_TEXT + 1);
	assert_non_null(big);
	memset(big, '&', HL_TWIML_MAX_TEXT + 1);
	assert_null(hl_twiml_message(big, HL_TWIML_MAX_TEXT + 1, &len));
	doc = hl_twiml_message(big, HL_TWIML_MAX_TEXT, &len);
	assert_non_null(doc);
	assert_int_equal(len, strlen(HEAD) + 5 * HL_TWIML_MAX_TEXT +
	    strlen(TAIL));
	free(doc);
	free(big);
}

static void
test_signed_url(void **state)
{
	static const char pub[] = "https://helpline.example.org/twilio/sms";
	char buf[256];

	(void)state;
	assert_int_equal(hl_twilio_signed_url(pub, "/twilio/sms", buf,
	    sizeof buf), 0);
	assert_string_equal(buf, pub);
	/* The query as received, not decoded or re-ordered. */
	assert_int_equal(hl_twilio_signed_url(pub, "/twilio/sms?b=2&a=%2B1",
	    buf, sizeof buf), 0);
	assert_string_equal(buf, "https://helpline.example.org/twilio/sms"
	    "?b=2&a=%2B1");
	/* Our own path does not matter (a proxy may rewrite it). */
	assert_int_equal(hl_twilio_signed_url(pub, "/local/x?q=1", buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "https://helpline.example.org/twilio/sms"
	    "?q=1");
	assert_int_equal(hl_twilio_signed_url(pub, "/twilio/sms?", buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "https://helpline.example.org/twilio/sms?");
	/* A public URL with a query: kept when none arrives, else the
	 * received one (which then carries it, plus any bodySHA256). */
	assert_int_equal(hl_twilio_signed_url("https://h.example/s?site=a",
	    "/twilio/sms", buf, sizeof buf), 0);
	assert_string_equal(buf, "https://h.example/s?site=a");
	assert_int_equal(hl_twilio_signed_url("https://h.example/s?site=a",
	    "/twilio/sms?site=a&bodySHA256=00", buf, sizeof buf), 0);
	assert_string_equal(buf, "https://h.example/s?site=a&bodySHA256=00");
	/* Too small a buffer is an error, never a truncated URL. */
	assert_int_equal(hl_twilio_signed_url(pub, "/twilio/sms", buf,
	    sizeof pub - 1), -1);
	assert_int_equal(hl_twilio_signed_url(pub, "/twilio/sms", buf,
	    sizeof pub), 0);
	assert_int_equal(hl_twilio_signed_url(pub, "/x?q=1", buf,
	    sizeof pub + 3), -1);
}

static void
test_signed_url_vector(void **state)
{
	static const struct hl_form_param call[] = {
		{ "CallSid", "CA1234567890ABCDE" },
		{ "Caller", "+14158675309" },
		{ "Digits", "1234" },
		{ "From", "+14158675309" },
		{ "To", "+18005551212" },
	};
	char url[256];

	(void)state;
	/* protocols.md's vector, reached through a proxy that serves
	 * https://mycompany.com/myapp.php as /twilio/sms. */
	assert_int_equal(hl_twilio_signed_url("https://mycompany.com/myapp.php",
	    "/twilio/sms?foo=1&bar=2", url, sizeof url), 0);
	assert_true(hl_twilio_signature_is_valid("12345", url, call, 5,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
	assert_true(hl_twilio_signature_is_valid("12345", url, call, 5,
	    "kvajT1Ptam85bY51eRf/AJRuM3w="));
	assert_false(hl_twilio_signature_is_valid("12345", url, call, 4,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

/* Parses a form literal into *form. */
static void
parse(struct hl_form *form, const char *s)
{
	assert_int_equal(hl_form_parse(s, strlen(s), form), 0);
}

static void
test_inbound_fields(void **state)
{
	struct hl_form form;
	struct hl_inbound in;
	const char *problem = "unset";

	(void)state;
	parse(&form, "ToCountry=NL&SmsMessageSid=SMold&NumMedia=0"
	    "&From=%2B31612345678&Body=Zo%C3%AB+%26+1&To=%2B3197010000000"
	    "&MessageSid=SM0123456789abcdef0123456789abcdef&ApiVersion="
	    "2010-04-01");
	assert_int_equal(hl_twilio_inbound(&form, 1600, &in, &problem), 0);
	assert_null(problem);
	assert_string_equal(in.sender, "+31612345678");
	assert_int_equal(in.text.len, strlen("Zo\xc3\xab & 1"));
	assert_memory_equal(in.text.bytes, "Zo\xc3\xab & 1", in.text.len);
	assert_string_equal(in.gateway_id,
	    "SM0123456789abcdef0123456789abcdef");
	assert_string_equal(in.adapter, "twilio");
	assert_int_equal(in.channel, HL_CHANNEL_SMS);
	assert_null(in.lang_hint);
	assert_null(in.session_id);
	hl_form_clear(&form);
}

static void
test_inbound_legacy_ids(void **state)
{
	struct hl_form form;
	struct hl_inbound in;
	const char *problem;

	(void)state;
	parse(&form, "From=%2B31612345678&Body=1&SmsSid=SMb&SmsMessageSid=SMa");
	assert_int_equal(hl_twilio_inbound(&form, 1600, &in, &problem), 0);
	assert_string_equal(in.gateway_id, "SMa");
	hl_form_clear(&form);
	parse(&form, "From=%2B31612345678&Body=1&SmsSid=SMb");
	assert_int_equal(hl_twilio_inbound(&form, 1600, &in, &problem), 0);
	assert_string_equal(in.gateway_id, "SMb");
	hl_form_clear(&form);
	parse(&form, "From=%2B31612345678&Body=1");
	assert_int_equal(hl_twilio_inbound(&form, 1600, &in, &problem), 0);
	assert_null(in.gateway_id);
	hl_form_clear(&form);
}

static void
test_inbound_missing_fields(void **state)
{
	static const char *const bad[] = {
		"Body=1&MessageSid=SM1",
		"From=&Body=1",
		"from=%2B31612345678&Body=1",	/* names are case-sensitive */
		"From=%2B31612345678&MessageSid=SM1",
		"",
	};
	struct hl_form form;
	struct hl_inbound in;
	const char *problem;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		parse(&form, bad[i]);
		problem = NULL;
		assert_int_equal(hl_twilio_inbound(&form, 1600, &in,
		    &problem), 400);
		assert_non_null(problem);
		assert_null(strstr(problem, "3161"));
		hl_form_clear(&form);
	}
	/* An empty Body (a picture without text) is a message. */
	parse(&form, "From=%2B31612345678&Body=");
	assert_int_equal(hl_twilio_inbound(&form, 1600, &in, &problem), 0);
	assert_int_equal(in.text.len, 0);
	hl_form_clear(&form);
}

/* Builds "From=...&Body=" followed by n copies of piece. */
static char *
form_with_body(const char *piece, size_t n)
{
	size_t plen = strlen(piece);
	char *s = malloc(64 + n * plen);
	size_t o;

	assert_non_null(s);
	o = (size_t)sprintf(s, "From=%%2B31612345678&Body=");
	for (size_t i = 0; i < n; i++, o += plen)
		memcpy(s + o, piece, plen);
	s[o] = '\0';
	return s;
}

static void
test_inbound_max_text(void **state)
{
	struct hl_form form;
	struct hl_inbound in;
	const char *problem;
	char *s;

	(void)state;
	/* Counted in characters: 1600 e-trema (3200 bytes) fit 1600. */
	s = form_with_body("%C3%AB", 1600);
	parse(&form, s);
	assert_int_equal(hl_twilio_inbound(&form, 1600, &in, &problem), 0);
	assert_int_equal(in.text.len, 3200);
	assert_int_equal(hl_twilio_inbound(&form, 1599, &in, &problem), 413);
	assert_string_equal(problem, "Body is too long");
	hl_form_clear(&form);
	free(s);
	/* Invalid UTF-8 passes on (the core treats it as an unknown choice),
	 * each byte counted as one character. */
	s = form_with_body("%FF", 10);
	parse(&form, s);
	assert_int_equal(hl_twilio_inbound(&form, 10, &in, &problem), 0);
	assert_int_equal(in.text.len, 10);
	assert_int_equal((unsigned char)in.text.bytes[0], 0xff);
	assert_int_equal(hl_twilio_inbound(&form, 9, &in, &problem), 413);
	hl_form_clear(&form);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_specials),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_escape_worst_case_fits),
		cmocka_unit_test(test_message_document),
		cmocka_unit_test(test_message_empty_and_oversized),
		cmocka_unit_test(test_signed_url),
		cmocka_unit_test(test_signed_url_vector),
		cmocka_unit_test(test_inbound_fields),
		cmocka_unit_test(test_inbound_legacy_ids),
		cmocka_unit_test(test_inbound_missing_fields),
		cmocka_unit_test(test_inbound_max_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
