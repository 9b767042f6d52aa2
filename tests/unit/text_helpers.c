/*
 * text_helpers.c - small helpers the text and screen tests share.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text_helpers.h"

/* Returns a malloc'd string of n copies of unit. */
char *
repeat(const char *unit, size_t n)
{
	size_t ulen = strlen(unit);
	char *s = malloc(ulen * n + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * ulen, unit, ulen);
	s[ulen * n] = '\0';
	return s;
}

/* Counts s as one SMS would carry it, asserting it is valid UTF-8. */
struct hl_sms_count
count(const char *s)
{
	struct hl_sms_count c;

	assert_int_equal(hl_sms_count(s, strlen(s), &c), 0);
	return c;
}
