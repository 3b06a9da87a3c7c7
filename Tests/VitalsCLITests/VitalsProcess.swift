import Foundation
import VitalsTestSupport

/// Runs the built `vitals` executable, the way a user or a script does.
struct VitalsProcess {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `vitals` binary built next to the test bundle (`swift build --build-tests` builds both),
    /// or the one VITALS_BINARY names (`make crash-test` runs the release build).
    static let executable: URL? = {
        if let path = ProcessInfo.processInfo.environment["VITALS_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vitals"),
            Fixtures.packageRoot.appendingPathComponent(".build/debug/vitals"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs vitals with `arguments`; with a `launcher` (say `taskset -c 0 /path/to/vitals`), runs
    /// the launcher's first element with the rest of it, then `arguments`.
    static func run(_ arguments: [String], environment: [String: String] = [:], launcher: [String] = []) throws -> Output {
        guard let executable else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "vitals"]) }
        let process = Process()
        process.executableURL = launcher.first.map { URL(fileURLWithPath: $0) } ?? executable
        process.arguments = Array(launcher.dropFirst()) + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

extension VitalsProcess {
    /// `vitals simulate` into a fresh temporary directory's `signals`; throws with its stderr if it fails.
    static func simulatedBook(accounts: Int, seed: Int, label: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory(label)
        let made = try run(["simulate", "--out", dir.path("signals"), "--accounts", "\(accounts)", "--seed", "\(seed)"])
        guard made.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: made.stderr]) }
        return dir
    }
}
