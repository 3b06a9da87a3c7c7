import BenchmarkSupport
import Foundation

// Machine facts, files and number formatting.

func cpuMegahertz() -> String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let line = info.split(separator: "\n").first { $0.hasPrefix("cpu MHz") }
    return line?.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "?"
}

func peakResidentMegabytes() -> Int {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss / 1024  // kilobytes on Linux
}

func isoNow() -> String { ISO8601DateFormatter().string(from: Date()) }

func fileSize(_ path: String) throws -> Int {
    guard let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int else {
        throw BenchmarkError("\(path): no size")
    }
    return size
}

/// Copies the first `bytes` bytes of `source` to `destination`, then on to the end of that line.
func copyPrefix(of source: String, to destination: String, bytes: Int) throws {
    guard let input = fopen(source, "rb") else { throw BenchmarkError("cannot open \(source)") }
    defer { fclose(input) }
    guard let output = fopen(destination, "wb") else { throw BenchmarkError("cannot create \(destination)") }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var copied = 0
    copying: while true {
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, input) }
        if n == 0 { break }
        var take = n
        if copied + n >= bytes {
            // Stop after the first line end at or past the target.
            var k = max(0, bytes - copied - 1)
            while k < n && buffer[k] != UInt8(ascii: "\n") { k += 1 }
            take = min(n, k + 1)
        }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, take, output) }
        guard written == take else { fclose(output); throw BenchmarkError("short write to \(destination)") }
        copied += take
        if take < n || copied >= bytes && buffer[take - 1] == UInt8(ascii: "\n") { break copying }
    }
    guard fclose(output) == 0 else { throw BenchmarkError("cannot close \(destination)") }
}

func fixed(_ x: Double, _ places: Int) -> String { String(format: "%.\(places)f", x) }

/// 12345678 → "12,345,678".
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (k, c) in digits.enumerated() {
        if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
