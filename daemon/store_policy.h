/*
 * store_policy.h - store internals shared with tests: the secure_delete
 * policy and a read-back of the store's own connection settings.
 *
 * The policy is a separate object file so a test-only binary can link a
 * policy of "FAST" as the negative control of the privacy canary test
 * (DESIGN.md section 5): the daemon always links store_policy.c ("ON").
 * Nothing here is part of the public store interface.
 */
#ifndef HELPLINE_STORE_POLICY_H
#define HELPLINE_STORE_POLICY_H

#include <stdint.h>

struct hl_store;

/* "ON" in the daemon; "FAST" only in the negative-control test binary.
 * The store refuses to open with anything else. */
extern const char hl_store_secure_delete_policy[];

/* Reads an integer PRAGMA (name: letters and '_' only, e.g. "temp_store")
 * on the store's own connection, since some settings are per connection.
 * For tests and diagnostics.  Returns 0 or -1. */
int hl_store_pragma_int(struct hl_store *, const char *name, int64_t *value);

#endif
