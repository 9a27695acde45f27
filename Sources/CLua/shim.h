// Lua 5.4 as Swift sees it. This module has no stable API: it exists for Bridge alone.
//
// It holds three things Swift cannot write itself:
//  1. static-inline wrappers for the parts of lua.h that are macros (lua_pop, lua_pcall, …);
//  2. the allocator with a soft cap on the Lua heap;
//  3. the trampoline through which every Lua->Swift call enters, so that `lua_error` (a longjmp)
//     is only ever called after the Swift frame has returned.
#ifndef TUNELUA_CLUA_SHIM_H
#define TUNELUA_CLUA_SHIM_H

#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <stdatomic.h>
#include <time.h>

// MARK: - Macros as functions

static const int TL_REGISTRYINDEX = LUA_REGISTRYINDEX;
static const int TL_MULTRET = LUA_MULTRET;
static inline int tl_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void tl_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void tl_newtable(lua_State *L) { lua_newtable(L); }
static inline void tl_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void tl_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline void tl_replace(lua_State *L, int idx) { lua_replace(L, idx); }
static inline const char *tl_tolstring_raw(lua_State *L, int idx, size_t *len) {
    // Only for values that are already strings: lua_tolstring converts numbers in place.
    return lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, len) : NULL;
}
static inline void *tl_newuserdata(lua_State *L, size_t size) { return lua_newuserdatauv(L, size, 1); }
static inline int tl_isinteger(lua_State *L, int idx) { return lua_isinteger(L, idx); }
static inline lua_Number tl_tonumber(lua_State *L, int idx, int *isnum) { return lua_tonumberx(L, idx, isnum); }
static inline lua_Integer tl_tointeger(lua_State *L, int idx, int *isnum) { return lua_tointegerx(L, idx, isnum); }
static inline const char *tl_typename(lua_State *L, int idx) { return luaL_typename(L, idx); }
static inline FILE *tl_stderr(void) { return stderr; }
static inline FILE *tl_stdout(void) { return stdout; }
static inline int tl_gc(lua_State *L, int what, int data) { return lua_gc(L, what, data); }
static inline int tl_loadbuffer(lua_State *L, const char *buf, size_t len, const char *name, const char *mode) {
    return luaL_loadbufferx(L, buf, len, name, mode);
}

// MARK: - The allocator

/// Per-state allocator bookkeeping. `inSwift` is non-zero while a Swift frame is the innermost
/// frame that an error would unwind: then the allocator never refuses, because a refusal would make
/// Lua raise through Swift. Refusals happen only while Lua code runs under a pcall.
/// The process's budget shared by every Lua state (`--memory-limit` caps them together, workers
/// included); `limit` 0 means none. Updated with atomic builtins: states run on several threads.
typedef struct tl_heap_budget {
    size_t used;
    size_t limit;
} tl_heap_budget;

typedef struct tl_alloc_state {
    size_t used;
    size_t limit;
    int inSwift;
    int refused;        // count of refusals, for tests and messages
    tl_heap_budget *shared;
    long pending;       // this state's change not yet added to `shared` (batched: one atomic
                        // operation per TL_HEAP_BATCH bytes, not per allocation)
} tl_alloc_state;

#define TL_HEAP_BATCH (256 * 1024)

static inline void tl_heap_account(tl_alloc_state *st, long delta) {
    st->pending += delta;
    if (st->pending > TL_HEAP_BATCH || st->pending < -TL_HEAP_BATCH) {
        if (st->pending > 0) __atomic_add_fetch(&st->shared->used, (size_t)st->pending, __ATOMIC_RELAXED);
        else __atomic_sub_fetch(&st->shared->used, (size_t)(-st->pending), __ATOMIC_RELAXED);
        st->pending = 0;
    }
}

/// Adds what is still pending to the process's count (when a state closes).
static inline void tl_heap_settle(tl_alloc_state *st) {
    if (st->shared == NULL || st->pending == 0) return;
    if (st->pending > 0) __atomic_add_fetch(&st->shared->used, (size_t)st->pending, __ATOMIC_RELAXED);
    else __atomic_sub_fetch(&st->shared->used, (size_t)(-st->pending), __ATOMIC_RELAXED);
    st->pending = 0;
}

static inline void *tl_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    tl_alloc_state *st = (tl_alloc_state *)ud;
    size_t old = ptr ? osize : 0;
    tl_heap_budget *shared = st->shared;
    if (nsize == 0) {
        free(ptr);
        st->used -= old;
        if (shared) tl_heap_account(st, -(long)old);
        return NULL;
    }
    if (!st->inSwift && nsize > old) {
        int over = st->used - old + nsize > st->limit;
        if (!over && shared && shared->limit > 0) {
            long mine = st->pending > 0 ? st->pending : 0;
            over = __atomic_load_n(&shared->used, __ATOMIC_RELAXED) + (size_t)mine + (nsize - old) > shared->limit;
        }
        if (over) {
            st->refused++;
            return NULL;  // Lua raises "not enough memory" in Lua frames
        }
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL) {
        if (st->inSwift) {
            // Returning NULL here would unwind Swift frames; a real allocator failure is fatal.
            fputs("tunelua: out of memory while the host was running (system allocator failed)\n", stderr);
            abort();
        }
        return NULL;
    }
    st->used = st->used - old + nsize;
    if (shared) tl_heap_account(st, (long)nsize - (long)old);
    return p;
}

static inline lua_State *tl_newstate(tl_alloc_state *st) {
    st->inSwift = 1;
    return lua_newstate(tl_alloc, st);
}

static inline tl_alloc_state *tl_allocstate(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (tl_alloc_state *)ud;
}

// MARK: - Calling Swift from Lua

/// Implemented in Swift (Bridge, `@_cdecl`). Never raises. Returns the number of results pushed,
/// or -1 after pushing one error value.
extern int tunelua_bridge_dispatch(lua_State *L, void *box);
/// Implemented in Swift: releases the retained Swift object a box holds.
extern void tunelua_bridge_release(void *box);

/// The userdata that carries a Swift object into Lua. The tag says what the pointer is, so a
/// foreign userdata (an io file, another library's object) that reaches our code through the
/// `debug` library (`debug.setmetatable`, `debug.setupvalue`) or a direct metamethod call is
/// refused instead of being read as a Swift pointer (the check `luaL_testudata` makes, per box).
typedef struct tl_box {
    unsigned long long tag;
    void *object;        // retained Swift object; NULL once released
    const void *owner;   // for objects: the class the box was made for (its metatable's mark)
} tl_box;

#define TL_TAG_FUNCTION 0x746c756166756e63ULL   /* "tluafunc" */
#define TL_TAG_OBJECT   0x746c75616f626a65ULL   /* "tluaobje" */

/// The box at `idx` when it is a tunelua box with `tag` (0: either kind); NULL otherwise.
static inline tl_box *tl_tobox(lua_State *L, int idx, unsigned long long tag) {
    if (lua_type(L, idx) != LUA_TUSERDATA || lua_rawlen(L, idx) != sizeof(tl_box)) return NULL;
    tl_box *box = (tl_box *)lua_touserdata(L, idx);
    if (box == NULL) return NULL;
    if (tag == 0 ? (box->tag != TL_TAG_FUNCTION && box->tag != TL_TAG_OBJECT) : box->tag != tag) return NULL;
    return box;
}

static inline tl_box *tl_newbox(lua_State *L, unsigned long long tag, void *object, const void *owner) {
    tl_box *box = (tl_box *)lua_newuserdatauv(L, sizeof(tl_box), 1);
    box->tag = tag;
    box->object = object;
    box->owner = owner;
    return box;
}

/// Every Lua->Swift call enters here. The closure's first upvalue is a box userdata holding a
/// retained Swift object. `lua_error` runs only after the Swift frame has returned.
static inline int tl_trampoline(lua_State *L) {
    tl_box *box = tl_tobox(L, lua_upvalueindex(1), TL_TAG_FUNCTION);
    if (box == NULL) {
        // Only the debug library can replace the upvalue; refuse rather than read a foreign pointer.
        return luaL_error(L, "tunelua: this function's upvalue was replaced (debug.setupvalue); it cannot be called");
    }
    tl_alloc_state *st = tl_allocstate(L);
    int saved = st->inSwift;
    st->inSwift = 1;
    int n = tunelua_bridge_dispatch(L, box->object);
    st->inSwift = saved;
    if (n < 0) return lua_error(L);
    return n;
}

/// `__gc` of a box: hands the Swift object back exactly once. Called by hand (`mt.__gc(x)`) with
/// anything else, it does nothing.
static inline int tl_box_gc(lua_State *L) {
    tl_box *box = tl_tobox(L, 1, 0);
    if (box && box->object) {
        void *object = box->object;
        box->object = NULL;
        tunelua_bridge_release(object);
    }
    return 0;
}

static inline void tl_pushtrampoline(lua_State *L, int nup) { lua_pushcclosure(L, tl_trampoline, nup); }
static inline void tl_pushboxgc(lua_State *L) { lua_pushcfunction(L, tl_box_gc); }

// MARK: - Calling Lua from Swift

/// Registry key under which the message handler leaves the traceback of the last error.
#define TL_TRACEBACK_KEY "tunelua.traceback"

/// Message handler for every pcall made from Swift: keeps the error value as it is (strings and
/// error objects alike) and records the traceback beside it in the registry.
static inline int tl_msghandler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            msg = lua_tostring(L, -1);
        } else {
            msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        }
    }
    luaL_traceback(L, L, msg, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, TL_TRACEBACK_KEY);
    lua_settop(L, 1);
    return 1;
}

/// Calls the function below `nargs` arguments with the message handler, marking Lua as the
/// innermost runner for the allocator. The caller's stack must have the function and arguments.
static inline int tl_pcall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, tl_msghandler);
    lua_insert(L, base);
    tl_alloc_state *st = tl_allocstate(L);
    int saved = st->inSwift;
    st->inSwift = 0;
    int status = lua_pcall(L, nargs, nresults, base);
    st->inSwift = saved;
    lua_remove(L, base);
    return status;
}

/// The fast form of `tl_pcall` for one function and its arguments pushed after the handler:
/// the caller pushes `tl_msghandler` first (at `handler`), so nothing on the stack is moved.
static inline int tl_pcall_at(lua_State *L, int nargs, int nresults, int handler) {
    tl_alloc_state *st = tl_allocstate(L);
    int saved = st->inSwift;
    st->inSwift = 0;
    int status = lua_pcall(L, nargs, nresults, handler);
    st->inSwift = saved;
    return status;
}
static inline void tl_pushmsghandler(lua_State *L) { lua_pushcfunction(L, tl_msghandler); }
/// `tl_pcall_at` for callers that hold the allocator state already (saves a lookup per call).
static inline int tl_pcall_with(lua_State *L, tl_alloc_state *st, int nargs, int nresults, int handler) {
    int saved = st->inSwift;
    st->inSwift = 0;
    int status = lua_pcall(L, nargs, nresults, handler);
    st->inSwift = saved;
    return status;
}

// MARK: - Raising operations, run protected

static inline int tl_tostring_k(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}
/// `tostring(value)` with metamethods, protected: pushes the string (or an error value) and
/// returns the pcall status.
static inline int tl_ptostring(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_pushcfunction(L, tl_tostring_k);
    lua_pushvalue(L, idx);
    return tl_pcall(L, 1, 1);
}

static inline int tl_openlibs_k(lua_State *L) {
    luaL_openlibs(L);
    return 0;
}
static inline int tl_popenlibs(lua_State *L) {
    lua_pushcfunction(L, tl_openlibs_k);
    return tl_pcall(L, 0, 0);
}

// MARK: - Stopping Lua code: one hook per state

// One hook serves every reason Lua code must stop: Ctrl-C (or another thread's request), a
// trial's deadline (`trial_timeout`) and a trial's CPU-time limit (`--cpu-limit`). Outside the
// sandbox nothing is installed while code runs normally (any Lua hook sends every instruction
// through the VM's slow path: twice the time of a tight loop); when a reason arises, the signal
// handler or the host's watchdog installs it as a count hook of 1, so the next instruction
// raises. A sandboxed state keeps it installed every `period` instructions instead, because a
// hook set on the main thread does not reach a coroutine already running, while a coroutine
// inherits the hook of the thread that creates it. Its state lives in a userdata anchored in the
// registry (freed by lua_close, never while code runs), reached through the main thread's extra
// space, which coroutines copy.

enum { TL_STOP_NONE = 0, TL_STOP_INTERRUPT = 1, TL_STOP_TIMEOUT = 2, TL_STOP_CPU = 3 };

/// What Lua code stopped by a trial's limit raises.
static inline const char *tl_stop_message(int reason) {
    return reason == TL_STOP_CPU ? "trial exceeded its CPU time limit" : "trial timed out";
}

typedef struct tl_watch {
    _Atomic int reason;
    _Atomic long long deadline_ns;      // CLOCK_MONOTONIC; 0 = no deadline
    _Atomic long long cpu_deadline_ns;  // on `cpu_clock` (the trial thread's); 0 = no limit
    _Atomic int cpu_clock;
    int period;                         // > 0: the hook stays installed (sandboxed states)
} tl_watch;

static inline long long tl_clock_ns(clockid_t clock) {
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0) return 0;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
static inline long long tl_monotonic_ns(void) { return tl_clock_ns(CLOCK_MONOTONIC); }

static inline tl_watch *tl_watch_of(lua_State *L) { return *(tl_watch **)lua_getextraspace(L); }

static inline void tl_watch_hook(lua_State *L, lua_Debug *ar);

static inline void tl_watch_stop_next(lua_State *L) {
    lua_sethook(L, tl_watch_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/// Whether a limit has passed; if so, records it as the reason (unless another is pending).
static inline int tl_watch_limit_passed(tl_watch *w) {
    long long deadline = atomic_load(&w->deadline_ns);
    int reason = TL_STOP_NONE;
    if (deadline > 0 && tl_monotonic_ns() >= deadline) reason = TL_STOP_TIMEOUT;
    long long cpu = atomic_load(&w->cpu_deadline_ns);
    if (reason == TL_STOP_NONE && cpu > 0 && tl_clock_ns((clockid_t)atomic_load(&w->cpu_clock)) >= cpu) reason = TL_STOP_CPU;
    if (reason == TL_STOP_NONE) return 0;
    int none = TL_STOP_NONE;
    atomic_compare_exchange_strong(&w->reason, &none, reason);
    return 1;
}

/// The hook a state needs once a reason has been handled: none (or the sandbox's periodic one),
/// unless a limit has passed.
static inline void tl_watch_rearm(lua_State *L, tl_watch *w) {
    if (w && tl_watch_limit_passed(w)) {
        tl_watch_stop_next(L);
    } else if (w && w->period > 0) {
        lua_sethook(L, tl_watch_hook, LUA_MASKCOUNT, w->period);
    } else {
        lua_sethook(L, NULL, 0, 0);
    }
}

static inline void tl_watch_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    tl_watch *w = tl_watch_of(L);
    int reason = w ? atomic_load(&w->reason) : TL_STOP_INTERRUPT;
    if (reason == TL_STOP_NONE) {
        tl_watch_rearm(L, w);
        reason = atomic_load(&w->reason);
        if (reason == TL_STOP_NONE) return;
    }
    if (reason == TL_STOP_INTERRUPT) {
        // As the standalone lua: one "interrupted!"; the flag Swift loops poll stays raised.
        if (w) atomic_store(&w->reason, TL_STOP_NONE);
        tl_watch_rearm(L, w);
        luaL_error(L, "interrupted!");
    }
    // Raised again at every instruction until the trial is disarmed: the code after a pcall that
    // caught the error raises too, so a stopped trial cannot keep running.
    tl_watch_stop_next(L);
    luaL_error(L, "%s", tl_stop_message(reason));
}

/// Creates the state's watch (once, at state setup, from the main thread).
static inline void tl_watch_install(lua_State *L) {
    tl_watch *w = (tl_watch *)lua_newuserdatauv(L, sizeof(tl_watch), 0);
    atomic_init(&w->reason, TL_STOP_NONE);
    atomic_init(&w->deadline_ns, 0);
    atomic_init(&w->cpu_deadline_ns, 0);
    atomic_init(&w->cpu_clock, 0);
    w->period = 0;
    lua_setfield(L, LUA_REGISTRYINDEX, "tunelua.watch");
    *(tl_watch **)lua_getextraspace(L) = w;
}

/// Keeps the hook installed every `period` instructions (a sandboxed state, before any coroutine
/// exists).
static inline void tl_watch_set_period(lua_State *L, int period) {
    tl_watch *w = tl_watch_of(L);
    if (!w) return;
    w->period = period;
    tl_watch_rearm(L, w);
}

/// Safe to call from a signal handler or another thread: the next Lua instruction raises
/// "interrupted!".
static inline void tl_interrupt(lua_State *L) {
    tl_watch *w = tl_watch_of(L);
    if (w) atomic_store(&w->reason, TL_STOP_INTERRUPT);
    tl_watch_stop_next(L);
}
/// Forgets a pending Ctrl-C (a deadline stays armed).
static inline void tl_clear_interrupt(lua_State *L) {
    tl_watch *w = tl_watch_of(L);
    if (w && atomic_load(&w->reason) == TL_STOP_INTERRUPT) atomic_store(&w->reason, TL_STOP_NONE);
    tl_watch_rearm(L, w);
}
/// Arms a deadline `seconds` from now; the host's watchdog calls `tl_watch_expire` then.
static inline void tl_watch_arm(lua_State *L, double seconds) {
    tl_watch *w = tl_watch_of(L);
    if (w) atomic_store(&w->deadline_ns, tl_monotonic_ns() + (long long)(seconds * 1e9));
}
/// Arms a CPU-time limit of `seconds` more on `clock` (the calling thread's CPU clock); the
/// host's watchdog polls it with `tl_watch_poll_cpu`.
static inline void tl_watch_arm_cpu(lua_State *L, clockid_t clock, double seconds) {
    tl_watch *w = tl_watch_of(L);
    if (!w) return;
    atomic_store(&w->cpu_clock, (int)clock);
    atomic_store(&w->cpu_deadline_ns, tl_clock_ns(clock) + (long long)(seconds * 1e9));
}
/// From the watchdog thread, at the deadline: Lua code still running raises "trial timed out".
static inline void tl_watch_expire(lua_State *L) {
    tl_watch *w = tl_watch_of(L);
    if (!w || atomic_load(&w->deadline_ns) == 0) return;
    int none = TL_STOP_NONE;
    atomic_compare_exchange_strong(&w->reason, &none, TL_STOP_TIMEOUT);
    tl_watch_stop_next(L);
}
/// From the watchdog thread, polling: once the CPU limit has passed, Lua code still running
/// raises; returns whether it has.
static inline int tl_watch_poll_cpu(lua_State *L) {
    tl_watch *w = tl_watch_of(L);
    if (!w || !tl_watch_limit_passed(w)) return 0;
    tl_watch_stop_next(L);
    return 1;
}
/// Removes the limits and a stop they caused, so the state runs code again.
static inline void tl_watch_disarm(lua_State *L) {
    tl_watch *w = tl_watch_of(L);
    if (!w) return;
    atomic_store(&w->deadline_ns, 0);
    atomic_store(&w->cpu_deadline_ns, 0);
    int timeout = TL_STOP_TIMEOUT, cpu = TL_STOP_CPU;
    atomic_compare_exchange_strong(&w->reason, &timeout, TL_STOP_NONE);
    atomic_compare_exchange_strong(&w->reason, &cpu, TL_STOP_NONE);
    if (atomic_load(&w->reason) == TL_STOP_NONE) tl_watch_rearm(L, w);
}
/// Called in a sandboxed state when control comes back from a coroutine: a trial stopped inside
/// it stays stopped in the thread that resumed it (each thread has its own hook, and this one's
/// may be thousands of instructions away from running).
static inline int tl_watch_check(lua_State *L) {
    tl_watch *w = tl_watch_of(L);
    int reason = w ? atomic_load(&w->reason) : TL_STOP_NONE;
    if (reason != TL_STOP_TIMEOUT && reason != TL_STOP_CPU) return 0;
    tl_watch_stop_next(L);
    return luaL_error(L, "%s", tl_stop_message(reason));
}
static inline void tl_pushwatchcheck(lua_State *L) { lua_pushcfunction(L, tl_watch_check); }
/// TL_STOP_TIMEOUT or TL_STOP_CPU once an armed limit has stopped Lua code.
static inline int tl_watch_reason(lua_State *L) {
    tl_watch *w = tl_watch_of(L);
    return w ? atomic_load(&w->reason) : TL_STOP_NONE;
}

#endif
