/*
 * ctl.c - helplinectl: the coordinators' tool.  Finds the subcommand, reads
 * the settings helplined reads (so both judge a tree the same way), and
 * holds what the subcommands share: the language, the database, the live
 * tree and the control socket client.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "helpline/config.h"
#include "helpline/file.h"
#include "helpline/history.h"
#include "helpline/menu.h"
#include "helpline/store.h"
#include "config.h"
#include "ctl.h"
#include "menu_default.h"

#define CTL_TIMEOUT_MS 30000

static const struct ctl_command ctl_commands[] = {
	{ "check", ctl_check, "check menu files as the daemon would",
	    "menubestanden controleren zoals de daemon dat doet" },
	{ "simulate", ctl_simulate, "walk a menu in the terminal, as a phone "
	    "would see it", "een menu doorlopen in de terminal, zoals een "
	    "telefoon het ziet" },
	{ "publish", ctl_publish, "check a menu and make it live",
	    "een menu controleren en live zetten" },
	{ "draft", ctl_draft, "let only the test numbers try a menu",
	    "een menu alleen door de testnummers laten uitproberen" },
	{ "rollback", ctl_rollback, "go back to an earlier version",
	    "teruggaan naar een eerdere versie" },
	{ "history", ctl_history, "list the published versions",
	    "de gepubliceerde versies tonen" },
	{ "diff", ctl_diff, "show what changed between two versions",
	    "tonen wat er tussen twee versies veranderd is" },
	{ "status", ctl_status, "show what the running daemon serves",
	    "tonen wat de draaiende daemon gebruikt" },
	{ "stats", ctl_stats, "anonymous usage figures",
	    "anonieme gebruikscijfers" },
};

/* Picks the tool's language from the locale: Dutch if it says so. */
static const char *
ctl_locale_lang(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		if (v != NULL && v[0] != '\0')
			return strncmp(v, "nl", 2) == 0 ? "nl" : "en";
	}
	return "en";
}

/* Prints an error line in the chosen language. */
void
ctl_err(const struct ctl *ctl, const char *en, const char *nl, ...)
{
	va_list ap;

	va_start(ap, nl);
	fputs("helplinectl: ", stderr);
	vfprintf(stderr, ctl_tr(ctl, en, nl), ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Handles --lang, which every subcommand takes. */
bool
ctl_common_option(struct ctl *ctl, int ch, const char *arg)
{
	if (ch != 'L')
		return false;
	if (strcmp(arg, "nl") != 0 && strcmp(arg, "en") != 0) {
		ctl_err(ctl, "--lang: expected nl or en",
		    "--lang: verwacht nl of en");
		exit(CTL_TROUBLE);
	}
	ctl->lang = arg;
	return true;
}

/* Reads the config and the shared settings. */
int
ctl_load_settings(struct ctl *ctl)
{
	char err[512];

	if (ctl->config != NULL)
		return 0;
	ctl->config = ctl->config_path != NULL ?
	    hl_config_load(ctl->config_path, err, sizeof err) :
	    hl_config_new();
	if (ctl->config == NULL) {
		ctl_err(ctl, "%s", "%s", err);
		return -1;
	}
	if (hl_settings_read(ctl->config, &ctl->settings, err,
	    sizeof err) == -1) {
		ctl_err(ctl, "%s", "%s", err);
		return -1;
	}
	hl_store_day(time(NULL), ctl->today);
	return 0;
}

/* Fills the checker's options as the daemon does. */
void
ctl_check_opts(struct ctl *ctl, struct hl_menu_check_opts *opts)
{
	hl_settings_check_opts(&ctl->settings, ctl->today, opts);
}

/* Opens the daemon's database read-only. */
struct hl_store *
ctl_open_store_ro(struct ctl *ctl)
{
	char path[4200], err[512];
	struct hl_store *store;

	if (hl_settings_db_path(&ctl->settings, path, sizeof path) == -1) {
		ctl_err(ctl, "no state directory: give -s DIR or a config "
		    "with [daemon] state_dir", "geen statusmap: geef -s MAP "
		    "of een configuratie met [daemon] state_dir");
		return NULL;
	}
	if (access(path, F_OK) == -1) {
		ctl_err(ctl, "no database at %s: has helplined run with this "
		    "state directory? (see -s and -c)", "geen database op %s: "
		    "heeft helplined met deze statusmap gedraaid? (zie -s en "
		    "-c)", path);
		return NULL;
	}
	if ((store = hl_store_open_readonly(path, err, sizeof err)) == NULL)
		ctl_err(ctl, "%s", "%s", err);
	return store;
}

/* Returns true (and says so) if a daemon holds the state directory's lock:
 * then its socket merely did not answer (another path in the config, or
 * still starting), and staging behind its back would be wrong. */
static bool
ctl_daemon_holds_lock(struct ctl *ctl)
{
	char path[4200];
	int fd;
	bool held;

	if (hl_settings_lock_path(&ctl->settings, path, sizeof path) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	held = flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK;
	close(fd);
	if (held)
		ctl_err(ctl, "helplined is running (it holds %s) but its control "
		    "socket did not answer: check [control] socket in the config "
		    "you gave (-c), or try again once it has started", "helplined "
		    "draait (het houdt %s vast) maar de control-socket antwoordde "
		    "niet: controleer [control] socket in de opgegeven "
		    "configuratie (-c), of probeer het opnieuw als het gestart "
		    "is", path);
	return held;
}

/* Opens the menu history. */
struct hl_history *
ctl_open_history(struct ctl *ctl, bool readonly)
{
	char path[4200], err[512];
	struct hl_history *h;

	if (hl_settings_history_path(&ctl->settings, path, sizeof path) ==
	    -1) {
		ctl_err(ctl, "no state directory: give -s DIR or a config "
		    "with [daemon] state_dir", "geen statusmap: geef -s MAP "
		    "of een configuratie met [daemon] state_dir");
		return NULL;
	}
	if (access(path, F_OK) == -1) {
		ctl_err(ctl, "no menu history at %s: has helplined run with "
		    "this state directory? (see -s and -c)", "geen "
		    "menugeschiedenis op %s: heeft helplined met deze "
		    "statusmap gedraaid? (zie -s en -c)", path);
		return NULL;
	}
	if (!readonly && ctl_daemon_holds_lock(ctl))
		return NULL;
	if ((h = hl_history_open(path, readonly, err, sizeof err)) == NULL)
		ctl_err(ctl, "%s", "%s", err);
	return h;
}

/* Loads the configured file or the built-in menu. */
static struct hl_menu *
ctl_configured_tree(struct ctl *ctl, struct hl_diags *diags)
{
	struct hl_menu_check_opts opts;

	ctl_check_opts(ctl, &opts);
	if (ctl->settings.menu_file != NULL)
		return hl_menu_load_file(ctl->settings.menu_file, &opts,
		    diags);
	return hl_menu_load_buffer(HL_MENU_DEFAULT_NAME, hl_menu_default_yaml,
	    hl_menu_default_yaml_len, &opts, diags);
}

/* Loads the newest version of the history, if there is a database with
 * one.  Returns 1 if there is none. */
static int
ctl_history_tree(struct ctl *ctl, struct hl_diags *diags,
    struct hl_menu **out)
{
	struct hl_menu_check_opts opts;
	struct hl_history_event ev;
	struct hl_history *h;
	char path[4200], err[512], file[256], *yaml;
	size_t len;
	int rc = 1;

	*out = NULL;
	if (hl_settings_history_path(&ctl->settings, path, sizeof path) ==
	    -1 || access(path, F_OK) == -1 ||
	    (h = hl_history_open(path, true, err, sizeof err)) == NULL)
		return 1;
	if (hl_history_latest(h, &ev) == 0 &&
	    hl_history_yaml(h, ev.version, &yaml, &len, file) == 0) {
		ctl_check_opts(ctl, &opts);
		*out = hl_menu_load_buffer(file, yaml, len, &opts, diags);
		free(yaml);
		rc = 0;
	}
	hl_history_close(h);
	return rc;
}

/* Loads the live tree. */
struct hl_menu *
ctl_live_tree(struct ctl *ctl)
{
	struct hl_diags diags = { .lang = ctl->lang };
	struct hl_menu *tree;

	if (ctl_history_tree(ctl, &diags, &tree) == 1)
		tree = ctl_configured_tree(ctl, &diags);
	if (tree == NULL)
		ctl_print_findings(ctl, &diags, stderr);
	hl_diags_clear(&diags);
	return tree;
}

/* Prints findings, one per line. */
void
ctl_print_findings(struct ctl *ctl, const struct hl_diags *diags, FILE *out)
{
	char line[2048];

	for (size_t i = 0; i < diags->n; i++) {
		hl_diag_format_in(&diags->items[i], ctl->lang, line,
		    sizeof line);
		fprintf(out, "%s\n", line);
	}
}

/* Returns a string member of a JSON object, or def. */
const char *
ctl_json_str(json_t *obj, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : def;
}

/* Prints the findings a daemon response carries. */
void
ctl_print_response_findings(struct ctl *ctl, json_t *resp, FILE *out)
{
	json_t *f = json_object_get(resp, "findings"), *g;
	size_t i;

	json_array_foreach(f, i, g) {
		const char *node = ctl_json_str(g, "node", NULL);
		bool error = strcmp(ctl_json_str(g, "severity", ""),
		    "error") == 0;

		fprintf(out, "%s:%lld:%lld: %s: %s%s%s%s\n",
		    ctl_json_str(g, "file", "-"),
		    (long long)json_integer_value(json_object_get(g, "line")),
		    (long long)json_integer_value(json_object_get(g,
		    "column")), error ? ctl_tr(ctl, "error", "fout") :
		    ctl_tr(ctl, "warning", "waarschuwing"),
		    node != NULL ? ctl_tr(ctl, "node ", "knooppunt ") : "",
		    node != NULL ? node : "", node != NULL ? ": " : "",
		    ctl_json_str(g, "message", ""));
	}
}

/* Writes all of buf to fd within the deadline.  Returns 0 or -1. */
static int
ctl_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one line (the response) from fd.  Returns it (malloc'd) or
 * NULL. */
static char *
ctl_read_line(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	while (buf != NULL) {
		ssize_t n;

		if (poll(&pfd, 1, CTL_TIMEOUT_MS) <= 0)
			break;
		if (len + 1 == cap) {
			char *p = cap > (64u << 20) ? NULL :
			    realloc(buf, cap * 2);

			if (p == NULL)
				break;
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(buf, '\n', len) != NULL) {
			buf[len] = '\0';
			return buf;
		}
	}
	free(buf);
	return NULL;
}

/* Connects to the control socket.  Returns the fd, -1 if the daemon is
 * not running, -2 if access is denied, -3 otherwise. */
static int
ctl_connect(struct ctl *ctl, char *path, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, rc;

	if (hl_settings_socket_path(&ctl->settings, path, len) == -1 ||
	    strlen(path) >= sizeof sun.sun_path) {
		ctl_err(ctl, "no usable control socket path: set [control] "
		    "socket", "geen bruikbaar pad voor de control-socket: "
		    "zet [control] socket");
		return -3;
	}
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -3;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0)
		return fd;
	rc = errno == ENOENT || errno == ECONNREFUSED ? -1 :
	    errno == EACCES || errno == EPERM ? -2 : -3;
	if (rc == -3)
		ctl_err(ctl, "%s: %s", "%s: %s", path, strerror(errno));
	close(fd);
	return rc;
}

/* Sends one request and reads the response. */
int
ctl_request(struct ctl *ctl, json_t *req, json_t **resp)
{
	char path[4200], *text, *line;
	json_error_t jerr;
	int fd, rc = -3;

	*resp = NULL;
	if ((fd = ctl_connect(ctl, path, sizeof path)) < 0) {
		if (fd == -2)
			ctl_err(ctl, "%s: permission denied: only the owner "
			    "and members of the group set in [control] group "
			    "may use it (ask the administrator to add you: "
			    "usermod -aG GROUP USER)", "%s: geen toegang: "
			    "alleen de eigenaar en leden van de groep uit "
			    "[control] group mogen dit (vraag de beheerder u "
			    "toe te voegen: usermod -aG GROEP GEBRUIKER)",
			    path);
		return fd;
	}
	text = json_dumps(req, JSON_COMPACT);
	if (text != NULL && ctl_write_all(fd, text, strlen(text)) == 0 &&
	    ctl_write_all(fd, "\n", 1) == 0 &&
	    (line = ctl_read_line(fd)) != NULL) {
		*resp = json_loads(line, 0, &jerr);
		free(line);
		if (*resp != NULL)
			rc = 0;
	}
	if (rc != 0)
		ctl_err(ctl, "%s: no answer from helplined", "%s: geen "
		    "antwoord van helplined", path);
	free(text);
	close(fd);
	return rc;
}

/* Prints the usage. */
static void
ctl_usage(const struct ctl *ctl, FILE *f)
{
	fprintf(f, "%s", ctl_tr(ctl,
	    "usage: helplinectl [-c CONFIG] [-s STATE_DIR] [--lang nl|en] "
	    "COMMAND [options]\n\ncommands:\n",
	    "gebruik: helplinectl [-c CONFIG] [-s STATUSMAP] [--lang nl|en] "
	    "OPDRACHT [opties]\n\nopdrachten:\n"));
	for (size_t i = 0; i < sizeof ctl_commands / sizeof ctl_commands[0];
	    i++)
		fprintf(f, "  %-9s %s\n", ctl_commands[i].name, ctl_tr(ctl,
		    ctl_commands[i].summary_en, ctl_commands[i].summary_nl));
	fprintf(f, "%s", ctl_tr(ctl,
	    "\n  -c, --config FILE     the helplined config (the same file "
	    "the daemon reads)\n"
	    "  -s, --state-dir DIR   the daemon's state directory\n"
	    "      --lang nl|en      language of messages (default: from "
	    "LC_ALL/LC_MESSAGES/LANG)\n"
	    "\n`helplinectl COMMAND --help` explains each command.\n"
	    "Exit status: 0 done, 1 refused (errors in the tree, or the "
	    "daemon said no; nothing changed), 2 could not run (usage, "
	    "config, access).\n",
	    "\n  -c, --config BESTAND  de configuratie van helplined "
	    "(hetzelfde bestand als de daemon)\n"
	    "  -s, --state-dir MAP   de statusmap van de daemon\n"
	    "      --lang nl|en      taal van de meldingen (standaard: uit "
	    "LC_ALL/LC_MESSAGES/LANG)\n"
	    "\n`helplinectl OPDRACHT --help` legt elke opdracht uit.\n"
	    "Afsluitstatus: 0 gedaan, 1 geweigerd (fouten in de boom, of de "
	    "daemon weigerde; er is niets veranderd), 2 kon niet draaien "
	    "(gebruik, configuratie, toegang).\n"));
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl ctl = { .lang = ctl_locale_lang() };
	const char *state_dir = NULL;
	int ch, status;

	while ((ch = getopt_long(argc, argv, "+c:s:hV", longopts, NULL)) !=
	    -1) {
		if (ctl_common_option(&ctl, ch, optarg))
			continue;
		switch (ch) {
		case 'c':
			ctl.config_path = optarg;
			break;
		case 's':
			state_dir = optarg;
			break;
		case 'h':
			ctl_usage(&ctl, stdout);
			return CTL_OK;
		case 'V':
			puts(PACKAGE_STRING);
			return CTL_OK;
		default:
			ctl_usage(&ctl, stderr);
			return CTL_TROUBLE;
		}
	}
	if (optind == argc) {
		ctl_usage(&ctl, stderr);
		return CTL_TROUBLE;
	}
	if (ctl_load_settings(&ctl) == -1)
		return CTL_TROUBLE;
	if (state_dir != NULL && hl_config_set(ctl.config, "daemon",
	    "state_dir", state_dir) == -1)
		return CTL_TROUBLE;
	if (state_dir != NULL)
		ctl.settings.state_dir = state_dir;
	for (size_t i = 0; i < sizeof ctl_commands / sizeof ctl_commands[0];
	    i++) {
		if (strcmp(argv[optind], ctl_commands[i].name) != 0)
			continue;
		argv += optind;
		argc -= optind;
		/* 0, not 1: glibc then forgets the "+" (stop at the first
		 * non-option) of the global options. */
		optind = 0;
		status = ctl_commands[i].run(&ctl, argc, argv);
		hl_config_free(ctl.config);
		return status;
	}
	ctl_err(&ctl, "unknown command '%s' (see helplinectl --help)",
	    "onbekende opdracht '%s' (zie helplinectl --help)", argv[optind]);
	hl_config_free(ctl.config);
	return CTL_TROUBLE;
}
