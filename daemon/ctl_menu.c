/*
 * ctl_menu.c - helplinectl publish, draft, rollback, status, history and
 * diff: the coordinators' side of the published-version history
 * (history.h).
 *
 * Changes go to the running daemon over its control socket; the daemon
 * checks the tree again (the same checker), records it and swaps it in.
 * When the daemon is not running, publish, rollback and draft are staged
 * in its database for its next start, and the tool says so.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "helpline/file.h"
#include "helpline/history.h"
#include "helpline/menu.h"
#include "helpline/menu_diff.h"
#include "ctl.h"

#define CTL_MAX_YAML (1u << 20)	/* the loader's own limit */

/* Options of publish, draft and rollback. */
struct menu_opts {
	const char *message;
	bool clear;
	bool json;
};

/* Parses the options of publish, draft and rollback; prints help on -h.
 * Returns 0, or the exit status to return. */
static int
menu_parse(struct ctl *ctl, int argc, char **argv, struct menu_opts *o,
    void (*usage)(struct ctl *, FILE *))
{
	static const struct option longopts[] = {
		{ "message", required_argument, NULL, 'm' },
		{ "clear", no_argument, NULL, 'x' },
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof *o);
	while ((ch = getopt_long(argc, argv, "m:h", longopts, NULL)) != -1) {
		if (ctl_common_option(ctl, ch, optarg))
			continue;
		if (ch == 'm')
			o->message = optarg;
		else if (ch == 'x')
			o->clear = true;
		else if (ch == 'f' && (strcmp(optarg, "json") == 0 ||
		    strcmp(optarg, "text") == 0))
			o->json = strcmp(optarg, "json") == 0;
		else {
			usage(ctl, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? CTL_OK : CTL_TROUBLE;
		}
	}
	return -1;
}

/* Loads a file to publish: its bytes (sent as they are) and its tree,
 * checked here first as the daemon will check it.  Prints the findings.
 * Returns the tree, or NULL. */
static struct hl_menu *
menu_load(struct ctl *ctl, const char *path, char **yaml, size_t *len)
{
	struct hl_menu_check_opts opts;
	struct hl_diags d = { .lang = ctl->lang };
	struct hl_menu *tree;
	char err[512];

	if (hl_file_read(path, CTL_MAX_YAML, yaml, len, err, sizeof err) ==
	    -1) {
		ctl_err(ctl, "%s", "%s", err);
		return NULL;
	}
	ctl_check_opts(ctl, &opts);
	tree = hl_menu_load_buffer(path, *yaml, *len, &opts, &d);
	ctl_print_findings(ctl, &d, stderr);
	if (tree == NULL)
		ctl_err(ctl, "%s has %zu errors: nothing changed",
		    "%s heeft %zu fouten: er is niets veranderd", path,
		    d.n_errors);
	hl_diags_clear(&d);
	if (tree == NULL) {
		free(*yaml);
		*yaml = NULL;
	}
	return tree;
}

/* Says a change was staged for the daemon's next start. */
static void
menu_say_staged(struct ctl *ctl, const char *version)
{
	printf(ctl_tr(ctl, "helplined is not running: version %s is staged "
	    "and goes live at its next start.\n", "helplined draait niet: "
	    "versie %s staat klaar en gaat live bij de volgende start.\n"),
	    version);
}

/* Prints a refusal of the daemon with its findings. */
static int
menu_refused(struct ctl *ctl, json_t *resp)
{
	ctl_print_response_findings(ctl, resp, stderr);
	ctl_err(ctl, "refused (%s): %s; nothing changed", "geweigerd (%s): "
	    "%s; er is niets veranderd", ctl_json_str(resp, "error", "?"),
	    ctl_json_str(resp, "message", ""));
	return CTL_REFUSED;
}

/* Sends a change to the daemon.  Returns the exit status, or -1 if the
 * daemon is not running (stage it). */
static int
menu_send(struct ctl *ctl, json_t *req, json_t **resp)
{
	int rc = ctl_request(ctl, req, resp);

	json_decref(req);
	if (rc == -1)
		return -1;
	if (rc < 0)
		return CTL_TROUBLE;
	if (!json_is_true(json_object_get(*resp, "ok"))) {
		rc = menu_refused(ctl, *resp);
		json_decref(*resp);
		*resp = NULL;
		return rc;
	}
	ctl_print_response_findings(ctl, *resp, stderr);
	return CTL_OK;
}

/* Prints the help of publish. */
static void
publish_usage(struct ctl *ctl, FILE *f)
{
	fputs(ctl_tr(ctl,
	    "usage: helplinectl publish -m MESSAGE FILE\n"
	    "Checks FILE as helplined would, then makes it the live menu.\n"
	    "The running daemon swaps it in at once; people in the middle of\n"
	    "a conversation finish on the version they started on.  If the\n"
	    "daemon is not running, the version is staged and goes live at\n"
	    "its next start.  Each version is kept with MESSAGE (see history,\n"
	    "diff, rollback).  A new version needs a new `version:` line.\n"
	    "Access: the control socket is open to its owner and the group\n"
	    "set in [control] group.\n",
	    "gebruik: helplinectl publish -m BERICHT BESTAND\n"
	    "Controleert BESTAND zoals helplined dat doet en maakt het het live\n"
	    "menu.  De draaiende daemon wisselt direct; wie midden in een\n"
	    "gesprek zit, maakt het af op de versie waarmee hij begon.  Draait\n"
	    "de daemon niet, dan wordt de versie klaargezet en gaat ze live\n"
	    "bij de volgende start.  Elke versie wordt met BERICHT bewaard\n"
	    "(zie history, diff, rollback).  Een nieuwe versie heeft een\n"
	    "nieuwe `version:`-regel nodig.  Toegang: de control-socket is\n"
	    "open voor de eigenaar en de groep uit [control] group.\n"), f);
}

/* Stages a publish in the database of a stopped daemon. */
static int
publish_stage(struct ctl *ctl, const struct hl_menu *tree, const char *yaml,
    size_t len, const char *message)
{
	struct hl_history *hist = ctl_open_history(ctl, false);
	struct hl_history_event ev;
	int rc;

	if (hist == NULL)
		return CTL_TROUBLE;
	if (hl_history_latest(hist, &ev) == 0 &&
	    strcmp(ev.version, tree->version) == 0 &&
	    hl_history_is_deliberate(ev.action)) {
		ctl_err(ctl, "version %s is already live; raise `version:` to "
		    "publish a change", "versie %s is al live; verhoog "
		    "`version:` om een wijziging te publiceren",
		    tree->version);
		hl_history_close(hist);
		return CTL_REFUSED;
	}
	rc = hl_history_record(hist, HL_HISTORY_STAGE, tree, yaml, len,
	    message, time(NULL));
	hl_history_close(hist);
	if (rc == 1) {
		ctl_err(ctl, "version %s was published before with other "
		    "content: raise `version:` in the file", "versie %s is "
		    "eerder met andere inhoud gepubliceerd: verhoog "
		    "`version:` in het bestand", tree->version);
		return CTL_REFUSED;
	}
	if (rc == -1) {
		ctl_err(ctl, "cannot write the database", "kan de database "
		    "niet schrijven");
		return CTL_TROUBLE;
	}
	menu_say_staged(ctl, tree->version);
	return CTL_OK;
}

/* helplinectl publish. */
int
ctl_publish(struct ctl *ctl, int argc, char **argv)
{
	struct menu_opts o;
	struct hl_menu *tree;
	json_t *resp = NULL;
	char *yaml = NULL;
	size_t len;
	int rc;

	if ((rc = menu_parse(ctl, argc, argv, &o, publish_usage)) >= 0)
		return rc;
	if (argc - optind != 1 || o.message == NULL || o.message[0] == '\0') {
		publish_usage(ctl, stderr);
		return CTL_TROUBLE;
	}
	if ((tree = menu_load(ctl, argv[optind], &yaml, &len)) == NULL)
		return CTL_REFUSED;
	rc = menu_send(ctl, json_pack("{s:s,s:s%,s:s,s:s,s:s}", "cmd",
	    "publish", "yaml", yaml, len, "file", argv[optind], "message",
	    o.message, "lang", ctl->lang), &resp);
	if (rc == -1)
		rc = publish_stage(ctl, tree, yaml, len, o.message);
	else if (rc == CTL_OK)
		printf(ctl_tr(ctl, "version %s is live (was %s); the switch "
		    "took %.1f ms.\n", "versie %s is live (was %s); de wissel "
		    "duurde %.1f ms.\n"), ctl_json_str(resp, "version", "?"),
		    ctl_json_str(resp, "previous", "?"),
		    json_real_value(json_object_get(resp, "ms")));
	json_decref(resp);
	hl_menu_free(tree);
	free(yaml);
	return rc;
}

/* Prints the help of rollback. */
static void
rollback_usage(struct ctl *ctl, FILE *f)
{
	fputs(ctl_tr(ctl,
	    "usage: helplinectl rollback [-m MESSAGE] [VERSION]\n"
	    "Makes an earlier published version live again: VERSION, or the\n"
	    "one live before the current one.  It is checked again first.\n"
	    "Staged for the next start if the daemon is not running.\n",
	    "gebruik: helplinectl rollback [-m BERICHT] [VERSIE]\n"
	    "Zet een eerder gepubliceerde versie weer live: VERSIE, of de\n"
	    "versie die voor de huidige live was.  Ze wordt eerst opnieuw\n"
	    "gecontroleerd.  Draait de daemon niet, dan staat ze klaar voor\n"
	    "de volgende start.\n"), f);
}

/* Stages a rollback in the database of a stopped daemon. */
static int
rollback_stage(struct ctl *ctl, const char *version, const char *message)
{
	struct hl_history *hist = ctl_open_history(ctl, false);
	struct hl_menu_check_opts opts;
	struct hl_diags d = { .lang = ctl->lang };
	struct hl_menu *tree = NULL;
	char target[HL_ID_MAX], file[256], *yaml = NULL;
	size_t len;
	int rc = CTL_REFUSED;

	if (hist == NULL)
		return CTL_TROUBLE;
	if (version != NULL && strlen(version) >= sizeof target) {
		ctl_err(ctl, "no published version has a name that long",
		    "geen gepubliceerde versie heeft zo'n lange naam");
		goto out;
	}
	if (version != NULL)
		snprintf(target, sizeof target, "%s", version);
	else if (hl_history_previous(hist, target) != 0) {
		ctl_err(ctl, "there is no earlier version to go back to",
		    "er is geen eerdere versie om naar terug te gaan");
		goto out;
	}
	if (hl_history_yaml(hist, target, &yaml, &len, file) != 0) {
		ctl_err(ctl, "no published version %s (see helplinectl "
		    "history)", "geen gepubliceerde versie %s (zie "
		    "helplinectl history)", target);
		goto out;
	}
	ctl_check_opts(ctl, &opts);
	if ((tree = hl_menu_load_buffer(file, yaml, len, &opts, &d)) == NULL) {
		ctl_print_findings(ctl, &d, stderr);
		goto out;
	}
	if (hl_history_record(hist, HL_HISTORY_ROLLBACK, tree, yaml, len,
	    message, time(NULL)) != 0) {
		ctl_err(ctl, "cannot write the database", "kan de database "
		    "niet schrijven");
		rc = CTL_TROUBLE;
		goto out;
	}
	menu_say_staged(ctl, target);
	rc = CTL_OK;
out:
	hl_diags_clear(&d);
	hl_menu_free(tree);
	free(yaml);
	hl_history_close(hist);
	return rc;
}

/* helplinectl rollback. */
int
ctl_rollback(struct ctl *ctl, int argc, char **argv)
{
	struct menu_opts o;
	const char *version;
	const char *message;
	json_t *resp = NULL;
	int rc;

	if ((rc = menu_parse(ctl, argc, argv, &o, rollback_usage)) >= 0)
		return rc;
	if (argc - optind > 1) {
		rollback_usage(ctl, stderr);
		return CTL_TROUBLE;
	}
	version = optind < argc ? argv[optind] : NULL;
	message = o.message != NULL ? o.message : "rollback";
	rc = menu_send(ctl, json_pack("{s:s,s:s?,s:s,s:s}", "cmd",
	    "rollback", "version", version, "message", message, "lang",
	    ctl->lang), &resp);
	if (rc == -1)
		rc = rollback_stage(ctl, version, message);
	else if (rc == CTL_OK)
		printf(ctl_tr(ctl, "version %s is live again (was %s).\n",
		    "versie %s is weer live (was %s).\n"),
		    ctl_json_str(resp, "version", "?"),
		    ctl_json_str(resp, "previous", "?"));
	json_decref(resp);
	return rc;
}

/* Prints the help of draft. */
static void
draft_usage(struct ctl *ctl, FILE *f)
{
	fputs(ctl_tr(ctl,
	    "usage: helplinectl draft FILE | helplinectl draft --clear\n"
	    "Lets only the test numbers of the config ([draft] test_numbers)\n"
	    "see FILE, so it can be tried on a real phone before publishing.\n"
	    "A test number's next new conversation starts on the draft;\n"
	    "everyone else keeps the live menu.  Publishing the same file\n"
	    "later makes the draft live.  --clear removes the draft.\n",
	    "gebruik: helplinectl draft BESTAND | helplinectl draft --clear\n"
	    "Laat alleen de testnummers uit de configuratie ([draft]\n"
	    "test_numbers) BESTAND zien, zodat het op een echte telefoon\n"
	    "geprobeerd kan worden voor publicatie.  Het volgende nieuwe\n"
	    "gesprek van een testnummer begint op het concept; iedereen\n"
	    "anders houdt het live menu.  Hetzelfde bestand later publiceren\n"
	    "zet het concept live.  --clear verwijdert het concept.\n"), f);
}

/* Stages a draft in the database of a stopped daemon. */
static int
draft_stage(struct ctl *ctl, const struct hl_menu *tree, const char *yaml,
    size_t len)
{
	struct hl_history *hist = ctl_open_history(ctl, false);
	int rc;

	char *kept;
	size_t kept_len;

	if (hist == NULL)
		return CTL_TROUBLE;
	if (tree != NULL && hl_history_yaml(hist, tree->version, &kept,
	    &kept_len, NULL) == 0) {
		free(kept);
		hl_history_close(hist);
		ctl_err(ctl, "version %s was published before; give the draft "
		    "a new `version:`", "versie %s is eerder gepubliceerd; geef "
		    "het concept een nieuwe `version:`", tree->version);
		return CTL_REFUSED;
	}
	rc = tree != NULL ? hl_history_draft_put(hist, tree, yaml, len,
	    time(NULL)) : hl_history_draft_clear(hist);
	hl_history_close(hist);
	if (rc == -1) {
		ctl_err(ctl, "cannot write the database", "kan de database "
		    "niet schrijven");
		return CTL_TROUBLE;
	}
	printf("%s\n", ctl_tr(ctl, "helplined is not running: the draft is "
	    "kept for its next start.", "helplined draait niet: het concept "
	    "wordt bewaard voor de volgende start."));
	return CTL_OK;
}

/* helplinectl draft. */
int
ctl_draft(struct ctl *ctl, int argc, char **argv)
{
	struct menu_opts o;
	struct hl_menu *tree = NULL;
	json_t *resp = NULL, *req;
	char *yaml = NULL;
	size_t len = 0;
	int rc;

	if ((rc = menu_parse(ctl, argc, argv, &o, draft_usage)) >= 0)
		return rc;
	if (argc - optind != (o.clear ? 0 : 1)) {
		draft_usage(ctl, stderr);
		return CTL_TROUBLE;
	}
	if (o.clear)
		req = json_pack("{s:s,s:b}", "cmd", "draft", "clear", 1);
	else if ((tree = menu_load(ctl, argv[optind], &yaml, &len)) == NULL)
		return CTL_REFUSED;
	else
		req = json_pack("{s:s,s:s%,s:s,s:s}", "cmd", "draft", "yaml",
		    yaml, len, "file", argv[optind], "lang", ctl->lang);
	rc = menu_send(ctl, req, &resp);
	if (rc == -1)
		rc = draft_stage(ctl, tree, yaml, len);
	else if (rc == CTL_OK && o.clear)
		printf("%s\n", ctl_tr(ctl, "the draft is removed.",
		    "het concept is verwijderd."));
	else if (rc == CTL_OK)
		printf(ctl_tr(ctl, "version %s is the draft; %lld test "
		    "numbers see it in their next new conversation.\n",
		    "versie %s is het concept; %lld testnummers zien het in "
		    "hun volgende nieuwe gesprek.\n"), ctl_json_str(resp,
		    "version", "?"), (long long)json_integer_value(
		    json_object_get(resp, "testers")));
	json_decref(resp);
	hl_menu_free(tree);
	free(yaml);
	return rc;
}

/* Prints the help of status. */
static void
status_usage(struct ctl *ctl, FILE *f)
{
	fputs(ctl_tr(ctl,
	    "usage: helplinectl status [--format text|json]\n"
	    "Shows the versions the running daemon has loaded: the live one,\n"
	    "the draft, and older ones still finishing open conversations.\n",
	    "gebruik: helplinectl status [--format text|json]\n"
	    "Toont de versies die de draaiende daemon geladen heeft: de live\n"
	    "versie, het concept, en oudere die nog open gesprekken\n"
	    "afmaken.\n"), f);
}

/* helplinectl status. */
int
ctl_status(struct ctl *ctl, int argc, char **argv)
{
	struct menu_opts o;
	json_t *resp = NULL, *t;
	size_t i;
	int rc;

	if ((rc = menu_parse(ctl, argc, argv, &o, status_usage)) >= 0)
		return rc;
	rc = menu_send(ctl, json_pack("{s:s}", "cmd", "status"), &resp);
	if (rc == -1) {
		ctl_err(ctl, "helplined is not running", "helplined draait "
		    "niet");
		return CTL_TROUBLE;
	}
	if (rc != CTL_OK)
		return rc;
	if (o.json) {
		json_dumpf(resp, stdout, JSON_INDENT(2));
		putchar('\n');
	} else
		json_array_foreach(json_object_get(resp, "trees"), i, t)
			printf(ctl_tr(ctl, "%-20s %-8s %lld open sessions\n",
			    "%-20s %-8s %lld open sessies\n"),
			    ctl_json_str(t, "version", "?"),
			    json_is_true(json_object_get(t, "live")) ? "live" :
			    json_is_true(json_object_get(t, "draft")) ?
			    ctl_tr(ctl, "draft", "concept") : "",
			    (long long)json_integer_value(json_object_get(t,
			    "sessions")));
	json_decref(resp);
	return CTL_OK;
}

/* Prints the help of history. */
static void
history_usage(struct ctl *ctl, FILE *f)
{
	fputs(ctl_tr(ctl,
	    "usage: helplinectl history [--format text|json]\n"
	    "Lists every change of the live menu, newest first: when, what\n"
	    "(publish, stage, rollback, start, reload), the version and the\n"
	    "message.  Works whether the daemon runs or not.\n",
	    "gebruik: helplinectl history [--format text|json]\n"
	    "Toont elke wissel van het live menu, nieuwste eerst: wanneer, wat\n"
	    "(publish, stage, rollback, start, reload), de versie en het\n"
	    "bericht.  Werkt of de daemon nu draait of niet.\n"), f);
}

/* Prints one history event. */
static int
history_print(const struct hl_history_event *ev, void *arg)
{
	json_t *list = arg;
	char when[32];
	time_t at = (time_t)ev->at;
	struct tm tm;

	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S",
	    gmtime_r(&at, &tm));
	if (list != NULL)
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:s,"
		    "s:s}", "seq", (json_int_t)ev->seq, "at", when, "action",
		    hl_history_action_name(ev->action), "version", ev->version,
		    "file", ev->file, "message", ev->message));
	else
		printf("%s UTC  %-8s  %-20s  %s\n", when,
		    hl_history_action_name(ev->action), ev->version,
		    ev->message);
	return 0;
}

/* helplinectl history. */
int
ctl_history(struct ctl *ctl, int argc, char **argv)
{
	struct menu_opts o;
	struct hl_history *hist;
	json_t *list = NULL;
	int rc;

	if ((rc = menu_parse(ctl, argc, argv, &o, history_usage)) >= 0)
		return rc;
	if (optind != argc) {
		history_usage(ctl, stderr);
		return CTL_TROUBLE;
	}
	if ((hist = ctl_open_history(ctl, true)) == NULL)
		return CTL_TROUBLE;
	if (o.json)
		list = json_array();
	rc = hl_history_each(hist, history_print, list);
	hl_history_close(hist);
	if (list != NULL) {
		json_dumpf(list, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(list);
	}
	if (rc == -1) {
		ctl_err(ctl, "cannot read the history", "kan de geschiedenis "
		    "niet lezen");
		return CTL_TROUBLE;
	}
	return CTL_OK;
}

/* Prints the help of diff. */
static void
diff_usage(struct ctl *ctl, FILE *f)
{
	fputs(ctl_tr(ctl,
	    "usage: helplinectl diff A B\n"
	    "Shows what changed from A to B, node by node: nodes added and\n"
	    "removed, changed texts, options and contacts.  A and B are\n"
	    "published versions (see history) or menu files.\n",
	    "gebruik: helplinectl diff A B\n"
	    "Toont wat er van A naar B veranderd is, per knooppunt: toegevoegde\n"
	    "en verwijderde knooppunten, gewijzigde teksten, keuzes en\n"
	    "contacten.  A en B zijn gepubliceerde versies (zie history) of\n"
	    "menubestanden.\n"), f);
}

/* Loads one side of a diff: a file if one exists by that name, else a
 * published version.  Checked without budgets: a diff shows content. */
static struct hl_menu *
diff_side(struct ctl *ctl, struct hl_history **hist, const char *name)
{
	struct hl_diags d = { .lang = ctl->lang };
	struct hl_menu *tree = NULL;
	char file[256], *yaml;
	size_t len;

	if (access(name, F_OK) == 0)
		tree = hl_menu_load_file(name, NULL, &d);
	else {
		if (*hist == NULL && (*hist = ctl_open_history(ctl,
		    true)) == NULL)
			return NULL;
		if (hl_history_yaml(*hist, name, &yaml, &len, file) != 0) {
			ctl_err(ctl, "%s: no such file, and no published "
			    "version of that name (see helplinectl history)",
			    "%s: geen bestand, en geen gepubliceerde versie met "
			    "die naam (zie helplinectl history)", name);
			return NULL;
		}
		tree = hl_menu_load_buffer(file, yaml, len, NULL, &d);
		free(yaml);
	}
	if (tree == NULL)
		ctl_print_findings(ctl, &d, stderr);
	hl_diags_clear(&d);
	return tree;
}

/* helplinectl diff. */
int
ctl_diff(struct ctl *ctl, int argc, char **argv)
{
	struct menu_opts o;
	struct hl_history *hist = NULL;
	struct hl_menu *a = NULL, *b = NULL;
	struct hl_menu_diff diff = { 0 };
	int rc;

	if ((rc = menu_parse(ctl, argc, argv, &o, diff_usage)) >= 0)
		return rc;
	if (argc - optind != 2) {
		diff_usage(ctl, stderr);
		return CTL_TROUBLE;
	}
	rc = CTL_TROUBLE;
	if ((a = diff_side(ctl, &hist, argv[optind])) == NULL ||
	    (b = diff_side(ctl, &hist, argv[optind + 1])) == NULL)
		goto out;
	if (hl_menu_diff(a, b, &diff) == -1 ||
	    hl_menu_diff_write(&diff, ctl->lang, stdout) == -1)
		goto out;
	rc = CTL_OK;
out:
	hl_menu_diff_free(&diff);
	hl_menu_free(a);
	hl_menu_free(b);
	hl_history_close(hist);
	return rc;
}
