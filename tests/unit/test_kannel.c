/*
 * test_kannel.c - the pure half of the Kannel adapter: charsets to UTF-8
 * (UTF-16BE, 8-bit, invalid and unknown input), the Content-Type charset,
 * and post-url headers or a get-url query read into an inbound message.
 *
 * Vectors are explicit bytes so the test does not depend on the encoding
 * of this source file.
 */
#include <sys/queue.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "helpline/kannel_text.h"

#define ZOE_EURO_UTF8	"Zo\xC3\xAB \xE2\x82\xAC"	/* "Zoë €" */
/* The same in UTF-16BE, as Kannel posts a UCS-2 MO without mo-recode. */
static const char zoe_euro_utf16[] = {
	0x00, 'Z', 0x00, 'o', 0x00, (char)0xEB, 0x00, ' ', 0x20, (char)0xAC
};

/* Converts and checks the result against want (NULL: must fail). */
static void
convert(const char *charset, const char *coding, const char *in,
    size_t len, const char *want)
{
	char *out = (char *)"untouched";
	size_t outlen = 99;
	int rc = hl_kannel_to_utf8(charset, coding, in, len, &out, &outlen);

	if (want == NULL) {
		assert_int_equal(rc, -1);
		assert_null(out);
		assert_int_equal(outlen, 0);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(outlen, strlen(want));
	assert_memory_equal(out, want, outlen);
	assert_int_equal(out[outlen], '\0');
	free(out);
}

static void
test_utf16be(void **state)
{
	(void)state;
	convert("UTF-16BE", "2", zoe_euro_utf16, sizeof zoe_euro_utf16,
	    ZOE_EURO_UTF8);
	convert("utf-16be", NULL, zoe_euro_utf16, sizeof zoe_euro_utf16,
	    ZOE_EURO_UTF8);
	/* No charset: coding 2 means UTF-16BE. */
	convert(NULL, "2", zoe_euro_utf16, sizeof zoe_euro_utf16,
	    ZOE_EURO_UTF8);
	/* A surrogate pair: U+1F600. */
	convert("UTF-16BE", "2", "\xD8\x3D\xDE\x00", 4, "\xF0\x9F\x98\x80");
}

static void
test_utf16be_invalid(void **state)
{
	(void)state;
	/* An odd byte count cuts a code unit in half. */
	convert("UTF-16BE", "2", zoe_euro_utf16, sizeof zoe_euro_utf16 - 1,
	    NULL);
	/* A high surrogate with no low one, alone and at the end. */
	convert("UTF-16BE", "2", "\xD8\x3D\x00\x41", 4, NULL);
	convert("UTF-16BE", "2", "\x00\x41\xD8\x3D", 4, NULL);
	/* A lone low surrogate. */
	convert("UTF-16BE", "2", "\xDE\x00", 2, NULL);
	/* U+0000 would end a C string early. */
	convert("UTF-16BE", "2", "\x00\x31\x00\x00", 4, NULL);
}

static void
test_eight_bit(void **state)
{
	(void)state;
	/* Kannel's "8-BIT" is read as Latin-1: every byte maps. */
	convert("8-BIT", "1", "Zo\xEB", 3, "Zo\xC3\xAB");
	convert(NULL, "1", "Zo\xEB", 3, "Zo\xC3\xAB");
	convert("ISO-8859-1", NULL, "\xFF", 1, "\xC3\xBF");
	convert("windows-1252", NULL, "\x80", 1, "\xE2\x82\xAC");
}

static void
test_utf8_passes(void **state)
{
	(void)state;
	convert("UTF-8", "0", ZOE_EURO_UTF8, strlen(ZOE_EURO_UTF8),
	    ZOE_EURO_UTF8);
	convert("utf8", NULL, "1", 1, "1");
	convert(NULL, NULL, "1", 1, "1");
	convert(NULL, "0", "", 0, "");
	/* Invalid UTF-8 goes on unchanged: the engine calls it an unknown
	 * choice. */
	convert("UTF-8", "0", "\xFF\xFE", 2, "\xFF\xFE");
	/* But never a NUL inside. */
	convert("UTF-8", "0", "a\0b", 3, NULL);
}

static void
test_unknown_charset(void **state)
{
	(void)state;
	convert("X-NO-SUCH-CHARSET", NULL, "1", 1, NULL);
	/* Names with odd characters never reach iconv_open(). */
	convert("UTF-16BE/../x", NULL, "1", 1, NULL);
	convert("UTF 8", NULL, "1", 1, NULL);
	convert("", "2", "\x00\x31", 2, "1");	/* empty: coding decides */
}

static void
test_content_charset(void **state)
{
	char cs[16];

	(void)state;
	assert_int_equal(hl_kannel_content_charset(
	    "text/plain; charset=\"UTF-8\"", cs, sizeof cs), 0);
	assert_string_equal(cs, "UTF-8");
	assert_int_equal(hl_kannel_content_charset(
	    "text/plain;charset=UTF-16BE", cs, sizeof cs), 0);
	assert_string_equal(cs, "UTF-16BE");
	assert_int_equal(hl_kannel_content_charset(
	    "text/plain; format=flowed; CharSet = 8-BIT ; x=y", cs,
	    sizeof cs), 0);
	assert_string_equal(cs, "8-BIT");
	assert_int_equal(hl_kannel_content_charset("text/plain", cs,
	    sizeof cs), -1);
	assert_int_equal(hl_kannel_content_charset(NULL, cs, sizeof cs), -1);
	assert_int_equal(hl_kannel_content_charset(
	    "text/plain; charset=\"UTF-8", cs, sizeof cs), -1);
	assert_int_equal(hl_kannel_content_charset(
	    "text/plain; charset=", cs, sizeof cs), -1);
	assert_int_equal(hl_kannel_content_charset(
	    "text/plain; charset=a-very-long-charset-name", cs, sizeof cs),
	    -1);
}

/* A header list as evhttp would hand it over. */
static void
headers(struct evkeyvalq *h, const char *coding, const char *type)
{
	TAILQ_INIT(h);
	evhttp_add_header(h, "X-Kannel-From", "+31612345678");
	evhttp_add_header(h, "X-Kannel-To", "1234");
	evhttp_add_header(h, "X-Kannel-SMSC", "FAKE");
	if (coding != NULL)
		evhttp_add_header(h, "X-Kannel-Coding", coding);
	if (type != NULL)
		evhttp_add_header(h, "Content-Type", type);
}

/* Reads a post-url request as the adapter does: query, then the rest. */
static const char *
post(const struct evkeyvalq *h, const char *query, const char *body,
    size_t len, struct hl_kannel_mo *mo)
{
	if (hl_kannel_parse_query(query, mo) == -1)
		return "malformed query string";
	return hl_kannel_parse_post(mo, h, body, len);
}

/* Reads a get-url request as the adapter does. */
static const char *
get(const char *query, struct hl_kannel_mo *mo)
{
	if (hl_kannel_parse_query(query, mo) == -1)
		return "malformed query string (mo-recode)";
	return hl_kannel_parse_get(mo);
}

static void
test_post(void **state)
{
	struct evkeyvalq h;
	struct hl_kannel_mo mo;
	struct hl_inbound in;

	(void)state;
	headers(&h, "2", "text/plain; charset=\"UTF-16BE\"");
	assert_null(post(&h, "key=s3cret&id=0f34-ab",
	    zoe_euro_utf16, sizeof zoe_euro_utf16, &mo));
	assert_string_equal(mo.from, "+31612345678");
	assert_string_equal(mo.to, "1234");
	assert_string_equal(mo.id, "0f34-ab");
	assert_string_equal(mo.key, "s3cret");
	assert_false(mo.unreadable);
	assert_string_equal(mo.text, ZOE_EURO_UTF8);
	hl_kannel_inbound(&mo, &in);
	assert_string_equal(in.adapter, "kannel");
	assert_int_equal(in.channel, HL_CHANNEL_SMS);
	assert_string_equal(in.sender, "+31612345678");
	assert_int_equal(in.text.len, strlen(ZOE_EURO_UTF8));
	assert_memory_equal(in.text.bytes, ZOE_EURO_UTF8, in.text.len);
	assert_string_equal(in.gateway_id, "0f34-ab");
	assert_null(in.session_id);
	hl_kannel_mo_clear(&mo);
	assert_null(mo.text);
	assert_null(mo.query.buf);
	evhttp_clear_headers(&h);

	/* mo-recode: UTF-8, coding 0, no query at all. */
	headers(&h, "0", "text/plain; charset=\"UTF-8\"");
	assert_null(post(&h, NULL, "Zo\xC3\xAB", 4, &mo));
	assert_string_equal(mo.text, "Zo\xC3\xAB");
	assert_null(mo.id);
	assert_null(mo.key);
	hl_kannel_mo_clear(&mo);
	evhttp_clear_headers(&h);
}

static void
test_post_unreadable(void **state)
{
	struct evkeyvalq h;
	struct hl_kannel_mo mo;
	struct hl_inbound in;

	(void)state;
	/* Odd-length UTF-16: answered, as an unknown choice. */
	headers(&h, "2", "text/plain; charset=UTF-16BE");
	assert_null(post(&h, "", "\x00\x31\x00", 3, &mo));
	assert_true(mo.unreadable);
	assert_int_equal(mo.len, 0);
	assert_string_equal(mo.text, "");
	hl_kannel_inbound(&mo, &in);
	assert_int_equal(in.text.len, 0);
	hl_kannel_mo_clear(&mo);
	evhttp_clear_headers(&h);

	headers(&h, NULL, "text/plain; charset=X-KLINGON");
	assert_null(post(&h, "", "1", 1, &mo));
	assert_true(mo.unreadable);
	hl_kannel_mo_clear(&mo);
	evhttp_clear_headers(&h);
}

static void
test_post_refused(void **state)
{
	struct evkeyvalq h;
	struct hl_kannel_mo mo;

	(void)state;
	TAILQ_INIT(&h);
	evhttp_add_header(&h, "X-Kannel-To", "1234");
	assert_non_null(strstr(post(&h, NULL, "1", 1, &mo), "send-sender"));
	hl_kannel_mo_clear(&mo);
	evhttp_clear_headers(&h);

	headers(&h, "0", "text/plain");
	assert_non_null(post(&h, "id=%zz", "1", 1, &mo));
	assert_null(mo.text);
	hl_kannel_mo_clear(&mo);
	evhttp_clear_headers(&h);
}

static void
test_get(void **state)
{
	struct hl_kannel_mo mo;

	(void)state;
	assert_null(get("from=%2B31612345678&to=1234&"
	    "text=Zo%C3%AB+1&coding=0&charset=UTF-8&id=abc&key=k", &mo));
	assert_string_equal(mo.from, "+31612345678");
	assert_string_equal(mo.to, "1234");
	assert_string_equal(mo.text, "Zo\xC3\xAB 1");
	assert_string_equal(mo.id, "abc");
	assert_string_equal(mo.key, "k");
	hl_kannel_mo_clear(&mo);

	/* Without charset or coding the text is UTF-8; empty id is none. */
	assert_null(get("from=0612345678&text=2&id=", &mo));
	assert_string_equal(mo.text, "2");
	assert_null(mo.to);
	assert_null(mo.id);
	assert_null(mo.key);
	hl_kannel_mo_clear(&mo);

	/* 8-bit text, and a charset iconv does not know. */
	assert_null(get("from=1&text=Zo%EB&coding=1&"
	    "charset=8-BIT", &mo));
	assert_string_equal(mo.text, "Zo\xC3\xAB");
	hl_kannel_mo_clear(&mo);
	assert_null(get("from=1&text=1&charset=X-KLINGON",
	    &mo));
	assert_true(mo.unreadable);
	assert_string_equal(mo.text, "");
	hl_kannel_mo_clear(&mo);
}

/* Expects a get-url query to be refused with a reason containing why. */
static void
get_refused(const char *query, const char *why)
{
	struct hl_kannel_mo mo;
	const char *problem = get(query, &mo);

	assert_non_null(problem);
	assert_non_null(strstr(problem, why));
	hl_kannel_mo_clear(&mo);
}

static void
test_get_refused(void **state)
{
	(void)state;
	get_refused("to=1234&text=1", "from=%p");
	get_refused("from=&text=1", "from=%p");
	get_refused("from=%2B31612345678", "text=%b");
	get_refused(NULL, "from=%p");
	/* UCS-2 without mo-recode puts NUL bytes in the query. */
	get_refused("from=1&text=%001&coding=2&charset=UTF-16BE",
	    "mo-recode");
}

static void
test_needs_ucs2(void **state)
{
	(void)state;
	assert_true(hl_kannel_needs_ucs2("Zo\xC3\xAB", 4));	/* ë */
	assert_false(hl_kannel_needs_ucs2("Caf\xC3\xA9 \xE2\x82\xAC", 8));
	assert_false(hl_kannel_needs_ucs2("", 0));
	assert_false(hl_kannel_needs_ucs2("\xFF", 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf16be),
		cmocka_unit_test(test_utf16be_invalid),
		cmocka_unit_test(test_eight_bit),
		cmocka_unit_test(test_utf8_passes),
		cmocka_unit_test(test_unknown_charset),
		cmocka_unit_test(test_content_charset),
		cmocka_unit_test(test_post),
		cmocka_unit_test(test_post_unreadable),
		cmocka_unit_test(test_post_refused),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_get_refused),
		cmocka_unit_test(test_needs_ucs2),
	};

	return cmocka_run_group_tests_name("kannel", tests, NULL, NULL);
}
