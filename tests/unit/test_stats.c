/*
 * test_stats.c - unit tests of the coordinators' usage figures
 * (daemon/stats.c) on a real store.
 *
 * Each test writes its counters with the daemon's own store
 * (hl_store_open, hl_store_counter_add, hl_store_close), checks that the
 * writer left no -wal behind, and reads them back through
 * hl_store_open_readonly(), as helplinectl does with the daemon stopped.
 * Expected outputs are written out in full, worked by hand from the
 * scripted counters (the derivation of each hidden cell is in the
 * comments).  A property test over random counters checks, from the JSON
 * alone, that no count 1..k-1 is shown and that no shown total pins a
 * hidden cell down, in every sum the report shows.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "helpline/menu.h"
#include "helpline/stats.h"
#include "helpline/store.h"

/* A counter row to script a store with. */
struct row {
	const char *day, *node, *channel, *lang;
	enum hl_counter_kind kind;
	unsigned n;
};

struct fixture {
	char dir[64];
	char path[128];
	struct hl_store *ro;
};

/* The live tree, as far as stats reads it: node order and contacts.  The
 * second contact's name has a comma, for CSV quoting. */
static struct hl_menu_contact contact_vt = { .name = "Veilig Thuis" };
static struct hl_menu_contact contact_112 = { .name = "Politie, 112" };
static struct hl_menu_node tree_nodes[] = {
	{ .id = "home" },
	{ .id = "signals" },
	{ .id = "contacts" },
	{ .id = "contact_vt", .contact = &contact_vt },
	{ .id = "contact_112", .contact = &contact_112 },
	{ .id = "help" },
};
static const struct hl_menu tree = {
	.languages = { "nl", "en" },
	.n_languages = 2,
	.nodes = tree_nodes,
	.n_nodes = sizeof tree_nodes / sizeof tree_nodes[0],
};

/*
 * Four days of counts, 2026-11-23 .. 2026-11-25 (26 has none).
 *            started  sms ussd   nl  en
 *   11-23         47   32   15   35  12
 *   11-24         43   33   10   40   3
 *   11-25         36   11   25   36   0
 *   total        126   76   50  111  15
 * Screens over the range (aaa_old and old_menu are of an older version):
 *                views dropoff invalid
 *   home           120      12       0   (60 on 11-23, 60 on 11-24)
 *   signals         45       4      11
 *   contacts        30       0       2
 *   contact_vt      14       0       0
 *   contact_112      7       0       0
 *   help             0       0       0
 *   aaa_old          0       0      13
 *   old_menu        25      10       0
 *   total          241      26      26
 */
static const struct row script[] = {
	{ "2026-11-23", "home", "sms", "nl", HL_COUNT_START, 20 },
	{ "2026-11-23", "home", "sms", "en", HL_COUNT_START, 12 },
	{ "2026-11-23", "home", "ussd", "nl", HL_COUNT_START, 15 },
	{ "2026-11-24", "home", "sms", "nl", HL_COUNT_START, 30 },
	{ "2026-11-24", "home", "sms", "en", HL_COUNT_START, 3 },
	{ "2026-11-24", "home", "ussd", "nl", HL_COUNT_START, 4 },
	{ "2026-11-24", "signals", "ussd", "nl", HL_COUNT_START, 6 },
	{ "2026-11-25", "home", "sms", "nl", HL_COUNT_START, 11 },
	{ "2026-11-25", "home", "ussd", "nl", HL_COUNT_START, 25 },
	{ "2026-11-23", "home", "sms", "nl", HL_COUNT_VIEW, 60 },
	{ "2026-11-24", "home", "ussd", "en", HL_COUNT_VIEW, 60 },
	{ "2026-11-23", "home", "sms", "nl", HL_COUNT_DROPOFF, 12 },
	{ "2026-11-23", "home", "sms", "nl", HL_COUNT_FORGET, 5 },
	{ "2026-11-23", "signals", "sms", "nl", HL_COUNT_VIEW, 40 },
	{ "2026-11-25", "signals", "ussd", "nl", HL_COUNT_VIEW, 5 },
	{ "2026-11-23", "signals", "sms", "nl", HL_COUNT_DROPOFF, 4 },
	{ "2026-11-24", "signals", "sms", "en", HL_COUNT_INVALID, 11 },
	{ "2026-11-23", "contacts", "sms", "nl", HL_COUNT_VIEW, 30 },
	{ "2026-11-23", "contacts", "sms", "nl", HL_COUNT_INVALID, 2 },
	{ "2026-11-23", "contact_vt", "sms", "nl", HL_COUNT_VIEW, 14 },
	{ "2026-11-25", "contact_112", "sms", "nl", HL_COUNT_VIEW, 7 },
	{ "2026-11-24", "aaa_old", "sms", "nl", HL_COUNT_INVALID, 13 },
	{ "2026-11-23", "old_menu", "sms", "nl", HL_COUNT_VIEW, 25 },
	{ "2026-11-23", "old_menu", "sms", "nl", HL_COUNT_DROPOFF, 10 },
};

/* Makes a temporary directory for one test. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/hl_stats_XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/helplined.db", f->dir);
	*state = f;
	return 0;
}

/* Closes the store and removes the directory. */
static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *de;
	char p[512];
	DIR *d;

	hl_store_close(f->ro);
	if ((d = opendir(f->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof p, "%s/%s", f->dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Writes rows with the daemon's store, closes it, and opens the file
 * read-only into f->ro. */
static void
write_rows(struct fixture *f, const struct row *rows, size_t n)
{
	struct hl_store *w;
	char err[256], wal[160];
	struct stat sb;

	w = hl_store_open(f->path, err, sizeof err);
	if (w == NULL)
		fail_msg("%s", err);
	assert_int_equal(hl_store_begin(w), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(hl_store_counter_add(w, rows[i].day,
		    rows[i].node, rows[i].channel, rows[i].lang, rows[i].kind,
		    rows[i].n), 0);
	assert_int_equal(hl_store_commit(w), 0);
	hl_store_close(w);
	/* The writer is gone and so is its WAL: the counts are in the
	 * database file itself. */
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	assert_int_equal(stat(wal, &sb), -1);
	f->ro = hl_store_open_readonly(f->path, err, sizeof err);
	if (f->ro == NULL)
		fail_msg("%s", err);
}

/* Builds a report and returns it written in a format (malloc'd). */
static char *
report(struct fixture *f, const struct hl_stats_opts *o,
    enum hl_stats_format fmt)
{
	struct hl_stats *st;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *fp;

	st = hl_stats_build(f->ro, o, err, sizeof err);
	if (st == NULL)
		fail_msg("%s", err);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(hl_stats_write(st, fmt, fp), 0);
	fclose(fp);
	hl_stats_free(st);
	return buf;
}

/* Compares a report with what is expected, printing it on a mismatch. */
static void
expect_report(struct fixture *f, const struct hl_stats_opts *o,
    enum hl_stats_format fmt, const char *want)
{
	char *got = report(f, o, fmt);

	if (strcmp(got, want) != 0)
		print_error("got:\n%s\n", got);
	assert_string_equal(got, want);
	free(got);
}


/* The scripted counters over 2026-11-23 .. 2026-11-26, by day. */
static const struct hl_stats_opts by_day = {
	.since = "2026-11-23", .until = "2026-11-26",
	.by = HL_STATS_BY_DAY, .tree = &tree,
};

/*
 * Hidden, by hand (k = 10):
 *   sessions: en on 11-24 (3) is small; row 11-24's languages then lose
 *     nl (40); column en has one hidden left, so 12 (11-23) goes; column
 *     nl likewise loses 35 (11-23); row 11-23 then has two hidden
 *     languages summing to 47: fine.  Channels and totals all show.
 *   screens: contact_112 views (7), signals drop-off (4) and contacts
 *     invalid (2) are small; each column then hides its smallest other
 *     non-zero cell: contact_vt views (14), old_menu drop-off (10),
 *     signals invalid (11).  The contacts' total, 21, hides two cells.
 */
static const char want_table_en[] =
    "Usage figures 2026-11-23 to 2026-11-26, counts below 10 hidden\n"
    "\n"
    "Sessions started per day\n"
    "Day         Started  SMS  USSD   NL   EN\n"
    "2026-11-23       47   32    15  <10  <10\n"
    "2026-11-24       43   33    10  <10  <10\n"
    "2026-11-25       36   11    25   36    0\n"
    "2026-11-26        0    0     0    0    0\n"
    "Total           126   76    50  111   15\n"
    "\n"
    "Screens per node\n"
    "Node         Viewed  Drop-off  Invalid\n"
    "home            120        12        0\n"
    "signals          45       <10      <10\n"
    "contacts         30         0      <10\n"
    "contact_vt      <10         0        0\n"
    "contact_112     <10         0        0\n"
    "help              0         0        0\n"
    "aaa_old           0         0       13\n"
    "old_menu         25       <10        0\n"
    "Total           241        26       26\n"
    "\n"
    "Contact screens viewed\n"
    "Node         Contact       Viewed\n"
    "contact_vt   Veilig Thuis     <10\n"
    "contact_112  Politie, 112     <10\n"
    "Total                          21\n"
    "\n"
    "<10: hidden: a count below 10, or one hidden so that a total cannot"
    " give a small count away.\n";

static const char want_table_nl[] =
    "Gebruikscijfers 2026-11-23 t/m 2026-11-26, aantallen onder 10"
    " verborgen\n"
    "\n"
    "Gestarte sessies per dag\n"
    "Dag         Gestart  SMS  USSD   NL   EN\n"
    "2026-11-23       47   32    15  <10  <10\n"
    "2026-11-24       43   33    10  <10  <10\n"
    "2026-11-25       36   11    25   36    0\n"
    "2026-11-26        0    0     0    0    0\n"
    "Totaal          126   76    50  111   15\n"
    "\n"
    "Schermen per knooppunt\n"
    "Knooppunt    Bekeken  Afgehaakt  Ongeldig\n"
    "home             120         12         0\n"
    "signals           45        <10       <10\n"
    "contacts          30          0       <10\n"
    "contact_vt       <10          0         0\n"
    "contact_112      <10          0         0\n"
    "help               0          0         0\n"
    "aaa_old            0          0        13\n"
    "old_menu          25        <10         0\n"
    "Totaal           241         26        26\n"
    "\n"
    "Bekeken contactschermen\n"
    "Knooppunt    Contact       Bekeken\n"
    "contact_vt   Veilig Thuis      <10\n"
    "contact_112  Politie, 112      <10\n"
    "Totaal                          21\n"
    "\n"
    "<10: verborgen: een aantal onder 10, of verborgen zodat een totaal"
    " geen klein aantal verraadt.\n";

static const char want_csv_en[] =
    "part,Day,Started,SMS,USSD,NL,EN\r\n"
    "sessions,2026-11-23,47,32,15,<10,<10\r\n"
    "sessions,2026-11-24,43,33,10,<10,<10\r\n"
    "sessions,2026-11-25,36,11,25,36,0\r\n"
    "sessions,2026-11-26,0,0,0,0,0\r\n"
    "sessions,Total,126,76,50,111,15\r\n"
    "part,Node,Viewed,Drop-off,Invalid\r\n"
    "screens,home,120,12,0\r\n"
    "screens,signals,45,<10,<10\r\n"
    "screens,contacts,30,0,<10\r\n"
    "screens,contact_vt,<10,0,0\r\n"
    "screens,contact_112,<10,0,0\r\n"
    "screens,help,0,0,0\r\n"
    "screens,aaa_old,0,0,13\r\n"
    "screens,old_menu,25,<10,0\r\n"
    "screens,Total,241,26,26\r\n"
    "part,Node,Contact,Viewed\r\n"
    "contacts,contact_vt,Veilig Thuis,<10\r\n"
    "contacts,contact_112,\"Politie, 112\",<10\r\n"
    "contacts,Total,,21\r\n";

static const char want_csv_nl[] =
    "deel,Dag,Gestart,SMS,USSD,NL,EN\r\n"
    "sessies,2026-11-23,47,32,15,<10,<10\r\n"
    "sessies,2026-11-24,43,33,10,<10,<10\r\n"
    "sessies,2026-11-25,36,11,25,36,0\r\n"
    "sessies,2026-11-26,0,0,0,0,0\r\n"
    "sessies,Totaal,126,76,50,111,15\r\n"
    "deel,Knooppunt,Bekeken,Afgehaakt,Ongeldig\r\n"
    "schermen,home,120,12,0\r\n"
    "schermen,signals,45,<10,<10\r\n"
    "schermen,contacts,30,0,<10\r\n"
    "schermen,contact_vt,<10,0,0\r\n"
    "schermen,contact_112,<10,0,0\r\n"
    "schermen,help,0,0,0\r\n"
    "schermen,aaa_old,0,0,13\r\n"
    "schermen,old_menu,25,<10,0\r\n"
    "schermen,Totaal,241,26,26\r\n"
    "deel,Knooppunt,Contact,Bekeken\r\n"
    "contacten,contact_vt,Veilig Thuis,<10\r\n"
    "contacten,contact_112,\"Politie, 112\",<10\r\n"
    "contacten,Totaal,,21\r\n";

/* The same figures as JSON: keys in English, hidden cells null. */
static const char want_json[] =
    "{\n"
    "  \"min_cell\": 10,\n"
    "  \"since\": \"2026-11-23\",\n"
    "  \"until\": \"2026-11-26\",\n"
    "  \"by\": \"day\",\n"
    "  \"sessions\": {\n"
    "    \"periods\": [\n"
    "      {\n"
    "        \"period\": \"2026-11-23\",\n"
    "        \"started\": 47,\n"
    "        \"channels\": {\n"
    "          \"sms\": 32,\n"
    "          \"ussd\": 15\n"
    "        },\n"
    "        \"languages\": {\n"
    "          \"nl\": null,\n"
    "          \"en\": null\n"
    "        }\n"
    "      },\n"
    "      {\n"
    "        \"period\": \"2026-11-24\",\n"
    "        \"started\": 43,\n"
    "        \"channels\": {\n"
    "          \"sms\": 33,\n"
    "          \"ussd\": 10\n"
    "        },\n"
    "        \"languages\": {\n"
    "          \"nl\": null,\n"
    "          \"en\": null\n"
    "        }\n"
    "      },\n"
    "      {\n"
    "        \"period\": \"2026-11-25\",\n"
    "        \"started\": 36,\n"
    "        \"channels\": {\n"
    "          \"sms\": 11,\n"
    "          \"ussd\": 25\n"
    "        },\n"
    "        \"languages\": {\n"
    "          \"nl\": 36,\n"
    "          \"en\": 0\n"
    "        }\n"
    "      },\n"
    "      {\n"
    "        \"period\": \"2026-11-26\",\n"
    "        \"started\": 0,\n"
    "        \"channels\": {\n"
    "          \"sms\": 0,\n"
    "          \"ussd\": 0\n"
    "        },\n"
    "        \"languages\": {\n"
    "          \"nl\": 0,\n"
    "          \"en\": 0\n"
    "        }\n"
    "      }\n"
    "    ],\n"
    "    \"total\": {\n"
    "      \"started\": 126,\n"
    "      \"channels\": {\n"
    "        \"sms\": 76,\n"
    "        \"ussd\": 50\n"
    "      },\n"
    "      \"languages\": {\n"
    "        \"nl\": 111,\n"
    "        \"en\": 15\n"
    "      }\n"
    "    }\n"
    "  },\n"
    "  \"screens\": {\n"
    "    \"nodes\": [\n"
    "      {\n"
    "        \"node\": \"home\",\n"
    "        \"views\": 120,\n"
    "        \"dropoff\": 12,\n"
    "        \"invalid\": 0\n"
    "      },\n"
    "      {\n"
    "        \"node\": \"signals\",\n"
    "        \"views\": 45,\n"
    "        \"dropoff\": null,\n"
    "        \"invalid\": null\n"
    "      },\n"
    "      {\n"
    "        \"node\": \"contacts\",\n"
    "        \"views\": 30,\n"
    "        \"dropoff\": 0,\n"
    "        \"invalid\": null\n"
    "      },\n"
    "      {\n"
    "        \"node\": \"contact_vt\",\n"
    "        \"views\": null,\n"
    "        \"dropoff\": 0,\n"
    "        \"invalid\": 0\n"
    "      },\n"
    "      {\n"
    "        \"node\": \"contact_112\",\n"
    "        \"views\": null,\n"
    "        \"dropoff\": 0,\n"
    "        \"invalid\": 0\n"
    "      },\n"
    "      {\n"
    "        \"node\": \"help\",\n"
    "        \"views\": 0,\n"
    "        \"dropoff\": 0,\n"
    "        \"invalid\": 0\n"
    "      },\n"
    "      {\n"
    "        \"node\": \"aaa_old\",\n"
    "        \"views\": 0,\n"
    "        \"dropoff\": 0,\n"
    "        \"invalid\": 13\n"
    "      },\n"
    "      {\n"
    "        \"node\": \"old_menu\",\n"
    "        \"views\": 25,\n"
    "        \"dropoff\": null,\n"
    "        \"invalid\": 0\n"
    "      }\n"
    "    ],\n"
    "    \"total\": {\n"
    "      \"views\": 241,\n"
    "      \"dropoff\": 26,\n"
    "      \"invalid\": 26\n"
    "    }\n"
    "  },\n"
    "  \"contacts\": {\n"
    "    \"nodes\": [\n"
    "      {\n"
    "        \"node\": \"contact_vt\",\n"
    "        \"name\": \"Veilig Thuis\",\n"
    "        \"views\": null\n"
    "      },\n"
    "      {\n"
    "        \"node\": \"contact_112\",\n"
    "        \"name\": \"Politie, 112\",\n"
    "        \"views\": null\n"
    "      }\n"
    "    ],\n"
    "    \"total\": {\n"
    "      \"views\": 21\n"
    "    }\n"
    "  }\n"
    "}\n";

static void
test_by_day_en(void **state)
{
	struct fixture *f = *state;
	struct hl_stats_opts o = by_day;

	write_rows(f, script, sizeof script / sizeof script[0]);
	o.lang = "en";
	expect_report(f, &o, HL_STATS_TABLE, want_table_en);
	expect_report(f, &o, HL_STATS_CSV, want_csv_en);
	expect_report(f, &o, HL_STATS_JSON, want_json);
	/* No language is English. */
	o.lang = NULL;
	expect_report(f, &o, HL_STATS_TABLE, want_table_en);
}

static void
test_by_day_nl(void **state)
{
	struct fixture *f = *state;
	struct hl_stats_opts o = by_day;

	write_rows(f, script, sizeof script / sizeof script[0]);
	o.lang = "nl";
	expect_report(f, &o, HL_STATS_TABLE, want_table_nl);
	expect_report(f, &o, HL_STATS_CSV, want_csv_nl);
	/* JSON is for programs: the same in every language. */
	expect_report(f, &o, HL_STATS_JSON, want_json);
	o.lang = "nl_NL.UTF-8";
	expect_report(f, &o, HL_STATS_TABLE, want_table_nl);
}

/* Parses a JSON report. */
static json_t *
report_json(struct fixture *f, const struct hl_stats_opts *o)
{
	char *text = report(f, o, HL_STATS_JSON);
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);

	if (root == NULL)
		fail_msg("not JSON: %s\n%s", jerr.text, text);
	free(text);
	return root;
}

/* Compares a JSON value with one written compactly in the test. */
static void
expect_json(const json_t *got, const char *want_text)
{
	json_t *want = json_loads(want_text, 0, NULL);

	assert_non_null(want);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_COMPACT | JSON_PRESERVE_ORDER);

		print_error("got:  %s\nwant: %s\n", g, want_text);
		free(g);
		fail();
	}
	json_decref(want);
}

/*
 * Across a year boundary: 2026 has 53 ISO weeks (1 January 2026 is a
 * Thursday), so 2026-12-28 .. 2027-01-03 is 2026-W53 and 2027-01-04
 * starts 2027-W01.
 */
static const struct row newyear[] = {
	{ "2026-12-27", "home", "sms", "nl", HL_COUNT_START, 10 },
	{ "2026-12-28", "home", "sms", "nl", HL_COUNT_START, 12 },
	{ "2026-12-31", "home", "ussd", "en", HL_COUNT_START, 20 },
	{ "2027-01-03", "home", "sms", "en", HL_COUNT_START, 5 },
	{ "2027-01-04", "home", "sms", "nl", HL_COUNT_START, 30 },
	{ "2026-12-31", "home", "sms", "nl", HL_COUNT_VIEW, 50 },
};

/* By ISO week: the 5 of 2027-01-03 is in W53 with 2026's last days, so
 * nothing is small. */
static const char want_weeks[] =
    "Usage figures 2026-12-27 to 2027-01-04, counts below 10 hidden\n"
    "\n"
    "Sessions started per ISO week\n"
    "Week      Started  SMS  USSD  NL  EN\n"
    "2026-W52       10   10     0  10   0\n"
    "2026-W53       37   17    20  12  25\n"
    "2027-W01       30   30     0  30   0\n"
    "Total          77   57    20  52  25\n"
    "\n"
    "Screens per node\n"
    "Node         Viewed  Drop-off  Invalid\n"
    "home             50         0        0\n"
    "signals           0         0        0\n"
    "contacts          0         0        0\n"
    "contact_vt        0         0        0\n"
    "contact_112       0         0        0\n"
    "help              0         0        0\n"
    "Total            50         0        0\n"
    "\n"
    "Contact screens viewed\n"
    "Node         Contact       Viewed\n"
    "contact_vt   Veilig Thuis       0\n"
    "contact_112  Politie, 112       0\n"
    "Total                           0\n"
    "\n"
    "<10: hidden: a count below 10, or one hidden so that a total cannot"
    " give a small count away.\n";

/* By month: 2027-01's EN (5) is small; its row then hides NL (30); the
 * EN column hides 2026-12's 20 and the NL column its 22. */
static const char want_months_nl[] =
    "deel,Maand,Gestart,SMS,USSD,NL,EN\r\n"
    "sessies,2026-12,42,22,20,<10,<10\r\n"
    "sessies,2027-01,35,35,0,<10,<10\r\n"
    "sessies,Totaal,77,57,20,52,25\r\n"
    "deel,Knooppunt,Bekeken,Afgehaakt,Ongeldig\r\n"
    "schermen,home,50,0,0\r\n"
    "schermen,signals,0,0,0\r\n"
    "schermen,contacts,0,0,0\r\n"
    "schermen,contact_vt,0,0,0\r\n"
    "schermen,contact_112,0,0,0\r\n"
    "schermen,help,0,0,0\r\n"
    "schermen,Totaal,50,0,0\r\n"
    "deel,Knooppunt,Contact,Bekeken\r\n"
    "contacten,contact_vt,Veilig Thuis,0\r\n"
    "contacten,contact_112,\"Politie, 112\",0\r\n"
    "contacten,Totaal,,0\r\n";

static void
test_weeks_and_months(void **state)
{
	struct fixture *f = *state;
	struct hl_stats_opts o = {
		.since = "2026-12-27", .until = "2027-01-04",
		.by = HL_STATS_BY_WEEK, .tree = &tree, .lang = "en",
	};
	json_t *root;

	write_rows(f, newyear, sizeof newyear / sizeof newyear[0]);
	expect_report(f, &o, HL_STATS_TABLE, want_weeks);
	root = report_json(f, &o);
	assert_string_equal(json_string_value(json_object_get(root, "by")),
	    "week");
	json_decref(root);

	o.by = HL_STATS_BY_MONTH;
	o.lang = "nl";
	expect_report(f, &o, HL_STATS_CSV, want_months_nl);
	root = report_json(f, &o);
	expect_json(json_object_get(root, "sessions"),
	    "{\"periods\": ["
	    "{\"period\": \"2026-12\", \"started\": 42,"
	    " \"channels\": {\"sms\": 22, \"ussd\": 20},"
	    " \"languages\": {\"nl\": null, \"en\": null}},"
	    "{\"period\": \"2027-01\", \"started\": 35,"
	    " \"channels\": {\"sms\": 35, \"ussd\": 0},"
	    " \"languages\": {\"nl\": null, \"en\": null}}],"
	    " \"total\": {\"started\": 77,"
	    " \"channels\": {\"sms\": 57, \"ussd\": 20},"
	    " \"languages\": {\"nl\": 52, \"en\": 25}}}");
	assert_string_equal(json_string_value(json_object_get(root, "by")),
	    "month");
	json_decref(root);

	/* 2026-12-31 on its own is in 2026-W53, and by day each day of the
	 * range is a row, the quiet ones as 0. */
	o.since = o.until = "2026-12-31";
	o.by = HL_STATS_BY_WEEK;
	root = report_json(f, &o);
	expect_json(json_object_get(json_object_get(root, "sessions"),
	    "periods"),
	    "[{\"period\": \"2026-W53\", \"started\": 20,"
	    " \"channels\": {\"sms\": 0, \"ussd\": 20},"
	    " \"languages\": {\"nl\": 0, \"en\": 20}}]");
	json_decref(root);
	o.since = "2026-12-27";
	o.until = "2027-01-04";
	o.by = HL_STATS_BY_DAY;
	root = report_json(f, &o);
	{
		json_t *p = json_object_get(json_object_get(root, "sessions"),
		    "periods");
		static const char *const days[] = { "2026-12-27",
		    "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31",
		    "2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04" };
		/*
		 * 01-03's 5 is small.  The started column then hides
		 * 12-27's 10, whose row shows all its languages (nl 10,
		 * en 0), so nl 10 goes; the en column hides 12-31's 20,
		 * its row's started (20) goes, the nl column hides
		 * 12-28's 12 and with it 12-28's started.
		 */
		static const int started[] = { -1, -1, 0, 0, -1, 0, 0, -1,
		    30 };

		assert_int_equal(json_array_size(p), 9);
		for (size_t i = 0; i < 9; i++) {
			json_t *row = json_array_get(p, i), *v;

			assert_string_equal(json_string_value(json_object_get(
			    row, "period")), days[i]);
			v = json_object_get(row, "started");
			if (started[i] == -1)
				assert_true(json_is_null(v));
			else
				assert_int_equal(json_integer_value(v),
				    started[i]);
		}
	}
	json_decref(root);
}

/* Without --since and --until the range is the days with counts. */
static void
test_open_range(void **state)
{
	struct fixture *f = *state;
	struct hl_stats_opts o = { .by = HL_STATS_BY_DAY, .tree = &tree };
	json_t *root, *p;

	write_rows(f, script, sizeof script / sizeof script[0]);
	root = report_json(f, &o);
	assert_string_equal(json_string_value(json_object_get(root, "since")),
	    "2026-11-23");
	assert_string_equal(json_string_value(json_object_get(root, "until")),
	    "2026-11-25");
	p = json_object_get(json_object_get(root, "sessions"), "periods");
	assert_int_equal(json_array_size(p), 3);
	json_decref(root);
	/* One end open: it closes at the last day with counts. */
	o.since = "2026-11-25";
	root = report_json(f, &o);
	assert_string_equal(json_string_value(json_object_get(root, "until")),
	    "2026-11-25");
	json_decref(root);
}

/* --since and --until select the days: only 2026-11-24. */
static void
test_since_until(void **state)
{
	struct fixture *f = *state;
	struct hl_stats_opts o = {
		.since = "2026-11-24", .until = "2026-11-24",
		.by = HL_STATS_BY_DAY, .tree = &tree,
	};
	json_t *root;

	write_rows(f, script, sizeof script / sizeof script[0]);
	root = report_json(f, &o);
	/*
	 * en (3) is small and row and total row hide nl (40) with it; one
	 * period, so each language column is its own total: nl's total
	 * has its one cell hidden and nothing else to hide, so it goes.
	 */
	expect_json(json_object_get(root, "sessions"),
	    "{\"periods\": [{\"period\": \"2026-11-24\", \"started\": 43,"
	    " \"channels\": {\"sms\": 33, \"ussd\": 10},"
	    " \"languages\": {\"nl\": null, \"en\": null}}],"
	    " \"total\": {\"started\": 43,"
	    " \"channels\": {\"sms\": 33, \"ussd\": 10},"
	    " \"languages\": {\"nl\": null, \"en\": null}}}");
	/* Screens of that day only: home 60 viewed, signals 11 invalid,
	 * aaa_old 13 invalid. */
	expect_json(json_object_get(root, "screens"),
	    "{\"nodes\": ["
	    "{\"node\": \"home\", \"views\": 60, \"dropoff\": 0,"
	    " \"invalid\": 0},"
	    "{\"node\": \"signals\", \"views\": 0, \"dropoff\": 0,"
	    " \"invalid\": 11},"
	    "{\"node\": \"contacts\", \"views\": 0, \"dropoff\": 0,"
	    " \"invalid\": 0},"
	    "{\"node\": \"contact_vt\", \"views\": 0, \"dropoff\": 0,"
	    " \"invalid\": 0},"
	    "{\"node\": \"contact_112\", \"views\": 0, \"dropoff\": 0,"
	    " \"invalid\": 0},"
	    "{\"node\": \"help\", \"views\": 0, \"dropoff\": 0,"
	    " \"invalid\": 0},"
	    "{\"node\": \"aaa_old\", \"views\": 0, \"dropoff\": 0,"
	    " \"invalid\": 13}],"
	    " \"total\": {\"views\": 60, \"dropoff\": 0, \"invalid\": 24}}");
	json_decref(root);
}

/* Builds with opts and expects failure with both strings in the error. */
static void
expect_error(struct fixture *f, const struct hl_stats_opts *o,
    const char *a, const char *b)
{
	char err[256];

	if (hl_stats_build(f->ro, o, err, sizeof err) != NULL)
		fail_msg("built with --since %s --until %s", o->since,
		    o->until);
	if (strstr(err, a) == NULL || strstr(err, b) == NULL)
		fail_msg("error \"%s\" lacks \"%s\" or \"%s\"", err, a, b);
}

static void
test_bad_dates(void **state)
{
	static const char *const bad[] = {
		"2026-02-30", "2026-13-01", "2026-00-10", "2026-11-00",
		"2026-11-31", "2025-02-29", "26-11-23", "2026-1-5",
		"2026/11/23", "2026-11-23x", "", "yesterday", "2026-11-2 ",
	};
	struct fixture *f = *state;
	struct hl_stats_opts o = { .by = HL_STATS_BY_DAY, .tree = &tree };

	write_rows(f, script, 1);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o.since = bad[i];
		o.until = NULL;
		expect_error(f, &o, "--since", "not a date");
		o.since = "2026-11-23";
		o.until = bad[i];
		expect_error(f, &o, "--until", bad[i]);
	}
	/* A leap day is a date. */
	o.since = "2024-02-29";
	o.until = "2024-03-01";
	hl_stats_free(hl_stats_build(f->ro, &o, NULL, 0));
	o.since = "2026-11-24";
	o.until = "2026-11-23";
	expect_error(f, &o, "--since 2026-11-24", "--until 2026-11-23");
	o.lang = "nl";
	o.since = "2026-02-30";
	expect_error(f, &o, "--since 2026-02-30", "geen geldige datum");
	o.since = "1900-01-01";
	o.until = "2026-11-23";
	expect_error(f, &o, "1900-01-01", "36600");
	/* err may be NULL; the build still fails. */
	assert_null(hl_stats_build(f->ro, &o, NULL, 0));
}

/* The threshold: 0 is the default 10, below 5 is 5, above is kept. */
static void
test_min_cell(void **state)
{
	struct fixture *f = *state;
	struct hl_stats_opts o = by_day;
	json_t *root, *nodes;
	char *table;

	write_rows(f, script, sizeof script / sizeof script[0]);
	o.min_cell = 3;
	root = report_json(f, &o);
	assert_int_equal(json_integer_value(json_object_get(root,
	    "min_cell")), 5);
	/* With 5: contact_112's 7 shows, signals' drop-off 4 does not. */
	nodes = json_object_get(json_object_get(root, "screens"), "nodes");
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(nodes, 4), "views")), 7);
	assert_true(json_is_null(json_object_get(json_array_get(nodes, 1),
	    "dropoff")));
	json_decref(root);
	table = report(f, &o, HL_STATS_TABLE);
	assert_non_null(strstr(table, "counts below 5 hidden"));
	assert_non_null(strstr(table, " <5\n"));
	assert_null(strstr(table, "<3"));
	free(table);

	o.min_cell = 0;
	root = report_json(f, &o);
	assert_int_equal(json_integer_value(json_object_get(root,
	    "min_cell")), 10);
	json_decref(root);

	/* With 12, old_menu's drop-off of 10 is small too. */
	o.min_cell = 12;
	root = report_json(f, &o);
	assert_int_equal(json_integer_value(json_object_get(root,
	    "min_cell")), 12);
	nodes = json_object_get(json_object_get(root, "screens"), "nodes");
	assert_true(json_is_null(json_object_get(json_array_get(nodes, 7),
	    "dropoff")));
	json_decref(root);
	table = report(f, &o, HL_STATS_TABLE);
	assert_non_null(strstr(table, "<12"));
	free(table);
}

/*
 * The contacts' total and the screens' views total together give the
 * views of the other nodes.  Views: home 100, signals 5, contact_vt 20,
 * contact_112 30 (total 155, contacts 50).  The views column hides
 * signals (5) and contact_vt (20); the contacts' line then hides
 * contact_112 (30).  Showing 155 and 50 would leave 155 - 100 - 50 = 5
 * for signals, so the contacts' total must go.
 */
static void
test_contacts_total_cannot_pin(void **state)
{
	static const struct row rows[] = {
		{ "2026-11-23", "home", "sms", "nl", HL_COUNT_VIEW, 100 },
		{ "2026-11-23", "signals", "sms", "nl", HL_COUNT_VIEW, 5 },
		{ "2026-11-23", "contact_vt", "sms", "nl", HL_COUNT_VIEW, 20 },
		{ "2026-11-23", "contact_112", "sms", "nl", HL_COUNT_VIEW,
		    30 },
	};
	struct fixture *f = *state;
	struct hl_stats_opts o = by_day;
	json_t *root;

	write_rows(f, rows, sizeof rows / sizeof rows[0]);
	root = report_json(f, &o);
	expect_json(json_object_get(root, "contacts"),
	    "{\"nodes\": ["
	    "{\"node\": \"contact_vt\", \"name\": \"Veilig Thuis\","
	    " \"views\": null},"
	    "{\"node\": \"contact_112\", \"name\": \"Politie, 112\","
	    " \"views\": null}],"
	    " \"total\": {\"views\": null}}");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    json_object_get(root, "screens"), "total"), "views")), 155);
	json_decref(root);
}

/* Without a tree: no contacts part, nodes and languages by name, and a
 * language the tree never had gets its column. */
static void
test_no_tree(void **state)
{
	static const struct row rows[] = {
		{ "2026-11-23", "zeta", "sms", "nl", HL_COUNT_START, 20 },
		{ "2026-11-23", "zeta", "ussd", "de", HL_COUNT_START, 15 },
		{ "2026-11-23", "alpha", "sms", "en", HL_COUNT_START, 30 },
		{ "2026-11-23", "zeta", "sms", "nl", HL_COUNT_VIEW, 20 },
		{ "2026-11-23", "alpha", "sms", "nl", HL_COUNT_VIEW, 30 },
	};
	static const char want[] =
	    "Usage figures 2026-11-23 to 2026-11-23, counts below 10"
	    " hidden\n"
	    "\n"
	    "Sessions started per day\n"
	    "Day         Started  SMS  USSD  DE  EN  NL\n"
	    "2026-11-23       65   50    15  15  30  20\n"
	    "Total            65   50    15  15  30  20\n"
	    "\n"
	    "Screens per node\n"
	    "Node   Viewed  Drop-off  Invalid\n"
	    "alpha      30         0        0\n"
	    "zeta       20         0        0\n"
	    "Total      50         0        0\n"
	    "\n"
	    "<10: hidden: a count below 10, or one hidden so that a total"
	    " cannot give a small count away.\n";
	struct fixture *f = *state;
	struct hl_stats_opts o = { .by = HL_STATS_BY_DAY };
	json_t *root;

	write_rows(f, rows, sizeof rows / sizeof rows[0]);
	expect_report(f, &o, HL_STATS_TABLE, want);
	root = report_json(f, &o);
	assert_true(json_is_null(json_object_get(root, "contacts")));
	json_decref(root);
	/* With the tree: its languages first, in its order, then de. */
	o.tree = &tree;
	root = report_json(f, &o);
	expect_json(json_object_get(json_object_get(root, "sessions"),
	    "total"),
	    "{\"started\": 65, \"channels\": {\"sms\": 50, \"ussd\": 15},"
	    " \"languages\": {\"nl\": 20, \"en\": 30, \"de\": 15}}");
	json_decref(root);
}

/* No counts at all: an empty report, or zero rows for a given range. */
static void
test_empty(void **state)
{
	static const char want[] =
	    "Usage figures: no counts yet, counts below 10 hidden\n"
	    "\n"
	    "Sessions started per day\n"
	    "Day    Started  SMS  USSD  NL  EN\n"
	    "Total        0    0     0   0   0\n"
	    "\n"
	    "Screens per node\n"
	    "Node         Viewed  Drop-off  Invalid\n"
	    "home              0         0        0\n"
	    "signals           0         0        0\n"
	    "contacts          0         0        0\n"
	    "contact_vt        0         0        0\n"
	    "contact_112       0         0        0\n"
	    "help              0         0        0\n"
	    "Total             0         0        0\n"
	    "\n"
	    "Contact screens viewed\n"
	    "Node         Contact       Viewed\n"
	    "contact_vt   Veilig Thuis       0\n"
	    "contact_112  Politie, 112       0\n"
	    "Total                           0\n"
	    "\n"
	    "<10: hidden: a count below 10, or one hidden so that a total"
	    " cannot give a small count away.\n";
	struct fixture *f = *state;
	struct hl_stats_opts o = { .by = HL_STATS_BY_DAY, .tree = &tree };
	json_t *root;

	write_rows(f, NULL, 0);
	expect_report(f, &o, HL_STATS_TABLE, want);
	root = report_json(f, &o);
	assert_true(json_is_null(json_object_get(root, "since")));
	assert_true(json_is_null(json_object_get(root, "until")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(root,
	    "sessions"), "periods")), 0);
	json_decref(root);
	o.since = "2026-11-01";
	o.until = "2027-01-31";
	o.by = HL_STATS_BY_MONTH;
	root = report_json(f, &o);
	expect_json(json_object_get(json_object_get(root, "sessions"),
	    "periods"),
	    "[{\"period\": \"2026-11\", \"started\": 0,"
	    " \"channels\": {\"sms\": 0, \"ussd\": 0},"
	    " \"languages\": {\"nl\": 0, \"en\": 0}},"
	    "{\"period\": \"2026-12\", \"started\": 0,"
	    " \"channels\": {\"sms\": 0, \"ussd\": 0},"
	    " \"languages\": {\"nl\": 0, \"en\": 0}},"
	    "{\"period\": \"2027-01\", \"started\": 0,"
	    " \"channels\": {\"sms\": 0, \"ussd\": 0},"
	    " \"languages\": {\"nl\": 0, \"en\": 0}}]");
	json_decref(root);
}

/* Up to 16 languages get their columns (a wide table); a 17th is
 * refused rather than dropped from the sums. */
static void
test_many_languages(void **state)
{
	struct fixture *f = *state;
	struct hl_stats_opts o = by_day;
	struct row rows[17];
	char langs[17][4], err[256], *table;

	for (int i = 0; i < 17; i++) {
		snprintf(langs[i], sizeof langs[i], "l%c", 'a' + i);
		rows[i] = (struct row){ "2026-11-23", "home", "sms", langs[i],
		    HL_COUNT_START, 20 };
	}
	o.tree = NULL;
	write_rows(f, rows, 16);
	table = report(f, &o, HL_STATS_TABLE);
	assert_non_null(strstr(table,
	    "Day         Started  SMS  USSD  LA  LB  LC"));
	assert_non_null(strstr(table, "  LN  LO  LP\n2026-11-23      320"
	    "  320     0  20  20  20"));
	free(table);
	hl_store_close(f->ro);
	f->ro = NULL;
	unlink(f->path);
	write_rows(f, rows, 17);
	assert_null(hl_stats_build(f->ro, &o, err, sizeof err));
	assert_non_null(strstr(err, "more than 16 languages"));
}

/* Reads a whole file (NULL and 0 if it is absent). */
static unsigned char *
slurp(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	FILE *fp = fopen(path, "rb");
	long n;

	*len = 0;
	if (fp == NULL)
		return NULL;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* A stats run through the read-only store writes nothing: the database
 * file keeps its bytes, size and mtime, and no WAL frame is written. */
static void
test_readonly_never_writes(void **state)
{
	struct fixture *f = *state;
	struct hl_stats_opts o = by_day;
	unsigned char *before, *after;
	size_t len_before, len_after;
	struct stat sb0, sb1;
	char wal[160], journal[160];
	char *text;

	write_rows(f, script, sizeof script / sizeof script[0]);
	hl_store_close(f->ro);
	f->ro = NULL;
	assert_int_equal(stat(f->path, &sb0), 0);
	before = slurp(f->path, &len_before);
	/* Time enough for a write to show in the mtime's nanoseconds. */
	usleep(20000);

	f->ro = hl_store_open_readonly(f->path, NULL, 0);
	assert_non_null(f->ro);
	for (int fmt = HL_STATS_TABLE; fmt <= HL_STATS_JSON; fmt++) {
		text = report(f, &o, fmt);
		free(text);
	}
	hl_store_close(f->ro);
	f->ro = NULL;

	assert_int_equal(stat(f->path, &sb1), 0);
	after = slurp(f->path, &len_after);
	assert_int_equal(sb1.st_size, sb0.st_size);
	assert_int_equal(sb1.st_mtim.tv_sec, sb0.st_mtim.tv_sec);
	assert_int_equal(sb1.st_mtim.tv_nsec, sb0.st_mtim.tv_nsec);
	assert_int_equal(len_after, len_before);
	assert_memory_equal(after, before, len_before);
	/* SQLite's WAL reader may leave an empty -wal (and a -shm index)
	 * beside the file; nothing may be in it, and no journal. */
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	if (stat(wal, &sb1) == 0)
		assert_int_equal(sb1.st_size, 0);
	snprintf(journal, sizeof journal, "%s-journal", f->path);
	assert_int_equal(stat(journal, &sb1), -1);
	free(before);
	free(after);
}

/* ---- properties over random counters ---------------------------------- */

/* Counts a leak in one line: a shown total with exactly one hidden cell,
 * or hidden cells summing (total - shown) to less than k, or a hidden
 * total whose cells all show.  Also counts a shown cell of 1..k-1, and a
 * line without hidden cells that does not add up (a bug in the sums). */
static unsigned
line_leaks(const json_t *total, const json_t *const *cells, size_t n,
    unsigned k)
{
	json_int_t rest;
	unsigned bad = 0;
	size_t hidden = 0;

	for (size_t i = 0; i < n; i++) {
		json_int_t v = json_integer_value(cells[i]);

		assert_true(json_is_integer(cells[i]) || json_is_null(cells[i]));
		if (json_is_integer(cells[i]) && v >= 1 && v < (json_int_t)k)
			bad++;
	}
	rest = json_integer_value(total);
	for (size_t i = 0; i < n; i++) {
		if (json_is_null(cells[i]))
			hidden++;
		else
			rest -= json_integer_value(cells[i]);
	}
	/* A hidden total is the sum of its cells if they all show. */
	if (json_is_null(total))
		return bad + (hidden == 0);
	if (hidden == 1 || (hidden >= 2 && rest < (json_int_t)k) ||
	    (hidden == 0 && rest != 0))
		bad++;
	return bad;
}

/* Collects the values of key in each object of an array (or, with key
 * NULL, the members of an object) into cells. */
static size_t
collect(const json_t *from, const char *key, const json_t **cells,
    size_t max)
{
	size_t n = 0;

	if (key == NULL) {
		const char *name;
		json_t *v;

		json_object_foreach((json_t *)from, name, v) {
			assert_true(n < max);
			cells[n++] = v;
		}
		return n;
	}
	for (size_t i = 0; i < json_array_size(from); i++) {
		assert_true(n < max);
		cells[n++] = json_object_get(json_array_get(from, i), key);
	}
	return n;
}

/* Counts the leaks of a whole JSON report: every sum it shows. */
static unsigned
report_leaks(const json_t *root)
{
	static const char *const cols[] = { "views", "dropoff", "invalid" };
	static const char *const groups[] = { "channels", "languages" };
	const json_t *cells[512];
	unsigned k = (unsigned)json_integer_value(json_object_get(root,
	    "min_cell")), bad = 0;
	const json_t *ses = json_object_get(root, "sessions");
	const json_t *periods = json_object_get(ses, "periods");
	const json_t *stotal = json_object_get(ses, "total");
	const json_t *scr = json_object_get(root, "screens");
	const json_t *nodes = json_object_get(scr, "nodes");
	const json_t *ntotal = json_object_get(scr, "total");
	const json_t *con = json_object_get(root, "contacts");
	const char *name;
	json_t *v;
	size_t n;

	/* Each row's channels and languages add up to its started. */
	for (size_t r = 0; r <= json_array_size(periods); r++) {
		const json_t *row = r < json_array_size(periods) ?
		    json_array_get(periods, r) : stotal;

		for (int g = 0; g < 2; g++) {
			n = collect(json_object_get(row, groups[g]), NULL,
			    cells, 512);
			bad += line_leaks(json_object_get(row, "started"),
			    cells, n, k);
		}
	}
	/* Each column adds up to the total row. */
	n = collect(periods, "started", cells, 512);
	bad += line_leaks(json_object_get(stotal, "started"), cells, n, k);
	for (int g = 0; g < 2; g++) {
		json_object_foreach(json_object_get(stotal, groups[g]), name,
		    v) {
			n = 0;
			for (size_t r = 0; r < json_array_size(periods); r++)
				cells[n++] = json_object_get(json_object_get(
				    json_array_get(periods, r), groups[g]),
				    name);
			bad += line_leaks(v, cells, n, k);
		}
	}
	for (int c = 0; c < 3; c++) {
		n = collect(nodes, cols[c], cells, 512);
		bad += line_leaks(json_object_get(ntotal, cols[c]), cells, n,
		    k);
	}
	if (json_is_null(con))
		return bad;
	n = collect(json_object_get(con, "nodes"), "views", cells, 512);
	bad += line_leaks(json_object_get(json_object_get(con, "total"),
	    "views"), cells, n, k);
	/* The other nodes' views and the contacts' total make the views
	 * total. */
	n = 0;
	for (size_t i = 0; i < json_array_size(nodes); i++) {
		const char *id = json_string_value(json_object_get(
		    json_array_get(nodes, i), "node"));
		bool contact = false;

		for (size_t j = 0; j < json_array_size(json_object_get(con,
		    "nodes")); j++)
			contact |= strcmp(id, json_string_value(
			    json_object_get(json_array_get(json_object_get(con,
			    "nodes"), j), "node"))) == 0;
		if (!contact)
			cells[n++] = json_object_get(json_array_get(nodes, i),
			    "views");
	}
	cells[n++] = json_object_get(json_object_get(con, "total"), "views");
	bad += line_leaks(json_object_get(ntotal, "views"), cells, n, k);
	return bad;
}

/* Counts fields of a table or CSV report that are a bare count from 1 to
 * k - 1 (fields: split on two spaces or a comma). */
static unsigned
text_small_counts(const char *text, unsigned k)
{
	unsigned bad = 0;

	for (const char *p = text; *p != '\0';) {
		size_t len = 0;
		bool digits = true;

		while (p[len] != '\0' && p[len] != ',' && p[len] != '\n' &&
		    p[len] != '\r' && !(p[len] == ' ' && p[len + 1] == ' '))
			len++;
		while (len > 0 && p[0] == ' ') {
			p++;
			len--;
		}
		for (size_t i = 0; i < len; i++)
			digits &= isdigit((unsigned char)p[i]) != 0;
		if (len > 0 && digits && strtoul(p, NULL, 10) >= 1 &&
		    strtoul(p, NULL, 10) < k)
			bad++;
		p += len;
		while (*p == ',' || *p == '\n' || *p == '\r' || *p == ' ')
			p++;
	}
	return bad;
}

/* The checker can fail: a shown small count, one hidden cell under a
 * shown total, two hidden cells summing below k and a hidden total whose
 * cells all show are all caught. */
static void
test_checker_control(void **state)
{
	static const char *const leaky[] = {
		"[5, 20]", "[null, 20]", "[null, null, 20]", "[10, 0]",
	};
	static const int totals[] = { 25, 28, 26, -1 };

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		json_t *arr = json_loads(leaky[i], 0, NULL), *total;
		const json_t *cells[3];
		size_t n = json_array_size(arr);

		for (size_t j = 0; j < n; j++)
			cells[j] = json_array_get(arr, j);
		total = totals[i] < 0 ? json_null() : json_integer(totals[i]);
		assert_int_not_equal(line_leaks(total, cells, n, 10), 0);
		json_decref(total);
		json_decref(arr);
	}
	assert_int_equal(text_small_counts("a,10,0,<10\r\nx  7  0\n", 10), 1);
	assert_int_equal(text_small_counts("2026-11-23  12  <10\n", 10), 0);
}

/* Returns the next value of a fixed-seed generator (splitmix64). */
static uint64_t
rnd(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define RANDOM_STORES 40

/* Random counters over three weeks across the new year, on tree and old
 * nodes, three languages: every report, in every format and period, from
 * its JSON alone, shows no small count and no total that pins a hidden
 * cell; and its shown grand totals are the sums of what was counted. */
static void
test_random_reports(void **state)
{
	static const char *const node_ids[] = { "home", "signals", "contacts",
	    "contact_vt", "contact_112", "help", "old_a", "old_b" };
	static const char *const langs[] = { "nl", "en", "de" };
	struct fixture *f = *state;
	struct row rows[120];
	char days[120][11];
	uint64_t x = 20261124;
	unsigned hidden = 0;

	for (unsigned t = 0; t < RANDOM_STORES; t++) {
		size_t n = rnd(&x) % 120;
		uint64_t started = 0, views = 0;

		for (size_t i = 0; i < n; i++) {
			int64_t d = 1796256000 / 86400 + (int64_t)(rnd(&x) %
			    21);	/* from 2026-12-01 */
			unsigned r = (unsigned)(rnd(&x) % 10);

			hl_store_day(d * 86400 + 7 * 86400 * 3, days[i]);
			rows[i] = (struct row){
				.day = days[i],
				.node = node_ids[rnd(&x) % 8],
				.channel = rnd(&x) % 3 ? "sms" : "ussd",
				.lang = langs[rnd(&x) % 3],
				.kind = (enum hl_counter_kind)(rnd(&x) %
				    HL_COUNT__MAX),
				.n = (unsigned)(r < 6 ? 1 + rnd(&x) % 9 :
				    1 + rnd(&x) % 40),
			};
			started += rows[i].kind == HL_COUNT_START ? rows[i].n :
			    0;
			views += rows[i].kind == HL_COUNT_VIEW ? rows[i].n : 0;
		}
		hl_store_close(f->ro);
		f->ro = NULL;
		unlink(f->path);
		write_rows(f, rows, n);
		for (int by = 0; by < 3; by++) {
			for (int bounded = 0; bounded < 2; bounded++) {
				struct hl_stats_opts o = {
					.by = by, .tree = t % 4 ? &tree : NULL,
					.since = bounded ? "2026-12-15" : NULL,
					.until = bounded ? "2027-01-10" : NULL,
					.min_cell = t % 5 == 0 ? 5 : 10,
				};
				json_t *root = report_json(f, &o), *g;
				unsigned k = o.min_cell;
				char *text;

				if (report_leaks(root) != 0)
					fail_msg("store %u by %d: leaks", t, by);
				g = json_object_get(json_object_get(
				    json_object_get(root, "sessions"),
				    "total"), "started");
				if (!bounded && json_is_integer(g))
					assert_int_equal(json_integer_value(g),
					    started);
				g = json_object_get(json_object_get(
				    json_object_get(root, "screens"),
				    "total"), "views");
				if (!bounded && json_is_integer(g))
					assert_int_equal(json_integer_value(g),
					    views);
				hidden += json_is_null(g);
				json_decref(root);
				for (int fmt = HL_STATS_TABLE;
				    fmt <= HL_STATS_CSV; fmt++) {
					text = report(f, &o, fmt);
					if (text_small_counts(text, k) != 0)
						fail_msg("small count:\n%s",
						    text);
					free(text);
				}
			}
		}
	}
	print_message("%d stores, %u reports with the views total hidden\n",
	    RANDOM_STORES, hidden);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_by_day_en, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_by_day_nl, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_weeks_and_months, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_range, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_since_until, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_dates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_min_cell, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_contacts_total_cannot_pin,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_tree, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_languages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_readonly_never_writes,
		    setup, teardown),
		cmocka_unit_test(test_checker_control),
		cmocka_unit_test_setup_teardown(test_random_reports, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
