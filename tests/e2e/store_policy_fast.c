/*
 * store_policy_fast.c - the negative control of the privacy canary test.
 *
 * Linked only into tests/e2e/helplined-fast-delete, never installed: the
 * same daemon with secure_delete=FAST, which leaves deleted pseudonyms in
 * freed pages.  The canary test must find them there, which proves it can
 * fail.
 */
#include "../../daemon/store_policy.h"

const char hl_store_secure_delete_policy[] = "FAST";
