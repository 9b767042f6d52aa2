/*
 * menu_admin.h - which menu tree is live, and the control commands that
 * change it: publish, rollback, draft (helplinectl over the control
 * socket), plus the daemon's start-up choice and SIGHUP reload.
 *
 * Every path checks a tree completely (hl_menu_load_buffer, the checker of
 * DESIGN.md section 4) before anything changes; then it records the event
 * in the history (history.h) and only then swaps the core's pointer, so a
 * broken tree or a failed write changes nothing.
 */
#ifndef HELPLINE_MENU_ADMIN_H
#define HELPLINE_MENU_ADMIN_H

#include <jansson.h>

#include "helpline/menu.h"

struct hl_core;
struct hl_history;
struct hl_settings;

struct hl_menu_admin;

/* Creates the menu administration for a history and the settings (both
 * borrowed; they outlive it). */
struct hl_menu_admin *hl_menu_admin_new(struct hl_history *,
    const struct hl_settings *);

/* Chooses the tree to start on: the newest version a coordinator
 * published (or staged, or rolled back to), else the configured file or
 * the built-in menu, which is then recorded as started.  Returns the tree
 * (caller owns) or NULL after logging why. */
struct hl_menu *hl_menu_admin_initial(struct hl_menu_admin *);

/* Gives the core (borrowed) and loads the kept draft, if any.  Call once
 * the core exists. */
void hl_menu_admin_attach(struct hl_menu_admin *, struct hl_core *);

/* Reloads the configured file (SIGHUP): a new version goes live. */
void hl_menu_admin_reload(struct hl_menu_admin *);

/* Answers one control request (control.h's callback; arg is the
 * hl_menu_admin). */
json_t *hl_menu_admin_command(json_t *request, void *arg);

void hl_menu_admin_free(struct hl_menu_admin *);

#endif
