/*
 * form.c - strict application/x-www-form-urlencoded decoding (form.h).
 *
 * Written here rather than taken from libevent: evhttp_parse_query_str()
 * decodes values but not names, keeps malformed "%" escapes as they are,
 * and prints every value at its debug log level, which would put message
 * texts and numbers into the daemon's log if that level were ever on.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/form.h"

/* Returns the value of a hex digit, or -1. */
static int
form_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) into out (NUL-terminated; at most len + 1 bytes).
 * Returns 0, or -1 on a malformed escape or a decoded NUL. */
static int
form_decode(const char *s, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -1;
			hi = form_hex(s[i + 1]);
			lo = form_hex(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0')
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* Decodes a form. */
int
hl_form_parse(const char *s, size_t len, struct hl_form *form)
{
	size_t pieces = 1, n = 0;
	char *out;

	memset(form, 0, sizeof *form);
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		pieces += s[i] == '&';
	if (pieces > HL_FORM_MAX_PARAMS)
		return -1;
	/* Each piece decodes to at most its own length plus two NULs. */
	form->buflen = len + 2 * pieces;
	form->buf = malloc(form->buflen);
	form->params = calloc(pieces, sizeof *form->params);
	if (form->buf == NULL || form->params == NULL)
		goto fail;
	out = form->buf;
	for (size_t start = 0; start <= len;) {
		const char *piece = s + start;
		const char *amp = memchr(piece, '&', len - start);
		size_t plen = amp ? (size_t)(amp - piece) : len - start;
		const char *eq = memchr(piece, '=', plen);
		size_t nlen = eq ? (size_t)(eq - piece) : plen;

		if (plen > 0) {
			struct hl_form_param *p = &form->params[n++];

			if (form_decode(piece, nlen, out) == -1)
				goto fail;
			p->name = out;
			out += strlen(out) + 1;
			if (eq != NULL && form_decode(eq + 1, plen - nlen - 1,
			    out) == -1)
				goto fail;
			if (eq == NULL)
				*out = '\0';
			p->value = out;
			out += strlen(out) + 1;
		}
		start += plen + 1;
	}
	form->n = n;
	return 0;
fail:
	hl_form_clear(form);
	return -1;
}

/* Returns the first value of a name. */
const char *
hl_form_get(const struct hl_form *form, const char *name)
{
	for (size_t i = 0; i < form->n; i++) {
		if (strcmp(form->params[i].name, name) == 0)
			return form->params[i].value;
	}
	return NULL;
}

/* Wipes and frees a form. */
void
hl_form_clear(struct hl_form *form)
{
	if (form->buf != NULL)
		explicit_bzero(form->buf, form->buflen);
	free(form->buf);
	free(form->params);
	memset(form, 0, sizeof *form);
}
