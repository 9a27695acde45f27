// Replaces the allocator's entry points in the test binary with ones that count, per thread, then
// forward to glibc's own (__libc_*), which glibc documents as the way to replace malloc.
#include <errno.h>
#include <stddef.h>
#include "CAllocationCounter.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

// Per thread, so tests running in parallel on other threads don't add to the count.
static _Thread_local int counting;
static _Thread_local long allocations;

void tl_allocation_count_begin(void) { allocations = 0; counting = 1; }
long tl_allocation_count_end(void) { counting = 0; return allocations; }

void *malloc(size_t size) { if (counting) allocations++; return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { if (counting) allocations++; return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { if (counting) allocations++; return __libc_realloc(pointer, size); }
void free(void *pointer) { __libc_free(pointer); }
void *memalign(size_t alignment, size_t size) { if (counting) allocations++; return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { if (counting) allocations++; return __libc_memalign(alignment, size); }
int posix_memalign(void **result, size_t alignment, size_t size) {
    if (counting) allocations++;
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}
