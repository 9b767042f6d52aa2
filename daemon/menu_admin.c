/*
 * menu_admin.c - which menu tree is live and the commands that change it
 * (menu_admin.h).
 *
 * Order of every change: parse and check the whole tree; refuse on any
 * error; write the history (one transaction); swap the core's pointer.  A
 * broken tree or a failed write leaves the live tree as it was.  Sessions
 * are pinned to the version they started on (core.c), so nobody is
 * stranded by a publish or a rollback.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpline/core.h"
#include "helpline/diag_json.h"
#include "helpline/file.h"
#include "helpline/history.h"
#include "helpline/log.h"
#include "helpline/menu.h"
#include "helpline/menu_admin.h"
#include "helpline/settings.h"
#include "helpline/store.h"
#include "menu_default.h"

#define MENU_ADMIN_MAX_YAML (4u << 20)

struct hl_menu_admin {
	struct hl_history *history;
	const struct hl_settings *settings;
	struct hl_core *core;
	char today[11];
	struct hl_menu_check_opts check;
};

/* Creates the menu administration. */
struct hl_menu_admin *
hl_menu_admin_new(struct hl_history *history,
    const struct hl_settings *settings)
{
	struct hl_menu_admin *ma = calloc(1, sizeof *ma);

	if (ma == NULL)
		return NULL;
	ma->history = history;
	ma->settings = settings;
	return ma;
}

/* Frees it. */
void
hl_menu_admin_free(struct hl_menu_admin *ma)
{
	free(ma);
}

static void menu_admin_load_draft(struct hl_menu_admin *);

/* Gives the core and loads the kept draft onto it. */
void
hl_menu_admin_attach(struct hl_menu_admin *ma, struct hl_core *core)
{
	ma->core = core;
	menu_admin_load_draft(ma);
}

/* Logs every finding (in English: the daemon's log). */
static void
menu_admin_log_diags(const struct hl_diags *diags)
{
	char line[1024];

	for (size_t i = 0; i < diags->n; i++) {
		hl_diag_format(&diags->items[i], line, sizeof line);
		hl_log(diags->items[i].severity == HL_DIAG_ERROR ?
		    HL_LOG_ERR : HL_LOG_WARN, "%s", line);
	}
}

/* Parses and checks a tree against today's date.  Findings go to diags. */
static struct hl_menu *
menu_admin_parse(struct hl_menu_admin *ma, const char *name,
    const char *yaml, size_t len, struct hl_diags *diags)
{
	hl_store_day(time(NULL), ma->today);
	hl_settings_check_opts(ma->settings, ma->today, &ma->check);
	return hl_menu_load_buffer(name, yaml, len, &ma->check, diags);
}

/* Reads the configured menu (or the built-in one) into *yaml (malloc'd)
 * and its name.  Returns 0 or -1 (logged). */
static int
menu_admin_read_configured(struct hl_menu_admin *ma, char **yaml,
    size_t *len, const char **name)
{
	char err[512];

	if (ma->settings->menu_file == NULL) {
		*name = HL_MENU_DEFAULT_NAME;
		*len = hl_menu_default_yaml_len;
		if ((*yaml = malloc(*len + 1)) == NULL)
			return -1;
		memcpy(*yaml, hl_menu_default_yaml, *len);
		(*yaml)[*len] = '\0';
		return 0;
	}
	*name = ma->settings->menu_file;
	if (hl_file_read(*name, MENU_ADMIN_MAX_YAML, yaml, len, err,
	    sizeof err) == -1) {
		hl_log_err("menu %s", err);
		return -1;
	}
	return 0;
}

/* Loads the configured menu; NULL if it is broken (findings logged). */
static struct hl_menu *
menu_admin_configured(struct hl_menu_admin *ma, char **yaml, size_t *len)
{
	struct hl_diags diags = { 0 };
	struct hl_menu *tree;
	const char *name;

	*yaml = NULL;
	if (menu_admin_read_configured(ma, yaml, len, &name) == -1)
		return NULL;
	tree = menu_admin_parse(ma, name, *yaml, *len, &diags);
	menu_admin_log_diags(&diags);
	if (tree == NULL)
		hl_log_err("menu %s: %zu errors; not loaded", name,
		    diags.n_errors);
	hl_diags_clear(&diags);
	return tree;
}

/* Loads a kept version from the history; NULL if it is gone or no
 * longer passes the check (findings into diags). */
static struct hl_menu *
menu_admin_kept(struct hl_menu_admin *ma, const char *version,
    struct hl_diags *diags)
{
	struct hl_menu *tree = NULL;
	char file[256], *yaml;
	size_t len;

	if (hl_history_yaml(ma->history, version, &yaml, &len, file) != 0)
		return NULL;
	tree = menu_admin_parse(ma, file, yaml, len, diags);
	free(yaml);
	return tree;
}

/* Starts on the version a coordinator chose last. */
static struct hl_menu *
menu_admin_deliberate(struct hl_menu_admin *ma,
    const struct hl_history_event *ev, const struct hl_menu *configured)
{
	struct hl_diags diags = { 0 };
	struct hl_menu *tree;
	char *yaml = NULL, file[256];
	size_t len;

	tree = menu_admin_kept(ma, ev->version, &diags);
	menu_admin_log_diags(&diags);
	hl_diags_clear(&diags);
	if (tree == NULL) {
		hl_log_err("menu version %s (%s with helplinectl) no longer "
		    "passes the check; publish a fixed version or roll back "
		    "with helplinectl", ev->version,
		    hl_history_action_name(ev->action));
		return NULL;
	}
	if (ev->action == HL_HISTORY_STAGE &&
	    hl_history_yaml(ma->history, ev->version, &yaml, &len, file) == 0) {
		if (hl_history_record(ma->history, HL_HISTORY_PUBLISH, tree, yaml,
		    len, "staged version went live at start",
		    time(NULL)) != 0)
			hl_log_warn("history: cannot record the staged "
			    "version going live");
		free(yaml);
	}
	hl_log_info("menu: serving version %s, which a coordinator chose "
	    "with helplinectl (%s)%s%s%s", tree->version,
	    hl_history_action_name(ev->action),
	    configured != NULL ? "; the configured menu (version " : "",
	    configured != NULL ? configured->version : "",
	    configured != NULL ? ") is not in use" : "");
	return tree;
}

/* Chooses the tree to start on. */
struct hl_menu *
hl_menu_admin_initial(struct hl_menu_admin *ma)
{
	struct hl_history_event ev;
	struct hl_menu *configured, *tree;
	char *yaml;
	size_t len;
	int rc;

	configured = menu_admin_configured(ma, &yaml, &len);
	rc = hl_history_latest(ma->history, &ev);
	if (rc == -1)
		hl_log_warn("history: cannot read the published versions");
	if (rc == 0 && hl_history_is_deliberate(ev.action)) {
		tree = menu_admin_deliberate(ma, &ev, configured);
		hl_menu_free(configured);
		free(yaml);
		return tree;
	}
	if (configured != NULL && (rc == 1 || (rc == 0 &&
	    strcmp(ev.version, configured->version) != 0))) {
		if (hl_history_record(ma->history, HL_HISTORY_START, configured,
		    yaml, len, "started with the configured menu",
		    time(NULL)) == 1)
			hl_log_warn("menu version %s was kept before with other "
			    "content; raise `version:` in %s so history and "
			    "diff can tell them apart", configured->version,
			    configured->file);
	}
	free(yaml);
	return configured;
}

/* Loads the kept draft, if there is one, onto the core. */
static void
menu_admin_load_draft(struct hl_menu_admin *ma)
{
	struct hl_diags diags = { 0 };
	struct hl_menu *tree;
	char *yaml, file[256];
	size_t len;

	if (hl_history_draft_get(ma->history, &yaml, &len, file) != 0)
		return;
	tree = menu_admin_parse(ma, file, yaml, len, &diags);
	free(yaml);
	hl_diags_clear(&diags);
	if (tree == NULL) {
		hl_log_warn("the kept draft no longer passes the check; not "
		    "loaded");
		return;
	}
	/* A draft staged under a published version would make a rollback
	 * to that version serve the draft. */
	if (hl_history_yaml(ma->history, tree->version, &yaml, &len,
	    NULL) == 0) {
		free(yaml);
		hl_log_warn("the kept draft has version %s, which was "
		    "published; not loaded", tree->version);
		hl_menu_free(tree);
		return;
	}
	if (hl_core_set_draft(ma->core, tree) == -1)
		hl_menu_free(tree);
}

/* Reloads the configured file (SIGHUP). */
void
hl_menu_admin_reload(struct hl_menu_admin *ma)
{
	const struct hl_menu *live = hl_core_tree(ma->core);
	struct hl_menu *tree;
	char *yaml, *kept = NULL;
	size_t len, kept_len;
	int rc;

	if (ma->settings->menu_file == NULL) {
		hl_log_info("SIGHUP: the built-in menu is in use; "
		    "nothing to reload");
		return;
	}
	hl_log_info("SIGHUP: reloading menu %s", ma->settings->menu_file);
	if ((tree = menu_admin_configured(ma, &yaml, &len)) == NULL) {
		hl_log_err("reload failed: still serving version %s",
		    live->version);
		free(yaml);
		return;
	}
	if (strcmp(tree->version, live->version) == 0) {
		hl_log_info("reload: version %s is already live",
		    tree->version);
		goto out;
	}
	/* Only a version never seen goes live on SIGHUP: a reload (say, by
	 * `systemctl reload`) must not undo a coordinator's publish by
	 * bringing back an older file, nor take over a draft's version. */
	if (hl_history_yaml(ma->history, tree->version, &kept, &kept_len,
	    NULL) == 0 || hl_core_is_draft_version(ma->core,
	    tree->version)) {
		free(kept);
		hl_log_info("reload: version %s of the file was used before; "
		    "still serving version %s (raise `version:` to publish "
		    "the file)", tree->version, live->version);
		goto out;
	}
	if ((rc = hl_history_record(ma->history, HL_HISTORY_RELOAD, tree,
	    yaml, len, "reloaded the configured menu (SIGHUP)",
	    time(NULL))) == -1) {
		hl_log_err("reload: cannot write the history; still serving "
		    "version %s", live->version);
		goto out;
	}
	if (rc == 1) {
		hl_log_err("reload: version %s was published before with "
		    "other content; raise `version:` in the file",
		    tree->version);
		goto out;
	}
	if (hl_core_make_live(ma->core, tree->version) == 1 &&
	    hl_core_publish(ma->core, tree) == 0)
		tree = NULL;
out:
	hl_menu_free(tree);
	free(yaml);
}

/* --- control commands ---------------------------------------------------- */

/* Returns an error response. */
static json_t *
menu_admin_error(const char *code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static json_t *
menu_admin_error(const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return json_pack("{s:b,s:s,s:s}", "ok", 0, "error", code, "message",
	    msg);
}

/* Returns the refusal of a tree with errors. */
static json_t *
menu_admin_check_failed(const struct hl_diags *diags)
{
	json_t *r = menu_admin_error("check", "the tree has %zu errors; "
	    "nothing changed", diags->n_errors);

	if (r != NULL)
		json_object_set_new(r, "findings", hl_diags_json(diags));
	return r;
}

/* The tree a publish or draft request carries. */
struct menu_admin_request {
	const char *yaml;
	size_t len;
	const char *file;
	const char *message;
	const char *lang;
};

/* Reads the tree fields of a request.  Returns 0 or -1. */
static int
menu_admin_request(json_t *req, struct menu_admin_request *r)
{
	json_t *yaml = json_object_get(req, "yaml");

	memset(r, 0, sizeof *r);
	if (!json_is_string(yaml))
		return -1;
	r->yaml = json_string_value(yaml);
	r->len = json_string_length(yaml);
	r->file = json_string_value(json_object_get(req, "file"));
	r->message = json_string_value(json_object_get(req, "message"));
	r->lang = json_string_value(json_object_get(req, "lang"));
	if (r->file == NULL || r->file[0] == '\0')
		r->file = "menu.yaml";
	return r->len > MENU_ADMIN_MAX_YAML ? -1 : 0;
}

/* Returns milliseconds since start. */
static double
menu_admin_ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* Returns the success response of a change of the live version. */
static json_t *
menu_admin_live_changed(const char *version, const char *previous,
    const struct hl_diags *diags, const struct timespec *start)
{
	json_t *r = json_pack("{s:b,s:s,s:s,s:f}", "ok", 1, "version",
	    version, "previous", previous, "ms", menu_admin_ms_since(start));

	if (r != NULL && diags != NULL)
		json_object_set_new(r, "findings", hl_diags_json(diags));
	return r;
}

/*
 * Refuses a tree whose version a draft holds, unless it is the current
 * draft itself (same YAML): that is publishing what was tried.  An earlier
 * draft still serving test sessions, or the draft with other content,
 * would make one version name two contents.  Returns NULL if fine, else
 * the refusal.
 */
static json_t *
menu_admin_draft_clash(struct hl_menu_admin *ma, const char *version,
    const char *yaml, size_t len)
{
	const struct hl_menu *draft = hl_core_draft(ma->core);
	char *kept = NULL;
	size_t kept_len;
	bool same;

	if (!hl_core_is_draft_version(ma->core, version))
		return NULL;
	if (draft == NULL || strcmp(draft->version, version) != 0)
		return menu_admin_error("version_exists", "version %s is held "
		    "by an earlier draft still serving test sessions: raise "
		    "`version:`", version);
	if (hl_history_draft_get(ma->history, &kept, &kept_len, NULL) != 0)
		return menu_admin_error("store", "cannot read the draft");
	same = kept_len == len && memcmp(kept, yaml, len) == 0;
	free(kept);
	if (same)
		return NULL;
	return menu_admin_error("version_exists", "the draft has version %s "
	    "with other content; raise `version:` or update the draft first",
	    version);
}

/* Records and swaps in a checked tree (takes ownership).  Returns NULL on
 * success, else the refusal. */
static json_t *
menu_admin_go_live(struct hl_menu_admin *ma, enum hl_history_action action,
    struct hl_menu *tree, const char *yaml, size_t len, const char *message)
{
	bool was_draft;
	int rc;

	was_draft = hl_core_draft(ma->core) != NULL &&
	    strcmp(hl_core_draft(ma->core)->version, tree->version) == 0;
	rc = hl_history_record(ma->history, action, tree, yaml, len, message,
	    time(NULL));
	if (rc != 0) {
		json_t *e = rc == 1 ? menu_admin_error("version_exists",
		    "version %s was published before with other content: "
		    "raise `version:` in the file", tree->version) :
		    menu_admin_error("store", "cannot write the history; "
		    "nothing changed");

		hl_menu_free(tree);
		return e;
	}
	rc = hl_core_make_live(ma->core, tree->version);
	if (rc == 0)
		hl_menu_free(tree);
	else if (rc == -1 || hl_core_publish(ma->core, tree) == -1) {
		/* Cannot happen after menu_admin_draft_clash(); out of
		 * memory otherwise.  The history holds an event the core
		 * did not follow: say so. */
		hl_menu_free(tree);
		hl_log_err("menu: recorded version could not go live");
		return menu_admin_error("internal", "the version was recorded "
		    "but could not go live; see the daemon's log");
	}
	if (was_draft && hl_history_draft_clear(ma->history) == -1)
		hl_log_warn("history: cannot remove the published draft");
	return NULL;
}

/* publish: check, record, swap. */
static json_t *
menu_admin_publish(struct hl_menu_admin *ma, json_t *req)
{
	struct menu_admin_request r;
	struct hl_diags diags = { 0 };
	struct hl_menu *tree;
	struct timespec start;
	char previous[HL_ID_MAX];
	json_t *resp;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (menu_admin_request(req, &r) == -1)
		return menu_admin_error("bad_request", "publish needs \"yaml\" "
		    "(at most %u bytes)", MENU_ADMIN_MAX_YAML);
	if (r.message == NULL || r.message[0] == '\0')
		return menu_admin_error("bad_request", "publish needs a "
		    "message");
	diags.lang = r.lang;
	tree = menu_admin_parse(ma, r.file, r.yaml, r.len, &diags);
	if (tree == NULL) {
		resp = menu_admin_check_failed(&diags);
		goto out;
	}
	snprintf(previous, sizeof previous, "%s",
	    hl_core_tree(ma->core)->version);
	if (strcmp(tree->version, previous) == 0) {
		resp = menu_admin_error("live", "version %s is already live; "
		    "raise `version:` to publish a change", tree->version);
		hl_menu_free(tree);
		goto out;
	}
	if ((resp = menu_admin_draft_clash(ma, tree->version, r.yaml,
	    r.len)) != NULL) {
		hl_menu_free(tree);
		goto out;
	}
	resp = menu_admin_go_live(ma, HL_HISTORY_PUBLISH, tree, r.yaml, r.len,
	    r.message);
	if (resp == NULL)
		resp = menu_admin_live_changed(hl_core_tree(ma->core)->version,
		    previous, &diags, &start);
out:
	hl_diags_clear(&diags);
	return resp;
}

/* rollback: the previous (or a named) kept version goes live again. */
static json_t *
menu_admin_rollback(struct hl_menu_admin *ma, json_t *req)
{
	const char *version = json_string_value(json_object_get(req,
	    "version"));
	const char *message = json_string_value(json_object_get(req,
	    "message"));
	struct hl_diags diags = { 0 };
	struct hl_menu *tree;
	struct timespec start;
	char target[HL_ID_MAX], previous[HL_ID_MAX], file[256], *yaml = NULL;
	size_t len;
	json_t *resp;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	diags.lang = json_string_value(json_object_get(req, "lang"));
	snprintf(previous, sizeof previous, "%s",
	    hl_core_tree(ma->core)->version);
	if (version != NULL && strlen(version) >= sizeof target)
		return menu_admin_error("no_such_version", "no published "
		    "version has a name that long");
	if (version != NULL)
		snprintf(target, sizeof target, "%s", version);
	else if ((rc = hl_history_previous(ma->history, target)) != 0)
		return menu_admin_error(rc == 1 ? "no_previous" : "store",
		    rc == 1 ? "there is no earlier version to go back to" :
		    "cannot read the history");
	if (strcmp(target, previous) == 0)
		return menu_admin_error("live", "version %s is already live",
		    target);
	rc = hl_history_yaml(ma->history, target, &yaml, &len, file);
	if (rc != 0)
		return menu_admin_error(rc == 1 ? "no_such_version" : "store",
		    rc == 1 ? "no published version %s (see helplinectl "
		    "history)" : "cannot read version %s", target);
	if ((resp = menu_admin_draft_clash(ma, target, yaml, len)) != NULL)
		goto out;
	tree = menu_admin_parse(ma, file, yaml, len, &diags);
	if (tree == NULL) {
		resp = menu_admin_check_failed(&diags);
		goto out;
	}
	resp = menu_admin_go_live(ma, HL_HISTORY_ROLLBACK, tree, yaml, len,
	    message != NULL && message[0] != '\0' ? message : "rollback");
	if (resp == NULL)
		resp = menu_admin_live_changed(target, previous, NULL, &start);
out:
	free(yaml);
	hl_diags_clear(&diags);
	return resp;
}

/* draft: a tree only test numbers see; {"clear": true} removes it. */
static json_t *
menu_admin_draft(struct hl_menu_admin *ma, json_t *req, size_t testers)
{
	struct menu_admin_request r;
	struct hl_diags diags = { 0 };
	struct hl_menu *tree;
	json_t *resp;
	char *kept = NULL;
	size_t kept_len;

	if (json_is_true(json_object_get(req, "clear"))) {
		if (hl_history_draft_clear(ma->history) == -1)
			return menu_admin_error("store", "cannot remove the "
			    "draft");
		hl_core_set_draft(ma->core, NULL);
		return json_pack("{s:b}", "ok", 1);
	}
	if (menu_admin_request(req, &r) == -1)
		return menu_admin_error("bad_request", "draft needs \"yaml\"");
	diags.lang = r.lang;
	tree = menu_admin_parse(ma, r.file, r.yaml, r.len, &diags);
	if (tree == NULL) {
		resp = menu_admin_check_failed(&diags);
		goto out;
	}
	if (hl_history_yaml(ma->history, tree->version, &kept, &kept_len,
	    NULL) == 0) {
		free(kept);
		resp = menu_admin_error("version_exists", "version %s was "
		    "published before; give the draft a new `version:`",
		    tree->version);
		hl_menu_free(tree);
		goto out;
	}
	if (hl_core_has_version(ma->core, tree->version)) {
		resp = menu_admin_error("version_loaded", "version %s is "
		    "loaded (live, the current draft, or serving open "
		    "sessions); give the draft its own `version:`",
		    tree->version);
		hl_menu_free(tree);
		goto out;
	}
	if (hl_history_draft_put(ma->history, tree, r.yaml, r.len,
	    time(NULL)) == -1) {
		resp = menu_admin_error("store", "cannot keep the draft; "
		    "nothing changed");
		hl_menu_free(tree);
		goto out;
	}
	hl_core_set_draft(ma->core, NULL);
	if (hl_core_set_draft(ma->core, tree) == -1) {
		/* Only out of memory is left: the kept draft stands for
		 * the next start. */
		resp = menu_admin_error("internal", "out of memory");
		hl_menu_free(tree);
		goto out;
	}
	resp = json_pack("{s:b,s:s,s:I}", "ok", 1, "version", tree->version,
	    "testers", (json_int_t)testers);
	if (resp != NULL)
		json_object_set_new(resp, "findings",
		    hl_diags_json(&diags));
out:
	hl_diags_clear(&diags);
	return resp;
}

/* Adds one loaded tree to a status response. */
static void
menu_admin_status_tree(const struct hl_menu *tree, bool live, bool draft,
    unsigned sessions, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s,s:s,s:b,s:b,s:I}",
	    "version", tree->version, "helpline", tree->helpline, "live",
	    live, "draft", draft, "sessions", (json_int_t)sessions));
}

/* status: the loaded trees. */
static json_t *
menu_admin_status(struct hl_menu_admin *ma, size_t testers)
{
	const struct hl_menu *draft = hl_core_draft(ma->core);
	json_t *trees = json_array();

	if (trees == NULL || hl_core_trees_each(ma->core,
	    menu_admin_status_tree, trees) == -1) {
		json_decref(trees);
		return menu_admin_error("store", "cannot count sessions");
	}
	return json_pack("{s:b,s:s,s:s?,s:I,s:o}", "ok", 1, "live",
	    hl_core_tree(ma->core)->version, "draft", draft != NULL ?
	    draft->version : NULL, "testers", (json_int_t)testers, "trees",
	    trees);
}

/* Answers one control request. */
json_t *
hl_menu_admin_command(json_t *req, void *arg)
{
	struct hl_menu_admin *ma = arg;
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	size_t testers = hl_core_testers(ma->core);
	json_t *resp = NULL;

	if (cmd == NULL)
		cmd = "";
	if (strcmp(cmd, "publish") == 0)
		resp = menu_admin_publish(ma, req);
	else if (strcmp(cmd, "rollback") == 0)
		resp = menu_admin_rollback(ma, req);
	else if (strcmp(cmd, "draft") == 0)
		resp = menu_admin_draft(ma, req, testers);
	else if (strcmp(cmd, "status") == 0)
		resp = menu_admin_status(ma, testers);
	else {
		resp = menu_admin_error("bad_request", "unknown command");
		cmd = "unknown";	/* never log what a client wrote */
	}
	if (resp == NULL)
		resp = json_pack("{s:b,s:s,s:s}", "ok", 0, "error", "internal",
		    "message", "out of memory");
	hl_log_info("control: %s: %s", cmd != NULL ? cmd : "?",
	    json_is_true(json_object_get(resp, "ok")) ? "done" :
	    json_string_value(json_object_get(resp, "error")));
	return resp;
}
