#ifndef TUNELUA_CEDITLINE_SHIM_H
#define TUNELUA_CEDITLINE_SHIM_H
#include <stdio.h>
#include <editline/readline.h>
#endif
