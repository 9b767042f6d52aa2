/*
 * fuzz_smpp_codec.c - libFuzzer target for the SMPP text codec.
 *
 * The first byte is a data_coding, the rest user data: its UDH is parsed
 * and the text after it (and the whole) decoded, which must give valid
 * UTF-8 or fail cleanly.  When the rest is valid UTF-8 it is also encoded
 * as an SMS and as USSD; the parts must decode back to it, and the SMS
 * must use exactly as many parts as hl_text_fits() says it needs.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/smpp_codec.h"
#include "helpline/text.h"

#define INPUT_MAX	2048

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes and checks the output is valid UTF-8 of the length said. */
static void
decode_checked(unsigned dc, const unsigned char *in, size_t len)
{
	static char	out[3 * INPUT_MAX + 1];
	size_t		n;

	if (hl_smpp_decode_text(dc, in, len, out, sizeof out, &n) != 0) {
		/* Only a coding that is not text, or bad bytes, fail. */
		if (dc == HL_SMPP_DC_LATIN1)
			abort();
		return;
	}
	if (n > 3 * len || out[n] != '\0' || !hl_utf8_is_valid(out, n))
		abort();
}

/* Checks parts decode, joined, back to text[0..len). */
static void
round_trip(const struct hl_smpp_parts *p, const char *text, size_t len)
{
	static unsigned char	joined[HL_SMPP_MAX_PARTS * HL_SMPP_SM_MAX];
	static char		back[3 * sizeof joined + 1];
	struct hl_smpp_concat	c;
	size_t			i, hdr, n = 0, m;

	if (p->count < 1 || p->count > HL_SMPP_MAX_PARTS ||
	    (p->data_coding != HL_SMPP_DC_DEFAULT &&
	    p->data_coding != HL_SMPP_DC_UCS2))
		abort();
	for (i = 0; i < p->count; i++) {
		hdr = 0;
		if (p->esm_class & HL_SMPP_ESM_UDHI) {
			if (hl_smpp_udh_parse(p->part[i].data, p->part[i].len,
			    &hdr, &c) != 0 || !c.present || c.seq != i + 1 ||
			    c.total != p->count)
				abort();
		}
		memcpy(joined + n, p->part[i].data + hdr, p->part[i].len - hdr);
		n += p->part[i].len - hdr;
	}
	if (hl_smpp_decode_text(p->data_coding, joined, n, back, sizeof back,
	    &m) != 0 || m != len || memcmp(back, text, len) != 0)
		abort();
}

/* Encodes valid UTF-8 as an SMS and as USSD and checks both. */
static void
encode_checked(const char *text, size_t len, unsigned ref)
{
	static struct hl_smpp_parts	p;
	struct hl_budget		b = { .channel = HL_CHANNEL_SMS };
	bool				ok;

	b.sms_segments = HL_SMPP_MAX_PARTS;
	ok = hl_smpp_encode_sms(text, len, ref, HL_SMPP_MAX_PARTS, &p) == 0;
	if (ok != hl_text_fits(&b, text, len))
		abort();
	if (ok) {
		round_trip(&p, text, len);
		b.sms_segments = (unsigned)p.count;
		if (!hl_text_fits(&b, text, len))
			abort();
		b.sms_segments = (unsigned)p.count - 1;
		if (p.count > 1 && hl_text_fits(&b, text, len))
			abort();
	}
	if (hl_smpp_encode_ussd(text, len, &p) == 0) {
		if (p.count != 1 || p.esm_class != 0)
			abort();
		round_trip(&p, text, len);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hl_smpp_concat	c;
	const unsigned char	*ud;
	size_t			len, hdr;
	unsigned		dc;

	if (size < 1 || size > INPUT_MAX)
		return 0;
	dc = data[0];
	ud = data + 1;
	len = size - 1;
	if (hl_smpp_udh_parse(ud, len, &hdr, &c) == 0) {
		if (hdr < 1 || hdr > len || (c.present && (c.total == 0 ||
		    c.seq == 0 || c.seq > c.total || c.total > 255)))
			abort();
		decode_checked(dc, ud + hdr, len - hdr);
	}
	decode_checked(dc, ud, len);
	if (hl_utf8_is_valid((const char *)ud, len))
		encode_checked((const char *)ud, len, dc);
	return 0;
}
