import CSV
import Foundation
import VitalsSignals
import VitalsSimulation

// Ingest throughput of Vitals' hand-written CSV reader against CSV.swift, the
// Swift CSV package it would otherwise use, on the same files in one run.
// MB = 10^6 bytes. Each figure is the median of --runs runs.

func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = CommandLine.arguments.firstIndex(of: name), i + 1 < CommandLine.arguments.count,
          let value = Int(CommandLine.arguments[i + 1]) else { return fallback }
    return value
}
func option(_ name: String, _ fallback: String) -> String {
    guard let i = CommandLine.arguments.firstIndex(of: name), i + 1 < CommandLine.arguments.count else { return fallback }
    return CommandLine.arguments[i + 1]
}

let accounts = option("--accounts", 20000)
let runs = max(1, option("--runs", 3))
let dataRoot = option("--data", ".data")
let peerMegabytes = option("--peer-megabytes", 60)
let directory = "\(dataRoot)/signals-\(accounts)-seed7"

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
func median(_ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs { times.append(try seconds(body)) }
    return times.sorted()[times.count / 2]
}
func size(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }

// The data: a simulated book, cached between runs.
if !FileManager.default.fileExists(atPath: directory + "/usage.csv") {
    print("generating \(directory) (\(accounts) accounts, 24 months) …")
    let simulator = try Simulator(config: SimulationConfig(accounts: accounts, months: 24, seed: 7))
    _ = try simulator.write(signalsDirectory: directory, truthDirectory: nil, overwrite: true)
}
let usagePath = directory + "/usage.csv"
let usageBytes = size(usagePath)
let directoryBytes = SignalsFile.allCases.reduce(0) { $0 + size(directory + "/" + $1.fileName) }

// The peer is much slower, so it reads a prefix of usage.csv (whole lines), which is enough for a per-MB rate.
let prefixPath = "\(dataRoot)/usage-prefix-\(accounts)-\(peerMegabytes)MB.csv"
if !FileManager.default.fileExists(atPath: prefixPath) {
    let data = try Data(contentsOf: URL(fileURLWithPath: usagePath))
    var cut = min(data.count, peerMegabytes * 1_000_000)
    while cut < data.count && data[cut - 1] != UInt8(ascii: "\n") { cut += 1 }
    try data.prefix(cut).write(to: URL(fileURLWithPath: prefixPath))
}
let prefixBytes = size(prefixPath)

var rows = 0
// 1. Framing only: every record and field of usage.csv.
let scanTime = try median {
    let scanner = try CSVScanner(path: usagePath)
    var fieldBytes = 0
    rows = 0
    while try scanner.next() {
        for k in 0..<scanner.fieldCount { fieldBytes &+= scanner.field(k).count }
        rows += 1
    }
    precondition(fieldBytes > 0)
}
let usageRows = rows - 1

// 2. The typed, validated read of the whole directory (all eight files).
var readRows = 0
let readTime = try median {
    let result = try SignalsReader().read(directory: directory)
    readRows = result.report.files.reduce(0) { $0 + $1.rowsKept }
}

// 3. Vitals framing on the peer's prefix, and the peer itself, on the same bytes.
let scanPrefixTime = try median {
    let scanner = try CSVScanner(path: prefixPath)
    var fieldBytes = 0
    while try scanner.next() { for k in 0..<scanner.fieldCount { fieldBytes &+= scanner.field(k).count } }
    precondition(fieldBytes > 0)
}
var peerRows = 0
let peerTime = try median {
    let reader = try CSVReader(stream: InputStream(fileAtPath: prefixPath)!, hasHeaderRow: true)
    var fieldBytes = 0
    peerRows = 0
    while let row = reader.next() {
        for field in row { fieldBytes &+= field.utf8.count }
        peerRows += 1
    }
    precondition(fieldBytes > 0)
}

func mbps(_ bytes: Int, _ time: Double) -> Double { Double(bytes) / 1e6 / time }
func fmt(_ x: Double, _ places: Int = 1) -> String {
    let p = pow(10, Double(places))
    return String(Int((x * p).rounded()) / Int(p)) + "." + String(Int((x * p).rounded()) % Int(p)).leftPadded(places)
}
extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
    func padded(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}

let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
    .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
    .trimmingCharacters(in: .whitespaces) ?? "unknown"
print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu)")
print("data: \(directory): \(directoryBytes) bytes in 8 files; usage.csv \(usageBytes) bytes, \(usageRows) rows")
print("peer prefix: \(prefixPath): \(prefixBytes) bytes, \(peerRows) rows")
print("median of \(runs) runs; MB = 10^6 bytes; one thread")
print("")
print("what".padded(60) + "seconds".padded(10) + "MB/s")
let lines: [(String, Double, Double)] = [
    ("Vitals CSVScanner, usage.csv (framing)", scanTime, mbps(usageBytes, scanTime)),
    ("Vitals SignalsReader, whole directory (typed, validated)", readTime, mbps(directoryBytes, readTime)),
    ("Vitals CSVScanner, peer prefix (framing)", scanPrefixTime, mbps(prefixBytes, scanPrefixTime)),
    ("CSV.swift CSVReader, peer prefix (rows of Strings)", peerTime, mbps(prefixBytes, peerTime)),
]
for (name, time, rate) in lines { print(name.padded(60) + fmt(time, 3).padded(10) + fmt(rate)) }
let peerRate = mbps(prefixBytes, peerTime)
print("")
print("ratio, Vitals framing / CSV.swift on the same prefix: \(fmt(mbps(prefixBytes, scanPrefixTime) / peerRate))×")
print("ratio, Vitals typed read / CSV.swift framing (MB/s):  \(fmt(mbps(directoryBytes, readTime) / peerRate))×")
print("typed read: \(readRows) rows, \(fmt(Double(readRows) / readTime / 1e6, 2)) M rows/s")

let results: [String: Any] = [
    "date": ISO8601DateFormatter().string(from: Date()), "cores": ProcessInfo.processInfo.activeProcessorCount, "cpu": cpu,
    "usage_bytes": usageBytes, "usage_rows": usageRows, "directory_bytes": directoryBytes, "prefix_bytes": prefixBytes,
    "runs": runs,
    "vitals_scan_mb_s": mbps(usageBytes, scanTime), "vitals_read_mb_s": mbps(directoryBytes, readTime),
    "vitals_scan_prefix_mb_s": mbps(prefixBytes, scanPrefixTime), "csv_swift_mb_s": peerRate,
]
let json = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
try json.write(to: URL(fileURLWithPath: "\(dataRoot)/ingest-results.json"))
print("figures written to \(dataRoot)/ingest-results.json")
