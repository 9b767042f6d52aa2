/*
 * menu_diff.c - what changed between two menu trees, node by node.
 *
 * helplinectl diff shows coordinators what a publish changed: nodes added
 * and removed, and for a node in both trees each text, option and contact
 * field that differs; also the tree-wide parts (start, languages, globals,
 * keywords, the engine's messages).  Texts are compared per language code,
 * not per position, so adding a language shows as added texts; options are
 * matched by key, so moving an option shows as a change of order, not as
 * every option changed.  Part names follow the file ("text.nl",
 * "options[2].label.en" where 2 is the option's key, "contact.phone").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/menu.h"
#include "helpline/menu_diff.h"

/* The state of one comparison. */
struct diff_ctx {
	const struct hl_menu	*a, *b;
	struct hl_menu_diff	*out;
	size_t			 cap;
	bool			 failed;	/* out of memory: stop adding */
	const char		*langs[2 * HL_MENU_MAX_LANGS];
	size_t			 n_langs;	/* b's languages, then a's */
};

/* Duplicates a string that may be NULL; sets c->failed on out-of-memory. */
static char *
diff_strdup(struct diff_ctx *c, const char *s)
{
	char	*p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		c->failed = true;
	return p;
}

/* Appends one change (strings copied). */
static void
diff_add(struct diff_ctx *c, enum hl_diff_kind kind, const char *node,
    const char *what, const char *before, const char *after)
{
	struct hl_diff_item	*items, *it;
	size_t			 cap;

	if (c->failed)
		return;
	if (c->out->n == c->cap) {
		cap = c->cap == 0 ? 16 : c->cap * 2;
		if ((items = reallocarray(c->out->items, cap,
		    sizeof(*items))) == NULL) {
			c->failed = true;
			return;
		}
		c->out->items = items;
		c->cap = cap;
	}
	it = &c->out->items[c->out->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->node = diff_strdup(c, node);
	it->what = diff_strdup(c, what);
	it->before = diff_strdup(c, before);
	it->after = diff_strdup(c, after);
}

/* Records a value that may be absent (NULL) on either side, if it changed. */
static void
diff_value(struct diff_ctx *c, const char *node, const char *what,
    const char *before, const char *after)
{
	if (before == NULL && after == NULL)
		return;
	if (before == NULL)
		diff_add(c, HL_DIFF_ADDED, node, what, NULL, after);
	else if (after == NULL)
		diff_add(c, HL_DIFF_REMOVED, node, what, before, NULL);
	else if (strcmp(before, after) != 0)
		diff_add(c, HL_DIFF_CHANGED, node, what, before, after);
}

/* Returns a text's translation into language code lang, or NULL. */
static const char *
diff_text_in(const struct hl_menu *m, const struct hl_menu_text *t,
    const char *lang)
{
	int	li;

	if (t == NULL || (li = hl_menu_lang_index(m, lang)) < 0)
		return NULL;
	return t->s[li];
}

/* Records the changed translations of a text, "<prefix>.<lang>".  ta or tb
 * is NULL where the text is absent. */
static void
diff_text(struct diff_ctx *c, const char *node, const char *prefix,
    const struct hl_menu_text *ta, const struct hl_menu_text *tb)
{
	char	what[128];
	size_t	i;

	for (i = 0; i < c->n_langs; i++) {
		snprintf(what, sizeof(what), "%s.%s", prefix, c->langs[i]);
		diff_value(c, node, what, diff_text_in(c->a, ta, c->langs[i]),
		    diff_text_in(c->b, tb, c->langs[i]));
	}
}

/* Joins n strings with sep into a new string; NULL if n is 0 or on
 * out-of-memory (then c->failed is set). */
static char *
diff_join(struct diff_ctx *c, char *const *v, size_t n, const char *sep)
{
	size_t	 i, len = 1;
	char	*s;

	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++)
		len += strlen(v[i]) + strlen(sep);
	if ((s = malloc(len)) == NULL) {
		c->failed = true;
		return NULL;
	}
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, sep);
		strcat(s, v[i]);
	}
	return s;
}

/* Records a change of a list of strings, compared as a whole. */
static void
diff_list(struct diff_ctx *c, const char *node, const char *what,
    char *const *va, size_t na, char *const *vb, size_t nb)
{
	char	*sa = diff_join(c, va, na, ", ");
	char	*sb = diff_join(c, vb, nb, ", ");

	diff_value(c, node, what, sa, sb);
	free(sa);
	free(sb);
}

/* Returns the id of a node, or NULL. */
static const char *
diff_id(const struct hl_menu_node *nd)
{
	return nd != NULL ? nd->id : NULL;
}

/* Describes where an option leads: a node id or "(action: language)". */
static const char *
diff_leads(const struct hl_menu_option *o)
{
	if (o->action == HL_ACTION_LANGUAGE)
		return "(action: language)";
	return o->target != NULL ? o->target->id : "";
}

/* Describes an option as a whole, "Label -> target", in its tree's first
 * language; the caller frees. */
static char *
diff_option_value(struct diff_ctx *c, const struct hl_menu_option *o)
{
	const char	*label = hl_menu_text_get(&o->label, 0);
	char		*s;

	if (asprintf(&s, "%s -> %s", label, diff_leads(o)) == -1) {
		c->failed = true;
		return NULL;
	}
	return s;
}

/* Finds an option of a node by key. */
static const struct hl_menu_option *
diff_option_find(const struct hl_menu_node *nd, const char *key)
{
	size_t	i;

	for (i = 0; i < nd->n_options; i++)
		if (nd->options[i].key != NULL &&
		    strcmp(nd->options[i].key, key) == 0)
			return &nd->options[i];
	return NULL;
}

/* Lists the keys of x's options that y also has, in x's order, joined by
 * spaces into buf. */
static void
diff_common_keys(const struct hl_menu_node *x, const struct hl_menu_node *y,
    char *buf, size_t len)
{
	size_t	i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < x->n_options; i++) {
		if (x->options[i].key == NULL ||
		    diff_option_find(y, x->options[i].key) == NULL)
			continue;
		if (n >= len)
			break;
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		    n > 0 ? " " : "", x->options[i].key);
	}
}

/* Records one option of b's node against a's (oa NULL if new). */
static void
diff_option(struct diff_ctx *c, const char *node,
    const struct hl_menu_option *oa, const struct hl_menu_option *ob)
{
	char	what[64], *v;

	snprintf(what, sizeof(what), "options[%s]", ob->key);
	if (oa == NULL) {
		v = diff_option_value(c, ob);
		diff_add(c, HL_DIFF_ADDED, node, what, NULL, v);
		free(v);
		return;
	}
	snprintf(what, sizeof(what), "options[%s].label", ob->key);
	diff_text(c, node, what, &oa->label, &ob->label);
	snprintf(what, sizeof(what), "options[%s].goto", ob->key);
	diff_value(c, node, what, diff_leads(oa), diff_leads(ob));
}

/* Records the changed options of a node: by key, then their order. */
static void
diff_options(struct diff_ctx *c, const struct hl_menu_node *na,
    const struct hl_menu_node *nb)
{
	/* Keys are at most 4 characters (16 bytes), at most 64 options. */
	char	 ka[64 * 17 + 1], kb[64 * 17 + 1], what[64], *v;
	size_t	 i;

	for (i = 0; i < nb->n_options; i++)
		if (nb->options[i].key != NULL)
			diff_option(c, nb->id, diff_option_find(na,
			    nb->options[i].key), &nb->options[i]);
	for (i = 0; i < na->n_options; i++) {
		if (na->options[i].key == NULL ||
		    diff_option_find(nb, na->options[i].key) != NULL)
			continue;
		snprintf(what, sizeof(what), "options[%s]",
		    na->options[i].key);
		v = diff_option_value(c, &na->options[i]);
		diff_add(c, HL_DIFF_REMOVED, nb->id, what, v, NULL);
		free(v);
	}
	diff_common_keys(na, nb, ka, sizeof(ka));
	diff_common_keys(nb, na, kb, sizeof(kb));
	diff_value(c, nb->id, "options (order)", ka, kb);
}

/* Records the changed fields of a node's contact (either may be NULL). */
static void
diff_contact(struct diff_ctx *c, const char *node,
    const struct hl_menu_contact *ca, const struct hl_menu_contact *cb)
{
	static const struct hl_menu_contact	none;

	if (ca == NULL)
		ca = &none;
	if (cb == NULL)
		cb = &none;
	diff_value(c, node, "contact.name", ca->name, cb->name);
	diff_value(c, node, "contact.phone", ca->phone, cb->phone);
	diff_value(c, node, "contact.url", ca->url, cb->url);
	diff_value(c, node, "contact.source", ca->source, cb->source);
	diff_value(c, node, "contact.checked", ca->checked, cb->checked);
}

/* Records the changes of a node that is in both trees. */
static void
diff_node(struct diff_ctx *c, const struct hl_menu_node *na,
    const struct hl_menu_node *nb)
{
	diff_text(c, nb->id, "text", &na->text, &nb->text);
	diff_options(c, na, nb);
	diff_contact(c, nb->id, na->contact, nb->contact);
	diff_value(c, nb->id, "source", na->source, nb->source);
}

/* Orders node pointers by id. */
static int
diff_node_cmp(const void *x, const void *y)
{
	const struct hl_menu_node *const	*nx = x, *const *ny = y;

	return strcmp((*nx)->id, (*ny)->id);
}

/* Compares an id (the key) with a node pointer, for bsearch. */
static int
diff_id_cmp(const void *id, const void *y)
{
	const struct hl_menu_node *const	*ny = y;

	return strcmp(id, (*ny)->id);
}

/* Returns m's nodes sorted by id (caller frees), or NULL (c->failed). */
static const struct hl_menu_node **
diff_index(struct diff_ctx *c, const struct hl_menu *m)
{
	const struct hl_menu_node	**ix;
	size_t				  i;

	if ((ix = calloc(m->n_nodes + 1, sizeof(*ix))) == NULL) {
		c->failed = true;
		return NULL;
	}
	for (i = 0; i < m->n_nodes; i++)
		ix[i] = &m->nodes[i];
	qsort(ix, m->n_nodes, sizeof(*ix), diff_node_cmp);
	return ix;
}

/* Finds a node by id in a sorted index. */
static const struct hl_menu_node *
diff_lookup(const struct hl_menu_node **ix, size_t n, const char *id)
{
	const struct hl_menu_node	**hit;

	hit = bsearch(id, ix, n, sizeof(*ix), diff_id_cmp);
	return hit != NULL ? *hit : NULL;
}

/* Records nodes added and changed (b's order), then removed (a's). */
static void
diff_nodes(struct diff_ctx *c)
{
	const struct hl_menu_node	**ia, **ib, *na;
	size_t				  i;

	ia = diff_index(c, c->a);
	ib = diff_index(c, c->b);
	if (ia == NULL || ib == NULL)
		goto out;
	for (i = 0; i < c->b->n_nodes; i++) {
		na = diff_lookup(ia, c->a->n_nodes, c->b->nodes[i].id);
		if (na == NULL)
			diff_add(c, HL_DIFF_ADDED, c->b->nodes[i].id, NULL,
			    NULL, NULL);
		else
			diff_node(c, na, &c->b->nodes[i]);
	}
	for (i = 0; i < c->a->n_nodes; i++)
		if (diff_lookup(ib, c->b->n_nodes, c->a->nodes[i].id) == NULL)
			diff_add(c, HL_DIFF_REMOVED, c->a->nodes[i].id, NULL,
			    NULL, NULL);
out:
	free(ia);
	free(ib);
}

/* Names where a global's label shows. */
static const char *
diff_show_name(const struct hl_menu_global *gl)
{
	switch (gl->show) {
	case HL_SHOW_ALL:
		return "all";
	case HL_SHOW_START:
		return "start";
	case HL_SHOW_INNER:
		return "inner";
	default:
		return "never";
	}
}

/* Returns the word list of global gl in language lang (*n 0 if none). */
static char *const *
diff_words(const struct hl_menu *m, const struct hl_menu_global *gl,
    const char *lang, size_t *n)
{
	int	li = hl_menu_lang_index(m, lang);

	*n = li >= 0 ? gl->n_words[li] : 0;
	return li >= 0 ? gl->words[li] : NULL;
}

/* Records the changes of one global. */
static void
diff_global(struct diff_ctx *c, enum hl_global g)
{
	const struct hl_menu_global	*ga = &c->a->globals[g];
	const struct hl_menu_global	*gb = &c->b->globals[g];
	const char			*name = hl_global_name(g);
	char				 what[64];
	char *const			*wa, *const *wb;
	size_t				 i, na, nb;

	snprintf(what, sizeof(what), "globals.%s.keys", name);
	diff_list(c, NULL, what, ga->keys, ga->n_keys, gb->keys, gb->n_keys);
	for (i = 0; i < c->n_langs; i++) {
		wa = diff_words(c->a, ga, c->langs[i], &na);
		wb = diff_words(c->b, gb, c->langs[i], &nb);
		snprintf(what, sizeof(what), "globals.%s.words.%s", name,
		    c->langs[i]);
		diff_list(c, NULL, what, wa, na, wb, nb);
	}
	snprintf(what, sizeof(what), "globals.%s.label", name);
	diff_text(c, NULL, what, &ga->label, &gb->label);
	snprintf(what, sizeof(what), "globals.%s.show", name);
	diff_value(c, NULL, what, diff_show_name(ga), diff_show_name(gb));
	snprintf(what, sizeof(what), "globals.%s.goto", name);
	diff_value(c, NULL, what, diff_id(ga->target), diff_id(gb->target));
}

/* Finds a keyword of language lang; NULL if none. */
static const struct hl_menu_keyword *
diff_keyword(const struct hl_menu *m, const char *lang, const char *word)
{
	int	li = hl_menu_lang_index(m, lang);
	size_t	j;

	if (li < 0)
		return NULL;
	for (j = 0; j < m->n_keywords[li]; j++)
		if (strcmp(m->keywords[li][j].word, word) == 0)
			return &m->keywords[li][j];
	return NULL;
}

/* Records keywords added, retargeted and removed, per language. */
static void
diff_keywords(struct diff_ctx *c, const char *lang)
{
	const struct hl_menu_keyword	*ka;
	char				 what[128];
	int				 la = hl_menu_lang_index(c->a, lang);
	int				 lb = hl_menu_lang_index(c->b, lang);
	size_t				 j;

	for (j = 0; lb >= 0 && j < c->b->n_keywords[lb]; j++) {
		const struct hl_menu_keyword *kb = &c->b->keywords[lb][j];

		ka = diff_keyword(c->a, lang, kb->word);
		snprintf(what, sizeof(what), "keywords.%s.%s", lang, kb->word);
		diff_value(c, NULL, what, ka != NULL ? diff_id(ka->target) :
		    NULL, diff_id(kb->target));
	}
	for (j = 0; la >= 0 && j < c->a->n_keywords[la]; j++) {
		ka = &c->a->keywords[la][j];
		if (diff_keyword(c->b, lang, ka->word) != NULL)
			continue;
		snprintf(what, sizeof(what), "keywords.%s.%s", lang, ka->word);
		diff_value(c, NULL, what, diff_id(ka->target), NULL);
	}
}

/* Records the changes of the tree-wide parts. */
static void
diff_tree(struct diff_ctx *c)
{
	const struct hl_menu_messages	*ma = &c->a->messages;
	const struct hl_menu_messages	*mb = &c->b->messages;
	size_t				 i;
	int				 g;

	diff_value(c, NULL, "helpline", c->a->helpline, c->b->helpline);
	diff_value(c, NULL, "version", c->a->version, c->b->version);
	diff_list(c, NULL, "languages", c->a->languages, c->a->n_languages,
	    c->b->languages, c->b->n_languages);
	diff_value(c, NULL, "start", diff_id(c->a->start),
	    diff_id(c->b->start));
	diff_text(c, NULL, "messages.invalid", &ma->invalid, &mb->invalid);
	diff_text(c, NULL, "messages.forgotten", &ma->forgotten,
	    &mb->forgotten);
	diff_text(c, NULL, "messages.resume", &ma->resume, &mb->resume);
	diff_text(c, NULL, "messages.resume_continue", &ma->resume_continue,
	    &mb->resume_continue);
	diff_text(c, NULL, "messages.resume_restart", &ma->resume_restart,
	    &mb->resume_restart);
	for (g = 0; g < HL_GLOBAL__MAX; g++)
		diff_global(c, (enum hl_global)g);
	for (i = 0; i < c->n_langs; i++)
		diff_keywords(c, c->langs[i]);
}

/* Lists the language codes of both trees: b's, then those only a has. */
static void
diff_langs(struct diff_ctx *c)
{
	size_t	i;

	for (i = 0; i < c->b->n_languages; i++)
		c->langs[c->n_langs++] = c->b->languages[i];
	for (i = 0; i < c->a->n_languages; i++)
		if (hl_menu_lang_index(c->b, c->a->languages[i]) < 0)
			c->langs[c->n_langs++] = c->a->languages[i];
}

/* Compares trees a (old) and b (new) into *out. */
int
hl_menu_diff(const struct hl_menu *a, const struct hl_menu *b,
    struct hl_menu_diff *out)
{
	struct diff_ctx	c = { .a = a, .b = b, .out = out };

	memset(out, 0, sizeof(*out));
	diff_langs(&c);
	diff_tree(&c);
	diff_nodes(&c);
	if (c.failed) {
		hl_menu_diff_free(out);
		return -1;
	}
	return 0;
}

/* Frees a diff's items and empties it. */
void
hl_menu_diff_free(struct hl_menu_diff *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		free(d->items[i].node);
		free(d->items[i].what);
		free(d->items[i].before);
		free(d->items[i].after);
	}
	free(d->items);
	d->items = NULL;
	d->n = 0;
}

/* The writer's words, per language. */
struct diff_words {
	const char	*tree;		/* header of the tree-wide block */
	const char	*node;
	const char	*added;
	const char	*removed;
	const char	*none;
	const char	*summary;	/* printf: added, removed, changed,
					 * tree-wide changes */
};

static const struct diff_words diff_en = {
	.tree = "whole menu",
	.node = "node",
	.added = "added",
	.removed = "removed",
	.none = "No changes.",
	.summary = "Nodes added: %zu, removed: %zu, changed: %zu; changes to "
	    "the whole menu: %zu.",
};

static const struct diff_words diff_nl = {
	.tree = "hele menu",
	.node = "knooppunt",
	.added = "toegevoegd",
	.removed = "verwijderd",
	.none = "Geen wijzigingen.",
	.summary = "Knooppunten toegevoegd: %zu, verwijderd: %zu, gewijzigd: "
	    "%zu; wijzigingen aan het hele menu: %zu.",
};

/* Writes a value in double quotes, with quotes, backslashes and control
 * characters escaped so one value stays on one line. */
static void
diff_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char	ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* Returns true if two items belong to the same block (node or tree). */
static bool
diff_same_block(const struct hl_diff_item *x, const struct hl_diff_item *y)
{
	if (x->node == NULL || y->node == NULL)
		return x->node == y->node;
	return strcmp(x->node, y->node) == 0;
}

/* Writes one part's line: "    what: "old" -> "new"" or "    what
 * (added): "new"". */
static void
diff_write_part(FILE *f, const struct diff_words *w,
    const struct hl_diff_item *it)
{
	fprintf(f, "    %s", it->what);
	if (it->kind == HL_DIFF_CHANGED) {
		fputs(": ", f);
		diff_quote(f, it->before);
		fputs(" -> ", f);
		diff_quote(f, it->after);
	} else {
		fprintf(f, " (%s): ", it->kind == HL_DIFF_ADDED ? w->added :
		    w->removed);
		diff_quote(f, it->kind == HL_DIFF_ADDED ? it->after :
		    it->before);
	}
	fputc('\n', f);
}

/* Writes the diff for a coordinator, in "nl" or "en". */
int
hl_menu_diff_write(const struct hl_menu_diff *d, const char *lang,
    FILE *f)
{
	const struct diff_words	*w = &diff_en;
	size_t			 i, added = 0, removed = 0, changed = 0;
	size_t			 tree = 0;

	if (lang != NULL && strcmp(lang, "nl") == 0)
		w = &diff_nl;
	for (i = 0; i < d->n; i++) {
		const struct hl_diff_item *it = &d->items[i];
		bool first = i == 0 || !diff_same_block(&d->items[i - 1], it);

		if (it->node == NULL) {
			if (first)
				fprintf(f, "~ %s\n", w->tree);
			tree++;
		} else if (it->what == NULL) {
			fprintf(f, "%c %s %s (%s)\n", it->kind == HL_DIFF_ADDED ?
			    '+' : '-', w->node, it->node, it->kind ==
			    HL_DIFF_ADDED ? w->added : w->removed);
			if (it->kind == HL_DIFF_ADDED)
				added++;
			else
				removed++;
			continue;
		} else if (first) {
			fprintf(f, "~ %s %s\n", w->node, it->node);
			changed++;
		}
		diff_write_part(f, w, it);
	}
	if (d->n == 0)
		fprintf(f, "%s\n", w->none);
	else {
		fprintf(f, w->summary, added, removed, changed, tree);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}
