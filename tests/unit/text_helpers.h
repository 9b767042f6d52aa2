/*
 * text_helpers.h - small helpers the text and screen tests share.
 */
#ifndef HELPLINE_TEXT_HELPERS_H
#define HELPLINE_TEXT_HELPERS_H

#include <stddef.h>

#include "helpline/text.h"

/* Returns a malloc'd string of n copies of unit (caller frees). */
char *repeat(const char *unit, size_t n);

/* Counts s as one SMS would carry it, asserting it is valid UTF-8. */
struct hl_sms_count count(const char *s);

#endif
