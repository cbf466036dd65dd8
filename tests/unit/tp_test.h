/* SPDX-License-Identifier: MIT */
/* tp_test.h: helpers shared by the unit tests. */

#ifndef TP_TEST_H
#define TP_TEST_H

#include <glib.h>
#include <unistd.h>

/* Write `len` bytes of `contents` (-1: NUL-terminated) to a new temporary
 * file named after `template` ("tp-gaz-XXXXXX.tsv"); returns its path (free
 * with g_free, remove with g_unlink). */
static inline char *tp_test_write_tmp(const char *template, const char *contents, gssize len) {
    g_autoptr(GError) error = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp(template, &path, &error);
    g_assert_no_error(error);
    close(fd);
    g_file_set_contents(path, contents, len, &error);
    g_assert_no_error(error);
    return path;
}

#endif /* TP_TEST_H */
