/*
 * http.c - the HTTP listener the webhook adapters share.
 *
 * One evhttp on one bound socket (loopback unless configured).  evhttp
 * itself enforces the header and body caps (answering 413 before it
 * buffers more) and the idle timeout; unknown paths get 404.  Nothing about
 * a request is logged: its line and query string may carry numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include "helpline/http.h"
#include "helpline/log.h"

#define HTTP_MAX_HEADERS 8192

struct hl_http {
	struct evhttp *evhttp;
	struct evhttp_bound_socket *bound;
	unsigned port;
	size_t max_body;
};

/* Answers requests for paths no adapter registered. */
static void
http_not_found(struct evhttp_request *req, void *arg)
{
	static const char body[] = "{\"error\":\"not found\"}\n";

	(void)arg;
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
	evhttp_set_max_body_size(http->evhttp, (ev_ssize_t)opts->max_body);
	evhttp_set_max_headers_size(http->evhttp, HTTP_MAX_HEADERS);
	evhttp_set_timeout(http->evhttp, (int)opts->timeout);
	evhttp_set_allowed_methods(http->evhttp, EVHTTP_REQ_GET |
	    EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(http->evhttp,
	    "text/plain; charset=utf-8");
	evhttp_set_gencb(http->evhttp, http_not_found, NULL);
	http->bound = evhttp_bind_socket_with_handle(http->evhttp,
	    opts->address, (ev_uint16_t)opts->port);
	if (http->bound == NULL) {
		snprintf(err, errlen, "http: cannot listen on %s port %u "
		    "(in use, or not an address of this machine)",
		    opts->address, opts->port);
		goto fail;
	}
	http->port = http_bound_port(evhttp_bound_socket_get_fd(http->bound));
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
	if (http->evhttp != NULL)
		evhttp_free(http->evhttp);
	free(http);
}
