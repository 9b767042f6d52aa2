/*
 * engine.h - one step of a conversation: (tree, state, input) -> (reply,
 * new state, what to count).  Pure: no I/O, no clock, no storage; the core
 * reads and writes the session around it.
 *
 * Input handling, in order (after trimming ASCII white space):
 *   invalid UTF-8                -> unknown input
 *   a global key (exact)         -> back / home / help / more / forget
 *   an option key of this node   -> its action
 *   a global word (any case) of any language
 *                                -> back / home / help / more / forget,
 *                                   or a language switch
 *   a keyword of the current language, then of the others
 *                                -> that node
 *   anything else                -> the "invalid" message + the same screen
 * A new session (state == NULL) shows the start node, unless its first
 * message is a keyword, a language word or a help word, which it honours
 * (a forget word as first message stores nothing and says so).
 * On USSD a node without options is final: the reply ends the session.
 */
#ifndef HELPLINE_ENGINE_H
#define HELPLINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "helpline/menu.h"
#include "helpline/store.h"
#include "helpline/text.h"

/* Where a caller is in a tree. */
struct hl_engine_state {
	char node[HL_ID_MAX];
	char lang[HL_LANG_MAX];
	unsigned page;
};

struct hl_engine_result {
	char *reply;		/* the page to send; malloc'd, caller frees */
	bool end;		/* the conversation is over (USSD final screen,
				 * forget-me): delete the session */
	bool forget;		/* forget-me: delete the session now */
	struct hl_engine_state state;	/* the new state (unless end) */
	bool started;		/* a new session began */
	enum hl_counter_kind counted;	/* VIEW, INVALID or FORGET */
	const struct hl_menu_node *counted_node;	/* node the count is for */
};

/* Takes one input.  state is NULL for a new conversation (default language
 * is the tree's first, or lang_hint if the tree has it).  Returns 0, or -1
 * on out-of-memory; never fails on bad input. */
int hl_engine_step(const struct hl_menu *, const struct hl_budget *,
    const struct hl_engine_state *state, const char *lang_hint,
    const char *input, size_t len, struct hl_engine_result *out);

/* Frees what a result owns. */
void hl_engine_result_clear(struct hl_engine_result *);

#endif
