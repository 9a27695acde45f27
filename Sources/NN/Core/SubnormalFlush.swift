import CFloatControl

/// Runs `body` with subnormal floats flushed to zero on this thread, as TensorFlow trains. Without
/// it, Adam's moments for weights that stop receiving gradient (an image's always-black border
/// pixels) decay into the subnormal range, where each operation costs about a hundred times more:
/// that once made the optimizer step most of an epoch's time.
@inline(__always)
func withSubnormalsFlushed<Result>(_ body: () throws -> Result) rethrows -> Result {
    let previous = tl_flush_subnormals()
    defer { tl_restore_float_control(previous) }
    return try body()
}
