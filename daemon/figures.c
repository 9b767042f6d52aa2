/*
 * figures.c - helplined's own figure families, written the same way by
 * every module that counts into them (figures.h).
 *
 * Each call looks its family up by name: a dozen string comparisons, once
 * per message at most, and no module has to hold family pointers.  A
 * figure that cannot be counted (no memory, a family full of series) is
 * lost silently: figures must never stop a message being answered.
 */
#include <stddef.h>

#include "helpline/figures.h"
#include "helpline/metrics.h"

#define FIG_REQUESTS "helplined_requests_total"
#define FIG_REQUESTS_HELP "Messages and requests from gateways by adapter " \
	"and outcome: ok (answered), duplicate (a gateway's retry), failed " \
	"(internal error), flooded (over the sender's rate limit: dropped " \
	"unanswered), rejected (refused before processing)."
#define FIG_REJECTED "helplined_rejected_total"
#define FIG_REJECTED_HELP "Requests refused before processing, by adapter " \
	"and reason."
#define FIG_LATENCY "helplined_reply_latency_seconds"
#define FIG_LATENCY_HELP "Seconds from a message's hand-over to the core " \
	"to its reply, by adapter (flooded messages are not answered and " \
	"not included)."
#define FIG_DROPPED "helplined_replies_dropped_total"
#define FIG_DROPPED_HELP "Replies or reply parts that never reached the " \
	"gateway, by adapter and reason."

static const char *const fig_reject_names[HL_REJECT__MAX] = {
	[HL_REJECT_BAD_SIGNATURE] = "bad_signature",
	[HL_REJECT_BAD_SECRET] = "bad_secret",
	[HL_REJECT_MALFORMED] = "malformed",
	[HL_REJECT_BAD_UTF8] = "bad_utf8",
	[HL_REJECT_TOO_LARGE] = "too_large",
	[HL_REJECT_METHOD] = "method",
	[HL_REJECT_MEDIA_TYPE] = "media_type",
	[HL_REJECT_UNKNOWN_PATH] = "unknown_path",
	[HL_REJECT_BUSY] = "busy",
	[HL_REJECT_STOPPING] = "stopping",
};

static const char *const fig_drop_names[HL_DROP__MAX] = {
	[HL_DROP_QUEUE_FULL] = "queue_full",
	[HL_DROP_REFUSED] = "refused",
	[HL_DROP_FAILED] = "failed",
};

/* Returns the label value of a reason. */
const char *
hl_reject_name(enum hl_reject r)
{
	return (unsigned)r < HL_REJECT__MAX ? fig_reject_names[r] : "other";
}

/* Returns the label value of an outcome. */
const char *
hl_outcome_name(enum hl_reply_status s)
{
	switch (s) {
	case HL_REPLY_OK:
		return "ok";
	case HL_REPLY_DUPLICATE:
		return "duplicate";
	case HL_REPLY_FLOODED:
		return "flooded";
	case HL_REPLY_FAILED:
	default:
		return "failed";
	}
}

/* Returns the requests family. */
static struct hl_metric *
fig_requests(struct hl_metrics *m)
{
	static const char *const labels[] = { "adapter", "outcome", NULL };

	return hl_metrics_family(m, HL_METRIC_COUNTER, FIG_REQUESTS,
	    FIG_REQUESTS_HELP, labels);
}

/* Makes an adapter's request series exist. */
void
hl_figures_adapter(struct hl_metrics *m, const char *adapter)
{
	static const char *const outcomes[] = { "ok", "duplicate", "failed",
	    "flooded", "rejected" };
	struct hl_metric *f = fig_requests(m);

	for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++) {
		const char *v[] = { adapter, outcomes[i] };

		(void)hl_metric_add(f, v, 0);
	}
}

/* Counts a message the core answered or dropped. */
void
hl_figures_request(struct hl_metrics *m, const char *adapter,
    enum hl_reply_status status, double seconds)
{
	static const char *const labels[] = { "adapter", NULL };
	const char *v[] = { adapter != NULL ? adapter : "unknown",
	    hl_outcome_name(status) };

	if (m == NULL)
		return;
	(void)hl_metric_add(fig_requests(m), v, 1);
	if (status != HL_REPLY_FLOODED)
		(void)hl_metric_observe(hl_metrics_family(m,
		    HL_METRIC_HISTOGRAM, FIG_LATENCY, FIG_LATENCY_HELP,
		    labels), v, seconds);
}

/* Counts a request refused before the core. */
void
hl_figures_reject(struct hl_metrics *m, const char *adapter,
    enum hl_reject reason)
{
	static const char *const labels[] = { "adapter", "reason", NULL };
	const char *req[] = { adapter, "rejected" };
	const char *rej[] = { adapter, hl_reject_name(reason) };

	if (m == NULL)
		return;
	(void)hl_metric_add(fig_requests(m), req, 1);
	(void)hl_metric_add(hl_metrics_family(m, HL_METRIC_COUNTER,
	    FIG_REJECTED, FIG_REJECTED_HELP, labels), rej, 1);
}

/* Counts replies that never reached the gateway. */
void
hl_figures_drop(struct hl_metrics *m, const char *adapter,
    enum hl_drop reason, unsigned long n)
{
	static const char *const labels[] = { "adapter", "reason", NULL };
	const char *v[] = { adapter, (unsigned)reason < HL_DROP__MAX ?
	    fig_drop_names[reason] : "failed" };

	if (m == NULL)
		return;
	(void)hl_metric_add(hl_metrics_family(m, HL_METRIC_COUNTER,
	    FIG_DROPPED, FIG_DROPPED_HELP, labels), v, (double)n);
}
