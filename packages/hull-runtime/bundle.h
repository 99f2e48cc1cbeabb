/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>

#include "args.h"
#include "hull/diag.h"

#define DOCKER_ROOT_DEFAULT "/var/lib/docker"

/* Edits the file a create/run (DIR/config.json) or exec (--process FILE) call hands to
 * runc, if the container is Docker's (docker_root/containers/<id>/hostconfig.json exists).
 * Returns 1 if the file was rewritten (atomically, mode kept), 0 if it was left alone, or a
 * negative errno with the problem added to d (may be NULL) as "<file>: <what is wrong>". */
int runtime_prepare(const RuncCall *call, const char *docker_root, Diag *d);
