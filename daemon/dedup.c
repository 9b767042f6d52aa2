/*
 * dedup.c - a bounded memory of recently seen gateway message ids.
 *
 * Entries sit in a ring in arrival order, so the oldest is the one to
 * forget when the ring is full or its time is up.  An open-addressing
 * table (linear probing, at most half full) maps an id to its ring slot;
 * removal shifts later entries back rather than leaving tombstones, so
 * lookups stay short however long the daemon runs.  The ids are keyed
 * MACs, uniformly spread, so their first bytes serve as the hash.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpline/dedup.h"

#define NO_SLOT	SIZE_MAX

struct entry {
	struct hl_pseudonym	id;
	time_t			at;
	char			*reply;	/* the answer given, for a retry */
	size_t			 len;
	bool			 end;
};

struct hl_dedup {
	size_t		 capacity;
	unsigned	 window;
	struct entry	*ring;
	size_t		 head;		/* oldest entry */
	size_t		 count;
	size_t		*table;		/* ring index + 1, or 0 */
	size_t		 mask;		/* table size - 1 */
};

/* Returns the table size for a capacity: a power of two >= 2 * capacity. */
static size_t
table_size(size_t capacity)
{
	size_t	n = 8;

	while (n < capacity * 2)
		n *= 2;
	return n;
}

/* Creates a de-duplicator. */
struct hl_dedup *
hl_dedup_new(size_t capacity, unsigned window_seconds)
{
	struct hl_dedup	*d = NULL;

	if (capacity == 0 || window_seconds == 0 ||
	    capacity > SIZE_MAX / 4 / sizeof(struct entry))
		return NULL;
	if ((d = calloc(1, sizeof *d)) == NULL)
		goto fail;
	d->capacity = capacity;
	d->window = window_seconds;
	d->mask = table_size(capacity) - 1;
	if ((d->ring = calloc(capacity, sizeof *d->ring)) == NULL)
		goto fail;
	if ((d->table = calloc(d->mask + 1, sizeof *d->table)) == NULL)
		goto fail;
	return d;
fail:
	hl_dedup_free(d);
	return NULL;
}

/* Frees the reply kept with an entry. */
static void
drop_reply(struct entry *e)
{
	if (e->reply != NULL) {
		explicit_bzero(e->reply, e->len);
		free(e->reply);
	}
	e->reply = NULL;
	e->len = 0;
	e->end = false;
}

/* Wipes and frees. */
void
hl_dedup_free(struct hl_dedup *d)
{
	if (d == NULL)
		return;
	if (d->ring != NULL) {
		for (size_t i = 0; i < d->capacity; i++)
			drop_reply(&d->ring[i]);
		explicit_bzero(d->ring, d->capacity * sizeof *d->ring);
	}
	free(d->ring);
	free(d->table);
	free(d);
}

/* Returns the home table slot of an id. */
static size_t
home(const struct hl_dedup *d, const struct hl_pseudonym *id)
{
	uint64_t	h;

	memcpy(&h, id->mac, sizeof h);
	return (size_t)h & d->mask;
}

/* Returns the table slot holding an id, or NO_SLOT. */
static size_t
find(const struct hl_dedup *d, const struct hl_pseudonym *id)
{
	size_t	s, r;

	for (s = home(d, id); d->table[s] != 0; s = (s + 1) & d->mask) {
		r = d->table[s] - 1;
		if (memcmp(d->ring[r].id.mac, id->mac, sizeof id->mac) == 0)
			return s;
	}
	return NO_SLOT;
}

/* Empties a table slot, moving later entries of its cluster back. */
static void
table_remove(struct hl_dedup *d, size_t hole)
{
	size_t	s = hole, h;

	d->table[hole] = 0;
	for (;;) {
		s = (s + 1) & d->mask;
		if (d->table[s] == 0)
			return;
		h = home(d, &d->ring[d->table[s] - 1].id);
		/* Move it back only if its home is not in (hole, s]. */
		if (((s - h) & d->mask) >= ((s - hole) & d->mask)) {
			d->table[hole] = d->table[s];
			d->table[s] = 0;
			hole = s;
		}
	}
}

/* Forgets the oldest entry. */
static void
evict_oldest(struct hl_dedup *d)
{
	struct entry	*e = &d->ring[d->head];
	size_t		 s;

	if ((s = find(d, &e->id)) != NO_SLOT)
		table_remove(d, s);
	drop_reply(e);
	explicit_bzero(e, sizeof *e);
	d->head = (d->head + 1) % d->capacity;
	d->count--;
}

/* Returns true if an entry recorded at `at` is still within the window.
 * A time ahead of now (the clock stepped back) counts as within it. */
static bool
is_fresh(const struct hl_dedup *d, time_t at, time_t now)
{
	if (now < at)
		return true;
	/* Unsigned, so far-apart times cannot overflow. */
	return (uint64_t)now - (uint64_t)at < d->window;
}

/* Records an id at now, forgetting the oldest if the ring is full. */
static void
record(struct hl_dedup *d, const struct hl_pseudonym *id, time_t now)
{
	size_t	r, s;

	if (d->count == d->capacity)
		evict_oldest(d);
	r = (d->head + d->count) % d->capacity;
	d->ring[r].id = *id;
	d->ring[r].at = now;
	d->count++;
	for (s = home(d, id); d->table[s] != 0; s = (s + 1) & d->mask)
		;
	d->table[s] = r + 1;
}

/*
 * Returns true if id_mac was seen within the window, else records it.
 * Expired entries at the old end are forgotten first.  One found expired
 * elsewhere (timestamps out of order) is refreshed in place instead.
 */
bool
hl_dedup_seen(struct hl_dedup *d, const struct hl_pseudonym *id_mac,
    time_t now)
{
	struct entry	*e;
	size_t		 s;

	while (d->count > 0 && !is_fresh(d, d->ring[d->head].at, now))
		evict_oldest(d);
	if ((s = find(d, id_mac)) != NO_SLOT) {
		e = &d->ring[d->table[s] - 1];
		if (is_fresh(d, e->at, now))
			return true;
		e->at = now;
		drop_reply(e);
		return false;
	}
	record(d, id_mac, now);
	return false;
}

/* Returns the entry of an id, or NULL. */
static struct entry *
entry_of(const struct hl_dedup *d, const struct hl_pseudonym *id_mac)
{
	size_t	s = find(d, id_mac);

	return s == NO_SLOT ? NULL : &d->ring[d->table[s] - 1];
}

/* Keeps a copy of the reply given to a recorded id. */
int
hl_dedup_keep_reply(struct hl_dedup *d, const struct hl_pseudonym *id_mac,
    const char *text, size_t len, bool end)
{
	struct entry	*e = entry_of(d, id_mac);
	char		*copy;

	if (e == NULL || (copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	drop_reply(e);
	e->reply = copy;
	e->len = len;
	e->end = end;
	return 0;
}

/* Returns the reply kept for an id. */
const char *
hl_dedup_reply(const struct hl_dedup *d, const struct hl_pseudonym *id_mac,
    size_t *len, bool *end)
{
	const struct entry	*e = entry_of(d, id_mac);

	if (e == NULL || e->reply == NULL)
		return NULL;
	*len = e->len;
	*end = e->end;
	return e->reply;
}

/* Forgets an id.  Its ring entry stays (so the ring keeps its order),
 * wiped so that evicting it later cannot touch a new record of the same
 * id. */
void
hl_dedup_forget(struct hl_dedup *d, const struct hl_pseudonym *id_mac)
{
	size_t		 s = find(d, id_mac);
	struct entry	*e;

	if (s == NO_SLOT)
		return;
	e = &d->ring[d->table[s] - 1];
	table_remove(d, s);
	drop_reply(e);
	explicit_bzero(&e->id, sizeof e->id);
}
