/*
 * test_config.c - the INI config: typed getters, defaults, bad values with
 * file:line, unknown keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpline/config.h"

static char path[64];

/* Writes text to a temporary config file. */
static const char *
write_config(const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "/tmp/hl-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_values_and_defaults(void **state)
{
	char err[256];
	struct hl_config *c;
	const char *s;
	unsigned u;
	bool b;

	(void)state;
	c = hl_config_load(write_config("; comment\n[http]\nport = 9000\n"
	    "address = 127.0.0.2\n[adapter.json]\nenabled = no\n"), err,
	    sizeof err);
	assert_non_null(c);
	assert_int_equal(hl_config_uint(c, "http", "port", 8088, 0, 65535, &u,
	    err, sizeof err), 0);
	assert_int_equal(u, 9000);
	assert_int_equal(hl_config_str(c, "http", "address", "127.0.0.1", &s,
	    err, sizeof err), 0);
	assert_string_equal(s, "127.0.0.2");
	assert_int_equal(hl_config_bool(c, "adapter.json", "enabled", true,
	    &b, err, sizeof err), 0);
	assert_false(b);
	assert_int_equal(hl_config_uint(c, "http", "timeout", 30, 1, 60, &u,
	    err, sizeof err), 0);
	assert_int_equal(u, 30);
	assert_true(hl_config_has_section(c, "http"));
	assert_false(hl_config_has_section(c, "smpp"));
	assert_int_equal(hl_config_check_unused(c, err, sizeof err), 0);
	hl_config_free(c);
	unlink(path);
}

static void
test_bad_values_name_the_line(void **state)
{
	char err[256], want[128];
	struct hl_config *c;
	unsigned u;
	bool b;

	(void)state;
	c = hl_config_load(write_config("[http]\nport = 70000\n"
	    "timeout = 12x\n[adapter.json]\nenabled = maybe\n"), err,
	    sizeof err);
	assert_non_null(c);
	assert_int_equal(hl_config_uint(c, "http", "port", 8088, 0, 65535, &u,
	    err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:2: [http] port: expected a number "
	    "from 0 to 65535", path);
	assert_string_equal(err, want);
	assert_int_equal(hl_config_uint(c, "http", "timeout", 1, 0, 100, &u,
	    err, sizeof err), -1);
	assert_non_null(strstr(err, ":3: [http] timeout"));
	assert_int_equal(hl_config_bool(c, "adapter.json", "enabled", true,
	    &b, err, sizeof err), -1);
	assert_non_null(strstr(err, ":5: [adapter.json] enabled: expected "
	    "yes or no"));
	hl_config_free(c);
	unlink(path);
}

static void
test_unknown_key_and_syntax(void **state)
{
	char err[256];
	struct hl_config *c;
	unsigned u;

	(void)state;
	c = hl_config_load(write_config("[http]\nport = 1\nprot = 2\n"), err,
	    sizeof err);
	assert_non_null(c);
	assert_int_equal(hl_config_uint(c, "http", "port", 8088, 0, 65535, &u,
	    err, sizeof err), 0);
	assert_int_equal(hl_config_check_unused(c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":3: unknown key 'prot' in [http]"));
	hl_config_free(c);
	unlink(path);

	c = hl_config_load(write_config("[adapter.console]\nfrom = 06\n"),
	    err, sizeof err);
	assert_non_null(c);
	hl_config_ignore_section(c, "adapter.console");
	assert_int_equal(hl_config_check_unused(c, err, sizeof err), 0);
	hl_config_free(c);
	unlink(path);

	c = hl_config_load(write_config("[http]\nport = 1\nthis is no ini\n"),
	    err, sizeof err);
	assert_null(c);
	assert_non_null(strstr(err, ":3: not a valid INI line"));
	unlink(path);

	c = hl_config_load("/nonexistent/helplined.conf", err, sizeof err);
	assert_null(c);
	assert_non_null(strstr(err, "/nonexistent/helplined.conf: No such"));
}

static void
test_command_line_override(void **state)
{
	char err[256];
	struct hl_config *c = hl_config_new();
	unsigned u;

	(void)state;
	assert_int_equal(hl_config_set(c, "http", "port", "0"), 0);
	assert_int_equal(hl_config_uint(c, "http", "port", 8088, 0, 65535, &u,
	    err, sizeof err), 0);
	assert_int_equal(u, 0);
	assert_int_equal(hl_config_set(c, "http", "port", "x"), 0);
	assert_int_equal(hl_config_uint(c, "http", "port", 8088, 0, 65535, &u,
	    err, sizeof err), -1);
	assert_non_null(strstr(err, "command line: [http] port"));
	hl_config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_and_defaults),
		cmocka_unit_test(test_bad_values_name_the_line),
		cmocka_unit_test(test_unknown_key_and_syntax),
		cmocka_unit_test(test_command_line_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
