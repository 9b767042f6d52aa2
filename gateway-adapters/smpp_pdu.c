/*
 * smpp_pdu.c - SMPP 3.4 PDUs read and written through libsmpp34.
 *
 * libsmpp34 (1.14) does the packing and unpacking; this file keeps it
 * from doing harm.  What it gets wrong, each checked here by hand:
 *
 * - Unpacking runs strlen() over C-octet strings, so a string without its
 *   NUL reads past the buffer: PDUs are unpacked from a copy with a NUL
 *   after it.
 * - Unpacking does not compare the header's command_id with the type it
 *   was asked for, so a submit_sm body could be read as a deliver_sm.
 * - A TLV whose value overruns the PDU makes unpacking fail with the TLV
 *   it was reading allocated and unlinked: a leak nobody can free.  And a
 *   TLV libsmpp34 reads as a fixed-width number is read at that width
 *   whatever its length says, which desynchronises the rest.  So the TLVs
 *   are walked here first, against libsmpp34's own per-PDU tables, and
 *   libsmpp34 only sees TLV lists it will read as sent.
 * - Packing truncates an overlong string without failing, needs one octet
 *   more room than the PDU takes, and refuses a 254-octet short_message
 *   (SMPP allows 254): lengths are checked first, PDUs are packed into a
 *   scratch buffer, and a 254-octet short_message is spliced in by hand.
 * - ussd_service_op is not in its deliver_sm or data_sm tables: it comes
 *   back as raw octets (value.octet[0]); for submit_sm it is packed as
 *   one raw octet when the TLV's length says 1.  its_session_info is a
 *   16-bit number in host order both ways.
 * - Both directions refuse a command_status they do not know, and a
 *   response's body is required even where SMPP says none is sent (a
 *   bind_resp or data_sm_resp with an error status): a response with a
 *   non-zero status is taken from its header and its body is not read.
 * - Its global error text (smpp34_strerror) spells out every field it
 *   touched, phone numbers included: it is wiped after every call and
 *   never logged.
 *
 * Everything that held a number or a text (the copies, libsmpp34's
 * structs and TLV nodes, the scratch buffers) is wiped before it goes.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>

#include "helpline/smpp_pdu.h"
#include "helpline/smpp_window.h"

#define SM_MAX		254	/* short_message octets (SMPP 3.4 5.2.22) */
#define SM_LIB_MAX	253	/* what smpp34_pack() takes */
#define SCRATCH_LEN	(HL_SMPP_PDU_MAX + 1)

/* How libsmpp34 reads one TLV tag in one PDU type: a value of min..max
 * octets (a fixed-width number has min == max). */
struct tlv_rule {
	uint16_t	tag;
	uint16_t	min, max;
};

#define FIXED(t, w)	{ (t), (w), (w) }
#define OCTETS(t, n)	{ (t), 0, (n) }

/* def_frame/deliver_sm.tlv; any other tag is up to MAX_TLV_SIZE octets. */
static const struct tlv_rule deliver_sm_tlvs[] = {
	FIXED(TLVID_user_message_reference, 2),
	FIXED(TLVID_source_port, 2),
	FIXED(TLVID_destination_port, 2),
	FIXED(TLVID_sar_msg_ref_num, 2),
	FIXED(TLVID_sar_total_segments, 1),
	FIXED(TLVID_sar_segment_seqnum, 1),
	FIXED(TLVID_user_response_code, 1),
	FIXED(TLVID_privacy_indicator, 1),
	FIXED(TLVID_payload_type, 1),
	OCTETS(TLVID_message_payload, MAX_TLV_SIZE),
	OCTETS(TLVID_callback_num, 19),
	OCTETS(TLVID_source_subaddress, 23),
	OCTETS(TLVID_dest_subaddress, 23),
	FIXED(TLVID_language_indicator, 1),
	FIXED(TLVID_its_session_info, 2),
	OCTETS(TLVID_network_error_code, 3),
	FIXED(TLVID_message_state, 1),
	OCTETS(TLVID_receipted_message_id, 65),
	FIXED(TLVID_set_dpf, 1),
	FIXED(TLVID_source_network_type, 1),
};

/* def_frame/data_sm.tlv. */
static const struct tlv_rule data_sm_tlvs[] = {
	FIXED(TLVID_source_port, 2),
	FIXED(TLVID_source_addr_subunit, 1),
	FIXED(TLVID_source_network_type, 1),
	FIXED(TLVID_source_bearer_type, 1),
	FIXED(TLVID_source_telematics_id, 1),
	FIXED(TLVID_destination_port, 2),
	FIXED(TLVID_dest_addr_subunit, 1),
	FIXED(TLVID_dest_network_type, 1),
	FIXED(TLVID_dest_bearer_type, 1),
	FIXED(TLVID_dest_telematics_id, 2),
	FIXED(TLVID_sar_msg_ref_num, 2),
	FIXED(TLVID_sar_total_segments, 1),
	FIXED(TLVID_sar_segment_seqnum, 1),
	FIXED(TLVID_more_messages_to_send, 1),
	FIXED(TLVID_qos_time_to_live, 4),
	FIXED(TLVID_payload_type, 1),
	OCTETS(TLVID_message_payload, MAX_TLV_SIZE),
	FIXED(TLVID_set_dpf, 1),
	OCTETS(TLVID_receipted_message_id, 65),
	FIXED(TLVID_message_state, 1),
	OCTETS(TLVID_network_error_code, 3),
	FIXED(TLVID_user_message_reference, 2),
	FIXED(TLVID_privacy_indicator, 1),
	OCTETS(TLVID_callback_num, 19),
	FIXED(TLVID_callback_num_pres_ind, 1),
	OCTETS(TLVID_callback_num_atag, 65),
	OCTETS(TLVID_source_subaddress, 23),
	OCTETS(TLVID_dest_subaddress, 23),
	FIXED(TLVID_user_response_code, 1),
	FIXED(TLVID_display_time, 1),
	FIXED(TLVID_sms_signal, 2),
	FIXED(TLVID_ms_validity, 1),
	FIXED(TLVID_ms_msg_wait_facilities, 1),
	FIXED(TLVID_number_of_messages, 1),
	OCTETS(TLVID_alert_on_message_delivery, 0),
	FIXED(TLVID_language_indicator, 1),
	FIXED(TLVID_its_reply_type, 1),
	FIXED(TLVID_its_session_info, 2),
};

/* def_frame/bind_*_resp.tlv. */
static const struct tlv_rule bind_resp_tlvs[] = {
	FIXED(TLVID_sc_interface_version, 1),
};

/* Ours on top of libsmpp34's: TLVs read into struct hl_smpp_mo have the
 * width SMPP gives them. */
static const struct tlv_rule mo_tlvs[] = {
	FIXED(HL_SMPP_TLV_USSD_SERVICE_OP, 1),
};

#define NELEM(a)	(sizeof (a) / sizeof (a)[0])

/* The TLVs struct hl_smpp_mo takes, each at most once. */
enum {
	SEEN_SAR_REF = 1 << 0,
	SEEN_SAR_TOTAL = 1 << 1,
	SEEN_SAR_SEQ = 1 << 2,
	SEEN_PAYLOAD = 1 << 3,
	SEEN_USSD_OP = 1 << 4,
	SEEN_ITS = 1 << 5,
	SEEN_RECEIPTED = 1 << 6,
	SEEN_SAR = SEEN_SAR_REF | SEEN_SAR_TOTAL | SEEN_SAR_SEQ,
};

/* A read position in a PDU. */
struct cursor {
	const unsigned char	*p;
	size_t			 len, pos;
};

union mo_pdu {
	deliver_sm_t	deliver;
	data_sm_t	data;
};

union resp_pdu {
	bind_transmitter_resp_t	bind_tx;
	bind_receiver_resp_t	bind_rx;
	bind_transceiver_resp_t	bind_trx;
	submit_sm_resp_t	submit;
	deliver_sm_resp_t	deliver;
	data_sm_resp_t		data;
	generic_nack_t		header;
};

union bind_pdu {
	bind_transmitter_t	tx;
	bind_receiver_t		rx;
	bind_transceiver_t	trx;
};

/* Returns a big-endian 32-bit number. */
static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Stores a big-endian 32-bit number. */
static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Wipes libsmpp34's error text: it names the fields it read or wrote. */
static void
wipe_strerror(void)
{
	explicit_bzero(smpp34_strerror, sizeof smpp34_strerror);
}

/* Wipes and frees a TLV list libsmpp34 made (message_payload holds the
 * text). */
static void
free_tlvs(tlv_t *head)
{
	tlv_t	*t;

	smpp34_tlv_for_each(t, head)
		explicit_bzero(&t->value, sizeof t->value);
	destroy_tlv(head);
}

static bool
seq_ok(uint32_t seq)
{
	return seq >= 1 && seq <= HL_SMPP_SEQ_MAX;
}

/* Looks at the first avail octets of a stream.  Sets *h as soon as 16
 * octets are there. */
enum hl_smpp_frame_result
hl_smpp_frame(const unsigned char *buf, size_t avail, struct hl_smpp_header *h)
{
	if (avail < HL_SMPP_HEADER_LEN)
		return HL_SMPP_FRAME_MORE;
	h->length = get32(buf);
	h->id = get32(buf + 4);
	h->status = get32(buf + 8);
	h->seq = get32(buf + 12);
	if (h->length < HL_SMPP_HEADER_LEN || h->length > HL_SMPP_PDU_MAX)
		return HL_SMPP_FRAME_BAD;
	if (avail < h->length)
		return HL_SMPP_FRAME_MORE;
	return HL_SMPP_FRAME_WHOLE;
}

/* Reads the header of a whole PDU of len octets into *h.  Returns 0, or
 * -1 if the length is not len or out of range, or the sequence number is
 * out of range (libsmpp34 refuses 0 anyway). */
static int
read_header(const unsigned char *pdu, size_t len, struct hl_smpp_header *h)
{
	if (len < HL_SMPP_HEADER_LEN ||
	    hl_smpp_frame(pdu, len, h) != HL_SMPP_FRAME_WHOLE ||
	    h->length != len || !seq_ok(h->seq))
		return -1;
	return 0;
}

/* Skips n octets. */
static int
skip(struct cursor *c, size_t n)
{
	if (c->len - c->pos < n)
		return -1;
	c->pos += n;
	return 0;
}

/* Skips a C-octet string of at most size octets with its NUL. */
static int
skip_cstr(struct cursor *c, size_t size)
{
	size_t			 n = c->len - c->pos;
	const unsigned char	*nul;

	if (n > size)
		n = size;
	if ((nul = memchr(c->p + c->pos, 0, n)) == NULL)
		return -1;
	c->pos += (size_t)(nul - (c->p + c->pos)) + 1;
	return 0;
}

/* Skips a deliver_sm's or data_sm's mandatory part as libsmpp34 reads it
 * (def_frame/deliver_sm.frame, data_sm.frame), leaving the cursor on the
 * first TLV. */
static int
skip_mo_mandatory(struct cursor *c, uint32_t id)
{
	unsigned	sm_length;

	if (skip_cstr(c, SERVICE_TYPE_LENGTH) == -1 || skip(c, 2) == -1 ||
	    skip_cstr(c, ADDRESS_LENGTH) == -1 || skip(c, 2) == -1)
		return -1;
	if (id == HL_SMPP_DATA_SM)
		return skip_cstr(c, 65) == -1 || skip(c, 3) == -1 ? -1 : 0;
	if (skip_cstr(c, ADDRESS_LENGTH) == -1 || skip(c, 3) == -1 ||
	    skip_cstr(c, 1) == -1 || skip_cstr(c, 1) == -1 ||
	    skip(c, 4) == -1 || c->pos >= c->len)
		return -1;
	sm_length = c->p[c->pos++];
	if (sm_length > SM_MAX)
		return -1;
	return skip(c, sm_length);
}

/* Returns the rule for tag, or NULL. */
static const struct tlv_rule *
find_rule(const struct tlv_rule *rules, size_t n, uint16_t tag)
{
	for (size_t i = 0; i < n; i++)
		if (rules[i].tag == tag)
			return &rules[i];
	return NULL;
}

/* Walks the TLVs from the cursor to the end of the PDU.  Returns 0 if
 * they fill it exactly and each has a length libsmpp34 (rules) and we
 * (ours) read it at; tags in neither are up to MAX_TLV_SIZE octets. */
static int
check_tlvs(struct cursor *c, const struct tlv_rule *rules, size_t nrules,
    const struct tlv_rule *ours, size_t nours)
{
	const struct tlv_rule	*r[2];
	uint16_t		 tag, vlen;

	while (c->pos < c->len) {
		if (c->len - c->pos < 4)
			return -1;
		tag = (uint16_t)(c->p[c->pos] << 8 | c->p[c->pos + 1]);
		vlen = (uint16_t)(c->p[c->pos + 2] << 8 | c->p[c->pos + 3]);
		c->pos += 4;
		if (vlen > MAX_TLV_SIZE)
			return -1;
		r[0] = find_rule(rules, nrules, tag);
		r[1] = find_rule(ours, nours, tag);
		for (size_t i = 0; i < 2; i++)
			if (r[i] != NULL && (vlen < r[i]->min ||
			    vlen > r[i]->max))
				return -1;
		if (skip(c, vlen) == -1)
			return -1;
	}
	return 0;
}

/* Copies a PDU into buf with a NUL after it (libsmpp34's strlen()). */
static void
copy_nul(unsigned char buf[SCRATCH_LEN], const unsigned char *pdu,
    size_t len)
{
	memcpy(buf, pdu, len);
	buf[len] = '\0';
}

/* Copies a C string of libsmpp34's into dst[size].  Returns 0, or -1 if
 * it does not fit. */
static int
copy_str(char *dst, size_t size, const uint8_t *src, size_t srcsize)
{
	size_t	n = strnlen((const char *)src, srcsize);

	if (n >= size)
		return -1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

/* Takes the TLVs libsmpp34 read into *mo.  Returns 0, or -1 for a
 * TLV sent twice or a message_payload too long. */
static int
take_mo_tlvs(tlv_t *head, struct hl_smpp_mo *mo, unsigned *seen)
{
	tlv_t		*t;
	unsigned	 bit;

	smpp34_tlv_for_each(t, head) {
		switch (t->tag) {
		case HL_SMPP_TLV_SAR_MSG_REF_NUM:
			bit = SEEN_SAR_REF;
			mo->sar_ref = t->value.val16;
			break;
		case HL_SMPP_TLV_SAR_TOTAL_SEGMENTS:
			bit = SEEN_SAR_TOTAL;
			mo->sar_total = t->value.val08;
			break;
		case HL_SMPP_TLV_SAR_SEGMENT_SEQNUM:
			bit = SEEN_SAR_SEQ;
			mo->sar_seq = t->value.val08;
			break;
		case HL_SMPP_TLV_MESSAGE_PAYLOAD:
			bit = SEEN_PAYLOAD;
			if (t->length > sizeof mo->ud)
				return -1;
			memcpy(mo->ud, t->value.octet, t->length);
			mo->ud_len = t->length;
			break;
		case HL_SMPP_TLV_USSD_SERVICE_OP:
			/* Not in libsmpp34's deliver_sm/data_sm tables:
			 * raw octets, one by check_tlvs(). */
			bit = SEEN_USSD_OP;
			mo->has_ussd_op = true;
			mo->ussd_op = t->value.octet[0];
			break;
		case HL_SMPP_TLV_ITS_SESSION_INFO:
			bit = SEEN_ITS;
			mo->has_its = true;
			mo->its_session_info = t->value.val16;
			break;
		case HL_SMPP_TLV_RECEIPTED_MESSAGE_ID:
			bit = SEEN_RECEIPTED;
			break;
		default:
			continue;
		}
		if (*seen & bit)
			return -1;
		*seen |= bit;
	}
	return 0;
}

/* Takes a deliver_sm's fields into *mo.  Returns 0 or -1. */
static int
take_deliver(const deliver_sm_t *d, struct hl_smpp_mo *mo, unsigned *seen)
{
	if (copy_str(mo->service_type, sizeof mo->service_type,
	    d->service_type, sizeof d->service_type) == -1 ||
	    copy_str(mo->source_addr, sizeof mo->source_addr,
	    d->source_addr, sizeof d->source_addr) == -1 ||
	    copy_str(mo->dest_addr, sizeof mo->dest_addr,
	    d->destination_addr, sizeof d->destination_addr) == -1)
		return -1;
	mo->source_ton = d->source_addr_ton;
	mo->source_npi = d->source_addr_npi;
	mo->dest_ton = d->dest_addr_ton;
	mo->dest_npi = d->dest_addr_npi;
	mo->esm_class = d->esm_class;
	mo->protocol_id = d->protocol_id;
	mo->data_coding = d->data_coding;
	if (take_mo_tlvs(d->tlv, mo, seen) == -1)
		return -1;
	if (*seen & SEEN_PAYLOAD)
		return d->sm_length == 0 ? 0 : -1;
	if (d->sm_length > sizeof d->short_message)
		return -1;
	/* By sm_length: GSM-7 '@' is 0x00. */
	memcpy(mo->ud, d->short_message, d->sm_length);
	mo->ud_len = d->sm_length;
	return 0;
}

/* Takes a data_sm's fields into *mo (its text is only ever in
 * message_payload).  Returns 0 or -1. */
static int
take_data(const data_sm_t *d, struct hl_smpp_mo *mo, unsigned *seen)
{
	/* destination_addr is 65 octets in data_sm; ours holds 20. */
	if (copy_str(mo->service_type, sizeof mo->service_type,
	    d->service_type, sizeof d->service_type) == -1 ||
	    copy_str(mo->source_addr, sizeof mo->source_addr,
	    d->source_addr, sizeof d->source_addr) == -1 ||
	    copy_str(mo->dest_addr, sizeof mo->dest_addr,
	    d->destination_addr, sizeof d->destination_addr) == -1)
		return -1;
	mo->source_ton = d->source_addr_ton;
	mo->source_npi = d->source_addr_npi;
	mo->dest_ton = d->dest_addr_ton;
	mo->dest_npi = d->dest_addr_npi;
	mo->esm_class = d->esm_class;
	mo->data_coding = d->data_coding;
	return take_mo_tlvs(d->tlv, mo, seen);
}

/* Unpacks a whole deliver_sm or data_sm PDU into *mo.  Returns 0, or -1
 * (and *mo wiped). */
int
hl_smpp_read_mo(const unsigned char *pdu, size_t len, struct hl_smpp_mo *mo)
{
	unsigned char		 copy[SCRATCH_LEN];
	union mo_pdu		 u;
	struct hl_smpp_header	 h;
	struct cursor		 c = { .p = pdu, .len = len };
	tlv_t			*tlvs = NULL;
	unsigned		 seen = 0;
	int			 rc = -1;

	hl_smpp_mo_wipe(mo);
	memset(&u, 0, sizeof u);
	if (read_header(pdu, len, &h) == -1 ||
	    (h.id != HL_SMPP_DELIVER_SM && h.id != HL_SMPP_DATA_SM))
		return -1;
	c.pos = HL_SMPP_HEADER_LEN;
	if (skip_mo_mandatory(&c, h.id) == -1 ||
	    check_tlvs(&c, h.id == HL_SMPP_DATA_SM ? data_sm_tlvs :
	    deliver_sm_tlvs, h.id == HL_SMPP_DATA_SM ? NELEM(data_sm_tlvs) :
	    NELEM(deliver_sm_tlvs), mo_tlvs, NELEM(mo_tlvs)) == -1)
		return -1;

	copy_nul(copy, pdu, len);
	/* A request's status is 0; libsmpp34 refuses those it does not
	 * know, and we have no use for it. */
	put32(copy + 8, HL_SMPP_ESME_ROK);
	if (smpp34_unpack(h.id, &u, copy, (int)len) == 0) {
		mo->seq = h.seq;
		if (h.id == HL_SMPP_DELIVER_SM)
			rc = take_deliver(&u.deliver, mo, &seen);
		else
			rc = take_data(&u.data, mo, &seen);
	}
	tlvs = h.id == HL_SMPP_DELIVER_SM ? u.deliver.tlv : u.data.tlv;
	free_tlvs(tlvs);
	wipe_strerror();
	explicit_bzero(&u, sizeof u);
	explicit_bzero(copy, len + 1);
	if (rc == 0) {
		mo->has_sar = (seen & SEEN_SAR) == SEEN_SAR;
		/* 0x04 SMSC receipt, 0x08 SME ack, 0x10 user ack,
		 * 0x20 intermediate notification: none is an MO. */
		mo->receipt = (mo->esm_class & HL_SMPP_ESM_TYPE_MASK) != 0 ||
		    (seen & SEEN_RECEIPTED) != 0;
		/* sar_* come all three or not at all, and never with a
		 * UDH (Kannel refuses that too). */
		if (((seen & SEEN_SAR) != 0 && !mo->has_sar) ||
		    (mo->has_sar && (mo->esm_class & 0x40) != 0))
			rc = -1;
	}
	if (rc == -1)
		hl_smpp_mo_wipe(mo);
	return rc;
}

/* Wipes *mo. */
void
hl_smpp_mo_wipe(struct hl_smpp_mo *mo)
{
	explicit_bzero(mo, sizeof *mo);
}

/* Returns whether id is a response this reader takes. */
static bool
is_resp(uint32_t id)
{
	switch (id) {
	case HL_SMPP_GENERIC_NACK:
	case HL_SMPP_BIND_RECEIVER | HL_SMPP_RESP:
	case HL_SMPP_BIND_TRANSMITTER | HL_SMPP_RESP:
	case HL_SMPP_BIND_TRANSCEIVER | HL_SMPP_RESP:
	case HL_SMPP_SUBMIT_SM | HL_SMPP_RESP:
	case HL_SMPP_DELIVER_SM | HL_SMPP_RESP:
	case HL_SMPP_DATA_SM | HL_SMPP_RESP:
	case HL_SMPP_ENQUIRE_LINK | HL_SMPP_RESP:
	case HL_SMPP_UNBIND | HL_SMPP_RESP:
		return true;
	default:
		return false;
	}
}

/* Returns the TLV list of an unpacked response, if its type has one. */
static tlv_t *
resp_tlvs(const union resp_pdu *u, uint32_t id)
{
	switch (id) {
	case HL_SMPP_BIND_RECEIVER | HL_SMPP_RESP:
		return u->bind_rx.tlv;
	case HL_SMPP_BIND_TRANSMITTER | HL_SMPP_RESP:
		return u->bind_tx.tlv;
	case HL_SMPP_BIND_TRANSCEIVER | HL_SMPP_RESP:
		return u->bind_trx.tlv;
	default:
		return NULL;
	}
}

/* Unpacks a whole response PDU; *h gets its header (also when -1 is
 * returned, once 16 octets are there).  Returns 0, or -1. */
int
hl_smpp_read_resp(const unsigned char *pdu, size_t len,
    struct hl_smpp_header *h)
{
	unsigned char	copy[SCRATCH_LEN];
	union resp_pdu	u;
	struct cursor	c = { .p = pdu, .len = len };
	int		rc;

	if (read_header(pdu, len, h) == -1 || !is_resp(h->id))
		return -1;
	/* SMPP 3.4 sends no body with an error status, some SMSCs send
	 * one anyway, and libsmpp34 wants one for bind_resp and
	 * data_sm_resp and refuses statuses it does not know: the header
	 * says all we need. */
	if (h->status != HL_SMPP_ESME_ROK)
		return 0;
	c.pos = HL_SMPP_HEADER_LEN;
	switch (h->id) {
	case HL_SMPP_BIND_RECEIVER | HL_SMPP_RESP:
	case HL_SMPP_BIND_TRANSMITTER | HL_SMPP_RESP:
	case HL_SMPP_BIND_TRANSCEIVER | HL_SMPP_RESP:
		/* system_id, then TLVs: walked first (see the top). */
		if (skip_cstr(&c, 16) == -1 ||
		    check_tlvs(&c, bind_resp_tlvs, NELEM(bind_resp_tlvs),
		    NULL, 0) == -1)
			return -1;
		break;
	default:
		/* No TLVs in libsmpp34's idea of the rest. */
		break;
	}
	memset(&u, 0, sizeof u);
	copy_nul(copy, pdu, len);
	rc = smpp34_unpack(h->id, &u, copy, (int)len);
	free_tlvs(resp_tlvs(&u, h->id));
	wipe_strerror();
	explicit_bzero(&u, sizeof u);
	explicit_bzero(copy, len + 1);
	return rc == 0 ? 0 : -1;
}

/* Packs pdu (a libsmpp34 struct of type cmd_id) into scratch.  Returns
 * the PDU's length, or -1. */
static int
pack(uint32_t cmd_id, void *pdu, unsigned char scratch[SCRATCH_LEN])
{
	int	len = 0, rc;

	/* smpp34_pack() wants an octet more than the PDU: SCRATCH_LEN
	 * leaves it for a PDU of HL_SMPP_PDU_MAX. */
	rc = smpp34_pack(cmd_id, scratch, SCRATCH_LEN, &len, pdu);
	wipe_strerror();
	if (rc != 0 || len < HL_SMPP_HEADER_LEN || len > HL_SMPP_PDU_MAX)
		return -1;
	return len;
}

/* Copies a packed PDU of len (or -1) into buf[0..cap) and wipes the
 * scratch.  Returns len, or -1. */
static int
deliver(unsigned char *buf, size_t cap, unsigned char scratch[SCRATCH_LEN],
    int len)
{
	int	rc = -1;

	if (len >= HL_SMPP_HEADER_LEN && (size_t)len <= cap) {
		memcpy(buf, scratch, (size_t)len);
		rc = len;
	}
	explicit_bzero(scratch, SCRATCH_LEN);
	return rc;
}

/* Copies s into dst[size] if it fits with its NUL.  Returns 0 or -1:
 * libsmpp34 would truncate it and go on. */
static int
put_str(uint8_t *dst, size_t size, const char *s)
{
	size_t	n;

	if (s == NULL || (n = strnlen(s, size)) >= size)
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

/* Fills the fields the three bind structs share (laid out alike, but
 * three types); sets the caller's ok to false if a string does not fit. */
#define FILL_BIND(p, cmd_id, seq, b) do {				\
	(p)->command_id = (cmd_id);					\
	(p)->sequence_number = (seq);					\
	(p)->interface_version = SMPP_VERSION;				\
	(p)->addr_ton = (uint8_t)(b)->addr_ton;				\
	(p)->addr_npi = (uint8_t)(b)->addr_npi;				\
	if (put_str((p)->system_id, sizeof (p)->system_id,		\
	    (b)->system_id) == -1 ||					\
	    put_str((p)->password, sizeof (p)->password,		\
	    (b)->password) == -1 ||					\
	    put_str((p)->system_type, sizeof (p)->system_type,		\
	    (b)->system_type) == -1 ||					\
	    put_str((p)->address_range, sizeof (p)->address_range,	\
	    (b)->address_range) == -1)					\
		ok = false;						\
} while (0)

/* Writes bind_transceiver, bind_receiver or bind_transmitter. */
int
hl_smpp_write_bind(unsigned char *buf, size_t cap, uint32_t cmd_id,
    uint32_t seq, const struct hl_smpp_bind *b)
{
	unsigned char	scratch[SCRATCH_LEN];
	union bind_pdu	u;
	bool		ok = true;
	int		len = -1;

	if (!seq_ok(seq) || b->addr_ton > 0xFF || b->addr_npi > 0xFF)
		return -1;
	memset(&u, 0, sizeof u);
	switch (cmd_id) {
	case HL_SMPP_BIND_TRANSCEIVER:
		FILL_BIND(&u.trx, cmd_id, seq, b);
		break;
	case HL_SMPP_BIND_RECEIVER:
		FILL_BIND(&u.rx, cmd_id, seq, b);
		break;
	case HL_SMPP_BIND_TRANSMITTER:
		FILL_BIND(&u.tx, cmd_id, seq, b);
		break;
	default:
		return -1;
	}
	if (ok)
		len = pack(cmd_id, &u, scratch);
	explicit_bzero(&u, sizeof u);	/* the password */
	return deliver(buf, cap, scratch, len);
}

/* Adds a TLV to the front of *list.  Returns 0 or -1. */
static int
add_tlv(tlv_t **list, uint16_t tag, uint16_t length, const tlv_t *value)
{
	tlv_t	t = *value;
	int	rc;

	t.tag = tag;
	t.length = length;
	t.next = NULL;
	rc = build_tlv(list, &t);
	explicit_bzero(&t, sizeof t);
	return rc == 0 ? 0 : -1;
}

/* Builds a submit_sm's TLVs; they go out in the order ussd_service_op,
 * its_session_info (build_tlv() puts each in front). */
static int
submit_tlvs(tlv_t **list, const struct hl_smpp_submit *s)
{
	tlv_t	v;

	memset(&v, 0, sizeof v);
	if (s->has_its) {
		if (s->its_session_info > 0xFFFF)
			return -1;
		/* A 16-bit number in host order: libsmpp34 swaps it. */
		v.value.val16 = (uint16_t)s->its_session_info;
		if (add_tlv(list, HL_SMPP_TLV_ITS_SESSION_INFO, 2, &v) == -1)
			return -1;
	}
	if (s->has_ussd_op) {
		if (s->ussd_op > 0xFF)
			return -1;
		/* libsmpp34's submit_sm table: raw octets, at most one. */
		memset(&v, 0, sizeof v);
		v.value.octet[0] = (uint8_t)s->ussd_op;
		if (add_tlv(list, HL_SMPP_TLV_USSD_SERVICE_OP, 1, &v) == -1)
			return -1;
	}
	return 0;
}

/* Puts a 254-octet short_message into a submit_sm packed with an empty
 * one, smpp34_pack() refusing that length.  sm_length is at off.
 * Returns the new length, or -1. */
static int
splice_sm(unsigned char scratch[SCRATCH_LEN], int len, size_t off,
    const unsigned char *sm, size_t sm_len)
{
	size_t	n = (size_t)len;

	if (off >= n || scratch[off] != 0 || n + sm_len > HL_SMPP_PDU_MAX)
		return -1;
	memmove(scratch + off + 1 + sm_len, scratch + off + 1, n - off - 1);
	scratch[off] = (unsigned char)sm_len;
	memcpy(scratch + off + 1, sm, sm_len);
	n += sm_len;
	put32(scratch, (uint32_t)n);
	return (int)n;
}

/* Writes one submit_sm. */
int
hl_smpp_write_submit(unsigned char *buf, size_t cap, uint32_t seq,
    const struct hl_smpp_submit *s)
{
	unsigned char	scratch[SCRATCH_LEN];
	submit_sm_t	p;
	size_t		sm_off;
	int		len = -1;

	if (!seq_ok(seq) || s->sm_len > SM_MAX ||
	    (s->sm == NULL && s->sm_len > 0) ||
	    s->source_ton > 0xFF || s->source_npi > 0xFF ||
	    s->dest_ton > 0xFF || s->dest_npi > 0xFF ||
	    s->esm_class > 0xFF || s->data_coding > 0xFF ||
	    s->registered_delivery > 0xFF)
		return -1;
	memset(&p, 0, sizeof p);
	p.command_id = HL_SMPP_SUBMIT_SM;
	p.sequence_number = seq;
	p.source_addr_ton = (uint8_t)s->source_ton;
	p.source_addr_npi = (uint8_t)s->source_npi;
	p.dest_addr_ton = (uint8_t)s->dest_ton;
	p.dest_addr_npi = (uint8_t)s->dest_npi;
	p.esm_class = (uint8_t)s->esm_class;
	p.registered_delivery = (uint8_t)s->registered_delivery;
	p.data_coding = (uint8_t)s->data_coding;
	if (put_str(p.service_type, sizeof p.service_type,
	    s->service_type) == -1 ||
	    put_str(p.source_addr, sizeof p.source_addr, s->source_addr) == -1 ||
	    put_str(p.destination_addr, sizeof p.destination_addr,
	    s->dest_addr) == -1 ||
	    submit_tlvs(&p.tlv, s) == -1)
		goto out;
	if (s->sm_len <= SM_LIB_MAX) {
		p.sm_length = (uint8_t)s->sm_len;
		if (s->sm_len > 0)
			memcpy(p.short_message, s->sm, s->sm_len);
		len = pack(HL_SMPP_SUBMIT_SM, &p, scratch);
	} else if ((len = pack(HL_SMPP_SUBMIT_SM, &p, scratch)) != -1) {
		/* Header, three strings with their NULs, ton/npi twice,
		 * esm_class, protocol_id, priority_flag, two empty times,
		 * four flags: then sm_length. */
		sm_off = HL_SMPP_HEADER_LEN + strlen(s->service_type) + 1 +
		    2 + strlen(s->source_addr) + 1 + 2 +
		    strlen(s->dest_addr) + 1 + 3 + 2 + 4;
		len = splice_sm(scratch, len, sm_off, s->sm, s->sm_len);
	}
out:
	free_tlvs(p.tlv);
	explicit_bzero(&p, sizeof p);
	return deliver(buf, cap, scratch, len);
}

/* Writes deliver_sm_resp or data_sm_resp with an empty message_id. */
int
hl_smpp_write_mo_resp(unsigned char *buf, size_t cap, uint32_t cmd_id,
    uint32_t seq, uint32_t status)
{
	unsigned char		scratch[SCRATCH_LEN];
	union {
		deliver_sm_resp_t	deliver;
		data_sm_resp_t		data;
	}			u;

	if (!seq_ok(seq))
		return -1;
	memset(&u, 0, sizeof u);
	switch (cmd_id) {
	case HL_SMPP_DELIVER_SM | HL_SMPP_RESP:
		u.deliver.command_id = cmd_id;
		u.deliver.command_status = status;
		u.deliver.sequence_number = seq;
		break;
	case HL_SMPP_DATA_SM | HL_SMPP_RESP:
		u.data.command_id = cmd_id;
		u.data.command_status = status;
		u.data.sequence_number = seq;
		break;
	default:
		return -1;
	}
	return deliver(buf, cap, scratch, pack(cmd_id, &u, scratch));
}

/* Writes a PDU with a header only. */
int
hl_smpp_write_header_only(unsigned char *buf, size_t cap, uint32_t cmd_id,
    uint32_t status, uint32_t seq)
{
	unsigned char	scratch[SCRATCH_LEN];
	generic_nack_t	p;

	if (!seq_ok(seq))
		return -1;
	switch (cmd_id) {
	case HL_SMPP_ENQUIRE_LINK:
	case HL_SMPP_ENQUIRE_LINK | HL_SMPP_RESP:
	case HL_SMPP_UNBIND:
	case HL_SMPP_UNBIND | HL_SMPP_RESP:
	case HL_SMPP_GENERIC_NACK:
		break;
	default:
		return -1;
	}
	/* libsmpp34's structs for all five are its header. */
	memset(&p, 0, sizeof p);
	p.command_id = cmd_id;
	p.command_status = status;
	p.sequence_number = seq;
	return deliver(buf, cap, scratch, pack(cmd_id, &p, scratch));
}

static const struct {
	uint32_t	 id;
	const char	*name;
} command_names[] = {
	{ 0x80000000u, "generic_nack" },
	{ 0x00000001u, "bind_receiver" },
	{ 0x80000001u, "bind_receiver_resp" },
	{ 0x00000002u, "bind_transmitter" },
	{ 0x80000002u, "bind_transmitter_resp" },
	{ 0x00000003u, "query_sm" },
	{ 0x80000003u, "query_sm_resp" },
	{ 0x00000004u, "submit_sm" },
	{ 0x80000004u, "submit_sm_resp" },
	{ 0x00000005u, "deliver_sm" },
	{ 0x80000005u, "deliver_sm_resp" },
	{ 0x00000006u, "unbind" },
	{ 0x80000006u, "unbind_resp" },
	{ 0x00000007u, "replace_sm" },
	{ 0x80000007u, "replace_sm_resp" },
	{ 0x00000008u, "cancel_sm" },
	{ 0x80000008u, "cancel_sm_resp" },
	{ 0x00000009u, "bind_transceiver" },
	{ 0x80000009u, "bind_transceiver_resp" },
	{ 0x0000000Bu, "outbind" },
	{ 0x00000015u, "enquire_link" },
	{ 0x80000015u, "enquire_link_resp" },
	{ 0x00000021u, "submit_multi" },
	{ 0x80000021u, "submit_multi_resp" },
	{ 0x00000102u, "alert_notification" },
	{ 0x00000103u, "data_sm" },
	{ 0x80000103u, "data_sm_resp" },
};

/* SMPP 3.4 5.1.3. */
static const struct {
	uint32_t	 status;
	const char	*name;
} status_names[] = {
	{ 0x00, "ESME_ROK" },
	{ 0x01, "ESME_RINVMSGLEN" },
	{ 0x02, "ESME_RINVCMDLEN" },
	{ 0x03, "ESME_RINVCMDID" },
	{ 0x04, "ESME_RINVBNDSTS" },
	{ 0x05, "ESME_RALYBND" },
	{ 0x06, "ESME_RINVPRTFLG" },
	{ 0x07, "ESME_RINVREGDLVFLG" },
	{ 0x08, "ESME_RSYSERR" },
	{ 0x0A, "ESME_RINVSRCADR" },
	{ 0x0B, "ESME_RINVDSTADR" },
	{ 0x0C, "ESME_RINVMSGID" },
	{ 0x0D, "ESME_RBINDFAIL" },
	{ 0x0E, "ESME_RINVPASWD" },
	{ 0x0F, "ESME_RINVSYSID" },
	{ 0x11, "ESME_RCANCELFAIL" },
	{ 0x13, "ESME_RREPLACEFAIL" },
	{ 0x14, "ESME_RMSGQFUL" },
	{ 0x15, "ESME_RINVSERTYP" },
	{ 0x33, "ESME_RINVNUMDESTS" },
	{ 0x34, "ESME_RINVDLNAME" },
	{ 0x40, "ESME_RINVDESTFLAG" },
	{ 0x42, "ESME_RINVSUBREP" },
	{ 0x43, "ESME_RINVESMCLASS" },
	{ 0x44, "ESME_RCNTSUBDL" },
	{ 0x45, "ESME_RSUBMITFAIL" },
	{ 0x48, "ESME_RINVSRCTON" },
	{ 0x49, "ESME_RINVSRCNPI" },
	{ 0x50, "ESME_RINVDSTTON" },
	{ 0x51, "ESME_RINVDSTNPI" },
	{ 0x53, "ESME_RINVSYSTYP" },
	{ 0x54, "ESME_RINVREPFLAG" },
	{ 0x55, "ESME_RINVNUMMSGS" },
	{ 0x58, "ESME_RTHROTTLED" },
	{ 0x61, "ESME_RINVSCHED" },
	{ 0x62, "ESME_RINVEXPIRY" },
	{ 0x63, "ESME_RINVDFTMSGID" },
	{ 0x64, "ESME_RX_T_APPN" },
	{ 0x65, "ESME_RX_P_APPN" },
	{ 0x66, "ESME_RX_R_APPN" },
	{ 0x67, "ESME_RQUERYFAIL" },
	{ 0xC0, "ESME_RINVOPTPARSTREAM" },
	{ 0xC1, "ESME_ROPTPARNOTALLWD" },
	{ 0xC2, "ESME_RINVPARLEN" },
	{ 0xC3, "ESME_RMISSINGOPTPARAM" },
	{ 0xC4, "ESME_RINVOPTPARAMVAL" },
	{ 0xFE, "ESME_RDELIVERYFAILURE" },
	{ 0xFF, "ESME_RUNKNOWNERR" },
};

/* Returns a command_id's name, or "unknown". */
const char *
hl_smpp_command_name(uint32_t cmd_id)
{
	for (size_t i = 0; i < NELEM(command_names); i++)
		if (command_names[i].id == cmd_id)
			return command_names[i].name;
	return "unknown";
}

/* Returns a command_status's name, or NULL. */
const char *
hl_smpp_status_name(uint32_t status)
{
	for (size_t i = 0; i < NELEM(status_names); i++)
		if (status_names[i].status == status)
			return status_names[i].name;
	return NULL;
}
