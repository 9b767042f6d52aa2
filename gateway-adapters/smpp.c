/*
 * smpp.c - SMPP 3.4: helplined binds to an operator's SMSC as an ESME and
 * takes MO SMS and USSD from it, answering with submit_sm.
 *
 *   SMSC --deliver_sm--> helplined   (answered at once: deliver_sm_resp)
 *   SMSC <--submit_sm--- helplined   (one per reply part, in a window)
 *
 * Links: one bind_transceiver (default), or with `bind = pair` a
 * bind_receiver for MO and a bind_transmitter for replies, for SMSCs that
 * want two connections (smpp_link.c keeps each alive and reconnects).
 *
 * MO: data_coding 0/1/3/8 decoded to UTF-8 (smpp_codec.c); a text we
 * cannot read goes on as empty, which the engine answers as an unknown
 * choice.  Concatenated MO (UDH IEI 0x00/0x08, sar_* TLVs) is put back
 * together first (smpp_reasm.c; bounded, timed out); message_payload is
 * read like a short_message.  Delivery receipts are acknowledged and
 * counted, never taken for a message.
 *
 * Replies: GSM-7 when every character allows it, else UCS-2; a screen
 * the engine fitted into [screens] sms_segments parts goes out as that
 * many concatenated parts at most.  At most `window` submit_sm wait for
 * their response, matched by sequence number; ESME_RTHROTTLED and
 * ESME_RMSGQFUL pause sending for `throttle_ms` and send the part again;
 * other refusals are counted and logged (status only).  `rate` caps
 * submit_sm per second for the operator's contract.  A response that
 * does not come within `response_timeout_ms` drops the link (as Kannel's
 * wait-ack-expire does by default): what was outstanding is sent again
 * after the reconnect, so a reply is sent at least once, never silently
 * lost; the SMSC may see a part twice.
 *
 * USSD: an MO whose service_type is `ussd_service_type` or that carries
 * ussd_service_op (0x0501) is USSD.  ussd_op_begin (1, PSSR indication)
 * starts a dialogue (the dialled string is not a menu choice: the main
 * menu, or the offer to resume), ussd_op_continue (18, USSR
 * confirmation) carries the user's answer; a menu is sent as
 * ussd_op_menu (2, USSR request), the final screen as ussd_op_final (17,
 * PSSR response).  its_session_info (0x1383) is echoed, with the
 * end-of-session bit set on the final screen; its session number keys
 * the dialogue.  ussd_op_abort (none unless set) ends a dialogue without
 * a reply.  Operators differ: every code is a setting.
 *
 * SIGTERM: MO is refused with ESME_RX_T_APPN (the SMSC keeps it and
 * retries later), outstanding submit_sm are waited for (bounded by
 * [daemon] shutdown_grace_ms), then unbind.  What could not be sent is
 * counted and logged, without numbers.
 *
 * Rate limit: a message from a sender over [ratelimit] is acknowledged
 * (deliver_sm_resp ROK, so the SMSC does not retry it) and not answered:
 * no submit_sm.  Refusals (malformed PDUs, MO refused while stopping) and
 * reply parts that never reach the SMSC are counted (figures.h); the link
 * is up for /healthz and /metrics when every link is bound.
 *
 * Privacy: the number is held in memory only while its reply is queued
 * or its parts are being put back together, and wiped after; no log line
 * carries a number, text or message id (DESIGN.md section 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/event.h>

#include "helpline/adapter.h"
#include "helpline/config.h"
#include "helpline/core.h"
#include "helpline/figures.h"
#include "helpline/log.h"
#include "helpline/smpp_codec.h"
#include "helpline/smpp_link.h"
#include "helpline/smpp_pdu.h"
#include "helpline/smpp_reasm.h"
#include "helpline/smpp_window.h"

#define SMPP_OP_NONE 256	/* an operation code that is not set */

/* One reply part waiting to be sent or for its submit_sm_resp.  Holds the
 * number it goes to: wiped when freed. */
struct smpp_out {
	TAILQ_ENTRY(smpp_out) entry;
	uint64_t ord;			/* enqueue order: a part sent again
					 * goes back to its place */
	struct hl_smpp_submit sm;	/* its strings point into this */
	char dest[21];
	char source[21];
	char service_type[6];
	unsigned char data[HL_SMPP_SM_MAX];
};
TAILQ_HEAD(smpp_queue, smpp_out);

struct smpp_counts {
	unsigned long mo;		/* messages handed to the core */
	unsigned long parts_in;		/* concatenated parts received */
	unsigned long receipts;
	unsigned long refused_mo;	/* while stopping: RX_T_APPN */
	unsigned long malformed;	/* generic_nack'd */
	unsigned long sent;		/* parts the SMSC accepted */
	unsigned long throttled;
	unsigned long failed;		/* parts the SMSC refused */
	unsigned long resent;		/* parts sent again after a loss */
	unsigned long dropped;		/* queue full: never sent */
};

struct smpp_adapter {
	struct event_base *base;
	struct hl_core *core;
	struct hl_metrics *metrics;
	const char *section;
	const char *name;		/* NAME of [adapter.NAME] */
	char trx_name[80], rx_name[80];
	/* Settings. */
	const char *host;
	unsigned port;
	bool pair;
	struct hl_smpp_bind bind;
	const char *source_addr;	/* replies from, or NULL: the MO's
					 * destination */
	unsigned source_ton, source_npi;
	unsigned window_size, rate, rate_burst, throttle_ms;
	unsigned response_timeout_ms, queue_max;
	unsigned registered_delivery;
	const char *ussd_service_type;
	unsigned op_begin, op_continue, op_menu, op_final, op_abort;
	/* State. */
	struct hl_smpp_link *tx;	/* transceiver, or the transmitter */
	struct hl_smpp_link *rx;	/* the receiver (pair), else NULL */
	struct hl_smpp_window *window;
	struct hl_smpp_rate bucket;
	struct hl_smpp_reasm *reasm;
	struct smpp_queue queue;
	size_t queued;
	int64_t paused_until_ms;	/* throttled: no submit before */
	struct event *pump_ev;		/* rate/throttle wait */
	struct event *tick_ev;		/* response and reassembly deadlines */
	unsigned ref;			/* concatenation reference */
	uint64_t next_ord;
	unsigned grace_ms;		/* [daemon] shutdown_grace_ms */
	struct event *drain_ev;		/* SIGTERM: unbind by this time */
	bool stopping;
	struct smpp_counts n;
};

/* Milliseconds on the monotonic clock. */
static int64_t
smpp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
smpp_out_free(struct smpp_out *o)
{
	if (o == NULL)
		return;
	explicit_bzero(o, sizeof *o);
	free(o);
}

/* --- sending ------------------------------------------------------------ */

static void smpp_pump(struct smpp_adapter *);

/* Unbinds once stopping and nothing is left to send. */
static void
smpp_maybe_finish(struct smpp_adapter *sa)
{
	if (!sa->stopping || sa->queued > 0 ||
	    hl_smpp_window_count(sa->window) > 0)
		return;
	hl_smpp_link_unbind(sa->tx);
	if (sa->rx != NULL)
		hl_smpp_link_unbind(sa->rx);
}

/* Arms the pump to run again in ms. */
static void
smpp_pump_later(struct smpp_adapter *sa, int64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) *
	    1000 };

	if (!evtimer_pending(sa->pump_ev, NULL))
		evtimer_add(sa->pump_ev, &tv);
}

/* Sends the queue's head if the window, the rate and the SMSC allow. */
static void
smpp_pump(struct smpp_adapter *sa)
{
	unsigned char pdu[HL_SMPP_PDU_MAX];
	struct smpp_out *o;
	int64_t now;
	uint32_t seq;
	bool rc;
	int n;

	while ((o = TAILQ_FIRST(&sa->queue)) != NULL) {
		if (!hl_smpp_link_is_bound(sa->tx) ||
		    hl_smpp_window_full(sa->window))
			return;
		now = smpp_now_ms();
		if (now < sa->paused_until_ms) {
			smpp_pump_later(sa, sa->paused_until_ms - now);
			return;
		}
		if (!hl_smpp_rate_take(&sa->bucket, now)) {
			smpp_pump_later(sa, hl_smpp_rate_wait_ms(&sa->bucket,
			    now) + 1);
			return;
		}
		seq = hl_smpp_link_next_seq(sa->tx);
		n = hl_smpp_write_submit(pdu, sizeof pdu, seq, &o->sm);
		TAILQ_REMOVE(&sa->queue, o, entry);
		sa->queued--;
		if (n < 0) {
			hl_log_err("smpp [%s]: a reply part could not be "
			    "written as a submit_sm; not sent", sa->section);
			hl_figures_drop(sa->metrics, sa->name, HL_DROP_FAILED,
			    1);
			sa->n.failed++;
			smpp_out_free(o);
			continue;
		}
		rc = hl_smpp_window_put(sa->window, seq, now, o) == -1 ||
		    hl_smpp_link_send(sa->tx, pdu, (size_t)n) == -1;
		explicit_bzero(pdu, (size_t)n);	/* number and text */
		if (rc) {
			/* Cannot happen (checked above); keep the part. */
			bool found;

			hl_smpp_window_take(sa->window, seq, &found);
			TAILQ_INSERT_HEAD(&sa->queue, o, entry);
			sa->queued++;
			return;
		}
	}
	smpp_maybe_finish(sa);
}

static void
smpp_pump_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	smpp_pump(arg);
}

/* Puts a part back in the queue (to be sent again) at its place by
 * enqueue order, so parts throttled or lost together keep their order.
 * What is sent again is older than most of the queue: the scan is short. */
static void
smpp_requeue(struct smpp_adapter *sa, struct smpp_out *o)
{
	struct smpp_out *at;

	TAILQ_FOREACH(at, &sa->queue, entry) {
		if (at->ord > o->ord)
			break;
	}
	if (at != NULL)
		TAILQ_INSERT_BEFORE(at, o, entry);
	else
		TAILQ_INSERT_TAIL(&sa->queue, o, entry);
	sa->queued++;
}

/* Appends a part (the caller checked there is room). */
static void
smpp_enqueue(struct smpp_adapter *sa, struct smpp_out *o)
{
	o->ord = sa->next_ord++;
	TAILQ_INSERT_TAIL(&sa->queue, o, entry);
	sa->queued++;
}

/* Is there room for a whole reply of n parts?  A reply is queued whole or
 * not at all: the handset cannot join a reply missing a part. */
static bool
smpp_has_room(struct smpp_adapter *sa, size_t n)
{
	if (sa->queued + n <= sa->queue_max)
		return true;
	hl_figures_drop(sa->metrics, sa->name, HL_DROP_QUEUE_FULL, n);
	if (sa->n.dropped++ % 100 == 0)
		hl_log_warn("smpp [%s]: %u reply parts wait for the SMSC; "
		    "dropping a reply (%lu so far)", sa->section,
		    sa->queue_max, sa->n.dropped);
	return false;
}

/* A submit_sm was answered (or nacked). */
static void
smpp_submit_answered(struct smpp_adapter *sa, uint32_t seq, uint32_t status)
{
	struct smpp_out *o;
	const char *name;
	bool found;

	o = hl_smpp_window_take(sa->window, seq, &found);
	if (!found) {
		hl_log_debug("smpp [%s]: a response for no request of ours",
		    sa->section);
		return;
	}
	if (status == HL_SMPP_ESME_ROK) {
		sa->n.sent++;
		smpp_out_free(o);
	} else if (status == HL_SMPP_ESME_RTHROTTLED ||
	    status == HL_SMPP_ESME_RMSGQFUL) {
		if (sa->n.throttled++ % 100 == 0)
			hl_log_warn("smpp [%s]: the SMSC asks us to slow "
			    "down (%s); pausing %u ms", sa->section,
			    hl_smpp_status_name(status), sa->throttle_ms);
		sa->paused_until_ms = smpp_now_ms() + sa->throttle_ms;
		smpp_requeue(sa, o);
	} else {
		name = hl_smpp_status_name(status);
		hl_figures_drop(sa->metrics, sa->name, HL_DROP_REFUSED, 1);
		sa->n.failed++;
		hl_log_warn("smpp [%s]: the SMSC refused a reply part: %s "
		    "(0x%08x); not sent (%lu so far)", sa->section,
		    name != NULL ? name : "unknown status", status,
		    sa->n.failed);
		smpp_out_free(o);
	}
	smpp_pump(sa);
}

/* The transmitting link went: what waited for a response goes again
 * first, in the order it was sent (take_any hands back the oldest first). */
static void
smpp_requeue_window(struct smpp_adapter *sa)
{
	void *data;
	uint32_t seq;

	while (hl_smpp_window_take_any(sa->window, &seq, &data)) {
		sa->n.resent++;
		smpp_requeue(sa, data);
	}
}

/* Response deadlines and reassembly timeouts. */
static void
smpp_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smpp_adapter *sa = arg;
	int64_t now = smpp_now_ms();
	size_t dropped;

	(void)fd;
	(void)what;
	if (hl_smpp_window_next_timeout(sa->window, now,
	    sa->response_timeout_ms) == 0) {
		hl_log_warn("smpp [%s]: no submit_sm_resp within %u ms",
		    sa->section, sa->response_timeout_ms);
		/* down() puts the window back in the queue. */
		hl_smpp_link_reset(sa->tx, "submit_sm not answered");
	}
	dropped = hl_smpp_reasm_expire(sa->reasm, now);
	if (dropped > 0)
		hl_log_warn("smpp [%s]: %zu concatenated messages were "
		    "incomplete in time and dropped", sa->section, dropped);
}

/* --- replies ------------------------------------------------------------ */

/* What a reply needs from the MO it answers. */
struct smpp_mo_ctx {
	struct smpp_adapter *sa;
	const struct hl_smpp_mo *mo;
	bool ussd;
};

/* Makes one queued part of a reply. */
static struct smpp_out *
smpp_out_new(const struct smpp_mo_ctx *c, const struct hl_smpp_parts *parts,
    size_t i)
{
	const struct smpp_adapter *sa = c->sa;
	struct smpp_out *o = calloc(1, sizeof *o);

	if (o == NULL)
		return NULL;
	snprintf(o->dest, sizeof o->dest, "%s", c->mo->source_addr);
	if (sa->source_addr != NULL) {
		snprintf(o->source, sizeof o->source, "%s", sa->source_addr);
		o->sm.source_ton = sa->source_ton;
		o->sm.source_npi = sa->source_npi;
	} else {
		snprintf(o->source, sizeof o->source, "%s",
		    c->mo->dest_addr);
		o->sm.source_ton = c->mo->dest_ton;
		o->sm.source_npi = c->mo->dest_npi;
	}
	snprintf(o->service_type, sizeof o->service_type, "%s",
	    c->ussd ? sa->ussd_service_type : "");
	memcpy(o->data, parts->part[i].data, parts->part[i].len);
	o->sm.service_type = o->service_type;
	o->sm.source_addr = o->source;
	o->sm.dest_addr = o->dest;
	o->sm.dest_ton = c->mo->source_ton;
	o->sm.dest_npi = c->mo->source_npi;
	o->sm.esm_class = parts->esm_class;
	o->sm.data_coding = parts->data_coding;
	o->sm.registered_delivery = sa->registered_delivery;
	o->sm.sm = o->data;
	o->sm.sm_len = parts->part[i].len;
	return o;
}

/* Sets the USSD operation and echoes its_session_info on a reply. */
static void
smpp_out_ussd(const struct smpp_mo_ctx *c, struct smpp_out *o, bool end)
{
	o->sm.has_ussd_op = true;
	o->sm.ussd_op = end ? c->sa->op_final : c->sa->op_menu;
	if (c->mo->has_its) {
		o->sm.has_its = true;
		/* Bit 0 of the second octet: end of session. */
		o->sm.its_session_info = end ?
		    (c->mo->its_session_info | 0x0001) :
		    (c->mo->its_session_info & 0xFFFE);
	}
}

/* Encodes a USSD screen; one that does not fit a USSD string (a screen
 * the engine allowed by its character count, with characters outside
 * GSM-7 past 127 or extension characters past 182 septets) is cut at
 * the longest prefix that fits rather than left unanswered: the user
 * still gets the screen's start and the dialogue goes on or ends as it
 * should.  Logged: the menu needs a shorter screen. */
static int
smpp_encode_ussd(struct smpp_adapter *sa, const char *text, size_t len,
    struct hl_smpp_parts *out)
{
	size_t lo = 0, hi = len, n;

	if (hl_smpp_encode_ussd(text, len, out) == 0)
		return 0;
	if (!hl_utf8_is_valid(text, len))
		return -1;
	/* Binary search for the longest prefix on a character boundary. */
	while (lo < hi) {
		size_t mid = hl_utf8_truncate(text, len, (lo + hi + 1) / 2);

		if (mid > lo && hl_smpp_encode_ussd(text, mid, out) == 0)
			lo = mid;
		else
			hi = (lo + hi + 1) / 2 - 1;
	}
	n = hl_utf8_truncate(text, len, lo);
	hl_log_err("smpp [%s]: a USSD screen does not fit one USSD string "
	    "over SMPP (%zu of %zu octets sent): shorten it in the menu",
	    sa->section, n, len);
	return hl_smpp_encode_ussd(text, n, out);
}

/* The core's reply: queued as submit_sm parts. */
static void
smpp_reply_cb(const struct hl_reply *r, void *ctx)
{
	const struct smpp_mo_ctx *c = ctx;
	struct smpp_adapter *sa = c->sa;
	struct hl_smpp_parts parts;
	int rc;

	/* Flooded: the deliver_sm is acknowledged, nothing is sent. */
	if (r->status == HL_REPLY_FLOODED)
		return;
	if (r->status == HL_REPLY_FAILED || r->len == 0) {
		if (r->status == HL_REPLY_FAILED)
			hl_log_err("smpp [%s]: no reply (internal error)",
			    sa->section);
		return;
	}
	if (c->ussd)
		rc = smpp_encode_ussd(sa, r->text, r->len, &parts);
	else
		rc = hl_smpp_encode_sms(r->text, r->len, sa->ref++ & 0xFF,
		    HL_SMPP_MAX_PARTS, &parts);
	if (rc == 0 && !smpp_has_room(sa, parts.count))
		return;
	if (rc == -1) {
		hl_log_err("smpp [%s]: a reply does not fit %s; not sent",
		    sa->section, c->ussd ? "one USSD screen" :
		    "the concatenated parts allowed");
		hl_figures_drop(sa->metrics, sa->name, HL_DROP_FAILED, 1);
		sa->n.failed++;
		return;
	}
	for (size_t i = 0; i < parts.count; i++) {
		struct smpp_out *o = smpp_out_new(c, &parts, i);

		if (o == NULL) {
			hl_log_err("smpp [%s]: out of memory; a reply part "
			    "is not sent", sa->section);
			hl_figures_drop(sa->metrics, sa->name, HL_DROP_FAILED,
			    1);
			sa->n.failed++;
			continue;
		}
		if (c->ussd)
			smpp_out_ussd(c, o, r->end);
		smpp_enqueue(sa, o);
	}
	explicit_bzero(&parts, sizeof parts);
	smpp_pump(sa);
}

/* --- MO ----------------------------------------------------------------- */

/* Answers a deliver_sm or data_sm. */
static void
smpp_mo_resp(struct hl_smpp_link *l, const struct hl_smpp_header *h,
    uint32_t status)
{
	unsigned char buf[HL_SMPP_HEADER_LEN + 8];
	int n = hl_smpp_write_mo_resp(buf, sizeof buf, h->id | HL_SMPP_RESP,
	    h->seq, status);

	if (n > 0)
		hl_smpp_link_send(l, buf, (size_t)n);
}

/* Is this MO USSD? */
static bool
smpp_is_ussd(const struct smpp_adapter *sa, const struct hl_smpp_mo *mo)
{
	return mo->has_ussd_op || (*sa->ussd_service_type != '\0' &&
	    strcmp(mo->service_type, sa->ussd_service_type) == 0);
}

/* Writes the sender as the core takes it: "+" before an international
 * number that lacks one. */
static void
smpp_sender(const struct hl_smpp_mo *mo, char *out, size_t outlen)
{
	bool plus = mo->source_ton == 1 && mo->source_addr[0] != '+';

	snprintf(out, outlen, "%s%s", plus ? "+" : "", mo->source_addr);
}

/* Hands a whole message's text to the core. */
static void
smpp_submit(struct smpp_adapter *sa, const struct hl_smpp_mo *mo,
    const char *text, size_t len, bool ussd)
{
	struct smpp_mo_ctx c = { .sa = sa, .mo = mo, .ussd = ussd };
	char sender[24], session[16];
	struct hl_inbound in = {
		.adapter = sa->name,
		.channel = ussd ? HL_CHANNEL_USSD : HL_CHANNEL_SMS,
		.text = { text, len },
	};

	smpp_sender(mo, sender, sizeof sender);
	in.sender = sender;
	if (ussd && mo->has_its) {
		snprintf(session, sizeof session, "its-%u",
		    mo->its_session_info >> 8);
		in.session_id = session;
	}
	sa->n.mo++;
	hl_core_submit(sa->core, &in, smpp_reply_cb, &c);
	explicit_bzero(sender, sizeof sender);
}

/* Decodes a whole message and submits it (an unreadable text as empty). */
static void
smpp_decode_submit(struct smpp_adapter *sa, const struct hl_smpp_mo *mo,
    unsigned data_coding, const unsigned char *ud, size_t len, bool ussd)
{
	char *text = malloc(3 * len + 1);
	size_t tlen = 0;

	if (text == NULL) {
		hl_log_err("smpp [%s]: out of memory", sa->section);
		return;
	}
	if (hl_smpp_decode_text(data_coding, ud, len, text, 3 * len + 1,
	    &tlen) == -1) {
		hl_log_debug("smpp [%s]: a text in data_coding %u that we "
		    "cannot read: handled as empty", sa->section, data_coding);
		tlen = 0;
		text[0] = '\0';
	}
	smpp_submit(sa, mo, text, tlen, ussd);
	explicit_bzero(text, 3 * len + 1);
	free(text);
}

/* A USSD MO: the operation decides what the text means. */
static void
smpp_ussd_mo(struct smpp_adapter *sa, const struct hl_smpp_mo *mo)
{
	unsigned op = mo->has_ussd_op ? mo->ussd_op : sa->op_continue;

	if (op == sa->op_begin)
		/* The dialled string ("*123#") is not a menu choice. */
		smpp_submit(sa, mo, "", 0, true);
	else if (op == sa->op_continue)
		smpp_decode_submit(sa, mo, mo->data_coding, mo->ud,
		    mo->ud_len, true);
	else if (op == sa->op_abort)
		hl_log_debug("smpp [%s]: a USSD dialogue was ended by the "
		    "network", sa->section);
	else
		hl_log_debug("smpp [%s]: USSD operation %u ignored",
		    sa->section, op);
}

/* A part of a concatenated SMS: put back together first. */
static void
smpp_part_mo(struct smpp_adapter *sa, const struct hl_smpp_mo *mo,
    const struct hl_smpp_concat *cc, const unsigned char *ud, size_t len)
{
	unsigned char *whole = NULL;
	size_t wlen = 0;
	unsigned dc = 0;

	sa->n.parts_in++;
	switch (hl_smpp_reasm_add(sa->reasm, mo->source_addr, cc->ref,
	    cc->total, cc->seq, mo->data_coding, ud, len, smpp_now_ms(),
	    &whole, &wlen, &dc)) {
	case HL_REASM_COMPLETE:
		smpp_decode_submit(sa, mo, dc, whole, wlen, false);
		explicit_bzero(whole, wlen);
		free(whole);
		break;
	case HL_REASM_PENDING:
	case HL_REASM_DUPLICATE:
		break;
	case HL_REASM_REFUSED:
		hl_log_warn("smpp [%s]: a concatenated part was refused "
		    "(inconsistent, or no room)", sa->section);
		break;
	case HL_REASM_ERROR:
		hl_log_err("smpp [%s]: out of memory putting parts "
		    "together; a part is lost", sa->section);
		break;
	}
}

/* An SMS MO: whole, or one part of a longer one. */
static void
smpp_sms_mo(struct smpp_adapter *sa, const struct hl_smpp_mo *mo)
{
	struct hl_smpp_concat cc = { .present = false };
	const unsigned char *ud = mo->ud;
	size_t len = mo->ud_len, hdr = 0;

	if (mo->esm_class & HL_SMPP_ESM_UDHI) {
		if (hl_smpp_udh_parse(ud, len, &hdr, &cc) == -1) {
			hl_log_debug("smpp [%s]: a malformed UDH: text read "
			    "as empty", sa->section);
			smpp_submit(sa, mo, "", 0, false);
			return;
		}
		ud += hdr;
		len -= hdr;
	} else if (mo->has_sar) {
		cc.present = true;
		cc.ref = mo->sar_ref;
		cc.total = mo->sar_total;
		cc.seq = mo->sar_seq;
	}
	if (cc.present && cc.total > 1)
		smpp_part_mo(sa, mo, &cc, ud, len);
	else
		smpp_decode_submit(sa, mo, mo->data_coding, ud, len, false);
}

/* A deliver_sm or data_sm: acknowledged before it is handled, so the
 * SMSC sees its response before the reply's submit_sm. */
static void
smpp_mo(struct smpp_adapter *sa, struct hl_smpp_link *l,
    const struct hl_smpp_header *h, const unsigned char *pdu)
{
	struct hl_smpp_mo *mo;

	if (sa->stopping) {
		hl_figures_reject(sa->metrics, sa->name, HL_REJECT_STOPPING);
		sa->n.refused_mo++;
		smpp_mo_resp(l, h, HL_SMPP_ESME_RX_T_APPN);
		return;
	}
	mo = malloc(sizeof *mo);
	if (mo == NULL) {
		smpp_mo_resp(l, h, HL_SMPP_ESME_RX_T_APPN);
		return;
	}
	if (hl_smpp_read_mo(pdu, h->length, mo) == -1) {
		hl_figures_reject(sa->metrics, sa->name, HL_REJECT_MALFORMED);
		sa->n.malformed++;
		hl_log_warn("smpp [%s]: a malformed %s: generic_nack",
		    sa->section, hl_smpp_command_name(h->id));
		hl_smpp_link_nack(l, h->seq, HL_SMPP_ESME_RINVCMDLEN);
		free(mo);
		return;
	}
	smpp_mo_resp(l, h, HL_SMPP_ESME_ROK);
	if (mo->receipt)
		sa->n.receipts++;
	else if (smpp_is_ussd(sa, mo))
		smpp_ussd_mo(sa, mo);
	else
		smpp_sms_mo(sa, mo);
	hl_smpp_mo_wipe(mo);
	free(mo);
}

/* --- links -------------------------------------------------------------- */

static void
smpp_bound_cb(struct hl_smpp_link *l, void *ctx)
{
	struct smpp_adapter *sa = ctx;

	if (l == sa->tx)
		smpp_pump(sa);
}

static void
smpp_down_cb(struct hl_smpp_link *l, void *ctx)
{
	struct smpp_adapter *sa = ctx;

	/* A link that will reconnect sends the window again; one closed
	 * for good (unbound at shutdown) leaves it to be counted as sent
	 * but unconfirmed. */
	if (l == sa->tx && !hl_smpp_link_is_closed(l)) {
		smpp_requeue_window(sa);
		smpp_maybe_finish(sa);
	}
}

static void
smpp_pdu_cb(struct hl_smpp_link *l, void *ctx, const struct hl_smpp_header *h,
    const unsigned char *pdu)
{
	struct smpp_adapter *sa = ctx;
	struct hl_smpp_header rh;

	switch (h->id) {
	case HL_SMPP_DELIVER_SM:
	case HL_SMPP_DATA_SM:
		smpp_mo(sa, l, h, pdu);
		return;
	case HL_SMPP_SUBMIT_SM | HL_SMPP_RESP:
	case HL_SMPP_GENERIC_NACK:
		if (l != sa->tx)
			return;
		if (h->id == HL_SMPP_GENERIC_NACK ||
		    hl_smpp_read_resp(pdu, h->length, &rh) == 0)
			smpp_submit_answered(sa, h->seq, h->id ==
			    HL_SMPP_GENERIC_NACK && h->status == 0 ?
			    HL_SMPP_ESME_RSYSERR : h->status);
		else
			smpp_submit_answered(sa, h->seq, HL_SMPP_ESME_RSYSERR);
		return;
	default:
		return;
	}
}

/* --- configuration ------------------------------------------------------ */

static const struct hl_smpp_link_cbs smpp_link_cbs = {
	.bound = smpp_bound_cb,
	.down = smpp_down_cb,
	.pdu = smpp_pdu_cb,
};

/* Reads the connection settings. */
static int
smpp_config_link(struct smpp_adapter *sa, struct hl_config *c,
    struct hl_smpp_link_opts *lo, char *err, size_t errlen)
{
	const char *s = sa->section, *bind;
	unsigned enquire, dead, resp, rmin, rmax;

	if (hl_config_str(c, s, "host", "127.0.0.1", &sa->host, err,
	    errlen) == -1 ||
	    hl_config_uint(c, s, "port", 2775, 1, 65535, &sa->port, err,
	    errlen) == -1 ||
	    hl_config_str(c, s, "bind", "transceiver", &bind, err,
	    errlen) == -1 ||
	    hl_config_str(c, s, "system_id", NULL, &sa->bind.system_id, err,
	    errlen) == -1 ||
	    hl_config_str(c, s, "password", "", &sa->bind.password, err,
	    errlen) == -1 ||
	    hl_config_str(c, s, "system_type", "", &sa->bind.system_type,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "addr_ton", 0, 0, 255, &sa->bind.addr_ton,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "addr_npi", 0, 0, 255, &sa->bind.addr_npi,
	    err, errlen) == -1 ||
	    hl_config_str(c, s, "address_range", "", &sa->bind.address_range,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "enquire_link_ms", 30000, 100, 3600000,
	    &enquire, err, errlen) == -1 ||
	    hl_config_uint(c, s, "dead_after_ms", 90000, 200, 7200000, &dead,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "response_timeout_ms", 10000, 100, 600000,
	    &resp, err, errlen) == -1 ||
	    hl_config_uint(c, s, "reconnect_min_ms", 1000, 10, 600000, &rmin,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "reconnect_max_ms", 60000, 10, 3600000,
	    &rmax, err, errlen) == -1)
		return -1;
	if (sa->bind.system_id == NULL || *sa->bind.system_id == '\0' ||
	    strlen(sa->bind.system_id) > 15 ||
	    strlen(sa->bind.password) > 8 ||
	    strlen(sa->bind.system_type) > 12 ||
	    strlen(sa->bind.address_range) > 40) {
		snprintf(err, errlen, "[%s] system_id (1-15 characters), "
		    "password (up to 8), system_type (up to 12) and "
		    "address_range (up to 40) must fit SMPP 3.4's fields",
		    s);
		return -1;
	}
	if (strcmp(bind, "pair") == 0)
		sa->pair = true;
	else if (strcmp(bind, "transceiver") != 0) {
		snprintf(err, errlen, "[%s] bind must be transceiver or pair",
		    s);
		return -1;
	}
	if (dead <= enquire || rmax < rmin) {
		snprintf(err, errlen, "[%s] dead_after_ms must exceed "
		    "enquire_link_ms, and reconnect_max_ms be at least "
		    "reconnect_min_ms", s);
		return -1;
	}
	sa->response_timeout_ms = resp;
	*lo = (struct hl_smpp_link_opts){
		.host = sa->host, .port = sa->port,
		.bind = sa->bind, .enquire_ms = enquire, .dead_ms = dead,
		.resp_timeout_ms = resp, .reconnect_min_ms = rmin,
		.reconnect_max_ms = rmax,
	};
	return 0;
}

/* Reads how replies are sent. */
static int
smpp_config_submit(struct smpp_adapter *sa, struct hl_config *c, char *err,
    size_t errlen)
{
	const char *s = sa->section;

	if (hl_config_str(c, s, "source_addr", NULL, &sa->source_addr, err,
	    errlen) == -1 ||
	    hl_config_uint(c, s, "source_ton", 0, 0, 255, &sa->source_ton,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "source_npi", 1, 0, 255, &sa->source_npi,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "window", 10, 1, 1000, &sa->window_size,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "rate", 0, 0, 100000, &sa->rate, err,
	    errlen) == -1 ||
	    hl_config_uint(c, s, "rate_burst", 1, 1, 100000, &sa->rate_burst,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "throttle_ms", 1000, 1, 600000,
	    &sa->throttle_ms, err, errlen) == -1 ||
	    hl_config_uint(c, s, "queue_max", 10000, 1, 1000000,
	    &sa->queue_max, err, errlen) == -1 ||
	    hl_config_uint(c, s, "registered_delivery", 0, 0, 255,
	    &sa->registered_delivery, err, errlen) == -1)
		return -1;
	if (sa->source_addr != NULL && (*sa->source_addr == '\0' ||
	    strlen(sa->source_addr) > 20)) {
		snprintf(err, errlen, "[%s] source_addr must be 1-20 "
		    "characters, or left out (replies then come from the "
		    "number the message was sent to)", s);
		return -1;
	}
	return 0;
}

/* Reads the USSD conventions. */
static int
smpp_config_ussd(struct smpp_adapter *sa, struct hl_config *c, char *err,
    size_t errlen)
{
	const char *s = sa->section;

	if (hl_config_str(c, s, "ussd_service_type", "USSD",
	    &sa->ussd_service_type, err, errlen) == -1 ||
	    hl_config_uint(c, s, "ussd_op_begin", 1, 0, 255, &sa->op_begin,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "ussd_op_continue", 18, 0, 255,
	    &sa->op_continue, err, errlen) == -1 ||
	    hl_config_uint(c, s, "ussd_op_menu", 2, 0, 255, &sa->op_menu,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "ussd_op_final", 17, 0, 255, &sa->op_final,
	    err, errlen) == -1 ||
	    hl_config_uint(c, s, "ussd_op_abort", SMPP_OP_NONE, 0,
	    SMPP_OP_NONE, &sa->op_abort, err, errlen) == -1)
		return -1;
	if (strlen(sa->ussd_service_type) > 5 ||
	    sa->op_begin == sa->op_continue) {
		snprintf(err, errlen, "[%s] ussd_service_type is at most 5 "
		    "characters, and ussd_op_begin and ussd_op_continue must "
		    "differ", s);
		return -1;
	}
	return 0;
}

static void smpp_free(void *state);
static void smpp_drain_cb(evutil_socket_t, short, void *);

/* Makes the links, the window and the timers. */
static int
smpp_make(struct smpp_adapter *sa, struct hl_smpp_link_opts *lo, char *err,
    size_t errlen)
{
	struct hl_smpp_reasm_opts ro = {
		.timeout_ms = 60000, .max_messages = 1000,
		.max_bytes = 1024 * 1024,
	};

	snprintf(sa->trx_name, sizeof sa->trx_name, "[%s]%s", sa->section,
	    sa->pair ? " transmitter" : "");
	snprintf(sa->rx_name, sizeof sa->rx_name, "[%s] receiver",
	    sa->section);
	lo->name = sa->trx_name;
	lo->bind_cmd = sa->pair ? HL_SMPP_BIND_TRANSMITTER :
	    HL_SMPP_BIND_TRANSCEIVER;
	sa->tx = hl_smpp_link_new(sa->base, lo, &smpp_link_cbs, sa);
	if (sa->pair) {
		lo->name = sa->rx_name;
		lo->bind_cmd = HL_SMPP_BIND_RECEIVER;
		sa->rx = hl_smpp_link_new(sa->base, lo, &smpp_link_cbs, sa);
	}
	sa->window = hl_smpp_window_new(sa->window_size);
	sa->reasm = hl_smpp_reasm_new(&ro);
	sa->pump_ev = evtimer_new(sa->base, smpp_pump_cb, sa);
	sa->tick_ev = event_new(sa->base, -1, EV_PERSIST, smpp_tick_cb, sa);
	sa->drain_ev = evtimer_new(sa->base, smpp_drain_cb, sa);
	if (sa->tx == NULL || (sa->pair && sa->rx == NULL) ||
	    sa->window == NULL || sa->reasm == NULL || sa->pump_ev == NULL ||
	    sa->tick_ev == NULL || sa->drain_ev == NULL) {
		snprintf(err, errlen, "smpp: out of memory");
		return -1;
	}
	return 0;
}

/* Reads the adapter's section; connects nothing yet. */
static void *
smpp_create(const struct hl_adapter_env *env, char *err, size_t errlen)
{
	struct smpp_adapter *sa = calloc(1, sizeof *sa);
	struct hl_smpp_link_opts lo;

	if (sa == NULL) {
		snprintf(err, errlen, "smpp: out of memory");
		return NULL;
	}
	sa->base = env->base;
	sa->core = env->core;
	sa->metrics = env->metrics;
	sa->section = env->section;
	sa->name = env->section + strlen("adapter.");
	TAILQ_INIT(&sa->queue);
	if (smpp_config_link(sa, env->config, &lo, err, errlen) == -1 ||
	    smpp_config_submit(sa, env->config, err, errlen) == -1 ||
	    smpp_config_ussd(sa, env->config, err, errlen) == -1 ||
	    hl_config_uint(env->config, "daemon", "shutdown_grace_ms", 3000,
	    0, 60000, &sa->grace_ms, err, errlen) == -1 ||
	    smpp_make(sa, &lo, err, errlen) == -1) {
		smpp_free(sa);
		return NULL;
	}
	return sa;
}

/* Connects and binds (in the background: a down SMSC does not keep the
 * daemon from starting; the link retries). */
static int
smpp_start(void *state)
{
	struct smpp_adapter *sa = state;
	struct timeval tick = { 0, 250 * 1000 };

	hl_smpp_rate_init(&sa->bucket, sa->rate, sa->rate_burst,
	    smpp_now_ms());
	if (event_add(sa->tick_ev, &tick) == -1 ||
	    hl_smpp_link_start(sa->tx) == -1 ||
	    (sa->rx != NULL && hl_smpp_link_start(sa->rx) == -1))
		return -1;
	return 0;
}

/* Up when every link is bound (the receiver too, with bind = pair). */
static int
smpp_link_state(void *state)
{
	struct smpp_adapter *sa = state;

	return hl_smpp_link_is_bound(sa->tx) &&
	    (sa->rx == NULL || hl_smpp_link_is_bound(sa->rx));
}

/* Idle once every link is closed (after its unbind). */
static bool
smpp_is_idle(void *state)
{
	struct smpp_adapter *sa = state;

	return hl_smpp_link_is_closed(sa->tx) &&
	    (sa->rx == NULL || hl_smpp_link_is_closed(sa->rx));
}

/* The drain took too long: unbind now, so the SMSC hears a clean goodbye
 * within the daemon's grace even when it holds its responses. */
static void
smpp_drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smpp_adapter *sa = arg;

	(void)fd;
	(void)what;
	if (smpp_is_idle(sa))
		return;
	hl_log_warn("smpp [%s]: shutting down with %zu reply parts not sent "
	    "and %zu not confirmed by the SMSC; unbinding", sa->section,
	    sa->queued, hl_smpp_window_count(sa->window));
	hl_smpp_link_unbind(sa->tx);
	if (sa->rx != NULL)
		hl_smpp_link_unbind(sa->rx);
}

/* Takes no more MO; unbinds once the replies in hand are sent, or after
 * two thirds of the grace (the last third is for the unbind_resp). */
static void
smpp_stop(void *state)
{
	struct smpp_adapter *sa = state;
	unsigned ms = sa->grace_ms * 2 / 3;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	sa->stopping = true;
	evtimer_add(sa->drain_ev, &tv);
	smpp_maybe_finish(sa);
}

/* Frees what is left: parts never sent, and parts sent whose response
 * never came (the SMSC may or may not have taken them).  Returns the
 * first count and sets *unconfirmed to the second. */
static size_t
smpp_discard(struct smpp_adapter *sa, size_t *unconfirmed)
{
	struct smpp_out *o;
	void *data;
	uint32_t seq;
	size_t n = 0;

	*unconfirmed = 0;
	while ((o = TAILQ_FIRST(&sa->queue)) != NULL) {
		TAILQ_REMOVE(&sa->queue, o, entry);
		smpp_out_free(o);
		n++;
	}
	while (sa->window != NULL &&
	    hl_smpp_window_take_any(sa->window, &seq, &data)) {
		smpp_out_free(data);
		(*unconfirmed)++;
	}
	sa->queued = 0;
	return n;
}

static void
smpp_free(void *state)
{
	struct smpp_adapter *sa = state;
	size_t unsent, unconfirmed;

	if (sa == NULL)
		return;
	unsent = smpp_discard(sa, &unconfirmed);
	if (unsent > 0)
		hl_log_warn("smpp [%s]: %zu reply parts were not sent (the "
		    "SMSC link was down or slow at shutdown)", sa->section,
		    unsent);
	if (unconfirmed > 0)
		hl_log_warn("smpp [%s]: %zu reply parts were sent but not "
		    "confirmed by the SMSC before shutdown", sa->section,
		    unconfirmed);
	if (sa->tx != NULL)
		hl_log_info("smpp [%s]: %lu messages in (%lu parts, %lu "
		    "receipts, %lu refused while stopping, %lu malformed); "
		    "%lu parts sent, %lu throttled, %lu refused, %lu sent "
		    "again, %lu dropped, %zu unsent, %zu unconfirmed",
		    sa->section, sa->n.mo, sa->n.parts_in, sa->n.receipts,
		    sa->n.refused_mo, sa->n.malformed, sa->n.sent,
		    sa->n.throttled, sa->n.failed, sa->n.resent,
		    sa->n.dropped, unsent, unconfirmed);
	hl_smpp_link_free(sa->tx);
	hl_smpp_link_free(sa->rx);
	hl_smpp_window_free(sa->window);
	hl_smpp_reasm_free(sa->reasm);
	if (sa->pump_ev != NULL)
		event_free(sa->pump_ev);
	if (sa->tick_ev != NULL)
		event_free(sa->tick_ev);
	if (sa->drain_ev != NULL)
		event_free(sa->drain_ev);
	explicit_bzero(sa, sizeof *sa);
	free(sa);
}

const struct hl_adapter_ops hl_adapter_smpp = {
	.name = "smpp",
	.create = smpp_create,
	.start = smpp_start,
	.stop = smpp_stop,
	.is_idle = smpp_is_idle,
	.link_state = smpp_link_state,
	.free = smpp_free,
};
