/*
 * testers.c - the test numbers that see the draft menu, kept as keyed
 * MACs only (testers.h).
 *
 * The MAC key is a pseudonymizer of its own whose period outlasts the
 * process: unlike session pseudonyms these must match for as long as the
 * daemon runs, and since the key never leaves memory, a restart forgets
 * them as it forgets sessions.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/pseudonym.h"
#include "helpline/testers.h"

#define TESTERS_MAX 64

struct hl_testers {
	struct hl_pseudonymizer *key;
	struct hl_pseudonym macs[TESTERS_MAX];
	size_t n;
};

/* Reads a list of numbers into MACs and wipes the list. */
struct hl_testers *
hl_testers_new(char *list, const char *region, char *err, size_t errlen)
{
	struct hl_testers *t = calloc(1, sizeof *t);
	struct hl_phone phone;
	size_t len = strlen(list), pos = 0;
	char *save = NULL, *tok;

	if (t == NULL || (t->key = hl_pseudonymizer_new(UINT_MAX, NULL,
	    NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		pos++;
		if (t->n == TESTERS_MAX) {
			snprintf(err, errlen, "more than %d test numbers",
			    TESTERS_MAX);
			goto fail;
		}
		if (hl_phone_normalise(tok, region, &phone) == -1) {
			snprintf(err, errlen, "entry %zu is not a phone "
			    "number", pos);
			goto fail;
		}
		if (hl_pseudonym_current(t->key, &phone, &t->macs[t->n]) ==
		    -1) {
			hl_phone_wipe(&phone);
			snprintf(err, errlen, "cannot compute a MAC");
			goto fail;
		}
		hl_phone_wipe(&phone);
		t->n++;
	}
	explicit_bzero(list, len);
	return t;
fail:
	explicit_bzero(list, len);
	hl_testers_free(t);
	return NULL;
}

/* Returns true if a sender is one of the test numbers. */
bool
hl_testers_has(struct hl_testers *t, const struct hl_phone *phone)
{
	struct hl_pseudonym mac;
	bool found = false;

	if (t == NULL || t->n == 0 ||
	    hl_pseudonym_current(t->key, phone, &mac) == -1)
		return false;
	for (size_t i = 0; i < t->n && !found; i++)
		found = memcmp(mac.mac, t->macs[i].mac, sizeof mac.mac) == 0;
	explicit_bzero(&mac, sizeof mac);
	return found;
}

/* Returns how many test numbers there are. */
size_t
hl_testers_count(const struct hl_testers *t)
{
	return t != NULL ? t->n : 0;
}

/* Wipes and frees. */
void
hl_testers_free(struct hl_testers *t)
{
	if (t == NULL)
		return;
	hl_pseudonymizer_free(t->key);
	explicit_bzero(t->macs, sizeof t->macs);
	free(t);
}
