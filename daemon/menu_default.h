/*
 * menu_default.h - the shipped menu (menus/default.yaml), compiled in by
 * contrib/embed.sh so helplined needs no files to start.
 */
#ifndef HELPLINE_MENU_DEFAULT_H
#define HELPLINE_MENU_DEFAULT_H

#include <stddef.h>

extern const char hl_menu_default_yaml[];
extern const size_t hl_menu_default_yaml_len;

#define HL_MENU_DEFAULT_NAME "menus/default.yaml (built in)"

#endif
