/*
 * config.c - the INI configuration file, parsed by inih.
 *
 * inih (Debian libinih) is a small, well-kept INI parser: it handles
 * comments, sections and line numbers, so we do not hand-write one.  We
 * keep every (section, key, value, line) and let modules read what they
 * know; anything left unread is reported as an unknown key.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "helpline/config.h"

struct config_entry {
	char *section;
	char *key;
	char *value;
	unsigned line;
	bool used;
};

struct hl_config {
	char *file;
	unsigned reading_line;	/* line inih is on while loading */
	struct config_entry *entries;
	size_t n;
	size_t cap;
};

/* Creates an empty config. */
struct hl_config *
hl_config_new(void)
{
	return calloc(1, sizeof(struct hl_config));
}

/* Appends an entry, or replaces the value of an existing one. */
static int
config_put(struct hl_config *cfg, const char *section, const char *key,
    const char *value, unsigned line)
{
	for (size_t i = 0; i < cfg->n; i++) {
		struct config_entry *e = &cfg->entries[i];

		if (strcmp(e->section, section) == 0 &&
		    strcmp(e->key, key) == 0) {
			char *v = strdup(value);

			if (v == NULL)
				return -1;
			free(e->value);
			e->value = v;
			e->line = line;
			return 0;
		}
	}
	if (cfg->n == cfg->cap) {
		size_t cap = cfg->cap ? cfg->cap * 2 : 16;
		struct config_entry *p;

		p = reallocarray(cfg->entries, cap, sizeof *p);
		if (p == NULL)
			return -1;
		cfg->entries = p;
		cfg->cap = cap;
	}
	struct config_entry *e = &cfg->entries[cfg->n];

	e->section = strdup(section);
	e->key = strdup(key);
	e->value = strdup(value);
	e->line = line;
	e->used = false;
	if (e->section == NULL || e->key == NULL || e->value == NULL) {
		free(e->section);
		free(e->key);
		free(e->value);
		return -1;
	}
	cfg->n++;
	return 0;
}

/* Receives one key from inih; returns nonzero to go on. */
static int
config_handler(void *user, const char *section, const char *key,
    const char *value)
{
	struct hl_config *cfg = user;

	return config_put(cfg, section, key, value, cfg->reading_line) == 0;
}

struct config_reader {
	FILE *f;
	struct hl_config *cfg;
};

/* Reads one line for inih, counting lines: Debian builds inih without
 * INI_HANDLER_LINENO, and findings must name their line. */
static char *
config_read_line(char *buf, int size, void *stream)
{
	struct config_reader *r = stream;
	char *line = fgets(buf, size, r->f);

	if (line != NULL)
		r->cfg->reading_line++;
	return line;
}

/* Reads an INI file. */
struct hl_config *
hl_config_load(const char *path, char *err, size_t errlen)
{
	struct hl_config *cfg = hl_config_new();
	FILE *f = NULL;
	int rc;

	if (cfg == NULL || (cfg->file = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	struct config_reader reader = { .f = f, .cfg = cfg };

	rc = ini_parse_stream(config_read_line, &reader, config_handler, cfg);
	fclose(f);
	if (rc != 0) {
		snprintf(err, errlen, "%s:%d: not a valid INI line "
		    "(expected [section] or key = value)", path, rc);
		goto fail;
	}
	return cfg;
fail:
	hl_config_free(cfg);
	return NULL;
}

/* Frees a config. */
void
hl_config_free(struct hl_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].section);
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg->file);
	free(cfg);
}

/* Sets a value from the command line. */
int
hl_config_set(struct hl_config *cfg, const char *section, const char *key,
    const char *value)
{
	return config_put(cfg, section, key, value, 0);
}

/* Returns true if the file has a section of that name. */
bool
hl_config_has_section(const struct hl_config *cfg, const char *section)
{
	for (size_t i = 0; i < cfg->n; i++) {
		if (strcmp(cfg->entries[i].section, section) == 0)
			return true;
	}
	return false;
}

/* Lists the distinct section names in file order. */
size_t
hl_config_sections(const struct hl_config *cfg, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->n; i++) {
		const char *name = cfg->entries[i].section;
		bool seen = false;

		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(out[j], name) == 0;
		if (!seen && n < max)
			out[n++] = name;
	}
	return n;
}

/* Finds an entry and marks it read. */
static struct config_entry *
config_find(struct hl_config *cfg, const char *section, const char *key)
{
	for (size_t i = 0; i < cfg->n; i++) {
		struct config_entry *e = &cfg->entries[i];

		if (strcmp(e->section, section) == 0 &&
		    strcmp(e->key, key) == 0) {
			e->used = true;
			return e;
		}
	}
	return NULL;
}

/* Overwrites a value in memory and empties it (a secret or a phone
 * number read once at start-up); marks the key read. */
void
hl_config_wipe(struct hl_config *cfg, const char *section, const char *key)
{
	struct config_entry *e = config_find(cfg, section, key);

	if (e != NULL)
		explicit_bzero(e->value, strlen(e->value));
}

/* Writes where an entry stands and why its value is refused. */
static int
config_bad(const struct hl_config *cfg, const struct config_entry *e,
    const char *expected, char *err, size_t errlen)
{
	if (e->line == 0) {
		snprintf(err, errlen, "command line: [%s] %s: expected %s",
		    e->section, e->key, expected);
	} else {
		snprintf(err, errlen, "%s:%u: [%s] %s: expected %s",
		    cfg->file ? cfg->file : "config", e->line, e->section,
		    e->key, expected);
	}
	return -1;
}

/* Reads a string. */
int
hl_config_str(struct hl_config *cfg, const char *section, const char *key,
    const char *def, const char **out, char *err, size_t errlen)
{
	struct config_entry *e = config_find(cfg, section, key);

	if (e == NULL) {
		*out = def;
		return 0;
	}
	if (e->value[0] == '\0')
		return config_bad(cfg, e, "a value", err, errlen);
	*out = e->value;
	return 0;
}

/* Reads an unsigned number within [min, max]. */
int
hl_config_uint(struct hl_config *cfg, const char *section, const char *key,
    unsigned def, unsigned min, unsigned max, unsigned *out, char *err,
    size_t errlen)
{
	struct config_entry *e = config_find(cfg, section, key);
	char expected[64];
	char *end;
	unsigned long v;

	if (e == NULL) {
		*out = def;
		return 0;
	}
	snprintf(expected, sizeof expected, "a number from %u to %u", min,
	    max);
	if (e->value[0] < '0' || e->value[0] > '9')
		return config_bad(cfg, e, expected, err, errlen);
	errno = 0;
	v = strtoul(e->value, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return config_bad(cfg, e, expected, err, errlen);
	*out = (unsigned)v;
	return 0;
}

/* Reads a boolean (yes/no, true/false, on/off, 1/0). */
int
hl_config_bool(struct hl_config *cfg, const char *section, const char *key,
    bool def, bool *out, char *err, size_t errlen)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	struct config_entry *e = config_find(cfg, section, key);

	if (e == NULL) {
		*out = def;
		return 0;
	}
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(e->value, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(e->value, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return config_bad(cfg, e, "yes or no", err, errlen);
}

/* Marks every key of a section as read. */
void
hl_config_ignore_section(struct hl_config *cfg, const char *section)
{
	for (size_t i = 0; i < cfg->n; i++) {
		if (strcmp(cfg->entries[i].section, section) == 0)
			cfg->entries[i].used = true;
	}
}

/* Reports the first key no module read. */
int
hl_config_check_unused(const struct hl_config *cfg, char *err, size_t errlen)
{
	for (size_t i = 0; i < cfg->n; i++) {
		const struct config_entry *e = &cfg->entries[i];

		if (e->used)
			continue;
		snprintf(err, errlen, "%s:%u: unknown key '%s' in [%s]",
		    cfg->file ? cfg->file : "command line", e->line, e->key,
		    e->section);
		return -1;
	}
	return 0;
}
