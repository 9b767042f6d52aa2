/*
 * store.h - the narrow storage interface: sessions by pseudonym and
 * aggregated counters (DESIGN.md sections 5 and 8).
 *
 * The store knows SQL and nothing of menus or protocols.  What it keeps:
 *   sessions(pseudonym, node, tree version, language, channel, page, expiry,
 *            USSD dialogue MAC, flags)
 *   counters(day, node, channel, language, kind) -> count, no pseudonym.
 * SQLite runs with WAL, secure_delete=ON and temp_store=MEMORY, each read
 * back after it is set; the store refuses to open otherwise.  After rows
 * are deleted the WAL is checkpointed with TRUNCATE so a deleted pseudonym
 * does not linger in the -wal file.
 *
 * Writes may be grouped: hl_store_begin() opens a transaction that the
 * caller ends with hl_store_commit() (the daemon does so once per loop
 * iteration), so a burst of messages costs one fsync, not one each.
 */
#ifndef HELPLINE_STORE_H
#define HELPLINE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpline/pseudonym.h"

#define HL_ID_MAX 64		/* node ids and tree versions, with NUL */
#define HL_LANG_MAX 8
#define HL_CHANNEL_NAME_MAX 16

struct hl_session {
	struct hl_pseudonym who;
	char node[HL_ID_MAX];
	char tree_version[HL_ID_MAX];
	char lang[HL_LANG_MAX];
	char channel[HL_CHANNEL_NAME_MAX];
	unsigned page;		/* pagination: page of `node` last shown */
	int64_t expires_at;	/* unix seconds */
	struct hl_pseudonym dialog;	/* keyed MAC of the gateway's USSD
					 * session id; all zero: none */
	unsigned flags;		/* HL_SESSION_* */
};

/* The caller was offered to resume a dropped USSD session. */
#define HL_SESSION_RESUME_OFFERED 0x1u
/* The session runs on a draft (a test number's): its drop-off is no
 * usage, so the expiry sweep does not count it. */
#define HL_SESSION_DRAFT 0x2u

/* Counter kinds: what a message resolved to (DESIGN.md section 5 rule 4). */
enum hl_counter_kind {
	HL_COUNT_START,		/* a session began on this node */
	HL_COUNT_VIEW,		/* a screen of this node was shown */
	HL_COUNT_INVALID,	/* input on this node was no option */
	HL_COUNT_FORGET,	/* forget-me on this node */
	HL_COUNT_DROPOFF,	/* a session expired on this node */
	HL_COUNT__MAX,
};

struct hl_store;

/* Opens (creating or migrating) the database at path.  On failure returns
 * NULL and writes a message naming the file into err[0..errlen). */
struct hl_store *hl_store_open(const char *path, char *err, size_t errlen);

/* Opens an existing database read-only (helplinectl; works with the
 * daemon running or stopped).  Only the reading functions may be used:
 * hl_store_counters_each() and the history readers.  On failure returns
 * NULL with a message naming the file in err. */
struct hl_store *hl_store_open_readonly(const char *path, char *err,
    size_t errlen);

/* Commits what is pending and closes.  NULL is fine. */
void hl_store_close(struct hl_store *);

/* Opens a transaction if none is open; writes then group until
 * hl_store_commit().  Returns 0 or -1. */
int hl_store_begin(struct hl_store *);

/* Commits the open transaction, if any, then scrubs and checkpoints the
 * WAL with TRUNCATE if rows were deleted since the last checkpoint.
 * Returns 0; -1 if the commit failed (the transaction is rolled back,
 * nothing written); -2 if it was committed but the scrub or checkpoint
 * failed (retried after the next commit). */
int hl_store_commit(struct hl_store *);

/* Commits the open transaction, if any, but leaves the scrub and
 * checkpoint of deleted rows to the next hl_store_commit(),
 * hl_store_expire() or hl_store_close(): rewriting the sessions table and
 * truncating the WAL on every batch that ends a USSD session cost p99
 * latency (bench/http-ussd).  Deleted cells are zeroed at once all the
 * same (secure_delete); what waits is the stale copies in page gaps and
 * WAL frames.  Returns 0, or -1 (rolled back, nothing written). */
int hl_store_commit_deferred(struct hl_store *);

/* Rolls back the open transaction, if any. */
void hl_store_rollback(struct hl_store *);

/* Returns true if a transaction is open. */
bool hl_store_in_batch(const struct hl_store *);

/* Reads the session of a pseudonym into *out.  Returns 0 if found, 1 if
 * there is none (or it has expired by `now`), -1 on error. */
int hl_store_session_get(struct hl_store *, const struct hl_pseudonym *,
    int64_t now, struct hl_session *out);

/* Inserts or replaces a session.  Returns 0 or -1. */
int hl_store_session_put(struct hl_store *, const struct hl_session *);

/* Deletes a session now (forget-me, end of a USSD session, a pseudonym
 * moved to the new period's key).  Returns 0 (also if there was none) or -1. */
int hl_store_session_delete(struct hl_store *, const struct hl_pseudonym *);

/* Deletes every session expired by `now`, first adding one DROPOFF count
 * per expired session (but those flagged HL_SESSION_DRAFT) to (day of
 * `now`, its node, channel, language); then
 * commits and checkpoints.  *purged (may be NULL) receives the number
 * deleted.  Returns 0 or -1. */
int hl_store_expire(struct hl_store *, int64_t now, unsigned *purged);

/* Counts the live sessions pinned to a tree version.  Returns 0 or -1. */
int hl_store_sessions_on_version(struct hl_store *, const char *version,
    unsigned *count);

/* Counts all sessions.  Returns 0 or -1. */
int hl_store_session_count(struct hl_store *, unsigned *count);

/* Adds n to the counter (day "YYYY-MM-DD", node, channel, lang, kind).
 * Returns 0 or -1. */
int hl_store_counter_add(struct hl_store *, const char *day, const char *node,
    const char *channel, const char *lang, enum hl_counter_kind kind,
    unsigned n);

/* Reads one counter (for tests and stats).  Returns 0 or -1. */
int hl_store_counter_get(struct hl_store *, const char *day, const char *node,
    const char *channel, const char *lang, enum hl_counter_kind kind,
    uint64_t *value);

/* Receives one counter row; strings are valid during the call.  Returns
 * 0 to go on, non-zero to stop. */
typedef int (*hl_store_counter_cb)(const char *day, const char *node,
    const char *channel, const char *lang, const char *kind, uint64_t n,
    void *arg);

/* Calls cb for each counter row with since <= day <= until (either may be
 * NULL: no bound), ordered by day, node, channel, language, kind.  Returns
 * 0 or -1. */
int hl_store_counters_each(struct hl_store *, const char *since,
    const char *until, hl_store_counter_cb cb, void *arg);

/* Returns the kind's name as stored ("start", "view", ...). */
const char *hl_counter_kind_name(enum hl_counter_kind);

/* Formats the UTC day of a unix time as "YYYY-MM-DD" into day[11]. */
void hl_store_day(int64_t t, char day[11]);

#endif
