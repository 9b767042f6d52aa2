/*
 * store_policy.c - the secure_delete policy the daemon runs with.
 *
 * ON zeroes deleted content and freed pages, so a deleted pseudonym does
 * not linger in the database file (DESIGN.md section 5 rule 5).  Only the
 * negative-control test binary links a different file, saying "FAST".
 */
#include "store_policy.h"

const char hl_store_secure_delete_policy[] = "ON";
