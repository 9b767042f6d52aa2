/*
 * pseudonym.h - keyed pseudonyms for senders (DESIGN.md section 5, rules 2-3).
 *
 * pseudonym = HMAC-SHA256(key, E.164 number).  Keys are 32 random bytes held
 * only in memory, one per period (default one day): the current and the
 * previous period's key are kept so a session spanning the change goes on;
 * older keys are wiped.  Nothing here touches the disk.
 */
#ifndef HELPLINE_PSEUDONYM_H
#define HELPLINE_PSEUDONYM_H

#include <stdint.h>
#include <time.h>

#include "helpline/phone.h"

#define HL_PSEUDONYM_LEN 32

struct hl_pseudonym {
	unsigned char mac[HL_PSEUDONYM_LEN];
};

/* Returns the current time in seconds; injected so tests can move time. */
typedef time_t (*hl_clock_cb)(void *ctx);

struct hl_pseudonymizer;

/* Creates a pseudonymizer with a period in seconds (> 0).  clock may be NULL
 * for time(NULL).  Returns NULL if the random source fails. */
struct hl_pseudonymizer *hl_pseudonymizer_new(unsigned period,
    hl_clock_cb clock, void *clock_ctx);

/* Wipes every key and frees.  NULL is fine. */
void hl_pseudonymizer_free(struct hl_pseudonymizer *);

/* Wipes keys whose period is over.  The other calls rotate too, but an
 * idle daemon must not keep an old key until the next message: the core
 * calls this from its periodic sweep. */
void hl_pseudonymizer_tick(struct hl_pseudonymizer *);

/* Computes the pseudonym of a number under the current period's key,
 * rotating keys first if the period has changed.  Returns 0 or -1. */
int hl_pseudonym_current(struct hl_pseudonymizer *, const struct hl_phone *,
    struct hl_pseudonym *out);

/* Computes the pseudonym under the previous period's key.  Returns 0, or -1
 * if there is no previous key (first period, or it was more than one period
 * ago and has been wiped). */
int hl_pseudonym_previous(struct hl_pseudonymizer *, const struct hl_phone *,
    struct hl_pseudonym *out);

/* Computes a keyed MAC of arbitrary bytes under the current key (used to
 * de-duplicate gateway message ids without keeping them).  Returns 0 or -1. */
int hl_pseudonym_of_bytes(struct hl_pseudonymizer *, const void *bytes,
    size_t len, struct hl_pseudonym *out);

/* The same under the previous period's key: a USSD dialogue that spans a
 * rotation is still recognised.  Returns 0, or -1 if there is none. */
int hl_pseudonym_of_bytes_previous(struct hl_pseudonymizer *,
    const void *bytes, size_t len, struct hl_pseudonym *out);

#endif
