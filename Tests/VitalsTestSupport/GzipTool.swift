import Foundation

/// gzip as the tests make it: Debian's `gzip` tool (`-c -n`, in every installation), not the
/// zlib binding the reader decompresses with, so a test compares two implementations.
public enum GzipTool {
    public static func compress(_ data: Data) throws -> Data {
        let source = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-\(UUID().uuidString)")
        try data.write(to: source)
        defer { try? FileManager.default.removeItem(at: source) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n", source.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: "gzip exited \(process.terminationStatus)"])
        }
        return compressed
    }
}
