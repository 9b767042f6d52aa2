/*
 * diag.c - findings of the menu loader and checker.
 *
 * A finding is an error or a warning with the file, line and column it is
 * about, the node id where there is one, and a message saying what is wrong
 * and what is expected.  The list only grows until the caller clears it, so
 * one list can collect the findings of several loads.
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

/* Adds a finding (printf-style message).  Aborts on out-of-memory. */
void
hl_diags_add(struct hl_diags *d, enum hl_diag_severity severity,
    const char *file, struct hl_menu_mark mark, const char *node,
    const char *fmt, ...)
{
	struct hl_diag	*items, *g;
	va_list		 ap;
	char		*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		abort();
	va_end(ap);

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

/* Frees every finding and empties the list. */
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
}

/*
 * Formats one finding as "file:line:column: error: node X: message" (no
 * "node X: " part when the finding is about no node; no line and column
 * when it is about the whole file, line 0: "cannot open").  Returns 0, or
 * -1 if buf was too small (it then holds a truncated, NUL-terminated line).
 */
int
hl_diag_format(const struct hl_diag *g, char *buf, size_t len)
{
	const char	*sev;
	int		 n;

	sev = g->severity == HL_DIAG_ERROR ? "error" : "warning";
	if (g->line == 0)
		n = snprintf(buf, len, "%s: %s: %s", g->file, sev,
		    g->message);
	else if (g->node != NULL)
		n = snprintf(buf, len, "%s:%u:%u: %s: node %s: %s", g->file,
		    g->line, g->column, sev, g->node, g->message);
	else
		n = snprintf(buf, len, "%s:%u:%u: %s: %s", g->file, g->line,
		    g->column, sev, g->message);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return 0;
}

/* Formats one finding in a language (placeholder until the Dutch
 * catalogue lands: English). */
int
hl_diag_format_in(const struct hl_diag *g, const char *lang, char *buf,
    size_t len)
{
	(void)lang;
	return hl_diag_format(g, buf, len);
}
