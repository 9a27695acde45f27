// bench-nn: sgemm peak, then one epoch of Fashion-MNIST (Flatten → Dense(512, relu) → Dense(10),
// Adam, sparse categorical crossentropy from logits; 48,000 training rows, validation on 12,000)
// at batch 32 and 256. Prints samples/s and the ratios it is judged by.
//   swift run -c release bench-nn [--threads N] [--batch 32|256] [--runs N]
// bench/nn/run.sh runs it beside Keras (keras_reference.py) and prints the side-by-side ratios.
import CBLAS
import CZlib
import Foundation
import NN

let arguments = CommandLine.arguments
BLAS.configureAtStartup(threads: arguments.firstIndex(of: "--threads").flatMap {
    $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil
})
print("OpenBLAS threads: \(BLAS.threads), kernels: \(BLAS.coreName)")

// MARK: - sgemm peak

func sgemmPeak(size n: Int, repeats: Int) -> Double {
    let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = Date()
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
        best = min(best, Date().timeIntervalSince(start))
    }
    return 2 * pow(Double(n), 3) / best / 1e9
}
let peak = sgemmPeak(size: 2048, repeats: 5)
print(String(format: "sgemm 2048x2048x2048: %.1f GFLOP/s (best of 5)", peak))

// MARK: - Data

/// Reads a gzipped IDX file into floats (images scaled by 1/255 when `scale`).
func readIDX(_ path: String, scale: Bool) -> (shape: [Int], values: [Float])? {
    guard let file = gzopen(path, "rb") else { return nil }
    defer { gzclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = gzread(file, &chunk, UInt32(chunk.count))
        if n <= 0 { break }
        bytes += chunk[0..<Int(n)]
    }
    guard bytes.count >= 4 else { return nil }
    let rank = Int(bytes[3])
    var shape: [Int] = []
    for d in 0..<rank {
        let o = 4 + 4 * d
        shape.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
    }
    let body = bytes[(4 + 4 * rank)...]
    return (shape, body.map { scale ? Float($0) / 255 : Float($0) })
}

let dir = "/usr/share/datasets/fashion-mnist"
let x: Tensor, y: Tensor
if let images = readIDX("\(dir)/train-images-idx3-ubyte.gz", scale: true),
   let labels = readIDX("\(dir)/train-labels-idx1-ubyte.gz", scale: false) {
    x = Tensor(shape: [60000, 28, 28], scalars: Array(images.values.prefix(60000 * 784)))
    y = Tensor(shape: [60000, 1], scalars: Array(labels.values.prefix(60000)))
    print("data: Fashion-MNIST from \(dir)")
} else {
    var g = RandomGenerator(seed: 1)
    x = Tensor(shape: [60000, 28, 28], scalars: (0..<60000 * 784).map { _ in g.nextUnitFloat() })
    y = Tensor(shape: [60000, 1], scalars: (0..<60000).map { _ in Float(g.next() % 10) })
    print("data: random (Fashion-MNIST not installed)")
}

// MARK: - One epoch

let flopsPerSample = 2.44e6
func epoch(batchSize: Int) throws -> (samplesPerSecond: Double, trainSeconds: Double, logs: [String: Double]) {
    let seed = RandomSeed(seed: 1)
    let model = try Sequential(layers: [Flatten(inputShape: [28, 28]), Dense(units: 512, activation: "relu"), Dense(units: 10)], seed: seed)
    model.compile(optimizer: try Adam(), loss: SparseCategoricalCrossentropy(fromLogits: true), metricNames: ["accuracy"])
    var trainEnd = Date()
    final class TrainTimer: Callback {
        var end = Date()
        func onTestBegin(model: Sequential, logs: [String: Double]) throws { end = Date() }
    }
    let t = TrainTimer()
    let start = Date()
    let history = try model.fit(x: x, y: y, batchSize: batchSize, epochs: 1, verbose: 0, callbacks: [t], validationSplit: 0.2)
    let total = Date().timeIntervalSince(start)
    trainEnd = t.end
    let logs = history.history.compactMapValues(\.last)
    return (48000 / total, trainEnd.timeIntervalSince(start), logs)
}

// `--batch N` runs one batch size only; `--runs N` timed epochs after the warm-up (default 3),
// of which the median by samples/s is reported.
func option(_ flag: String) -> Int? {
    arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil }
}
let sizes = [(32, 25_000.0), (256, 0.0)].filter { option("--batch") == nil || $0.0 == option("--batch") }
for (batch, target) in sizes {
    _ = try epoch(batchSize: batch)   // warm-up (page faults, BLAS buffers)
    var runs: [(Double, Double, [String: Double])] = []
    for _ in 0..<max(option("--runs") ?? 3, 1) { runs.append(try epoch(batchSize: batch)) }
    let median = runs.sorted { $0.0 < $1.0 }[runs.count / 2]
    let (sps, trainSeconds, logs) = median
    let trainGF = 48000 * flopsPerSample / trainSeconds / 1e9
    print(String(format: "batch %3d: %8.0f samples/s (epoch incl. validation)  train %.2fs = %.1f GFLOP/s = %.0f%% of sgemm peak  val_accuracy %.4f",
                 batch, sps, trainSeconds, trainGF, 100 * trainGF / peak, logs["val_accuracy"] ?? .nan))
    if target > 0 {
        print(String(format: "  target batch 32 >= 25,000 samples/s: ratio %.2f (%@); vs Keras 8,500: %.1fx",
                     sps / target, sps >= target ? "met" : "not met", sps / 8500))
    } else {
        let frac = trainGF / peak
        print(String(format: "  target batch 256 >= 50%% of sgemm peak: ratio %.2f (%@); vs Keras 23,000: %.1fx",
                     frac / 0.5, frac >= 0.5 ? "met" : "not met", sps / 23000))
    }
}
