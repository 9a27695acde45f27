// Median simple regret at 60 trials over 20 seeds on four standard test functions, for random
// search, tunelua's GP Bayesian optimization and its TPE, with wall time per search and per
// proposal; prints the ratios issue 6 judges against Keras Tuner's BO and Optuna's TPE.
//
//   swift run -c release bench-oracles [--seeds 20] [--first-seed 1] [--trials 60] [--only bo|tpe|random] [--function name]
//   BENCH_ACQ=ei|lcb  BENCH_WARP=auto|none  BENCH_TPE_MV=0  change the variants for experiments.
import Engine
import Foundation

struct TestFunction {
    let name: String
    let lower: [Double]
    let upper: [Double]
    let minimum: Double
    let f: ([Double]) -> Double
    var dimensions: Int { lower.count }
}

let branin = TestFunction(name: "Branin", lower: [-5, 0], upper: [10, 15], minimum: 0.397887357729738) { x in
    let a = 1.0, b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, r = 6.0, s = 10.0, t = 1 / (8 * Double.pi)
    let u = x[1] - b * x[0] * x[0] + c * x[0] - r
    return a * u * u + s * (1 - t) * cos(x[0]) + s
}

let hartmann6 = TestFunction(name: "Hartmann6", lower: [Double](repeating: 0, count: 6), upper: [Double](repeating: 1, count: 6),
                             minimum: -3.32236801141551) { x in
    let alpha = [1.0, 1.2, 3.0, 3.2]
    let a: [[Double]] = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
    let p: [[Double]] = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
    var total = 0.0
    for i in 0..<4 {
        var inner = 0.0
        for j in 0..<6 { let dx = x[j] - p[i][j] * 1e-4; inner += a[i][j] * dx * dx }
        total += alpha[i] * exp(-inner)
    }
    return -total
}

let rosenbrock4 = TestFunction(name: "Rosenbrock4", lower: [Double](repeating: -5, count: 4), upper: [Double](repeating: 10, count: 4),
                               minimum: 0) { x in
    var s = 0.0
    for i in 0..<3 { let u = x[i + 1] - x[i] * x[i]; s += 100 * u * u + (1 - x[i]) * (1 - x[i]) }
    return s
}

let ackley5 = TestFunction(name: "Ackley5", lower: [Double](repeating: -32.768, count: 5), upper: [Double](repeating: 32.768, count: 5),
                           minimum: 0) { x in
    let d = Double(x.count)
    var s1 = 0.0, s2 = 0.0
    for v in x { s1 += v * v; s2 += cos(2 * Double.pi * v) }
    return -20 * exp(-0.2 * (s1 / d).squareRoot()) - exp(s2 / d) + 20 + exp(1)
}

/// (Keras Tuner BO, Optuna TPE, random) median regrets measured on this machine (issue 6).
let references: [String: (kt: Double, optuna: Double, random: Double)] = [
    "Branin": (0.0061, 0.067, 0.79), "Hartmann6": (0.176, 0.245, 1.36),
    "Rosenbrock4": (1071, 134, 2296), "Ackley5": (4.87, 9.22, 16.7),
]

enum Method: String, CaseIterable { case random, bo, tpe }

struct Outcome { var regret: Double; var seconds: Double; var proposals: Int; var proposalSeconds: Double }

func run(_ method: Method, _ fn: TestFunction, seed: UInt64, trials: Int) -> Outcome {
    let dims = [EncodedDimension](repeating: .continuous, count: fn.dimensions)
    var generator = SeededGenerator(seed: seed)
    var bo = GaussianProcessProposer()
    let env = ProcessInfo.processInfo.environment
    if let a = env["BENCH_ACQ"], let acq = Acquisition(rawValue: a) { bo.configuration.acquisition = acq }
    if let w = env["BENCH_WARP"], let warp = GaussianProcessProposer.OutputWarping(rawValue: w) { bo.configuration.warping = warp }
    if let b = env["BENCH_BETA"], let beta = Double(b) { bo.configuration.beta = beta }
    if let v = env["BENCH_SHIFT"], let x = Double(v) { bo.configuration.warpShift = x }
    if let v = env["BENCH_RESTARTS"], let x = Int(v) { bo.configuration.fitRestarts = x }
    var tpe = TreeParzenProposer()
    if env["BENCH_TPE_MV"] == "0" { tpe.configuration.multivariate = false }
    if let v = env["BENCH_TPE_CANDIDATES"], let n = Int(v) { tpe.configuration.eiCandidates = n }
    let initial = max(3 * fn.dimensions, 3)
    let design = StartupDesign(dimensions: fn.dimensions, seed: seed)
    let useDesign = env["BENCH_DESIGN"] != "0"
    var xs: [[Double]] = []
    var ys: [Double] = []
    var tried = Set<[Double]>()
    var best = Double.infinity
    var proposalTime = 0.0
    var proposals = 0
    let start = Date()
    for _ in 0..<trials {
        let t0 = Date()
        let x: [Double]?
        switch method {
        case .random: x = dims.map { _ in generator.uniform() }
        case .bo:
            x = xs.count < initial ? (useDesign ? design.point(xs.count) : bo.randomUntried(dimensions: dims, tried: tried, generator: &generator))
                : bo.propose(dimensions: dims, observed: xs, scores: ys, tried: tried, generator: &generator)
        case .tpe:
            x = useDesign && xs.count < tpe.configuration.startupTrials ? design.point(xs.count) : tpe.propose(dimensions: dims, observed: xs.map { $0.map(Optional.some) }, scores: ys, tried: tried, generator: &generator)
        }
        proposalTime += Date().timeIntervalSince(t0)
        proposals += 1
        guard let point = x else { break }
        let value = fn.f((0..<fn.dimensions).map { fn.lower[$0] + point[$0] * (fn.upper[$0] - fn.lower[$0]) })
        xs.append(point)
        ys.append(value)
        tried.insert(point)
        best = min(best, value)
    }
    return Outcome(regret: best - fn.minimum, seconds: Date().timeIntervalSince(start), proposals: proposals,
                   proposalSeconds: proposalTime / Double(max(proposals, 1)))
}

func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}

var seeds = 20
var firstSeed = 1
var trials = 60
var only: Set<Method> = Set(Method.allCases)
var functionFilter: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let a = arguments.next() {
    switch a {
    case "--seeds": seeds = Int(arguments.next() ?? "") ?? seeds
    case "--first-seed": firstSeed = Int(arguments.next() ?? "") ?? firstSeed
    case "--trials": trials = Int(arguments.next() ?? "") ?? trials
    case "--only": only = Set((arguments.next() ?? "").split(separator: ",").compactMap { Method(rawValue: String($0)) })
    case "--function": functionFilter = arguments.next()
    default: print("unknown argument \(a)"); exit(2)
    }
}

let functions = [branin, hartmann6, rosenbrock4, ackley5].filter { functionFilter == nil || $0.name == functionFilter }
print("median simple regret at \(trials) trials over \(seeds) seeds (seeds \(firstSeed)…\(firstSeed + seeds - 1))")
print("function      method   regret        KT BO     Optuna    ratio(vs better ref)  search s  proposal ms")
var ratios: [Method: [Double]] = [:]
for fn in functions {
    let ref = references[fn.name]!
    for method in Method.allCases where only.contains(method) {
        var outcomes: [Outcome] = []
        for seed in firstSeed..<(firstSeed + seeds) { outcomes.append(run(method, fn, seed: UInt64(seed), trials: trials)) }
        let regret = median(outcomes.map(\.regret))
        let reference: Double
        switch method {
        case .bo: reference = min(ref.kt, ref.optuna)
        case .tpe: reference = ref.optuna
        case .random: reference = ref.random
        }
        let ratio = regret / reference
        ratios[method, default: []].append(ratio)
        print(fn.name.padding(toLength: 14, withPad: " ", startingAt: 0) + method.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
              + String(format: "%-13.4g %-9.4g %-9.4g %-21.3f %-9.3f %.2f", regret, ref.kt, ref.optuna, ratio,
                     median(outcomes.map(\.seconds)), 1000 * median(outcomes.map(\.proposalSeconds))))
    }
}
if functions.count == 4 {
    for method in Method.allCases where only.contains(method) {
        let r = ratios[method]!
        let geo = exp(r.map(log).reduce(0, +) / Double(r.count))
        let target = method == .random ? "(vs random reference)" : "target ≤ 1.0, worst ≤ 1.5"
        print(String(format: "%@: geometric mean ratio %.3f, worst %.3f  %@", method.rawValue as NSString, geo,
                     r.max()!, target as NSString))
    }
}
