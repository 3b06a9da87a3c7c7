import BenchmarkSupport
import CSV
import Foundation
import VitalsFoundation
import VitalsSignals

// The three things timed. Each returns what it saw, so the runs can be checked
// against each other and the work cannot be optimised away.

struct ScanCount: Equatable {
    /// Data rows (the header excluded).
    var rows = 0
    var fields = 0
    var fieldBytes = 0
}

/// Vitals framing: `CSVScanner` over every record, touching every field (its length).
func vitalsScan(_ path: String) throws -> ScanCount {
    let scanner = try CSVScanner(path: path)
    var count = ScanCount()
    var faults = 0
    // The header is a record to the scanner; the peer takes it as the header row. Count data rows only.
    guard try scanner.next() else { return count }
    while try scanner.next() {
        if scanner.fault != nil { faults += 1 }
        count.rows += 1
        let n = scanner.fieldCount
        count.fields += n
        for k in 0..<n { count.fieldBytes &+= scanner.field(k).count }
    }
    guard faults == 0 else { throw BenchmarkError("\(path): \(faults) records with a CSV fault") }
    return count
}

/// The peer: CSV.swift's `CSVReader` on an `InputStream`, every row as `[String]`, touching every field.
func peerScan(_ path: String) throws -> ScanCount {
    guard let stream = InputStream(fileAtPath: path) else { throw BenchmarkError("\(path): cannot open") }
    let csv = try CSVReader(stream: stream, hasHeaderRow: true)
    var count = ScanCount()
    while let row = csv.next() {
        count.rows += 1
        count.fields += row.count
        for field in row { count.fieldBytes &+= field.utf8.count }
    }
    // On Linux, Foundation's file InputStream still reports bytes available at the end of the file, so
    // CSV.swift's last read finds none and it records `cannotReadFile` after the final row. That one is
    // the end of the file; any other error is a failure. The caller checks the counts against Vitals.
    if let error = csv.error {
        if case CSVError.cannotReadFile = error {} else { throw BenchmarkError("\(path): CSV.swift: \(error)") }
    }
    return count
}

struct ReadCount: Equatable {
    var accounts = 0
    var usage = 0
}

/// Vitals typed read of the directory: rows kept per file.
func vitalsRead(_ directory: String) throws -> ReadCount {
    let result = try SignalsReader().read(directory: directory)
    guard result.report.problemCount == 0 else { throw BenchmarkError("\(directory): \(result.report.problemCount) problems") }
    let usage = result.dataset.usage?.account.count ?? 0
    guard usage == result.report[.usage].rowsKept else { throw BenchmarkError("usage table has \(usage) rows") }
    return ReadCount(accounts: result.report[.accounts].rowsKept, usage: usage)
}

struct Timed<Value> {
    let times: [Double]
    let value: Value
    var median: Double { times.sorted()[times.count / 2] }
}


/// Runs `body` `runs` times; every run must see the same value.
func timed<Value: Equatable>(_ label: String, runs: Int, _ body: () throws -> Value) throws -> Timed<Value> {
    var times: [Double] = []
    var first: Value?
    for _ in 0..<runs {
        let start = monotonicSeconds()
        let value = try body()
        times.append(monotonicSeconds() - start)
        if let first, first != value { throw BenchmarkError("\(label): runs disagree (\(first) vs \(value))") }
        first = value
    }
    print("  \(label): " + times.map { fixed($0, 3) + " s" }.joined(separator: ", "))
    return Timed(times: times, value: first!)
}
