/*
 * menu_diff.h - what changed between two menu trees, node by node.
 *
 * For coordinators comparing two published versions (helplinectl diff):
 * nodes added and removed, and per node that is in both, each changed
 * text (per language), option (by key: added, removed, label or target
 * changed) and contact field.  Also the tree-wide parts: start node,
 * languages, global keys and words, keywords and the engine's messages.
 */
#ifndef HELPLINE_MENU_DIFF_H
#define HELPLINE_MENU_DIFF_H

#include <stdio.h>

#include "helpline/menu.h"

enum hl_diff_kind {
	HL_DIFF_ADDED,
	HL_DIFF_REMOVED,
	HL_DIFF_CHANGED,
};

/* One change.  Strings are owned by the diff. */
struct hl_diff_item {
	enum hl_diff_kind kind;
	char *node;		/* node id, or NULL for a tree-wide part */
	char *what;		/* the part, as the file names it: "text.nl",
				 * "options[2].label.en" (2 is the option's
				 * key, not its position), "options[2].goto",
				 * "options[3]" (a whole option added or
				 * removed), "options (order)", "contact.phone",
				 * "source", "globals.back.keys",
				 * "globals.back.words.nl", "keywords.nl.arts",
				 * "messages.invalid.en", "start"; NULL for a
				 * whole node added or removed */
	char *before;		/* old value, NULL if added (and for a whole
				 * node); lists are joined with ", ", a whole
				 * option reads "Label -> target" */
	char *after;		/* new value, NULL if removed */
};

struct hl_menu_diff {
	struct hl_diff_item *items;	/* nodes in b's file order, removed
					 * nodes after, tree-wide parts first */
	size_t n;
};

/* Compares trees a (old) and b (new) into *out (zeroed first).  Returns 0,
 * or -1 on out-of-memory (out is then empty). */
int hl_menu_diff(const struct hl_menu *a, const struct hl_menu *b,
    struct hl_menu_diff *out);

/* Writes the diff for a coordinator, in "nl" or "en" (anything else is
 * English): the tree-wide block ("~ whole menu"), then one block per node
 * ("+ node X (added)", "- node X (removed)", "~ node X" with
 * "    text.nl: \"old\" -> \"new\"", "    options[3] (added): \"new\""
 * and "    contact.url (removed): \"old\"" lines; values quoted, with
 * quotes, backslashes and control characters escaped), then a summary
 * line with the counts.  No changes: one line saying so.  Returns 0 or -1
 * (write error). */
int hl_menu_diff_write(const struct hl_menu_diff *, const char *lang,
    FILE *out);

void hl_menu_diff_free(struct hl_menu_diff *);

#endif
