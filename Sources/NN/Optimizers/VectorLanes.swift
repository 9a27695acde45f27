/// Eight-lane loads and stores for the optimizers' update loops. Swift does not vectorize loops
/// with division and square root through pointers that may alias, so the hot rules are written
/// over `SIMD8<Float>` explicitly (about twice as fast), with a scalar loop for the tail.
typealias Lanes = SIMD8<Float>

extension UnsafeMutablePointer<Float> {
    @inline(__always) func lanes(_ i: Int) -> Lanes {
        UnsafeRawPointer(self + i).loadUnaligned(as: Lanes.self)
    }

    @inline(__always) func store(_ value: Lanes, _ i: Int) {
        UnsafeMutableRawPointer(self + i).storeBytes(of: value, as: Lanes.self)
    }
}

extension UnsafePointer<Float> {
    @inline(__always) func lanes(_ i: Int) -> Lanes {
        UnsafeRawPointer(self + i).loadUnaligned(as: Lanes.self)
    }
}

/// The largest multiple of the lane count not above `n`: the vector loop's end.
@inline(__always) func laneEnd(_ n: Int) -> Int { n & ~(Lanes.scalarCount - 1) }
