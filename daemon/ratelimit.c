/*
 * ratelimit.c - per-sender token buckets in a table of fixed capacity.
 *
 * A bucket holds its level in units of 1/60000 of a message, so refilling
 * `per_minute` messages a minute adds exactly per_minute units a
 * millisecond: integer arithmetic, no drift.  Each bucket also knows the
 * moment it will be full again (full_at); a binary min-heap on full_at
 * finds both the senders to forget (full again: they carry nothing) and,
 * when the table is full, the one to evict (nearest to full), each in
 * O(log n).  An open-addressing table (linear probing, at most half full,
 * deletion by shifting back, as in dedup.c) finds a sender's bucket; the
 * keys are keyed MACs, uniformly spread, so their first bytes are the
 * hash.  All memory is allocated up front.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpline/config.h"
#include "helpline/ratelimit.h"

#define RL_UNIT 60000		/* units per message: ms in a minute */
#define RL_NONE SIZE_MAX

#define RL_BURST_DEFAULT 20
#define RL_PER_MINUTE_DEFAULT 6
#define RL_SENDERS_DEFAULT 10000

struct rl_bucket {
	struct hl_pseudonym who;
	int64_t at;		/* when units was last brought up to date */
	int64_t full_at;	/* when the bucket is full again */
	uint64_t units;		/* level at `at` */
	size_t heap_pos;
};

struct hl_ratelimit {
	struct hl_ratelimit_opts opts;
	uint64_t cap_units;
	struct rl_bucket *b;	/* dense: b[0..n) */
	size_t n;
	size_t *heap;		/* indices into b, by full_at */
	size_t *table;		/* index into b + 1, or 0 */
	size_t mask;		/* table size - 1 */
	unsigned long evictions;
};

/* Reads [ratelimit]. */
int
hl_ratelimit_read_config(struct hl_config *c, struct hl_ratelimit_opts *o,
    char *err, size_t errlen)
{
	bool enabled;

	memset(o, 0, sizeof *o);
	if (hl_config_bool(c, "ratelimit", "enabled", true, &enabled, err,
	    errlen) == -1 ||
	    hl_config_uint(c, "ratelimit", "burst", RL_BURST_DEFAULT, 1,
	    100000, &o->burst, err, errlen) == -1 ||
	    hl_config_uint(c, "ratelimit", "per_minute",
	    RL_PER_MINUTE_DEFAULT, 1, 100000, &o->per_minute, err,
	    errlen) == -1 ||
	    hl_config_uint(c, "ratelimit", "senders", RL_SENDERS_DEFAULT, 16,
	    1000000, &o->senders, err, errlen) == -1)
		return -1;
	if (!enabled)
		o->burst = 0;
	return 0;
}

/* Returns the monotonic time in milliseconds. */
static int64_t
rl_now(const struct hl_ratelimit *rl)
{
	struct timespec ts;

	if (rl->opts.clock != NULL)
		return rl->opts.clock(rl->opts.clock_ctx);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Creates a limiter. */
struct hl_ratelimit *
hl_ratelimit_new(const struct hl_ratelimit_opts *opts)
{
	struct hl_ratelimit *rl;
	size_t size = 8;

	if (opts->burst == 0 || opts->per_minute == 0 || opts->senders == 0)
		return NULL;
	if ((rl = calloc(1, sizeof *rl)) == NULL)
		return NULL;
	rl->opts = *opts;
	rl->cap_units = (uint64_t)opts->burst * RL_UNIT;
	while (size < (size_t)opts->senders * 2)
		size *= 2;
	rl->mask = size - 1;
	rl->b = calloc(opts->senders, sizeof *rl->b);
	rl->heap = calloc(opts->senders, sizeof *rl->heap);
	rl->table = calloc(size, sizeof *rl->table);
	if (rl->b == NULL || rl->heap == NULL || rl->table == NULL) {
		hl_ratelimit_free(rl);
		return NULL;
	}
	return rl;
}

/* Wipes and frees. */
void
hl_ratelimit_free(struct hl_ratelimit *rl)
{
	if (rl == NULL)
		return;
	if (rl->b != NULL)
		explicit_bzero(rl->b, rl->opts.senders * sizeof *rl->b);
	free(rl->b);
	free(rl->heap);
	free(rl->table);
	free(rl);
}

/* --- the level of a bucket ---------------------------------------------- */

/* Returns a bucket's level at now. */
static uint64_t
rl_units(const struct hl_ratelimit *rl, const struct rl_bucket *e,
    int64_t now)
{
	uint64_t missing = rl->cap_units - e->units;
	uint64_t elapsed;

	if (now <= e->at)
		return e->units;
	elapsed = (uint64_t)(now - e->at);
	/* Compared by division first: elapsed * per_minute cannot overflow
	 * once elapsed is below the time to fill up. */
	if (elapsed >= missing / rl->opts.per_minute + 1)
		return rl->cap_units;
	return e->units + elapsed * rl->opts.per_minute;
}

/* Sets a bucket's level at now, and when it is full again. */
static void
rl_set(const struct hl_ratelimit *rl, struct rl_bucket *e, int64_t now,
    uint64_t units)
{
	uint64_t missing = rl->cap_units - units;

	e->units = units;
	e->at = now;
	e->full_at = now + (int64_t)((missing + rl->opts.per_minute - 1) /
	    rl->opts.per_minute);
}

/* --- the heap, by full_at ----------------------------------------------- */

/* Returns the bucket at a heap position. */
static struct rl_bucket *
rl_at(const struct hl_ratelimit *rl, size_t pos)
{
	return &rl->b[rl->heap[pos]];
}

/* Swaps two heap positions. */
static void
rl_heap_swap(struct hl_ratelimit *rl, size_t a, size_t b)
{
	size_t t = rl->heap[a];

	rl->heap[a] = rl->heap[b];
	rl->heap[b] = t;
	rl->b[rl->heap[a]].heap_pos = a;
	rl->b[rl->heap[b]].heap_pos = b;
}

/* Moves a heap entry up or down to its place. */
static void
rl_heap_fix(struct hl_ratelimit *rl, size_t pos)
{
	while (pos > 0 && rl_at(rl, pos)->full_at <
	    rl_at(rl, (pos - 1) / 2)->full_at) {
		rl_heap_swap(rl, pos, (pos - 1) / 2);
		pos = (pos - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * pos + 1, r = l + 1, min = pos;

		if (l < rl->n && rl_at(rl, l)->full_at <
		    rl_at(rl, min)->full_at)
			min = l;
		if (r < rl->n && rl_at(rl, r)->full_at <
		    rl_at(rl, min)->full_at)
			min = r;
		if (min == pos)
			return;
		rl_heap_swap(rl, pos, min);
		pos = min;
	}
}

/* --- the table, by sender ----------------------------------------------- */

/* Returns the home slot of a sender. */
static size_t
rl_home(const struct hl_ratelimit *rl, const struct hl_pseudonym *who)
{
	uint64_t h;

	memcpy(&h, who->mac, sizeof h);
	return (size_t)h & rl->mask;
}

/* Returns the slot holding a sender, or RL_NONE. */
static size_t
rl_find(const struct hl_ratelimit *rl, const struct hl_pseudonym *who)
{
	for (size_t s = rl_home(rl, who); rl->table[s] != 0;
	    s = (s + 1) & rl->mask) {
		if (memcmp(rl->b[rl->table[s] - 1].who.mac, who->mac,
		    sizeof who->mac) == 0)
			return s;
	}
	return RL_NONE;
}

/* Empties a slot, moving later entries of its cluster back. */
static void
rl_table_remove(struct hl_ratelimit *rl, size_t hole)
{
	size_t s = hole;

	rl->table[hole] = 0;
	for (;;) {
		size_t h;

		s = (s + 1) & rl->mask;
		if (rl->table[s] == 0)
			return;
		h = rl_home(rl, &rl->b[rl->table[s] - 1].who);
		/* Move it back only if its home is not in (hole, s]. */
		if (((s - h) & rl->mask) >= ((s - hole) & rl->mask)) {
			rl->table[hole] = rl->table[s];
			rl->table[s] = 0;
			hole = s;
		}
	}
}

/* Forgets the bucket at index i; the last bucket takes its place. */
static void
rl_forget(struct hl_ratelimit *rl, size_t i)
{
	size_t last = rl->n - 1, pos = rl->b[i].heap_pos;

	rl_table_remove(rl, rl_find(rl, &rl->b[i].who));
	/* Out of the heap: the heap's last entry fills the hole. */
	rl_heap_swap(rl, pos, last);
	rl->n--;
	if (pos < rl->n)
		rl_heap_fix(rl, pos);
	/* Out of the array: the array's last bucket fills the hole. */
	if (i != last) {
		rl->b[i] = rl->b[last];
		rl->table[rl_find(rl, &rl->b[i].who)] = i + 1;
		rl->heap[rl->b[i].heap_pos] = i;
	}
	explicit_bzero(&rl->b[last], sizeof rl->b[last]);
}

/* Forgets every sender whose bucket is full again. */
static void
rl_expire(struct hl_ratelimit *rl, int64_t now)
{
	while (rl->n > 0 && rl_at(rl, 0)->full_at <= now)
		rl_forget(rl, rl->heap[0]);
}

/* Tracks a new sender whose first message takes a token. */
static void
rl_insert(struct hl_ratelimit *rl, const struct hl_pseudonym *who,
    int64_t now)
{
	struct rl_bucket *e;
	size_t s;

	if (rl->n == rl->opts.senders) {
		rl->evictions++;
		rl_forget(rl, rl->heap[0]);
	}
	e = &rl->b[rl->n];
	e->who = *who;
	rl_set(rl, e, now, rl->cap_units - RL_UNIT);
	for (s = rl_home(rl, who); rl->table[s] != 0; s = (s + 1) & rl->mask)
		;
	rl->table[s] = rl->n + 1;
	rl->heap[rl->n] = rl->n;
	e->heap_pos = rl->n;
	rl->n++;
	rl_heap_fix(rl, e->heap_pos);
}

/* Takes one token from a sender's bucket. */
bool
hl_ratelimit_take(struct hl_ratelimit *rl, const struct hl_pseudonym *who)
{
	int64_t now = rl_now(rl);
	struct rl_bucket *e;
	uint64_t units;
	size_t s;

	rl_expire(rl, now);
	if ((s = rl_find(rl, who)) == RL_NONE) {
		rl_insert(rl, who, now);
		return true;
	}
	e = &rl->b[rl->table[s] - 1];
	units = rl_units(rl, e, now);
	if (units < RL_UNIT) {
		rl_set(rl, e, now, units);
		rl_heap_fix(rl, e->heap_pos);
		return false;
	}
	rl_set(rl, e, now, units - RL_UNIT);
	rl_heap_fix(rl, e->heap_pos);
	return true;
}

/* Returns how many senders are tracked. */
size_t
hl_ratelimit_count(const struct hl_ratelimit *rl)
{
	return rl != NULL ? rl->n : 0;
}

/* Returns how many senders were evicted. */
unsigned long
hl_ratelimit_evictions(const struct hl_ratelimit *rl)
{
	return rl != NULL ? rl->evictions : 0;
}
