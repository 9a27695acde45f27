#ifndef TUNELUA_CLIBPQ_SHIM_H
#define TUNELUA_CLIBPQ_SHIM_H
// libpq, PostgreSQL's own client library: the PostgreSQL store talks to the server through it
// (a system library, so no Swift networking stack is built in every CI run).
#include <libpq-fe.h>
#endif
