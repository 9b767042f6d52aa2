/*
 * form.h - application/x-www-form-urlencoded bodies and query strings
 * (the Twilio, USSD-callback and Kannel get-url adapters).
 *
 * Decoding is strict: "+" is a space, "%XX" must be two hex digits, and a
 * name or value that decodes to a NUL byte is refused, so a C string never
 * silently ends early.  Parameters keep their order; a name may repeat.
 * Values are personal data (From, Body): hl_form_clear() wipes them.
 */
#ifndef HELPLINE_FORM_H
#define HELPLINE_FORM_H

#include <stddef.h>

#define HL_FORM_MAX_PARAMS 256

/* One decoded parameter (borrowed from its hl_form). */
struct hl_form_param {
	const char *name;
	const char *value;
};

struct hl_form {
	struct hl_form_param *params;
	size_t n;
	char *buf;		/* the decoded strings */
	size_t buflen;
};

/* Decodes s[0..len) into *form (which the caller clears).  An empty input
 * gives zero parameters.  A piece without "=" is a name with an empty
 * value.  Returns 0, or -1 on a malformed escape, a decoded NUL, more than
 * HL_FORM_MAX_PARAMS parameters or out of memory (then *form is empty). */
int hl_form_parse(const char *s, size_t len, struct hl_form *form);

/* Returns the first value of name (exact, case-sensitive), or NULL. */
const char *hl_form_get(const struct hl_form *, const char *name);

/* Wipes and frees what a form holds; it may be parsed into again. */
void hl_form_clear(struct hl_form *);

#endif
