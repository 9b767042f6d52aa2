/*
 * phone.h - phone number normalisation (a C face on libphonenumber).
 *
 * A phone number is personal data: it lives in a struct hl_phone so it
 * cannot be passed to a printf-style format by accident, and only for as
 * long as one request needs it (DESIGN.md section 5, rule 1).
 */
#ifndef HELPLINE_PHONE_H
#define HELPLINE_PHONE_H

#include <stdbool.h>

#define HL_PHONE_E164_MAX 17	/* '+', up to 15 digits, NUL */

struct hl_phone {
	char e164[HL_PHONE_E164_MAX];
};

/* Normalises a sender as a gateway gave it ("0612345678", "+31 6 1234 5678",
 * "0031612345678", "31612345678" with region NL) to E.164 in *out.
 * default_region is an ISO 3166 code such as "NL".  Accepts numbers that
 * libphonenumber parses and finds possible (not only currently valid, since
 * ranges are added faster than metadata ships).  Returns 0, or -1 for
 * anything else (alphanumeric senders, too short, garbage). */
int hl_phone_normalise(const char *raw, const char *default_region,
    struct hl_phone *out);

/* The same without the fast path for "+31" and nine digits (tests). */
int hl_phone_normalise_slow(const char *raw, const char *default_region,
    struct hl_phone *out);

/* Returns true if a contact number printed in a menu ("0800-2000", "112",
 * "+31 70 333 44 44") is one libphonenumber accepts for default_region:
 * a valid number, or a valid short number (through its short-number
 * metadata). */
bool hl_phone_is_dialable(const char *number, const char *default_region);

/* Overwrites a phone number in memory. */
void hl_phone_wipe(struct hl_phone *);

#endif
