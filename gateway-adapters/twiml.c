/*
 * twiml.c - TwiML replies and XML escaping (twiml.h).
 *
 * Written out by hand rather than through an XML library: the document has
 * one fixed shape and one text node, and the escaping rules below are the
 * whole of what makes it well-formed for any input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/text.h"
#include "helpline/twiml.h"

static const char twiml_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>";
static const char twiml_tail[] = "</Message></Response>";
static const char twiml_empty[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";
static const char twiml_fffd[] = "\xef\xbf\xbd";	/* U+FFFD */

/* Appends s (n bytes) at out[o]; returns the new offset. */
static size_t
twiml_put(char *out, size_t o, const char *s, size_t n)
{
	memcpy(out + o, s, n);
	return o + n;
}

/* Writes one ASCII byte, escaped as XML needs it; returns the new offset. */
static size_t
twiml_put_ascii(char *out, size_t o, char c)
{
	switch (c) {
	case '&':
		return twiml_put(out, o, "&amp;", 5);
	case '<':
		return twiml_put(out, o, "&lt;", 4);
	case '>':
		return twiml_put(out, o, "&gt;", 4);
	case '"':
		return twiml_put(out, o, "&quot;", 6);
	case '\'':
		return twiml_put(out, o, "&apos;", 6);
	case '\r':
		return twiml_put(out, o, "&#13;", 5);
	case '\t':
	case '\n':
		break;
	default:
		if ((unsigned char)c < 0x20)
			return o;	/* not an XML 1.0 character */
		break;
	}
	out[o] = c;
	return o + 1;
}

/* Escapes text for an XML text node. */
size_t
hl_twiml_escape(const char *text, size_t len, char *out)
{
	size_t o = 0, i = 0;

	while (i < len) {
		size_t start = i;
		int32_t cp;

		if ((unsigned char)text[i] < 0x80) {
			o = twiml_put_ascii(out, o, text[i++]);
			continue;
		}
		cp = hl_utf8_next(text, len, &i);
		if (cp == -1) {
			/* One replacement per bad byte, then resynchronise. */
			o = twiml_put(out, o, twiml_fffd, 3);
			i = start + 1;
		} else if (cp == 0xfffe || cp == 0xffff) {
			o = twiml_put(out, o, twiml_fffd, 3);
		} else {
			o = twiml_put(out, o, text + start, i - start);
		}
	}
	return o;
}

/* Renders a TwiML reply. */
char *
hl_twiml_message(const char *text, size_t len, size_t *outlen)
{
	size_t o, cap;
	char *doc;

	if (len > HL_TWIML_MAX_TEXT)
		return NULL;
	if (len == 0) {
		*outlen = sizeof twiml_empty - 1;
		return strdup(twiml_empty);
	}
	cap = sizeof twiml_head - 1 + HL_TWIML_ESCAPED_MAX(len) +
	    sizeof twiml_tail;
	if ((doc = malloc(cap)) == NULL)
		return NULL;
	o = twiml_put(doc, 0, twiml_head, sizeof twiml_head - 1);
	o += hl_twiml_escape(text, len, doc + o);
	o = twiml_put(doc, o, twiml_tail, sizeof twiml_tail - 1);
	doc[o] = '\0';
	*outlen = o;
	return doc;
}
