/*
 * twilio.h - the request side of the Twilio-compatible SMS webhook
 * (gateway-adapters/twilio.c), apart from the event loop so unit tests
 * reach it.  Signatures: twilio_sig.h; replies: twiml.h.
 */
#ifndef HELPLINE_TWILIO_H
#define HELPLINE_TWILIO_H

#include <stddef.h>

struct hl_form;
struct hl_inbound;

/*
 * Builds the URL Twilio signed for a request into buf: the configured
 * public URL up to any '?', then the request's query string exactly as
 * received (from the first '?' of request_uri, which is "/path?query" as
 * sent).  A request without a query string is signed on public_url as
 * written.  Returns 0, or -1 if the result does not fit in len bytes.
 */
int hl_twilio_signed_url(const char *public_url, const char *request_uri,
    char *buf, size_t len);

/*
 * Fills *in from a webhook's parameters (borrowed from form): From, Body
 * and MessageSid (else the legacy SmsMessageSid or SmsSid) as the
 * de-duplication id; channel SMS, no language hint.  Returns 0, or the
 * HTTP status to refuse with (400: From or Body missing; 413: Body over
 * max_text characters) with *problem naming the field (never its value).
 */
int hl_twilio_inbound(const struct hl_form *form, unsigned max_text,
    struct hl_inbound *in, const char **problem);

#endif
