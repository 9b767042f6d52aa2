/*
 * test_default_menu.c - checks the shipped menu tree (menus/default.yaml).
 *
 * The content rules are promises to the people who text the help line:
 * every screen fits one SMS and one USSD screen, nothing forces UCS-2,
 * every node can be reached, every contact says where it was verified, and
 * only numbers the content brief marks verified are shipped.  The file is
 * found through HL_MENU_FILE, else argv[1], else "menus/default.yaml".
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/menu.h"
#include "helpline/screen.h"
#include "helpline/text.h"

#define SCREEN_MAX 160		/* one GSM-7 SMS; the USSD default */
#define PREVIEW_CHARS 40	/* what a lock screen shows */

/* The numbers brief section 1 marks verified, as the menu prints them. */
static const char *const verified_numbers[] = {
	"112",
	"0800-2000",
	"0900-8844",
	"033-448 11 86",
	"0800-7000",
	"0800-5151",
	"0900-0101",
	"0900-8020",
};

/* Unverified or conflicting numbers from the brief, as bare digits; none
 * may appear anywhere in the file, in any spelling. */
static const char *const unverified_digits[] = {
	"0886625333",		/* EMM, old page; not a reporting point */
	"31886625333",
	"0883744744",		/* Moviera, dated zorgcoordinator list */
	"31883744744",
	"0703335678",		/* Arbeidsinspectie abroad, per eindhoven.nl */
	"31703335678",
	"0703334444",		/* Arbeidsinspectie abroad, conflicting */
	"31703334444",
};

/* Words the lock-screen preview of the start screen must not show. */
static const char *const telltale_words[] = {
	"mensenhandel", "uitbuiting", "exploitation", "trafficking",
};

static const char *menu_path = "menus/default.yaml";

struct fixture {
	struct hl_menu *menu;
	struct hl_diags diags;
	char *raw;		/* the file's bytes, NUL-terminated */
	size_t raw_len;
};

/* Reads a whole file into a NUL-terminated buffer; NULL on failure. */
static char *
read_file(const char *path, size_t *len)
{
	FILE *f;
	char *buf = NULL, *nbuf;
	size_t cap = 0, n = 0, got;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap == 0 ? 65536 : cap * 2;
			if ((nbuf = realloc(buf, cap + 1)) == NULL)
				goto fail;
			buf = nbuf;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;

fail:
	free(buf);
	fclose(f);
	return NULL;
}

/* Loads the shipped menu once for the whole group. */
static int
group_setup(void **state)
{
	struct hl_menu_check_opts opts = {
		.sms = { .channel = HL_CHANNEL_SMS, .sms_segments = 1,
		    .ussd_chars = SCREEN_MAX },
		.ussd = { .channel = HL_CHANNEL_USSD, .sms_segments = 1,
		    .ussd_chars = SCREEN_MAX },
		.region = "NL",
		.today = "2026-11-23",
	};
	struct fixture *fx;

	if ((fx = calloc(1, sizeof *fx)) == NULL)
		return -1;
	fx->raw = read_file(menu_path, &fx->raw_len);
	if (fx->raw == NULL) {
		fprintf(stderr, "cannot read %s\n", menu_path);
		free(fx);
		return -1;
	}
	fx->menu = hl_menu_load_file(menu_path, &opts, &fx->diags);
	*state = fx;
	return 0;
}

/* Frees what group_setup made. */
static int
group_teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx == NULL)		/* setup failed */
		return 0;
	hl_menu_free(fx->menu);
	hl_diags_clear(&fx->diags);
	free(fx->raw);
	free(fx);
	return 0;
}

/* Returns the loaded menu, failing the test if loading failed. */
static const struct hl_menu *
fixture_menu(void **state)
{
	struct fixture *fx = *state;

	assert_non_null(fx->menu);
	return fx->menu;
}

/* The loader and checker find nothing: no error and no warning. */
static void
test_no_findings(void **state)
{
	struct fixture *fx = *state;
	char line[512];

	for (size_t i = 0; i < fx->diags.n; i++) {
		hl_diag_format(&fx->diags.items[i], line, sizeof line);
		print_message("%s\n", line);
	}
	assert_non_null(fx->menu);
	assert_int_equal(fx->diags.n_errors, 0);
	assert_int_equal(fx->diags.n, 0);
}

/* Dutch first, English second; the start node exists. */
static void
test_languages(void **state)
{
	const struct hl_menu *m = fixture_menu(state);

	assert_int_equal(m->n_languages, 2);
	assert_string_equal(m->languages[0], "nl");
	assert_string_equal(m->languages[1], "en");
	assert_non_null(m->start);
	assert_string_equal(m->start->id, "home");
}

/*
 * Every node is reached by options from the start node: each has a parent,
 * except the start node and the help node, which the loader treats as ways
 * in of their own (9 works everywhere; "back" from help leads home).
 */
static void
test_every_node_reachable(void **state)
{
	const struct hl_menu *m = fixture_menu(state);
	const struct hl_menu_node *n, *help;

	help = m->globals[HL_GLOBAL_HELP].target;
	assert_non_null(help);
	assert_string_equal(help->id, "help");
	assert_true(m->n_nodes > 40);
	for (size_t i = 0; i < m->n_nodes; i++) {
		n = &m->nodes[i];
		if (n == m->start || n == help) {
			assert_null(n->parent);
			continue;
		}
		if (n->parent == NULL)
			print_message("unreachable: %s\n", n->id);
		assert_non_null(n->parent);
	}
}

/* Every screen, options and navigation line included, fits one GSM-7 SMS
 * and one USSD screen, in every language. */
static void
test_every_screen_fits(void **state)
{
	const struct hl_menu *m = fixture_menu(state);
	const struct hl_menu_node *n;
	struct hl_sms_count cnt;
	size_t len, chars;
	bool valid;
	int rc;
	char *s;

	for (size_t i = 0; i < m->n_nodes; i++) {
		n = &m->nodes[i];
		for (int li = 0; li < (int)m->n_languages; li++) {
			s = hl_screen_render_full(m, n, li, NULL);
			assert_non_null(s);
			/* Measure, then free before asserting: a failed
			 * assertion does not return. */
			len = strlen(s);
			valid = hl_utf8_is_valid(s, len);
			rc = valid ? hl_sms_count(s, len, &cnt) : -1;
			chars = valid ? hl_utf8_chars(s, len) : 0;
			free(s);
			assert_true(valid);
			assert_int_equal(rc, 0);
			if (cnt.coding != HL_SMS_GSM7 ||
			    cnt.units > SCREEN_MAX || chars > SCREEN_MAX)
				print_message("%s/%s: %zu units, forced by "
				    "U+%04X\n", m->languages[li], n->id,
				    cnt.units, (unsigned)cnt.forced_by);
			assert_int_equal(cnt.coding, HL_SMS_GSM7);
			assert_int_equal(cnt.forced_by, 0);
			assert_true(cnt.units <= SCREEN_MAX);
			assert_true(chars <= SCREEN_MAX);
		}
	}
}

/* Returns the byte length of the first n characters of valid UTF-8 s. */
static size_t
prefix_bytes(const char *s, size_t len, size_t n)
{
	size_t pos = 0;

	while (n-- > 0 && pos < len) {
		if (hl_utf8_next(s, len, &pos) < 0)
			break;		/* not UTF-8: the other tests say so */
	}
	return pos;
}

/* The start screen's lock-screen preview names no topic (brief 5). */
static void
test_start_preview_is_discreet(void **state)
{
	const struct hl_menu *m = fixture_menu(state);
	char head[PREVIEW_CHARS * 4 + 1];
	size_t cut;
	char *s;

	for (int li = 0; li < (int)m->n_languages; li++) {
		s = hl_screen_render_full(m, m->start, li, NULL);
		assert_non_null(s);
		cut = prefix_bytes(s, strlen(s), PREVIEW_CHARS);
		if (cut > sizeof head - 1)
			cut = sizeof head - 1;
		for (size_t j = 0; j < cut; j++)
			head[j] = (char)tolower((unsigned char)s[j]);
		head[cut] = '\0';
		free(s);
		for (size_t w = 0; w < sizeof telltale_words /
		    sizeof telltale_words[0]; w++)
			assert_null(strstr(head, telltale_words[w]));
	}
}

/* Returns true if s is "YYYY-MM-DD". */
static bool
is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";

	if (s == NULL || strlen(s) != sizeof shape - 1)
		return false;
	for (size_t i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != shape[i])
			return false;
	}
	return true;
}

/* Every contact carries an https source and a check date. */
static void
test_contacts_sourced(void **state)
{
	const struct hl_menu *m = fixture_menu(state);
	const struct hl_menu_contact *c;
	size_t n_contacts = 0;

	for (size_t i = 0; i < m->n_nodes; i++) {
		if ((c = m->nodes[i].contact) == NULL)
			continue;
		n_contacts++;
		assert_non_null(c->name);
		assert_non_null(c->source);
		assert_int_equal(strncmp(c->source, "https://", 8), 0);
		assert_true(strlen(c->source) > 12);
		assert_true(is_date(c->checked));
		assert_true(c->phone != NULL || c->url != NULL);
		if (c->url != NULL)
			assert_int_equal(strncmp(c->url, "https://", 8), 0);
	}
	assert_true(n_contacts >= 8);
}

/* Returns the index of a number in verified_numbers, or -1. */
static int
verified_index(const char *phone)
{
	for (size_t i = 0; i < sizeof verified_numbers /
	    sizeof verified_numbers[0]; i++) {
		if (strcmp(phone, verified_numbers[i]) == 0)
			return (int)i;
	}
	return -1;
}

/* The contact numbers are exactly the verified list: none missing, none
 * extra. */
static void
test_contact_numbers_are_the_verified_set(void **state)
{
	const struct hl_menu *m = fixture_menu(state);
	const struct hl_menu_contact *c;
	bool seen[sizeof verified_numbers / sizeof verified_numbers[0]];
	int idx;

	memset(seen, 0, sizeof seen);
	for (size_t i = 0; i < m->n_nodes; i++) {
		c = m->nodes[i].contact;
		if (c == NULL || c->phone == NULL)
			continue;
		idx = verified_index(c->phone);
		if (idx < 0)
			print_message("unexpected number in node %s\n",
			    m->nodes[i].id);
		assert_true(idx >= 0);
		seen[idx] = true;
	}
	for (size_t i = 0; i < sizeof seen / sizeof seen[0]; i++) {
		if (!seen[i])
			print_message("missing: %s\n", verified_numbers[i]);
		assert_true(seen[i]);
	}
}

/* Returns true if the digits occur in s, allowing the separators people
 * write numbers with between them. */
static bool
has_number(const char *s, size_t len, const char *digits)
{
	size_t i, j, d;

	for (i = 0; i < len; i++) {
		if (s[i] != digits[0])
			continue;
		/* A match must not continue a longer digit run. */
		if (i > 0 && isdigit((unsigned char)s[i - 1]))
			continue;
		for (j = i, d = 0; j < len && digits[d] != '\0'; j++) {
			if (s[j] == digits[d])
				d++;
			else if (d == 0 || strchr(" -.()/", s[j]) == NULL)
				break;
		}
		if (digits[d] == '\0')
			return true;
	}
	return false;
}

/* has_number finds spaced and dashed spellings and nothing else. */
static void
test_has_number_self_check(void **state)
{
	const char text[] = "x 088-662 53 33 y +31 (0)70 333 1 2";

	(void)state;
	assert_true(has_number(text, strlen(text), "0886625333"));
	assert_false(has_number(text, strlen(text), "0886625334"));
	assert_false(has_number(text, strlen(text), "886625333"));
	assert_true(has_number("0800-5151", 9, "08005151"));
}

/* No unverified number from the brief appears anywhere in the file. */
static void
test_no_unverified_number_in_file(void **state)
{
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof unverified_digits /
	    sizeof unverified_digits[0]; i++) {
		if (has_number(fx->raw, fx->raw_len, unverified_digits[i]))
			print_message("unverified number %zu found\n", i);
		assert_false(has_number(fx->raw, fx->raw_len,
		    unverified_digits[i]));
	}
}

/* Every role from the poster and every main topic has a keyword in both
 * languages that leads to the right node. */
static void
test_keywords(void **state)
{
	static const struct {
		const char *lang, *word, *node;
	} want[] = {
		{ "nl", "huisarts", "role_gp" },
		{ "nl", "docent", "role_teacher" },
		{ "nl", "politie", "role_police" },
		{ "nl", "ouder", "role_parent" },
		{ "nl", "jongerenwerker", "role_youth" },
		{ "nl", "zorgcoordinator", "role_coordinator" },
		{ "nl", "hulpverlener", "role_care" },
		{ "nl", "gemeente", "role_municipality" },
		{ "nl", "signalen", "signals" },
		{ "nl", "arbeid", "signals_labour" },
		{ "nl", "bellen", "contacts" },
		{ "en", "doctor", "role_gp" },
		{ "en", "gp", "role_gp" },
		{ "en", "teacher", "role_teacher" },
		{ "en", "police", "role_police" },
		{ "en", "parent", "role_parent" },
		{ "en", "youth", "role_youth" },
		{ "en", "signs", "signals" },
		{ "en", "call", "contacts" },
	};
	const struct hl_menu *m = fixture_menu(state);
	const struct hl_menu_keyword *kw;
	bool found;
	int li;

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		li = hl_menu_lang_index(m, want[i].lang);
		assert_true(li >= 0);
		found = false;
		for (size_t k = 0; k < m->n_keywords[li]; k++) {
			kw = &m->keywords[li][k];
			if (strcmp(kw->word, want[i].word) != 0)
				continue;
			assert_string_equal(kw->target->id, want[i].node);
			found = true;
		}
		if (!found)
			print_message("no keyword %s/%s\n", want[i].lang,
			    want[i].word);
		assert_true(found);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_has_number_self_check),
		cmocka_unit_test(test_no_findings),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_every_node_reachable),
		cmocka_unit_test(test_every_screen_fits),
		cmocka_unit_test(test_start_preview_is_discreet),
		cmocka_unit_test(test_contacts_sourced),
		cmocka_unit_test(test_contact_numbers_are_the_verified_set),
		cmocka_unit_test(test_no_unverified_number_in_file),
		cmocka_unit_test(test_keywords),
	};
	const char *env = getenv("HL_MENU_FILE");

	if (env != NULL && env[0] != '\0')
		menu_path = env;
	else if (argc > 1)
		menu_path = argv[1];
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
