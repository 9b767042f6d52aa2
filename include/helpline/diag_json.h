/*
 * diag_json.h - menu findings as JSON, one shape for the daemon's control
 * answers and helplinectl check --format json.
 */
#ifndef HELPLINE_DIAG_JSON_H
#define HELPLINE_DIAG_JSON_H

#include <jansson.h>

#include "helpline/menu.h"

/* Returns the findings as a new JSON array of {"severity", "file", "line",
 * "column", "node" (absent if none), "message"}; NULL on out-of-memory. */
json_t *hl_diags_json(const struct hl_diags *);

#endif
