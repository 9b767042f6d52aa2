/*
 * history.c - published menu versions, their events and the draft
 * (history.h), in a database of their own.
 *
 * Menu YAML is content written by coordinators, never personal data, so
 * keeping every version is fine, and it is kept apart from the sessions.
 * Statements are prepared per call: these run a few times a day, not per
 * message.  synchronous=FULL: a publish is rare and must survive a power
 * cut once it has been answered.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "helpline/history.h"
#include "helpline/menu.h"

#define HISTORY_SCHEMA_VERSION 1
#define HISTORY_APPLICATION_ID 0x484c4d4e	/* "HLMN" */
#define HISTORY_BUSY_MS 2000

struct hl_history {
	sqlite3 *db;
};

static const char history_schema[] =
    "CREATE TABLE IF NOT EXISTS menu_versions ("
    "  version TEXT PRIMARY KEY, helpline TEXT NOT NULL,"
    "  file TEXT NOT NULL, yaml BLOB NOT NULL, created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE IF NOT EXISTS menu_events ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,"
    "  action TEXT NOT NULL, version TEXT NOT NULL"
    "  REFERENCES menu_versions (version), message TEXT NOT NULL"
    ");"
    "CREATE TABLE IF NOT EXISTS menu_draft ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1), version TEXT NOT NULL,"
    "  file TEXT NOT NULL, yaml BLOB NOT NULL, created_at INTEGER NOT NULL"
    ");";

static const char *const history_action_names[HL_HISTORY__MAX] = {
	[HL_HISTORY_START] = "start",
	[HL_HISTORY_RELOAD] = "reload",
	[HL_HISTORY_PUBLISH] = "publish",
	[HL_HISTORY_STAGE] = "stage",
	[HL_HISTORY_ROLLBACK] = "rollback",
};

/* Reads one integer pragma or query.  Returns 0 or -1. */
static int
history_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Checks the file is a history of ours (or new and empty). */
static int
history_check_file(sqlite3 *db, bool readonly, char *err, size_t errlen,
    const char *path)
{
	int64_t app, version, objects;

	if (history_int(db, "PRAGMA application_id", &app) == -1 ||
	    history_int(db, "PRAGMA user_version", &version) == -1 ||
	    history_int(db, "SELECT count(*) FROM sqlite_schema",
	    &objects) == -1) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
		    sqlite3_errmsg(db));
		return -1;
	}
	if ((app != HISTORY_APPLICATION_ID && (app != 0 || objects != 0)) ||
	    version > HISTORY_SCHEMA_VERSION ||
	    (readonly && version != HISTORY_SCHEMA_VERSION)) {
		snprintf(err, errlen, "%s: not a helplined menu history",
		    path);
		return -1;
	}
	return 0;
}

/* Sets up a writable history: WAL, FULL sync, the tables. */
static int
history_setup(sqlite3 *db, char *err, size_t errlen, const char *path)
{
	char sql[160];

	snprintf(sql, sizeof sql, "PRAGMA journal_mode = WAL;"
	    " PRAGMA synchronous = FULL; PRAGMA application_id = %d;"
	    " PRAGMA user_version = %d;", HISTORY_APPLICATION_ID,
	    HISTORY_SCHEMA_VERSION);
	if (sqlite3_exec(db, history_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot set up: %s", path,
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* Opens the history database. */
struct hl_history *
hl_history_open(const char *path, bool readonly, char *err, size_t errlen)
{
	struct hl_history *h = calloc(1, sizeof *h);
	int flags = readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int fd;

	if (h == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (readonly && access(path, R_OK) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	/* Created private; SQLite gives -wal and -shm the same mode. */
	if (!readonly) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		close(fd);
	}
	if (sqlite3_open_v2(path, &h->db, flags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, h->db != NULL ?
		    sqlite3_errmsg(h->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(h->db, HISTORY_BUSY_MS);
	sqlite3_db_config(h->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(h->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (history_check_file(h->db, readonly, err, errlen, path) == -1 ||
	    (!readonly && history_setup(h->db, err, errlen, path) == -1))
		goto fail;
	return h;
fail:
	hl_history_close(h);
	return NULL;
}

/* Closes the history. */
void
hl_history_close(struct hl_history *h)
{
	if (h == NULL)
		return;
	sqlite3_close(h->db);
	free(h);
}

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
history_prepare(struct hl_history *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) !=
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
history_exec(struct hl_history *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) ==
	    SQLITE_OK ? 0 : -1;
}

/* Reads a kept version's YAML into *yaml.  Returns 0, 1 if not kept, -1. */
static int
history_read_yaml(struct hl_history *s, const char *sql, const char *version,
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
history_keep(struct hl_history *s, const struct hl_menu *tree,
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
hl_history_record(struct hl_history *s, enum hl_history_action action,
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
hl_history_each(struct hl_history *s, hl_history_cb cb, void *arg)
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
hl_history_latest(struct hl_history *s, struct hl_history_event *out)
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
hl_history_yaml(struct hl_history *s, const char *version, char **yaml,
    size_t *len, char file[256])
{
	return history_read_yaml(s, "SELECT yaml, file FROM menu_versions"
	    " WHERE version = ?1", version, yaml, len, file);
}

/* Finds the version live before the live one. */
int
hl_history_previous(struct hl_history *s, char version[HL_ID_MAX])
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
hl_history_draft_put(struct hl_history *s, const struct hl_menu *tree,
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
hl_history_draft_get(struct hl_history *s, char **yaml, size_t *len,
    char file[256])
{
	return history_read_yaml(s, "SELECT yaml, file FROM menu_draft"
	    " WHERE id = 1", NULL, yaml, len, file);
}

/* Removes the draft. */
int
hl_history_draft_clear(struct hl_history *s)
{
	return history_exec(s, "DELETE FROM menu_draft");
}
