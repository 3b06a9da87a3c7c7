import BenchmarkSupport
import Foundation
import VitalsFoundation
import VitalsSignals

// Ingest throughput of Vitals' hand-written CSV reader against CSV.swift, the Swift
// CSV package it would otherwise use: the same generated files, one process, one
// machine. MB = 10^6 bytes. Every figure is the median of --runs runs.
//
//   IngestBenchmark [--megabytes 500] [--accounts 20000] [--runs 3] [--seed 42]
//                   [--peer-megabytes 100] [--data .data]
//
// --peer-megabytes: CSV.swift reads the first that many MB of usage.csv (whole lines),
// because it is an order of magnitude slower; 0 = the whole file.

let usageText = """
    usage: IngestBenchmark [--megabytes N] [--accounts N] [--runs N] [--seed N] [--peer-megabytes N] [--data DIR]
    """

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

func integerOption(_ name: String, _ fallback: Int, minimum: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name) else { return fallback }
    guard i + 1 < args.count, let value = Int(args[i + 1]), value >= minimum else {
        fail("\(name) needs a whole number ≥ \(minimum)\n\(usageText)", status: 2)
    }
    return value
}

func stringOption(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name) else { return fallback }
    guard i + 1 < args.count else { fail("\(name) needs a value\n\(usageText)", status: 2) }
    return args[i + 1]
}

let known: Set = ["--megabytes", "--accounts", "--runs", "--seed", "--peer-megabytes", "--data"]
for arg in CommandLine.arguments.dropFirst() where arg.hasPrefix("--") && !known.contains(arg) {
    fail("unknown option \(arg)\n\(usageText)", status: 2)
}

let megabytes = integerOption("--megabytes", 500, minimum: 1)
let accounts = integerOption("--accounts", 20000, minimum: 1)
let runs = integerOption("--runs", 3, minimum: 1)
let seed = integerOption("--seed", 42, minimum: 0)
let peerMegabytes = integerOption("--peer-megabytes", 100, minimum: 0)
let dataRoot = stringOption("--data", ".data")

do {
    try runBenchmark()
} catch {
    fail("IngestBenchmark: \(error)", status: 1)
}

func runBenchmark() throws {
    let fm = FileManager.default
    try fm.createDirectory(atPath: dataRoot, withIntermediateDirectories: true)
    let cpu = cpuModel()
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("Vitals ingest benchmark, \(isoNow())")
    print("machine: \(cores) cores (nproc), \(cpu) at \(cpuMegahertz()) MHz; load average \(loadAverage()) at start")

    // 1. The data, cached: regenerated only when missing or the parameters changed.
    let directory = dataRoot + "/signals"
    let stamp = "generator=1 seed=\(seed) accounts=\(accounts) megabytes=\(megabytes)"
    let stampPath = dataRoot + "/signals.params"
    let usagePath = directory + "/usage.csv", accountsPath = directory + "/accounts.csv"
    if (try? String(contentsOfFile: stampPath, encoding: .utf8)) != stamp
        || !fm.fileExists(atPath: usagePath) || !fm.fileExists(atPath: accountsPath)
    {
        try? fm.removeItem(atPath: stampPath)
        try? fm.removeItem(atPath: directory)
        let staging = directory + ".partial"
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let start = monotonicSeconds()
        let generated = try Generator.write(directory: staging, accounts: accounts, usageBytes: megabytes * 1_000_000,
                                            seed: UInt64(seed))
        try fm.moveItem(atPath: staging, toPath: directory)
        try stamp.write(toFile: stampPath, atomically: true, encoding: .utf8)
        print("generated \(directory) in \(fixed(monotonicSeconds() - start, 1)) s: "
            + "\(grouped(generated.accountRows)) accounts, \(grouped(generated.usageRows)) usage rows (\(stamp))")
    } else {
        print("using cached \(directory) (\(stamp))")
    }
    let usageBytes = try fileSize(usagePath), accountsBytes = try fileSize(accountsPath)

    // The peer's input: a prefix of usage.csv cut at a line end, or the whole file.
    var peerPath = usagePath
    if peerMegabytes > 0 && peerMegabytes * 1_000_000 < usageBytes {
        peerPath = dataRoot + "/usage-prefix.csv"
        let prefixStamp = stamp + " prefix=\(peerMegabytes)"
        let prefixStampPath = dataRoot + "/usage-prefix.params"
        if (try? String(contentsOfFile: prefixStampPath, encoding: .utf8)) != prefixStamp || !fm.fileExists(atPath: peerPath) {
            try? fm.removeItem(atPath: prefixStampPath)
            try copyPrefix(of: usagePath, to: peerPath, bytes: peerMegabytes * 1_000_000)
            try prefixStamp.write(toFile: prefixStampPath, atomically: true, encoding: .utf8)
        }
    }
    let peerBytes = try fileSize(peerPath)
    let peerInput = peerPath == usagePath ? "usage.csv" : "usage.csv, first \(peerMegabytes) MB"
    print("files: usage.csv \(grouped(usageBytes)) bytes, accounts.csv \(grouped(accountsBytes)) bytes; "
        + "CSV.swift input: \(peerInput) (\(grouped(peerBytes)) bytes)")

    // 2. The timings, median of `runs` each, in one process on the same files.
    print("timing, \(runs) run\(runs == 1 ? "" : "s") each:")
    let scan = try timed("Vitals scan, usage.csv", runs: runs) { try vitalsScan(usagePath) }
    let read = try timed("Vitals typed read, directory", runs: runs) { try vitalsRead(directory) }
    guard read.value.usage == scan.value.rows, read.value.accounts == accounts else {
        throw BenchmarkError("typed read kept \(read.value.usage) usage rows and \(read.value.accounts) accounts; "
            + "the scan framed \(scan.value.rows) rows, and there are \(accounts) accounts")
    }
    var scanPeerInput: Timed<ScanCount>? = nil
    if peerPath != usagePath {
        scanPeerInput = try timed("Vitals scan, CSV.swift's input", runs: runs) { try vitalsScan(peerPath) }
    }
    let peer = try timed("CSV.swift, \(peerInput)", runs: runs) { try peerScan(peerPath) }
    let vitalsOnPeerInput = scanPeerInput?.value ?? scan.value
    guard peer.value == vitalsOnPeerInput else {
        throw BenchmarkError("CSV.swift and Vitals disagree on \(peerPath): \(peer.value) vs \(vitalsOnPeerInput)")
    }
    print("check: Vitals and CSV.swift agree on \(peerInput) (\(grouped(peer.value.rows)) rows, "
        + "\(grouped(peer.value.fields)) fields, \(grouped(peer.value.fieldBytes)) field bytes); "
        + "the typed read kept every row")

    // 3. The table and the ratios.
    struct Line {
        let name: String, input: String, bytes: Int, rows: Int, seconds: Double
        var mbps: Double { Double(bytes) / 1e6 / seconds }
        var rowsPerSecond: Double { Double(rows) / seconds }
    }
    let scanLine = Line(name: "Vitals scan (CSVScanner)", input: "usage.csv", bytes: usageBytes,
                        rows: scan.value.rows, seconds: scan.median)
    let readLine = Line(name: "Vitals typed read (SignalsReader)", input: "accounts.csv + usage.csv",
                        bytes: usageBytes + accountsBytes, rows: read.value.usage + read.value.accounts,
                        seconds: read.median)
    let samePrefixLine = scanPeerInput.map {
        Line(name: "Vitals scan (CSVScanner)", input: peerInput, bytes: peerBytes, rows: $0.value.rows, seconds: $0.median)
    }
    let peerLine = Line(name: "CSV.swift 2.5.2 (CSVReader)", input: peerInput, bytes: peerBytes,
                        rows: peer.value.rows, seconds: peer.median)
    let lines = [scanLine, readLine] + (samePrefixLine.map { [$0] } ?? []) + [peerLine]

    print("")
    print("MB = 10^6 bytes; seconds = median of \(runs); rows exclude headers; one thread; files in the page cache")
    let header = ["measurement", "input", "bytes", "rows", "seconds", "MB/s", "rows/s"]
    let cells = lines.map {
        [$0.name, $0.input, grouped($0.bytes), grouped($0.rows), fixed($0.seconds, 3), fixed($0.mbps, 1),
         fixed($0.rowsPerSecond / 1e6, 2) + " M"]
    }
    let widths = (0..<header.count).map { c in ([header] + cells).map { $0[c].count }.max()! }
    for row in [header] + cells {
        print(row.enumerated().map { c, text in c < 2 ? text.padding(widths[c]) : text.leftPadding(widths[c]) }
            .joined(separator: "  "))
    }
    let scanRatio = scanLine.mbps / peerLine.mbps, readRatio = readLine.mbps / peerLine.mbps
    print("")
    let peerOn = peerPath == usagePath ? "both on all of usage.csv" : "Vitals on all of usage.csv, CSV.swift on its first \(peerMegabytes) MB"
    print("Vitals scan is \(fixed(scanRatio, 1))× CSV.swift (MB/s against MB/s: \(peerOn))")
    if let same = samePrefixLine {
        print("Vitals scan is \(fixed(same.mbps / peerLine.mbps, 1))× CSV.swift on the same bytes (\(peerInput))")
    }
    print("Vitals typed read is \(fixed(readRatio, 1))× CSV.swift (MB/s against MB/s: Vitals framing, typing, validating and "
        + "resolving accounts into columns, against CSV.swift framing into Strings)")
    let maxRSS = peakResidentMegabytes()
    print("peak resident memory \(grouped(maxRSS)) MB; load average \(loadAverage()) at end")

    // 4. The figures as JSON, for later comparison.
    func entry(_ line: Line, _ times: [Double]) -> [String: Any] {
        ["input": line.input, "bytes": line.bytes, "rows": line.rows, "times_s": times, "median_s": line.seconds,
         "mb_per_s": line.mbps, "rows_per_s": line.rowsPerSecond]
    }
    var measurements: [String: Any] = [
        "vitals_scan": entry(scanLine, scan.times),
        "vitals_typed_read": entry(readLine, read.times),
        "csv_swift": entry(peerLine, peer.times),
    ]
    if let same = samePrefixLine, let t = scanPeerInput { measurements["vitals_scan_peer_input"] = entry(same, t.times) }
    var ratios: [String: Any] = ["vitals_scan_over_csv_swift": scanRatio, "vitals_typed_read_over_csv_swift": readRatio]
    if let same = samePrefixLine { ratios["vitals_scan_over_csv_swift_same_bytes"] = same.mbps / peerLine.mbps }
    let results: [String: Any] = [
        "date": isoNow(), "cores": cores, "cpu": cpu, "mb": "10^6 bytes", "runs": runs,
        "parameters": ["megabytes": megabytes, "accounts": accounts, "seed": seed, "peer_megabytes": peerMegabytes],
        "usage_csv_bytes": usageBytes, "accounts_csv_bytes": accountsBytes, "usage_rows": scan.value.rows,
        "measurements": measurements, "ratios": ratios, "peak_rss_mb": maxRSS,
    ]
    let json = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
    let jsonPath = dataRoot + "/ingest-results.json"
    try json.write(to: URL(fileURLWithPath: jsonPath))
    print("figures written to \(jsonPath)")
}
