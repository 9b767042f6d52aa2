/*
 * fuzz_text.c - libFuzzer target for UTF-8 and GSM-7: validation agrees
 * with decoding, counting never fails on valid text, truncation stays on a
 * character boundary, and GSM-7 encode/decode round-trips.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct hl_sms_count count;
	unsigned char septets[2048];
	char back[4 * 2048 + 1];
	size_t n, m, pos = 0;

	if (size > 1024)
		return 0;
	if (!hl_utf8_is_valid(s, size)) {
		if (hl_sms_count(s, size, &count) != -1)
			abort();
		/* Decoding must stop at the bad byte, never read past. */
		while (pos < size && hl_utf8_next(s, size, &pos) >= 0)
			;
		return 0;
	}
	if (hl_sms_count(s, size, &count) != 0)
		abort();
	for (size_t max = 0; max <= size; max += 1 + max / 3) {
		n = hl_utf8_truncate(s, size, max);
		if (n > max || !hl_utf8_is_valid(s, n))
			abort();
	}
	if (count.coding == HL_SMS_GSM7) {
		if (hl_gsm7_encode(s, size, septets, sizeof septets, &n) != 0 ||
		    n != count.units)
			abort();
		if (hl_gsm7_decode(septets, n, back, sizeof back, &m) != 0 ||
		    m != size || memcmp(back, s, size) != 0)
			abort();
	}
	/* Any septets decode (or are refused) without harm. */
	hl_gsm7_decode(data, size, back, sizeof back, &m);
	return 0;
}
