/*
 * kannel_text.h - the pure half of the Kannel adapter: one MO as Kannel's
 * smsbox hands it to an sms-service, read into UTF-8 and an hl_inbound.
 *
 * post-url: sender in X-Kannel-From, our number in X-Kannel-To, coding in
 * X-Kannel-Coding, the text as the body in the Content-Type's charset
 * ("UTF-8" with mo-recode, "UTF-16BE" for UCS-2 without it, "8-BIT" for
 * 8-bit data), Kannel's message id and our secret in the query (id=, key=).
 * get-url: all of it in the query (from, to, text, coding, charset, id,
 * key).  Text whose charset we cannot read, or whose bytes are not valid
 * in it, is handed on as empty, which the engine treats as an unknown
 * choice: the user still gets an answer (DESIGN.md section 6).
 */
#ifndef HELPLINE_KANNEL_TEXT_H
#define HELPLINE_KANNEL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "helpline/core.h"
#include "helpline/form.h"

struct evkeyvalq;

/* One MO.  The strings are borrowed from the request headers or owned by
 * query; text is owned.  All of it is personal data: hl_kannel_mo_clear()
 * wipes it. */
struct hl_kannel_mo {
	const char *from;	/* the handset's number */
	const char *to;		/* the number it texted (ours), or NULL */
	const char *id;		/* Kannel's message id (%I), or NULL */
	const char *key;	/* the shared secret as sent, or NULL */
	char *text;		/* UTF-8, NUL-terminated */
	size_t len;
	bool unreadable;	/* charset unknown or bytes invalid in it:
				 * text is empty */
	struct hl_form query;	/* the decoded query string */
};

/* Writes the charset parameter of a Content-Type ("text/plain;
 * charset=\"UTF-8\"" gives UTF-8) into out, unquoted.  Returns 0, or -1
 * if there is none or it does not fit. */
int hl_kannel_content_charset(const char *content_type, char *out,
    size_t outlen);

/* Converts in[0..len) to UTF-8 in a new NUL-terminated buffer (*out,
 * caller frees; *outlen excludes the NUL).  charset is Kannel's name for
 * it ("UTF-8", "UTF-16BE", "8-BIT" read as ISO-8859-1) or any name iconv
 * knows; when it is NULL, coding decides ("2" UTF-16BE, "1" 8-bit, else
 * UTF-8).  UTF-8 is copied as it is: the engine checks it.  Returns 0, or
 * -1 with *out NULL if the charset is unknown, the bytes are not valid in
 * it (an odd byte count or a lone surrogate in UTF-16) or out of memory. */
int hl_kannel_to_utf8(const char *charset, const char *coding,
    const char *in, size_t len, char **out, size_t *outlen);

/* Reads the query string (may be NULL) into a zeroed *mo: Kannel's id
 * (id=) and the secret (key=).  Returns 0, or -1 if it is malformed.
 * Whatever these three functions return, the caller clears *mo with
 * hl_kannel_mo_clear(). */
int hl_kannel_parse_query(const char *query, struct hl_kannel_mo *mo);

/* Reads the rest of a post-url request from its headers and body.
 * Returns NULL, or a short reason for a 400.  A text that does not decode
 * sets unreadable; that is no error. */
const char *hl_kannel_parse_post(struct hl_kannel_mo *mo,
    const struct evkeyvalq *headers, const char *body, size_t len);

/* Reads the rest of a get-url request from its query, as for a post. */
const char *hl_kannel_parse_get(struct hl_kannel_mo *mo);

/* Fills an inbound message that borrows from mo. */
void hl_kannel_inbound(const struct hl_kannel_mo *mo, struct hl_inbound *in);

/* Returns true if a reply must go out as UCS-2 (Kannel would turn every
 * character outside GSM-7 into '?'). */
bool hl_kannel_needs_ucs2(const char *text, size_t len);

/* Wipes and frees what mo holds. */
void hl_kannel_mo_clear(struct hl_kannel_mo *mo);

#endif
