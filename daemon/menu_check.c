/*
 * menu_check.c - the semantic checks of a parsed menu tree.
 *
 * menus/FORMAT.md, "Checks", lists them.  The loader reports what it can
 * see in the YAML (shapes, unknown names, forms); this file reports what
 * needs the whole tree: keys and words that clash, nodes nothing leads to,
 * words SMS gateways reserve, contacts to verify again, and screens over a
 * channel's budget.  It is written to cope with a tree the loader found
 * errors in (fields may be NULL), so one run reports as much as it can.
 * Messages are English formats that hl_diags_add translates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "helpline/menu.h"
#include "helpline/phone.h"
#include "helpline/screen.h"
#include "helpline/text.h"

#define CHECK_MAX_AGE_DAYS	365
/* An SMPP USSD reply is one submit_sm of at most 254 octets: in UCS-2 that
 * is 127 UTF-16 units (gateway-adapters/smpp.c cuts a longer screen). */
#define CHECK_USSD_UCS2_UNITS	127


/* What an SMS gateway does with a word it reserves. */
enum check_reserved {
	CHECK_FREE,
	CHECK_OPT_OUT,
	CHECK_OPT_IN,
	CHECK_HELP,
};

/* Twilio's reserved words (its other gateways reserve a subset). */
static const struct {
	const char		*word;
	enum check_reserved	 kind;
} check_reserved_words[] = {
	{ "stop", CHECK_OPT_OUT },
	{ "stopall", CHECK_OPT_OUT },
	{ "unsubscribe", CHECK_OPT_OUT },
	{ "cancel", CHECK_OPT_OUT },
	{ "end", CHECK_OPT_OUT },
	{ "quit", CHECK_OPT_OUT },
	{ "start", CHECK_OPT_IN },
	{ "yes", CHECK_OPT_IN },
	{ "unstop", CHECK_OPT_IN },
	{ "help", CHECK_HELP },
	{ "info", CHECK_HELP },
};

/* Returns what a gateway does with a word (case-insensitive). */
static enum check_reserved
check_reserved_kind(const char *w)
{
	size_t	i;

	for (i = 0; i < sizeof(check_reserved_words) /
	    sizeof(check_reserved_words[0]); i++)
		if (strcasecmp(w, check_reserved_words[i].word) == 0)
			return check_reserved_words[i].kind;
	return CHECK_FREE;
}

/* Names what a gateway does with a reserved word, in d's language. */
static const char *
check_reserved_name(struct hl_diags *d, enum check_reserved kind)
{
	switch (kind) {
	case CHECK_OPT_OUT:
		return hl_diags_tr(d, "opt-out: the gateway stops all replies "
		    "to that phone");
	case CHECK_OPT_IN:
		return hl_diags_tr(d, "opt-in: the gateway may answer it "
		    "itself");
	case CHECK_HELP:
		return hl_diags_tr(d, "help: the gateway may answer it "
		    "itself");
	default:
		return "";
	}
}

/*
 * Returns true if a gateway's meaning of a word of global g matches the
 * global's own: an opt-out word for forget-me, a help word for help.
 */
static bool
check_reserved_fits(enum hl_global g, enum check_reserved kind)
{
	return (g == HL_GLOBAL_FORGET && kind == CHECK_OPT_OUT) ||
	    (g == HL_GLOBAL_HELP && kind == CHECK_HELP);
}

/* Reports option keys that repeat within a node. */
static void
check_option_keys(const struct hl_menu *m, struct hl_diags *d)
{
	const struct hl_menu_node	*nd;
	size_t				 i, j, k;

	for (i = 0; i < m->n_nodes; i++) {
		nd = &m->nodes[i];
		for (j = 0; j < nd->n_options; j++) {
			if (nd->options[j].key == NULL)
				continue;
			for (k = 0; k < j; k++)
				if (nd->options[k].key != NULL &&
				    strcmp(nd->options[k].key,
				    nd->options[j].key) == 0)
					break;
			if (k < j)
				hl_diags_add(d, HL_DIAG_ERROR, m->file,
				    nd->options[j].key_mark, nd->id, "option "
				    "%zu: key '%s' is used twice in this node "
				    "(also by option %zu): give each option its "
				    "own key", j + 1, nd->options[j].key,
				    k + 1);
		}
	}
}

/* Returns true if a global before g, or g before its key number `before`,
 * has key; sets *owner to that global. */
static bool
check_global_key_seen(const struct hl_menu *m, int g, size_t before,
    const char *key, int *owner)
{
	int	h;
	size_t	j, n;

	for (h = 0; h <= g; h++) {
		n = h == g ? before : m->globals[h].n_keys;
		for (j = 0; j < n; j++)
			if (strcmp(m->globals[h].keys[j], key) == 0) {
				*owner = h;
				return true;
			}
	}
	return false;
}

/* Reports global keys used twice, and global keys that are option keys. */
static void
check_global_keys(const struct hl_menu *m, struct hl_diags *d)
{
	const struct hl_menu_global	*gl;
	const struct hl_menu_node	*nd;
	size_t				 i, j, k;
	int				 g, owner;

	for (g = 0; g < HL_GLOBAL__MAX; g++) {
		gl = &m->globals[g];
		for (j = 0; j < gl->n_keys; j++)
			if (!check_global_key_seen(m, g, j, gl->keys[j],
			    &owner))
				continue;
			else if (owner == g)
				hl_diags_add(d, HL_DIAG_ERROR, m->file,
				    gl->mark, NULL, "globals: %s: key '%s' is "
				    "listed twice: remove one",
				    hl_global_name(g), gl->keys[j]);
			else
				hl_diags_add(d, HL_DIAG_ERROR, m->file,
				    gl->mark, NULL, "globals: %s: key '%s' is "
				    "also the key of %s: a key can do only one "
				    "thing, so choose another",
				    hl_global_name(g), gl->keys[j],
				    hl_global_name(owner));
	}
	for (i = 0; i < m->n_nodes; i++) {
		nd = &m->nodes[i];
		for (k = 0; k < nd->n_options; k++) {
			if (nd->options[k].key == NULL)
				continue;
			for (g = 0; g < HL_GLOBAL__MAX; g++)
				for (j = 0; j < m->globals[g].n_keys; j++)
					if (strcmp(nd->options[k].key,
					    m->globals[g].keys[j]) == 0)
						hl_diags_add(d, HL_DIAG_ERROR,
						    m->file,
						    nd->options[k].key_mark,
						    nd->id, "option %zu: key "
						    "'%s' is also the key of "
						    "%s in globals, which works "
						    "on every screen: choose "
						    "another key", k + 1,
						    nd->options[k].key,
						    hl_global_name(g));
		}
	}
}

/*
 * Returns true if global words clash: the same word in the same language,
 * or anywhere when one of them is a language word (those work whatever
 * language the caller has).  A global may list one word for several
 * languages ("MENU" in nl and en).
 */
static bool
check_words_clash(int g1, size_t l1, int g2, size_t l2)
{
	if (g1 == g2)
		return l1 == l2;
	return l1 == l2 || g1 == HL_GLOBAL_LANGUAGE ||
	    g2 == HL_GLOBAL_LANGUAGE;
}

/* Reports a global word clashing with an earlier global word. */
static void
check_global_word(const struct hl_menu *m, int g, size_t li, size_t j,
    struct hl_diags *d)
{
	const char	*w = m->globals[g].words[li][j];
	size_t		 l2, k, n;
	int		 h;

	for (h = 0; h <= g; h++)
		for (l2 = 0; l2 < m->n_languages; l2++) {
			if (!check_words_clash(h, l2, g, li))
				continue;
			/* Only words listed before this one. */
			n = m->globals[h].n_words[l2];
			if (h == g && l2 == li)
				n = j;
			else if (h == g && l2 > li)
				n = 0;
			for (k = 0; k < n; k++)
				if (strcasecmp(m->globals[h].words[l2][k],
				    w) == 0) {
					hl_diags_add(d, HL_DIAG_ERROR,
					    m->file, m->globals[g].mark, NULL,
					    "globals: %s: word '%s' (%s) is "
					    "also a word of %s (%s): a word can "
					    "do only one thing, so remove one",
					    hl_global_name(g), w,
					    m->languages[li],
					    hl_global_name(h),
					    m->languages[l2]);
					return;
				}
		}
}

/* Reports a keyword that repeats or is also a global word. */
static void
check_keyword(const struct hl_menu *m, size_t li, size_t j,
    struct hl_diags *d)
{
	const struct hl_menu_keyword	*kw = &m->keywords[li][j];
	size_t				 k, l2;
	int				 g;

	for (k = 0; k < j; k++)
		if (strcasecmp(m->keywords[li][k].word, kw->word) == 0) {
			hl_diags_add(d, HL_DIAG_ERROR, m->file, kw->mark, NULL,
			    "keywords: %s: keyword '%s' is listed twice "
			    "(capitals do not count): remove one",
			    m->languages[li], kw->word);
			return;
		}
	for (g = 0; g < HL_GLOBAL__MAX; g++)
		for (l2 = 0; l2 < m->n_languages; l2++) {
			if (l2 != li && g != HL_GLOBAL_LANGUAGE)
				continue;
			for (k = 0; k < m->globals[g].n_words[l2]; k++)
				if (strcasecmp(m->globals[g].words[l2][k],
				    kw->word) == 0) {
					hl_diags_add(d, HL_DIAG_ERROR,
					    m->file, kw->mark, NULL,
					    "keywords: %s: keyword '%s' is "
					    "also a word of %s (%s) in "
					    "globals, which works on every "
					    "screen: choose another keyword",
					    m->languages[li], kw->word,
					    hl_global_name(g),
					    m->languages[l2]);
					return;
				}
		}
}

/* Reports clashes between global words and keywords. */
static void
check_words(const struct hl_menu *m, struct hl_diags *d)
{
	size_t	li, j;
	int	g;

	for (g = 0; g < HL_GLOBAL__MAX; g++)
		for (li = 0; li < m->n_languages; li++)
			for (j = 0; j < m->globals[g].n_words[li]; j++)
				check_global_word(m, g, li, j, d);
	for (li = 0; li < m->n_languages; li++)
		for (j = 0; j < m->n_keywords[li]; j++)
			check_keyword(m, li, j, d);
}

/* Returns true if a node is a way into the tree besides an option. */
static bool
check_is_root(const struct hl_menu *m, const struct hl_menu_node *nd)
{
	size_t	li, j;

	if (nd == m->start || nd == m->globals[HL_GLOBAL_HELP].target)
		return true;
	for (li = 0; li < m->n_languages; li++)
		for (j = 0; j < m->n_keywords[li]; j++)
			if (m->keywords[li][j].target == nd)
				return true;
	return false;
}

/*
 * Warns about nodes no walk reaches.  The loader's breadth-first walk set
 * a parent on every node an option leads to from the start node, the help
 * node or a keyword's node, so a node is reachable iff it has a parent or
 * is one of those.
 */
static void
check_reachable(const struct hl_menu *m, struct hl_diags *d)
{
	const struct hl_menu_node	*nd;
	size_t				 i;

	if (m->start == NULL)
		return;
	for (i = 0; i < m->n_nodes; i++) {
		nd = &m->nodes[i];
		if (nd->parent == NULL && !check_is_root(m, nd))
			hl_diags_add(d, HL_DIAG_WARNING, m->file, nd->mark,
			    nd->id, "no caller can reach this node: no "
			    "option, keyword or help leads here from the start "
			    "node '%s'; link it from a node or remove it",
			    m->start->id);
	}
}

/* Warns about a reserved word used where its gateway meaning differs. */
static void
check_reserved_one(const struct hl_menu *m, struct hl_diags *d, int g,
    struct hl_menu_mark mark, const char *node, const char *where,
    const char *w)
{
	enum check_reserved	kind = check_reserved_kind(w);

	if (kind == CHECK_FREE || (g >= 0 &&
	    check_reserved_fits((enum hl_global)g, kind)))
		return;
	hl_diags_add(d, HL_DIAG_WARNING, m->file, mark, node, "%s '%s' is "
	    "a word SMS gateways such as Twilio act on themselves (%s): a "
	    "caller who sends it may never reach the helpline; choose "
	    "another", where, w, check_reserved_name(d, kind));
}

/* Warns about keys and words SMS gateways act on themselves. */
static void
check_reserved(const struct hl_menu *m, struct hl_diags *d)
{
	const struct hl_menu_global	*gl;
	const struct hl_menu_node	*nd;
	char				 where[64];
	size_t				 i, j, li;
	int				 g;

	for (g = 0; g < HL_GLOBAL__MAX; g++) {
		gl = &m->globals[g];
		hl_diags_snprintf(d, where, sizeof(where), "globals: %s: key",
		    hl_global_name(g));
		for (j = 0; j < gl->n_keys; j++)
			check_reserved_one(m, d, g, gl->mark, NULL, where,
			    gl->keys[j]);
		for (li = 0; li < m->n_languages; li++) {
			hl_diags_snprintf(d, where, sizeof(where), "globals: "
			    "%s (%s): word", hl_global_name(g),
			    m->languages[li]);
			for (j = 0; j < gl->n_words[li]; j++)
				check_reserved_one(m, d, g, gl->mark, NULL,
				    where, gl->words[li][j]);
		}
	}
	for (li = 0; li < m->n_languages; li++) {
		hl_diags_snprintf(d, where, sizeof(where), "keywords: %s: "
		    "keyword", m->languages[li]);
		for (j = 0; j < m->n_keywords[li]; j++)
			check_reserved_one(m, d, -1, m->keywords[li][j].mark,
			    NULL, where, m->keywords[li][j].word);
	}
	for (i = 0; i < m->n_nodes; i++) {
		nd = &m->nodes[i];
		for (j = 0; j < nd->n_options; j++) {
			if (nd->options[j].key == NULL)
				continue;
			hl_diags_snprintf(d, where, sizeof(where), "option "
			    "%zu: key", j + 1);
			check_reserved_one(m, d, -1, nd->options[j].key_mark,
			    nd->id, where, nd->options[j].key);
		}
	}
}

/* Converts YYYY-MM-DD to days since 1970-01-01; returns 0 or -1. */
static int
check_days(const char *s, long *days)
{
	int	y, mo, dd, n = 0;
	long	era, yoe, doy, doe;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &dd, &n) != 3 ||
	    n != 10 || mo < 1 || mo > 12 || dd < 1 || dd > 31)
		return -1;
	/* Howard Hinnant's days_from_civil. */
	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = era * 146097 + doe - 719468;
	return 0;
}

/* Warns about contact numbers to fix and checks to redo. */
static void
check_contacts(const struct hl_menu *m, const struct hl_menu_check_opts *o,
    struct hl_diags *d)
{
	const struct hl_menu_contact	*c;
	long				 today, checked;
	bool				 have_today;
	size_t				 i;

	have_today = check_days(o->today, &today) == 0;
	for (i = 0; i < m->n_nodes; i++) {
		if ((c = m->nodes[i].contact) == NULL)
			continue;
		/* The number is an organisation's, but print none anyway. */
		if (c->phone != NULL && o->region != NULL &&
		    !hl_phone_is_dialable(c->phone, o->region))
			hl_diags_add(d, HL_DIAG_WARNING, m->file,
			    c->phone_mark, m->nodes[i].id, "contact: phone: "
			    "this is not a number that can be called in %s "
			    "(libphonenumber knows no such number or short "
			    "number): check it against the source",
			    o->region);
		if (!have_today || check_days(c->checked, &checked) == -1)
			continue;
		if (today - checked > CHECK_MAX_AGE_DAYS)
			hl_diags_add(d, HL_DIAG_WARNING, m->file,
			    c->checked_mark, m->nodes[i].id, "contact: "
			    "checked %s is %ld days before %s, more than a "
			    "year: check the number again and update the "
			    "date", c->checked, today - checked, o->today);
		else if (checked > today)
			hl_diags_add(d, HL_DIAG_WARNING, m->file,
			    c->checked_mark, m->nodes[i].id, "contact: "
			    "checked %s is after today (%s): write the date "
			    "the number was last checked", c->checked,
			    o->today);
	}
}

/* Returns true if every text the renderer needs is there. */
static bool
check_is_complete(const struct hl_menu *m)
{
	const struct hl_menu_node	*nd;
	size_t				 i, j, li;
	int				 g;

	if (m->start == NULL || m->n_languages == 0)
		return false;
	for (li = 0; li < m->n_languages; li++) {
		for (g = 0; g < HL_GLOBAL__MAX; g++)
			if (m->globals[g].show != HL_SHOW_NEVER &&
			    m->globals[g].label.s[li] == NULL)
				return false;
		for (i = 0; i < m->n_nodes; i++) {
			nd = &m->nodes[i];
			if (nd->text.s[li] == NULL)
				return false;
			for (j = 0; j < nd->n_options; j++)
				if (nd->options[j].key == NULL ||
				    nd->options[j].label.s[li] == NULL)
					return false;
		}
	}
	return true;
}

/* Writes a code point for a message: as UTF-8, or "?" for a control
 * character, which would garble the line (buf: 5 bytes). */
static const char *
check_char(uint32_t cp, char buf[5])
{
	size_t	n = 0;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
	    hl_utf8_put(cp, buf, 4, &n) == -1)
		n = (size_t)snprintf(buf, 5, "?");
	buf[n] = '\0';
	return buf;
}

/* Returns true if valid UTF-8 s holds code point cp. */
static bool
check_has_char(const char *s, uint32_t cp)
{
	size_t	len, pos = 0;

	if (s == NULL)
		return false;
	len = strlen(s);
	while (pos < len)
		if (hl_utf8_next(s, len, &pos) == (int32_t)cp)
			return true;
	return false;
}

/*
 * Finds the part of a node's screen in language li that holds code point
 * cp, in screen order: the text, an option's key or label, a listed
 * global's label or key.  Names it into part and returns its mark; the
 * text's if no part holds it (the checker renders nothing else).
 */
static struct hl_menu_mark
check_find_char(const struct hl_menu *m, const struct hl_menu_node *nd,
    size_t li, uint32_t cp, struct hl_diags *d, char *part, size_t len)
{
	const struct hl_menu_option	*o;
	const struct hl_menu_global	*gl;
	size_t				 j;
	int				 g;

	if (check_has_char(nd->text.s[li], cp)) {
		hl_diags_snprintf(d, part, len, "the text");
		return nd->text.at[li];
	}
	for (j = 0; j < nd->n_options; j++) {
		o = &nd->options[j];
		if (check_has_char(o->key, cp)) {
			hl_diags_snprintf(d, part, len, "the key of option "
			    "%zu", j + 1);
			return o->key_mark;
		}
		if (check_has_char(o->label.s[li], cp)) {
			hl_diags_snprintf(d, part, len, "the label of option "
			    "%zu", j + 1);
			return o->label.at[li];
		}
	}
	for (g = 0; g < HL_GLOBAL__MAX; g++) {
		gl = &m->globals[g];
		if (gl->show == HL_SHOW_NEVER)
			continue;
		if (check_has_char(gl->label.s[li], cp)) {
			hl_diags_snprintf(d, part, len, "the label of %s in "
			    "globals", hl_global_name((enum hl_global)g));
			return gl->label.at[li];
		}
		for (j = 0; j < gl->n_keys; j++)
			if (check_has_char(gl->keys[j], cp)) {
				hl_diags_snprintf(d, part, len, "a key of %s "
				    "in globals",
				    hl_global_name((enum hl_global)g));
				return gl->mark;
			}
	}
	hl_diags_snprintf(d, part, len, "the screen");
	return nd->text.at[li];
}

/* Warns if one rendered SMS screen is over the SMS budget. */
static void
check_budget_sms(const struct hl_menu *m, const struct hl_menu_node *nd,
    size_t li, const struct hl_budget *b, const char *s, struct hl_diags *d)
{
	struct hl_sms_count	c;
	struct hl_menu_mark	mark;
	size_t			len = strlen(s);
	char			ch[5], part[96];

	/* Texts come from a file checked to be UTF-8: cannot fail. */
	if (hl_text_fits(b, s, len) || hl_sms_count(s, len, &c) == -1)
		return;
	if (c.coding == HL_SMS_GSM7) {
		hl_diags_add(d, HL_DIAG_WARNING, m->file, nd->text.at[li],
		    nd->id, "on sms the %s screen is %zu characters, over the "
		    "%zu it may use: it will be sent in pages; shorten it to "
		    "keep it whole", m->languages[li], c.units,
		    hl_sms_capacity(c.coding, b->sms_segments));
		return;
	}
	mark = check_find_char(m, nd, li, c.forced_by, d, part, sizeof(part));
	hl_diags_add(d, HL_DIAG_WARNING, m->file, mark, nd->id, "on sms the "
	    "%s screen is %zu characters, over the %zu it may use: '%s' "
	    "(U+%04X) in %s is not in the SMS alphabet (GSM-7), so the whole "
	    "SMS goes as UCS-2, which holds fewer characters: replace that "
	    "character or shorten the screen", m->languages[li], c.units,
	    hl_sms_capacity(c.coding, b->sms_segments),
	    check_char(c.forced_by, ch), (unsigned)c.forced_by, part);
}

/* Warns if one rendered USSD screen is over the USSD budget, or is too
 * long for one UCS-2 USSD string over SMPP. */
static void
check_budget_ussd(const struct hl_menu *m, const struct hl_menu_node *nd,
    size_t li, const struct hl_budget *b, const char *s, struct hl_diags *d)
{
	struct hl_sms_count	c;
	struct hl_menu_mark	mark;
	size_t			len = strlen(s);
	char			ch[5], part[96];

	if (!hl_text_fits(b, s, len))
		hl_diags_add(d, HL_DIAG_WARNING, m->file, nd->text.at[li],
		    nd->id, "on ussd the %s screen is %zu characters, over "
		    "the %u it may use: it will be sent in pages; shorten it "
		    "to keep it whole", m->languages[li],
		    hl_utf8_chars(s, len), b->ussd_chars);
	if (hl_sms_count(s, len, &c) == -1 || c.coding != HL_SMS_UCS2 ||
	    c.units <= CHECK_USSD_UCS2_UNITS)
		return;
	mark = check_find_char(m, nd, li, c.forced_by, d, part, sizeof(part));
	hl_diags_add(d, HL_DIAG_WARNING, m->file, mark, nd->id, "on ussd the "
	    "%s screen is %zu characters, and '%s' (U+%04X) in %s is not in "
	    "GSM-7, so an SMPP gateway sends it as UCS-2, which holds %d: "
	    "the rest is cut off; replace that character or shorten the "
	    "screen", m->languages[li], c.units, check_char(c.forced_by, ch),
	    (unsigned)c.forced_by, part, CHECK_USSD_UCS2_UNITS);
}

/* Renders every node in every language and measures it on both channels. */
static void
check_budgets(const struct hl_menu *m, const struct hl_menu_check_opts *o,
    struct hl_diags *d)
{
	struct hl_budget	 sms = o->sms, ussd = o->ussd;
	size_t			 i, li;
	char			*s;

	sms.channel = HL_CHANNEL_SMS;
	ussd.channel = HL_CHANNEL_USSD;
	for (i = 0; i < m->n_nodes; i++)
		for (li = 0; li < m->n_languages; li++) {
			s = hl_screen_render_full(m, &m->nodes[i], (int)li,
			    NULL);
			if (s == NULL)
				abort();
			check_budget_sms(m, &m->nodes[i], li, &sms, s, d);
			check_budget_ussd(m, &m->nodes[i], li, &ussd, s, d);
			free(s);
		}
}

/* Refuses a USSD resume offer that does not fit one USSD screen. */
static void
check_resume_offer(const struct hl_menu *m,
    const struct hl_menu_check_opts *o, struct hl_diags *d)
{
	struct hl_budget budget = o->ussd;

	budget.channel = HL_CHANNEL_USSD;
	for (size_t li = 0; li < m->n_languages && hl_menu_can_resume(m);
	    li++) {
		char *s;

		/* A missing translation is an error of its own already. */
		if (m->messages.resume.s[li] == NULL)
			continue;
		if ((s = hl_screen_render_resume(m, (int)li)) == NULL)
			abort();
		if (!hl_text_fits(&budget, s, strlen(s)))
			hl_diags_add(d, HL_DIAG_ERROR, m->file,
			    m->messages.resume.at[li], NULL, "messages: "
			    "resume (%s): with its two choices the offer is "
			    "%zu characters, over the %u of one ussd screen: "
			    "shorten it", m->languages[li],
			    hl_utf8_chars(s, strlen(s)), budget.ussd_chars);
		free(s);
	}
}

/*
 * Refuses a forget-me confirmation that does not fit one screen: it ends
 * the session, so it cannot be split into pages.
 */
static void
check_final_messages(const struct hl_menu *m,
    const struct hl_menu_check_opts *o, struct hl_diags *d)
{
	const struct hl_budget *budgets[] = { &o->sms, &o->ussd };

	for (size_t li = 0; li < m->n_languages; li++) {
		const char *s = m->messages.forgotten.s[li];

		/* A missing translation is an error of its own already. */
		if (s == NULL)
			continue;

		for (size_t b = 0; b < 2; b++) {
			struct hl_budget budget = *budgets[b];

			budget.channel = b == 0 ? HL_CHANNEL_SMS :
			    HL_CHANNEL_USSD;
			if (hl_text_fits(&budget, s, strlen(s)))
				continue;
			hl_diags_add(d, HL_DIAG_ERROR, m->file,
			    m->messages.forgotten.at[li], NULL, "messages: "
			    "forgotten (%s) does not fit one %s screen, and "
			    "it cannot be split into pages because the "
			    "session ends with it: shorten it",
			    m->languages[li],
			    hl_channel_name(budget.channel));
		}
	}
	check_resume_offer(m, o, d);
}

/* Runs the semantic checks on a parsed tree (the loaders call it). */
void
hl_menu_check(const struct hl_menu *m, const struct hl_menu_check_opts *opts,
    struct hl_diags *d)
{
	check_option_keys(m, d);
	check_global_keys(m, d);
	check_words(m, d);
	check_reachable(m, d);
	check_reserved(m, d);
	if (opts == NULL)
		return;
	check_contacts(m, opts, d);
	/* A tree with missing texts would be measured wrong: skip it. */
	if (check_is_complete(m)) {
		check_final_messages(m, opts, d);
		check_budgets(m, opts, d);
	}
}
