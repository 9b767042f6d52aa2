/*
 * history.h - published menu versions, like commits, and the draft.
 *
 * Every tree that went live is kept with its YAML (menu content, no
 * personal data), and every change of the live version is an event with
 * a message: publish, rollback, a staged publish made while the daemon was
 * down, or the daemon's own start and SIGHUP reload of its configured file.
 * The live version is the version of the newest event.  The draft is one
 * tree that only configured test numbers see.
 *
 * The history is its own database (menus.db in the state directory), apart
 * from the sessions and counters: it holds content, not personal data, and
 * a publish never waits for the daemon's batched session writes.  Writers
 * are helplined (over its control socket) and helplinectl when the daemon
 * is down (staging); readers open it read-only.
 */
#ifndef HELPLINE_HISTORY_H
#define HELPLINE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpline/store.h"	/* HL_ID_MAX */

struct hl_menu;
struct hl_history;

enum hl_history_action {
	HL_HISTORY_START,	/* helplined started on its configured file */
	HL_HISTORY_RELOAD,	/* SIGHUP reloaded the configured file */
	HL_HISTORY_PUBLISH,	/* helplinectl publish, daemon running */
	HL_HISTORY_STAGE,	/* helplinectl publish, daemon down: live at
				 * the next start */
	HL_HISTORY_ROLLBACK,	/* helplinectl rollback */
	HL_HISTORY__MAX,
};

struct hl_history_event {
	int64_t seq;
	int64_t at;			/* unix seconds */
	enum hl_history_action action;
	char version[HL_ID_MAX];
	char helpline[HL_ID_MAX];
	char file[256];			/* where the YAML came from */
	char message[512];
};

/* Opens (creating and setting up if needed, unless readonly) the history
 * database at path.  A read-only open of a missing file fails.  Returns
 * NULL with "path: why" in err on failure. */
struct hl_history *hl_history_open(const char *path, bool readonly,
    char *err, size_t errlen);

/* Closes it.  NULL is fine. */
void hl_history_close(struct hl_history *);

/* Returns the action's name as stored ("publish", ...). */
const char *hl_history_action_name(enum hl_history_action);

/* Returns true if an action was a coordinator's choice (publish, stage,
 * rollback): such a version stays live across restarts, where a start or
 * reload event gives way to the configured file at the next start. */
bool hl_history_is_deliberate(enum hl_history_action);

/*
 * Records that a version went live (or is staged): keeps the YAML under
 * the tree's version if it is new, then appends the event.  A version
 * already kept with different YAML is refused: versions name content.
 * Returns 0; 1 if the version is kept with other content; -1 on error.
 * One transaction: all of it or nothing.
 */
int hl_history_record(struct hl_history *, enum hl_history_action,
    const struct hl_menu *tree, const char *yaml, size_t len,
    const char *message, int64_t now);

/* Reads the newest event into *out.  Returns 0, 1 if there is none, -1. */
int hl_history_latest(struct hl_history *, struct hl_history_event *out);

/* Receives one event, newest first; return non-zero to stop. */
typedef int (*hl_history_cb)(const struct hl_history_event *, void *arg);

/* Calls cb for every event, newest first.  Returns 0 or -1. */
int hl_history_each(struct hl_history *, hl_history_cb cb, void *arg);

/* Reads a kept version's YAML (malloc'd, NUL-terminated; caller frees) and
 * the file it came from into file[256] (may be NULL).  Returns 0, 1 if the
 * version is not kept, -1. */
int hl_history_yaml(struct hl_history *, const char *version, char **yaml,
    size_t *len, char file[256]);

/* Finds the version live before the newest event that is not the live
 * one (the default target of a rollback) into version[HL_ID_MAX].
 * Returns 0, 1 if there is none, -1. */
int hl_history_previous(struct hl_history *, char version[HL_ID_MAX]);

/* Keeps a tree as the draft (replacing any).  Returns 0 or -1. */
int hl_history_draft_put(struct hl_history *, const struct hl_menu *tree,
    const char *yaml, size_t len, int64_t now);

/* Reads the draft's YAML (malloc'd) and file.  Returns 0, 1 if there is
 * none, -1. */
int hl_history_draft_get(struct hl_history *, char **yaml, size_t *len,
    char file[256]);

/* Removes the draft.  Returns 0 or -1. */
int hl_history_draft_clear(struct hl_history *);

#endif
