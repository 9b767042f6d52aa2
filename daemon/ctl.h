/*
 * ctl.h - what helplinectl's subcommands share (ctl*.c only).
 *
 * helplinectl speaks to coordinators, not programmers: every message
 * exists in English and Dutch (ctl_tr), chosen by --lang or the locale.
 */
#ifndef HELPLINE_CTL_H
#define HELPLINE_CTL_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "helpline/settings.h"

struct hl_config;
struct hl_history;
struct hl_menu;
struct hl_store;

/* Exit statuses, documented in helplinectl --help and the README. */
#define CTL_OK 0		/* done (warnings may have been printed) */
#define CTL_REFUSED 1		/* the tree has errors, or the daemon
				 * refused the change: nothing changed */
#define CTL_TROUBLE 2		/* bad usage, unreadable config, no access */

struct ctl {
	const char *lang;	/* "nl" or "en": the tool's own words */
	const char *config_path;
	struct hl_config *config;
	struct hl_settings settings;
	char today[11];
};

/* One subcommand. */
struct ctl_command {
	const char *name;
	int (*run)(struct ctl *, int argc, char **argv);
	const char *summary_en;
	const char *summary_nl;
};

/* Picks the English or Dutch form of a message. */
#define ctl_tr(ctl, en, nl) (strcmp((ctl)->lang, "nl") == 0 ? (nl) : (en))

/* Prints an error line "helplinectl: ..." in the chosen language. */
void ctl_err(const struct ctl *, const char *en, const char *nl, ...)
    __attribute__((format(printf, 2, 4)));

/* Handles an option every subcommand takes (--lang); returns true if it
 * was one. */
bool ctl_common_option(struct ctl *, int ch, const char *arg);

/* Reads the config (if -c was given) and the shared settings.  Returns 0
 * or -1 (reported). */
int ctl_load_settings(struct ctl *);

/* Fills the checker's options as the daemon does. */
void ctl_check_opts(struct ctl *, struct hl_menu_check_opts *);

/* Opens the daemon's database read-only.  NULL (reported) on failure. */
struct hl_store *ctl_open_store_ro(struct ctl *);

/* Opens the menu history (read-only, or to stage a change while the
 * daemon is down).  NULL (reported) on failure. */
struct hl_history *ctl_open_history(struct ctl *, bool readonly);

/* Loads the live tree: the newest version in the history, else the
 * configured file, else the built-in menu.  NULL (reported) on failure. */
struct hl_menu *ctl_live_tree(struct ctl *);

/* Sends one request to the daemon and reads its response.  Returns 0;
 * -1 if the daemon is not running (no socket, or nobody answers); -2 if
 * access is denied; -3 on any other failure (reported). */
int ctl_request(struct ctl *, json_t *request, json_t **response);

/* Prints findings (text or JSON lines). */
void ctl_print_findings(struct ctl *, const struct hl_diags *, FILE *);

/* Returns a string member of a JSON object, or def. */
const char *ctl_json_str(json_t *obj, const char *key, const char *def);

/* Prints the findings a daemon response carries. */
void ctl_print_response_findings(struct ctl *, json_t *response, FILE *);

int ctl_check(struct ctl *, int, char **);
int ctl_simulate(struct ctl *, int, char **);
int ctl_publish(struct ctl *, int, char **);
int ctl_rollback(struct ctl *, int, char **);
int ctl_draft(struct ctl *, int, char **);
int ctl_status(struct ctl *, int, char **);
int ctl_history(struct ctl *, int, char **);
int ctl_diff(struct ctl *, int, char **);
int ctl_stats(struct ctl *, int, char **);

#endif
