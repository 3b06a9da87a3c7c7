import BenchmarkSupport
import Foundation

// Writes one benchmark book and nothing else, for measuring `vitals` by hand on a book of
// any size (the daily benchmark caches its books under its own names and runs its peers too).
// BookGenerator.swift is the daily benchmark's own file, linked here, so both make the same bytes.
//
//   GenerateBook --accounts N [--seed S] --out DIR

func value(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

// BookGenerator's description uses these; DailyBenchmark defines them in its main.swift.
func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }
func grouped(_ n: Int) -> String { n.formatted(.number.grouping(.automatic)) }

guard let accounts = value("--accounts").flatMap(Int.init), accounts > 0, let out = value("--out") else {
    FileHandle.standardError.write(Data("usage: GenerateBook --accounts N [--seed S] --out DIR\n".utf8))
    exit(2)
}
let seed = value("--seed").flatMap(UInt64.init) ?? 42
try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
let started = Date()
let size = try BookGenerator.write(directory: out, accounts: accounts, seed: seed)
print("wrote \(out): \(size) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
