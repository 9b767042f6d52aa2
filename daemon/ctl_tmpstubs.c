/* TEMPORARY local stubs until the stats and diff branches merge. */
#include <stdio.h>
#include "helpline/menu_diff.h"
#include "helpline/stats.h"
struct hl_stats *hl_stats_build(struct hl_store *s, const struct hl_stats_opts *o, char *err, size_t n) { (void)s; (void)o; snprintf(err, n, "not yet"); return NULL; }
int hl_stats_write(const struct hl_stats *s, enum hl_stats_format f, FILE *o) { (void)s; (void)f; (void)o; return -1; }
void hl_stats_free(struct hl_stats *s) { (void)s; }
int hl_menu_diff(const struct hl_menu *a, const struct hl_menu *b, struct hl_menu_diff *o) { (void)a; (void)b; o->n = 0; o->items = NULL; return 0; }
int hl_menu_diff_write(const struct hl_menu_diff *d, const char *l, FILE *o) { (void)d; (void)l; fputs("stub\n", o); return 0; }
void hl_menu_diff_free(struct hl_menu_diff *d) { (void)d; }
