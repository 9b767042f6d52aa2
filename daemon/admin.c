/*
 * admin.c - the operators' endpoint: /healthz and /metrics on an HTTP
 * listener of its own (admin.h).
 *
 * It is a second hl_http, so the gateways' listener caps, timeouts and
 * accept back-off apply here too, and its traffic never mixes with a
 * gateway's: stopping the gateways' listener at SIGTERM leaves this one
 * answering "degraded: shutting down" until the daemon exits.
 *
 * The figures that are states rather than events (sessions open, the live
 * menu version, gateway links, the core's store and rate-limit figures)
 * are read when /metrics is scraped; the events are counted where they
 * happen (figures.h).  Sessions open is a count(*) on the store, done at
 * most every ADMIN_SESSIONS_EVERY_MS and never while the store is failing
 * (a locked database would hold the loop for its busy timeout).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "helpline/adapter.h"
#include "helpline/admin.h"
#include "helpline/config.h"
#include "helpline/core.h"
#include "helpline/figures.h"
#include "helpline/http.h"
#include "helpline/metrics.h"
#include "helpline/store.h"

#define ADMIN_PORT_DEFAULT 8089
#define ADMIN_MAX_BODY 1024		/* GET only: no body expected */
#define ADMIN_TIMEOUT 10
#define ADMIN_MAX_WATCHED 16
#define ADMIN_WHY_LEN 512
#define ADMIN_SESSIONS_EVERY_MS 1000

struct admin_watched {
	struct hl_adapter *adapter;
	char name[64];
};

struct hl_admin {
	struct hl_http *http;
	struct hl_admin_sources src;
	struct admin_watched watched[ADMIN_MAX_WATCHED];
	size_t n_watched;
	bool stopping;
	unsigned sessions;		/* cached count */
	int64_t sessions_at_ms;		/* when it was read; 0: never */
};

/* Reads [admin]. */
int
hl_admin_read_config(struct hl_config *c, struct hl_admin_opts *o, char *err,
    size_t errlen)
{
	memset(o, 0, sizeof *o);
	return hl_config_bool(c, "admin", "enabled", true, &o->enabled, err,
	    errlen) == -1 ||
	    hl_config_str(c, "admin", "address", "127.0.0.1", &o->address,
	    err, errlen) == -1 ||
	    hl_config_uint(c, "admin", "port", ADMIN_PORT_DEFAULT, 0, 65535,
	    &o->port, err, errlen) == -1 ||
	    hl_config_bool(c, "admin", "allow_remote", false,
	    &o->allow_remote, err, errlen) == -1 ? -1 : 0;
}

/* Returns true if address is a numeric loopback address (127.0.0.0/8,
 * ::1, or ::ffff:127.x.y.z).  A name is not: what it resolves to is not
 * ours to know at start-up. */
static bool
admin_is_loopback(const char *address)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, address, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, address, &a6) != 1)
		return false;
	return IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) &&
	    a6.s6_addr[12] == 127);
}

/* Milliseconds on the monotonic clock. */
static int64_t
admin_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Appends one reason to a "; "-separated list. */
static void
admin_why(char *why, size_t len, const char *reason, const char *name)
{
	size_t used = strlen(why);

	snprintf(why + used, len - used, "%s%s%s%s", used > 0 ? "; " : "",
	    name != NULL ? name : "", name != NULL ? " " : "", reason);
}

/* Writes what is wrong into why (empty when ready).  Returns true if
 * ready. */
static bool
admin_is_ready(struct hl_admin *a, char *why, size_t len)
{
	struct hl_core_figures f;

	why[0] = '\0';
	if (a->stopping)
		admin_why(why, len, "shutting down", NULL);
	hl_core_figures(a->src.core, &f);
	if (f.store_failing)
		admin_why(why, len, "store writes failing", NULL);
	for (size_t i = 0; i < a->n_watched; i++) {
		if (hl_adapter_link_state(a->watched[i].adapter) == 0)
			admin_why(why, len, "link down", a->watched[i].name);
	}
	return why[0] == '\0';
}

/* Answers a request that is not a GET or HEAD: 405.  Returns true if it
 * did. */
static bool
admin_refuse_method(struct evhttp_request *req)
{
	static const char body[] = "use GET\n";
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);

	if (cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD)
		return false;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    "GET, HEAD");
	hl_http_reply(req, 405, "Method Not Allowed",
	    "text/plain; charset=utf-8", body, sizeof body - 1);
	return true;
}

/* Answers /healthz. */
static void
admin_healthz(struct evhttp_request *req, void *arg)
{
	struct hl_admin *a = arg;
	char why[ADMIN_WHY_LEN], body[ADMIN_WHY_LEN + 16];
	int n;

	if (admin_refuse_method(req))
		return;
	if (admin_is_ready(a, why, sizeof why)) {
		hl_http_reply(req, 200, "OK", "text/plain; charset=utf-8",
		    "ready\n", 6);
		return;
	}
	n = snprintf(body, sizeof body, "degraded: %s\n", why);
	hl_http_reply(req, 503, "Service Unavailable",
	    "text/plain; charset=utf-8", body, n > 0 &&
	    (size_t)n < sizeof body ? (size_t)n : sizeof body - 1);
}

/* Sets a label-less gauge or counter. */
static void
admin_set(struct hl_metrics *m, enum hl_metric_type type, const char *name,
    const char *help, double v)
{
	(void)hl_metric_set(hl_metrics_family(m, type, name, help, NULL),
	    NULL, v);
}

/* Refreshes the cached count of open sessions, at most every
 * ADMIN_SESSIONS_EVERY_MS and only while the store takes writes. */
static void
admin_refresh_sessions(struct hl_admin *a, bool store_failing)
{
	int64_t now = admin_now_ms();
	unsigned n;

	if (store_failing || (a->sessions_at_ms != 0 &&
	    now - a->sessions_at_ms < ADMIN_SESSIONS_EVERY_MS))
		return;
	if (hl_store_session_count(a->src.store, &n) == 0) {
		a->sessions = n;
		a->sessions_at_ms = now;
	}
}

/* Sets the live menu's info series (the old version's goes). */
static void
admin_collect_menu(struct hl_admin *a)
{
	static const char *const labels[] = { "helpline", "version", NULL };
	const struct hl_menu *tree = hl_core_tree(a->src.core);
	const char *v[] = { tree->helpline, tree->version };
	struct hl_metric *f = hl_metrics_family(a->src.metrics,
	    HL_METRIC_GAUGE, "helplined_menu_info", "The live menu tree: "
	    "its helpline id and version (value always 1).", labels);

	hl_metric_clear(f);
	(void)hl_metric_set(f, v, 1);
}

/* Sets each watched gateway link's state. */
static void
admin_collect_links(struct hl_admin *a)
{
	static const char *const labels[] = { "adapter", NULL };
	struct hl_metric *f = hl_metrics_family(a->src.metrics,
	    HL_METRIC_GAUGE, "helplined_gateway_up", "1 if the adapter's "
	    "link to its gateway is up (SMPP: every link bound), else 0.",
	    labels);

	for (size_t i = 0; i < a->n_watched; i++) {
		int state = hl_adapter_link_state(a->watched[i].adapter);
		const char *v[] = { a->watched[i].name };

		if (state >= 0)
			(void)hl_metric_set(f, v, state);
	}
}

/* Reads the figures that are states into the registry. */
static void
admin_collect(struct hl_admin *a)
{
	struct hl_metrics *m = a->src.metrics;
	struct hl_core_figures f;
	char why[ADMIN_WHY_LEN];

	hl_core_figures(a->src.core, &f);
	admin_refresh_sessions(a, f.store_failing);
	admin_set(m, HL_METRIC_GAUGE, "helplined_ready", "1 if /healthz "
	    "says ready, else 0.", admin_is_ready(a, why, sizeof why));
	admin_set(m, HL_METRIC_GAUGE, "helplined_sessions_open",
	    "Sessions in the store (counted at most once a second).",
	    a->sessions);
	admin_collect_menu(a);
	admin_collect_links(a);
	admin_set(m, HL_METRIC_GAUGE, "helplined_store_up", "1 if the "
	    "store takes writes, 0 while they fail (changes are kept in "
	    "memory and retried).", !f.store_failing);
	admin_set(m, HL_METRIC_COUNTER, "helplined_store_lost_writes_total",
	    "Session changes or counts dropped because the store refused "
	    "writes and memory for pending ones was full.", (double)f.lost);
	admin_set(m, HL_METRIC_GAUGE, "helplined_ratelimit_senders",
	    "Senders the rate limit tracks now.",
	    (double)f.senders_limited);
	admin_set(m, HL_METRIC_COUNTER,
	    "helplined_ratelimit_evictions_total", "Senders the rate limit "
	    "forgot early because its table was full.",
	    (double)f.limit_evictions);
}

/* Answers /metrics. */
static void
admin_metrics(struct evhttp_request *req, void *arg)
{
	struct hl_admin *a = arg;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int rc;

	if (admin_refuse_method(req))
		return;
	admin_collect(a);
	if ((out = open_memstream(&buf, &len)) == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	rc = hl_metrics_write(a->src.metrics, out);
	if (fclose(out) != 0 || rc == -1) {
		free(buf);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	hl_http_reply(req, 200, "OK", "text/plain; version=0.0.4; "
	    "charset=utf-8", buf, len);
	free(buf);
}

/* Binds the listener. */
struct hl_admin *
hl_admin_new(struct event_base *base, const struct hl_admin_opts *opts,
    const struct hl_admin_sources *src, char *err, size_t errlen)
{
	struct hl_http_opts ho = {
		.address = opts->address,
		.port = opts->port,
		.max_body = ADMIN_MAX_BODY,
		.timeout = ADMIN_TIMEOUT,
	};
	struct hl_admin *a;

	if (!opts->allow_remote && !admin_is_loopback(opts->address)) {
		snprintf(err, errlen, "[admin] address %.64s is not a numeric "
		    "loopback address (127.0.0.1 or ::1): the figures are for "
		    "this machine's operators; set allow_remote = yes to "
		    "listen on it anyway", opts->address);
		return NULL;
	}
	if ((a = calloc(1, sizeof *a)) == NULL) {
		snprintf(err, errlen, "admin: out of memory");
		return NULL;
	}
	a->src = *src;
	if ((a->http = hl_http_new(base, &ho, err, errlen)) == NULL) {
		/* err says "http: cannot listen...": name the section. */
		snprintf(err, errlen, "[admin]: cannot listen on %.64s port %u "
		    "(in use, or not an address of this machine)",
		    opts->address, opts->port);
		free(a);
		return NULL;
	}
	if (hl_http_route(a->http, "/healthz", admin_healthz, a) == -1 ||
	    hl_http_route(a->http, "/metrics", admin_metrics, a) == -1) {
		snprintf(err, errlen, "admin: out of memory");
		hl_admin_free(a);
		return NULL;
	}
	return a;
}

/* Watches an adapter's link. */
int
hl_admin_watch(struct hl_admin *a, struct hl_adapter *adapter,
    const char *section)
{
	struct admin_watched *w;
	const char *name = strncmp(section, "adapter.", 8) == 0 ?
	    section + 8 : section;

	if (a == NULL)
		return 0;
	/* Its request series exist from the start, at 0. */
	hl_figures_adapter(a->src.metrics, name);
	if (hl_adapter_link_state(adapter) == -1)
		return 0;
	if (a->n_watched == ADMIN_MAX_WATCHED)
		return -1;
	w = &a->watched[a->n_watched++];
	w->adapter = adapter;
	snprintf(w->name, sizeof w->name, "%s", name);
	return 0;
}

/* Says "shutting down" from now on. */
void
hl_admin_set_stopping(struct hl_admin *a)
{
	if (a != NULL)
		a->stopping = true;
}

/* Returns the bound port. */
unsigned
hl_admin_port(const struct hl_admin *a)
{
	return hl_http_port(a->http);
}

/* Writes the bound port to a file, atomically. */
int
hl_admin_write_port(const struct hl_admin *a, const char *path)
{
	char tmp[4200];
	FILE *f;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "%u\n", hl_admin_port(a));
	if (fclose(f) != 0 || rename(tmp, path) == -1)
		return -1;
	return 0;
}

/* Closes the listener and frees. */
void
hl_admin_free(struct hl_admin *a)
{
	if (a == NULL)
		return;
	hl_http_free(a->http);
	free(a);
}
