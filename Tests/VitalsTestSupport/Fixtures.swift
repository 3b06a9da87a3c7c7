import Foundation

/// Paths to the committed test fixtures in `Tests/Fixtures`, found from this
/// file's location so tests need no bundle resources and no network.
public enum Fixtures {
    /// `Tests/Fixtures`.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A path below `Tests/Fixtures`, e.g. `Fixtures.path("signals/valid")`.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = root.deletingLastPathComponent().deletingLastPathComponent()
}

/// A fresh, empty directory under the system temporary folder; removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "vitals-test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes bytes to a file inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    public func remove() { try? FileManager.default.removeItem(at: url) }
}

extension Fixtures {
    /// The names of the bad-input cases in `Tests/Fixtures/bad`: broken signals directories, at least one per rule.
    public static let invalidSignalCases: [String] = {
        ((try? FileManager.default.contentsOfDirectory(atPath: path("bad"))) ?? []).sorted()
    }()

    /// The path of a broken signals directory and the exact problem lines it must produce
    /// (its `expected.txt`, with `{dir}` replaced by the directory's path).
    public static func invalidSignalCase(_ name: String) throws -> (directory: String, expected: [String]) {
        let dir = path("bad/\(name)")
        let expected = try String(contentsOfFile: dir + "/expected.txt", encoding: .utf8)
            .replacingOccurrences(of: "{dir}", with: dir)
            .split(separator: "\n").map(String.init)
        return (dir, expected)
    }
}
