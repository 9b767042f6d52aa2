/*
 * tree_fixture.h - a hand-built two-language menu tree for the screen and
 * engine tests, laid out as the YAML loader would build it, so those tests
 * do not depend on the loader.
 */
#ifndef HELPLINE_TREE_FIXTURE_H
#define HELPLINE_TREE_FIXTURE_H

#include "helpline/menu.h"
#include "helpline/text.h"

/* Node indexes of the hand-built tree. */
enum {
	N_HOME, N_SIGNALS, N_SIG_WORK, N_HELP, N_CONTACTS, N_LONG, N__MAX
};

/* A hand-built two-language tree, laid out as the YAML loader would. */
struct fixture {
	struct hl_menu m;
	struct hl_menu_node nodes[N__MAX];
	struct hl_menu_option home_opts[3];
	struct hl_menu_option signals_opts[1];
	struct hl_menu_keyword kw_nl[2];
	struct hl_menu_keyword kw_en[1];
	char *keys[HL_GLOBAL__MAX][2];
	char *words[HL_GLOBAL__MAX][2][2];
};

/* Budgets the tests use: one SMS segment, and a 160-character USSD screen. */
extern const struct hl_budget sms1;
extern const struct hl_budget ussd160;

/* Sets a two-language text. */
void fx_text(struct hl_menu_text *t, const char *nl, const char *en);

/* Builds the tree (caller frees with free()). */
struct fixture *fx_new(void);

/* cmocka setup and teardown: a fresh tree in *state for each test. */
int fx_setup(void **state);
int fx_teardown(void **state);

#endif
