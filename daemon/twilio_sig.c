/*
 * twilio_sig.c - X-Twilio-Signature (see twilio_sig.h).
 *
 * OpenSSL's EVP_MAC does the HMAC-SHA1 and EVP_EncodeBlock the base64, so
 * nothing cryptographic is written here.  The algorithm and its URL
 * variants follow twilio-python's request_validator.py.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "helpline/twilio_sig.h"

#define SIG_URL_MAX 4096
#define SIG_PARAMS_MAX 256

/* Orders parameters by name, then value, in byte order. */
static int
sig_param_cmp(const void *a, const void *b)
{
	const struct hl_form_param *pa = a, *pb = b;
	int c = strcmp(pa->name, pb->name);

	return c != 0 ? c : strcmp(pa->value, pb->value);
}

/* Feeds a string to the MAC.  Returns 0 or -1. */
static int
sig_update(EVP_MAC_CTX *ctx, const char *s)
{
	return EVP_MAC_update(ctx, (const unsigned char *)s, strlen(s)) == 1 ?
	    0 : -1;
}

/* Computes the signature. */
int
hl_twilio_signature(const char *auth_token, const char *url,
    const struct hl_form_param *params, size_t n,
    char out[HL_TWILIO_SIG_LEN + 1])
{
	OSSL_PARAM digest[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		    (char *)(uintptr_t)"SHA1", 0),
		OSSL_PARAM_construct_end(),
	};
	struct hl_form_param *sorted = NULL;
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t mdlen = 0;
	int rc = -1;

	if (n > SIG_PARAMS_MAX || strlen(url) > SIG_URL_MAX)
		return -1;
	if (n > 0) {
		if ((sorted = calloc(n, sizeof *sorted)) == NULL)
			return -1;
		memcpy(sorted, params, n * sizeof *sorted);
		qsort(sorted, n, sizeof *sorted, sig_param_cmp);
	}
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    EVP_MAC_init(ctx, (const unsigned char *)auth_token,
	    strlen(auth_token), digest) != 1 || sig_update(ctx, url) == -1)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (sig_update(ctx, sorted[i].name) == -1 ||
		    sig_update(ctx, sorted[i].value) == -1)
			goto out;
	}
	if (EVP_MAC_final(ctx, md, &mdlen, sizeof md) != 1 || mdlen != 20)
		goto out;
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
	rc = 0;
out:
	OPENSSL_cleanse(md, sizeof md);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	free(sorted);
	return rc;
}

/*
 * Finds the port in url's authority: sets *colon to the ':' and *end to
 * the end of the authority.  Returns 0 (*colon NULL if there is no port)
 * or -1 if url is not scheme://authority...
 */
static int
sig_authority(const char *url, const char **colon, const char **end)
{
	const char *host = strstr(url, "://"), *p;

	if (host == NULL)
		return -1;
	host += 3;
	*end = host + strcspn(host, "/?#");
	for (p = host; p < *end; p++) {
		if (*p == '@')
			host = p + 1;	/* user:password@ before the host */
	}
	*colon = NULL;
	for (p = *end; p > host; p--) {
		if (p[-1] == ']')
			break;		/* IPv6 literal without port */
		if (p[-1] == ':') {
			*colon = p - 1;
			break;
		}
	}
	return 0;
}

/*
 * Writes a variant of url into buf: 0 as received, 1 without its port,
 * 2 with the scheme's default port.  Returns 0, or -1 if the variant does
 * not apply (no port to remove, a port already there, an unknown scheme).
 */
static int
sig_url_variant(const char *url, int variant, char *buf, size_t len)
{
	const char *colon, *end, *port;
	size_t head;

	if (variant == 0)
		return (size_t)snprintf(buf, len, "%s", url) < len ? 0 : -1;
	if (sig_authority(url, &colon, &end) == -1)
		return -1;
	if (variant == 1) {
		if (colon == NULL)
			return -1;
		head = (size_t)(colon - url);
		return (size_t)snprintf(buf, len, "%.*s%s", (int)head, url,
		    end) < len ? 0 : -1;
	}
	if (colon != NULL)
		return -1;
	if (strncmp(url, "https://", 8) == 0)
		port = ":443";
	else if (strncmp(url, "http://", 7) == 0)
		port = ":80";
	else
		return -1;
	head = (size_t)(end - url);
	return (size_t)snprintf(buf, len, "%.*s%s%s", (int)head, url, port,
	    end) < len ? 0 : -1;
}

/* Checks a signature against url's variants. */
bool
hl_twilio_signature_is_valid(const char *auth_token, const char *url,
    const struct hl_form_param *params, size_t n, const char *signature)
{
	char variant[SIG_URL_MAX + 16];
	char want[HL_TWILIO_SIG_LEN + 1];
	bool ok = false;

	if (signature == NULL || strlen(signature) != HL_TWILIO_SIG_LEN)
		return false;
	for (int v = 0; v < 3; v++) {
		if (sig_url_variant(url, v, variant, sizeof variant) == -1 ||
		    hl_twilio_signature(auth_token, variant, params, n,
		    want) == -1)
			continue;
		/* Every variant is tried, so timing says nothing either. */
		ok |= CRYPTO_memcmp(want, signature, HL_TWILIO_SIG_LEN) == 0;
	}
	OPENSSL_cleanse(want, sizeof want);
	return ok;
}

/* Checks the bodySHA256 query parameter against the body. */
bool
hl_twilio_body_hash_is_valid(const char *url, const void *body, size_t len)
{
	static const char hexdigits[] = "0123456789abcdef";
	const char *q = strchr(url, '?'), *p;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * 32 + 1];

	if (q == NULL)
		return false;
	for (p = q + 1; p != NULL && *p != '\0'; p = strchr(p, '&')) {
		if (*p == '&')
			p++;
		if (strncmp(p, "bodySHA256=", 11) == 0)
			break;
	}
	if (p == NULL || *p == '\0')
		return false;
	p += 11;
	if (EVP_Digest(body, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return false;
	for (unsigned i = 0; i < mdlen; i++) {
		hex[2 * i] = hexdigits[md[i] >> 4];
		hex[2 * i + 1] = hexdigits[md[i] & 0xf];
	}
	hex[64] = '\0';
	return strncmp(p, hex, 64) == 0 && (p[64] == '\0' || p[64] == '&');
}
