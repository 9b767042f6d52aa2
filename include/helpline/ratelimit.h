/*
 * ratelimit.h - a token bucket per sender, in memory only, in a table of
 * fixed capacity (DESIGN.md section 6: a flood is dropped and counted,
 * never answered; replies cost the help line money).
 *
 * Each sender may send `burst` messages at once; its bucket then refills
 * at `per_minute` messages a minute.  Senders are keyed by a keyed MAC
 * (struct hl_pseudonym), never a number.  A sender whose bucket is full
 * again carries no information and is forgotten.  When the table is full,
 * the sender whose bucket is nearest to full is forgotten to make room:
 * an attacker rotating numbers cannot grow memory, and a number that
 * floods (its bucket empty) stays tracked the longest.
 */
#ifndef HELPLINE_RATELIMIT_H
#define HELPLINE_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpline/pseudonym.h"

struct hl_config;

/* Returns a monotonic time in milliseconds; injected so tests can move
 * time. */
typedef int64_t (*hl_ratelimit_clock_cb)(void *ctx);

struct hl_ratelimit_opts {
	unsigned burst;			/* messages at once (0: no limit) */
	unsigned per_minute;		/* refill, messages a minute (> 0) */
	unsigned senders;		/* senders tracked at most (> 0) */
	hl_ratelimit_clock_cb clock;	/* NULL: CLOCK_MONOTONIC */
	void *clock_ctx;
};

struct hl_ratelimit;

/* Reads [ratelimit] (enabled, burst, per_minute, senders) into opts; a
 * disabled limit has burst 0.  Returns 0, or -1 with err set. */
int hl_ratelimit_read_config(struct hl_config *,
    struct hl_ratelimit_opts *, char *err, size_t errlen);

/* Creates a limiter.  Returns NULL if burst, per_minute or senders is 0,
 * or on no memory. */
struct hl_ratelimit *hl_ratelimit_new(const struct hl_ratelimit_opts *);

/* Wipes and frees.  NULL is fine. */
void hl_ratelimit_free(struct hl_ratelimit *);

/* Takes one message's token from who's bucket.  Returns true if the
 * message may be answered, false if the sender has flooded (it is then
 * dropped; the attempt costs the sender nothing more). */
bool hl_ratelimit_take(struct hl_ratelimit *, const struct hl_pseudonym *who);

/* Returns how many senders are tracked now. */
size_t hl_ratelimit_count(const struct hl_ratelimit *);

/* Returns how many senders were forgotten early because the table was
 * full (a sign of many senders, or of numbers being rotated). */
unsigned long hl_ratelimit_evictions(const struct hl_ratelimit *);

#endif
