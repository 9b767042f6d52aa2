/*
 * fuzz_smpp_pdu.c - libFuzzer target for SMPP PDUs: the input is a byte
 * stream from an SMSC.  Framing never reads past what it was given and
 * says BAD exactly for lengths out of range; each whole PDU goes to the
 * reader for its id, and the other reader refuses it; whatever reads is
 * within its fields, and an MO read in goes back out as a submit_sm.
 * Under ASan this also watches for libsmpp34's leaks and overreads.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/smpp_pdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks an MO that read: strings end in their fields, sar_* come whole
 * and not with a UDH, and it can be answered. */
static void
check_mo(const struct hl_smpp_mo *mo, uint32_t seq)
{
	unsigned char		buf[HL_SMPP_PDU_MAX];
	struct hl_smpp_submit	s;

	if (mo->seq != seq || mo->seq == 0 ||
	    memchr(mo->service_type, 0, sizeof mo->service_type) == NULL ||
	    memchr(mo->source_addr, 0, sizeof mo->source_addr) == NULL ||
	    memchr(mo->dest_addr, 0, sizeof mo->dest_addr) == NULL ||
	    mo->ud_len > sizeof mo->ud || mo->esm_class > 0xFF ||
	    mo->data_coding > 0xFF ||
	    (mo->has_sar && (mo->esm_class & 0x40) != 0))
		abort();
	if (hl_smpp_write_mo_resp(buf, sizeof buf, HL_SMPP_DELIVER_SM |
	    HL_SMPP_RESP, seq, HL_SMPP_ESME_ROK) != 17)
		abort();
	memset(&s, 0, sizeof s);
	s.service_type = mo->service_type;
	s.source_addr = mo->dest_addr;
	s.dest_addr = mo->source_addr;
	s.source_ton = mo->dest_ton;
	s.source_npi = mo->dest_npi;
	s.dest_ton = mo->source_ton;
	s.dest_npi = mo->source_npi;
	s.data_coding = mo->data_coding;
	s.sm = mo->ud;
	s.sm_len = mo->ud_len;
	s.has_ussd_op = mo->has_ussd_op;
	s.ussd_op = mo->ussd_op;
	s.has_its = mo->has_its;
	s.its_session_info = mo->its_session_info;
	/* Refused only for a long text (or a TON/NPI libsmpp34 does not
	 * know, which it would not have read either). */
	if (hl_smpp_write_submit(buf, sizeof buf, seq, &s) == -1 &&
	    mo->ud_len <= 254)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hl_smpp_header	h;
	struct hl_smpp_mo	mo;
	size_t			pos = 0;
	bool			is_mo;

	if (size > 4 * HL_SMPP_PDU_MAX)
		return 0;
	for (;;) {
		switch (hl_smpp_frame(data + pos, size - pos, &h)) {
		case HL_SMPP_FRAME_MORE:
			if (size - pos >= HL_SMPP_HEADER_LEN &&
			    h.length <= size - pos)
				abort();
			return 0;
		case HL_SMPP_FRAME_BAD:
			if (h.length >= HL_SMPP_HEADER_LEN &&
			    h.length <= HL_SMPP_PDU_MAX)
				abort();
			return 0;
		case HL_SMPP_FRAME_WHOLE:
			break;
		}
		if (h.length < HL_SMPP_HEADER_LEN || h.length > size - pos)
			abort();
		is_mo = h.id == HL_SMPP_DELIVER_SM || h.id == HL_SMPP_DATA_SM;
		if (is_mo) {
			if (hl_smpp_read_mo(data + pos, h.length, &mo) == 0)
				check_mo(&mo, h.seq);
			hl_smpp_mo_wipe(&mo);
			if (hl_smpp_read_resp(data + pos, h.length, &h) != -1)
				abort();
		} else {
			if (hl_smpp_read_mo(data + pos, h.length, &mo) != -1)
				abort();
			hl_smpp_read_resp(data + pos, h.length, &h);
		}
		/* One octet short is never a PDU. */
		if (hl_smpp_read_mo(data + pos, h.length - 1, &mo) != -1 ||
		    hl_smpp_read_resp(data + pos, h.length - 1, &h) != -1)
			abort();
		hl_smpp_command_name(h.id);
		hl_smpp_status_name(h.status);
		pos += h.length;
	}
}
