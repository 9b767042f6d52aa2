/*
 * smpp_pdu.h - SMPP 3.4 PDUs read and written through libsmpp34, into and
 * out of plain structs the adapter can use without libsmpp34's types.
 *
 * Reading is in two steps, so that nothing is allocated for a PDU whose
 * length is wrong: hl_smpp_frame() looks at the 16-octet header of the
 * bytes read so far (command_length, command_id, command_status,
 * sequence_number, big-endian) and says whether a whole PDU is there;
 * then the hl_smpp_read_*() functions unpack it.  A length below 16 or
 * above HL_SMPP_PDU_MAX cannot be resynchronised: the link is dropped.  A
 * whole PDU that does not unpack, or whose id is unknown, is answered
 * with generic_nack and the link goes on (protocols.md section 4).
 *
 * The writers fill buf[0..cap) and return the PDU's length, or -1 (the
 * PDU does not fit or libsmpp34 refused it).  Sequence numbers must be
 * 1..HL_SMPP_SEQ_MAX; libsmpp34 would accept others.  libsmpp34 keeps its
 * error text in a global: single-threaded use only, as in the daemon.
 */
#ifndef HELPLINE_SMPP_PDU_H
#define HELPLINE_SMPP_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpline/smpp_codec.h"

#define HL_SMPP_HEADER_LEN 16
#define HL_SMPP_PDU_MAX 4096		/* a longer PDU is not one we take */
#define HL_SMPP_PAYLOAD_MAX 1024	/* message_payload; libsmpp34's cap */

/* command_id (SMPP 3.4 5.1.2.1). */
#define HL_SMPP_GENERIC_NACK 0x80000000u
#define HL_SMPP_BIND_RECEIVER 0x00000001u
#define HL_SMPP_BIND_TRANSMITTER 0x00000002u
#define HL_SMPP_SUBMIT_SM 0x00000004u
#define HL_SMPP_DELIVER_SM 0x00000005u
#define HL_SMPP_UNBIND 0x00000006u
#define HL_SMPP_BIND_TRANSCEIVER 0x00000009u
#define HL_SMPP_ENQUIRE_LINK 0x00000015u
#define HL_SMPP_DATA_SM 0x00000103u
#define HL_SMPP_ALERT_NOTIFICATION 0x00000102u
#define HL_SMPP_RESP 0x80000000u	/* a response's id: request | RESP */

/* command_status (5.1.3). */
#define HL_SMPP_ESME_ROK 0x00000000u
#define HL_SMPP_ESME_RINVMSGLEN 0x00000001u
#define HL_SMPP_ESME_RINVCMDLEN 0x00000002u
#define HL_SMPP_ESME_RINVCMDID 0x00000003u
#define HL_SMPP_ESME_RINVBNDSTS 0x00000004u
#define HL_SMPP_ESME_RALYBND 0x00000005u
#define HL_SMPP_ESME_RSYSERR 0x00000008u
#define HL_SMPP_ESME_RBINDFAIL 0x0000000Du
#define HL_SMPP_ESME_RINVPASWD 0x0000000Eu
#define HL_SMPP_ESME_RINVSYSID 0x0000000Fu
#define HL_SMPP_ESME_RMSGQFUL 0x00000014u
#define HL_SMPP_ESME_RTHROTTLED 0x00000058u
#define HL_SMPP_ESME_RX_T_APPN 0x00000064u	/* temporary: try later */

/* TLV tags we read or write. */
#define HL_SMPP_TLV_RECEIPTED_MESSAGE_ID 0x001E
#define HL_SMPP_TLV_SAR_MSG_REF_NUM 0x020C
#define HL_SMPP_TLV_SAR_TOTAL_SEGMENTS 0x020E
#define HL_SMPP_TLV_SAR_SEGMENT_SEQNUM 0x020F
#define HL_SMPP_TLV_MESSAGE_PAYLOAD 0x0424
#define HL_SMPP_TLV_MESSAGE_STATE 0x0427
#define HL_SMPP_TLV_USSD_SERVICE_OP 0x0501
#define HL_SMPP_TLV_ITS_SESSION_INFO 0x1383

/* esm_class message types of a deliver_sm that are receipts, not MO. */
#define HL_SMPP_ESM_TYPE_MASK 0x3C

struct hl_smpp_header {
	uint32_t length;
	uint32_t id;
	uint32_t status;
	uint32_t seq;
};

enum hl_smpp_frame_result {
	HL_SMPP_FRAME_MORE,	/* not a whole PDU yet: read on */
	HL_SMPP_FRAME_WHOLE,	/* buf starts with a whole PDU of h->length */
	HL_SMPP_FRAME_BAD,	/* length out of range: drop the link */
};

/* Looks at the first avail octets of a stream.  Sets *h as soon as 16
 * octets are there. */
enum hl_smpp_frame_result hl_smpp_frame(const unsigned char *buf,
    size_t avail, struct hl_smpp_header *h);

/* An MO (deliver_sm or data_sm), read into plain fields.  The addresses
 * and the text are personal data: hl_smpp_mo_wipe() clears them. */
struct hl_smpp_mo {
	uint32_t seq;
	char service_type[6];
	char source_addr[21];	/* the handset (NUL-terminated) */
	unsigned source_ton, source_npi;
	char dest_addr[21];	/* the number or code it sent to */
	unsigned dest_ton, dest_npi;
	unsigned esm_class;
	unsigned protocol_id;
	unsigned data_coding;
	/* short_message, or message_payload when that TLV was sent
	 * (sm_length 0); UDH included when esm_class has UDHI. */
	unsigned char ud[HL_SMPP_PAYLOAD_MAX];
	size_t ud_len;
	bool has_sar;		/* the sar_* TLVs, all three */
	unsigned sar_ref, sar_total, sar_seq;
	bool has_ussd_op;
	unsigned ussd_op;	/* ussd_service_op */
	bool has_its;
	unsigned its_session_info;	/* host order: session = v >> 8 */
	bool receipt;		/* a receipt or acknowledgement (any
				 * esm_class message type, 0x04 0x08 0x10
				 * 0x20, or receipted_message_id): not
				 * an MO */
};

/* Unpacks a whole deliver_sm or data_sm PDU (as hl_smpp_frame() found
 * it) into *mo.  Returns 0, or -1 if it does not unpack, its id is
 * another, a string overruns its field, sar_* come only in part or with
 * a UDH too, or message_payload comes with a short_message too. */
int hl_smpp_read_mo(const unsigned char *pdu, size_t len,
    struct hl_smpp_mo *mo);

/* Wipes *mo. */
void hl_smpp_mo_wipe(struct hl_smpp_mo *);

/* Unpacks a submit_sm_resp (the header's status is in h; message_id is
 * not kept: it names the message at the SMSC).  bind_*_resp likewise
 * (system_id not kept).  Returns 0, or -1 if it does not unpack. */
int hl_smpp_read_resp(const unsigned char *pdu, size_t len,
    struct hl_smpp_header *h);

/* bind_transceiver, bind_receiver or bind_transmitter (cmd_id). */
struct hl_smpp_bind {
	const char *system_id;		/* <= 15 characters */
	const char *password;		/* <= 8 */
	const char *system_type;	/* <= 12 */
	unsigned addr_ton, addr_npi;
	const char *address_range;	/* <= 40, may be "" */
};
int hl_smpp_write_bind(unsigned char *buf, size_t cap, uint32_t cmd_id,
    uint32_t seq, const struct hl_smpp_bind *);

/* One submit_sm (one part of a reply). */
struct hl_smpp_submit {
	const char *service_type;	/* "" or e.g. "USSD" */
	unsigned source_ton, source_npi;
	const char *source_addr;	/* <= 20 */
	unsigned dest_ton, dest_npi;
	const char *dest_addr;		/* <= 20 */
	unsigned esm_class;
	unsigned data_coding;
	unsigned registered_delivery;
	const unsigned char *sm;	/* short_message, sm_len <= 254 */
	size_t sm_len;
	bool has_ussd_op;
	unsigned ussd_op;
	bool has_its;
	unsigned its_session_info;	/* host order, echoed as received */
};
int hl_smpp_write_submit(unsigned char *buf, size_t cap, uint32_t seq,
    const struct hl_smpp_submit *);

/* deliver_sm_resp or data_sm_resp (cmd_id: the request's id | RESP),
 * with an empty message_id. */
int hl_smpp_write_mo_resp(unsigned char *buf, size_t cap, uint32_t cmd_id,
    uint32_t seq, uint32_t status);

/* A PDU with a header only: enquire_link, enquire_link_resp, unbind,
 * unbind_resp, generic_nack (status e.g. ESME_RINVCMDID). */
int hl_smpp_write_header_only(unsigned char *buf, size_t cap,
    uint32_t cmd_id, uint32_t status, uint32_t seq);

/* Returns a command_id's name ("deliver_sm") or "unknown", and a
 * command_status's ("ESME_RTHROTTLED") or NULL, for log lines. */
const char *hl_smpp_command_name(uint32_t cmd_id);
const char *hl_smpp_status_name(uint32_t status);

#endif
