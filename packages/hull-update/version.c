/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <string.h>

#include "version.h"

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool is_alpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_version_char(char c) {
        return is_digit(c) || is_alpha(c) || c == '~' || c == '-' || c == '^' || c == '.';
}

/* One prefix character: the string that has it where the other has not is older. Steps both
 * strings past it when both have it. */
static int prefix(const char **a, const char **b, char c) {
        if (**a != c && **b != c)
                return 0;
        if (**a != c || **b != c)
                return CMP(**a != c, **b != c);
        (*a)++, (*b)++;
        return 0;
}

/* The leading segment of each, numeric or alphabetic; on a tie, *a and *b are moved past it. */
static int segment(const char **a, const char **b) {
        const char *aa = *a, *bb = *b;
        int r;

        if (is_digit(**a) || is_digit(**b)) {
                while (is_digit(*aa))
                        aa++;
                while (is_digit(*bb))
                        bb++;
                /* A numeric segment is newer than none (an alphabetic one). */
                r = CMP(aa != *a, bb != *b);
                if (r != 0)
                        return r;
                while (**a == '0')
                        (*a)++;
                while (**b == '0')
                        (*b)++;
                r = CMP(aa - *a, bb - *b);
                if (r != 0)
                        return r;
                r = strncmp(*a, *b, (size_t) (aa - *a));
                if (r != 0)
                        return CMP(r, 0);
        } else {
                while (is_alpha(*aa))
                        aa++;
                while (is_alpha(*bb))
                        bb++;
                r = strncmp(*a, *b, (size_t) (aa - *a < bb - *b ? aa - *a : bb - *b));
                if (r != 0)
                        return CMP(r, 0);
                r = CMP(aa - *a, bb - *b);
                if (r != 0)
                        return r;
        }
        *a = aa, *b = bb;
        return 0;
}

int version_compare(const char *a, const char *b) {
        int r;

        if (!a || !*a || !b || !*b)
                return CMP(a && *a, b && *b);
        for (;;) {
                while (*a && !is_version_char(*a))
                        a++;
                while (*b && !is_version_char(*b))
                        b++;
                r = prefix(&a, &b, '~');
                if (r != 0)
                        return r;
                /* Past the '~' check: otherwise the string with more segments is newer. */
                if (!*a || !*b)
                        return CMP(strcmp(a, b), 0);
                r = prefix(&a, &b, '-');
                if (r == 0)
                        r = prefix(&a, &b, '^');
                if (r == 0)
                        r = prefix(&a, &b, '.');
                if (r == 0)
                        r = segment(&a, &b);
                if (r != 0)
                        return r;
        }
}
