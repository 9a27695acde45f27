/// The sliding-window arithmetic shared by Conv2D and the pooling layers, as TensorFlow/Keras
/// computes it: "valid" keeps whole windows only; "same" gives ceil(size / stride) outputs and
/// pads the larger half at the bottom/right.
struct WindowGeometry: Equatable {
    var height = 0, width = 0, channels = 0
    var kernelHeight = 1, kernelWidth = 1
    var strideY = 1, strideX = 1
    var dilationY = 1, dilationX = 1
    var outHeight = 0, outWidth = 0
    var padTop = 0, padLeft = 0

    init() {}

    init(input: [Int], kernel: (Int, Int), strides: (Int, Int), dilation: (Int, Int), padding: Padding,
         layer: String) throws {
        guard input.count == 3 else {
            throw NNError.shape("\(layer) expects input of rank 4 (batch, height, width, channels), got \(formatShape(input))")
        }
        (height, width, channels) = (input[0], input[1], input[2])
        (kernelHeight, kernelWidth) = kernel
        (strideY, strideX) = strides
        (dilationY, dilationX) = dilation
        // Every size here comes from the user (`strides = math.maxinteger`): checked arithmetic,
        // so an absurd one is an error rather than an overflow trap.
        func checked(_ value: (partialValue: Int, overflow: Bool)) throws -> Int {
            guard !value.overflow else {
                throw NNError.argument("\(layer): kernel \(kernel), strides \(strides) and dilation \(dilation) are too large for input \(formatShape(input))")
            }
            return value.partialValue
        }
        guard height > 0, width > 0, channels > 0 else {
            throw NNError.shape("\(layer) expects a non-empty input, got \(formatShape(input))")
        }
        let effY = try checked((kernelHeight - 1).multipliedReportingOverflow(by: dilationY)) + 1
        let effX = try checked((kernelWidth - 1).multipliedReportingOverflow(by: dilationX)) + 1
        switch padding {
        case .valid:
            guard height >= effY, width >= effX else {
                throw NNError.shape("\(layer) window \(effY)x\(effX) is larger than its input \(formatShape(input)) with padding \"valid\"")
            }
            outHeight = (height - effY) / strideY + 1
            outWidth = (width - effX) / strideX + 1
        case .same:
            outHeight = (height - 1) / strideY + 1
            outWidth = (width - 1) / strideX + 1
            let spanY = try checked(try checked((outHeight - 1).multipliedReportingOverflow(by: strideY)).addingReportingOverflow(effY))
            let spanX = try checked(try checked((outWidth - 1).multipliedReportingOverflow(by: strideX)).addingReportingOverflow(effX))
            padTop = max(spanY - height, 0) / 2
            padLeft = max(spanX - width, 0) / 2
        }
    }

    /// The input row (y) of tap `ky` for output row `oy`; may fall in the padding.
    @inline(__always) func inputY(_ oy: Int, _ ky: Int) -> Int { oy * strideY - padTop + ky * dilationY }
    @inline(__always) func inputX(_ ox: Int, _ kx: Int) -> Int { ox * strideX - padLeft + kx * dilationX }
}

/// Reads a 2-D integer argument given as one number or a pair (`kernel_size = 3` or `{3, 3}`).
func pair(_ values: [Int], _ argument: String, _ layer: String) throws -> (Int, Int) {
    guard (values.count == 1 || values.count == 2), values.allSatisfy({ $0 > 0 }) else {
        throw NNError.argument("\(layer): \(argument) must be a positive integer or a pair of them, got \(values)")
    }
    return (values[0], values.count == 2 ? values[1] : values[0])
}
