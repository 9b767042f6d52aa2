/*
 * store_history.c - published menu versions, their events and the draft
 * (history.h), in the store's database.
 *
 * Menu YAML is content written by coordinators, never personal data, so
 * keeping every version is fine.  Statements are prepared per call: these
 * run a few times a day, not per message.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/history.h"
#include "helpline/menu.h"
#include "store_internal.h"

static const char *const history_action_names[HL_HISTORY__MAX] = {
	[HL_HISTORY_START] = "start",
	[HL_HISTORY_RELOAD] = "reload",
	[HL_HISTORY_PUBLISH] = "publish",
	[HL_HISTORY_STAGE] = "stage",
	[HL_HISTORY_ROLLBACK] = "rollback",
};

/* Returns the action's name. */
const char *
hl_history_action_name(enum hl_history_action a)
{
	return (unsigned)a < HL_HISTORY__MAX ? history_action_names[a] : "?";
}

/* Returns true if the action was a coordinator's choice. */
bool
hl_history_is_deliberate(enum hl_history_action a)
{
	return a == HL_HISTORY_PUBLISH || a == HL_HISTORY_STAGE ||
	    a == HL_HISTORY_ROLLBACK;
}

/* Parses an action name; unknown names read as a start (never
 * deliberate, so they never pin a version). */
static enum hl_history_action
history_action_parse(const char *s)
{
	for (int a = 0; a < HL_HISTORY__MAX; a++)
		if (s != NULL && strcmp(s, history_action_names[a]) == 0)
			return (enum hl_history_action)a;
	return HL_HISTORY_START;
}

/* Prepares a statement; NULL on error. */
static sqlite3_stmt *
history_prepare(struct hl_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(hl_store_db(s), sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* Copies a text column into dst[size] ("" for NULL). */
static void
history_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, size, "%s", t != NULL ? (const char *)t : "");
}

/* Runs a statement that returns no rows.  Returns 0 or -1. */
static int
history_exec(struct hl_store *s, const char *sql)
{
	return sqlite3_exec(hl_store_db(s), sql, NULL, NULL, NULL) ==
	    SQLITE_OK ? 0 : -1;
}

/* Reads a kept version's YAML into *yaml.  Returns 0, 1 if not kept, -1. */
static int
history_read_yaml(struct hl_store *s, const char *sql, const char *version,
    char **yaml, size_t *len, char file[256])
{
	sqlite3_stmt *st = history_prepare(s, sql);
	int rc, n;

	*yaml = NULL;
	if (len != NULL)
		*len = 0;
	if (st == NULL)
		return -1;
	if (version != NULL)
		sqlite3_bind_text(st, 1, version, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 1 : -1;
	}
	n = sqlite3_column_bytes(st, 0);
	*yaml = malloc((size_t)n + 1);
	if (*yaml == NULL) {
		sqlite3_finalize(st);
		return -1;
	}
	if (n > 0)
		memcpy(*yaml, sqlite3_column_blob(st, 0), (size_t)n);
	(*yaml)[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	if (file != NULL)
		history_text(st, 1, file, 256);
	sqlite3_finalize(st);
	return 0;
}

/* Keeps a version's YAML unless it is kept already.  Returns 0, 1 if it
 * is kept with other content, -1. */
static int
history_keep(struct hl_store *s, const struct hl_menu *tree,
    const char *yaml, size_t len, int64_t now)
{
	char *old = NULL;
	size_t old_len;
	sqlite3_stmt *st;
	int rc;

	rc = history_read_yaml(s, "SELECT yaml, file FROM menu_versions"
	    " WHERE version = ?1", tree->version, &old, &old_len, NULL);
	if (rc == 0) {
		rc = old_len == len && memcmp(old, yaml, len) == 0 ? 0 : 1;
		free(old);
		return rc;
	}
	if (rc == -1)
		return -1;
	st = history_prepare(s, "INSERT INTO menu_versions"
	    " (version, helpline, file, yaml, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, tree->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, tree->helpline, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, tree->file, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, yaml, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

/* Records that a version went live. */
int
hl_history_record(struct hl_store *s, enum hl_history_action action,
    const struct hl_menu *tree, const char *yaml, size_t len,
    const char *message, int64_t now)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (len > INT_MAX || history_exec(s, "BEGIN IMMEDIATE") == -1)
		return -1;
	rc = history_keep(s, tree, yaml, len, now);
	if (rc != 0)
		goto out;
	rc = -1;
	st = history_prepare(s, "INSERT INTO menu_events"
	    " (at, action, version, message) VALUES (?1, ?2, ?3, ?4)");
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, hl_history_action_name(action), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 3, tree->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, message != NULL ? message : "", -1,
	    SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
out:
	sqlite3_finalize(st);
	if (rc == 0 && history_exec(s, "COMMIT") == 0)
		return 0;
	history_exec(s, "ROLLBACK");
	return rc == 1 ? 1 : -1;
}

#define HISTORY_EVENT_SQL \
	"SELECT e.seq, e.at, e.action, e.version, v.helpline, v.file," \
	" e.message FROM menu_events e JOIN menu_versions v" \
	" ON v.version = e.version ORDER BY e.seq DESC"

/* Reads the current row of an event query. */
static void
history_event_read(sqlite3_stmt *st, struct hl_history_event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->seq = sqlite3_column_int64(st, 0);
	ev->at = sqlite3_column_int64(st, 1);
	ev->action = history_action_parse(
	    (const char *)sqlite3_column_text(st, 2));
	history_text(st, 3, ev->version, sizeof ev->version);
	history_text(st, 4, ev->helpline, sizeof ev->helpline);
	history_text(st, 5, ev->file, sizeof ev->file);
	history_text(st, 6, ev->message, sizeof ev->message);
}

/* Calls cb for every event, newest first. */
int
hl_history_each(struct hl_store *s, hl_history_cb cb, void *arg)
{
	sqlite3_stmt *st = history_prepare(s, HISTORY_EVENT_SQL);
	struct hl_history_event ev;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		history_event_read(st, &ev);
		if (cb(&ev, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Reads the newest event. */
int
hl_history_latest(struct hl_store *s, struct hl_history_event *out)
{
	sqlite3_stmt *st = history_prepare(s, HISTORY_EVENT_SQL " LIMIT 1");
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		history_event_read(st, out);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Reads a kept version's YAML. */
int
hl_history_yaml(struct hl_store *s, const char *version, char **yaml,
    size_t *len, char file[256])
{
	return history_read_yaml(s, "SELECT yaml, file FROM menu_versions"
	    " WHERE version = ?1", version, yaml, len, file);
}

/* Finds the version live before the live one. */
int
hl_history_previous(struct hl_store *s, char version[HL_ID_MAX])
{
	sqlite3_stmt *st = history_prepare(s, "SELECT version FROM menu_events"
	    " WHERE version <> (SELECT version FROM menu_events"
	    " ORDER BY seq DESC LIMIT 1) ORDER BY seq DESC LIMIT 1");
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		history_text(st, 0, version, HL_ID_MAX);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Keeps a tree as the draft. */
int
hl_history_draft_put(struct hl_store *s, const struct hl_menu *tree,
    const char *yaml, size_t len, int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	if (len > INT_MAX)
		return -1;
	st = history_prepare(s, "INSERT OR REPLACE INTO menu_draft"
	    " (id, version, file, yaml, created_at)"
	    " VALUES (1, ?1, ?2, ?3, ?4)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, tree->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, tree->file, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, yaml, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

/* Reads the draft. */
int
hl_history_draft_get(struct hl_store *s, char **yaml, size_t *len,
    char file[256])
{
	return history_read_yaml(s, "SELECT yaml, file FROM menu_draft"
	    " WHERE id = 1", NULL, yaml, len, file);
}

/* Removes the draft. */
int
hl_history_draft_clear(struct hl_store *s)
{
	return history_exec(s, "DELETE FROM menu_draft");
}
