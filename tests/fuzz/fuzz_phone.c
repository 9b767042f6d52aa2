/*
 * fuzz_phone.c - libFuzzer target for sender normalisation: any bytes give
 * E.164 or a refusal, and the fast path agrees with libphonenumber.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char raw[80];
	struct hl_phone a, b;
	int ra, rb;

	if (size >= sizeof raw)
		return 0;
	memcpy(raw, data, size);
	raw[size] = '\0';
	ra = hl_phone_normalise(raw, "NL", &a);
	rb = hl_phone_normalise_slow(raw, "NL", &b);
	if (ra != rb || (ra == 0 && strcmp(a.e164, b.e164) != 0))
		abort();
	if (ra == 0 && (a.e164[0] != '+' || strlen(a.e164) > 16))
		abort();
	(void)hl_phone_is_dialable(raw, "NL");
	return 0;
}
