/*
 * smpp_link.h - one ESME connection to an SMSC: connect, bind, keep alive,
 * read whole PDUs, reconnect with backoff, unbind.
 *
 * The link answers what belongs to the session itself (the peer's
 * enquire_link and unbind, unknown or malformed PDUs with generic_nack)
 * and hands the rest to its owner: deliver_sm, data_sm, submit_sm_resp
 * and generic_nack for the owner's requests.  All I/O is on a libevent
 * bufferevent; nothing blocks the loop except resolving a host name,
 * which is why `host` should be an address.
 *
 * Logging: state changes only (bound, lost, bind refused, cannot
 * connect), each once until the state changes again, never once per
 * attempt.  Nothing a PDU carries is logged except its command name and
 * status.
 */
#ifndef HELPLINE_SMPP_LINK_H
#define HELPLINE_SMPP_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpline/smpp_pdu.h"

struct event_base;
struct hl_smpp_link;

struct hl_smpp_link_opts {
	const char *name;		/* for log lines: "[adapter.smpp] trx" */
	const char *host;		/* the SMSC (an address: no DNS) */
	unsigned port;
	uint32_t bind_cmd;		/* HL_SMPP_BIND_TRANSCEIVER, ... */
	struct hl_smpp_bind bind;	/* borrowed for the link's life */
	unsigned enquire_ms;		/* enquire_link after this much quiet */
	unsigned dead_ms;		/* drop the link after this much
					 * silence (no PDU at all) */
	unsigned resp_timeout_ms;	/* wait for bind_resp/unbind_resp */
	unsigned reconnect_min_ms;	/* backoff base */
	unsigned reconnect_max_ms;	/* backoff cap */
};

struct hl_smpp_link_cbs {
	/* The bind succeeded: the owner may send. */
	void (*bound)(struct hl_smpp_link *, void *ctx);
	/* The link was lost or closed (also after an unbind); what the
	 * owner had outstanding on it will not be answered. */
	void (*down)(struct hl_smpp_link *, void *ctx);
	/* A whole PDU for the owner (deliver_sm, data_sm, submit_sm_resp,
	 * generic_nack); pdu[0..h->length) is valid during the call. */
	void (*pdu)(struct hl_smpp_link *, void *ctx,
	    const struct hl_smpp_header *h, const unsigned char *pdu);
};

/* Creates a link (not connected yet).  Copies nothing from opts but the
 * numbers: the strings must outlive the link.  Returns NULL on no
 * memory. */
struct hl_smpp_link *hl_smpp_link_new(struct event_base *,
    const struct hl_smpp_link_opts *, const struct hl_smpp_link_cbs *,
    void *ctx);

/* Connects and binds, and reconnects whenever the link is lost, until
 * hl_smpp_link_unbind().  Returns 0 or -1. */
int hl_smpp_link_start(struct hl_smpp_link *);

bool hl_smpp_link_is_bound(const struct hl_smpp_link *);

/* True once the link is closed for good (after unbind, or never
 * started). */
bool hl_smpp_link_is_closed(const struct hl_smpp_link *);

/* Returns the next sequence number for a request on this link. */
uint32_t hl_smpp_link_next_seq(struct hl_smpp_link *);

/* Queues a whole PDU for sending.  Returns 0, or -1 when not bound. */
int hl_smpp_link_send(struct hl_smpp_link *, const unsigned char *pdu,
    size_t len);

/* Answers a PDU with generic_nack (status e.g. ESME_RINVCMDLEN). */
void hl_smpp_link_nack(struct hl_smpp_link *, uint32_t seq,
    uint32_t status);

/* Drops the connection as if the peer had gone (a request was not
 * answered in time); reconnects after the backoff. */
void hl_smpp_link_reset(struct hl_smpp_link *, const char *why);

/* Sends unbind, closes on unbind_resp (or after resp_timeout_ms) and
 * does not reconnect.  A link that is not bound closes at once. */
void hl_smpp_link_unbind(struct hl_smpp_link *);

/* Closes the connection and frees.  NULL is fine. */
void hl_smpp_link_free(struct hl_smpp_link *);

#endif
