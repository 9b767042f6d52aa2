/*
 * smpp_reasm.c - concatenated MO parts put back together.
 *
 * Incomplete messages sit in one array in order of their first part, so
 * the oldest (the first to time out, and the first to push out for room)
 * is always at the front.  A part finds its message by a linear scan:
 * with max_messages in the thousands that is a few microseconds per part,
 * and removal (a memmove of pointers, or one compaction pass for a batch)
 * is linear too, so no operation is worse than O(max_messages).  A
 * message holds only the parts that came, in arrival order, plus a bitmap
 * of the sequence numbers seen; they are put in order once complete.
 *
 * max_bytes counts the parts' octets.  Every sender and part is wiped
 * before it is freed (DESIGN.md section 5).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/smpp_reasm.h"

#define TOTAL_MAX	255	/* the UDH and sar_total_segments are 8-bit */

struct part {
	unsigned	 seq;
	size_t		 len;
	unsigned char	*data;
};

struct msg {
	char		*sender;
	size_t		 senderlen;
	unsigned	 ref;
	unsigned	 total;
	unsigned	 data_coding;
	int64_t		 first_ms;
	uint32_t	 seen[(TOTAL_MAX + 1 + 31) / 32];
	struct part	*parts;
	size_t		 nparts;
	size_t		 bytes;
};

struct hl_smpp_reasm {
	struct hl_smpp_reasm_opts	 opts;
	struct msg			**msgs;	/* oldest first */
	size_t				 count;
	size_t				 bytes;
	unsigned long			 dropped;
};

/* Returns a new reassembler, or NULL on bad options or no memory. */
struct hl_smpp_reasm *
hl_smpp_reasm_new(const struct hl_smpp_reasm_opts *opts)
{
	struct hl_smpp_reasm	*r;

	if (opts == NULL || opts->timeout_ms == 0 || opts->max_messages == 0 ||
	    opts->max_bytes == 0 ||
	    opts->max_messages > SIZE_MAX / sizeof(struct msg *))
		return NULL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return NULL;
	r->opts = *opts;
	if ((r->msgs = calloc(opts->max_messages, sizeof *r->msgs)) == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

/* Wipes and frees one message. */
static void
msg_free(struct msg *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nparts; i++) {
		explicit_bzero(m->parts[i].data, m->parts[i].len);
		free(m->parts[i].data);
	}
	if (m->parts != NULL)
		explicit_bzero(m->parts, m->nparts * sizeof *m->parts);
	free(m->parts);
	if (m->sender != NULL)
		explicit_bzero(m->sender, m->senderlen);
	free(m->sender);
	explicit_bzero(m, sizeof *m);
	free(m);
}

/* Frees msgs[i] and takes it off the books; the slot is left NULL for
 * compact() to close. */
static void
forget(struct hl_smpp_reasm *r, size_t i, bool dropped)
{
	r->bytes -= r->msgs[i]->bytes;
	msg_free(r->msgs[i]);
	r->msgs[i] = NULL;
	if (dropped)
		r->dropped++;
}

/* Closes the NULL slots forget() left, keeping the order: one pass. */
static void
compact(struct hl_smpp_reasm *r)
{
	size_t	i, w = 0;

	for (i = 0; i < r->count; i++) {
		if (r->msgs[i] != NULL)
			r->msgs[w++] = r->msgs[i];
	}
	r->count = w;
}

/* Returns when m times out, saturating instead of overflowing. */
static int64_t
deadline(const struct hl_smpp_reasm *r, const struct msg *m)
{
	if (m->first_ms > INT64_MAX - (int64_t)r->opts.timeout_ms)
		return INT64_MAX;
	return m->first_ms + (int64_t)r->opts.timeout_ms;
}

/* Drops the messages whose first part came timeout_ms or more ago. */
size_t
hl_smpp_reasm_expire(struct hl_smpp_reasm *r, int64_t now_ms)
{
	size_t	n = 0;

	while (n < r->count && now_ms >= deadline(r, r->msgs[n]))
		forget(r, n++, true);
	if (n > 0)
		compact(r);
	return n;
}

/* Returns the milliseconds until the next timeout, or -1. */
int64_t
hl_smpp_reasm_next_timeout(const struct hl_smpp_reasm *r, int64_t now_ms)
{
	int64_t	due;

	if (r->count == 0)
		return -1;
	due = deadline(r, r->msgs[0]);
	if (now_ms >= due)
		return 0;
	if (now_ms < 0 && due > INT64_MAX + now_ms)
		return INT64_MAX;
	return due - now_ms;
}

/* Returns the index of message (sender, ref, total), or -1. */
static ptrdiff_t
find(const struct hl_smpp_reasm *r, const char *sender, size_t senderlen,
    unsigned ref, unsigned total)
{
	const struct msg	*m;
	size_t			 i;

	for (i = 0; i < r->count; i++) {
		m = r->msgs[i];
		if (m->ref == ref && m->total == total &&
		    m->senderlen == senderlen &&
		    memcmp(m->sender, sender, senderlen) == 0)
			return (ptrdiff_t)i;
	}
	return -1;
}

/* Returns true if part seq of m has come. */
static bool
seen(const struct msg *m, unsigned seq)
{
	return (m->seen[seq / 32] >> (seq % 32)) & 1;
}

/* Returns true if len more octets, for keep (or a new message when keep
 * is NULL), can fit at all once every other message is dropped. */
static bool
can_fit(const struct hl_smpp_reasm *r, const struct msg *keep, size_t len)
{
	size_t	have = keep != NULL ? keep->bytes : 0;

	return len <= r->opts.max_bytes - have;
}

/*
 * Makes room for len more octets, and for one more message when keep is
 * NULL, by dropping the oldest messages other than keep.  can_fit() must
 * have said yes: then this always succeeds.
 */
static void
make_room(struct hl_smpp_reasm *r, const struct msg *keep, size_t len)
{
	size_t	i, gone = 0;

	for (i = 0; i < r->count; i++) {
		if (r->bytes + len <= r->opts.max_bytes && (keep != NULL ||
		    r->count - gone < r->opts.max_messages))
			break;
		if (r->msgs[i] == keep)
			continue;
		forget(r, i, true);
		gone++;
	}
	if (gone > 0)
		compact(r);
}

/* Returns a new message for the first part of (sender, ref, total) to
 * come, or NULL on no memory. */
static struct msg *
msg_new(const char *sender, size_t senderlen, unsigned ref, unsigned total,
    unsigned data_coding)
{
	struct msg	*m;

	if ((m = calloc(1, sizeof *m)) == NULL)
		return NULL;
	if ((m->sender = malloc(senderlen + 1)) == NULL) {
		free(m);
		return NULL;
	}
	memcpy(m->sender, sender, senderlen + 1);
	m->senderlen = senderlen;
	m->ref = ref;
	m->total = total;
	m->data_coding = data_coding;
	return m;
}

/* Adds a part (its octets copied) to m; returns 0 or -1 on no memory,
 * then m is unchanged. */
static int
msg_add(struct msg *m, unsigned seq, const unsigned char *data, size_t len)
{
	struct part	*parts;
	unsigned char	*copy;

	/* malloc(0) may return NULL: an empty part still takes one octet. */
	if ((copy = malloc(len > 0 ? len : 1)) == NULL)
		return -1;
	if ((parts = realloc(m->parts, (m->nparts + 1) * sizeof *parts)) ==
	    NULL) {
		free(copy);
		return -1;
	}
	if (len > 0)
		memcpy(copy, data, len);
	m->parts = parts;
	m->parts[m->nparts++] = (struct part){ seq, len, copy };
	m->seen[seq / 32] |= UINT32_C(1) << (seq % 32);
	m->bytes += len;
	return 0;
}

/*
 * Joins m's parts and the last one (seq, data, len) in order into a new
 * buffer.  m may be NULL (a one-part message).  Returns the buffer, or
 * NULL on no memory.
 */
static unsigned char *
join(const struct msg *m, unsigned seq, const unsigned char *data,
    size_t len, size_t *outlen)
{
	const struct part	*at[TOTAL_MAX + 1] = { NULL };
	unsigned char		*buf;
	size_t			 i, n = len, w = 0;
	unsigned		 s, total = m != NULL ? m->total : 1;

	if (m != NULL) {
		for (i = 0; i < m->nparts; i++)
			at[m->parts[i].seq] = &m->parts[i];
		n += m->bytes;
	}
	if ((buf = malloc(n > 0 ? n : 1)) == NULL)
		return NULL;
	for (s = 1; s <= total; s++) {
		if (s == seq) {
			if (len > 0)
				memcpy(buf + w, data, len);
			w += len;
		} else {
			memcpy(buf + w, at[s]->data, at[s]->len);
			w += at[s]->len;
		}
	}
	*outlen = n;
	return buf;
}

/* Adds part seq of the message (sender, ref, total) in data_coding. */
enum hl_smpp_reasm_result
hl_smpp_reasm_add(struct hl_smpp_reasm *r, const char *sender, unsigned ref,
    unsigned total, unsigned seq, unsigned data_coding,
    const unsigned char *data, size_t len, int64_t now_ms,
    unsigned char **out, size_t *outlen, unsigned *data_coding_out)
{
	struct msg	*m = NULL, *last;
	ptrdiff_t	 at;
	size_t		 senderlen;

	if (sender == NULL || (data == NULL && len > 0) || total == 0 ||
	    total > TOTAL_MAX || seq == 0 || seq > total)
		return HL_REASM_REFUSED;
	/* A late part must not revive a message its timer already ended. */
	hl_smpp_reasm_expire(r, now_ms);
	senderlen = strlen(sender);
	if ((at = find(r, sender, senderlen, ref, total)) >= 0) {
		m = r->msgs[at];
		if (m->data_coding != data_coding)
			return HL_REASM_REFUSED;
		if (seen(m, seq))
			return HL_REASM_DUPLICATE;
	}

	/* The last part: nothing more is held, so no room is needed. */
	if ((m != NULL ? m->nparts : 0) + 1 == total) {
		if ((*out = join(m, seq, data, len, outlen)) == NULL)
			return HL_REASM_ERROR;
		*data_coding_out = data_coding;
		if (m != NULL) {
			forget(r, (size_t)at, false);
			compact(r);
		}
		return HL_REASM_COMPLETE;
	}

	if (!can_fit(r, m, len))
		return HL_REASM_REFUSED;
	if (m == NULL) {
		if ((m = msg_new(sender, senderlen, ref, total,
		    data_coding)) == NULL)
			return HL_REASM_ERROR;
		if (msg_add(m, seq, data, len) == -1) {
			msg_free(m);
			return HL_REASM_ERROR;
		}
		make_room(r, NULL, len);
		/* Keep the array in first-part order even if the clock
		 * stepped back. */
		last = r->count > 0 ? r->msgs[r->count - 1] : NULL;
		m->first_ms = last != NULL && last->first_ms > now_ms ?
		    last->first_ms : now_ms;
		r->msgs[r->count++] = m;
		r->bytes += len;
	} else {
		/* Added first, so a failed allocation drops nothing. */
		if (msg_add(m, seq, data, len) == -1)
			return HL_REASM_ERROR;
		r->bytes += len;
		make_room(r, m, 0);
	}
	return HL_REASM_PENDING;
}

/* Incomplete messages held now. */
size_t
hl_smpp_reasm_messages(const struct hl_smpp_reasm *r)
{
	return r->count;
}

/* Octets held now. */
size_t
hl_smpp_reasm_bytes(const struct hl_smpp_reasm *r)
{
	return r->bytes;
}

/* Messages dropped so far. */
unsigned long
hl_smpp_reasm_dropped(const struct hl_smpp_reasm *r)
{
	return r->dropped;
}

/* Wipes and frees everything. */
void
hl_smpp_reasm_free(struct hl_smpp_reasm *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->count; i++)
		msg_free(r->msgs[i]);
	free(r->msgs);
	free(r);
}
