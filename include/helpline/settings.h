/*
 * settings.h - the settings helplined and helplinectl both read.
 *
 * `helplinectl check` must never accept a tree the daemon would refuse, or
 * the reverse: both take the checker's budgets, region and the places of
 * the database and control socket from this one reader of the config.
 */
#ifndef HELPLINE_SETTINGS_H
#define HELPLINE_SETTINGS_H

#include <stddef.h>

#include "helpline/menu.h"
#include "helpline/text.h"

struct hl_config;

#define HL_STATS_MIN_CELL_DEFAULT 10
#define HL_STATS_MIN_CELL_FLOOR 5	/* DESIGN.md section 5 rule 7 */

struct hl_settings {
	const char *state_dir;		/* [daemon] state_dir, or NULL */
	const char *menu_file;		/* [daemon] menu; NULL: built-in */
	const char *region;		/* [daemon] region, "NL" */
	struct hl_budget sms;		/* [screens] */
	struct hl_budget ussd;
	const char *control_socket;	/* [control] socket; NULL: in the
					 * state directory */
	const char *control_group;	/* [control] group; NULL: owner only */
	unsigned stats_min_cell;	/* [stats] min_cell, >= 5 */
};

/* Reads the shared settings (strings are borrowed from the config).
 * Returns 0, or -1 with a message naming file, line and key in err. */
int hl_settings_read(struct hl_config *, struct hl_settings *, char *err,
    size_t errlen);

/* Writes the state directory: configured, $STATE_DIRECTORY (systemd),
 * $XDG_STATE_HOME/helplined or ~/.local/state/helplined.  Returns 0, or
 * -1 if there is none. */
int hl_settings_state_dir(const struct hl_settings *, char *path,
    size_t len);

/* Writes the database path (<state dir>/helplined.db).  Returns 0 or -1. */
int hl_settings_db_path(const struct hl_settings *, char *path, size_t len);

/* Writes the menu history path (<state dir>/menus.db).  Returns 0 or -1. */
int hl_settings_history_path(const struct hl_settings *, char *path,
    size_t len);

/* Writes the lock file path (<state dir>/helplined.lock): a running
 * daemon holds an exclusive flock on it.  Returns 0 or -1. */
int hl_settings_lock_path(const struct hl_settings *, char *path,
    size_t len);

/* Writes the control socket path (configured, or <state dir>/control.sock).
 * Returns 0 or -1. */
int hl_settings_socket_path(const struct hl_settings *, char *path,
    size_t len);

/* Fills the checker's options: budgets, region and today's date
 * (today must outlive opts; "YYYY-MM-DD"). */
void hl_settings_check_opts(const struct hl_settings *, const char *today,
    struct hl_menu_check_opts *opts);

#endif
