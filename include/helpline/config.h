/*
 * config.h - the INI configuration file (parsed by inih).
 *
 * The config keeps every key of the file; modules read what they need with
 * typed getters that take the default.  A key that no module read is a
 * mistake (a typo, a stale setting): hl_config_check_unused() names each
 * with its line.  contrib/helplined.conf documents every key and default.
 */
#ifndef HELPLINE_CONFIG_H
#define HELPLINE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct hl_config;

/* Creates an empty config (every getter then returns its default). */
struct hl_config *hl_config_new(void);

/* Reads an INI file into a new config.  On failure returns NULL and writes
 * "file:line: what" into err. */
struct hl_config *hl_config_load(const char *path, char *err, size_t errlen);

void hl_config_free(struct hl_config *);

/* Sets a value (command-line overrides); copies both.  Returns 0 or -1. */
int hl_config_set(struct hl_config *, const char *section, const char *key,
    const char *value);

/* Returns true if the file has a section of that name. */
bool hl_config_has_section(const struct hl_config *, const char *section);

/* Writes up to max distinct section names, in file order, into out
 * (borrowed from the config).  Returns how many were written. */
size_t hl_config_sections(const struct hl_config *, const char **out,
    size_t max);

/* Getters: return 0 with *out set (to def when the key is absent), or -1
 * with a message naming file, line, section and key in err. */
int hl_config_str(struct hl_config *, const char *section, const char *key,
    const char *def, const char **out, char *err, size_t errlen);
int hl_config_uint(struct hl_config *, const char *section, const char *key,
    unsigned def, unsigned min, unsigned max, unsigned *out, char *err,
    size_t errlen);
int hl_config_bool(struct hl_config *, const char *section, const char *key,
    bool def, bool *out, char *err, size_t errlen);

/* Overwrites a value with zero bytes, leaving "" (test numbers, read
 * once); marks it read. */
void hl_config_wipe(struct hl_config *, const char *section,
    const char *key);

/* Marks every key of a section as read (the section of a disabled
 * adapter: its settings wait for the day it is enabled). */
void hl_config_ignore_section(struct hl_config *, const char *section);

/* Writes "file:line: unknown key 'k' in [s]" for the first key no getter
 * read into err.  Returns 0 if every key was read, else -1. */
int hl_config_check_unused(const struct hl_config *, char *err,
    size_t errlen);

#endif
