/* SPDX-License-Identifier: MIT */
/* test_sort.c: tp_array_sort_stable against g_array_sort (stable since GLib
 * 2.32): the same records in the same order, ties included; and
 * tp_lowest_bit against g_bit_nth_lsf. */
#include "tp_sort.h"
#include "tp_test.h"

/* Records of two sizes, as the tagger sorts: a small one (a match) and one
 * the size of a candidate; `order` is no part of the comparison, so that a
 * tie broken differently shows. */
typedef struct {
    guint32 key;
    double weight;
    guint32 order;
} Small;

typedef struct {
    Small head; /* first, so that cmp_small reads a Large too */
    char pad[92];
} Large;

static int cmp_small(gconstpointer a, gconstpointer b) {
    const Small *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return 0;
}

static void test_as_glib(void) {
    GRand *rng = g_rand_new_with_seed(11);
    guint n_checked = 0;
    for (guint round = 0; round < 600; round++) {
        /* Lengths around the runs and their doublings, and longer ones. */
        guint n = round < 80 ? round : (guint)g_rand_int_range(rng, 0, 3000);
        /* Few distinct keys in some rounds (many ties), many in others. */
        guint32 keys = round % 3 == 0 ? 3 : round % 3 == 1 ? 40 : 100000;
        g_autoptr(GArray) s1 = g_array_new(FALSE, FALSE, sizeof(Small));
        g_autoptr(GArray) l1 = g_array_new(FALSE, FALSE, sizeof(Large));
        for (guint i = 0; i < n; i++) {
            Small s = {(guint32)g_rand_int_range(rng, 0, (gint32)keys),
                       (double)g_rand_int_range(rng, 0, 3) / 2.0, i};
            Large l = {0};
            l.head = s;
            memset(l.pad, (int)(i & 0xff), sizeof l.pad);
            g_array_append_val(s1, s);
            g_array_append_val(l1, l);
        }
        /* Sorted input and reversed input too. */
        if (round % 7 == 1)
            g_array_sort(s1, cmp_small);
        g_autoptr(GArray) s2 = g_array_copy(s1);
        g_autoptr(GArray) l2 = g_array_copy(l1);
        g_array_sort(s1, cmp_small);
        tp_array_sort_stable(s2, sizeof(Small), cmp_small);
        g_array_sort(l1, cmp_small);
        tp_array_sort_stable(l2, sizeof(Large), cmp_small);
        g_assert_cmpuint(s1->len, ==, s2->len);
        for (guint i = 0; i < n; i++) {
            const Small *a = &g_array_index(s1, Small, i), *b = &g_array_index(s2, Small, i);
            g_assert_cmpuint(a->order, ==, b->order);
            g_assert_cmpuint(a->key, ==, b->key);
        }
        g_assert_true(n == 0 || memcmp(l1->data, l2->data, (gsize)n * sizeof(Large)) == 0);
        n_checked += n;
    }
    g_assert_cmpuint(n_checked, >, 100000);
    g_rand_free(rng);
}

static void test_lowest_bit(void) {
    GRand *rng = g_rand_new_with_seed(5);
    for (guint i = 0; i < 32; i++)
        g_assert_cmpuint(tp_lowest_bit(1u << i), ==, i);
    for (guint k = 0; k < 100000; k++) {
        guint32 x = g_rand_int(rng) << g_rand_int_range(rng, 0, 32);
        if (x)
            g_assert_cmpint((gint)tp_lowest_bit(x), ==, g_bit_nth_lsf(x, -1));
    }
    g_rand_free(rng);
}

int main(int argc, char **argv) {
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sort/as-glib", test_as_glib);
    g_test_add_func("/inline/lowest-bit", test_lowest_bit);
    return g_test_run();
}
