/*
 * session_cache.c - pending session changes in memory (session_cache.h).
 *
 * An open-addressing table (linear probing, at most half full) keyed by
 * pseudonym; pseudonyms are keyed MACs, uniformly spread, so their first
 * bytes serve as the hash.  Entries are only ever removed all at once (after
 * a commit), so there are no tombstones; a list of used slots makes that
 * clear cost what was used, not the table's size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/session_cache.h"

struct cache_entry {
	bool used;
	bool deleted;		/* a pending delete, not a put */
	struct hl_session session;	/* session.who is the key */
};

struct hl_session_cache {
	struct cache_entry *table;
	size_t mask;		/* table size - 1 */
	size_t *used;		/* slots in use, in order of first use */
	size_t n_used;
	size_t capacity;
};

/* Creates a cache. */
struct hl_session_cache *
hl_session_cache_new(size_t capacity)
{
	struct hl_session_cache *c;
	size_t size = 8;

	if (capacity == 0 || capacity > SIZE_MAX / 4 / sizeof *c->table)
		return NULL;
	while (size < capacity * 2)
		size *= 2;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	c->mask = size - 1;
	c->capacity = capacity;
	c->table = calloc(size, sizeof *c->table);
	c->used = calloc(capacity, sizeof *c->used);
	if (c->table == NULL || c->used == NULL) {
		hl_session_cache_free(c);
		return NULL;
	}
	return c;
}

/* Wipes and frees. */
void
hl_session_cache_free(struct hl_session_cache *c)
{
	if (c == NULL)
		return;
	if (c->table != NULL)
		hl_session_cache_clear(c);
	free(c->table);
	free(c->used);
	free(c);
}

/* Returns the slot holding who, or the empty slot where it would go. */
static size_t
cache_slot(const struct hl_session_cache *c, const struct hl_pseudonym *who)
{
	uint64_t h;
	size_t s;

	memcpy(&h, who->mac, sizeof h);
	for (s = (size_t)h & c->mask; c->table[s].used; s = (s + 1) & c->mask) {
		if (memcmp(c->table[s].session.who.mac, who->mac,
		    sizeof who->mac) == 0)
			break;
	}
	return s;
}

/* Looks up who. */
enum hl_cache_hit
hl_session_cache_get(const struct hl_session_cache *c,
    const struct hl_pseudonym *who, struct hl_session *out)
{
	const struct cache_entry *e = &c->table[cache_slot(c, who)];

	if (!e->used)
		return HL_CACHE_MISS;
	if (e->deleted)
		return HL_CACHE_DELETED;
	*out = e->session;
	return HL_CACHE_PUT;
}

/* Returns the entry for who, claiming a slot if needed; NULL if full. */
static struct cache_entry *
cache_claim(struct hl_session_cache *c, const struct hl_pseudonym *who)
{
	size_t s = cache_slot(c, who);
	struct cache_entry *e = &c->table[s];

	if (!e->used) {
		if (c->n_used == c->capacity)
			return NULL;
		c->used[c->n_used++] = s;
		e->used = true;
	}
	return e;
}

/* Records a new or changed session. */
int
hl_session_cache_put(struct hl_session_cache *c, const struct hl_session *s)
{
	struct cache_entry *e = cache_claim(c, &s->who);

	if (e == NULL)
		return -1;
	e->deleted = false;
	e->session = *s;
	return 0;
}

/* Records a deletion. */
int
hl_session_cache_delete(struct hl_session_cache *c,
    const struct hl_pseudonym *who)
{
	struct cache_entry *e = cache_claim(c, who);

	if (e == NULL)
		return -1;
	explicit_bzero(&e->session, sizeof e->session);
	e->session.who = *who;
	e->deleted = true;
	return 0;
}

/* Returns the number of pending changes. */
size_t
hl_session_cache_count(const struct hl_session_cache *c)
{
	return c->n_used;
}

/* Returns true if a pending session uses a tree version. */
bool
hl_session_cache_uses_version(const struct hl_session_cache *c,
    const char *version)
{
	for (size_t i = 0; i < c->n_used; i++) {
		const struct cache_entry *e = &c->table[c->used[i]];

		if (!e->deleted &&
		    strcmp(e->session.tree_version, version) == 0)
			return true;
	}
	return false;
}

/* Writes some pending changes into the open transaction. */
int
hl_session_cache_write_some(const struct hl_session_cache *c,
    struct hl_store *store, size_t from, size_t max, size_t *next)
{
	size_t i;

	for (i = from; i < c->n_used && i - from < max; i++) {
		const struct cache_entry *e = &c->table[c->used[i]];
		int rc = e->deleted ?
		    hl_store_session_delete(store, &e->session.who) :
		    hl_store_session_put(store, &e->session);

		if (rc == -1)
			return -1;
	}
	*next = i;
	return 0;
}

/* Writes every pending change into the open transaction. */
int
hl_session_cache_write(const struct hl_session_cache *c,
    struct hl_store *store)
{
	size_t next;

	return hl_session_cache_write_some(c, store, 0, c->n_used, &next);
}

/* Moves the changes of src that dst lacks into dst, then clears src. */
int
hl_session_cache_merge(struct hl_session_cache *dst,
    struct hl_session_cache *src, size_t *lost)
{
	int rc = 0;

	*lost = 0;
	for (size_t i = 0; i < src->n_used; i++) {
		const struct cache_entry *e = &src->table[src->used[i]];
		struct cache_entry *d;

		if (dst->table[cache_slot(dst, &e->session.who)].used)
			continue;	/* dst's change is newer */
		if ((d = cache_claim(dst, &e->session.who)) == NULL) {
			(*lost)++;
			rc = -1;
			continue;
		}
		*d = *e;
	}
	hl_session_cache_clear(src);
	return rc;
}

/* Forgets every pending change. */
void
hl_session_cache_clear(struct hl_session_cache *c)
{
	for (size_t i = 0; i < c->n_used; i++)
		explicit_bzero(&c->table[c->used[i]],
		    sizeof c->table[c->used[i]]);
	c->n_used = 0;
}
