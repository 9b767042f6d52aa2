/*
 * text.h - UTF-8 checks and exact SMS/USSD length accounting.
 *
 * An SMS is GSM-7 when every character is in the GSM 03.38 default alphabet
 * or its extension table (extension characters cost two septets), otherwise
 * UCS-2 (UTF-16 code units; a character outside the BMP costs two).  A USSD
 * screen is counted in characters (code points).
 */
#ifndef HELPLINE_TEXT_H
#define HELPLINE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hl_channel {
	HL_CHANNEL_SMS,
	HL_CHANNEL_USSD,
};

enum hl_sms_coding {
	HL_SMS_GSM7,
	HL_SMS_UCS2,
};

/* What one screen may hold on a channel. */
struct hl_budget {
	enum hl_channel channel;
	unsigned sms_segments;	/* SMS: parts one screen may use (>= 1) */
	unsigned ussd_chars;	/* USSD: characters per screen (<= 182) */
};

struct hl_sms_count {
	enum hl_sms_coding coding;
	size_t units;		/* septets (GSM-7) or UTF-16 code units */
	uint32_t forced_by;	/* first code point that forced UCS-2, or 0 */
};

#define HL_USSD_MAX_CHARS 182

/* Returns the channel's name ("sms", "ussd"). */
const char *hl_channel_name(enum hl_channel);
/* Parses a channel name; returns 0 or -1 if unknown. */
int hl_channel_parse(const char *name, enum hl_channel *out);

/* Returns true if s[0..len) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
bool hl_utf8_is_valid(const char *s, size_t len);

/* Decodes one code point at s[*pos], advancing *pos.  Returns the code point,
 * or -1 on malformed input (then *pos is unchanged). */
int32_t hl_utf8_next(const char *s, size_t len, size_t *pos);

/* Appends code point cp (<= U+10FFFF, not a surrogate) as UTF-8 to
 * out[*n..cap), advancing *n.  Returns 0, or -1 if it does not fit. */
int hl_utf8_put(uint32_t cp, char *out, size_t cap, size_t *n);

/* Returns the number of code points in valid UTF-8 s[0..len). */
size_t hl_utf8_chars(const char *s, size_t len);

/* Returns the largest n <= max such that s[0..n) ends on a character
 * boundary (s must be valid UTF-8). */
size_t hl_utf8_truncate(const char *s, size_t len, size_t max);

/* Returns the septets a code point costs in GSM-7: 1 (basic table),
 * 2 (extension table) or 0 (not representable). */
unsigned hl_gsm7_septets(uint32_t cp);

/* Counts valid UTF-8 s[0..len) as one SMS would carry it.
 * Returns 0, or -1 if s is not valid UTF-8. */
int hl_sms_count(const char *s, size_t len, struct hl_sms_count *out);

/* Returns how many units fit in `segments` parts of a coding:
 * GSM-7 160 for one part, 153 per part otherwise; UCS-2 70, or 67 per part. */
size_t hl_sms_capacity(enum hl_sms_coding coding, unsigned segments);

/* Returns true if valid UTF-8 s[0..len) fits one screen of the budget.
 * SMS: in the coding the text needs, in at most budget->sms_segments parts,
 * never splitting an escape or surrogate pair across two parts.  USSD: at
 * most budget->ussd_chars code points.  Invalid UTF-8 never fits. */
bool hl_text_fits(const struct hl_budget *budget, const char *s, size_t len);

/* Encodes valid UTF-8 utf8[0..len) as unpacked GSM-7 septets, one per
 * octet, with ESC (0x1B) before each extension-table character.  Sets
 * *outlen and returns 0, or -1 if the input is not valid UTF-8, a character
 * is not in GSM-7, or out[0..outcap) is too small. */
int hl_gsm7_encode(const char *utf8, size_t len, unsigned char *out,
    size_t outcap, size_t *outlen);

/* Decodes n unpacked septets to NUL-terminated UTF-8 in out[0..outcap)
 * (*outlen excludes the NUL).  An unknown escape shows the default
 * alphabet's character, ESC ESC and a trailing ESC a space (3GPP TS 23.038
 * 6.2.1.1).  Returns 0, or -1 if a septet is above 0x7F or out is too
 * small (3 bytes per septet plus the NUL always suffice). */
int hl_gsm7_decode(const unsigned char *septets, size_t n, char *out,
    size_t outcap, size_t *outlen);

#endif
