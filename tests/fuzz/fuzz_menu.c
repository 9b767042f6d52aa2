/*
 * fuzz_menu.c - libFuzzer target for the menu loader and checker: any
 * bytes as a menu file must give a tree or findings, never a crash, a
 * leak or a tree despite errors.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "helpline/menu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hl_menu_check_opts opts = {
		.sms = { HL_CHANNEL_SMS, 1, 160 },
		.ussd = { HL_CHANNEL_USSD, 1, 160 },
		.region = "NL",
		.today = "2026-11-23",
	};
	struct hl_diags diags = { 0 };
	struct hl_menu *tree;

	if (size > 256 * 1024)
		return 0;
	tree = hl_menu_load_buffer("fuzz.yaml", (const char *)data, size,
	    &opts, &diags);
	if (tree != NULL && diags.n_errors != 0)
		abort();
	if (tree == NULL && diags.n_errors == 0)
		abort();
	hl_menu_free(tree);
	hl_diags_clear(&diags);
	return 0;
}
