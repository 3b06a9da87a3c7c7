import Foundation
import BenchmarkSupport
import VitalsAdditive
import VitalsLinearAlgebra
import VitalsLogistic

// `make bench-train`: fits an L2 logistic regression on a generated 1,000,000 × 64
// problem with Vitals, then (in the same run, on the same bytes) with scikit-learn's
// lbfgs, and prints both times, their ratio and how far the coefficients are apart.

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct Options {
    var rows = 1_000_000
    var features = 64
    var seed: UInt64 = 42
    var c = 1.0
    var data = ".data"
    var python = "python3"
    var peer = "peers/sklearn_train.py"

    init(_ arguments: [String]) throws {
        var k = 0
        func value() throws -> String {
            k += 1
            guard k < arguments.count else { throw BenchmarkError("\(arguments[k - 1]) needs a value") }
            return arguments[k]
        }
        while k < arguments.count {
            switch arguments[k] {
            case "--rows": rows = Int(try value()) ?? 0
            case "--features": features = Int(try value()) ?? 0
            case "--seed": seed = UInt64(try value()) ?? 0
            case "--c": c = Double(try value()) ?? 0
            case "--data": data = try value()
            case "--python": python = try value()
            case "--peer": peer = try value()
            default: throw BenchmarkError("unknown option \(arguments[k])")
            }
            k += 1
        }
        guard rows > 0, features > 0, c > 0 else { throw BenchmarkError("--rows, --features and --c must be > 0") }
    }
}

/// Features: the first half share a common factor (correlation 0.2), an eighth are 0/1
/// indicators (like one-hot segments), the rest independent normals. A quarter of the true
/// coefficients are zero; about a quarter of the labels are positive.
func generate(rows n: Int, features p: Int, seed: UInt64) -> (x: [Double], y: [Double], truth: [Double]) {
    var rng = SplitMix64(seed: seed)
    let truth = (0..<p).map { j -> Double in j % 4 == 3 ? 0 : (rng.unit() - 0.5) * (j % 2 == 0 ? 1 : 0.6) }
    let intercept = -1.3
    let binaryFrom = p - p / 8
    var x = [Double](repeating: 0, count: n * p), y = [Double](repeating: 0, count: n)
    for i in 0..<n {
        let factor = rng.normal()
        var eta = intercept
        for j in 0..<p {
            let value: Double
            if j >= binaryFrom {
                value = rng.unit() < 0.3 ? 1 : 0
            } else if j < p / 2 {
                value = (rng.normal() + 0.5 * factor) / 1.118033988749895
            } else {
                value = rng.normal()
            }
            x[i * p + j] = value
            eta += truth[j] * value
        }
        y[i] = rng.unit() < 1 / (1 + exp(-eta)) ? 1 : 0
    }
    return (x, y, truth)
}

func write(_ values: [Double], to path: String) throws {
    let data = values.withUnsafeBufferPointer { Data(buffer: $0) }  // little-endian on every Swift Linux target
    try data.write(to: URL(fileURLWithPath: path), options: .atomic)
}

/// The doubles in a file written by `write`, or nil when it is missing or has another size.
func read(_ path: String, count: Int) -> [Double]? {
    guard let data = FileManager.default.contents(atPath: path), data.count == count * 8 else { return nil }
    return data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
}

func machine() -> String {
    "\(cpuModel()), \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(loadAverage())"
}

struct PeerFit: Decodable {
    let sklearn_version: String
    let numpy_version: String
    let tol: Double
    let seconds: Double
    let n_iter: Int
    let coef: [Double]
    let intercept: Double
}

/// max |a − b| / max(1, |b|) over coefficients and intercept.
func distance(_ coefficients: [Double], _ intercept: Double, _ peer: PeerFit) -> Double {
    zip(coefficients + [intercept], peer.coef + [peer.intercept]).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
}

func f(_ x: Double, _ places: Int) -> String { String(format: "%.\(places)f", x) }

func run() throws {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    let (n, p) = (options.rows, options.features)
    try FileManager.default.createDirectory(atPath: options.data, withIntermediateDirectories: true)
    let stem = "\(options.data)/train-\(n)x\(p)-seed\(options.seed)"
    print("bench-train: \(n) × \(p), C = \(options.c), seed \(options.seed); \(machine())")

    var start = monotonicSeconds()
    let elements: [Double], y: [Double]
    if let cachedX = read(stem + ".x.f64", count: n * p), let cachedY = read(stem + ".y.f64", count: n) {
        (elements, y) = (cachedX, cachedY)  // the file name carries every generation parameter
        print("read the cached problem \(stem).{x,y}.f64 (\(Int(y.reduce(0, +))) positives) in \(f(monotonicSeconds() - start, 1)) s")
    } else {
        (elements, y, _) = generate(rows: n, features: p, seed: options.seed)
        try write(elements, to: stem + ".x.f64")
        try write(y, to: stem + ".y.f64")
        print("generated \(Int(y.reduce(0, +))) positives in \(n) rows and wrote \(stem).{x,y}.f64 in \(f(monotonicSeconds() - start, 1)) s")
    }
    let x = Matrix(rows: n, columns: p, elements: elements)

    // Vitals: the estimator end to end (validation, column statistics, solve). No standardization,
    // so the penalty falls on the same coefficients as scikit-learn's.
    let estimator = LogisticRegression(c: options.c, standardize: false, tolerance: 1e-8)
    start = monotonicSeconds()
    let ours = try estimator.fit(x: x, y: y)
    let ourSeconds = monotonicSeconds() - start
    print("Vitals \(ours.solver.rawValue): \(f(ourSeconds, 3)) s, \(ours.iterations) iterations, gradient norm \(ours.gradientNorm), converged \(ours.converged)")

    // Where the time goes: the kernels one Newton iteration is made of, each timed once more.
    let loss = LogisticLoss(x: x, y: y, l2: 1 / (options.c * Double(n)))
    let beta = ours.coefficients + [ours.intercept]
    let stride = NewtonSolver().hessianRowStride(rows: n, parameters: p + 1)
    func milliseconds(_ body: () throws -> Void) rethrows -> String {
        let start = monotonicSeconds()
        try body()
        return f((monotonicSeconds() - start) * 1000, 1)
    }
    let statistics = try milliseconds { _ = try x.columnMeansAndStandardDeviations() }
    let evaluation = try milliseconds { _ = try loss.valueAndGradient(beta) }
    let sampled = try milliseconds { _ = try loss.hessian(beta, rowStride: stride) }
    let full = try milliseconds { _ = try loss.hessian(beta) }
    print("  kernels: column statistics \(statistics) ms; loss and gradient \(evaluation) ms; Hessian on every \(stride)th row \(sampled) ms (all rows: \(full) ms)")

    var lbfgs = estimator
    lbfgs.solver = .lbfgs
    lbfgs.maxIterations = 1_000
    start = monotonicSeconds()
    let ourLBFGS = try lbfgs.fit(x: x, y: y)
    let ourLBFGSSeconds = monotonicSeconds() - start
    print("Vitals lbfgs (for comparison): \(f(ourLBFGSSeconds, 3)) s, \(ourLBFGS.iterations) iterations, converged \(ourLBFGS.converged)")

    // The peer, on the same bytes: scikit-learn at a tolerance tight enough for 1e-4 agreement,
    // and at its default tolerance.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [options.python, options.peer, stem + ".x.f64", stem + ".y.f64", "\(n)", "\(p)", "\(options.c)", "1e-6", "1e-4"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw BenchmarkError("the scikit-learn peer failed (exit \(process.terminationStatus)); is scikit-learn installed? (pip install scikit-learn)")
    }
    let peers = try String(decoding: output, as: UTF8.self).split(separator: "\n")
        .map { try JSONDecoder().decode(PeerFit.self, from: Data($0.utf8)) }
    guard peers.count == 2 else { throw BenchmarkError("expected 2 peer fits, got \(peers.count)") }
    for peer in peers {
        print("scikit-learn \(peer.sklearn_version) lbfgs tol=\(peer.tol): \(f(peer.seconds, 3)) s, \(peer.n_iter) iterations")
    }

    let reference = peers[0]
    let gap = distance(ours.coefficients, ours.intercept, reference)
    let lbfgsGap = distance(ourLBFGS.coefficients, ourLBFGS.intercept, reference)
    print("")
    print("coefficients vs scikit-learn tol=1e-6: Vitals \(ours.solver.rawValue) max relative gap \(String(format: "%.2e", gap)), Vitals lbfgs \(String(format: "%.2e", lbfgsGap)) (target ≤ 1e-4)")
    print("scikit-learn tol=1e-4 (default) is \(String(format: "%.2e", distance(peers[1].coef, peers[1].intercept, reference))) from its own tol=1e-6 fit")
    print("RATIO Vitals / scikit-learn (tol=1e-6): \(f(ourSeconds / reference.seconds, 3))× (target ≤ 0.4×)")
    print("RATIO Vitals / scikit-learn (tol=1e-4, default): \(f(ourSeconds / peers[1].seconds, 3))×")
    guard gap <= 1e-4 else { throw BenchmarkError("coefficients differ from scikit-learn's by \(gap) > 1e-4") }

    // The additive shape (the default of `vitals train`): 8 basis columns per numeric feature,
    // a line per indicator, the same C, fitted end to end (knots, design, solve). At 200,000
    // rows or more it is the binned fit (`BinnedDesign`, with refined Newton steps).
    let additive = RiskModelEstimator(logistic: LogisticRegression(c: options.c, tolerance: 1e-8), shape: .additive,
                                      shapeSettings: ShapeSettings(columnsPerFeature: 8))
    start = monotonicSeconds()
    let shaped = try additive.fit(x: x, y: y, featureNames: (0..<p).map { "x\($0)" })
    let additiveSeconds = monotonicSeconds() - start
    let columns = shaped.shapes?.columnCount ?? 0
    print("")
    let binned = ShapeSettings().bins(rows: n) ? "binned, \(ShapeSettings().cellsPerInterval) cells per knot interval" : "dense"
    print("Vitals additive (\(columns) columns, \(binned)): \(f(additiveSeconds, 3)) s, \(shaped.solver.rawValue), \(shaped.iterations) iterations, converged \(shaped.converged)")
    print("RATIO additive / linear (Vitals \(ours.solver.rawValue)): \(f(additiveSeconds / ourSeconds, 2))× (target ≤ 3×)")
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("bench-train: error: \(error)\n".utf8))
    exit(1)
}
