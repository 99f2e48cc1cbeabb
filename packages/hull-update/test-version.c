/* SPDX-License-Identifier: MIT */
/* version_compare() against version-order.tsv, the table tests/build/70-version-order.sh also
 * checks against systemd-analyze compare-versions: both directions of every pair. */
#include <stdio.h>
#include <string.h>

#include "version.h"

static int sign(int v) {
        return v < 0 ? -1 : v > 0 ? 1 : 0;
}

int main(void) {
        FILE *f = fopen("version-order.tsv", "re");
        char line[256], a[100], op[3], b[100];
        int n = 0, bad = 0;

        if (!f) {
                perror("version-order.tsv");
                return 1;
        }
        while (fgets(line, sizeof(line), f)) {
                int want;

                if (line[0] == '#' || line[0] == '\n')
                        continue;
                if (sscanf(line, "%99s %2s %99s", a, op, b) != 3) {
                        fprintf(stderr, "version-order.tsv: malformed line: %s", line);
                        return 1;
                }
                want = strcmp(op, "<") == 0 ? -1 : strcmp(op, ">") == 0 ? 1 : strcmp(op, "==") == 0 ? 0 : 2;
                if (want == 2) {
                        fprintf(stderr, "version-order.tsv: unknown operator '%s'\n", op);
                        return 1;
                }
                if (sign(version_compare(a, b)) != want || sign(version_compare(b, a)) != -want) {
                        fprintf(stderr, "FAIL: %s %s %s, but version_compare gives %d (and %d reversed)\n", a, op,
                                b, version_compare(a, b), version_compare(b, a));
                        bad++;
                }
                n++;
        }
        fclose(f);
        if (n < 40) {
                fprintf(stderr, "version-order.tsv: only %d pairs\n", n);
                return 1;
        }
        printf("%d pairs, %d wrong\n", n, bad);
        return bad ? 1 : 0;
}
