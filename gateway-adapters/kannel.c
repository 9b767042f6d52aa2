/*
 * kannel.c - Kannel (bearerbox + smsbox) as the gateway: an sms-service
 * hands each MO to helplined over HTTP and sends the response body back
 * to the handset as the reply.
 *
 *   sms-service  post-url = "http://127.0.0.1:8088/kannel?id=%I"   (preferred)
 *     POST /kannel?id=<Kannel message id>[&key=<secret>]
 *     X-Kannel-From: +31612345678   (needs send-sender = true)
 *     X-Kannel-To: 1234
 *     X-Kannel-Coding: 0|1|2
 *     Content-Type: text/plain; charset="UTF-8"   (UTF-16BE, 8-BIT)
 *     <the text>
 *   sms-service  get-url = "http://127.0.0.1:8088/kannel?from=%p&to=%P&
 *                           text=%b&coding=%c&charset=%C&id=%I"   (one line)
 *     the same in the query; second choice, because the number then sits
 *     in a URL and Kannel writes URLs into its logs (debug level, and
 *     "Couldn't fetch <url>" at error level when helplined is down).
 *
 *   200 text/plain; charset=utf-8, the reply as the body, and
 *   "X-Kannel-Coding: 2" when the reply needs UCS-2 (Kannel needs
 *   accept-x-kannel-headers = true to honour it; without it every "ë"
 *   reaches the handset as "?").
 *
 * The number is never in our URL with post-url; it lives in memory for the
 * one request (DESIGN.md section 5 rule 1).  The text arrives in the
 * charset Kannel names (UTF-8 with mo-recode = true, UTF-16BE for UCS-2
 * without it, "8-BIT" read as Latin-1) and is converted with iconv; a text
 * we cannot read is handed on as empty, an unknown choice, so the user
 * still gets the same screen with "choose a number" (kannel_text.c).
 *
 * Screens: our own pagination keeps each reply within [screens]
 * sms_segments parts; Kannel's max-messages must allow as many (it drops
 * parts past it without a word), so `max_messages` must repeat the
 * sms-service's value and start-up is refused when sms_segments exceeds
 * it.  Kannel splits a longer reply into concatenated parts itself
 * (concatenation = true).
 *
 * Retries: with "id=%I" in the URL a retry of the same MO (smsbox's
 * http-request-retry) gets the reply the first attempt got.  Errors:
 * 400 malformed request (text/plain reason), 403 missing or wrong `key=`
 * when `secret` is set (compared in constant time), 405 other methods,
 * 413 body over [http] max_body, 500 internal error, 503 too many sendsms
 * requests in flight; Kannel answers any of them with its
 * reply-couldnotfetch text, so the user is never left in silence.
 *
 * reply_via = sendsms (for when the response cannot carry the reply):
 * the post-url request is answered at once with 200 and an empty body
 * (the sms-service then needs omit-empty = true), and the reply is POSTed
 * to Kannel's sendsms with X-Kannel-Username/-Password/-To/-From headers
 * (plus X-Kannel-Coding: 2 for UCS-2), the text as the body.  The number
 * is kept only until that request is made; credentials are never logged.
 * A failed sendsms is counted and logged without number or text; requests
 * in flight keep the adapter busy, so SIGTERM waits for them (bounded by
 * [daemon] shutdown_grace_ms).  A retried MO is not pushed twice.
 *
 * A message from a sender over the rate limit ([ratelimit]) is answered
 * like a retry whose answer is gone: 200 with an empty body (omit-empty =
 * true: Kannel sends nothing), and nothing is pushed.  Refusals are
 * counted by reason, lost sendsms pushes by reason (figures.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>

#include "helpline/adapter.h"
#include "helpline/config.h"
#include "helpline/core.h"
#include "helpline/figures.h"
#include "helpline/http.h"
#include "helpline/kannel_text.h"
#include "helpline/log.h"

#define KANNEL_MAX_MESSAGES_DEFAULT 3
#define KANNEL_SENDSMS_URL_DEFAULT "http://127.0.0.1:13013/cgi-bin/sendsms"
#define KANNEL_SENDSMS_CONNS 4		/* connections to sendsms */
#define KANNEL_SENDSMS_MAX_PENDING 1024	/* requests in flight, at most */
#define KANNEL_SENDSMS_TIMEOUT 10	/* seconds */
#define KANNEL_WARN_EVERY 100		/* log a repeated problem this rarely */

/* One sendsms request in flight; holds nothing personal (the number and
 * text are in libevent's request until it is sent and freed). */
struct kannel_push {
	struct kannel_adapter *ka;
	struct kannel_push *prev, *next;
	bool sending;		/* inside evhttp_make_request() */
	bool done;		/* answered while sending: free it after */
};

/* One MO waiting for its reply in sendsms mode. */
struct kannel_job {
	struct kannel_adapter *ka;
	struct evhttp_request *req;
	char *from;		/* the handset: the reply goes to it */
	char *to;		/* our number: the reply comes from it */
};

struct kannel_adapter {
	struct hl_core *core;
	struct hl_http *http;
	struct hl_metrics *metrics;
	const char *section;
	const char *name;		/* NAME of [adapter.NAME] */
	const char *path;
	const char *secret;		/* borrowed from the config, or NULL */
	unsigned max_messages;
	bool via_sendsms;
	/* sendsms (reply_via = sendsms) */
	struct evhttp_uri *sendsms_uri;
	char *sendsms_target;		/* path and query to request */
	char *sendsms_host;		/* Host header */
	const char *sendsms_user;
	const char *sendsms_password;
	const char *sendsms_from;	/* or NULL: the MO's X-Kannel-To */
	struct evhttp_connection *conns[KANNEL_SENDSMS_CONNS];
	unsigned next_conn;
	struct kannel_push *pushes;	/* in flight */
	unsigned pending;
	unsigned long pushed, push_failed, push_dropped, refused;
	bool stopped;
};

/* Logs the first of a kind of problem and then every hundredth, so a
 * misconfigured or hostile peer cannot flood the log.  what is a
 * constant: never anything from the request. */
static void
kannel_warn(unsigned long *count, const char *what)
{
	if ((*count)++ % KANNEL_WARN_EVERY == 0)
		hl_log_warn("kannel: %s (%lu so far)", what, *count);
}

/* Sends a short text/plain error; Kannel answers the user with its
 * reply-couldnotfetch text. */
static void
kannel_error(struct evhttp_request *req, int code, const char *reason,
    const char *msg)
{
	char body[256];
	int n = snprintf(body, sizeof body, "%s\n", msg);

	hl_http_reply(req, code, reason, "text/plain; charset=utf-8", body,
	    n < 0 ? 0 : (size_t)n >= sizeof body ? sizeof body - 1 :
	    (size_t)n);
}

/* Sends a reply text as the response body Kannel turns into the SMS. */
static void
kannel_send_text(struct evhttp_request *req, const char *text, size_t len,
    bool ucs2)
{
	/* Kannel converts a 7-bit reply UTF-8 -> GSM: whatever GSM-7 lacks
	 * would arrive as '?'.  This header makes it send UCS-2. */
	if (ucs2)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "X-Kannel-Coding", "2");
	hl_http_reply(req, HTTP_OK, "OK", "text/plain; charset=utf-8", text,
	    len);
}

/* Returns true if a reply needs UCS-2 (the core says so for a new reply;
 * a repeated one is counted again). */
static bool
kannel_reply_is_ucs2(const struct hl_reply *reply)
{
	if (reply->status == HL_REPLY_OK)
		return reply->coding == HL_SMS_UCS2;
	return hl_kannel_needs_ucs2(reply->text, reply->len);
}

/* Answers Kannel with the engine's reply in the response body. */
static void
kannel_reply_cb(const struct hl_reply *reply, void *ctx)
{
	struct evhttp_request *req = ctx;

	if (reply->status == HL_REPLY_FAILED) {
		kannel_error(req, HTTP_INTERNAL, "Internal Server Error",
		    "internal error");
		return;
	}
	/* A retry whose first answer is no longer kept, and a flooded
	 * message, get an empty body: with omit-empty = true Kannel then
	 * sends nothing more. */
	kannel_send_text(req, reply->text, reply->len,
	    kannel_reply_is_ucs2(reply));
}

/* Unlinks and frees a finished sendsms request. */
static void
kannel_push_free(struct kannel_push *p)
{
	struct kannel_adapter *ka = p->ka;

	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		ka->pushes = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	ka->pending--;
	free(p);
}

/* Receives sendsms's answer: 202 "Accepted for delivery" (or "Queued for
 * later delivery" while bearerbox is away) is success. */
static void
kannel_push_done(struct evhttp_request *req, void *arg)
{
	struct kannel_push *p = arg;
	struct kannel_adapter *ka = p->ka;
	int code = req == NULL ? 0 : evhttp_request_get_response_code(req);

	if (code != HTTP_OK && code != 202)
		hl_figures_drop(ka->metrics, ka->name, code == 0 ?
		    HL_DROP_FAILED : HL_DROP_REFUSED, 1);
	if (code == HTTP_OK || code == 202) {
		ka->pushed++;
	} else if (code == 0) {
		kannel_warn(&ka->push_failed, "sendsms unreachable or timed "
		    "out; reply lost");
	} else if (code == 403) {
		kannel_warn(&ka->push_failed, "sendsms refused the "
		    "credentials (403); reply lost");
	} else {
		kannel_warn(&ka->push_failed, "sendsms answered an error; "
		    "reply lost");
	}
	/* evhttp_make_request() may call back before it returns (a connect
	 * that fails at once): its caller frees p then. */
	if (p->sending)
		p->done = true;
	else
		kannel_push_free(p);
}

/* Adds the headers of one sendsms request.  Returns 0 or -1 (a value
 * evhttp refuses, e.g. one with a line break). */
static int
kannel_push_headers(const struct kannel_adapter *ka, struct evkeyvalq *h,
    const char *to, const char *from, bool ucs2)
{
	if (evhttp_add_header(h, "Host", ka->sendsms_host) == -1 ||
	    evhttp_add_header(h, "Content-Type",
	    "text/plain; charset=UTF-8") == -1 ||
	    evhttp_add_header(h, "X-Kannel-Username",
	    ka->sendsms_user) == -1 ||
	    evhttp_add_header(h, "X-Kannel-Password",
	    ka->sendsms_password) == -1 ||
	    evhttp_add_header(h, "X-Kannel-To", to) == -1)
		return -1;
	if (from != NULL && evhttp_add_header(h, "X-Kannel-From", from) == -1)
		return -1;
	if (ucs2 && evhttp_add_header(h, "X-Kannel-Coding", "2") == -1)
		return -1;
	return 0;
}

/* Pushes a reply to the handset through Kannel's sendsms. */
static void
kannel_push(struct kannel_adapter *ka, const struct kannel_job *job,
    const char *text, size_t len, bool ucs2)
{
	struct evhttp_connection *conn;
	struct evhttp_request *req;
	struct kannel_push *p = calloc(1, sizeof *p);
	const char *from = ka->sendsms_from != NULL ? ka->sendsms_from :
	    job->to;
	int rc;

	if (p == NULL || (req = evhttp_request_new(kannel_push_done,
	    p)) == NULL) {
		free(p);
		hl_figures_drop(ka->metrics, ka->name, HL_DROP_FAILED, 1);
		kannel_warn(&ka->push_failed, "sendsms: out of memory; "
		    "reply lost");
		return;
	}
	p->ka = ka;
	if (kannel_push_headers(ka, evhttp_request_get_output_headers(req),
	    job->from, from, ucs2) == -1 ||
	    evbuffer_add(evhttp_request_get_output_buffer(req), text,
	    len) == -1) {
		evhttp_request_free(req);
		free(p);
		hl_figures_drop(ka->metrics, ka->name, HL_DROP_FAILED, 1);
		kannel_warn(&ka->push_failed, "sendsms: request not built; "
		    "reply lost");
		return;
	}
	conn = ka->conns[ka->next_conn++ % KANNEL_SENDSMS_CONNS];
	/* In flight before the call: libevent may answer it (connect failed
	 * at once) before evhttp_make_request() returns, and p must be on the
	 * list then.  Whatever it returns, req belongs to evhttp now. */
	p->next = ka->pushes;
	if (p->next != NULL)
		p->next->prev = p;
	ka->pushes = p;
	ka->pending++;
	p->sending = true;
	rc = evhttp_make_request(conn, req, EVHTTP_REQ_POST,
	    ka->sendsms_target);
	p->sending = false;
	if (rc == -1 && !p->done) {
		hl_figures_drop(ka->metrics, ka->name, HL_DROP_FAILED, 1);
		kannel_warn(&ka->push_failed, "sendsms: request not sent; "
		    "reply lost");
	}
	if (rc == -1 || p->done)
		kannel_push_free(p);
}

/* Wipes and frees a job. */
static void
kannel_job_free(struct kannel_job *job)
{
	if (job == NULL)
		return;
	if (job->from != NULL) {
		explicit_bzero(job->from, strlen(job->from));
		free(job->from);
	}
	if (job->to != NULL) {
		explicit_bzero(job->to, strlen(job->to));
		free(job->to);
	}
	free(job);
}

/* Answers Kannel with an empty 200 and pushes the reply by sendsms. */
static void
kannel_push_reply_cb(const struct hl_reply *reply, void *ctx)
{
	struct kannel_job *job = ctx;

	if (reply->status == HL_REPLY_FAILED) {
		kannel_error(job->req, HTTP_INTERNAL, "Internal Server Error",
		    "internal error");
	} else {
		kannel_send_text(job->req, "", 0, false);
		/* A retry was pushed the first time: not twice; a flooded
		 * message is not answered at all. */
		if (reply->status == HL_REPLY_OK && reply->len > 0)
			kannel_push(job->ka, job, reply->text, reply->len,
			    reply->coding == HL_SMS_UCS2);
	}
	kannel_job_free(job);
}

/* Returns true if the request carries the configured secret. */
static bool
kannel_is_authorised(const struct kannel_adapter *ka, const char *key)
{
	size_t have, want;

	if (ka->secret == NULL)
		return true;
	if (key == NULL)
		return false;
	have = strlen(key);
	want = strlen(ka->secret);
	/* Constant time in the secret's content; its length is no secret. */
	return have == want && CRYPTO_memcmp(key, ka->secret, want) == 0;
}

/* Refuses a request with a short text/plain reason, counting it. */
static void
kannel_reject(const struct kannel_adapter *ka, struct evhttp_request *req,
    int code, const char *reason, const char *msg, enum hl_reject why)
{
	hl_figures_reject(ka->metrics, ka->name, why);
	kannel_error(req, code, reason, msg);
}

/* Hands an MO to the core, to be answered in sendsms mode. */
static void
kannel_submit_push(struct kannel_adapter *ka, struct evhttp_request *req,
    const struct hl_kannel_mo *mo, const struct hl_inbound *in)
{
	struct kannel_job *job;

	if (ka->pending >= KANNEL_SENDSMS_MAX_PENDING) {
		kannel_warn(&ka->push_dropped, "too many sendsms requests in "
		    "flight; message refused (503)");
		kannel_reject(ka, req, HTTP_SERVUNAVAIL, "Service Unavailable",
		    "busy", HL_REJECT_BUSY);
		return;
	}
	job = calloc(1, sizeof *job);
	if (job == NULL || (job->from = strdup(mo->from)) == NULL ||
	    (mo->to != NULL && (job->to = strdup(mo->to)) == NULL)) {
		kannel_job_free(job);
		kannel_error(req, HTTP_INTERNAL, "Internal Server Error",
		    "internal error");
		return;
	}
	job->ka = ka;
	job->req = req;
	if (hl_core_submit(ka->core, in, kannel_push_reply_cb, job) == -1) {
		kannel_job_free(job);
		kannel_error(req, HTTP_INTERNAL, "Internal Server Error",
		    "internal error");
	}
}

/* Reads an MO from a post-url or get-url request into mo.  Returns 0, or
 * -1 after answering the request with an error. */
static int
kannel_read(struct kannel_adapter *ka, struct evhttp_request *req,
    struct hl_kannel_mo *mo)
{
	bool post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
	const char *query = evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(req));
	const char *problem;
	char *body;
	size_t len = 0;

	if (hl_kannel_parse_query(query, mo) == -1) {
		problem = post ? "malformed query string" : "malformed query "
		    "string (a UCS-2 text in get-url needs mo-recode = true)";
		goto bad;
	}
	/* The secret first: say nothing more to a stranger. */
	if (!kannel_is_authorised(ka, mo->key)) {
		kannel_warn(&ka->refused, "request without the right key= "
		    "(403)");
		kannel_reject(ka, req, 403, "Forbidden",
		    "missing or wrong key", HL_REJECT_BAD_SECRET);
		return -1;
	}
	if (!post) {
		problem = hl_kannel_parse_get(mo);
	} else {
		body = hl_http_body(req, hl_http_max_body(ka->http), &len);
		if (body == NULL) {
			kannel_warn(&ka->refused, "body too large (413)");
			kannel_reject(ka, req, 413, "Payload Too Large",
			    "body too large", HL_REJECT_TOO_LARGE);
			return -1;
		}
		problem = hl_kannel_parse_post(mo,
		    evhttp_request_get_input_headers(req), body, len);
		explicit_bzero(body, len);
		free(body);
	}
	if (problem == NULL)
		return 0;
bad:
	/* problem is one of our constant strings. */
	hl_log_debug("kannel: refused a request: %s", problem);
	kannel_warn(&ka->refused, "malformed request (400); debug level "
	    "says why");
	kannel_reject(ka, req, HTTP_BADREQUEST, "Bad Request", problem,
	    HL_REJECT_MALFORMED);
	return -1;
}

/* Handles one request from Kannel's smsbox. */
static void
kannel_handle(struct evhttp_request *req, void *arg)
{
	struct kannel_adapter *ka = arg;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct hl_kannel_mo mo;
	struct hl_inbound in;

	if (cmd != EVHTTP_REQ_POST && cmd != EVHTTP_REQ_GET) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, POST");
		kannel_reject(ka, req, 405, "Method Not Allowed",
		    "use POST (post-url) or GET (get-url)", HL_REJECT_METHOD);
		return;
	}
	/* After SIGTERM the listener is closed; a request that still arrives
	 * came on a connection accepted before: answer it, then close. */
	if (ka->stopped)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
	if (kannel_read(ka, req, &mo) == -1) {
		hl_kannel_mo_clear(&mo);
		return;
	}
	hl_kannel_inbound(&mo, &in);
	/* Retries are told apart per gateway: [adapter.NAME]'s NAME. */
	in.adapter = ka->name;
	if (ka->via_sendsms)
		kannel_submit_push(ka, req, &mo, &in);
	else if (hl_core_submit(ka->core, &in, kannel_reply_cb, req) == -1)
		kannel_error(req, HTTP_INTERNAL, "Internal Server Error",
		    "internal error");
	hl_kannel_mo_clear(&mo);
}

/* Parses sendsms_url and opens the (lazy) connections to it. */
static int
kannel_sendsms_open(struct kannel_adapter *ka, struct event_base *base,
    const char *url, char *err, size_t errlen)
{
	const char *host, *path, *query;
	int port;
	size_t n;

	ka->sendsms_uri = evhttp_uri_parse(url);
	if (ka->sendsms_uri == NULL ||
	    evhttp_uri_get_scheme(ka->sendsms_uri) == NULL ||
	    strcmp(evhttp_uri_get_scheme(ka->sendsms_uri), "http") != 0 ||
	    (host = evhttp_uri_get_host(ka->sendsms_uri)) == NULL ||
	    *host == '\0') {
		snprintf(err, errlen, "[%s] sendsms_url must be an http:// "
		    "URL with a host", ka->section);
		return -1;
	}
	port = evhttp_uri_get_port(ka->sendsms_uri);
	if (port <= 0)
		port = 80;
	path = evhttp_uri_get_path(ka->sendsms_uri);
	if (path == NULL || *path == '\0')
		path = "/";
	query = evhttp_uri_get_query(ka->sendsms_uri);
	n = strlen(path) + (query != NULL ? strlen(query) + 1 : 0) + 1;
	ka->sendsms_target = malloc(n);
	ka->sendsms_host = malloc(strlen(host) + 8);
	if (ka->sendsms_target == NULL || ka->sendsms_host == NULL)
		goto oom;
	snprintf(ka->sendsms_target, n, "%s%s%s", path, query ? "?" : "",
	    query ? query : "");
	snprintf(ka->sendsms_host, strlen(host) + 8, "%s:%d", host, port);
	for (size_t i = 0; i < KANNEL_SENDSMS_CONNS; i++) {
		/* No DNS base: a name is resolved blocking, once per
		 * connect; give an address (127.0.0.1). */
		ka->conns[i] = evhttp_connection_base_new(base, NULL, host,
		    (unsigned short)port);
		if (ka->conns[i] == NULL)
			goto oom;
		evhttp_connection_set_timeout(ka->conns[i],
		    KANNEL_SENDSMS_TIMEOUT);
	}
	return 0;
oom:
	snprintf(err, errlen, "kannel: out of memory");
	return -1;
}

/* Reads the sendsms keys; they are read even when replies go in the
 * response, so a commented-out reply_via does not make them unknown. */
static int
kannel_config_sendsms(struct kannel_adapter *ka,
    const struct hl_adapter_env *env, char *err, size_t errlen)
{
	const char *via, *url;

	if (hl_config_str(env->config, ka->section, "reply_via", "response",
	    &via, err, errlen) == -1 ||
	    hl_config_str(env->config, ka->section, "sendsms_url",
	    KANNEL_SENDSMS_URL_DEFAULT, &url, err, errlen) == -1 ||
	    hl_config_str(env->config, ka->section, "sendsms_user", NULL,
	    &ka->sendsms_user, err, errlen) == -1 ||
	    hl_config_str(env->config, ka->section, "sendsms_password", NULL,
	    &ka->sendsms_password, err, errlen) == -1 ||
	    hl_config_str(env->config, ka->section, "sendsms_from", NULL,
	    &ka->sendsms_from, err, errlen) == -1)
		return -1;
	if (strcmp(via, "response") == 0)
		return 0;
	if (strcmp(via, "sendsms") != 0) {
		snprintf(err, errlen, "[%s] reply_via must be response or "
		    "sendsms", ka->section);
		return -1;
	}
	ka->via_sendsms = true;
	if (ka->sendsms_user == NULL || ka->sendsms_password == NULL) {
		snprintf(err, errlen, "[%s] reply_via = sendsms needs "
		    "sendsms_user and sendsms_password (a sendsms-user group "
		    "in Kannel)", ka->section);
		return -1;
	}
	if (ka->sendsms_from != NULL && *ka->sendsms_from == '\0')
		ka->sendsms_from = NULL;
	return kannel_sendsms_open(ka, env->base, url, err, errlen);
}

/* Refuses a screen budget Kannel would cut: it drops the parts past its
 * max-messages without a word. */
static int
kannel_check_budget(const struct kannel_adapter *ka, char *err,
    size_t errlen)
{
	unsigned segments = hl_core_budget(ka->core,
	    HL_CHANNEL_SMS)->sms_segments;

	if (segments <= ka->max_messages)
		return 0;
	snprintf(err, errlen, "[%s] max_messages = %u but [screens] "
	    "sms_segments = %u: Kannel would cut longer screens silently; "
	    "raise max-messages in Kannel's sms-service%s and max_messages "
	    "here, or lower sms_segments", ka->section, ka->max_messages,
	    segments, ka->via_sendsms ? " and sendsms-user" : "");
	return -1;
}

static void kannel_free(void *state);

/* Reads the adapter's section and registers its route. */
static void *
kannel_create(const struct hl_adapter_env *env, char *err, size_t errlen)
{
	struct kannel_adapter *ka = calloc(1, sizeof *ka);

	if (ka == NULL) {
		snprintf(err, errlen, "kannel: out of memory");
		return NULL;
	}
	ka->core = env->core;
	ka->http = env->http;
	ka->metrics = env->metrics;
	ka->section = env->section;
	ka->name = env->section + strlen("adapter.");
	if (hl_config_str(env->config, env->section, "path", "/kannel",
	    &ka->path, err, errlen) == -1 ||
	    hl_config_str(env->config, env->section, "secret", NULL,
	    &ka->secret, err, errlen) == -1 ||
	    hl_config_uint(env->config, env->section, "max_messages",
	    KANNEL_MAX_MESSAGES_DEFAULT, 1, 255, &ka->max_messages, err,
	    errlen) == -1 ||
	    kannel_config_sendsms(ka, env, err, errlen) == -1 ||
	    kannel_check_budget(ka, err, errlen) == -1)
		goto fail;
	if (ka->secret != NULL && *ka->secret == '\0') {
		snprintf(err, errlen, "[%s] secret is empty: remove it or "
		    "set one", env->section);
		goto fail;
	}
	if (ka->path[0] != '/') {
		snprintf(err, errlen, "[%s] path must start with /",
		    env->section);
		goto fail;
	}
	if (env->http == NULL) {
		snprintf(err, errlen, "kannel: needs the HTTP listener");
		goto fail;
	}
	if (hl_http_route(env->http, ka->path, kannel_handle, ka) == -1) {
		snprintf(err, errlen, "[%s] path %s is already taken",
		    env->section, ka->path);
		goto fail;
	}
	return ka;
fail:
	kannel_free(ka);
	return NULL;
}

/* Takes no new messages from now on; sendsms requests in flight go on. */
static void
kannel_stop(void *state)
{
	struct kannel_adapter *ka = state;

	ka->stopped = true;
}

/* Returns true when no sendsms request is in flight. */
static bool
kannel_is_idle(void *state)
{
	const struct kannel_adapter *ka = state;

	return ka->pending == 0;
}

/* Frees the adapter; sendsms requests still in flight are dropped (the
 * shutdown grace period is over) and counted. */
static void
kannel_free(void *state)
{
	struct kannel_adapter *ka = state;

	if (ka == NULL)
		return;
	/* Freeing a connection frees its requests without calling back. */
	for (size_t i = 0; i < KANNEL_SENDSMS_CONNS; i++) {
		if (ka->conns[i] != NULL)
			evhttp_connection_free(ka->conns[i]);
	}
	while (ka->pushes != NULL) {
		ka->push_dropped++;
		kannel_push_free(ka->pushes);
	}
	if (ka->via_sendsms)
		hl_log_info("kannel: sendsms: %lu sent, %lu failed, "
		    "%lu dropped", ka->pushed, ka->push_failed,
		    ka->push_dropped);
	if (ka->sendsms_uri != NULL)
		evhttp_uri_free(ka->sendsms_uri);
	free(ka->sendsms_target);
	free(ka->sendsms_host);
	free(ka);
}

const struct hl_adapter_ops hl_adapter_kannel = {
	.name = "kannel",
	.create = kannel_create,
	.stop = kannel_stop,
	.is_idle = kannel_is_idle,
	.free = kannel_free,
};
