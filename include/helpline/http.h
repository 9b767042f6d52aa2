/*
 * http.h - the one HTTP listener the webhook adapters share (libevent's
 * evhttp), loopback by default.
 *
 * The listener caps header and body sizes (413 past them, nothing read
 * into memory beyond the cap), times out idle connections, answers 404 for
 * paths no adapter registered, and logs no request line or query string.
 */
#ifndef HELPLINE_HTTP_H
#define HELPLINE_HTTP_H

#include <stddef.h>

struct event_base;
struct evhttp_request;
struct hl_metrics;

struct hl_http;

struct hl_http_opts {
	const char *address;	/* "127.0.0.1" */
	unsigned port;		/* 0: any free port (see hl_http_port) */
	size_t max_body;	/* bytes */
	unsigned timeout;	/* seconds a connection may sit idle */
	struct hl_metrics *metrics;	/* counts 404s as rejected requests of
					 * adapter "http", or NULL */
};

/* Receives one complete request; must send exactly one reply. */
typedef void (*hl_http_cb)(struct evhttp_request *, void *arg);

/* Binds the listener.  Returns NULL with a message in err. */
struct hl_http *hl_http_new(struct event_base *, const struct hl_http_opts *,
    char *err, size_t errlen);

/* Registers a handler for an exact path.  Returns 0, or -1 if taken. */
int hl_http_route(struct hl_http *, const char *path, hl_http_cb cb,
    void *arg);

/* Registers a handler for every path that starts with prefix (for a
 * secret carried in the path); exact routes win, then the longest prefix.
 * Returns 0 or -1. */
int hl_http_route_prefix(struct hl_http *, const char *prefix,
    hl_http_cb cb, void *arg);

/* Returns a request's path as sent ("/ussd/abc", not percent-decoded),
 * without its query string; NULL if the URI did not parse. */
const char *hl_http_path(struct evhttp_request *);

/* Returns the port actually bound. */
unsigned hl_http_port(const struct hl_http *);

/* Returns the body size cap. */
size_t hl_http_max_body(const struct hl_http *);

/* Stops accepting connections; open ones are still served. */
void hl_http_stop_accepting(struct hl_http *);

/* Sends a reply with a content type and body (len bytes). */
void hl_http_reply(struct evhttp_request *, int code, const char *reason,
    const char *content_type, const char *body, size_t len);

/* Copies the request body into a NUL-terminated buffer (caller frees);
 * *len receives its length.  Returns NULL if it is over max or on OOM. */
char *hl_http_body(struct evhttp_request *, size_t max, size_t *len);

void hl_http_free(struct hl_http *);

#endif
