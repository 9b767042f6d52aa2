/*
 * test_menu.c - unit tests of the menu loader, its checks and findings
 * (daemon/menu.c, daemon/menu_check.c, daemon/diag.c, daemon/diag_nl.c).
 *
 * The fixtures live in tests/unit/menus/: valid.yaml uses every feature
 * once; each bad_*.yaml and warn_*.yaml holds exactly one defect (one kind
 * of finding), and its case asserts the exact message, line, column and
 * node.  Smaller defects are spliced into a base tree in memory (the
 * snippet cases).  Every input is also loaded with Dutch findings, to show
 * that no finding falls back to English.  The directory is
 * $HL_TEST_MENUS, else $srcdir/tests/unit/menus (automake sets srcdir),
 * else tests/unit/menus from the current directory.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpline/menu.h"

/* What the checks measure against: one SMS, 160 USSD characters. */
static const struct hl_menu_check_opts test_opts = {
	.sms = { .channel = HL_CHANNEL_SMS, .sms_segments = 1 },
	.ussd = { .channel = HL_CHANNEL_USSD, .ussd_chars = 160 },
	.region = "NL",
	.today = "2026-11-23",
};

/* USSD screens up to 182 characters: an SMS-only overflow. */
static const struct hl_menu_check_opts test_opts_ussd182 = {
	.sms = { .channel = HL_CHANNEL_SMS, .sms_segments = 1 },
	.ussd = { .channel = HL_CHANNEL_USSD, .ussd_chars = 182 },
	.region = "NL",
	.today = "2026-11-23",
};

/* Three SMS parts per screen: a USSD-only overflow. */
static const struct hl_menu_check_opts test_opts_sms3 = {
	.sms = { .channel = HL_CHANNEL_SMS, .sms_segments = 3 },
	.ussd = { .channel = HL_CHANNEL_USSD, .ussd_chars = 160 },
	.region = "NL",
	.today = "2026-11-23",
};

/* One input with one finding expected at an exact place. */
struct test_case {
	const char		*file;		/* fixture, or a name */
	enum hl_diag_severity	 severity;
	unsigned		 line;
	unsigned		 column;
	const char		*node;		/* NULL: no node */
	const char		*message;	/* exact message */
	size_t			 n;		/* findings in all */
	const struct hl_menu_check_opts	*opts;	/* NULL: test_opts */
	const char		*from;		/* snippets: replace this in */
	const char		*to;		/* the base tree by this (from
						 * NULL: append it) */
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
		hl_diag_format_in(&d->items[i], d->lang, line, sizeof(line));
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

/*
 * Loads one input twice, with English and with Dutch findings, and checks
 * that both name the same places and that no Dutch finding fell back to
 * English.  path: a file to load; else buf[0..len).
 */
static void
test_both_langs(const char *what, const char *path, const char *buf,
    size_t len, const struct hl_menu_check_opts *opts)
{
	struct hl_diags	 en = { .lang = "en" }, nl = { .lang = "nl" };
	struct hl_menu	*m;
	size_t		 i;

	for (i = 0; i < 2; i++) {
		struct hl_diags *d = i == 0 ? &en : &nl;

		m = path != NULL ? hl_menu_load_file(path, opts, d) :
		    hl_menu_load_buffer(what, buf, len, opts, d);
		hl_menu_free(m);
	}
	if (nl.n_untranslated != 0) {
		test_dump(&nl);
		fail_msg("%s: %zu Dutch findings fell back to English, such as "
		    "\"%s\"", what, nl.n_untranslated, nl.untranslated);
	}
	assert_true(en.n > 0);
	assert_int_equal(en.n, nl.n);
	assert_int_equal(en.n_errors, nl.n_errors);
	for (i = 0; i < en.n; i++) {
		const struct hl_diag *e = &en.items[i], *n = &nl.items[i];

		/* A place for every finding: line 0 only for a file that
		 * cannot be opened or read. */
		if (e->line == 0 && (path == NULL ||
		    strncmp(e->message, "cannot ", 7) != 0))
			fail_msg("%s: no line: %s", what, e->message);

		assert_int_equal(e->severity, n->severity);
		assert_int_equal(e->line, n->line);
		assert_int_equal(e->column, n->column);
		assert_true((e->node == NULL) == (n->node == NULL));
		if (strcmp(e->message, n->message) == 0)
			fail_msg("%s: the same in both: %s", what, e->message);
	}
	hl_diags_clear(&en);
	hl_diags_clear(&nl);
}

/*
 * The base tree the snippet cases change: the same 20 lines as the
 * fixtures, so positions read alike.
 */
static const char test_base[] =
    "helpline: t\n"
    "version: \"1\"\n"
    "languages: [nl, en]\n"
    "start: home\n"
    "messages:\n"
    "  invalid: {nl: Ongeldig, en: Invalid}\n"
    "  forgotten: {nl: Gewist, en: Deleted}\n"
    "globals:\n"
    "  back: {keys: [\"0\"], label: {nl: Terug, en: Back}, show: inner}\n"
    "  home: {keys: [\"00\"]}\n"
    "  more: {keys: [\"99\"], label: {nl: Meer, en: More}}\n"
    "  forget: {words: {nl: [WIS], en: [DELETE]}}\n"
    "  language: {words: {nl: [NL], en: [EN]}}\n"
    "nodes:\n"
    "  home:\n"
    "    text: {nl: Hallo, en: Hello}\n"
    "    options:\n"
    "      - {key: \"1\", label: {nl: Een, en: One}, goto: one}\n"
    "  one:\n"
    "    text: {nl: Een, en: One}\n";

/* Builds a snippet case's tree (malloc'd; *len without the NUL). */
static char *
test_snippet(const struct test_case *tc, size_t *len)
{
	const char	*at;
	size_t		 pre, cut, tl = strlen(tc->to);
	char		*buf;

	if (tc->from == NULL) {
		pre = sizeof(test_base) - 1;
		cut = 0;
	} else {
		assert_non_null(at = strstr(test_base, tc->from));
		pre = (size_t)(at - test_base);
		cut = strlen(tc->from);
	}
	*len = sizeof(test_base) - 1 - cut + tl;
	assert_non_null(buf = malloc(*len + 1));
	memcpy(buf, test_base, pre);
	memcpy(buf + pre, tc->to, tl);
	memcpy(buf + pre + tl, test_base + pre + cut,
	    sizeof(test_base) - 1 - pre - cut);
	buf[*len] = '\0';
	return buf;
}

/* Loads a case's input: its fixture, or its snippet tree. */
static struct hl_menu *
test_case_load(const struct test_case *tc, struct hl_diags *d)
{
	const struct hl_menu_check_opts	*o = tc->opts != NULL ? tc->opts :
					    &test_opts;
	struct hl_menu			*m;
	size_t				 len;
	char				*buf;

	if (tc->to == NULL)
		return test_load(tc->file, o, d);
	buf = test_snippet(tc, &len);
	m = hl_menu_load_buffer(tc->file, buf, len, o, d);
	free(buf);
	return m;
}

/* A bad input is refused with its error at the exact place. */
static void
test_bad(void **state)
{
	const struct test_case	*tc = *state;
	struct hl_diags		 d = { 0 };
	struct hl_menu		*m;

	m = test_case_load(tc, &d);
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

/* An input with a warning loads, and the warning is at the exact place. */
static void
test_warn(void **state)
{
	const struct test_case	*tc = *state;
	struct hl_diags		 d = { 0 };
	struct hl_menu		*m;

	m = test_case_load(tc, &d);
	if (m == NULL || d.n != tc->n)
		test_dump(&d);
	assert_non_null(m);
	assert_int_equal(d.n_errors, 0);
	test_expect(&d, tc);
	assert_int_equal(d.n, tc->n);
	hl_menu_free(m);
	hl_diags_clear(&d);
}

#define FILE_CASE(f, s, l, c, nd, msg, n)				\
	{ f, s, l, c, nd, msg, n, NULL, NULL, NULL }
#define OPTS_CASE(f, o, s, l, c, nd, msg, n)				\
	{ f, s, l, c, nd, msg, n, o, NULL, NULL }
#define SNIPPET(name, from, to, s, l, c, nd, msg, n)			\
	{ name, s, l, c, nd, msg, n, NULL, from, to }

/* One fixture per kind of error. */
static const struct test_case bad_cases[] = {
	/* The file. */
	FILE_CASE("bad_syntax.yaml", HL_DIAG_ERROR, 4, 12, NULL,
	    "the file's layout is broken here (YAML: mapping values are not "
	    "allowed in this context): check indentation, colons and quotes",
	    1),
	FILE_CASE("bad_utf8.yaml", HL_DIAG_ERROR, 20, 21, NULL,
	    "byte 0xff is not UTF-8: save the file as UTF-8", 1),
	FILE_CASE("bad_alias.yaml", HL_DIAG_ERROR, 20, 11, NULL,
	    "aliases (*name) are not allowed: write the text out in full", 2),
	FILE_CASE("bad_alias.yaml", HL_DIAG_ERROR, 16, 11, NULL,
	    "anchors (&t) are not allowed: write the text out in full", 2),
	/* Shape. */
	FILE_CASE("bad_missing_top.yaml", HL_DIAG_ERROR, 1, 1, NULL,
	    "'start' is missing at the top level of the file: add it", 1),
	FILE_CASE("bad_unknown_key.yaml", HL_DIAG_ERROR, 21, 5, "one",
	    "'colour' is not a name used here: check its spelling (allowed: "
	    "text, options, contact, source)", 1),
	FILE_CASE("bad_text_list.yaml", HL_DIAG_ERROR, 20, 11, "one",
	    "text: this should be a text per language, such as {nl: ..., en: "
	    "...}, but it is a list", 1),
	FILE_CASE("bad_resume_partial.yaml", HL_DIAG_ERROR, 6, 3, NULL,
	    "messages: 'resume_restart' is missing (resume, resume_continue "
	    "and resume_restart go together): add it", 1),
	FILE_CASE("bad_contact_source.yaml", HL_DIAG_ERROR, 21, 14, "one",
	    "contact: 'source' is missing (the web page where the number was "
	    "verified): add it", 1),
	FILE_CASE("bad_contact_no_number.yaml", HL_DIAG_ERROR, 21, 14, "one",
	    "contact: give a phone number, a web address (url), or both", 1),
	/* Unknown goto, and the other names of nodes. */
	/* The unknown goto also leaves node one unreachable: a warning. */
	FILE_CASE("bad_unknown_goto.yaml", HL_DIAG_ERROR, 18, 53, "home",
	    "option 1: goto: there is no node 'signal_labour': check the "
	    "spelling, or add that node", 2),
	FILE_CASE("bad_unknown_start.yaml", HL_DIAG_ERROR, 4, 8, NULL,
	    "start: there is no node 'hom': check the spelling, or add that "
	    "node", 1),
	FILE_CASE("bad_unknown_help.yaml", HL_DIAG_ERROR, 11, 71, NULL,
	    "globals: help: goto: there is no node 'hulp': check the "
	    "spelling, or add that node", 1),
	FILE_CASE("bad_unknown_keyword_node.yaml", HL_DIAG_ERROR, 22, 18, NULL,
	    "keywords: nl: huisarts: there is no node 'role_gp': check the "
	    "spelling, or add that node", 1),
	/* Duplicate keys: options, node ids, YAML keys, languages,
	 * keywords. */
	FILE_CASE("bad_dup_option.yaml", HL_DIAG_ERROR, 19, 15, "home",
	    "option 2: key '1' is used twice in this node (also by option 1): "
	    "give each option its own key", 1),
	FILE_CASE("bad_dup_node.yaml", HL_DIAG_ERROR, 21, 3, NULL,
	    "nodes: node id 'one' is written twice (first on line 19), and "
	    "only the first counts: remove or rename one", 1),
	FILE_CASE("bad_dup_yaml_key.yaml", HL_DIAG_ERROR, 21, 5, "one",
	    "name 'text' is written twice (first on line 20), and only the "
	    "first counts: remove or rename one", 1),
	FILE_CASE("bad_dup_language.yaml", HL_DIAG_ERROR, 20, 30, "one",
	    "text: language 'nl' is written twice (first on line 20), and "
	    "only the first counts: remove or rename one", 1),
	FILE_CASE("bad_dup_language_code.yaml", HL_DIAG_ERROR, 3, 21, NULL,
	    "languages: 'nl' is listed twice: remove one", 1),
	FILE_CASE("bad_dup_keyword.yaml", HL_DIAG_ERROR, 22, 23, NULL,
	    "keywords: nl: keyword 'huisarts' is listed twice (capitals do "
	    "not count): remove one", 1),
	/* Missing translations. */
	FILE_CASE("bad_missing_translation.yaml", HL_DIAG_ERROR, 20, 11,
	    "one", "text: the en translation is missing: add it", 1),
	FILE_CASE("bad_missing_message_translation.yaml", HL_DIAG_ERROR, 7,
	    14, NULL, "messages: forgotten: the en translation is missing: "
	    "add it", 1),
	/* Clashes with global keys and words. */
	FILE_CASE("bad_global_clash.yaml", HL_DIAG_ERROR, 18, 15, "home",
	    "option 1: key '0' is also the key of back in globals, which "
	    "works on every screen: choose another key", 1),
	FILE_CASE("bad_global_twice.yaml", HL_DIAG_ERROR, 10, 3, NULL,
	    "globals: home: key '0' is also the key of back: a key can do "
	    "only one thing, so choose another", 1),
	FILE_CASE("bad_global_key_twice.yaml", HL_DIAG_ERROR, 10, 3, NULL,
	    "globals: home: key '00' is listed twice: remove one", 1),
	FILE_CASE("bad_global_word_clash.yaml", HL_DIAG_ERROR, 10, 3, NULL,
	    "globals: home: word 'terug' (nl) is also a word of back (nl): a "
	    "word can do only one thing, so remove one", 1),
	FILE_CASE("bad_word_clash.yaml", HL_DIAG_ERROR, 22, 8, NULL,
	    "keywords: en: keyword 'delete' is also a word of forget (en) in "
	    "globals, which works on every screen: choose another keyword",
	    1),
	/* Forms. */
	FILE_CASE("bad_node_id.yaml", HL_DIAG_ERROR, 19, 3, NULL,
	    "nodes: 'One-x' cannot be a node id: use 1 to 63 small letters "
	    "a-z, digits and _", 1),
	FILE_CASE("bad_version.yaml", HL_DIAG_ERROR, 2, 10, NULL,
	    "version: '1 2' cannot be a version: use 1 to 63 letters A-Z, "
	    "a-z, digits, '.', '-' and '_', such as 2026-11-23.1", 1),
	FILE_CASE("bad_checked_date.yaml", HL_DIAG_ERROR, 21, 82, "one",
	    "contact: checked: '2026-02-30' is not a date: write it as "
	    "YYYY-MM-DD, such as 2026-11-23", 1),
	/* Texts that must fit one screen. */
	FILE_CASE("bad_forgotten_long.yaml", HL_DIAG_ERROR, 9, 9, NULL,
	    "messages: forgotten (en) does not fit one sms screen, and it "
	    "cannot be split into pages because the session ends with it: "
	    "shorten it", 1),
	FILE_CASE("bad_resume_long.yaml", HL_DIAG_ERROR, 8, 16, NULL,
	    "messages: resume (nl): with its two choices the offer is 190 "
	    "characters, over the 160 of one ussd screen: shorten it", 1),
};

/* One fixture per kind of warning. */
static const struct test_case warn_cases[] = {
	FILE_CASE("warn_unreachable.yaml", HL_DIAG_WARNING, 21, 3, "orphan",
	    "no caller can reach this node: no option, keyword or help leads "
	    "here from the start node 'home'; link it from a node or remove "
	    "it", 1),
	/* Contacts: a bogus short number (112 passes, see valid.yaml), a
	 * check over a year old, a check in the future. */
	FILE_CASE("warn_undialable.yaml", HL_DIAG_WARNING, 21, 35, "one",
	    "contact: phone: this is not a number that can be called in NL "
	    "(libphonenumber knows no such number or short number): check it "
	    "against the source", 1),
	FILE_CASE("warn_stale_contact.yaml", HL_DIAG_WARNING, 21, 82, "one",
	    "contact: checked 2025-01-01 is 691 days before 2026-11-23, more "
	    "than a year: check the number again and update the date", 1),
	FILE_CASE("warn_future_contact.yaml", HL_DIAG_WARNING, 21, 82, "one",
	    "contact: checked 2027-01-05 is after today (2026-11-23): write "
	    "the date the number was last checked", 1),
	/* Screens: each channel's budget, and the character that forced
	 * UCS-2 where it did.  GSM-7: 66 characters of text with ten
	 * extension-table braces pairs ... counted in septets. */
	OPTS_CASE("warn_sms_gsm7.yaml", &test_opts_ussd182, HL_DIAG_WARNING,
	    21, 11, "one", "on sms the nl screen is 185 characters, over the "
	    "160 it may use: it will be sent in pages; shorten it to keep it "
	    "whole", 1),
	/* The i-trema is in option 2's label: the finding points there. */
	FILE_CASE("warn_sms_ucs2.yaml", HL_DIAG_WARNING, 19, 32, "home",
	    "on sms the nl screen is 88 characters, over the 70 it may use: "
	    "'\xc3\xaf' (U+00EF) in the label of option 2 is not in the SMS "
	    "alphabet (GSM-7), so the whole SMS goes as UCS-2, which holds "
	    "fewer characters: replace that character or shorten the screen",
	    1),
	OPTS_CASE("warn_ussd_chars.yaml", &test_opts_sms3, HL_DIAG_WARNING,
	    21, 11, "one", "on ussd the nl screen is 177 characters, over the "
	    "160 it may use: it will be sent in pages; shorten it to keep it "
	    "whole", 1),
	OPTS_CASE("warn_ussd_ucs2.yaml", &test_opts_sms3, HL_DIAG_WARNING,
	    21, 11, "one", "on ussd the nl screen is 147 characters, and "
	    "'\xc3\xab' (U+00EB) in the text is not in GSM-7, so an SMPP "
	    "gateway sends it as UCS-2, which holds 127: the rest is cut off; "
	    "replace that character or shorten the screen", 1),
	/* nl: 82 characters of text, "\n0 Terug" is 8 more. */
	FILE_CASE("warn_budget.yaml", HL_DIAG_WARNING, 21, 11, "one",
	    "on sms the nl screen is 90 characters, over the 70 it may use: "
	    "'\xc3\xab' (U+00EB) in the text is not in the SMS alphabet "
	    "(GSM-7), so the whole SMS goes as UCS-2, which holds fewer "
	    "characters: replace that character or shorten the screen", 3),
	/* en: 163 characters of text, "\n0 Back" is 7 more. */
	FILE_CASE("warn_budget.yaml", HL_DIAG_WARNING, 22, 11, "one",
	    "on sms the en screen is 170 characters, over the 160 it may use: "
	    "it will be sent in pages; shorten it to keep it whole", 3),
	FILE_CASE("warn_budget.yaml", HL_DIAG_WARNING, 22, 11, "one",
	    "on ussd the en screen is 170 characters, over the 160 it may "
	    "use: it will be sent in pages; shorten it to keep it whole", 3),
	/* Words and keys SMS gateways reserve. */
	FILE_CASE("warn_reserved.yaml", HL_DIAG_WARNING, 22, 8, NULL,
	    "keywords: en: keyword 'stop' is a word SMS gateways such as "
	    "Twilio act on themselves (opt-out: the gateway stops all replies "
	    "to that phone): a caller who sends it may never reach the "
	    "helpline; choose another", 1),
	FILE_CASE("warn_reserved_option.yaml", HL_DIAG_WARNING, 19, 15, "home",
	    "option 2: key 'STOP' is a word SMS gateways such as Twilio act "
	    "on themselves (opt-out: the gateway stops all replies to that "
	    "phone): a caller who sends it may never reach the helpline; "
	    "choose another", 1),
	FILE_CASE("warn_reserved_global.yaml", HL_DIAG_WARNING, 9, 3, NULL,
	    "globals: back (en): word 'quit' is a word SMS gateways such as "
	    "Twilio act on themselves (opt-out: the gateway stops all replies "
	    "to that phone): a caller who sends it may never reach the "
	    "helpline; choose another", 1),
};

/* Smaller defects, spliced into test_base. */
static const struct test_case snippet_cases[] = {
	SNIPPET("s_helpline.yaml", "helpline: t", "helpline: \"t t\"",
	    HL_DIAG_ERROR, 1, 11, NULL, "helpline: 't t' cannot be a name: "
	    "use 1 to 63 letters A-Z, a-z, digits, '.', '-' and '_'", 1),
	SNIPPET("s_languages.yaml", "languages: [nl, en]", "languages: []",
	    HL_DIAG_ERROR, 3, 12, NULL, "languages: list 1 to 8 language "
	    "codes (there are 0)", 1),
	/* A YAML escape makes a NUL; the text is then missing too. */
	SNIPPET("s_nul.yaml", "text: {nl: Hallo, en: Hello}",
	    "text: {nl: \"a\\0b\", en: Hello}", HL_DIAG_ERROR, 16, 16, "home",
	    "text: the text holds a NUL character (\\0), which a phone cannot "
	    "show: remove it", 2),
	SNIPPET("s_key_list.yaml", NULL, "? [x]\n: y\n", HL_DIAG_ERROR, 21, 3,
	    NULL, "the name before ':' should be a text, but it is a list", 1),
	SNIPPET("s_no_nodes.yaml", "nodes:\n  home:\n    text: {nl: Hallo, en: "
	    "Hello}\n    options:\n      - {key: \"1\", label: {nl: Een, en: "
	    "One}, goto: one}\n  one:\n    text: {nl: Een, en: One}\n",
	    "nodes: {}\n", HL_DIAG_ERROR, 14, 8, NULL, "nodes: there are 0 "
	    "nodes, a menu has 1 to 4096", 1),
	SNIPPET("s_word.yaml", "forget: {words: {nl: [WIS]",
	    "forget: {words: {nl: [\" WIS\"]", HL_DIAG_ERROR, 12, 25, NULL,
	    "globals: forget: words: ' WIS' cannot be a word: use 1 to 40 "
	    "bytes (letters), no tabs or line breaks, no space at either end",
	    1),
	SNIPPET("s_show.yaml", "home: {keys: [\"00\"]}",
	    "home: {keys: [\"00\"], show: all}", HL_DIAG_ERROR, 10, 30, NULL,
	    "globals: home: show does nothing without a label: add a label or "
	    "remove show", 1),
	SNIPPET("s_label.yaml", "home: {keys: [\"00\"]}", "home: {words: {nl: "
	    "[MENU]}, label: {nl: Menu, en: Menu}}", HL_DIAG_ERROR, 10, 38,
	    NULL, "globals: home: a label is shown next to a key, and there "
	    "are no keys: add keys or remove the label", 1),
	SNIPPET("s_flow.yaml", "text: {nl: Hallo, en: Hello}",
	    "text: {nl: Hallo, en: Hello", HL_DIAG_ERROR, 17, 12, NULL,
	    "the file's layout is broken here (YAML: did not find expected "
	    "',' or '}', while parsing a flow mapping on line 16): check "
	    "indentation, colons and quotes", 1),
	SNIPPET("s_opt_in.yaml", NULL, "keywords:\n  en: {yes: one}\n",
	    HL_DIAG_WARNING, 22, 8, NULL, "keywords: en: keyword 'yes' is a "
	    "word SMS gateways such as Twilio act on themselves (opt-in: the "
	    "gateway may answer it itself): a caller who sends it may never "
	    "reach the helpline; choose another", 1),
	SNIPPET("s_help_word.yaml", NULL, "keywords:\n  en: {info: one}\n",
	    HL_DIAG_WARNING, 22, 8, NULL, "keywords: en: keyword 'info' is a "
	    "word SMS gateways such as Twilio act on themselves (help: the "
	    "gateway may answer it itself): a caller who sends it may never "
	    "reach the helpline; choose another", 1),
	/* A message missing a translation is measured only where it is
	 * there, so each finding names a line. */
	SNIPPET("s_forgotten_half.yaml", "forgotten: {nl: Gewist, en: "
	    "Deleted}", "forgotten: {nl: \"Je gegevens zijn gewist, alle "
	    "gegevens, je sessie, je keuzes en je taal: alles is weg. Je "
	    "gegevens zijn gewist, alle gegevens, je sessie, je keuzes en je "
	    "taal: alles is weg.\"}", HL_DIAG_ERROR, 7, 19, NULL, "messages: "
	    "forgotten (nl) does not fit one sms screen, and it cannot be "
	    "split into pages because the session ends with it: shorten it",
	    3),
	/* Values of the wrong kind, one per place that expects a kind. */
	SNIPPET("s_start_map.yaml", "start: home", "start: {a: b}",
	    HL_DIAG_ERROR, 4, 8, NULL, "start: this should be a text, but it "
	    "is a block of 'name: value' lines", 1),
	SNIPPET("s_version_empty.yaml", "version: \"1\"", "version:",
	    HL_DIAG_ERROR, 2, 9, NULL, "version: this should be a text, but "
	    "it is empty", 1),
	SNIPPET("s_globals_list.yaml", "globals:\n  back: {keys: [\"0\"], "
	    "label: {nl: Terug, en: Back}, show: inner}\n  home: {keys: "
	    "[\"00\"]}\n  more: {keys: [\"99\"], label: {nl: Meer, en: "
	    "More}}\n  forget: {words: {nl: [WIS], en: [DELETE]}}\n  "
	    "language: {words: {nl: [NL], en: [EN]}}\n", "globals: [a]\n",
	    HL_DIAG_ERROR, 8, 10, NULL, "globals: this should be a block "
	    "with back, home, help, more, forget and language, but it is a "
	    "list", 1),
	SNIPPET("s_messages_list.yaml", "messages:\n  invalid: {nl: "
	    "Ongeldig, en: Invalid}\n  forgotten: {nl: Gewist, en: Deleted}\n",
	    "messages: [a]\n", HL_DIAG_ERROR, 5, 11, NULL, "messages: this "
	    "should be a block with invalid, forgotten and optionally "
	    "resume, resume_continue, resume_restart, but it is a list", 1),
	SNIPPET("s_global_list.yaml", "home: {keys: [\"00\"]}", "home: [a]",
	    HL_DIAG_ERROR, 10, 9, NULL, "globals: home: this should be a "
	    "block with keys, words, label and show, but it is a list", 1),
	SNIPPET("s_contact_list.yaml", NULL, "    contact: [a]\n",
	    HL_DIAG_ERROR, 21, 14, "one", "contact: this should be a contact "
	    "with name, phone or url, source and checked, but it is a list",
	    1),
	SNIPPET("s_keys_text.yaml", "home: {keys: [\"00\"]}", "home: {keys: "
	    "\"00\"}", HL_DIAG_ERROR, 10, 16, NULL, "globals: home: keys: "
	    "this should be a list of keys, but it is a text", 1),
	SNIPPET("s_languages_text.yaml", "languages: [nl, en]", "languages: "
	    "nl", HL_DIAG_ERROR, 3, 12, NULL, "languages: this should be a "
	    "list of language codes, such as [nl, en], but it is a text", 1),
	SNIPPET("s_options_map.yaml", "    options:\n      - {key: \"1\", "
	    "label: {nl: Een, en: One}, goto: one}\n", "    options: {a: b}\n",
	    HL_DIAG_ERROR, 17, 14, "home", "options: this should be a list "
	    "of options, but it is a block of 'name: value' lines", 2),
	SNIPPET("s_words_text.yaml", "forget: {words: {nl: [WIS]",
	    "forget: {words: {nl: WIS", HL_DIAG_ERROR, 12, 24, NULL,
	    "globals: forget: words: this should be a list of words, but it "
	    "is a text", 1),
	SNIPPET("s_words_list.yaml", "forget: {words: {nl: [WIS], en: "
	    "[DELETE]}}", "forget: {words: [WIS]}", HL_DIAG_ERROR, 12, 19,
	    NULL, "globals: forget: words: this should be a list of words "
	    "per language, such as {nl: [TERUG], en: [BACK]}, but it is a "
	    "list", 1),
	SNIPPET("s_node_text.yaml", "  one:\n    text: {nl: Een, en: One}\n",
	    "  one: x\n", HL_DIAG_ERROR, 19, 8, "one", "this should be a "
	    "node with text and options, but it is a text", 1),
	SNIPPET("s_option_text.yaml", "      - {key: \"1\", label: {nl: Een, "
	    "en: One}, goto: one}\n", "      - x\n", HL_DIAG_ERROR, 18, 9,
	    "home", "option 1: this should be an option with key, label and "
	    "goto, but it is a text", 2),
	SNIPPET("s_keywords_list.yaml", NULL, "keywords: [a]\n", HL_DIAG_ERROR,
	    21, 11, NULL, "keywords: this should be keywords per language, "
	    "such as {nl: {huisarts: role_gp}}, but it is a list", 1),
	SNIPPET("s_nodes_list.yaml", "nodes:\n  home:\n    text: {nl: Hallo, "
	    "en: Hello}\n    options:\n      - {key: \"1\", label: {nl: Een, "
	    "en: One}, goto: one}\n  one:\n    text: {nl: Een, en: One}\n",
	    "nodes: [a]\n", HL_DIAG_ERROR, 14, 8, NULL, "nodes: this should "
	    "be node ids, each followed by its node, but it is a list", 1),
	SNIPPET("s_keyword_list.yaml", NULL, "keywords:\n  nl: [a]\n",
	    HL_DIAG_ERROR, 22, 7, NULL, "keywords: nl: this should be words, "
	    "each with the node it leads to, such as {huisarts: role_gp}, "
	    "but it is a list", 1),
	SNIPPET("s_keyword_twice.yaml", NULL, "keywords:\n  nl: {a: one, a: "
	    "one}\n", HL_DIAG_ERROR, 22, 16, NULL, "keywords: nl: keyword "
	    "'a' is written twice (first on line 22), and only the first "
	    "counts: remove or rename one", 1),
	SNIPPET("s_no_checked.yaml", NULL, "    contact: {name: Alarm, "
	    "phone: \"112\", source: \"https://www.112.nl/\"}\n",
	    HL_DIAG_ERROR, 21, 14, "one", "contact: 'checked' is missing "
	    "(the date it was verified, YYYY-MM-DD): add it", 1),
	SNIPPET("s_no_invalid.yaml", "  invalid: {nl: Ongeldig, en: "
	    "Invalid}\n", "", HL_DIAG_ERROR, 6, 3, NULL, "messages: "
	    "'invalid' is missing (the reply to a choice that is no option): "
	    "add it", 1),
	SNIPPET("s_no_forgotten.yaml", "  forgotten: {nl: Gewist, en: "
	    "Deleted}\n", "", HL_DIAG_ERROR, 6, 3, NULL, "messages: "
	    "'forgotten' is missing (the reply to forget-me): add it", 1),
	SNIPPET("s_key_ucs2.yaml", "text: {nl: Hallo, en: Hello}\n    "
	    "options:\n      - {key: \"1\"", "text: {nl: \"Heb je een vraag "
	    "over je werk, je loon of je paspoort? Bel ons gratis.\", en: "
	    "Hello}\n    options:\n      - {key: \"\xc3\xaf\"",
	    HL_DIAG_WARNING, 18, 15, "home", "on sms the nl screen is 76 "
	    "characters, over the 70 it may use: '\xc3\xaf' (U+00EF) in the "
	    "key of option 1 is not in the SMS alphabet (GSM-7), so the "
	    "whole SMS goes as UCS-2, which holds fewer characters: replace "
	    "that character or shorten the screen", 1),
	SNIPPET("s_label_ucs2.yaml", "label: {nl: Terug,", "label: {nl: "
	    "\"T\xc3\xabrug naar het vorige scherm, waar je net was, met "
	    "alle keuzes die er stonden\",", HL_DIAG_WARNING, 9, 35,
	    "one", "on sms the nl screen is 83 characters, over the 70 it "
	    "may use: '\xc3\xab' (U+00EB) in the label of back in globals is "
	    "not in the SMS alphabet (GSM-7), so the whole SMS goes as "
	    "UCS-2, which holds fewer characters: replace that character or "
	    "shorten the screen", 1),
	SNIPPET("s_global_key_ucs2.yaml", "back: {keys: [\"0\"], label: {nl: "
	    "Terug,", "back: {keys: [\"\xc3\xaf\"], label: {nl: \"Terug naar "
	    "het vorige scherm, waar je net was, met alle keuzes die er "
	    "stonden\",", HL_DIAG_WARNING, 9, 3, "one", "on sms the nl "
	    "screen is 83 characters, over the 70 it may use: '\xc3\xaf' "
	    "(U+00EF) in a key of back in globals is not in the SMS alphabet "
	    "(GSM-7), so the whole SMS goes as UCS-2, which holds fewer "
	    "characters: replace that character or shorten the screen", 1),
};

#define N_BAD		(sizeof(bad_cases) / sizeof(bad_cases[0]))
#define N_WARN		(sizeof(warn_cases) / sizeof(warn_cases[0]))
#define N_SNIPPET	(sizeof(snippet_cases) / sizeof(snippet_cases[0]))

/* A snippet case: an error refuses the tree, a warning does not. */
static void
test_snippet_case(void **state)
{
	const struct test_case	*tc = *state;

	if (tc->severity == HL_DIAG_ERROR)
		test_bad(state);
	else
		test_warn(state);
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
	assert_int_equal(home->options[2].key_mark.line, 25);
	assert_int_equal(home->options[2].key_mark.column, 15);
	/* Texts: the map, and each translation. */
	assert_int_equal(home->text.mark.line, 21);
	assert_int_equal(home->text.mark.column, 11);
	assert_int_equal(home->text.at[0].column, 16);
	assert_int_equal(home->text.at[1].line, 21);
	assert_int_equal(home->text.at[1].column, 44);
	assert_int_equal(signals->text.at[1].line, 29);
	assert_int_equal(signals->text.at[1].column, 11);
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
	assert_int_equal(vt->contact->phone_mark.line, 41);
	assert_int_equal(vt->contact->phone_mark.column, 14);
	assert_int_equal(vt->contact->checked_mark.line, 43);
	assert_int_equal(vt->contact->checked_mark.column, 16);
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
	/* Messages have places too, so findings about them name a line. */
	assert_int_equal(m->messages.forgotten.mark.line, 9);
	assert_int_equal(m->messages.forgotten.mark.column, 14);
	assert_int_equal(m->messages.forgotten.at[0].line, 9);
	assert_int_equal(m->messages.forgotten.at[0].column, 19);
	assert_int_equal(m->messages.forgotten.at[1].column, 51);
	assert_int_equal(m->globals[HL_GLOBAL_BACK].label.at[1].line, 12);
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

/* On USSD, 127 UCS-2 characters pass and 128 do not, whatever the
 * character budget; GSM-7 screens are not held to 127. */
static void
test_ussd_ucs2_edge(void **state)
{
	struct hl_diags	 d = { 0 };
	struct hl_menu	*m;
	char		 text[200], *yaml;
	size_t		 len;
	int		 n;

	(void)state;
	for (n = 126; n <= 128; n++) {
		/* "one" renders as text + "\n0 Terug": 8 more. */
		memset(text, 'a', sizeof(text));
		memcpy(text, "\xc3\xab", 2);
		text[2 + (n - 8 - 1)] = '\0';
		assert_true(asprintf(&yaml, "%.*s    text: {nl: \"%s\", en: "
		    "One}\n", (int)(strstr(test_base, "    text: {nl: Een") -
		    test_base), test_base, text) > 0);
		len = strlen(yaml);
		m = hl_menu_load_buffer("u.yaml", yaml, len, &test_opts_sms3,
		    &d);
		assert_non_null(m);
		if (d.n != (n > 127 ? 1 : 0))
			test_dump(&d);
		assert_int_equal(d.n, n > 127 ? 1 : 0);
		hl_menu_free(m);
		hl_diags_clear(&d);
		/* In GSM-7 only ("ee" for the e-trema): no warning. */
		memcpy(strstr(yaml, "\xc3\xab"), "ee", 2);
		m = hl_menu_load_buffer("u.yaml", yaml, len, &test_opts_sms3,
		    &d);
		assert_non_null(m);
		assert_int_equal(d.n, 0);
		hl_menu_free(m);
		hl_diags_clear(&d);
		free(yaml);
	}
}

/* A forget-me confirmation over a tight budget refuses the tree: it
 * cannot be split, since the session ends with it.  It names the line. */
static void
test_final_message_must_fit(void **state)
{
	static const struct test_case	 tc = FILE_CASE("valid.yaml",
	    HL_DIAG_ERROR, 9, 51, NULL, "messages: forgotten (en) does not "
	    "fit one ussd screen, and it cannot be split into pages because "
	    "the session ends with it: shorten it", 0);
	struct hl_menu_check_opts	 o = test_opts;
	struct hl_diags			 d = { 0 };

	(void)state;
	o.ussd.ussd_chars = 20;
	assert_null(test_load("valid.yaml", &o, &d));
	test_expect(&d, &tc);
	hl_diags_clear(&d);
}

static const char test_resume_yaml[] =
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

/* USSD screens of 40 characters: too few for the resume offer. */
static const struct hl_menu_check_opts test_opts_ussd40 = {
	.sms = { .channel = HL_CHANNEL_SMS, .sms_segments = 1 },
	.ussd = { .channel = HL_CHANNEL_USSD, .ussd_chars = 40 },
	.region = "NL",
	.today = "2026-11-23",
};

/* A resume offer that does not fit one USSD screen refuses the tree. */
static void
test_resume_offer_must_fit(void **state)
{
	struct hl_diags d = { 0 };
	struct hl_menu *m;

	(void)state;
	m = hl_menu_load_buffer("r.yaml", test_resume_yaml,
	    sizeof(test_resume_yaml) - 1, &test_opts, &d);
	if (m == NULL)
		test_dump(&d);
	assert_non_null(m);
	assert_true(hl_menu_can_resume(m));
	hl_menu_free(m);
	hl_diags_clear(&d);
	m = hl_menu_load_buffer("r.yaml", test_resume_yaml,
	    sizeof(test_resume_yaml) - 1, &test_opts_ussd40, &d);
	assert_null(m);
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.items[0].message, "messages: resume (nl): with "
	    "its two choices the offer is 68 characters, over the 40 of one "
	    "ussd screen: shorten it");
	assert_int_equal(d.items[0].line, 8);
	assert_int_equal(d.items[0].column, 16);
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
	static const struct test_case	tc = FILE_CASE("empty.yaml",
	    HL_DIAG_ERROR, 1, 1, NULL, "the file is empty: a menu starts with "
	    "helpline, version, languages, start, messages, globals and nodes",
	    1);
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

/* An input refused before the document is built, and its first finding. */
struct test_early {
	const char	*yaml;
	size_t		 len;
	unsigned	 line;
	unsigned	 column;
	const char	*message;
};

#define EARLY(s, l, c, msg)	{ s, sizeof(s) - 1, l, c, msg }

static const struct test_early early_cases[] = {
	EARLY("helpline: !!str t\n", 1, 11, "tags (tag:yaml.org,2002:str) "
	    "are not allowed: remove it"),
	EARLY("a: 1\n---\nb: 2\n", 2, 1, "a second YAML document starts "
	    "here: a menu file holds one (remove '---' and what follows)"),
	EARLY("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	    1, 17, "indented deeper than 16 levels: a menu needs far fewer"),
	/* A NUL byte: a control character libyaml refuses by offset. */
	EARLY("a: b\nc: \0\n", 2, 4, "the file's layout is broken here (YAML: "
	    "control characters are not allowed): check indentation, colons "
	    "and quotes"),
	EARLY("- a\n- b\n", 1, 1, "this should be a block with helpline, "
	    "version, languages, start, messages, globals and nodes, but it "
	    "is a list"),
	/* Two-byte characters count as one column, as libyaml counts. */
	EARLY("\xc3\xab\xc3\xab: \xc3\n", 1, 5, "byte 0xc3 is not UTF-8: save "
	    "the file as UTF-8"),
};

#define N_EARLY	(sizeof(early_cases) / sizeof(early_cases[0]))

/* Inputs refused before the document is built. */
static void
test_refused_early(void **state)
{
	struct hl_diags		 d = { 0 };
	const struct hl_diag	*g;
	size_t			 i;

	(void)state;
	for (i = 0; i < N_EARLY; i++) {
		assert_null(hl_menu_load_buffer("buf.yaml",
		    early_cases[i].yaml, early_cases[i].len, &test_opts, &d));
		assert_true(d.n_errors >= 1);
		g = &d.items[0];
		if (strcmp(g->message, early_cases[i].message) != 0 ||
		    g->line != early_cases[i].line ||
		    g->column != early_cases[i].column) {
			test_dump(&d);
			fail_msg("early case %zu", i);
		}
		hl_diags_clear(&d);
	}
}

/* Names in messages: control characters escaped, long ones cut before a
 * character (here 20 two-byte characters). */
static void
test_names_escaped(void **state)
{
	static const char	yaml[] = "\"a\\tb\": 1\n"
	    "\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab"
	    "\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab"
	    "\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab"
	    "\xc3\xab: 2\n";
	struct hl_diags		d = { 0 };

	(void)state;
	assert_null(hl_menu_load_buffer("buf.yaml", yaml, sizeof(yaml) - 1,
	    &test_opts, &d));
	assert_true(d.n >= 2);
	assert_string_equal(d.items[0].message, "'a\\x09b' is not a name "
	    "used here: check its spelling (allowed: helpline, version, "
	    "languages, start, messages, globals, nodes, keywords)");
	assert_string_equal(d.items[1].message,
	    "'\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab"
	    "\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab"
	    "\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab...' is not a "
	    "name used here: check its spelling (allowed: helpline, version, "
	    "languages, start, messages, globals, nodes, keywords)");
	assert_int_equal(d.items[1].line, 2);
	assert_int_equal(d.items[1].column, 1);
	hl_diags_clear(&d);
}

/* Builds test_base with `from` replaced by n copies of a printf pattern
 * with one %d (given the copy's number), between `pre` and `post`; the
 * caller frees. */
static char *
test_repeat(const char *from, const char *pre, const char *fmt, int n,
    const char *post)
{
	const char	*at;
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*f;
	int		 i;

	assert_non_null(at = strstr(test_base, from));
	assert_non_null(f = open_memstream(&buf, &len));
	fprintf(f, "%.*s%s", (int)(at - test_base), test_base, pre);
	for (i = 0; i < n; i++)
		fprintf(f, fmt, i);
	fprintf(f, "%s%s", post, at + strlen(from));
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* A generated input over a cap, and its finding. */
struct test_cap {
	const char	*from, *pre, *fmt, *post;
	int		 n;
	unsigned	 line, column;
	const char	*message;
};

static const struct test_cap cap_cases[] = {
	{ "      - {key: \"1\", label: {nl: Een, en: One}, goto: one}\n", "",
	    "      - {key: \"k%d\", label: {nl: Een, en: One}, goto: one}\n",
	    "", 65, 18, 7, "options: 65 options, at most 64 are allowed: "
	    "split the node" },
	{ "back: {keys: [\"0\"]", "back: {keys: [", "\"b%d\", ", "\"0\"]",
	    16, 9, 16, "globals: back: keys: 17 keys, at most 16 are allowed" },
	{ "forget: {words: {nl: [WIS]", "forget: {words: {nl: [",
	    "w%d, ", "WIS]", 32, 12, 24, "globals: forget: words: 33 "
	    "words, at most 32 are allowed" },
	{ "  one:\n    text: {nl: Een, en: One}\n", "  one:\n    text: {nl: "
	    "Een, en: One}\nkeywords:\n  nl:\n", "    k%d: one\n", "",
	    4097, 23, 5, "keywords: nl: 4097 keywords, at most 4096 are "
	    "allowed" },
};

#define N_CAP	(sizeof(cap_cases) / sizeof(cap_cases[0]))

/* Loads a cap case (or, past the caps, a list of too many YAML values). */
static char *
test_cap_input(size_t i, size_t *len)
{
	const struct test_cap	*c = &cap_cases[i];
	char			*buf;
	size_t			 j;

	if (i < N_CAP)
		buf = test_repeat(c->from, c->pre, c->fmt, c->n, c->post);
	else {
		assert_non_null(buf = malloc(4 * 100001 + 1));
		for (j = 0; j < 100001; j++)
			memcpy(buf + 4 * j, "- a\n", 4);
		buf[4 * 100001] = '\0';
	}
	*len = strlen(buf);
	return buf;
}

/* Each cap is an error at the place of the list that breaks it. */
static void
test_caps(void **state)
{
	struct hl_diags	 d = { 0 };
	char		*buf;
	size_t		 i, len;

	(void)state;
	for (i = 0; i <= N_CAP; i++) {
		buf = test_cap_input(i, &len);
		assert_null(hl_menu_load_buffer("cap.yaml", buf, len,
		    &test_opts, &d));
		assert_true(d.n >= 1);
		if (i == N_CAP) {
			assert_string_equal(d.items[0].message, "the file has "
			    "more than 100000 values: make it smaller");
			assert_int_equal(d.items[0].line, 1);
			assert_int_equal(d.items[0].column, 1);
		} else if (strcmp(d.items[0].message,
		    cap_cases[i].message) != 0 ||
		    d.items[0].line != cap_cases[i].line ||
		    d.items[0].column != cap_cases[i].column) {
			test_dump(&d);
			fail_msg("cap case %zu", i);
		}
		hl_diags_clear(&d);
		free(buf);
	}
}

/* Files and buffers over 1 MiB are refused at 1:1. */
static void
test_too_large(void **state)
{
	char		 path[] = "/tmp/test_menu_XXXXXX", *big;
	struct hl_diags	 d = { 0 };
	FILE		*f;
	int		 fd;

	(void)state;
	assert_non_null(big = malloc(1024 * 1024 + 1));
	memset(big, ' ', 1024 * 1024 + 1);
	assert_null(hl_menu_load_buffer("big.yaml", big, 1024 * 1024 + 1,
	    &test_opts, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].message, "the file is 1048577 bytes, "
	    "at most 1048576 are allowed: make it smaller");
	assert_int_equal(d.items[0].line, 1);
	assert_int_equal(d.items[0].column, 1);
	hl_diags_clear(&d);

	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "wb"));
	assert_int_equal(fwrite(big, 1, 1024 * 1024 + 1, f), 1024 * 1024 + 1);
	assert_int_equal(fclose(f), 0);
	assert_null(hl_menu_load_file(path, &test_opts, &d));
	test_both_langs("big file", path, NULL, 0, &test_opts);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].message, "the file is over 1048576 "
	    "bytes, the most allowed: make it smaller");
	assert_int_equal(d.items[0].line, 1);
	assert_int_equal(d.items[0].column, 1);
	hl_diags_clear(&d);
	free(big);
}

static const char test_many_yaml[] =
    "helpline: t\n"
    "version: \"1\"\n"
    "languages: [nl, EN]\n"
    "start: home\n";

static const char test_many_yaml2[] =
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

/* Several errors in one file are all reported, then it is refused once. */
static void
test_many_errors(void **state)
{
	/* A sample of the errors, one per kind of check. */
	static const struct test_case	want[] = {
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 5, 1, NULL, "'colour' is "
		    "not a name used here: check its spelling (allowed: "
		    "helpline, version, languages, start, messages, globals, "
		    "nodes, keywords)", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 2, 10, NULL, "version: '' "
		    "cannot be a version: use 1 to 63 letters A-Z, a-z, "
		    "digits, '.', '-' and '_', such as 2026-11-23.1", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 18, 15, "n", "option 1: "
		    "'12345' cannot be a key: use 1 to 4 characters without "
		    "spaces", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 18, 9, "n", "option 1: has "
		    "both goto and action: keep one", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 19, 9, "n", "option 2: "
		    "'key' is missing: add it", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 19, 9, "n", "option 2: does "
		    "not say where it leads: add goto: and a node id (or "
		    "action: language)", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 20, 44, "n", "option 3: "
		    "'dance' is not an action: the only one is language", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 6, 49, NULL, "messages: "
		    "forgotten: 'de' is not one of the file's languages (nl): "
		    "use one of those, or add it to languages", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 8, 50, NULL, "globals: back: "
		    "show: 'sometimes' is not a choice: use all, start, inner "
		    "or never", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 8, 3, NULL, "globals: back: "
		    "key '0' is listed twice: remove one", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 9, 30, NULL, "globals: home: "
		    "only help has a goto: remove it here", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 13, 9, NULL, "globals: help: "
		    "does not say where it leads: add goto: and the id of the "
		    "help node", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 10, 9, NULL, "globals: more: "
		    "needs keys and a label: every page of a long screen but "
		    "the last ends with them", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 11, 11, NULL, "globals: "
		    "forget: has no keys and no words, so no caller can use it: "
		    "add some", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 12, 13, NULL, "globals: "
		    "language: takes words only, no keys or label (a word "
		    "listed under a language switches to that language)", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 21, 17, NULL, "keywords: nl: "
		    "'  x' cannot be a keyword: use 1 to 40 bytes (letters), no "
		    "tabs or line breaks, no space at either end", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 21, 30, NULL, "keywords: nl: "
		    "this should be a text, but it is a list", 0),
		FILE_CASE("m.yaml", HL_DIAG_ERROR, 4, 8, NULL, "start: there is "
		    "no node 'nowhere': check the spelling, or add that node",
		    0),
	};
	struct hl_diags		d = { 0 };
	char			line[512];
	size_t			i;

	(void)state;
	assert_null(hl_menu_load_buffer("m.yaml", test_many_yaml,
	    sizeof(test_many_yaml) - 1, &test_opts, &d));
	assert_int_equal(d.n_errors, 4);	/* code, messages, ... */
	assert_int_equal(hl_diag_format(&d.items[0], line, sizeof(line)), 0);
	assert_string_equal(line, "m.yaml:1:1: error: 'messages' is missing "
	    "at the top level of the file: add it");
	assert_int_equal(hl_diag_format(&d.items[3], line, sizeof(line)), 0);
	assert_string_equal(line, "m.yaml:3:17: error: languages: 'EN' is not "
	    "a language code: use 2 or 3 small letters, such as nl");
	hl_diags_clear(&d);

	assert_null(hl_menu_load_buffer("m.yaml", test_many_yaml2,
	    sizeof(test_many_yaml2) - 1, &test_opts, &d));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		test_expect(&d, &want[i]);
	if (d.n != 19)
		test_dump(&d);
	assert_int_equal(d.n_errors, 19);
	assert_int_equal(d.n, 19);
	hl_diags_clear(&d);
}

/* A file that cannot be opened or read is one error without a line. */
static void
test_missing_file(void **state)
{
	struct hl_diags	d = { 0 };
	char		line[512], dir[1024];

	(void)state;
	assert_null(hl_menu_load_file("/nonexistent/menu.yaml", &test_opts,
	    &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.items[0].line, 0);
	assert_int_equal(hl_diag_format(&d.items[0], line, sizeof(line)), 0);
	assert_string_equal(line, "/nonexistent/menu.yaml: error: cannot "
	    "open the file: there is no file by that name (check the name and "
	    "the folder)");
	hl_diags_clear(&d);

	/* A folder opens, and cannot be read. */
	test_path(dir, sizeof(dir), ".");
	assert_null(hl_menu_load_file(dir, &test_opts, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.items[0].line, 0);
	assert_string_equal(d.items[0].message, "cannot read the file: that "
	    "is a folder, not a file");
	hl_diags_clear(&d);
}

/* Findings format as file:line:column: severity: node X: message, with
 * English or Dutch frame words. */
static void
test_diag_format(void **state)
{
	struct hl_diags		d = { 0 };
	struct hl_menu_mark	mark = { 3, 7 }, none = { 0, 0 };
	char			line[128], small[16];

	(void)state;
	hl_diags_add(&d, HL_DIAG_WARNING, "f.yaml", mark, "home",
	    "option %d: %s", 2, "odd");
	hl_diags_add(&d, HL_DIAG_ERROR, "f.yaml", mark, NULL, "plain");
	hl_diags_add(&d, HL_DIAG_ERROR, "f.yaml", none, NULL, "gone");
	assert_int_equal(d.n, 3);
	assert_int_equal(d.n_errors, 2);
	assert_int_equal(hl_diag_format(&d.items[0], line, sizeof(line)), 0);
	assert_string_equal(line, "f.yaml:3:7: warning: node home: option 2: "
	    "odd");
	assert_int_equal(hl_diag_format(&d.items[1], line, sizeof(line)), 0);
	assert_string_equal(line, "f.yaml:3:7: error: plain");
	assert_int_equal(hl_diag_format(&d.items[1], small, sizeof(small)),
	    -1);
	assert_string_equal(small, "f.yaml:3:7: err");
	assert_int_equal(hl_diag_format_in(&d.items[0], "nl", line,
	    sizeof(line)), 0);
	assert_string_equal(line, "f.yaml:3:7: waarschuwing: knooppunt home: "
	    "option 2: odd");
	assert_int_equal(hl_diag_format_in(&d.items[1], "nl", line,
	    sizeof(line)), 0);
	assert_string_equal(line, "f.yaml:3:7: fout: plain");
	assert_int_equal(hl_diag_format_in(&d.items[2], "nl", line,
	    sizeof(line)), 0);
	assert_string_equal(line, "f.yaml: fout: gone");
	assert_int_equal(hl_diag_format_in(&d.items[1], "de", line,
	    sizeof(line)), 0);
	assert_string_equal(line, "f.yaml:3:7: error: plain");
	hl_diags_clear(&d);
	assert_int_equal(d.n_errors, 0);
}

/* A Dutch list translates through the catalogue and counts a miss. */
static void
test_diag_translate(void **state)
{
	struct hl_diags		d = { .lang = "nl" };
	struct hl_menu_mark	mark = { 1, 1 };
	char			buf[32];

	(void)state;
	hl_diags_add(&d, HL_DIAG_ERROR, "f.yaml", mark, NULL,
	    "languages: '%s' is listed twice: remove one", "nl");
	assert_string_equal(d.items[0].message, "languages: 'nl' staat er "
	    "twee keer: haal er één weg");
	assert_int_equal(d.n_untranslated, 0);
	assert_int_equal(hl_diags_snprintf(&d, buf, sizeof(buf), "option %zu",
	    (size_t)3), 7);
	assert_string_equal(buf, "optie 3");
	assert_string_equal(hl_diags_tr(&d, "a list"), "een lijst");
	/* Only conversions and punctuation: nothing to translate. */
	hl_diags_add(&d, HL_DIAG_ERROR, "f.yaml", mark, NULL, "%s: %s", "a",
	    "b");
	assert_string_equal(d.items[1].message, "a: b");
	assert_int_equal(d.n_untranslated, 0);
	/* Not in the catalogue: English, counted. */
	hl_diags_add(&d, HL_DIAG_ERROR, "f.yaml", mark, NULL, "no such %s",
	    "entry");
	assert_string_equal(d.items[2].message, "no such entry");
	assert_int_equal(d.n_untranslated, 1);
	assert_string_equal(d.untranslated, "no such %s");
	hl_diags_clear(&d);
	assert_int_equal(d.n_untranslated, 0);
	assert_string_equal(d.lang, "nl");
	/* English lists and other languages look nothing up. */
	assert_null(hl_diag_translate("en", "a list"));
	assert_null(hl_diag_translate(NULL, "a list"));
	assert_string_equal(hl_diag_translate("nl", "a list"), "een lijst");
}

/*
 * Writes the printf conversions of fmt ("%s", "%zu", "%04X"...), each
 * followed by a space, into out; "%%" is no conversion.  Returns false if
 * a conversion is cut off or uses a '*' or a '$' (their arguments would
 * not show in the list).
 */
static bool
test_conversions(const char *fmt, char *out, size_t len)
{
	const char	*p, *start;
	size_t		 n = 0;

	out[0] = '\0';
	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		start = p++;
		while (*p != '\0' && strchr("-+ #0123456789.hlLqjzt", *p) !=
		    NULL)
			p++;
		if (*p == '\0' || *p == '*' || *p == '$' || !isalpha(
		    (unsigned char)*p))
			return false;
		n += (size_t)snprintf(out + n, len - n, "%.*s ",
		    (int)(p - start + 1), start);
		if (n >= len)
			return false;
	}
	return true;
}

/* Every Dutch twin has its English format's conversions, in order, and
 * each English format is in the catalogue once. */
static void
test_catalogue(void **state)
{
	const char	*en, *nl, *en2, *nl2;
	char		 ce[256], cn[256];
	size_t		 i, j, n = 0;

	(void)state;
	for (i = 0; hl_diag_catalogue("nl", i, &en, &nl); i++) {
		assert_true(test_conversions(en, ce, sizeof(ce)));
		assert_true(test_conversions(nl, cn, sizeof(cn)));
		if (strcmp(ce, cn) != 0)
			fail_msg("conversions differ: \"%s\" (%s) and \"%s\" "
			    "(%s)", en, ce, nl, cn);
		assert_string_not_equal(en, nl);
		for (j = 0; j < i; j++) {
			assert_true(hl_diag_catalogue("nl", j, &en2, &nl2));
			if (strcmp(en, en2) == 0)
				fail_msg("twice in the catalogue: \"%s\"", en);
		}
		n++;
	}
	assert_true(n > 100);
	assert_false(hl_diag_catalogue("en", 0, &en, &nl));
	/* The parser itself: a mismatch is seen. */
	assert_true(test_conversions("%s: %zu of %04X %%", ce, sizeof(ce)));
	assert_string_equal(ce, "%s %zu %04X ");
	assert_true(test_conversions("%zu: %s", cn, sizeof(cn)));
	assert_string_not_equal(ce, cn);
	assert_false(test_conversions("%*d", ce, sizeof(ce)));
}

/* Text falls back to the first language, then to "". */
static void
test_text_get(void **state)
{
	struct hl_menu_text	t;
	char			nl[] = "hallo", en[] = "hello";

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_string_equal(hl_menu_text_get(&t, 0), "");
	t.s[0] = nl;
	assert_string_equal(hl_menu_text_get(&t, 1), "hallo");
	assert_string_equal(hl_menu_text_get(&t, -1), "hallo");
	assert_string_equal(hl_menu_text_get(&t, HL_MENU_MAX_LANGS), "hallo");
	t.s[1] = en;
	assert_string_equal(hl_menu_text_get(&t, 1), "hello");
}

/* Every fixture and every programmatic case, in Dutch: no finding falls
 * back to English. */
static void
test_dutch_everywhere(void **state)
{
	const struct test_case	*cases[] = { bad_cases, warn_cases,
				    snippet_cases };
	const size_t		 n_cases[] = { N_BAD, N_WARN, N_SNIPPET };
	char			 path[1024], *buf;
	size_t			 k, i, len;

	(void)state;
	for (k = 0; k < 3; k++)
		for (i = 0; i < n_cases[k]; i++) {
			const struct test_case *tc = &cases[k][i];
			const struct hl_menu_check_opts *o = tc->opts != NULL ?
			    tc->opts : &test_opts;

			if (tc->to == NULL) {
				test_path(path, sizeof(path), tc->file);
				test_both_langs(tc->file, path, NULL, 0, o);
				continue;
			}
			buf = test_snippet(tc, &len);
			test_both_langs(tc->file, NULL, buf, len, o);
			free(buf);
		}
	for (i = 0; i < N_EARLY; i++)
		test_both_langs("early", NULL, early_cases[i].yaml,
		    early_cases[i].len, &test_opts);
	for (i = 0; i <= N_CAP; i++) {
		buf = test_cap_input(i, &len);
		test_both_langs("cap", NULL, buf, len, &test_opts);
		free(buf);
	}
	test_both_langs("many", NULL, test_many_yaml,
	    sizeof(test_many_yaml) - 1, &test_opts);
	test_both_langs("many2", NULL, test_many_yaml2,
	    sizeof(test_many_yaml2) - 1, &test_opts);
	test_both_langs("resume", NULL, test_resume_yaml,
	    sizeof(test_resume_yaml) - 1, &test_opts_ussd40);
	test_both_langs("empty", NULL, "", 0, &test_opts);
	test_both_langs("missing", "/nonexistent/menu.yaml", NULL, 0,
	    &test_opts);
	test_path(path, sizeof(path), ".");
	test_both_langs("folder", path, NULL, 0, &test_opts);
	test_path(path, sizeof(path), "valid.yaml");
	{
		/* The forget-me and resume checks on a tight budget. */
		struct hl_menu_check_opts o = test_opts;

		o.ussd.ussd_chars = 20;
		test_both_langs("valid-tight", path, NULL, 0, &o);
	}
	assert_non_null(buf = malloc(1024 * 1024 + 1));
	memset(buf, ' ', 1024 * 1024 + 1);
	test_both_langs("big", NULL, buf, 1024 * 1024 + 1, &test_opts);
	free(buf);
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

int
main(void)
{
	/* One test per fixture case, named after its file.  cmocka's
	 * initial state is a void *: the cases stay read-only. */
	static const struct CMUnitTest others[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_no_opts),
		cmocka_unit_test(test_budget_segments),
		cmocka_unit_test(test_ussd_ucs2_edge),
		cmocka_unit_test(test_final_message_must_fit),
		cmocka_unit_test(test_resume_offer_must_fit),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_refused_early),
		cmocka_unit_test(test_names_escaped),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_diag_format),
		cmocka_unit_test(test_diag_translate),
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_dutch_everywhere),
		cmocka_unit_test(test_text_get),
		cmocka_unit_test(test_parents_from_help),
	};
	struct CMUnitTest	 tests[N_BAD + N_WARN + N_SNIPPET +
				    sizeof(others) / sizeof(others[0])];
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
	for (i = 0; i < N_SNIPPET; i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(
		    test_snippet_case, (void *)(uintptr_t)&snippet_cases[i]);
		tests[n++].name = snippet_cases[i].file;
	}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		tests[n++] = others[i];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
