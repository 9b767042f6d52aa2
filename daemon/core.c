/*
 * core.c - one inbound message in, one reply out (DESIGN.md section 1).
 *
 * For each message: de-duplicate a gateway retry, normalise the sender,
 * take its pseudonym, load its session, run the engine on the tree version
 * the session is pinned to, write the session and the counters back, and
 * answer through the adapter's callback.  The phone number lives on this
 * function's stack and is wiped before it returns.
 *
 * Writes are grouped and written behind: session changes go to an
 * in-memory cache (session_cache.h) that a timer writes in one transaction
 * batch_ms after the first change, a slice per loop iteration (new changes
 * gather beside the batch being written), so a burst of messages costs one
 * commit and replies never wait for SQLite.  If the store is locked or failing,
 * the changes stay in memory and are retried each batch, so callers keep
 * their place and are answered within a gateway's deadline.  What a crash
 * can lose is the last batch of session moves; sessions are short-lived
 * anyway.  Forget-me commits at once.  Old tree versions stay loaded while
 * sessions use them.
 *
 * A USSD session also remembers its gateway dialogue (a keyed MAC of the
 * session id).  A caller who dials again while a session from an earlier
 * dialogue is still open, and it was not on the start screen, is offered
 * "continue where you were / main menu" (DESIGN.md section 4).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "helpline/core.h"
#include "helpline/testers.h"
#include "helpline/dedup.h"
#include "helpline/engine.h"
#include "helpline/figures.h"
#include "helpline/log.h"
#include "helpline/phone.h"
#include "helpline/pseudonym.h"
#include "helpline/ratelimit.h"
#include "helpline/session_cache.h"
#include "helpline/store.h"

#define CORE_DEDUP_CAPACITY 4096
#define CORE_COUNTS_MAX 512
/* Pending session changes held while the store is slow: a few minutes of a
 * busy help line's traffic; two tables (pending, being written) of about
 * 8 MB each, allocated up front. */
#define CORE_PENDING_MAX 16384
/* Session changes written per loop iteration: a batch of a few thousand
 * written at once held the loop ~7 ms (bench/http-json p99). */
#define CORE_FLUSH_SLICE 256

/* A counter increment waiting for the batch's commit.  Node pointers are
 * safe: a tree is retired only after a flush. */
struct core_count {
	const struct hl_menu_node *node;
	char day[11];
	char lang[HL_LANG_MAX];
	enum hl_channel channel;
	enum hl_counter_kind kind;
	unsigned n;
};

/* A loaded tree version; the list's head is the live tree. */
struct core_tree {
	struct hl_menu *tree;
	bool draft;		/* loaded as a draft: never counted, and its
				 * version never goes live unless it is the
				 * current draft being published */
	struct core_tree *next;
};

struct hl_core {
	struct event_base *base;
	struct hl_store *store;
	struct core_tree *trees;
	const struct hl_menu *draft;	/* in trees, never its head; NULL:
					 * no draft */
	struct hl_testers *testers;	/* who sees the draft */
	struct hl_pseudonymizer *pseudonyms;
	struct hl_dedup *dedup;
	struct hl_ratelimit *flood;	/* per sender, or NULL: no limit */
	struct hl_session_cache *pending;	/* written behind, per batch */
	struct hl_session_cache *flushing;	/* the batch being written */
	size_t flush_pos;	/* how much of it is written */
	bool in_flush;		/* a transaction holds part of it */
	bool flush_purge;	/* the batch being written needs a purge */
	bool store_failing;	/* the last batch could not be written */
	bool forget_pending;	/* a forget-me waits: purge with its batch */
	unsigned long lost;	/* session changes or counts dropped */
	struct hl_core_opts opts;
	char region[8];
	struct event *flush_ev;
	struct event *step_ev;	/* writes the next slice of a batch */
	struct event *expire_ev;
	bool flush_scheduled;
	unsigned long messages;
	/* Counts are summed here and written once per batch: two upserts
	 * per message were a measurable share of bench/http-json. */
	struct core_count counts[CORE_COUNTS_MAX];
	size_t n_counts;
};

static void core_flush_cb(evutil_socket_t, short, void *);
static void core_flush_step_cb(evutil_socket_t, short, void *);
static void core_expire_cb(evutil_socket_t, short, void *);

/* Creates the core. */
struct hl_core *
hl_core_new(struct event_base *base, struct hl_store *store,
    struct hl_menu *tree, const struct hl_core_opts *opts)
{
	struct hl_core *core = calloc(1, sizeof *core);
	struct timeval every = { .tv_sec = opts->expire_interval };

	if (core == NULL)
		return NULL;
	core->base = base;
	core->store = store;
	core->opts = *opts;
	snprintf(core->region, sizeof core->region, "%s", opts->region);
	core->opts.region = core->region;
	core->trees = calloc(1, sizeof *core->trees);
	core->pseudonyms = hl_pseudonymizer_new(opts->key_period, NULL, NULL);
	core->dedup = hl_dedup_new(CORE_DEDUP_CAPACITY, opts->dedup_window);
	core->pending = hl_session_cache_new(CORE_PENDING_MAX);
	core->flushing = hl_session_cache_new(CORE_PENDING_MAX);
	core->step_ev = event_new(base, -1, 0, core_flush_step_cb, core);
	core->flush_ev = event_new(base, -1, 0, core_flush_cb, core);
	core->expire_ev = event_new(base, -1, EV_PERSIST, core_expire_cb,
	    core);
	if (opts->ratelimit.burst > 0 &&
	    (core->flood = hl_ratelimit_new(&opts->ratelimit)) == NULL) {
		hl_core_free(core);
		return NULL;
	}
	if (core->trees == NULL || core->pseudonyms == NULL ||
	    core->dedup == NULL || core->pending == NULL ||
	    core->flushing == NULL || core->step_ev == NULL ||
	    core->flush_ev == NULL ||
	    core->expire_ev == NULL || event_add(core->expire_ev, &every)) {
		hl_core_free(core);
		return NULL;
	}
	core->trees->tree = tree;
	return core;
}

/* Frees the core after flushing. */
void
hl_core_free(struct hl_core *core)
{
	if (core == NULL)
		return;
	if (core->store != NULL && core->pending != NULL &&
	    core->flushing != NULL)
		hl_core_flush(core);
	if (core->flush_ev != NULL)
		event_free(core->flush_ev);
	if (core->step_ev != NULL)
		event_free(core->step_ev);
	if (core->expire_ev != NULL)
		event_free(core->expire_ev);
	while (core->trees != NULL) {
		struct core_tree *next = core->trees->next;

		hl_menu_free(core->trees->tree);
		free(core->trees);
		core->trees = next;
	}
	if (core->pending != NULL && hl_session_cache_count(core->pending) > 0)
		hl_log_err("store: %zu session changes could not be written "
		    "before exit", hl_session_cache_count(core->pending));
	hl_session_cache_free(core->pending);
	hl_session_cache_free(core->flushing);
	hl_testers_free(core->testers);
	hl_pseudonymizer_free(core->pseudonyms);
	hl_dedup_free(core->dedup);
	hl_ratelimit_free(core->flood);
	free(core);
}

/* Returns how many messages the core has taken. */
unsigned long
hl_core_messages(const struct hl_core *core)
{
	return core->messages;
}

/* Fills in the core's figures. */
void
hl_core_figures(const struct hl_core *core, struct hl_core_figures *out)
{
	out->messages = core->messages;
	out->lost = core->lost;
	out->store_failing = core->store_failing;
	out->senders_limited = hl_ratelimit_count(core->flood);
	out->limit_evictions = hl_ratelimit_evictions(core->flood);
}

/* Returns the live tree. */
const struct hl_menu *
hl_core_tree(const struct hl_core *core)
{
	return core->trees->tree;
}

/* Finds a loaded tree's entry by version; NULL if it is gone. */
static const struct core_tree *
core_tree_entry(const struct hl_core *core, const char *version)
{
	for (const struct core_tree *t = core->trees; t != NULL; t = t->next) {
		if (strcmp(t->tree->version, version) == 0)
			return t;
	}
	return NULL;
}

/* Finds a loaded tree by version; NULL if it is gone. */
static const struct hl_menu *
core_tree_find(const struct hl_core *core, const char *version)
{
	const struct core_tree *t = core_tree_entry(core, version);

	return t != NULL ? t->tree : NULL;
}

/* Makes a new tree live. */
int
hl_core_publish(struct hl_core *core, struct hl_menu *tree)
{
	struct core_tree *t;

	if (core_tree_find(core, tree->version) != NULL) {
		hl_log_warn("menu version %s is already loaded; not published",
		    tree->version);
		return -1;
	}
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return -1;
	t->tree = tree;
	t->next = core->trees;
	core->trees = t;
	hl_log_info("menu %s version %s is live", tree->helpline,
	    tree->version);
	return 0;
}

/* Makes a loaded tree (an older version, or the draft) live again. */
int
hl_core_make_live(struct hl_core *core, const char *version)
{
	struct core_tree **pp = &core->trees, *t;

	while (*pp != NULL && strcmp((*pp)->tree->version, version) != 0)
		pp = &(*pp)->next;
	if (*pp == NULL)
		return 1;
	t = *pp;
	/* An earlier draft still serving test sessions is not what its
	 * version may name later. */
	if (t->draft && t->tree != core->draft)
		return -1;
	if (t->tree == core->draft)
		core->draft = NULL;
	t->draft = false;
	if (t != core->trees) {
		*pp = t->next;
		t->next = core->trees;
		core->trees = t;
	}
	hl_log_info("menu %s version %s is live", t->tree->helpline,
	    t->tree->version);
	return 0;
}

/* Sets the tree test numbers start new sessions on. */
int
hl_core_set_draft(struct hl_core *core, struct hl_menu *tree)
{
	struct core_tree *t;

	if (tree == NULL) {
		/* Sessions on it finish; the sweep frees it after them. */
		core->draft = NULL;
		return 0;
	}
	if (core_tree_find(core, tree->version) != NULL) {
		hl_log_warn("menu version %s is already loaded; not a draft",
		    tree->version);
		return -1;
	}
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return -1;
	t->tree = tree;
	t->draft = true;
	t->next = core->trees->next;
	core->trees->next = t;
	core->draft = tree;
	hl_log_info("menu version %s is the draft", tree->version);
	return 0;
}

/* Returns true if a tree of that version is loaded. */
bool
hl_core_has_version(const struct hl_core *core, const char *version)
{
	return core_tree_find(core, version) != NULL;
}

/* Returns true if a loaded tree of that version was loaded as a draft. */
bool
hl_core_is_draft_version(const struct hl_core *core, const char *version)
{
	const struct core_tree *t = core_tree_entry(core, version);

	return t != NULL && t->draft;
}

/* Returns the draft, or NULL. */
const struct hl_menu *
hl_core_draft(const struct hl_core *core)
{
	return core->draft;
}

/* Sets who sees the draft (takes ownership). */
void
hl_core_set_testers(struct hl_core *core, struct hl_testers *testers)
{
	hl_testers_free(core->testers);
	core->testers = testers;
}

/* Returns how many test numbers see the draft. */
size_t
hl_core_testers(const struct hl_core *core)
{
	return hl_testers_count(core->testers);
}

/* Calls cb for each loaded tree with the sessions pinned to it (those
 * written so far; the current batch is committed first). */
int
hl_core_trees_each(struct hl_core *core, hl_core_tree_cb cb, void *arg)
{
	hl_core_flush(core);
	for (struct core_tree *t = core->trees; t != NULL; t = t->next) {
		unsigned n = 0;

		if (hl_store_sessions_on_version(core->store, t->tree->version,
		    &n) == -1)
			return -1;
		cb(t->tree, t == core->trees, t->tree == core->draft, n, arg);
	}
	return 0;
}

/* Writes the summed counts into the store's open transaction.  Returns 0
 * or -1 (the caller rolls back; the sums are kept for the next batch). */
static int
core_write_counts(struct hl_core *core)
{
	for (size_t i = 0; i < core->n_counts; i++) {
		const struct core_count *c = &core->counts[i];

		if (hl_store_counter_add(core->store, c->day, c->node->id,
		    hl_channel_name(c->channel), c->lang, c->kind, c->n) == -1)
			return -1;
	}
	return 0;
}

/* Notes that the store took a batch again, or could not. */
static void
core_store_state(struct hl_core *core, bool ok)
{
	if (ok && core->store_failing)
		hl_log_info("store: writes go through again");
	else if (!ok && !core->store_failing)
		hl_log_err("store: cannot write (locked or failing); keeping "
		    "%zu session changes in memory and retrying",
		    hl_session_cache_count(core->pending));
	core->store_failing = !ok;
}

/* Schedules the batch's commit batch_ms from now, unless it is already. */
static void
core_batch(struct hl_core *core)
{
	const struct timeval delay = {
		.tv_sec = core->opts.batch_ms / 1000,
		.tv_usec = (core->opts.batch_ms % 1000) * 1000,
	};

	if (!core->flush_scheduled) {
		event_add(core->flush_ev, &delay);
		core->flush_scheduled = true;
	}
}

/* Returns true if there is nothing to write. */
static bool
core_is_clean(const struct hl_core *core)
{
	return hl_session_cache_count(core->pending) == 0 &&
	    core->n_counts == 0 && !core->forget_pending;
}

/*
 * Starts writing a batch: the pending changes become the batch being
 * written (new changes gather beside it) and a transaction opens.
 * Returns 0 or -1.
 */
static int
core_flush_begin(struct hl_core *core)
{
	struct hl_session_cache *swap = core->flushing;

	core->flushing = core->pending;
	core->pending = swap;
	core->flush_pos = 0;
	core->flush_purge = core->forget_pending;
	core->forget_pending = false;
	core->in_flush = true;
	return hl_store_begin(core->store);
}

/* Writes up to max more changes of the batch.  Returns 1 when all are
 * written, 0 if some are left, -1 on error. */
static int
core_flush_some(struct hl_core *core, size_t max)
{
	size_t next;

	if (hl_session_cache_write_some(core->flushing, core->store,
	    core->flush_pos, max, &next) == -1)
		return -1;
	core->flush_pos = next;
	return next == hl_session_cache_count(core->flushing) ? 1 : 0;
}

/*
 * Ends a batch: writes the counts and commits if written is set, else
 * rolls back.  A batch that could not be committed goes back under the
 * changes made since, to be retried after batch_ms.  Returns 0 or -1.
 */
static int
core_flush_end(struct hl_core *core, bool written)
{
	size_t lost;
	int rc = -1;

	core->in_flush = false;
	if (written && core_write_counts(core) == 0)
		rc = core->flush_purge ? hl_store_commit(core->store) :
		    /* Sessions that simply ended are purged by the next
		     * expiry sweep, not on every batch (store.h). */
		    hl_store_commit_deferred(core->store);
	else
		hl_store_rollback(core->store);
	if (rc == -1) {
		core->forget_pending |= core->flush_purge;
		if (hl_session_cache_merge(core->pending, core->flushing,
		    &lost) == -1) {
			core->lost += lost;
			hl_log_err("store: %zu session changes dropped: memory "
			    "for pending changes is full", lost);
		}
		core_store_state(core, false);
		core_batch(core);	/* try again next batch */
		return -1;
	}
	if (rc == -2) {
		/* Committed, but the scrub or checkpoint failed: a forget-me
		 * in it is not yet off the disk, so the next batch purges. */
		hl_log_err("store: deleted sessions not yet scrubbed; "
		    "retrying");
		core->forget_pending |= core->flush_purge;
	}
	hl_session_cache_clear(core->flushing);
	core->n_counts = 0;
	core_store_state(core, true);
	/* Changes made while this batch was written wait for the next. */
	if (!core_is_clean(core))
		core_batch(core);
	return 0;
}

/* Writes everything pending now, finishing a batch in progress first. */
int
hl_core_flush(struct hl_core *core)
{
	if (core->in_flush) {
		event_del(core->step_ev);
		if (core_flush_end(core, core_flush_some(core, SIZE_MAX) ==
		    1) == -1)
			return -1;
	}
	if (core_is_clean(core))
		return 0;
	if (core_flush_begin(core) == -1)
		return core_flush_end(core, false);
	return core_flush_end(core, core_flush_some(core, SIZE_MAX) == 1);
}

/* Writes the next slice of a batch, and ends it once all is written. */
static void
core_flush_step(struct hl_core *core)
{
	static const struct timeval now = { 0, 0 };
	int rc = core_flush_some(core, CORE_FLUSH_SLICE);

	/* A zero timer runs after the next poll, so requests that arrived
	 * meanwhile are answered between slices. */
	if (rc == 0 && event_add(core->step_ev, &now) == 0)
		return;
	core_flush_end(core, rc == 1);
}

/* Starts writing the batch when its time has come. */
static void
core_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hl_core *core = arg;

	(void)fd;
	(void)what;
	core->flush_scheduled = false;
	if (core->in_flush || core_is_clean(core))
		return;
	if (core_flush_begin(core) == -1) {
		core_flush_end(core, false);
		return;
	}
	core_flush_step(core);
}

/* Writes the next slice. */
static void
core_flush_step_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	core_flush_step(arg);
}

/* Notes a session change or count that could not be kept. */
static void
core_lost(struct hl_core *core, const char *what)
{
	if (core->lost++ % 1000 == 0)
		hl_log_err("store: %s dropped: the store is not taking writes "
		    "and memory for pending changes is full (%lu so far)",
		    what, core->lost);
}

/* Reads a session: a pending change first, else the store.  Returns 0,
 * 1 (none) or -1, as hl_store_session_get. */
static int
core_session_get(struct hl_core *core, const struct hl_pseudonym *who,
    int64_t now, struct hl_session *out)
{
	const struct hl_session_cache *newest_first[] = { core->pending,
		core->flushing };

	for (size_t i = 0; i < 2; i++) {
		switch (hl_session_cache_get(newest_first[i], who, out)) {
		case HL_CACHE_PUT:
			return out->expires_at > now ? 0 : 1;
		case HL_CACHE_DELETED:
			return 1;
		case HL_CACHE_MISS:
			break;
		}
	}
	return hl_store_session_get(core->store, who, now, out);
}

/* Records a session change for the next batch; flushes first when memory
 * for pending changes is full. */
static void
core_session_put(struct hl_core *core, const struct hl_session *s)
{
	/* Full: flush to make room, unless the store is known to refuse
	 * (each try would hold the loop for the busy timeout). */
	if (hl_session_cache_put(core->pending, s) == -1 &&
	    (core->store_failing || hl_core_flush(core) == -1 ||
	    hl_session_cache_put(core->pending, s) == -1))
		core_lost(core, "session change");
	core_batch(core);
}

/* Records a session deletion for the next batch. */
static void
core_session_delete(struct hl_core *core, const struct hl_pseudonym *who)
{
	if (hl_session_cache_delete(core->pending, who) == -1 &&
	    (core->store_failing || hl_core_flush(core) == -1 ||
	    hl_session_cache_delete(core->pending, who) == -1))
		core_lost(core, "session deletion");
	core_batch(core);
}

/* Frees old tree versions no session uses any more. */
static void
core_collect_trees(struct hl_core *core)
{
	struct core_tree **pp = &core->trees->next;

	/* Counts waiting for a batch point into the trees' nodes. */
	if (core->n_counts > 0)
		return;
	while (*pp != NULL) {
		struct core_tree *t = *pp;
		unsigned n;

		if (t->tree != core->draft &&
		    !hl_session_cache_uses_version(core->pending,
		    t->tree->version) &&
		    !hl_session_cache_uses_version(core->flushing,
		    t->tree->version) &&
		    hl_store_sessions_on_version(core->store, t->tree->version,
		    &n) == 0 && n == 0) {
			hl_log_info("menu version %s retired",
			    t->tree->version);
			*pp = t->next;
			hl_menu_free(t->tree);
			free(t);
			continue;
		}
		pp = &t->next;
	}
}

/* Runs an expiry sweep. */
int
hl_core_expire(struct hl_core *core)
{
	unsigned purged = 0;

	hl_core_flush(core);
	hl_pseudonymizer_tick(core->pseudonyms);
	if (hl_store_expire(core->store, time(NULL), &purged) == -1) {
		hl_log_err("store: expiry sweep failed");
		return -1;
	}
	if (purged > 0)
		hl_log_info("expired %u sessions", purged);
	core_collect_trees(core);
	return 0;
}

/* Runs the periodic expiry sweep. */
static void
core_expire_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	hl_core_expire(arg);
}

/* Returns the budget of a channel. */
const struct hl_budget *
hl_core_budget(const struct hl_core *core, enum hl_channel channel)
{
	return channel == HL_CHANNEL_USSD ? &core->opts.ussd : &core->opts.sms;
}

/*
 * Computes the de-duplication MAC of a message's gateway id into *mac.
 * The id is only unique per gateway and sender, so the MAC covers adapter,
 * sender and id (in a domain of its own: no pseudonym can equal it); the
 * buffer holding them is wiped before returning.  Returns false if the
 * message carries no id (or no MAC could be made).
 */
static bool
core_dedup_mac(struct hl_core *core, const struct hl_inbound *in,
    const char *sender, struct hl_pseudonym *mac)
{
	char buf[512];
	int n;
	bool ok = false;

	if (in->gateway_id == NULL || in->gateway_id[0] == '\0')
		return false;
	n = snprintf(buf, sizeof buf, "dedup%c%s%c%s%c%s", '\0',
	    in->adapter ? in->adapter : "", '\0', sender ? sender : "", '\0',
	    in->gateway_id);
	if (n > 0 && (size_t)n < sizeof buf)
		ok = hl_pseudonym_of_bytes(core->pseudonyms, buf, (size_t)n,
		    mac) == 0;
	explicit_bzero(buf, sizeof buf);
	return ok;
}

/*
 * Computes the MAC of a USSD message's gateway dialogue (sender and
 * session id) into *mac, so a redial can be told from the next step of
 * the same dialogue without keeping the id.  Returns false if the message
 * carries no session id.
 */
static bool
core_dialog_mac(struct hl_core *core, const struct hl_inbound *in,
    const char *sender, struct hl_pseudonym mac[2], bool *has_previous)
{
	char buf[512];
	int n;
	bool ok = false;

	*has_previous = false;
	if (in->session_id == NULL || in->session_id[0] == '\0')
		return false;
	n = snprintf(buf, sizeof buf, "dialog%c%s%c%s%c%s", '\0',
	    in->adapter ? in->adapter : "", '\0', sender, '\0',
	    in->session_id);
	if (n > 0 && (size_t)n < sizeof buf) {
		ok = hl_pseudonym_of_bytes(core->pseudonyms, buf, (size_t)n,
		    &mac[0]) == 0;
		/* Also under the previous key: a dialogue that began before
		 * the key rotated is the same dialogue. */
		*has_previous = ok && hl_pseudonym_of_bytes_previous(
		    core->pseudonyms, buf, (size_t)n, &mac[1]) == 0;
	}
	explicit_bzero(buf, sizeof buf);
	return ok;
}

/* Returns true if a session's stored dialogue is this message's. */
static bool
core_is_same_dialog(const struct hl_session *s,
    const struct hl_pseudonym mac[2], bool has_previous)
{
	return memcmp(s->dialog.mac, mac[0].mac, sizeof mac[0].mac) == 0 ||
	    (has_previous &&
	    memcmp(s->dialog.mac, mac[1].mac, sizeof mac[1].mac) == 0);
}

/*
 * Returns true if a redial should be offered to resume: the new dialogue
 * opens with no input (what the gateway sends on a dial), and the old one
 * stopped somewhere worth going back to (not the start screen's first
 * page).  Otherwise the caller simply starts afresh.
 */
static bool
core_is_redial_offer(const struct hl_menu *tree,
    const struct hl_session *old, const struct hl_inbound *in)
{
	for (size_t i = 0; i < in->text.len; i++) {
		char c = in->text.bytes[i];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return false;
	}
	return strcmp(old->node, tree->start->id) != 0 || old->page > 0 ||
	    (old->flags & HL_SESSION_RESUME_OFFERED) != 0;
}

/* Answers a retry with the reply the first attempt got, if it is still
 * kept (the first answer may be what the gateway lost). */
static void
core_answer_duplicate(struct hl_core *core, const struct hl_pseudonym *mac,
    hl_reply_cb cb, void *ctx)
{
	struct hl_reply reply = { .status = HL_REPLY_DUPLICATE, .text = "" };
	struct hl_sms_count count;
	const char *text;

	text = hl_dedup_reply(core->dedup, mac, &reply.len, &reply.end);
	if (text != NULL) {
		reply.text = text;
		if (hl_sms_count(text, reply.len, &count) == 0)
			reply.coding = count.coding;
	}
	cb(&reply, ctx);
}

/*
 * Loads the session of a sender into *s.  A session begun under the
 * previous period's key is moved to the current pseudonym.  Returns true if
 * there is a session for this channel.
 */
static bool
core_session_load(struct hl_core *core, const struct hl_phone *phone,
    const struct hl_inbound *in, int64_t now, struct hl_session *s)
{
	struct hl_pseudonym current, previous;
	int rc;

	memset(s, 0, sizeof *s);
	if (hl_pseudonym_current(core->pseudonyms, phone, &current) == -1)
		return false;
	rc = core_session_get(core, &current, now, s);
	if (rc == 1 && hl_pseudonym_previous(core->pseudonyms, phone,
	    &previous) == 0) {
		rc = core_session_get(core, &previous, now, s);
		if (rc == 0) {
			core_session_delete(core, &previous);
			s->who = current;
		}
	}
	if (rc == -1)
		hl_log_warn("store: session read failed; starting afresh");
	if (rc != 0) {
		memset(s, 0, sizeof *s);
		s->who = current;
		return false;
	}
	return strcmp(s->channel, hl_channel_name(in->channel)) == 0;
}

/* Returns true if a pseudonym is all zero bytes (none was computed). */
static bool
core_pseudonym_is_zero(const struct hl_pseudonym *p)
{
	unsigned char any = 0;

	for (size_t i = 0; i < sizeof p->mac; i++)
		any |= p->mac[i];
	return any == 0;
}

/* Adds one count for a node (unless there is none) to the batch's sums. */
static void
core_count(struct hl_core *core, const char *day,
    const struct hl_menu_node *node, enum hl_channel channel,
    const char *lang, enum hl_counter_kind kind)
{
	struct core_count *c;

	if (node == NULL)
		return;
	for (size_t i = 0; i < core->n_counts; i++) {
		c = &core->counts[i];
		if (c->node == node && c->kind == kind &&
		    c->channel == channel && strcmp(c->lang, lang) == 0 &&
		    strcmp(c->day, day) == 0) {
			c->n++;
			return;
		}
	}
	if (core->n_counts == CORE_COUNTS_MAX && hl_core_flush(core) == -1) {
		core_lost(core, "count");
		return;
	}
	c = &core->counts[core->n_counts++];
	c->node = node;
	snprintf(c->day, sizeof c->day, "%s", day);
	snprintf(c->lang, sizeof c->lang, "%s", lang);
	c->channel = channel;
	c->kind = kind;
	c->n = 1;
}

/* Writes the session and counters a step produced. */
static void
core_record(struct hl_core *core, const struct hl_inbound *in,
    const struct hl_menu *tree, struct hl_session *s, bool persist,
    const struct hl_engine_result *r, int64_t now)
{
	char day[11];

	core_batch(core);
	hl_store_day(now, day);
	/* A draft is tried by test numbers: its screens are not usage. */
	if (!hl_core_is_draft_version(core, tree->version)) {
		if (r->started)
			core_count(core, day, r->counted_node, in->channel,
			    r->state.lang, HL_COUNT_START);
		core_count(core, day, r->counted_node, in->channel,
		    r->state.lang, r->counted);
	}
	if (!persist)
		return;
	if (r->end) {
		core_session_delete(core, &s->who);
		return;
	}
	snprintf(s->node, sizeof s->node, "%s", r->state.node);
	snprintf(s->lang, sizeof s->lang, "%s", r->state.lang);
	snprintf(s->tree_version, sizeof s->tree_version, "%s",
	    tree->version);
	snprintf(s->channel, sizeof s->channel, "%s",
	    hl_channel_name(in->channel));
	s->page = r->state.page;
	s->flags = r->state.resume_offered ? HL_SESSION_RESUME_OFFERED : 0;
	if (hl_core_is_draft_version(core, tree->version))
		s->flags |= HL_SESSION_DRAFT;
	s->expires_at = now + (in->channel == HL_CHANNEL_USSD ?
	    core->opts.ussd_idle : core->opts.sms_idle);
	core_session_put(core, s);
}

/* Answers through the adapter's callback, keeping a copy for retries of
 * a message with a gateway id (dedup_mac non-NULL). */
static void
core_answer(struct hl_core *core, const struct hl_engine_result *r,
    const struct hl_pseudonym *dedup_mac, hl_reply_cb cb, void *ctx)
{
	struct hl_reply reply = {
		.status = HL_REPLY_OK,
		.text = r->reply,
		.len = strlen(r->reply),
		.end = r->end,
		.coding = HL_SMS_GSM7,
	};
	struct hl_sms_count count;

	if (hl_sms_count(reply.text, reply.len, &count) == 0)
		reply.coding = count.coding;
	if (dedup_mac != NULL && hl_dedup_keep_reply(core->dedup, dedup_mac,
	    reply.text, reply.len, reply.end) == -1)
		hl_log_warn("dedup: reply not kept for retries");
	cb(&reply, ctx);
}

/* Answers with a status and no text. */
static void
core_answer_status(enum hl_reply_status status, hl_reply_cb cb, void *ctx)
{
	struct hl_reply reply = { .status = status, .text = "" };

	cb(&reply, ctx);
}

/*
 * Returns true if the sender is over its rate limit (DESIGN.md section 6):
 * the message is then dropped unanswered, before any session or counter
 * is touched.  The limit is keyed by a MAC of the normalised number (phone
 * non-NULL) or, for a sender that does not parse, of the string as given,
 * under the current pseudonym key in a domain of its own: unparseable
 * senders each have their own bucket (one shared bucket would let one of
 * them silence all the others, e.g. every caller of a gateway that writes
 * numbers oddly).  The buffer is wiped before returning.
 */
static bool
core_is_flooded(struct hl_core *core, const struct hl_phone *phone,
    const struct hl_inbound *in)
{
	struct hl_pseudonym who;
	char buf[512];
	int n;
	bool flooded = false;

	if (core->flood == NULL)
		return false;
	n = snprintf(buf, sizeof buf, "flood%c%s", '\0', phone != NULL ?
	    phone->e164 : in->sender != NULL ? in->sender : "");
	/* A sender longer than any number is keyed by its start: junk
	 * senders may share a bucket, but cannot slip past the limit. */
	if (n > 0 && (size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	/* No MAC (no key): let it through rather than silence someone. */
	if (n > 0 && hl_pseudonym_of_bytes(core->pseudonyms, buf, (size_t)n,
	    &who) == 0) {
		flooded = !hl_ratelimit_take(core->flood, &who);
		explicit_bzero(&who, sizeof who);
	}
	explicit_bzero(buf, sizeof buf);
	return flooded;
}

/* A message being answered: the adapter's callback, wrapped to count the
 * outcome and time the reply. */
struct core_call {
	struct hl_metrics *metrics;
	const char *adapter;
	struct timespec start;
	hl_reply_cb cb;
	void *ctx;
};

/* Counts a reply, then hands it to the adapter. */
static void
core_counted_reply_cb(const struct hl_reply *reply, void *arg)
{
	struct core_call *call = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	hl_figures_request(call->metrics, call->adapter, reply->status,
	    (double)(now.tv_sec - call->start.tv_sec) +
	    (double)(now.tv_nsec - call->start.tv_nsec) / 1e9);
	call->cb(reply, call->ctx);
}

/* Routes a message's reply through the counting wrapper when there are
 * figures to keep.  call lives on hl_core_submit's stack: the reply
 * always comes before it returns. */
static void
core_count_call(struct hl_core *core, const struct hl_inbound *in,
    struct core_call *call, hl_reply_cb *cb, void **ctx)
{
	if (core->opts.metrics == NULL)
		return;
	call->metrics = core->opts.metrics;
	call->adapter = in->adapter;
	call->cb = *cb;
	call->ctx = *ctx;
	clock_gettime(CLOCK_MONOTONIC, &call->start);
	*cb = core_counted_reply_cb;
	*ctx = call;
}

/* Takes one message. */
int
hl_core_submit(struct hl_core *core, const struct hl_inbound *in,
    hl_reply_cb cb, void *ctx)
{
	struct hl_phone phone;
	struct hl_session session;
	struct hl_engine_state state;
	struct hl_engine_result result;
	struct hl_pseudonym dedup_mac, dialog[2];
	const struct hl_menu *fresh = core->trees->tree, *tree;
	bool persist, has_id, has_dialog, dialog_prev = false, resumed = false;
	int64_t now = time(NULL);
	int rc;
	struct core_call call;

	core_count_call(core, in, &call, &cb, &ctx);
	core->messages++;
	/* An unparseable sender is answered but never stored. */
	persist = in->sender != NULL &&
	    hl_phone_normalise(in->sender, core->region, &phone) == 0;
	has_id = core_dedup_mac(core, in, persist ? phone.e164 : in->sender,
	    &dedup_mac);
	if (has_id && hl_dedup_seen(core->dedup, &dedup_mac, time(NULL))) {
		hl_phone_wipe(&phone);
		core_answer_duplicate(core, &dedup_mac, cb, ctx);
		return 0;
	}
	if (core_is_flooded(core, persist ? &phone : NULL, in)) {
		hl_phone_wipe(&phone);
		core_answer_status(HL_REPLY_FLOODED, cb, ctx);
		return 0;
	}
	has_dialog = persist && in->channel == HL_CHANNEL_USSD &&
	    core_dialog_mac(core, in, phone.e164, dialog, &dialog_prev);
	if (persist) {
		/* A test number starts new sessions on the draft. */
		if (core->draft != NULL && hl_testers_has(core->testers,
		    &phone))
			fresh = core->draft;
		resumed = core_session_load(core, &phone, in, now, &session);
		hl_phone_wipe(&phone);
		/* No pseudonym, no key: answer, but store nothing. */
		persist = !core_pseudonym_is_zero(&session.who);
	}
	tree = fresh;
	if (resumed) {
		const struct hl_menu *pinned;

		pinned = core_tree_find(core, session.tree_version);
		if (pinned != NULL)
			tree = pinned;
		else
			resumed = false;
	}
	memset(&state, 0, sizeof state);
	if (resumed) {
		snprintf(state.node, sizeof state.node, "%s", session.node);
		snprintf(state.lang, sizeof state.lang, "%s", session.lang);
		state.page = session.page;
		state.resume_offered =
		    (session.flags & HL_SESSION_RESUME_OFFERED) != 0;
	}
	rc = 1;
	if (resumed && has_dialog &&
	    !core_is_same_dialog(&session, dialog, dialog_prev)) {
		/* A new dial while an earlier dialogue's session is open. */
		if (core_is_redial_offer(tree, &session, in))
			rc = hl_engine_offer_resume(tree, &state, &result);
		if (rc == 1) {
			/* Starting afresh: on today's tree, not the
			 * pinned one. */
			resumed = false;
			tree = fresh;
		}
	}
	if (rc == 1)
		rc = hl_engine_step(tree, hl_core_budget(core, in->channel),
		    resumed ? &state : NULL, in->lang_hint, in->text.bytes,
		    in->text.len, &result);
	if (rc == -1) {
		hl_log_err("engine: out of memory");
		/* Not answered: a retry of it must be taken afresh. */
		if (has_id)
			hl_dedup_forget(core->dedup, &dedup_mac);
		core_answer_status(HL_REPLY_FAILED, cb, ctx);
		return 0;
	}
	if (has_dialog)
		session.dialog = dialog[0];	/* under the current key */
	core_record(core, in, tree, &session, persist, &result, now);
	/* "Your data has been deleted" must be true when it is sent: commit,
	 * scrub and checkpoint before answering.  Forget-me is rare. */
	if (result.forget) {
		core->forget_pending = true;
		hl_core_flush(core);
	}
	core_answer(core, &result, has_id ? &dedup_mac : NULL, cb, ctx);
	hl_engine_result_clear(&result);
	explicit_bzero(&session, sizeof session);
	return 0;
}
