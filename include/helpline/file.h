/*
 * file.h - read a whole (small) file, such as a menu to publish.
 */
#ifndef HELPLINE_FILE_H
#define HELPLINE_FILE_H

#include <stddef.h>

/* Reads path into *buf (malloc'd, NUL-terminated; caller frees) and its
 * length into *len.  A file over max bytes is refused.  Returns 0, or -1
 * with "path: why" in err. */
int hl_file_read(const char *path, size_t max, char **buf, size_t *len,
    char *err, size_t errlen);

#endif
