/*
 * settings.c - the settings helplined and helplinectl share.
 *
 * One reader, so the tool's check and the daemon's reload measure screens
 * against the same budgets and look for the database in the same place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/config.h"
#include "helpline/settings.h"

/* Reads the shared settings. */
int
hl_settings_read(struct hl_config *c, struct hl_settings *s, char *err,
    size_t len)
{
	unsigned segments, ussd_chars;

	memset(s, 0, sizeof *s);
	if (hl_config_str(c, "daemon", "state_dir", NULL, &s->state_dir, err,
	    len) || hl_config_str(c, "daemon", "menu", NULL, &s->menu_file,
	    err, len) || hl_config_str(c, "daemon", "region", "NL",
	    &s->region, err, len) ||
	    hl_config_uint(c, "screens", "sms_segments", 1, 1, 10, &segments,
	    err, len) || hl_config_uint(c, "screens", "ussd_chars", 160, 20,
	    HL_USSD_MAX_CHARS, &ussd_chars, err, len) ||
	    hl_config_str(c, "control", "socket", NULL, &s->control_socket,
	    err, len) || hl_config_str(c, "control", "group", NULL,
	    &s->control_group, err, len) ||
	    hl_config_uint(c, "stats", "min_cell", HL_STATS_MIN_CELL_DEFAULT,
	    HL_STATS_MIN_CELL_FLOOR, 1000000, &s->stats_min_cell, err, len))
		return -1;
	s->sms = (struct hl_budget){ HL_CHANNEL_SMS, segments, ussd_chars };
	s->ussd = (struct hl_budget){ HL_CHANNEL_USSD, segments, ussd_chars };
	return 0;
}

/* Writes the state directory. */
int
hl_settings_state_dir(const struct hl_settings *s, char *path, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (s->state_dir != NULL)
		n = snprintf(path, len, "%s", s->state_dir);
	else if (getenv("STATE_DIRECTORY") != NULL)	/* systemd */
		n = snprintf(path, len, "%s", getenv("STATE_DIRECTORY"));
	else if (xdg != NULL && xdg[0] == '/')
		n = snprintf(path, len, "%s/helplined", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(path, len, "%s/.local/state/helplined", home);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Writes <state dir>/name. */
static int
settings_in_state_dir(const struct hl_settings *s, const char *name,
    char *path, size_t len)
{
	char dir[4096];
	int n;

	if (hl_settings_state_dir(s, dir, sizeof dir) == -1)
		return -1;
	n = snprintf(path, len, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Writes the database path. */
int
hl_settings_db_path(const struct hl_settings *s, char *path, size_t len)
{
	return settings_in_state_dir(s, "helplined.db", path, len);
}

/* Writes the menu history path. */
int
hl_settings_history_path(const struct hl_settings *s, char *path, size_t len)
{
	return settings_in_state_dir(s, "menus.db", path, len);
}

/* Writes the lock file path. */
int
hl_settings_lock_path(const struct hl_settings *s, char *path, size_t len)
{
	return settings_in_state_dir(s, "helplined.lock", path, len);
}

/* Writes the control socket path. */
int
hl_settings_socket_path(const struct hl_settings *s, char *path, size_t len)
{
	int n;

	if (s->control_socket == NULL)
		return settings_in_state_dir(s, "control.sock", path, len);
	n = snprintf(path, len, "%s", s->control_socket);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Fills the checker's options. */
void
hl_settings_check_opts(const struct hl_settings *s, const char *today,
    struct hl_menu_check_opts *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->sms = s->sms;
	opts->ussd = s->ussd;
	opts->region = s->region;
	opts->today = today;
}
