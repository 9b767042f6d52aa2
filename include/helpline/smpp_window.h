/*
 * smpp_window.h - the timing half of an SMPP link, apart from any I/O so
 * tests drive it with an injected clock: sequence numbers, the window of
 * outstanding requests matched by sequence number, the submit rate limit
 * and the reconnect backoff.  Times are milliseconds from a monotonic
 * clock the caller chooses.
 */
#ifndef HELPLINE_SMPP_WINDOW_H
#define HELPLINE_SMPP_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HL_SMPP_SEQ_MAX 0x7FFFFFFFu

/* Returns the sequence number after *seq and stores it there: 1, 2, ...
 * 0x7FFFFFFF, then 1 again (SMPP 3.4 5.1.4; 0 and values above the
 * maximum are never returned, also when *seq starts out as one). */
uint32_t hl_smpp_seq_next(uint32_t *seq);

/* The requests sent and not yet answered, at most `capacity`, each with
 * the time it was sent and the caller's pointer (borrowed). */
struct hl_smpp_window;

/* Returns a window for capacity (1..1000) requests, or NULL. */
struct hl_smpp_window *hl_smpp_window_new(size_t capacity);

/* Frees the window (not what the pointers point to).  NULL is fine. */
void hl_smpp_window_free(struct hl_smpp_window *);

size_t hl_smpp_window_count(const struct hl_smpp_window *);
bool hl_smpp_window_full(const struct hl_smpp_window *);

/* Records request seq sent at now_ms.  Returns 0, or -1 if the window is
 * full or seq is already outstanding. */
int hl_smpp_window_put(struct hl_smpp_window *, uint32_t seq, int64_t now_ms,
    void *data);

/* Takes the request answered by seq out of the window.  Returns its
 * pointer, with *found true, or NULL with *found false when no such
 * request is outstanding (a late or stray response). */
void *hl_smpp_window_take(struct hl_smpp_window *, uint32_t seq,
    bool *found);

/* Takes out the oldest request sent timeout_ms or more before now_ms:
 * returns true with *seq and *data set, or false if there is none.  Call
 * until false. */
bool hl_smpp_window_take_expired(struct hl_smpp_window *, int64_t now_ms,
    int64_t timeout_ms, uint32_t *seq, void **data);

/* Takes out any one request (the link was lost: each is sent again or
 * counted).  Returns true with *seq and *data set, or false if empty. */
bool hl_smpp_window_take_any(struct hl_smpp_window *, uint32_t *seq,
    void **data);

/* Returns the milliseconds until the oldest request reaches timeout_ms
 * (0 if it has), or -1 when the window is empty. */
int64_t hl_smpp_window_next_timeout(const struct hl_smpp_window *,
    int64_t now_ms, int64_t timeout_ms);

/* A token bucket: `per_second` sends a second on average, `burst` at
 * once at most (0 counts as 1).  per_second 0 means no limit.  Tokens are
 * counted in thousandths, so a refill of per_second * ms is exact: a
 * floating-point count fed 1 ms at a time drifts (0.1 ten times is less
 * than 1) and loses about a tenth of the rate at 100/s. */
struct hl_smpp_rate {
	unsigned per_second;
	unsigned burst;
	uint64_t millitokens;
	int64_t last_ms;
};

/* Starts the bucket full at now_ms. */
void hl_smpp_rate_init(struct hl_smpp_rate *, unsigned per_second,
    unsigned burst, int64_t now_ms);

/* Takes one token if there is one: returns true (send now) or false. */
bool hl_smpp_rate_take(struct hl_smpp_rate *, int64_t now_ms);

/* Returns the milliseconds until a token is there (0 if one is now). */
int64_t hl_smpp_rate_wait_ms(const struct hl_smpp_rate *, int64_t now_ms);

/* Reconnect delays: exponential from base_ms, doubling per failed attempt,
 * capped at cap_ms, with "equal jitter" (half the delay fixed, half
 * random) so a fleet of daemons does not reconnect in step. */
struct hl_smpp_backoff {
	unsigned base_ms;
	unsigned cap_ms;
	unsigned attempt;	/* failed attempts since the last success */
};

/* Returns the delay before the next attempt and counts the attempt;
 * random is any 32-bit random value (the caller's source, so tests can
 * fix it).  Never below base_ms / 2, never above cap_ms (cap_ms wins if
 * it is below base_ms). */
unsigned hl_smpp_backoff_next(struct hl_smpp_backoff *, uint32_t random);

/* A bind succeeded: the next failure starts again from base_ms. */
void hl_smpp_backoff_reset(struct hl_smpp_backoff *);

#endif
