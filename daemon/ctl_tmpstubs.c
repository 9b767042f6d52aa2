/* TEMPORARY local stubs until the diff branch merges. */
#include <stdio.h>
#include "helpline/menu_diff.h"
int hl_menu_diff(const struct hl_menu *a, const struct hl_menu *b, struct hl_menu_diff *o) { (void)a; (void)b; o->n = 0; o->items = NULL; return 0; }
int hl_menu_diff_write(const struct hl_menu_diff *d, const char *l, FILE *o) { (void)d; (void)l; fputs("stub\n", o); return 0; }
void hl_menu_diff_free(struct hl_menu_diff *d) { (void)d; }
