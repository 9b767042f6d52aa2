/*
 * session_cache.h - session changes held in memory until the next commit
 * (write-behind).
 *
 * The core reads a sender's session here first and writes changes here,
 * not to SQLite; once per batch it writes them all in one transaction.
 * If the store is locked or slow, the changes stay here and the next
 * batch tries again, so callers keep being answered from memory and no
 * conversation loses its place (DESIGN.md section 6: a USSD gateway
 * gives us 15 s).  Memory is bounded: at most `capacity` pending changes.
 * Entries hold pseudonyms: they are wiped when dropped.
 */
#ifndef HELPLINE_SESSION_CACHE_H
#define HELPLINE_SESSION_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "helpline/pseudonym.h"
#include "helpline/store.h"

enum hl_cache_hit {
	HL_CACHE_MISS,		/* nothing pending: ask the store */
	HL_CACHE_PUT,		/* a newer session than the store's */
	HL_CACHE_DELETED,	/* deleted since the last commit */
};

struct hl_session_cache;

/* Creates a cache for up to capacity (> 0) pending changes; NULL on OOM. */
struct hl_session_cache *hl_session_cache_new(size_t capacity);

/* Wipes and frees; pending changes are lost.  NULL is fine. */
void hl_session_cache_free(struct hl_session_cache *);

/* Looks up who; on HL_CACHE_PUT copies the session into *out. */
enum hl_cache_hit hl_session_cache_get(const struct hl_session_cache *,
    const struct hl_pseudonym *who, struct hl_session *out);

/* Records a new or changed session.  Returns 0, or -1 if the cache is full
 * (and who not already in it). */
int hl_session_cache_put(struct hl_session_cache *, const struct hl_session *);

/* Records a deletion.  Returns 0, or -1 if full. */
int hl_session_cache_delete(struct hl_session_cache *,
    const struct hl_pseudonym *who);

/* Returns the number of pending changes. */
size_t hl_session_cache_count(const struct hl_session_cache *);

/* Returns true if a pending session is pinned to a tree version. */
bool hl_session_cache_uses_version(const struct hl_session_cache *,
    const char *version);

/* Writes every pending change into the store's open transaction.  Returns
 * 0, or -1 on the first failure (the caller rolls back; the cache is
 * unchanged, so the next batch retries). */
int hl_session_cache_write(const struct hl_session_cache *, struct hl_store *);

/* Writes pending changes [from, from + max) in order of first change into
 * the store's open transaction, so a large batch can be written a slice
 * per loop iteration.  *next receives where to go on (== count when
 * done).  Returns 0 or -1 (the caller rolls back). */
int hl_session_cache_write_some(const struct hl_session_cache *,
    struct hl_store *, size_t from, size_t max, size_t *next);

/* Moves every change of src that dst does not hold into dst (dst's are
 * newer), then clears src: a batch that could not be written goes back
 * under the changes made since.  Returns 0, or -1 if dst filled up (what
 * did not fit is dropped and counted in *lost). */
int hl_session_cache_merge(struct hl_session_cache *dst,
    struct hl_session_cache *src, size_t *lost);

/* Forgets (and wipes) every pending change: after a successful commit. */
void hl_session_cache_clear(struct hl_session_cache *);

#endif
