/*
 * text.c - strict UTF-8, the GSM 03.38 alphabet and SMS/USSD accounting.
 *
 * Every length decision in helplined (does a screen fit, which coding will
 * an SMS use, how many parts) is made here, so the engine's pager, the menu
 * checker and the SMPP adapter all count the same way.  The GSM tables are
 * 3GPP TS 23.038 section 6.2.1 (default alphabet) and 6.2.1.1 (extension).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "helpline/text.h"

#define GSM7_ESC	0x1B
/* The ESC slot holds a surrogate: no decoded character can match it. */
#define GSM7_NONE	0xD800
#define SMS_GSM7_SINGLE	160
#define SMS_GSM7_PART	153
#define SMS_UCS2_SINGLE	70
#define SMS_UCS2_PART	67

/* Default alphabet: septet value -> code point (0x1B is the escape). */
static const uint16_t gsm7_basic[128] = {
	/* 0x00 */ 0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9,
	0x00EC, 0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5,
	0x00E5,
	/* 0x10 */ 0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0,
	0x03A8, 0x03A3, 0x0398, 0x039E, GSM7_NONE, 0x00C6, 0x00E6, 0x00DF,
	0x00C9,
	/* 0x20 */ 0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026,
	0x0027, 0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E,
	0x002F,
	/* 0x30 */ 0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036,
	0x0037, 0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E,
	0x003F,
	/* 0x40 */ 0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046,
	0x0047, 0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E,
	0x004F,
	/* 0x50 */ 0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056,
	0x0057, 0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC,
	0x00A7,
	/* 0x60 */ 0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066,
	0x0067, 0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E,
	0x006F,
	/* 0x70 */ 0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076,
	0x0077, 0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC,
	0x00E0,
};

/* Extension table: each is sent as ESC followed by its septet. */
static const struct {
	uint8_t		septet;
	uint16_t	cp;
} gsm7_ext[] = {
	{ 0x0A, 0x000C },	/* form feed */
	{ 0x14, 0x005E },	/* ^ */
	{ 0x28, 0x007B },	/* { */
	{ 0x29, 0x007D },	/* } */
	{ 0x2F, 0x005C },	/* \ */
	{ 0x3C, 0x005B },	/* [ */
	{ 0x3D, 0x007E },	/* ~ */
	{ 0x3E, 0x005D },	/* ] */
	{ 0x40, 0x007C },	/* | */
	{ 0x65, 0x20AC },	/* euro sign */
};

static const char *const channel_names[] = {
	[HL_CHANNEL_SMS] = "sms",
	[HL_CHANNEL_USSD] = "ussd",
};

/* Returns the channel's name ("sms", "ussd"). */
const char *
hl_channel_name(enum hl_channel ch)
{
	if ((size_t)ch >= sizeof channel_names / sizeof channel_names[0])
		return "unknown";
	return channel_names[ch];
}

/* Parses a channel name; returns 0 or -1 if unknown. */
int
hl_channel_parse(const char *name, enum hl_channel *out)
{
	size_t	i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof channel_names / sizeof channel_names[0]; i++) {
		if (strcasecmp(name, channel_names[i]) == 0) {
			*out = (enum hl_channel)i;
			return 0;
		}
	}
	return -1;
}

/* Returns true if b is a UTF-8 continuation byte. */
static bool
utf8_is_cont(unsigned char b)
{
	return (b & 0xC0) == 0x80;
}

/*
 * Decodes one code point at s[*pos], advancing *pos.  The second byte's
 * range depends on the lead byte: that one check rules out overlongs
 * (E0, F0), surrogates (ED) and anything above U+10FFFF (F4).
 */
int32_t
hl_utf8_next(const char *s, size_t len, size_t *pos)
{
	const unsigned char	*p;
	size_t			 avail, n, i;
	unsigned char		 lo = 0x80, hi = 0xBF;
	uint32_t		 cp;

	if (*pos >= len)
		return -1;
	p = (const unsigned char *)s + *pos;
	avail = len - *pos;
	if (p[0] < 0x80) {
		*pos += 1;
		return p[0];
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		cp = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		cp = p[0] & 0x0F;
		if (p[0] == 0xE0)
			lo = 0xA0;
		else if (p[0] == 0xED)
			hi = 0x9F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		cp = p[0] & 0x07;
		if (p[0] == 0xF0)
			lo = 0x90;
		else if (p[0] == 0xF4)
			hi = 0x8F;
	} else
		return -1;
	if (avail < n || p[1] < lo || p[1] > hi)
		return -1;
	for (i = 1; i < n; i++) {
		if (!utf8_is_cont(p[i]))
			return -1;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	*pos += n;
	return (int32_t)cp;
}

/* Returns true if s[0..len) is well-formed UTF-8. */
bool
hl_utf8_is_valid(const char *s, size_t len)
{
	size_t	pos = 0;

	while (pos < len) {
		if (hl_utf8_next(s, len, &pos) < 0)
			return false;
	}
	return true;
}

/* Returns the number of code points in s[0..len): bytes that start one. */
size_t
hl_utf8_chars(const char *s, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++) {
		if (!utf8_is_cont((unsigned char)s[i]))
			n++;
	}
	return n;
}

/* Returns the largest n <= max such that s[0..n) ends on a boundary. */
size_t
hl_utf8_truncate(const char *s, size_t len, size_t max)
{
	size_t	n;

	if (len <= max)
		return len;
	/* s[max] exists; step back while it continues a character. */
	n = max;
	while (n > 0 && utf8_is_cont((unsigned char)s[n]))
		n--;
	return n;
}

/* Scans the GSM tables for a code point: sets *septet and *ext, or -1. */
static int
gsm7_scan(uint32_t cp, uint8_t *septet, bool *ext)
{
	size_t	i;

	for (i = 0; i < 128; i++) {
		if (i != GSM7_ESC && gsm7_basic[i] == cp) {
			*septet = (uint8_t)i;
			*ext = false;
			return 0;
		}
	}
	for (i = 0; i < sizeof gsm7_ext / sizeof gsm7_ext[0]; i++) {
		if (gsm7_ext[i].cp == cp) {
			*septet = gsm7_ext[i].septet;
			*ext = true;
			return 0;
		}
	}
	return -1;
}

/*
 * Finds a code point in the GSM tables: sets *septet and *ext, or -1.
 * Every screen is counted character by character on the hot path, so code
 * points below 256 (nearly all text) go through a reverse table built on
 * first use; the rest (Greek capitals, the euro sign) are scanned.
 */
static int
gsm7_lookup(uint32_t cp, uint8_t *septet, bool *ext)
{
	/* -1: not GSM-7; else septet | 0x100 for the extension table. */
	static int16_t	reverse[256];
	static bool	built;

	if (!built) {
		for (uint32_t c = 0; c < 256; c++) {
			uint8_t	sep;
			bool	ex;

			reverse[c] = gsm7_scan(c, &sep, &ex) == -1 ? -1 :
			    (int16_t)(sep | (ex ? 0x100 : 0));
		}
		built = true;
	}
	if (cp >= 256)
		return gsm7_scan(cp, septet, ext);
	if (reverse[cp] < 0)
		return -1;
	*septet = (uint8_t)(reverse[cp] & 0xFF);
	*ext = (reverse[cp] & 0x100) != 0;
	return 0;
}

/* Returns the septets a code point costs in GSM-7: 1, 2 or 0. */
unsigned
hl_gsm7_septets(uint32_t cp)
{
	uint8_t	septet;
	bool	ext;

	if (gsm7_lookup(cp, &septet, &ext) == -1)
		return 0;
	return ext ? 2 : 1;
}

/* Returns the UTF-16 code units of a code point. */
static unsigned
utf16_units(uint32_t cp)
{
	return cp > 0xFFFF ? 2 : 1;
}

/* Counts valid UTF-8 s[0..len) as one SMS would carry it. */
int
hl_sms_count(const char *s, size_t len, struct hl_sms_count *out)
{
	size_t		pos = 0, septets = 0, units = 0;
	uint32_t	forced_by = 0;
	int32_t		cp;
	unsigned	cost;
	bool		ucs2 = false;

	while (pos < len) {
		if ((cp = hl_utf8_next(s, len, &pos)) < 0)
			return -1;
		cost = hl_gsm7_septets((uint32_t)cp);
		/* U+0000 forces UCS-2 too, so a flag and not forced_by != 0. */
		if (cost == 0 && !ucs2) {
			ucs2 = true;
			forced_by = (uint32_t)cp;
		}
		septets += cost;
		units += utf16_units((uint32_t)cp);
	}
	out->coding = ucs2 ? HL_SMS_UCS2 : HL_SMS_GSM7;
	out->units = ucs2 ? units : septets;
	out->forced_by = forced_by;
	return 0;
}

/* Returns how many units fit in `segments` parts of a coding. */
size_t
hl_sms_capacity(enum hl_sms_coding coding, unsigned segments)
{
	size_t	single, part;

	single = coding == HL_SMS_GSM7 ? SMS_GSM7_SINGLE : SMS_UCS2_SINGLE;
	part = coding == HL_SMS_GSM7 ? SMS_GSM7_PART : SMS_UCS2_PART;
	if (segments == 0)
		return 0;
	if (segments == 1)
		return single;
	return part * segments;
}

/*
 * Returns true if s[0..len) fits `segments` concatenated parts.  A sender
 * must not split an escape pair (GSM-7) or a surrogate pair (UCS-2) across
 * two parts, so a character that would straddle a part boundary moves
 * whole to the next part; the plain units <= capacity test would be one
 * septet or unit too generous there.
 */
static bool
sms_fits_parts(const char *s, size_t len, enum hl_sms_coding coding,
    unsigned segments)
{
	size_t		pos = 0, part, used = 0, parts = 1;
	int32_t		cp;
	unsigned	cost;

	part = hl_sms_capacity(coding, 2) / 2;
	while (pos < len) {
		if ((cp = hl_utf8_next(s, len, &pos)) < 0)
			return false;
		if (coding == HL_SMS_GSM7)
			cost = hl_gsm7_septets((uint32_t)cp);
		else
			cost = utf16_units((uint32_t)cp);
		if (used + cost > part) {
			if (++parts > segments)
				return false;
			used = 0;
		}
		used += cost;
	}
	return true;
}

/* Returns true if an SMS fits one screen of `segments` parts. */
static bool
sms_fits(const char *s, size_t len, unsigned segments)
{
	struct hl_sms_count	c;

	if (hl_sms_count(s, len, &c) == -1 || segments == 0)
		return false;
	if (c.units <= hl_sms_capacity(c.coding, 1))
		return true;	/* one part: no boundary to straddle */
	if (segments == 1 || c.units > hl_sms_capacity(c.coding, segments))
		return false;
	return sms_fits_parts(s, len, c.coding, segments);
}

/* Returns true if valid UTF-8 s[0..len) fits one screen of the budget. */
bool
hl_text_fits(const struct hl_budget *budget, const char *s, size_t len)
{
	switch (budget->channel) {
	case HL_CHANNEL_SMS:
		return sms_fits(s, len, budget->sms_segments);
	case HL_CHANNEL_USSD:
		if (!hl_utf8_is_valid(s, len))
			return false;
		return hl_utf8_chars(s, len) <= budget->ussd_chars;
	}
	return false;
}

/* Encodes UTF-8 as unpacked GSM-7 septets, ESC before extension ones. */
int
hl_gsm7_encode(const char *utf8, size_t len, unsigned char *out,
    size_t outcap, size_t *outlen)
{
	size_t	pos = 0, n = 0;
	int32_t	cp;
	uint8_t	septet;
	bool	ext;

	while (pos < len) {
		if ((cp = hl_utf8_next(utf8, len, &pos)) < 0)
			return -1;
		if (gsm7_lookup((uint32_t)cp, &septet, &ext) == -1)
			return -1;
		if (outcap - n < (ext ? 2u : 1u))
			return -1;
		if (ext)
			out[n++] = GSM7_ESC;
		out[n++] = septet;
	}
	*outlen = n;
	return 0;
}

/*
 * Returns the code point an escape sequence ESC+septet shows.  3GPP TS
 * 23.038 6.2.1.1: an unknown extension code shows the default alphabet's
 * character for it, and ESC ESC (reserved for a further table) a space.
 */
static uint32_t
gsm7_escaped(uint8_t septet)
{
	size_t	i;

	for (i = 0; i < sizeof gsm7_ext / sizeof gsm7_ext[0]; i++) {
		if (gsm7_ext[i].septet == septet)
			return gsm7_ext[i].cp;
	}
	if (septet == GSM7_ESC)
		return ' ';
	return gsm7_basic[septet];
}

/* Appends a code point as UTF-8 (text.h). */
int
hl_utf8_put(uint32_t cp, char *out, size_t cap, size_t *n)
{
	unsigned char	buf[4];
	size_t		len;

	if (cp < 0x80) {
		buf[0] = (unsigned char)cp;
		len = 1;
	} else if (cp < 0x800) {
		buf[0] = (unsigned char)(0xC0 | (cp >> 6));
		buf[1] = (unsigned char)(0x80 | (cp & 0x3F));
		len = 2;
	} else if (cp < 0x10000) {
		buf[0] = (unsigned char)(0xE0 | (cp >> 12));
		buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		buf[2] = (unsigned char)(0x80 | (cp & 0x3F));
		len = 3;
	} else {
		buf[0] = (unsigned char)(0xF0 | (cp >> 18));
		buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		buf[3] = (unsigned char)(0x80 | (cp & 0x3F));
		len = 4;
	}
	if (cap - *n < len)
		return -1;
	memcpy(out + *n, buf, len);
	*n += len;
	return 0;
}

/*
 * Decodes unpacked septets to UTF-8.  out is NUL-terminated, so outcap must
 * leave room for the NUL; *outlen does not count it.  A trailing lone ESC
 * shows as a space.  Returns -1 if a septet is above 0x7F or out is full.
 */
int
hl_gsm7_decode(const unsigned char *septets, size_t n, char *out,
    size_t outcap, size_t *outlen)
{
	size_t		i, w = 0;
	uint32_t	cp;

	if (outcap == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (septets[i] > 0x7F)
			return -1;
		if (septets[i] != GSM7_ESC)
			cp = gsm7_basic[septets[i]];
		else if (i + 1 == n)
			cp = ' ';
		else {
			if (septets[++i] > 0x7F)
				return -1;
			cp = gsm7_escaped(septets[i]);
		}
		if (hl_utf8_put(cp, out, outcap - 1, &w) == -1)
			return -1;
	}
	out[w] = '\0';
	*outlen = w;
	return 0;
}
