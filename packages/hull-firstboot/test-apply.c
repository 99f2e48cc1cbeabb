/* SPDX-License-Identifier: MIT */
#include "hull/tests.h"
int main(void) { return TEST_RETURN(); }
