/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include "apply.h"
int apply_config(const Config *c, const ApplyOptions *o, char **ret_what) { return -EOPNOTSUPP; }
int apply_write_marker(const ApplyOptions *o, char **ret_what) { return -EOPNOTSUPP; }
