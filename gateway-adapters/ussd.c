/*
 * ussd.c - the USSD callback adapter: Africa's Talking by default, and
 * Hubtel-, Nalo-, Arkesel- or GET-style gateways through a profile of
 * config keys (ussd_profile.h; contrib/helplined.conf has one example
 * section per gateway).
 *
 *   POST /ussd   Content-Type: application/x-www-form-urlencoded
 *   sessionId=ATUid_1&serviceCode=*384*1%23&phoneNumber=%2B2547...&text=1*4
 *   200 text/plain; charset=utf-8   "CON Acuut gevaar: 112.\n1 ..."
 *                                or "END Veilig Thuis 0800-2000 ..."
 *
 * Each request hands the core the gateway's session id (the core keys it
 * with the sender and never stores it as sent), the sender and the latest
 * input only: the last `*`-separated part of a cumulative text, "" on the
 * first hit of a session.  The engine decides CON or END (menus continue,
 * leaf screens end); a caller who dials again after a drop mid-menu gets
 * the core's "continue / main menu" offer as an ordinary CON screen.
 *
 * A retried request is recognised: the request's number within its session
 * (how many inputs a cumulative text holds, or the gateway's sequence
 * field) together with the session id is passed as the gateway id, so the
 * core answers a retry with the screen it answered first instead of
 * applying the same input to the next screen.
 *
 * Gateways end the session on any 4xx, so:
 * - an internal failure (HL_REPLY_FAILED, or a retry whose first answer is
 *   no longer kept) is answered 200 "END " + failure_text, never 5xx,
 *   which Africa's Talking shows as a network error;
 * - 400 malformed body or missing field, 403 missing or wrong secret,
 *   405 wrong method (POST for form/json, GET for query), 413 an input
 *   over max_text characters (or a body over [http] max_body, refused by
 *   evhttp itself), 415 a content type other than the profile's (absent
 *   is accepted) are for requests that are not the gateway's anyway.
 * A rejected request stores nothing and logs nothing; it is counted by
 * reason (figures.h).  A message from a sender over the rate limit
 * ([ratelimit]) must still be answered (the gateway holds the dialogue
 * open for an answer): it gets an END with no text, which closes the
 * dialogue, tells a flooder nothing and starts no session.  Invalid UTF-8 in a
 * form value is passed on (the engine treats it as an unknown choice); in
 * a JSON body it makes the body invalid JSON: 400.
 *
 * The gateway gives 15 s for an answer.  The core answers before
 * hl_core_submit() returns and never waits on the store for longer than
 * its busy timeout; a reply that still takes over USSD_SLOW_MS is logged
 * (counted, without any detail of the request).
 *
 * Shared secret: these gateways do not sign their callbacks, so `secret`
 * is carried in a header (secret_header, default X-Helpline-Secret) or as
 * the last path segment (path + "/" + secret), compared in constant time
 * after a length check and never logged.  Without one, start-up warns.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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
#include "helpline/ussd_profile.h"

#define USSD_SLOW_MS 2000		/* well inside the gateway's 15 s */
#define USSD_SECRET_MIN 16		/* shorter secrets get a warning */
#define USSD_JSON_FIELDS 6		/* request fields a profile names */
#define USSD_NUM_MAX 24			/* a JSON integer as text */

struct ussd_adapter {
	struct hl_core *core;
	struct hl_http *http;
	const char *section;		/* for log lines (no data) */
	const char *name;		/* NAME of [adapter.NAME] */
	struct hl_metrics *metrics;
	struct hl_ussd_profile profile;
	unsigned long slow;		/* replies over USSD_SLOW_MS */
	bool stopped;
};

/* One request being answered; lives on the handler's stack. */
struct ussd_call {
	struct ussd_adapter *ua;
	struct evhttp_request *req;
	struct hl_form form;		/* form and query requests */
	json_t *obj;			/* JSON requests */
	const char *jname[USSD_JSON_FIELDS];
	const char *jvalue[USSD_JSON_FIELDS];
	char jnum[USSD_JSON_FIELDS][USSD_NUM_MAX];
	size_t jn;
	bool bad_utf8;			/* the JSON body was not UTF-8 */
	struct timespec start;
};

/* Returns milliseconds since a start time (monotonic). */
static long
ussd_ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Answers a refused request with a short plain-text reason (which quotes
 * nothing from the request). */
static void
ussd_error(struct evhttp_request *req, int code, const char *reason,
    const char *msg)
{
	char body[128];
	int n = snprintf(body, sizeof body, "error: %s\n", msg);

	hl_http_reply(req, code, reason, "text/plain; charset=utf-8", body,
	    (size_t)n < sizeof body ? (size_t)n : sizeof body - 1);
}

/* Returns the reason phrase of a status this adapter sends. */
static const char *
ussd_reason(int code)
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
	case 415:
		return "Unsupported Media Type";
	default:
		return "Error";
	}
}

/* Returns a request field as a string (the profile's getter). */
static const char *
ussd_get(void *ctx, const char *name)
{
	struct ussd_call *c = ctx;

	if (c->obj == NULL)
		return hl_form_get(&c->form, name);
	for (size_t i = 0; i < c->jn; i++) {
		if (strcmp(c->jname[i], name) == 0)
			return c->jvalue[i];
	}
	return NULL;
}

/* Sends a screen rendered as the profile wants it. */
static void
ussd_send(struct ussd_call *c, const char *text, size_t len, bool end)
{
	struct ussd_adapter *ua = c->ua;
	const char *type;
	char *body = NULL;
	size_t blen = 0;
	long ms;

	if (hl_ussd_render(&ua->profile, text, len, end, c->obj, ussd_get, c,
	    &body, &blen, &type) == -1) {
		hl_log_err("ussd [%s]: cannot render a reply", ua->section);
		/* The gateway ends the session on an error status: try the
		 * failure END first (unless that is what failed). */
		if (text != ua->profile.failure_text &&
		    hl_ussd_render(&ua->profile, ua->profile.failure_text,
		    strlen(ua->profile.failure_text), true, c->obj, ussd_get,
		    c, &body, &blen, &type) == 0) {
			hl_http_reply(c->req, HTTP_OK, "OK", type, body, blen);
			free(body);
			return;
		}
		evhttp_send_error(c->req, HTTP_INTERNAL, NULL);
		return;
	}
	hl_http_reply(c->req, HTTP_OK, "OK", type, body, blen);
	/* An echoed field may be the caller's number. */
	explicit_bzero(body, blen);
	free(body);
	ms = ussd_ms_since(&c->start);
	if (ms > USSD_SLOW_MS && ua->slow++ % 100 == 0)
		hl_log_warn("ussd [%s]: a reply took %ld ms (gateways allow "
		    "15000; %lu slow so far)", ua->section, ms, ua->slow);
}

/* Answers an internal failure the way the gateway can show: END. */
static void
ussd_send_failure(struct ussd_call *c)
{
	const char *t = c->ua->profile.failure_text;

	ussd_send(c, t, strlen(t), true);
}

/* Sends the core's reply. */
static void
ussd_reply_cb(const struct hl_reply *reply, void *ctx)
{
	struct ussd_call *c = ctx;

	switch (reply->status) {
	case HL_REPLY_OK:
		ussd_send(c, reply->text, reply->len, reply->end);
		break;
	case HL_REPLY_DUPLICATE:
		/* A retry gets the first answer; if that is gone, the
		 * session cannot be shown where it was. */
		if (reply->len > 0)
			ussd_send(c, reply->text, reply->len, reply->end);
		else
			ussd_send_failure(c);
		break;
	case HL_REPLY_FLOODED:
		/* END, no text: the dialogue closes, nothing is said. */
		ussd_send(c, "", 0, true);
		break;
	case HL_REPLY_FAILED:
	default:
		ussd_send_failure(c);
		break;
	}
}

/* Returns true if a header or path segment equals the secret, in time
 * independent of the secret's content (its length is no secret). */
static bool
ussd_secret_matches(const char *have, size_t have_len, const char *want)
{
	size_t want_len = strlen(want);

	return have != NULL && have_len == want_len &&
	    CRYPTO_memcmp(have, want, want_len) == 0;
}

/* Returns true if the request carries the configured secret. */
static bool
ussd_is_authorised(const struct ussd_adapter *ua, struct evhttp_request *req)
{
	const struct hl_ussd_profile *p = &ua->profile;
	const char *have, *path;
	size_t plen;

	if (p->secret == NULL)
		return true;
	if (p->secret_in == HL_USSD_SECRET_HEADER) {
		have = evhttp_find_header(evhttp_request_get_input_headers(req),
		    p->secret_header);
		return ussd_secret_matches(have, have ? strlen(have) : 0,
		    p->secret);
	}
	/* path + "/" + secret, nothing after it. */
	path = hl_http_path(req);
	plen = strlen(p->path);
	if (path == NULL || strncmp(path, p->path, plen) != 0 ||
	    path[plen] != '/' || strchr(path + plen + 1, '/') != NULL)
		return false;
	have = path + plen + 1;
	return ussd_secret_matches(have, strlen(have), p->secret);
}

/* Returns true if a Content-Type's media type (before any ';') is name. */
static bool
ussd_media_type_is(const char *type, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(type, name, n) == 0 &&
	    (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

/* Returns 0 if method and content type suit the profile, else a status
 * (with Allow set for 405). */
static int
ussd_check_request_line(const struct ussd_adapter *ua,
    struct evhttp_request *req)
{
	enum hl_ussd_request_kind kind = ua->profile.request;
	enum evhttp_cmd_type want = kind == HL_USSD_REQ_QUERY ?
	    EVHTTP_REQ_GET : EVHTTP_REQ_POST;
	const char *type;

	if (evhttp_request_get_command(req) != want) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", want == EVHTTP_REQ_GET ? "GET" : "POST");
		return 405;
	}
	if (kind == HL_USSD_REQ_QUERY)
		return 0;
	type = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	if (type == NULL)
		return 0;
	if (!ussd_media_type_is(type, kind == HL_USSD_REQ_JSON ?
	    "application/json" : "application/x-www-form-urlencoded"))
		return 415;
	return 0;
}

/* Adds one named JSON member to the call's field table.  Returns 0, or
 * 400 if it is an object, array or real number. */
static int
ussd_json_field(struct ussd_call *c, const char *name)
{
	json_t *v;
	size_t i;

	if (name == NULL || ussd_get(c, name) != NULL)
		return 0;
	v = json_object_get(c->obj, name);
	if (v == NULL || json_is_null(v))
		return 0;
	i = c->jn;
	if (json_is_string(v)) {
		c->jvalue[i] = json_string_value(v);
	} else if (json_is_integer(v)) {
		snprintf(c->jnum[i], USSD_NUM_MAX, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		c->jvalue[i] = c->jnum[i];
	} else if (json_is_boolean(v)) {
		c->jvalue[i] = json_is_true(v) ? "true" : "false";
	} else {
		return 400;
	}
	c->jname[c->jn++] = name;
	return 0;
}

/* Parses a JSON body into the call: a table of the fields the profile
 * names, as strings.  Returns 0 or 400 with *problem set. */
static int
ussd_parse_json(struct ussd_call *c, const char *body, size_t len,
    const char **problem)
{
	const struct hl_ussd_profile *p = &c->ua->profile;
	const char *names[USSD_JSON_FIELDS] = { p->field_session,
	    p->field_sender, p->field_text, p->field_service,
	    p->field_new_session, p->field_sequence };
	json_error_t jerr;

	/* jerr.text may quote the body: it is not used. */
	c->obj = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (c->obj == NULL) {
		c->bad_utf8 = json_error_code(&jerr) == json_error_invalid_utf8;
		*problem = "body is not valid JSON (UTF-8)";
		return 400;
	}
	if (!json_is_object(c->obj)) {
		*problem = "body must be a JSON object";
		return 400;
	}
	for (size_t i = 0; i < USSD_JSON_FIELDS; i++) {
		if (ussd_json_field(c, names[i]) != 0) {
			*problem = "a field must be a string, integer or "
			    "boolean";
			return 400;
		}
	}
	return 0;
}

/* Decodes the request into the call (form body, query string or JSON).
 * Returns 0 or a status with *problem set; *body receives the copied body
 * for the caller to wipe. */
static int
ussd_parse(struct ussd_call *c, char **body, size_t *len,
    const char **problem)
{
	const struct evhttp_uri *uri;
	const char *q;

	if (c->ua->profile.request == HL_USSD_REQ_QUERY) {
		uri = evhttp_request_get_evhttp_uri(c->req);
		q = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
		if (q == NULL)
			q = "";
		if (hl_form_parse(q, strlen(q), &c->form) == -1) {
			*problem = "malformed query string";
			return 400;
		}
		return 0;
	}
	*body = hl_http_body(c->req, hl_http_max_body(c->ua->http), len);
	if (*body == NULL) {
		*problem = "body too large";
		return 413;
	}
	if (c->ua->profile.request == HL_USSD_REQ_JSON)
		return ussd_parse_json(c, *body, *len, problem);
	if (hl_form_parse(*body, *len, &c->form) == -1) {
		*problem = "malformed form body";
		return 400;
	}
	return 0;
}

/* Hands a decoded request to the core.  Returns 0 or a status. */
static int
ussd_submit(struct ussd_call *c, const char **problem)
{
	struct ussd_adapter *ua = c->ua;
	struct hl_ussd_request r;
	struct hl_inbound in = { 0 };
	char id[HL_USSD_MAX_SESSION_ID + 32];
	int rc;

	rc = hl_ussd_request_read(&ua->profile, ussd_get, c, &r, problem);
	if (rc != 0)
		return rc;
	/* Retries and dialogues are told apart per gateway. */
	in.adapter = ua->name;
	in.channel = HL_CHANNEL_USSD;
	in.sender = r.sender;
	in.session_id = r.session_id;
	in.text.bytes = r.text;
	in.text.len = r.text_len;
	if (r.step >= 0) {
		snprintf(id, sizeof id, "%ld:%s", r.step, r.session_id);
		in.gateway_id = id;
	}
	if (hl_core_submit(ua->core, &in, ussd_reply_cb, c) == -1)
		ussd_send_failure(c);
	explicit_bzero(id, sizeof id);
	return 0;
}

/* Refuses a request with a short reason, counting it. */
static void
ussd_reject(const struct ussd_adapter *ua, const struct ussd_call *c,
    int code, const char *msg)
{
	enum hl_reject why;

	switch (code) {
	case 403:
		why = HL_REJECT_BAD_SECRET;
		break;
	case 405:
		why = HL_REJECT_METHOD;
		break;
	case 413:
		why = HL_REJECT_TOO_LARGE;
		break;
	case 415:
		why = HL_REJECT_MEDIA_TYPE;
		break;
	default:
		why = c->bad_utf8 ? HL_REJECT_BAD_UTF8 : HL_REJECT_MALFORMED;
		break;
	}
	hl_figures_reject(ua->metrics, ua->name, why);
	ussd_error(c->req, code, ussd_reason(code), msg);
}

/* Handles one callback. */
static void
ussd_handle(struct evhttp_request *req, void *arg)
{
	struct ussd_adapter *ua = arg;
	struct ussd_call c = { .ua = ua, .req = req };
	const char *problem = NULL;
	char *body = NULL;
	size_t len = 0;
	int code;

	clock_gettime(CLOCK_MONOTONIC, &c.start);
	/* After SIGTERM the listener is closed; a request that still arrives
	 * came on a connection accepted before: answer it, then close. */
	if (ua->stopped)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
	code = ussd_check_request_line(ua, req);
	if (code == 405) {
		ussd_reject(ua, &c, 405, ua->profile.request ==
		    HL_USSD_REQ_QUERY ? "use GET" : "use POST");
		return;
	}
	if (!ussd_is_authorised(ua, req)) {
		ussd_reject(ua, &c, 403, "missing or wrong secret");
		return;
	}
	if (code != 0) {
		ussd_reject(ua, &c, code, "wrong content type");
		return;
	}
	code = ussd_parse(&c, &body, &len, &problem);
	if (code == 0)
		code = ussd_submit(&c, &problem);
	if (code != 0)
		ussd_reject(ua, &c, code, problem);
	hl_form_clear(&c.form);
	json_decref(c.obj);
	explicit_bzero(c.jnum, sizeof c.jnum);
	if (body != NULL) {
		explicit_bzero(body, len);
		free(body);
	}
}

/* Registers the profile's route(s): the exact path, and under a path
 * secret also path + "/" (the exact path then only ever answers 403). */
static int
ussd_route(struct ussd_adapter *ua, char *err, size_t errlen)
{
	const struct hl_ussd_profile *p = &ua->profile;
	char prefix[512];

	if (hl_http_route(ua->http, p->path, ussd_handle, ua) == -1) {
		snprintf(err, errlen, "[%s] path: %s is already taken",
		    ua->section, p->path);
		return -1;
	}
	if (p->secret == NULL || p->secret_in != HL_USSD_SECRET_PATH)
		return 0;
	if ((size_t)snprintf(prefix, sizeof prefix, "%s/", p->path) >=
	    sizeof prefix ||
	    hl_http_route_prefix(ua->http, prefix, ussd_handle, ua) == -1) {
		snprintf(err, errlen, "[%s] path: %s/ cannot be routed "
		    "(taken, too long, or too many prefix routes)",
		    ua->section, p->path);
		return -1;
	}
	return 0;
}

/* Says at start-up what a missing or weak secret means. */
static void
ussd_warn_secret(const struct ussd_adapter *ua)
{
	const struct hl_ussd_profile *p = &ua->profile;

	if (p->secret == NULL)
		hl_log_warn("ussd [%s]: NO SECRET SET: anyone who can reach "
		    "the listener can open USSD sessions in any caller's "
		    "name; set `secret` (and `secret_in`) before the "
		    "listener is reachable from outside", ua->section);
	else if (strlen(p->secret) < USSD_SECRET_MIN)
		hl_log_warn("ussd [%s]: the secret is shorter than %d "
		    "characters: use a long random one", ua->section,
		    USSD_SECRET_MIN);
}

/* Reads the adapter's section and registers its route. */
static void *
ussd_create(const struct hl_adapter_env *env, char *err, size_t errlen)
{
	struct ussd_adapter *ua = calloc(1, sizeof *ua);

	if (ua == NULL) {
		snprintf(err, errlen, "ussd: out of memory");
		return NULL;
	}
	ua->core = env->core;
	ua->http = env->http;
	ua->section = env->section;
	ua->name = env->section + strlen("adapter.");
	ua->metrics = env->metrics;
	if (hl_ussd_profile_load(&ua->profile, env->config, env->section, err,
	    errlen) == -1) {
		free(ua);
		return NULL;
	}
	if (env->http == NULL) {
		snprintf(err, errlen, "[%s]: needs the HTTP listener",
		    env->section);
		goto fail;
	}
	if (ussd_route(ua, err, errlen) == -1)
		goto fail;
	ussd_warn_secret(ua);
	return ua;
fail:
	hl_ussd_profile_clear(&ua->profile);
	free(ua);
	return NULL;
}

/* Says which profile is being served (config only, no data). */
static int
ussd_start(void *state)
{
	struct ussd_adapter *ua = state;
	const struct hl_ussd_profile *p = &ua->profile;
	static const char *const req[] = { "form", "json", "query" };

	hl_log_info("ussd [%s]: %s requests on %s, %s input, %s replies",
	    ua->section, req[p->request], p->path,
	    p->input == HL_USSD_INPUT_CUMULATIVE ? "cumulative" : "step",
	    p->reply == HL_USSD_REPLY_TEXT ? "text" : "json");
	return 0;
}

/* Marks the adapter stopping: later requests close their connection. */
static void
ussd_stop(void *state)
{
	struct ussd_adapter *ua = state;

	ua->stopped = true;
}

/* Frees the adapter. */
static void
ussd_free(void *state)
{
	struct ussd_adapter *ua = state;

	if (ua == NULL)
		return;
	hl_ussd_profile_clear(&ua->profile);
	free(ua);
}

const struct hl_adapter_ops hl_adapter_ussd = {
	.name = "ussd",
	.create = ussd_create,
	.start = ussd_start,
	.stop = ussd_stop,
	.free = ussd_free,
};
