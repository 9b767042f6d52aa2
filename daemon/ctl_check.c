/*
 * ctl_check.c - helplinectl check: every finding of the daemon's own loader
 * and checker, with the daemon's budgets and region (settings.c), so the
 * tool never accepts what the daemon would refuse, or the reverse.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "helpline/diag_json.h"
#include "helpline/menu.h"
#include "ctl.h"

/* Prints the help of check. */
static void
check_usage(struct ctl *ctl, FILE *f)
{
	fputs(ctl_tr(ctl,
	    "usage: helplinectl check [--format text|json] [--strict] FILE...\n"
	    "Checks menu files exactly as helplined does before it loads one:\n"
	    "YAML errors, unknown goto, unreachable nodes, duplicate keys,\n"
	    "missing translations, screens over an SMS or USSD budget (and the\n"
	    "character that forced UCS-2), contact numbers that cannot be\n"
	    "dialled, contacts not checked for over a year, words gateways\n"
	    "reserve, clashes with the global keys.  Each finding names\n"
	    "file:line:column and the node.\n"
	    "  --format text|json  output (default text)\n"
	    "  --strict            treat warnings as errors\n"
	    "Exit status: 0 every file would be accepted (warnings allowed),\n"
	    "1 a file has errors (the daemon would refuse it), 2 usage.\n",
	    "gebruik: helplinectl check [--format text|json] [--strict] "
	    "BESTAND...\n"
	    "Controleert menubestanden precies zoals helplined dat doet voor\n"
	    "het laden: YAML-fouten, onbekende goto, onbereikbare\n"
	    "knooppunten, dubbele toetsen, ontbrekende vertalingen, schermen\n"
	    "langer dan een sms of USSD toelaat (en het teken dat UCS-2\n"
	    "afdwong), contactnummers die niet te bellen zijn, contacten die\n"
	    "meer dan een jaar niet zijn gecontroleerd, woorden die gateways\n"
	    "voor zichzelf houden, botsingen met de algemene toetsen.  Elke\n"
	    "melding noemt bestand:regel:kolom en het knooppunt.\n"
	    "  --format text|json  uitvoer (standaard text)\n"
	    "  --strict            waarschuwingen tellen als fouten\n"
	    "Afsluitstatus: 0 elk bestand zou worden geaccepteerd\n"
	    "(waarschuwingen mogen), 1 een bestand heeft fouten (de daemon\n"
	    "zou het weigeren), 2 gebruik.\n"), f);
}

/* Returns one file's findings as a JSON object. */
static json_t *
check_json(const char *path, const struct hl_diags *d, bool accepted)
{
	json_t *items = hl_diags_json(d);

	return json_pack("{s:s,s:b,s:I,s:I,s:o}", "file", path, "accepted",
	    accepted, "errors", (json_int_t)d->n_errors, "warnings",
	    (json_int_t)(d->n - d->n_errors), "findings", items);
}

/* Prints the summary line of one file. */
static void
check_summary(struct ctl *ctl, const char *path, const struct hl_diags *d,
    bool accepted)
{
	size_t warnings = d->n - d->n_errors;

	if (accepted)
		printf(ctl_tr(ctl, "%s: accepted (%zu warnings)\n",
		    "%s: geaccepteerd (%zu waarschuwingen)\n"), path,
		    warnings);
	else
		printf(ctl_tr(ctl, "%s: refused: %zu errors, %zu warnings; "
		    "helplined would not load it\n", "%s: geweigerd: %zu "
		    "fouten, %zu waarschuwingen; helplined zou het niet "
		    "laden\n"), path, d->n_errors, warnings);
}

/* helplinectl check. */
int
ctl_check(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "strict", no_argument, NULL, 'S' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hl_menu_check_opts opts;
	bool json = false, strict = false, all_ok = true;
	json_t *files = NULL;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ctl_common_option(ctl, ch, optarg))
			continue;
		if (ch == 'f' && (strcmp(optarg, "json") == 0 ||
		    strcmp(optarg, "text") == 0))
			json = strcmp(optarg, "json") == 0;
		else if (ch == 'S')
			strict = true;
		else {
			check_usage(ctl, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? CTL_OK : CTL_TROUBLE;
		}
	}
	if (optind == argc) {
		check_usage(ctl, stderr);
		return CTL_TROUBLE;
	}
	ctl_check_opts(ctl, &opts);
	if (json && (files = json_array()) == NULL)
		return CTL_TROUBLE;
	for (int i = optind; i < argc; i++) {
		struct hl_diags d = { .lang = ctl->lang };
		struct hl_menu *tree = hl_menu_load_file(argv[i], &opts, &d);
		bool ok = tree != NULL && !(strict && d.n > 0);

		hl_menu_free(tree);
		all_ok = all_ok && ok;
		if (json)
			json_array_append_new(files, check_json(argv[i], &d,
			    ok));
		else {
			ctl_print_findings(ctl, &d, stdout);
			check_summary(ctl, argv[i], &d, ok);
		}
		hl_diags_clear(&d);
	}
	if (json) {
		json_t *out = json_pack("{s:b,s:o}", "accepted", all_ok,
		    "files", files);

		json_dumpf(out, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(out);
	}
	return all_ok ? CTL_OK : CTL_REFUSED;
}
