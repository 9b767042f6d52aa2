/*
 * testers.h - the test numbers that see the draft menu.
 *
 * A coordinator tries a draft on a real phone before publishing it.  The
 * numbers are configured ([draft] test_numbers), normalised like every
 * sender and turned into keyed MACs at load, under a key of their own that
 * lives in memory only; the numbers themselves are wiped and never stored.
 */
#ifndef HELPLINE_TESTERS_H
#define HELPLINE_TESTERS_H

#include <stdbool.h>
#include <stddef.h>

#include "helpline/phone.h"

struct hl_testers;

/*
 * Reads a list of numbers separated by commas (spaces inside a number are
 * fine: "+31 6 1234 5678"), normalised with region.  Overwrites the list
 * with zero bytes (the caller passes its own copy).  On a bad entry returns
 * NULL with err naming the entry by position, never by its digits.  An
 * empty list gives an empty set.
 */
struct hl_testers *hl_testers_new(char *list, const char *region, char *err,
    size_t errlen);

/* Returns true if a sender is one of the test numbers. */
bool hl_testers_has(struct hl_testers *, const struct hl_phone *);

/* Returns how many test numbers there are. */
size_t hl_testers_count(const struct hl_testers *);

/* Wipes the key and frees.  NULL is fine. */
void hl_testers_free(struct hl_testers *);

#endif
