/*
 * main.c - helplined's command line.
 *
 * helplined always runs in the foreground and logs to stderr (or syslog):
 * run it under systemd (contrib/helplined.service) rather than forking.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "helpline/daemon.h"

#include "config.h"

/* Prints usage. */
static void
usage(FILE *f)
{
	fputs("usage: helplined [options]\n"
	    "  -c, --config FILE    read settings from FILE (INI; see "
	    "contrib/helplined.conf)\n"
	    "      --console        also talk on stdin/stdout (one sender)\n"
	    "  -m, --menu FILE      serve this menu instead of the built-in "
	    "one\n"
	    "  -s, --state-dir DIR  keep the database in DIR\n"
	    "  -p, --port N         HTTP port on the listen address (0: any "
	    "free port)\n"
	    "      --port-file F    write the bound HTTP port to F when ready\n"
	    "      --admin-port N   port of /healthz and /metrics (0: any "
	    "free port)\n"
	    "      --admin-port-file F  write the bound admin port to F when "
	    "ready\n"
	    "  -v, --verbose        log debug messages\n"
	    "  -q, --quiet          log errors only\n"
	    "  -h, --help           this text\n"
	    "  -V, --version        the version\n"
	    "helplined stays in the foreground; signals: TERM/INT stop "
	    "cleanly, HUP reloads the menu.\n", f);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "console", no_argument, NULL, 'C' },
		{ "menu", required_argument, NULL, 'm' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "admin-port", required_argument, NULL, 'a' },
		{ "admin-port-file", required_argument, NULL, 'A' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct hl_daemon_args args = { 0 };
	int ch;

	while ((ch = getopt_long(argc, argv, "c:m:s:p:vqhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			args.config_path = optarg;
			break;
		case 'C':
			args.console = true;
			break;
		case 'm':
			args.menu = optarg;
			break;
		case 's':
			args.state_dir = optarg;
			break;
		case 'p':
			args.port = optarg;
			break;
		case 'P':
			args.port_file = optarg;
			break;
		case 'a':
			args.admin_port = optarg;
			break;
		case 'A':
			args.admin_port_file = optarg;
			break;
		case 'v':
			args.log_level = "debug";
			break;
		case 'q':
			args.log_level = "err";
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts(PACKAGE_STRING);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return hl_daemon_run(&args);
}
