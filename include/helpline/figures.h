/*
 * figures.h - helplined's own figures for operators, by name: what the
 * core, the adapters and the HTTP listener count into the registry
 * (metrics.h), so every module writes the same family the same way.
 *
 * Labels come from fixed sets only: `adapter` is the NAME of the config
 * section [adapter.NAME] ("http" for the shared listener itself), the
 * outcome and reason are the enums below.  Every function does nothing
 * when the registry is NULL.
 */
#ifndef HELPLINE_FIGURES_H
#define HELPLINE_FIGURES_H

#include <stdbool.h>

#include "helpline/core.h"

struct hl_metrics;

/* Why a request was refused before it reached the core. */
enum hl_reject {
	HL_REJECT_BAD_SIGNATURE,	/* a gateway signature missing or
					 * wrong (Twilio) */
	HL_REJECT_BAD_SECRET,		/* a shared secret or key missing or
					 * wrong */
	HL_REJECT_MALFORMED,		/* unreadable body, form, query, JSON
					 * or PDU, or a field missing */
	HL_REJECT_BAD_UTF8,		/* a JSON body that is not UTF-8 */
	HL_REJECT_TOO_LARGE,		/* body, text or URI over its cap */
	HL_REJECT_METHOD,		/* an HTTP method the route refuses */
	HL_REJECT_MEDIA_TYPE,		/* a Content-Type the route refuses */
	HL_REJECT_UNKNOWN_PATH,		/* no route (adapter "http") */
	HL_REJECT_BUSY,			/* too much in flight */
	HL_REJECT_STOPPING,		/* refused while shutting down */
	HL_REJECT__MAX,
};

/* Why a reply never reached the gateway. */
enum hl_drop {
	HL_DROP_QUEUE_FULL,		/* no room to queue it */
	HL_DROP_REFUSED,		/* the gateway refused it */
	HL_DROP_FAILED,			/* it could not be built or sent */
	HL_DROP__MAX,
};

/* Returns the label value of a reason ("bad_signature", ...). */
const char *hl_reject_name(enum hl_reject);

/* Returns the label value of an outcome: "ok", "duplicate", "failed",
 * "flooded". */
const char *hl_outcome_name(enum hl_reply_status);

/* Makes an adapter's request and rejection series exist at 0, so they
 * are scraped (and rates work) before the first event. */
void hl_figures_adapter(struct hl_metrics *, const char *adapter);

/* Counts a message the core answered (or dropped as flooded) and the
 * seconds from hand-over to reply. */
void hl_figures_request(struct hl_metrics *, const char *adapter,
    enum hl_reply_status, double seconds);

/* Counts a request refused before the core: requests_total with outcome
 * "rejected", and rejected_total by reason. */
void hl_figures_reject(struct hl_metrics *, const char *adapter,
    enum hl_reject);

/* Counts n replies (or reply parts) that never reached the gateway. */
void hl_figures_drop(struct hl_metrics *, const char *adapter,
    enum hl_drop, unsigned long n);

#endif
