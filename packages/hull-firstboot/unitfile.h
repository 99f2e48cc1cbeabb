/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

/* The [Install] section of a unit file, as far as hull-firstboot enables units itself. */
typedef struct UnitInstall {
        char **wanted_by;
        size_t n_wanted_by;
        char **required_by;
        size_t n_required_by;
        char **alias;
        size_t n_alias;
} UnitInstall;

/* Parses the [Install] section of unit file text. WantedBy=, RequiredBy= and Alias= are
 * understood; Also= and DefaultInstance= return -EOPNOTSUPP, a malformed line or an invalid
 * unit name -EINVAL; *ret_line (may be NULL) then names the offending key. Returns the number
 * of install targets found (0: the unit has nothing to enable). */
int unit_install_parse(const char *text, UnitInstall *ret, const char **ret_key);
void unit_install_done(UnitInstall *i);

/* "foo@bar.service" -> "foo@.service" in *ret; 0 if name is not an instance (ret untouched). */
int unit_name_template(const char *name, char **ret);
