/*
 * test_menu_diff.c - unit tests of the node-level diff of two menu trees
 * (daemon/menu_diff.c).
 *
 * Trees are built from YAML strings by the real loader: a base tree, and
 * variants of it with one kind of change each (a string replaced by
 * another).  Each test asserts the exact items, and the coordinators'
 * text in English and Dutch.
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
#include "helpline/menu_diff.h"

static const char base_yaml[] =
    "helpline: t\n"
    "version: \"1\"\n"
    "languages: [nl, en]\n"
    "start: home\n"
    "messages:\n"
    "  invalid: {nl: Ongeldig, en: Invalid}\n"
    "  forgotten: {nl: Gewist, en: Deleted}\n"
    "globals:\n"
    "  back: {keys: [\"0\"], words: {nl: [TERUG], en: [BACK]}, "
    "label: {nl: Terug, en: Back}, show: inner}\n"
    "  home: {keys: [\"00\"]}\n"
    "  help: {keys: [\"9\"], goto: help}\n"
    "  more: {keys: [\"99\"], label: {nl: Meer, en: More}}\n"
    "  forget: {words: {nl: [WIS], en: [DELETE]}}\n"
    "  language: {words: {nl: [NL], en: [EN]}}\n"
    "nodes:\n"
    "  home:\n"
    "    text: {nl: Hallo, en: Hello}\n"
    "    options:\n"
    "      - {key: \"1\", label: {nl: Signalen, en: Signs}, goto: signals}\n"
    "      - {key: \"2\", label: {nl: Bellen, en: Call}, goto: vt}\n"
    "  signals:\n"
    "    text: {nl: Signalen, en: Signs}\n"
    "  vt:\n"
    "    text: {nl: Veilig Thuis, en: Veilig Thuis}\n"
    "    contact: {name: Veilig Thuis, phone: \"0800-2000\", "
    "source: \"https://veiligthuis.nl/\", checked: 2026-11-01}\n"
    "  help:\n"
    "    text: {nl: Kies een nummer, en: Pick a number}\n"
    "keywords:\n"
    "  nl: {huisarts: signals}\n"
    "  en: {doctor: signals}\n";

/* Loads a tree from YAML; fails the test if it is refused. */
static struct hl_menu *
load(const char *yaml)
{
	struct hl_diags	 d = { 0 };
	struct hl_menu	*m;
	char		 line[512];
	size_t		 i;

	m = hl_menu_load_buffer("t.yaml", yaml, strlen(yaml), NULL, &d);
	for (i = 0; m == NULL && i < d.n; i++) {
		hl_diag_format(&d.items[i], line, sizeof(line));
		print_message("%s\n", line);
	}
	hl_diags_clear(&d);
	assert_non_null(m);
	return m;
}

/*
 * Loads the base tree with pairs of (from, to) replaced, each once; the
 * list ends with NULL.  from must occur in the base.
 */
static struct hl_menu *
variant(const char *from, ...)
{
	struct hl_menu	*m;
	va_list		 ap;
	const char	*f, *t;
	char		*s, *at, *n;

	assert_non_null(s = strdup(base_yaml));
	va_start(ap, from);
	for (f = from; f != NULL; f = va_arg(ap, const char *)) {
		t = va_arg(ap, const char *);
		if ((at = strstr(s, f)) == NULL)
			fail_msg("not in the base: %s", f);
		assert_true(asprintf(&n, "%.*s%s%s", (int)(at - s), s, t,
		    at + strlen(f)) > 0);
		free(s);
		s = n;
	}
	va_end(ap);
	m = load(s);
	free(s);
	return m;
}

/* Returns the item about node (NULL: tree-wide) and what, or NULL. */
static const struct hl_diff_item *
find(const struct hl_menu_diff *d, const char *node, const char *what)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		const struct hl_diff_item *it = &d->items[i];

		if ((node == NULL) != (it->node == NULL) ||
		    (node != NULL && strcmp(node, it->node) != 0))
			continue;
		if ((what == NULL) != (it->what == NULL) ||
		    (what != NULL && strcmp(what, it->what) != 0))
			continue;
		return it;
	}
	return NULL;
}

/* Asserts one item exactly. */
static void
expect(const struct hl_menu_diff *d, const char *node, const char *what,
    enum hl_diff_kind kind, const char *before, const char *after)
{
	const struct hl_diff_item	*it = find(d, node, what);

	if (it == NULL)
		fail_msg("no item %s %s", node != NULL ? node : "(tree)",
		    what != NULL ? what : "(node)");
	assert_int_equal(it->kind, kind);
	if (before == NULL)
		assert_null(it->before);
	else
		assert_string_equal(it->before, before);
	if (after == NULL)
		assert_null(it->after);
	else
		assert_string_equal(it->after, after);
}

/* Returns what hl_menu_diff_write writes in a language (malloc'd). */
static char *
written(const struct hl_menu_diff *d, const char *lang)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	assert_non_null(f = open_memstream(&buf, &len));
	assert_int_equal(hl_menu_diff_write(d, lang, f), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* Diffs a against b, asserting success. */
static void
diff(const struct hl_menu *a, const struct hl_menu *b,
    struct hl_menu_diff *d)
{
	assert_int_equal(hl_menu_diff(a, b, d), 0);
}

/* A tree against itself, or against the same file loaded again: nothing. */
static void
test_identical(void **state)
{
	struct hl_menu		*a = load(base_yaml), *b = load(base_yaml);
	struct hl_menu_diff	 d;
	char			*s;

	(void)state;
	diff(a, a, &d);
	assert_int_equal(d.n, 0);
	hl_menu_diff_free(&d);
	diff(a, b, &d);
	assert_int_equal(d.n, 0);
	assert_null(d.items);
	s = written(&d, "en");
	assert_string_equal(s, "No changes.\n");
	free(s);
	s = written(&d, "nl");
	assert_string_equal(s, "Geen wijzigingen.\n");
	free(s);
	hl_menu_diff_free(&d);
	hl_menu_free(a);
	hl_menu_free(b);
}

/* Nodes added and removed: one item each, in b's order then a's. */
static void
test_nodes_added_removed(void **state)
{
	struct hl_menu		*a = load(base_yaml), *b;
	struct hl_menu_diff	 d;

	(void)state;
	b = variant("  signals:\n    text: {nl: Signalen, en: Signs}\n",
	    "  signs:\n    text: {nl: Signalen, en: Signs}\n",
	    "goto: signals}", "goto: signs}",
	    "{huisarts: signals}", "{huisarts: signs}",
	    "{doctor: signals}", "{doctor: signs}", NULL);
	diff(a, b, &d);
	expect(&d, "signs", NULL, HL_DIFF_ADDED, NULL, NULL);
	expect(&d, "signals", NULL, HL_DIFF_REMOVED, NULL, NULL);
	expect(&d, "home", "options[1].goto", HL_DIFF_CHANGED, "signals",
	    "signs");
	expect(&d, NULL, "keywords.nl.huisarts", HL_DIFF_CHANGED, "signals",
	    "signs");
	expect(&d, NULL, "keywords.en.doctor", HL_DIFF_CHANGED, "signals",
	    "signs");
	assert_int_equal(d.n, 5);
	/* Tree-wide first, then b's nodes, then the removed ones. */
	assert_null(d.items[0].node);
	assert_string_equal(d.items[2].node, "home");
	assert_string_equal(d.items[3].node, "signs");
	assert_string_equal(d.items[4].node, "signals");
	hl_menu_diff_free(&d);
	hl_menu_free(a);
	hl_menu_free(b);
}

/* A changed text is one item per language that changed. */
static void
test_text_changed(void **state)
{
	struct hl_menu		*a = load(base_yaml), *b;
	struct hl_menu_diff	 d;

	(void)state;
	b = variant("text: {nl: Hallo, en: Hello}",
	    "text: {nl: \"Hallo, \\\"welkom\\\"\", en: Hello}", NULL);
	diff(a, b, &d);
	assert_int_equal(d.n, 1);
	expect(&d, "home", "text.nl", HL_DIFF_CHANGED, "Hallo",
	    "Hallo, \"welkom\"");
	hl_menu_diff_free(&d);
	hl_menu_free(b);
	hl_menu_free(a);
}

/* Options are matched by key: added, removed, label, target, order. */
static void
test_options(void **state)
{
	struct hl_menu		*a = load(base_yaml), *b;
	struct hl_menu_diff	 d;

	(void)state;
	/* Key 2 relabelled and retargeted, key 3 new, key 1 gone. */
	b = variant("      - {key: \"1\", label: {nl: Signalen, en: Signs}, "
	    "goto: signals}\n"
	    "      - {key: \"2\", label: {nl: Bellen, en: Call}, goto: vt}\n",
	    "      - {key: \"2\", label: {nl: Bellen, en: Phone}, goto: help}\n"
	    "      - {key: \"3\", label: {nl: Taal, en: Language}, action: "
	    "language}\n", NULL);
	diff(a, b, &d);
	expect(&d, "home", "options[2].label.en", HL_DIFF_CHANGED, "Call",
	    "Phone");
	expect(&d, "home", "options[2].goto", HL_DIFF_CHANGED, "vt", "help");
	expect(&d, "home", "options[3]", HL_DIFF_ADDED, NULL,
	    "Taal -> (action: language)");
	expect(&d, "home", "options[1]", HL_DIFF_REMOVED, "Signalen -> "
	    "signals", NULL);
	assert_null(find(&d, "home", "options (order)"));
	assert_null(find(&d, "home", "options[2].label.nl"));
	hl_menu_diff_free(&d);
	hl_menu_free(b);

	/* The same options in another order. */
	b = variant("      - {key: \"1\", label: {nl: Signalen, en: Signs}, "
	    "goto: signals}\n"
	    "      - {key: \"2\", label: {nl: Bellen, en: Call}, goto: vt}\n",
	    "      - {key: \"2\", label: {nl: Bellen, en: Call}, goto: vt}\n"
	    "      - {key: \"1\", label: {nl: Signalen, en: Signs}, "
	    "goto: signals}\n", NULL);
	diff(a, b, &d);
	assert_int_equal(d.n, 1);
	expect(&d, "home", "options (order)", HL_DIFF_CHANGED, "1 2", "2 1");
	hl_menu_diff_free(&d);
	hl_menu_free(b);
	hl_menu_free(a);
}

/* Contact fields, one by one; a contact that goes is each field gone. */
static void
test_contact(void **state)
{
	struct hl_menu		*a = load(base_yaml), *b;
	struct hl_menu_diff	 d;

	(void)state;
	b = variant("phone: \"0800-2000\", ", "phone: \"0800 2000\", url: "
	    "\"https://veiligthuis.nl/\", ", "checked: 2026-11-01}",
	    "checked: 2026-11-20}", NULL);
	diff(a, b, &d);
	assert_int_equal(d.n, 3);
	expect(&d, "vt", "contact.phone", HL_DIFF_CHANGED, "0800-2000",
	    "0800 2000");
	expect(&d, "vt", "contact.url", HL_DIFF_ADDED, NULL,
	    "https://veiligthuis.nl/");
	expect(&d, "vt", "contact.checked", HL_DIFF_CHANGED, "2026-11-01",
	    "2026-11-20");
	hl_menu_diff_free(&d);
	hl_menu_free(b);

	b = variant("    contact: {name: Veilig Thuis, phone: \"0800-2000\", "
	    "source: \"https://veiligthuis.nl/\", checked: 2026-11-01}\n",
	    "    source: brief 1\n", NULL);
	diff(a, b, &d);
	assert_int_equal(d.n, 5);
	expect(&d, "vt", "contact.name", HL_DIFF_REMOVED, "Veilig Thuis",
	    NULL);
	expect(&d, "vt", "contact.phone", HL_DIFF_REMOVED, "0800-2000", NULL);
	expect(&d, "vt", "contact.source", HL_DIFF_REMOVED,
	    "https://veiligthuis.nl/", NULL);
	expect(&d, "vt", "contact.checked", HL_DIFF_REMOVED, "2026-11-01",
	    NULL);
	expect(&d, "vt", "source", HL_DIFF_ADDED, NULL, "brief 1");
	hl_menu_diff_free(&d);
	hl_menu_free(b);
	hl_menu_free(a);
}

/* The tree-wide parts: start, version, globals, keywords, messages. */
static void
test_tree_wide(void **state)
{
	struct hl_menu		*a = load(base_yaml), *b;
	struct hl_menu_diff	 d;

	(void)state;
	b = variant("version: \"1\"", "version: \"2\"",
	    "start: home", "start: signals",
	    "  forgotten: {nl: Gewist, en: Deleted}\n",
	    "  forgotten: {nl: Gewist, en: Deleted}\n"
	    "  resume: {nl: Onderbroken, en: Cut off}\n"
	    "  resume_continue: {nl: Verder, en: Continue}\n"
	    "  resume_restart: {nl: Menu, en: Menu}\n",
	    "back: {keys: [\"0\"], words: {nl: [TERUG], en: [BACK]}, "
	    "label: {nl: Terug, en: Back}, show: inner}",
	    "back: {keys: [\"0\", \"#\"], words: {nl: [TERUG, VORIGE], en: "
	    "[BACK]}, label: {nl: Terug, en: Go back}, show: all}",
	    "help: {keys: [\"9\"], goto: help}", "help: {keys: [\"9\"], goto: "
	    "vt}",
	    "  nl: {huisarts: signals}\n", "  nl: {arts: vt}\n", NULL);
	diff(a, b, &d);
	expect(&d, NULL, "version", HL_DIFF_CHANGED, "1", "2");
	expect(&d, NULL, "start", HL_DIFF_CHANGED, "home", "signals");
	expect(&d, NULL, "messages.resume.nl", HL_DIFF_ADDED, NULL,
	    "Onderbroken");
	expect(&d, NULL, "messages.resume_restart.en", HL_DIFF_ADDED, NULL,
	    "Menu");
	expect(&d, NULL, "globals.back.keys", HL_DIFF_CHANGED, "0", "0, #");
	expect(&d, NULL, "globals.back.words.nl", HL_DIFF_CHANGED, "terug",
	    "terug, vorige");
	expect(&d, NULL, "globals.back.label.en", HL_DIFF_CHANGED, "Back",
	    "Go back");
	expect(&d, NULL, "globals.back.show", HL_DIFF_CHANGED, "inner", "all");
	expect(&d, NULL, "globals.help.goto", HL_DIFF_CHANGED, "help", "vt");
	expect(&d, NULL, "keywords.nl.arts", HL_DIFF_ADDED, NULL, "vt");
	expect(&d, NULL, "keywords.nl.huisarts", HL_DIFF_REMOVED, "signals",
	    NULL);
	/* 6 messages (3 texts, 2 languages) and the rest above. */
	assert_int_equal(d.n, 15);
	hl_menu_diff_free(&d);
	hl_menu_free(b);
	hl_menu_free(a);
}

/* A language added shows as texts added, compared by code. */
static void
test_language_added(void **state)
{
	struct hl_menu		*a, *b;
	struct hl_menu_diff	 d;

	(void)state;
	a = load("helpline: t\nversion: \"1\"\nlanguages: [en]\nstart: home\n"
	    "messages: {invalid: {en: Invalid}, forgotten: {en: Deleted}}\n"
	    "globals:\n  back: {keys: [\"0\"]}\n  home: {keys: [\"00\"]}\n"
	    "  more: {keys: [\"99\"], label: {en: More}}\n"
	    "  forget: {words: {en: [DELETE]}}\n"
	    "  language: {words: {en: [EN]}}\n"
	    "nodes:\n  home: {text: {en: Hello}}\n");
	b = load("helpline: t\nversion: \"1\"\nlanguages: [nl, en]\n"
	    "start: home\nmessages: {invalid: {nl: Ongeldig, en: Invalid}, "
	    "forgotten: {nl: Gewist, en: Deleted}}\n"
	    "globals:\n  back: {keys: [\"0\"]}\n  home: {keys: [\"00\"]}\n"
	    "  more: {keys: [\"99\"], label: {nl: Meer, en: More}}\n"
	    "  forget: {words: {nl: [WIS], en: [DELETE]}}\n"
	    "  language: {words: {nl: [NL], en: [EN]}}\n"
	    "nodes:\n  home: {text: {nl: Hallo, en: Hello}}\n");
	diff(a, b, &d);
	expect(&d, NULL, "languages", HL_DIFF_CHANGED, "en", "nl, en");
	expect(&d, "home", "text.nl", HL_DIFF_ADDED, NULL, "Hallo");
	expect(&d, NULL, "globals.more.label.nl", HL_DIFF_ADDED, NULL, "Meer");
	expect(&d, NULL, "globals.forget.words.nl", HL_DIFF_ADDED, NULL,
	    "wis");
	assert_null(find(&d, "home", "text.en"));
	/* languages; messages, more's label, forget's and language's words,
	 * the text: each in nl. */
	assert_int_equal(d.n, 7);
	hl_menu_diff_free(&d);
	/* And the other way round: removed. */
	diff(b, a, &d);
	expect(&d, "home", "text.nl", HL_DIFF_REMOVED, "Hallo", NULL);
	assert_int_equal(d.n, 7);
	hl_menu_diff_free(&d);
	hl_menu_free(a);
	hl_menu_free(b);
}

/* The coordinators' text, exactly, in English and in Dutch. */
static void
test_write(void **state)
{
	struct hl_menu		*a = load(base_yaml), *b;
	struct hl_menu_diff	 d;
	char			*s;

	(void)state;
	b = variant("start: home", "start: signals",
	    "text: {nl: Hallo, en: Hello}", "text: {nl: \"Hallo\\ndaar\", "
	    "en: Hello}",
	    "      - {key: \"2\", label: {nl: Bellen, en: Call}, goto: vt}\n",
	    "",
	    "  help:\n", "  new:\n    text: {nl: Nieuw, en: New}\n  help:\n",
	    "  vt:\n    text: {nl: Veilig Thuis, en: Veilig Thuis}\n"
	    "    contact: {name: Veilig Thuis, phone: \"0800-2000\", "
	    "source: \"https://veiligthuis.nl/\", checked: 2026-11-01}\n", "",
	    NULL);
	diff(a, b, &d);
	s = written(&d, "en");
	assert_string_equal(s,
	    "~ whole menu\n"
	    "    start: \"home\" -> \"signals\"\n"
	    "~ node home\n"
	    "    text.nl: \"Hallo\" -> \"Hallo\\ndaar\"\n"
	    "    options[2] (removed): \"Bellen -> vt\"\n"
	    "+ node new (added)\n"
	    "- node vt (removed)\n"
	    "Nodes added: 1, removed: 1, changed: 1; changes to the whole "
	    "menu: 1.\n");
	free(s);
	s = written(&d, "nl");
	assert_string_equal(s,
	    "~ hele menu\n"
	    "    start: \"home\" -> \"signals\"\n"
	    "~ knooppunt home\n"
	    "    text.nl: \"Hallo\" -> \"Hallo\\ndaar\"\n"
	    "    options[2] (verwijderd): \"Bellen -> vt\"\n"
	    "+ knooppunt new (toegevoegd)\n"
	    "- knooppunt vt (verwijderd)\n"
	    "Knooppunten toegevoegd: 1, verwijderd: 1, gewijzigd: 1; "
	    "wijzigingen aan het hele menu: 1.\n");
	free(s);
	hl_menu_diff_free(&d);
	hl_menu_free(b);
	hl_menu_free(a);
}

/* A write error is reported. */
static void
test_write_error(void **state)
{
	struct hl_menu_diff	 d = { 0 };
	FILE			*f;

	(void)state;
	if ((f = fopen("/dev/full", "w")) == NULL)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(hl_menu_diff_write(&d, "en", f), -1);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_nodes_added_removed),
		cmocka_unit_test(test_text_changed),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_contact),
		cmocka_unit_test(test_tree_wide),
		cmocka_unit_test(test_language_added),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
