/*
 * twilio.c - the Twilio-compatible inbound SMS webhook: form POST in,
 * TwiML out (protocols.md section 1).
 *
 *   POST <path>   Content-Type: application/x-www-form-urlencoded
 *                 X-Twilio-Signature: <base64 HMAC-SHA1>
 *   From=%2B31612345678&Body=1&MessageSid=SM...&To=...&AccountSid=...
 *   200 text/xml; charset=utf-8
 *   <?xml version="1.0" encoding="UTF-8"?><Response><Message>...</Message></Response>
 *
 * Settings ([adapter.twilio], or any section with type = twilio):
 *   path        route on the shared listener (default /twilio/sms);
 *   auth_token  the account's Auth Token, the HMAC key; required unless
 *               validate = no;
 *   public_url  the exact URL configured in Twilio's console (what Twilio
 *               signs; behind a proxy it is not our own address); required
 *               unless validate = no;
 *   validate    yes (default); "no" accepts unsigned requests, for tests
 *               and development only, and says so loudly at start;
 *   max_text    longest Body accepted, in characters (default 1600, which
 *               is Twilio's own limit).
 *
 * The URL checked is public_url up to any '?' plus the query string as
 * received (hl_twilio_signed_url), so a JSON webhook's bodySHA256 and any
 * query configured in the console are covered; the signature helper also
 * tries that URL with and without the default port (:443/:80).
 *
 * Order of checks, each answered with a short text/plain body:
 *   405 (+ Allow: POST) any method but POST;
 *   415 a content type other than application/x-www-form-urlencoded, or
 *       application/json on a URL without bodySHA256;
 *   413 a body over [http] max_body (evhttp answers that one itself);
 *   403 X-Twilio-Signature missing;
 *   400 a malformed form (the decoded values are what is signed, so the
 *       form must be decoded before the signature can be checked);
 *   403 signature wrong (form: URL + sorted parameters; JSON: URL only, and
 *       bodySHA256 must be the hex SHA-256 of the raw body);
 *   400 JSON that does not parse, From or Body missing;
 *   413 Body over max_text characters (refused, not truncated: a cut
 *       message could select a menu option the sender did not type);
 *   500 an internal error (Twilio then tries its fallback URL).
 * Nothing is parsed into a message, stored or counted before the signature
 * holds.  A refused signature is logged only as a count (the first refusal
 * and every hundredth after it), never with anything from the request.
 *
 * The JSON form (Content-Type: application/json, URL carrying bodySHA256)
 * carries the same fields as string members of one object; jansson parses
 * it (strict UTF-8, duplicate keys refused).
 *
 * A retry (same MessageSid from the same sender within [sessions]
 * dedup_window) gets the TwiML of the first reply, or <Response/> if that
 * is no longer kept, and does not move the session.  An empty reply is
 * <Response/> (send nothing), and so is the answer to a message from a
 * sender over the rate limit ([ratelimit]): Twilio sends nothing, so the
 * flood costs nothing.  Refusals are counted by reason (figures.h).  Invalid UTF-8 in Body goes to the core,
 * which treats it as an unknown choice.  MessageSid, From, Body and the
 * signature are never logged; the body buffer and decoded form are wiped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "helpline/adapter.h"
#include "helpline/config.h"
#include "helpline/core.h"
#include "helpline/figures.h"
#include "helpline/form.h"
#include "helpline/http.h"
#include "helpline/log.h"
#include "helpline/text.h"
#include "helpline/twilio.h"
#include "helpline/twilio_sig.h"
#include "helpline/twiml.h"

#define TWILIO_MAX_TEXT_DEFAULT 1600
#define TWILIO_URL_MAX 4096		/* what twilio_sig.c signs at most */
#define TWILIO_REFUSAL_LOG_EVERY 100

struct twilio_adapter {
	struct hl_core *core;
	struct hl_http *http;
	const char *path;
	const char *auth_token;	/* borrowed from the config */
	const char *public_url;	/* borrowed from the config */
	unsigned max_text;
	bool validate;
	bool stopped;
	unsigned long refused;	/* requests refused for their signature */
	struct hl_metrics *metrics;
	const char *name;	/* the section's adapter name: retries and
				 * dialogues are told apart per gateway */
};

/* What a request's body is, by its Content-Type and URL. */
enum twilio_body_kind {
	TWILIO_BODY_FORM,
	TWILIO_BODY_JSON,	/* application/json with bodySHA256 */
	TWILIO_BODY_OTHER,
};

/* Builds the signed URL from the public URL and the received query. */
int
hl_twilio_signed_url(const char *public_url, const char *request_uri,
    char *buf, size_t len)
{
	const char *query = strchr(request_uri, '?');
	size_t base;
	int n;

	if (query == NULL) {
		n = snprintf(buf, len, "%s", public_url);
	} else {
		base = strcspn(public_url, "?");
		n = snprintf(buf, len, "%.*s%s", (int)base, public_url, query);
	}
	return n >= 0 && (size_t)n < len ? 0 : -1;
}

/* Returns the number of characters in s, counting each byte of invalid
 * UTF-8 as one. */
static size_t
twilio_chars(const char *s, size_t len)
{
	return hl_utf8_is_valid(s, len) ? hl_utf8_chars(s, len) : len;
}

/* Extracts the message from a webhook's parameters. */
int
hl_twilio_inbound(const struct hl_form *form, unsigned max_text,
    struct hl_inbound *in, const char **problem)
{
	const char *body, *id;

	memset(in, 0, sizeof *in);
	in->sender = hl_form_get(form, "From");
	if (in->sender == NULL || in->sender[0] == '\0') {
		*problem = "From is missing";
		return 400;
	}
	if ((body = hl_form_get(form, "Body")) == NULL) {
		*problem = "Body is missing";
		return 400;
	}
	in->text.bytes = body;
	in->text.len = strlen(body);
	if (twilio_chars(body, in->text.len) > max_text) {
		*problem = "Body is too long";
		return 413;
	}
	if ((id = hl_form_get(form, "MessageSid")) == NULL &&
	    (id = hl_form_get(form, "SmsMessageSid")) == NULL)
		id = hl_form_get(form, "SmsSid");
	in->gateway_id = id;
	in->adapter = "twilio";
	in->channel = HL_CHANNEL_SMS;
	in->lang_hint = NULL;
	in->session_id = NULL;
	*problem = NULL;
	return 0;
}

/* Sends a short plain-text error. */
static void
twilio_error(struct evhttp_request *req, int code, const char *reason,
    const char *msg)
{
	char body[128];
	int n = snprintf(body, sizeof body, "%s\n", msg);

	hl_http_reply(req, code, reason, "text/plain; charset=utf-8", body,
	    n > 0 && (size_t)n < sizeof body ? (size_t)n : 0);
}

/* Returns the reason phrase of the statuses this adapter sends. */
static const char *
twilio_reason(int code)
{
	switch (code) {
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 405:
		return "Method Not Allowed";
	case 413:
		return "Payload Too Large";
	case 414:
		return "URI Too Long";
	case 415:
		return "Unsupported Media Type";
	default:
		return "Internal Server Error";
	}
}

/* Refuses a request with a plain-text error, counting it by reason. */
static void
twilio_reject(const struct twilio_adapter *ta, struct evhttp_request *req,
    int code, const char *msg, enum hl_reject why)
{
	hl_figures_reject(ta->metrics, ta->name, why);
	twilio_error(req, code, twilio_reason(code), msg);
}

/* Refuses a request whose signature is missing or wrong, counting it. */
static void
twilio_refuse(struct twilio_adapter *ta, struct evhttp_request *req)
{
	hl_figures_reject(ta->metrics, ta->name, HL_REJECT_BAD_SIGNATURE);
	if (ta->refused++ % TWILIO_REFUSAL_LOG_EVERY == 0)
		hl_log_warn("twilio: %lu request(s) refused so far for a "
		    "missing or wrong X-Twilio-Signature", ta->refused);
	twilio_error(req, 403, "Forbidden", "forbidden");
}

/* Returns true if a Content-Type's media type (before any ';') is name. */
static bool
twilio_media_type_is(const char *type, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(type, name, n) == 0 &&
	    (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

/* Returns true if the request URI's query has a bodySHA256 parameter. */
static bool
twilio_has_body_hash(const char *uri)
{
	const char *q = strchr(uri, '?');

	for (const char *p = q; p != NULL; p = strchr(p + 1, '&')) {
		if (strncmp(p + 1, "bodySHA256=", 11) == 0)
			return true;
	}
	return false;
}

/* Classifies the body by Content-Type (and, for JSON, the URL). */
static enum twilio_body_kind
twilio_body_kind(struct evhttp_request *req)
{
	const char *type = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Content-Type");

	if (type == NULL)
		return TWILIO_BODY_OTHER;
	if (twilio_media_type_is(type, "application/x-www-form-urlencoded"))
		return TWILIO_BODY_FORM;
	if (twilio_media_type_is(type, "application/json") &&
	    twilio_has_body_hash(evhttp_request_get_uri(req)))
		return TWILIO_BODY_JSON;
	return TWILIO_BODY_OTHER;
}

/* Sends the engine's reply as TwiML. */
static void
twilio_reply_cb(const struct hl_reply *reply, void *ctx)
{
	struct evhttp_request *req = ctx;
	char *doc;
	size_t len;

	if (reply->status == HL_REPLY_FAILED) {
		twilio_error(req, 500, "Internal Server Error",
		    "internal error");
		return;
	}
	/* A duplicate's text is the first reply (or empty: <Response/>); a
	 * flooded message's is empty: <Response/>, nothing is sent. */
	doc = hl_twiml_message(reply->text, reply->len, &len);
	if (doc == NULL) {
		twilio_error(req, 500, "Internal Server Error",
		    "internal error");
		return;
	}
	hl_http_reply(req, HTTP_OK, "OK", "text/xml; charset=utf-8", doc,
	    len);
	free(doc);
}

/*
 * Turns a JSON body's string members into form parameters borrowed from
 * obj (form->buf stays NULL; hl_form_clear() frees the array).  Members of
 * other types are skipped.  Returns 0, or -1 if obj is no object, has too
 * many members, or on OOM.
 */
static int
twilio_json_form(json_t *obj, struct hl_form *form)
{
	const char *key;
	json_t *value;
	size_t n = 0;

	memset(form, 0, sizeof *form);
	if (!json_is_object(obj) ||
	    json_object_size(obj) > HL_FORM_MAX_PARAMS)
		return -1;
	form->params = calloc(json_object_size(obj) + 1,
	    sizeof *form->params);
	if (form->params == NULL)
		return -1;
	json_object_foreach(obj, key, value) {
		if (!json_is_string(value))
			continue;
		form->params[n].name = key;
		form->params[n].value = json_string_value(value);
		n++;
	}
	form->n = n;
	return 0;
}

/*
 * Returns true if sig signs url and params.  Twilio signs the URL as it
 * is configured, so that is tried first on its own; only a mismatch pays
 * for hl_twilio_signature_is_valid()'s port variants (which include it
 * again).  The shortcut tells a sender nothing the status does not: each
 * comparison is constant time and every refusal takes the full path.
 * It halves the HMAC work of a genuine request (bench/http-twilio).
 */
static bool
twilio_signature_holds(const char *token, const char *url,
    const struct hl_form_param *params, size_t n, const char *sig)
{
	char want[HL_TWILIO_SIG_LEN + 1];
	bool ok;

	ok = strlen(sig) == HL_TWILIO_SIG_LEN &&
	    hl_twilio_signature(token, url, params, n, want) == 0 &&
	    CRYPTO_memcmp(want, sig, HL_TWILIO_SIG_LEN) == 0;
	OPENSSL_cleanse(want, sizeof want);
	return ok || hl_twilio_signature_is_valid(token, url, params, n, sig);
}

/*
 * Checks the signature of a request.  For a form, decodes it into *form
 * first (the decoded values are signed).  Returns 0 if it holds, 403 if
 * not, 400 if the form is malformed.
 */
static int
twilio_check(const struct twilio_adapter *ta, struct evhttp_request *req,
    enum twilio_body_kind kind, const char *url, const char *body,
    size_t len, struct hl_form *form)
{
	const char *sig = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "X-Twilio-Signature");

	if (ta->validate && sig == NULL)
		return 403;
	if (kind == TWILIO_BODY_FORM && hl_form_parse(body, len, form) == -1)
		return 400;
	if (!ta->validate)
		return 0;
	if (kind == TWILIO_BODY_FORM)
		return twilio_signature_holds(ta->auth_token, url,
		    form->params, form->n, sig) ? 0 : 403;
	/* JSON: the signature covers the URL, the URL the body's hash. */
	return twilio_signature_holds(ta->auth_token, url, NULL, 0, sig) &&
	    hl_twilio_body_hash_is_valid(url, body, len) ? 0 : 403;
}

/* Decodes a checked JSON body into *obj and *form.  Returns 0 or 400. */
static int
twilio_parse_json(const char *body, size_t len, json_t **obj,
    struct hl_form *form)
{
	json_error_t jerr;

	*obj = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (*obj == NULL || twilio_json_form(*obj, form) == -1)
		return 400;
	return 0;
}

/* Handles one webhook request. */
static void
twilio_handle(struct evhttp_request *req, void *arg)
{
	struct twilio_adapter *ta = arg;
	struct hl_form form = { 0 };
	struct hl_inbound in;
	enum twilio_body_kind kind;
	const char *problem = NULL;
	char url[TWILIO_URL_MAX + 1];
	json_t *obj = NULL;
	char *body = NULL;
	size_t len = 0;
	int code;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "POST");
		twilio_reject(ta, req, 405, "use POST", HL_REJECT_METHOD);
		return;
	}
	/* After SIGTERM, a request on a connection accepted before is still
	 * answered, and the connection closed after it. */
	if (ta->stopped)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
	if ((kind = twilio_body_kind(req)) == TWILIO_BODY_OTHER) {
		twilio_reject(ta, req, 415,
		    "use application/x-www-form-urlencoded",
		    HL_REJECT_MEDIA_TYPE);
		return;
	}
	if (hl_twilio_signed_url(ta->public_url, evhttp_request_get_uri(req),
	    url, sizeof url) == -1) {
		twilio_reject(ta, req, 414, "URI too long",
		    HL_REJECT_TOO_LARGE);
		return;
	}
	body = hl_http_body(req, hl_http_max_body(ta->http), &len);
	if (body == NULL) {
		twilio_reject(ta, req, 413, "body too large",
		    HL_REJECT_TOO_LARGE);
		return;
	}
	code = twilio_check(ta, req, kind, url, body, len, &form);
	if (code == 403) {
		twilio_refuse(ta, req);
		goto done;
	}
	if (code == 400)
		problem = "malformed form body";
	if (code == 0 && kind == TWILIO_BODY_JSON &&
	    (code = twilio_parse_json(body, len, &obj, &form)) != 0)
		problem = "body is not a JSON object (UTF-8)";
	if (code == 0)
		code = hl_twilio_inbound(&form, ta->max_text, &in, &problem);
	if (code != 0) {
		twilio_reject(ta, req, code, problem, code == 413 ?
		    HL_REJECT_TOO_LARGE : HL_REJECT_MALFORMED);
		goto done;
	}
	in.adapter = ta->name;
	if (hl_core_submit(ta->core, &in, twilio_reply_cb, req) == -1)
		twilio_error(req, 500, "Internal Server Error",
		    "internal error");
done:
	hl_form_clear(&form);
	json_decref(obj);
	explicit_bzero(body, len);
	free(body);
}

/* Reads the settings; returns 0 or -1 with err set. */
static int
twilio_configure(struct twilio_adapter *ta, const struct hl_adapter_env *env,
    char *err, size_t errlen)
{
	struct hl_config *c = env->config;
	const char *s = env->section;

	if (hl_config_str(c, s, "path", "/twilio/sms", &ta->path, err,
	    errlen) == -1 ||
	    hl_config_str(c, s, "auth_token", NULL, &ta->auth_token, err,
	    errlen) == -1 ||
	    hl_config_str(c, s, "public_url", NULL, &ta->public_url, err,
	    errlen) == -1 ||
	    hl_config_bool(c, s, "validate", true, &ta->validate, err,
	    errlen) == -1 ||
	    hl_config_uint(c, s, "max_text", TWILIO_MAX_TEXT_DEFAULT, 1,
	    65536, &ta->max_text, err, errlen) == -1)
		return -1;
	if (ta->path[0] != '/') {
		snprintf(err, errlen, "[%s] path must start with '/'", s);
		return -1;
	}
	if (ta->public_url != NULL && strncmp(ta->public_url, "https://",
	    8) != 0 && strncmp(ta->public_url, "http://", 7) != 0) {
		snprintf(err, errlen, "[%s] public_url must be the http:// or "
		    "https:// URL configured in Twilio's console", s);
		return -1;
	}
	if (ta->public_url != NULL &&
	    strlen(ta->public_url) > TWILIO_URL_MAX / 2) {
		snprintf(err, errlen, "[%s] public_url is too long", s);
		return -1;
	}
	if (!ta->validate) {
		if (ta->public_url == NULL)
			ta->public_url = "http://localhost/";
		return 0;
	}
	if (ta->auth_token == NULL || ta->auth_token[0] == '\0') {
		snprintf(err, errlen, "[%s] auth_token is required (or "
		    "validate = no, for tests only)", s);
		return -1;
	}
	if (ta->public_url == NULL) {
		snprintf(err, errlen, "[%s] public_url is required: the URL "
		    "configured in Twilio's console", s);
		return -1;
	}
	return 0;
}

/* Reads the adapter's section and registers the route. */
static void *
twilio_create(const struct hl_adapter_env *env, char *err, size_t errlen)
{
	struct twilio_adapter *ta = calloc(1, sizeof *ta);

	if (ta == NULL) {
		snprintf(err, errlen, "twilio: out of memory");
		return NULL;
	}
	ta->core = env->core;
	ta->metrics = env->metrics;
	ta->name = env->section + strlen("adapter.");
	ta->http = env->http;
	if (twilio_configure(ta, env, err, errlen) == -1)
		goto fail;
	if (env->http == NULL) {
		snprintf(err, errlen, "[%s] needs the HTTP listener",
		    env->section);
		goto fail;
	}
	if (hl_http_route(env->http, ta->path, twilio_handle, ta) == -1) {
		snprintf(err, errlen, "[%s] path %s is already taken",
		    env->section, ta->path);
		goto fail;
	}
	if (!ta->validate)
		hl_log_warn("twilio: [%s] validate = no: X-Twilio-Signature "
		    "is NOT checked and anyone who can reach %s may send "
		    "messages; for tests and development only", env->section,
		    ta->path);
	return ta;
fail:
	free(ta);
	return NULL;
}

/* Marks the adapter stopped: later requests close their connection. */
static void
twilio_stop(void *state)
{
	struct twilio_adapter *ta = state;

	ta->stopped = true;
}

/* Frees the adapter. */
static void
twilio_free(void *state)
{
	free(state);
}

const struct hl_adapter_ops hl_adapter_twilio = {
	.name = "twilio",
	.create = twilio_create,
	.stop = twilio_stop,
	.free = twilio_free,
};
