/* SPDX-License-Identifier: MIT */
#pragma once

/* What a runc command line asks for, as far as hull-runtime cares. runc (urfave/cli v1) takes
 * global options, then a command; for create and run it moves options found after the
 * container id in front of it, so they may appear anywhere after the command. */
typedef enum RuncCommand {
        RUNC_OTHER,   /* anything else: passed through untouched */
        RUNC_CREATE,
        RUNC_RUN,
        RUNC_EXEC,    /* exec --process FILE: FILE is edited too */
} RuncCommand;

typedef struct RuncCall {
        RuncCommand command;
        const char *bundle;     /* create/run: --bundle, or "." (runc's default) */
        const char *process;    /* exec: --process, or NULL (then nothing is edited) */
        const char *id;         /* create/run/exec: the container id */
        const char *root;       /* global --root (runc's state directory), or NULL */
        const char *log;        /* global --log, or NULL */
        const char *log_format; /* global --log-format, or NULL */
} RuncCall;

/* Parses argv (argv[0] is the program). Pointers in *ret point into argv. -EINVAL (with
 * *ret_bad set to the argument that could not be understood, or NULL) when the command is
 * create, run or exec and the line cannot be parsed with certainty: an unknown option, a
 * missing value, no or several container ids. Anything else is RUNC_OTHER. */
int runc_call_parse(int argc, char *const argv[], RuncCall *ret, const char **ret_bad);
