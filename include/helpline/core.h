/*
 * core.h - one inbound message in, one reply out.
 *
 * The core normalises the sender, turns it into a pseudonym, loads the
 * session, runs the engine on the tree version the session is pinned to,
 * writes the session and the aggregated counters back, and hands the reply
 * to the adapter's callback.  Adapters know their protocol and nothing else.
 */
#ifndef HELPLINE_CORE_H
#define HELPLINE_CORE_H

#include <stdbool.h>
#include <stddef.h>

#include "helpline/menu.h"
#include "helpline/ratelimit.h"
#include "helpline/text.h"

struct event_base;
struct hl_metrics;
struct hl_store;

/* A message text is personal data: its own type keeps it out of logs. */
struct hl_msg_text {
	const char *bytes;
	size_t len;
};

/* One inbound message.  Everything is borrowed for the duration of
 * hl_core_submit(); the core keeps none of it. */
struct hl_inbound {
	const char *adapter;		/* adapter name, for counters */
	enum hl_channel channel;
	const char *sender;		/* as the gateway gave it */
	struct hl_msg_text text;
	const char *session_id;		/* gateway session (USSD), or NULL */
	const char *gateway_id;		/* message id for de-duplication, or NULL */
	const char *lang_hint;		/* preferred language, or NULL */
};

enum hl_reply_status {
	HL_REPLY_OK,		/* text holds the reply */
	HL_REPLY_DUPLICATE,	/* a retry of a message already answered:
				 * text holds the first answer if it is still
				 * kept, else it is empty (len 0) */
	HL_REPLY_FAILED,	/* internal error: the adapter answers 5xx */
	HL_REPLY_FLOODED,	/* the sender is over its rate limit: the
				 * message was dropped unread (no session,
				 * no counter); the adapter acknowledges the
				 * gateway and sends nothing to the phone */
};

struct hl_reply {
	enum hl_reply_status status;
	const char *text;	/* UTF-8, valid only during the callback */
	size_t len;
	bool end;		/* the conversation is over (USSD END) */
	enum hl_sms_coding coding;	/* what an SMS of this text needs */
};

/* Receives the reply; called exactly once per submitted message, always
 * before hl_core_submit() returns (the adapters rely on it: their ctx may
 * be a request or a stack object; an asynchronous core would change this
 * contract and every adapter with it). */
typedef void (*hl_reply_cb)(const struct hl_reply *, void *ctx);

struct hl_core_opts {
	const char *region;		/* default region for senders: "NL" */
	unsigned sms_idle;		/* seconds an SMS session lives idle */
	unsigned ussd_idle;		/* seconds a USSD session lives idle */
	unsigned key_period;		/* pseudonym key period, seconds */
	unsigned expire_interval;	/* seconds between expiry sweeps */
	unsigned dedup_window;		/* seconds a gateway id is remembered */
	unsigned batch_ms;		/* writes are committed this long after
					 * the first one (0: next iteration) */
	struct hl_budget sms;
	struct hl_budget ussd;
	struct hl_ratelimit_opts ratelimit;	/* per sender; burst 0: none */
	struct hl_metrics *metrics;	/* figures for operators, or NULL;
					 * borrowed, must outlive the core */
};

/* What the core can tell operators (the admin endpoint). */
struct hl_core_figures {
	unsigned long messages;		/* taken, as hl_core_messages() */
	unsigned long lost;		/* session changes or counts dropped */
	bool store_failing;		/* the last batch could not be written */
	size_t senders_limited;		/* senders the rate limit tracks */
	unsigned long limit_evictions;	/* of those, forgotten early */
};

struct hl_core;

/* Creates the core.  Takes ownership of tree; borrows base and store, which
 * must outlive it.  Returns NULL on failure. */
struct hl_core *hl_core_new(struct event_base *base, struct hl_store *store,
    struct hl_menu *tree, const struct hl_core_opts *opts);

/* Submits one message; the reply comes through cb.  Returns 0, or -1 if
 * the message was refused before processing (then cb is not called). */
int hl_core_submit(struct hl_core *, const struct hl_inbound *,
    hl_reply_cb cb, void *ctx);

/* Makes tree the live tree (takes ownership).  Sessions pinned to older
 * versions finish on them; an old tree is freed once no session uses it.
 * A tree whose version is already loaded is refused.  Returns 0 or -1. */
int hl_core_publish(struct hl_core *, struct hl_menu *tree);

/* Makes a loaded tree live again: an older version still serving open
 * sessions (a rollback), or the current draft (publishing what was
 * tried).  Returns 0; 1 if no loaded tree has that version; -1 if it is
 * an earlier draft still serving test sessions (its version may not name
 * what it holds: the caller refuses). */
int hl_core_make_live(struct hl_core *, const char *version);

struct hl_testers;

/* Makes tree the draft (takes ownership): new sessions of test numbers
 * start on it; everyone else's on the live tree.  Sessions begun on an
 * earlier draft finish on it.  NULL clears the draft.  Screens on a
 * draft are not counted (they are tests, not usage).  A version already
 * loaded is refused.  Returns 0 or -1. */
int hl_core_set_draft(struct hl_core *, struct hl_menu *tree);

/* Returns true if a tree of that version is loaded (live, draft, or an
 * older one still serving open sessions). */
bool hl_core_has_version(const struct hl_core *, const char *version);

/* Returns true if a loaded tree of that version came in as a draft (the
 * current one, or an earlier one still serving test sessions). */
bool hl_core_is_draft_version(const struct hl_core *, const char *version);

/* Returns the draft tree, or NULL. */
const struct hl_menu *hl_core_draft(const struct hl_core *);

/* Sets the test numbers that see the draft (takes ownership; may be
 * NULL: nobody). */
void hl_core_set_testers(struct hl_core *, struct hl_testers *);

/* Returns how many test numbers there are. */
size_t hl_core_testers(const struct hl_core *);

/* Receives one loaded tree: whether it is live or the draft, and how many
 * stored sessions are pinned to it. */
typedef void (*hl_core_tree_cb)(const struct hl_menu *, bool live,
    bool draft, unsigned sessions, void *arg);

/* Calls cb for every loaded tree, live first.  Returns 0 or -1. */
int hl_core_trees_each(struct hl_core *, hl_core_tree_cb cb, void *arg);

/* Returns the screen budget of a channel (an adapter checks its gateway
 * can carry it, e.g. Kannel's max-messages). */
const struct hl_budget *hl_core_budget(const struct hl_core *,
    enum hl_channel);

/* Returns the live tree. */
const struct hl_menu *hl_core_tree(const struct hl_core *);

/* Runs an expiry sweep now (also runs on a timer).  Returns 0 or -1. */
int hl_core_expire(struct hl_core *);

/* Commits pending writes (also runs once per loop iteration). */
int hl_core_flush(struct hl_core *);

/* Returns how many messages the core has taken (to see a quiet period). */
unsigned long hl_core_messages(const struct hl_core *);

/* Fills in the core's figures. */
void hl_core_figures(const struct hl_core *, struct hl_core_figures *);

/* Frees the core and the trees it holds, after flushing. */
void hl_core_free(struct hl_core *);

#endif
