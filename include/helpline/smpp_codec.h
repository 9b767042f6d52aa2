/*
 * smpp_codec.h - the text half of SMPP: an MO's short_message (or
 * message_payload) read into UTF-8, and a reply written as the parts of
 * one submit_sm each.  Pure functions, no I/O, no allocation.
 *
 * data_coding (SMPP 3.4 5.2.19): 0 SMSC default, read as GSM-7 unpacked
 * one septet per octet ('@' is 0x00, so the bytes are not a C string);
 * 1 IA5/ASCII; 3 Latin-1; 8 UCS-2 (UTF-16BE; surrogate pairs accepted).
 * Other codings (binary, 2 and 4, and the rest) are not text: -1.
 *
 * Concatenation (3GPP TS 23.040 9.2.3.24.1 and .8): a UDH at the start of
 * the user data when esm_class has UDHI (0x40); IEI 0x00 "05 00 03 ref
 * total seq" (8-bit reference) or IEI 0x08 "06 08 04 refHi refLo total
 * seq" (16-bit).  Replies use IEI 0x00 with 153 septets (GSM-7) or 67
 * UTF-16 units (UCS-2) per part, one SMS being 160 septets or 70 units,
 * as hl_sms_capacity() counts: a screen the engine fitted into N parts
 * is sent as at most N parts.  A part never ends inside a GSM-7 escape
 * pair or a UTF-16 surrogate pair.
 */
#ifndef HELPLINE_SMPP_CODEC_H
#define HELPLINE_SMPP_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#define HL_SMPP_DC_DEFAULT 0x00		/* GSM-7, unpacked */
#define HL_SMPP_DC_IA5 0x01
#define HL_SMPP_DC_LATIN1 0x03
#define HL_SMPP_DC_UCS2 0x08

#define HL_SMPP_ESM_UDHI 0x40

#define HL_SMPP_SM_MAX 254		/* short_message octets, at most */
#define HL_SMPP_MAX_PARTS 10		/* parts of one reply, at most: the
					 * most [screens] sms_segments allows */

/* The concatenation information element of a UDH, if there was one. */
struct hl_smpp_concat {
	bool present;
	unsigned ref;		/* 0..255 (IEI 0x00) or 0..65535 (0x08) */
	unsigned total;		/* 1..255 */
	unsigned seq;		/* 1..total */
};

/* Reads the UDH at the start of ud[0..len) (the caller saw UDHI): sets
 * *hdrlen to its size in octets (1 + UDHL) and *concat from an IEI 0x00
 * or 0x08 element (other elements are skipped).  Returns 0, or -1 if the
 * header overruns the data, an element overruns the header, a
 * concatenation element has the wrong length, total is 0 or seq is 0 or
 * above total. */
int hl_smpp_udh_parse(const unsigned char *ud, size_t len, size_t *hdrlen,
    struct hl_smpp_concat *concat);

/* Decodes in[0..len) of a data_coding to NUL-terminated UTF-8 in
 * out[0..outcap) (*outlen excludes the NUL).  GSM-7 decodes as
 * hl_gsm7_decode() does.  Returns 0, or -1 if the coding is not text, the
 * bytes are not valid in it (a septet or IA5 octet above 0x7F, an odd
 * UCS-2 length, a lone surrogate) or out is too small (3 * len + 1 octets
 * always suffice). */
int hl_smpp_decode_text(unsigned data_coding, const unsigned char *in,
    size_t len, char *out, size_t outcap, size_t *outlen);

/* One short_message: the UDH (if any) and the text's octets. */
struct hl_smpp_part {
	unsigned char data[HL_SMPP_SM_MAX];
	size_t len;
};

/* A reply as submit_sm short_messages, all of one data_coding. */
struct hl_smpp_parts {
	unsigned data_coding;	/* HL_SMPP_DC_DEFAULT or HL_SMPP_DC_UCS2 */
	unsigned esm_class;	/* HL_SMPP_ESM_UDHI when count > 1, else 0 */
	size_t count;
	struct hl_smpp_part part[HL_SMPP_MAX_PARTS];
};

/* Encodes valid UTF-8 text[0..len) as an SMS: GSM-7 when every character
 * allows it, else UCS-2; one part without a UDH when it fits one SMS,
 * else parts with an IEI 0x00 UDH carrying ref (0..255).  An empty text
 * is one empty part.  Returns 0, or -1 if the text is not valid UTF-8 or
 * needs more than max_parts (<= HL_SMPP_MAX_PARTS) parts. */
int hl_smpp_encode_sms(const char *text, size_t len, unsigned ref,
    unsigned max_parts, struct hl_smpp_parts *out);

/* Encodes valid UTF-8 text[0..len) as one USSD string: GSM-7 unpacked
 * when every character allows it (at most HL_USSD_MAX_CHARS septets),
 * else UCS-2 (at most HL_SMPP_SM_MAX octets).  Never a UDH.  Returns 0,
 * or -1 if the text is invalid or too long. */
int hl_smpp_encode_ussd(const char *text, size_t len,
    struct hl_smpp_parts *out);

#endif
