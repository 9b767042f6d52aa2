/*
 * test_store.c - unit tests of the SQLite store (daemon/store_sqlite.c).
 *
 * Each test gets its own temporary directory.  Besides the API, these tests
 * check what reaches the disk: the settings read back on the store's own
 * connection and a second one, and the privacy property that a deleted
 * pseudonym leaves no byte pattern in any file of the database (DESIGN.md
 * section 5 rule 5).  Linked with a "FAST" secure_delete policy instead of
 * store_policy.c, the privacy tests are expected to fail.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "helpline/store.h"
#include "../../daemon/store_policy.h"

#define NOW 1700000000		/* 2023-11-14T22:13:20Z */
#define CANARIES 500

struct fixture {
	char dir[64];
	char path[128];
	struct hl_store *store;
};

/* Makes a temporary directory for one test. */
static int
setup_dir(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/hl_store_XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/helplined.db", f->dir);
	*state = f;
	return 0;
}

/* Makes a temporary directory and opens a store in it. */
static int
setup_store(void **state)
{
	struct fixture *f;
	char err[256];

	if (setup_dir(state) == -1)
		return -1;
	f = *state;
	f->store = hl_store_open(f->path, err, sizeof err);
	if (f->store == NULL) {
		print_error("%s\n", err);
		return -1;
	}
	return 0;
}

/* Closes the store and removes the directory with everything in it. */
static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *de;
	char p[512];
	DIR *d;

	hl_store_close(f->store);
	if ((d = opendir(f->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof p, "%s/%s", f->dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Fills a pseudonym with a pattern unique to seed. */
static void
who_fill(struct hl_pseudonym *who, unsigned seed)
{
	for (size_t i = 0; i < sizeof who->mac; i++)
		who->mac[i] = (unsigned char)(i * 7 + 1);
	memcpy(who->mac, &seed, sizeof seed);
}

/* Fills a session. */
static void
session_fill(struct hl_session *s, unsigned seed, const char *node,
    const char *version, const char *lang, const char *channel,
    int64_t expires_at)
{
	memset(s, 0, sizeof *s);
	who_fill(&s->who, seed);
	snprintf(s->node, sizeof s->node, "%s", node);
	snprintf(s->tree_version, sizeof s->tree_version, "%s", version);
	snprintf(s->lang, sizeof s->lang, "%s", lang);
	snprintf(s->channel, sizeof s->channel, "%s", channel);
	s->page = seed % 3;
	s->expires_at = expires_at;
}

/* Opens a second, plain connection on the same file. */
static sqlite3 *
second_connection(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	return db;
}

/* Reads one integer from a second connection. */
static int64_t
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Reads one text value from a second connection into buf. */
static void
query_text(sqlite3 *db, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* Returns the permission bits of a file. */
static unsigned
file_mode(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

static void
test_open_schema(void **state)
{
	struct fixture *f = *state;
	int64_t sd_want = strcmp(hl_store_secure_delete_policy, "ON") == 0 ?
	    1 : 2;
	char buf[512], p[160];
	int64_t v;
	sqlite3 *db;

	/* Per-connection settings, on the store's own connection. */
	assert_int_equal(hl_store_pragma_int(f->store, "secure_delete", &v),
	    0);
	assert_int_equal(v, sd_want);
	assert_int_equal(hl_store_pragma_int(f->store, "temp_store", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(hl_store_pragma_int(f->store, "synchronous", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(hl_store_pragma_int(f->store, "auto_vacuum", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(hl_store_pragma_int(f->store, "x; DROP", &v), -1);

	/* Persistent ones, from a second connection. */
	db = second_connection(f->path);
	query_text(db, "PRAGMA journal_mode", buf, sizeof buf);
	assert_string_equal(buf, "wal");
	assert_int_equal(query_int(db, "PRAGMA user_version"), 2);
	assert_int_equal(query_int(db, "PRAGMA auto_vacuum"), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name IN ('sessions', 'counters')"), 2);
	query_text(db, "SELECT sql FROM sqlite_schema WHERE name = 'sessions'",
	    buf, sizeof buf);
	assert_non_null(strstr(buf, "WITHOUT ROWID"));
	query_text(db, "SELECT sql FROM sqlite_schema WHERE name = 'counters'",
	    buf, sizeof buf);
	assert_non_null(strstr(buf, "PRIMARY KEY (day, node, channel, lang,"
	    " kind)"));
	sqlite3_close(db);

	/* Private files: the database and the -wal/-shm SQLite made. */
	assert_int_equal(file_mode(f->path), 0600);
	snprintf(p, sizeof p, "%s-wal", f->path);
	assert_int_equal(file_mode(p), 0600);
	snprintf(p, sizeof p, "%s-shm", f->path);
	assert_int_equal(file_mode(p), 0600);
}

static void
test_put_get_replace(void **state)
{
	struct fixture *f = *state;
	struct hl_session s, got, other;

	session_fill(&s, 1, "home", "2026-11-23.1", "nl", "sms", NOW + 1800);
	s.page = 2;
	assert_int_equal(hl_store_session_put(f->store, &s), 0);
	memset(&got, 0xa5, sizeof got);
	assert_int_equal(hl_store_session_get(f->store, &s.who, NOW, &got),
	    0);
	assert_memory_equal(got.who.mac, s.who.mac, sizeof s.who.mac);
	assert_string_equal(got.node, "home");
	assert_string_equal(got.tree_version, "2026-11-23.1");
	assert_string_equal(got.lang, "nl");
	assert_string_equal(got.channel, "sms");
	assert_int_equal(got.page, 2);
	assert_int_equal(got.expires_at, NOW + 1800);

	/* Replace: same pseudonym, new state; still one row. */
	session_fill(&s, 1, "signals", "2026-11-23.1", "en", "ussd",
	    NOW + 60);
	s.page = 0;
	assert_int_equal(hl_store_session_put(f->store, &s), 0);
	/* out may alias the pseudonym passed in. */
	got.who = s.who;
	assert_int_equal(hl_store_session_get(f->store, &got.who, NOW, &got),
	    0);
	assert_string_equal(got.node, "signals");
	assert_string_equal(got.lang, "en");
	assert_string_equal(got.channel, "ussd");
	assert_int_equal(got.page, 0);
	assert_int_equal(got.expires_at, NOW + 60);

	/* Another pseudonym is not found, and out is left alone. */
	who_fill(&other.who, 2);
	memcpy(other.node, "untouched", 10);
	assert_int_equal(hl_store_session_get(f->store, &other.who, NOW,
	    &other), 1);
	assert_string_equal(other.node, "untouched");

	/* A field without its NUL is refused, not read past. */
	memset(s.node, 'x', sizeof s.node);
	assert_int_equal(hl_store_session_put(f->store, &s), -1);
}

static void
test_get_expiry_by_now(void **state)
{
	struct fixture *f = *state;
	struct hl_session s, got;

	session_fill(&s, 7, "home", "v1", "nl", "sms", NOW + 100);
	assert_int_equal(hl_store_session_put(f->store, &s), 0);
	assert_int_equal(hl_store_session_get(f->store, &s.who, NOW + 99,
	    &got), 0);
	assert_int_equal(hl_store_session_get(f->store, &s.who, NOW + 100,
	    &got), 1);
	assert_int_equal(hl_store_session_get(f->store, &s.who, NOW + 5000,
	    &got), 1);
}

static void
test_expire_dropoff(void **state)
{
	struct fixture *f = *state;
	struct hl_session s;
	unsigned n, seed = 100;
	uint64_t v;
	char day[11];

	/* Expired: 3 on home/sms/nl, 2 on signals/ussd/en, 1 home/sms/en. */
	for (int i = 0; i < 3; i++) {
		session_fill(&s, seed++, "home", "v1", "nl", "sms", NOW - i);
		assert_int_equal(hl_store_session_put(f->store, &s), 0);
	}
	for (int i = 0; i < 2; i++) {
		session_fill(&s, seed++, "signals", "v1", "en", "ussd", NOW);
		assert_int_equal(hl_store_session_put(f->store, &s), 0);
	}
	session_fill(&s, seed++, "home", "v1", "en", "sms", NOW - 3600);
	assert_int_equal(hl_store_session_put(f->store, &s), 0);
	/* Expired on a draft: deleted, not counted. */
	session_fill(&s, seed++, "signals", "d1", "en", "ussd", NOW);
	s.flags = HL_SESSION_DRAFT;
	assert_int_equal(hl_store_session_put(f->store, &s), 0);
	/* Live: 4 on home/sms/nl. */
	for (int i = 0; i < 4; i++) {
		session_fill(&s, seed++, "home", "v1", "nl", "sms", NOW + 1);
		assert_int_equal(hl_store_session_put(f->store, &s), 0);
	}
	assert_int_equal(hl_store_counter_add(f->store, "2023-11-14", "home",
	    "sms", "nl", HL_COUNT_DROPOFF, 10), 0);

	assert_int_equal(hl_store_expire(f->store, NOW, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(hl_store_session_count(f->store, &n), 0);
	assert_int_equal(n, 4);

	hl_store_day(NOW, day);
	assert_string_equal(day, "2023-11-14");
	assert_int_equal(hl_store_counter_get(f->store, day, "home", "sms",
	    "nl", HL_COUNT_DROPOFF, &v), 0);
	assert_int_equal(v, 13);	/* 10 before, plus 3 */
	assert_int_equal(hl_store_counter_get(f->store, day, "signals",
	    "ussd", "en", HL_COUNT_DROPOFF, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(hl_store_counter_get(f->store, day, "home", "sms",
	    "en", HL_COUNT_DROPOFF, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(hl_store_counter_get(f->store, day, "home", "sms",
	    "nl", HL_COUNT_START, &v), 0);
	assert_int_equal(v, 0);

	/* Again at the same time: nothing more, counts unchanged. */
	assert_int_equal(hl_store_expire(f->store, NOW, NULL), 0);
	assert_int_equal(hl_store_expire(f->store, NOW, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(hl_store_counter_get(f->store, day, "home", "sms",
	    "nl", HL_COUNT_DROPOFF, &v), 0);
	assert_int_equal(v, 13);

	/* Inside a batch: the batch is committed first, not lost. */
	assert_int_equal(hl_store_begin(f->store), 0);
	assert_int_equal(hl_store_counter_add(f->store, day, "x", "sms", "nl",
	    HL_COUNT_VIEW, 1), 0);
	assert_int_equal(hl_store_expire(f->store, NOW + 1, &n), 0);
	assert_int_equal(n, 4);
	assert_false(hl_store_in_batch(f->store));
	assert_int_equal(hl_store_counter_get(f->store, day, "x", "sms", "nl",
	    HL_COUNT_VIEW, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(hl_store_counter_get(f->store, "2023-11-14", "home",
	    "sms", "nl", HL_COUNT_DROPOFF, &v), 0);
	assert_int_equal(v, 17);
}

static void
test_sessions_on_version(void **state)
{
	struct fixture *f = *state;
	struct hl_session s;
	unsigned n;

	for (unsigned i = 0; i < 5; i++) {
		session_fill(&s, i, "home", i < 3 ? "old" : "new", "nl",
		    "sms", NOW + 10);
		assert_int_equal(hl_store_session_put(f->store, &s), 0);
	}
	assert_int_equal(hl_store_sessions_on_version(f->store, "old", &n),
	    0);
	assert_int_equal(n, 3);
	assert_int_equal(hl_store_sessions_on_version(f->store, "new", &n),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(hl_store_sessions_on_version(f->store, "none", &n),
	    0);
	assert_int_equal(n, 0);
	/* Moving a session to the new tree moves its count. */
	session_fill(&s, 0, "home", "new", "nl", "sms", NOW + 10);
	assert_int_equal(hl_store_session_put(f->store, &s), 0);
	assert_int_equal(hl_store_sessions_on_version(f->store, "old", &n),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(hl_store_session_count(f->store, &n), 0);
	assert_int_equal(n, 5);
}

static void
test_forget(void **state)
{
	struct fixture *f = *state;
	struct hl_session a, b, got;
	unsigned n;

	session_fill(&a, 1, "home", "v1", "nl", "sms", NOW + 10);
	session_fill(&b, 2, "home", "v1", "nl", "sms", NOW + 10);
	assert_int_equal(hl_store_session_put(f->store, &a), 0);
	assert_int_equal(hl_store_session_put(f->store, &b), 0);
	assert_int_equal(hl_store_session_delete(f->store, &a.who), 0);
	assert_int_equal(hl_store_session_get(f->store, &a.who, NOW, &got),
	    1);
	assert_int_equal(hl_store_session_get(f->store, &b.who, NOW, &got),
	    0);
	/* Deleting what is not there is fine. */
	assert_int_equal(hl_store_session_delete(f->store, &a.who), 0);
	assert_int_equal(hl_store_session_count(f->store, &n), 0);
	assert_int_equal(n, 1);
}

static void
test_batch(void **state)
{
	struct fixture *f = *state;
	struct hl_session s, got;
	sqlite3 *db;
	unsigned n;

	db = second_connection(f->path);
	assert_false(hl_store_in_batch(f->store));
	assert_int_equal(hl_store_commit(f->store), 0);	/* nothing open */
	assert_int_equal(hl_store_begin(f->store), 0);
	assert_true(hl_store_in_batch(f->store));
	assert_int_equal(hl_store_begin(f->store), 0);	/* no nesting */
	assert_true(hl_store_in_batch(f->store));
	for (unsigned i = 0; i < 300; i++) {
		session_fill(&s, i, "home", "v1", "nl", "sms", NOW + 10);
		assert_int_equal(hl_store_session_put(f->store, &s), 0);
	}
	/* Visible to the store itself, not yet to another reader. */
	assert_int_equal(hl_store_session_count(f->store, &n), 0);
	assert_int_equal(n, 300);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sessions"), 0);
	assert_int_equal(hl_store_commit(f->store), 0);
	assert_false(hl_store_in_batch(f->store));
	assert_int_equal(query_int(db, "SELECT count(*) FROM sessions"), 300);
	who_fill(&s.who, 299);
	assert_int_equal(hl_store_session_get(f->store, &s.who, NOW, &got),
	    0);

	/* Deletes in a batch are committed together too. */
	assert_int_equal(hl_store_begin(f->store), 0);
	for (unsigned i = 0; i < 100; i++) {
		who_fill(&s.who, i);
		assert_int_equal(hl_store_session_delete(f->store, &s.who),
		    0);
	}
	assert_true(hl_store_in_batch(f->store));
	assert_int_equal(query_int(db, "SELECT count(*) FROM sessions"), 300);
	assert_int_equal(hl_store_commit(f->store), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sessions"), 200);
	sqlite3_close(db);
}

static void
test_busy_does_not_block(void **state)
{
	struct fixture *f = *state;
	struct hl_session s;
	struct timespec t0, t1;
	double waited;
	sqlite3 *db;

	db = second_connection(f->path);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	session_fill(&s, 1, "home", "v1", "nl", "sms", NOW + 10);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(hl_store_session_put(f->store, &s), -1);
	assert_int_equal(hl_store_begin(f->store), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(waited < 1.0);
	assert_false(hl_store_in_batch(f->store));
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(hl_store_session_put(f->store, &s), 0);
	sqlite3_close(db);
}

static void
test_counters_reopen(void **state)
{
	struct fixture *f = *state;
	char err[256];
	uint64_t v;

	assert_int_equal(hl_store_counter_add(f->store, "2026-11-23", "home",
	    "sms", "nl", HL_COUNT_VIEW, 2), 0);
	assert_int_equal(hl_store_counter_add(f->store, "2026-11-23", "home",
	    "sms", "nl", HL_COUNT_VIEW, 5), 0);
	assert_int_equal(hl_store_counter_add(f->store, "2026-11-23", "home",
	    "sms", "nl", HL_COUNT_START, 1), 0);
	assert_int_equal(hl_store_begin(f->store), 0);
	assert_int_equal(hl_store_counter_add(f->store, "2026-11-24", "home",
	    "ussd", "en", HL_COUNT_FORGET, 3), 0);
	/* Left open: close must commit it. */
	hl_store_close(f->store);
	f->store = hl_store_open(f->path, err, sizeof err);
	assert_non_null(f->store);

	assert_int_equal(hl_store_counter_get(f->store, "2026-11-23", "home",
	    "sms", "nl", HL_COUNT_VIEW, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(hl_store_counter_get(f->store, "2026-11-23", "home",
	    "sms", "nl", HL_COUNT_START, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(hl_store_counter_get(f->store, "2026-11-24", "home",
	    "ussd", "en", HL_COUNT_FORGET, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(hl_store_counter_get(f->store, "2026-11-23", "home",
	    "ussd", "nl", HL_COUNT_VIEW, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(hl_store_counter_add(f->store, "2026-11-23", "home",
	    "sms", "nl", HL_COUNT__MAX, 1), -1);
	assert_int_equal(hl_store_counter_get(f->store, "2026-11-23", "home",
	    "sms", "nl", (enum hl_counter_kind)-1, &v), -1);
}

/* Makes a plain SQLite file with the given SQL. */
static void
make_db(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_refuse_newer_version(void **state)
{
	struct fixture *f = *state;
	char err[256], mode[16];
	sqlite3 *db;

	make_db(f->path, "CREATE TABLE sessions (x); PRAGMA user_version=99");
	assert_null(hl_store_open(f->path, err, sizeof err));
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "99"));
	/* Refused before anything was changed. */
	db = second_connection(f->path);
	query_text(db, "PRAGMA journal_mode", mode, sizeof mode);
	assert_string_equal(mode, "delete");
	assert_int_equal(query_int(db, "PRAGMA user_version"), 99);
	sqlite3_close(db);
}

/* A version 1 database (before USSD dialogues) is brought to version 2 in
 * place: its sessions are kept, with no dialogue and no flags. */
static void
test_migrate_v1(void **state)
{
	struct fixture *f = *state;
	struct hl_session got;
	struct hl_pseudonym who;
	char err[256];
	sqlite3 *db;

	make_db(f->path,
	    "CREATE TABLE sessions ("
	    "  who BLOB PRIMARY KEY, node TEXT, tree_version TEXT, lang TEXT,"
	    "  channel TEXT, page INTEGER, expires_at INTEGER"
	    ") WITHOUT ROWID;"
	    "CREATE TABLE counters ("
	    "  day TEXT, node TEXT, channel TEXT, lang TEXT, kind TEXT,"
	    "  n INTEGER, PRIMARY KEY (day, node, channel, lang, kind)"
	    ") WITHOUT ROWID;"
	    "PRAGMA user_version = 1; PRAGMA application_id = 1212960846;");
	who_fill(&who, 5);
	db = second_connection(f->path);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO sessions"
		    " VALUES (?, 'signals', 'v1', 'en', 'sms', 1, ?)", -1,
		    &st, NULL), SQLITE_OK);
		sqlite3_bind_blob(st, 1, who.mac, sizeof who.mac,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, NOW + 600);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);

	f->store = hl_store_open(f->path, err, sizeof err);
	if (f->store == NULL)
		fail_msg("%s", err);
	db = second_connection(f->path);
	assert_int_equal(query_int(db, "PRAGMA user_version"), 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info"
	    "('sessions') WHERE name IN ('dialog', 'flags')"), 2);
	sqlite3_close(db);
	memset(&got, 0xa5, sizeof got);
	assert_int_equal(hl_store_session_get(f->store, &who, NOW, &got), 0);
	assert_string_equal(got.node, "signals");
	assert_string_equal(got.lang, "en");
	assert_int_equal(got.page, 1);
	assert_int_equal(got.expires_at, NOW + 600);
	assert_int_equal(got.flags, 0);
	for (size_t i = 0; i < sizeof got.dialog.mac; i++)
		assert_int_equal(got.dialog.mac[i], 0);
}

static void
test_refuse_foreign_db(void **state)
{
	struct fixture *f = *state;
	char err[256];

	make_db(f->path, "CREATE TABLE mail (x)");
	assert_null(hl_store_open(f->path, err, sizeof err));
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "not a helplined database"));
}

static void
test_refuse_not_database(void **state)
{
	struct fixture *f = *state;
	char err[256], junk[8192];
	FILE *fp;

	memset(junk, 'j', sizeof junk);
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(junk, 1, sizeof junk, fp), sizeof junk);
	fclose(fp);
	assert_null(hl_store_open(f->path, err, sizeof err));
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "not a database"));
	/* A missing directory is refused as well, naming the file. */
	snprintf(f->path, sizeof f->path, "%s/no/such.db", f->dir);
	assert_null(hl_store_open(f->path, err, sizeof err));
	assert_non_null(strstr(err, f->path));
}

/* A path that looks like an SQLite URI is still a plain file name. */
static void
test_open_uri_like_path(void **state)
{
	struct fixture *f = *state;
	struct hl_session s;
	char cwd[512], err[256];
	struct stat sb;

	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(f->dir), 0);
	f->store = hl_store_open("file:h.db?mode=ro", err, sizeof err);
	assert_int_equal(chdir(cwd), 0);
	assert_non_null(f->store);
	session_fill(&s, 1, "home", "v1", "nl", "sms", NOW + 10);
	assert_int_equal(hl_store_session_put(f->store, &s), 0);
	snprintf(f->path, sizeof f->path, "%s/file:h.db?mode=ro", f->dir);
	assert_int_equal(stat(f->path, &sb), 0);
}

static void
test_day(void **state)
{
	char day[11];

	(void)state;
	hl_store_day(0, day);
	assert_string_equal(day, "1970-01-01");
	hl_store_day(951782400, day);		/* leap day */
	assert_string_equal(day, "2000-02-29");
	hl_store_day(NOW, day);
	assert_string_equal(day, "2023-11-14");
	hl_store_day(1798761599, day);		/* last second of 2026 */
	assert_string_equal(day, "2026-12-31");
	hl_store_day(1798761600, day);
	assert_string_equal(day, "2027-01-01");
	hl_store_day(-1, day);
	assert_string_equal(day, "1969-12-31");
	hl_store_day(INT64_MAX, day);
	assert_string_equal(day, "0000-00-00");
}

static void
test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(hl_counter_kind_name(HL_COUNT_START), "start");
	assert_string_equal(hl_counter_kind_name(HL_COUNT_VIEW), "view");
	assert_string_equal(hl_counter_kind_name(HL_COUNT_INVALID),
	    "invalid");
	assert_string_equal(hl_counter_kind_name(HL_COUNT_FORGET), "forget");
	assert_string_equal(hl_counter_kind_name(HL_COUNT_DROPOFF),
	    "dropoff");
	assert_string_equal(hl_counter_kind_name(HL_COUNT__MAX), "unknown");
}

/* Collects counter rows as "day node channel lang kind n" lines. */
struct collected {
	char text[2048];
	size_t len;
	unsigned rows;
	unsigned stop_after;	/* 0: never stop */
};

/* Appends one counter row (hl_store_counter_cb). */
static int
collect_row(const char *day, const char *node, const char *channel,
    const char *lang, const char *kind, uint64_t n, void *arg)
{
	struct collected *c = arg;
	int w;

	w = snprintf(c->text + c->len, sizeof c->text - c->len,
	    "%s %s %s %s %s %llu\n", day, node, channel, lang, kind,
	    (unsigned long long)n);
	assert_true(w > 0 && (size_t)w < sizeof c->text - c->len);
	c->len += (size_t)w;
	c->rows++;
	return c->stop_after != 0 && c->rows == c->stop_after;
}

/* Walks the counters of [since, until] into a fresh collection. */
static const char *
walk(struct hl_store *store, const char *since, const char *until,
    struct collected *c, int want_rc)
{
	unsigned stop = c->stop_after;

	memset(c, 0, sizeof *c);
	c->stop_after = stop;
	assert_int_equal(hl_store_counters_each(store, since, until,
	    collect_row, c), want_rc);
	return c->text;
}

/* Adds the counters the walk tests read, out of order on purpose. */
static void
add_walk_counters(struct hl_store *store)
{
	assert_int_equal(hl_store_counter_add(store, "2026-11-25", "home",
	    "sms", "nl", HL_COUNT_VIEW, 3), 0);
	assert_int_equal(hl_store_counter_add(store, "2026-11-23", "signals",
	    "ussd", "en", HL_COUNT_INVALID, 2), 0);
	assert_int_equal(hl_store_counter_add(store, "2026-11-23", "home",
	    "sms", "nl", HL_COUNT_START, 7), 0);
	assert_int_equal(hl_store_counter_add(store, "2026-11-23", "home",
	    "sms", "en", HL_COUNT_START, 1), 0);
	assert_int_equal(hl_store_counter_add(store, "2026-11-24", "home",
	    "ussd", "nl", HL_COUNT_DROPOFF, 4), 0);
	assert_int_equal(hl_store_counter_add(store, "2026-11-23", "home",
	    "sms", "nl", HL_COUNT_START, 5), 0);
}

/* The walk returns every row of the range once, summed, ordered by day,
 * node, channel, language and kind; either bound may be open. */
static void
test_counters_each(void **state)
{
	static const char all[] =
	    "2026-11-23 home sms en start 1\n"
	    "2026-11-23 home sms nl start 12\n"
	    "2026-11-23 signals ussd en invalid 2\n"
	    "2026-11-24 home ussd nl dropoff 4\n"
	    "2026-11-25 home sms nl view 3\n";
	struct fixture *f = *state;
	struct collected c = { .stop_after = 0 };

	assert_string_equal(walk(f->store, NULL, NULL, &c, 0), "");
	add_walk_counters(f->store);
	assert_string_equal(walk(f->store, NULL, NULL, &c, 0), all);
	assert_string_equal(walk(f->store, "2026-11-24", NULL, &c, 0),
	    "2026-11-24 home ussd nl dropoff 4\n"
	    "2026-11-25 home sms nl view 3\n");
	assert_string_equal(walk(f->store, NULL, "2026-11-23", &c, 0),
	    "2026-11-23 home sms en start 1\n"
	    "2026-11-23 home sms nl start 12\n"
	    "2026-11-23 signals ussd en invalid 2\n");
	assert_string_equal(walk(f->store, "2026-11-24", "2026-11-24", &c, 0),
	    "2026-11-24 home ussd nl dropoff 4\n");
	assert_string_equal(walk(f->store, "2026-11-26", "2026-12-31", &c, 0),
	    "");
	assert_string_equal(walk(f->store, "2026-11-25", "2026-11-23", &c, 0),
	    "");
	/* A non-zero return stops the walk, which still succeeds. */
	c.stop_after = 2;
	assert_string_equal(walk(f->store, NULL, NULL, &c, 0),
	    "2026-11-23 home sms en start 1\n"
	    "2026-11-23 home sms nl start 12\n");
	assert_int_equal(c.rows, 2);
}

/* The read-only store reads what a closed writer left, from a path with
 * characters a URI would take for a query or fragment. */
static void
test_readonly_reads(void **state)
{
	struct fixture *f = *state;
	struct collected c = { .stop_after = 0 };
	struct hl_store *ro;
	char err[256], p[200];
	struct stat sb;

	snprintf(f->path, sizeof f->path, "%s/a?b#c%%20 d.db", f->dir);
	f->store = hl_store_open(f->path, err, sizeof err);
	assert_non_null(f->store);
	add_walk_counters(f->store);
	hl_store_close(f->store);
	f->store = NULL;
	snprintf(p, sizeof p, "%s-wal", f->path);
	assert_int_equal(stat(p, &sb), -1);	/* the writer is gone */

	ro = hl_store_open_readonly(f->path, err, sizeof err);
	if (ro == NULL)
		fail_msg("%s", err);
	assert_string_equal(walk(ro, "2026-11-25", NULL, &c, 0),
	    "2026-11-25 home sms nl view 3\n");
	hl_store_close(ro);
	/* Nothing but the file (and SQLite's WAL index) beside it. */
	snprintf(p, sizeof p, "%s/a", f->dir);
	assert_int_equal(stat(p, &sb), -1);
}

/* A missing file is refused, naming it, and not created. */
static void
test_readonly_missing(void **state)
{
	struct fixture *f = *state;
	char err[256];
	struct stat sb;

	assert_null(hl_store_open_readonly(f->path, err, sizeof err));
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, strerror(ENOENT)));
	assert_int_equal(stat(f->path, &sb), -1);
	assert_null(hl_store_open_readonly("", err, sizeof err));
	assert_null(hl_store_open_readonly(NULL, NULL, 0));
}

/* Junk, someone else's database and one of a schema this helplined does
 * not know are refused, naming the file, and left as they were. */
static void
test_readonly_refuses(void **state)
{
	struct fixture *f = *state;
	char err[256], junk[8192];
	struct stat sb;
	FILE *fp;

	memset(junk, 'j', sizeof junk);
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(junk, 1, sizeof junk, fp), sizeof junk);
	fclose(fp);
	assert_null(hl_store_open_readonly(f->path, err, sizeof err));
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "not a database"));
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_size, sizeof junk);
	unlink(f->path);

	make_db(f->path, "CREATE TABLE mail (x)");
	assert_null(hl_store_open_readonly(f->path, err, sizeof err));
	assert_non_null(strstr(err, "not a helplined database"));
	unlink(f->path);

	make_db(f->path, "CREATE TABLE sessions (x); PRAGMA user_version=99;"
	    " PRAGMA application_id = 1212960846;");
	assert_null(hl_store_open_readonly(f->path, err, sizeof err));
	assert_non_null(strstr(err, "99"));
	unlink(f->path);
}

/* A database of an older schema (version 1, before USSD dialogues) is
 * refused with a hint, not migrated: the read-only tool writes nothing. */
static void
test_readonly_old_schema(void **state)
{
	struct fixture *f = *state;
	char err[256];
	struct stat sb0, sb1;
	sqlite3 *db;

	make_db(f->path,
	    "CREATE TABLE sessions ("
	    "  who BLOB PRIMARY KEY, node TEXT, tree_version TEXT, lang TEXT,"
	    "  channel TEXT, page INTEGER, expires_at INTEGER, dialog BLOB,"
	    "  flags INTEGER NOT NULL DEFAULT 0"
	    ") WITHOUT ROWID;"
	    "CREATE TABLE counters ("
	    "  day TEXT, node TEXT, channel TEXT, lang TEXT, kind TEXT,"
	    "  n INTEGER, PRIMARY KEY (day, node, channel, lang, kind)"
	    ") WITHOUT ROWID;"
	    "INSERT INTO counters VALUES ('2026-11-23', 'home', 'sms', 'nl',"
	    "  'start', 12);"
	    "PRAGMA user_version = 1; PRAGMA application_id = 1212960846;");
	assert_int_equal(stat(f->path, &sb0), 0);
	assert_null(hl_store_open_readonly(f->path, err, sizeof err));
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "schema version 1"));
	assert_non_null(strstr(err, "start helplined once"));
	assert_int_equal(stat(f->path, &sb1), 0);
	assert_int_equal(sb1.st_size, sb0.st_size);
	assert_int_equal(sb1.st_mtim.tv_nsec, sb0.st_mtim.tv_nsec);
	db = second_connection(f->path);
	assert_int_equal(query_int(db, "PRAGMA user_version"), 1);
	sqlite3_close(db);
}

/* A file that claims the current schema but lacks the counters table:
 * the walk fails instead of reporting nothing. */
static void
test_readonly_walk_error(void **state)
{
	struct fixture *f = *state;
	struct collected c = { .stop_after = 0 };
	struct hl_store *ro;
	char err[256];

	make_db(f->path, "CREATE TABLE sessions (x);"
	    " PRAGMA user_version = 2; PRAGMA application_id = 1212960846;");
	ro = hl_store_open_readonly(f->path, err, sizeof err);
	if (ro == NULL)
		fail_msg("%s", err);
	walk(ro, NULL, NULL, &c, -1);
	assert_int_equal(c.rows, 0);
	hl_store_close(ro);
}

/* While the daemon holds a write transaction open, the read-only store
 * reads what was committed, without waiting; after the commit, it reads
 * the new rows too. */
static void
test_readonly_while_writing(void **state)
{
	struct fixture *f = *state;
	struct collected c = { .stop_after = 0 };
	struct timespec t0, t1;
	struct hl_store *ro;
	char err[256];
	double waited;

	assert_int_equal(hl_store_counter_add(f->store, "2026-11-23", "home",
	    "sms", "nl", HL_COUNT_START, 7), 0);
	assert_int_equal(hl_store_begin(f->store), 0);
	assert_int_equal(hl_store_counter_add(f->store, "2026-11-23", "home",
	    "sms", "nl", HL_COUNT_START, 5), 0);
	assert_int_equal(hl_store_counter_add(f->store, "2026-11-24", "home",
	    "sms", "nl", HL_COUNT_VIEW, 1), 0);
	assert_true(hl_store_in_batch(f->store));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ro = hl_store_open_readonly(f->path, err, sizeof err);
	if (ro == NULL)
		fail_msg("%s", err);
	assert_string_equal(walk(ro, NULL, NULL, &c, 0),
	    "2026-11-23 home sms nl start 7\n");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(waited < 0.5);

	assert_int_equal(hl_store_commit(f->store), 0);
	assert_string_equal(walk(ro, NULL, NULL, &c, 0),
	    "2026-11-23 home sms nl start 12\n"
	    "2026-11-24 home sms nl view 1\n");
	/* The writer goes on while the reader is open. */
	assert_int_equal(hl_store_counter_add(f->store, "2026-11-24", "home",
	    "sms", "nl", HL_COUNT_VIEW, 1), 0);
	hl_store_close(ro);
}

/* Reads a whole file; an absent file reads as empty. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	struct stat sb;
	ssize_t r;
	int fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	assert_int_equal(fstat(fd, &sb), 0);
	if (sb.st_size > 0) {
		buf = malloc((size_t)sb.st_size);
		assert_non_null(buf);
		r = read(fd, buf, (size_t)sb.st_size);
		assert_int_equal(r, sb.st_size);
		*len = (size_t)r;
	}
	close(fd);
	return buf;
}

/* Counts the pseudonyms (those with pick[i] set) found in any file of the
 * test directory: database, -wal, -shm, journals, anything. */
static unsigned
count_on_disk(const char *dir, const struct hl_pseudonym *who,
    const bool *pick, unsigned n)
{
	bool *hit = calloc(n, sizeof *hit);
	struct dirent *de;
	unsigned found = 0;
	char p[512];
	DIR *d;

	assert_non_null(hit);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		unsigned char *buf;
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		buf = slurp(p, &len);
		for (unsigned i = 0; i < n && buf != NULL; i++) {
			if (pick[i] && !hit[i] && memmem(buf, len, who[i].mac,
			    sizeof who[i].mac) != NULL)
				hit[i] = true;
		}
		free(buf);
	}
	closedir(d);
	for (unsigned i = 0; i < n; i++)
		found += hit[i];
	free(hit);
	return found;
}

/* Returns the next splitmix64 value: known pseudonyms from a seed. */
static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Puts CANARIES sessions in one batch, with random pseudonyms, or with
 * ones made from seed if it is not 0. */
static void
put_canaries(struct hl_store *store, struct hl_pseudonym *who,
    int64_t expires_at, uint64_t seed)
{
	struct hl_session s;

	if (seed == 0)
		assert_int_equal(getrandom(who, CANARIES * sizeof *who, 0),
		    (ssize_t)(CANARIES * sizeof *who));
	for (unsigned i = 0; seed != 0 && i < CANARIES; i++) {
		for (size_t j = 0; j < sizeof who[i].mac; j += 8) {
			uint64_t v = splitmix64(&seed);

			memcpy(who[i].mac + j, &v, sizeof v);
		}
	}
	assert_int_equal(hl_store_begin(store), 0);
	for (unsigned i = 0; i < CANARIES; i++) {
		session_fill(&s, i, i % 2 ? "home" : "signals", "v1", "nl",
		    i % 3 ? "sms" : "ussd", expires_at);
		s.who = who[i];
		assert_int_equal(hl_store_session_put(store, &s), 0);
	}
	assert_int_equal(hl_store_commit(store), 0);
}

static void
test_privacy_delete_all(void **state)
{
	struct fixture *f = *state;
	struct hl_pseudonym who[CANARIES];
	bool all[CANARIES];
	unsigned left;

	for (unsigned i = 0; i < CANARIES; i++)
		all[i] = true;
	put_canaries(f->store, who, NOW + 600, 0);
	/* Control: the search does find them while they are stored. */
	assert_int_equal(count_on_disk(f->dir, who, all, CANARIES), CANARIES);

	assert_int_equal(hl_store_begin(f->store), 0);
	for (unsigned i = 0; i < CANARIES; i++)
		assert_int_equal(hl_store_session_delete(f->store, &who[i]),
		    0);
	assert_int_equal(hl_store_commit(f->store), 0);
	/* Checked with the daemon still running (as after kill -9)... */
	left = count_on_disk(f->dir, who, all, CANARIES);
	if (left != 0)
		print_message("%u of %d deleted pseudonyms on disk\n", left,
		    CANARIES);
	assert_int_equal(left, 0);
	/* ...and after a clean close. */
	hl_store_close(f->store);
	f->store = NULL;
	assert_int_equal(count_on_disk(f->dir, who, all, CANARIES), 0);
}

static void
test_privacy_delete_some(void **state)
{
	struct fixture *f = *state;
	struct hl_pseudonym who[CANARIES];
	bool gone[CANARIES], kept[CANARIES];
	unsigned left;

	put_canaries(f->store, who, NOW + 600, 0);
	for (unsigned i = 0; i < CANARIES; i++) {
		gone[i] = i % 2 == 0;
		kept[i] = !gone[i];
	}
	/* Autocommitted deletes, each purging the WAL by itself. */
	for (unsigned i = 0; i < CANARIES; i += 2)
		assert_int_equal(hl_store_session_delete(f->store, &who[i]),
		    0);
	left = count_on_disk(f->dir, who, gone, CANARIES);
	if (left != 0)
		print_message("%u of %d deleted pseudonyms on disk\n", left,
		    CANARIES / 2);
	assert_int_equal(left, 0);
	/* Control: the ones still live are all found. */
	assert_int_equal(count_on_disk(f->dir, who, kept, CANARIES),
	    CANARIES / 2);
}

/*
 * When SQLite rebalances a b-tree it can rebuild a live page and leave the
 * old bytes of a moved cell in the page's unallocated gap; secure_delete
 * does not reach them when that row is deleted later, so the store
 * rewrites the sessions table after deletes.  These seeds are ones where,
 * with SQLite 3.40.1 and without that rewrite, one deleted pseudonym of 250
 * stayed in such a gap; the layout is deterministic for a given seed.
 */
static void
test_privacy_page_gaps(void **state)
{
	static const uint64_t seeds[] = { 12, 14, 24, 28, 40 };
	struct fixture *f = *state;
	struct hl_pseudonym who[CANARIES];
	bool gone[CANARIES], kept[CANARIES];
	unsigned left, n;

	for (unsigned i = 0; i < CANARIES; i++) {
		gone[i] = i % 2 == 0;
		kept[i] = !gone[i];
	}
	for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
		put_canaries(f->store, who, NOW + 600, seeds[k]);
		assert_int_equal(hl_store_begin(f->store), 0);
		for (unsigned i = 0; i < CANARIES; i += 2)
			assert_int_equal(hl_store_session_delete(f->store,
			    &who[i]), 0);
		assert_int_equal(hl_store_commit(f->store), 0);
		left = count_on_disk(f->dir, who, gone, CANARIES);
		if (left != 0)
			print_message("seed %u: %u of %d deleted pseudonyms"
			    " on disk\n", (unsigned)seeds[k], left,
			    CANARIES / 2);
		assert_int_equal(left, 0);
		assert_int_equal(count_on_disk(f->dir, who, kept, CANARIES),
		    CANARIES / 2);
		/* Start the next seed from an empty table. */
		assert_int_equal(hl_store_expire(f->store, INT64_MAX, &n), 0);
		assert_int_equal(n, CANARIES / 2);
	}
}

static void
test_privacy_expire(void **state)
{
	struct fixture *f = *state;
	struct hl_pseudonym who[CANARIES];
	bool all[CANARIES];
	unsigned n, left;

	for (unsigned i = 0; i < CANARIES; i++)
		all[i] = true;
	put_canaries(f->store, who, NOW, 0);
	/* An open batch with unrelated writes must not hold the purge up. */
	assert_int_equal(hl_store_begin(f->store), 0);
	assert_int_equal(hl_store_counter_add(f->store, "2023-11-14", "home",
	    "sms", "nl", HL_COUNT_VIEW, 1), 0);
	assert_int_equal(hl_store_expire(f->store, NOW, &n), 0);
	assert_int_equal(n, CANARIES);
	left = count_on_disk(f->dir, who, all, CANARIES);
	if (left != 0)
		print_message("%u of %d expired pseudonyms on disk\n", left,
		    CANARIES);
	assert_int_equal(left, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_schema,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_put_get_replace,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_get_expiry_by_now,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_expire_dropoff,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_sessions_on_version,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_forget,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_batch,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_busy_does_not_block,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_counters_reopen,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_newer_version,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_foreign_db,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_not_database,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_open_uri_like_path,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_counters_each,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_reads,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_missing,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_refuses,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_old_schema,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_walk_error,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_while_writing,
		    setup_store, teardown),
		cmocka_unit_test(test_day),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test_setup_teardown(test_privacy_delete_all,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_privacy_delete_some,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_privacy_page_gaps,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_privacy_expire,
		    setup_store, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
