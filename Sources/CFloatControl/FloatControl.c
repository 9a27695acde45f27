#include "CFloatControl.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>

enum { flushToZero = 0x8000, denormalsAreZero = 0x0040 };

unsigned long tl_flush_subnormals(void) {
    unsigned previous = _mm_getcsr();
    _mm_setcsr(previous | flushToZero | denormalsAreZero);
    return previous;
}

void tl_restore_float_control(unsigned long previous) { _mm_setcsr((unsigned)previous); }

#elif defined(__aarch64__)

enum { flushToZero = 1ul << 24 };

unsigned long tl_flush_subnormals(void) {
    unsigned long previous = __builtin_arm_rsr64("fpcr");
    __builtin_arm_wsr64("fpcr", previous | flushToZero);
    return previous;
}

void tl_restore_float_control(unsigned long previous) { __builtin_arm_wsr64("fpcr", previous); }

#else

unsigned long tl_flush_subnormals(void) { return 0; }
void tl_restore_float_control(unsigned long previous) { (void)previous; }

#endif
