/*
 * ctl_stats.c - helplinectl stats: anonymous usage figures from the
 * aggregated counters only (stats.c), small cells suppressed.  Opens the
 * database read-only, so it works with the daemon running or stopped.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/menu.h"
#include "helpline/stats.h"
#include "helpline/store.h"
#include "ctl.h"

/* Prints the help of stats. */
static void
stats_usage(struct ctl *ctl, FILE *f)
{
	fputs(ctl_tr(ctl,
	    "usage: helplinectl stats [--since YYYY-MM-DD] [--until YYYY-MM-DD]\n"
	    "                         [--by day|week|month]\n"
	    "                         [--format table|csv|json]\n"
	    "Shows how the help line is used, from anonymous daily counts\n"
	    "only: sessions started (by channel and language), screens viewed\n"
	    "per node, contacts viewed, and drop-off (the last screen before a\n"
	    "conversation timed out).  Counts from 1 to [stats] min_cell - 1\n"
	    "(default 10, never below 5) are hidden, and so is any count a\n"
	    "total would give away.  Days are UTC.\n",
	    "gebruik: helplinectl stats [--since JJJJ-MM-DD] [--until "
	    "JJJJ-MM-DD]\n"
	    "                           [--by day|week|month]\n"
	    "                           [--format table|csv|json]\n"
	    "Toont hoe de hulplijn gebruikt wordt, alleen uit anonieme\n"
	    "dagtellingen: gestarte sessies (per kanaal en taal), bekeken\n"
	    "schermen per knooppunt, bekeken contacten, en afhaken (het laatste\n"
	    "scherm voor een gesprek verliep).  Aantallen van 1 tot [stats]\n"
	    "min_cell - 1 (standaard 10, nooit onder 5) worden verborgen, en\n"
	    "ook elk aantal dat een totaal zou verraden.  Dagen in UTC.\n"), f);
}

/* helplinectl stats. */
int
ctl_stats(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "by", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hl_stats_opts opts = { .by = HL_STATS_BY_DAY };
	enum hl_stats_format format = HL_STATS_TABLE;
	struct hl_store *store;
	struct hl_menu *tree;
	struct hl_stats *stats;
	char err[512];
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ctl_common_option(ctl, ch, optarg))
			continue;
		if (ch == 's')
			opts.since = optarg;
		else if (ch == 'u')
			opts.until = optarg;
		else if (ch == 'b' && strcmp(optarg, "day") == 0)
			opts.by = HL_STATS_BY_DAY;
		else if (ch == 'b' && strcmp(optarg, "week") == 0)
			opts.by = HL_STATS_BY_WEEK;
		else if (ch == 'b' && strcmp(optarg, "month") == 0)
			opts.by = HL_STATS_BY_MONTH;
		else if (ch == 'f' && strcmp(optarg, "table") == 0)
			format = HL_STATS_TABLE;
		else if (ch == 'f' && strcmp(optarg, "csv") == 0)
			format = HL_STATS_CSV;
		else if (ch == 'f' && strcmp(optarg, "json") == 0)
			format = HL_STATS_JSON;
		else {
			stats_usage(ctl, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? CTL_OK : CTL_TROUBLE;
		}
	}
	if (optind != argc) {
		stats_usage(ctl, stderr);
		return CTL_TROUBLE;
	}
	if ((store = ctl_open_store_ro(ctl)) == NULL)
		return CTL_TROUBLE;
	opts.min_cell = ctl->settings.stats_min_cell;
	opts.lang = ctl->lang;
	opts.tree = tree = ctl_live_tree(ctl);
	stats = hl_stats_build(store, &opts, err, sizeof err);
	rc = CTL_OK;
	if (stats == NULL) {
		ctl_err(ctl, "%s", "%s", err);
		rc = CTL_TROUBLE;
	} else if (hl_stats_write(stats, format, stdout) == -1)
		rc = CTL_TROUBLE;
	hl_stats_free(stats);
	hl_menu_free(tree);
	hl_store_close(store);
	return rc;
}
