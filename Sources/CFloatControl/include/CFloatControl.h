// The calling thread's handling of subnormal floats.
#ifndef TUNELUA_CFLOATCONTROL_H
#define TUNELUA_CFLOATCONTROL_H

/// Makes the calling thread treat subnormal floats as zero, in inputs and results (x86's FTZ and
/// DAZ, ARM's FZ), and returns the previous control word for `tl_restore_float_control`.
/// Training needs it: Adam's moments of weights that stop receiving gradient decay geometrically
/// into the subnormal range, where every operation on them is about a hundred times slower.
/// TensorFlow trains with the same setting.
unsigned long tl_flush_subnormals(void);

/// Restores a control word returned by `tl_flush_subnormals`.
void tl_restore_float_control(unsigned long previous);

#endif
