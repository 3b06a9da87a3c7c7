import Foundation
import ArgumentParser
import Logging
import VitalsFoundation
import VitalsSignals

/// Where the core's log lines and progress events go: standard error, as a redrawn bar with
/// counts and an ETA on a terminal, and as plain lines otherwise (CI logs, pipes).
struct TerminalLogHandler: LogHandler {
    var logLevel: Logger.Level
    /// The least severe ordinary message shown; stage timings are shown only with `--timings`.
    var shownLevel: Logger.Level = .info
    var showTimings = false
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let interactive: Bool

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = event.metadata ?? [:]
        if let seconds = fields[Logger.stageSeconds].flatMap({ Double("\($0)") }) {
            if showTimings { ProgressLine.shared.write("timing \(event.message) \(String(format: "%.3f", seconds)) s", interactive: interactive) }
            return
        }
        guard event.level >= shownLevel else { return }
        if let done = fields[Logger.progressDone].flatMap({ Int("\($0)") }), let total = fields[Logger.progressTotal].flatMap({ Int("\($0)") }) {
            ProgressLine.shared.report(step: event.message.description, done: done, total: total,
                                       unit: fields[Logger.progressUnit].map { "\($0)" } ?? "", interactive: interactive)
        } else {
            let prefix = event.level >= .warning ? "\(event.level): " : event.level <= .debug ? "debug: " : "… "
            ProgressLine.shared.write(prefix + event.message.description, interactive: interactive)
        }
    }
}

/// The one progress line a terminal shows, and when each step began (for the ETA).
final class ProgressLine: @unchecked Sendable {
    static let shared = ProgressLine()
    private let lock = NSLock()
    private var started: [String: Date] = [:]
    private var drawn = false
    private var lastPlain: [String: Int] = [:]

    func report(step: String, done: Int, total: Int, unit: String, interactive: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let start = started[step] ?? now
        started[step] = start
        let counts = unit == "bytes" ? "\(megabytes(done))/\(megabytes(total)) MB" : "\(done)/\(total) \(unit)"
        if interactive {
            let share = total > 0 ? min(Double(done) / Double(total), 1) : 1
            let filled = Int((share * 24).rounded())
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 24 - filled)
            let elapsed = now.timeIntervalSince(start)
            let eta = share > 0 && share < 1 && elapsed > 0.2 ? "  ETA \(Self.duration(elapsed / share - elapsed))" : ""
            emit("\r\u{1B}[2K\(step) \(bar) \(counts)\(eta)" + (done >= total ? "\n" : ""))
            drawn = done < total
        } else {
            // Plain logs get the start, each quarter, and the end, not every tick.
            let quarter = total > 0 ? min(4 * done / total, 4) : 4
            guard lastPlain[step] != quarter else { return }
            lastPlain[step] = quarter
            emit("… \(step): \(counts)\n")
        }
        if done >= total { started[step] = nil }
    }

    func write(_ line: String, interactive: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if interactive && drawn {
            emit("\r\u{1B}[2K")
            drawn = false
        }
        emit(line + "\n")
    }

    private func emit(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    private func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }

    static func duration(_ seconds: Double) -> String {
        seconds < 60 ? "\(Int(seconds.rounded()))s" : "\(Int(seconds / 60))m\(String(format: "%02d", Int(seconds) % 60))s"
    }
}

/// `--quiet` and `--verbose`, and the logger every command hands to the core.
struct LoggingOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print only warnings and errors on standard error (no progress).")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print debug detail (files read, rows, fits).")
    var verbose = false

    @Flag(help: "Print how long each stage took (read, index, features, score, write, …) as 'timing <stage> <seconds> s', and at the end 'peak resident memory <MB> MB'.")
    var timings = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose contradict each other") }
    }

    /// Sets up logging once per process and returns the logger.
    @discardableResult
    func setUp() -> Logger {
        let level: Logger.Level = quiet ? .warning : verbose ? .debug : .info
        let interactive = isatty(STDERR_FILENO) == 1
        let timings = self.timings
        LoggingBootstrap.once {
            LoggingSystem.bootstrap { _ in
                TerminalLogHandler(logLevel: .trace, shownLevel: level, showTimings: timings, interactive: interactive)
            }
        }
        if timings { PeakMemory.reportAtExit() }
        var logger = Logger(label: "vitals")
        // Timings are debug events: let them through to the handler, which shows what was asked for.
        logger.logLevel = timings ? min(level, .debug) : level
        return logger
    }
}

enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false
    static func once(_ body: () -> Void) {
        guard !done else { return }
        done = true
        body()
    }
}

/// The process's peak resident memory, printed on the way out with `--timings`. It is read from
/// /proc/self/status (VmHWM), which counts this program alone: wait4's ru_maxrss in a parent
/// also counts the memory of the process that spawned it, before the exec.
enum PeakMemory {
    nonisolated(unsafe) private static var registered = false

    static func reportAtExit() {
        guard !registered else { return }
        registered = true
        atexit { PeakMemory.print() }
    }

    /// VmHWM in kB, or nil where /proc is missing.
    static func kilobytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }

    static func print() {
        guard let kb = kilobytes() else { return }
        FileHandle.standardError.write(Data("peak resident memory \(kb / 1024) MB\n".utf8))
    }
}
