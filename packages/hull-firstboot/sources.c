/* SPDX-License-Identifier: MIT */
#include "sources.h"
int sources_find_config(char **ret_text, size_t *ret_size, char **ret_source) { return 0; }
