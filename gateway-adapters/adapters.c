/*
 * adapters.c - the static table of adapters, and the wrappers the daemon
 * calls them through (a missing op means nothing to do).
 */
#include <stdlib.h>
#include <string.h>

#include "helpline/adapter.h"
#include "helpline/log.h"

extern const struct hl_adapter_ops hl_adapter_console;
extern const struct hl_adapter_ops hl_adapter_json;
extern const struct hl_adapter_ops hl_adapter_twilio;
extern const struct hl_adapter_ops hl_adapter_ussd;
extern const struct hl_adapter_ops hl_adapter_kannel;
extern const struct hl_adapter_ops hl_adapter_smpp;

static const struct hl_adapter_ops *const adapters[] = {
	&hl_adapter_console,
	&hl_adapter_json,
	&hl_adapter_twilio,
	&hl_adapter_ussd,
	&hl_adapter_kannel,
	&hl_adapter_smpp,
};

static const char *const adapter_names[] = { "console", "json", "twilio",
    "ussd", "kannel", "smpp",
    NULL };

struct hl_adapter {
	const struct hl_adapter_ops *ops;
	void *state;
	bool stopped;
};

/* Finds an adapter by name. */
const struct hl_adapter_ops *
hl_adapter_find(const char *name)
{
	for (size_t i = 0; i < sizeof adapters / sizeof adapters[0]; i++) {
		if (strcmp(adapters[i]->name, name) == 0)
			return adapters[i];
	}
	return NULL;
}

/* Returns the adapters' names. */
const char *const *
hl_adapter_names(void)
{
	return adapter_names;
}

/* Creates an adapter. */
struct hl_adapter *
hl_adapter_new(const struct hl_adapter_ops *ops,
    const struct hl_adapter_env *env, char *err, size_t errlen)
{
	struct hl_adapter *a = calloc(1, sizeof *a);

	if (a == NULL)
		return NULL;
	a->ops = ops;
	a->state = ops->create(env, err, errlen);
	if (a->state == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

/* Starts an adapter. */
int
hl_adapter_start(struct hl_adapter *a)
{
	if (a->ops->start == NULL)
		return 0;
	if (a->ops->start(a->state) == -1) {
		hl_log_err("adapter %s: start failed", a->ops->name);
		return -1;
	}
	hl_log_info("adapter %s: started", a->ops->name);
	return 0;
}

/* Stops an adapter taking new messages. */
void
hl_adapter_stop(struct hl_adapter *a)
{
	if (a->stopped)
		return;
	a->stopped = true;
	if (a->ops->stop != NULL)
		a->ops->stop(a->state);
}

/* Returns true when nothing is in flight. */
bool
hl_adapter_is_idle(struct hl_adapter *a)
{
	return a->ops->is_idle == NULL || a->ops->is_idle(a->state);
}

/* Frees an adapter. */
void
hl_adapter_free(struct hl_adapter *a)
{
	if (a == NULL)
		return;
	hl_adapter_stop(a);
	a->ops->free(a->state);
	free(a);
}

/* Returns an adapter's link state. */
int
hl_adapter_link_state(struct hl_adapter *a)
{
	return a->ops->link_state == NULL ? -1 : a->ops->link_state(a->state);
}

/* Returns an adapter's name. */
const char *
hl_adapter_name(const struct hl_adapter *a)
{
	return a->ops->name;
}
