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
	bool resume_offered;	/* the caller was asked "continue where you
				 * were (1) or main menu (2)?"; node/page
				 * are where they were */
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

/*
 * Offers a USSD caller whose session dropped mid-menu, and who dials again,
 * to continue where they were or go to the main menu (DESIGN.md section 4).
 * The reply is the tree's resume offer; the new state is state with
 * resume_offered set, and the next step takes 1 (continue: state's screen
 * again), 2 or home (the start screen), forget-me, or anything else (the
 * offer again).  Returns 0; 1 if the tree has no resume messages or state
 * names nothing in it (the caller starts afresh); -1 on out-of-memory.
 */
int hl_engine_offer_resume(const struct hl_menu *,
    const struct hl_engine_state *state, struct hl_engine_result *out);

/* Frees what a result owns. */
void hl_engine_result_clear(struct hl_engine_result *);

#endif
