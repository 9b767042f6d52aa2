/*
 * ctl_simulate.c - helplinectl simulate: walk a tree in the terminal with
 * the engine itself (engine.c), on a channel's budget, so a coordinator
 * sees every page, option line and navigation line exactly as a phone
 * would.  Reads what the caller sends line by line from stdin, so tests
 * and scripts can drive it too.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "helpline/engine.h"
#include "helpline/menu.h"
#include "helpline/text.h"
#include "ctl.h"

#define SIMULATE_MAX_LINE 4096

/* Prints the help of simulate. */
static void
simulate_usage(struct ctl *ctl, FILE *f)
{
	fputs(ctl_tr(ctl,
	    "usage: helplinectl simulate [--channel sms|ussd] [--lang nl|en]\n"
	    "                            [--format text|json] [FILE]\n"
	    "Walks a menu as a caller would: type what the phone sends, one\n"
	    "message per line (Ctrl-D ends).  Without FILE, the live menu:\n"
	    "the newest published version, else the configured or built-in\n"
	    "one.  Replies are split into pages exactly as on the channel\n"
	    "(the budgets of the config); global keys work as in the daemon.\n"
	    "  --channel sms|ussd  the channel (default sms)\n"
	    "  --lang nl|en        the caller's language at the start (also\n"
	    "                      the language of this tool's own words)\n"
	    "  --format text|json  text for people; json: one object per\n"
	    "                      reply, for scripts\n",
	    "gebruik: helplinectl simulate [--channel sms|ussd] [--lang nl|en]\n"
	    "                              [--format text|json] [BESTAND]\n"
	    "Doorloopt een menu zoals een beller: typ wat de telefoon stuurt,\n"
	    "één bericht per regel (Ctrl-D stopt).  Zonder BESTAND het live\n"
	    "menu: de nieuwste gepubliceerde versie, anders het ingestelde of\n"
	    "ingebouwde menu.  Antwoorden worden precies zoals op het kanaal\n"
	    "in pagina's verdeeld (de budgetten uit de configuratie); de\n"
	    "algemene toetsen werken zoals in de daemon.\n"
	    "  --channel sms|ussd  het kanaal (standaard sms)\n"
	    "  --lang nl|en        de taal van de beller bij de start (ook\n"
	    "                      de taal van de meldingen van dit programma)\n"
	    "  --format text|json  text voor mensen; json: één object per\n"
	    "                      antwoord, voor scripts\n"), f);
}

/* Returns the SMS parts a reply takes (0 if it is not valid UTF-8). */
static unsigned
simulate_parts(const char *s)
{
	for (unsigned n = 1; n <= 10; n++) {
		struct hl_budget b = { HL_CHANNEL_SMS, n, HL_USSD_MAX_CHARS };

		if (hl_text_fits(&b, s, strlen(s)))
			return n;
	}
	return 0;
}

/* Prints one reply with what it costs on the channel. */
static void
simulate_print(struct ctl *ctl, enum hl_channel channel, const char *input,
    const struct hl_engine_result *r, bool json, bool echo)
{
	struct hl_sms_count c = { 0 };
	size_t len = strlen(r->reply);
	bool gsm7;

	hl_sms_count(r->reply, len, &c);
	gsm7 = c.coding == HL_SMS_GSM7;
	if (json) {
		json_t *o = json_pack("{s:s,s:s,s:b,s:s,s:I,s:I,s:s}", "input",
		    input, "reply", r->reply, "end", r->end, "channel",
		    hl_channel_name(channel), "chars",
		    (json_int_t)hl_utf8_chars(r->reply, len), "parts",
		    (json_int_t)simulate_parts(r->reply), "coding",
		    gsm7 ? "gsm7" : "ucs2");

		json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
		putchar('\n');
		json_decref(o);
		return;
	}
	if (echo)
		printf("> %s\n", input);
	printf("%s\n", r->reply);
	if (channel == HL_CHANNEL_USSD)
		printf(ctl_tr(ctl, "[ussd: %zu characters]\n",
		    "[ussd: %zu tekens]\n"), hl_utf8_chars(r->reply, len));
	else
		printf(ctl_tr(ctl, "[sms: %u part(s), %s, %zu units]\n",
		    "[sms: %u deel/delen, %s, %zu eenheden]\n"),
		    simulate_parts(r->reply), gsm7 ? "GSM-7" : "UCS-2",
		    c.units);
	if (r->end)
		printf("%s\n", ctl_tr(ctl, "[end of session: the next message "
		    "starts afresh]", "[einde sessie: het volgende bericht "
		    "begint opnieuw]"));
	printf("\n");
}

/* Strips the line end. */
static size_t
simulate_chomp(char *line)
{
	size_t len = strlen(line);

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	return len;
}

/* Runs the conversation over stdin.  Returns 0 or -1. */
static int
simulate_run(struct ctl *ctl, const struct hl_menu *tree,
    const struct hl_budget *budget, const char *lang, bool json)
{
	struct hl_engine_state state;
	bool has_state = false, tty = isatty(STDIN_FILENO);
	char line[SIMULATE_MAX_LINE];

	if (tty && !json)
		fprintf(stderr, ctl_tr(ctl, "menu %s version %s on %s; type "
		    "the first message (anything starts the menu), Ctrl-D "
		    "ends.\n", "menu %s versie %s op %s; typ het eerste "
		    "bericht (alles start het menu), Ctrl-D stopt.\n"),
		    tree->helpline, tree->version,
		    hl_channel_name(budget->channel));
	for (;;) {
		struct hl_engine_result r;
		size_t len;

		if (tty && !json)
			fputs("> ", stderr);
		if (fgets(line, sizeof line, stdin) == NULL)
			break;
		len = simulate_chomp(line);
		if (hl_engine_step(tree, budget, has_state ? &state : NULL,
		    lang, line, len, &r) == -1)
			return -1;
		simulate_print(ctl, budget->channel, line, &r, json, !tty);
		has_state = !r.end && !r.forget;
		state = r.state;
		hl_engine_result_clear(&r);
		fflush(stdout);
	}
	return 0;
}

/* helplinectl simulate. */
int
ctl_simulate(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "channel", required_argument, NULL, 'C' },
		{ "lang", required_argument, NULL, 'L' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum hl_channel channel = HL_CHANNEL_SMS;
	struct hl_budget budget;
	struct hl_menu *tree;
	const char *caller_lang = NULL;
	bool json = false;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		/* Here --lang is also the caller's language. */
		if (ctl_common_option(ctl, ch, optarg)) {
			caller_lang = optarg;
			continue;
		}
		if (ch == 'C' && hl_channel_parse(optarg, &channel) == 0)
			continue;
		if (ch == 'f' && (strcmp(optarg, "json") == 0 ||
		    strcmp(optarg, "text") == 0)) {
			json = strcmp(optarg, "json") == 0;
			continue;
		}
		simulate_usage(ctl, ch == 'h' ? stdout : stderr);
		return ch == 'h' ? CTL_OK : CTL_TROUBLE;
	}
	if (argc - optind > 1) {
		simulate_usage(ctl, stderr);
		return CTL_TROUBLE;
	}
	if (optind < argc) {
		struct hl_menu_check_opts opts;
		struct hl_diags d = { .lang = ctl->lang };

		ctl_check_opts(ctl, &opts);
		tree = hl_menu_load_file(argv[optind], &opts, &d);
		if (tree == NULL)
			ctl_print_findings(ctl, &d, stderr);
		hl_diags_clear(&d);
	} else
		tree = ctl_live_tree(ctl);
	if (tree == NULL)
		return CTL_REFUSED;
	budget = channel == HL_CHANNEL_USSD ? ctl->settings.ussd :
	    ctl->settings.sms;
	budget.channel = channel;
	rc = simulate_run(ctl, tree, &budget, caller_lang, json);
	hl_menu_free(tree);
	return rc == 0 ? CTL_OK : CTL_TROUBLE;
}
