/*
 * dedup.h - in-memory de-duplication of gateway message ids.
 *
 * Gateways retry, so the same inbound message can arrive twice.  Callers
 * pass a keyed MAC of the id (hl_pseudonym_of_bytes), never the id itself,
 * so nothing here could tell anyone which message it was (DESIGN.md 3, 5).
 * Memory is bounded: at most `capacity` ids are remembered, the oldest
 * forgotten first.  Ids MAC'd under different keys differ, so a retry that
 * straddles a key rotation is not recognised; gateways retry within
 * seconds and periods are a day, so that is rare and harmless.
 */
#ifndef HELPLINE_DEDUP_H
#define HELPLINE_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "helpline/pseudonym.h"

struct hl_dedup;

/* Creates a de-duplicator remembering up to capacity ids (> 0) for
 * window_seconds (> 0).  Returns NULL on bad arguments or no memory. */
struct hl_dedup *hl_dedup_new(size_t capacity, unsigned window_seconds);

/* Returns true if id_mac was recorded less than window_seconds before now
 * (a retry: drop it).  Otherwise records it at now and returns false. */
bool hl_dedup_seen(struct hl_dedup *, const struct hl_pseudonym *id_mac,
    time_t now);

/* Keeps a copy of the reply given to id_mac (recorded by hl_dedup_seen),
 * so a retry is answered with the same text: the first answer may be what
 * got lost.  It is forgotten with the id.  Returns 0, or -1 if the id is
 * not remembered or on out-of-memory. */
int hl_dedup_keep_reply(struct hl_dedup *, const struct hl_pseudonym *id_mac,
    const char *text, size_t len, bool end);

/* Returns the reply kept for id_mac (NUL-terminated, *len bytes, borrowed
 * until the next call that records or forgets), or NULL if none. */
const char *hl_dedup_reply(const struct hl_dedup *,
    const struct hl_pseudonym *id_mac, size_t *len, bool *end);

/* Forgets id_mac (a message that could not be answered: its retry must be
 * processed, not taken for a duplicate).  Nothing happens if unknown. */
void hl_dedup_forget(struct hl_dedup *, const struct hl_pseudonym *id_mac);

/* Wipes and frees.  NULL is fine. */
void hl_dedup_free(struct hl_dedup *);

#endif
