/*
 * daemon.h - helplined's life: read the config, load the menu, open the
 * store, start the adapters, serve until SIGTERM, stop cleanly.
 */
#ifndef HELPLINE_DAEMON_H
#define HELPLINE_DAEMON_H

#include <stdbool.h>

struct hl_daemon_args {
	const char *config_path;	/* NULL: built-in defaults only */
	const char *state_dir;		/* overrides [daemon] state_dir */
	const char *menu;		/* overrides [daemon] menu */
	const char *port_file;		/* write the HTTP port here when ready */
	const char *port;		/* overrides [http] port */
	const char *admin_port_file;	/* write the admin port here */
	const char *admin_port;		/* overrides [admin] port */
	const char *log_level;		/* overrides [daemon] log_level */
	bool console;			/* enable the console adapter */
};

/* Runs the daemon; returns the process exit status. */
int hl_daemon_run(const struct hl_daemon_args *);

#endif
