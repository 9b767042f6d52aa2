/*
 * test_engine.c - unit tests for engine.c: every global key and word,
 * options, keywords, bad input, paging, USSD endings and stale sessions,
 * on a hand-built two-language tree.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/engine.h"
#include "helpline/menu.h"
#include "helpline/screen.h"
#include "helpline/text.h"

#include "tree_fixture.h"

static const char home_nl[] = "Hulplijn uitbuiting.\n1 Signalen\n"
    "2 Contact\n8 English\n9 Help";
static const char home_en[] = "Exploitation helpline.\n1 Signs\n"
    "2 Contact\n8 Nederlands\n9 Help";
static const char signals_nl[] = "Signalen van uitbuiting.\n1 Werk\n"
    "0 Terug 00 Menu";
static const char work_nl[] = "Werk zonder contract.\n0 Terug 00 Menu";
static const char contacts_nl[] = "Bel Veilig Thuis 0800-2000.\n"
    "0 Terug 00 Menu";
static const char contacts_en[] = "Call Veilig Thuis 0800-2000.\n"
    "0 Back 00 Menu";
static const char help_nl[] = "Typ een nummer.\n0 Terug 00 Menu";

/* Makes a state. */
static struct hl_engine_state
st(const char *node, const char *lang, unsigned page)
{
	struct hl_engine_state s;

	memset(&s, 0, sizeof s);
	snprintf(s.node, sizeof s.node, "%s", node);
	snprintf(s.lang, sizeof s.lang, "%s", lang);
	s.page = page;
	return s;
}

/* Takes one step on a budget; the result must be well-formed. */
static void
step_b(struct fixture *f, const struct hl_budget *b,
    const struct hl_engine_state *s, const char *in, size_t len,
    struct hl_engine_result *r)
{
	assert_int_equal(hl_engine_step(&f->m, b, s, NULL, in, len, r), 0);
	assert_non_null(r->reply);
	assert_true(hl_utf8_is_valid(r->reply, strlen(r->reply)));
	if (!r->forget)
		assert_true(hl_text_fits(b, r->reply, strlen(r->reply)));
	assert_non_null(r->counted_node);
}

/* Takes one SMS step from (node, lang, page) with a C-string input. */
static void
step(struct fixture *f, const char *node, const char *lang, unsigned page,
    const char *in, struct hl_engine_result *r)
{
	struct hl_engine_state s = st(node, lang, page);

	step_b(f, &sms1, &s, in, strlen(in), r);
}

/* Checks a normal move: shown node, language, page, reply, counted view. */
static void
check_view(const struct hl_engine_result *r, const char *node,
    const char *lang, unsigned page, const char *reply)
{
	assert_string_equal(r->state.node, node);
	assert_string_equal(r->state.lang, lang);
	assert_int_equal(r->state.page, page);
	assert_string_equal(r->reply, reply);
	assert_int_equal(r->counted, HL_COUNT_VIEW);
	assert_string_equal(r->counted_node->id, node);
	assert_false(r->end);
	assert_false(r->forget);
	assert_false(r->started);
}

/* Checks an invalid input: the message, then the same screen. */
static void
check_invalid(const struct hl_engine_result *r, const char *node,
    const char *lang, const char *msg, const char *screen)
{
	char want[512];

	snprintf(want, sizeof want, "%s\n%s", msg, screen);
	assert_string_equal(r->reply, want);
	assert_string_equal(r->state.node, node);
	assert_string_equal(r->state.lang, lang);
	assert_int_equal(r->counted, HL_COUNT_INVALID);
	assert_string_equal(r->counted_node->id, node);
	assert_false(r->end);
	assert_false(r->started);
}

#define INVALID_NL "Ongeldige keuze. Kies een nummer."
#define INVALID_EN "Invalid choice. Pick a number."

static void
test_new_session(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;

	/* Whatever the first message, the start node is shown... */
	assert_int_equal(hl_engine_step(&f->m, &sms1, NULL, NULL, "hoi", 3,
	    &r), 0);
	assert_string_equal(r.reply, home_nl);
	assert_true(r.started);
	assert_int_equal(r.counted, HL_COUNT_VIEW);
	assert_ptr_equal(r.counted_node, f->m.start);
	assert_string_equal(r.state.node, "home");
	assert_string_equal(r.state.lang, "nl");
	assert_int_equal(r.state.page, 0);
	assert_false(r.end);
	hl_engine_result_clear(&r);
	/* ...an option key is not honoured before a screen was seen... */
	assert_int_equal(hl_engine_step(&f->m, &sms1, NULL, NULL, "1", 1,
	    &r), 0);
	assert_string_equal(r.reply, home_nl);
	hl_engine_result_clear(&r);
	/* ...and the hint picks the language if the tree has it. */
	assert_int_equal(hl_engine_step(&f->m, &sms1, NULL, "en", "", 0,
	    &r), 0);
	assert_string_equal(r.reply, home_en);
	assert_string_equal(r.state.lang, "en");
	hl_engine_result_clear(&r);
	assert_int_equal(hl_engine_step(&f->m, &sms1, NULL, "fr", NULL, 0,
	    &r), 0);
	assert_string_equal(r.reply, home_nl);
	hl_engine_result_clear(&r);
}

static void
test_new_session_keyword(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;

	assert_int_equal(hl_engine_step(&f->m, &sms1, NULL, NULL,
	    " Huisarts\n", 10, &r), 0);
	assert_string_equal(r.reply, contacts_nl);
	assert_true(r.started);
	assert_string_equal(r.counted_node->id, "contacts");
	assert_string_equal(r.state.node, "contacts");
	hl_engine_result_clear(&r);
	/* A keyword of another language also picks that language. */
	assert_int_equal(hl_engine_step(&f->m, &sms1, NULL, NULL, "DOCTOR",
	    6, &r), 0);
	assert_string_equal(r.reply, contacts_en);
	assert_string_equal(r.state.lang, "en");
	assert_true(r.started);
	hl_engine_result_clear(&r);
	/* A language word as the first message. */
	assert_int_equal(hl_engine_step(&f->m, &sms1, NULL, NULL, "en", 2,
	    &r), 0);
	assert_string_equal(r.reply, home_en);
	assert_true(r.started);
	hl_engine_result_clear(&r);
	/* A help word as the first message shows the help screen. */
	assert_int_equal(hl_engine_step(&f->m, &sms1, NULL, NULL, "HELP", 4,
	    &r), 0);
	assert_string_equal(r.state.node,
	    f->m.globals[HL_GLOBAL_HELP].target->id);
	assert_true(r.started);
	hl_engine_result_clear(&r);
}

static void
test_new_session_forget(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;

	/* STOP as the first message starts nothing. */
	assert_int_equal(hl_engine_step(&f->m, &sms1, NULL, "en", "stop", 4,
	    &r), 0);
	assert_string_equal(r.reply, "Your data has been deleted.");
	assert_true(r.forget);
	assert_true(r.end);
	assert_false(r.started);
	assert_int_equal(r.counted, HL_COUNT_FORGET);
	hl_engine_result_clear(&r);
}

static void
test_global_keys(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;

	step(f, "sig_work", "nl", 0, "0", &r);
	check_view(&r, "signals", "nl", 0, signals_nl);
	hl_engine_result_clear(&r);
	step(f, "sig_work", "nl", 0, "00", &r);
	check_view(&r, "home", "nl", 0, home_nl);
	hl_engine_result_clear(&r);
	step(f, "signals", "nl", 0, "9", &r);
	check_view(&r, "help", "nl", 0, help_nl);
	hl_engine_result_clear(&r);
	/* One page only: there is no more. */
	step(f, "signals", "nl", 0, "99", &r);
	check_invalid(&r, "signals", "nl", INVALID_NL, signals_nl);
	hl_engine_result_clear(&r);
}

static void
test_global_words(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;

	step(f, "sig_work", "nl", 0, "MENU", &r);
	check_view(&r, "home", "nl", 0, home_nl);
	hl_engine_result_clear(&r);
	step(f, "sig_work", "nl", 0, "menu", &r);
	check_view(&r, "home", "nl", 0, home_nl);
	hl_engine_result_clear(&r);
	step(f, "sig_work", "nl", 0, "help", &r);
	check_view(&r, "help", "nl", 0, help_nl);
	hl_engine_result_clear(&r);
	step(f, "sig_work", "nl", 0, "Terug", &r);
	check_view(&r, "signals", "nl", 0, signals_nl);
	hl_engine_result_clear(&r);
	/* Words of any language work, without switching language. */
	step(f, "sig_work", "nl", 0, "back", &r);
	check_view(&r, "signals", "nl", 0, signals_nl);
	hl_engine_result_clear(&r);
	step(f, "contacts", "nl", 0, "EN", &r);
	check_view(&r, "contacts", "en", 0, contacts_en);
	hl_engine_result_clear(&r);
	step(f, "contacts", "en", 0, "nl", &r);
	check_view(&r, "contacts", "nl", 0, contacts_nl);
	hl_engine_result_clear(&r);
}

static void
test_forget(void **state)
{
	static const char *words[] = { "STOP", "wis", "Delete", " stop\r\n" };
	struct fixture *f = *state;
	struct hl_engine_result r;

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		step(f, "signals", i == 2 ? "en" : "nl", 0, words[i], &r);
		assert_string_equal(r.reply, i == 2 ?
		    "Your data has been deleted." : "Je gegevens zijn gewist.");
		assert_true(r.forget);
		assert_true(r.end);
		assert_int_equal(r.counted, HL_COUNT_FORGET);
		assert_string_equal(r.counted_node->id, "signals");
		hl_engine_result_clear(&r);
	}
}

/* The resume offer: none without its messages; with them, 1 continues at
 * the page where the caller was, 2 goes home, 00 too, anything else
 * repeats the offer, and the state stays put until answered. */
static void
test_resume_offer(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_state s = st("signals", "en", 0);
	struct hl_engine_result r;

	assert_int_equal(hl_engine_offer_resume(&f->m, &s, &r), 1);
	fx_text(&f->m.messages.resume, "Onderbroken.", "Cut off.");
	fx_text(&f->m.messages.resume_continue, "Verder", "Continue");
	fx_text(&f->m.messages.resume_restart, "Menu", "Menu");
	assert_int_equal(hl_engine_offer_resume(&f->m, &s, &r), 0);
	assert_string_equal(r.reply, "Cut off.\n1 Continue\n2 Menu");
	assert_true(r.state.resume_offered);
	assert_string_equal(r.state.node, "signals");
	assert_false(r.end);
	assert_null(r.counted_node);
	s = r.state;
	hl_engine_result_clear(&r);
	/* A state naming no node of the tree: nothing to offer. */
	{
		struct hl_engine_state gone = st("nowhere", "nl", 0);

		assert_int_equal(hl_engine_offer_resume(&f->m, &gone, &r), 1);
	}
	assert_int_equal(hl_engine_step(&f->m, &ussd160, &s, NULL, "x", 1,
	    &r), 0);
	assert_string_equal(r.reply, "Cut off.\n1 Continue\n2 Menu");
	assert_true(r.state.resume_offered);
	assert_int_equal(r.counted, HL_COUNT_INVALID);
	hl_engine_result_clear(&r);
	assert_int_equal(hl_engine_step(&f->m, &ussd160, &s, NULL, "1", 1,
	    &r), 0);
	assert_false(r.state.resume_offered);
	assert_string_equal(r.state.node, "signals");
	assert_string_equal(r.state.lang, "en");
	assert_int_equal(r.counted, HL_COUNT_VIEW);
	hl_engine_result_clear(&r);
	assert_int_equal(hl_engine_step(&f->m, &ussd160, &s, NULL, "2", 1,
	    &r), 0);
	assert_string_equal(r.state.node, "home");
	assert_false(r.started);	/* the same session goes on */
	hl_engine_result_clear(&r);
	assert_int_equal(hl_engine_step(&f->m, &ussd160, &s, NULL, "00", 2,
	    &r), 0);
	assert_string_equal(r.state.node, "home");
	hl_engine_result_clear(&r);
	assert_int_equal(hl_engine_step(&f->m, &ussd160, &s, NULL, "STOP", 4,
	    &r), 0);
	assert_true(r.forget);
	hl_engine_result_clear(&r);
}

static void
test_options(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;

	step(f, "home", "nl", 0, "1", &r);
	check_view(&r, "signals", "nl", 0, signals_nl);
	hl_engine_result_clear(&r);
	step(f, "signals", "nl", 0, "1", &r);
	check_view(&r, "sig_work", "nl", 0, work_nl);
	hl_engine_result_clear(&r);
	step(f, "home", "nl", 0, " 2\t", &r);
	check_view(&r, "contacts", "nl", 0, contacts_nl);
	hl_engine_result_clear(&r);
	/* The language option goes to the next language, and wraps. */
	step(f, "home", "nl", 0, "8", &r);
	check_view(&r, "home", "en", 0, home_en);
	hl_engine_result_clear(&r);
	step(f, "home", "en", 0, "8", &r);
	check_view(&r, "home", "nl", 0, home_nl);
	hl_engine_result_clear(&r);
	/* Another node's option key means nothing here. */
	step(f, "sig_work", "nl", 0, "1", &r);
	check_invalid(&r, "sig_work", "nl", INVALID_NL, work_nl);
	hl_engine_result_clear(&r);
}

static void
test_keywords(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;

	step(f, "signals", "nl", 0, "huisarts", &r);
	check_view(&r, "contacts", "nl", 0, contacts_nl);
	hl_engine_result_clear(&r);
	step(f, "signals", "en", 0, "Doctor", &r);
	check_view(&r, "contacts", "en", 0, contacts_en);
	hl_engine_result_clear(&r);
	/* Another language's keyword: the node, in the caller's language. */
	step(f, "signals", "nl", 0, "DOCTOR", &r);
	check_view(&r, "contacts", "nl", 0, contacts_nl);
	hl_engine_result_clear(&r);
	step(f, "home", "en", 0, "werk", &r);
	assert_string_equal(r.state.node, "sig_work");
	assert_string_equal(r.state.lang, "en");
	hl_engine_result_clear(&r);
	/* Part of a keyword is not the keyword. */
	step(f, "home", "nl", 0, "huis", &r);
	check_invalid(&r, "home", "nl", INVALID_NL, home_nl);
	hl_engine_result_clear(&r);
}

static void
test_unknown(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;

	step(f, "signals", "nl", 0, "hallo daar", &r);
	check_invalid(&r, "signals", "nl", INVALID_NL, signals_nl);
	hl_engine_result_clear(&r);
	step(f, "home", "en", 0, "7", &r);
	check_invalid(&r, "home", "en", INVALID_EN, home_en);
	hl_engine_result_clear(&r);
	/* Keys match exactly: no case, no extra characters. */
	step(f, "home", "nl", 0, "1.", &r);
	check_invalid(&r, "home", "nl", INVALID_NL, home_nl);
	hl_engine_result_clear(&r);
	step(f, "home", "nl", 0, "01", &r);
	check_invalid(&r, "home", "nl", INVALID_NL, home_nl);
	hl_engine_result_clear(&r);
}

static void
test_bad_bytes(void **state)
{
	static const struct {
		const char *s;
		size_t len;
	} bad[] = {
		{ "\xff\xfe", 2 },
		{ "1\xc3", 2 },			/* truncated sequence */
		{ "\xc0\xb1", 2 },		/* overlong "1" */
		{ "\xed\xa0\x80", 3 },		/* surrogate */
		{ "\xf4\x90\x80\x80", 4 },	/* above U+10FFFF */
		{ "1\0", 2 },			/* NUL after a key */
		{ "STOP\0", 5 },
		{ "\0", 1 },
	};
	struct fixture *f = *state;
	struct hl_engine_result r;
	struct hl_engine_state s = st("signals", "nl", 0);

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		step_b(f, &sms1, &s, bad[i].s, bad[i].len, &r);
		check_invalid(&r, "signals", "nl", INVALID_NL, signals_nl);
		hl_engine_result_clear(&r);
	}
	/* A new session with bad bytes just starts. */
	step_b(f, &sms1, NULL, "\xff", 1, &r);
	assert_string_equal(r.reply, home_nl);
	assert_true(r.started);
	hl_engine_result_clear(&r);
}

static void
test_empty_and_long(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;
	struct hl_engine_state s = st("signals", "nl", 0);
	size_t big = 1 << 20;
	char *in;

	step(f, "signals", "nl", 0, "", &r);
	check_invalid(&r, "signals", "nl", INVALID_NL, signals_nl);
	hl_engine_result_clear(&r);
	step(f, "signals", "nl", 0, " \t\r\n ", &r);
	check_invalid(&r, "signals", "nl", INVALID_NL, signals_nl);
	hl_engine_result_clear(&r);
	step_b(f, &sms1, &s, NULL, 0, &r);
	check_invalid(&r, "signals", "nl", INVALID_NL, signals_nl);
	hl_engine_result_clear(&r);

	in = malloc(big);
	assert_non_null(in);
	memset(in, 'a', big);
	step_b(f, &sms1, &s, in, big, &r);
	check_invalid(&r, "signals", "nl", INVALID_NL, signals_nl);
	hl_engine_result_clear(&r);
	/* Megabytes of white space around a key still make the key. */
	memset(in, ' ', big);
	in[big / 2] = '1';
	step_b(f, &sms1, &s, in, big, &r);
	check_view(&r, "sig_work", "nl", 0, work_nl);
	hl_engine_result_clear(&r);
	free(in);
}

static void
test_back(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;

	/* From deep: to the parent, then its parent. */
	step(f, "sig_work", "nl", 0, "0", &r);
	check_view(&r, "signals", "nl", 0, signals_nl);
	hl_engine_result_clear(&r);
	step(f, "signals", "nl", 0, "0", &r);
	check_view(&r, "home", "nl", 0, home_nl);
	hl_engine_result_clear(&r);
	/* On start: stays on start. */
	step(f, "home", "nl", 0, "0", &r);
	check_view(&r, "home", "nl", 0, home_nl);
	hl_engine_result_clear(&r);
	/* A node no option reaches has no parent: back is home. */
	step(f, "help", "nl", 0, "0", &r);
	check_view(&r, "home", "nl", 0, home_nl);
	hl_engine_result_clear(&r);
	/* Back from page 2 of a node goes to its parent's first page. */
	step(f, "sig_work", "nl", 3, "terug", &r);
	check_view(&r, "signals", "nl", 0, signals_nl);
	hl_engine_result_clear(&r);
}

static void
test_invalid_full_screen(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;
	char *t = malloc(131);

	/* 130 + "\n1 Werk" + "\n0 Terug 00 Menu" = 153: one page, with no
	 * room for the message; the options and navigation stay with it. */
	assert_non_null(t);
	memset(t, 'x', 130);
	t[130] = '\0';
	f->nodes[N_SIGNALS].text.s[0] = t;
	step(f, "signals", "nl", 0, "99", &r);
	check_invalid(&r, "signals", "nl", INVALID_NL,
	    "1 Werk\n0 Terug 00 Menu");
	assert_int_equal(r.state.page, 0);
	hl_engine_result_clear(&r);
	/* A message that fits nothing leaves the page alone. */
	f->nodes[N_SIGNALS].text.s[0] = (char *)"Signalen.";
	f->m.messages.invalid.s[0] = malloc(200);
	assert_non_null(f->m.messages.invalid.s[0]);
	memset(f->m.messages.invalid.s[0], 'y', 199);
	f->m.messages.invalid.s[0][199] = '\0';
	step(f, "signals", "nl", 0, "xyz", &r);
	assert_string_equal(r.reply, "Signalen.\n1 Werk\n0 Terug 00 Menu");
	assert_int_equal(r.counted, HL_COUNT_INVALID);
	hl_engine_result_clear(&r);
	free(f->m.messages.invalid.s[0]);
	free(t);
}

static void
test_help_without_target(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;

	f->m.globals[HL_GLOBAL_HELP].target = NULL;
	step(f, "signals", "nl", 0, "9", &r);
	check_invalid(&r, "signals", "nl", INVALID_NL, signals_nl);
	hl_engine_result_clear(&r);
}

/* Gives the long node a text that takes two pages of SMS or USSD. */
static char *
long_text(struct fixture *f)
{
	char *t = malloc(201);

	assert_non_null(t);
	for (size_t i = 0; i < 200; i++)
		t[i] = i % 10 == 9 ? ' ' : 'a' + (char)(i / 10 % 26);
	t[200] = '\0';
	f->nodes[N_LONG].text.s[0] = t;
	f->nodes[N_LONG].text.s[1] = t;
	return t;
}

static void
test_more(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;
	struct hl_pages p;
	char *t = long_text(f);

	assert_int_equal(hl_screen_render(&f->m, &f->nodes[N_LONG], 0, NULL,
	    &sms1, &p), 0);
	assert_int_equal(p.n, 2);

	step(f, "long", "nl", 0, "99", &r);
	check_view(&r, "long", "nl", 1, p.page[1]);
	hl_engine_result_clear(&r);
	step(f, "long", "nl", 0, "meer", &r);
	check_view(&r, "long", "nl", 1, p.page[1]);
	hl_engine_result_clear(&r);
	/* Beyond the last page: invalid, still the last page. */
	step(f, "long", "nl", 1, "99", &r);
	check_invalid(&r, "long", "nl", INVALID_NL, p.page[1]);
	assert_int_equal(r.state.page, 1);
	hl_engine_result_clear(&r);
	/* A page past the end (a shorter screen in a newer tree) shows the
	 * last page. */
	step(f, "long", "nl", 7, "xyz", &r);
	check_invalid(&r, "long", "nl", INVALID_NL, p.page[1]);
	assert_int_equal(r.state.page, 1);
	hl_engine_result_clear(&r);
	/* Invalid on a full page: the message, then the end of the page
	 * that fits beside it; the page stays, so "more" still follows on. */
	step(f, "long", "nl", 0, "xyz", &r);
	assert_string_equal(r.reply, INVALID_NL "\n99 Meer");
	assert_int_equal(r.state.page, 0);
	assert_int_equal(r.counted, HL_COUNT_INVALID);
	hl_engine_result_clear(&r);
	step(f, "long", "nl", 0, "99", &r);
	check_view(&r, "long", "nl", 1, p.page[1]);
	hl_engine_result_clear(&r);
	/* A move resets the page. */
	step(f, "long", "nl", 1, "en", &r);
	assert_int_equal(r.state.page, 0);
	assert_string_equal(r.state.lang, "en");
	hl_engine_result_clear(&r);
	hl_pages_free(&p);
	free(t);
}

static void
test_ussd_leaf_ends(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;
	struct hl_engine_state s = st("home", "nl", 0);
	struct hl_budget small = { HL_CHANNEL_USSD, 1, 182 };
	char *t;

	step_b(f, &ussd160, &s, "2", 1, &r);
	/* Final: no navigation line, the caller could not answer it. */
	assert_string_equal(r.reply, "Bel Veilig Thuis 0800-2000.");
	assert_true(r.end);
	assert_false(r.forget);
	assert_int_equal(r.counted, HL_COUNT_VIEW);
	hl_engine_result_clear(&r);
	/* A node with options does not end it. */
	step_b(f, &ussd160, &s, "1", 1, &r);
	assert_false(r.end);
	hl_engine_result_clear(&r);
	/* The same leaf on SMS does not end the conversation. */
	step_b(f, &sms1, &s, "2", 1, &r);
	assert_false(r.end);
	hl_engine_result_clear(&r);

	/* A leaf over two pages ends on its last page only. */
	t = long_text(f);
	s = st("contacts", "nl", 0);
	f->kw_nl[1].target = &f->nodes[N_LONG];
	step_b(f, &small, &s, "werk", 4, &r);
	assert_string_equal(r.state.node, "long");
	assert_false(r.end);
	assert_int_equal(r.state.page, 0);
	hl_engine_result_clear(&r);
	s = st("long", "nl", 0);
	step_b(f, &small, &s, "99", 2, &r);
	assert_int_equal(r.state.page, 1);
	assert_true(r.end);
	hl_engine_result_clear(&r);
	free(t);
}

static void
test_vanished_state(void **state)
{
	struct fixture *f = *state;
	struct hl_engine_result r;
	struct hl_engine_state s = st("removed_node", "nl", 2);

	/* The node was published away: start afresh. */
	step_b(f, &sms1, &s, "1", 1, &r);
	assert_string_equal(r.reply, home_nl);
	assert_true(r.started);
	assert_string_equal(r.state.node, "home");
	assert_int_equal(r.state.page, 0);
	hl_engine_result_clear(&r);
	/* So was the language. */
	s = st("signals", "fr", 0);
	step_b(f, &sms1, &s, "1", 1, &r);
	assert_string_equal(r.reply, home_nl);
	assert_true(r.started);
	hl_engine_result_clear(&r);
	/* A state that is not terminated is no node. */
	memset(&s, 'x', sizeof s);
	s.page = 0;
	step_b(f, &sms1, &s, "doctor", 6, &r);
	assert_string_equal(r.reply, contacts_en);
	assert_true(r.started);
	hl_engine_result_clear(&r);
}

static void
test_walk(void **state)
{
	static const struct {
		const char *in;
		const char *node;
		const char *lang;
	} walk[] = {
		{ "hoi", "home", "nl" }, { "1", "signals", "nl" },
		{ "1", "sig_work", "nl" }, { "en", "sig_work", "en" },
		{ "back", "signals", "en" }, { "00", "home", "en" },
		{ "8", "home", "nl" }, { "9", "help", "nl" },
		{ "menu", "home", "nl" },
	};
	struct fixture *f = *state;
	struct hl_engine_result r;
	struct hl_engine_state s;
	const struct hl_engine_state *sp = NULL;

	/* Each result's state feeds the next step, as the core does. */
	for (size_t i = 0; i < sizeof walk / sizeof walk[0]; i++) {
		step_b(f, &sms1, sp, walk[i].in, strlen(walk[i].in), &r);
		assert_string_equal(r.state.node, walk[i].node);
		assert_string_equal(r.state.lang, walk[i].lang);
		assert_int_equal(r.started, i == 0);
		s = r.state;
		sp = &s;
		hl_engine_result_clear(&r);
	}
}

/* A tree as the loader builds it from YAML (menus/FORMAT.md). */
static const char tree_yaml[] =
    "helpline: test\n"
    "version: \"1\"\n"
    "languages: [nl, en]\n"
    "start: home\n"
    "messages:\n"
    "  invalid: {nl: \"Ongeldige keuze.\", en: \"Invalid choice.\"}\n"
    "  forgotten: {nl: \"Gewist.\", en: \"Deleted.\"}\n"
    "globals:\n"
    "  back: {keys: [\"0\"], words: {nl: [TERUG], en: [BACK]},"
    " label: {nl: Terug, en: Back}, show: inner}\n"
    "  home: {keys: [\"00\"], words: {nl: [MENU], en: [MENU]},"
    " label: {nl: Menu, en: Menu}, show: inner}\n"
    "  help: {keys: [\"9\"], words: {nl: [HELP], en: [HELP]},"
    " label: {nl: Help, en: Help}, show: start, goto: help}\n"
    "  more: {keys: [\"99\"], words: {nl: [MEER], en: [MORE]},"
    " label: {nl: Meer, en: More}}\n"
    "  forget: {words: {nl: [STOP, WIS], en: [STOP, DELETE]}}\n"
    "  language: {words: {nl: [NL], en: [EN]}}\n"
    "nodes:\n"
    "  home:\n"
    "    text: {nl: \"Hulplijn.\", en: \"Helpline.\"}\n"
    "    options:\n"
    "      - {key: \"1\", label: {nl: Signalen, en: Signs}, goto: signals}\n"
    "      - {key: \"8\", label: {nl: English, en: Nederlands},"
    " action: language}\n"
    "  signals:\n"
    "    text: {nl: \"Signalen.\", en: \"Signs.\"}\n"
    "    options:\n"
    "      - {key: \"1\", label: {nl: Werk, en: Work}, goto: work}\n"
    "  work:\n"
    "    text:\n"
    "      nl: \"Geen contract, geen loon, paspoort ingenomen: dat zijn "
    "signalen. Praat erover met iemand die je vertrouwt, of bel ons. "
    "Je hoeft je naam niet te noemen. Ook een vermoeden is genoeg.\"\n"
    "      en: \"No contract, no pay.\"\n"
    "  help:\n"
    "    text: {nl: \"Typ een nummer.\", en: \"Type a number.\"}\n"
    "keywords:\n"
    "  nl: {werk: work}\n"
    "  en: {job: work}\n";

/* Loads the YAML tree for a test. */
static int
setup_yaml(void **state)
{
	struct hl_diags d = { 0 };
	struct hl_menu *m;

	m = hl_menu_load_buffer("tree.yaml", tree_yaml, strlen(tree_yaml),
	    NULL, &d);
	hl_diags_clear(&d);
	if (m == NULL)
		return -1;
	*state = m;
	return 0;
}

/* Frees the YAML tree. */
static int
teardown_yaml(void **state)
{
	hl_menu_free(*state);
	return 0;
}

/* Takes one step on a loaded tree, feeding the state along. */
static void
ystep(const struct hl_menu *m, const struct hl_budget *b,
    struct hl_engine_state *s, bool *have, const char *in,
    struct hl_engine_result *r)
{
	assert_int_equal(hl_engine_step(m, b, *have ? s : NULL, NULL, in,
	    strlen(in), r), 0);
	assert_non_null(r->reply);
	if (!r->forget)
		assert_true(hl_text_fits(b, r->reply, strlen(r->reply)));
	*s = r->state;
	*have = !r->end;
}

static void
test_yaml_walk(void **state)
{
	const struct hl_menu *m = *state;
	struct hl_engine_state s;
	struct hl_engine_result r;
	bool have = false;

	ystep(m, &sms1, &s, &have, "hallo", &r);
	assert_string_equal(r.reply, "Hulplijn.\n1 Signalen\n8 English\n"
	    "9 Help");
	assert_true(r.started);
	hl_engine_result_clear(&r);
	ystep(m, &sms1, &s, &have, "1", &r);
	assert_string_equal(r.reply, "Signalen.\n1 Werk\n0 Terug 00 Menu");
	hl_engine_result_clear(&r);
	ystep(m, &sms1, &s, &have, "1", &r);
	assert_string_equal(s.node, "work");
	assert_int_equal(s.page, 0);
	hl_engine_result_clear(&r);
	/* The long leaf takes two SMS pages. */
	ystep(m, &sms1, &s, &have, "meer", &r);
	assert_int_equal(s.page, 1);
	assert_non_null(strstr(r.reply, "0 Terug 00 Menu"));
	hl_engine_result_clear(&r);
	/* Back goes to the parent the loader found. */
	ystep(m, &sms1, &s, &have, "terug", &r);
	assert_string_equal(s.node, "signals");
	hl_engine_result_clear(&r);
	ystep(m, &sms1, &s, &have, "help", &r);
	assert_string_equal(r.reply, "Typ een nummer.\n0 Terug 00 Menu");
	hl_engine_result_clear(&r);
	ystep(m, &sms1, &s, &have, "job", &r);
	assert_string_equal(s.node, "work");
	assert_string_equal(s.lang, "nl");
	hl_engine_result_clear(&r);
	ystep(m, &sms1, &s, &have, "00", &r);
	hl_engine_result_clear(&r);
	ystep(m, &sms1, &s, &have, "8", &r);
	hl_engine_result_clear(&r);
	ystep(m, &sms1, &s, &have, "xyz", &r);
	assert_string_equal(r.reply, "Invalid choice.\nHelpline.\n1 Signs\n"
	    "8 Nederlands\n9 Help");
	assert_int_equal(r.counted, HL_COUNT_INVALID);
	hl_engine_result_clear(&r);
	ystep(m, &sms1, &s, &have, "Wis", &r);
	assert_string_equal(r.reply, "Deleted.");
	assert_true(r.forget);
	assert_false(have);
	hl_engine_result_clear(&r);
}

static void
test_yaml_ussd(void **state)
{
	const struct hl_menu *m = *state;
	struct hl_engine_state s;
	struct hl_engine_result r;
	bool have = false;

	/* A USSD dial, then a keyword to the leaf: its 180 characters take
	 * two screens of 170 (a final screen has no navigation line); the
	 * session ends with the second. */
	struct hl_budget b = { HL_CHANNEL_USSD, 1, 170 };

	ystep(m, &b, &s, &have, "", &r);
	assert_false(r.end);
	hl_engine_result_clear(&r);
	ystep(m, &b, &s, &have, "werk", &r);
	assert_false(r.end);
	assert_string_equal(s.node, "work");
	assert_non_null(strstr(r.reply, "\n99 Meer"));
	hl_engine_result_clear(&r);
	ystep(m, &b, &s, &have, "99", &r);
	assert_true(r.end);
	assert_false(r.forget);
	assert_false(have);
	assert_int_equal(r.counted, HL_COUNT_VIEW);
	assert_null(strstr(r.reply, "99 Meer"));
	hl_engine_result_clear(&r);
}

/* Collects the inputs worth trying on a node: its option keys, every
 * global key and word, and some junk.  Returns how many. */
static size_t
sweep_inputs(const struct hl_menu *m, const struct hl_menu_node *n,
    const char **in, size_t max)
{
	static const char *junk[] = { "", "xyz", "\xff", "1 2", "999999" };
	const struct hl_menu_global *g;
	size_t k = 0;

	for (size_t i = 0; i < n->n_options && k < max; i++)
		in[k++] = n->options[i].key;
	for (size_t i = 0; i < sizeof junk / sizeof junk[0] && k < max; i++)
		in[k++] = junk[i];
	for (int gi = 0; gi < HL_GLOBAL__MAX; gi++) {
		g = &m->globals[gi];
		for (size_t i = 0; i < g->n_keys && k < max; i++)
			in[k++] = g->keys[i];
		for (size_t li = 0; li < m->n_languages; li++)
			for (size_t i = 0; i < g->n_words[li] && k < max; i++)
				in[k++] = g->words[li][i];
	}
	return k;
}

/* Sends every input worth trying from every node in every language and
 * page: each step must succeed with a reply that fits the budget and a
 * state that names a node of the tree. */
static void
sweep(const struct hl_menu *m, const struct hl_budget *b)
{
	const char *in[128];
	struct hl_engine_state s;
	struct hl_engine_result r;
	size_t n;

	for (size_t ni = 0; ni < m->n_nodes; ni++) {
		n = sweep_inputs(m, &m->nodes[ni], in, 128);
		for (size_t li = 0; li < m->n_languages; li++) {
			memset(&s, 0, sizeof s);
			snprintf(s.node, sizeof s.node, "%s", m->nodes[ni].id);
			snprintf(s.lang, sizeof s.lang, "%s",
			    m->languages[li]);
			for (size_t k = 0; k < n * 3; k++) {
				s.page = (unsigned)(k / n);
				assert_int_equal(hl_engine_step(m, b, &s, NULL,
				    in[k % n], strlen(in[k % n]), &r), 0);
				assert_non_null(r.reply);
				assert_true(r.forget || hl_text_fits(b,
				    r.reply, strlen(r.reply)));
				assert_non_null(hl_menu_node_find(m,
				    r.state.node));
				hl_engine_result_clear(&r);
			}
		}
	}
}

static void
test_sweep(void **state)
{
	const struct hl_budget budgets[] = { { HL_CHANNEL_SMS, 1, 0 },
	    { HL_CHANNEL_SMS, 3, 0 }, { HL_CHANNEL_USSD, 1, 160 },
	    { HL_CHANNEL_USSD, 1, 40 } };
	struct fixture *f = *state;
	char *t = long_text(f);

	for (size_t i = 0; i < sizeof budgets / sizeof budgets[0]; i++)
		sweep(&f->m, &budgets[i]);
	free(t);
}

static void
test_yaml_sweep(void **state)
{
	const struct hl_budget budgets[] = { { HL_CHANNEL_SMS, 1, 0 },
	    { HL_CHANNEL_USSD, 1, 160 }, { HL_CHANNEL_USSD, 1, 30 } };

	for (size_t i = 0; i < sizeof budgets / sizeof budgets[0]; i++)
		sweep(*state, &budgets[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resume_offer, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_new_session, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_new_session_keyword,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_new_session_forget,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_global_keys, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_global_words, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_forget, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_options, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_keywords, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_unknown, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_bytes, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_long, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_back, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_invalid_full_screen,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_help_without_target,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_more, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_ussd_leaf_ends, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_vanished_state, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_walk, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_sweep, fx_setup, fx_teardown),
	};

	const struct CMUnitTest yaml_tests[] = {
		cmocka_unit_test(test_yaml_walk),
		cmocka_unit_test(test_yaml_ussd),
		cmocka_unit_test(test_yaml_sweep),
	};
	int failed;

	failed = cmocka_run_group_tests_name("engine", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("engine_yaml", yaml_tests,
	    setup_yaml, teardown_yaml);
	return failed;
}
