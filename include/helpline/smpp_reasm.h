/*
 * smpp_reasm.h - concatenated MO parts put back together, with a timeout
 * and bounded memory.
 *
 * A message is the parts sharing (sender, reference, total); they may come
 * in any order and more than once (an SMSC retries a deliver_sm whose
 * response it missed).  Parts are kept as raw octets and joined before
 * decoding, so a GSM-7 escape or a surrogate pair split across two parts
 * still decodes.  The sender is held only in memory, only until its
 * message is complete or timed out, and wiped when dropped (DESIGN.md
 * section 5).  Times are milliseconds from any monotonic clock the caller
 * chooses (tests inject theirs).
 */
#ifndef HELPLINE_SMPP_REASM_H
#define HELPLINE_SMPP_REASM_H

#include <stddef.h>
#include <stdint.h>

struct hl_smpp_reasm;

struct hl_smpp_reasm_opts {
	unsigned timeout_ms;	/* an incomplete message is dropped this long
				 * after its first part (> 0) */
	size_t max_messages;	/* incomplete messages held at once (> 0) */
	size_t max_bytes;	/* octets held over all of them (> 0) */
};

enum hl_smpp_reasm_result {
	HL_REASM_PENDING,	/* kept; the message is not complete yet */
	HL_REASM_COMPLETE,	/* *out holds the whole message */
	HL_REASM_DUPLICATE,	/* this part was already held: ignored */
	HL_REASM_REFUSED,	/* bad part (seq 0 or over total, total 0,
				 * data_coding differs from the first part's)
				 * or no room even after dropping the oldest
				 * message: nothing kept */
	HL_REASM_ERROR,		/* out of memory: nothing kept */
};

/* Returns a new reassembler, or NULL on bad options or no memory. */
struct hl_smpp_reasm *hl_smpp_reasm_new(const struct hl_smpp_reasm_opts *);

/* Adds part seq (1..total) of the message (sender, ref, total) in
 * data_coding.  When it completes the message, sets *out to a new buffer
 * with the parts' octets in order (*outlen long; the caller wipes and
 * frees it) and *data_coding_out, and forgets the message.  When a new
 * message would exceed max_messages or max_bytes, the oldest incomplete
 * messages are dropped first (counted as timed out). */
enum hl_smpp_reasm_result hl_smpp_reasm_add(struct hl_smpp_reasm *,
    const char *sender, unsigned ref, unsigned total, unsigned seq,
    unsigned data_coding, const unsigned char *data, size_t len,
    int64_t now_ms, unsigned char **out, size_t *outlen,
    unsigned *data_coding_out);

/* Drops the messages whose first part came timeout_ms or more before
 * now_ms.  Returns how many were dropped. */
size_t hl_smpp_reasm_expire(struct hl_smpp_reasm *, int64_t now_ms);

/* Returns the milliseconds until the next message times out (0 if one
 * already has), or -1 when nothing is held. */
int64_t hl_smpp_reasm_next_timeout(const struct hl_smpp_reasm *,
    int64_t now_ms);

/* Incomplete messages and octets held now. */
size_t hl_smpp_reasm_messages(const struct hl_smpp_reasm *);
size_t hl_smpp_reasm_bytes(const struct hl_smpp_reasm *);

/* Messages dropped so far (timed out or pushed out for room). */
unsigned long hl_smpp_reasm_dropped(const struct hl_smpp_reasm *);

/* Wipes and frees everything.  NULL is fine. */
void hl_smpp_reasm_free(struct hl_smpp_reasm *);

#endif
