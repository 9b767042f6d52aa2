/*
 * fuzz_engine.c - libFuzzer target for the engine: the shipped menu, a
 * state picked by the first bytes (node, language, page, channel), and the
 * rest as what a caller types.  Every reply must be valid UTF-8 and fit
 * the channel's budget.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/engine.h"
#include "helpline/menu.h"
#include "../../daemon/menu_default.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loads the built-in menu once. */
static const struct hl_menu *
fuzz_tree(void)
{
	static struct hl_menu *tree;
	struct hl_diags diags = { 0 };

	if (tree == NULL) {
		tree = hl_menu_load_buffer("default.yaml", hl_menu_default_yaml,
		    hl_menu_default_yaml_len, NULL, &diags);
		hl_diags_clear(&diags);
		if (tree == NULL)
			abort();
	}
	return tree;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hl_budget budgets[] = {
		{ HL_CHANNEL_SMS, 1, 160 }, { HL_CHANNEL_SMS, 3, 160 },
		{ HL_CHANNEL_USSD, 1, 160 }, { HL_CHANNEL_USSD, 1, 40 },
	};
	const struct hl_menu *m = fuzz_tree();
	struct hl_engine_state state = { 0 };
	struct hl_engine_result r;
	const struct hl_budget *budget;

	if (size < 4 || size > 4096)
		return 0;
	budget = &budgets[data[0] % 4];
	snprintf(state.node, sizeof state.node, "%s",
	    m->nodes[data[1] % m->n_nodes].id);
	snprintf(state.lang, sizeof state.lang, "%s",
	    m->languages[data[2] % m->n_languages]);
	state.page = data[3] % 4;
	if (hl_engine_step(m, budget, data[0] & 0x80 ? NULL : &state, NULL,
	    (const char *)data + 4, size - 4, &r) != 0)
		abort();
	/* A forget-me confirmation is never split (it ends the session);
	 * the menu checker refuses one that does not fit. */
	if (!hl_utf8_is_valid(r.reply, strlen(r.reply)) ||
	    (!r.forget && !hl_text_fits(budget, r.reply, strlen(r.reply))))
		abort();
	hl_engine_result_clear(&r);
	return 0;
}
