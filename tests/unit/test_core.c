/*
 * test_core.c - the core: sessions across messages and sender spellings,
 * forget-me, unparseable senders, retries, version pinning on publish,
 * USSD final screens, counters, the per-sender rate limit and the figures
 * the core counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <sqlite3.h>

#include "helpline/core.h"
#include "helpline/testers.h"
#include "helpline/menu.h"
#include "helpline/metrics.h"
#include "helpline/store.h"

#define MENU(VERSION, HOME) \
	"helpline: test\n" \
	"version: \"" VERSION "\"\n" \
	"languages: [nl, en]\n" \
	"start: home\n" \
	"messages:\n" \
	"  invalid: {nl: Ongeldig., en: Invalid.}\n" \
	"  forgotten: {nl: Gewist., en: Deleted.}\n" \
	"  resume: {nl: Onderbroken., en: Cut off.}\n" \
	"  resume_continue: {nl: Verder, en: Continue}\n" \
	"  resume_restart: {nl: Menu, en: Menu}\n" \
	"globals:\n" \
	"  back: {keys: [\"0\"], words: {nl: [TERUG], en: [BACK]}, " \
	"label: {nl: Terug, en: Back}, show: inner}\n" \
	"  home: {keys: [\"00\"], words: {nl: [MENU], en: [MENU]}, " \
	"label: {nl: Menu, en: Menu}, show: inner}\n" \
	"  help: {keys: [\"9\"], words: {nl: [HELP], en: [HELP]}, " \
	"goto: info}\n" \
	"  more: {keys: [\"99\"], words: {nl: [MEER], en: [MORE]}, " \
	"label: {nl: Meer, en: More}}\n" \
	"  forget: {words: {nl: [STOP, WIS], en: [STOP, DELETE]}}\n" \
	"  language: {words: {nl: [NL], en: [EN]}}\n" \
	"nodes:\n" \
	"  home:\n" \
	"    text: {nl: \"" HOME "\", en: \"Home.\"}\n" \
	"    options:\n" \
	"      - {key: \"1\", label: {nl: Info, en: Info}, goto: info}\n" \
	"      - {key: \"2\", label: {nl: Sig, en: Sig}, goto: signals}\n" \
	"  signals:\n" \
	"    text: {nl: \"Signalen.\", en: \"Signals.\"}\n" \
	"    options:\n" \
	"      - {key: \"1\", label: {nl: Info, en: Info}, goto: info}\n" \
	"  info:\n" \
	"    text: {nl: \"Informatie.\", en: \"Information.\"}\n"

struct fixture {
	char dir[64];
	char db[96];
	struct event_base *base;
	struct hl_store *store;
	struct hl_core *core;
	char reply[512];
	enum hl_reply_status status;
	bool end;
};

static const struct hl_core_opts opts = {
	.region = "NL",
	.sms_idle = 1800,
	.ussd_idle = 180,
	.key_period = 86400,
	.expire_interval = 3600,
	.dedup_window = 300,
	.sms = { HL_CHANNEL_SMS, 1, 160 },
	.ussd = { HL_CHANNEL_USSD, 1, 160 },
};

/* Loads a test menu from memory. */
static struct hl_menu *
load(const char *yaml)
{
	struct hl_diags diags = { 0 };
	struct hl_menu *tree = hl_menu_load_buffer("test.yaml", yaml,
	    strlen(yaml), NULL, &diags);

	for (size_t i = 0; i < diags.n; i++)
		fprintf(stderr, "%u:%u: %s\n", diags.items[i].line,
		    diags.items[i].column, diags.items[i].message);
	hl_diags_clear(&diags);
	assert_non_null(tree);
	return tree;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char err[256];

	snprintf(f->dir, sizeof f->dir, "/tmp/hl-core-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof f->db, "%s/test.db", f->dir);
	f->store = hl_store_open(f->db, err, sizeof err);
	assert_non_null(f->store);
	f->base = event_base_new();
	f->core = hl_core_new(f->base, f->store, load(MENU("v1", "Start.")),
	    &opts);
	assert_non_null(f->core);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char path[128];

	hl_core_free(f->core);
	hl_store_close(f->store);
	event_base_free(f->base);
	snprintf(path, sizeof path, "rm -rf '%s'", f->dir);
	assert_int_equal(system(path), 0);
	free(f);
	return 0;
}

/* Records the reply. */
static void
reply_cb(const struct hl_reply *r, void *ctx)
{
	struct fixture *f = ctx;

	f->status = r->status;
	f->end = r->end;
	snprintf(f->reply, sizeof f->reply, "%.*s", (int)r->len, r->text);
}

/* Sends one message and returns the reply text. */
static const char *
say(struct fixture *f, const char *sender, const char *text,
    enum hl_channel channel, const char *id)
{
	struct hl_inbound in = {
		.adapter = "test",
		.channel = channel,
		.sender = sender,
		.text = { text, strlen(text) },
		.gateway_id = id,
	};

	f->reply[0] = '\0';
	f->status = HL_REPLY_FAILED;
	assert_int_equal(hl_core_submit(f->core, &in, reply_cb, f), 0);
	assert_int_equal(hl_core_flush(f->core), 0);
	return f->reply;
}

/* Sends one USSD message of a gateway dialogue; returns the reply. */
static const char *
dial(struct fixture *f, const char *sender, const char *text,
    const char *session)
{
	struct hl_inbound in = {
		.adapter = "test",
		.channel = HL_CHANNEL_USSD,
		.sender = sender,
		.text = { text, strlen(text) },
		.session_id = session,
	};

	f->reply[0] = '\0';
	f->status = HL_REPLY_FAILED;
	assert_int_equal(hl_core_submit(f->core, &in, reply_cb, f), 0);
	assert_int_equal(f->status, HL_REPLY_OK);
	return f->reply;
}

static unsigned
sessions(struct fixture *f)
{
	unsigned n;

	assert_int_equal(hl_store_session_count(f->store, &n), 0);
	return n;
}

static void
test_session_across_spellings(void **state)
{
	struct fixture *f = *state;

	assert_true(strncmp(say(f, "+31612345678", "hoi", HL_CHANNEL_SMS,
	    NULL), "Start.", 6) == 0);
	assert_int_equal(f->status, HL_REPLY_OK);
	assert_int_equal(sessions(f), 1);
	/* The same sender, written three other ways, is the same session. */
	assert_true(strncmp(say(f, "0612345678", "1", HL_CHANNEL_SMS, NULL),
	    "Informatie.", 11) == 0);
	assert_true(strncmp(say(f, "0031612345678", "0", HL_CHANNEL_SMS,
	    NULL), "Start.", 6) == 0);
	assert_true(strncmp(say(f, "+31 6 12345678", "EN", HL_CHANNEL_SMS,
	    NULL), "Home.", 5) == 0);
	assert_int_equal(sessions(f), 1);
	assert_string_equal(say(f, "06-12345678", "STOP", HL_CHANNEL_SMS,
	    NULL), "Deleted.");
	assert_int_equal(sessions(f), 0);
}

static void
test_unparseable_sender_not_stored(void **state)
{
	struct fixture *f = *state;

	assert_true(strncmp(say(f, "Twilio", "1", HL_CHANNEL_SMS, NULL),
	    "Start.", 6) == 0);
	assert_int_equal(f->status, HL_REPLY_OK);
	assert_true(strncmp(say(f, NULL, "1", HL_CHANNEL_SMS, NULL),
	    "Start.", 6) == 0);
	assert_int_equal(sessions(f), 0);
}

static void
test_duplicate_gateway_id(void **state)
{
	struct fixture *f = *state;

	say(f, "+31612345678", "hoi", HL_CHANNEL_SMS, "SM123");
	assert_int_equal(f->status, HL_REPLY_OK);
	say(f, "+31612345678", "1", HL_CHANNEL_SMS, "SM123");
	assert_int_equal(f->status, HL_REPLY_DUPLICATE);
	say(f, "+31612345678", "1", HL_CHANNEL_SMS, "SM124");
	assert_int_equal(f->status, HL_REPLY_OK);
	assert_true(strncmp(f->reply, "Informatie.", 11) == 0);
	/* Ids are unique per sender only: another sender's SM123 is new,
	 * and a retry spelled another way is still the same sender. */
	say(f, "+31687654321", "hoi", HL_CHANNEL_SMS, "SM123");
	assert_int_equal(f->status, HL_REPLY_OK);
	say(f, "0612345678", "1", HL_CHANNEL_SMS, "SM124");
	assert_int_equal(f->status, HL_REPLY_DUPLICATE);
}

static void
test_forget_is_committed_before_the_reply(void **state)
{
	struct fixture *f = *state;
	struct hl_inbound in = {
		.adapter = "test",
		.channel = HL_CHANNEL_SMS,
		.sender = "+31655555555",
		.text = { "hoi", 3 },
	};

	assert_int_equal(hl_core_submit(f->core, &in, reply_cb, f), 0);
	assert_int_equal(hl_core_flush(f->core), 0);
	assert_int_equal(sessions(f), 1);
	in.text = (struct hl_msg_text){ "WIS", 3 };
	/* No flush here: the reply itself must come after the delete. */
	assert_int_equal(hl_core_submit(f->core, &in, reply_cb, f), 0);
	assert_string_equal(f->reply, "Gewist.");
	assert_false(hl_store_in_batch(f->store));
	assert_int_equal(sessions(f), 0);
}

static void
test_publish_pins_sessions(void **state)
{
	struct fixture *f = *state;

	say(f, "+31611111111", "hoi", HL_CHANNEL_SMS, NULL);
	assert_int_equal(hl_core_publish(f->core, load(MENU("v2",
	    "Nieuw."))), 0);
	assert_string_equal(hl_core_tree(f->core)->version, "v2");
	/* The old session finishes on v1; a new sender starts on v2. */
	assert_true(strncmp(say(f, "+31611111111", "00", HL_CHANNEL_SMS,
	    NULL), "Start.", 6) == 0);
	assert_true(strncmp(say(f, "+31622222222", "hoi", HL_CHANNEL_SMS,
	    NULL), "Nieuw.", 6) == 0);

	/* The same version again is refused. */
	struct hl_menu *again = load(MENU("v2", "Weer."));

	assert_int_equal(hl_core_publish(f->core, again), -1);
	hl_menu_free(again);

	/* v1 is retired once its last session is gone. */
	say(f, "+31611111111", "WIS", HL_CHANNEL_SMS, NULL);
	assert_int_equal(hl_core_expire(f->core), 0);
	say(f, "+31611111111", "hoi", HL_CHANNEL_SMS, NULL);
	assert_true(strncmp(f->reply, "Nieuw.", 6) == 0);
}

/* A draft serves only test numbers, is not counted, and goes live when
 * promoted; an earlier draft's version never goes live. */
static void
test_draft_for_testers(void **state)
{
	struct fixture *f = *state;
	char list[] = "+31655555555", err[128], day[11];
	struct hl_testers *t = hl_testers_new(list, "NL", err, sizeof err);
	uint64_t n = 99;

	assert_non_null(t);
	hl_core_set_testers(f->core, t);
	assert_int_equal(hl_core_testers(f->core), 1);
	assert_int_equal(hl_core_set_draft(f->core, load(MENU("d1",
	    "Concept."))), 0);
	assert_true(strncmp(say(f, "0655555555", "hoi", HL_CHANNEL_SMS,
	    NULL), "Concept.", 8) == 0);
	assert_true(strncmp(say(f, "+31666666666", "hoi", HL_CHANNEL_SMS,
	    NULL), "Start.", 6) == 0);
	hl_store_day(time(NULL), day);
	assert_int_equal(hl_store_counter_get(f->store, day, "home", "sms",
	    "nl", HL_COUNT_START, &n), 0);
	assert_int_equal(n, 1);		/* the tester's start is not usage */
	assert_true(hl_core_is_draft_version(f->core, "d1"));

	/* Replaced by another draft: d1 finishes the tester's session but
	 * can no longer go live under its version. */
	assert_int_equal(hl_core_set_draft(f->core, load(MENU("d2",
	    "Concept twee."))), 0);
	assert_int_equal(hl_core_make_live(f->core, "d1"), -1);
	assert_true(strncmp(say(f, "0655555555", "00", HL_CHANNEL_SMS,
	    NULL), "Concept.", 8) == 0);
	/* The current draft is promoted; v1 is live again by make_live. */
	assert_int_equal(hl_core_make_live(f->core, "d2"), 0);
	assert_null(hl_core_draft(f->core));
	assert_string_equal(hl_core_tree(f->core)->version, "d2");
	assert_false(hl_core_is_draft_version(f->core, "d2"));
	assert_int_equal(hl_core_make_live(f->core, "v1"), 0);
	assert_string_equal(hl_core_tree(f->core)->version, "v1");
	assert_int_equal(hl_core_make_live(f->core, "nope"), 1);
	assert_true(strncmp(say(f, "+31677777777", "hoi", HL_CHANNEL_SMS,
	    NULL), "Start.", 6) == 0);
}

static void
test_ussd_final_screen_ends(void **state)
{
	struct fixture *f = *state;

	say(f, "+31633333333", "", HL_CHANNEL_USSD, NULL);
	assert_false(f->end);
	assert_int_equal(sessions(f), 1);
	say(f, "+31633333333", "1", HL_CHANNEL_USSD, NULL);
	assert_true(strncmp(f->reply, "Informatie.", 11) == 0);
	assert_true(f->end);
	assert_int_equal(sessions(f), 0);
}

static void
test_counters(void **state)
{
	struct fixture *f = *state;
	char day[11];
	uint64_t n;

	hl_store_day(time(NULL), day);
	say(f, "+31644444444", "hoi", HL_CHANNEL_SMS, NULL);
	say(f, "+31644444444", "1", HL_CHANNEL_SMS, NULL);
	say(f, "+31644444444", "xyz", HL_CHANNEL_SMS, NULL);
	assert_int_equal(hl_store_counter_get(f->store, day, "home", "sms",
	    "nl", HL_COUNT_START, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hl_store_counter_get(f->store, day, "info", "sms",
	    "nl", HL_COUNT_VIEW, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hl_store_counter_get(f->store, day, "info", "sms",
	    "nl", HL_COUNT_INVALID, &n), 0);
	assert_int_equal(n, 1);
}

/* A redial after a drop mid-menu is offered to continue; answering 1
 * continues, 2 goes home; a drop on the start screen just starts again. */
static void
test_ussd_redial_offers_resume(void **state)
{
	struct fixture *f = *state;
	const char *who = "+31644444444";

	assert_true(strncmp(dial(f, who, "", "S1"), "Start.", 6) == 0);
	assert_true(strncmp(dial(f, who, "2", "S1"), "Signalen.", 9) == 0);
	/* The next step of the same dialogue is no redial. */
	assert_true(strncmp(dial(f, who, "0", "S1"), "Start.", 6) == 0);
	assert_true(strncmp(dial(f, who, "2", "S1"), "Signalen.", 9) == 0);
	/* Dropped; a new dialogue from the same number. */
	assert_string_equal(dial(f, who, "", "S2"),
	    "Onderbroken.\n1 Verder\n2 Menu");
	assert_false(f->end);
	/* Something else: the offer again. */
	assert_string_equal(dial(f, who, "7", "S2"),
	    "Onderbroken.\n1 Verder\n2 Menu");
	assert_true(strncmp(dial(f, who, "1", "S2"), "Signalen.", 9) == 0);
	assert_true(strncmp(dial(f, who, "1", "S2"), "Informatie.", 11) == 0);
	assert_true(f->end);
	/* Ended at a final screen: a new dial starts afresh. */
	assert_true(strncmp(dial(f, who, "", "S3"), "Start.", 6) == 0);
	assert_true(strncmp(dial(f, who, "2", "S3"), "Signalen.", 9) == 0);
	assert_true(strncmp(dial(f, who, "", "S4"), "Onderbroken.", 12) == 0);
	assert_true(strncmp(dial(f, who, "2", "S4"), "Start.", 6) == 0);
	/* Dropped on the start screen: nothing to resume. */
	assert_true(strncmp(dial(f, who, "", "S5"), "Start.", 6) == 0);
	/* The language carries over into the offer. */
	dial(f, who, "EN", "S5");
	assert_true(strncmp(dial(f, who, "2", "S5"), "Signals.", 8) == 0);
	assert_string_equal(dial(f, who, "", "S6"),
	    "Cut off.\n1 Continue\n2 Menu");
	/* Forget-me works at the offer too. */
	assert_string_equal(dial(f, who, "STOP", "S6"), "Deleted.");
	assert_int_equal(hl_core_flush(f->core), 0);
	assert_int_equal(sessions(f), 0);
}

/* A new dialogue that opens with input (no dial) starts afresh, and
 * another sender's dialogue is never taken for this one's. */
static void
test_ussd_redial_with_input_starts_afresh(void **state)
{
	struct fixture *f = *state;

	dial(f, "+31655555555", "", "A");
	assert_true(strncmp(dial(f, "+31655555555", "2", "A"), "Signalen.",
	    9) == 0);
	assert_true(strncmp(dial(f, "+31655555555", "1", "B"), "Start.",
	    6) == 0);
	dial(f, "+31655555555", "2", "B");
	/* Same session id, other sender: its own new session. */
	assert_true(strncmp(dial(f, "+31666666666", "", "B"), "Start.",
	    6) == 0);
	assert_true(strncmp(dial(f, "+31655555555", "1", "B"), "Informatie.",
	    11) == 0);
}

/* While another connection holds the database's write lock, messages are
 * answered at once from memory and keep their place; the changes reach the
 * database once the lock is gone. */
static void
test_store_locked_keeps_place(void **state)
{
	struct fixture *f = *state;
	struct timespec t0, t1;
	sqlite3 *other;
	double worst = 0;
	static const char *const steps[][2] = {
		{ "hoi", "Start." }, { "2", "Signalen." }, { "0", "Start." },
		{ "2", "Signalen." },
	};

	assert_int_equal(sqlite3_open(f->db, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE;"
	    " CREATE TABLE hold (x)", NULL, NULL, NULL), SQLITE_OK);
	for (size_t i = 0; i < 4; i++) {
		struct hl_inbound in = {
			.adapter = "test", .channel = HL_CHANNEL_SMS,
			.sender = "+31677777777",
			.text = { steps[i][0], strlen(steps[i][0]) },
		};
		double ms;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		assert_int_equal(hl_core_submit(f->core, &in, reply_cb, f), 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		worst = ms > worst ? ms : worst;
		assert_true(strncmp(f->reply, steps[i][1],
		    strlen(steps[i][1])) == 0);
		/* The batch cannot be written, and is kept. */
		assert_int_equal(hl_core_flush(f->core), -1);
	}
	/* Answers do not wait for the store: a write on their path would
	 * have waited the store's whole 100 ms busy timeout (the flush above
	 * does, but that runs off the answer's path), so no answer may take
	 * that long. */
	assert_true(worst < 100.0);
	assert_int_equal(sessions(f), 0);
	assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(hl_core_flush(f->core), 0);
	assert_int_equal(sessions(f), 1);
	/* And the conversation goes on from the database. */
	assert_true(strncmp(say(f, "+31677777777", "1", HL_CHANNEL_SMS, NULL),
	    "Informatie.", 11) == 0);
}

/* A big batch is written a slice per loop iteration; messages answered
 * in between move on from the batch being written, and nothing is lost. */
static void
test_batch_written_in_slices(void **state)
{
	struct fixture *f = *state;
	char who[16];
	struct hl_inbound in = {
		.adapter = "test", .channel = HL_CHANNEL_SMS,
		.text = { "hoi", 3 },
	};
	unsigned n, iterations = 0;

	for (unsigned i = 0; i < 1000; i++) {
		snprintf(who, sizeof who, "+316%08u", i);
		in.sender = who;
		assert_int_equal(hl_core_submit(f->core, &in, reply_cb, f), 0);
	}
	/* The batch timer fires and the first slice is written. */
	assert_int_equal(event_base_loop(f->base, EVLOOP_ONCE), 0);
	assert_int_equal(sessions(f), 256);
	/* Meanwhile sender 0 (already written) and 999 (not yet) move on. */
	in.text.bytes = "2";
	in.text.len = 1;
	in.sender = "+31600000000";
	hl_core_submit(f->core, &in, reply_cb, f);
	assert_true(strncmp(f->reply, "Signalen.", 9) == 0);
	in.sender = "+31600000999";
	hl_core_submit(f->core, &in, reply_cb, f);
	assert_true(strncmp(f->reply, "Signalen.", 9) == 0);
	while (hl_store_in_batch(f->store) && iterations++ < 100)
		assert_int_equal(event_base_loop(f->base, EVLOOP_ONCE), 0);
	assert_int_equal(iterations, 3);	/* 1000 = 4 slices */
	assert_int_equal(hl_store_session_count(f->store, &n), 0);
	assert_int_equal(n, 1000);
	/* The two moves made meanwhile go out with the next batch, on the
	 * loop's own timer (no explicit flush): run the loop for 300 ms. */
	{
		const struct timeval run = { 0, 300000 };

		assert_int_equal(event_base_loopexit(f->base, &run), 0);
		assert_int_equal(event_base_dispatch(f->base), 0);
	}
	{
		sqlite3 *db;
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
		    "sessions WHERE node = 'signals'", -1, &st, NULL),
		    SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 2);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	/* Both moves survived the batch that was written under them. */
	assert_true(strncmp(say(f, "+31600000000", "1", HL_CHANNEL_SMS, NULL),
	    "Informatie.", 11) == 0);
	assert_true(strncmp(say(f, "+31600000999", "1", HL_CHANNEL_SMS, NULL),
	    "Informatie.", 11) == 0);
}

/* A USSD dialogue that spans a pseudonym key rotation goes on: it is not
 * taken for a redial (which would throw the caller's input away). */
static void
test_ussd_dialogue_across_key_rotation(void **state)
{
	struct fixture *f = *state;
	struct hl_core_opts o = opts;
	const char *who = "+31612121212";
	time_t start;

	hl_core_free(f->core);
	o.key_period = 1;
	f->core = hl_core_new(f->base, f->store, load(MENU("v1", "Start.")),
	    &o);
	assert_non_null(f->core);
	start = time(NULL);
	assert_true(strncmp(dial(f, who, "", "R1"), "Start.", 6) == 0);
	assert_true(strncmp(dial(f, who, "2", "R1"), "Signalen.", 9) == 0);
	/* Wait for the next period (1 s): the key rotates. */
	while (time(NULL) == start)
		usleep(20000);
	assert_true(strncmp(dial(f, who, "1", "R1"), "Informatie.", 11) == 0);
}

/* Sums every counter row (any day, node, kind). */
static int
sum_counter(const char *day, const char *node, const char *channel,
    const char *lang, const char *kind, uint64_t n, void *arg)
{
	(void)day;
	(void)node;
	(void)channel;
	(void)lang;
	(void)kind;
	*(unsigned *)arg += (unsigned)n;
	return 0;
}

/* Returns the sum of every counter in the store. */
static unsigned
counted(struct fixture *f)
{
	unsigned n = 0;

	assert_int_equal(hl_store_counters_each(f->store, NULL, NULL,
	    sum_counter, &n), 0);
	return n;
}

/* The rate limiter's clock in the tests below. */
static int64_t flood_now_ms;

static int64_t
flood_clock(void *ctx)
{
	(void)ctx;
	return flood_now_ms;
}

/* Recreates the core with a rate limit of 2 at once, 6 a minute, and a
 * figures registry. */
static struct hl_metrics *
limited_core(struct fixture *f)
{
	struct hl_core_opts o = opts;
	struct hl_metrics *m = hl_metrics_new();

	assert_non_null(m);
	hl_core_free(f->core);
	o.ratelimit = (struct hl_ratelimit_opts){ .burst = 2,
	    .per_minute = 6, .senders = 64, .clock = flood_clock };
	o.metrics = m;
	flood_now_ms = 1000000;
	f->core = hl_core_new(f->base, f->store, load(MENU("v1", "Start.")),
	    &o);
	assert_non_null(f->core);
	return m;
}

/* A flooded message gets no reply and touches no session or counter;
 * another sender is not affected; the sender recovers with the refill. */
static void
test_flooded_touches_nothing(void **state)
{
	struct fixture *f = *state;
	struct hl_metrics *m = limited_core(f);
	struct hl_core_figures fig;
	unsigned before;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	assert_true(strncmp(say(f, "+31612340000", "hoi", HL_CHANNEL_SMS,
	    NULL), "Start.", 6) == 0);
	assert_true(strncmp(say(f, "+31612340000", "2", HL_CHANNEL_SMS,
	    NULL), "Signalen.", 9) == 0);
	before = counted(f);
	assert_true(before > 0);
	/* Over the limit, in another spelling of the same number: the
	 * session would have moved to info. */
	assert_string_equal(say(f, "0612340000", "1", HL_CHANNEL_SMS, NULL),
	    "");
	assert_int_equal(f->status, HL_REPLY_FLOODED);
	assert_string_equal(say(f, "+31612340000", "STOP", HL_CHANNEL_SMS,
	    NULL), "");
	assert_int_equal(f->status, HL_REPLY_FLOODED);
	assert_int_equal(counted(f), before);
	assert_int_equal(sessions(f), 1);
	/* Another sender is answered. */
	assert_true(strncmp(say(f, "+31612349999", "hoi", HL_CHANNEL_SMS,
	    NULL), "Start.", 6) == 0);
	assert_int_equal(f->status, HL_REPLY_OK);
	/* 10 s later one message is back: the session is where the last
	 * answered message left it (signals), not moved by the flood. */
	flood_now_ms += 10000;
	assert_true(strncmp(say(f, "+31612340000", "1", HL_CHANNEL_SMS,
	    NULL), "Informatie.", 11) == 0);
	/* The other sender, full again after 10 s, is forgotten. */
	hl_core_figures(f->core, &fig);
	assert_int_equal(fig.senders_limited, 1);
	/* The core counted each outcome under the adapter's name. */
	out = open_memstream(&text, &len);
	assert_non_null(out);
	assert_int_equal(hl_metrics_write(m, out), 0);
	fclose(out);
	assert_non_null(strstr(text, "helplined_requests_total{adapter="
	    "\"test\",outcome=\"ok\"} 4\n"));
	assert_non_null(strstr(text, "helplined_requests_total{adapter="
	    "\"test\",outcome=\"flooded\"} 2\n"));
	assert_non_null(strstr(text, "helplined_reply_latency_seconds_count{"
	    "adapter=\"test\"} 4\n"));
	free(text);
	hl_core_free(f->core);
	f->core = NULL;
	hl_metrics_free(m);
}

/* Senders that do not parse are limited each by their own string. */
static void
test_flooded_unparseable_sender(void **state)
{
	struct fixture *f = *state;
	struct hl_metrics *m = limited_core(f);
	char junk[2000];

	for (int i = 0; i < 2; i++) {
		say(f, "Twilio", "hoi", HL_CHANNEL_SMS, NULL);
		assert_int_equal(f->status, HL_REPLY_OK);
	}
	say(f, "Twilio", "hoi", HL_CHANNEL_SMS, NULL);
	assert_int_equal(f->status, HL_REPLY_FLOODED);
	say(f, "Kannel", "hoi", HL_CHANNEL_SMS, NULL);
	assert_int_equal(f->status, HL_REPLY_OK);
	/* A sender longer than any number cannot slip past the limit. */
	memset(junk, 'x', sizeof junk - 1);
	junk[sizeof junk - 1] = '\0';
	for (int i = 0; i < 3; i++) {
		junk[sizeof junk - 2] = (char)('a' + i);
		say(f, junk, "hoi", HL_CHANNEL_SMS, NULL);
		assert_int_equal(f->status, i < 2 ? HL_REPLY_OK :
		    HL_REPLY_FLOODED);
	}
	assert_int_equal(sessions(f), 0);
	hl_core_free(f->core);
	f->core = NULL;
	hl_metrics_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_session_across_spellings,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unparseable_sender_not_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_gateway_id,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_forget_is_committed_before_the_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publish_pins_sessions,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_draft_for_testers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ussd_final_screen_ends,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ussd_redial_offers_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ussd_redial_with_input_starts_afresh, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_locked_keeps_place, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_batch_written_in_slices, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ussd_dialogue_across_key_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flooded_touches_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_flooded_unparseable_sender, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
