#ifndef TUNELUA_CSQLITE_SHIM_H
#define TUNELUA_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import: it tells SQLite to copy bound data.
static inline sqlite3_destructor_type tl_sqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_db_config is variadic, which Swift cannot call: the one option tunelua sets.
// While a project is being checked it must not be checkpointed on close: a refused project keeps
// every byte of its database and of its WAL.
static inline int tl_sqlite_no_checkpoint_on_close(sqlite3 *db, int on) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, on, (int *)0);
}
#endif
