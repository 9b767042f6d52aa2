/*
 * diag.c - findings of the menu loader and checker.
 *
 * A finding is an error or a warning with the file, line and column it is
 * about, the node id where there is one, and a message saying what is wrong
 * and what to change.  Messages are for coordinators, in the list's
 * language: call sites pass English formats and fragments, looked up here
 * in the catalogue (daemon/diag_nl.c).  The list only grows until the
 * caller clears it, so one list can collect the findings of several loads.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/menu.h"

/* Duplicates a string, aborting on out-of-memory. */
static char *
diag_strdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		abort();
	return p;
}

/* Returns true if a language is Dutch (everything else is English). */
static bool
diag_is_nl(const char *lang)
{
	return lang != NULL && strcmp(lang, "nl") == 0;
}

/* Returns true if a format has no words to translate: only conversions,
 * spaces and punctuation ("%s: %s"). */
static bool
diag_is_neutral(const char *fmt)
{
	for (; *fmt != '\0'; fmt++) {
		if (*fmt == '%') {
			/* Skip flags, width, precision and length up to the
			 * conversion letter. */
			fmt++;
			while (*fmt != '\0' && strchr("-+ #0123456789.hlzjt",
			    *fmt) != NULL)
				fmt++;
			if (*fmt == '\0')
				return true;
			continue;
		}
		if ((*fmt >= 'a' && *fmt <= 'z') || (*fmt >= 'A' && *fmt <= 'Z'))
			return false;
	}
	return true;
}

/*
 * Returns the list's version of an English format or fragment: itself in
 * English, else its translation, else itself again, counted as a miss so a
 * test can tell a message that fell back to English.
 */
static const char *
diag_lookup(struct hl_diags *d, const char *english)
{
	const char	*t;

	if (d->lang == NULL || strcmp(d->lang, "en") == 0 ||
	    diag_is_neutral(english))
		return english;
	if ((t = hl_diag_translate(d->lang, english)) != NULL)
		return t;
	d->n_untranslated++;
	d->untranslated = english;
	return english;
}

/* Adds a finding with a va_list.  Aborts on out-of-memory. */
void
hl_diags_vadd(struct hl_diags *d, enum hl_diag_severity severity,
    const char *file, struct hl_menu_mark mark, const char *node,
    const char *fmt, va_list ap)
{
	struct hl_diag	*items, *g;
	char		*msg;

	/* The catalogue's test proves each translation has the English
	 * format's conversions, in order, so ap fits either. */
	if (vasprintf(&msg, diag_lookup(d, fmt), ap) == -1)
		abort();

	/* The list has no capacity field: grow it to the next power of two
	 * whenever n reaches one, so adding stays linear. */
	if (d->n == 0 || (d->n & (d->n - 1)) == 0) {
		items = reallocarray(d->items, d->n == 0 ? 8 : d->n * 2,
		    sizeof(*d->items));
		if (items == NULL)
			abort();
		d->items = items;
	}
	g = &d->items[d->n++];
	g->severity = severity;
	g->file = diag_strdup(file != NULL ? file : "-");
	g->line = mark.line;
	g->column = mark.column;
	g->node = node != NULL ? diag_strdup(node) : NULL;
	g->message = msg;
	if (severity == HL_DIAG_ERROR)
		d->n_errors++;
}

/* Adds a finding (printf-style message).  Aborts on out-of-memory. */
void
hl_diags_add(struct hl_diags *d, enum hl_diag_severity severity,
    const char *file, struct hl_menu_mark mark, const char *node,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	hl_diags_vadd(d, severity, file, mark, node, fmt, ap);
	va_end(ap);
}

/* Returns a fixed fragment of a message in the list's language. */
const char *
hl_diags_tr(struct hl_diags *d, const char *english)
{
	return diag_lookup(d, english);
}

/* Formats a part of a message in the list's language, like snprintf. */
int
hl_diags_snprintf(struct hl_diags *d, char *buf, size_t len,
    const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, diag_lookup(d, fmt), ap);
	va_end(ap);
	return n;
}

/* Frees every finding and empties the list (its language stays). */
void
hl_diags_clear(struct hl_diags *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		free(d->items[i].file);
		free(d->items[i].node);
		free(d->items[i].message);
	}
	free(d->items);
	d->items = NULL;
	d->n = 0;
	d->n_errors = 0;
	d->n_untranslated = 0;
	d->untranslated = NULL;
}

/*
 * Formats one finding as "file:line:column: error: node X: message" (no
 * "node X: " part when the finding is about no node; no line and column
 * when it is about the whole file, line 0: "cannot open"), with the frame
 * words in lang.  Returns 0, or -1 if buf was too small (it then holds a
 * truncated, NUL-terminated line).
 */
int
hl_diag_format_in(const struct hl_diag *g, const char *lang, char *buf,
    size_t len)
{
	bool		 nl = diag_is_nl(lang);
	const char	*sev, *node_word = nl ? "knooppunt" : "node";
	int		 n;

	if (g->severity == HL_DIAG_ERROR)
		sev = nl ? "fout" : "error";
	else
		sev = nl ? "waarschuwing" : "warning";
	if (g->line == 0)
		n = snprintf(buf, len, "%s: %s: %s", g->file, sev,
		    g->message);
	else if (g->node != NULL)
		n = snprintf(buf, len, "%s:%u:%u: %s: %s %s: %s", g->file,
		    g->line, g->column, sev, node_word, g->node, g->message);
	else
		n = snprintf(buf, len, "%s:%u:%u: %s: %s", g->file, g->line,
		    g->column, sev, g->message);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return 0;
}

/* Formats one finding with English frame words. */
int
hl_diag_format(const struct hl_diag *g, char *buf, size_t len)
{
	return hl_diag_format_in(g, "en", buf, len);
}
