// Test support: counts the heap allocations the calling thread makes between begin and end.
// It replaces malloc and its relatives in the test binary (each forwards to glibc's own), so it
// is linked into tests only; it has no stable API.
#ifndef TUNELUA_ALLOCATION_COUNTER_H
#define TUNELUA_ALLOCATION_COUNTER_H

/// Starts counting this thread's allocations (malloc, calloc, realloc, the aligned forms).
void tl_allocation_count_begin(void);
/// Stops counting and returns how many allocations this thread made since the begin.
long tl_allocation_count_end(void);

#endif
