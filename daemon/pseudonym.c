/*
 * pseudonym.c - HMAC-SHA256 pseudonyms under per-period in-memory keys.
 *
 * A key belongs to one period, index floor(now / period).  When the period
 * changes, the current key becomes the previous one only if it belongs to
 * the period just before; anything older is wiped, so a key never outlives
 * the period after its own (DESIGN.md section 5, rule 3).  Rotation happens
 * lazily, on the next call.  The keys live on a page of their own that is
 * locked out of swap and left out of core dumps where the kernel allows.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "helpline/pseudonym.h"

#define KEY_LEN	32

/* The secrets, alone on their page. */
struct keys {
	unsigned char	cur[KEY_LEN];
	unsigned char	prev[KEY_LEN];
	int64_t		cur_idx;
	int64_t		prev_idx;
	bool		has_cur;
	bool		has_prev;
};

struct hl_pseudonymizer {
	unsigned	 period;
	hl_clock_cb	 clock;
	void		*clock_ctx;
	struct keys	*keys;
	size_t		 keys_size;	/* bytes mapped for keys */
};

/* Maps a page for the keys, locked and undumpable if allowed. */
static struct keys *
keys_map(size_t *size)
{
	long	 page;
	void	*p;

	page = sysconf(_SC_PAGESIZE);
	*size = page > 0 && (size_t)page >= sizeof(struct keys) ?
	    (size_t)page : sizeof(struct keys);
	p = mmap(NULL, *size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Best effort: RLIMIT_MEMLOCK or an old kernel may say no. */
	(void)mlock(p, *size);
#ifdef MADV_DONTDUMP
	(void)madvise(p, *size, MADV_DONTDUMP);
#endif
	memset(p, 0, *size);
	return p;
}

/* Wipes and unmaps the key page. */
static void
keys_unmap(struct keys *k, size_t size)
{
	OPENSSL_cleanse(k, size);
	(void)munlock(k, size);
	(void)munmap(k, size);
}

/* Creates a pseudonymizer; the first key is made on first use. */
struct hl_pseudonymizer *
hl_pseudonymizer_new(unsigned period, hl_clock_cb clock, void *clock_ctx)
{
	struct hl_pseudonymizer	*p;
	unsigned char		 probe[1];

	if (period == 0)
		return NULL;
	/* Fail now, not on the first message, if there is no entropy. */
	if (RAND_bytes(probe, sizeof probe) != 1)
		return NULL;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->period = period;
	p->clock = clock;
	p->clock_ctx = clock_ctx;
	if ((p->keys = keys_map(&p->keys_size)) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

/* Wipes every key and frees. */
void
hl_pseudonymizer_free(struct hl_pseudonymizer *p)
{
	if (p == NULL)
		return;
	keys_unmap(p->keys, p->keys_size);
	free(p);
}

/* Returns the index of the period `now` falls in (floor, also < 0). */
static int64_t
period_index(const struct hl_pseudonymizer *p, time_t now)
{
	int64_t	t = (int64_t)now, d = (int64_t)p->period;

	return t / d - (t % d < 0);
}

/*
 * Moves keys on to the current period.  A clock that steps back leaves the
 * keys alone: throwing them away would end every session for nothing.
 */
static int64_t
rotate(struct hl_pseudonymizer *p)
{
	struct keys	*k = p->keys;
	time_t		 now;
	int64_t		 idx;

	now = p->clock != NULL ? p->clock(p->clock_ctx) : time(NULL);
	idx = period_index(p, now);
	if (k->has_cur && k->cur_idx < idx) {
		if (k->cur_idx == idx - 1) {
			memcpy(k->prev, k->cur, KEY_LEN);
			k->prev_idx = k->cur_idx;
			k->has_prev = true;
		}
		OPENSSL_cleanse(k->cur, KEY_LEN);
		k->has_cur = false;
	}
	if (k->has_prev && k->prev_idx < idx - 1) {
		OPENSSL_cleanse(k->prev, KEY_LEN);
		k->has_prev = false;
	}
	return idx;
}

/* Wipes keys whose period is over. */
void
hl_pseudonymizer_tick(struct hl_pseudonymizer *p)
{
	(void)rotate(p);
}

/* Rotates, then makes the current period's key if there is none yet. */
static int
current_key(struct hl_pseudonymizer *p)
{
	struct keys	*k = p->keys;
	int64_t		 idx;

	idx = rotate(p);
	if (k->has_cur)
		return 0;
	if (RAND_bytes(k->cur, KEY_LEN) != 1) {
		OPENSSL_cleanse(k->cur, KEY_LEN);
		return -1;
	}
	k->cur_idx = idx;
	k->has_cur = true;
	return 0;
}

/* Computes HMAC-SHA256(key, bytes) into out. */
static int
mac(const unsigned char *key, const void *bytes, size_t len,
    struct hl_pseudonym *out)
{
	unsigned int	outlen = 0;

	if (HMAC(EVP_sha256(), key, KEY_LEN, bytes, len, out->mac,
	    &outlen) == NULL || outlen != HL_PSEUDONYM_LEN) {
		OPENSSL_cleanse(out, sizeof *out);
		return -1;
	}
	return 0;
}

/* Computes the pseudonym of a number under the current key. */
int
hl_pseudonym_current(struct hl_pseudonymizer *p, const struct hl_phone *ph,
    struct hl_pseudonym *out)
{
	if (current_key(p) == -1)
		return -1;
	return mac(p->keys->cur, ph->e164, strnlen(ph->e164,
	    sizeof ph->e164), out);
}

/* Computes the pseudonym of a number under the previous key. */
int
hl_pseudonym_previous(struct hl_pseudonymizer *p, const struct hl_phone *ph,
    struct hl_pseudonym *out)
{
	(void)rotate(p);
	if (!p->keys->has_prev)
		return -1;
	return mac(p->keys->prev, ph->e164, strnlen(ph->e164,
	    sizeof ph->e164), out);
}

/* Computes a keyed MAC of arbitrary bytes under the current key. */
int
hl_pseudonym_of_bytes(struct hl_pseudonymizer *p, const void *bytes,
    size_t len, struct hl_pseudonym *out)
{
	if (current_key(p) == -1)
		return -1;
	return mac(p->keys->cur, bytes, len, out);
}

/* Computes a keyed MAC of arbitrary bytes under the previous key. */
int
hl_pseudonym_of_bytes_previous(struct hl_pseudonymizer *p, const void *bytes,
    size_t len, struct hl_pseudonym *out)
{
	(void)rotate(p);
	if (!p->keys->has_prev)
		return -1;
	return mac(p->keys->prev, bytes, len, out);
}
