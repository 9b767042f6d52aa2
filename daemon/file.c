/*
 * file.c - read a whole small file (file.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpline/file.h"

/* Reads a whole file, refusing one over max bytes. */
int
hl_file_read(const char *path, size_t max, char **buf, size_t *len,
    char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t n = 0, cap = 0;

	*buf = NULL;
	*len = 0;
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			char *p;

			cap = cap == 0 ? 65536 : cap * 2;
			if ((p = realloc(data, cap + 1)) == NULL) {
				snprintf(err, errlen, "%s: out of memory",
				    path);
				goto fail;
			}
			data = p;
		}
		n += fread(data + n, 1, cap - n, f);
		if (ferror(f)) {
			snprintf(err, errlen, "%s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (n > max) {
			snprintf(err, errlen, "%s: larger than %zu bytes",
			    path, max);
			goto fail;
		}
		if (feof(f))
			break;
	}
	fclose(f);
	data[n] = '\0';
	*buf = data;
	*len = n;
	return 0;
fail:
	fclose(f);
	free(data);
	return -1;
}
