/*
 * engine.c - one step of a conversation: (tree, state, input) -> (reply,
 * new state, what to count).
 *
 * Pure: no I/O, no clock, no storage; the core reads and writes the session
 * around it.  The input is untrusted bytes of any length: it is only ever
 * compared, never copied, printed or used as a C string.
 *
 * Pages: the state's page always indexes the node's screen rendered without
 * a prefix, so "more" means the same thing whatever came before.  So the
 * "invalid" message is not rendered into new pages (whose numbering "more"
 * would not follow, and a one-page screen would then send the caller round
 * in circles); it is put before the current page.  When both do not fit
 * the budget together, the page's first lines make way: what stays is its
 * end, the options and navigation, which is what a caller who typed
 * something wrong needs to see.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/engine.h"
#include "helpline/menu.h"
#include "helpline/screen.h"
#include "helpline/text.h"

/* What an input resolved to. */
enum engine_move {
	MOVE_INVALID,
	MOVE_GLOBAL,		/* a global (back, home, help, more, forget) */
	MOVE_LANGUAGE,		/* switch to language `li` */
	MOVE_NODE,		/* go to `node` (option or keyword) */
	MOVE_NEXT_LANGUAGE,	/* option with action: language */
};

struct engine_match {
	enum engine_move move;
	enum hl_global global;
	int li;
	const struct hl_menu_node *node;
};

/* Where the conversation is, while a step is worked out. */
struct engine_pos {
	const struct hl_menu_node *node;
	int li;
	unsigned page;
};

/* Returns true for the ASCII white space that is trimmed from input. */
static bool
engine_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* Folds an ASCII letter to lower case; other bytes are left alone, so a
 * multi-byte UTF-8 sequence only ever matches itself. */
static unsigned char
engine_fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Returns true if input s[0..len) is exactly the string word. */
static bool
engine_is_exact(const char *s, size_t len, const char *word)
{
	return word != NULL && strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Returns true if input s[0..len) is word, ignoring ASCII case. */
static bool
engine_is_word(const char *s, size_t len, const char *word)
{
	if (word == NULL || strlen(word) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (engine_fold((unsigned char)s[i]) !=
		    engine_fold((unsigned char)word[i]))
			return false;
	}
	return true;
}

/* Looks input up among the global keys. */
static bool
engine_match_key(const struct hl_menu *m, const char *s, size_t len,
    struct engine_match *out)
{
	const struct hl_menu_global *g;

	for (int i = 0; i < HL_GLOBAL__MAX; i++) {
		/* A language is chosen by words only: a key names none. */
		if (i == HL_GLOBAL_LANGUAGE)
			continue;
		g = &m->globals[i];
		for (size_t k = 0; k < g->n_keys; k++) {
			if (engine_is_exact(s, len, g->keys[k])) {
				out->move = MOVE_GLOBAL;
				out->global = (enum hl_global)i;
				return true;
			}
		}
	}
	return false;
}

/* Looks input up among the options of a node. */
static bool
engine_match_option(const struct hl_menu_node *node, const char *s,
    size_t len, struct engine_match *out)
{
	const struct hl_menu_option *o;

	for (size_t i = 0; i < node->n_options; i++) {
		o = &node->options[i];
		if (!engine_is_exact(s, len, o->key))
			continue;
		if (o->action == HL_ACTION_LANGUAGE) {
			out->move = MOVE_NEXT_LANGUAGE;
			return true;
		}
		if (o->target == NULL)
			return false;
		out->move = MOVE_NODE;
		out->node = o->target;
		return true;
	}
	return false;
}

/* Looks input up among the global words of every language. */
static bool
engine_match_word(const struct hl_menu *m, const char *s, size_t len,
    struct engine_match *out)
{
	const struct hl_menu_global *g;

	for (int i = 0; i < HL_GLOBAL__MAX; i++) {
		g = &m->globals[i];
		for (size_t li = 0; li < m->n_languages; li++) {
			for (size_t k = 0; k < g->n_words[li]; k++) {
				if (!engine_is_word(s, len, g->words[li][k]))
					continue;
				out->move = i == HL_GLOBAL_LANGUAGE ?
				    MOVE_LANGUAGE : MOVE_GLOBAL;
				out->global = (enum hl_global)i;
				out->li = (int)li;
				return true;
			}
		}
	}
	return false;
}

/* Looks input up among the keywords of one language. */
static bool
engine_match_keyword_in(const struct hl_menu *m, int li, const char *s,
    size_t len, struct engine_match *out)
{
	const struct hl_menu_keyword *kw;

	for (size_t k = 0; k < m->n_keywords[li]; k++) {
		kw = &m->keywords[li][k];
		if (kw->target != NULL && engine_is_word(s, len, kw->word)) {
			out->move = MOVE_NODE;
			out->node = kw->target;
			out->li = li;
			return true;
		}
	}
	return false;
}

/* Looks input up among the keywords: the current language's first. */
static bool
engine_match_keyword(const struct hl_menu *m, int cur, const char *s,
    size_t len, struct engine_match *out)
{
	if (engine_match_keyword_in(m, cur, s, len, out))
		return true;
	for (size_t li = 0; li < m->n_languages; li++) {
		if ((int)li != cur &&
		    engine_match_keyword_in(m, (int)li, s, len, out))
			return true;
	}
	return false;
}

/* Resolves an input on a node, in the order engine.h documents. */
static void
engine_match(const struct hl_menu *m, const struct engine_pos *pos,
    const char *s, size_t len, struct engine_match *out)
{
	memset(out, 0, sizeof *out);
	out->move = MOVE_INVALID;
	if (!hl_utf8_is_valid(s, len) || len == 0)
		return;
	if (engine_match_key(m, s, len, out))
		return;
	if (engine_match_option(pos->node, s, len, out))
		return;
	if (engine_match_word(m, s, len, out))
		return;
	if (engine_match_keyword(m, pos->li, s, len, out))
		return;
	out->move = MOVE_INVALID;
}

/* Returns how many pages a node's screen has, or 0 on error. */
static size_t
engine_page_count(const struct hl_menu *m, const struct hl_budget *budget,
    const struct engine_pos *pos)
{
	struct hl_pages pages;
	size_t n;

	if (hl_screen_render(m, pos->node, pos->li, NULL, budget, &pages) != 0)
		return 0;
	n = pages.n;
	hl_pages_free(&pages);
	return n;
}

/*
 * Applies a global to the position.  Returns 1 if it moved, 0 if the
 * global does not apply here (then the input counts as invalid), -1 on
 * error.  FORGET is handled by the caller.
 */
static int
engine_global(const struct hl_menu *m, const struct hl_budget *budget,
    enum hl_global g, struct engine_pos *pos)
{
	size_t n;

	switch (g) {
	case HL_GLOBAL_BACK:
		if (pos->node != m->start && pos->node->parent != NULL)
			pos->node = pos->node->parent;
		else
			pos->node = m->start;
		break;
	case HL_GLOBAL_HOME:
		pos->node = m->start;
		break;
	case HL_GLOBAL_HELP:
		if (m->globals[HL_GLOBAL_HELP].target == NULL)
			return 0;
		pos->node = m->globals[HL_GLOBAL_HELP].target;
		break;
	case HL_GLOBAL_MORE:
		if ((n = engine_page_count(m, budget, pos)) == 0)
			return -1;
		if (pos->page + 1 >= n)
			return 0;
		pos->page++;
		return 1;
	case HL_GLOBAL_FORGET:
	case HL_GLOBAL_LANGUAGE:
	case HL_GLOBAL__MAX:
		return 0;
	}
	pos->page = 0;
	return 1;
}

/* Fills the state of a result from a position. */
static void
engine_set_state(const struct hl_menu *m, const struct engine_pos *pos,
    struct hl_engine_state *st)
{
	memset(st, 0, sizeof *st);
	snprintf(st->node, sizeof st->node, "%s", pos->node->id);
	snprintf(st->lang, sizeof st->lang, "%s", m->languages[pos->li]);
	st->page = pos->page;
}

/*
 * Returns the invalid message followed by as much of the end of a page as
 * fits the budget with it (see the comment at the top), malloc'd; NULL if
 * not even the message fits (then the page goes alone) or on
 * out-of-memory (*oom set).
 */
static char *
engine_prefixed(const struct hl_budget *budget, const char *prefix,
    const char *page, bool *oom)
{
	size_t plen = strlen(prefix), len;
	const char *rest = page, *nl;
	char *s;

	*oom = false;
	if ((s = malloc(plen + 1 + strlen(page) + 1)) == NULL) {
		*oom = true;
		return NULL;
	}
	memcpy(s, prefix, plen);
	for (;;) {
		len = strlen(rest);
		if (len != 0) {
			s[plen] = '\n';
			memcpy(s + plen + 1, rest, len + 1);
			len += plen + 1;
		} else {
			s[plen] = '\0';
			len = plen;
		}
		if (hl_text_fits(budget, s, len))
			return s;
		if (*rest == '\0')
			break;
		nl = strchr(rest, '\n');
		rest = nl != NULL ? nl + 1 : "";
	}
	free(s);
	return NULL;
}

/*
 * Renders the reply for a position: its current page, after the prefix
 * if there is one.  Clamps a page that no longer exists (a shorter screen
 * in a newer tree).
 */
static int
engine_reply(const struct hl_menu *m, const struct hl_budget *budget,
    struct engine_pos *pos, const char *prefix, struct hl_engine_result *out)
{
	struct hl_pages pages;
	const char *page;
	char *s = NULL;
	bool oom;

	if (hl_screen_render(m, pos->node, pos->li, NULL, budget, &pages) != 0)
		return -1;
	if (pos->page >= pages.n)
		pos->page = (unsigned)(pages.n - 1);
	page = pages.page[pos->page];
	if (prefix != NULL && prefix[0] != '\0') {
		s = engine_prefixed(budget, prefix, page, &oom);
		if (oom)
			goto fail;
	}
	if (s == NULL && (s = strdup(page)) == NULL)
		goto fail;
	out->reply = s;
	/* A USSD leaf is final once its last page is shown. */
	if (budget->channel == HL_CHANNEL_USSD && pos->node->n_options == 0 &&
	    pos->page + 1 == pages.n)
		out->end = true;
	hl_pages_free(&pages);
	return 0;

fail:
	hl_pages_free(&pages);
	return -1;
}

/* Answers forget-me: the session is deleted, nothing else is shown. */
static int
engine_forget(const struct hl_menu *m, const struct engine_pos *pos,
    struct hl_engine_result *out)
{
	const char *msg = hl_menu_text_get(&m->messages.forgotten, pos->li);

	if ((out->reply = strdup(msg)) == NULL)
		return -1;
	out->forget = true;
	out->end = true;
	out->counted = HL_COUNT_FORGET;
	out->counted_node = pos->node;
	engine_set_state(m, pos, &out->state);
	return 0;
}

/* Shows a position as a normal move (counted as a view). */
static int
engine_show(const struct hl_menu *m, const struct hl_budget *budget,
    struct engine_pos *pos, struct hl_engine_result *out)
{
	if (engine_reply(m, budget, pos, NULL, out) != 0)
		return -1;
	out->counted = HL_COUNT_VIEW;
	out->counted_node = pos->node;
	engine_set_state(m, pos, &out->state);
	return 0;
}

/* Shows the same screen again after input that means nothing here. */
static int
engine_invalid(const struct hl_menu *m, const struct hl_budget *budget,
    struct engine_pos *pos, struct hl_engine_result *out)
{
	const char *msg = hl_menu_text_get(&m->messages.invalid, pos->li);

	if (engine_reply(m, budget, pos, msg, out) != 0)
		return -1;
	out->counted = HL_COUNT_INVALID;
	out->counted_node = pos->node;
	engine_set_state(m, pos, &out->state);
	return 0;
}

/*
 * Finds the position a stored state names.  Returns false if its node or
 * language is not in this tree (a publish removed it): then the caller
 * starts afresh, as for a new session.
 */
static bool
engine_resume(const struct hl_menu *m, const struct hl_engine_state *st,
    struct engine_pos *pos)
{
	char node[HL_ID_MAX], lang[HL_LANG_MAX];

	/* The state came from storage: do not trust it to be terminated. */
	memcpy(node, st->node, sizeof node);
	node[sizeof node - 1] = '\0';
	memcpy(lang, st->lang, sizeof lang);
	lang[sizeof lang - 1] = '\0';
	if ((pos->node = hl_menu_node_find(m, node)) == NULL)
		return false;
	if ((pos->li = hl_menu_lang_index(m, lang)) < 0)
		return false;
	pos->page = st->page;
	return true;
}

/*
 * Starts a conversation.  The first message is usually anything at all
 * ("hi", a USSD dial); it is honoured only if it is a keyword, a language
 * word or forget-me.  Forget-me starts nothing: someone whose first word is
 * STOP should not get a session stored for them.  A keyword of another
 * language than the default also switches to that language: the word the
 * caller chose is the best hint of what they read.
 */
static int
engine_start(const struct hl_menu *m, const struct hl_budget *budget,
    const char *lang_hint, const char *s, size_t len,
    struct hl_engine_result *out)
{
	struct engine_pos pos = { m->start, 0, 0 };
	struct engine_match mt;
	int li;

	if (lang_hint != NULL && (li = hl_menu_lang_index(m, lang_hint)) >= 0)
		pos.li = li;
	memset(&mt, 0, sizeof mt);
	if (len != 0 && hl_utf8_is_valid(s, len) &&
	    (engine_match_word(m, s, len, &mt) ||
	    engine_match_keyword(m, pos.li, s, len, &mt))) {
		if (mt.move == MOVE_GLOBAL && mt.global == HL_GLOBAL_FORGET)
			return engine_forget(m, &pos, out);
		/* SMS users often open with HELP: show the help screen. */
		if (mt.move == MOVE_GLOBAL && mt.global == HL_GLOBAL_HELP &&
		    m->globals[HL_GLOBAL_HELP].target != NULL)
			pos.node = m->globals[HL_GLOBAL_HELP].target;
		if (mt.move == MOVE_LANGUAGE) {
			pos.li = mt.li;
		} else if (mt.move == MOVE_NODE) {
			pos.node = mt.node;
			pos.li = mt.li;
		}
	}
	out->started = true;
	return engine_show(m, budget, &pos, out);
}

/* Offers a dropped USSD caller to resume. */
int
hl_engine_offer_resume(const struct hl_menu *m,
    const struct hl_engine_state *state, struct hl_engine_result *out)
{
	struct engine_pos pos;

	memset(out, 0, sizeof *out);
	if (!hl_menu_can_resume(m) || !engine_resume(m, state, &pos))
		return 1;
	if ((out->reply = hl_screen_render_resume(m, pos.li)) == NULL)
		return -1;
	out->counted = HL_COUNT_VIEW;
	out->counted_node = NULL;	/* the offer is no screen of the tree */
	engine_set_state(m, &pos, &out->state);
	out->state.resume_offered = true;
	return 0;
}

/* Takes the answer to the resume offer. */
static int
engine_resume_answer(const struct hl_menu *m, const struct hl_budget *budget,
    struct engine_pos *pos, const char *s, size_t len,
    const struct hl_engine_state *state, struct hl_engine_result *out)
{
	struct engine_match mt;
	int rc;

	memset(&mt, 0, sizeof mt);
	if (engine_is_exact(s, len, "1"))
		return engine_show(m, budget, pos, out);
	if (hl_utf8_is_valid(s, len) && len > 0 &&
	    (engine_match_key(m, s, len, &mt) ||
	    engine_match_word(m, s, len, &mt)) && mt.move == MOVE_GLOBAL &&
	    mt.global == HL_GLOBAL_FORGET)
		return engine_forget(m, pos, out);
	if (engine_is_exact(s, len, "2") || (mt.move == MOVE_GLOBAL &&
	    mt.global == HL_GLOBAL_HOME)) {
		pos->node = m->start;
		pos->page = 0;
		return engine_show(m, budget, pos, out);
	}
	if ((rc = hl_engine_offer_resume(m, state, out)) != 0)
		return rc == 1 ? engine_show(m, budget, pos, out) : -1;
	out->counted = HL_COUNT_INVALID;
	out->counted_node = pos->node;
	return 0;
}

/* Takes one input and works out the reply and the new state. */
int
hl_engine_step(const struct hl_menu *m, const struct hl_budget *budget,
    const struct hl_engine_state *state, const char *lang_hint,
    const char *input, size_t len, struct hl_engine_result *out)
{
	struct engine_pos pos;
	struct engine_match mt;
	int moved;

	memset(out, 0, sizeof *out);
	if (input == NULL)
		len = 0;
	while (len > 0 && engine_is_space(input[0])) {
		input++;
		len--;
	}
	while (len > 0 && engine_is_space(input[len - 1]))
		len--;

	if (state == NULL || !engine_resume(m, state, &pos))
		return engine_start(m, budget, lang_hint, input, len, out);
	if (state->resume_offered)
		return engine_resume_answer(m, budget, &pos, input, len, state,
		    out);

	engine_match(m, &pos, input, len, &mt);
	switch (mt.move) {
	case MOVE_INVALID:
		break;
	case MOVE_GLOBAL:
		if (mt.global == HL_GLOBAL_FORGET)
			return engine_forget(m, &pos, out);
		if ((moved = engine_global(m, budget, mt.global, &pos)) < 0)
			return -1;
		if (moved)
			return engine_show(m, budget, &pos, out);
		break;
	case MOVE_LANGUAGE:
		pos.li = mt.li;
		pos.page = 0;
		return engine_show(m, budget, &pos, out);
	case MOVE_NEXT_LANGUAGE:
		pos.li = (pos.li + 1) % (int)m->n_languages;
		pos.page = 0;
		return engine_show(m, budget, &pos, out);
	case MOVE_NODE:
		pos.node = mt.node;
		pos.page = 0;
		return engine_show(m, budget, &pos, out);
	}
	return engine_invalid(m, budget, &pos, out);
}

/* Frees what a result owns. */
void
hl_engine_result_clear(struct hl_engine_result *r)
{
	if (r == NULL)
		return;
	free(r->reply);
	r->reply = NULL;
}
