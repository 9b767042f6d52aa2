/*
 * store_sqlite.c - the store on SQLite: sessions by pseudonym and
 * aggregated counters (include/helpline/store.h, DESIGN.md sections 5, 8).
 *
 * One connection, used only by the daemon's single thread, so it is opened
 * NOMUTEX.  Every setting that privacy depends on is set and then read back
 * at open; the store refuses to run if one does not hold, naming the file.
 * Statements are prepared once at open and reset after each use.
 *
 * What keeps a deleted pseudonym off the disk:
 *   - secure_delete=ON zeroes deleted cells and freed pages (FAST leaves
 *     freed pages as they were);
 *   - that is not enough on its own: when SQLite rebalances a b-tree it
 *     can rebuild a live page and leave the old bytes of a cell that moved
 *     to a sibling in the page's unallocated gap, where deleting the row
 *     later does not reach them (seen in about one run in six of the
 *     "delete half of 500" unit test).  So after rows are deleted, the
 *     sessions table is rewritten: its live rows are copied to a temporary
 *     table in memory, the table is cleared (which frees, and so zeroes,
 *     every page of it and its indexes) and the rows are put back.  This
 *     costs time in proportion to the live sessions, which are few;
 *   - temp_store=MEMORY keeps that copy, sorts and temporary tables out of
 *     files;
 *   - then the WAL is checkpointed with TRUNCATE so the frames that held
 *     the row (before and after it was zeroed) leave the -wal file.
 * auto_vacuum stays NONE: freed pages sit on the freelist, but zeroed, so
 * there is nothing to gain from moving pages around on every commit.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "helpline/store.h"
#include "store_policy.h"

#define STORE_SCHEMA_VERSION 2
#define STORE_APPLICATION_ID 0x484c504e	/* "HLPN" */
#define STORE_BUSY_MS 100		/* the event loop must not wait longer */

enum store_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_GET,
	STMT_PUT,
	STMT_DELETE,
	STMT_DROPOFF,
	STMT_EXPIRE,
	STMT_ON_VERSION,
	STMT_COUNT,
	STMT_COUNTER_ADD,
	STMT_COUNTER_GET,
	STMT_SCRUB_SAVE,
	STMT_SCRUB_CLEAR,
	STMT_SCRUB_RESTORE,
	STMT_SCRUB_EMPTY,
	STMT__MAX,
};

static const char *const store_sql[STMT__MAX] = {
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",
	[STMT_GET] =
	    "SELECT node, tree_version, lang, channel, page, expires_at,"
	    " dialog, flags FROM sessions WHERE who = ?1 AND expires_at > ?2",
	[STMT_PUT] =
	    "INSERT INTO sessions"
	    " (who, node, tree_version, lang, channel, page, expires_at,"
	    " dialog, flags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
	    " ON CONFLICT (who) DO UPDATE SET node = excluded.node,"
	    " tree_version = excluded.tree_version, lang = excluded.lang,"
	    " channel = excluded.channel, page = excluded.page,"
	    " expires_at = excluded.expires_at, dialog = excluded.dialog,"
	    " flags = excluded.flags",
	[STMT_DELETE] = "DELETE FROM sessions WHERE who = ?1",
	[STMT_DROPOFF] =
	    "INSERT INTO counters (day, node, channel, lang, kind, n)"
	    " SELECT ?1, node, channel, lang, ?2, count(*) FROM sessions"
	    " WHERE expires_at <= ?3 AND (flags & 2) = 0"
	    " GROUP BY node, channel, lang"
	    " ON CONFLICT (day, node, channel, lang, kind)"
	    " DO UPDATE SET n = n + excluded.n",
	[STMT_EXPIRE] = "DELETE FROM sessions WHERE expires_at <= ?1",
	[STMT_ON_VERSION] =
	    "SELECT count(*) FROM sessions WHERE tree_version = ?1",
	[STMT_COUNT] = "SELECT count(*) FROM sessions",
	[STMT_COUNTER_ADD] =
	    "INSERT INTO counters (day, node, channel, lang, kind, n)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT (day, node, channel, lang, kind)"
	    " DO UPDATE SET n = n + excluded.n",
	[STMT_COUNTER_GET] =
	    "SELECT n FROM counters WHERE day = ?1 AND node = ?2"
	    " AND channel = ?3 AND lang = ?4 AND kind = ?5",
	[STMT_SCRUB_SAVE] = "INSERT INTO temp.scrub SELECT * FROM main.sessions",
	/* No WHERE: SQLite clears the b-trees whole, freeing every page. */
	[STMT_SCRUB_CLEAR] = "DELETE FROM main.sessions",
	[STMT_SCRUB_RESTORE] =
	    "INSERT INTO main.sessions SELECT * FROM temp.scrub ORDER BY who",
	[STMT_SCRUB_EMPTY] = "DELETE FROM temp.scrub",
};

/* Where the scrub keeps the live sessions meanwhile; in memory, since
 * temp_store=MEMORY.  Same columns, in the same order, as sessions. */
static const char store_scrub_table[] =
    "CREATE TEMP TABLE scrub (who BLOB, node TEXT, tree_version TEXT,"
    " lang TEXT, channel TEXT, page INTEGER, expires_at INTEGER,"
    " dialog BLOB, flags INTEGER)";

/*
 * Migration i takes the schema from user_version i to i + 1.
 * sessions has no secondary index on purpose: every message rewrites its
 * row's expiry, and an index would add pages to every commit (measured in
 * bench/http-json); expiry and version sweeps run every few seconds and
 * scan a table of at most some thousands of rows.
 */
static const char *const store_migrations[STORE_SCHEMA_VERSION] = {
	"CREATE TABLE sessions ("
	"  who BLOB PRIMARY KEY, node TEXT, tree_version TEXT, lang TEXT,"
	"  channel TEXT, page INTEGER, expires_at INTEGER"
	") WITHOUT ROWID;"
	"CREATE TABLE counters ("
	"  day TEXT, node TEXT, channel TEXT, lang TEXT, kind TEXT,"
	"  n INTEGER, PRIMARY KEY (day, node, channel, lang, kind)"
	") WITHOUT ROWID;",
	/* 2: the gateway dialogue a USSD session belongs to (a keyed MAC of
	 * its session id, so a redial is told from a continuation) and
	 * flags (the resume offer is pending). */
	"ALTER TABLE sessions ADD COLUMN dialog BLOB;"
	"ALTER TABLE sessions ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;",
};

static const char *const store_kind_names[HL_COUNT__MAX] = {
	[HL_COUNT_START] = "start",
	[HL_COUNT_VIEW] = "view",
	[HL_COUNT_INVALID] = "invalid",
	[HL_COUNT_FORGET] = "forget",
	[HL_COUNT_DROPOFF] = "dropoff",
};

struct hl_store {
	sqlite3 *db;
	bool readonly;		/* hl_store_open_readonly: no statements */
	sqlite3_stmt *stmt[STMT__MAX];
	bool deleted;		/* rows deleted since the last scrub */
	bool checkpoint;	/* scrubbed since the last checkpoint */
};

/* Writes "path: message" into err, if there is room for anything. */
static void __attribute__((format(printf, 4, 5)))
store_errf(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: %s", path, msg);
}

/* Runs one statement and reads the first column of its first row. */
static int
store_query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*out = sqlite3_column_int64(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Sets a pragma, then reads it back and compares with want. */
static int
store_setting(sqlite3 *db, const char *path, const char *name,
    const char *value, int64_t want, char *err, size_t errlen)
{
	char sql[128];
	int64_t got;

	snprintf(sql, sizeof sql, "PRAGMA %s = %s", name, value);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	snprintf(sql, sizeof sql, "PRAGMA %s", name);
	if (store_query_int(db, sql, &got) == -1)
		goto fail;
	if (got != want) {
		store_errf(err, errlen, path, "PRAGMA %s reads %lld, not %lld"
		    " (%s); refusing to open", name, (long long)got,
		    (long long)want, value);
		return -1;
	}
	return 0;
fail:
	store_errf(err, errlen, path, "cannot set PRAGMA %s: %s", name,
	    sqlite3_errmsg(db));
	return -1;
}

/* Sets WAL mode and reads it back; the only pragma that answers in text. */
static int
store_wal(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *mode;
	int rc = -1;

	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st,
	    NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		store_errf(err, errlen, path, "cannot set WAL mode: %s",
		    sqlite3_errmsg(db));
		goto out;
	}
	mode = sqlite3_column_text(st, 0);
	if (mode == NULL || strcasecmp((const char *)mode, "wal") != 0) {
		store_errf(err, errlen, path, "journal_mode reads %s, not wal;"
		    " refusing to open", mode ? (const char *)mode : "?");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Reads the schema version and checks the file is ours (or empty).  Also
 * the first read of the file, so a file that is not a database fails here,
 * before anything is written to it. */
static int
store_check_version(sqlite3 *db, const char *path, int64_t *version,
    char *err, size_t errlen)
{
	int64_t app, objects;

	if (store_query_int(db, "PRAGMA user_version", version) == -1 ||
	    store_query_int(db, "PRAGMA application_id", &app) == -1 ||
	    store_query_int(db, "SELECT count(*) FROM sqlite_schema",
	    &objects) == -1) {
		store_errf(err, errlen, path, "cannot read: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	if (*version > STORE_SCHEMA_VERSION || *version < 0) {
		store_errf(err, errlen, path, "schema version %lld is not one"
		    " this helplined knows (up to %d); refusing to open",
		    (long long)*version, STORE_SCHEMA_VERSION);
		return -1;
	}
	if (app != STORE_APPLICATION_ID && (app != 0 || objects != 0)) {
		store_errf(err, errlen, path, "not a helplined database;"
		    " refusing to open");
		return -1;
	}
	return 0;
}

/* Sets and reads back every connection setting.  See the top of the file
 * for why each matters. */
static int
store_configure(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	const char *policy = hl_store_secure_delete_policy;
	int64_t version, want;

	if (strcmp(policy, "ON") == 0)
		want = 1;
	else if (strcmp(policy, "FAST") == 0)
		want = 2;	/* negative-control test binary only */
	else {
		store_errf(err, errlen, path, "unknown secure_delete policy");
		return -1;
	}
	/* Before anything reads or writes the file. */
	if (store_setting(db, path, "secure_delete", policy, want, err,
	    errlen) == -1 ||
	    store_setting(db, path, "temp_store", "MEMORY", 2, err,
	    errlen) == -1)
		return -1;
	/* Refuse a file we do not understand before making it WAL. */
	if (store_check_version(db, path, &version, err, errlen) == -1)
		return -1;
	if (store_wal(db, path, err, errlen) == -1)
		return -1;
	/*
	 * NORMAL is safe with WAL: the WAL is synced before each
	 * checkpoint, not at each commit, so a power cut can roll back the
	 * last commits but never corrupt the file.  Losing a few seconds
	 * of short-lived sessions and counts is fine; an fsync per commit
	 * in the event loop is not.
	 */
	if (store_setting(db, path, "synchronous", "NORMAL", 1, err,
	    errlen) == -1)
		return -1;
	/* Takes effect only before the first table; read back either way. */
	if (store_setting(db, path, "auto_vacuum", "NONE", 0, err,
	    errlen) == -1)
		return -1;
	return 0;
}

/* Brings the schema up to STORE_SCHEMA_VERSION in one transaction. */
static int
store_migrate(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char sql[96];
	char *msg = NULL;
	int64_t version;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) !=
	    SQLITE_OK) {
		store_errf(err, errlen, path, "cannot lock: %s",
		    msg ? msg : sqlite3_errmsg(db));
		goto fail;
	}
	/* Again, under the lock: another process may have migrated. */
	if (store_check_version(db, path, &version, err, errlen) == -1)
		goto fail;
	if (version == STORE_SCHEMA_VERSION) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return 0;
	}
	for (; version < STORE_SCHEMA_VERSION; version++) {
		if (sqlite3_exec(db, store_migrations[version], NULL, NULL,
		    &msg) != SQLITE_OK) {
			store_errf(err, errlen, path, "schema migration %lld"
			    " failed: %s", (long long)version + 1,
			    msg ? msg : sqlite3_errmsg(db));
			goto fail;
		}
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d;"
	    "PRAGMA application_id = %d; COMMIT", STORE_SCHEMA_VERSION,
	    STORE_APPLICATION_ID);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		store_errf(err, errlen, path, "cannot commit schema: %s",
		    msg ? msg : sqlite3_errmsg(db));
		goto fail;
	}
	return 0;
fail:
	sqlite3_free(msg);
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Prepares every statement once, for the life of the connection. */
static int
store_prepare(struct hl_store *s, const char *path, char *err,
    size_t errlen)
{
	if (sqlite3_exec(s->db, store_scrub_table, NULL, NULL, NULL) !=
	    SQLITE_OK) {
		store_errf(err, errlen, path, "cannot create scrub table: %s",
		    sqlite3_errmsg(s->db));
		return -1;
	}
	for (int i = 0; i < STMT__MAX; i++) {
		if (sqlite3_prepare_v3(s->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) !=
		    SQLITE_OK) {
			store_errf(err, errlen, path, "cannot prepare: %s",
			    sqlite3_errmsg(s->db));
			return -1;
		}
	}
	return 0;
}

/* Creates the file with mode 0600 if it is missing; SQLite gives the -wal
 * and -shm files the database's mode, so they are private too. */
static int
store_create_file(const char *path, char *err, size_t errlen)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		store_errf(err, errlen, path, "%s", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Returns "file:<path>?mode=ro" with the characters a URI path may not
 * hold percent-encoded (malloc'd), or NULL. */
static char *
store_file_uri(const char *path)
{
	size_t len = strlen(path);
	char *uri = malloc(len * 3 + 16), *p;

	if (uri == NULL)
		return NULL;
	p = uri + sprintf(uri, "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if (*c == '?' || *c == '#' || *c == '%' || *c < 0x21)
			p += sprintf(p, "%%%02X", *c);
		else
			*p++ = (char)*c;
	}
	strcpy(p, "?mode=ro");
	return uri;
}

/* Finalises the statements and closes the connection. */
static void
store_free(struct hl_store *s)
{
	for (int i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	free(s);
}

/* Resets a statement and drops its bindings, which may point into the
 * caller's memory (they are bound SQLITE_STATIC). */
static void
store_reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Steps a statement that returns no rows, then resets it.  Returns 0/-1. */
static int
store_run(sqlite3_stmt *st)
{
	int rc;

	rc = sqlite3_step(st);
	store_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Steps a statement that returns one integer, then resets it. */
static int
store_run_int(sqlite3_stmt *st, int64_t *out)
{
	int rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	store_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Rewrites the sessions table in a transaction of its own, so no page
 * keeps a stale copy of a deleted row (see the top of the file). */
static int
store_scrub(struct hl_store *s)
{
	if (store_run(s->stmt[STMT_BEGIN]) == -1)
		return -1;
	if (store_run(s->stmt[STMT_SCRUB_SAVE]) == -1 ||
	    store_run(s->stmt[STMT_SCRUB_CLEAR]) == -1 ||
	    store_run(s->stmt[STMT_SCRUB_RESTORE]) == -1 ||
	    store_run(s->stmt[STMT_SCRUB_EMPTY]) == -1 ||
	    store_run(s->stmt[STMT_COMMIT]) == -1) {
		/* The sessions are as they were; the copy goes too. */
		if (hl_store_in_batch(s))
			store_run(s->stmt[STMT_ROLLBACK]);
		return -1;
	}
	return 0;
}

/* After rows were deleted: scrubs, then checkpoints the WAL with TRUNCATE
 * so the frames that held them leave the -wal file.  Call outside a
 * transaction.  A reader (helplinectl stats) can keep the checkpoint busy:
 * then it stays due and the next commit or expire tries again. */
static int
store_purge(struct hl_store *s)
{
	int rc;

	if (s->deleted) {
		if (store_scrub(s) == -1)
			return -1;
		s->deleted = false;
		s->checkpoint = true;
	}
	if (!s->checkpoint)
		return 0;
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (rc == SQLITE_OK) {
		s->checkpoint = false;
		return 0;
	}
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return 0;
	return -1;
}

/* Commits the open transaction, if any; rolls back if COMMIT fails. */
static int
store_commit_tx(struct hl_store *s)
{
	if (!hl_store_in_batch(s))
		return 0;
	if (store_run(s->stmt[STMT_COMMIT]) == 0)
		return 0;
	if (hl_store_in_batch(s))
		store_run(s->stmt[STMT_ROLLBACK]);
	return -1;
}

/* Opens, configures, migrates and scrubs the database at path. */
struct hl_store *
hl_store_open(const char *path, char *err, size_t errlen)
{
	struct hl_store *s = NULL;
	char *name = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (path == NULL || *path == '\0') {
		store_errf(err, errlen, "(none)", "no database file given");
		return NULL;
	}
	/* SQLite may be built to read "file:..." as a URI; we want a file. */
	if (asprintf(&name, "%s%s", strncmp(path, "file:", 5) == 0 ? "./" :
	    "", path) == -1) {
		name = NULL;
		store_errf(err, errlen, path, "out of memory");
		goto fail;
	}
	if ((s = calloc(1, sizeof *s)) == NULL) {
		store_errf(err, errlen, path, "out of memory");
		goto fail;
	}
	if (store_create_file(name, err, errlen) == -1)
		goto fail;
	if (sqlite3_open_v2(name, &s->db, flags, NULL) != SQLITE_OK) {
		store_errf(err, errlen, path, "%s", s->db ?
		    sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	/* A crafted file must not be able to run SQL of its own choosing. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (store_configure(s->db, path, err, errlen) == -1 ||
	    store_migrate(s->db, path, err, errlen) == -1 ||
	    store_prepare(s, path, err, errlen) == -1)
		goto fail;
	/* A crash between a delete and its scrub left work to finish. */
	s->deleted = true;
	if (store_purge(s) == -1) {
		store_errf(err, errlen, path, "cannot scrub: %s",
		    sqlite3_errmsg(s->db));
		goto fail;
	}
	free(name);
	return s;
fail:
	if (s != NULL)
		store_free(s);
	free(name);
	return NULL;
}

/*
 * Opens an existing database read-only (helplinectl stats and history,
 * with or without the daemon running).  Nothing is created, migrated or
 * written; a file of an older schema is refused with a hint, since its
 * tables may be missing until helplined has opened it once.
 */
struct hl_store *
hl_store_open_readonly(const char *path, char *err, size_t errlen)
{
	struct hl_store *s = NULL;
	char *uri = NULL;
	int64_t version;
	int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
	    SQLITE_OPEN_NOMUTEX;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (path == NULL || *path == '\0') {
		store_errf(err, errlen, "(none)", "no database file given");
		return NULL;
	}
	if (access(path, R_OK) == -1) {
		store_errf(err, errlen, path, "%s", strerror(errno));
		return NULL;
	}
	/* A URI: mode=ro, and a path with '?' or '#' escaped. */
	uri = store_file_uri(path);
	if (uri == NULL || (s = calloc(1, sizeof *s)) == NULL) {
		store_errf(err, errlen, path, "out of memory");
		goto fail;
	}
	s->readonly = true;
	if (sqlite3_open_v2(uri, &s->db, flags, NULL) != SQLITE_OK) {
		store_errf(err, errlen, path, "%s", s->db ?
		    sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 1000);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (store_check_version(s->db, path, &version, err, errlen) == -1)
		goto fail;
	if (version != STORE_SCHEMA_VERSION) {
		store_errf(err, errlen, path, "schema version %lld: start "
		    "helplined once to bring it up to %d", (long long)version,
		    STORE_SCHEMA_VERSION);
		goto fail;
	}
	free(uri);
	return s;
fail:
	if (s != NULL) {
		sqlite3_close(s->db);
		free(s);
	}
	free(uri);
	return NULL;
}

/* Calls cb for every counter row of the days [since, until]. */
int
hl_store_counters_each(struct hl_store *s, const char *since,
    const char *until, hl_store_counter_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT day, node, channel, lang, kind,"
	    " n FROM counters WHERE day >= ?1 AND day <= ?2"
	    " ORDER BY day, node, channel, lang, kind", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, since != NULL ? since : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 2, until != NULL ? until : "9999-99-99", -1,
	    SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *col[5];

		for (int i = 0; i < 5; i++) {
			col[i] = (const char *)sqlite3_column_text(st, i);
			if (col[i] == NULL)
				col[i] = "";
		}
		if (cb(col[0], col[1], col[2], col[3], col[4],
		    (uint64_t)sqlite3_column_int64(st, 5), arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Commits what is pending and closes. */
void
hl_store_close(struct hl_store *s)
{
	if (s == NULL)
		return;
	if (!s->readonly)
		hl_store_commit(s);
	store_free(s);
}

/* Commits the batch; the purge of deleted rows waits for a later commit,
 * expiry sweep or close. */
int
hl_store_commit_deferred(struct hl_store *s)
{
	return store_commit_tx(s);
}

/* Opens a batch transaction unless one is open. */
int
hl_store_begin(struct hl_store *s)
{
	if (hl_store_in_batch(s))
		return 0;
	return store_run(s->stmt[STMT_BEGIN]);
}

/* Commits the batch, then scrubs and checkpoints if rows were deleted. */
int
hl_store_commit(struct hl_store *s)
{
	if (store_commit_tx(s) == -1)
		return -1;
	return store_purge(s) == 0 ? 0 : -2;
}

/* Rolls back the open transaction, if any. */
void
hl_store_rollback(struct hl_store *s)
{
	if (hl_store_in_batch(s))
		store_run(s->stmt[STMT_ROLLBACK]);
}

/* Tells whether a transaction is open. */
bool
hl_store_in_batch(const struct hl_store *s)
{
	return !sqlite3_get_autocommit(s->db);
}

/* Copies a text column into a fixed field; too long means a broken row. */
static int
store_column_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	const unsigned char *p = sqlite3_column_text(st, col);
	size_t len = (size_t)sqlite3_column_bytes(st, col);

	if (p == NULL)
		len = 0;
	if (len >= size)
		return -1;
	if (len > 0)
		memcpy(dst, p, len);
	dst[len] = '\0';
	return 0;
}

/* Reads the live session of a pseudonym. */
int
hl_store_session_get(struct hl_store *s, const struct hl_pseudonym *who,
    int64_t now, struct hl_session *out)
{
	sqlite3_stmt *st = s->stmt[STMT_GET];
	struct hl_session found;
	int64_t page;
	int rc = -1, step;

	/* Fill a copy: out may hold who itself. */
	memset(&found, 0, sizeof found);
	found.who = *who;
	if (sqlite3_bind_blob(st, 1, found.who.mac, sizeof found.who.mac,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, now) != SQLITE_OK)
		goto out;
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 1;
		goto out;
	}
	if (step != SQLITE_ROW)
		goto out;
	page = sqlite3_column_int64(st, 4);
	if (store_column_text(st, 0, found.node, sizeof found.node) == -1 ||
	    store_column_text(st, 1, found.tree_version,
	    sizeof found.tree_version) == -1 ||
	    store_column_text(st, 2, found.lang, sizeof found.lang) == -1 ||
	    store_column_text(st, 3, found.channel,
	    sizeof found.channel) == -1 ||
	    page < 0 || page > UINT_MAX)
		goto out;
	found.page = (unsigned)page;
	found.expires_at = sqlite3_column_int64(st, 5);
	if (sqlite3_column_bytes(st, 6) == sizeof found.dialog.mac)
		memcpy(found.dialog.mac, sqlite3_column_blob(st, 6),
		    sizeof found.dialog.mac);
	found.flags = (unsigned)sqlite3_column_int64(st, 7) &
	    (HL_SESSION_RESUME_OFFERED | HL_SESSION_DRAFT);
	*out = found;
	rc = 0;
out:
	store_reset(st);
	return rc;
}

/* Binds a NUL-terminated field of at most size bytes. */
static int
store_bind_field(sqlite3_stmt *st, int i, const char *field, size_t size)
{
	size_t len = strnlen(field, size);

	if (len == size)
		return -1;
	return sqlite3_bind_text(st, i, field, (int)len, SQLITE_STATIC) ==
	    SQLITE_OK ? 0 : -1;
}

/* Binds a dialogue MAC, or NULL when there is none (all zero). */
static int
store_bind_dialog(sqlite3_stmt *st, int i, const struct hl_pseudonym *dialog)
{
	unsigned char any = 0;

	for (size_t k = 0; k < sizeof dialog->mac; k++)
		any |= dialog->mac[k];
	if (any == 0)
		return sqlite3_bind_null(st, i) == SQLITE_OK ? 0 : -1;
	return sqlite3_bind_blob(st, i, dialog->mac, sizeof dialog->mac,
	    SQLITE_STATIC) == SQLITE_OK ? 0 : -1;
}

/* Inserts or replaces a session. */
int
hl_store_session_put(struct hl_store *s, const struct hl_session *sess)
{
	sqlite3_stmt *st = s->stmt[STMT_PUT];

	if (sqlite3_bind_blob(st, 1, sess->who.mac, sizeof sess->who.mac,
	    SQLITE_STATIC) != SQLITE_OK ||
	    store_bind_field(st, 2, sess->node, sizeof sess->node) == -1 ||
	    store_bind_field(st, 3, sess->tree_version,
	    sizeof sess->tree_version) == -1 ||
	    store_bind_field(st, 4, sess->lang, sizeof sess->lang) == -1 ||
	    store_bind_field(st, 5, sess->channel,
	    sizeof sess->channel) == -1 ||
	    sqlite3_bind_int64(st, 6, sess->page) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 7, sess->expires_at) != SQLITE_OK ||
	    store_bind_dialog(st, 8, &sess->dialog) == -1 ||
	    sqlite3_bind_int64(st, 9, sess->flags) != SQLITE_OK) {
		store_reset(st);
		return -1;
	}
	return store_run(st);
}

/* Deletes a session; purges at once outside a batch. */
int
hl_store_session_delete(struct hl_store *s, const struct hl_pseudonym *who)
{
	sqlite3_stmt *st = s->stmt[STMT_DELETE];

	if (sqlite3_bind_blob(st, 1, who->mac, sizeof who->mac,
	    SQLITE_STATIC) != SQLITE_OK) {
		store_reset(st);
		return -1;
	}
	if (store_run(st) == -1)
		return -1;
	if (sqlite3_changes(s->db) > 0)
		s->deleted = true;
	/* Outside a batch the delete has committed: purge now. */
	if (!hl_store_in_batch(s))
		return store_purge(s);
	return 0;
}

/* Counts and deletes the expired sessions, then purges. */
int
hl_store_expire(struct hl_store *s, int64_t now, unsigned *purged)
{
	sqlite3_stmt *add = s->stmt[STMT_DROPOFF];
	sqlite3_stmt *del = s->stmt[STMT_EXPIRE];
	const char *kind = store_kind_names[HL_COUNT_DROPOFF];
	char day[11];
	int n;

	if (purged != NULL)
		*purged = 0;
	/* The counts and the delete must be one transaction of their own. */
	if (store_commit_tx(s) == -1)
		return -1;
	hl_store_day(now, day);
	if (store_run(s->stmt[STMT_BEGIN]) == -1)
		return -1;
	if (sqlite3_bind_text(add, 1, day, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(add, 2, kind, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(add, 3, now) != SQLITE_OK) {
		store_reset(add);
		goto fail;
	}
	if (store_run(add) == -1)
		goto fail;
	if (sqlite3_bind_int64(del, 1, now) != SQLITE_OK) {
		store_reset(del);
		goto fail;
	}
	if (store_run(del) == -1)
		goto fail;
	n = sqlite3_changes(s->db);
	if (store_commit_tx(s) == -1)
		return -1;
	if (n > 0)
		s->deleted = true;
	if (store_purge(s) == -1)
		return -1;
	if (purged != NULL)
		*purged = (unsigned)n;
	return 0;
fail:
	if (hl_store_in_batch(s))
		store_run(s->stmt[STMT_ROLLBACK]);
	return -1;
}

/* Stores a count(*) result into an unsigned. */
static int
store_count(sqlite3_stmt *st, unsigned *count)
{
	int64_t n;

	if (store_run_int(st, &n) == -1 || n < 0)
		return -1;
	*count = n > UINT_MAX ? UINT_MAX : (unsigned)n;
	return 0;
}

/* Counts the sessions pinned to a tree version. */
int
hl_store_sessions_on_version(struct hl_store *s, const char *version,
    unsigned *count)
{
	sqlite3_stmt *st = s->stmt[STMT_ON_VERSION];

	if (sqlite3_bind_text(st, 1, version, -1, SQLITE_STATIC) !=
	    SQLITE_OK) {
		store_reset(st);
		return -1;
	}
	return store_count(st, count);
}

/* Counts all sessions. */
int
hl_store_session_count(struct hl_store *s, unsigned *count)
{
	return store_count(s->stmt[STMT_COUNT], count);
}

/* Binds the five key columns of a counter.  Returns 0 or -1. */
static int
store_bind_counter(sqlite3_stmt *st, const char *day, const char *node,
    const char *channel, const char *lang, enum hl_counter_kind kind)
{
	if ((unsigned)kind >= HL_COUNT__MAX || day == NULL || node == NULL ||
	    channel == NULL || lang == NULL)
		return -1;
	if (sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, node, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, channel, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(st, 4, lang, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 5, store_kind_names[kind], -1,
	    SQLITE_STATIC) != SQLITE_OK)
		return -1;
	return 0;
}

/* Adds n to a counter, creating it at n. */
int
hl_store_counter_add(struct hl_store *s, const char *day, const char *node,
    const char *channel, const char *lang, enum hl_counter_kind kind,
    unsigned n)
{
	sqlite3_stmt *st = s->stmt[STMT_COUNTER_ADD];

	if (store_bind_counter(st, day, node, channel, lang, kind) == -1 ||
	    sqlite3_bind_int64(st, 6, n) != SQLITE_OK) {
		store_reset(st);
		return -1;
	}
	return store_run(st);
}

/* Reads a counter; one never counted reads 0. */
int
hl_store_counter_get(struct hl_store *s, const char *day, const char *node,
    const char *channel, const char *lang, enum hl_counter_kind kind,
    uint64_t *value)
{
	sqlite3_stmt *st = s->stmt[STMT_COUNTER_GET];
	int rc = -1, step;

	if (store_bind_counter(st, day, node, channel, lang, kind) == -1)
		goto out;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*value = (uint64_t)sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (step == SQLITE_DONE) {
		*value = 0;	/* never counted */
		rc = 0;
	}
out:
	store_reset(st);
	return rc;
}

/* Returns the stored name of a counter kind. */
const char *
hl_counter_kind_name(enum hl_counter_kind kind)
{
	if ((unsigned)kind >= HL_COUNT__MAX)
		return "unknown";
	return store_kind_names[kind];
}

/* Formats the UTC day of t, or "0000-00-00" outside years 0-9999. */
void
hl_store_day(int64_t t, char day[11])
{
	struct tm tm;
	time_t tt = (time_t)t;

	/* Four-digit years only, so the result always fits day[11]. */
	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900 ||
	    strftime(day, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(day, "0000-00-00", 11);
}

/* Reads an integer pragma on the store's own connection. */
int
hl_store_pragma_int(struct hl_store *s, const char *name, int64_t *value)
{
	char sql[64];

	if (name == NULL || *name == '\0' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz_") != strlen(name) ||
	    strlen(name) > 32)
		return -1;
	snprintf(sql, sizeof sql, "PRAGMA %s", name);
	return store_query_int(s->db, sql, value);
}
