/*
 * test_smpp_pdu.c - SMPP 3.4 framing, readers and writers.
 *
 * Every PDU here is written out byte by byte from the SMPP 3.4 layout
 * (section 4), not made by the code under test.  Writers are checked
 * against such vectors and read back, by our readers where there is one
 * and by libsmpp34 directly where we only write (bind, submit_sm).
 *
 * HL_SMPP_SEED_DIR=dir makes the run also write each vector it reads
 * into dir: that is how tests/fuzz/corpus/smpp_pdu was made.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>

#include "helpline/smpp_pdu.h"

#define BE32(v)	(unsigned char)((v) >> 24), (unsigned char)((v) >> 16), \
	(unsigned char)((v) >> 8), (unsigned char)(v)
/* A request header: command_status 0. */
#define HDR(len, id, seq)	BE32(len), BE32(id), 0, 0, 0, 0, BE32(seq)

/* deliver_sm: service_type "", source 1/1 "31612345678", destination
 * 0/0 "1234" (22 octets). */
#define DSM_ADDRS	0x00, 0x01, 0x01, '3', '1', '6', '1', '2', '3', '4', \
	'5', '6', '7', '8', 0x00, 0x00, 0x00, '1', '2', '3', '4', 0x00
/* esm_class, protocol_id, priority_flag, schedule_delivery_time "",
 * validity_period "", registered_delivery, replace_if_present_flag,
 * data_coding, sm_default_msg_id (9 octets). */
#define DSM_MID(esm, dc)	(esm), 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, \
	(dc), 0x00
#define LEN(a)	(sizeof (a))

/* Writes a vector into $HL_SMPP_SEED_DIR, if set. */
static void
seed(const char *name, const unsigned char *p, size_t n)
{
	const char	*dir = getenv("HL_SMPP_SEED_DIR");
	char		 path[4096];
	FILE		*f;

	if (dir == NULL)
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* Checks a vector's command_length against its size (the vector's own
 * sanity), then reads it as an MO. */
static int
read_mo(const char *name, const unsigned char *p, size_t n,
    struct hl_smpp_mo *mo)
{
	assert_int_equal((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3], n);
	seed(name, p, n);
	return hl_smpp_read_mo(p, n, mo);
}

/* Checks whether a wiped MO is all zero. */
static void
assert_wiped(const struct hl_smpp_mo *mo)
{
	static const struct hl_smpp_mo	zero;

	assert_memory_equal(mo, &zero, sizeof zero);
}

/* --- framing ------------------------------------------------------- */

static const unsigned char enquire_link_7[] = {
	0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x15,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
};

/* Checks that fewer than 16 octets are never a verdict. */
static void
test_frame_short(void **state)
{
	struct hl_smpp_header	h = { .length = 0xdeadbeef };

	(void)state;
	for (size_t n = 0; n < HL_SMPP_HEADER_LEN; n++)
		assert_int_equal(hl_smpp_frame(enquire_link_7, n, &h),
		    HL_SMPP_FRAME_MORE);
	assert_int_equal(h.length, 0xdeadbeef);	/* untouched */
}

/* Checks a header-only PDU of exactly 16 octets, and a stream with two. */
static void
test_frame_exact(void **state)
{
	struct hl_smpp_header	h;
	unsigned char		two[32];

	(void)state;
	assert_int_equal(hl_smpp_frame(enquire_link_7, 16, &h),
	    HL_SMPP_FRAME_WHOLE);
	assert_int_equal(h.length, 16);
	assert_int_equal(h.id, HL_SMPP_ENQUIRE_LINK);
	assert_int_equal(h.status, 0);
	assert_int_equal(h.seq, 7);
	memcpy(two, enquire_link_7, 16);
	memcpy(two + 16, enquire_link_7, 16);
	seed("stream-two", two, sizeof two);
	assert_int_equal(hl_smpp_frame(two, sizeof two, &h),
	    HL_SMPP_FRAME_WHOLE);
	assert_int_equal(h.length, 16);
	assert_int_equal(hl_smpp_frame(two + 16, 16, &h),
	    HL_SMPP_FRAME_WHOLE);
}

/* Checks lengths that cannot be resynchronised. */
static void
test_frame_bad(void **state)
{
	unsigned char	len15[] = { HDR(15, 0x15, 1) };
	unsigned char	len0[] = { HDR(0, 0x15, 1) };
	unsigned char	huge[] = { HDR(0xFFFFFFFFu, 0x15, 1) };
	unsigned char	over[] = { HDR(HL_SMPP_PDU_MAX + 1, 0x04, 1) };
	unsigned char	max[] = { HDR(HL_SMPP_PDU_MAX, 0x04, 1) };
	struct hl_smpp_header	h;

	(void)state;
	assert_int_equal(hl_smpp_frame(len15, 16, &h), HL_SMPP_FRAME_BAD);
	assert_int_equal(h.length, 15);
	assert_int_equal(hl_smpp_frame(len0, 16, &h), HL_SMPP_FRAME_BAD);
	/* The "4 GB command_length": dropped at once, nothing waited for
	 * or allocated. */
	assert_int_equal(hl_smpp_frame(huge, 16, &h), HL_SMPP_FRAME_BAD);
	assert_int_equal(h.length, 0xFFFFFFFFu);
	assert_int_equal(hl_smpp_frame(over, 16, &h), HL_SMPP_FRAME_BAD);
	assert_int_equal(h.length, HL_SMPP_PDU_MAX + 1);
	/* The largest we take: wait for the rest. */
	assert_int_equal(hl_smpp_frame(max, 16, &h), HL_SMPP_FRAME_MORE);
	assert_int_equal(h.length, HL_SMPP_PDU_MAX);
	assert_int_equal(h.id, HL_SMPP_SUBMIT_SM);
}

/* --- writers, checked byte for byte -------------------------------- */

/* bind_transceiver seq 1: system_id "helpline", password "secret",
 * system_type "", interface_version 0x34, addr_ton 1, addr_npi 1,
 * address_range "". */
static const unsigned char bind_trx_1[] = {
	0x00, 0x00, 0x00, 0x25, 0x00, 0x00, 0x00, 0x09,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	'h', 'e', 'l', 'p', 'l', 'i', 'n', 'e', 0x00,
	's', 'e', 'c', 'r', 'e', 't', 0x00,
	0x00,
	0x34, 0x01, 0x01,
	0x00,
};

/* Checks bind_transceiver against the vector, and libsmpp34 reads it. */
static void
test_write_bind(void **state)
{
	struct hl_smpp_bind	b = {
		.system_id = "helpline", .password = "secret",
		.system_type = "", .addr_ton = 1, .addr_npi = 1,
		.address_range = "",
	};
	unsigned char		buf[128];
	bind_transceiver_t	back;

	(void)state;
	assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
	    HL_SMPP_BIND_TRANSCEIVER, 1, &b), LEN(bind_trx_1));
	assert_memory_equal(buf, bind_trx_1, LEN(bind_trx_1));
	seed("bind-transceiver", bind_trx_1, LEN(bind_trx_1));
	memset(&back, 0, sizeof back);
	assert_int_equal(smpp34_unpack(BIND_TRANSCEIVER, &back, buf,
	    (int)LEN(bind_trx_1)), 0);
	assert_string_equal((char *)back.system_id, "helpline");
	assert_string_equal((char *)back.password, "secret");
	assert_int_equal(back.interface_version, 0x34);

	/* The other two binds differ in the id only. */
	assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
	    HL_SMPP_BIND_RECEIVER, 1, &b), LEN(bind_trx_1));
	assert_memory_equal(buf + 4, "\x00\x00\x00\x01", 4);
	assert_memory_equal(buf + 8, bind_trx_1 + 8, LEN(bind_trx_1) - 8);
	assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
	    HL_SMPP_BIND_TRANSMITTER, 1, &b), LEN(bind_trx_1));
	assert_memory_equal(buf + 4, "\x00\x00\x00\x02", 4);

	/* Exactly the room it takes, and one octet less. */
	assert_int_equal(hl_smpp_write_bind(buf, LEN(bind_trx_1),
	    HL_SMPP_BIND_TRANSCEIVER, 1, &b), LEN(bind_trx_1));
	assert_int_equal(hl_smpp_write_bind(buf, LEN(bind_trx_1) - 1,
	    HL_SMPP_BIND_TRANSCEIVER, 1, &b), -1);
}

/* Checks strings at and over their fields: libsmpp34 would truncate. */
static void
test_write_bind_limits(void **state)
{
	struct hl_smpp_bind	b = {
		.system_id = "123456789012345", .password = "12345678",
		.system_type = "123456789012",
		.address_range = "1234567890123456789012345678901234567890",
	};
	struct hl_smpp_bind	t;
	unsigned char		buf[256];

	(void)state;
	assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
	    HL_SMPP_BIND_TRANSCEIVER, 1, &b), 16 + 16 + 9 + 13 + 3 + 41);
	t = b;
	t.system_id = "1234567890123456";
	assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
	    HL_SMPP_BIND_TRANSCEIVER, 1, &t), -1);
	t = b;
	t.password = "123456789";
	assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
	    HL_SMPP_BIND_TRANSCEIVER, 1, &t), -1);
	t = b;
	t.system_type = "1234567890123";
	assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
	    HL_SMPP_BIND_TRANSCEIVER, 1, &t), -1);
	t = b;
	t.address_range = "12345678901234567890123456789012345678901";
	assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
	    HL_SMPP_BIND_TRANSCEIVER, 1, &t), -1);
	t = b;
	t.password = NULL;
	assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
	    HL_SMPP_BIND_TRANSCEIVER, 1, &t), -1);
	/* Not a bind. */
	assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
	    HL_SMPP_SUBMIT_SM, 1, &b), -1);
	/* libsmpp34 refuses a TON it does not know. */
	t = b;
	t.addr_ton = 7;
	assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
	    HL_SMPP_BIND_TRANSCEIVER, 1, &t), -1);
}

/* Checks sequence numbers: 1..0x7FFFFFFF only, for every writer. */
static void
test_write_seq(void **state)
{
	static const uint32_t	bad[] = { 0, 0x80000000u, 0xFFFFFFFFu };
	struct hl_smpp_bind	b = {
		.system_id = "a", .password = "", .system_type = "",
		.address_range = "",
	};
	struct hl_smpp_submit	s = {
		.service_type = "", .source_addr = "1", .dest_addr = "2",
	};
	unsigned char		buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(hl_smpp_write_bind(buf, sizeof buf,
		    HL_SMPP_BIND_TRANSCEIVER, bad[i], &b), -1);
		assert_int_equal(hl_smpp_write_submit(buf, sizeof buf,
		    bad[i], &s), -1);
		assert_int_equal(hl_smpp_write_mo_resp(buf, sizeof buf,
		    HL_SMPP_DELIVER_SM | HL_SMPP_RESP, bad[i], 0), -1);
		assert_int_equal(hl_smpp_write_header_only(buf, sizeof buf,
		    HL_SMPP_ENQUIRE_LINK, 0, bad[i]), -1);
	}
	assert_int_equal(hl_smpp_write_header_only(buf, sizeof buf,
	    HL_SMPP_ENQUIRE_LINK, 0, 0x7FFFFFFFu), 16);
	assert_memory_equal(buf + 12, "\x7f\xff\xff\xff", 4);
}

static const unsigned char generic_nack_9[] = {
	0x00, 0x00, 0x00, 0x10, 0x80, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x09,
};

/* Checks the header-only PDUs, and reads back the responses. */
static void
test_write_header_only(void **state)
{
	static const uint32_t	resps[] = {
		HL_SMPP_ENQUIRE_LINK | HL_SMPP_RESP,
		HL_SMPP_UNBIND | HL_SMPP_RESP,
	};
	unsigned char		buf[64];
	struct hl_smpp_header	h;

	(void)state;
	assert_int_equal(hl_smpp_write_header_only(buf, sizeof buf,
	    HL_SMPP_ENQUIRE_LINK, HL_SMPP_ESME_ROK, 7), 16);
	assert_memory_equal(buf, enquire_link_7, 16);
	assert_int_equal(hl_smpp_write_header_only(buf, 16,
	    HL_SMPP_ENQUIRE_LINK, HL_SMPP_ESME_ROK, 7), 16);
	assert_int_equal(hl_smpp_write_header_only(buf, 15,
	    HL_SMPP_ENQUIRE_LINK, HL_SMPP_ESME_ROK, 7), -1);

	assert_int_equal(hl_smpp_write_header_only(buf, sizeof buf,
	    HL_SMPP_GENERIC_NACK, HL_SMPP_ESME_RINVCMDID, 9), 16);
	assert_memory_equal(buf, generic_nack_9, 16);
	seed("generic-nack", generic_nack_9, 16);
	assert_int_equal(hl_smpp_read_resp(buf, 16, &h), 0);
	assert_int_equal(h.id, HL_SMPP_GENERIC_NACK);
	assert_int_equal(h.status, HL_SMPP_ESME_RINVCMDID);
	assert_int_equal(h.seq, 9);

	assert_int_equal(hl_smpp_write_header_only(buf, sizeof buf,
	    HL_SMPP_UNBIND, HL_SMPP_ESME_ROK, 2), 16);
	assert_memory_equal(buf, "\x00\x00\x00\x10\x00\x00\x00\x06"
	    "\x00\x00\x00\x00\x00\x00\x00\x02", 16);

	for (size_t i = 0; i < sizeof resps / sizeof resps[0]; i++) {
		assert_int_equal(hl_smpp_write_header_only(buf, sizeof buf,
		    resps[i], HL_SMPP_ESME_ROK, 42), 16);
		assert_int_equal(hl_smpp_read_resp(buf, 16, &h), 0);
		assert_int_equal(h.id, resps[i]);
		assert_int_equal(h.seq, 42);
		assert_int_equal(h.status, 0);
	}
	/* Not header-only PDUs. */
	assert_int_equal(hl_smpp_write_header_only(buf, sizeof buf,
	    HL_SMPP_SUBMIT_SM, 0, 1), -1);
	assert_int_equal(hl_smpp_write_header_only(buf, sizeof buf,
	    HL_SMPP_BIND_TRANSCEIVER | HL_SMPP_RESP, 0, 1), -1);
}

/* Checks deliver_sm_resp and data_sm_resp: empty message_id. */
static void
test_write_mo_resp(void **state)
{
	static const unsigned char	dresp[] = {
		0x00, 0x00, 0x00, 0x11, 0x80, 0x00, 0x00, 0x05,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00,
	};
	static const unsigned char	aresp[] = {
		0x00, 0x00, 0x00, 0x11, 0x80, 0x00, 0x01, 0x03,
		0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x06, 0x00,
	};
	unsigned char		buf[64];
	struct hl_smpp_header	h;

	(void)state;
	assert_int_equal(hl_smpp_write_mo_resp(buf, sizeof buf,
	    HL_SMPP_DELIVER_SM | HL_SMPP_RESP, 5, HL_SMPP_ESME_ROK),
	    LEN(dresp));
	assert_memory_equal(buf, dresp, LEN(dresp));
	seed("deliver-resp", dresp, LEN(dresp));
	assert_int_equal(hl_smpp_read_resp(buf, LEN(dresp), &h), 0);
	assert_int_equal(h.id, HL_SMPP_DELIVER_SM | HL_SMPP_RESP);
	assert_int_equal(h.seq, 5);

	assert_int_equal(hl_smpp_write_mo_resp(buf, sizeof buf,
	    HL_SMPP_DATA_SM | HL_SMPP_RESP, 6, HL_SMPP_ESME_RX_T_APPN),
	    LEN(aresp));
	assert_memory_equal(buf, aresp, LEN(aresp));
	seed("data-resp", aresp, LEN(aresp));
	assert_int_equal(hl_smpp_read_resp(buf, LEN(aresp), &h), 0);
	assert_int_equal(h.status, HL_SMPP_ESME_RX_T_APPN);

	assert_int_equal(hl_smpp_write_mo_resp(buf, sizeof buf,
	    HL_SMPP_DELIVER_SM, 5, 0), -1);
	assert_int_equal(hl_smpp_write_mo_resp(buf, sizeof buf,
	    HL_SMPP_SUBMIT_SM | HL_SMPP_RESP, 5, 0), -1);
	assert_int_equal(hl_smpp_write_mo_resp(buf, LEN(dresp) - 1,
	    HL_SMPP_DELIVER_SM | HL_SMPP_RESP, 5, 0), -1);
}

/* submit_sm seq 3: service_type "USSD", source 0/0 "123", destination
 * 1/1 "31612345678", short_message "Menu", then ussd_service_op 2 (USSR
 * request) and its_session_info 05 00. */
static const unsigned char submit_ussd_3[] = {
	0x00, 0x00, 0x00, 0x42, 0x00, 0x00, 0x00, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
	'U', 'S', 'S', 'D', 0x00,
	0x00, 0x00, '1', '2', '3', 0x00,
	0x01, 0x01, '3', '1', '6', '1', '2', '3', '4', '5', '6', '7', '8',
	0x00,
	0x00, 0x00, 0x00,	/* esm_class, protocol_id, priority_flag */
	0x00, 0x00,		/* schedule_delivery_time, validity_period */
	0x00, 0x00, 0x00, 0x00,	/* registered_delivery .. sm_default_msg_id */
	0x04, 'M', 'e', 'n', 'u',
	0x05, 0x01, 0x00, 0x01, 0x02,
	0x13, 0x83, 0x00, 0x02, 0x05, 0x00,
};

/* Unpacks a submit_sm we wrote with libsmpp34 itself. */
static void
unpack_submit(const unsigned char *buf, int len, submit_sm_t *p)
{
	memset(p, 0, sizeof *p);
	assert_int_equal(smpp34_unpack(SUBMIT_SM, p, buf, len), 0);
}

/* Checks a USSD submit_sm against the vector and reads its TLVs back. */
static void
test_write_submit_ussd(void **state)
{
	struct hl_smpp_submit	s = {
		.service_type = "USSD", .source_addr = "123",
		.dest_ton = 1, .dest_npi = 1, .dest_addr = "31612345678",
		.sm = (const unsigned char *)"Menu", .sm_len = 4,
		.has_ussd_op = true, .ussd_op = 2,
		.has_its = true, .its_session_info = 0x0500,
	};
	unsigned char		buf[512];
	submit_sm_t		p;
	tlv_t			*t;
	unsigned		n = 0;

	(void)state;
	assert_int_equal(hl_smpp_write_submit(buf, sizeof buf, 3, &s),
	    LEN(submit_ussd_3));
	assert_memory_equal(buf, submit_ussd_3, LEN(submit_ussd_3));
	seed("submit-ussd", submit_ussd_3, LEN(submit_ussd_3));
	unpack_submit(buf, (int)LEN(submit_ussd_3), &p);
	assert_string_equal((char *)p.service_type, "USSD");
	assert_string_equal((char *)p.destination_addr, "31612345678");
	assert_int_equal(p.sm_length, 4);
	assert_memory_equal(p.short_message, "Menu", 4);
	smpp34_tlv_for_each(t, p.tlv) {
		if (t->tag == TLVID_ussd_service_op) {
			assert_int_equal(t->length, 1);
			assert_int_equal(t->value.octet[0], 2);
			n++;
		} else if (t->tag == TLVID_its_session_info) {
			assert_int_equal(t->value.val16, 0x0500);
			n++;
		}
	}
	assert_int_equal(n, 2);
	destroy_tlv(p.tlv);

	/* Exactly the room, and one short. */
	assert_int_equal(hl_smpp_write_submit(buf, LEN(submit_ussd_3), 3, &s),
	    LEN(submit_ussd_3));
	assert_int_equal(hl_smpp_write_submit(buf, LEN(submit_ussd_3) - 1, 3,
	    &s), -1);
	s.ussd_op = 256;
	assert_int_equal(hl_smpp_write_submit(buf, sizeof buf, 3, &s), -1);
	s.ussd_op = 17;
	s.its_session_info = 0x10000;
	assert_int_equal(hl_smpp_write_submit(buf, sizeof buf, 3, &s), -1);
}

/* Checks a short_message with 0x00 ('@' in GSM-7) and one of 254 octets
 * (libsmpp34 packs at most 253: spliced). */
static void
test_write_submit_sm(void **state)
{
	static const unsigned char	at[] = { 'a', 0x00, 'b', 0x00 };
	unsigned char	big[254], buf[512];
	struct hl_smpp_submit	s = {
		.service_type = "", .source_addr = "1234",
		.dest_ton = 1, .dest_npi = 1, .dest_addr = "31612345678",
		.registered_delivery = 1, .sm = at, .sm_len = sizeof at,
	};
	submit_sm_t	p;
	int		n;

	(void)state;
	n = hl_smpp_write_submit(buf, sizeof buf, 1, &s);
	assert_int_equal(n, 16 + 1 + 2 + 5 + 2 + 12 + 3 + 2 + 4 + 1 + 4);
	assert_memory_equal(buf + n - 5, "\x04" "a\0b\0", 5);
	unpack_submit(buf, n, &p);
	assert_int_equal(p.sm_length, 4);
	assert_memory_equal(p.short_message, at, 4);
	assert_int_equal(p.registered_delivery, 1);
	assert_null(p.tlv);

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (unsigned char)(i * 7);
	s.sm = big;
	s.sm_len = 253;
	n = hl_smpp_write_submit(buf, sizeof buf, 1, &s);
	assert_int_equal(n, 16 + 1 + 2 + 5 + 2 + 12 + 3 + 2 + 4 + 1 + 253);
	unpack_submit(buf, n, &p);
	assert_int_equal(p.sm_length, 253);
	assert_memory_equal(p.short_message, big, 253);

	s.sm_len = 254;
	s.has_ussd_op = true;
	s.ussd_op = 17;
	n = hl_smpp_write_submit(buf, sizeof buf, 1, &s);
	assert_int_equal(n, 16 + 1 + 2 + 5 + 2 + 12 + 3 + 2 + 4 + 1 + 254 + 5);
	assert_memory_equal(buf, "\x00\x00\x01\x33", 4);
	assert_memory_equal(buf + n - 5, "\x05\x01\x00\x01\x11", 5);
	unpack_submit(buf, n, &p);
	assert_int_equal(p.sm_length, 254);
	assert_memory_equal(p.short_message, big, 254);
	assert_non_null(p.tlv);
	assert_int_equal(p.tlv->tag, TLVID_ussd_service_op);
	destroy_tlv(p.tlv);

	s.sm_len = 255;
	assert_int_equal(hl_smpp_write_submit(buf, sizeof buf, 1, &s), -1);
	s.sm_len = 1;
	s.sm = NULL;
	assert_int_equal(hl_smpp_write_submit(buf, sizeof buf, 1, &s), -1);
}

/* Checks address and service_type limits. */
static void
test_write_submit_limits(void **state)
{
	struct hl_smpp_submit	s = {
		.service_type = "CMT12", .source_addr = "12345678901234567890",
		.dest_addr = "12345678901234567890",
	};
	struct hl_smpp_submit	t;
	unsigned char		buf[512];

	(void)state;
	assert_int_equal(hl_smpp_write_submit(buf, sizeof buf, 1, &s),
	    16 + 6 + 2 + 21 + 2 + 21 + 3 + 2 + 4 + 1);
	t = s;
	t.service_type = "CMT123";
	assert_int_equal(hl_smpp_write_submit(buf, sizeof buf, 1, &t), -1);
	t = s;
	t.source_addr = "123456789012345678901";
	assert_int_equal(hl_smpp_write_submit(buf, sizeof buf, 1, &t), -1);
	t = s;
	t.dest_addr = "123456789012345678901";
	assert_int_equal(hl_smpp_write_submit(buf, sizeof buf, 1, &t), -1);
	t = s;
	t.dest_addr = NULL;
	assert_int_equal(hl_smpp_write_submit(buf, sizeof buf, 1, &t), -1);
	t = s;
	t.data_coding = 0x100;
	assert_int_equal(hl_smpp_write_submit(buf, sizeof buf, 1, &t), -1);
}

/* --- reading MOs --------------------------------------------------- */

/* GSM-7 "a@b": '@' is 0x00 inside short_message. */
static const unsigned char dsm_gsm7[] = {
	HDR(0x33, 0x05, 0x10), DSM_ADDRS, DSM_MID(0x00, 0x00),
	0x03, 'a', 0x00, 'b',
};

/* Checks a plain deliver_sm, '@' and all. */
static void
test_read_gsm7(void **state)
{
	struct hl_smpp_mo	mo;

	(void)state;
	assert_int_equal(read_mo("deliver-gsm7", dsm_gsm7, LEN(dsm_gsm7), &mo),
	    0);
	assert_int_equal(mo.seq, 0x10);
	assert_string_equal(mo.service_type, "");
	assert_string_equal(mo.source_addr, "31612345678");
	assert_int_equal(mo.source_ton, 1);
	assert_int_equal(mo.source_npi, 1);
	assert_string_equal(mo.dest_addr, "1234");
	assert_int_equal(mo.dest_ton, 0);
	assert_int_equal(mo.data_coding, 0);
	assert_int_equal(mo.ud_len, 3);
	assert_memory_equal(mo.ud, "a\0b", 3);
	assert_false(mo.has_sar);
	assert_false(mo.has_ussd_op);
	assert_false(mo.has_its);
	assert_false(mo.receipt);
	hl_smpp_mo_wipe(&mo);
	assert_wiped(&mo);
}

/* Checks UCS-2 "Zoë €" (data_coding 8). */
static void
test_read_ucs2(void **state)
{
	static const unsigned char	v[] = {
		HDR(0x3A, 0x05, 0x11), DSM_ADDRS, DSM_MID(0x00, 0x08),
		0x0A, 0x00, 0x5a, 0x00, 0x6f, 0x00, 0xeb, 0x00, 0x20,
		0x20, 0xac,
	};
	struct hl_smpp_mo	mo;

	(void)state;
	assert_int_equal(read_mo("deliver-ucs2", v, LEN(v), &mo), 0);
	assert_int_equal(mo.data_coding, 8);
	assert_int_equal(mo.ud_len, 10);
	assert_memory_equal(mo.ud, "\x00\x5a\x00\x6f\x00\xeb\x00\x20\x20\xac",
	    10);
	hl_smpp_mo_wipe(&mo);
}

/* Checks a UDH part (esm_class 0x40): the UDH stays in ud. */
static void
test_read_udh(void **state)
{
	static const unsigned char	v[] = {
		HDR(0x38, 0x05, 0x12), DSM_ADDRS, DSM_MID(0x40, 0x00),
		0x08, 0x05, 0x00, 0x03, 0x2a, 0x02, 0x01, 'h', 'i',
	};
	struct hl_smpp_mo	mo;

	(void)state;
	assert_int_equal(read_mo("deliver-udh", v, LEN(v), &mo), 0);
	assert_int_equal(mo.esm_class, 0x40);
	assert_int_equal(mo.ud_len, 8);
	assert_memory_equal(mo.ud, "\x05\x00\x03\x2a\x02\x01hi", 8);
	assert_false(mo.has_sar);
	assert_false(mo.receipt);
	hl_smpp_mo_wipe(&mo);
}

/* Checks the sar_* TLVs: all three, in part, and with a UDH. */
static void
test_read_sar(void **state)
{
	static const unsigned char	v[] = {
		HDR(0x42, 0x05, 0x13), DSM_ADDRS, DSM_MID(0x00, 0x00),
		0x02, 'h', 'i',
		0x02, 0x0c, 0x00, 0x02, 0x01, 0x2a,
		0x02, 0x0e, 0x00, 0x01, 0x03,
		0x02, 0x0f, 0x00, 0x01, 0x02,
	};
	static const unsigned char	part[] = {
		HDR(0x3D, 0x05, 0x14), DSM_ADDRS, DSM_MID(0x00, 0x00),
		0x02, 'h', 'i',
		0x02, 0x0c, 0x00, 0x02, 0x01, 0x2a,
		0x02, 0x0e, 0x00, 0x01, 0x03,
	};
	static const unsigned char	udh[] = {
		HDR(0x48, 0x05, 0x15), DSM_ADDRS, DSM_MID(0x40, 0x00),
		0x08, 0x05, 0x00, 0x03, 0x2a, 0x02, 0x01, 'h', 'i',
		0x02, 0x0c, 0x00, 0x02, 0x01, 0x2a,
		0x02, 0x0e, 0x00, 0x01, 0x03,
		0x02, 0x0f, 0x00, 0x01, 0x02,
	};
	/* sar_total_segments with length 2: libsmpp34 would read one
	 * octet and take the next for a tag. */
	static const unsigned char	wide[] = {
		HDR(0x43, 0x05, 0x16), DSM_ADDRS, DSM_MID(0x00, 0x00),
		0x02, 'h', 'i',
		0x02, 0x0c, 0x00, 0x02, 0x01, 0x2a,
		0x02, 0x0e, 0x00, 0x02, 0x00, 0x03,
		0x02, 0x0f, 0x00, 0x01, 0x02,
	};
	struct hl_smpp_mo	mo;

	(void)state;
	assert_int_equal(read_mo("deliver-sar", v, LEN(v), &mo), 0);
	assert_true(mo.has_sar);
	assert_int_equal(mo.sar_ref, 0x012a);
	assert_int_equal(mo.sar_total, 3);
	assert_int_equal(mo.sar_seq, 2);
	assert_int_equal(mo.ud_len, 2);
	assert_memory_equal(mo.ud, "hi", 2);
	hl_smpp_mo_wipe(&mo);

	assert_int_equal(read_mo("deliver-sar-part", part, LEN(part), &mo),
	    -1);
	assert_wiped(&mo);
	assert_int_equal(read_mo("deliver-sar-udh", udh, LEN(udh), &mo), -1);
	assert_wiped(&mo);
	assert_int_equal(read_mo("deliver-sar-wide", wide, LEN(wide), &mo),
	    -1);
	assert_wiped(&mo);
}

/* Checks message_payload with sm_length 0, and with a short_message. */
static void
test_read_payload(void **state)
{
	static const unsigned char	v[] = {
		HDR(0x39, 0x05, 0x17), DSM_ADDRS, DSM_MID(0x00, 0x00),
		0x00,
		0x04, 0x24, 0x00, 0x05, 'h', 0x00, 'l', 'l', 'o',
	};
	static const unsigned char	both[] = {
		HDR(0x3B, 0x05, 0x18), DSM_ADDRS, DSM_MID(0x00, 0x00),
		0x02, 'h', 'i',
		0x04, 0x24, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o',
	};
	static const unsigned char	twice[] = {
		HDR(0x42, 0x05, 0x19), DSM_ADDRS, DSM_MID(0x00, 0x00),
		0x00,
		0x04, 0x24, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o',
		0x04, 0x24, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o',
	};
	/* A value running past the PDU: libsmpp34 would leak the TLV it
	 * was reading (ASan's leak check watches this one). */
	static const unsigned char	overrun[] = {
		HDR(0x39, 0x05, 0x1a), DSM_ADDRS, DSM_MID(0x00, 0x00),
		0x00,
		0x04, 0x24, 0x00, 0x0a, 'h', 'e', 'l', 'l', 'o',
	};
	struct hl_smpp_mo	mo;

	(void)state;
	assert_int_equal(read_mo("deliver-payload", v, LEN(v), &mo), 0);
	assert_int_equal(mo.ud_len, 5);
	assert_memory_equal(mo.ud, "h\0llo", 5);
	hl_smpp_mo_wipe(&mo);
	assert_int_equal(read_mo("deliver-payload-and-sm", both, LEN(both),
	    &mo), -1);
	assert_wiped(&mo);
	assert_int_equal(read_mo("deliver-payload-twice", twice, LEN(twice),
	    &mo), -1);
	assert_int_equal(read_mo("deliver-payload-overrun", overrun,
	    LEN(overrun), &mo), -1);
	assert_wiped(&mo);
}

/* USSD: service_type "USSD", source 1/1 "31612345678", destination 0/0
 * "*123#", short_message "*123#", ussd_service_op 1 (PSSR indication),
 * its_session_info 05 00. */
static const unsigned char dsm_ussd[] = {
	HDR(0x45, 0x05, 0x20),
	'U', 'S', 'S', 'D', 0x00,
	0x01, 0x01, '3', '1', '6', '1', '2', '3', '4', '5', '6', '7', '8',
	0x00,
	0x00, 0x00, '*', '1', '2', '3', '#', 0x00,
	DSM_MID(0x00, 0x00),
	0x05, '*', '1', '2', '3', '#',
	0x05, 0x01, 0x00, 0x01, 0x01,
	0x13, 0x83, 0x00, 0x02, 0x05, 0x00,
};

/* Checks a USSD deliver_sm's TLVs, and ussd_service_op's width. */
static void
test_read_ussd(void **state)
{
	unsigned char		wide[LEN(dsm_ussd) + 1];
	struct hl_smpp_mo	mo;

	(void)state;
	assert_int_equal(read_mo("deliver-ussd", dsm_ussd, LEN(dsm_ussd), &mo),
	    0);
	assert_string_equal(mo.service_type, "USSD");
	assert_string_equal(mo.dest_addr, "*123#");
	assert_int_equal(mo.ud_len, 5);
	assert_memory_equal(mo.ud, "*123#", 5);
	assert_true(mo.has_ussd_op);
	assert_int_equal(mo.ussd_op, 1);
	assert_true(mo.has_its);
	assert_int_equal(mo.its_session_info, 0x0500);
	assert_int_equal(mo.its_session_info >> 8, 5);
	assert_false(mo.receipt);
	hl_smpp_mo_wipe(&mo);

	/* ussd_service_op of two octets: not one we read. */
	memcpy(wide, dsm_ussd, LEN(dsm_ussd) - 11);
	memcpy(wide + LEN(dsm_ussd) - 11, "\x05\x01\x00\x02\x01\x00", 6);
	memcpy(wide + LEN(dsm_ussd) - 5, dsm_ussd + LEN(dsm_ussd) - 6, 6);
	wide[3] = (unsigned char)LEN(wide);
	seed("deliver-ussd-op-wide", wide, LEN(wide));
	assert_int_equal(hl_smpp_read_mo(wide, LEN(wide), &mo), -1);
}

/* Checks delivery receipts: by esm_class, and by receipted_message_id. */
static void
test_read_receipt(void **state)
{
	static const unsigned char	esm[] = {
		HDR(0x41, 0x05, 0x21), DSM_ADDRS, DSM_MID(0x04, 0x00),
		0x11, 'i', 'd', ':', '1', ' ', 's', 't', 'a', 't', ':',
		'D', 'E', 'L', 'I', 'V', 'R', 'D',
	};
	static const unsigned char	tlv[] = {
		HDR(0x3B, 0x05, 0x22), DSM_ADDRS, DSM_MID(0x00, 0x00),
		0x00,
		0x00, 0x1e, 0x00, 0x02, '1', 0x00,
		0x04, 0x27, 0x00, 0x01, 0x02,
	};
	unsigned char		ack[LEN(esm)];
	struct hl_smpp_mo	mo;

	(void)state;
	assert_int_equal(read_mo("deliver-receipt", esm, LEN(esm), &mo), 0);
	assert_true(mo.receipt);
	assert_int_equal(mo.esm_class, 0x04);
	hl_smpp_mo_wipe(&mo);
	assert_int_equal(read_mo("deliver-receipt-tlv", tlv, LEN(tlv), &mo),
	    0);
	assert_true(mo.receipt);
	assert_int_equal(mo.ud_len, 0);
	hl_smpp_mo_wipe(&mo);
	/* SME delivery acknowledgement (0x08), user acknowledgement (0x10)
	 * and intermediate notification (0x20) are not MO either; the
	 * default type with UDHI (0x40) is. */
	memcpy(ack, esm, sizeof ack);
	for (unsigned i = 0; i < 3; i++) {
		ack[16 + 22] = (unsigned char)(0x08 << i);
		assert_int_equal(hl_smpp_read_mo(ack, sizeof ack, &mo), 0);
		assert_true(mo.receipt);
		hl_smpp_mo_wipe(&mo);
	}
	ack[16 + 22] = 0x40;
	assert_int_equal(hl_smpp_read_mo(ack, sizeof ack, &mo), 0);
	assert_false(mo.receipt);
	hl_smpp_mo_wipe(&mo);
}

/* data_sm: the text in message_payload, ussd_service_op 18. */
static const unsigned char data_sm_v[] = {
	HDR(0x37, 0x103, 0x23), DSM_ADDRS,
	0x00, 0x00, 0x00,	/* esm_class, registered_delivery, data_coding */
	0x04, 0x24, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o',
	0x05, 0x01, 0x00, 0x01, 0x12,
};

/* Checks data_sm, and a destination data_sm allows but we do not. */
static void
test_read_data_sm(void **state)
{
	static const unsigned char	long_dest[] = {
		HDR(0x3A, 0x103, 0x24),
		0x00, 0x01, 0x01, '3', '1', '6', '1', '2', '3', '4', '5',
		'6', '7', '8', 0x00,
		0x00, 0x00, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0',
		'1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '1', 0x00,
		0x00, 0x00, 0x00,
	};
	struct hl_smpp_mo	mo;

	(void)state;
	assert_int_equal(read_mo("data-sm", data_sm_v, LEN(data_sm_v), &mo),
	    0);
	assert_int_equal(mo.seq, 0x23);
	assert_string_equal(mo.source_addr, "31612345678");
	assert_string_equal(mo.dest_addr, "1234");
	assert_int_equal(mo.ud_len, 5);
	assert_memory_equal(mo.ud, "hello", 5);
	assert_true(mo.has_ussd_op);
	assert_int_equal(mo.ussd_op, 18);
	hl_smpp_mo_wipe(&mo);
	assert_int_equal(read_mo("data-sm-long-dest", long_dest,
	    LEN(long_dest), &mo), -1);
	assert_wiped(&mo);
}

/* Checks PDUs cut short, and the header's length against len. */
static void
test_read_truncated(void **state)
{
	unsigned char		v[LEN(dsm_gsm7)];
	struct hl_smpp_mo	mo;

	(void)state;
	/* Cut inside the fixed fields, and inside short_message, each with
	 * command_length saying so. */
	memcpy(v, dsm_gsm7, sizeof v);
	v[3] = 44;
	seed("deliver-cut-fields", v, 44);
	assert_int_equal(hl_smpp_read_mo(v, 44, &mo), -1);
	v[3] = 49;
	seed("deliver-cut-sm", v, 49);
	assert_int_equal(hl_smpp_read_mo(v, 49, &mo), -1);
	assert_wiped(&mo);
	/* The header says 51 and 40 are given, or the other way. */
	assert_int_equal(hl_smpp_read_mo(dsm_gsm7, 40, &mo), -1);
	v[3] = 40;
	assert_int_equal(hl_smpp_read_mo(v, sizeof v, &mo), -1);
	/* Header only. */
	v[3] = 16;
	assert_int_equal(hl_smpp_read_mo(v, 16, &mo), -1);
	assert_int_equal(hl_smpp_read_mo(v, 0, &mo), -1);
}

/* Checks strings: one without its NUL at the end of the PDU, and one
 * longer than its field. */
static void
test_read_strings(void **state)
{
	static const unsigned char	no_nul[] = {
		HDR(0x1E, 0x05, 0x25),
		0x00, 0x01, 0x01, '3', '1', '6', '1', '2', '3', '4', '5',
		'6', '7', '8',
	};
	static const unsigned char	long_src[] = {
		HDR(0x3A, 0x05, 0x26),
		0x00, 0x01, 0x01, '1', '2', '3', '4', '5', '6', '7', '8',
		'9', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '0',
		'1', 0x00,
		0x00, 0x00, '1', '2', '3', '4', 0x00,
		DSM_MID(0x00, 0x00), 0x00,
	};
	static const unsigned char	long_st[] = {
		HDR(0x36, 0x05, 0x27),
		'C', 'M', 'T', '1', '2', '3', 0x00,
		0x01, 0x01, '3', '1', '6', '1', '2', '3', '4', '5', '6', '7',
		'8', 0x00, 0x00, 0x00, '1', '2', '3', '4', 0x00,
		DSM_MID(0x00, 0x00), 0x00,
	};
	struct hl_smpp_mo	mo;

	(void)state;
	assert_int_equal(read_mo("deliver-no-nul", no_nul, LEN(no_nul), &mo),
	    -1);
	assert_int_equal(read_mo("deliver-long-source", long_src,
	    LEN(long_src), &mo), -1);
	assert_int_equal(read_mo("deliver-long-service-type", long_st,
	    LEN(long_st), &mo), -1);
	assert_wiped(&mo);
}

/* Checks ids: a reader refuses a PDU that is not its kind. */
static void
test_read_wrong_id(void **state)
{
	unsigned char		v[LEN(dsm_gsm7)];
	struct hl_smpp_mo	mo;
	struct hl_smpp_header	h;

	(void)state;
	memcpy(v, dsm_gsm7, sizeof v);
	v[7] = 0x04;	/* the same body as a submit_sm */
	assert_int_equal(hl_smpp_read_mo(v, sizeof v, &mo), -1);
	v[7] = 0x05;
	v[4] = 0x80;	/* deliver_sm_resp */
	assert_int_equal(hl_smpp_read_mo(v, sizeof v, &mo), -1);
	assert_int_equal(hl_smpp_read_resp(dsm_gsm7, LEN(dsm_gsm7), &h), -1);
	assert_int_equal(hl_smpp_read_resp(submit_ussd_3, LEN(submit_ussd_3),
	    &h), -1);
	assert_int_equal(hl_smpp_read_mo(enquire_link_7, 16, &mo), -1);
	assert_int_equal(hl_smpp_read_resp(enquire_link_7, 16, &h), -1);
	/* Sequence number 0 (drive_smpp's first deliver_sm). */
	memcpy(v, dsm_gsm7, sizeof v);
	v[15] = 0;
	assert_int_equal(hl_smpp_read_mo(v, sizeof v, &mo), -1);
}

/* --- reading responses --------------------------------------------- */

/* Checks submit_sm_resp and bind_transceiver_resp, with and without a
 * body, with statuses libsmpp34 knows and does not. */
static void
test_read_resp(void **state)
{
	static const unsigned char	submit_ok[] = {
		HDR(0x14, 0x80000004u, 0x30), 'a', 'b', 'c', 0x00,
	};
	static const unsigned char	throttled[] = {
		0x00, 0x00, 0x00, 0x10, 0x80, 0x00, 0x00, 0x04,
		0x00, 0x00, 0x00, 0x58, 0x00, 0x00, 0x00, 0x31,
	};
	static const unsigned char	vendor[] = {
		0x00, 0x00, 0x00, 0x11, 0x80, 0x00, 0x00, 0x04,
		0x00, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x32, 0x00,
	};
	static const unsigned char	bind_ok[] = {
		HDR(0x1A, 0x80000009u, 0x01), 'S', 'M', 'S', 'C', 0x00,
		0x02, 0x10, 0x00, 0x01, 0x34,
	};
	static const unsigned char	bind_bad_pw[] = {
		0x00, 0x00, 0x00, 0x10, 0x80, 0x00, 0x00, 0x09,
		0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x01,
	};
	/* A TLV running past the end: libsmpp34 would leak it. */
	static const unsigned char	bind_overrun[] = {
		HDR(0x1A, 0x80000002u, 0x01), 'S', 'M', 'S', 'C', 0x00,
		0x14, 0x00, 0x00, 0x05, 0x34,
	};
	static const unsigned char	submit_no_nul[] = {
		HDR(0x13, 0x80000004u, 0x33), 'a', 'b', 'c',
	};
	struct hl_smpp_header		h;

	(void)state;
	seed("submit-resp", submit_ok, LEN(submit_ok));
	assert_int_equal(hl_smpp_read_resp(submit_ok, LEN(submit_ok), &h), 0);
	assert_int_equal(h.id, HL_SMPP_SUBMIT_SM | HL_SMPP_RESP);
	assert_int_equal(h.status, 0);
	assert_int_equal(h.seq, 0x30);
	seed("submit-resp-throttled", throttled, LEN(throttled));
	assert_int_equal(hl_smpp_read_resp(throttled, LEN(throttled), &h), 0);
	assert_int_equal(h.status, HL_SMPP_ESME_RTHROTTLED);
	assert_int_equal(h.seq, 0x31);
	seed("submit-resp-vendor", vendor, LEN(vendor));
	assert_int_equal(hl_smpp_read_resp(vendor, LEN(vendor), &h), 0);
	assert_int_equal(h.status, 0x401);
	seed("bind-resp", bind_ok, LEN(bind_ok));
	assert_int_equal(hl_smpp_read_resp(bind_ok, LEN(bind_ok), &h), 0);
	assert_int_equal(h.id, HL_SMPP_BIND_TRANSCEIVER | HL_SMPP_RESP);
	seed("bind-resp-badpw", bind_bad_pw, LEN(bind_bad_pw));
	assert_int_equal(hl_smpp_read_resp(bind_bad_pw, LEN(bind_bad_pw), &h),
	    0);
	assert_int_equal(h.status, HL_SMPP_ESME_RINVPASWD);
	seed("bind-resp-overrun", bind_overrun, LEN(bind_overrun));
	assert_int_equal(hl_smpp_read_resp(bind_overrun, LEN(bind_overrun),
	    &h), -1);
	assert_int_equal(h.seq, 1);	/* the header, for generic_nack */
	seed("submit-resp-no-nul", submit_no_nul, LEN(submit_no_nul));
	assert_int_equal(hl_smpp_read_resp(submit_no_nul, LEN(submit_no_nul),
	    &h), -1);
	/* A body where none belongs. */
	assert_int_equal(hl_smpp_read_resp(submit_ok, 16, &h), -1);
}

/* --- names --------------------------------------------------------- */

/* Checks command and status names for log lines. */
static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(hl_smpp_command_name(HL_SMPP_DELIVER_SM),
	    "deliver_sm");
	assert_string_equal(hl_smpp_command_name(0x80000004u),
	    "submit_sm_resp");
	assert_string_equal(hl_smpp_command_name(HL_SMPP_GENERIC_NACK),
	    "generic_nack");
	assert_string_equal(hl_smpp_command_name(HL_SMPP_DATA_SM | HL_SMPP_RESP),
	    "data_sm_resp");
	assert_string_equal(hl_smpp_command_name(0x12345), "unknown");
	assert_string_equal(hl_smpp_status_name(HL_SMPP_ESME_RTHROTTLED),
	    "ESME_RTHROTTLED");
	assert_string_equal(hl_smpp_status_name(0), "ESME_ROK");
	assert_string_equal(hl_smpp_status_name(HL_SMPP_ESME_RX_T_APPN),
	    "ESME_RX_T_APPN");
	assert_null(hl_smpp_status_name(0x09));
	assert_null(hl_smpp_status_name(0x401));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_frame_short),
		cmocka_unit_test(test_frame_exact),
		cmocka_unit_test(test_frame_bad),
		cmocka_unit_test(test_write_bind),
		cmocka_unit_test(test_write_bind_limits),
		cmocka_unit_test(test_write_seq),
		cmocka_unit_test(test_write_header_only),
		cmocka_unit_test(test_write_mo_resp),
		cmocka_unit_test(test_write_submit_ussd),
		cmocka_unit_test(test_write_submit_sm),
		cmocka_unit_test(test_write_submit_limits),
		cmocka_unit_test(test_read_gsm7),
		cmocka_unit_test(test_read_ucs2),
		cmocka_unit_test(test_read_udh),
		cmocka_unit_test(test_read_sar),
		cmocka_unit_test(test_read_payload),
		cmocka_unit_test(test_read_ussd),
		cmocka_unit_test(test_read_receipt),
		cmocka_unit_test(test_read_data_sm),
		cmocka_unit_test(test_read_truncated),
		cmocka_unit_test(test_read_strings),
		cmocka_unit_test(test_read_wrong_id),
		cmocka_unit_test(test_read_resp),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
