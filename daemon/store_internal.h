/*
 * store_internal.h - what the store's own files share: the connection.
 * Only daemon/store_*.c include this; everyone else uses store.h.
 */
#ifndef HELPLINE_STORE_INTERNAL_H
#define HELPLINE_STORE_INTERNAL_H

#include <stdbool.h>

#include <sqlite3.h>

#include "helpline/store.h"

/* Returns the store's connection (borrowed). */
sqlite3 *hl_store_db(struct hl_store *);

/* Returns true if the store was opened with hl_store_open_readonly(). */
bool hl_store_is_readonly(const struct hl_store *);

#endif
