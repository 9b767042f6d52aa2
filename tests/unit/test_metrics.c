/*
 * test_metrics.c - the figures registry and its Prometheus text output:
 * exact exposition, escaping, cumulative histogram buckets with +Inf,
 * _sum and _count, value formatting, registration rules and the cap on
 * series; and the helpline figures written through figures.h.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpline/figures.h"
#include "helpline/metrics.h"

static char written[65536];

/* Writes the registry into `written` and returns it. */
static const char *
render(const struct hl_metrics *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(hl_metrics_write(m, out), 0);
	assert_int_equal(fclose(out), 0);
	assert_true(len < sizeof written);
	memcpy(written, buf, len);
	written[len] = '\0';
	free(buf);
	return written;
}

static int
setup(void **state)
{
	*state = hl_metrics_new();
	assert_non_null(*state);
	return 0;
}

static int
teardown(void **state)
{
	hl_metrics_free(*state);
	return 0;
}

static void
test_counter_and_gauge_exact(void **state)
{
	struct hl_metrics *m = *state;
	static const char *const labels[] = { "adapter", "outcome", NULL };
	struct hl_metric *req = hl_metrics_family(m, HL_METRIC_COUNTER,
	    "helplined_requests_total", "Messages by outcome.", labels);
	struct hl_metric *open = hl_metrics_family(m, HL_METRIC_GAUGE,
	    "helplined_sessions_open", "Sessions.", NULL);
	const char *json_ok[] = { "json", "ok" };
	const char *json_flooded[] = { "json", "flooded" };
	const char *twilio_ok[] = { "twilio", "ok" };

	assert_non_null(req);
	assert_non_null(open);
	assert_int_equal(hl_metric_add(req, json_ok, 1), 0);
	assert_int_equal(hl_metric_add(req, json_flooded, 0), 0);
	assert_int_equal(hl_metric_add(req, twilio_ok, 2), 0);
	assert_int_equal(hl_metric_add(req, json_ok, 1), 0);
	assert_int_equal(hl_metric_set(open, NULL, 7), 0);
	assert_int_equal(hl_metric_add(open, NULL, -2), 0);
	assert_string_equal(render(m),
	    "# HELP helplined_requests_total Messages by outcome.\n"
	    "# TYPE helplined_requests_total counter\n"
	    "helplined_requests_total{adapter=\"json\",outcome=\"ok\"} 2\n"
	    "helplined_requests_total{adapter=\"json\",outcome=\"flooded\"} "
	    "0\n"
	    "helplined_requests_total{adapter=\"twilio\",outcome=\"ok\"} 2\n"
	    "# HELP helplined_sessions_open Sessions.\n"
	    "# TYPE helplined_sessions_open gauge\n"
	    "helplined_sessions_open 5\n");
}

static void
test_escaping(void **state)
{
	struct hl_metrics *m = *state;
	static const char *const labels[] = { "helpline", "version", NULL };
	struct hl_metric *f = hl_metrics_family(m, HL_METRIC_GAUGE,
	    "helplined_menu_info", "A \\ backslash\nand a \"quote\".",
	    labels);
	const char *v[] = { "a\"b\\c\nd", "2026-11-23.1" };

	assert_non_null(f);
	assert_int_equal(hl_metric_set(f, v, 1), 0);
	/* HELP escapes backslash and newline, not the quote; label values
	 * escape all three. */
	assert_string_equal(render(m),
	    "# HELP helplined_menu_info A \\\\ backslash\\nand a "
	    "\"quote\".\n"
	    "# TYPE helplined_menu_info gauge\n"
	    "helplined_menu_info{helpline=\"a\\\"b\\\\c\\nd\","
	    "version=\"2026-11-23.1\"} 1\n");
}

static void
test_histogram_cumulative(void **state)
{
	struct hl_metrics *m = *state;
	static const char *const labels[] = { "adapter", NULL };
	struct hl_metric *h = hl_metrics_family(m, HL_METRIC_HISTOGRAM,
	    "helplined_reply_latency_seconds", "Reply latency.", labels);
	const char *json[] = { "json" };
	size_t n;
	const double *b = hl_metrics_buckets(&n);

	assert_int_equal(n, 10);
	assert_true(b[0] == 0.0005 && b[9] == 1);
	/* Exact binary fractions, so the sum is exact: 2^-11 (<= 0.0005),
	 * 2^-10 (<= 0.001), 0.25, 0.25, and 2 (over every bound). */
	assert_int_equal(hl_metric_observe(h, json, 0.00048828125), 0);
	assert_int_equal(hl_metric_observe(h, json, 0.0009765625), 0);
	assert_int_equal(hl_metric_observe(h, json, 0.25), 0);
	assert_int_equal(hl_metric_observe(h, json, 0.25), 0);
	assert_int_equal(hl_metric_observe(h, json, 2), 0);
	assert_string_equal(render(m),
	    "# HELP helplined_reply_latency_seconds Reply latency.\n"
	    "# TYPE helplined_reply_latency_seconds histogram\n"
	    "helplined_reply_latency_seconds_bucket{adapter=\"json\","
	    "le=\"0.0005\"} 1\n"
	    "helplined_reply_latency_seconds_bucket{adapter=\"json\","
	    "le=\"0.001\"} 2\n"
	    "helplined_reply_latency_seconds_bucket{adapter=\"json\","
	    "le=\"0.002\"} 2\n"
	    "helplined_reply_latency_seconds_bucket{adapter=\"json\","
	    "le=\"0.005\"} 2\n"
	    "helplined_reply_latency_seconds_bucket{adapter=\"json\","
	    "le=\"0.01\"} 2\n"
	    "helplined_reply_latency_seconds_bucket{adapter=\"json\","
	    "le=\"0.025\"} 2\n"
	    "helplined_reply_latency_seconds_bucket{adapter=\"json\","
	    "le=\"0.05\"} 2\n"
	    "helplined_reply_latency_seconds_bucket{adapter=\"json\","
	    "le=\"0.1\"} 2\n"
	    "helplined_reply_latency_seconds_bucket{adapter=\"json\","
	    "le=\"0.25\"} 4\n"
	    "helplined_reply_latency_seconds_bucket{adapter=\"json\","
	    "le=\"1\"} 4\n"
	    "helplined_reply_latency_seconds_bucket{adapter=\"json\","
	    "le=\"+Inf\"} 5\n"
	    "helplined_reply_latency_seconds_sum{adapter=\"json\"} "
	    "2.50146484375\n"
	    "helplined_reply_latency_seconds_count{adapter=\"json\"} 5\n");
}

static void
test_histogram_without_labels(void **state)
{
	struct hl_metrics *m = *state;
	struct hl_metric *h = hl_metrics_family(m, HL_METRIC_HISTOGRAM,
	    "x_seconds", "X.", NULL);

	/* A bound is inclusive: exactly 1 s is in le="1". */
	assert_int_equal(hl_metric_observe(h, NULL, 1), 0);
	render(m);
	assert_non_null(strstr(written, "x_seconds_bucket{le=\"0.25\"} 0\n"
	    "x_seconds_bucket{le=\"1\"} 1\n"
	    "x_seconds_bucket{le=\"+Inf\"} 1\n"
	    "x_seconds_sum 1\nx_seconds_count 1\n"));
}

static void
test_values(void **state)
{
	struct hl_metrics *m = *state;
	static const char *const labels[] = { "k", NULL };
	struct hl_metric *g = hl_metrics_family(m, HL_METRIC_GAUGE, "g",
	    "G.", labels);
	const char *a[] = { "a" }, *b[] = { "b" }, *c[] = { "c" },
	    *d[] = { "d" }, *e[] = { "e" };

	assert_int_equal(hl_metric_set(g, a, 0.1), 0);
	assert_int_equal(hl_metric_set(g, b, 1.0 / 3), 0);
	assert_int_equal(hl_metric_set(g, c, 12345678901.0), 0);
	assert_int_equal(hl_metric_set(g, d, -INFINITY), 0);
	assert_int_equal(hl_metric_set(g, e, NAN), 0);
	/* Shortest round-trip forms, like Go's FormatFloat(v, 'g', -1). */
	assert_string_equal(render(m), "# HELP g G.\n# TYPE g gauge\n"
	    "g{k=\"a\"} 0.1\n"
	    "g{k=\"b\"} 0.3333333333333333\n"
	    "g{k=\"c\"} 12345678901\n"
	    "g{k=\"d\"} -Inf\n"
	    "g{k=\"e\"} NaN\n");
}

static void
test_registration(void **state)
{
	struct hl_metrics *m = *state;
	static const char *const one[] = { "adapter", NULL };
	static const char *const two[] = { "adapter", "reason", NULL };
	static const char *const le[] = { "le", NULL };
	static const char *const four[] = { "a", "b", "c", "d", NULL };
	static const char *const reserved[] = { "__x", NULL };
	static const char *const bad[] = { "a-b", NULL };
	struct hl_metric *f = hl_metrics_family(m, HL_METRIC_COUNTER,
	    "c_total", "C.", one);

	assert_non_null(f);
	/* Same shape: the same family; any other shape: refused. */
	assert_ptr_equal(hl_metrics_family(m, HL_METRIC_COUNTER, "c_total",
	    "other help", one), f);
	assert_null(hl_metrics_family(m, HL_METRIC_GAUGE, "c_total", "C.",
	    one));
	assert_null(hl_metrics_family(m, HL_METRIC_COUNTER, "c_total", "C.",
	    two));
	assert_null(hl_metrics_family(m, HL_METRIC_COUNTER, "c_total", "C.",
	    NULL));
	/* Names: the exposition format's grammar. */
	assert_null(hl_metrics_family(m, HL_METRIC_COUNTER, "9lives", "",
	    NULL));
	assert_null(hl_metrics_family(m, HL_METRIC_COUNTER, "a b", "", NULL));
	assert_null(hl_metrics_family(m, HL_METRIC_COUNTER, "", "", NULL));
	assert_non_null(hl_metrics_family(m, HL_METRIC_COUNTER, "ns:sub_x",
	    "", NULL));
	assert_null(hl_metrics_family(m, HL_METRIC_HISTOGRAM, "h", "", le));
	assert_non_null(hl_metrics_family(m, HL_METRIC_GAUGE, "g_le", "",
	    le));
	assert_null(hl_metrics_family(m, HL_METRIC_GAUGE, "g4", "", four));
	assert_null(hl_metrics_family(m, HL_METRIC_GAUGE, "gr", "",
	    reserved));
	assert_null(hl_metrics_family(m, HL_METRIC_GAUGE, "gb", "", bad));
	/* A family with no series is not written at all. */
	assert_string_equal(render(m), "");
}

static void
test_type_rules(void **state)
{
	struct hl_metrics *m = *state;
	struct hl_metric *c = hl_metrics_family(m, HL_METRIC_COUNTER, "c",
	    "", NULL);
	struct hl_metric *h = hl_metrics_family(m, HL_METRIC_HISTOGRAM, "h",
	    "", NULL);
	static const char *const one[] = { "k", NULL };
	struct hl_metric *l = hl_metrics_family(m, HL_METRIC_COUNTER, "l",
	    "", one);

	assert_int_equal(hl_metric_add(c, NULL, -1), -1);
	assert_int_equal(hl_metric_observe(c, NULL, 1), -1);
	assert_int_equal(hl_metric_add(h, NULL, 1), -1);
	assert_int_equal(hl_metric_set(h, NULL, 1), -1);
	/* Label values are required where there are labels. */
	assert_int_equal(hl_metric_add(l, NULL, 1), -1);
	/* NULL family or registry: nothing, no error. */
	assert_int_equal(hl_metric_add(NULL, NULL, 1), 0);
	assert_null(hl_metrics_family(NULL, HL_METRIC_COUNTER, "x", "",
	    NULL));
	assert_int_equal(hl_metrics_write(NULL, stdout), 0);
	assert_string_equal(render(m), "");
}

static void
test_series_cap_and_clear(void **state)
{
	struct hl_metrics *m = *state;
	static const char *const one[] = { "k", NULL };
	struct hl_metric *g = hl_metrics_family(m, HL_METRIC_GAUGE, "g", "",
	    one);
	char name[16];
	const char *v[] = { name };

	for (int i = 0; i < HL_METRICS_MAX_SERIES; i++) {
		snprintf(name, sizeof name, "s%d", i);
		assert_int_equal(hl_metric_set(g, v, i), 0);
	}
	snprintf(name, sizeof name, "s%d", HL_METRICS_MAX_SERIES);
	assert_int_equal(hl_metric_set(g, v, 1), -1);
	/* An existing series still takes updates. */
	snprintf(name, sizeof name, "s0");
	assert_int_equal(hl_metric_set(g, v, 42), 0);
	render(m);
	assert_non_null(strstr(written, "g{k=\"s0\"} 42\n"));
	assert_null(strstr(written, "s256"));
	hl_metric_clear(g);
	assert_string_equal(render(m), "");
	snprintf(name, sizeof name, "new");
	assert_int_equal(hl_metric_set(g, v, 1), 0);
	assert_string_equal(render(m), "# HELP g \n# TYPE g gauge\n"
	    "g{k=\"new\"} 1\n");
}

static void
test_figures(void **state)
{
	struct hl_metrics *m = *state;

	hl_figures_adapter(m, "twilio");
	hl_figures_request(m, "twilio", HL_REPLY_OK, 0.0009765625);
	hl_figures_request(m, "twilio", HL_REPLY_FLOODED, 0.5);
	hl_figures_reject(m, "twilio", HL_REJECT_BAD_SIGNATURE);
	hl_figures_reject(m, "http", HL_REJECT_UNKNOWN_PATH);
	hl_figures_drop(m, "smpp", HL_DROP_QUEUE_FULL, 3);
	render(m);
	assert_non_null(strstr(written,
	    "helplined_requests_total{adapter=\"twilio\",outcome=\"ok\"} 1\n"
	    "helplined_requests_total{adapter=\"twilio\",outcome="
	    "\"duplicate\"} 0\n"
	    "helplined_requests_total{adapter=\"twilio\",outcome=\"failed\"}"
	    " 0\n"
	    "helplined_requests_total{adapter=\"twilio\",outcome=\"flooded\"}"
	    " 1\n"
	    "helplined_requests_total{adapter=\"twilio\",outcome="
	    "\"rejected\"} 1\n"
	    "helplined_requests_total{adapter=\"http\",outcome=\"rejected\"}"
	    " 1\n"));
	/* A flooded message has no reply: no latency observed. */
	assert_non_null(strstr(written, "helplined_reply_latency_seconds_"
	    "count{adapter=\"twilio\"} 1\n"));
	assert_non_null(strstr(written, "helplined_rejected_total{adapter="
	    "\"twilio\",reason=\"bad_signature\"} 1\n"
	    "helplined_rejected_total{adapter=\"http\",reason="
	    "\"unknown_path\"} 1\n"));
	assert_non_null(strstr(written, "helplined_replies_dropped_total{"
	    "adapter=\"smpp\",reason=\"queue_full\"} 3\n"));
	assert_string_equal(hl_reject_name(HL_REJECT_BAD_UTF8), "bad_utf8");
	assert_string_equal(hl_outcome_name(HL_REPLY_DUPLICATE),
	    "duplicate");
	/* Without a registry nothing happens. */
	hl_figures_request(NULL, "x", HL_REPLY_OK, 0);
	hl_figures_reject(NULL, "x", HL_REJECT_MALFORMED);
	hl_figures_drop(NULL, "x", HL_DROP_FAILED, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counter_and_gauge_exact,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_escaping, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_histogram_cumulative,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_histogram_without_labels,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registration, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_type_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_series_cap_and_clear,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_figures, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
