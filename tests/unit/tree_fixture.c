/*
 * tree_fixture.c - the hand-built tree shared by test_screen and
 * test_engine (see tree_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tree_fixture.h"

const struct hl_budget sms1 = { HL_CHANNEL_SMS, 1, 0 };
const struct hl_budget ussd160 = { HL_CHANNEL_USSD, 1, 160 };

/* Sets a two-language text. */
void
fx_text(struct hl_menu_text *t, const char *nl, const char *en)
{
	memset(t, 0, sizeof *t);
	t->s[0] = (char *)nl;
	t->s[1] = (char *)en;
}

/* Sets a global's keys (up to 2), words (up to 2 per language), label. */
static void
fx_global(struct fixture *f, enum hl_global g, const char *k1,
    const char *k2, const char *nl1, const char *nl2, const char *en1,
    const char *en2, const char *lnl, const char *len, enum hl_global_show sh)
{
	struct hl_menu_global *gl = &f->m.globals[g];
	const char *w[2][2] = { { nl1, nl2 }, { en1, en2 } };

	f->keys[g][0] = (char *)k1;
	f->keys[g][1] = (char *)k2;
	gl->keys = f->keys[g];
	gl->n_keys = k2 != NULL ? 2 : k1 != NULL ? 1 : 0;
	for (int li = 0; li < 2; li++) {
		f->words[g][li][0] = (char *)w[li][0];
		f->words[g][li][1] = (char *)w[li][1];
		gl->words[li] = f->words[g][li];
		gl->n_words[li] = w[li][1] != NULL ? 2 : w[li][0] != NULL;
	}
	fx_text(&gl->label, lnl, len);
	gl->show = sh;
}

/* Sets a node. */
static void
fx_node(struct fixture *f, int i, const char *id, const char *nl,
    const char *en, int parent)
{
	struct hl_menu_node *n = &f->nodes[i];

	n->id = (char *)id;
	fx_text(&n->text, nl, en);
	n->parent = parent >= 0 ? &f->nodes[parent] : NULL;
}

/* Sets an option. */
static void
fx_option(struct hl_menu_option *o, const char *key, const char *nl,
    const char *en, const struct hl_menu_node *target)
{
	o->key = (char *)key;
	fx_text(&o->label, nl, en);
	o->action = target != NULL ? HL_ACTION_GOTO : HL_ACTION_LANGUAGE;
	o->target = target;
}

/* Builds the tree:
 *   home -1-> signals -1-> sig_work
 *        -2-> contacts
 *        -8-> (next language)
 *   help (the help global's node), long (for paging, no options) */
struct fixture *
fx_new(void)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct hl_menu *m;

	assert_non_null(f);
	m = &f->m;
	m->file = (char *)"fixture";
	m->helpline = (char *)"test";
	m->version = (char *)"1";
	m->languages[0] = (char *)"nl";
	m->languages[1] = (char *)"en";
	m->n_languages = 2;
	m->nodes = f->nodes;
	m->n_nodes = N__MAX;
	m->start = &f->nodes[N_HOME];

	fx_node(f, N_HOME, "home", "Hulplijn uitbuiting.",
	    "Exploitation helpline.", -1);
	fx_node(f, N_SIGNALS, "signals", "Signalen van uitbuiting.",
	    "Signs of exploitation.", N_HOME);
	fx_node(f, N_SIG_WORK, "sig_work", "Werk zonder contract.",
	    "Work without a contract.", N_SIGNALS);
	fx_node(f, N_HELP, "help", "Typ een nummer.", "Type a number.", -1);
	fx_node(f, N_CONTACTS, "contacts", "Bel Veilig Thuis 0800-2000.",
	    "Call Veilig Thuis 0800-2000.", N_HOME);
	fx_node(f, N_LONG, "long", "", "", N_HOME);

	fx_option(&f->home_opts[0], "1", "Signalen", "Signs",
	    &f->nodes[N_SIGNALS]);
	fx_option(&f->home_opts[1], "2", "Contact", "Contact",
	    &f->nodes[N_CONTACTS]);
	fx_option(&f->home_opts[2], "8", "English", "Nederlands", NULL);
	f->nodes[N_HOME].options = f->home_opts;
	f->nodes[N_HOME].n_options = 3;
	fx_option(&f->signals_opts[0], "1", "Werk", "Work",
	    &f->nodes[N_SIG_WORK]);
	f->nodes[N_SIGNALS].options = f->signals_opts;
	f->nodes[N_SIGNALS].n_options = 1;

	fx_global(f, HL_GLOBAL_BACK, "0", NULL, "TERUG", NULL, "BACK", NULL,
	    "Terug", "Back", HL_SHOW_INNER);
	fx_global(f, HL_GLOBAL_HOME, "00", NULL, "MENU", NULL, "MENU", NULL,
	    "Menu", "Menu", HL_SHOW_INNER);
	fx_global(f, HL_GLOBAL_HELP, "9", NULL, "HELP", NULL, "HELP", NULL,
	    "Help", "Help", HL_SHOW_START);
	f->m.globals[HL_GLOBAL_HELP].target = &f->nodes[N_HELP];
	fx_global(f, HL_GLOBAL_MORE, "99", NULL, "MEER", NULL, "MORE", NULL,
	    "Meer", "More", HL_SHOW_ALL);
	fx_global(f, HL_GLOBAL_FORGET, NULL, NULL, "STOP", "WIS", "STOP",
	    "DELETE", NULL, NULL, HL_SHOW_NEVER);
	fx_global(f, HL_GLOBAL_LANGUAGE, NULL, NULL, "NL", NULL, "EN", NULL,
	    NULL, NULL, HL_SHOW_NEVER);

	f->kw_nl[0] = (struct hl_menu_keyword){ .word = (char *)"huisarts",
	    .target = &f->nodes[N_CONTACTS] };
	f->kw_nl[1] = (struct hl_menu_keyword){ .word = (char *)"werk",
	    .target = &f->nodes[N_SIG_WORK] };
	f->kw_en[0] = (struct hl_menu_keyword){ .word = (char *)"doctor",
	    .target = &f->nodes[N_CONTACTS] };
	m->keywords[0] = f->kw_nl;
	m->n_keywords[0] = 2;
	m->keywords[1] = f->kw_en;
	m->n_keywords[1] = 1;

	fx_text(&m->messages.invalid, "Ongeldige keuze. Kies een nummer.",
	    "Invalid choice. Pick a number.");
	fx_text(&m->messages.forgotten, "Je gegevens zijn gewist.",
	    "Your data has been deleted.");
	return f;
}

/* Creates the tree for a test. */
int
fx_setup(void **state)
{
	*state = fx_new();
	return 0;
}

/* Frees the tree of a test. */
int
fx_teardown(void **state)
{
	free(*state);
	return 0;
}
