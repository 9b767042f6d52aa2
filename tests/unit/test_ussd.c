/*
 * test_ussd.c - the USSD profile: latest input from cumulative text, step
 * mode and new-session markers, caps, CON/END and JSON replies (booleans,
 * echo, constants), and the config mistakes a profile refuses.
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
#include <jansson.h>

#include "helpline/config.h"
#include "helpline/ussd_profile.h"

/* A request as name/value pairs (NULL-terminated), for the getter. */
struct fields {
	const char *kv[32];
};

/* Returns a field of a struct fields. */
static const char *
get(void *ctx, const char *name)
{
	const struct fields *f = ctx;

	for (size_t i = 0; f->kv[i] != NULL; i += 2) {
		if (strcmp(f->kv[i], name) == 0)
			return f->kv[i + 1];
	}
	return NULL;
}

/* Configs loaded by the tests: profiles borrow their strings, so they
 * live until the group's teardown, as the daemon's does. */
static struct hl_config *configs[128];
static size_t n_configs;

/* Frees every config the tests loaded. */
static int
free_configs(void **state)
{
	(void)state;
	while (n_configs > 0)
		hl_config_free(configs[--n_configs]);
	return 0;
}

/* Loads section [adapter.ussd] of an INI text into *p.  Returns what
 * hl_ussd_profile_load returned; err receives its message. */
static int
load(const char *ini, struct hl_ussd_profile *p, char *err, size_t errlen)
{
	char path[] = "/tmp/hl-ussd-XXXXXX";
	struct hl_config *cfg;
	FILE *f;
	int fd, rc;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "[adapter.ussd]\n%s", ini);
	fclose(f);
	cfg = hl_config_load(path, err, errlen);
	unlink(path);
	assert_non_null(cfg);
	assert_true(n_configs < sizeof configs / sizeof configs[0]);
	configs[n_configs++] = cfg;
	rc = hl_ussd_profile_load(p, cfg, "adapter.ussd", err, errlen);
	return rc;
}

/* Loads a profile that must be valid. */
static void
load_ok(const char *ini, struct hl_ussd_profile *p)
{
	char err[256] = "";

	if (load(ini, p, err, sizeof err) != 0)
		fail_msg("profile refused: %s", err);
}

/* Loads a profile that must be refused with a message containing want. */
static void
load_fails(const char *ini, const char *want)
{
	struct hl_ussd_profile p;
	char err[256] = "";

	assert_int_equal(load(ini, &p, err, sizeof err), -1);
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' does not say '%s'", err, want);
}

/* Reads a request that must be accepted. */
static void
read_ok(const struct hl_ussd_profile *p, struct fields *f,
    struct hl_ussd_request *r)
{
	const char *problem = NULL;
	int rc = hl_ussd_request_read(p, get, f, r, &problem);

	if (rc != 0)
		fail_msg("request refused (%d): %s", rc, problem);
}

/* Reads a request that must be refused with a status. */
static void
read_fails(const struct hl_ussd_profile *p, struct fields *f, int want)
{
	struct hl_ussd_request r;
	const char *problem = NULL;

	assert_int_equal(hl_ussd_request_read(p, get, f, &r, &problem), want);
	assert_non_null(problem);
}

/* Renders a reply and checks its body and content type. */
static void
render_is(const struct hl_ussd_profile *p, const char *text, bool end,
    const json_t *obj, struct fields *f, const char *want,
    const char *want_type)
{
	char *body = NULL;
	size_t len = 0;
	const char *type = NULL;

	assert_int_equal(hl_ussd_render(p, text, strlen(text), end, obj, get,
	    f, &body, &len, &type), 0);
	assert_string_equal(body, want);
	assert_int_equal(len, strlen(want));
	assert_string_equal(type, want_type);
	free(body);
}

static void
test_last_input(void **state)
{
	size_t off;

	(void)state;
	assert_int_equal(hl_ussd_last_input("", 0, '*', &off), 0);
	assert_int_equal(off, 0);
	assert_int_equal(hl_ussd_last_input("1", 1, '*', &off), 1);
	assert_int_equal(off, 0);
	assert_int_equal(hl_ussd_last_input("1*2*4", 5, '*', &off), 3);
	assert_string_equal("1*2*4" + off, "4");
	/* A trailing separator: the latest input was empty. */
	assert_int_equal(hl_ussd_last_input("1*2*", 4, '*', &off), 3);
	assert_string_equal("1*2*" + off, "");
	assert_int_equal(hl_ussd_last_input("*", 1, '*', &off), 2);
	assert_int_equal(off, 1);
	assert_int_equal(hl_ussd_last_input("EN*4*huisarts", 13, '*', &off),
	    3);
	assert_string_equal("EN*4*huisarts" + off, "huisarts");
	/* An input typed with a '*' in it reads as two inputs: only its last
	 * part is seen (documented; protocols.md calls it ambiguous). */
	assert_int_equal(hl_ussd_last_input("1*a*b", 5, '*', &off), 3);
	assert_string_equal("1*a*b" + off, "b");
	/* Another separator leaves '*' alone. */
	assert_int_equal(hl_ussd_last_input("1#2*3", 5, '#', &off), 2);
	assert_string_equal("1#2*3" + off, "2*3");
}

static void
test_defaults_are_africas_talking(void **state)
{
	struct hl_ussd_profile p;

	(void)state;
	load_ok("", &p);
	assert_string_equal(p.path, "/ussd");
	assert_int_equal(p.request, HL_USSD_REQ_FORM);
	assert_string_equal(p.field_session, "sessionId");
	assert_string_equal(p.field_sender, "phoneNumber");
	assert_string_equal(p.field_text, "text");
	assert_string_equal(p.field_service, "serviceCode");
	assert_null(p.field_sequence);
	assert_int_equal(p.input, HL_USSD_INPUT_CUMULATIVE);
	assert_int_equal(p.separator, '*');
	assert_null(p.field_new_session);
	assert_int_equal(p.max_text, 182);
	assert_int_equal(p.reply, HL_USSD_REPLY_TEXT);
	assert_string_equal(p.continue_prefix, "CON ");
	assert_string_equal(p.end_prefix, "END ");
	assert_null(p.secret);
	assert_int_equal(p.secret_in, HL_USSD_SECRET_HEADER);
	assert_string_equal(p.secret_header, "X-Helpline-Secret");
	assert_true(strlen(p.failure_text) > 0);
	hl_ussd_profile_clear(&p);
}

static void
test_cumulative_requests(void **state)
{
	struct hl_ussd_profile p;
	struct hl_ussd_request r;
	struct fields first = { { "sessionId", "ATUid_1", "serviceCode",
	    "*384*1#", "phoneNumber", "+254711000001", "networkCode",
	    "63902", "text", "", NULL } };
	struct fields deep = { { "sessionId", "ATUid_1", "serviceCode",
	    "*384*1#", "phoneNumber", "+254711000001", "text", "EN*4*1",
	    NULL } };
	struct fields empty_step = { { "sessionId", "s", "serviceCode", "x",
	    "phoneNumber", "+31612345678", "text", "1*2*", NULL } };

	(void)state;
	load_ok("", &p);
	read_ok(&p, &first, &r);
	assert_true(r.new_session);
	assert_int_equal(r.step, 0);
	assert_string_equal(r.text, "");
	assert_int_equal(r.text_len, 0);
	assert_string_equal(r.session_id, "ATUid_1");
	assert_string_equal(r.sender, "+254711000001");

	read_ok(&p, &deep, &r);
	assert_false(r.new_session);
	assert_int_equal(r.step, 3);
	assert_int_equal(r.text_len, 1);
	assert_memory_equal(r.text, "1", 1);

	read_ok(&p, &empty_step, &r);
	assert_false(r.new_session);
	assert_int_equal(r.step, 3);
	assert_int_equal(r.text_len, 0);
	hl_ussd_profile_clear(&p);
}

static void
test_missing_and_oversized(void **state)
{
	struct hl_ussd_profile p;
	struct hl_ussd_request r;
	char long_input[200], long_cumulative[400], accents[182 * 2 + 1];
	char long_id[HL_USSD_MAX_SESSION_ID + 2];
	struct fields f = { { "sessionId", "s", "serviceCode", "x",
	    "phoneNumber", "+31612345678", "text", NULL, NULL } };

	(void)state;
	load_ok("", &p);
	read_fails(&p, &(struct fields){ { "serviceCode", "x", "phoneNumber",
	    "+31612345678", "text", "", NULL } }, 400);
	read_fails(&p, &(struct fields){ { "sessionId", "", "serviceCode",
	    "x", "phoneNumber", "+31612345678", "text", "", NULL } }, 400);
	read_fails(&p, &(struct fields){ { "sessionId", "s", "serviceCode",
	    "x", "text", "", NULL } }, 400);
	read_fails(&p, &(struct fields){ { "sessionId", "s", "serviceCode",
	    "x", "phoneNumber", "+31612345678", NULL } }, 400);
	read_fails(&p, &(struct fields){ { "sessionId", "s", "phoneNumber",
	    "+31612345678", "text", "", NULL } }, 400);

	/* max_text counts the latest input, in characters. */
	memset(long_input, '1', 183);
	long_input[183] = '\0';
	f.kv[7] = long_input;
	read_fails(&p, &f, 413);
	long_input[182] = '\0';
	read_ok(&p, &f, &r);
	assert_int_equal(r.text_len, 182);
	/* 182 two-byte characters are 182 characters. */
	for (size_t i = 0; i < 182; i++)
		memcpy(accents + 2 * i, "\xc3\xa9", 2);
	accents[364] = '\0';
	f.kv[7] = accents;
	read_ok(&p, &f, &r);
	/* A long session is fine: only its latest input is capped. */
	for (size_t i = 0; i < 150; i++)
		memcpy(long_cumulative + 2 * i, "1*", 2);
	memcpy(long_cumulative + 300, "4", 2);
	f.kv[7] = long_cumulative;
	read_ok(&p, &f, &r);
	assert_int_equal(r.step, 151);
	assert_string_equal(r.text, "4");
	/* Invalid UTF-8 is passed on, counted in bytes. */
	f.kv[7] = "1*\xff\xfe";
	read_ok(&p, &f, &r);
	assert_int_equal(r.text_len, 2);
	memset(long_input, '\xff', 183);
	long_input[183] = '\0';
	f.kv[7] = long_input;
	read_fails(&p, &f, 413);

	memset(long_id, 'a', sizeof long_id - 1);
	long_id[sizeof long_id - 1] = '\0';
	f.kv[1] = long_id;
	f.kv[7] = "";
	read_fails(&p, &f, 413);
	hl_ussd_profile_clear(&p);

	/* field_service = none stops requiring it. */
	load_ok("field_service = none\nmax_text = 3\n", &p);
	read_ok(&p, &(struct fields){ { "sessionId", "s", "phoneNumber",
	    "+31612345678", "text", "1*abc", NULL } }, &r);
	read_fails(&p, &(struct fields){ { "sessionId", "s", "phoneNumber",
	    "+31612345678", "text", "1*abcd", NULL } }, 413);
	hl_ussd_profile_clear(&p);
}

static const char hubtel[] =
    "request = json\n"
    "field_session = SessionId\n"
    "field_sender = Mobile\n"
    "field_text = Message\n"
    "field_service = ServiceCode\n"
    "field_sequence = Sequence\n"
    "input = step\n"
    "field_new_session = Type\n"
    "new_session_value = initiation\n"
    "reply = json\n"
    "reply_text_field = Message\n"
    "reply_end_field = Type\n"
    "reply_continue_value = response\n"
    "reply_end_value = release\n"
    "reply_echo = SessionId\n"
    "reply_constant = Label = Helpline, DataType=input\n";

static void
test_step_mode_and_new_session(void **state)
{
	struct hl_ussd_profile p;
	struct hl_ussd_request r;

	(void)state;
	load_ok(hubtel, &p);
	/* The first request carries the dial string: not an input. */
	read_ok(&p, &(struct fields){ { "SessionId", "h1", "Mobile",
	    "233200000001", "ServiceCode", "*713#", "Type", "Initiation",
	    "Message", "*713#", "Sequence", "1", NULL } }, &r);
	assert_true(r.new_session);
	assert_string_equal(r.text, "");
	assert_int_equal(r.step, 1);
	/* Later requests hold the latest input only, '*' and all. */
	read_ok(&p, &(struct fields){ { "SessionId", "h1", "Mobile",
	    "233200000001", "ServiceCode", "*713#", "Type", "Response",
	    "Message", "1*2", "Sequence", "2", NULL } }, &r);
	assert_false(r.new_session);
	assert_string_equal(r.text, "1*2");
	assert_int_equal(r.step, 2);
	/* A new session may come without a text field at all. */
	read_ok(&p, &(struct fields){ { "SessionId", "h1", "Mobile",
	    "233200000001", "ServiceCode", "*713#", "Type", "initiation",
	    "Sequence", "1", NULL } }, &r);
	assert_true(r.new_session);
	read_fails(&p, &(struct fields){ { "SessionId", "h1", "Mobile",
	    "233200000001", "ServiceCode", "*713#", "Type", "Response",
	    "Sequence", "2", NULL } }, 400);
	read_fails(&p, &(struct fields){ { "SessionId", "h1", "Mobile",
	    "233200000001", "ServiceCode", "*713#", "Type", "Response",
	    "Message", "1", "Sequence", "two", NULL } }, 400);
	read_fails(&p, &(struct fields){ { "SessionId", "h1", "Mobile",
	    "233200000001", "ServiceCode", "*713#", "Type", "Response",
	    "Message", "1", NULL } }, 400);
	hl_ussd_profile_clear(&p);

	/* Arkesel-style: a boolean marker, no sequence: step unknown. */
	load_ok("request = json\nfield_session = sessionID\n"
	    "field_sender = msisdn\nfield_text = userData\n"
	    "field_service = none\n"
	    "input = step\nfield_new_session = newSession\n"
	    "new_session_value = true\n", &p);
	read_ok(&p, &(struct fields){ { "sessionID", "a1", "msisdn",
	    "233200000001", "userData", "*928#", "newSession", "true",
	    NULL } }, &r);
	assert_true(r.new_session);
	assert_int_equal(r.step, -1);
	read_ok(&p, &(struct fields){ { "sessionID", "a1", "msisdn",
	    "233200000001", "userData", "2", "newSession", "false",
	    NULL } }, &r);
	assert_false(r.new_session);
	assert_string_equal(r.text, "2");
	hl_ussd_profile_clear(&p);
}

static void
test_text_replies(void **state)
{
	struct hl_ussd_profile p;

	(void)state;
	load_ok("", &p);
	render_is(&p, "Kies:\n1 A\n2 B", false, NULL, NULL,
	    "CON Kies:\n1 A\n2 B", "text/plain; charset=utf-8");
	render_is(&p, "Veilig Thuis 0800-2000", true, NULL, NULL,
	    "END Veilig Thuis 0800-2000", "text/plain; charset=utf-8");
	render_is(&p, "", true, NULL, NULL, "END ",
	    "text/plain; charset=utf-8");
	hl_ussd_profile_clear(&p);

	/* A trailing space survives only in quotes (INI trims values). */
	load_ok("continue_prefix = \"C: \"\nend_prefix = E:\n", &p);
	render_is(&p, "x", false, NULL, NULL, "C: x",
	    "text/plain; charset=utf-8");
	render_is(&p, "x", true, NULL, NULL, "E:x",
	    "text/plain; charset=utf-8");
	hl_ussd_profile_clear(&p);
}

static void
test_json_replies(void **state)
{
	struct hl_ussd_profile p;
	struct fields form = { { "SessionId", "h1", "Mobile", "233200000001",
	    NULL } };
	json_t *obj;
	json_error_t jerr;

	(void)state;
	load_ok(hubtel, &p);
	render_is(&p, "Kies:\n1 \"A\"", false, NULL, &form,
	    "{\"SessionId\":\"h1\",\"Label\":\"Helpline\","
	    "\"DataType\":\"input\",\"Message\":\"Kies:\\n1 \\\"A\\\"\","
	    "\"Type\":\"response\"}", "application/json");
	render_is(&p, "Bye", true, NULL, &form,
	    "{\"SessionId\":\"h1\",\"Label\":\"Helpline\","
	    "\"DataType\":\"input\",\"Message\":\"Bye\","
	    "\"Type\":\"release\"}", "application/json");
	hl_ussd_profile_clear(&p);

	/* Nalo-style: booleans, and the request echoed with its types. */
	load_ok("request = json\nfield_session = SESSIONID\n"
	    "field_sender = MSISDN\nfield_text = USERDATA\n"
	    "field_service = none\n"
	    "input = step\nfield_new_session = MSGTYPE\n"
	    "new_session_value = true\nreply = json\nreply_text_field = MSG\n"
	    "reply_end_field = MSGTYPE\nreply_continue_value = true\n"
	    "reply_end_value = false\n"
	    "reply_echo = USERID, MSISDN, SESSIONID, NETWORK\n", &p);
	obj = json_loads("{\"USERID\":\"nalo1\",\"MSISDN\":233200000001,"
	    "\"USERDATA\":\"1\",\"MSGTYPE\":false,\"SESSIONID\":\"n1\"}", 0,
	    &jerr);
	assert_non_null(obj);
	render_is(&p, "Menu", false, obj, NULL,
	    "{\"USERID\":\"nalo1\",\"MSISDN\":233200000001,"
	    "\"SESSIONID\":\"n1\",\"MSG\":\"Menu\",\"MSGTYPE\":true}",
	    "application/json");
	render_is(&p, "Bye", true, obj, NULL,
	    "{\"USERID\":\"nalo1\",\"MSISDN\":233200000001,"
	    "\"SESSIONID\":\"n1\",\"MSG\":\"Bye\",\"MSGTYPE\":false}",
	    "application/json");
	json_decref(obj);
	hl_ussd_profile_clear(&p);

	/* A JSON reply to a form request echoes strings. */
	load_ok("reply = json\nreply_text_field = message\n"
	    "reply_end_field = continueSession\nreply_continue_value = true\n"
	    "reply_end_value = false\nreply_echo = sessionId\n", &p);
	render_is(&p, "Hi", false, NULL, &(struct fields){ { "sessionId",
	    "s9", NULL } }, "{\"sessionId\":\"s9\",\"message\":\"Hi\","
	    "\"continueSession\":true}", "application/json");
	hl_ussd_profile_clear(&p);
}

static void
test_profile_errors(void **state)
{
	(void)state;
	load_fails("request = xml\n", "request: must be one of form, json, "
	    "query");
	load_fails("input = sometimes\n", "input: must be one of");
	load_fails("reply = xml\n", "reply: must be one of text, json");
	load_fails("reply = json\n", "reply = json needs reply_text_field");
	load_fails("reply = json\nreply_text_field = m\nreply_end_field = e\n"
	    "reply_continue_value = 1\n", "reply = json needs");
	load_fails("reply = json\nreply_text_field = m\nreply_end_field = m\n"
	    "reply_continue_value = 1\nreply_end_value = 0\n", "must differ");
	load_fails("reply = json\nreply_text_field = m\nreply_end_field = e\n"
	    "reply_continue_value = 1\nreply_end_value = 1\n", "must differ");
	load_fails("reply = json\nreply_text_field = m\nreply_end_field = e\n"
	    "reply_continue_value = 1\nreply_end_value = 0\n"
	    "reply_echo = a, m\n", "already the text or end field");
	load_fails("reply = json\nreply_text_field = m\nreply_end_field = e\n"
	    "reply_continue_value = 1\nreply_end_value = 0\n"
	    "reply_echo = a,,b\n", "empty name");
	load_fails("reply = json\nreply_text_field = m\nreply_end_field = e\n"
	    "reply_continue_value = 1\nreply_end_value = 0\n"
	    "reply_constant = Label\n", "Name=value");
	load_fails("reply_text_field = Message\n", "reply_text_field: "
	    "applies to reply = json only");
	load_fails("reply_echo = a\n", "reply_echo: applies to reply = json");
	load_fails("reply = json\ncontinue_prefix = CON\n", "continue_prefix: "
	    "applies to reply = text only");
	load_fails("continue_prefix = \"\"\n", "continue_prefix: must be");
	load_fails("continue_prefix = \"X \"\nend_prefix = \"X \"\n",
	    "must differ");
	load_fails("input_separator = **\n", "one character");
	load_fails("input = step\ninput_separator = #\n", "input = cumulative "
	    "only");
	load_fails("field_sequence = Sequence\n", "input = step only");
	load_fails("field_new_session = Type\n", "go together");
	load_fails("new_session_value = x\n", "go together");
	load_fails("field_session = none\n", "must name a field");
	load_fails("path = ussd\n", "path: must start with '/'");
	load_fails("path = /ussd/\n", "path: must start with '/'");
	load_fails("path = /\n", "path: must start with '/'");
	load_fails("path = /ussd?x=1\n", "path: must start with '/'");
	load_fails("max_text = 0\n", "max_text");
	load_fails("secret_in = path\n", "secret_in: set secret too");
	load_fails("secret = abc\nsecret_in = cookie\n", "secret_in: must be "
	    "one of header, path");
	load_fails("secret = abc\nsecret_in = path\nsecret_header = X-S\n",
	    "secret_header: applies to secret_in = header only");
	load_fails("failure_text = " "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789x\n", "failure_text");
}

static void
test_path_secret_is_checked_not_shown(void **state)
{
	struct hl_ussd_profile p;
	char err[256] = "";

	(void)state;
	assert_int_equal(load("secret = top/secret%2F\nsecret_in = path\n",
	    &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "letters, digits"));
	assert_null(strstr(err, "top/secret"));
	load_ok("secret = Ab-0._~zzzzzzzzzzzzzz\nsecret_in = path\n", &p);
	assert_int_equal(p.secret_in, HL_USSD_SECRET_PATH);
	assert_string_equal(p.secret, "Ab-0._~zzzzzzzzzzzzzz");
	hl_ussd_profile_clear(&p);
	load_ok("secret = s3cret\nsecret_header = X-AT-Key\n", &p);
	assert_int_equal(p.secret_in, HL_USSD_SECRET_HEADER);
	assert_string_equal(p.secret_header, "X-AT-Key");
	hl_ussd_profile_clear(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_input),
		cmocka_unit_test(test_defaults_are_africas_talking),
		cmocka_unit_test(test_cumulative_requests),
		cmocka_unit_test(test_missing_and_oversized),
		cmocka_unit_test(test_step_mode_and_new_session),
		cmocka_unit_test(test_text_replies),
		cmocka_unit_test(test_json_replies),
		cmocka_unit_test(test_profile_errors),
		cmocka_unit_test(test_path_secret_is_checked_not_shown),
	};

	return cmocka_run_group_tests_name("ussd", tests, NULL,
	    free_configs);
}
