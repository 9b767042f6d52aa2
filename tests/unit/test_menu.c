/*
 * test_menu.c - unit tests of the menu loader, its checks and findings
 * (daemon/menu.c, daemon/menu_check.c, daemon/diag.c).
 *
 * The fixtures live in tests/unit/menus/: valid.yaml uses every feature
 * once; each bad_*.yaml and warn_*.yaml holds exactly one defect, and its
 * test asserts the exact line and column of the finding.  The directory is
 * $HL_TEST_MENUS, else $srcdir/tests/unit/menus (automake sets srcdir),
 * else tests/unit/menus from the current directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/menu.h"

/* What the checks measure against: one SMS, 160 USSD characters. */
static const struct hl_menu_check_opts test_opts = {
	.sms = { .channel = HL_CHANNEL_SMS, .sms_segments = 1 },
	.ussd = { .channel = HL_CHANNEL_USSD, .ussd_chars = 160 },
	.region = "NL",
	.today = "2026-11-23",
};

/* One fixture with one finding expected at an exact place. */
struct test_case {
	const char		*file;
	enum hl_diag_severity	 severity;
	unsigned		 line;
	unsigned		 column;
	const char		*node;		/* NULL: no node */
	const char		*message;	/* exact message */
	size_t			 n;		/* findings in all */
};

/* Writes the path of a fixture into buf. */
static void
test_path(char *buf, size_t len, const char *name)
{
	const char	*dir = getenv("HL_TEST_MENUS");
	const char	*src = getenv("srcdir");

	if (dir != NULL)
		snprintf(buf, len, "%s/%s", dir, name);
	else if (src != NULL)
		snprintf(buf, len, "%s/tests/unit/menus/%s", src, name);
	else
		snprintf(buf, len, "tests/unit/menus/%s", name);
}

/* Loads a fixture by name. */
static struct hl_menu *
test_load(const char *name, const struct hl_menu_check_opts *opts,
    struct hl_diags *d)
{
	char	path[1024];

	test_path(path, sizeof(path), name);
	return hl_menu_load_file(path, opts, d);
}

/* Reads a fixture into memory; the caller frees. */
static char *
test_read(const char *name, size_t *len)
{
	char	 path[1024], *buf;
	FILE	*f;
	long	 n;

	test_path(path, sizeof(path), name);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) >= 0);
	rewind(f);
	assert_non_null(buf = malloc((size_t)n + 1));
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Prints every finding, to see what went wrong when a test fails. */
static void
test_dump(const struct hl_diags *d)
{
	char	line[1024];
	size_t	i;

	for (i = 0; i < d->n; i++) {
		hl_diag_format(&d->items[i], line, sizeof(line));
		print_message("  %s\n", line);
	}
}

/* Asserts that a finding is in the list, exactly. */
static void
test_expect(const struct hl_diags *d, const struct test_case *tc)
{
	const struct hl_diag	*g;
	size_t			 i, flen = strlen(tc->file);

	for (i = 0; i < d->n; i++) {
		g = &d->items[i];
		if (g->severity != tc->severity || g->line != tc->line ||
		    g->column != tc->column ||
		    strcmp(g->message, tc->message) != 0)
			continue;
		if ((tc->node == NULL) != (g->node == NULL) ||
		    (tc->node != NULL && strcmp(g->node, tc->node) != 0))
			continue;
		assert_true(strlen(g->file) >= flen);
		assert_string_equal(g->file + strlen(g->file) - flen,
		    tc->file);
		return;
	}
	test_dump(d);
	fail_msg("%s: no finding %u:%u: %s", tc->file, tc->line, tc->column,
	    tc->message);
}

/* A valid tree loads with no finding, and every field is as written. */
static void
test_valid(void **state)
{
	struct hl_diags			 d = { 0 };
	struct hl_menu			*m;
	const struct hl_menu_node	*home, *signals, *contacts, *vt, *c112;
	const struct hl_menu_node	*help, *gp;
	const struct hl_menu_global	*gl;

	(void)state;
	m = test_load("valid.yaml", &test_opts, &d);
	if (d.n != 0)
		test_dump(&d);
	assert_non_null(m);
	assert_int_equal(d.n, 0);
	assert_string_equal(m->helpline, "test-helpline");
	assert_string_equal(m->version, "2026-11-23.1");
	assert_int_equal(m->n_languages, 2);
	assert_string_equal(m->languages[0], "nl");
	assert_string_equal(m->languages[1], "en");
	assert_int_equal(hl_menu_lang_index(m, "en"), 1);
	assert_int_equal(hl_menu_lang_index(m, "de"), -1);
	assert_int_equal(m->n_nodes, 7);

	home = hl_menu_node_find(m, "home");
	signals = hl_menu_node_find(m, "signals");
	contacts = hl_menu_node_find(m, "contacts");
	vt = hl_menu_node_find(m, "contact_veilig_thuis");
	c112 = hl_menu_node_find(m, "contact_112");
	help = hl_menu_node_find(m, "help");
	gp = hl_menu_node_find(m, "role_gp");
	assert_non_null(home);
	assert_non_null(signals);
	assert_non_null(contacts);
	assert_non_null(vt);
	assert_non_null(c112);
	assert_non_null(help);
	assert_non_null(gp);
	assert_null(hl_menu_node_find(m, "nothing"));
	assert_ptr_equal(m->start, home);
	assert_ptr_equal(&m->nodes[0], home);
	assert_int_equal(home->mark.line, 20);
	assert_int_equal(home->mark.column, 3);

	/* Options, in file order. */
	assert_int_equal(home->n_options, 3);
	assert_string_equal(home->options[0].key, "1");
	assert_string_equal(hl_menu_text_get(&home->options[0].label, 1),
	    "Signs");
	assert_int_equal(home->options[0].action, HL_ACTION_GOTO);
	assert_ptr_equal(home->options[0].target, signals);
	assert_ptr_equal(home->options[1].target, contacts);
	assert_int_equal(home->options[2].action, HL_ACTION_LANGUAGE);
	assert_null(home->options[2].target);
	assert_int_equal(home->options[2].mark.line, 25);
	assert_int_equal(home->options[2].mark.column, 9);
	assert_string_equal(hl_menu_text_get(&signals->text, 0),
	    "Werk je lang voor weinig geld en houdt een ander je paspoort?");

	/* Parents: first linker in a breadth-first walk, option order. */
	assert_null(home->parent);
	assert_ptr_equal(signals->parent, home);
	assert_ptr_equal(contacts->parent, home);	/* not signals */
	assert_ptr_equal(vt->parent, contacts);
	assert_ptr_equal(c112->parent, contacts);
	assert_null(help->parent);	/* reached through the help global */
	assert_null(gp->parent);	/* reached through keywords */

	/* Contacts. */
	assert_null(home->contact);
	assert_non_null(vt->contact);
	assert_string_equal(vt->contact->name, "Veilig Thuis");
	assert_string_equal(vt->contact->phone, "0800-2000");
	assert_null(vt->contact->url);
	assert_string_equal(vt->contact->source, "https://veiligthuis.nl/");
	assert_string_equal(vt->contact->checked, "2026-11-01");
	assert_int_equal(vt->contact->mark.line, 40);	/* first key */
	assert_int_equal(vt->contact->mark.column, 7);
	assert_string_equal(vt->source, "brief 1");
	assert_string_equal(c112->contact->url, "https://www.112.nl/");
	assert_string_equal(c112->contact->checked, "2026-06-30");

	/* Keywords are stored lower-case. */
	assert_int_equal(m->n_keywords[0], 1);
	assert_string_equal(m->keywords[0][0].word, "huisarts");
	assert_ptr_equal(m->keywords[0][0].target, gp);
	assert_int_equal(m->n_keywords[1], 2);
	assert_string_equal(m->keywords[1][0].word, "doctor");
	assert_string_equal(m->keywords[1][1].word, "gp");
	assert_ptr_equal(m->keywords[1][1].target, gp);

	/* Globals. */
	gl = &m->globals[HL_GLOBAL_BACK];
	assert_int_equal(gl->n_keys, 1);
	assert_string_equal(gl->keys[0], "0");
	assert_int_equal(gl->n_words[0], 1);
	assert_string_equal(gl->words[0][0], "terug");
	assert_string_equal(gl->words[1][0], "back");
	assert_string_equal(hl_menu_text_get(&gl->label, 0), "Terug");
	assert_int_equal(gl->show, HL_SHOW_INNER);
	assert_int_equal(gl->mark.line, 12);
	assert_int_equal(gl->mark.column, 3);
	gl = &m->globals[HL_GLOBAL_HELP];
	assert_ptr_equal(gl->target, help);
	assert_int_equal(gl->show, HL_SHOW_START);
	assert_int_equal(m->globals[HL_GLOBAL_MORE].show, HL_SHOW_ALL);
	assert_string_equal(m->globals[HL_GLOBAL_MORE].keys[0], "99");
	gl = &m->globals[HL_GLOBAL_FORGET];
	assert_int_equal(gl->n_keys, 0);
	assert_int_equal(gl->show, HL_SHOW_NEVER);
	assert_int_equal(gl->n_words[1], 2);
	assert_string_equal(gl->words[1][0], "stop");
	assert_string_equal(gl->words[1][1], "delete");
	gl = &m->globals[HL_GLOBAL_LANGUAGE];
	assert_string_equal(gl->words[0][0], "nl");
	assert_string_equal(gl->words[1][0], "en");
	assert_null(gl->label.s[0]);

	/* Messages. */
	assert_string_equal(hl_menu_text_get(&m->messages.forgotten, 1),
	    "Your data has been deleted.");
	assert_string_equal(hl_menu_text_get(&m->messages.invalid, 0),
	    "Ongeldige keuze. Kies een nummer.");
	hl_menu_free(m);
	hl_diags_clear(&d);
}

/* A bad fixture is refused with its one error at the exact place. */
static void
test_bad(void **state)
{
	const struct test_case	*tc = *state;
	struct hl_diags		 d = { 0 };
	struct hl_menu		*m;

	m = test_load(tc->file, &test_opts, &d);
	assert_null(m);
	assert_true(d.n_errors >= 1);
	test_expect(&d, tc);
	if (d.n != tc->n)
		test_dump(&d);
	assert_int_equal(d.n, tc->n);
	hl_diags_clear(&d);
	assert_int_equal(d.n, 0);
	assert_null(d.items);
}

/* A fixture with a warning loads, and the warning is at the exact place. */
static void
test_warn(void **state)
{
	const struct test_case	*tc = *state;
	struct hl_diags		 d = { 0 };
	struct hl_menu		*m;

	m = test_load(tc->file, &test_opts, &d);
	if (m == NULL || d.n != tc->n)
		test_dump(&d);
	assert_non_null(m);
	assert_int_equal(d.n_errors, 0);
	test_expect(&d, tc);
	assert_int_equal(d.n, tc->n);
	hl_menu_free(m);
	hl_diags_clear(&d);
}

/* Without check options, screens, numbers and dates are not checked. */
static void
test_no_opts(void **state)
{
	const char		*files[] = { "warn_budget.yaml",
				    "warn_stale_contact.yaml",
				    "warn_undialable.yaml" };
	struct hl_diags		 d = { 0 };
	struct hl_menu		*m;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		m = test_load(files[i], NULL, &d);
		assert_non_null(m);
		assert_int_equal(d.n, 0);
		hl_menu_free(m);
	}
	/* The tree-only checks still run. */
	m = test_load("warn_unreachable.yaml", NULL, &d);
	assert_non_null(m);
	assert_int_equal(d.n, 1);
	hl_menu_free(m);
	hl_diags_clear(&d);
}

/* A larger SMS budget takes the same screen without a warning. */
static void
test_budget_segments(void **state)
{
	struct hl_menu_check_opts	 o = test_opts;
	struct hl_diags			 d = { 0 };
	struct hl_menu			*m;

	(void)state;
	o.sms.sms_segments = 2;
	o.ussd.ussd_chars = 182;
	m = test_load("warn_budget.yaml", &o, &d);
	if (d.n != 0)
		test_dump(&d);
	assert_non_null(m);
	assert_int_equal(d.n, 0);
	hl_menu_free(m);
	hl_diags_clear(&d);
}

/* A forget-me confirmation over a tight budget refuses the tree: it
 * cannot be split, since the session ends with it. */
static void
test_final_message_must_fit(void **state)
{
	struct hl_menu_check_opts	 o = test_opts;
	struct hl_diags			 d = { 0 };
	struct hl_menu			*m;
	bool				 named = false;

	(void)state;
	o.ussd.ussd_chars = 20;
	m = test_load("valid.yaml", &o, &d);
	assert_null(m);
	for (size_t i = 0; i < d.n; i++) {
		if (d.items[i].severity == HL_DIAG_ERROR &&
		    strstr(d.items[i].message, "messages.forgotten") != NULL &&
		    strstr(d.items[i].message, "ussd") != NULL)
			named = true;
	}
	assert_true(named);
	hl_diags_clear(&d);
}

/* A resume offer that does not fit one USSD screen refuses the tree. */
static void
test_resume_offer_must_fit(void **state)
{
	static const char yaml[] =
	    "helpline: t\nversion: \"1\"\nlanguages: [nl]\nstart: home\n"
	    "messages:\n  invalid: {nl: Ongeldig}\n  forgotten: {nl: Gewist}\n"
	    "  resume: {nl: \"Je vorige sessie werd onderbroken, en dat is "
	    "jammer.\"}\n  resume_continue: {nl: Verder}\n"
	    "  resume_restart: {nl: Menu}\n"
	    "globals:\n  back: {keys: [\"0\"]}\n  home: {keys: [\"00\"]}\n"
	    "  more: {keys: [\"99\"], label: {nl: Meer}}\n"
	    "  forget: {words: {nl: [WIS]}}\n"
	    "  language: {words: {nl: [NL]}}\n"
	    "nodes:\n  home:\n    text: {nl: Hallo}\n";
	struct hl_menu_check_opts o = test_opts;
	struct hl_diags d = { 0 };
	struct hl_menu *m;

	(void)state;
	m = hl_menu_load_buffer("r.yaml", yaml, sizeof yaml - 1, &o, &d);
	if (m == NULL)
		test_dump(&d);
	assert_non_null(m);
	assert_true(hl_menu_can_resume(m));
	hl_menu_free(m);
	hl_diags_clear(&d);
	o.ussd.ussd_chars = 40;
	m = hl_menu_load_buffer("r.yaml", yaml, sizeof yaml - 1, &o, &d);
	assert_null(m);
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.items[0].message, "messages.resume (nl) with its "
	    "two choices does not fit one ussd screen: shorten it");
	hl_diags_clear(&d);
}

/* Every prefix of a valid file loads or is refused; nothing crashes. */
static void
test_truncated(void **state)
{
	struct hl_diags	 d = { 0 };
	struct hl_menu	*m;
	size_t		 len, i, refused = 0;
	char		*buf, *cut;

	(void)state;
	buf = test_read("valid.yaml", &len);
	for (i = 0; i <= len; i++) {
		/* A copy of exactly i bytes, so ASan sees any overread. */
		assert_non_null(cut = malloc(i + 1));
		memcpy(cut, buf, i);
		m = hl_menu_load_buffer("cut.yaml", cut, i, &test_opts, &d);
		if (m == NULL) {
			assert_true(d.n_errors >= 1);
			refused++;
		} else
			assert_int_equal(d.n_errors, 0);
		hl_menu_free(m);
		hl_diags_clear(&d);
		free(cut);
	}
	/* Only cuts inside the last few lines can still make a tree. */
	assert_true(refused > len * 9 / 10);
	m = hl_menu_load_buffer("whole.yaml", buf, len, &test_opts, &d);
	assert_non_null(m);
	hl_menu_free(m);
	hl_diags_clear(&d);
	free(buf);
}

/* An empty file, or one of only comments, is one error at 1:1. */
static void
test_empty(void **state)
{
	static const struct test_case	tc = { "empty.yaml", HL_DIAG_ERROR,
	    1, 1, NULL, "empty file: expected a map with helpline, version, "
	    "languages, start, messages, globals and nodes", 1 };
	const char			*bufs[] = { "", "# no\n", "\n\n" };
	struct hl_diags			 d = { 0 };
	size_t				 i;

	(void)state;
	assert_null(test_load("empty.yaml", &test_opts, &d));
	test_expect(&d, &tc);
	assert_int_equal(d.n, 1);
	hl_diags_clear(&d);
	for (i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++) {
		assert_null(hl_menu_load_buffer("empty.yaml", bufs[i],
		    strlen(bufs[i]), &test_opts, &d));
		assert_int_equal(d.n_errors, 1);
		assert_string_equal(d.items[0].message, tc.message);
		hl_diags_clear(&d);
	}
}

/* Loads a buffer that must be refused; returns its first finding. */
static const struct hl_diag *
test_refuse(struct hl_diags *d, const char *yaml, size_t len)
{
	hl_diags_clear(d);
	assert_null(hl_menu_load_buffer("buf.yaml", yaml, len, &test_opts,
	    d));
	assert_true(d->n_errors >= 1);
	return &d->items[0];
}

/* Inputs refused before the document is built. */
static void
test_refused_early(void **state)
{
	struct hl_diags		 d = { 0 };
	const struct hl_diag	*g;
	char			*big, deep[64];

	(void)state;
	g = test_refuse(&d, "helpline: !!str t\n", 18);
	assert_string_equal(g->message, "tags are not allowed "
	    "(tag:yaml.org,2002:str)");
	assert_int_equal(g->line, 1);
	assert_int_equal(g->column, 11);

	g = test_refuse(&d, "a: 1\n---\nb: 2\n", 14);
	assert_string_equal(g->message, "expected one YAML document, found "
	    "another");
	assert_int_equal(g->line, 2);
	assert_int_equal(g->column, 1);

	memset(deep, '[', sizeof(deep));
	g = test_refuse(&d, deep, sizeof(deep));
	assert_string_equal(g->message, "nested deeper than 16 levels");
	assert_int_equal(g->column, 17);

	/* A NUL byte: a control character libyaml refuses by offset. */
	g = test_refuse(&d, "a: b\nc: \0\n", 10);
	assert_int_equal(g->line, 2);
	assert_int_equal(g->column, 4);

	assert_non_null(big = malloc(1024 * 1024 + 1));
	memset(big, ' ', 1024 * 1024 + 1);
	g = test_refuse(&d, big, 1024 * 1024 + 1);
	assert_string_equal(g->message, "file is 1048577 bytes, expected at "
	    "most 1048576");
	assert_int_equal(g->line, 0);
	free(big);

	/* Names in messages: control characters escaped, long ones cut
	 * before a character (here 20 two-byte characters). */
	g = test_refuse(&d, "\"a\\tb\": 1\n"
	    "\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab"
	    "\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab"
	    "\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab"
	    "\xc3\xab: 2\n", 56);
	assert_string_equal(g->message, "top level: unknown key 'a\\x09b' "
	    "(expected helpline, version, languages, start, messages, "
	    "globals, nodes, keywords)");
	assert_string_equal(d.items[1].message, "top level: unknown key "
	    "'\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab"
	    "\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab"
	    "\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab...' "
	    "(expected helpline, version, languages, start, messages, "
	    "globals, nodes, keywords)");
	assert_int_equal(d.items[1].line, 2);

	g = test_refuse(&d, "- a\n- b\n", 8);
	assert_string_equal(g->message, "top level: expected a map with "
	    "helpline, version, languages, start, messages, globals and "
	    "nodes, got a list");

	/* Two-byte characters count as one column, as libyaml counts. */
	g = test_refuse(&d, "\xc3\xab\xc3\xab: \xc3\n", 8);
	assert_string_equal(g->message, "invalid UTF-8 (byte 0xc3): the file "
	    "must be UTF-8");
	assert_int_equal(g->line, 1);
	assert_int_equal(g->column, 5);
	hl_diags_clear(&d);
}

/* Several errors in one file are all reported, then it is refused once. */
static void
test_many_errors(void **state)
{
	static const char	yaml[] =
	    "helpline: t\n"
	    "version: \"1\"\n"
	    "languages: [nl, EN]\n"
	    "start: home\n";
	static const char	yaml2[] =
	    "helpline: t\n"
	    "version: \"\"\n"
	    "languages: [nl]\n"
	    "start: nowhere\n"
	    "colour: red\n"
	    "messages: {invalid: {nl: x}, forgotten: {nl: y, de: z}}\n"
	    "globals:\n"
	    "  back: {keys: [\"0\", \"0\"], label: {nl: T}, show: sometimes}\n"
	    "  home: {keys: [\"00\"], goto: n}\n"
	    "  more: {keys: [\"99\"]}\n"
	    "  forget: {}\n"
	    "  language: {keys: [\"8\"], words: {nl: [NL]}}\n"
	    "  help: {keys: [\"9\"]}\n"
	    "nodes:\n"
	    "  n:\n"
	    "    text: {nl: x}\n"
	    "    options:\n"
	    "      - {key: \"12345\", label: {nl: a}, goto: n, action: x}\n"
	    "      - {label: {nl: b}}\n"
	    "      - {key: \"2\", label: {nl: c}, action: dance}\n"
	    "keywords: {nl: {\"  x\": n, y: [n]}, de: {z: n}}\n";
	/* A sample of the 19 errors, one per kind of check. */
	static const struct test_case	want[] = {
		{ "m.yaml", HL_DIAG_ERROR, 5, 1, NULL, "top level: unknown "
		    "key 'colour' (expected helpline, version, languages, "
		    "start, messages, globals, nodes, keywords)", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 18, 15, "n", "option 1: bad key "
		    "'12345' (expected 1 to 4 characters without spaces)", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 18, 9, "n", "option 1: expected "
		    "either goto or action, not both", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 19, 9, "n", "option 2: missing key "
		    "'key'", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 20, 44, "n", "option 3: unknown "
		    "action 'dance' (expected language)", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 6, 49, NULL, "messages: forgotten: "
		    "unknown language 'de' (expected one of nl)", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 8, 50, NULL, "globals: back: "
		    "unknown show 'sometimes' (expected all, start, inner or "
		    "never)", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 8, 3, NULL, "globals: back: key '0' "
		    "is listed twice", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 9, 30, NULL, "globals: home: "
		    "unexpected goto (only help has one)", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 13, 9, NULL, "globals: help: "
		    "missing key 'goto' (the help node)", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 10, 9, NULL, "globals: more: "
		    "expected keys and a label (a long screen's pages end with "
		    "them)", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 11, 11, NULL, "globals: forget: "
		    "expected keys or words (nothing would reach it)", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 12, 13, NULL, "globals: language: "
		    "expected words only (a word listed under a language "
		    "switches to it)", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 21, 30, NULL, "keywords: nl: "
		    "expected a string, got a list", 0 },
		{ "m.yaml", HL_DIAG_ERROR, 4, 8, NULL, "start: unknown node "
		    "'nowhere' (no such node)", 0 },
	};
	struct hl_diags		d = { 0 };
	char			line[512];
	size_t			i;

	(void)state;
	assert_null(hl_menu_load_buffer("m.yaml", yaml, sizeof(yaml) - 1,
	    &test_opts, &d));
	assert_int_equal(d.n_errors, 4);	/* code, messages, ... */
	assert_int_equal(hl_diag_format(&d.items[0], line, sizeof(line)), 0);
	assert_string_equal(line, "m.yaml:1:1: error: missing top-level key "
	    "'messages'");
	hl_diags_clear(&d);

	assert_null(hl_menu_load_buffer("m.yaml", yaml2, sizeof(yaml2) - 1,
	    &test_opts, &d));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		test_expect(&d, &want[i]);
	if (d.n != 19)
		test_dump(&d);
	assert_int_equal(d.n_errors, 19);
	assert_int_equal(d.n, 19);
	hl_diags_clear(&d);
}

/* A missing file is one error about the file, without line. */
static void
test_missing_file(void **state)
{
	struct hl_diags	d = { 0 };
	char		line[512];

	(void)state;
	assert_null(hl_menu_load_file("/nonexistent/menu.yaml", &test_opts,
	    &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.items[0].line, 0);
	assert_int_equal(hl_diag_format(&d.items[0], line, sizeof(line)), 0);
	assert_string_equal(line, "/nonexistent/menu.yaml: error: cannot "
	    "open: No such file or directory");
	hl_diags_clear(&d);
}

/* Findings format as file:line:column: severity: node X: message. */
static void
test_diag_format(void **state)
{
	struct hl_diags		d = { 0 };
	struct hl_menu_mark	mark = { 3, 7 };
	char			line[128], small[16];

	(void)state;
	hl_diags_add(&d, HL_DIAG_WARNING, "f.yaml", mark, "home",
	    "option %d: %s", 2, "odd");
	hl_diags_add(&d, HL_DIAG_ERROR, "f.yaml", mark, NULL, "plain");
	assert_int_equal(d.n, 2);
	assert_int_equal(d.n_errors, 1);
	assert_int_equal(hl_diag_format(&d.items[0], line, sizeof(line)), 0);
	assert_string_equal(line, "f.yaml:3:7: warning: node home: option 2: "
	    "odd");
	assert_int_equal(hl_diag_format(&d.items[1], line, sizeof(line)), 0);
	assert_string_equal(line, "f.yaml:3:7: error: plain");
	assert_int_equal(hl_diag_format(&d.items[1], small, sizeof(small)),
	    -1);
	assert_string_equal(small, "f.yaml:3:7: err");
	hl_diags_clear(&d);
	assert_int_equal(d.n_errors, 0);
}

/* Text falls back to the first language, then to "". */
static void
test_text_get(void **state)
{
	struct hl_menu_text	t = { { NULL } };
	char			nl[] = "hallo", en[] = "hello";

	(void)state;
	assert_string_equal(hl_menu_text_get(&t, 0), "");
	t.s[0] = nl;
	assert_string_equal(hl_menu_text_get(&t, 1), "hallo");
	assert_string_equal(hl_menu_text_get(&t, -1), "hallo");
	assert_string_equal(hl_menu_text_get(&t, HL_MENU_MAX_LANGS), "hallo");
	t.s[1] = en;
	assert_string_equal(hl_menu_text_get(&t, 1), "hello");
}

/* Back from under the help node leads to the help node. */
static void
test_parents_from_help(void **state)
{
	static const char	yaml[] =
	    "helpline: t\nversion: \"1\"\nlanguages: [en]\nstart: home\n"
	    "messages: {invalid: {en: x}, forgotten: {en: y}}\n"
	    "globals:\n"
	    "  back: {keys: [\"0\"]}\n"
	    "  home: {keys: [\"00\"]}\n"
	    "  help: {words: {en: [HELP, info]}, goto: help}\n"
	    "  more: {keys: [\"99\"], label: {en: More}}\n"
	    "  forget: {words: {en: [STOP]}, keys: [\"#\"]}\n"
	    "  language: {words: {en: [EN]}}\n"
	    "nodes:\n"
	    "  home: {text: {en: Hi}, options: [{key: \"1\", label: {en: A},"
	    " goto: a}]}\n"
	    "  a: {text: {en: A}, options: [{key: \"1\", label: {en: H},"
	    " goto: home}]}\n"
	    "  help: {text: {en: Help}, options: [{key: \"1\", label: "
	    "{en: More help}, goto: more_help}]}\n"
	    "  more_help: {text: {en: More help}}\n";
	struct hl_diags			 d = { 0 };
	struct hl_menu			*m;
	const struct hl_menu_node	*help;

	(void)state;
	m = hl_menu_load_buffer("h.yaml", yaml, sizeof(yaml) - 1, &test_opts,
	    &d);
	test_dump(&d);
	assert_non_null(m);
	/* HELP and INFO under help, STOP under forget: no warning. */
	assert_int_equal(d.n, 0);
	help = hl_menu_node_find(m, "help");
	assert_ptr_equal(hl_menu_node_find(m, "more_help")->parent, help);
	assert_null(help->parent);
	assert_null(hl_menu_node_find(m, "home")->parent);	/* start */
	assert_ptr_equal(hl_menu_node_find(m, "a")->parent, m->start);
	hl_menu_free(m);
	hl_diags_clear(&d);
}

#define FILE_CASE(f, s, l, c, nd, msg, n)				\
	{ f, s, l, c, nd, msg, n }

static const struct test_case bad_cases[] = {
	FILE_CASE("bad_syntax.yaml", HL_DIAG_ERROR, 4, 12, NULL,
	    "YAML syntax: mapping values are not allowed in this context", 1),
	FILE_CASE("bad_missing_top.yaml", HL_DIAG_ERROR, 1, 1, NULL,
	    "missing top-level key 'start'", 1),
	FILE_CASE("bad_unknown_key.yaml", HL_DIAG_ERROR, 21, 5, "one",
	    "node: unknown key 'colour' (expected text, options, contact, "
	    "source)", 1),
	/* The unknown goto also leaves node one unreachable: a warning. */
	FILE_CASE("bad_unknown_goto.yaml", HL_DIAG_ERROR, 18, 53, "home",
	    "option 1: unknown goto 'signal_labour' (no such node)", 2),
	FILE_CASE("bad_dup_option.yaml", HL_DIAG_ERROR, 19, 9, "home",
	    "option 2: duplicate key '1' (also option 1)", 1),
	FILE_CASE("bad_dup_node.yaml", HL_DIAG_ERROR, 21, 3, NULL,
	    "nodes: duplicate node id 'one' (first at line 19)", 1),
	FILE_CASE("bad_resume_partial.yaml", HL_DIAG_ERROR, 6, 3, NULL,
	    "messages: missing key 'resume_restart' (resume, "
	    "resume_continue and resume_restart go together)", 1),
	FILE_CASE("bad_missing_translation.yaml", HL_DIAG_ERROR, 20, 11,
	    "one", "text: missing translation 'en'", 1),
	FILE_CASE("bad_text_list.yaml", HL_DIAG_ERROR, 20, 11, "one",
	    "text: expected a map of language to text, got a list", 1),
	FILE_CASE("bad_global_clash.yaml", HL_DIAG_ERROR, 18, 9, "home",
	    "option 1: key '0' is also the key of global back", 1),
	FILE_CASE("bad_global_twice.yaml", HL_DIAG_ERROR, 10, 3, NULL,
	    "globals: home: key '0' is also a key of back", 1),
	FILE_CASE("bad_word_clash.yaml", HL_DIAG_ERROR, 22, 8, NULL,
	    "keywords: en: keyword 'delete' is also a word of global forget "
	    "(en)", 1),
	FILE_CASE("bad_node_id.yaml", HL_DIAG_ERROR, 19, 3, NULL,
	    "nodes: bad node id 'One-x' (expected 1 to 63 characters of a-z, "
	    "0-9 and _)", 1),
	FILE_CASE("bad_version.yaml", HL_DIAG_ERROR, 2, 10, NULL,
	    "version: bad version '1 2' (expected 1 to 63 characters of A-Z, "
	    "a-z, 0-9, '.', '-' and '_')", 1),
	FILE_CASE("bad_contact_source.yaml", HL_DIAG_ERROR, 21, 14, "one",
	    "contact: missing key 'source' (where the number was verified)",
	    1),
	FILE_CASE("bad_checked_date.yaml", HL_DIAG_ERROR, 21, 82, "one",
	    "contact: checked: expected a date YYYY-MM-DD, got '2026-02-30'",
	    1),
	FILE_CASE("bad_alias.yaml", HL_DIAG_ERROR, 20, 11, NULL,
	    "aliases are not allowed (write the text out)", 2),
	FILE_CASE("bad_alias.yaml", HL_DIAG_ERROR, 16, 11, NULL,
	    "anchors are not allowed (&t)", 2),
	FILE_CASE("bad_utf8.yaml", HL_DIAG_ERROR, 20, 21, NULL,
	    "invalid UTF-8 (byte 0xff): the file must be UTF-8", 1),
};

static const struct test_case warn_cases[] = {
	FILE_CASE("warn_unreachable.yaml", HL_DIAG_WARNING, 21, 3, "orphan",
	    "not reachable from start node 'home' (no option, keyword or help "
	    "leads here)", 1),
	FILE_CASE("warn_stale_contact.yaml", HL_DIAG_WARNING, 21, 14, "one",
	    "contact: checked 2025-01-01, 691 days before 2026-11-23 (more "
	    "than a year): verify it again", 1),
	FILE_CASE("warn_undialable.yaml", HL_DIAG_WARNING, 21, 14, "one",
	    "contact: phone is not a number libphonenumber accepts in region "
	    "NL (expected a valid or short number)", 1),
	/* nl: 82 characters of text, "\n0 Terug" is 8 more. */
	FILE_CASE("warn_budget.yaml", HL_DIAG_WARNING, 19, 3, "one",
	    "screen in nl is 90 of 70 UCS-2 units on sms (UCS-2 forced by "
	    "'\xc3\xab' U+00EB)", 3),
	/* en: 163 characters of text, "\n0 Back" is 7 more. */
	FILE_CASE("warn_budget.yaml", HL_DIAG_WARNING, 19, 3, "one",
	    "screen in en is 170 of 160 GSM-7 septets on sms", 3),
	FILE_CASE("warn_budget.yaml", HL_DIAG_WARNING, 19, 3, "one",
	    "screen in en is 170 of 160 characters on ussd", 3),
	FILE_CASE("warn_reserved.yaml", HL_DIAG_WARNING, 22, 8, NULL,
	    "keywords: en: keyword 'stop' is a word SMS gateways reserve "
	    "(Twilio opt-out: the gateway blocks further replies); callers' "
	    "messages with it may never reach the helpline", 1),
};

#define N_BAD	(sizeof(bad_cases) / sizeof(bad_cases[0]))
#define N_WARN	(sizeof(warn_cases) / sizeof(warn_cases[0]))
#define N_OTHER	13

int
main(void)
{
	/* One test per fixture case, named after its file.  cmocka's
	 * initial state is a void *: the cases stay read-only. */
	struct CMUnitTest	 tests[N_BAD + N_WARN + N_OTHER];
	size_t			 n = 0, i;

	for (i = 0; i < N_BAD; i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(
		    test_bad, (void *)(uintptr_t)&bad_cases[i]);
		tests[n++].name = bad_cases[i].file;
	}
	for (i = 0; i < N_WARN; i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(
		    test_warn, (void *)(uintptr_t)&warn_cases[i]);
		tests[n++].name = warn_cases[i].file;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_valid);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_no_opts);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_budget_segments);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_final_message_must_fit);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_resume_offer_must_fit);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_truncated);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_empty);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_refused_early);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_many_errors);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_missing_file);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_diag_format);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_text_get);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_parents_from_help);
	if (n != sizeof(tests) / sizeof(tests[0]))
		abort();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
