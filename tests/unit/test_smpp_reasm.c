/*
 * test_smpp_reasm.c - concatenated MO parts put back together: order,
 * duplicates, keys, timeouts and the memory bounds.
 *
 * Time is whatever the test passes as now_ms; nothing sleeps.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/smpp_reasm.h"

#define A	"+31612345678"
#define B	"+31687654321"

/* The last completed message. */
struct done {
	unsigned char	*buf;
	size_t		 len;
	unsigned	 dc;
};

/* Adds a part given as a C string and keeps any completed output in *d
 * (freeing the previous one). */
static enum hl_smpp_reasm_result
put(struct hl_smpp_reasm *r, struct done *d, const char *sender,
    unsigned ref, unsigned total, unsigned seq, unsigned dc, const char *data,
    int64_t now)
{
	enum hl_smpp_reasm_result	res;
	unsigned char			*out = NULL;
	size_t				 len = 0;
	unsigned			 dcout = 999;

	res = hl_smpp_reasm_add(r, sender, ref, total, seq, dc,
	    (const unsigned char *)data, strlen(data), now, &out, &len, &dcout);
	if (res == HL_REASM_COMPLETE) {
		assert_non_null(out);
		free(d->buf);
		d->buf = out;
		d->len = len;
		d->dc = dcout;
	} else
		assert_null(out);
	return res;
}

/* Checks the last completed message is want in coding dc. */
static void
assert_done(const struct done *d, const void *want, size_t len, unsigned dc)
{
	assert_int_equal(d->len, len);
	assert_memory_equal(d->buf, want, len);
	assert_int_equal(d->dc, dc);
}

/* Makes a reassembler with a 1 s timeout and roomy bounds. */
static int
setup(void **state)
{
	struct hl_smpp_reasm_opts	o = {
		.timeout_ms = 1000, .max_messages = 100, .max_bytes = 10000,
	};

	*state = hl_smpp_reasm_new(&o);
	return *state == NULL ? -1 : 0;
}

/* Frees it. */
static int
teardown(void **state)
{
	hl_smpp_reasm_free(*state);
	return 0;
}

/* Checks bad options are refused and free(NULL) is fine. */
static void
test_new(void **state)
{
	struct hl_smpp_reasm_opts	o = {
		.timeout_ms = 1, .max_messages = 1, .max_bytes = 1,
	};
	struct hl_smpp_reasm_opts	bad;
	struct hl_smpp_reasm		*r;

	(void)state;
	assert_null(hl_smpp_reasm_new(NULL));
	bad = o;
	bad.timeout_ms = 0;
	assert_null(hl_smpp_reasm_new(&bad));
	bad = o;
	bad.max_messages = 0;
	assert_null(hl_smpp_reasm_new(&bad));
	bad = o;
	bad.max_bytes = 0;
	assert_null(hl_smpp_reasm_new(&bad));
	assert_non_null(r = hl_smpp_reasm_new(&o));
	assert_int_equal(hl_smpp_reasm_messages(r), 0);
	assert_int_equal(hl_smpp_reasm_bytes(r), 0);
	assert_int_equal(hl_smpp_reasm_dropped(r), 0);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 0), -1);
	hl_smpp_reasm_free(r);
	hl_smpp_reasm_free(NULL);
}

/* Checks parts in order, with the counters along the way. */
static void
test_in_order(void **state)
{
	struct hl_smpp_reasm	*r = *state;
	struct done		 d = { NULL, 0, 0 };

	assert_int_equal(put(r, &d, A, 7, 3, 1, 0, "Hel", 0), HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_messages(r), 1);
	assert_int_equal(hl_smpp_reasm_bytes(r), 3);
	assert_int_equal(put(r, &d, A, 7, 3, 2, 0, "lo ", 1), HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_messages(r), 1);
	assert_int_equal(hl_smpp_reasm_bytes(r), 6);
	assert_int_equal(put(r, &d, A, 7, 3, 3, 0, "you", 2),
	    HL_REASM_COMPLETE);
	assert_done(&d, "Hello you", 9, 0);
	assert_int_equal(hl_smpp_reasm_messages(r), 0);
	assert_int_equal(hl_smpp_reasm_bytes(r), 0);
	assert_int_equal(hl_smpp_reasm_dropped(r), 0);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 2), -1);
	free(d.buf);
}

/* Checks parts in reverse and shuffled order. */
static void
test_out_of_order(void **state)
{
	struct hl_smpp_reasm	*r = *state;
	struct done		 d = { NULL, 0, 0 };

	assert_int_equal(put(r, &d, A, 1, 3, 3, 0, "C", 0), HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 1, 3, 2, 0, "BB", 0), HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 1, 3, 1, 0, "AAA", 0),
	    HL_REASM_COMPLETE);
	assert_done(&d, "AAABBC", 6, 0);

	assert_int_equal(put(r, &d, A, 2, 4, 2, 0, "2", 0), HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 2, 4, 4, 0, "4", 0), HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 2, 4, 1, 0, "1", 0), HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 2, 4, 3, 0, "3", 0), HL_REASM_COMPLETE);
	assert_done(&d, "1234", 4, 0);
	assert_int_equal(hl_smpp_reasm_messages(r), 0);
	free(d.buf);
}

/* Checks a retried part is ignored, its first copy kept. */
static void
test_duplicate(void **state)
{
	struct hl_smpp_reasm	*r = *state;
	struct done		 d = { NULL, 0, 0 };

	assert_int_equal(put(r, &d, A, 5, 2, 1, 0, "one ", 0),
	    HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 5, 2, 1, 0, "ONE!", 10),
	    HL_REASM_DUPLICATE);
	assert_int_equal(hl_smpp_reasm_bytes(r), 4);
	assert_int_equal(hl_smpp_reasm_messages(r), 1);
	assert_int_equal(put(r, &d, A, 5, 2, 2, 0, "two", 20),
	    HL_REASM_COMPLETE);
	assert_done(&d, "one two", 7, 0);
	free(d.buf);
}

/* Checks two senders using the same reference are kept apart, and one
 * sender's references (and totals) too. */
static void
test_keys(void **state)
{
	struct hl_smpp_reasm	*r = *state;
	struct done		 d = { NULL, 0, 0 };

	assert_int_equal(put(r, &d, A, 9, 2, 1, 0, "a1", 0), HL_REASM_PENDING);
	assert_int_equal(put(r, &d, B, 9, 2, 1, 0, "b1", 0), HL_REASM_PENDING);
	/* A sender that is a prefix of another is another sender. */
	assert_int_equal(put(r, &d, "+3161234567", 9, 2, 1, 0, "p1", 0),
	    HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 10, 2, 1, 0, "r1", 0),
	    HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 9, 3, 1, 0, "t1", 0), HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_messages(r), 5);

	assert_int_equal(put(r, &d, B, 9, 2, 2, 0, "b2", 0),
	    HL_REASM_COMPLETE);
	assert_done(&d, "b1b2", 4, 0);
	assert_int_equal(put(r, &d, A, 10, 2, 2, 0, "r2", 0),
	    HL_REASM_COMPLETE);
	assert_done(&d, "r1r2", 4, 0);
	assert_int_equal(put(r, &d, A, 9, 2, 2, 0, "a2", 0),
	    HL_REASM_COMPLETE);
	assert_done(&d, "a1a2", 4, 0);
	assert_int_equal(put(r, &d, "+3161234567", 9, 2, 2, 0, "p2", 0),
	    HL_REASM_COMPLETE);
	assert_done(&d, "p1p2", 4, 0);
	assert_int_equal(hl_smpp_reasm_messages(r), 1);
	assert_int_equal(hl_smpp_reasm_bytes(r), 2);
	free(d.buf);
}

/* Checks timeouts: next_timeout counts down from each first part,
 * expire drops at exactly timeout_ms, and a late part starts afresh. */
static void
test_timeout(void **state)
{
	struct hl_smpp_reasm	*r = *state;
	struct done		 d = { NULL, 0, 0 };

	assert_int_equal(put(r, &d, A, 1, 3, 1, 0, "x1", 100),
	    HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 100), 1000);
	assert_int_equal(put(r, &d, B, 1, 2, 1, 0, "y1", 500),
	    HL_REASM_PENDING);
	/* A later part does not extend the first part's deadline. */
	assert_int_equal(put(r, &d, A, 1, 3, 2, 0, "x2", 700),
	    HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 600), 500);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 1099), 1);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 1100), 0);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 5000), 0);
	assert_int_equal(hl_smpp_reasm_expire(r, 1099), 0);
	assert_int_equal(hl_smpp_reasm_messages(r), 2);
	assert_int_equal(hl_smpp_reasm_expire(r, 1100), 1);
	assert_int_equal(hl_smpp_reasm_messages(r), 1);
	assert_int_equal(hl_smpp_reasm_bytes(r), 2);
	assert_int_equal(hl_smpp_reasm_dropped(r), 1);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 1100), 400);

	/* X's last part, late: X is gone, so it waits anew. */
	assert_int_equal(put(r, &d, A, 1, 3, 3, 0, "x3", 1150),
	    HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_messages(r), 2);
	/* Y's last part at Y's deadline: add expires first. */
	assert_int_equal(put(r, &d, B, 1, 2, 2, 0, "y2", 1500),
	    HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_dropped(r), 2);
	assert_int_equal(hl_smpp_reasm_messages(r), 2);
	assert_int_equal(hl_smpp_reasm_bytes(r), 4);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 1500), 650);
	assert_int_equal(hl_smpp_reasm_expire(r, 10000), 2);
	assert_int_equal(hl_smpp_reasm_dropped(r), 4);
	assert_int_equal(hl_smpp_reasm_messages(r), 0);
	assert_int_equal(hl_smpp_reasm_bytes(r), 0);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 10000), -1);
	assert_null(d.buf);
}

/* Checks the byte cap drops the oldest incomplete message first, never
 * the one a part is for, and refuses what cannot fit at all. */
static void
test_byte_cap(void **state)
{
	struct hl_smpp_reasm_opts	 o = {
		.timeout_ms = 1000, .max_messages = 100, .max_bytes = 10,
	};
	struct hl_smpp_reasm		*r;
	struct done			 d = { NULL, 0, 0 };

	(void)state;
	assert_non_null(r = hl_smpp_reasm_new(&o));
	assert_int_equal(put(r, &d, A, 1, 3, 1, 0, "aaaa", 0),
	    HL_REASM_PENDING);
	assert_int_equal(put(r, &d, B, 1, 3, 1, 0, "bbbb", 1),
	    HL_REASM_PENDING);
	/* 4 + 4 + 4 > 10: A's, the oldest, goes. */
	assert_int_equal(put(r, &d, A, 2, 3, 1, 0, "cccc", 2),
	    HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_dropped(r), 1);
	assert_int_equal(hl_smpp_reasm_messages(r), 2);
	assert_int_equal(hl_smpp_reasm_bytes(r), 8);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 2), 999);

	/* B's, now the oldest, grows by 6: the other one goes, not B's. */
	assert_int_equal(put(r, &d, B, 1, 3, 2, 0, "BBBBBB", 3),
	    HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_dropped(r), 2);
	assert_int_equal(hl_smpp_reasm_messages(r), 1);
	assert_int_equal(hl_smpp_reasm_bytes(r), 10);
	/* More than max_bytes alone: refused, nothing dropped for it. */
	assert_int_equal(put(r, &d, A, 3, 2, 1, 0, "12345678901", 4),
	    HL_REASM_REFUSED);
	assert_int_equal(hl_smpp_reasm_messages(r), 1);
	/* The last part needs no room: 10 held + 6 completes. */
	assert_int_equal(put(r, &d, B, 1, 3, 3, 0, "ZZZZZZ", 5),
	    HL_REASM_COMPLETE);
	assert_done(&d, "bbbbBBBBBBZZZZZZ", 16, 0);
	assert_int_equal(hl_smpp_reasm_messages(r), 0);
	assert_int_equal(hl_smpp_reasm_bytes(r), 0);

	/* Too much for its own message even alone: refused, the other
	 * message stays; one octet less fits, pushing the other out. */
	assert_int_equal(put(r, &d, A, 5, 4, 1, 0, "1234567", 6),
	    HL_REASM_PENDING);
	assert_int_equal(put(r, &d, B, 5, 2, 1, 0, "xx", 7), HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 5, 4, 2, 0, "1234", 8),
	    HL_REASM_REFUSED);
	assert_int_equal(hl_smpp_reasm_dropped(r), 2);
	assert_int_equal(hl_smpp_reasm_messages(r), 2);
	assert_int_equal(hl_smpp_reasm_bytes(r), 9);
	assert_int_equal(put(r, &d, A, 5, 4, 2, 0, "123", 9),
	    HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_dropped(r), 3);
	assert_int_equal(hl_smpp_reasm_messages(r), 1);
	assert_int_equal(hl_smpp_reasm_bytes(r), 10);
	free(d.buf);
	hl_smpp_reasm_free(r);
}

/* Checks the message cap drops the oldest incomplete message. */
static void
test_message_cap(void **state)
{
	struct hl_smpp_reasm_opts	 o = {
		.timeout_ms = 1000, .max_messages = 2, .max_bytes = 1000,
	};
	struct hl_smpp_reasm		*r;
	struct done			 d = { NULL, 0, 0 };

	(void)state;
	assert_non_null(r = hl_smpp_reasm_new(&o));
	assert_int_equal(put(r, &d, A, 1, 2, 1, 0, "a", 0), HL_REASM_PENDING);
	assert_int_equal(put(r, &d, B, 1, 2, 1, 0, "b", 10), HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 1, 3, 1, 0, "c", 20), HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_dropped(r), 1);
	assert_int_equal(hl_smpp_reasm_messages(r), 2);
	assert_int_equal(hl_smpp_reasm_bytes(r), 2);
	/* A's (1, 2) went: its second part starts a new message. */
	assert_int_equal(put(r, &d, A, 1, 2, 2, 0, "A", 30), HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_dropped(r), 2);
	/* More parts of a held message need no new slot. */
	assert_int_equal(put(r, &d, A, 1, 3, 2, 0, "C", 40), HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_dropped(r), 2);
	assert_int_equal(put(r, &d, A, 1, 3, 3, 0, "D", 50),
	    HL_REASM_COMPLETE);
	assert_done(&d, "cCD", 3, 0);
	assert_int_equal(hl_smpp_reasm_messages(r), 1);
	assert_int_equal(hl_smpp_reasm_next_timeout(r, 50), 980);
	free(d.buf);
	hl_smpp_reasm_free(r);
}

/* Checks bad parts are refused and nothing is kept. */
static void
test_refused(void **state)
{
	struct hl_smpp_reasm	*r = *state;
	struct done		 d = { NULL, 0, 0 };
	unsigned char		*out = NULL;
	size_t			 len;
	unsigned		 dc;

	assert_int_equal(put(r, &d, A, 1, 2, 0, 0, "x", 0), HL_REASM_REFUSED);
	assert_int_equal(put(r, &d, A, 1, 2, 3, 0, "x", 0), HL_REASM_REFUSED);
	assert_int_equal(put(r, &d, A, 1, 0, 0, 0, "x", 0), HL_REASM_REFUSED);
	assert_int_equal(put(r, &d, A, 1, 0, 1, 0, "x", 0), HL_REASM_REFUSED);
	assert_int_equal(put(r, &d, A, 1, 256, 1, 0, "x", 0),
	    HL_REASM_REFUSED);
	assert_int_equal(hl_smpp_reasm_add(r, NULL, 1, 2, 1, 0,
	    (const unsigned char *)"x", 1, 0, &out, &len, &dc),
	    HL_REASM_REFUSED);
	assert_int_equal(hl_smpp_reasm_add(r, A, 1, 2, 1, 0, NULL, 1, 0, &out,
	    &len, &dc), HL_REASM_REFUSED);
	assert_null(out);
	assert_int_equal(hl_smpp_reasm_messages(r), 0);
	assert_int_equal(hl_smpp_reasm_bytes(r), 0);
	assert_int_equal(hl_smpp_reasm_dropped(r), 0);
}

/* Checks a part in another data_coding than the first is refused. */
static void
test_coding_mismatch(void **state)
{
	struct hl_smpp_reasm	*r = *state;
	struct done		 d = { NULL, 0, 0 };

	assert_int_equal(put(r, &d, A, 3, 2, 2, 8, "b", 0), HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 3, 2, 1, 0, "a", 1), HL_REASM_REFUSED);
	assert_int_equal(hl_smpp_reasm_messages(r), 1);
	assert_int_equal(hl_smpp_reasm_bytes(r), 1);
	assert_int_equal(put(r, &d, A, 3, 2, 1, 8, "a", 2),
	    HL_REASM_COMPLETE);
	assert_done(&d, "ab", 2, 8);
	free(d.buf);
}

/* Checks the joined octets exactly, with a GSM-7 escape and a UTF-16
 * surrogate pair split across parts, NUL octets, one-part and empty
 * parts. */
static void
test_output_bytes(void **state)
{
	static const unsigned char g1[] = { 0x48, 0x00, 0x1B };
	static const unsigned char g2[] = { 0x65, 0x11 };
	static const unsigned char u1[] = { 0x00, 0xEB, 0xD8, 0x3D };
	static const unsigned char u2[] = { 0xDE, 0x00 };
	static const unsigned char want_g[] = { 0x48, 0x00, 0x1B, 0x65, 0x11 };
	static const unsigned char want_u[] = {
		0x00, 0xEB, 0xD8, 0x3D, 0xDE, 0x00,
	};
	struct hl_smpp_reasm	*r = *state;
	struct done		 d = { NULL, 0, 0 };
	unsigned char		*out = NULL;
	size_t			 len = 99;
	unsigned		 dc = 99;

	assert_int_equal(hl_smpp_reasm_add(r, A, 200, 2, 2, 0, g2, sizeof g2,
	    0, &out, &len, &dc), HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_add(r, A, 200, 2, 1, 0, g1, sizeof g1,
	    0, &out, &len, &dc), HL_REASM_COMPLETE);
	assert_int_equal(len, sizeof want_g);
	assert_memory_equal(out, want_g, len);
	assert_int_equal(dc, 0);
	free(out);

	assert_int_equal(hl_smpp_reasm_add(r, B, 200, 2, 1, 8, u1, sizeof u1,
	    0, &out, &len, &dc), HL_REASM_PENDING);
	assert_int_equal(hl_smpp_reasm_add(r, B, 200, 2, 2, 8, u2, sizeof u2,
	    0, &out, &len, &dc), HL_REASM_COMPLETE);
	assert_int_equal(len, sizeof want_u);
	assert_memory_equal(out, want_u, len);
	assert_int_equal(dc, 8);
	free(out);

	/* total 1: complete at once, nothing held. */
	assert_int_equal(put(r, &d, A, 4, 1, 1, 3, "solo", 0),
	    HL_REASM_COMPLETE);
	assert_done(&d, "solo", 4, 3);
	/* Empty parts join to nothing. */
	assert_int_equal(put(r, &d, A, 5, 2, 1, 0, "", 0), HL_REASM_PENDING);
	assert_int_equal(put(r, &d, A, 5, 2, 1, 0, "", 0), HL_REASM_DUPLICATE);
	assert_int_equal(put(r, &d, A, 5, 2, 2, 0, "", 0), HL_REASM_COMPLETE);
	assert_int_equal(d.len, 0);
	assert_int_equal(hl_smpp_reasm_messages(r), 0);
	free(d.buf);
}

/* Checks the most parts a message may have, in a scrambled order. */
static void
test_255_parts(void **state)
{
	struct hl_smpp_reasm	*r = *state;
	unsigned char		*out = NULL, c;
	size_t			 len;
	unsigned		 dc, i, seq;

	for (i = 0; i < 255; i++) {
		seq = (i * 7) % 255 + 1;	/* 7 is prime to 255 */
		c = (unsigned char)seq;
		assert_int_equal(hl_smpp_reasm_add(r, A, 1, 255, seq, 0, &c, 1,
		    i, &out, &len, &dc), i == 254 ? HL_REASM_COMPLETE :
		    HL_REASM_PENDING);
	}
	assert_int_equal(len, 255);
	for (i = 0; i < 255; i++)
		assert_int_equal(out[i], i + 1);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test_setup_teardown(test_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test(test_byte_cap),
		cmocka_unit_test(test_message_cap),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coding_mismatch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_output_bytes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_255_parts, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
