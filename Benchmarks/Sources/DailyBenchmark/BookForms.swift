#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BenchmarkSupport
import Foundation

// The forms a book is written in, as real exports come: the generator's LF book, the same
// bytes with CRLF line ends, every field in double quotes with CRLF line ends (as Excel and
// Salesforce export), and each LF file gzipped (NAME.csv → NAME.csv.gz). Every form other than
// LF is derived from the LF book by a streaming rewrite, so the forms hold the same records.

enum BookForm: String, CaseIterable {
    case lf, crlf, quoted, gzip

    /// Changes whenever the bytes a form is derived as change, so cached forms are remade.
    static let version = 1

    /// The form's signals directory inside `book-N-seedS/`.
    var directoryName: String { self == .lf ? "signals" : "signals-\(rawValue)" }
    /// Its marker inside `book-N-seedS/`, written last: its presence marks a complete form.
    var markerName: String { "form-\(rawValue).json" }

    var label: String {
        switch self {
        case .lf: return "LF"
        case .crlf: return "CRLF"
        case .quoted: return "all-quoted CRLF"
        case .gzip: return "gzip of LF"
        }
    }

    /// The name a signal file has in this form.
    func fileName(_ csv: String) -> String { self == .gzip ? csv + ".gz" : csv }

    /// Writes the form from the LF signals directory `lf` into `directory` (through a staging
    /// directory, so an interrupted rewrite is never taken for a finished one). Returns each
    /// file's name in the form and its size on disk.
    func derive(from lf: String, into directory: String) throws -> [(name: String, bytes: Int)] {
        precondition(self != .lf)
        let fm = FileManager.default
        let staging = directory + ".partial"
        try? fm.removeItem(atPath: staging)
        try? fm.removeItem(atPath: directory)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let files = try fm.contentsOfDirectory(atPath: lf).filter { $0.hasSuffix(".csv") }.sorted()
        switch self {
        case .crlf, .quoted:
            for file in files { try rewrite(lf + "/" + file, to: staging + "/" + file, quoted: self == .quoted) }
        case .gzip:
            try gzipAll(files.map { (lf + "/" + $0, staging + "/" + $0 + ".gz") })
        case .lf:
            break
        }
        try fm.moveItem(atPath: staging, toPath: directory)
        return try files.map { name in (fileName(name), try fileSize(directory + "/" + fileName(name))) }
    }
}

/// Copies the LF file at `source` to `target` with CRLF line ends and, when `quoted`, every
/// field in double quotes (`"A000001","2025-01-01","3"`, the header too, an empty field as
/// `""`). The generated books hold no quote, CR or comma inside a field; a quote or CR in the
/// input stops the rewrite rather than write a file that means something else.
private func rewrite(_ source: String, to target: String, quoted: Bool) throws {
    guard let input = fopen(source, "rb") else { throw BenchmarkError("cannot open \(source): \(String(cString: strerror(errno)))") }
    defer { fclose(input) }
    guard let output = fopen(target, "wb") else { throw BenchmarkError("cannot create \(target): \(String(cString: strerror(errno)))") }
    let chunk = 4 << 20
    let inBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
    defer { inBuffer.deallocate() }
    // At most three bytes out per byte in (`,` → `","`), plus the opening quote.
    let outBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 3 * chunk + 1)
    defer { outBuffer.deallocate() }
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    var atLineStart = true, lastByte = lf
    while true {
        let count = fread(inBuffer, 1, chunk, input)
        if count == 0 { break }
        var o = 0
        for k in 0..<count {
            let b = inBuffer[k]
            if b == quote || b == cr {
                fclose(output)
                throw BenchmarkError("\(source): a quote or CR at byte \(k); the rewrite assumes an LF file with plain fields")
            }
            if quoted {
                if atLineStart { outBuffer[o] = quote; o += 1; atLineStart = false }
                if b == comma {
                    outBuffer[o] = quote; outBuffer[o + 1] = comma; outBuffer[o + 2] = quote; o += 3
                    continue
                }
                if b == lf { outBuffer[o] = quote; o += 1; atLineStart = true }
            }
            if b == lf { outBuffer[o] = cr; o += 1 }
            outBuffer[o] = b; o += 1
        }
        lastByte = inBuffer[count - 1]
        guard fwrite(outBuffer, 1, o, output) == o else {
            fclose(output)
            throw BenchmarkError("short write to \(target)")
        }
    }
    let readFailed = ferror(input) != 0
    // A last line without a line end: close its quote and end it as the others.
    if lastByte != lf {
        let tail: [UInt8] = quoted ? [quote, cr, lf] : [cr, lf]
        _ = tail.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, output) }
    }
    guard fclose(output) == 0, !readFailed else { throw BenchmarkError("cannot rewrite \(source) as \(target)") }
}

/// `gzip -c -n SOURCE > TARGET` for each pair (`pigz` when it is on the PATH), as many at once
/// as there are cores, at the tools' default level (6).
private func gzipAll(_ pairs: [(source: String, target: String)]) throws {
    let tool = executableOnPath("pigz") ?? executableOnPath("gzip") ?? "/usr/bin/gzip"
    var running: [(process: Process, target: String)] = []
    func finish(_ job: (process: Process, target: String)) throws {
        job.process.waitUntilExit()
        guard job.process.terminationStatus == 0 else {
            throw BenchmarkError("\(tool) exited \(job.process.terminationStatus) writing \(job.target)")
        }
    }
    for (source, target) in pairs {
        if running.count >= max(1, ProcessInfo.processInfo.activeProcessorCount) { try finish(running.removeFirst()) }
        guard FileManager.default.createFile(atPath: target, contents: nil), let out = FileHandle(forWritingAtPath: target) else {
            throw BenchmarkError("cannot create \(target)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-c", "-n", source]
        process.standardOutput = out
        try process.run()
        try out.close()
        running.append((process, target))
    }
    for job in running { try finish(job) }
}

/// The first executable called `name` on the PATH.
func executableOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}
