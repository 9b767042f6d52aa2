/*
 * http.c - the HTTP listener the webhook adapters share.
 *
 * One evhttp on one bound socket (loopback unless configured).  evhttp
 * itself enforces the header and body caps (answering 413 before it
 * buffers more) and the idle timeout; unknown paths get 404.  Nothing about
 * a request is logged: its line and query string may carry numbers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include "helpline/figures.h"
#include "helpline/http.h"
#include "helpline/log.h"

#define HTTP_MAX_HEADERS 8192
#define HTTP_ACCEPT_PAUSE_MS 100
#define HTTP_MAX_PREFIXES 8

/* A handler for every path under a prefix. */
struct http_prefix {
	char *prefix;
	hl_http_cb cb;
	void *arg;
};

struct hl_http {
	struct evhttp *evhttp;
	struct evhttp_bound_socket *bound;
	struct event *resume_ev;	/* re-enables accepting after a pause */
	unsigned long accept_pauses;
	unsigned port;
	size_t max_body;
	struct hl_metrics *metrics;	/* or NULL */
	struct http_prefix prefixes[HTTP_MAX_PREFIXES];
	size_t n_prefixes;
	struct hl_http *next;		/* in http_all */
};

/*
 * Every live listener.  libevent calls the accept error callback with
 * evhttp's own argument (the struct evhttp), so this maps it back to ours;
 * the daemon is single-threaded and has one or two of them.
 */
static struct hl_http *http_all;

/* Finds our listener by its evhttp. */
static struct hl_http *
http_find(const void *evhttp)
{
	for (struct hl_http *h = http_all; h != NULL; h = h->next) {
		if ((const void *)h->evhttp == evhttp)
			return h;
	}
	return NULL;
}

/* Accepts connections again after a pause. */
static void
http_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hl_http *http = arg;

	(void)fd;
	(void)what;
	if (http->bound != NULL)
		evconnlistener_enable(
		    evhttp_bound_socket_get_listener(http->bound));
}

/*
 * Handles a failed accept().  Out of file descriptors, the pending
 * connection stays in the backlog and the listener would be woken again
 * at once, spinning and flooding the log: pause accepting for a moment
 * instead, and log the first pause and then every hundredth.
 */
static void
http_accept_error_cb(struct evconnlistener *listener, void *arg)
{
	struct hl_http *http = http_find(arg);
	int err = EVUTIL_SOCKET_ERROR();
	const struct timeval pause = { 0, HTTP_ACCEPT_PAUSE_MS * 1000 };

	if (http == NULL)
		return;
	if (http->accept_pauses++ % 100 == 0)
		hl_log_warn("http: accept failed (%s); pausing %d ms "
		    "(%lu pauses so far)", evutil_socket_error_to_string(err),
		    HTTP_ACCEPT_PAUSE_MS, http->accept_pauses);
	evconnlistener_disable(listener);
	evtimer_add(http->resume_ev, &pause);
}

/* Sends a request to the prefix route it falls under, or answers 404. */
static void
http_dispatch(struct evhttp_request *req, void *arg)
{
	static const char body[] = "{\"error\":\"not found\"}\n";
	struct hl_http *http = arg;
	const char *path = hl_http_path(req);

	const struct http_prefix *best = NULL;

	/* The longest prefix wins: /ussd/hubtel/ beside /ussd/. */
	for (size_t i = 0; path != NULL && i < http->n_prefixes; i++) {
		const struct http_prefix *p = &http->prefixes[i];
		size_t len = strlen(p->prefix);

		if (strncmp(path, p->prefix, len) == 0 &&
		    (best == NULL || len > strlen(best->prefix)))
			best = p;
	}
	if (best != NULL) {
		best->cb(req, best->arg);
		return;
	}
	hl_figures_reject(http->metrics, "http", HL_REJECT_UNKNOWN_PATH);
	hl_http_reply(req, HTTP_NOTFOUND, "Not Found", "application/json",
	    body, sizeof body - 1);
}

/* Reads back the port a socket was bound to. */
static unsigned
http_bound_port(evutil_socket_t fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

/* Binds the listener. */
struct hl_http *
hl_http_new(struct event_base *base, const struct hl_http_opts *opts,
    char *err, size_t errlen)
{
	struct hl_http *http = calloc(1, sizeof *http);

	if (http == NULL || (http->evhttp = evhttp_new(base)) == NULL) {
		snprintf(err, errlen, "http: out of memory");
		goto fail;
	}
	http->max_body = opts->max_body;
	http->metrics = opts->metrics;
	evhttp_set_max_body_size(http->evhttp, (ev_ssize_t)opts->max_body);
	evhttp_set_max_headers_size(http->evhttp, HTTP_MAX_HEADERS);
	evhttp_set_timeout(http->evhttp, (int)opts->timeout);
	evhttp_set_allowed_methods(http->evhttp, EVHTTP_REQ_GET |
	    EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(http->evhttp,
	    "text/plain; charset=utf-8");
	evhttp_set_gencb(http->evhttp, http_dispatch, http);
	http->bound = evhttp_bind_socket_with_handle(http->evhttp,
	    opts->address, (ev_uint16_t)opts->port);
	if (http->bound == NULL) {
		snprintf(err, errlen, "http: cannot listen on %s port %u "
		    "(in use, or not an address of this machine)",
		    opts->address, opts->port);
		goto fail;
	}
	http->port = http_bound_port(evhttp_bound_socket_get_fd(http->bound));
	http->resume_ev = evtimer_new(base, http_resume_cb, http);
	if (http->resume_ev == NULL) {
		snprintf(err, errlen, "http: out of memory");
		goto fail;
	}
	evconnlistener_set_error_cb(
	    evhttp_bound_socket_get_listener(http->bound),
	    http_accept_error_cb);
	http->next = http_all;
	http_all = http;
	return http;
fail:
	hl_http_free(http);
	return NULL;
}

/* Registers a handler for an exact path. */
int
hl_http_route(struct hl_http *http, const char *path, hl_http_cb cb,
    void *arg)
{
	return evhttp_set_cb(http->evhttp, path, cb, arg) == 0 ? 0 : -1;
}

/* Registers a handler for a path prefix. */
int
hl_http_route_prefix(struct hl_http *http, const char *prefix,
    hl_http_cb cb, void *arg)
{
	struct http_prefix *p;

	if (http->n_prefixes == HTTP_MAX_PREFIXES)
		return -1;
	for (size_t i = 0; i < http->n_prefixes; i++) {
		if (strcmp(http->prefixes[i].prefix, prefix) == 0)
			return -1;
	}
	p = &http->prefixes[http->n_prefixes];
	if ((p->prefix = strdup(prefix)) == NULL)
		return -1;
	p->cb = cb;
	p->arg = arg;
	http->n_prefixes++;
	return 0;
}

/* Returns a request's path. */
const char *
hl_http_path(struct evhttp_request *req)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);

	return uri != NULL ? evhttp_uri_get_path(uri) : NULL;
}

/* Returns the bound port. */
unsigned
hl_http_port(const struct hl_http *http)
{
	return http->port;
}

/* Returns the body size cap. */
size_t
hl_http_max_body(const struct hl_http *http)
{
	return http->max_body;
}

/* Stops accepting connections. */
void
hl_http_stop_accepting(struct hl_http *http)
{
	if (http->bound != NULL) {
		evhttp_del_accept_socket(http->evhttp, http->bound);
		http->bound = NULL;
	}
}

/* Sends one reply. */
void
hl_http_reply(struct evhttp_request *req, int code, const char *reason,
    const char *content_type, const char *body, size_t len)
{
	struct evbuffer *buf = evbuffer_new();
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);

	if (buf == NULL || evbuffer_add(buf, body, len) == -1) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		if (buf != NULL)
			evbuffer_free(buf);
		return;
	}
	evhttp_add_header(headers, "Content-Type", content_type);
	evhttp_add_header(headers, "Cache-Control", "no-store");
	evhttp_send_reply(req, code, reason, buf);
	evbuffer_free(buf);
}

/* Copies the request body. */
char *
hl_http_body(struct evhttp_request *req, size_t max, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	char *body;

	if (n > max)
		return NULL;
	body = malloc(n + 1);
	if (body == NULL)
		return NULL;
	if (evbuffer_copyout(in, body, n) != (ev_ssize_t)n) {
		free(body);
		return NULL;
	}
	body[n] = '\0';
	*len = n;
	return body;
}

/* Frees the listener and its connections. */
void
hl_http_free(struct hl_http *http)
{
	if (http == NULL)
		return;
	for (struct hl_http **pp = &http_all; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == http) {
			*pp = http->next;
			break;
		}
	}
	if (http->resume_ev != NULL)
		event_free(http->resume_ev);
	if (http->evhttp != NULL)
		evhttp_free(http->evhttp);
	for (size_t i = 0; i < http->n_prefixes; i++)
		free(http->prefixes[i].prefix);
	free(http);
}
