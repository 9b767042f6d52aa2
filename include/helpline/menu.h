/*
 * menu.h - menu trees: load a YAML file, check it, keep it immutable.
 *
 * The format is described in menus/FORMAT.md.  A loaded tree is never
 * changed; a reload builds a new tree beside the old one and the caller
 * swaps one pointer (STYLE.md convention 6).  The structs are visible so the
 * engine and the checker can walk them; treat every field as read-only.
 *
 * Text is held per language: a struct hl_menu_text has one string per
 * language of the tree, in the order of the file's `languages:` list.
 *
 * Findings (struct hl_diag) are written for the coordinators who edit the
 * file, in English or Dutch (struct hl_diags.lang): call sites pass English
 * printf formats, which gcc checks, and daemon/diag_nl.c maps each to its
 * Dutch twin with the same conversions.
 */
#ifndef HELPLINE_MENU_H
#define HELPLINE_MENU_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "helpline/text.h"

#define HL_MENU_MAX_LANGS 8

/* Where something stands in its file (1-based, as libyaml reports + 1;
 * line 0 only for a tree not loaded from a file). */
struct hl_menu_mark {
	unsigned line;
	unsigned column;
};

struct hl_menu_text {
	char *s[HL_MENU_MAX_LANGS];	/* NULL where a translation is missing */
	struct hl_menu_mark mark;	/* the map of translations */
	struct hl_menu_mark at[HL_MENU_MAX_LANGS];	/* each translation */
};

enum hl_menu_action {
	HL_ACTION_GOTO,		/* go to `target` */
	HL_ACTION_LANGUAGE,	/* switch to the next language, stay here */
};

struct hl_menu_node;

struct hl_menu_option {
	char *key;			/* what the user types: "1" */
	struct hl_menu_text label;
	enum hl_menu_action action;
	const struct hl_menu_node *target;	/* HL_ACTION_GOTO */
	struct hl_menu_mark mark;	/* the option */
	struct hl_menu_mark key_mark;	/* its key's value */
};

struct hl_menu_contact {
	char *name;
	char *phone;		/* as printed, may be NULL (URL-only contact) */
	char *url;		/* may be NULL */
	char *source;		/* where the number was verified */
	char *checked;		/* "YYYY-MM-DD" */
	struct hl_menu_mark mark;	/* the contact block */
	struct hl_menu_mark phone_mark;	/* the phone's value */
	struct hl_menu_mark checked_mark;	/* the checked date's value */
};

struct hl_menu_node {
	char *id;
	struct hl_menu_text text;
	struct hl_menu_option *options;
	size_t n_options;
	struct hl_menu_contact *contact;	/* NULL if not a contact screen */
	char *source;			/* provenance of the content, may be NULL */
	/* Where "back" leads: the first node that links here in a
	 * breadth-first walk from the start node; NULL for the start node
	 * and for unreachable nodes. */
	const struct hl_menu_node *parent;
	struct hl_menu_mark mark;
};

/* Global keys and words that work on every screen. */
enum hl_global {
	HL_GLOBAL_BACK,
	HL_GLOBAL_HOME,
	HL_GLOBAL_HELP,
	HL_GLOBAL_MORE,		/* next page of a long screen */
	HL_GLOBAL_FORGET,	/* delete my session now */
	HL_GLOBAL_LANGUAGE,	/* words only: a word of language L switches to L */
	HL_GLOBAL__MAX,
};

/* Where a global's label is shown in the navigation line. */
enum hl_global_show {
	HL_SHOW_NEVER,		/* no label: works, is not listed */
	HL_SHOW_ALL,
	HL_SHOW_START,		/* only on the start node */
	HL_SHOW_INNER,		/* on every node but the start node */
};

struct hl_menu_global {
	char **keys;		/* exact matches, language-independent */
	size_t n_keys;
	char **words[HL_MENU_MAX_LANGS];	/* case-insensitive, per language */
	size_t n_words[HL_MENU_MAX_LANGS];
	struct hl_menu_text label;	/* empty: not listed */
	enum hl_global_show show;
	const struct hl_menu_node *target;	/* HELP: the help node */
	struct hl_menu_mark mark;
};

struct hl_menu_keyword {
	char *word;		/* stored lower-case */
	const struct hl_menu_node *target;
	struct hl_menu_mark mark;
};

/* The engine's own words, per language. */
struct hl_menu_messages {
	struct hl_menu_text invalid;	/* "Ongeldige keuze. Kies een nummer." */
	struct hl_menu_text forgotten;	/* reply to forget-me */
	/* The offer to a USSD caller whose session dropped mid-menu and who
	 * dials again: "<resume>\n1 <resume_continue>\n2 <resume_restart>".
	 * Optional, all three or none: without them a redial starts afresh
	 * (see hl_menu_can_resume). */
	struct hl_menu_text resume;
	struct hl_menu_text resume_continue;
	struct hl_menu_text resume_restart;
};

struct hl_menu {
	char *file;		/* the name diagnostics use */
	char *helpline;
	char *version;
	char *languages[HL_MENU_MAX_LANGS];
	size_t n_languages;
	const struct hl_menu_node *start;
	struct hl_menu_node *nodes;	/* in file order */
	size_t n_nodes;
	struct hl_menu_global globals[HL_GLOBAL__MAX];
	struct hl_menu_keyword *keywords[HL_MENU_MAX_LANGS];
	size_t n_keywords[HL_MENU_MAX_LANGS];
	struct hl_menu_messages messages;
};

enum hl_diag_severity {
	HL_DIAG_ERROR,
	HL_DIAG_WARNING,
};

/* One finding, always with where it is. */
struct hl_diag {
	enum hl_diag_severity severity;
	char *file;
	unsigned line;
	unsigned column;
	char *node;		/* node id it is about, or NULL */
	char *message;		/* what is wrong and what is expected */
};

struct hl_diags {
	struct hl_diag *items;
	size_t n;
	size_t n_errors;
	const char *lang;	/* language of the messages: "nl" or "en";
				 * NULL is English (the daemon's log) */
	size_t n_untranslated;	/* formats and fragments that had no
				 * translation in lang and fell back to
				 * English (a test keeps this at 0) */
	const char *untranslated;	/* the last of them, or NULL */
};

/*
 * Adds a finding.  fmt is an English printf format (a literal, so gcc
 * checks the arguments); in a list whose lang is "nl" the message is made
 * from its Dutch twin in the catalogue, or from fmt itself if there is
 * none (counted in n_untranslated).  Aborts on out-of-memory.
 */
void hl_diags_add(struct hl_diags *, enum hl_diag_severity, const char *file,
    struct hl_menu_mark, const char *node, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The same with a va_list, for wrappers. */
void hl_diags_vadd(struct hl_diags *, enum hl_diag_severity,
    const char *file, struct hl_menu_mark, const char *node, const char *fmt,
    va_list ap) __attribute__((format(printf, 6, 0)));

/* Returns a fixed English fragment of a message ("a list", "option") in the
 * list's language, counting a miss like hl_diags_add.  The result is
 * static. */
const char *hl_diags_tr(struct hl_diags *, const char *english);

/* Formats a part of a message ("option %zu") in the list's language into
 * buf, like snprintf.  Returns what snprintf returns. */
int hl_diags_snprintf(struct hl_diags *, char *buf, size_t len,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Frees every finding and empties the list (lang is kept). */
void hl_diags_clear(struct hl_diags *);

/* Formats one finding as "file:line:column: error: node X: message"
 * (English frame words).  Returns 0, or -1 if buf was too small (it then
 * holds a truncated, NUL-terminated line). */
int hl_diag_format(const struct hl_diag *, char *buf, size_t len);

/* The same with the frame words in a language: "nl" gives
 * "file:line:column: fout|waarschuwing: knooppunt X: message"; anything
 * else English.  The message itself is in the language of the list it was
 * added to. */
int hl_diag_format_in(const struct hl_diag *, const char *lang, char *buf,
    size_t len);

/* Returns the translation of an English format or fragment into lang, or
 * NULL if lang is English (or NULL) or the catalogue has none. */
const char *hl_diag_translate(const char *lang, const char *english);

/* Returns pair i of lang's catalogue through *english and *translated;
 * false past the end (tests walk it to compare conversions). */
bool hl_diag_catalogue(const char *lang, size_t i, const char **english,
    const char **translated);

/* What the checker measures screens against, and the day contacts age from. */
struct hl_menu_check_opts {
	struct hl_budget sms;		/* channel HL_CHANNEL_SMS */
	struct hl_budget ussd;		/* channel HL_CHANNEL_USSD */
	const char *region;		/* for contact numbers, "NL" */
	const char *today;		/* "YYYY-MM-DD"; contacts older than a
					 * year from it get a warning */
};

/* Parses a YAML menu from a file and checks it.  Findings are appended to
 * diags (which the caller clears).  Returns the tree if there were no errors
 * (warnings allowed), else NULL.  The caller frees with hl_menu_free(). */
struct hl_menu *hl_menu_load_file(const char *path,
    const struct hl_menu_check_opts *, struct hl_diags *diags);

/* The same from memory; name is used in diagnostics. */
struct hl_menu *hl_menu_load_buffer(const char *name, const char *yaml,
    size_t len, const struct hl_menu_check_opts *, struct hl_diags *diags);

/* Runs the semantic checks on a parsed tree (the loaders call it). */
void hl_menu_check(const struct hl_menu *, const struct hl_menu_check_opts *,
    struct hl_diags *diags);

void hl_menu_free(struct hl_menu *);

/* Returns true if the tree has the resume offer's three messages. */
bool hl_menu_can_resume(const struct hl_menu *);

/* Finds a node by id; NULL if none. */
const struct hl_menu_node *hl_menu_node_find(const struct hl_menu *,
    const char *id);

/* Returns a global's name as the file spells it ("back", "more", ...). */
const char *hl_global_name(enum hl_global);

/* Returns the index of a language code in the tree, or -1. */
int hl_menu_lang_index(const struct hl_menu *, const char *lang);

/* Returns the text in language index li, falling back to the first
 * language if that translation is missing (never NULL for a checked tree;
 * "" if empty). */
const char *hl_menu_text_get(const struct hl_menu_text *, int li);

#endif
