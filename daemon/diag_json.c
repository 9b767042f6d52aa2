/*
 * diag_json.c - menu findings as JSON (diag_json.h).
 */
#include "helpline/diag_json.h"

/* Returns the findings as a JSON array. */
json_t *
hl_diags_json(const struct hl_diags *diags)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < diags->n; i++) {
		const struct hl_diag *g = &diags->items[i];

		json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:I,s:s?,"
		    "s:s}", "severity", g->severity == HL_DIAG_ERROR ?
		    "error" : "warning", "file", g->file, "line",
		    (json_int_t)g->line, "column", (json_int_t)g->column,
		    "node", g->node, "message", g->message));
	}
	return a;
}
