/// A float32 tensor: a shape and its scalars in one contiguous, row-major (C order) buffer.
/// Images are channels-last (`N, H, W, C`); the first dimension is the batch.
///
/// A value type with copy-on-write storage: training code keeps tensors it owns uniquely
/// referenced, so writing through `scalars` in place never allocates in the steady state.
public struct Tensor: Sendable, Equatable {
    public private(set) var shape: [Int]
    public var scalars: [Float]

    /// - Precondition: the product of `shape` equals `scalars.count`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }
    /// The first dimension (0 for a scalar).
    public var rows: Int { shape.first ?? 0 }
    /// Scalars per row: the product of every dimension after the first.
    public var rowSize: Int { shape.dropFirst().reduce(1, *) }

    /// The same scalars under another shape; one dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor? {
        var dims = newShape
        let unknown = dims.indices.filter { dims[$0] == -1 }
        if unknown.count > 1 || dims.contains(where: { $0 < -1 }) { return nil }
        // Checked: a shape whose product overflows is simply not this tensor's shape.
        guard let known = ShapeArithmetic.count(dims.filter { $0 != -1 }) else { return nil }
        if let i = unknown.first {
            guard known > 0, count % known == 0 else { return nil }
            dims[i] = count / known
        }
        guard ShapeArithmetic.count(dims) == count else { return nil }
        return Tensor(shape: dims, scalars: scalars)
    }

    /// Resizes to `newShape`, keeping the buffer when the scalar count is unchanged
    /// (contents are then unspecified). Used for reusable output buffers.
    public mutating func resize(to newShape: [Int]) {
        if newShape == shape { return }
        let n = newShape.reduce(1, *)
        if n != scalars.count { scalars = [Float](repeating: 0, count: n) }
        shape = newShape
    }

    /// Rows `start..<end` (0-based) as a new tensor.
    public func rows(_ range: Range<Int>) -> Tensor {
        let size = rowSize
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape, scalars: Array(scalars[range.lowerBound * size ..< range.upperBound * size]))
    }

    /// Gives the same scalars another shape of equal size, in place (no copy).
    public mutating func reshape(to newShape: [Int]) {
        precondition(newShape.reduce(1, *) == scalars.count, "reshape to \(newShape) changes the size")
        shape = newShape
    }
}
