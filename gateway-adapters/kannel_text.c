/*
 * kannel_text.c - an MO from Kannel's smsbox read into UTF-8 and an
 * hl_inbound (kannel_text.h); no I/O, so the unit tests drive it directly.
 *
 * Charsets are converted with glibc's iconv.  Kannel names 8-bit data
 * "8-BIT": it is read as ISO-8859-1, which maps every byte, so the digits
 * of a menu choice survive whatever the handset meant.
 */
#include <sys/types.h>

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "helpline/kannel_text.h"
#include "helpline/text.h"

#define KANNEL_CHARSET_MAX 40

/* Returns true if s is a plausible charset name (letters, digits, "-_.:"),
 * so nothing odd from the network reaches iconv_open(). */
static bool
kannel_charset_is_sane(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= KANNEL_CHARSET_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == ':'))
			return false;
	}
	return true;
}

/* Finds the charset parameter of a Content-Type. */
int
hl_kannel_content_charset(const char *type, char *out, size_t outlen)
{
	const char *p = type == NULL ? NULL : strchr(type, ';');

	while (p != NULL) {
		size_t n;

		p++;
		p += strspn(p, " \t");
		if (strncasecmp(p, "charset", 7) != 0) {
			p = strchr(p, ';');
			continue;
		}
		p += 7;
		p += strspn(p, " \t");
		if (*p != '=')
			return -1;
		p++;
		p += strspn(p, " \t");
		if (*p == '"') {
			p++;
			n = strcspn(p, "\"");
			if (p[n] != '"')
				return -1;
		} else {
			n = strcspn(p, "; \t");
		}
		if (n == 0 || n >= outlen)
			return -1;
		memcpy(out, p, n);
		out[n] = '\0';
		return 0;
	}
	return -1;
}

/* Returns the charset to read a text in, from Kannel's names or coding. */
static const char *
kannel_source_charset(const char *charset, const char *coding)
{
	if (charset == NULL || *charset == '\0') {
		if (coding != NULL && strcmp(coding, "2") == 0)
			return "UTF-16BE";
		if (coding != NULL && strcmp(coding, "1") == 0)
			return "ISO-8859-1";
		return "UTF-8";
	}
	if (strcasecmp(charset, "UTF8") == 0)
		return "UTF-8";
	if (strcasecmp(charset, "8-BIT") == 0)
		return "ISO-8859-1";
	return charset;
}

/* Runs iconv over the whole input into out[0..cap); returns the bytes
 * written, or -1 if the input is invalid or incomplete. */
static ssize_t
kannel_iconv(iconv_t cd, const char *in, size_t len, char *out, size_t cap)
{
	/* iconv() takes char ** but does not write through the input. */
	char *inp = (char *)(uintptr_t)in;
	char *outp = out;
	size_t inleft = len, outleft = cap;

	if (iconv(cd, &inp, &inleft, &outp, &outleft) == (size_t)-1 ||
	    inleft != 0)
		return -1;
	if (iconv(cd, NULL, NULL, &outp, &outleft) == (size_t)-1)
		return -1;
	return (ssize_t)(cap - outleft);
}

/* Converts a text to UTF-8. */
int
hl_kannel_to_utf8(const char *charset, const char *coding, const char *in,
    size_t len, char **out, size_t *outlen)
{
	const char *from = kannel_source_charset(charset, coding);
	iconv_t cd;
	size_t cap;
	ssize_t n;
	char *buf;

	*out = NULL;
	*outlen = 0;
	if (strcasecmp(from, "UTF-8") == 0) {
		if (memchr(in, '\0', len) != NULL)
			return -1;
		if ((buf = malloc(len + 1)) == NULL)
			return -1;
		memcpy(buf, in, len);
		buf[len] = '\0';
		*out = buf;
		*outlen = len;
		return 0;
	}
	if (!kannel_charset_is_sane(from))
		return -1;
	cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return -1;
	/* Four bytes of UTF-8 cover any one input byte of any charset
	 * (single-byte charsets give at most three). */
	cap = 4 * len + 4;
	if (len > (SIZE_MAX - 4) / 4 || (buf = malloc(cap + 1)) == NULL) {
		iconv_close(cd);
		return -1;
	}
	n = kannel_iconv(cd, in, len, buf, cap);
	iconv_close(cd);
	if (n < 0 || memchr(buf, '\0', (size_t)n) != NULL ||
	    !hl_utf8_is_valid(buf, (size_t)n)) {
		explicit_bzero(buf, cap + 1);
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = (size_t)n;
	return 0;
}

/* Returns a query parameter, or NULL if it is absent or empty. */
static const char *
kannel_param(const struct hl_form *form, const char *name)
{
	const char *v = hl_form_get(form, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* Reads the query string. */
int
hl_kannel_parse_query(const char *query, struct hl_kannel_mo *mo)
{
	memset(mo, 0, sizeof *mo);
	if (query == NULL)
		query = "";
	if (hl_form_parse(query, strlen(query), &mo->query) == -1)
		return -1;
	mo->id = kannel_param(&mo->query, "id");
	mo->key = hl_form_get(&mo->query, "key");
	return 0;
}

/* Decodes the text into mo; an undecodable text becomes empty.  Returns 0
 * or -1 when out of memory. */
static int
kannel_set_text(struct hl_kannel_mo *mo, const char *charset,
    const char *coding, const char *bytes, size_t len)
{
	if (hl_kannel_to_utf8(charset, coding, bytes, len, &mo->text,
	    &mo->len) == 0)
		return 0;
	mo->unreadable = true;
	mo->text = calloc(1, 1);
	mo->len = 0;
	return mo->text == NULL ? -1 : 0;
}

/* Reads a post-url request's headers and body. */
const char *
hl_kannel_parse_post(struct hl_kannel_mo *mo, const struct evkeyvalq *hc,
    const char *body, size_t len)
{
	/* evhttp_find_header() takes a non-const list it does not change. */
	struct evkeyvalq *headers = (struct evkeyvalq *)(uintptr_t)hc;
	char charset[KANNEL_CHARSET_MAX];
	const char *coding;
	bool has_charset;

	mo->from = evhttp_find_header(headers, "X-Kannel-From");
	if (mo->from == NULL || *mo->from == '\0')
		return "no X-Kannel-From header: set send-sender = true in "
		    "Kannel's sms-service";
	mo->to = evhttp_find_header(headers, "X-Kannel-To");
	if (mo->to != NULL && *mo->to == '\0')
		mo->to = NULL;
	coding = evhttp_find_header(headers, "X-Kannel-Coding");
	has_charset = hl_kannel_content_charset(evhttp_find_header(headers,
	    "Content-Type"), charset, sizeof charset) == 0;
	if (kannel_set_text(mo, has_charset ? charset : NULL, coding, body,
	    len) == -1)
		return "out of memory";
	return NULL;
}

/* Reads a get-url request's query. */
const char *
hl_kannel_parse_get(struct hl_kannel_mo *mo)
{
	const char *text;

	mo->from = kannel_param(&mo->query, "from");
	text = hl_form_get(&mo->query, "text");
	if (mo->from == NULL || text == NULL)
		return "get-url needs from=%p and text=%b in its query";
	mo->to = kannel_param(&mo->query, "to");
	if (kannel_set_text(mo, kannel_param(&mo->query, "charset"),
	    kannel_param(&mo->query, "coding"), text, strlen(text)) == -1)
		return "out of memory";
	return NULL;
}

/* Fills an inbound message from an MO. */
void
hl_kannel_inbound(const struct hl_kannel_mo *mo, struct hl_inbound *in)
{
	memset(in, 0, sizeof *in);
	in->adapter = "kannel";
	in->channel = HL_CHANNEL_SMS;
	in->sender = mo->from;
	in->text.bytes = mo->text;
	in->text.len = mo->len;
	in->gateway_id = mo->id;
}

/* Returns true if a reply needs UCS-2. */
bool
hl_kannel_needs_ucs2(const char *text, size_t len)
{
	struct hl_sms_count count;

	return hl_sms_count(text, len, &count) == 0 &&
	    count.coding == HL_SMS_UCS2;
}

/* Wipes an MO. */
void
hl_kannel_mo_clear(struct hl_kannel_mo *mo)
{
	if (mo->text != NULL) {
		explicit_bzero(mo->text, mo->len);
		free(mo->text);
	}
	hl_form_clear(&mo->query);
	memset(mo, 0, sizeof *mo);
}
