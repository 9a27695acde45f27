/// Element counts of shapes read from files, checked so that a corrupt or hostile header is an
/// error rather than an overflow trap or an absurd allocation.
public enum ShapeArithmetic {
    /// The most scalars a tensor built from a small input (such as `to_categorical`) may have: 8 GiB of float32.
    public static let maximumScalars = 1 << 31

    /// The product of `dimensions` (element or byte counts), or `nil` on overflow or past 64 GiB.
    /// Readers also check that the file holds that many bytes before allocating.
    public static func count(_ dimensions: [Int]) -> Int? {
        var product = 1
        for dimension in dimensions {
            guard dimension >= 0 else { return nil }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow, next <= 1 << 36 else { return nil }
            product = next
        }
        return product
    }
}
