/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hull/macro.h"
#include "unitfile.h"

static int strv_push(char ***v, size_t *n, const char *s, size_t len) {
        char **p, *copy;

        if (*n >= 256)
                return -E2BIG;
        copy = strndup(s, len);
        if (!copy)
                return -ENOMEM;
        p = realloc(*v, (*n + 1) * sizeof(char *));
        if (!p) {
                free(copy);
                return -ENOMEM;
        }
        *v = p;
        p[(*n)++] = copy;
        return 0;
}

static void strv_clear(char ***v, size_t *n) {
        for (size_t i = 0; i < *n; i++)
                free((*v)[i]);
        free(*v);
        *v = NULL;
        *n = 0;
}

void unit_install_done(UnitInstall *i) {
        strv_clear(&i->wanted_by, &i->n_wanted_by);
        strv_clear(&i->required_by, &i->n_required_by);
        strv_clear(&i->alias, &i->n_alias);
}

/* Space-separated unit names; an empty value resets the list, as in systemd. */
static int add_names(char ***v, size_t *n, const char *value) {
        const char *p = value;

        if (*value == 0) {
                strv_clear(v, n);
                return 0;
        }
        while (*p) {
                size_t len = strcspn(p, " \t");
                if (len > 0) {
                        _cleanup_free_ char *name = strndup(p, len);
                        int r;
                        if (!name)
                                return -ENOMEM;
                        if (!unit_name_is_valid(name))
                                return -EINVAL;
                        r = strv_push(v, n, p, len);
                        if (r < 0)
                                return r;
                }
                p += len;
                p += strspn(p, " \t");
        }
        return 0;
}

static char *strip(char *s) {
        char *e;
        s += strspn(s, " \t");
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                *--e = 0;
        return s;
}

int unit_install_parse(const char *text, UnitInstall *ret, const char **ret_key) {
        _cleanup_free_ char *copy = strdup(text ?: "");
        UnitInstall i = {};
        bool in_install = false;
        char *line, *next;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        /* Join continuation lines ("\" at the end of a line) first. */
        for (char *p = copy; (p = strstr(p, "\\\n")); ) {
                p[0] = ' ';
                p[1] = ' ';
        }
        for (line = copy; line && r >= 0; line = next) {
                char *eq, *key, *value;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                line = strip(line);
                if (*line == 0 || *line == '#' || *line == ';')
                        continue;
                if (*line == '[') {
                        in_install = strcmp(line, "[Install]") == 0;
                        continue;
                }
                if (!in_install)
                        continue;
                eq = strchr(line, '=');
                if (!eq) {
                        r = -EINVAL;
                        if (ret_key)
                                *ret_key = "(line without '=')";
                        break;
                }
                *eq = 0;
                key = strip(line);
                value = strip(eq + 1);
                if (strcmp(key, "WantedBy") == 0)
                        r = add_names(&i.wanted_by, &i.n_wanted_by, value);
                else if (strcmp(key, "RequiredBy") == 0)
                        r = add_names(&i.required_by, &i.n_required_by, value);
                else if (strcmp(key, "Alias") == 0)
                        r = add_names(&i.alias, &i.n_alias, value);
                else if (strcmp(key, "Also") == 0 || strcmp(key, "DefaultInstance") == 0) {
                        if (ret_key)
                                *ret_key = strcmp(key, "Also") == 0 ? "Also" : "DefaultInstance";
                        r = -EOPNOTSUPP;
                        break;
                } else {
                        if (ret_key)
                                *ret_key = "(unknown [Install] key)";
                        r = -EINVAL;
                        break;
                }
                if (r < 0 && ret_key)
                        *ret_key = strcmp(key, "WantedBy") == 0 ? "WantedBy" :
                                   strcmp(key, "RequiredBy") == 0 ? "RequiredBy" : "Alias";
        }
        if (r < 0) {
                unit_install_done(&i);
                return r;
        }
        *ret = i;
        return (int) (i.n_wanted_by + i.n_required_by + i.n_alias);
}

int unit_name_template(const char *name, char **ret) {
        const char *at = strchr(name, '@'), *dot = strrchr(name, '.');
        char *t;

        if (!at || !dot || dot < at || dot == at + 1)
                return 0;
        if (asprintf(&t, "%.*s%s", (int) (at - name + 1), name, dot) < 0)
                return -ENOMEM;
        *ret = t;
        return 1;
}
