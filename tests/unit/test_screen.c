/*
 * test_screen.c - unit tests for screen.c: exact rendering of a node, the
 * navigation line, and splitting into pages that each fit a budget.
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
#include "helpline/screen.h"
#include "helpline/text.h"

#include "text_helpers.h"
#include "tree_fixture.h"

/* Checks what every rendering must satisfy: each page valid and within
 * budget, the marker on every page but the last. */
static void
check_pages(const struct hl_pages *p, const struct hl_budget *b,
    const char *marker)
{
	size_t ml = strlen(marker), len;

	assert_true(p->n >= 1);
	for (size_t i = 0; i < p->n; i++) {
		len = strlen(p->page[i]);
		assert_true(hl_utf8_is_valid(p->page[i], len));
		assert_true(hl_text_fits(b, p->page[i], len));
		if (i + 1 < p->n) {
			assert_true(len >= ml);
			assert_string_equal(p->page[i] + len - ml, marker);
		} else {
			assert_false(len >= ml &&
			    strcmp(p->page[i] + len - ml, marker) == 0);
		}
	}
}

/* Hides every navigation label, so a screen is just the node's text. */
static void
no_nav(struct fixture *f)
{
	f->m.globals[HL_GLOBAL_BACK].show = HL_SHOW_NEVER;
	f->m.globals[HL_GLOBAL_HOME].show = HL_SHOW_NEVER;
	f->m.globals[HL_GLOBAL_HELP].show = HL_SHOW_NEVER;
}

/* Renders the long node with the given text on a budget. */
static void
render_long(struct fixture *f, const char *text, const struct hl_budget *b,
    struct hl_pages *p)
{
	f->nodes[N_LONG].text.s[0] = (char *)text;
	no_nav(f);
	assert_int_equal(hl_screen_render(&f->m, &f->nodes[N_LONG], 0, NULL,
	    b, p), 0);
	check_pages(p, b, "\n99 Meer");
}

static void
test_render_start_nl_en(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	char *s;

	s = hl_screen_render_full(&f->m, &f->nodes[N_HOME], 0, NULL);
	assert_non_null(s);
	assert_string_equal(s, "Hulplijn uitbuiting.\n1 Signalen\n2 Contact\n"
	    "8 English\n9 Help");
	free(s);
	s = hl_screen_render_full(&f->m, &f->nodes[N_HOME], 1, NULL);
	assert_non_null(s);
	assert_string_equal(s, "Exploitation helpline.\n1 Signs\n2 Contact\n"
	    "8 Nederlands\n9 Help");
	free(s);
	assert_int_equal(hl_screen_render(&f->m, &f->nodes[N_HOME], 1, NULL,
	    &sms1, &p), 0);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.page[0], "Exploitation helpline.\n1 Signs\n"
	    "2 Contact\n8 Nederlands\n9 Help");
	hl_pages_free(&p);
	assert_int_equal(p.n, 0);
	assert_null(p.page);
}

static void
test_render_inner(void **state)
{
	struct fixture *f = *state;
	char *s;

	s = hl_screen_render_full(&f->m, &f->nodes[N_SIGNALS], 0, NULL);
	assert_string_equal(s, "Signalen van uitbuiting.\n1 Werk\n"
	    "0 Terug 00 Menu");
	free(s);
	s = hl_screen_render_full(&f->m, &f->nodes[N_SIG_WORK], 1, NULL);
	assert_string_equal(s, "Work without a contract.\n0 Back 00 Menu");
	free(s);
}

static void
test_render_prefix(void **state)
{
	struct fixture *f = *state;
	char *s;

	s = hl_screen_render_full(&f->m, &f->nodes[N_SIGNALS], 0,
	    "Ongeldige keuze.");
	assert_string_equal(s, "Ongeldige keuze.\nSignalen van uitbuiting.\n"
	    "1 Werk\n0 Terug 00 Menu");
	free(s);
	/* An empty prefix is an empty part: left out. */
	s = hl_screen_render_full(&f->m, &f->nodes[N_SIG_WORK], 0, "");
	assert_string_equal(s, "Werk zonder contract.\n0 Terug 00 Menu");
	free(s);
}

static void
test_nav_help_node(void **state)
{
	struct fixture *f = *state;
	char *s;

	f->m.globals[HL_GLOBAL_HELP].show = HL_SHOW_ALL;
	s = hl_screen_render_full(&f->m, &f->nodes[N_SIGNALS], 0, NULL);
	assert_string_equal(s, "Signalen van uitbuiting.\n1 Werk\n"
	    "0 Terug 00 Menu 9 Help");
	free(s);
	/* Help does not offer itself. */
	s = hl_screen_render_full(&f->m, &f->nodes[N_HELP], 0, NULL);
	assert_string_equal(s, "Typ een nummer.\n0 Terug 00 Menu");
	free(s);
	s = hl_screen_render_full(&f->m, &f->nodes[N_HOME], 0, NULL);
	assert_string_equal(s, "Hulplijn uitbuiting.\n1 Signalen\n2 Contact\n"
	    "8 English\n9 Help");
	free(s);
}

static void
test_nav_rules(void **state)
{
	struct fixture *f = *state;
	char *s;

	/* ALL shows on start too; a global without a key is not listed;
	 * an empty label is not listed. */
	f->m.globals[HL_GLOBAL_BACK].show = HL_SHOW_ALL;
	f->m.globals[HL_GLOBAL_HOME].n_keys = 0;
	f->m.globals[HL_GLOBAL_HELP].label.s[0] = (char *)"";
	f->m.globals[HL_GLOBAL_HELP].label.s[1] = (char *)"";
	fx_text(&f->m.globals[HL_GLOBAL_FORGET].label, "Wis", "Delete");
	f->m.globals[HL_GLOBAL_FORGET].show = HL_SHOW_ALL;
	s = hl_screen_render_full(&f->m, &f->nodes[N_HOME], 0, NULL);
	assert_string_equal(s, "Hulplijn uitbuiting.\n1 Signalen\n2 Contact\n"
	    "8 English\n0 Terug");
	free(s);
	/* A keyed forget with a label shows, in enum order after back. */
	f->keys[HL_GLOBAL_FORGET][0] = (char *)"000";
	f->m.globals[HL_GLOBAL_FORGET].keys = f->keys[HL_GLOBAL_FORGET];
	f->m.globals[HL_GLOBAL_FORGET].n_keys = 1;
	s = hl_screen_render_full(&f->m, &f->nodes[N_SIG_WORK], 1, NULL);
	assert_string_equal(s, "Work without a contract.\n0 Back 000 Delete");
	free(s);
}

static void
test_page_160_septets(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	char *t = repeat("a", 160);

	render_long(f, t, &sms1, &p);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.page[0], t);
	hl_pages_free(&p);
	free(t);
}

static void
test_page_161_septets(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	char *t = repeat("a", 161), *want;

	render_long(f, t, &sms1, &p);
	assert_int_equal(p.n, 2);
	/* 160 minus "\n99 Meer" (8) leaves 152. */
	want = repeat("a", 152);
	assert_int_equal(strncmp(p.page[0], want, 152), 0);
	assert_string_equal(p.page[0] + 152, "\n99 Meer");
	assert_int_equal(count(p.page[0]).units, 160);
	free(want);
	want = repeat("a", 9);
	assert_string_equal(p.page[1], want);
	free(want);
	hl_pages_free(&p);
	free(t);
}

static void
test_page_euro(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	char *t = repeat("\xe2\x82\xac", 80), *want;

	/* 80 euro signs are 160 septets: one page. */
	render_long(f, t, &sms1, &p);
	assert_int_equal(p.n, 1);
	assert_int_equal(count(p.page[0]).coding, HL_SMS_GSM7);
	assert_int_equal(count(p.page[0]).units, 160);
	hl_pages_free(&p);
	free(t);

	/* 81 are 162: 76 (152 septets) + marker, then 5. */
	t = repeat("\xe2\x82\xac", 81);
	render_long(f, t, &sms1, &p);
	assert_int_equal(p.n, 2);
	want = repeat("\xe2\x82\xac", 76);
	assert_int_equal(strncmp(p.page[0], want, strlen(want)), 0);
	assert_string_equal(p.page[0] + strlen(want), "\n99 Meer");
	free(want);
	want = repeat("\xe2\x82\xac", 5);
	assert_string_equal(p.page[1], want);
	free(want);
	hl_pages_free(&p);
	free(t);
}

static void
test_page_ucs2(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	char *a = repeat("a", 69), *t;

	/* 'ë' makes it UCS-2: 70 units fit one page. */
	assert_true(asprintf(&t, "\xc3\xab%s", a) > 0);
	render_long(f, t, &sms1, &p);
	assert_int_equal(p.n, 1);
	assert_int_equal(count(p.page[0]).coding, HL_SMS_UCS2);
	assert_int_equal(count(p.page[0]).units, 70);
	hl_pages_free(&p);
	free(t);

	/* 71: 62 + marker = 70 units, then 9 that are GSM-7 on their own. */
	assert_true(asprintf(&t, "\xc3\xab%sa", a) > 0);
	render_long(f, t, &sms1, &p);
	assert_int_equal(p.n, 2);
	assert_int_equal(count(p.page[0]).coding, HL_SMS_UCS2);
	assert_int_equal(count(p.page[0]).units, 70);
	assert_int_equal(hl_utf8_chars(p.page[0], strlen(p.page[0])), 70);
	assert_string_equal(p.page[1], "aaaaaaaaa");
	assert_int_equal(count(p.page[1]).coding, HL_SMS_GSM7);
	hl_pages_free(&p);
	free(t);
	free(a);
}

static void
test_page_ussd(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	char *t = repeat("\xc3\xab", 160);

	/* USSD counts characters, whatever their coding. */
	render_long(f, t, &ussd160, &p);
	assert_int_equal(p.n, 1);
	hl_pages_free(&p);
	free(t);
	t = repeat("\xc3\xab", 161);
	render_long(f, t, &ussd160, &p);
	assert_int_equal(p.n, 2);
	assert_int_equal(hl_utf8_chars(p.page[0], strlen(p.page[0])), 160);
	assert_int_equal(hl_utf8_chars(p.page[1], strlen(p.page[1])), 9);
	hl_pages_free(&p);
	free(t);
}

static void
test_page_words(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	struct hl_budget b = { HL_CHANNEL_USSD, 1, 30 };
	const char *t = "Een twee drie vier vijf zes zeven acht negen tien "
	    "elf twaalf dertien veertien";
	char joined[256] = "";
	size_t len;

	render_long(f, t, &b, &p);
	assert_true(p.n >= 3);
	/* Pages break at spaces: no word is cut, none is lost. */
	for (size_t i = 0; i < p.n; i++) {
		len = strlen(p.page[i]);
		if (i + 1 < p.n)
			len -= strlen("\n99 Meer");
		assert_true(p.page[i][0] != ' ' && p.page[i][len - 1] != ' ');
		if (i != 0)
			strcat(joined, " ");
		strncat(joined, p.page[i], len);
	}
	assert_string_equal(joined, t);
	/* Greedy: the first page takes as many words as fit. */
	assert_string_equal(p.page[0], "Een twee drie vier\n99 Meer");
	hl_pages_free(&p);
}

static void
test_page_long_word(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	char *t = repeat("\xc3\xab", 1000), *joined;
	size_t len, at = 0;

	render_long(f, t, &sms1, &p);
	/* 62 'ë' per page with the marker (62 + 8 = 70 units): 15 pages
	 * hold 930, and the last 70 fit a page without the marker. */
	assert_int_equal(p.n, 16);
	assert_int_equal(strlen(p.page[15]), 70 * 2);
	joined = calloc(1, strlen(t) + 1);
	assert_non_null(joined);
	for (size_t i = 0; i < p.n; i++) {
		len = strlen(p.page[i]);
		if (i + 1 < p.n) {
			len -= strlen("\n99 Meer");
			assert_int_equal(len, 62 * 2);
		}
		memcpy(joined + at, p.page[i], len);
		at += len;
	}
	assert_string_equal(joined, t);
	free(joined);
	hl_pages_free(&p);
	free(t);
}

static void
test_page_options_whole(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	struct hl_budget b = { HL_CHANNEL_USSD, 1, 40 };
	const char *lines[] = { "1 Signalen", "2 Contact", "8 English",
	    "9 Help" };
	bool found;

	f->nodes[N_HOME].text.s[0] = (char *)"Dit is een wat langere tekst "
	    "die niet op een scherm past.";
	assert_int_equal(hl_screen_render(&f->m, &f->nodes[N_HOME], 0, NULL,
	    &b, &p), 0);
	check_pages(&p, &b, "\n99 Meer");
	assert_true(p.n >= 2);
	/* Each option line and the nav line is whole on some page. */
	for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
		found = false;
		for (size_t i = 0; i < p.n; i++) {
			const char *at = strstr(p.page[i], lines[k]);
			if (at != NULL && (at == p.page[i] || at[-1] == '\n') &&
			    (at[strlen(lines[k])] == '\n' ||
			    at[strlen(lines[k])] == '\0'))
				found = true;
		}
		assert_true(found);
	}
	hl_pages_free(&p);
}

static void
test_page_prefix_first(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	char *t = repeat("a", 150);

	f->nodes[N_LONG].text.s[0] = t;
	no_nav(f);
	assert_int_equal(hl_screen_render(&f->m, &f->nodes[N_LONG], 0,
	    "Ongeldige keuze.", &sms1, &p), 0);
	check_pages(&p, &sms1, "\n99 Meer");
	/* The prefix and the text are lines: a text that fits a page of
	 * its own is not broken to fill the prefix's page. */
	assert_int_equal(p.n, 2);
	assert_string_equal(p.page[0], "Ongeldige keuze.\n99 Meer");
	assert_string_equal(p.page[1], t);
	hl_pages_free(&p);
	free(t);
}

static void
test_page_multi_segment(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	struct hl_budget b = { HL_CHANNEL_SMS, 2, 0 };
	char *t = repeat("a", 306);

	/* Two segments hold 2 * 153 = 306 septets. */
	render_long(f, t, &b, &p);
	assert_int_equal(p.n, 1);
	hl_pages_free(&p);
	free(t);
	t = repeat("a", 307);
	render_long(f, t, &b, &p);
	assert_int_equal(p.n, 2);
	hl_pages_free(&p);
	free(t);
}

/* Appends s[0..len) to out without spaces and newlines. */
static void
squeeze(char *out, const char *s, size_t len)
{
	size_t at = strlen(out);

	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\n')
			out[at++] = s[i];
	out[at] = '\0';
}

/* Splits pseudo-random texts on small budgets: each page must fit and
 * paging must end, whatever the mix of words, lines and codings. */
static void
test_page_property(void **state)
{
	static const char *pieces[] = { "a", "bb", "ccc ", " ", "\xc3\xab",
	    "\xe2\x82\xac", "\n", "woord ", "\xf0\x9f\x98\x80", "x y z " };
	struct fixture *f = *state;
	struct hl_pages p;
	struct hl_budget b;
	uint32_t seed = 12345;
	char text[600], want[700], got[700];
	const char *prefix;
	size_t len, ml;

	for (int round = 0; round < 400; round++) {
		len = 0;
		text[0] = '\0';
		seed = seed * 1103515245u + 12345u;
		for (size_t n = (seed >> 16) % 120; n > 0; n--) {
			seed = seed * 1103515245u + 12345u;
			const char *pc = pieces[(seed >> 16) % 10];
			if (len + strlen(pc) + 1 > sizeof text)
				break;
			strcpy(text + len, pc);
			len += strlen(pc);
		}
		f->nodes[N_LONG].text.s[0] = text;
		f->nodes[N_LONG].text.s[1] = text;
		if (round % 2 == 0)
			b = (struct hl_budget){ HL_CHANNEL_SMS, 1, 0 };
		else
			b = (struct hl_budget){ HL_CHANNEL_USSD, 1,
			    12 + (seed >> 16) % 50 };
		prefix = round % 3 ? NULL : "Ongeldige keuze.";
		assert_int_equal(hl_screen_render(&f->m, &f->nodes[N_LONG],
		    round % 2, prefix, &b, &p), 0);
		check_pages(&p, &b, round % 2 ? "\n99 More" : "\n99 Meer");
		/* Nothing is lost or repeated: only breaks change. */
		want[0] = got[0] = '\0';
		if (prefix != NULL)
			squeeze(want, prefix, strlen(prefix));
		squeeze(want, text, len);
		/* On USSD (odd rounds, in English) the optionless node is
		 * final: no navigation line. */
		squeeze(want, "0 Back 00 Menu", round % 2 &&
		    f->nodes[N_LONG].n_options > 0 ? 14 : 0);
		squeeze(want, "0 Terug 00 Menu", round % 2 ? 0 : 15);
		for (size_t i = 0; i < p.n; i++) {
			ml = i + 1 < p.n ? 8 : 0;
			squeeze(got, p.page[i], strlen(p.page[i]) - ml);
		}
		assert_string_equal(got, want);
		hl_pages_free(&p);
	}
}

static void
test_page_budget_too_small(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;
	struct hl_budget b = { HL_CHANNEL_USSD, 1, 8 };

	/* "\n99 Meer" alone is 8 characters: no room for any text. */
	f->nodes[N_LONG].text.s[0] = (char *)"abcdefghijklmnop";
	no_nav(f);
	assert_int_equal(hl_screen_render(&f->m, &f->nodes[N_LONG], 0, NULL,
	    &b, &p), -1);
	assert_int_equal(p.n, 0);
	assert_null(p.page);
}

static void
test_invalid_utf8_text(void **state)
{
	struct fixture *f = *state;
	struct hl_pages p;

	f->nodes[N_LONG].text.s[0] = (char *)"bad \xc3 byte";
	assert_int_equal(hl_screen_render(&f->m, &f->nodes[N_LONG], 0, NULL,
	    &sms1, &p), -1);
	assert_int_equal(p.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_render_start_nl_en,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_render_inner, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_render_prefix, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_nav_help_node, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_nav_rules, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_160_septets, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_161_septets, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_euro, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_ucs2, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_ussd, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_words, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_long_word, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_options_whole,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_prefix_first,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_multi_segment,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_property, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_page_budget_too_small,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8_text,
		    fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests_name("screen", tests, NULL, NULL);
}
