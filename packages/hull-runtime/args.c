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

/* The value of the option p read at argv[*i]: its "=value", else the next argument (*i moves
 * past it). -EINVAL when it is missing. */
static int option_value(int argc, char *const argv[], int *i, const Parsed *p, const char **ret) {
        if (!p->option->value || p->value) {
                *ret = p->value;
                return 0;
        }
        if (*i + 1 >= argc)
                return -EINVAL;
        *ret = argv[++*i];
        return 0;
}

/* After an unknown global option, whose arity is unknown, the command cannot be found with
 * certainty: whether one of those hull-runtime must see might follow. */
static bool may_hide_command(int argc, char *const argv[], int from) {
        for (int j = from; j < argc; j++)
                if (strcmp(argv[j], "create") == 0 || strcmp(argv[j], "run") == 0 || strcmp(argv[j], "exec") == 0)
                        return true;
        return false;
}

/* The global options, which end at the first non-option (Go's flag package). Returns the
 * index of the command, argc when there is none or the call is not one to edit, or -EINVAL
 * with *ret_bad. */
static int parse_global_options(int argc, char *const argv[], RuncCall *c, const char **ret_bad) {
        for (int i = 1; i < argc; i++) {
                const char *value;
                Parsed p;
                int r;

                if (strcmp(argv[i], "--") == 0)
                        return i + 1;
                r = match_option(argv[i], global_options, ELEMENTSOF(global_options), &p);
                if (r == 0)
                        return i;
                if (r < 0) {
                        if (!may_hide_command(argc, argv, i + 1))
                                return argc;
                        *ret_bad = argv[i];
                        return -EINVAL;
                }
                if (option_value(argc, argv, &i, &p, &value) < 0) {
                        *ret_bad = argv[i];
                        return -EINVAL;
                }
                if (is_named(&p, "log", NULL))
                        c->log = value;
                else if (is_named(&p, "root", NULL))
                        c->root = value;
                else if (is_named(&p, "log-format", NULL))
                        c->log_format = value;
        }
        return argc;
}

/* create, run and exec, with their option tables; false for any other command. */
static bool command_of(const char *arg, RuncCall *c, const Option **ret_table, size_t *ret_n) {
        if (strcmp(arg, "create") == 0 || strcmp(arg, "run") == 0) {
                c->command = arg[0] == 'c' ? RUNC_CREATE : RUNC_RUN;
                *ret_table = create_options;
                *ret_n = ELEMENTSOF(create_options);
                return true;
        }
        if (strcmp(arg, "exec") == 0) {
                c->command = RUNC_EXEC;
                *ret_table = exec_options;
                *ret_n = ELEMENTSOF(exec_options);
                return true;
        }
        return false;
}

/* After "--" everything is positional: the id, and for exec the command. */
static int parse_positional(int argc, char *const argv[], int i, RuncCall *c, const char **ret_bad) {
        for (; i < argc; i++) {
                if (c->id && c->command != RUNC_EXEC) {
                        *ret_bad = argv[i];
                        return -EINVAL;
                }
                if (!c->id)
                        c->id = argv[i];
        }
        return 0;
}

/* The command's options and the container id, from argv[i] on. 1 for "--help" (nothing will
 * be created), 0, or -EINVAL with *ret_bad. */
static int parse_command_options(int argc, char *const argv[], int i, const Option *table, size_t n_table,
                                 RuncCall *c, const char **ret_bad) {
        for (; i < argc; i++) {
                const char *value;
                Parsed p;
                int r;

                if (strcmp(argv[i], "--") == 0)
                        return parse_positional(argc, argv, i + 1, c, ret_bad);
                r = match_option(argv[i], table, n_table, &p);
                if (r < 0) {
                        *ret_bad = argv[i];
                        return -EINVAL;
                }
                if (r == 0) {
                        if (c->id) {
                                *ret_bad = argv[i];
                                return -EINVAL;
                        }
                        c->id = argv[i];
                        /* exec stops reading options at the id: the rest is the command. */
                        if (c->command == RUNC_EXEC)
                                return 0;
                        continue;
                }
                if (option_value(argc, argv, &i, &p, &value) < 0) {
                        *ret_bad = argv[i];
                        return -EINVAL;
                }
                if (is_named(&p, "help", "h"))
                        return 1;
                if (is_named(&p, "bundle", "b"))
                        c->bundle = value;
                else if (is_named(&p, "process", "p"))
                        c->process = value;
        }
        return 0;
}

int runc_call_parse(int argc, char *const argv[], RuncCall *ret, const char **ret_bad) {
        RuncCall c = { .command = RUNC_OTHER };
        const Option *table;
        size_t n_table;
        int i, r;

        *ret_bad = NULL;
        i = parse_global_options(argc, argv, &c, ret_bad);
        if (i < 0)
                return i;
        if (i >= argc || !command_of(argv[i], &c, &table, &n_table)) {
                *ret = c;
                return 0;
        }
        r = parse_command_options(argc, argv, i + 1, table, n_table, &c, ret_bad);
        if (r < 0)
                return r;
        if (r > 0) {
                *ret = (RuncCall) { .command = RUNC_OTHER, .root = c.root, .log = c.log, .log_format = c.log_format };
                return 0;
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
