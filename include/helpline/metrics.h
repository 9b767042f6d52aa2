/*
 * metrics.h - a small registry of figures for operators (counters, gauges
 * and one kind of histogram) and its writer in the Prometheus text
 * exposition format, version 0.0.4.
 *
 * The daemon owns one registry and lends it to the core and the adapters.
 * A family (name, help, type, label names) holds one series per set of
 * label values.  Label values must come from fixed sets (adapter names
 * from the config, reasons and outcomes from enums, the menu's own id and
 * version): never a number, a text, a pseudonym or a gateway id.  They are
 * escaped anyway.  A family holds at most HL_METRICS_MAX_SERIES series,
 * so a bug that labels by something unbounded cannot grow memory.
 *
 * Every call takes a NULL registry or family and then does nothing, so
 * modules run unchanged without one (unit tests).
 */
#ifndef HELPLINE_METRICS_H
#define HELPLINE_METRICS_H

#include <stddef.h>
#include <stdio.h>

#define HL_METRICS_MAX_LABELS 3
#define HL_METRICS_MAX_SERIES 256

enum hl_metric_type {
	HL_METRIC_COUNTER,
	HL_METRIC_GAUGE,
	/* Seconds, in the fixed buckets of hl_metrics_buckets(). */
	HL_METRIC_HISTOGRAM,
};

struct hl_metrics;
struct hl_metric;

/* Creates an empty registry.  Returns NULL on no memory. */
struct hl_metrics *hl_metrics_new(void);

/* Frees the registry and every family in it.  NULL is fine. */
void hl_metrics_free(struct hl_metrics *);

/*
 * Returns the family called name, registering it first if it is new
 * (name, help and labels are copied).  labels is a NULL-terminated list
 * of at most HL_METRICS_MAX_LABELS label names, or NULL for none.
 * Registering the same name again with the same type and labels returns
 * the same family (modules need not share pointers); a different type or
 * labels, an invalid name, or no memory returns NULL.  Families are
 * written in the order they were first registered.
 */
struct hl_metric *hl_metrics_family(struct hl_metrics *,
    enum hl_metric_type, const char *name, const char *help,
    const char *const *labels);

/*
 * Adds delta to a counter or gauge series (values: one per label name, in
 * order; NULL when the family has no labels), creating the series at 0
 * first.  Adding 0 makes a series exist, so it is written before its
 * first event.  Returns 0, or -1 on a histogram family, a negative delta
 * on a counter, too many series or no memory (the figure is then lost).
 */
int hl_metric_add(struct hl_metric *, const char *const *values,
    double delta);

/* Sets a counter or gauge series to v (a counter kept elsewhere is
 * copied in just before writing).  Returns 0 or -1, as hl_metric_add. */
int hl_metric_set(struct hl_metric *, const char *const *values, double v);

/* Records one observation in a histogram series.  Returns 0 or -1. */
int hl_metric_observe(struct hl_metric *, const char *const *values,
    double v);

/* Drops every series of a family (before setting an info family's one
 * current series again). */
void hl_metric_clear(struct hl_metric *);

/* Returns the histogram buckets' upper bounds in seconds (ascending,
 * +Inf not included) and their number in *n. */
const double *hl_metrics_buckets(size_t *n);

/* Writes every family with at least one series, with its HELP and TYPE
 * lines.  Returns 0, or -1 on a write error. */
int hl_metrics_write(const struct hl_metrics *, FILE *);

#endif
