/*
 * adapter.h - the one vtable every gateway adapter fills (DESIGN.md
 * section 3).
 *
 * Contract for adapters (after Kannel's smscconn_p.h):
 * - An adapter MUST NOT block the event loop.
 * - It MUST copy what it keeps; what the core hands it is borrowed.
 * - It hands each message to hl_core_submit() and answers its gateway from
 *   the reply callback, which runs before hl_core_submit() returns.
 * - It MUST NOT log a phone number, message text, pseudonym, gateway id,
 *   secret, request line or query string.
 * Adding an adapter touches its own file, the table in
 * gateway-adapters/adapters.c and its tests: nothing else.
 */
#ifndef HELPLINE_ADAPTER_H
#define HELPLINE_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct hl_config;
struct hl_core;
struct hl_http;
struct hl_metrics;

/* What an adapter is given to work with; all borrowed, alive until free. */
struct hl_adapter_env {
	struct event_base *base;
	struct hl_core *core;
	struct hl_http *http;		/* the shared HTTP listener */
	struct hl_config *config;	/* read section [adapter.NAME] */
	const char *section;		/* "adapter.NAME" */
	/* Figures for operators (figures.h), or NULL.  The adapter counts
	 * what it refuses before the core, by reason, and replies that
	 * never reach its gateway; the core counts the rest. */
	struct hl_metrics *metrics;
	/* Asks the daemon to stop as on SIGTERM (the console at end of
	 * input). */
	void (*request_stop)(void *stop_ctx);
	void *stop_ctx;
};

struct hl_adapter_ops {
	const char *name;

	/* Called once at start-up when the adapter is enabled.  Reads its
	 * config section and registers routes or opens files, but sends and
	 * receives nothing yet.  Returns the adapter's state, or NULL with a
	 * message in err (naming the config key at fault). */
	void *(*create)(const struct hl_adapter_env *, char *err,
	    size_t errlen);

	/* Called when the daemon starts serving.  Returns 0 or -1.
	 * May be NULL: nothing to do. */
	int (*start)(void *state);

	/* Called on SIGTERM/SIGINT: stop taking new messages; what is in
	 * flight is still answered.  May be NULL. */
	void (*stop)(void *state);

	/* Returns true when nothing is in flight (so the daemon may exit).
	 * May be NULL: always idle. */
	bool (*is_idle)(void *state);

	/* Returns the state of the adapter's link to its gateway, for
	 * /healthz and /metrics: 1 up, 0 down (not connected or not bound).
	 * May be NULL: the adapter has no link of its own (webhooks). */
	int (*link_state)(void *state);

	/* Frees the state.  Called once, after stop. */
	void (*free)(void *state);
};

/* One running adapter. */
struct hl_adapter;

/* Returns the adapter ops of that name from the static table, or NULL. */
const struct hl_adapter_ops *hl_adapter_find(const char *name);

/* Returns the table's names, NULL-terminated (for --help and config). */
const char *const *hl_adapter_names(void);

/* Creates an adapter through its ops.  Returns NULL with err set. */
struct hl_adapter *hl_adapter_new(const struct hl_adapter_ops *,
    const struct hl_adapter_env *, char *err, size_t errlen);
int hl_adapter_start(struct hl_adapter *);
void hl_adapter_stop(struct hl_adapter *);
bool hl_adapter_is_idle(struct hl_adapter *);
void hl_adapter_free(struct hl_adapter *);
const char *hl_adapter_name(const struct hl_adapter *);

/* Returns the adapter's link state: 1 up, 0 down, -1 no link. */
int hl_adapter_link_state(struct hl_adapter *);

#endif
