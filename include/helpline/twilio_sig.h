/*
 * twilio_sig.h - X-Twilio-Signature, computed and checked as Twilio's own
 * validators do (protocols.md section 1).
 *
 * signature = base64(HMAC-SHA1(auth token, URL + for each parameter sorted
 * by name (then value, byte order): name + value)).  A check tries the URL
 * as received, without its port, and with the scheme's default port, and
 * compares in constant time.  A JSON webhook signs the URL only; its
 * bodySHA256 query parameter must equal the hex SHA-256 of the raw body.
 */
#ifndef HELPLINE_TWILIO_SIG_H
#define HELPLINE_TWILIO_SIG_H

#include <stdbool.h>
#include <stddef.h>

#include "helpline/form.h"

#define HL_TWILIO_SIG_LEN 28	/* base64 of 20 bytes, without NUL */


/* Computes the signature of url and params into out (NUL-terminated).
 * Returns 0, or -1 on OOM or an oversized input. */
int hl_twilio_signature(const char *auth_token, const char *url,
    const struct hl_form_param *params, size_t n,
    char out[HL_TWILIO_SIG_LEN + 1]);

/* Returns true if signature matches url (or its port variants) and params,
 * compared in constant time. */
bool hl_twilio_signature_is_valid(const char *auth_token, const char *url,
    const struct hl_form_param *params, size_t n, const char *signature);

/* Returns true if url carries bodySHA256=<hex SHA-256 of body>. */
bool hl_twilio_body_hash_is_valid(const char *url, const void *body,
    size_t len);

#endif
