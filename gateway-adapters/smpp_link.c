/*
 * smpp_link.c - one ESME connection: connect, bind, keep alive, read whole
 * PDUs, reconnect with backoff and jitter, unbind (smpp_link.h).
 *
 * States:  IDLE -> CONNECTING -> BINDING -> BOUND -> UNBINDING -> CLOSED
 *                      ^             |          |
 *                      +-- WAITING <-+----------+   (lost, refused, silent)
 *
 * One timer ticks every LINK_TICK_MS while the link is open: it sends
 * enquire_link after enquire_ms of quiet, drops a peer silent for dead_ms
 * (Kannel's defaults are 30 s and 300 s) and gives up on a bind_resp or
 * unbind_resp that does not come.  The same timer, one-shot, waits out
 * the reconnect backoff.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/rand.h>

#include "helpline/log.h"
#include "helpline/smpp_link.h"
#include "helpline/smpp_window.h"

#define LINK_TICK_MS 250

enum link_state {
	LINK_IDLE,
	LINK_WAITING,		/* backoff before the next connect */
	LINK_CONNECTING,
	LINK_BINDING,
	LINK_BOUND,
	LINK_UNBINDING,
	LINK_CLOSED,
};

/* What went wrong last, so each problem is logged once until it changes. */
enum link_problem {
	PROBLEM_NONE,
	PROBLEM_CONNECT,
	PROBLEM_BIND,
	PROBLEM_LOST,
};

struct hl_smpp_link {
	struct event_base *base;
	struct hl_smpp_link_opts opts;
	struct hl_smpp_link_cbs cbs;
	void *ctx;
	enum link_state state;
	struct bufferevent *bev;
	struct event *timer;
	uint32_t seq;
	int64_t last_rx_ms;	/* last PDU (or connect) from the peer */
	int64_t last_tx_ms;	/* last PDU we sent */
	int64_t state_ms;	/* when the state was entered */
	bool enquiring;		/* an enquire_link of ours is unanswered */
	uint32_t enquire_seq;	/* ...with this sequence number */
	struct bufferevent *orphan;	/* closing after its last write */
	struct hl_smpp_backoff backoff;
	enum link_problem problem;
	uint32_t problem_status;	/* the bind status last logged */
	unsigned generation;	/* bumped when the connection goes */
};

static void link_connect(struct hl_smpp_link *);
static void link_lost(struct hl_smpp_link *, enum link_problem, uint32_t,
    const char *why);

/* Milliseconds on the monotonic clock. */
static int64_t
link_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
link_set_state(struct hl_smpp_link *l, enum link_state s)
{
	l->state = s;
	l->state_ms = link_now_ms();
}

/* Arms the timer ms from now. */
static void
link_arm(struct hl_smpp_link *l, unsigned ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(l->timer, &tv);
}

/* Writes one PDU, whatever the state (the session's own PDUs). */
static int
link_write(struct hl_smpp_link *l, const unsigned char *pdu, size_t len)
{
	if (l->bev == NULL ||
	    bufferevent_write(l->bev, pdu, len) == -1)
		return -1;
	l->last_tx_ms = link_now_ms();
	return 0;
}

/* Sends a PDU that is a header only. */
static void
link_write_header(struct hl_smpp_link *l, uint32_t id, uint32_t status,
    uint32_t seq)
{
	unsigned char buf[HL_SMPP_HEADER_LEN];
	int n = hl_smpp_write_header_only(buf, sizeof buf, id, status, seq);

	if (n > 0)
		link_write(l, buf, (size_t)n);
}

/* Closes the connection, if any. */
static void
link_close(struct hl_smpp_link *l)
{
	if (l->bev != NULL) {
		bufferevent_free(l->bev);
		l->bev = NULL;
	}
	l->generation++;
	l->enquiring = false;
}

/* Frees a detached bufferevent once its output is written (or failed). */
static void
link_orphan_write_cb(struct bufferevent *bev, void *arg)
{
	struct hl_smpp_link *l = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		bufferevent_free(bev);
		l->orphan = NULL;
	}
}

static void
link_orphan_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct hl_smpp_link *l = arg;

	(void)what;
	bufferevent_free(bev);
	l->orphan = NULL;
}

/* Closes the connection after what is queued on it is written (the
 * unbind_resp to the peer's unbind), bounded by a second. */
static void
link_close_gently(struct hl_smpp_link *l)
{
	struct bufferevent *bev = l->bev;
	struct timeval limit = { 1, 0 };

	if (bev == NULL)
		return;
	if (l->orphan != NULL)
		bufferevent_free(l->orphan);	/* the previous one: enough */
	l->orphan = NULL;
	l->bev = NULL;
	l->generation++;
	l->enquiring = false;
	bufferevent_disable(bev, EV_READ);
	bufferevent_setcb(bev, NULL, link_orphan_write_cb,
	    link_orphan_event_cb, l);
	bufferevent_set_timeouts(bev, NULL, &limit);
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_free(bev);
	else
		l->orphan = bev;
}

/* Logs a problem if it is not the one logged last. */
static void
link_report(struct hl_smpp_link *l, enum link_problem p, uint32_t status,
    const char *why)
{
	const char *name;

	if (p == l->problem && (p != PROBLEM_BIND ||
	    status == l->problem_status))
		return;
	l->problem = p;
	l->problem_status = status;
	switch (p) {
	case PROBLEM_CONNECT:
		hl_log_warn("smpp %s: cannot connect to %s:%u (%s); "
		    "retrying with backoff", l->opts.name, l->opts.host,
		    l->opts.port, why);
		break;
	case PROBLEM_BIND:
		name = hl_smpp_status_name(status);
		hl_log_err("smpp %s: the SMSC refused the bind: %s "
		    "(0x%08x); check system_id, password and system_type; "
		    "retrying with backoff", l->opts.name,
		    name != NULL ? name : "unknown status", status);
		break;
	case PROBLEM_LOST:
		hl_log_warn("smpp %s: link lost (%s); reconnecting",
		    l->opts.name, why);
		break;
	case PROBLEM_NONE:
		break;
	}
}

/* Waits out the backoff, then connects again. */
static void
link_retry(struct hl_smpp_link *l)
{
	uint32_t r = 0;
	unsigned ms;

	if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
		r = (uint32_t)link_now_ms();
	ms = hl_smpp_backoff_next(&l->backoff, r);
	link_set_state(l, LINK_WAITING);
	hl_log_debug("smpp %s: next attempt in %u ms", l->opts.name, ms);
	link_arm(l, ms);
}

/* The connection is gone: tell the owner if it was bound, then retry
 * (or stay closed when we were unbinding). */
static void
link_lost(struct hl_smpp_link *l, enum link_problem p, uint32_t status,
    const char *why)
{
	bool was_bound = l->state == LINK_BOUND || l->state == LINK_UNBINDING;
	bool closing = l->state == LINK_UNBINDING;

	link_close(l);
	evtimer_del(l->timer);
	if (closing) {
		link_set_state(l, LINK_CLOSED);
		hl_log_info("smpp %s: unbound", l->opts.name);
	} else {
		link_report(l, p, status, why);
		link_retry(l);
	}
	if (was_bound && l->cbs.down != NULL)
		l->cbs.down(l, l->ctx);
}

/* The bind answered: bound, or refused. */
static void
link_bind_resp(struct hl_smpp_link *l, const struct hl_smpp_header *h)
{
	if (l->state != LINK_BINDING)
		return;
	if (h->status != HL_SMPP_ESME_ROK) {
		link_lost(l, PROBLEM_BIND, h->status, "bind refused");
		return;
	}
	link_set_state(l, LINK_BOUND);
	hl_smpp_backoff_reset(&l->backoff);
	l->problem = PROBLEM_NONE;
	hl_log_info("smpp %s: bound to %s:%u", l->opts.name, l->opts.host,
	    l->opts.port);
	if (l->cbs.bound != NULL)
		l->cbs.bound(l, l->ctx);
}

/* Is id a request the owner handles? */
static bool
link_is_owner_pdu(uint32_t id)
{
	return id == HL_SMPP_DELIVER_SM || id == HL_SMPP_DATA_SM ||
	    id == (HL_SMPP_SUBMIT_SM | HL_SMPP_RESP) ||
	    id == (HL_SMPP_DATA_SM | HL_SMPP_RESP) ||
	    id == HL_SMPP_GENERIC_NACK;
}

/* Handles one whole PDU. */
static void
link_dispatch(struct hl_smpp_link *l, const struct hl_smpp_header *h,
    const unsigned char *pdu)
{
	switch (h->id) {
	case HL_SMPP_ENQUIRE_LINK:
		link_write_header(l, HL_SMPP_ENQUIRE_LINK | HL_SMPP_RESP,
		    HL_SMPP_ESME_ROK, h->seq);
		return;
	case HL_SMPP_ENQUIRE_LINK | HL_SMPP_RESP:
		l->enquiring = false;
		return;
	case HL_SMPP_UNBIND:
		link_write_header(l, HL_SMPP_UNBIND | HL_SMPP_RESP,
		    HL_SMPP_ESME_ROK, h->seq);
		link_close_gently(l);
		link_lost(l, PROBLEM_LOST, 0, "the SMSC unbound");
		return;
	case HL_SMPP_UNBIND | HL_SMPP_RESP:
		if (l->state == LINK_UNBINDING)
			link_lost(l, PROBLEM_NONE, 0, "unbound");
		return;
	case HL_SMPP_GENERIC_NACK:
		/* In place of a bind_resp: a refusal with its status. */
		if (l->state == LINK_BINDING) {
			link_lost(l, PROBLEM_BIND, h->status, "bind refused");
			return;
		}
		if (l->enquiring && h->seq == l->enquire_seq) {
			l->enquiring = false;
			return;
		}
		break;		/* the owner's (a submit_sm) */
	case HL_SMPP_ALERT_NOTIFICATION:
		return;		/* has no response; nothing to do */
	case HL_SMPP_BIND_TRANSCEIVER | HL_SMPP_RESP:
	case HL_SMPP_BIND_RECEIVER | HL_SMPP_RESP:
	case HL_SMPP_BIND_TRANSMITTER | HL_SMPP_RESP:
		if (h->id == (l->opts.bind_cmd | HL_SMPP_RESP))
			link_bind_resp(l, h);
		return;
	default:
		break;
	}
	if (link_is_owner_pdu(h->id)) {
		if (l->state == LINK_BOUND || l->state == LINK_UNBINDING)
			l->cbs.pdu(l, l->ctx, h, pdu);
		else if (!(h->id & HL_SMPP_RESP))
			link_write_header(l, h->id | HL_SMPP_RESP,
			    HL_SMPP_ESME_RINVBNDSTS, h->seq);
		return;
	}
	/* Never answer a response (generic_nack included) with a nack. */
	if (h->id & HL_SMPP_RESP) {
		hl_log_debug("smpp %s: ignored %s", l->opts.name,
		    hl_smpp_command_name(h->id));
		return;
	}
	hl_log_debug("smpp %s: %s (0x%08x) not handled: generic_nack",
	    l->opts.name, hl_smpp_command_name(h->id), h->id);
	link_write_header(l, HL_SMPP_GENERIC_NACK, HL_SMPP_ESME_RINVCMDID,
	    h->seq);
}

/* Reads every whole PDU there is. */
static void
link_read_cb(struct bufferevent *bev, void *arg)
{
	struct hl_smpp_link *l = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	unsigned generation = l->generation;

	for (;;) {
		size_t avail = evbuffer_get_length(in);
		struct hl_smpp_header h;
		const unsigned char *p;
		enum hl_smpp_frame_result fr;

		p = evbuffer_pullup(in, avail < HL_SMPP_HEADER_LEN ?
		    (ssize_t)avail : HL_SMPP_HEADER_LEN);
		fr = hl_smpp_frame(p, avail, &h);
		if (fr == HL_SMPP_FRAME_MORE)
			return;
		if (fr == HL_SMPP_FRAME_BAD) {
			/* The stream cannot be resynchronised. */
			hl_log_warn("smpp %s: the SMSC sent a PDU length of "
			    "%u octets (at most %u): dropping the link",
			    l->opts.name, h.length, HL_SMPP_PDU_MAX);
			link_lost(l, PROBLEM_LOST, 0, "bad PDU length");
			return;
		}
		p = evbuffer_pullup(in, h.length);
		l->last_rx_ms = link_now_ms();
		link_dispatch(l, &h, p);
		if (l->generation != generation)
			return;		/* closed underneath: in is gone */
		evbuffer_drain(in, h.length);
	}
}

/* Sends the bind once the TCP connection is up; reports failures. */
static void
link_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct hl_smpp_link *l = arg;
	unsigned char buf[HL_SMPP_HEADER_LEN + 128];
	char why[96];
	int n;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		link_set_state(l, LINK_BINDING);
		l->last_rx_ms = link_now_ms();
		n = hl_smpp_write_bind(buf, sizeof buf, l->opts.bind_cmd,
		    hl_smpp_link_next_seq(l), &l->opts.bind);
		if (n < 0) {
			hl_log_err("smpp %s: cannot write the bind (a "
			    "setting is too long?)", l->opts.name);
			link_lost(l, PROBLEM_BIND, HL_SMPP_ESME_RSYSERR,
			    "bind not written");
			return;
		}
		link_write(l, buf, (size_t)n);
		link_arm(l, LINK_TICK_MS);
		return;
	}
	if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF)) {
		int e = EVUTIL_SOCKET_ERROR();

		if (what & BEV_EVENT_EOF)
			snprintf(why, sizeof why, "closed by the SMSC");
		else
			snprintf(why, sizeof why, "%s",
			    evutil_socket_error_to_string(e));
		link_lost(l, l->state == LINK_CONNECTING ? PROBLEM_CONNECT :
		    PROBLEM_LOST, 0, why);
	}
}

/* Opens the TCP connection. */
static void
link_connect(struct hl_smpp_link *l)
{
	link_close(l);
	link_set_state(l, LINK_CONNECTING);
	l->bev = bufferevent_socket_new(l->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (l->bev == NULL) {
		link_report(l, PROBLEM_CONNECT, 0, "out of memory");
		link_retry(l);
		return;
	}
	bufferevent_setcb(l->bev, link_read_cb, NULL, link_event_cb, l);
	/* A PDU longer than HL_SMPP_PDU_MAX is refused from its header;
	 * this only bounds how much one read pulls in. */
	bufferevent_setwatermark(l->bev, EV_READ, 0, 64 * 1024);
	if (bufferevent_enable(l->bev, EV_READ | EV_WRITE) == -1 ||
	    bufferevent_socket_connect_hostname(l->bev, NULL, AF_UNSPEC,
	    l->opts.host, (int)l->opts.port) == -1) {
		/* The bufferevent may already be gone through the event
		 * callback; link_lost() has then scheduled the retry. */
		if (l->state == LINK_CONNECTING) {
			link_close(l);
			link_report(l, PROBLEM_CONNECT, 0, "connect failed");
			link_retry(l);
		}
		return;
	}
	/* The connect itself is bounded like a bind (unless it already
	 * failed inside the call and the backoff is armed). */
	if (l->state == LINK_CONNECTING)
		link_arm(l, LINK_TICK_MS);
}

/* Keep-alive, silence and response deadlines; the reconnect wait. */
static void
link_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hl_smpp_link *l = arg;
	int64_t now = link_now_ms();

	(void)fd;
	(void)what;
	switch (l->state) {
	case LINK_WAITING:
		link_connect(l);
		return;
	case LINK_CONNECTING:
	case LINK_BINDING:
	case LINK_UNBINDING:
		if (now - l->state_ms >= l->opts.resp_timeout_ms) {
			link_lost(l, l->state == LINK_CONNECTING ?
			    PROBLEM_CONNECT : PROBLEM_LOST, 0,
			    l->state == LINK_BINDING ? "no bind_resp" :
			    l->state == LINK_CONNECTING ? "connect timed out" :
			    "no unbind_resp");
			return;
		}
		break;
	case LINK_BOUND:
		if (now - l->last_rx_ms >= l->opts.dead_ms) {
			link_lost(l, PROBLEM_LOST, 0, "the SMSC is silent");
			return;
		}
		if (!l->enquiring && now - l->last_rx_ms >= l->opts.enquire_ms &&
		    now - l->last_tx_ms >= 0) {
			l->enquiring = true;
			l->enquire_seq = hl_smpp_link_next_seq(l);
			link_write_header(l, HL_SMPP_ENQUIRE_LINK,
			    HL_SMPP_ESME_ROK, l->enquire_seq);
		}
		break;
	case LINK_IDLE:
	case LINK_CLOSED:
		return;
	}
	link_arm(l, LINK_TICK_MS);
}

struct hl_smpp_link *
hl_smpp_link_new(struct event_base *base, const struct hl_smpp_link_opts *o,
    const struct hl_smpp_link_cbs *cbs, void *ctx)
{
	struct hl_smpp_link *l = calloc(1, sizeof *l);

	if (l == NULL)
		return NULL;
	l->base = base;
	l->opts = *o;
	l->cbs = *cbs;
	l->ctx = ctx;
	l->backoff.base_ms = o->reconnect_min_ms;
	l->backoff.cap_ms = o->reconnect_max_ms;
	l->timer = evtimer_new(base, link_timer_cb, l);
	if (l->timer == NULL) {
		free(l);
		return NULL;
	}
	l->state = LINK_IDLE;
	return l;
}

int
hl_smpp_link_start(struct hl_smpp_link *l)
{
	if (l->state != LINK_IDLE)
		return -1;
	link_connect(l);
	return 0;
}

bool
hl_smpp_link_is_bound(const struct hl_smpp_link *l)
{
	return l->state == LINK_BOUND;
}

bool
hl_smpp_link_is_closed(const struct hl_smpp_link *l)
{
	return l->state == LINK_CLOSED || l->state == LINK_IDLE;
}

uint32_t
hl_smpp_link_next_seq(struct hl_smpp_link *l)
{
	return hl_smpp_seq_next(&l->seq);
}

int
hl_smpp_link_send(struct hl_smpp_link *l, const unsigned char *pdu,
    size_t len)
{
	if (l->state != LINK_BOUND && l->state != LINK_UNBINDING)
		return -1;
	return link_write(l, pdu, len);
}

void
hl_smpp_link_nack(struct hl_smpp_link *l, uint32_t seq, uint32_t status)
{
	link_write_header(l, HL_SMPP_GENERIC_NACK, status, seq);
}

void
hl_smpp_link_reset(struct hl_smpp_link *l, const char *why)
{
	if (l->state == LINK_BOUND || l->state == LINK_BINDING)
		link_lost(l, PROBLEM_LOST, 0, why);
}

void
hl_smpp_link_unbind(struct hl_smpp_link *l)
{
	switch (l->state) {
	case LINK_BOUND:
		link_set_state(l, LINK_UNBINDING);
		link_write_header(l, HL_SMPP_UNBIND, HL_SMPP_ESME_ROK,
		    hl_smpp_link_next_seq(l));
		return;
	case LINK_UNBINDING:
	case LINK_CLOSED:
		return;
	default:
		link_close(l);
		evtimer_del(l->timer);
		link_set_state(l, LINK_CLOSED);
		return;
	}
}

void
hl_smpp_link_free(struct hl_smpp_link *l)
{
	if (l == NULL)
		return;
	link_close(l);
	if (l->orphan != NULL)
		bufferevent_free(l->orphan);
	if (l->timer != NULL)
		event_free(l->timer);
	free(l);
}
