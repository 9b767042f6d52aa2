/*
 * menu.c - load a YAML menu file (menus/FORMAT.md) into struct hl_menu.
 *
 * Loading goes in passes so a hostile or broken file costs little: the size
 * is capped, the bytes are checked as UTF-8 (libyaml reports a bad byte
 * without a line), then an event pass refuses anchors, aliases and tags and
 * caps the number and depth of YAML nodes before libyaml builds a document.
 * The document walk reports every problem it finds with file:line:column
 * and goes on where it can (relayd's parse.y does the same); names are
 * resolved once all nodes are known.  hl_menu_check() runs last; one error
 * anywhere and the tree is refused.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "helpline/menu.h"
#include "helpline/text.h"

#define MENU_MAX_BYTES		(1024 * 1024)
#define MENU_MAX_YAML_NODES	100000
#define MENU_MAX_DEPTH		16
#define MENU_MAX_NODES		4096
#define MENU_MAX_OPTIONS	64
#define MENU_MAX_KEYWORDS	4096	/* per language */
#define MENU_MAX_KEYS		16	/* per global */
#define MENU_MAX_WORDS		32	/* per global and language */
#define MENU_MAX_ID		63
#define MENU_MAX_KEY_CHARS	4
#define MENU_MAX_WORD		40
#define MENU_ESC		64	/* room for one quoted name */

/* A name to resolve to a node once every node is known. */
struct menu_ref {
	const struct hl_menu_node **slot;
	const char	*name;		/* in the document */
	struct hl_menu_mark mark;
	const char	*node;		/* finding's node, or NULL */
	char		 what[96];
};

/* The state of one load. */
struct menu_ld {
	const char		*file;
	struct hl_diags		*diags;
	yaml_document_t		*doc;
	struct hl_menu		*m;
	struct menu_ref		*refs;
	size_t			 n_refs;
	size_t			 cap_refs;
	bool			 nodes_ok;
};


/* Allocates zeroed memory, aborting on out-of-memory. */
static void *
menu_calloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size)) == NULL)
		abort();
	return p;
}

/* Duplicates a string, aborting on out-of-memory. */
static char *
menu_strdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		abort();
	return p;
}

/* Converts a libyaml mark (0-based) to ours (1-based). */
static struct hl_menu_mark
menu_mark(const yaml_mark_t *ym)
{
	struct hl_menu_mark	mark = { ym->line + 1, ym->column + 1 };

	return mark;
}

/* Returns where a document node starts. */
static struct hl_menu_mark
menu_ymark(const yaml_node_t *n)
{
	return menu_mark(&n->start_mark);
}

/* Reports an error at a mark (fmt: English, see hl_diags_add). */
static void __attribute__((format(printf, 4, 5)))
menu_error_at(struct menu_ld *ld, struct hl_menu_mark mark,
    const char *node, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	hl_diags_vadd(ld->diags, HL_DIAG_ERROR, ld->file, mark, node, fmt, ap);
	va_end(ap);
}

/* Reports an error at a document node. */
static void __attribute__((format(printf, 4, 5)))
menu_error(struct menu_ld *ld, const yaml_node_t *at, const char *node,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	hl_diags_vadd(ld->diags, HL_DIAG_ERROR, ld->file, menu_ymark(at), node,
	    fmt, ap);
	va_end(ap);
}

/*
 * Reports an error about a part of the file: "what: message", or the
 * message alone where what is NULL (a node's own keys, or the top level:
 * the finding names the node or the place already).
 */
static void __attribute__((format(printf, 5, 6)))
menu_error_in(struct menu_ld *ld, const yaml_node_t *at, const char *node,
    const char *what, const char *fmt, ...)
{
	va_list	ap;
	char	msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), hl_diags_tr(ld->diags, fmt), ap);
	va_end(ap);
	if (what != NULL)
		menu_error(ld, at, node, "%s: %s", what, msg);
	else
		menu_error(ld, at, node, "%s", msg);
}

/* Returns a fixed fragment of a message in the findings' language. */
static const char *
menu_tr(struct menu_ld *ld, const char *english)
{
	return hl_diags_tr(ld->diags, english);
}

/*
 * Copies an untrusted string into buf for a message: control characters
 * escaped, cut at a character boundary after about 40 bytes.
 */
static const char *
menu_esc(char buf[MENU_ESC], const char *s)
{
	size_t	i = 0, o = 0;

	for (; s[i] != '\0'; i++) {
		unsigned char	c = (unsigned char)s[i];

		/* Cut only before a character, never inside one. */
		if ((c & 0xc0) != 0x80 && (i >= 40 || o >= MENU_ESC - 8)) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, MENU_ESC - o, "\\x%02x",
			    c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

/* Returns true if a scalar is YAML's null (~, null, or nothing). */
static bool
menu_is_null(const yaml_node_t *n)
{
	const char	*v = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return strcmp(v, "") == 0 || strcmp(v, "~") == 0 ||
	    strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	    strcmp(v, "NULL") == 0;
}

/* Names what a node is, for "should be X, but it is Y". */
static const char *
menu_kind(struct menu_ld *ld, const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return menu_tr(ld, "a block of 'name: value' lines");
	case YAML_SEQUENCE_NODE:
		return menu_tr(ld, "a list");
	case YAML_SCALAR_NODE:
		return menu_is_null(n) ? menu_tr(ld, "empty") :
		    menu_tr(ld, "a text");
	default:
		return menu_tr(ld, "empty");
	}
}

/* Appends s to buf (len bytes), cutting it if it does not fit. */
static void
menu_append(char *buf, const char *s, size_t len)
{
	size_t	n = strlen(buf);

	if (n + 1 < len)
		snprintf(buf + n, len - n, "%s", s);
}

/* Returns a node of the document by index. */
static yaml_node_t *
menu_node(struct menu_ld *ld, int i)
{
	return yaml_document_get_node(ld->doc, i);
}

/* Checks a node's type, reporting "what: should be X, but it is Y"
 * (expected: an English fragment of the catalogue). */
static bool
menu_expect(struct menu_ld *ld, const yaml_node_t *n, yaml_node_type_t type,
    const char *node, const char *what, const char *expected)
{
	if (n->type == type && !(type == YAML_SCALAR_NODE && menu_is_null(n)))
		return true;
	menu_error_in(ld, n, node, what, "this should be %s, but it is %s",
	    menu_tr(ld, expected), menu_kind(ld, n));
	return false;
}

/* Returns a scalar's text, or NULL (reported) if n is not a string. */
static const char *
menu_scalar(struct menu_ld *ld, const yaml_node_t *n, const char *node,
    const char *what)
{
	if (!menu_expect(ld, n, YAML_SCALAR_NODE, node, what, "a text"))
		return NULL;
	if (memchr(n->data.scalar.value, '\0', n->data.scalar.length) !=
	    NULL) {
		menu_error(ld, n, node, "%s: the text holds a NUL character "
		    "(\\0), which a phone cannot show: remove it", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

/* Copies a scalar's text into *out (reported if it is not a string). */
static bool
menu_string(struct menu_ld *ld, const yaml_node_t *n, const char *node,
    const char *what, char **out)
{
	const char	*s;

	if ((s = menu_scalar(ld, n, node, what)) == NULL)
		return false;
	free(*out);
	*out = menu_strdup(s);
	return true;
}

/* One key of a map, for finding duplicates. */
struct menu_key {
	const yaml_node_t	*key;
	size_t			 i;
};

/* Orders keys by text, then by position in the map. */
static int
menu_key_cmp(const void *a, const void *b)
{
	const struct menu_key	*ka = a, *kb = b;
	size_t			 la = ka->key->data.scalar.length;
	size_t			 lb = kb->key->data.scalar.length;
	int			 c;

	c = memcmp(ka->key->data.scalar.value, kb->key->data.scalar.value,
	    la < lb ? la : lb);
	if (c == 0 && la != lb)
		c = la < lb ? -1 : 1;
	if (c == 0)
		c = ka->i < kb->i ? -1 : (ka->i > kb->i ? 1 : 0);
	return c;
}

/*
 * Reports keys of a map that are not strings, and keys that repeat an
 * earlier key (libyaml accepts both; the first occurrence counts).
 * Returns one flag per pair, true where the pair must be skipped; the
 * caller frees it.  Sorting keeps this n log n for large maps.
 */
static bool *
menu_map_skips(struct menu_ld *ld, const yaml_node_t *map, const char *node,
    const char *what, const char *dup)
{
	yaml_node_pair_t	*p = map->data.mapping.pairs.start;
	size_t			 n;
	struct menu_key		*keys;
	const yaml_node_t	**firsts;
	bool			*skip;
	size_t			 i, nk = 0, first;
	char			 e[MENU_ESC];

	n = (size_t)(map->data.mapping.pairs.top - p);
	skip = menu_calloc(n, sizeof(*skip));
	firsts = menu_calloc(n, sizeof(*firsts));
	keys = menu_calloc(n, sizeof(*keys));
	for (i = 0; i < n; i++) {
		yaml_node_t	*k = menu_node(ld, p[i].key);

		if (k->type != YAML_SCALAR_NODE || menu_is_null(k)) {
			menu_error_in(ld, k, node, what, "the name before ':' "
			    "should be a text, but it is %s",
			    menu_kind(ld, k));
			skip[i] = true;
			continue;
		}
		keys[nk].key = k;
		keys[nk++].i = i;
	}
	qsort(keys, nk, sizeof(*keys), menu_key_cmp);
	for (i = 1, first = 0; i < nk; i++) {
		if (keys[i].key->data.scalar.length ==
		    keys[first].key->data.scalar.length &&
		    memcmp(keys[i].key->data.scalar.value,
		    keys[first].key->data.scalar.value,
		    keys[i].key->data.scalar.length) == 0)
			firsts[keys[i].i] = keys[first].key;
		else
			first = i;
	}
	/* Report in file order. */
	for (i = 0; i < n; i++) {
		const yaml_node_t	*k = menu_node(ld, p[i].key);

		if (firsts[i] == NULL)
			continue;
		skip[i] = true;
		menu_error_in(ld, k, node, what, "%s '%s' is written twice "
		    "(first on line %lu), and only the first counts: remove or "
		    "rename one", menu_tr(ld, dup),
		    menu_esc(e, (const char *)k->data.scalar.value),
		    (unsigned long)firsts[i]->start_mark.line + 1);
	}
	free(keys);
	free(firsts);
	return skip;
}

/* Checks a map's keys against a list of allowed keys. */
static bool
menu_map_check(struct menu_ld *ld, const yaml_node_t *map,
    const char *const *allowed, const char *node, const char *what,
    const char *expected)
{
	yaml_node_pair_t	*p;
	bool			*skip;
	size_t			 i, j;
	char			 e[MENU_ESC], list[256];

	if (!menu_expect(ld, map, YAML_MAPPING_NODE, node, what, expected))
		return false;
	list[0] = '\0';
	for (j = 0; allowed[j] != NULL; j++) {
		if (j > 0)
			menu_append(list, ", ", sizeof(list));
		menu_append(list, allowed[j], sizeof(list));
	}
	skip = menu_map_skips(ld, map, node, what, "name");
	p = map->data.mapping.pairs.start;
	for (i = 0; p + i < map->data.mapping.pairs.top; i++) {
		yaml_node_t	*k = menu_node(ld, p[i].key);

		if (skip[i])
			continue;
		for (j = 0; allowed[j] != NULL; j++)
			if (strcmp((char *)k->data.scalar.value,
			    allowed[j]) == 0)
				break;
		if (allowed[j] == NULL)
			menu_error_in(ld, k, node, what, "'%s' is not a name "
			    "used here: check its spelling (allowed: %s)",
			    menu_esc(e, (char *)k->data.scalar.value), list);
	}
	free(skip);
	return true;
}

/* Finds the first pair of a map with a given key. */
static yaml_node_pair_t *
menu_map_pair(struct menu_ld *ld, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t	*p;

	if (map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		yaml_node_t	*k = menu_node(ld, p->key);

		if (k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return p;
	}
	return NULL;
}

/* Finds the value of a map's key, or NULL. */
static yaml_node_t *
menu_map_get(struct menu_ld *ld, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t	*p;

	if ((p = menu_map_pair(ld, map, key)) == NULL)
		return NULL;
	return menu_node(ld, p->value);
}

/* Finds a required key's value, reporting it if missing (meaning: an
 * English fragment of the catalogue, or NULL). */
static yaml_node_t *
menu_map_need(struct menu_ld *ld, const yaml_node_t *map, const char *key,
    const char *node, const char *what, const char *meaning)
{
	yaml_node_t	*v;

	if ((v = menu_map_get(ld, map, key)) != NULL)
		return v;
	if (meaning == NULL)
		menu_error_in(ld, map, node, what, "'%s' is missing: add it",
		    key);
	else
		menu_error_in(ld, map, node, what, "'%s' is missing (%s): add "
		    "it", key, menu_tr(ld, meaning));
	return NULL;
}

/* Returns the number of pairs or items of a map or list. */
static size_t
menu_len(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return (size_t)(n->data.mapping.pairs.top -
		    n->data.mapping.pairs.start);
	if (n->type == YAML_SEQUENCE_NODE)
		return (size_t)(n->data.sequence.items.top -
		    n->data.sequence.items.start);
	return 0;
}

/* Returns true if s is 1-max bytes, each allowed by the class. */
static bool
menu_is_word_of(const char *s, size_t max, bool upper, bool dot)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		unsigned char	c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || (upper && c >= 'A' && c <= 'Z') ||
		    (dot && (c == '.' || c == '-')))
			continue;
		return false;
	}
	return i >= 1 && i <= max;
}

/* Returns true if s is a valid key: 1-4 characters, no space or control. */
static bool
menu_is_key(const char *s)
{
	size_t	i, n;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return false;
	n = hl_utf8_chars(s, i);
	return n >= 1 && n <= MENU_MAX_KEY_CHARS;
}

/* Returns true if s is a valid word: 1-40 bytes, no control characters,
 * no space at either end. */
static bool
menu_is_word(const char *s)
{
	size_t	i, n = strlen(s);

	if (n == 0 || n > MENU_MAX_WORD || s[0] == ' ' || s[n - 1] == ' ')
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* Lower-cases ASCII letters in place (words match case-insensitively). */
static char *
menu_lower(char *s)
{
	char	*p;

	for (p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/* Lists the tree's languages for messages ("nl, en"). */
static const char *
menu_lang_list(const struct hl_menu *m, char *buf, size_t len)
{
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < m->n_languages; i++) {
		if (i > 0)
			menu_append(buf, ", ", len);
		menu_append(buf, m->languages[i], len);
	}
	return buf;
}

/* Looks up a language key of a map, reporting it if unknown. */
static int
menu_lang_key(struct menu_ld *ld, const yaml_node_t *k, const char *node,
    const char *what)
{
	const char	*s = (const char *)k->data.scalar.value;
	char		 e[MENU_ESC], list[64];
	int		 li;

	if ((li = hl_menu_lang_index(ld->m, s)) < 0)
		menu_error(ld, k, node, "%s: '%s' is not one of the file's "
		    "languages (%s): use one of those, or add it to "
		    "languages", what, menu_esc(e, s),
		    menu_lang_list(ld->m, list, sizeof(list)));
	return li;
}

/* Parses a localised text: a map of every language to a string. */
static void
menu_parse_text(struct menu_ld *ld, const yaml_node_t *n, const char *node,
    const char *what, struct hl_menu_text *t)
{
	yaml_node_pair_t	*p;
	bool			*skip;
	size_t			 i, li;
	int			 l;

	t->mark = menu_ymark(n);
	if (!menu_expect(ld, n, YAML_MAPPING_NODE, node, what,
	    "a text per language, such as {nl: ..., en: ...}"))
		return;
	skip = menu_map_skips(ld, n, node, what, "language");
	p = n->data.mapping.pairs.start;
	for (i = 0; p + i < n->data.mapping.pairs.top; i++) {
		yaml_node_t	*v = menu_node(ld, p[i].value);

		if (skip[i])
			continue;
		l = menu_lang_key(ld, menu_node(ld, p[i].key), node, what);
		if (l >= 0 && menu_string(ld, v, node, what, &t->s[l]))
			t->at[l] = menu_ymark(v);
	}
	free(skip);
	for (li = 0; li < ld->m->n_languages; li++)
		if (t->s[li] == NULL)
			menu_error(ld, n, node, "%s: the %s translation is "
			    "missing: add it", what, ld->m->languages[li]);
}

/* Remembers a node name to resolve once all nodes are known. */
static void __attribute__((format(printf, 5, 6)))
menu_add_ref(struct menu_ld *ld, const struct hl_menu_node **slot,
    const yaml_node_t *name, const char *node, const char *fmt, ...)
{
	struct menu_ref	*r;
	va_list		 ap;

	if (ld->n_refs == ld->cap_refs) {
		ld->cap_refs = ld->cap_refs == 0 ? 64 : ld->cap_refs * 2;
		r = reallocarray(ld->refs, ld->cap_refs, sizeof(*ld->refs));
		if (r == NULL)
			abort();
		ld->refs = r;
	}
	r = &ld->refs[ld->n_refs++];
	r->slot = slot;
	r->name = (const char *)name->data.scalar.value;
	r->mark = menu_ymark(name);
	r->node = node;
	va_start(ap, fmt);
	vsnprintf(r->what, sizeof(r->what), fmt, ap);
	va_end(ap);
}

/* Parses the list of language codes. */
static bool
menu_parse_languages(struct menu_ld *ld, const yaml_node_t *n)
{
	struct hl_menu	*m = ld->m;
	yaml_node_item_t *it;
	const char	*s;
	size_t		 len, j;
	bool		 ok = true;
	char		 e[MENU_ESC];

	if (!menu_expect(ld, n, YAML_SEQUENCE_NODE, NULL, "languages",
	    "a list of language codes, such as [nl, en]"))
		return false;
	len = menu_len(n);
	if (len < 1 || len > HL_MENU_MAX_LANGS) {
		menu_error(ld, n, NULL, "languages: list 1 to %d language "
		    "codes (there are %zu)", HL_MENU_MAX_LANGS, len);
		return false;
	}
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		yaml_node_t	*v = menu_node(ld, *it);

		if ((s = menu_scalar(ld, v, NULL, "languages")) == NULL) {
			ok = false;
			continue;
		}
		if (strlen(s) < 2 || strlen(s) > 3 ||
		    !menu_is_word_of(s, 3, false, false) ||
		    strpbrk(s, "0123456789_") != NULL) {
			menu_error(ld, v, NULL, "languages: '%s' is not a "
			    "language code: use 2 or 3 small letters, such as "
			    "nl", menu_esc(e, s));
			ok = false;
			continue;
		}
		for (j = 0; j < m->n_languages; j++)
			if (strcmp(m->languages[j], s) == 0)
				break;
		if (j < m->n_languages) {
			menu_error(ld, v, NULL, "languages: '%s' is listed "
			    "twice: remove one", s);
			ok = false;
			continue;
		}
		m->languages[m->n_languages++] = menu_strdup(s);
	}
	return ok;
}

/* Parses one option of a node. */
static bool
menu_parse_option(struct menu_ld *ld, struct hl_menu_node *nd,
    struct hl_menu_option *o, const yaml_node_t *n, size_t idx)
{
	static const char *const keys[] = { "key", "label", "goto",
	    "action", NULL };
	yaml_node_t	*v, *go, *act;
	char		 what[48], lwhat[64], e[MENU_ESC];
	const char	*s;

	hl_diags_snprintf(ld->diags, what, sizeof(what), "option %zu", idx);
	if (!menu_map_check(ld, n, keys, nd->id, what,
	    "an option with key, label and goto"))
		return false;
	o->mark = menu_ymark(n);
	if ((v = menu_map_need(ld, n, "key", nd->id, what, NULL)) != NULL &&
	    (s = menu_scalar(ld, v, nd->id, what)) != NULL) {
		o->key_mark = menu_ymark(v);
		if (menu_is_key(s))
			o->key = menu_strdup(s);
		else
			menu_error(ld, v, nd->id, "%s: '%s' cannot be a key: "
			    "use 1 to %d characters without spaces", what,
			    menu_esc(e, s), MENU_MAX_KEY_CHARS);
	}
	snprintf(lwhat, sizeof(lwhat), "%s: label", what);
	if ((v = menu_map_need(ld, n, "label", nd->id, what, NULL)) != NULL)
		menu_parse_text(ld, v, nd->id, lwhat, &o->label);
	go = menu_map_get(ld, n, "goto");
	act = menu_map_get(ld, n, "action");
	if (go != NULL && act != NULL)
		menu_error(ld, n, nd->id, "%s: has both goto and action: "
		    "keep one", what);
	else if (go != NULL) {
		o->action = HL_ACTION_GOTO;
		if (menu_scalar(ld, go, nd->id, what) != NULL)
			menu_add_ref(ld, &o->target, go, nd->id, "%s: goto",
			    what);
	} else if (act != NULL) {
		o->action = HL_ACTION_LANGUAGE;
		if ((s = menu_scalar(ld, act, nd->id, what)) != NULL &&
		    strcmp(s, "language") != 0)
			menu_error(ld, act, nd->id, "%s: '%s' is not an "
			    "action: the only one is language", what,
			    menu_esc(e, s));
	} else
		menu_error(ld, n, nd->id, "%s: does not say where it leads: "
		    "add goto: and a node id (or action: language)", what);
	return true;
}

/* Parses a node's list of options. */
static void
menu_parse_options(struct menu_ld *ld, struct hl_menu_node *nd,
    const yaml_node_t *n)
{
	yaml_node_item_t	*it;
	size_t			 idx = 0;

	if (!menu_expect(ld, n, YAML_SEQUENCE_NODE, nd->id, "options",
	    "a list of options"))
		return;
	if (menu_len(n) > MENU_MAX_OPTIONS) {
		menu_error(ld, n, nd->id, "options: %zu options, at most %d "
		    "are allowed: split the node", menu_len(n),
		    MENU_MAX_OPTIONS);
		return;
	}
	nd->options = menu_calloc(menu_len(n), sizeof(*nd->options));
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		if (menu_parse_option(ld, nd, &nd->options[nd->n_options],
		    menu_node(ld, *it), ++idx))
			nd->n_options++;
	}
}

/* Returns true if s is a real calendar date written YYYY-MM-DD. */
static bool
menu_is_date(const char *s)
{
	static const int	mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	int			y, mo, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	y = atoi(s);
	mo = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return false;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return false;
	return true;
}

/* Parses a contact block. */
static void
menu_parse_contact(struct menu_ld *ld, struct hl_menu_node *nd,
    const yaml_node_t *n)
{
	static const char *const keys[] = { "name", "phone", "url", "source",
	    "checked", NULL };
	struct hl_menu_contact	*c;
	yaml_node_t		*v;
	char			 e[MENU_ESC];

	if (!menu_map_check(ld, n, keys, nd->id, "contact",
	    "a contact with name, phone or url, source and checked"))
		return;
	c = nd->contact = menu_calloc(1, sizeof(*c));
	c->mark = menu_ymark(n);
	if ((v = menu_map_need(ld, n, "name", nd->id, "contact", NULL)))
		menu_string(ld, v, nd->id, "contact: name", &c->name);
	if ((v = menu_map_get(ld, n, "phone")) != NULL &&
	    menu_string(ld, v, nd->id, "contact: phone", &c->phone))
		c->phone_mark = menu_ymark(v);
	if ((v = menu_map_get(ld, n, "url")) != NULL)
		menu_string(ld, v, nd->id, "contact: url", &c->url);
	if (menu_map_get(ld, n, "phone") == NULL &&
	    menu_map_get(ld, n, "url") == NULL)
		menu_error(ld, n, nd->id, "contact: give a phone number, a "
		    "web address (url), or both");
	if ((v = menu_map_need(ld, n, "source", nd->id, "contact",
	    "the web page where the number was verified")) != NULL)
		menu_string(ld, v, nd->id, "contact: source", &c->source);
	if ((v = menu_map_need(ld, n, "checked", nd->id, "contact",
	    "the date it was verified, YYYY-MM-DD")) == NULL ||
	    !menu_string(ld, v, nd->id, "contact: checked", &c->checked))
		return;
	c->checked_mark = menu_ymark(v);
	if (!menu_is_date(c->checked))
		menu_error(ld, v, nd->id, "contact: checked: '%s' is not a "
		    "date: write it as YYYY-MM-DD, such as 2026-11-23",
		    menu_esc(e, c->checked));
}

/* Parses one node of the tree. */
static void
menu_parse_node(struct menu_ld *ld, struct hl_menu_node *nd,
    const yaml_node_t *n)
{
	static const char *const keys[] = { "text", "options", "contact",
	    "source", NULL };
	yaml_node_t	*v;

	/* The finding names the node: no "what" before its messages. */
	if (!menu_map_check(ld, n, keys, nd->id, NULL,
	    "a node with text and options"))
		return;
	if ((v = menu_map_need(ld, n, "text", nd->id, NULL, NULL)) != NULL)
		menu_parse_text(ld, v, nd->id, "text", &nd->text);
	if ((v = menu_map_get(ld, n, "options")) != NULL)
		menu_parse_options(ld, nd, v);
	if ((v = menu_map_get(ld, n, "contact")) != NULL)
		menu_parse_contact(ld, nd, v);
	if ((v = menu_map_get(ld, n, "source")) != NULL)
		menu_string(ld, v, nd->id, "source", &nd->source);
}

/* Parses the map of node id to node. */
static void
menu_parse_nodes(struct menu_ld *ld, const yaml_node_t *n)
{
	struct hl_menu		*m = ld->m;
	yaml_node_pair_t	*p;
	struct hl_menu_node	*nd;
	bool			*skip;
	size_t			 i, len;
	char			 e[MENU_ESC];

	if (!menu_expect(ld, n, YAML_MAPPING_NODE, NULL, "nodes",
	    "node ids, each followed by its node"))
		return;
	len = menu_len(n);
	if (len == 0 || len > MENU_MAX_NODES) {
		menu_error(ld, n, NULL, "nodes: there are %zu nodes, a menu "
		    "has 1 to %d", len, MENU_MAX_NODES);
		return;
	}
	m->nodes = menu_calloc(len, sizeof(*m->nodes));
	skip = menu_map_skips(ld, n, NULL, "nodes", "node id");
	p = n->data.mapping.pairs.start;
	for (i = 0; i < len; i++) {
		yaml_node_t	*k = menu_node(ld, p[i].key);

		if (skip[i])
			continue;
		nd = &m->nodes[m->n_nodes++];
		nd->id = menu_strdup((const char *)k->data.scalar.value);
		nd->mark = menu_ymark(k);
		if (!menu_is_word_of(nd->id, MENU_MAX_ID, false, false))
			menu_error(ld, k, NULL, "nodes: '%s' cannot be a node "
			    "id: use 1 to %d small letters a-z, digits and _",
			    menu_esc(e, nd->id), MENU_MAX_ID);
		menu_parse_node(ld, nd, menu_node(ld, p[i].value));
	}
	free(skip);
	ld->nodes_ok = true;
}

/* Parses the engine's own messages. */
static void
menu_parse_messages(struct menu_ld *ld, const yaml_node_t *n)
{
	static const char *const keys[] = { "invalid", "forgotten", "resume",
		"resume_continue", "resume_restart", NULL };
	static const char *const resume_keys[] = { "resume",
		"resume_continue", "resume_restart" };
	struct hl_menu_text	*resume_texts[] = { &ld->m->messages.resume,
		&ld->m->messages.resume_continue,
		&ld->m->messages.resume_restart };
	struct hl_menu_messages	*ms = &ld->m->messages;
	yaml_node_t		*v;
	size_t			 n_resume = 0;

	if (!menu_map_check(ld, n, keys, NULL, "messages",
	    "a block with invalid, forgotten and optionally resume, "
	    "resume_continue, resume_restart"))
		return;
	if ((v = menu_map_need(ld, n, "invalid", NULL, "messages",
	    "the reply to a choice that is no option")) != NULL)
		menu_parse_text(ld, v, NULL, "messages: invalid",
		    &ms->invalid);
	if ((v = menu_map_need(ld, n, "forgotten", NULL, "messages",
	    "the reply to forget-me")) != NULL)
		menu_parse_text(ld, v, NULL, "messages: forgotten",
		    &ms->forgotten);
	/* The USSD resume offer: all three texts, or none. */
	for (size_t i = 0; i < 3; i++)
		n_resume += menu_map_get(ld, n, resume_keys[i]) != NULL;
	for (size_t i = 0; i < 3 && n_resume > 0; i++) {
		char what[40];

		snprintf(what, sizeof what, "messages: %s", resume_keys[i]);
		if ((v = menu_map_need(ld, n, resume_keys[i], NULL, "messages",
		    "resume, resume_continue and resume_restart go "
		    "together")) != NULL)
			menu_parse_text(ld, v, NULL, what, resume_texts[i]);
	}
}

/* Parses a global's list of keys. */
static void
menu_parse_global_keys(struct menu_ld *ld, struct hl_menu_global *gl,
    const yaml_node_t *n, const char *what)
{
	yaml_node_item_t	*it;
	const char		*s;
	char			 e[MENU_ESC];

	if (!menu_expect(ld, n, YAML_SEQUENCE_NODE, NULL, what,
	    "a list of keys"))
		return;
	if (menu_len(n) > MENU_MAX_KEYS) {
		menu_error(ld, n, NULL, "%s: %zu keys, at most %d are allowed",
		    what, menu_len(n), MENU_MAX_KEYS);
		return;
	}
	gl->keys = menu_calloc(menu_len(n), sizeof(*gl->keys));
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		yaml_node_t	*v = menu_node(ld, *it);

		if ((s = menu_scalar(ld, v, NULL, what)) == NULL)
			continue;
		if (!menu_is_key(s)) {
			menu_error(ld, v, NULL, "%s: '%s' cannot be a key: use "
			    "1 to %d characters without spaces", what,
			    menu_esc(e, s), MENU_MAX_KEY_CHARS);
			continue;
		}
		gl->keys[gl->n_keys++] = menu_strdup(s);
	}
}

/* Parses a global's words: per language, a list of words. */
static void
menu_parse_global_words(struct menu_ld *ld, struct hl_menu_global *gl,
    const yaml_node_t *n, const char *what)
{
	yaml_node_pair_t	*p;
	yaml_node_item_t	*it;
	bool			*skip;
	const char		*s;
	size_t			 i;
	int			 li;
	char			 e[MENU_ESC];

	if (!menu_expect(ld, n, YAML_MAPPING_NODE, NULL, what,
	    "a list of words per language, such as {nl: [TERUG], en: "
	    "[BACK]}"))
		return;
	skip = menu_map_skips(ld, n, NULL, what, "language");
	p = n->data.mapping.pairs.start;
	for (i = 0; p + i < n->data.mapping.pairs.top; i++) {
		yaml_node_t	*list = menu_node(ld, p[i].value);

		if (skip[i] || (li = menu_lang_key(ld,
		    menu_node(ld, p[i].key), NULL, what)) < 0)
			continue;
		if (!menu_expect(ld, list, YAML_SEQUENCE_NODE, NULL, what,
		    "a list of words"))
			continue;
		if (menu_len(list) > MENU_MAX_WORDS) {
			menu_error(ld, list, NULL, "%s: %zu words, at most %d "
			    "are allowed", what, menu_len(list),
			    MENU_MAX_WORDS);
			continue;
		}
		gl->words[li] = menu_calloc(menu_len(list), sizeof(char *));
		for (it = list->data.sequence.items.start;
		    it < list->data.sequence.items.top; it++) {
			yaml_node_t	*v = menu_node(ld, *it);

			if ((s = menu_scalar(ld, v, NULL, what)) == NULL)
				continue;
			if (!menu_is_word(s)) {
				menu_error(ld, v, NULL, "%s: '%s' cannot be "
				    "a word: use 1 to %d bytes (letters), no "
				    "tabs or line breaks, no space at either "
				    "end", what, menu_esc(e, s),
				    MENU_MAX_WORD);
				continue;
			}
			gl->words[li][gl->n_words[li]++] =
			    menu_lower(menu_strdup(s));
		}
	}
	free(skip);
}

/* Parses one global: keys, words, label, show and (help) goto. */
static void
menu_parse_global(struct menu_ld *ld, enum hl_global g,
    const yaml_node_t *k, const yaml_node_t *n)
{
	static const char *const keys[] = { "keys", "words", "label", "show",
	    "goto", NULL };
	struct hl_menu_global	*gl = &ld->m->globals[g];
	const char		*name = hl_global_name(g), *s;
	yaml_node_t		*v, *label, *show;
	char			 what[64], e[MENU_ESC];
	size_t			 li, n_words = 0;

	gl->mark = menu_ymark(k);
	gl->show = HL_SHOW_NEVER;
	snprintf(what, sizeof(what), "globals: %s", name);
	if (!menu_map_check(ld, n, keys, NULL, what,
	    "a block with keys, words, label and show"))
		return;
	if ((v = menu_map_get(ld, n, "keys")) != NULL) {
		snprintf(what, sizeof(what), "globals: %s: keys", name);
		menu_parse_global_keys(ld, gl, v, what);
	}
	if ((v = menu_map_get(ld, n, "words")) != NULL) {
		snprintf(what, sizeof(what), "globals: %s: words", name);
		menu_parse_global_words(ld, gl, v, what);
	}
	if ((label = menu_map_get(ld, n, "label")) != NULL) {
		snprintf(what, sizeof(what), "globals: %s: label", name);
		menu_parse_text(ld, label, NULL, what, &gl->label);
		gl->show = HL_SHOW_ALL;
	}
	snprintf(what, sizeof(what), "globals: %s", name);
	if ((show = menu_map_get(ld, n, "show")) != NULL &&
	    (s = menu_scalar(ld, show, NULL, what)) != NULL) {
		if (strcmp(s, "all") == 0)
			gl->show = HL_SHOW_ALL;
		else if (strcmp(s, "start") == 0)
			gl->show = HL_SHOW_START;
		else if (strcmp(s, "inner") == 0)
			gl->show = HL_SHOW_INNER;
		else if (strcmp(s, "never") == 0)
			gl->show = HL_SHOW_NEVER;
		else
			menu_error(ld, show, NULL, "%s: show: '%s' is not a "
			    "choice: use all, start, inner or never", what,
			    menu_esc(e, s));
		if (label == NULL)
			menu_error(ld, show, NULL, "%s: show does nothing "
			    "without a label: add a label or remove show",
			    what);
	}
	if ((v = menu_map_get(ld, n, "goto")) != NULL) {
		if (g != HL_GLOBAL_HELP)
			menu_error(ld, v, NULL, "%s: only help has a goto: "
			    "remove it here", what);
		else if (menu_scalar(ld, v, NULL, what) != NULL)
			menu_add_ref(ld, &gl->target, v, NULL, "%s: goto",
			    what);
	} else if (g == HL_GLOBAL_HELP)
		menu_error(ld, n, NULL, "%s: does not say where it leads: "
		    "add goto: and the id of the help node", what);

	for (li = 0; li < HL_MENU_MAX_LANGS; li++)
		n_words += gl->n_words[li];
	if (g == HL_GLOBAL_LANGUAGE) {
		if (menu_map_get(ld, n, "keys") != NULL || label != NULL)
			menu_error(ld, n, NULL, "%s: takes words only, no keys "
			    "or label (a word listed under a language switches "
			    "to that language)", what);
	} else if (g == HL_GLOBAL_MORE && (gl->n_keys == 0 ||
	    label == NULL))
		menu_error(ld, n, NULL, "%s: needs keys and a label: every "
		    "page of a long screen but the last ends with them", what);
	else if (label != NULL && gl->n_keys == 0)
		menu_error(ld, label, NULL, "%s: a label is shown next to a "
		    "key, and there are no keys: add keys or remove the label",
		    what);
	if (gl->n_keys == 0 && n_words == 0 && menu_map_get(ld, n, "keys") ==
	    NULL && menu_map_get(ld, n, "words") == NULL)
		menu_error(ld, n, NULL, "%s: has no keys and no words, so no "
		    "caller can use it: add some", what);
}

/* Parses the map of globals. */
static void
menu_parse_globals(struct menu_ld *ld, const yaml_node_t *n)
{
	yaml_node_pair_t	*p;
	int			 g;

	static const char *const keys[] = { "back", "home", "help", "more",
	    "forget", "language", NULL };

	if (!menu_map_check(ld, n, keys, NULL, "globals",
	    "a block with back, home, help, more, forget and language"))
		return;
	for (g = 0; g < HL_GLOBAL__MAX; g++) {
		if ((p = menu_map_pair(ld, n, hl_global_name(g))) == NULL) {
			if (g != HL_GLOBAL_HELP)
				menu_error_in(ld, n, NULL, "globals", "'%s' is "
				    "missing: add it", hl_global_name(g));
			continue;
		}
		menu_parse_global(ld, (enum hl_global)g,
		    menu_node(ld, p->key), menu_node(ld, p->value));
	}
}

/* Parses one language's keywords: word to node id. */
static void
menu_parse_keywords_lang(struct menu_ld *ld, int li, const yaml_node_t *n)
{
	struct hl_menu		*m = ld->m;
	struct hl_menu_keyword	*kw;
	yaml_node_pair_t	*p;
	bool			*skip;
	size_t			 i, len;
	char			 what[32], e[MENU_ESC];

	snprintf(what, sizeof(what), "keywords: %s", m->languages[li]);
	if (!menu_expect(ld, n, YAML_MAPPING_NODE, NULL, what,
	    "words, each with the node it leads to, such as {huisarts: "
	    "role_gp}"))
		return;
	if ((len = menu_len(n)) > MENU_MAX_KEYWORDS) {
		menu_error(ld, n, NULL, "%s: %zu keywords, at most %d are "
		    "allowed", what, len, MENU_MAX_KEYWORDS);
		return;
	}
	m->keywords[li] = menu_calloc(len, sizeof(*m->keywords[li]));
	skip = menu_map_skips(ld, n, NULL, what, "keyword");
	p = n->data.mapping.pairs.start;
	for (i = 0; i < len; i++) {
		yaml_node_t	*k = menu_node(ld, p[i].key);
		yaml_node_t	*v = menu_node(ld, p[i].value);
		const char	*s = (const char *)k->data.scalar.value;

		if (skip[i])
			continue;
		if (!menu_is_word(s)) {
			menu_error(ld, k, NULL, "%s: '%s' cannot be a "
			    "keyword: use 1 to %d bytes (letters), no tabs or "
			    "line breaks, no space at either end", what,
			    menu_esc(e, s), MENU_MAX_WORD);
			continue;
		}
		kw = &m->keywords[li][m->n_keywords[li]++];
		kw->word = menu_lower(menu_strdup(s));
		kw->mark = menu_ymark(k);
		if (menu_scalar(ld, v, NULL, what) != NULL)
			menu_add_ref(ld, &kw->target, v, NULL, "%s: %s", what,
			    menu_esc(e, s));
	}
	free(skip);
}

/* Parses the keywords: per language, word to node id. */
static void
menu_parse_keywords(struct menu_ld *ld, const yaml_node_t *n)
{
	yaml_node_pair_t	*p;
	bool			*skip;
	size_t			 i;
	int			 li;

	if (!menu_expect(ld, n, YAML_MAPPING_NODE, NULL, "keywords",
	    "keywords per language, such as {nl: {huisarts: role_gp}}"))
		return;
	skip = menu_map_skips(ld, n, NULL, "keywords", "language");
	p = n->data.mapping.pairs.start;
	for (i = 0; p + i < n->data.mapping.pairs.top; i++) {
		if (skip[i] || (li = menu_lang_key(ld,
		    menu_node(ld, p[i].key), NULL, "keywords")) < 0)
			continue;
		menu_parse_keywords_lang(ld, li, menu_node(ld, p[i].value));
	}
	free(skip);
}

/* Orders node pointers by id. */
static int
menu_node_cmp(const void *a, const void *b)
{
	const struct hl_menu_node *const	*na = a, *const *nb = b;

	return strcmp((*na)->id, (*nb)->id);
}

/* Compares a node name (the key) with a node pointer, for bsearch. */
static int
menu_name_cmp(const void *name, const void *b)
{
	const struct hl_menu_node *const	*nb = b;

	return strcmp(name, (*nb)->id);
}

/* Resolves every remembered node name, reporting unknown ones. */
static void
menu_resolve(struct menu_ld *ld)
{
	struct hl_menu		 *m = ld->m;
	struct hl_menu_node	**index, **hit;
	size_t			  i;
	char			  e[MENU_ESC];

	index = menu_calloc(m->n_nodes, sizeof(*index));
	for (i = 0; i < m->n_nodes; i++)
		index[i] = &m->nodes[i];
	qsort(index, m->n_nodes, sizeof(*index), menu_node_cmp);
	for (i = 0; i < ld->n_refs; i++) {
		struct menu_ref	*r = &ld->refs[i];

		hit = bsearch(r->name, index, m->n_nodes, sizeof(*index),
		    menu_name_cmp);
		if (hit != NULL)
			*r->slot = *hit;
		else
			menu_error_at(ld, r->mark, r->node, "%s: there is no "
			    "node '%s': check the spelling, or add that node",
			    r->what, menu_esc(e, r->name));
	}
	free(index);
}

/*
 * Sets each node's parent: the node whose option first reaches it in a
 * breadth-first walk over goto options, from the start node and then from
 * the other ways in (the help node, keyword targets), so that "back" is the
 * same for every caller.  The start node and those roots keep NULL.
 */
static void
menu_set_parents(struct hl_menu *m)
{
	struct hl_menu_node	**queue;
	bool			 *seen;
	size_t			  head = 0, tail = 0, i, k, li;

	if (m->n_nodes == 0)
		return;
	queue = menu_calloc(m->n_nodes, sizeof(*queue));
	seen = menu_calloc(m->n_nodes, sizeof(*seen));
	for (k = 0;; k++) {
		const struct hl_menu_node	*root = NULL;
		size_t				 kk = k;

		if (kk == 0)
			root = m->start;
		else if (kk == 1)
			root = m->globals[HL_GLOBAL_HELP].target;
		else {
			kk -= 2;
			for (li = 0; li < HL_MENU_MAX_LANGS; li++) {
				if (kk < m->n_keywords[li])
					break;
				kk -= m->n_keywords[li];
			}
			if (li == HL_MENU_MAX_LANGS)
				break;
			root = m->keywords[li][kk].target;
		}
		if (root == NULL || seen[root - m->nodes])
			continue;
		seen[root - m->nodes] = true;
		queue[tail++] = &m->nodes[root - m->nodes];
		while (head < tail) {
			struct hl_menu_node	*nd = queue[head++];

			for (i = 0; i < nd->n_options; i++) {
				const struct hl_menu_node *t =
				    nd->options[i].target;

				if (t == NULL || seen[t - m->nodes])
					continue;
				seen[t - m->nodes] = true;
				queue[tail] = &m->nodes[t - m->nodes];
				queue[tail++]->parent = nd;
			}
		}
	}
	free(seen);
	free(queue);
}

/* Walks the document's top level. */
static void
menu_parse_root(struct menu_ld *ld, const yaml_node_t *root)
{
	static const char *const keys[] = { "helpline", "version",
	    "languages", "start", "messages", "globals", "nodes", "keywords",
	    NULL };
	static const char *const need[] = { "helpline", "version",
	    "languages", "start", "messages", "globals", "nodes", NULL };
	struct hl_menu	*m = ld->m;
	yaml_node_t	*v;
	size_t		 i;
	char		 e[MENU_ESC];

	if (!menu_map_check(ld, root, keys, NULL, NULL,
	    "a block with helpline, version, languages, start, messages, "
	    "globals and nodes"))
		return;
	for (i = 0; need[i] != NULL; i++)
		if (menu_map_get(ld, root, need[i]) == NULL)
			menu_error(ld, root, NULL, "'%s' is missing at the top "
			    "level of the file: add it", need[i]);
	if ((v = menu_map_get(ld, root, "helpline")) != NULL &&
	    menu_string(ld, v, NULL, "helpline", &m->helpline) &&
	    !menu_is_word_of(m->helpline, MENU_MAX_ID, true, true))
		menu_error(ld, v, NULL, "helpline: '%s' cannot be a name: use "
		    "1 to %d letters A-Z, a-z, digits, '.', '-' and '_'",
		    menu_esc(e, m->helpline), MENU_MAX_ID);
	if ((v = menu_map_get(ld, root, "version")) != NULL &&
	    menu_string(ld, v, NULL, "version", &m->version) &&
	    !menu_is_word_of(m->version, MENU_MAX_ID, true, true))
		menu_error(ld, v, NULL, "version: '%s' cannot be a version: "
		    "use 1 to %d letters A-Z, a-z, digits, '.', '-' and '_', "
		    "such as 2026-11-23.1", menu_esc(e, m->version),
		    MENU_MAX_ID);
	/* Without languages no text can be checked: stop here. */
	if ((v = menu_map_get(ld, root, "languages")) == NULL ||
	    !menu_parse_languages(ld, v))
		return;
	if ((v = menu_map_get(ld, root, "nodes")) != NULL)
		menu_parse_nodes(ld, v);
	if ((v = menu_map_get(ld, root, "start")) != NULL &&
	    menu_scalar(ld, v, NULL, "start") != NULL)
		menu_add_ref(ld, &m->start, v, NULL, "start");
	if ((v = menu_map_get(ld, root, "messages")) != NULL)
		menu_parse_messages(ld, v);
	if ((v = menu_map_get(ld, root, "globals")) != NULL)
		menu_parse_globals(ld, v);
	if ((v = menu_map_get(ld, root, "keywords")) != NULL)
		menu_parse_keywords(ld, v);
	if (ld->nodes_ok) {
		menu_resolve(ld);
		menu_set_parents(m);
	}
}

/* Returns where byte offset off of buf stands (libyaml counts characters). */
static struct hl_menu_mark
menu_offset_mark(const char *buf, size_t len, size_t off)
{
	struct hl_menu_mark	mark = { 1, 1 };
	size_t			pos = 0;

	while (pos < off && pos < len) {
		char	c = buf[pos];

		if (hl_utf8_next(buf, len, &pos) < 0)
			pos++;
		if (c == '\n' || (c == '\r' && (pos >= len ||
		    buf[pos] != '\n'))) {
			mark.line++;
			mark.column = 1;
		} else if (c != '\r')
			mark.column++;
	}
	return mark;
}

/* Reports the first byte that is not UTF-8; returns -1 if there is one. */
static int
menu_check_utf8(struct menu_ld *ld, const char *buf, size_t len)
{
	size_t	pos = 0;

	while (pos < len) {
		if (hl_utf8_next(buf, len, &pos) < 0) {
			menu_error_at(ld, menu_offset_mark(buf, len, pos),
			    NULL, "byte 0x%02x is not UTF-8: save the file as "
			    "UTF-8", (unsigned char)buf[pos]);
			return -1;
		}
	}
	return 0;
}

/* Reports a libyaml parse error. */
static void
menu_yaml_error(struct menu_ld *ld, const yaml_parser_t *p, const char *buf,
    size_t len)
{
	struct hl_menu_mark	mark;

	if (p->error == YAML_READER_ERROR)
		mark = menu_offset_mark(buf, len, p->problem_offset);
	else
		mark = menu_mark(&p->problem_mark);
	if (p->error == YAML_MEMORY_ERROR)
		abort();
	if (p->context != NULL)
		menu_error_at(ld, mark, NULL, "the file's layout is broken "
		    "here (YAML: %s, %s on line %lu): check indentation, "
		    "colons and quotes", p->problem != NULL ? p->problem :
		    "error", p->context,
		    (unsigned long)p->context_mark.line + 1);
	else
		menu_error_at(ld, mark, NULL, "the file's layout is broken "
		    "here (YAML: %s): check indentation, colons and quotes",
		    p->problem != NULL ? p->problem : "error");
}

/* Open collections while a document is composed from events. */
struct menu_compose {
	int	open[MENU_MAX_DEPTH + 1];	/* node ids */
	int	key[MENU_MAX_DEPTH + 1];	/* a mapping's pending key, 0 */
	size_t	depth;
};

/* Sets a composed node's marks (yaml_document_add_* leaves them zero). */
static void
menu_compose_marks(yaml_document_t *doc, int id, const yaml_event_t *ev)
{
	doc->nodes.start[id - 1].start_mark = ev->start_mark;
	doc->nodes.start[id - 1].end_mark = ev->end_mark;
}

/* Hangs a new node under the innermost open collection: a list item, or
 * a mapping's key, then its value. */
static void
menu_compose_add(yaml_document_t *doc, struct menu_compose *c, int id)
{
	size_t	top;
	int	ok = 1;

	if (id == 0)
		abort();
	if (c->depth == 0)
		return;		/* the root */
	top = c->depth - 1;
	if (yaml_document_get_node(doc, c->open[top])->type ==
	    YAML_SEQUENCE_NODE)
		ok = yaml_document_append_sequence_item(doc, c->open[top], id);
	else if (c->key[top] == 0)
		c->key[top] = id;
	else {
		ok = yaml_document_append_mapping_pair(doc, c->open[top],
		    c->key[top], id);
		c->key[top] = 0;
	}
	if (!ok)
		abort();
}

/* Adds the node an event starts (nothing for other events). */
static void
menu_compose_event(yaml_document_t *doc, struct menu_compose *c,
    const yaml_event_t *ev)
{
	int	id;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		id = yaml_document_add_scalar(doc, NULL,
		    ev->data.scalar.value, (int)ev->data.scalar.length,
		    ev->data.scalar.style);
		menu_compose_marks(doc, id, ev);
		menu_compose_add(doc, c, id);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		id = ev->type == YAML_SEQUENCE_START_EVENT ?
		    yaml_document_add_sequence(doc, NULL,
		    ev->data.sequence_start.style) :
		    yaml_document_add_mapping(doc, NULL,
		    ev->data.mapping_start.style);
		menu_compose_marks(doc, id, ev);
		menu_compose_add(doc, c, id);
		c->open[c->depth] = id;
		c->key[c->depth++] = 0;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		c->depth--;
		doc->nodes.start[c->open[c->depth] - 1].end_mark =
		    ev->end_mark;
		break;
	default:
		break;
	}
}

/*
 * Parses the file once, event by event, checking what it may hold (one
 * document, no anchors, aliases or tags: an alias can make a cycle or a
 * billion laughs; a bounded number and depth of nodes) and composing the
 * document as libyaml's own loader would, with the same marks.  One pass
 * instead of a check and then yaml_parser_load halves the parsing time of
 * a publish.  Returns 0 with *doc to delete, or -1 (nothing to delete).
 */
static int
menu_compose(struct menu_ld *ld, const char *buf, size_t len,
    yaml_document_t *doc)
{
	yaml_parser_t		 p;
	yaml_event_t		 ev;
	struct menu_compose	 c = { .depth = 0 };
	size_t			 docs = 0, count = 0, depth = 0;
	int			 ret = -1, errors = 0;
	bool			 done = false;
	const char		*anchor, *tag;
	char			 e[MENU_ESC];

	if (!yaml_parser_initialize(&p) ||
	    !yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1))
		abort();
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			menu_yaml_error(ld, &p, buf, len);
			goto out;
		}
		anchor = tag = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				menu_error_at(ld, menu_mark(&ev.start_mark),
				    NULL, "a second YAML document starts "
				    "here: a menu file holds one (remove "
				    "'---' and what follows)");
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_ALIAS_EVENT:
			menu_error_at(ld, menu_mark(&ev.start_mark), NULL,
			    "aliases (*name) are not allowed: write the text "
			    "out in full");
			errors++;
			break;
		case YAML_SCALAR_EVENT:
			anchor = (const char *)ev.data.scalar.anchor;
			tag = (const char *)ev.data.scalar.tag;
			count++;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			/* The two start events share one layout. */
			anchor = ev.type == YAML_SEQUENCE_START_EVENT ?
			    (const char *)ev.data.sequence_start.anchor :
			    (const char *)ev.data.mapping_start.anchor;
			tag = ev.type == YAML_SEQUENCE_START_EVENT ?
			    (const char *)ev.data.sequence_start.tag :
			    (const char *)ev.data.mapping_start.tag;
			count++;
			if (++depth > MENU_MAX_DEPTH) {
				menu_error_at(ld, menu_mark(&ev.start_mark),
				    NULL, "indented deeper than %d levels: "
				    "a menu needs far fewer",
				    MENU_MAX_DEPTH);
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (anchor != NULL) {
			menu_error_at(ld, menu_mark(&ev.start_mark), NULL,
			    "anchors (&%s) are not allowed: write the text out "
			    "in full", menu_esc(e, anchor));
			errors++;
		}
		if (tag != NULL) {
			menu_error_at(ld, menu_mark(&ev.start_mark), NULL,
			    "tags (%s) are not allowed: remove it",
			    menu_esc(e, tag));
			errors++;
		}
		if (errors == 0)
			menu_compose_event(doc, &c, &ev);
		yaml_event_delete(&ev);
		if (count > MENU_MAX_YAML_NODES) {
			menu_error_at(ld, menu_offset_mark(buf, len, 0), NULL,
			    "the file has more than %d values: make it "
			    "smaller", MENU_MAX_YAML_NODES);
			goto out;
		}
	}
	if (docs == 0) {
		menu_error_at(ld, menu_offset_mark(buf, len, 0), NULL,
		    "the file is empty: a menu starts with helpline, "
		    "version, languages, start, messages, globals and nodes");
		goto out;
	}
	if (errors == 0)
		ret = 0;
out:
	yaml_parser_delete(&p);
	if (ret == -1)
		yaml_document_delete(doc);
	return ret;
}

/* The same from memory; name is used in diagnostics. */
struct hl_menu *
hl_menu_load_buffer(const char *name, const char *yaml, size_t len,
    const struct hl_menu_check_opts *opts, struct hl_diags *diags)
{
	struct menu_ld		 ld = { .file = name, .diags = diags };
	struct hl_menu_mark	 top = { 1, 1 };
	yaml_document_t		 doc;
	yaml_node_t		*root;
	size_t			 errors = diags->n_errors;

	if (len > MENU_MAX_BYTES) {
		menu_error_at(&ld, top, NULL, "the file is %zu bytes, at most "
		    "%d are allowed: make it smaller", len, MENU_MAX_BYTES);
		return NULL;
	}
	if (menu_check_utf8(&ld, yaml, len) == -1 ||
	    menu_compose(&ld, yaml, len, &doc) == -1)
		return NULL;

	ld.doc = &doc;
	ld.m = menu_calloc(1, sizeof(*ld.m));
	ld.m->file = menu_strdup(name);
	if ((root = yaml_document_get_root_node(&doc)) != NULL)
		menu_parse_root(&ld, root);
	yaml_document_delete(&doc);
	free(ld.refs);

	hl_menu_check(ld.m, opts, diags);
	if (diags->n_errors > errors) {
		hl_menu_free(ld.m);
		return NULL;
	}
	return ld.m;
}

/*
 * Says why a file cannot be opened or read, in words a coordinator can act
 * on; other causes keep the C library's English text.
 */
static const char *
menu_errno(struct menu_ld *ld, int e)
{
	switch (e) {
	case ENOENT:
		return menu_tr(ld, "there is no file by that name (check the "
		    "name and the folder)");
	case EACCES:
	case EPERM:
		return menu_tr(ld, "you may not read it (ask for read "
		    "permission)");
	case EISDIR:
		return menu_tr(ld, "that is a folder, not a file");
	default:
		return strerror(e);
	}
}

/* Parses a YAML menu from a file and checks it. */
struct hl_menu *
hl_menu_load_file(const char *path, const struct hl_menu_check_opts *opts,
    struct hl_diags *diags)
{
	struct menu_ld		 ld = { .file = path, .diags = diags };
	struct hl_menu_mark	 top = { 0, 0 }, first = { 1, 1 };
	struct hl_menu		*m = NULL;
	char			*buf = NULL;
	size_t			 len = 0;
	ssize_t			 r;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		menu_error_at(&ld, top, NULL, "cannot open the file: %s",
		    menu_errno(&ld, errno));
		return NULL;
	}
	/* Read at most one byte more than allowed, to tell "too large". */
	buf = menu_calloc(MENU_MAX_BYTES + 1, 1);
	while (len < MENU_MAX_BYTES + 1) {
		r = read(fd, buf + len, MENU_MAX_BYTES + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			menu_error_at(&ld, top, NULL, "cannot read the file: "
			    "%s", menu_errno(&ld, errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > MENU_MAX_BYTES) {
		menu_error_at(&ld, first, NULL, "the file is over %d bytes, "
		    "the most allowed: make it smaller", MENU_MAX_BYTES);
		goto out;
	}
	m = hl_menu_load_buffer(path, buf, len, opts, diags);
out:
	close(fd);
	free(buf);
	return m;
}

/* Frees a localised text. */
static void
menu_text_free(struct hl_menu_text *t)
{
	size_t	i;

	for (i = 0; i < HL_MENU_MAX_LANGS; i++)
		free(t->s[i]);
}

/* Frees one node's contents. */
static void
menu_node_free(struct hl_menu_node *nd)
{
	size_t	i;

	free(nd->id);
	menu_text_free(&nd->text);
	for (i = 0; i < nd->n_options; i++) {
		free(nd->options[i].key);
		menu_text_free(&nd->options[i].label);
	}
	free(nd->options);
	if (nd->contact != NULL) {
		free(nd->contact->name);
		free(nd->contact->phone);
		free(nd->contact->url);
		free(nd->contact->source);
		free(nd->contact->checked);
		free(nd->contact);
	}
	free(nd->source);
}

/* Frees a tree and everything in it. */
void
hl_menu_free(struct hl_menu *m)
{
	size_t	i, j, li;

	if (m == NULL)
		return;
	for (i = 0; i < m->n_nodes; i++)
		menu_node_free(&m->nodes[i]);
	free(m->nodes);
	for (i = 0; i < HL_GLOBAL__MAX; i++) {
		struct hl_menu_global	*gl = &m->globals[i];

		for (j = 0; j < gl->n_keys; j++)
			free(gl->keys[j]);
		free(gl->keys);
		for (li = 0; li < HL_MENU_MAX_LANGS; li++) {
			for (j = 0; j < gl->n_words[li]; j++)
				free(gl->words[li][j]);
			free(gl->words[li]);
		}
		menu_text_free(&gl->label);
	}
	for (li = 0; li < HL_MENU_MAX_LANGS; li++) {
		for (j = 0; j < m->n_keywords[li]; j++)
			free(m->keywords[li][j].word);
		free(m->keywords[li]);
		free(m->languages[li]);
	}
	menu_text_free(&m->messages.invalid);
	menu_text_free(&m->messages.forgotten);
	menu_text_free(&m->messages.resume);
	menu_text_free(&m->messages.resume_continue);
	menu_text_free(&m->messages.resume_restart);
	free(m->file);
	free(m->helpline);
	free(m->version);
	free(m);
}

/* Returns true if the tree can offer a dropped USSD caller to resume. */
bool
hl_menu_can_resume(const struct hl_menu *m)
{
	return m->messages.resume.s[0] != NULL &&
	    m->messages.resume_continue.s[0] != NULL &&
	    m->messages.resume_restart.s[0] != NULL;
}

/* Finds a node by id; NULL if none. */
const struct hl_menu_node *
hl_menu_node_find(const struct hl_menu *m, const char *id)
{
	size_t	i;

	for (i = 0; i < m->n_nodes; i++)
		if (strcmp(m->nodes[i].id, id) == 0)
			return &m->nodes[i];
	return NULL;
}

/* Returns the index of a language code in the tree, or -1. */
int
hl_menu_lang_index(const struct hl_menu *m, const char *lang)
{
	size_t	i;

	for (i = 0; i < m->n_languages; i++)
		if (strcmp(m->languages[i], lang) == 0)
			return (int)i;
	return -1;
}

/* Returns the text in language li, else the first language's, else "". */
const char *
hl_menu_text_get(const struct hl_menu_text *t, int li)
{
	if (li >= 0 && li < HL_MENU_MAX_LANGS && t->s[li] != NULL)
		return t->s[li];
	if (t->s[0] != NULL)
		return t->s[0];
	return "";
}

static const char *const menu_global_names[HL_GLOBAL__MAX] = {
	[HL_GLOBAL_BACK] = "back",
	[HL_GLOBAL_HOME] = "home",
	[HL_GLOBAL_HELP] = "help",
	[HL_GLOBAL_MORE] = "more",
	[HL_GLOBAL_FORGET] = "forget",
	[HL_GLOBAL_LANGUAGE] = "language",
};

/* Returns a global's name as the file spells it. */
const char *
hl_global_name(enum hl_global g)
{
	return menu_global_names[g];
}
