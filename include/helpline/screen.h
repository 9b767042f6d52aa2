/*
 * screen.h - turn a node into the text a phone shows, split into pages
 * that each fit the channel's budget.
 *
 * Rendering (exact, because it is counted):
 *
 *     <prefix line, if any>\n
 *     <node text>\n
 *     <key> <label>\n            one line per option
 *     <key> <label> <key> <label> the navigation line: the globals with a
 *                                 label that show on this node
 *
 * On USSD a node without options is final (the session ends with it), so
 * hl_screen_render leaves its navigation line out: it could not be used.
 * Lines are joined with "\n"; empty parts are left out.  When the whole
 * screen exceeds the budget it is split into pages at line, then word,
 * boundaries (never inside a character); every page but the last ends with
 * "\n<more key> <more label>", counted in its budget.  Option and navigation
 * lines are never split across pages.
 */
#ifndef HELPLINE_SCREEN_H
#define HELPLINE_SCREEN_H

#include <stddef.h>

#include "helpline/menu.h"
#include "helpline/text.h"

struct hl_pages {
	char **page;		/* NUL-terminated UTF-8 */
	size_t n;
};

/* Renders a node in language index li, with an optional prefix line (e.g.
 * the "invalid choice" message, may be NULL), into pages that fit budget.
 * Returns 0 or -1 (out of memory, or a single word longer than a page: then
 * that word is cut at a character boundary, never an error). */
int hl_screen_render(const struct hl_menu *, const struct hl_menu_node *,
    int li, const char *prefix, const struct hl_budget *,
    struct hl_pages *out);

/* Renders the whole screen without splitting (malloc'd, caller frees);
 * for the checker and simulate. */
char *hl_screen_render_full(const struct hl_menu *,
    const struct hl_menu_node *, int li, const char *prefix);

/* Renders the USSD resume offer in language index li:
 * "<resume>\n1 <resume_continue>\n2 <resume_restart>" (malloc'd, caller
 * frees); NULL if the tree has no such messages or on out-of-memory.  It
 * is one screen: the checker refuses a tree where it does not fit. */
char *hl_screen_render_resume(const struct hl_menu *, int li);

void hl_pages_free(struct hl_pages *);

#endif
