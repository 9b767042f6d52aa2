/*
 * metrics.c - the registry of figures for operators and its writer in the
 * Prometheus text exposition format 0.0.4.
 *
 * Families and series live in arrays searched linearly: a daemon has a
 * dozen families of a few dozen series, and the figures are updated once
 * per message at most, so a hash table would buy nothing.  Series keep
 * their label values (copied) and are written in the order they were made,
 * which keeps the output stable for tests and diff-friendly for people.
 */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/metrics.h"

/* Reply latencies: 0.5 ms to 1 s (a reply over a second is a problem
 * whatever its exact figure; +Inf holds it). */
static const double metrics_bounds[] = {
	0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
};
#define METRICS_NBUCKETS (sizeof metrics_bounds / sizeof metrics_bounds[0])

struct metric_series {
	char *values[HL_METRICS_MAX_LABELS];
	double value;				/* counter, gauge */
	uint64_t buckets[METRICS_NBUCKETS];	/* histogram, not cumulative */
	uint64_t count;
	double sum;
};

struct hl_metric {
	enum hl_metric_type type;
	char *name;
	char *help;
	char *labels[HL_METRICS_MAX_LABELS];
	size_t n_labels;
	struct metric_series *series;
	size_t n_series;
	size_t cap_series;
};

struct hl_metrics {
	struct hl_metric **families;
	size_t n;
	size_t cap;
};

/* Creates an empty registry. */
struct hl_metrics *
hl_metrics_new(void)
{
	return calloc(1, sizeof(struct hl_metrics));
}

/* Frees a family's series. */
static void
metric_free_series(struct hl_metric *f)
{
	for (size_t i = 0; i < f->n_series; i++) {
		for (size_t j = 0; j < f->n_labels; j++)
			free(f->series[i].values[j]);
	}
	free(f->series);
	f->series = NULL;
	f->n_series = 0;
	f->cap_series = 0;
}

/* Frees a family. */
static void
metric_free(struct hl_metric *f)
{
	if (f == NULL)
		return;
	metric_free_series(f);
	for (size_t i = 0; i < f->n_labels; i++)
		free(f->labels[i]);
	free(f->name);
	free(f->help);
	free(f);
}

/* Frees the registry. */
void
hl_metrics_free(struct hl_metrics *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		metric_free(m->families[i]);
	free(m->families);
	free(m);
}

/* Returns true if s is a valid metric (colons allowed) or label name. */
static bool
metrics_is_name(const char *s, bool colons)
{
	if (s == NULL || *s == '\0' || isdigit((unsigned char)*s))
		return false;
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_' &&
		    !(colons && *s == ':'))
			return false;
	}
	return true;
}

/* Returns true if a label list is valid for a type; sets *n. */
static bool
metrics_are_labels(enum hl_metric_type type, const char *const *labels,
    size_t *n)
{
	*n = 0;
	for (; labels != NULL && labels[*n] != NULL; (*n)++) {
		const char *l = labels[*n];

		/* "le" is the histogram's own; "__" is reserved. */
		if (*n == HL_METRICS_MAX_LABELS || !metrics_is_name(l, false) ||
		    strncmp(l, "__", 2) == 0 ||
		    (type == HL_METRIC_HISTOGRAM && strcmp(l, "le") == 0))
			return false;
	}
	return true;
}

/* Returns true if a family has exactly this type and these labels. */
static bool
metric_is_shaped(const struct hl_metric *f, enum hl_metric_type type,
    const char *const *labels, size_t n)
{
	if (f->type != type || f->n_labels != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(f->labels[i], labels[i]) != 0)
			return false;
	}
	return true;
}

/* Makes a new family; NULL on no memory. */
static struct hl_metric *
metric_new(enum hl_metric_type type, const char *name, const char *help,
    const char *const *labels, size_t n)
{
	struct hl_metric *f = calloc(1, sizeof *f);

	if (f == NULL)
		return NULL;
	f->type = type;
	f->n_labels = n;
	f->name = strdup(name);
	f->help = strdup(help != NULL ? help : "");
	for (size_t i = 0; i < n; i++) {
		if ((f->labels[i] = strdup(labels[i])) == NULL)
			goto fail;
	}
	if (f->name == NULL || f->help == NULL)
		goto fail;
	return f;
fail:
	metric_free(f);
	return NULL;
}

/* Returns a family, registering it if new. */
struct hl_metric *
hl_metrics_family(struct hl_metrics *m, enum hl_metric_type type,
    const char *name, const char *help, const char *const *labels)
{
	struct hl_metric *f;
	size_t n;

	if (m == NULL || !metrics_is_name(name, true) ||
	    !metrics_are_labels(type, labels, &n))
		return NULL;
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->families[i]->name, name) == 0)
			return metric_is_shaped(m->families[i], type, labels,
			    n) ? m->families[i] : NULL;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct hl_metric **p = reallocarray(m->families, cap,
		    sizeof *p);

		if (p == NULL)
			return NULL;
		m->families = p;
		m->cap = cap;
	}
	if ((f = metric_new(type, name, help, labels, n)) == NULL)
		return NULL;
	m->families[m->n++] = f;
	return f;
}

/* Returns true if a series has these label values. */
static bool
series_is(const struct hl_metric *f, const struct metric_series *s,
    const char *const *values)
{
	for (size_t i = 0; i < f->n_labels; i++) {
		if (strcmp(s->values[i], values[i]) != 0)
			return false;
	}
	return true;
}

/* Appends a series with these values; NULL if full or no memory. */
static struct metric_series *
series_new(struct hl_metric *f, const char *const *values)
{
	struct metric_series *s;

	if (f->n_series == HL_METRICS_MAX_SERIES)
		return NULL;
	if (f->n_series == f->cap_series) {
		size_t cap = f->cap_series ? f->cap_series * 2 : 8;
		struct metric_series *p = reallocarray(f->series, cap,
		    sizeof *p);

		if (p == NULL)
			return NULL;
		f->series = p;
		f->cap_series = cap;
	}
	s = &f->series[f->n_series];
	memset(s, 0, sizeof *s);
	for (size_t i = 0; i < f->n_labels; i++) {
		if ((s->values[i] = strdup(values[i])) == NULL) {
			while (i-- > 0)
				free(s->values[i]);
			return NULL;
		}
	}
	f->n_series++;
	return s;
}

/* Finds or makes the series with these values; NULL on failure. */
static struct metric_series *
series_get(struct hl_metric *f, const char *const *values)
{
	for (size_t i = 0; i < f->n_labels; i++) {
		if (values == NULL || values[i] == NULL)
			return NULL;
	}
	for (size_t i = 0; i < f->n_series; i++) {
		if (series_is(f, &f->series[i], values))
			return &f->series[i];
	}
	return series_new(f, values);
}

/* Adds delta to a counter or gauge. */
int
hl_metric_add(struct hl_metric *f, const char *const *values, double delta)
{
	struct metric_series *s;

	if (f == NULL)
		return 0;
	if (f->type == HL_METRIC_HISTOGRAM ||
	    (f->type == HL_METRIC_COUNTER && !(delta >= 0)) ||
	    (s = series_get(f, values)) == NULL)
		return -1;
	s->value += delta;
	return 0;
}

/* Sets a counter or gauge. */
int
hl_metric_set(struct hl_metric *f, const char *const *values, double v)
{
	struct metric_series *s;

	if (f == NULL)
		return 0;
	if (f->type == HL_METRIC_HISTOGRAM ||
	    (s = series_get(f, values)) == NULL)
		return -1;
	s->value = v;
	return 0;
}

/* Records one observation in a histogram. */
int
hl_metric_observe(struct hl_metric *f, const char *const *values, double v)
{
	struct metric_series *s;

	if (f == NULL)
		return 0;
	if (f->type != HL_METRIC_HISTOGRAM ||
	    (s = series_get(f, values)) == NULL)
		return -1;
	for (size_t i = 0; i < METRICS_NBUCKETS; i++) {
		if (v <= metrics_bounds[i]) {
			s->buckets[i]++;
			break;
		}
	}
	s->count++;
	s->sum += v;
	return 0;
}

/* Drops every series of a family. */
void
hl_metric_clear(struct hl_metric *f)
{
	if (f != NULL)
		metric_free_series(f);
}

/* Returns the histogram buckets. */
const double *
hl_metrics_buckets(size_t *n)
{
	*n = METRICS_NBUCKETS;
	return metrics_bounds;
}

/* --- the exposition format ---------------------------------------------- */

/*
 * Formats a sample value as Go's strconv.FormatFloat(v, 'g', -1, 64) does
 * for what we hold: whole numbers plainly, others in the shortest form
 * that reads back as the same double, and +Inf, -Inf, NaN.
 */
static void
metrics_format_value(char *buf, size_t len, double v)
{
	if (isnan(v)) {
		snprintf(buf, len, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, len, "%s", v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == floor(v) && fabs(v) < 9007199254740992.0) {
		snprintf(buf, len, "%.0f", v);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* Writes text escaped: backslash and newline always, and the double
 * quote inside a label value. */
static void
metrics_put_escaped(FILE *out, const char *s, bool quote)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (quote && *s == '"')
			fputs("\\\"", out);
		else
			fputc(*s, out);
	}
}

/* Writes one sample line: name+suffix{labels[,le="…"]} value. */
static void
metrics_put_sample(FILE *out, const struct hl_metric *f,
    const struct metric_series *s, const char *suffix, const char *le,
    double v)
{
	char num[40];

	fprintf(out, "%s%s", f->name, suffix);
	if (f->n_labels > 0 || le != NULL) {
		fputc('{', out);
		for (size_t i = 0; i < f->n_labels; i++) {
			fprintf(out, "%s%s=\"", i > 0 ? "," : "",
			    f->labels[i]);
			metrics_put_escaped(out, s->values[i], true);
			fputc('"', out);
		}
		if (le != NULL)
			fprintf(out, "%sle=\"%s\"", f->n_labels > 0 ? "," :
			    "", le);
		fputc('}', out);
	}
	metrics_format_value(num, sizeof num, v);
	fprintf(out, " %s\n", num);
}

/* Writes a histogram series: cumulative buckets, +Inf, _sum, _count. */
static void
metrics_put_histogram(FILE *out, const struct hl_metric *f,
    const struct metric_series *s)
{
	uint64_t cumulative = 0;
	char le[32];

	for (size_t i = 0; i < METRICS_NBUCKETS; i++) {
		cumulative += s->buckets[i];
		metrics_format_value(le, sizeof le, metrics_bounds[i]);
		metrics_put_sample(out, f, s, "_bucket", le,
		    (double)cumulative);
	}
	metrics_put_sample(out, f, s, "_bucket", "+Inf", (double)s->count);
	metrics_put_sample(out, f, s, "_sum", NULL, s->sum);
	metrics_put_sample(out, f, s, "_count", NULL, (double)s->count);
}

/* Returns the TYPE line's word for a type. */
static const char *
metrics_type_name(enum hl_metric_type type)
{
	switch (type) {
	case HL_METRIC_COUNTER:
		return "counter";
	case HL_METRIC_GAUGE:
		return "gauge";
	default:
		return "histogram";
	}
}

/* Writes every family with a series. */
int
hl_metrics_write(const struct hl_metrics *m, FILE *out)
{
	for (size_t i = 0; m != NULL && i < m->n; i++) {
		const struct hl_metric *f = m->families[i];

		if (f->n_series == 0)
			continue;
		fprintf(out, "# HELP %s ", f->name);
		metrics_put_escaped(out, f->help, false);
		fprintf(out, "\n# TYPE %s %s\n", f->name,
		    metrics_type_name(f->type));
		for (size_t j = 0; j < f->n_series; j++) {
			if (f->type == HL_METRIC_HISTOGRAM)
				metrics_put_histogram(out, f, &f->series[j]);
			else
				metrics_put_sample(out, f, &f->series[j], "",
				    NULL, f->series[j].value);
		}
	}
	return ferror(out) ? -1 : 0;
}
