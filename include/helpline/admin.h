/*
 * admin.h - the operators' HTTP endpoint, on a listener of its own
 * (never the gateways'): GET /healthz and GET /metrics.
 *
 *   /healthz  200 "ready", or 503 "degraded: <why>" where why lists what is
 *             wrong: "shutting down", "store writes failing", "<name> link
 *             down" for an adapter whose gateway link is not up (an SMPP
 *             adapter not bound), separated by "; ".
 *   /metrics  the registry (metrics.h) in the Prometheus text format 0.0.4,
 *             with the figures read at scrape time added first.
 * Other paths 404; other methods 405.  Loopback only (DESIGN.md section 5
 * rule 8): a non-loopback address is refused unless allow_remote is set.
 * Nothing about a request is logged.
 */
#ifndef HELPLINE_ADMIN_H
#define HELPLINE_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct hl_adapter;
struct hl_config;
struct hl_core;
struct hl_metrics;
struct hl_store;

struct hl_admin_opts {
	bool enabled;
	const char *address;		/* borrowed from the config */
	unsigned port;			/* 0: any free port */
	bool allow_remote;		/* a non-loopback address is allowed */
};

/* What the endpoint reports on; all borrowed, alive until hl_admin_free. */
struct hl_admin_sources {
	struct hl_metrics *metrics;
	struct hl_core *core;
	struct hl_store *store;
};

struct hl_admin;

/* Reads [admin] (enabled, address, port, allow_remote).  Returns 0, or -1
 * with err set. */
int hl_admin_read_config(struct hl_config *, struct hl_admin_opts *,
    char *err, size_t errlen);

/* Binds the listener.  Returns NULL with err set (a non-loopback address
 * without allow_remote, a port in use, no memory). */
struct hl_admin *hl_admin_new(struct event_base *,
    const struct hl_admin_opts *, const struct hl_admin_sources *,
    char *err, size_t errlen);

/* Watches an adapter: its request series are made at 0, and its gateway
 * link (if it has one) feeds /healthz and helplined_gateway_up, under the
 * NAME of its section "adapter.NAME" (copied).  Returns 0, or -1 if too
 * many adapters have a link.  NULL admin: nothing. */
int hl_admin_watch(struct hl_admin *, struct hl_adapter *,
    const char *section);

/* Says "shutting down" from now on (the listener stays open through the
 * shutdown grace so a load balancer sees it).  NULL: nothing. */
void hl_admin_set_stopping(struct hl_admin *);

/* Returns the port actually bound. */
unsigned hl_admin_port(const struct hl_admin *);

/* Writes the bound port to path atomically (for tests and supervisors
 * that asked for port 0).  Returns 0 or -1 with errno set. */
int hl_admin_write_port(const struct hl_admin *, const char *path);

/* Closes the listener and frees.  NULL is fine. */
void hl_admin_free(struct hl_admin *);

#endif
