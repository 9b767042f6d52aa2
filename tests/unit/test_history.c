/*
 * test_history.c - the menu history: versions kept like commits, events,
 * rollback targets, the draft, read-only opening.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpline/history.h"
#include "helpline/menu.h"

struct fixture {
	char dir[64];
	char path[128];
	struct hl_history *h;
};

/* Makes a tree with a version (only the fields the history reads). */
static struct hl_menu
tree_of(const char *version)
{
	struct hl_menu m = { 0 };

	m.version = (char *)version;
	m.helpline = "test-line";
	m.file = "menu.yaml";
	return m;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char err[256];

	snprintf(f->dir, sizeof f->dir, "/tmp/hl-history-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/menus.db", f->dir);
	f->h = hl_history_open(f->path, false, err, sizeof err);
	if (f->h == NULL)
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	hl_history_close(f->h);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Collects versions and actions, newest first. */
struct seen {
	char line[512];
};

static int
collect(const struct hl_history_event *ev, void *arg)
{
	struct seen *s = arg;
	size_t n = strlen(s->line);

	snprintf(s->line + n, sizeof s->line - n, "%s%s:%s:%s",
	    n > 0 ? " " : "", hl_history_action_name(ev->action),
	    ev->version, ev->message);
	return 0;
}

/* An empty history has no latest event and no previous version. */
static void
test_empty(void **state)
{
	struct fixture *f = *state;
	struct hl_history_event ev;
	char v[HL_ID_MAX];
	char *yaml;
	size_t len;

	assert_int_equal(hl_history_latest(f->h, &ev), 1);
	assert_int_equal(hl_history_previous(f->h, v), 1);
	assert_int_equal(hl_history_yaml(f->h, "x", &yaml, &len, NULL), 1);
	assert_int_equal(hl_history_draft_get(f->h, &yaml, &len, NULL), 1);
}

/* Events are listed newest first; the live version is the newest. */
static void
test_record_and_list(void **state)
{
	struct fixture *f = *state;
	struct hl_menu a = tree_of("v1"), b = tree_of("v2");
	struct hl_history_event ev;
	struct seen seen = { "" };
	char file[256], *yaml;
	size_t len;

	assert_int_equal(hl_history_record(f->h, HL_HISTORY_START, &a, "A", 1,
	    "first", 100), 0);
	assert_int_equal(hl_history_record(f->h, HL_HISTORY_PUBLISH, &b,
	    "BB", 2, "second", 200), 0);
	assert_int_equal(hl_history_latest(f->h, &ev), 0);
	assert_string_equal(ev.version, "v2");
	assert_int_equal(ev.action, HL_HISTORY_PUBLISH);
	assert_int_equal(ev.at, 200);
	assert_string_equal(ev.helpline, "test-line");
	assert_int_equal(hl_history_each(f->h, collect, &seen), 0);
	assert_string_equal(seen.line, "publish:v2:second start:v1:first");
	assert_int_equal(hl_history_yaml(f->h, "v1", &yaml, &len, file), 0);
	assert_int_equal(len, 1);
	assert_string_equal(yaml, "A");
	assert_string_equal(file, "menu.yaml");
	free(yaml);
}

/* A version names content: the same version with other YAML is refused
 * and nothing is recorded; the same content again is a new event. */
static void
test_version_names_content(void **state)
{
	struct fixture *f = *state;
	struct hl_menu a = tree_of("v1");
	struct seen seen = { "" };

	assert_int_equal(hl_history_record(f->h, HL_HISTORY_PUBLISH, &a, "A",
	    1, "one", 1), 0);
	assert_int_equal(hl_history_record(f->h, HL_HISTORY_PUBLISH, &a, "B",
	    1, "sneaky", 2), 1);
	assert_int_equal(hl_history_record(f->h, HL_HISTORY_ROLLBACK, &a, "A",
	    1, "again", 3), 0);
	assert_int_equal(hl_history_each(f->h, collect, &seen), 0);
	assert_string_equal(seen.line, "rollback:v1:again publish:v1:one");
}

/* The rollback target is the newest version that is not the live one. */
static void
test_previous(void **state)
{
	struct fixture *f = *state;
	struct hl_menu a = tree_of("v1"), b = tree_of("v2"), c = tree_of("v3");
	char v[HL_ID_MAX];

	hl_history_record(f->h, HL_HISTORY_START, &a, "A", 1, "", 1);
	hl_history_record(f->h, HL_HISTORY_PUBLISH, &b, "B", 1, "", 2);
	assert_int_equal(hl_history_previous(f->h, v), 0);
	assert_string_equal(v, "v1");
	hl_history_record(f->h, HL_HISTORY_PUBLISH, &c, "C", 1, "", 3);
	hl_history_record(f->h, HL_HISTORY_PUBLISH, &c, "C", 1, "", 4);
	assert_int_equal(hl_history_previous(f->h, v), 0);
	assert_string_equal(v, "v2");
	hl_history_record(f->h, HL_HISTORY_ROLLBACK, &b, "B", 1, "", 5);
	assert_int_equal(hl_history_previous(f->h, v), 0);
	assert_string_equal(v, "v3");
}

/* Only a coordinator's choices pin a version across restarts. */
static void
test_deliberate(void **state)
{
	(void)state;
	assert_false(hl_history_is_deliberate(HL_HISTORY_START));
	assert_false(hl_history_is_deliberate(HL_HISTORY_RELOAD));
	assert_true(hl_history_is_deliberate(HL_HISTORY_PUBLISH));
	assert_true(hl_history_is_deliberate(HL_HISTORY_STAGE));
	assert_true(hl_history_is_deliberate(HL_HISTORY_ROLLBACK));
	assert_string_equal(hl_history_action_name(HL_HISTORY_STAGE), "stage");
}

/* One draft at a time; clearing removes it. */
static void
test_draft(void **state)
{
	struct fixture *f = *state;
	struct hl_menu a = tree_of("d1"), b = tree_of("d2");
	char file[256], *yaml;
	size_t len;

	assert_int_equal(hl_history_draft_put(f->h, &a, "one", 3, 1), 0);
	assert_int_equal(hl_history_draft_put(f->h, &b, "two", 3, 2), 0);
	assert_int_equal(hl_history_draft_get(f->h, &yaml, &len, file), 0);
	assert_string_equal(yaml, "two");
	free(yaml);
	assert_int_equal(hl_history_draft_clear(f->h), 0);
	assert_int_equal(hl_history_draft_get(f->h, &yaml, &len, file), 1);
}

/* A read-only open sees what was written, writes nothing, and refuses a
 * missing file or a file that is no history. */
static void
test_readonly(void **state)
{
	struct fixture *f = *state;
	struct hl_menu a = tree_of("v1");
	struct hl_history *ro;
	struct hl_history_event ev;
	char err[256], other[160];
	FILE *fp;

	hl_history_record(f->h, HL_HISTORY_PUBLISH, &a, "A", 1, "m", 1);
	ro = hl_history_open(f->path, true, err, sizeof err);
	if (ro == NULL)
		fail_msg("%s", err);
	assert_int_equal(hl_history_latest(ro, &ev), 0);
	assert_string_equal(ev.version, "v1");
	assert_int_equal(hl_history_record(ro, HL_HISTORY_PUBLISH, &a, "A", 1,
	    "m", 2), -1);
	hl_history_close(ro);

	snprintf(other, sizeof other, "%s/missing.db", f->dir);
	assert_null(hl_history_open(other, true, err, sizeof err));
	assert_non_null(strstr(err, "missing.db"));
	assert_int_equal(access(other, F_OK), -1);

	snprintf(other, sizeof other, "%s/junk.db", f->dir);
	fp = fopen(other, "w");
	fputs("not a database at all, just text that is long enough to be "
	    "read as a header by SQLite and refused", fp);
	fclose(fp);
	assert_null(hl_history_open(other, false, err, sizeof err));
	assert_null(hl_history_open(other, true, err, sizeof err));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_and_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_version_names_content,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_previous, setup,
		    teardown),
		cmocka_unit_test(test_deliberate),
		cmocka_unit_test_setup_teardown(test_draft, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
