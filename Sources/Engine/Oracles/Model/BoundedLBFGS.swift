/// Limited-memory BFGS inside a box, by projection: the small, dependable local optimizer that both
/// the kernel fit and the acquisition search need (scipy's L-BFGS-B in Keras Tuner's place).
///
/// Coordinates sitting on a bound whose gradient pushes outward are frozen for the step, the
/// quasi-Newton direction is built on the rest, and an Armijo backtracking search runs along the
/// projected path. Non-finite values are treated as "too far" and shrink the step.
struct BoundedLBFGS {
    var maxIterations = 50
    var memory = 6
    var gradientTolerance = 1e-6
    var relativeTolerance = 1e-9

    struct Result {
        var x: [Double]
        var value: Double
        var iterations: Int
    }

    /// Minimizes `f`, which returns the value and writes the gradient into its second argument.
    func minimize(
        from start: [Double], lower: [Double], upper: [Double],
        _ f: ([Double], inout [Double]) -> Double
    ) -> Result {
        let d = start.count
        var x = project(start, lower, upper)
        var g = [Double](repeating: 0, count: d)
        var fx = f(x, &g)
        if !fx.isFinite { return Result(x: x, value: fx, iterations: 0) }
        var ss: [[Double]] = []
        var ys: [[Double]] = []
        var rhos: [Double] = []
        var iteration = 0
        var gNew = [Double](repeating: 0, count: d)
        while iteration < maxIterations {
            iteration += 1
            // Freeze coordinates held at a bound by the gradient.
            var free = [Bool](repeating: true, count: d)
            var pgNorm = 0.0
            for i in 0..<d {
                if (x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0) {
                    free[i] = false
                } else {
                    pgNorm = max(pgNorm, abs(g[i]))
                }
            }
            if pgNorm < gradientTolerance { break }
            var q = g
            for i in 0..<d where !free[i] { q[i] = 0 }
            // Two-loop recursion.
            var alphas = [Double](repeating: 0, count: ss.count)
            for k in stride(from: ss.count - 1, through: 0, by: -1) {
                var a = 0.0
                for i in 0..<d where free[i] { a += ss[k][i] * q[i] }
                a *= rhos[k]
                alphas[k] = a
                for i in 0..<d where free[i] { q[i] -= a * ys[k][i] }
            }
            if let last = ss.indices.last {
                var sy = 0.0, yy = 0.0
                for i in 0..<d { sy += ss[last][i] * ys[last][i]; yy += ys[last][i] * ys[last][i] }
                let gamma = yy > 0 ? sy / yy : 1
                for i in 0..<d { q[i] *= gamma }
            } else {
                // First step: a unit-length move in the scale of the box.
                var norm = 0.0
                for i in 0..<d { norm += q[i] * q[i] }
                norm = norm.squareRoot()
                var width = 0.0
                for i in 0..<d { width = max(width, upper[i] - lower[i]) }
                if norm > 0 { for i in 0..<d { q[i] *= min(1, 0.1 * width / norm) } }
            }
            for k in 0..<ss.count {
                var b = 0.0
                for i in 0..<d where free[i] { b += ys[k][i] * q[i] }
                b *= rhos[k]
                for i in 0..<d where free[i] { q[i] += ss[k][i] * (alphas[k] - b) }
            }
            var direction = q.map { -$0 }
            for i in 0..<d where !free[i] { direction[i] = 0 }
            var slope = 0.0
            for i in 0..<d { slope += direction[i] * g[i] }
            if !(slope < 0) {
                // Not a descent direction: fall back to steepest descent and forget the curvature.
                ss.removeAll(); ys.removeAll(); rhos.removeAll()
                direction = g.map { -$0 }
                for i in 0..<d where !free[i] { direction[i] = 0 }
            }
            // Armijo backtracking along the projected path.
            var t = 1.0
            var accepted = false
            var xNew = x
            var fNew = fx
            for _ in 0..<30 {
                for i in 0..<d { xNew[i] = min(max(x[i] + t * direction[i], lower[i]), upper[i]) }
                var decrease = 0.0
                for i in 0..<d { decrease += g[i] * (xNew[i] - x[i]) }
                fNew = f(xNew, &gNew)
                if fNew.isFinite && fNew <= fx + 1e-4 * decrease {
                    accepted = true
                    break
                }
                t *= 0.5
            }
            if !accepted { break }
            var s = [Double](repeating: 0, count: d)
            var y = [Double](repeating: 0, count: d)
            var sy = 0.0
            for i in 0..<d {
                s[i] = xNew[i] - x[i]
                y[i] = gNew[i] - g[i]
                sy += s[i] * y[i]
            }
            let improvement = fx - fNew
            x = xNew
            g = gNew
            fx = fNew
            if sy > 1e-12 {
                ss.append(s); ys.append(y); rhos.append(1 / sy)
                if ss.count > memory { ss.removeFirst(); ys.removeFirst(); rhos.removeFirst() }
            }
            if improvement <= relativeTolerance * max(1, abs(fx)) { break }
        }
        return Result(x: x, value: fx, iterations: iteration)
    }

    private func project(_ x: [Double], _ lower: [Double], _ upper: [Double]) -> [Double] {
        var out = x
        for i in out.indices { out[i] = min(max(out[i], lower[i]), upper[i]) }
        return out
    }
}
