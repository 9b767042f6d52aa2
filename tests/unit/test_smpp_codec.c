/*
 * test_smpp_codec.c - SMPP text: UDH parsing, decoding by data_coding,
 * SMS replies cut into parts and USSD strings.
 *
 * Vectors are explicit bytes (protocols.md sections 4 and 5), so the test
 * does not depend on this file's encoding.  The agreement test checks the
 * promise the engine relies on: a screen hl_text_fits() in N parts is sent
 * in at most N parts.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/smpp_codec.h"
#include "helpline/text.h"

#define EURO	"\xE2\x82\xAC"		/* U+20AC, ESC 0x65 in GSM-7 */
#define E_DIAER	"\xC3\xAB"		/* U+00EB, not in GSM-7 */
#define GRIN	"\xF0\x9F\x98\x80"	/* U+1F600, D83D DE00 */

/* A text built up in a fixed buffer. */
struct buf {
	char	s[4096];
	size_t	len;
};

/* Appends n copies of a piece. */
static void
add(struct buf *b, const char *piece, size_t n)
{
	size_t	len = strlen(piece);

	while (n-- > 0) {
		assert_true(b->len + len < sizeof b->s);
		memcpy(b->s + b->len, piece, len);
		b->len += len;
	}
	b->s[b->len] = '\0';
}

/* Decodes in[0..len) and checks it reads as want. */
static void
assert_decodes(unsigned dc, const void *in, size_t len, const char *want)
{
	char	out[1024];
	size_t	n = 99;

	assert_int_equal(hl_smpp_decode_text(dc, in, len, out, sizeof out,
	    &n), 0);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n + 1);
}

/* Checks decoding in[0..len) fails. */
static void
assert_refused(unsigned dc, const void *in, size_t len)
{
	char	out[1024];
	size_t	n;

	assert_int_equal(hl_smpp_decode_text(dc, in, len, out, sizeof out,
	    &n), -1);
}

/* Checks the UCS-2 and GSM-7 vectors of protocols.md. */
static void
test_decode_vectors(void **state)
{
	static const unsigned char zoe[] = {
		0x00, 0x5a, 0x00, 0x6f, 0x00, 0xeb, 0x00, 0x20, 0x20, 0xac,
	};
	static const unsigned char gsm[] = {
		0x00, 0x02, 0x11, 0x1B, 0x65, 0x1B, 0x28, 0x48, 0x69,
	};
	static const unsigned char grin[] = { 0xD8, 0x3D, 0xDE, 0x00 };

	(void)state;
	assert_decodes(HL_SMPP_DC_UCS2, zoe, sizeof zoe, "Zo" E_DIAER " " EURO);
	assert_decodes(HL_SMPP_DC_DEFAULT, gsm, sizeof gsm, "@$_" EURO "{Hi");
	assert_decodes(HL_SMPP_DC_UCS2, grin, sizeof grin, GRIN);
	/* '@' is 0x00: the length, not a NUL, ends the text. */
	assert_decodes(HL_SMPP_DC_DEFAULT, "\0\0", 2, "@@");
	assert_decodes(HL_SMPP_DC_DEFAULT, "", 0, "");
	assert_decodes(HL_SMPP_DC_UCS2, "", 0, "");
}

/* Checks IA5 and Latin-1, which are their code points. */
static void
test_decode_ia5_latin1(void **state)
{
	(void)state;
	assert_decodes(HL_SMPP_DC_IA5, "Help $5 @ [x]", 13, "Help $5 @ [x]");
	assert_decodes(HL_SMPP_DC_IA5, "\x7F", 1, "\x7F");
	assert_refused(HL_SMPP_DC_IA5, "ok\x80", 3);
	assert_decodes(HL_SMPP_DC_LATIN1, "Zo\xEB \xA4", 5,
	    "Zo" E_DIAER " \xC2\xA4");
	assert_decodes(HL_SMPP_DC_LATIN1, "\xFF\x80", 2, "\xC3\xBF\xC2\x80");
}

/* Checks bad bytes, codings that are not text and small buffers. */
static void
test_decode_bad(void **state)
{
	char	out[16];
	size_t	n;

	(void)state;
	assert_refused(HL_SMPP_DC_UCS2, "\x00\x41\x00", 3);	/* odd */
	assert_refused(HL_SMPP_DC_UCS2, "\xD8\x3D", 2);	/* high at end */
	assert_refused(HL_SMPP_DC_UCS2, "\xD8\x3D\x00\x41", 4);	/* high, BMP */
	assert_refused(HL_SMPP_DC_UCS2, "\xD8\x3D\xD8\x3D", 4);	/* high, high */
	assert_refused(HL_SMPP_DC_UCS2, "\xDE\x00\x00\x41", 4);	/* lone low */
	assert_refused(HL_SMPP_DC_DEFAULT, "ab\x80", 3);
	assert_refused(HL_SMPP_DC_DEFAULT, "\x1B\xE5", 2);
	assert_refused(2, "ab", 2);
	assert_refused(4, "ab", 2);
	assert_refused(0xF5, "ab", 2);
	/* out too small, by one and by the NUL alone. */
	assert_int_equal(hl_smpp_decode_text(HL_SMPP_DC_LATIN1,
	    (const unsigned char *)"\xE9\xE9", 2, out, 4, &n), -1);
	assert_int_equal(hl_smpp_decode_text(HL_SMPP_DC_LATIN1,
	    (const unsigned char *)"\xE9\xE9", 2, out, 5, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(hl_smpp_decode_text(HL_SMPP_DC_IA5,
	    (const unsigned char *)"abc", 3, out, 3, &n), -1);
	assert_int_equal(hl_smpp_decode_text(HL_SMPP_DC_IA5,
	    (const unsigned char *)"abc", 3, out, 0, &n), -1);
	/* 3 * len + 1 suffices: three-octet characters in every coding. */
	assert_int_equal(hl_smpp_decode_text(HL_SMPP_DC_UCS2,
	    (const unsigned char *)"\x20\xAC\x20\xAC", 4, out, 13, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(hl_smpp_decode_text(HL_SMPP_DC_DEFAULT,
	    (const unsigned char *)"\x1B\x65\x1B\x65", 4, out, 13, &n), 0);
	assert_int_equal(n, 6);
}

/* Parses a UDH and checks its size and concatenation element. */
static void
assert_udh(const char *ud, size_t len, size_t hdrlen, bool present,
    unsigned ref, unsigned total, unsigned seq)
{
	struct hl_smpp_concat	c;
	size_t			h = 999;

	memset(&c, 0xA5, sizeof c);
	assert_int_equal(hl_smpp_udh_parse((const unsigned char *)ud, len, &h,
	    &c), 0);
	assert_int_equal(h, hdrlen);
	assert_int_equal(c.present, present);
	if (present) {
		assert_int_equal(c.ref, ref);
		assert_int_equal(c.total, total);
		assert_int_equal(c.seq, seq);
	}
}

/* Checks a UDH is refused. */
static void
assert_udh_bad(const char *ud, size_t len)
{
	struct hl_smpp_concat	c;
	size_t			h;

	assert_int_equal(hl_smpp_udh_parse((const unsigned char *)ud, len, &h,
	    &c), -1);
}

/* Checks IEI 0x00 and 0x08, skipped elements and headers without one. */
static void
test_udh(void **state)
{
	(void)state;
	assert_udh("\x05\x00\x03\x2A\x02\x01hi", 8, 6, true, 0x2A, 2, 1);
	assert_udh("\x05\x00\x03\xFF\xFF\xFF", 6, 6, true, 0xFF, 255, 255);
	assert_udh("\x06\x08\x04\x12\x34\x03\x02", 7, 7, true, 0x1234, 3, 2);
	/* A port element (0x05), then 0x00, then an empty 0x25. */
	assert_udh("\x0D\x05\x04\x0B\x84\x23\xF0\x00\x03\x07\x05\x01\x25\x00"
	    "x", 15, 14, true, 7, 5, 1);
	assert_udh("\x03\x24\x01\x01", 4, 4, false, 0, 0, 0);
	assert_udh("\x00text", 5, 1, false, 0, 0, 0);
	/* Repeated: the last occurrence counts (23.040 9.2.3.24). */
	assert_udh("\x0A\x00\x03\x01\x02\x01\x00\x03\x09\x04\x03", 11, 11,
	    true, 9, 4, 3);
}

/* Checks overruns and impossible concatenation values. */
static void
test_udh_bad(void **state)
{
	(void)state;
	assert_udh_bad("", 0);
	assert_udh_bad("\x05\x00\x03\x01\x02", 5);	/* header > data */
	assert_udh_bad("\x03\x00\x03\x01\x02\x01", 6);	/* IE > header */
	assert_udh_bad("\x01\x24", 2);			/* IEI, no length */
	assert_udh_bad("\x03\x24\x02\x01", 4);		/* IE > header */
	assert_udh_bad("\x04\x00\x02\x01\x02", 5);	/* 0x00, length 2 */
	assert_udh_bad("\x06\x00\x04\x01\x02\x01\x01", 7);
	assert_udh_bad("\x05\x08\x03\x01\x02\x01", 6);	/* 0x08, length 3 */
	assert_udh_bad("\x05\x00\x03\x01\x02\x00", 6);	/* seq 0 */
	assert_udh_bad("\x05\x00\x03\x01\x02\x03", 6);	/* seq > total */
	assert_udh_bad("\x05\x00\x03\x01\x00\x00", 6);	/* total 0 */
	assert_udh_bad("\x06\x08\x04\x00\x01\x02\x03", 7);
}

/* Encodes s as an SMS and returns the result. */
static int
encode(const char *s, size_t len, unsigned ref, unsigned max_parts,
    struct hl_smpp_parts *p)
{
	memset(p, 0xA5, sizeof *p);
	return hl_smpp_encode_sms(s, len, ref, max_parts, p);
}

/* Checks one-part replies carry no UDH. */
static void
test_encode_single(void **state)
{
	struct hl_smpp_parts	p;
	struct buf		b = { .len = 0 };

	(void)state;
	assert_int_equal(encode("@$_" EURO "{", strlen("@$_" EURO "{"), 1, 1, &p), 0);
	assert_int_equal(p.data_coding, HL_SMPP_DC_DEFAULT);
	assert_int_equal(p.esm_class, 0);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.part[0].len, 7);
	assert_memory_equal(p.part[0].data, "\x00\x02\x11\x1B\x65\x1B\x28", 7);

	assert_int_equal(encode("Zo" E_DIAER " " EURO, 8, 1, 1, &p), 0);
	assert_int_equal(p.data_coding, HL_SMPP_DC_UCS2);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.part[0].len, 10);
	assert_memory_equal(p.part[0].data,
	    "\x00\x5a\x00\x6f\x00\xeb\x00\x20\x20\xac", 10);

	/* Exactly one SMS in each coding. */
	add(&b, "a", 158);
	add(&b, EURO, 1);
	assert_int_equal(encode(b.s, b.len, 1, 1, &p), 0);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.part[0].len, 160);
	b.len = 0;
	add(&b, E_DIAER, 68);
	add(&b, GRIN, 1);
	assert_int_equal(encode(b.s, b.len, 1, 1, &p), 0);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.part[0].len, 140);
	assert_memory_equal(p.part[0].data + 136, "\xD8\x3D\xDE\x00", 4);
}

/* Checks an empty text is one empty part. */
static void
test_encode_empty(void **state)
{
	struct hl_smpp_parts	p;

	(void)state;
	assert_int_equal(encode("", 0, 7, 1, &p), 0);
	assert_int_equal(p.data_coding, HL_SMPP_DC_DEFAULT);
	assert_int_equal(p.esm_class, 0);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.part[0].len, 0);
}

/* Checks the exact bytes of a two-part GSM-7 reply whose euro sign would
 * straddle the cut: it moves whole to the second part. */
static void
test_encode_gsm7_parts(void **state)
{
	struct hl_smpp_parts	p;
	struct buf		b = { .len = 0 };
	unsigned char		want[160];

	(void)state;
	add(&b, "A", 152);
	add(&b, EURO, 1);
	add(&b, "B", 10);
	assert_int_equal(encode(b.s, b.len, 0x142, 2, &p), 0);
	assert_int_equal(p.data_coding, HL_SMPP_DC_DEFAULT);
	assert_int_equal(p.esm_class, HL_SMPP_ESM_UDHI);
	assert_int_equal(p.count, 2);

	memcpy(want, "\x05\x00\x03\x42\x02\x01", 6);
	memset(want + 6, 0x41, 152);
	assert_int_equal(p.part[0].len, 158);
	assert_memory_equal(p.part[0].data, want, 158);

	memcpy(want, "\x05\x00\x03\x42\x02\x02\x1B\x65", 8);
	memset(want + 8, 0x42, 10);
	assert_int_equal(p.part[1].len, 18);
	assert_memory_equal(p.part[1].data, want, 18);

	/* One septet more than an SMS: 153 + 8, no pair at the cut. */
	b.len = 0;
	add(&b, "a", 161);
	assert_int_equal(encode(b.s, b.len, 3, 8, &p), 0);
	assert_int_equal(p.count, 2);
	assert_int_equal(p.part[0].len, 6 + 153);
	assert_int_equal(p.part[1].len, 6 + 8);
	assert_memory_equal(p.part[1].data, "\x05\x00\x03\x03\x02\x02", 6);
}

/* Checks the exact bytes of a two-part UCS-2 reply whose surrogate pair
 * would straddle the cut. */
static void
test_encode_ucs2_parts(void **state)
{
	struct hl_smpp_parts	p;
	struct buf		b = { .len = 0 };
	unsigned char		want[160];
	size_t			i;

	(void)state;
	add(&b, E_DIAER, 1);
	add(&b, "a", 65);
	add(&b, GRIN, 1);
	add(&b, "b", 5);
	assert_int_equal(encode(b.s, b.len, 9, 2, &p), 0);
	assert_int_equal(p.data_coding, HL_SMPP_DC_UCS2);
	assert_int_equal(p.esm_class, HL_SMPP_ESM_UDHI);
	assert_int_equal(p.count, 2);

	memcpy(want, "\x05\x00\x03\x09\x02\x01\x00\xEB", 8);
	for (i = 0; i < 65; i++)
		memcpy(want + 8 + 2 * i, "\x00\x61", 2);
	assert_int_equal(p.part[0].len, 6 + 2 * 66);
	assert_memory_equal(p.part[0].data, want, 6 + 2 * 66);

	memcpy(want, "\x05\x00\x03\x09\x02\x02\xD8\x3D\xDE\x00", 10);
	for (i = 0; i < 5; i++)
		memcpy(want + 10 + 2 * i, "\x00\x62", 2);
	assert_int_equal(p.part[1].len, 20);
	assert_memory_equal(p.part[1].data, want, 20);
}

/* Checks too many parts, bad max_parts and invalid UTF-8 fail. */
static void
test_encode_limits(void **state)
{
	struct hl_smpp_parts	p;
	struct buf		b = { .len = 0 };

	(void)state;
	add(&b, "a", 161);
	assert_int_equal(encode(b.s, b.len, 0, 1, &p), -1);
	assert_int_equal(encode(b.s, b.len, 0, 2, &p), 0);
	assert_int_equal(encode(b.s, b.len, 0, 0, &p), -1);
	assert_int_equal(encode(b.s, b.len, 0, HL_SMPP_MAX_PARTS + 1, &p), -1);
	/* 306 septets fit two parts; with the euro at the cut they do not. */
	b.len = 0;
	add(&b, "a", 306);
	assert_int_equal(encode(b.s, b.len, 0, 2, &p), 0);
	b.len = 0;
	add(&b, "a", 152);
	add(&b, EURO, 1);
	add(&b, "a", 152);
	assert_int_equal(encode(b.s, b.len, 0, 2, &p), -1);
	assert_int_equal(encode(b.s, b.len, 0, 3, &p), 0);
	assert_int_equal(p.count, 3);
	/* The most a reply may be: 8 x 153 septets, and 8 x 67 units. */
	b.len = 0;
	add(&b, "a", 8 * 153);
	assert_int_equal(encode(b.s, b.len, 0, 8, &p), 0);
	assert_int_equal(p.count, 8);
	add(&b, "a", 1);
	assert_int_equal(encode(b.s, b.len, 0, 8, &p), -1);
	b.len = 0;
	add(&b, E_DIAER, 8 * 67);
	assert_int_equal(encode(b.s, b.len, 0, 8, &p), 0);
	assert_int_equal(p.count, 8);
	assert_int_equal(p.part[7].len, 6 + 134);
	add(&b, E_DIAER, 1);
	assert_int_equal(encode(b.s, b.len, 0, 8, &p), -1);
	/* Not UTF-8: a lone continuation, an encoded surrogate. */
	assert_int_equal(encode("a\x80", 2, 0, 1, &p), -1);
	assert_int_equal(encode("\xED\xA0\x80", 3, 0, 1, &p), -1);
}

/* A small deterministic generator (xorshift32). */
static uint32_t
next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Checks one text: hl_text_fits() with N parts agrees exactly with
 * encoding in at most N parts, and the parts' payloads decode back to the
 * text.
 */
static void
check_agrees(const struct buf *b)
{
	struct hl_smpp_parts	p;
	struct hl_budget	budget = { .channel = HL_CHANNEL_SMS };
	unsigned char		joined[HL_SMPP_MAX_PARTS * HL_SMPP_SM_MAX];
	char			back[3 * sizeof joined + 1];
	size_t			n = 0, hdr, outlen;
	unsigned		parts;
	bool			fits;
	int			rc;

	for (parts = 1; parts <= HL_SMPP_MAX_PARTS; parts++) {
		budget.sms_segments = parts;
		fits = hl_text_fits(&budget, b->s, b->len);
		rc = encode(b->s, b->len, 5, parts, &p);
		if (fits != (rc == 0))
			fail_msg("len %zu, %u parts: fits %d, encode %d",
			    b->len, parts, fits, rc);
		if (rc == 0)
			assert_in_range(p.count, 1, parts);
	}
	if (rc != 0)
		return;
	for (size_t i = 0; i < p.count; i++) {
		hdr = 0;
		if (p.count > 1) {
			struct hl_smpp_concat	c;

			assert_int_equal(hl_smpp_udh_parse(p.part[i].data,
			    p.part[i].len, &hdr, &c), 0);
			assert_true(c.present);
			assert_int_equal(c.seq, i + 1);
			assert_int_equal(c.total, p.count);
		}
		/* A part never ends inside a pair: it decodes alone. */
		assert_int_equal(hl_smpp_decode_text(p.data_coding,
		    p.part[i].data + hdr, p.part[i].len - hdr, back,
		    sizeof back, &outlen), 0);
		if (p.data_coding == HL_SMPP_DC_DEFAULT && p.part[i].len > hdr)
			assert_int_not_equal(p.part[i].data[p.part[i].len - 1],
			    0x1B);
		memcpy(joined + n, p.part[i].data + hdr, p.part[i].len - hdr);
		n += p.part[i].len - hdr;
	}
	assert_int_equal(hl_smpp_decode_text(p.data_coding, joined, n, back,
	    sizeof back, &outlen), 0);
	assert_int_equal(outlen, b->len);
	assert_memory_equal(back, b->s, b->len);
}

/*
 * Checks the part count against the engine's pager over generated texts:
 * runs of 'a' ending just around each cut followed by a two-unit
 * character (euro, emoji), then random tails; and wholly random texts.
 */
static void
test_agrees_with_pager(void **state)
{
	static const char *const gsm[] = { "a", EURO, "{", "\xC3\xA9", "@" };
	static const char *const ucs[] = { "a", E_DIAER, GRIN, EURO };
	static const size_t cuts[] = { 70, 67, 134, 160, 153, 306, 459, 536,
	    612, 1071, 1224 };
	struct buf	b;
	uint32_t	seed = 0x5eed;
	size_t		i, t, tail;
	int		off;
	bool		ucs2;

	(void)state;
	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		for (off = -4; off <= 2; off++) {
			for (t = 0; t < 8; t++) {
				ucs2 = t % 2 == 1;
				b.len = 0;
				if (ucs2)
					add(&b, E_DIAER, 1);
				add(&b, "a", cuts[i] + (size_t)(off + 4) - 4 -
				    (ucs2 ? 1 : 0));
				add(&b, ucs2 ? GRIN : EURO, 1);
				for (tail = next_rand(&seed) % 6; tail > 0;
				    tail--)
					add(&b, ucs2 ?
					    ucs[next_rand(&seed) % 4] :
					    gsm[next_rand(&seed) % 5], 1);
				check_agrees(&b);
			}
		}
	}
	for (i = 0; i < 3000; i++) {
		size_t	n = next_rand(&seed) % 700;

		ucs2 = i % 3 == 0;
		b.len = 0;
		while (n-- > 0)
			add(&b, ucs2 ? ucs[next_rand(&seed) % 4] :
			    gsm[next_rand(&seed) % 5], 1);
		check_agrees(&b);
	}
}

/* Checks USSD: 182 septets at most in GSM-7, 254 octets in UCS-2. */
static void
test_ussd(void **state)
{
	struct hl_smpp_parts	p;
	struct buf		b = { .len = 0 };

	(void)state;
	add(&b, "a", 182);
	assert_int_equal(hl_smpp_encode_ussd(b.s, b.len, &p), 0);
	assert_int_equal(p.data_coding, HL_SMPP_DC_DEFAULT);
	assert_int_equal(p.esm_class, 0);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.part[0].len, 182);
	add(&b, "a", 1);
	assert_int_equal(hl_smpp_encode_ussd(b.s, b.len, &p), -1);
	b.len = 0;
	add(&b, "a", 180);
	add(&b, EURO, 1);
	assert_int_equal(hl_smpp_encode_ussd(b.s, b.len, &p), 0);
	assert_int_equal(p.part[0].len, 182);
	assert_memory_equal(p.part[0].data + 180, "\x1B\x65", 2);
	add(&b, "a", 1);
	assert_int_equal(hl_smpp_encode_ussd(b.s, b.len, &p), -1);

	assert_int_equal(hl_smpp_encode_ussd("Zo" E_DIAER, 4, &p), 0);
	assert_int_equal(p.data_coding, HL_SMPP_DC_UCS2);
	assert_int_equal(p.esm_class, 0);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.part[0].len, 6);
	assert_memory_equal(p.part[0].data, "\x00\x5a\x00\x6f\x00\xeb", 6);
	b.len = 0;
	add(&b, E_DIAER, 125);
	add(&b, GRIN, 1);
	assert_int_equal(hl_smpp_encode_ussd(b.s, b.len, &p), 0);
	assert_int_equal(p.part[0].len, 254);
	add(&b, "a", 1);
	assert_int_equal(hl_smpp_encode_ussd(b.s, b.len, &p), -1);

	assert_int_equal(hl_smpp_encode_ussd("", 0, &p), 0);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.part[0].len, 0);
	assert_int_equal(hl_smpp_encode_ussd("\xC3", 1, &p), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_vectors),
		cmocka_unit_test(test_decode_ia5_latin1),
		cmocka_unit_test(test_decode_bad),
		cmocka_unit_test(test_udh),
		cmocka_unit_test(test_udh_bad),
		cmocka_unit_test(test_encode_single),
		cmocka_unit_test(test_encode_empty),
		cmocka_unit_test(test_encode_gsm7_parts),
		cmocka_unit_test(test_encode_ucs2_parts),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_agrees_with_pager),
		cmocka_unit_test(test_ussd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
