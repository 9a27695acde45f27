#ifndef TUNELUA_CZLIB_SHIM_H
#define TUNELUA_CZLIB_SHIM_H
#include <zlib.h>
#endif
