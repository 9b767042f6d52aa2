/*
 * daemon.c - helplined's life from start-up to a clean stop.
 *
 * Start-up refuses to begin on any error (a broken menu, a config typo, a
 * store it cannot secure), naming the file at fault.  SIGHUP reloads the
 * menu file atomically: the new tree is parsed and checked completely
 * before one pointer changes, and a broken tree leaves the old one serving.
 * SIGTERM/SIGINT stop the adapters taking new messages, answer what is in
 * flight (bounded by a grace period), flush the store and exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "helpline/adapter.h"
#include "helpline/admin.h"
#include "helpline/config.h"
#include "helpline/control.h"
#include "helpline/core.h"
#include "helpline/daemon.h"
#include "helpline/history.h"
#include "helpline/http.h"
#include "helpline/log.h"
#include "helpline/menu.h"
#include "helpline/menu_admin.h"
#include "helpline/metrics.h"
#include "helpline/settings.h"
#include "helpline/store.h"
#include "helpline/testers.h"

#define DAEMON_MAX_ADAPTERS 8
#define DAEMON_ERR_LEN 512
#define DAEMON_GRACE_TICK_MS 50

struct daemon {
	struct event_base *base;
	struct hl_config *config;
	struct hl_store *store;
	struct hl_history *history;	/* published menu versions */
	int lock_fd;			/* flock on helplined.lock */
	struct hl_core *core;
	struct hl_http *http;
	struct hl_menu_admin *menus;
	struct hl_control *control;
	struct hl_testers *testers;	/* until the core takes them */
	struct hl_adapter *adapters[DAEMON_MAX_ADAPTERS];
	char sections[DAEMON_MAX_ADAPTERS][64];	/* each adapter's section,
						 * alive as long as it is */
	size_t n_adapters;
	struct event *signals[3];
	struct event *grace_ev;
	struct hl_settings settings;	/* shared with helplinectl */
	const char *log_target;
	const char *log_level;
	struct hl_core_opts core_opts;
	struct hl_http_opts http_opts;
	struct hl_metrics *metrics;	/* figures for operators */
	struct hl_admin *admin;		/* /healthz, /metrics; or NULL */
	struct hl_admin_opts admin_opts;
	bool console;
	bool stopping;
	unsigned grace_ms;
	unsigned waited_ms;
	unsigned long last_messages;
	unsigned quiet_ticks;
};

/*
 * Reads the test numbers that see the draft ([draft] test_numbers) into
 * keyed MACs and wipes them from the config: they are phone numbers, kept
 * no longer than start-up needs them.
 */
static int
daemon_read_testers(struct daemon *d, char *err, size_t len)
{
	const char *list;
	char *copy, why[128];

	if (hl_config_str(d->config, "draft", "test_numbers", "", &list, err,
	    len) == -1)
		return -1;
	if ((copy = strdup(list)) == NULL) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	hl_config_wipe(d->config, "draft", "test_numbers");
	d->testers = hl_testers_new(copy, d->settings.region, why,
	    sizeof why);
	free(copy);
	if (d->testers == NULL) {
		snprintf(err, len, "[draft] test_numbers: %s", why);
		return -1;
	}
	return 0;
}

/* Reads the daemon's own settings.  Returns 0 or -1 with err set. */
static int
daemon_read_config(struct daemon *d, char *err, size_t len)
{
	struct hl_config *c = d->config;
	unsigned max_body;

	if (hl_settings_read(c, &d->settings, err, len) == -1 ||
	    hl_config_str(c, "daemon", "log",
	    "stderr", &d->log_target, err, len) || hl_config_str(c, "daemon",
	    "log_level", "info", &d->log_level, err, len) ||
	    hl_config_uint(c, "daemon", "shutdown_grace_ms", 3000, 0, 60000,
	    &d->grace_ms, err, len) ||
	    hl_config_uint(c, "sessions", "sms_idle", 1800, 10, 86400,
	    &d->core_opts.sms_idle, err, len) ||
	    hl_config_uint(c, "sessions", "ussd_idle", 180, 10, 3600,
	    &d->core_opts.ussd_idle, err, len) ||
	    hl_config_uint(c, "sessions", "key_period", 86400, 60, 604800,
	    &d->core_opts.key_period, err, len) ||
	    hl_config_uint(c, "sessions", "expire_interval", 30, 1, 3600,
	    &d->core_opts.expire_interval, err, len) ||
	    hl_config_uint(c, "sessions", "dedup_window", 300, 1, 86400,
	    &d->core_opts.dedup_window, err, len) ||
	    hl_config_uint(c, "store", "batch_ms", 250, 0, 1000,
	    &d->core_opts.batch_ms, err, len) ||
	    hl_config_str(c, "http", "address", "127.0.0.1",
	    &d->http_opts.address, err, len) ||
	    hl_config_uint(c, "http", "port", 8088, 0, 65535,
	    &d->http_opts.port, err, len) ||
	    hl_config_uint(c, "http", "max_body", 16384, 256, 1048576,
	    &max_body, err, len) ||
	    hl_config_uint(c, "http", "timeout", 30, 1, 3600,
	    &d->http_opts.timeout, err, len))
		return -1;
	if (strcmp(d->log_target, "stderr") != 0 &&
	    strcmp(d->log_target, "syslog") != 0) {
		snprintf(err, len, "[daemon] log: expected stderr or syslog");
		return -1;
	}
	if (daemon_read_testers(d, err, len) == -1 ||
	    hl_ratelimit_read_config(c, &d->core_opts.ratelimit, err,
	    len) == -1 ||
	    hl_admin_read_config(c, &d->admin_opts, err, len) == -1)
		return -1;
	d->http_opts.max_body = max_body;
	d->core_opts.region = d->settings.region;
	d->core_opts.sms = d->settings.sms;
	d->core_opts.ussd = d->settings.ussd;
	return 0;
}

/* Creates a directory and its parents, private to us. */
static int
daemon_mkdirs(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/*
 * Takes the state directory for this process alone, before anything in it
 * is touched: a second helplined on the same directory stops here, and
 * helplinectl knows a daemon runs even when its socket does not answer.
 * The descriptor is held (and the lock with it) until exit.
 */
static int
daemon_lock(struct daemon *d, char *err, size_t len)
{
	char path[4200];

	if (hl_settings_lock_path(&d->settings, path, sizeof path) == -1 ||
	    (d->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(err, len, "%.300s: cannot open the lock file: %s",
		    path, strerror(errno));
		return -1;
	}
	if (flock(d->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, len, "%.300s: another helplined uses this state "
		    "directory", path);
		return -1;
	}
	return 0;
}

/* Opens the store in the state directory. */
static int
daemon_open_store(struct daemon *d, char *err, size_t len)
{
	char dir[4096], path[4200];

	if (hl_settings_state_dir(&d->settings, dir, sizeof dir) == -1 ||
	    hl_settings_db_path(&d->settings, path, sizeof path) == -1) {
		snprintf(err, len, "no state directory: set [daemon] "
		    "state_dir or HOME");
		return -1;
	}
	if (daemon_mkdirs(dir) == -1) {
		snprintf(err, len, "%.300s: cannot create: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (daemon_lock(d, err, len) == -1)
		return -1;
	d->store = hl_store_open(path, err, len);
	if (d->store == NULL)
		return -1;
	hl_log_info("store %s open", path);
	if (hl_settings_history_path(&d->settings, path, sizeof path) == -1 ||
	    (d->history = hl_history_open(path, false, err, len)) == NULL)
		return -1;
	return 0;
}

/* Makes sure no core dump can carry keys or numbers (DESIGN 5.3). */
static void
daemon_no_core_dumps(void)
{
	struct rlimit none = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &none) == -1)
		hl_log_warn("cannot turn core dumps off: %s",
		    strerror(errno));
#ifndef __SANITIZE_ADDRESS__
	/* Not under ASan: LeakSanitizer needs to ptrace its own process. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		hl_log_warn("cannot mark the process undumpable: %s",
		    strerror(errno));
#endif
}

/* Raises the soft limit on open files to the hard one: each gateway
 * connection is a descriptor. */
static void
daemon_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			hl_log_warn("cannot raise the open-file limit: %s",
			    strerror(errno));
	}
}

static void daemon_stop(void *arg);

/* Creates one adapter of a type from a section ("adapter.NAME") if the
 * section enables it. */
static int
daemon_add_adapter(struct daemon *d, const char *type, const char *section,
    bool def, char *err, size_t len)
{
	struct hl_adapter_env env = {
		.base = d->base,
		.core = d->core,
		.http = d->http,
		.config = d->config,
		.metrics = d->metrics,
		.request_stop = daemon_stop,
		.stop_ctx = d,
	};
	bool enabled;
	struct hl_adapter *a;

	if (hl_config_bool(d->config, section, "enabled", def, &enabled, err,
	    len) == -1)
		return -1;
	if (!enabled) {
		hl_config_ignore_section(d->config, section);
		return 0;
	}
	if (d->n_adapters == DAEMON_MAX_ADAPTERS) {
		snprintf(err, len, "too many adapters");
		return -1;
	}
	snprintf(d->sections[d->n_adapters], sizeof d->sections[0], "%s",
	    section);
	env.section = d->sections[d->n_adapters];
	a = hl_adapter_new(hl_adapter_find(type), &env, err, len);
	if (a == NULL)
		return -1;
	d->adapters[d->n_adapters++] = a;
	return 0;
}

/*
 * Creates the adapters of sections named after no adapter type:
 * [adapter.hubtel] with `type = ussd` is a second USSD adapter with its own
 * settings (another gateway's field names, path and secret).
 */
static int
daemon_add_typed_adapters(struct daemon *d, char *err, size_t len)
{
	const char *sections[64];
	size_t n = hl_config_sections(d->config, sections, 64);

	for (size_t i = 0; i < n; i++) {
		const char *type;

		if (strncmp(sections[i], "adapter.", 8) != 0 ||
		    hl_adapter_find(sections[i] + 8) != NULL)
			continue;
		if (hl_config_str(d->config, sections[i], "type", NULL, &type,
		    err, len) == -1)
			return -1;
		if (type == NULL || hl_adapter_find(type) == NULL ||
		    strcmp(type, "console") == 0) {
			snprintf(err, len, "[%s]: no adapter of that name; "
			    "set type = one of twilio, ussd, kannel, smpp, json",
			    sections[i]);
			return -1;
		}
		if (daemon_add_adapter(d, type, sections[i], true, err,
		    len) == -1)
			return -1;
	}
	return 0;
}

/* Creates the HTTP listener and every enabled adapter. */
static int
daemon_start_adapters(struct daemon *d, char *err, size_t len)
{
	const char *const *names = hl_adapter_names();

	d->http = hl_http_new(d->base, &d->http_opts, err, len);
	if (d->http == NULL)
		return -1;
	for (size_t i = 0; names[i] != NULL; i++) {
		bool def = strcmp(names[i], "console") == 0 ? d->console :
		    strcmp(names[i], "json") == 0;
		char section[64];

		snprintf(section, sizeof section, "adapter.%s", names[i]);
		if (daemon_add_adapter(d, names[i], section, def, err,
		    len) == -1)
			return -1;
	}
	if (daemon_add_typed_adapters(d, err, len) == -1)
		return -1;
	if (hl_config_check_unused(d->config, err, len) == -1)
		return -1;
	for (size_t i = 0; i < d->n_adapters; i++) {
		if (hl_adapter_start(d->adapters[i]) == -1) {
			snprintf(err, len, "adapter %s failed to start",
			    hl_adapter_name(d->adapters[i]));
			return -1;
		}
	}
	hl_log_info("listening on %s port %u", d->http_opts.address,
	    hl_http_port(d->http));
	return 0;
}

/* Opens the control socket helplinectl talks to. */
static int
daemon_open_control(struct daemon *d, char *err, size_t len)
{
	char path[4200];

	if (hl_settings_socket_path(&d->settings, path, sizeof path) == -1) {
		snprintf(err, len, "no place for the control socket: set "
		    "[control] socket");
		return -1;
	}
	d->control = hl_control_new(d->base, path, d->settings.control_group,
	    hl_menu_admin_command, d->menus, err, len);
	if (d->control == NULL)
		return -1;
	hl_log_info("control socket %s (%s)", path,
	    d->settings.control_group != NULL ? "owner and group" :
	    "owner only");
	return 0;
}

/* Writes the bound HTTP port to a file, atomically, for tests and
 * supervisors that asked for port 0. */
static int
daemon_write_port(struct daemon *d, const char *path)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "%u\n", hl_http_port(d->http));
	if (fclose(f) != 0 || rename(tmp, path) == -1)
		return -1;
	return 0;
}

/*
 * Opens the operators' endpoint (/healthz, /metrics) unless [admin]
 * disables it, watches the adapters' gateway links, and writes its port
 * for --admin-port-file.  Returns 0 or -1 with err set.
 */
static int
daemon_start_admin(struct daemon *d, const char *port_file, char *err,
    size_t len)
{
	struct hl_admin_sources src = {
		.metrics = d->metrics, .core = d->core, .store = d->store,
	};

	if (!d->admin_opts.enabled) {
		if (port_file == NULL)
			return 0;
		snprintf(err, len, "--admin-port-file: [admin] is disabled");
		return -1;
	}
	d->admin = hl_admin_new(d->base, &d->admin_opts, &src, err, len);
	if (d->admin == NULL)
		return -1;
	for (size_t i = 0; i < d->n_adapters; i++) {
		if (hl_admin_watch(d->admin, d->adapters[i],
		    d->sections[i]) == -1) {
			snprintf(err, len, "admin: too many adapters to watch");
			return -1;
		}
	}
	if (port_file != NULL && hl_admin_write_port(d->admin,
	    port_file) == -1) {
		snprintf(err, len, "%s: cannot write: %s", port_file,
		    strerror(errno));
		return -1;
	}
	hl_log_info("admin: /healthz and /metrics on %s port %u",
	    d->admin_opts.address, hl_admin_port(d->admin));
	return 0;
}

/* Ends the loop once in-flight work is answered or the grace is over. */
static void
daemon_grace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	unsigned long messages = hl_core_messages(d->core);
	bool idle = true;

	(void)fd;
	(void)what;
	for (size_t i = 0; i < d->n_adapters; i++)
		idle = idle && hl_adapter_is_idle(d->adapters[i]);
	d->quiet_ticks = messages == d->last_messages ? d->quiet_ticks + 1 : 0;
	d->last_messages = messages;
	d->waited_ms += DAEMON_GRACE_TICK_MS;
	/* Two quiet ticks: requests half-received at SIGTERM have had
	 * 100 ms to complete and be answered. */
	if ((idle && d->quiet_ticks >= 2) || d->waited_ms >= d->grace_ms) {
		if (!idle)
			hl_log_warn("shutdown: grace period over with work "
			    "in flight");
		event_base_loopexit(d->base, NULL);
		return;
	}
	struct timeval tick = { 0, DAEMON_GRACE_TICK_MS * 1000 };

	event_add(d->grace_ev, &tick);
}

/* Begins a clean stop. */
static void
daemon_stop(void *arg)
{
	struct daemon *d = arg;
	struct timeval tick = { 0, DAEMON_GRACE_TICK_MS * 1000 };

	if (d->stopping)
		return;
	d->stopping = true;
	hl_admin_set_stopping(d->admin);
	hl_log_info("stopping: no new messages; answering what is in flight");
	for (size_t i = 0; i < d->n_adapters; i++)
		hl_adapter_stop(d->adapters[i]);
	hl_http_stop_accepting(d->http);
	d->last_messages = hl_core_messages(d->core);
	d->grace_ev = evtimer_new(d->base, daemon_grace_cb, d);
	if (d->grace_ev == NULL || evtimer_add(d->grace_ev, &tick) == -1)
		event_base_loopexit(d->base, NULL);
}

/* Handles SIGTERM, SIGINT and SIGHUP. */
static void
daemon_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;

	if (sig == SIGHUP)
		hl_menu_admin_reload(d->menus);
	else
		daemon_stop(arg);
}

/* Installs the signal events. */
static int
daemon_signals(struct daemon *d)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };

	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < 3; i++) {
		d->signals[i] = evsignal_new(d->base, sigs[i],
		    daemon_signal_cb, d);
		if (d->signals[i] == NULL || evsignal_add(d->signals[i],
		    NULL) == -1)
			return -1;
	}
	return 0;
}

/* Tears everything down, in reverse order of creation. */
static void
daemon_free(struct daemon *d)
{
	hl_admin_free(d->admin);
	for (size_t i = d->n_adapters; i > 0; i--)
		hl_adapter_free(d->adapters[i - 1]);
	hl_http_free(d->http);
	hl_control_free(d->control);
	hl_core_free(d->core);
	hl_menu_admin_free(d->menus);
	hl_testers_free(d->testers);
	hl_metrics_free(d->metrics);
	hl_history_close(d->history);
	hl_store_close(d->store);
	if (d->lock_fd != -1)
		close(d->lock_fd);
	if (d->grace_ev != NULL)
		event_free(d->grace_ev);
	for (size_t i = 0; i < 3; i++) {
		if (d->signals[i] != NULL)
			event_free(d->signals[i]);
	}
	if (d->base != NULL)
		event_base_free(d->base);
	hl_config_free(d->config);
}

/* Applies command-line overrides on top of the file. */
static int
daemon_overrides(struct daemon *d, const struct hl_daemon_args *args)
{
	struct { const char *s, *k, *v; } o[] = {
		{ "daemon", "state_dir", args->state_dir },
		{ "daemon", "menu", args->menu },
		{ "daemon", "log_level", args->log_level },
		{ "http", "port", args->port },
		{ "admin", "port", args->admin_port },
	};

	for (size_t i = 0; i < sizeof o / sizeof o[0]; i++) {
		if (o[i].v != NULL &&
		    hl_config_set(d->config, o[i].s, o[i].k, o[i].v) == -1)
			return -1;
	}
	return 0;
}

/* Runs the daemon. */
int
hl_daemon_run(const struct hl_daemon_args *args)
{
	struct daemon d = { .console = args->console, .lock_fd = -1 };
	char err[DAEMON_ERR_LEN] = "";
	enum hl_log_level level;
	struct hl_menu *tree = NULL;
	int status = 1;
	sigset_t stop_sigs;

	/* A SIGTERM that arrives while the daemon starts would kill it with
	 * the default action (exit 143): hold it until libevent handles it,
	 * then it stops the daemon cleanly like any other. */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGTERM);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop_sigs, NULL);
	hl_log_open("helplined", false, HL_LOG_INFO);
	daemon_no_core_dumps();
	daemon_raise_nofile();
	d.config = args->config_path ? hl_config_load(args->config_path, err,
	    sizeof err) : hl_config_new();
	if (d.config == NULL || daemon_overrides(&d, args) == -1 ||
	    daemon_read_config(&d, err, sizeof err) == -1)
		goto out;
	if (hl_log_level_parse(d.log_level, &level) == -1) {
		snprintf(err, sizeof err, "[daemon] log_level: expected err, "
		    "warn, info or debug");
		goto out;
	}
	hl_log_close();
	hl_log_open("helplined", strcmp(d.log_target, "syslog") == 0, level);

	if (daemon_open_store(&d, err, sizeof err) == -1)
		goto out;
	if ((d.menus = hl_menu_admin_new(d.history, &d.settings)) == NULL ||
	    (tree = hl_menu_admin_initial(d.menus)) == NULL) {
		snprintf(err, sizeof err, "cannot start without a valid menu");
		goto out;
	}
	d.base = event_base_new();
	if (d.base == NULL) {
		snprintf(err, sizeof err, "libevent: cannot create a base");
		goto out;
	}
	if ((d.metrics = hl_metrics_new()) == NULL) {
		snprintf(err, sizeof err, "out of memory");
		goto out;
	}
	d.core_opts.metrics = d.metrics;
	d.http_opts.metrics = d.metrics;
	d.core = hl_core_new(d.base, d.store, tree, &d.core_opts);
	if (d.core == NULL) {
		snprintf(err, sizeof err, "cannot create the core");
		goto out;
	}
	tree = NULL;	/* the core owns it now */
	hl_core_set_testers(d.core, d.testers);
	d.testers = NULL;
	hl_menu_admin_attach(d.menus, d.core);
	if (daemon_open_control(&d, err, sizeof err) == -1)
		goto out;
	if (daemon_signals(&d) == -1) {
		snprintf(err, sizeof err, "cannot install signal handlers");
		goto out;
	}
	/* Unblock rather than restore: a mask inherited from the parent
	 * (a shell between fork and exec, a supervisor) must not keep
	 * SIGTERM from ever reaching us. */
	sigprocmask(SIG_UNBLOCK, &stop_sigs, NULL);
	if (daemon_start_adapters(&d, err, sizeof err) == -1)
		goto out;
	if (daemon_start_admin(&d, args->admin_port_file, err,
	    sizeof err) == -1)
		goto out;
	if (args->port_file != NULL && daemon_write_port(&d,
	    args->port_file) == -1) {
		snprintf(err, sizeof err, "%s: cannot write: %s",
		    args->port_file, strerror(errno));
		goto out;
	}
	hl_log_info("ready: menu %s version %s",
	    hl_core_tree(d.core)->helpline, hl_core_tree(d.core)->version);
	event_base_dispatch(d.base);
	hl_log_info("stopped cleanly");
	status = 0;
out:
	if (status != 0)
		hl_log_err("%s", err);
	hl_menu_free(tree);
	daemon_free(&d);
	hl_log_close();
	return status;
}
