/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "args.h"
#include "hull/macro.h"

typedef struct Option {
        const char *name; /* without dashes */
        bool value;       /* takes a value */
} Option;

/* runc 1.1 main.go */
static const Option global_options[] = {
        { "debug", false }, { "log", true }, { "log-format", true }, { "root", true },
        { "criu", true }, { "systemd-cgroup", false }, { "rootless", true },
        { "help", false }, { "h", false }, { "version", false }, { "v", false },
};
/* runc 1.1 create.go and run.go (run's extra flags are harmless to accept for create: runc
 * itself rejects them) */
static const Option create_options[] = {
        { "bundle", true }, { "b", true }, { "console-socket", true }, { "pid-file", true },
        { "no-pivot", false }, { "no-new-keyring", false }, { "preserve-fds", true },
        { "detach", false }, { "d", false }, { "keep", false }, { "no-subreaper", false },
        { "help", false }, { "h", false },
};
/* runc 1.1 exec.go */
static const Option exec_options[] = {
        { "console-socket", true }, { "cwd", true }, { "env", true }, { "e", true },
        { "tty", false }, { "t", false }, { "user", true }, { "u", true },
        { "additional-gids", true }, { "g", true }, { "process", true }, { "p", true },
        { "detach", false }, { "d", false }, { "pid-file", true }, { "process-label", true },
        { "apparmor", true }, { "no-new-privs", false }, { "cap", true }, { "c", true },
        { "preserve-fds", true }, { "cgroup", true }, { "ignore-paused", false },
        { "help", false }, { "h", false },
};

/* An option as Go's flag package reads it: "-name", "--name", "-name=value", "--name=value". */
typedef struct Parsed {
        const Option *option;
        const char *value; /* the =value part, or NULL */
} Parsed;

/* 1 and *ret for a known option, 0 for a non-option, -EINVAL for an unknown option. */
static int match_option(const char *arg, const Option *table, size_t n, Parsed *ret) {
        const char *name, *eq;
        size_t len;

        if (arg[0] != '-' || arg[1] == 0)
                return 0;
        name = arg + 1 + (arg[1] == '-');
        eq = strchr(name, '=');
        len = eq ? (size_t) (eq - name) : strlen(name);
        for (size_t i = 0; i < n; i++)
                if (strlen(table[i].name) == len && strncmp(table[i].name, name, len) == 0) {
                        *ret = (Parsed) { .option = &table[i], .value = eq ? eq + 1 : NULL };
                        return 1;
                }
        return -EINVAL;
}

static bool is_named(const Parsed *p, const char *a, const char *b) {
        return strcmp(p->option->name, a) == 0 || (b && strcmp(p->option->name, b) == 0);
}

int runc_call_parse(int argc, char *const argv[], RuncCall *ret, const char **ret_bad) {
        RuncCall c = { .command = RUNC_OTHER };
        const Option *table;
        size_t n_table;
        bool exec_args = false;
        int i, r;

        *ret_bad = NULL;
        /* Global options end at the first non-option (Go's flag package). */
        for (i = 1; i < argc; i++) {
                Parsed p;
                const char *value;

                if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                }
                r = match_option(argv[i], global_options, ELEMENTSOF(global_options), &p);
                if (r == 0)
                        break;
                if (r < 0) {
                        /* Its arity is unknown, so the command cannot be found with certainty:
                         * refuse only if it might be one we must see. */
                        for (int j = i + 1; j < argc; j++)
                                if (strcmp(argv[j], "create") == 0 || strcmp(argv[j], "run") == 0 ||
                                    strcmp(argv[j], "exec") == 0) {
                                        *ret_bad = argv[i];
                                        return -EINVAL;
                                }
                        *ret = c;
                        return 0;
                }
                value = p.value;
                if (p.option->value && !value) {
                        if (i + 1 >= argc) {
                                *ret_bad = argv[i];
                                return -EINVAL;
                        }
                        value = argv[++i];
                }
                if (is_named(&p, "log", NULL))
                        c.log = value;
                else if (is_named(&p, "log-format", NULL))
                        c.log_format = value;
        }
        if (i >= argc) {
                *ret = c;
                return 0;
        }

        if (strcmp(argv[i], "create") == 0) {
                c.command = RUNC_CREATE;
                table = create_options, n_table = ELEMENTSOF(create_options);
        } else if (strcmp(argv[i], "run") == 0) {
                c.command = RUNC_RUN;
                table = create_options, n_table = ELEMENTSOF(create_options);
        } else if (strcmp(argv[i], "exec") == 0) {
                c.command = RUNC_EXEC;
                table = exec_options, n_table = ELEMENTSOF(exec_options);
        } else {
                *ret = c;
                return 0;
        }

        for (i++; i < argc; i++) {
                Parsed p;
                const char *value;

                if (exec_args)
                        break;
                if (strcmp(argv[i], "--") == 0) {
                        /* Everything after is positional. */
                        for (i++; i < argc; i++) {
                                if (c.id && c.command != RUNC_EXEC) {
                                        *ret_bad = argv[i];
                                        return -EINVAL;
                                }
                                if (!c.id)
                                        c.id = argv[i];
                        }
                        break;
                }
                r = match_option(argv[i], table, n_table, &p);
                if (r < 0) {
                        *ret_bad = argv[i];
                        return -EINVAL;
                }
                if (r == 0) {
                        if (c.id) {
                                *ret_bad = argv[i];
                                return -EINVAL;
                        }
                        c.id = argv[i];
                        /* exec stops reading options at the id: the rest is the command. */
                        if (c.command == RUNC_EXEC)
                                exec_args = true;
                        continue;
                }
                value = p.value;
                if (p.option->value && !value) {
                        if (i + 1 >= argc) {
                                *ret_bad = argv[i];
                                return -EINVAL;
                        }
                        value = argv[++i];
                }
                if (is_named(&p, "help", "h")) {
                        /* "runc create --help": nothing will be created. */
                        *ret = (RuncCall) { .command = RUNC_OTHER, .log = c.log, .log_format = c.log_format };
                        return 0;
                }
                if (is_named(&p, "bundle", "b"))
                        c.bundle = value;
                else if (is_named(&p, "process", "p"))
                        c.process = value;
        }
        if (!c.id || c.id[0] == 0) {
                *ret_bad = NULL;
                return -EINVAL;
        }
        if (c.command != RUNC_EXEC && (!c.bundle || c.bundle[0] == 0))
                c.bundle = ".";
        *ret = c;
        return 0;
}
