/*
 * smpp_window.c - sequence numbers, the window of outstanding requests,
 * the submit rate limit and the reconnect backoff of an SMPP link.
 *
 * Nothing here reads a clock or does I/O: the caller passes the time, so
 * the adapter uses its monotonic clock and the tests a plain counter.
 *
 * The window is small (Kannel's default is 10, the cap 1000), so it is a
 * fixed array of slots searched linearly: no hashing, no allocation after
 * hl_smpp_window_new.  Each slot remembers when its request was sent and
 * a put counter, so expiry can take the oldest first and break ties by
 * the order of sending even if the caller's clock stood still.
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "helpline/smpp_window.h"

#define WINDOW_MAX	1000
#define MILLI		1000u	/* millitokens in a token */

struct slot {
	bool		 used;
	uint32_t	 seq;
	int64_t		 sent_ms;
	uint64_t	 order;		/* put counter: ties in sent_ms */
	void		*data;
};

struct hl_smpp_window {
	size_t		 capacity;
	size_t		 count;
	uint64_t	 puts;
	struct slot	*slots;
};

/* Returns the sequence number after *seq and stores it there. */
uint32_t
hl_smpp_seq_next(uint32_t *seq)
{
	/* 0 is never sent; anything at or past the maximum wraps to 1. */
	if (*seq >= HL_SMPP_SEQ_MAX)
		*seq = 1;
	else
		(*seq)++;
	return *seq;
}

/* Returns a window for capacity requests, or NULL. */
struct hl_smpp_window *
hl_smpp_window_new(size_t capacity)
{
	struct hl_smpp_window	*w;

	if (capacity == 0 || capacity > WINDOW_MAX)
		return NULL;
	if ((w = calloc(1, sizeof *w)) == NULL)
		return NULL;
	if ((w->slots = calloc(capacity, sizeof *w->slots)) == NULL) {
		free(w);
		return NULL;
	}
	w->capacity = capacity;
	return w;
}

/* Frees the window; the callers' pointers are theirs. */
void
hl_smpp_window_free(struct hl_smpp_window *w)
{
	if (w == NULL)
		return;
	free(w->slots);
	free(w);
}

/* Returns the number of outstanding requests. */
size_t
hl_smpp_window_count(const struct hl_smpp_window *w)
{
	return w->count;
}

/* Returns true if no request can be put. */
bool
hl_smpp_window_full(const struct hl_smpp_window *w)
{
	return w->count == w->capacity;
}

/* Returns the slot holding seq, or NULL. */
static struct slot *
find(const struct hl_smpp_window *w, uint32_t seq)
{
	for (size_t i = 0; i < w->capacity; i++)
		if (w->slots[i].used && w->slots[i].seq == seq)
			return &w->slots[i];
	return NULL;
}

/* Returns true if slot a was sent before slot b. */
static bool
is_older(const struct slot *a, const struct slot *b)
{
	if (a->sent_ms != b->sent_ms)
		return a->sent_ms < b->sent_ms;
	return a->order < b->order;
}

/* Returns the slot sent first (by time, then order of putting), or NULL
 * if the window is empty. */
static struct slot *
oldest(const struct hl_smpp_window *w)
{
	struct slot	*best = NULL;

	for (size_t i = 0; i < w->capacity; i++) {
		if (!w->slots[i].used)
			continue;
		if (best == NULL || is_older(&w->slots[i], best))
			best = &w->slots[i];
	}
	return best;
}

/* Empties a slot, handing back its pointer. */
static void *
vacate(struct hl_smpp_window *w, struct slot *s)
{
	void	*data = s->data;

	*s = (struct slot){ .used = false };
	w->count--;
	return data;
}

/* Returns now - then, 0 if then is later (the clock stepped back) and
 * INT64_MAX if the difference does not fit. */
static int64_t
elapsed(int64_t now, int64_t then)
{
	if (now <= then)
		return 0;
	/* Unsigned, so far-apart times cannot overflow. */
	if ((uint64_t)now - (uint64_t)then > (uint64_t)INT64_MAX)
		return INT64_MAX;
	return (int64_t)((uint64_t)now - (uint64_t)then);
}

/* Records request seq sent at now_ms. */
int
hl_smpp_window_put(struct hl_smpp_window *w, uint32_t seq, int64_t now_ms,
    void *data)
{
	struct slot	*s = NULL;

	if (hl_smpp_window_full(w) || find(w, seq) != NULL)
		return -1;
	for (size_t i = 0; i < w->capacity; i++) {
		if (!w->slots[i].used) {
			s = &w->slots[i];
			break;
		}
	}
	if (s == NULL)
		abort();	/* count said there was room */
	*s = (struct slot){
		.used = true, .seq = seq, .sent_ms = now_ms,
		.order = w->puts++, .data = data,
	};
	w->count++;
	return 0;
}

/* Takes the request answered by seq out of the window. */
void *
hl_smpp_window_take(struct hl_smpp_window *w, uint32_t seq, bool *found)
{
	struct slot	*s;

	if ((s = find(w, seq)) == NULL) {
		*found = false;
		return NULL;
	}
	*found = true;
	return vacate(w, s);
}

/* Takes out the oldest request sent timeout_ms or more before now_ms.
 * Only the oldest needs checking: if it has not expired, none has. */
bool
hl_smpp_window_take_expired(struct hl_smpp_window *w, int64_t now_ms,
    int64_t timeout_ms, uint32_t *seq, void **data)
{
	struct slot	*s;

	if ((s = oldest(w)) == NULL || elapsed(now_ms, s->sent_ms) < timeout_ms)
		return false;
	*seq = s->seq;
	*data = vacate(w, s);
	return true;
}

/* Takes out any one request; the oldest, so that what is sent again
 * after a reconnect goes out in its first order. */
bool
hl_smpp_window_take_any(struct hl_smpp_window *w, uint32_t *seq,
    void **data)
{
	struct slot	*s;

	if ((s = oldest(w)) == NULL)
		return false;
	*seq = s->seq;
	*data = vacate(w, s);
	return true;
}

/* Returns the milliseconds until the oldest request times out, 0 if it
 * has, or -1 when the window is empty. */
int64_t
hl_smpp_window_next_timeout(const struct hl_smpp_window *w, int64_t now_ms,
    int64_t timeout_ms)
{
	const struct slot	*s;
	int64_t			 age;

	if ((s = oldest(w)) == NULL)
		return -1;
	age = elapsed(now_ms, s->sent_ms);
	if (age >= timeout_ms)
		return 0;
	return timeout_ms - age;
}

/* Returns the bucket's size in millitokens (a burst of 0 counts as 1,
 * also in a struct filled in by hand). */
static uint64_t
bucket_size(const struct hl_smpp_rate *r)
{
	return (uint64_t)(r->burst == 0 ? 1 : r->burst) * MILLI;
}

/* Returns the millitokens in the bucket at now_ms, without changing it;
 * per_second is not 0.  A clock behind last_ms adds nothing. */
static uint64_t
level_at(const struct hl_smpp_rate *r, int64_t now_ms)
{
	uint64_t	size = bucket_size(r), room, ms, fill_ms;

	if (r->millitokens >= size)
		return size;
	room = size - r->millitokens;
	ms = (uint64_t)elapsed(now_ms, r->last_ms);
	/* per_second millitokens a millisecond: compare times, not
	 * products, so a long pause cannot overflow. */
	fill_ms = (room + r->per_second - 1) / r->per_second;
	if (ms >= fill_ms)
		return size;
	return r->millitokens + ms * r->per_second;
}

/* Starts the bucket full at now_ms. */
void
hl_smpp_rate_init(struct hl_smpp_rate *r, unsigned per_second,
    unsigned burst, int64_t now_ms)
{
	r->per_second = per_second;
	r->burst = burst == 0 ? 1 : burst;
	r->millitokens = bucket_size(r);
	r->last_ms = now_ms;
}

/* Takes one token if there is one.
 *
 * The bucket is moved to now_ms also when the clock went back: it gains
 * nothing then, and later refills count from the new time, so a clock
 * stepped back an hour does not stop sending for an hour. */
bool
hl_smpp_rate_take(struct hl_smpp_rate *r, int64_t now_ms)
{
	if (r->per_second == 0)
		return true;
	r->millitokens = level_at(r, now_ms);
	r->last_ms = now_ms;
	if (r->millitokens < MILLI)
		return false;
	r->millitokens -= MILLI;
	return true;
}

/* Returns the milliseconds until a token is there (0 if one is now). */
int64_t
hl_smpp_rate_wait_ms(const struct hl_smpp_rate *r, int64_t now_ms)
{
	uint64_t	level;

	if (r->per_second == 0)
		return 0;
	if ((level = level_at(r, now_ms)) >= MILLI)
		return 0;
	/* Rounded up: at the time returned the token is there. */
	return (int64_t)((MILLI - level + r->per_second - 1) / r->per_second);
}

/* Returns min(cap_ms, base_ms * 2^attempt), with no overflow however
 * large attempt gets. */
static unsigned
backoff_delay(const struct hl_smpp_backoff *b)
{
	uint64_t	d = b->base_ms;

	/* At most 33 rounds: d passes any unsigned cap by then. */
	for (unsigned i = 0; i < b->attempt && d != 0 && d < b->cap_ms; i++)
		d *= 2;
	return d < b->cap_ms ? (unsigned)d : b->cap_ms;
}

/* Returns the delay before the next attempt and counts the attempt.
 *
 * Equal jitter: half of the exponential delay is fixed, the other half
 * random, so the delay still grows but two daemons that failed together
 * spread out. */
unsigned
hl_smpp_backoff_next(struct hl_smpp_backoff *b, uint32_t random)
{
	unsigned	d = backoff_delay(b), half = d / 2;

	if (b->attempt < UINT_MAX)
		b->attempt++;
	return half + (unsigned)(random % ((uint64_t)half + 1));
}

/* Starts the next failure from base_ms again. */
void
hl_smpp_backoff_reset(struct hl_smpp_backoff *b)
{
	b->attempt = 0;
}
