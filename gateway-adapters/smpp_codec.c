/*
 * smpp_codec.c - SMPP short_message octets to UTF-8 and back.
 *
 * The GSM 03.38 tables and every length rule live in daemon/text.c; this
 * file only frames them for SMPP (data_coding, UDH, parts), so a reply is
 * cut into exactly the parts the engine's pager counted.  Replies are
 * encoded whole first (septets or UTF-16 units), then cut greedily at 153
 * septets or 67 units per part, stepping back one when the cut would fall
 * inside an escape or surrogate pair: the same greedy rule hl_text_fits()
 * applies, so both agree on the number of parts.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "helpline/smpp_codec.h"
#include "helpline/text.h"

#define GSM7_ESC		0x1B
#define IEI_CONCAT8		0x00
#define IEI_CONCAT16		0x08
#define UDH_CONCAT8_LEN		6	/* 05 00 03 ref total seq */
#define GSM7_SINGLE		160
#define GSM7_PART		153
#define UCS2_SINGLE		70
#define UCS2_PART		67

/* Largest text a reply may carry, in septets or UTF-16 units. */
#define SEPTETS_MAX		(GSM7_PART * HL_SMPP_MAX_PARTS)
#define UNITS_MAX		(UCS2_PART * HL_SMPP_MAX_PARTS)

/* Reads one concatenation element's body into *c; returns 0 or -1. */
static int
udh_concat(unsigned iei, const unsigned char *ie, size_t ielen,
    struct hl_smpp_concat *c)
{
	if (iei == IEI_CONCAT8) {
		if (ielen != 3)
			return -1;
		c->ref = ie[0];
		ie += 1;
	} else {
		if (ielen != 4)
			return -1;
		c->ref = (unsigned)ie[0] << 8 | ie[1];
		ie += 2;
	}
	c->total = ie[0];
	c->seq = ie[1];
	if (c->total == 0 || c->seq == 0 || c->seq > c->total)
		return -1;
	c->present = true;
	return 0;
}

/*
 * Reads the UDH at the start of ud[0..len).  A repeated concatenation
 * element is taken from its last occurrence (3GPP TS 23.040 9.2.3.24).
 * The outputs are written only on success.
 */
int
hl_smpp_udh_parse(const unsigned char *ud, size_t len, size_t *hdrlen,
    struct hl_smpp_concat *concat)
{
	struct hl_smpp_concat	c = { .present = false };
	size_t			end, i, ielen;
	unsigned		iei;

	if (len < 1 || (size_t)ud[0] + 1 > len)
		return -1;
	end = (size_t)ud[0] + 1;
	for (i = 1; i < end; i += 2 + ielen) {
		if (end - i < 2)
			return -1;
		iei = ud[i];
		ielen = ud[i + 1];
		if (end - i - 2 < ielen)
			return -1;
		if ((iei == IEI_CONCAT8 || iei == IEI_CONCAT16) &&
		    udh_concat(iei, ud + i + 2, ielen, &c) == -1)
			return -1;
	}
	*hdrlen = end;
	*concat = c;
	return 0;
}

/* Decodes octets that are code points themselves (IA5 up to max 0x7F,
 * Latin-1 up to 0xFF); out has room for the NUL past cap. */
static int
decode_octets(const unsigned char *in, size_t len, unsigned max, char *out,
    size_t cap, size_t *n)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (in[i] > max || hl_utf8_put(in[i], out, cap, n) == -1)
			return -1;
	}
	return 0;
}

/* Decodes UTF-16BE, surrogate pairs joined and lone halves refused. */
static int
decode_ucs2(const unsigned char *in, size_t len, char *out, size_t cap,
    size_t *n)
{
	size_t		i;
	uint32_t	u, lo;

	if (len % 2 != 0)
		return -1;
	for (i = 0; i < len; i += 2) {
		u = (uint32_t)in[i] << 8 | in[i + 1];
		if (u >= 0xDC00 && u <= 0xDFFF)
			return -1;
		if (u >= 0xD800 && u <= 0xDBFF) {
			if (len - i < 4)
				return -1;
			lo = (uint32_t)in[i + 2] << 8 | in[i + 3];
			if (lo < 0xDC00 || lo > 0xDFFF)
				return -1;
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			i += 2;
		}
		if (hl_utf8_put(u, out, cap, n) == -1)
			return -1;
	}
	return 0;
}

/* Decodes in[0..len) of a data_coding to NUL-terminated UTF-8. */
int
hl_smpp_decode_text(unsigned data_coding, const unsigned char *in,
    size_t len, char *out, size_t outcap, size_t *outlen)
{
	size_t	n = 0;
	int	rc;

	if (outcap == 0)
		return -1;
	switch (data_coding) {
	case HL_SMPP_DC_DEFAULT:
		return hl_gsm7_decode(in, len, out, outcap, outlen);
	case HL_SMPP_DC_IA5:
		rc = decode_octets(in, len, 0x7F, out, outcap - 1, &n);
		break;
	case HL_SMPP_DC_LATIN1:
		rc = decode_octets(in, len, 0xFF, out, outcap - 1, &n);
		break;
	case HL_SMPP_DC_UCS2:
		rc = decode_ucs2(in, len, out, outcap - 1, &n);
		break;
	default:
		return -1;
	}
	if (rc == -1)
		return -1;
	out[n] = '\0';
	*outlen = n;
	return 0;
}

/* Converts valid UTF-8 to UTF-16 code units; returns 0 or -1 if full. */
static int
utf16_encode(const char *text, size_t len, uint16_t *units, size_t cap,
    size_t *n)
{
	size_t	pos = 0, w = 0;
	int32_t	cp;

	while (pos < len) {
		if ((cp = hl_utf8_next(text, len, &pos)) < 0)
			return -1;
		if (cap - w < (cp > 0xFFFF ? 2u : 1u))
			return -1;
		if (cp > 0xFFFF) {
			cp -= 0x10000;
			units[w++] = (uint16_t)(0xD800 + (cp >> 10));
			units[w++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
		} else
			units[w++] = (uint16_t)cp;
	}
	*n = w;
	return 0;
}

/* Writes UTF-16 units as big-endian octets. */
static void
put_ucs2(unsigned char *out, const uint16_t *units, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		out[2 * i] = (unsigned char)(units[i] >> 8);
		out[2 * i + 1] = (unsigned char)(units[i] & 0xFF);
	}
}

/*
 * Returns where the part starting at `start` ends: `per` units on, or one
 * fewer when that would separate a GSM-7 ESC (always the first of its
 * pair: no extension septet is 0x1B) or a high surrogate from what
 * follows.
 */
static size_t
part_end(bool gsm7, const unsigned char *septets, const uint16_t *units,
    size_t n, size_t start, size_t per)
{
	size_t	end;

	if (n - start <= per)
		return n;
	end = start + per;
	if (gsm7 && septets[end - 1] == GSM7_ESC)
		end--;
	else if (!gsm7 && units[end - 1] >= 0xD800 && units[end - 1] <= 0xDBFF)
		end--;
	return end;
}

/* Cuts n encoded units into parts with an IEI 0x00 UDH; returns 0 or -1
 * if more than max_parts are needed. */
static int
split_parts(bool gsm7, const unsigned char *septets, const uint16_t *units,
    size_t n, unsigned ref, unsigned max_parts, struct hl_smpp_parts *out)
{
	size_t			start, end, cnt = 0, ends[HL_SMPP_MAX_PARTS];
	size_t			per = gsm7 ? GSM7_PART : UCS2_PART;
	struct hl_smpp_part	*p;

	/* Count first: the total goes into every UDH. */
	for (start = 0; start < n; start = end) {
		if (cnt == max_parts)
			return -1;
		end = part_end(gsm7, septets, units, n, start, per);
		ends[cnt++] = end;
	}
	for (size_t i = 0; i < cnt; i++) {
		start = i == 0 ? 0 : ends[i - 1];
		p = &out->part[i];
		p->data[0] = 0x05;
		p->data[1] = IEI_CONCAT8;
		p->data[2] = 0x03;
		p->data[3] = (unsigned char)(ref & 0xFF);
		p->data[4] = (unsigned char)cnt;
		p->data[5] = (unsigned char)(i + 1);
		if (gsm7) {
			memcpy(p->data + UDH_CONCAT8_LEN, septets + start,
			    ends[i] - start);
			p->len = UDH_CONCAT8_LEN + ends[i] - start;
		} else {
			put_ucs2(p->data + UDH_CONCAT8_LEN, units + start,
			    ends[i] - start);
			p->len = UDH_CONCAT8_LEN + 2 * (ends[i] - start);
		}
	}
	out->count = cnt;
	out->esm_class = HL_SMPP_ESM_UDHI;
	return 0;
}

/*
 * Encodes valid UTF-8 text as an SMS.  A ref above 255 is taken modulo
 * 256, so a caller may pass a running counter.  *out is only meaningful
 * on success.
 */
int
hl_smpp_encode_sms(const char *text, size_t len, unsigned ref,
    unsigned max_parts, struct hl_smpp_parts *out)
{
	struct hl_sms_count	c;
	unsigned char		septets[SEPTETS_MAX];
	uint16_t		units[UNITS_MAX];
	size_t			n;
	bool			gsm7;

	if (max_parts == 0 || max_parts > HL_SMPP_MAX_PARTS ||
	    hl_sms_count(text, len, &c) == -1)
		return -1;
	if (c.units > hl_sms_capacity(c.coding, max_parts))
		return -1;
	gsm7 = c.coding == HL_SMS_GSM7;
	out->data_coding = gsm7 ? HL_SMPP_DC_DEFAULT : HL_SMPP_DC_UCS2;
	out->esm_class = 0;
	out->count = 1;
	if (gsm7 && hl_gsm7_encode(text, len, septets, sizeof septets, &n) == -1)
		return -1;
	if (!gsm7 && utf16_encode(text, len, units, UNITS_MAX, &n) == -1)
		return -1;
	if (n <= (gsm7 ? GSM7_SINGLE : UCS2_SINGLE)) {
		if (gsm7) {
			memcpy(out->part[0].data, septets, n);
			out->part[0].len = n;
		} else {
			put_ucs2(out->part[0].data, units, n);
			out->part[0].len = 2 * n;
		}
		return 0;
	}
	return split_parts(gsm7, septets, units, n, ref, max_parts, out);
}

/* Encodes valid UTF-8 text as one USSD string, without a UDH. */
int
hl_smpp_encode_ussd(const char *text, size_t len, struct hl_smpp_parts *out)
{
	struct hl_sms_count	c;
	struct hl_smpp_part	*p = &out->part[0];
	uint16_t		units[HL_SMPP_SM_MAX / 2];
	size_t			n;

	if (hl_sms_count(text, len, &c) == -1)
		return -1;
	out->esm_class = 0;
	out->count = 1;
	if (c.coding == HL_SMS_GSM7) {
		if (c.units > HL_USSD_MAX_CHARS ||
		    hl_gsm7_encode(text, len, p->data, sizeof p->data,
		    &p->len) == -1)
			return -1;
		out->data_coding = HL_SMPP_DC_DEFAULT;
		return 0;
	}
	if (c.units > HL_SMPP_SM_MAX / 2 ||
	    utf16_encode(text, len, units, HL_SMPP_SM_MAX / 2, &n) == -1)
		return -1;
	put_ucs2(p->data, units, n);
	p->len = 2 * n;
	out->data_coding = HL_SMPP_DC_UCS2;
	return 0;
}
