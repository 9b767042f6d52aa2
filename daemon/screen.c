/*
 * screen.c - turn a menu node into the text a phone shows, split into
 * pages that each fit the channel's budget (see screen.h for the layout).
 *
 * A screen is a list of lines.  Text lines (the prefix and the node's own
 * words) may be split at spaces, or inside a word too long for any page;
 * option lines and the navigation line are kept whole unless one alone
 * cannot fit a page at all, which only a broken budget can cause.  Pages
 * are filled greedily, and each is measured on its own: a page without 'ë'
 * is GSM-7 even when its neighbour is UCS-2.
 */

#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "helpline/menu.h"
#include "helpline/screen.h"
#include "helpline/text.h"

struct screen_line {
	const char *s;
	size_t len;
	bool split_ok;		/* a text line: may break at spaces */
	char *owned;		/* what to free, if the line was built */
};

struct screen {
	struct screen_line *lines;
	size_t n;
	size_t cap;
};

/* A growing NUL-terminated byte string. */
struct buf {
	char *s;
	size_t len;
	size_t cap;
};

/* Appends bytes to a buffer; returns 0 or -1. */
static int
buf_add(struct buf *b, const char *s, size_t len)
{
	char *p;
	size_t cap;

	if (len >= SIZE_MAX - b->len)
		return -1;
	if (b->s == NULL || b->len + len + 1 > b->cap) {
		cap = b->cap != 0 ? b->cap : 64;
		while (cap < b->len + len + 1)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL)
			return -1;
		b->s = p;
		b->cap = cap;
	}
	if (len != 0)
		memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
	return 0;
}

/* Appends a C string to a buffer; returns 0 or -1. */
static int
buf_puts(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/* Adds one line to a screen (taking ownership of owned); returns 0 or -1. */
static int
screen_add(struct screen *sc, const char *s, size_t len, bool split_ok,
    char *owned)
{
	struct screen_line *p;
	size_t cap;

	if (sc->n == sc->cap) {
		cap = sc->cap != 0 ? sc->cap * 2 : 8;
		if ((p = reallocarray(sc->lines, cap, sizeof *p)) == NULL) {
			free(owned);
			return -1;
		}
		sc->lines = p;
		sc->cap = cap;
	}
	sc->lines[sc->n++] = (struct screen_line){ s, len, split_ok, owned };
	return 0;
}

/* Frees a screen's lines. */
static void
screen_free(struct screen *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		free(sc->lines[i].owned);
	free(sc->lines);
	memset(sc, 0, sizeof *sc);
}

/*
 * Adds a text as text lines, one per "\n"-separated line.  Trailing
 * newlines are dropped: a YAML block scalar ends with one, and an empty
 * last line would only cost room.
 */
static int
screen_add_text(struct screen *sc, const char *s)
{
	size_t len = strlen(s);
	const char *nl;

	while (len > 0 && s[len - 1] == '\n')
		len--;
	while (len > 0) {
		nl = memchr(s, '\n', len);
		if (nl == NULL)
			return screen_add(sc, s, len, true, NULL);
		if (screen_add(sc, s, (size_t)(nl - s), true, NULL) != 0)
			return -1;
		len -= (size_t)(nl - s) + 1;
		s = nl + 1;
	}
	return 0;
}

/* Returns true if a global's label is listed on a node. */
static bool
screen_nav_shows(const struct hl_menu *m, const struct hl_menu_node *node,
    enum hl_global g)
{
	const struct hl_menu_global *gl = &m->globals[g];

	if (gl->n_keys == 0 || gl->keys[0] == NULL || gl->keys[0][0] == '\0')
		return false;
	if (g == HL_GLOBAL_HELP && node == gl->target)
		return false;
	switch (gl->show) {
	case HL_SHOW_ALL:
		return true;
	case HL_SHOW_START:
		return node == m->start;
	case HL_SHOW_INNER:
		return node != m->start;
	case HL_SHOW_NEVER:
		break;
	}
	return false;
}

/* Builds the navigation line ("0 Terug 00 Menu"); *out is NULL if empty. */
static int
screen_nav_line(const struct hl_menu *m, const struct hl_menu_node *node,
    int li, char **out)
{
	/* MORE is left out: it is the page marker, not a navigation item. */
	static const enum hl_global order[] = { HL_GLOBAL_BACK, HL_GLOBAL_HOME,
	    HL_GLOBAL_HELP, HL_GLOBAL_FORGET, HL_GLOBAL_LANGUAGE };
	struct buf b = { NULL, 0, 0 };
	const char *label;

	*out = NULL;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		label = hl_menu_text_get(&m->globals[order[i]].label, li);
		if (label[0] == '\0' || !screen_nav_shows(m, node, order[i]))
			continue;
		if ((b.len != 0 && buf_puts(&b, " ") != 0) ||
		    buf_puts(&b, m->globals[order[i]].keys[0]) != 0 ||
		    buf_puts(&b, " ") != 0 || buf_puts(&b, label) != 0) {
			free(b.s);
			return -1;
		}
	}
	*out = b.s;
	return 0;
}

/* Splits a node into the lines of its screen.  A final screen (a USSD
 * node without options, which ends the session) has no navigation line:
 * the caller cannot answer it. */
static int
screen_build(const struct hl_menu *m, const struct hl_menu_node *node,
    int li, const char *prefix, bool final, struct screen *sc)
{
	const struct hl_menu_option *o;
	struct buf b;
	char *nav;

	memset(sc, 0, sizeof *sc);
	if (prefix != NULL && screen_add_text(sc, prefix) != 0)
		goto fail;
	if (screen_add_text(sc, hl_menu_text_get(&node->text, li)) != 0)
		goto fail;
	for (size_t i = 0; i < node->n_options; i++) {
		o = &node->options[i];
		memset(&b, 0, sizeof b);
		if (buf_puts(&b, o->key) != 0 || buf_puts(&b, " ") != 0 ||
		    buf_puts(&b, hl_menu_text_get(&o->label, li)) != 0) {
			free(b.s);
			goto fail;
		}
		if (screen_add(sc, b.s, b.len, false, b.s) != 0)
			goto fail;
	}
	if (final)
		return 0;
	if (screen_nav_line(m, node, li, &nav) != 0)
		goto fail;
	if (nav != NULL && screen_add(sc, nav, strlen(nav), false, nav) != 0)
		goto fail;
	return 0;

fail:
	screen_free(sc);
	return -1;
}

/* Returns true if every line of a screen is valid UTF-8. */
static bool
screen_is_valid(const struct screen *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		if (!hl_utf8_is_valid(sc->lines[i].s, sc->lines[i].len))
			return false;
	return true;
}

/* Joins lines [from, n) with "\n", the first starting at byte skip. */
static int
screen_join(const struct screen *sc, size_t from, size_t skip, struct buf *b)
{
	b->len = 0;
	if (buf_add(b, "", 0) != 0)
		return -1;
	for (size_t i = from; i < sc->n; i++) {
		if (i != from && buf_add(b, "\n", 1) != 0)
			return -1;
		if (i == from && buf_add(b, sc->lines[i].s + skip,
		    sc->lines[i].len - skip) != 0)
			return -1;
		if (i != from && buf_add(b, sc->lines[i].s,
		    sc->lines[i].len) != 0)
			return -1;
	}
	return 0;
}

/* Renders a whole screen without splitting it. */
char *
hl_screen_render_full(const struct hl_menu *m,
    const struct hl_menu_node *node, int li, const char *prefix)
{
	struct screen sc;
	struct buf b = { NULL, 0, 0 };

	if (screen_build(m, node, li, prefix, false, &sc) != 0)
		return NULL;
	if (screen_join(&sc, 0, 0, &b) != 0) {
		free(b.s);
		b.s = NULL;
	}
	screen_free(&sc);
	return b.s;
}

/* The state of splitting one screen into pages. */
struct pager {
	const struct hl_budget *budget;
	const struct screen *sc;
	struct buf marker;	/* "\n99 Meer" */
	struct buf page;	/* the page being filled */
	size_t page_lines;	/* lines (or parts) on it so far */
	struct buf scratch;	/* candidates being measured */
	struct hl_pages *out;
};

/* Builds the "more" marker that ends every page but the last. */
static int
pager_marker(const struct hl_menu *m, int li, struct buf *b)
{
	const struct hl_menu_global *g = &m->globals[HL_GLOBAL_MORE];
	const char *key = NULL, *label;

	if (g->n_keys != 0 && g->keys[0] != NULL && g->keys[0][0] != '\0')
		key = g->keys[0];
	else if (li >= 0 && li < HL_MENU_MAX_LANGS && g->n_words[li] != 0)
		key = g->words[li][0];	/* no key: the word still works */
	label = hl_menu_text_get(&g->label, li);
	if (buf_add(b, "\n", 1) != 0)
		return -1;
	if (key != NULL && buf_puts(b, key) != 0)
		return -1;
	if (key != NULL && label[0] != '\0' && buf_puts(b, " ") != 0)
		return -1;
	return buf_puts(b, label);
}

/* Returns 1 if part, after the page being filled unless alone is set, and
 * with the marker if asked, fits; 0 if not; -1 on out-of-memory. */
static int
pager_measure(struct pager *p, bool alone, const char *part, size_t len,
    bool marker)
{
	struct buf *s = &p->scratch;

	s->len = 0;
	if (buf_add(s, "", 0) != 0)
		return -1;
	if (!alone && buf_add(s, p->page.s, p->page.len) != 0)
		return -1;
	if (!alone && p->page_lines != 0 && buf_add(s, "\n", 1) != 0)
		return -1;
	if (buf_add(s, part, len) != 0)
		return -1;
	if (marker && buf_add(s, p->marker.s, p->marker.len) != 0)
		return -1;
	return hl_text_fits(p->budget, s->s, s->len) ? 1 : 0;
}

/* Returns 1 if the page plus part (plus the marker if asked) fits. */
static int
pager_fits(struct pager *p, const char *part, size_t len, bool marker)
{
	return pager_measure(p, false, part, len, marker);
}

/* Adds part to the page being filled. */
static int
pager_take(struct pager *p, const char *part, size_t len)
{
	if (p->page_lines != 0 && buf_add(&p->page, "\n", 1) != 0)
		return -1;
	if (buf_add(&p->page, part, len) != 0)
		return -1;
	p->page_lines++;
	return 0;
}

/* Emits text as a page of the result. */
static int
pager_emit(struct pager *p, const char *s, size_t len)
{
	struct hl_pages *out = p->out;
	char **v, *page;

	if ((page = strndup(s, len)) == NULL)
		return -1;
	if ((v = reallocarray(out->page, out->n + 1, sizeof *v)) == NULL) {
		free(page);
		return -1;
	}
	out->page = v;
	out->page[out->n++] = page;
	return 0;
}

/* Ends the page being filled with the marker and emits it. */
static int
pager_flush(struct pager *p)
{
	if (buf_add(&p->page, p->marker.s, p->marker.len) != 0)
		return -1;
	if (pager_emit(p, p->page.s, p->page.len) != 0)
		return -1;
	p->page.len = 0;
	p->page.s[0] = '\0';
	p->page_lines = 0;
	return 0;
}

/*
 * Returns how many bytes of s[0..len) go on the current page when the
 * line is broken at a space: the longest run of whole words that fits with
 * the marker.  0 if not even one word fits; -1 on out-of-memory.
 */
static ssize_t
pager_words(struct pager *p, const char *s, size_t len)
{
	size_t best = 0, end;
	int fit;

	for (size_t i = 1; i < len; i++) {
		if (s[i] != ' ' || s[i - 1] == ' ')
			continue;
		end = i;
		if ((fit = pager_fits(p, s, end, true)) < 0)
			return -1;
		if (fit == 0)
			break;	/* longer prefixes only cost more */
		best = end;
	}
	return (ssize_t)best;
}

/*
 * Returns how many bytes of s[0..len) fit an empty page with the marker,
 * cut at a character boundary: the last resort for a word longer than a
 * page.  A longer prefix never costs less, so a binary search works.
 */
static ssize_t
pager_chars(struct pager *p, const char *s, size_t len)
{
	size_t lo = 0, hi = len, mid, cut;
	int fit;

	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		cut = hl_utf8_truncate(s, len, mid);
		if (cut <= lo) {
			/* mid fell inside the character after lo */
			hi = mid - 1;
			continue;
		}
		if ((fit = pager_fits(p, s, cut, true)) < 0)
			return -1;
		if (fit)
			lo = cut;
		else
			hi = cut - 1;
	}
	return (ssize_t)hl_utf8_truncate(s, len, lo);
}

/* Returns 1 if everything from line i (at byte off) fits one last page. */
static int
pager_rest_fits(struct pager *p, size_t i, size_t off)
{
	if (screen_join(p->sc, i, off, &p->scratch) != 0)
		return -1;
	return hl_text_fits(p->budget, p->scratch.s, p->scratch.len) ? 1 : 0;
}

/*
 * Places part of line i from byte *off on the page being filled.  Each
 * call either takes something or flushes a non-empty page, and a call on
 * an empty page always takes at least one character, so paging ends.
 */
static int
pager_step(struct pager *p, size_t *i, size_t *off)
{
	const struct screen_line *l = &p->sc->lines[*i];
	const char *s = l->s + *off;
	size_t len = l->len - *off;
	ssize_t take;
	int fit, alone;

	if (p->page_lines == 0) {
		if ((fit = pager_rest_fits(p, *i, *off)) != 0) {
			if (fit < 0)
				return -1;
			*i = p->sc->n;	/* the last page */
			return pager_emit(p, p->scratch.s, p->scratch.len);
		}
		if (len == 0) {
			(*i)++;		/* no page starts with a blank line */
			*off = 0;
			return 0;
		}
	}
	if ((fit = pager_fits(p, s, len, true)) < 0)
		return -1;
	if (fit) {
		(*i)++;
		*off = 0;
		return pager_take(p, s, len);
	}
	if (p->page_lines != 0) {
		/* Break a line here only if it cannot fit a page of its own. */
		if (!l->split_ok)
			return pager_flush(p);
		if ((alone = pager_measure(p, true, s, len, true)) < 0)
			return -1;
		if (alone == 0 && (alone = pager_rest_fits(p, *i, *off)) < 0)
			return -1;
		if (alone)
			return pager_flush(p);
	}
	/*
	 * The line has to be broken.  An option or navigation line too long
	 * for a page is broken too: a page over budget would not be sent.
	 */
	if ((take = pager_words(p, s, len)) < 0)
		return -1;
	if (take == 0 && p->page_lines != 0)
		return pager_flush(p);
	if (take == 0) {
		if ((take = pager_chars(p, s, len)) < 0)
			return -1;
		if (take == 0) {
			errno = EINVAL;	/* the marker alone fills a page */
			return -1;
		}
	}
	if (pager_take(p, s, (size_t)take) != 0)
		return -1;
	*off += (size_t)take;
	while (*off < l->len && l->s[*off] == ' ')
		(*off)++;
	if (*off == l->len) {
		(*i)++;
		*off = 0;
	}
	return pager_flush(p);
}

/* Renders a node into pages that each fit the budget. */
int
hl_screen_render(const struct hl_menu *m, const struct hl_menu_node *node,
    int li, const char *prefix, const struct hl_budget *budget,
    struct hl_pages *out)
{
	struct screen sc;
	struct pager p;
	size_t i = 0, off = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&p, 0, sizeof p);
	if (screen_build(m, node, li, prefix, budget->channel ==
	    HL_CHANNEL_USSD && node->n_options == 0, &sc) != 0)
		return -1;
	p.budget = budget;
	p.sc = &sc;
	p.out = out;
	if (!screen_is_valid(&sc)) {
		errno = EINVAL;
		goto out;
	}
	if (pager_marker(m, li, &p.marker) != 0 ||
	    buf_add(&p.page, "", 0) != 0)
		goto out;
	while (i < sc.n) {
		if (pager_step(&p, &i, &off) != 0)
			goto out;
	}
	/* An empty screen is still one (empty) page. */
	if (out->n == 0 && pager_emit(&p, "", 0) != 0)
		goto out;
	rc = 0;

out:
	if (rc != 0)
		hl_pages_free(out);
	free(p.marker.s);
	free(p.page.s);
	free(p.scratch.s);
	screen_free(&sc);
	return rc;
}

/* Frees the pages and empties the list. */
void
hl_pages_free(struct hl_pages *pages)
{
	if (pages == NULL)
		return;
	for (size_t i = 0; i < pages->n; i++)
		free(pages->page[i]);
	free(pages->page);
	pages->page = NULL;
	pages->n = 0;
}

/* Renders the USSD resume offer. */
char *
hl_screen_render_resume(const struct hl_menu *m, int li)
{
	const struct hl_menu_messages *ms = &m->messages;
	char *s = NULL;

	if (!hl_menu_can_resume(m))
		return NULL;
	if (asprintf(&s, "%s\n1 %s\n2 %s", hl_menu_text_get(&ms->resume, li),
	    hl_menu_text_get(&ms->resume_continue, li),
	    hl_menu_text_get(&ms->resume_restart, li)) == -1)
		return NULL;
	return s;
}
