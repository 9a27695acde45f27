/// Element-wise arithmetic between a tensor and a number, both orders (`x / 255`, `1 - x`), for
/// preparing data. Each returns a new tensor of the same shape.
extension Tensor {
    @inline(__always)
    private func mapScalars(_ transform: (Float) -> Float) -> Tensor {
        var result = self
        result.scalars.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] = transform(values[i]) }
        }
        return result
    }

    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapScalars { $0 + rhs } }
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs.mapScalars { lhs + $0 } }
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapScalars { $0 - rhs } }
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { rhs.mapScalars { lhs - $0 } }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapScalars { $0 * rhs } }
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.mapScalars { lhs * $0 } }
    /// Division by zero follows IEEE (±inf or NaN), as NumPy does.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapScalars { $0 / rhs } }
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { rhs.mapScalars { lhs / $0 } }
    public static prefix func - (operand: Tensor) -> Tensor { operand.mapScalars { -$0 } }
}
