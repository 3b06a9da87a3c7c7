import BenchmarkSupport
import Foundation
import VitalsFoundation
import VitalsSignals

// The daily run at scale: Vitals against pandas + scikit-learn, DuckDB and polars on the
// same generated books, in one invocation on one machine. See Benchmarks/README.md.
//
//   DailyBenchmark --vitals PATH --python PATH --config FILE [--accounts 10000,30000,100000]
//                  [--runs 3] [--seed 42] [--data .data] [--peers pandas,duckdb,polars] [--peer-dir peers]

let usageText = """
    usage: DailyBenchmark --vitals PATH --python PATH --config FILE [--accounts N,N,…] [--runs N] [--seed N]
                          [--data DIR] [--peers pandas,duckdb,polars] [--peer-dir DIR]
    """

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

func option(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name) else { return nil }
    guard i + 1 < args.count else { fail("\(name) needs a value\n\(usageText)", status: 2) }
    return args[i + 1]
}

let known: Set = ["--accounts", "--runs", "--seed", "--data", "--vitals", "--python", "--config", "--peers", "--peer-dir"]
for arg in CommandLine.arguments.dropFirst() where arg.hasPrefix("--") && !known.contains(arg) {
    fail("unknown option \(arg)\n\(usageText)", status: 2)
}
let accountList = (option("--accounts") ?? "10000,30000,100000").split(separator: ",").map { Int($0) }
guard !accountList.isEmpty, accountList.allSatisfy({ ($0 ?? 0) > 0 }) else {
    fail("--accounts needs whole numbers > 0, comma-separated", status: 2)
}
let sizes = accountList.map { $0! }.sorted()
let runs = Int(option("--runs") ?? "3") ?? 0
let seed = UInt64(option("--seed") ?? "42") ?? 0
let dataRoot = option("--data") ?? ".data"
let peerDirectory = option("--peer-dir") ?? "peers"
let peers = (option("--peers") ?? "pandas,duckdb,polars").split(separator: ",").map(String.init).filter { !$0.isEmpty }
guard runs >= 1 else { fail("--runs needs a whole number ≥ 1", status: 2) }
guard let vitalsOption = option("--vitals"), let pythonOption = option("--python"), let configOption = option("--config") else {
    fail("--vitals, --python and --config are required\n\(usageText)", status: 2)
}
let vitals = vitalsOption, python = pythonOption, config = configOption
for peer in peers where !["pandas", "duckdb", "polars"].contains(peer) { fail("unknown peer \(peer)", status: 2) }

do {
    try DailyBenchmark().run()
} catch {
    fail("DailyBenchmark: \(error)", status: 1)
}

/// Every figure one pipeline produced on one book over `runs` runs.
struct PipelineFigures {
    let name: String
    var walls: [Double] = []
    var peaks: [Double] = []
    var stages: [[String: Double]] = []
    /// Largest |p_peer − p_vitals| over the scored accounts, and how many were compared.
    var maxDifference: Double?
    var compared = 0

    var wall: Double { median(walls) }
    var peak: Double { peaks.max() ?? 0 }
    func stage(_ name: String) -> Double { median(stages.map { $0[name] ?? 0 }) }

    /// The four stages every pipeline shares, whatever it calls its parts.
    var read: Double { name == "vitals" ? stage("read") : stage("read_usage") + stage("read_other") }
    var features: Double { name == "vitals" ? stage("index") + stage("features") : stage("features") }
    var score: Double { name == "vitals" ? stage("score") + stage("score_rows") : stage("score") }
    var write: Double { stage("write") }

    var json: [String: Any] {
        var out: [String: Any] = ["wall_seconds": walls, "median_wall_seconds": wall, "peak_rss_mb": peak,
                                  "stages": stages, "read": read, "features": features, "score": score, "write": write]
        if let maxDifference { out["max_probability_difference"] = maxDifference; out["compared_rows"] = compared }
        return out
    }
}

final class DailyBenchmark {
    let fm = FileManager.default
    var results: [String: Any] = [:]
    let scratch: String

    init() {
        scratch = dataRoot + "/daily-scratch"
    }

    func run() throws {
        try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let started = isoNow()
        print("Daily-run benchmark, \(started)")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpuModel()), load average \(loadAverage())")
        print("vitals: \(vitals); python: \(python); peers: \(peers.joined(separator: ", ")); \(runs) run(s) each\n")
        results["machine"] = ["cores": ProcessInfo.processInfo.activeProcessorCount, "cpu": cpuModel(), "load_average_start": loadAverage()]
        results["started"] = started
        results["runs"] = runs
        results["seed"] = seed

        var books: [Int: String] = [:]
        var bookFacts: [String: Any] = [:]
        for n in sizes {
            let (directory, facts) = try ensureBook(accounts: n)
            books[n] = directory
            bookFacts["\(n)"] = facts
        }
        results["books"] = bookFacts
        let largest = sizes.last!

        // Training on the largest book, once: snapshot building and the fit.
        let model = dataRoot + "/book-\(largest)-seed\(seed)/churn-bench.json"
        print("== training the churn model on the \(grouped(largest))-account book ==")
        let train = try runChecked([vitals, "train", books[largest]!, "--config", config, "--out", model, "--force", "--timings"],
                                   scratch: scratch)
        let trainStages = train.vitalsStages
        let trainRows = Self.firstNumber(after: " on ", in: train.stdout + train.stderr) ?? 0
        print("  \(fixed(train.seconds, 1)) s whole process, peak \(Int(train.peakMegabytes)) MB, \(grouped(trainRows)) training snapshots")
        print("  stages: " + trainStages.sorted { $0.key < $1.key }.map { "\($0.key) \(fixed($0.value, 2)) s" }.joined(separator: ", "))
        results["training"] = ["accounts": largest, "wall_seconds": train.seconds, "peak_rss_mb": train.peakMegabytes,
                               "stages": trainStages, "training_rows": trainRows]

        // The peers compute the same features as Vitals: checked cell by cell on the smallest book.
        try checkFeatures(book: books[sizes[0]]!, model: model)

        // The daily run on every book.
        var daily: [Int: [String: PipelineFigures]] = [:]
        for n in sizes {
            print("\n== daily run, \(grouped(n)) accounts (as of \(BookGenerator.lastDay)) ==")
            var figures: [String: PipelineFigures] = [:]
            let vitalsScores = try dailyVitals(book: books[n]!, model: model, into: &figures)
            for peer in peers { try dailyPeer(peer, book: books[n]!, model: model, vitalsScores: vitalsScores, into: &figures) }
            daily[n] = figures
            printDailyTable(figures, accounts: n)
        }

        // Ingest of usage.csv alone, in this process: the reader only. Last, after every child
        // process: a child's peak RSS (from wait4) starts at this process's RSS when it is spawned.
        let usageBook = books[largest]!
        let ingestSeconds = try ingestVitals(book: usageBook)
        let usageBytes = try fileSize(usageBook + "/usage.csv")

        // Ingest table.
        print("\n== ingest of usage.csv, \(grouped(largest))-account book (\(megabytes(usageBytes)) MB), median of \(runs) ==")
        let vitalsRate = Double(usageBytes) / 1e6 / median(ingestSeconds)
        print("| reader | seconds | MB/s | Vitals ÷ reader (throughput) |")
        print("|---|---:|---:|---:|")
        print("| Vitals `SignalsReader` (accounts.csv + usage.csv, typed, validated) | \(fixed(median(ingestSeconds), 3)) | \(fixed(vitalsRate, 1)) | 1.00 |")
        var ingestJSON: [String: Any] = ["usage_bytes": usageBytes, "vitals_seconds": ingestSeconds, "vitals_mb_per_s": vitalsRate]
        for peer in peers {
            guard let f = daily[largest]?[peer] else { continue }
            let seconds = f.stage("read_usage"), rate = Double(usageBytes) / 1e6 / seconds
            print("| \(peerLabel(peer)) read of usage.csv | \(fixed(seconds, 3)) | \(fixed(rate, 1)) | \(fixed(vitalsRate / rate, 2)) |")
            ingestJSON["\(peer)_seconds"] = f.stages.map { $0["read_usage"] ?? 0 }
            ingestJSON["\(peer)_mb_per_s"] = rate
        }
        results["ingest"] = ingestJSON

        // Scaling.
        print("\n== scaling: whole-process time per account ==")
        print("| accounts | " + (["vitals"] + peers).map { "\(peerLabel($0)) s | µs/account" }.joined(separator: " | ") + " |")
        print("|---:|" + String(repeating: "---:|---:|", count: 1 + peers.count))
        for n in sizes {
            let cells = (["vitals"] + peers).map { name -> String in
                guard let f = daily[n]?[name] else { return "– | –" }
                return "\(fixed(f.wall, 2)) | \(fixed(f.wall / Double(n) * 1e6, 1))"
            }
            print("| \(grouped(n)) | " + cells.joined(separator: " | ") + " |")
        }
        var dailyJSON: [String: Any] = [:]
        for (n, figures) in daily { dailyJSON["\(n)"] = figures.mapValues(\.json) }
        results["daily"] = dailyJSON

        // Targets.
        print("\n== targets (issue 8) ==")
        var targets: [[String: Any]] = []
        func target(_ name: String, _ value: Double, _ limit: Double, atMost: Bool, _ unit: String) {
            let met = atMost ? value <= limit : value >= limit
            print("- \(name): \(fixed(value, 3))\(unit) (\(atMost ? "≤" : "≥") \(fixed(limit, 2))\(unit)) \(met ? "MET" : "NOT MET")")
            targets.append(["target": name, "value": value, "limit": limit, "met": met])
        }
        if let duck = daily[largest]?["duckdb"] {
            target("ingest throughput, Vitals ÷ DuckDB read_csv", vitalsRate / (Double(usageBytes) / 1e6 / duck.stage("read_usage")), 1.5, atMost: false, "×")
        }
        if let v = daily[largest]?["vitals"] {
            if let p = daily[largest]?["pandas"] {
                target("daily run, Vitals ÷ pandas+scikit-learn", v.wall / p.wall, 0.2, atMost: true, "×")
                target("peak memory, Vitals ÷ pandas+scikit-learn", v.peak / p.peak, 0.5, atMost: true, "×")
            }
            if let d = daily[largest]?["duckdb"] { target("daily run, Vitals ÷ DuckDB", v.wall / d.wall, 0.5, atMost: true, "×") }
            if let smallest = sizes.first, smallest != largest, let s = daily[smallest]?["vitals"] {
                let ratio = (v.wall / Double(largest)) / (s.wall / Double(smallest))
                target("time per account, \(grouped(largest)) ÷ \(grouped(smallest))", ratio, 1.2, atMost: true, "×")
            }
        }
        target("training on the \(grouped(largest))-account book, snapshots included (whole process)", train.seconds, 60, atMost: true, " s")
        results["targets"] = targets
        results["finished"] = isoNow()

        let path = dataRoot + "/daily-results.json"
        let data = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
        print("\nwrote \(path)")
    }

    // MARK: the books

    /// Generates the book for `n` accounts unless a complete one is cached.
    func ensureBook(accounts n: Int) throws -> (String, [String: Any]) {
        let root = dataRoot + "/book-\(n)-seed\(seed)"
        let signals = root + "/signals", marker = root + "/book.json"
        if let data = fm.contents(atPath: marker), let facts = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           facts["generator"] as? Int == BookGenerator.version {
            print("book: \(grouped(n)) accounts, cached in \(signals)")
            return (signals, facts)
        }
        try? fm.removeItem(atPath: root)
        try fm.createDirectory(atPath: signals, withIntermediateDirectories: true)
        print("book: generating \(grouped(n)) accounts in \(signals) …")
        let start = monotonicSeconds()
        let size = try BookGenerator.write(directory: signals, accounts: n, seed: seed)
        print("  \(fixed(monotonicSeconds() - start, 1)) s: \(size)")
        var facts: [String: Any] = ["accounts": n, "seed": seed, "generator": BookGenerator.version]
        for f in size.files { facts[f.name] = ["bytes": f.bytes, "rows": f.rows] }
        let data = try JSONSerialization.data(withJSONObject: facts, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: marker))  // written last: its presence marks a complete book
        return (signals, facts)
    }

    // MARK: the pipelines

    func ingestVitals(book: String) throws -> [Double] {
        let only = scratch + "/usage-only"
        try? fm.removeItem(atPath: only)
        try fm.createDirectory(atPath: only, withIntermediateDirectories: true)
        for file in ["accounts.csv", "usage.csv"] {
            try fm.createSymbolicLink(atPath: only + "/" + file, withDestinationPath: fm.currentDirectoryPath + "/" + book + "/" + file)
        }
        var seconds: [Double] = []
        for _ in 0..<runs {
            let start = monotonicSeconds()
            let result = try SignalsReader().read(directory: only)
            seconds.append(monotonicSeconds() - start)
            precondition((result.dataset.usage?.count ?? 0) > 0, "the typed read kept no usage rows")
        }
        return seconds
    }

    /// Runs `vitals score` `runs` times; returns the scores of the last run.
    func dailyVitals(book: String, model: String, into figures: inout [String: PipelineFigures]) throws -> [String: Double] {
        var f = PipelineFigures(name: "vitals")
        let out = scratch + "/vitals-scores"
        for _ in 0..<runs {
            try? fm.removeItem(atPath: out)
            let run = try runChecked([vitals, "score", book, "--model", model, "--as-of", "\(BookGenerator.lastDay)", "--out", out,
                                      "--no-history", "--timings", "--quiet"], scratch: scratch)
            f.walls.append(run.seconds)
            f.peaks.append(run.peakMegabytes)
            f.stages.append(run.vitalsStages)
        }
        figures["vitals"] = f
        return try readScores(out + "/churn-scores-\(BookGenerator.lastDay).csv", column: "churn_probability")
    }

    func dailyPeer(_ peer: String, book: String, model: String, vitalsScores: [String: Double],
                   into figures: inout [String: PipelineFigures]) throws {
        var f = PipelineFigures(name: peer)
        let out = scratch + "/\(peer)-scores.csv"
        for _ in 0..<runs {
            try? fm.removeItem(atPath: out)
            let run = try runChecked([python, "\(peerDirectory)/daily_\(peer).py", "--signals", book, "--model", model,
                                      "--as-of", "\(BookGenerator.lastDay)", "--out", out], scratch: scratch)
            guard let line = run.stdout.split(separator: "\n").last,
                  let report = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let stages = report["stages"] as? [String: Double]
            else { throw BenchmarkError("\(peer): no JSON report on stdout:\n\(run.stdout.suffix(2000))") }
            f.walls.append(run.seconds)
            f.peaks.append(run.peakMegabytes)
            f.stages.append(stages)
            results["versions_\(peer)"] = report["versions"]
        }
        let scores = try readScores(out, column: "churn_probability")
        guard Set(scores.keys) == Set(vitalsScores.keys) else {
            throw BenchmarkError("\(peer) scored \(scores.count) accounts, Vitals \(vitalsScores.count): not the same set")
        }
        f.maxDifference = scores.map { abs($0.value - vitalsScores[$0.key]!) }.max() ?? 0
        f.compared = scores.count
        figures[peer] = f
    }

    /// Runs `vitals features --as-of` and each peer with `--features-out`, and compares the tables.
    func checkFeatures(book: String, model: String) throws {
        guard !peers.isEmpty else { return }
        print("\n== the peers' features against `vitals features` (\(book)) ==")
        let reference = scratch + "/vitals-features.csv"
        _ = try runChecked([vitals, "features", book, "--as-of", "\(BookGenerator.lastDay)", "--out", reference, "--force", "--quiet"],
                           scratch: scratch)
        var checks: [String: Any] = [:]
        for peer in peers {
            let table = scratch + "/\(peer)-features.csv"
            _ = try runChecked([python, "\(peerDirectory)/daily_\(peer).py", "--signals", book, "--model", model,
                                "--as-of", "\(BookGenerator.lastDay)", "--out", scratch + "/\(peer)-check.csv", "--features-out", table],
                               scratch: scratch)
            let run = try runChild([python, "\(peerDirectory)/compare_features.py", reference, table], scratch: scratch)
            let line = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
            print("  \(peerLabel(peer)): \(line)")
            guard run.status == 0 else { throw BenchmarkError("\(peer) computes different features from Vitals:\n\(line)\n\(run.stderr)") }
            checks[peer] = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) ?? line
        }
        results["feature_checks"] = checks
    }

    /// id → probability from a score CSV (the first column is the id).
    func readScores(_ path: String, column: String) throws -> [String: Double] {
        let scanner = try CSVScanner(path: path)
        guard try scanner.next(), let k = scanner.fields.firstIndex(of: column) else {
            throw BenchmarkError("\(path): no \(column) column")
        }
        var scores: [String: Double] = [:]
        while try scanner.next() {
            guard let p = Double(scanner.string(k)) else { throw BenchmarkError("\(path): line \(scanner.recordLine): bad probability") }
            scores[scanner.string(0)] = p
        }
        return scores
    }

    // MARK: output

    func printDailyTable(_ figures: [String: PipelineFigures], accounts n: Int) {
        let vitalsWall = figures["vitals"]!.wall
        print("| pipeline | whole process s | read s | features s | score s | write s | peak RSS MB | µs/account | Vitals ÷ pipeline | max Δp vs Vitals |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name in ["vitals"] + peers {
            guard let f = figures[name] else { continue }
            let difference = f.maxDifference.map { String(format: "%.1e", $0) + " (\(grouped(f.compared)))" } ?? "–"
            print("| \(peerLabel(name)) | \(fixed(f.wall, 3)) | \(fixed(f.read, 3)) | \(fixed(f.features, 3)) | \(fixed(f.score, 3)) | "
                + "\(fixed(f.write, 3)) | \(Int(f.peak.rounded())) | \(fixed(f.wall / Double(n) * 1e6, 1)) | \(fixed(vitalsWall / f.wall, 3)) | \(difference) |")
        }
        for name in ["vitals"] + peers {
            guard let f = figures[name] else { continue }
            print("  \(name) runs (s): " + f.walls.map { fixed($0, 3) }.joined(separator: ", "))
        }
    }

    func peerLabel(_ name: String) -> String {
        switch name {
        case "vitals": return "Vitals"
        case "pandas": return "pandas + scikit-learn"
        case "duckdb": return "DuckDB"
        case "polars": return "polars"
        default: return name
        }
    }

    static func firstNumber(after marker: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("trained ") {
            guard let range = line.range(of: marker) else { continue }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func fixed(_ x: Double, _ places: Int) -> String { String(format: "%.\(places)f", x) }
func megabytes(_ bytes: Int) -> String { fixed(Double(bytes) / 1e6, 1) }
func isoNow() -> String { ISO8601DateFormatter().string(from: Date()) }
func fileSize(_ path: String) throws -> Int {
    guard let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int else { throw BenchmarkError("\(path): no size") }
    return size
}

/// 12345678 → "12,345,678".
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = n < 0 ? "-" : ""
    for (k, c) in digits.enumerated() {
        if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}
