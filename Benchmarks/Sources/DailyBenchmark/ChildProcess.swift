#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BenchmarkSupport
import Foundation

/// One finished child process: its exit status, wall-clock seconds from spawn to exit, and
/// peak resident memory (from `wait4`'s rusage, so it is the child's own, not this process's).
struct ChildRun {
    let status: Int32
    let seconds: Double
    let peakMegabytes: Double
    let stdout: String
    let stderr: String

    /// The `timing <stage> <seconds> s` lines `vitals --timings` prints, by stage (summed when repeated).
    var vitalsStages: [String: Double] {
        var stages: [String: Double] = [:]
        for line in stderr.split(separator: "\n") where line.hasPrefix("timing ") {
            let parts = line.split(separator: " ")
            if parts.count == 4, let seconds = Double(parts[2]) { stages[String(parts[1]), default: 0] += seconds }
        }
        return stages
    }
}

/// Runs `arguments` (the first is the program's path) with stdout and stderr captured in files
/// under `scratch`, and waits for it.
func runChild(_ arguments: [String], scratch: String) throws -> ChildRun {
    let out = scratch + "/child.stdout", err = scratch + "/child.stderr"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = arguments.map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for p in envp { free(p) } }
    var pid: pid_t = 0
    let start = monotonicSeconds()
    let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
    guard spawned == 0 else { throw BenchmarkError("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
        guard errno == EINTR else { throw BenchmarkError("wait4 failed for \(arguments[0])") }
    }
    let seconds = monotonicSeconds() - start
    let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ChildRun(status: exitStatus, seconds: seconds, peakMegabytes: Double(usage.ru_maxrss) / 1024,
                    stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                    stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
}

/// A child that exited with a status other than 0.
struct ChildFailure: Error, CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let stderr: String

    var description: String { "\(arguments.joined(separator: " ")) exited \(status):\n\(stderr.suffix(3000))" }
    /// One line for a table: the status and what stderr says, leaving out `--timings` lines: from
    /// an `error:` line on (vitals), else the last line (a Python traceback's exception).
    var summary: String {
        let lines = stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("timing ") && !$0.hasPrefix("peak resident memory") }
        let said: String
        if let k = lines.firstIndex(where: { $0.hasPrefix("error") }) {
            said = lines[k...].prefix(2).joined(separator: " ")
        } else {
            said = lines.last ?? "no message"
        }
        return "exited \(status): \(said.prefix(300))"
    }
}

/// Runs the child and fails with its stderr unless it exits 0.
func runChecked(_ arguments: [String], scratch: String) throws -> ChildRun {
    let run = try runChild(arguments, scratch: scratch)
    guard run.status == 0 else { throw ChildFailure(arguments: arguments, status: run.status, stderr: run.stderr) }
    return run
}
