import Foundation

/// Where a signals file is and what text it holds, however it is stored (`NAME.csv` or
/// `NAME.csv.gz`), for the code outside the reader that checks or fingerprints the files: one
/// place for the naming rule, so a gzip folder is the plain folder to every stage.
public enum SignalsFileText {
    /// The path of the signals file named `name` (such as `usage.csv`) in `directory`: the file
    /// itself or its `.gz`, whichever exists; `nil` when neither does. (When both do, the reader
    /// refuses the folder.)
    public static func path(of name: String, in directory: String) -> String? {
        let plain = (directory as NSString).appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: plain) { return plain }
        return FileManager.default.fileExists(atPath: plain + ".gz") ? plain + ".gz" : nil
    }

    /// Calls `body` with the file's text, decompressed, in pieces of up to 1 MiB, in order.
    public static func forEachPiece(path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let source = try SignalsCompression(path: path).openSource(path: path, offset: 0, readAhead: true)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 20)
        defer { buffer.deallocate() }
        while true {
            let n = try source.read(into: buffer, count: 1 << 20)
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(start: buffer, count: n))
        }
    }
}
