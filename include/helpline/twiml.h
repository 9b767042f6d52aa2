/*
 * twiml.h - the TwiML document a Twilio-compatible gateway expects back
 * from an inbound SMS webhook (protocols.md section 1).
 *
 *   <?xml version="1.0" encoding="UTF-8"?><Response><Message>text</Message></Response>
 *
 * and <Response/> for "send nothing".  The text is escaped so that any
 * byte string gives a well-formed document: & < > " ' become entities, a
 * CR becomes &#13; (a parser would otherwise turn CR LF into LF), tab and
 * LF pass through, other C0 controls (not allowed in XML 1.0, even as
 * references) are dropped, and invalid UTF-8 and U+FFFE/U+FFFF become
 * U+FFFD.  Valid UTF-8 passes unchanged.
 */
#ifndef HELPLINE_TWIML_H
#define HELPLINE_TWIML_H

#include <stddef.h>

/* Longest text rendered, in bytes (a reply is one screen of a few hundred). */
#define HL_TWIML_MAX_TEXT 65536

/* Renders text[0..len) as a TwiML <Message>, or <Response/> when len is 0.
 * Returns a NUL-terminated document (caller frees) with its length in
 * *outlen, or NULL if len is over HL_TWIML_MAX_TEXT or on OOM. */
char *hl_twiml_message(const char *text, size_t len, size_t *outlen);

/* Writes the XML-escaped text[0..len) into out, which must hold
 * HL_TWIML_ESCAPED_MAX(len) bytes.  Returns the bytes written (no NUL). */
size_t hl_twiml_escape(const char *text, size_t len, char *out);

/* Bytes hl_twiml_escape() may write for len input bytes ("&quot;"). */
#define HL_TWIML_ESCAPED_MAX(len) ((len) * 6)

#endif
