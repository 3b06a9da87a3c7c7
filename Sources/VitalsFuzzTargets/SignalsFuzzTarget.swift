// VitalsFuzzTargets: the reader's fuzz target and its properties, for Fuzz/ (libFuzzer) and
// the tests' replay of its findings. Not API (the product is `_VitalsFuzzTargets`).

import CZlib
import Foundation
import VitalsFoundation
import VitalsSignals

/// The fuzz target for the CSV reader and the column decoders: one input becomes one signal
/// file beside fixed, valid accounts.csv and projects.csv, is read four ways, and the
/// properties below must hold. `make fuzz` drives it with libFuzzer (Fuzz/); the test suite
/// replays the seed and regression corpus through it.
///
/// Input layout: byte 0 picks the file (`SignalsFile.allCases[byte % 8]`), byte 1 the parallel
/// chunk size (64 + 16 · byte bytes), and the rest is the file's content.
///
/// Properties, for any bytes:
/// - no crash, no trap, no hang (the sanitizers and libFuzzer's timeout watch for those);
/// - reading never fails with an I/O error, and a lenient read (`skipInvalid`) fails only for a
///   problem that stops the file;
/// - a strict read fails exactly when the lenient read found a problem;
/// - every problem names the file, a line within the file, a column and a message, and
///   `rowsKept ≤ rowsRead`, with as many rows in the table as were kept;
/// - usage.csv read on every core (chunks of a few dozen bytes and up) gives exactly the
///   problems, counts and columns of the one-record-at-a-time read;
/// - usage.csv of printable ASCII with no quote reads the same written with CRLF line ends
///   and with every field quoted (the forms real exports take);
/// - usage.csv gzip-compressed (usage.csv.gz) reads as the plain file does, on every core, but
///   for the file's name in the problems; and the input's bytes taken as a .gz file give a read
///   or a validation error (damage is a problem), never an I/O error or a crash.
public final class SignalsFuzzTarget {
    public let directory: String
    private var lastFile: SignalsFile?

    /// Fixed files beside the fuzzed one, so references resolve: accounts A1–A5 and projects P1, P2.
    static let accounts = "account_id,name,segment,arr,seats,contract_start,renewal_date,churned,churn_date\n"
        + (1...5).map { "A\($0),Acme \($0),SMB,1200,\($0),2024-01-0\($0),2026-01-01,false,\n" }.joined()
    static let projects = "project_id,account_id,kind,start_date,planned_end_date,budget_hours,budget_amount,status,actual_end_date\n"
        + "P1,A1,implementation,2025-01-01,2025-03-01,100,10000,active,\nP2,A2,migration,2025-02-01,2025-04-01,50,5000,completed,2025-04-10\n"

    /// A scratch directory under `parent` (default: /dev/shm when present, so the files stay in memory).
    public init(parent: String? = nil) throws {
        let base = parent ?? (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
        directory = (base as NSString).appendingPathComponent("vitals-fuzz-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// The input that makes `content` the file `file`, read with chunk selector `chunk`.
    public static func input(file: SignalsFile, chunk: UInt8 = 0, content: [UInt8]) -> [UInt8] {
        [UInt8(SignalsFile.allCases.firstIndex(of: file)!), chunk] + content
    }

    /// Checks every property on one input; returns what broke, or nil.
    public func check(_ input: [UInt8]) -> String? {
        guard input.count >= 2 else { return nil }
        let file = SignalsFile.allCases[Int(input[0]) % SignalsFile.allCases.count]
        let chunk = 64 + 16 * Int(input[1])
        let content = Array(input[2...])
        do {
            try write(file: file, content: content)
        } catch {
            return "cannot write the scratch files: \(error)"
        }
        let lenient = read(SignalsReadOptions(skipInvalid: true, maxStoredProblems: 100_000, parallelMinimumBytes: Int.max))
        let strict = read(SignalsReadOptions(skipInvalid: false, maxStoredProblems: 100_000, parallelMinimumBytes: Int.max))
        let lines = content.reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
        let outcome: Outcome
        do { outcome = try lenient.get() } catch { return "lenient read: \(error)" }
        if outcome.threw, !outcome.report.problems.contains(where: \.rule.isFatal) {
            return "lenient read failed without a problem that stops the file: \(outcome.report.problems.prefix(3).map(\.description))"
        }
        if let broken = Self.malformed(outcome.report, file: file, lines: lines) { return broken }
        let strictOutcome: Outcome
        do { strictOutcome = try strict.get() } catch { return "strict read: \(error)" }
        if strictOutcome.threw != (outcome.threw || outcome.report.problemCount > 0) {
            return "strict read \(strictOutcome.threw ? "failed" : "passed") but the lenient read found \(outcome.report.problemCount) problems"
        }
        guard file == .usage else { return nil }
        let many: Outcome
        do {
            many = try read(SignalsReadOptions(skipInvalid: true, maxStoredProblems: 100_000, parallelMinimumBytes: 0,
                                               parallelChunkBytes: chunk)).get()
        } catch {
            return "parallel read: \(error)"
        }
        if many.threw != outcome.threw { return "parallel read \(many.threw ? "failed" : "passed"), sequential did not" }
        if many.report.problems != outcome.report.problems {
            let k = zip(many.report.problems, outcome.report.problems).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(many.report.problems.count, outcome.report.problems.count)
            return "parallel problems differ (chunk \(chunk)) at #\(k): "
                + "\(k < many.report.problems.count ? many.report.problems[k].description : "none") vs "
                + "\(k < outcome.report.problems.count ? outcome.report.problems[k].description : "none")"
        }
        let (a, b) = (many.report[.usage], outcome.report[.usage])
        if a.rowsRead != b.rowsRead || a.rowsKept != b.rowsKept || a.skipped != b.skipped || many.report.problemCount != outcome.report.problemCount {
            return "parallel counts differ (chunk \(chunk)): read \(a.rowsRead)/\(b.rowsRead), kept \(a.rowsKept)/\(b.rowsKept), "
                + "skipped \(a.skipped)/\(b.skipped), problems \(many.report.problemCount)/\(outcome.report.problemCount)"
        }
        if many.usage != outcome.usage { return "parallel usage columns differ (chunk \(chunk))" }
        if let broken = try? sameCompressed(content, chunk: chunk, reference: outcome) { return broken }
        return try? sameAsExportForms(content, file: file, chunk: chunk, reference: outcome)
    }

    /// usage.csv.gz holding the content reads as usage.csv does; the content itself as a .gz
    /// file (damaged gzip, as often as not) is read or refused with problems, never more.
    private func sameCompressed(_ content: [UInt8], chunk: Int, reference: Outcome) throws -> String? {
        let plain = url(.usage), compressed = URL(fileURLWithPath: plain.path + ".gz")
        defer {
            try? FileManager.default.removeItem(at: compressed)
            try? Data(content).write(to: plain)
        }
        try FileManager.default.removeItem(at: plain)
        try Data(Self.gzip(content)).write(to: compressed)
        func located(_ problems: [SignalsProblem]) -> [String] { problems.map { "\($0.line) \($0.column) \($0.rule) \($0.message)" } }
        for options in [SignalsReadOptions(skipInvalid: true, maxStoredProblems: 100_000, parallelMinimumBytes: Int.max),
                        SignalsReadOptions(skipInvalid: true, maxStoredProblems: 100_000, parallelMinimumBytes: 0, parallelChunkBytes: chunk)] {
            let read: Outcome
            do { read = try self.read(options).get() } catch { return "gzip read: \(error)" }
            if read.threw != reference.threw || located(read.report.problems) != located(reference.report.problems)
                || read.report[.usage].rowsKept != reference.report[.usage].rowsKept || read.usage != reference.usage {
                return "the gzip form reads otherwise (chunk \(options.parallelChunkBytes)): problems \(read.report.problemCount)/\(reference.report.problemCount), "
                    + "first \(read.report.problems.first?.description ?? "none") vs \(reference.report.problems.first?.description ?? "none")"
            }
            if let named = read.report.problems.first(where: { !$0.description.hasPrefix("usage.csv.gz:") }) { return "a gzip problem misnamed: \(named)" }
        }
        try Data(content).write(to: compressed)
        do {
            let raw = try read(SignalsReadOptions(skipInvalid: true, maxStoredProblems: 100_000, parallelMinimumBytes: 0, parallelChunkBytes: chunk)).get()
            if raw.threw, !raw.report.problems.contains(where: \.rule.isFatal) { return "raw bytes as .gz: failed without a fatal problem" }
        } catch {
            return "raw bytes as .gz: \(error)"
        }
        return nil
    }

    /// `bytes` gzip-compressed by zlib's deflate (the reader inflates with the same library; the
    /// tests compress with the gzip tool instead).
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        var input = bytes
        let written = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target -> Int in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                return deflate(&stream, Z_FINISH) == Z_STREAM_END ? target.count - Int(stream.avail_out) : 0
            }
        }
        return Array(output.prefix(written))
    }

    /// The forms real exports take read as the plain form does: printable ASCII content with
    /// no quote, written with CRLF line ends and with every field quoted (CRLF too), read on
    /// every core, gives the plain sequential read's problems, counts and columns.
    private func sameAsExportForms(_ content: [UInt8], file: SignalsFile, chunk: Int, reference: Outcome) throws -> String? {
        // Printable ASCII, tabs and LFs only: a byte-order mark or binary bytes are judged on the
        // file's first bytes, which quoting moves (found by fuzzing).
        guard content.allSatisfy({ $0 == 9 || $0 == 10 || (32...126).contains($0) && $0 != 34 }), content.count < 1 << 16 else { return nil }
        let lines = content.split(separator: 10, omittingEmptySubsequences: false)
        let crlf = Array(lines.map(Array.init).joined(separator: [13, 10]))
        let quoted = Array(lines.map { line -> [UInt8] in
            line.isEmpty ? [] : Array(line.split(separator: 44, omittingEmptySubsequences: false).map { [34] + Array($0) + [34] }.joined(separator: [44]))
        }.joined(separator: [13, 10]))
        defer { try? write(file: file, content: content) }
        for (name, form) in [("CRLF", crlf), ("quoted CRLF", quoted)] {
            try write(file: file, content: form)
            let read: Outcome
            do {
                read = try self.read(SignalsReadOptions(skipInvalid: true, maxStoredProblems: 100_000, parallelMinimumBytes: 0,
                                                        parallelChunkBytes: chunk)).get()
            } catch {
                return "\(name) read: \(error)"
            }
            if read.threw != reference.threw || read.report.problems != reference.report.problems
                || read.report[.usage].rowsRead != reference.report[.usage].rowsRead
                || read.report[.usage].rowsKept != reference.report[.usage].rowsKept || read.usage != reference.usage {
                return "the \(name) form reads otherwise (chunk \(chunk)): problems \(read.report.problemCount)/\(reference.report.problemCount), "
                    + "kept \(read.report[.usage].rowsKept)/\(reference.report[.usage].rowsKept), "
                    + "first problem \(read.report.problems.first?.description ?? "none") vs \(reference.report.problems.first?.description ?? "none")"
            }
        }
        return nil
    }

    /// What one read gave: the report, whether it threw a validation error, and the usage columns.
    struct Outcome {
        var report: SignalsReadReport
        var threw: Bool
        var usage: [[Int32]]
    }

    private func read(_ options: SignalsReadOptions) -> Result<Outcome, ReadFailure> {
        do {
            let result = try SignalsReader(options: options).read(directory: directory)
            let report = result.report
            for file in SignalsFile.allCases where report[file].rowsKept > report[file].rowsRead {
                return .failure(ReadFailure("\(file.fileName): kept \(report[file].rowsKept) of \(report[file].rowsRead) rows"))
            }
            let kept = result.dataset.usage?.count ?? 0
            if report[.usage].present, kept != report[.usage].rowsKept {
                return .failure(ReadFailure("usage.csv: \(kept) rows in the table, \(report[.usage].rowsKept) kept"))
            }
            let u = result.dataset.usage
            let usage: [[Int32]] = u.map { u in
                [u.account, u.date.map(\.ordinal)] + [u.activeUsers, u.sessions, u.keyEvents, u.workflowsStarted, u.workflowsCompleted]
                    .map { $0?.raw ?? [] }
            } ?? []
            return .success(Outcome(report: report, threw: false, usage: usage))
        } catch let error as SignalsValidationError {
            return .success(Outcome(report: error.report, threw: true, usage: []))
        } catch {
            return .failure(ReadFailure("\(type(of: error)): \(error)"))
        }
    }

    struct ReadFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A problem that does not name its file, line, column and message properly.
    public static func malformed(_ report: SignalsReadReport, file: SignalsFile, lines: Int) -> String? {
        if report.problemCount < report.problems.count { return "problemCount \(report.problemCount) < \(report.problems.count) stored" }
        for problem in report.problems {
            if problem.file != file { return "a problem in \(problem.file.fileName), which was not fuzzed: \(problem)" }
            if problem.line < 1 || problem.line > lines { return "line \(problem.line) outside 1...\(lines): \(problem)" }
            if problem.column.isEmpty || problem.message.isEmpty { return "a problem without a column or message: \(problem)" }
            if !problem.description.hasPrefix("\(file.fileName):\(problem.line): \(problem.column): ") { return "badly formed: \(problem)" }
        }
        return nil
    }

    private func write(file: SignalsFile, content: [UInt8]) throws {
        if lastFile != file {
            for other in SignalsFile.allCases {
                try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(other.fileName))
            }
            if file != .accounts { try Data(Self.accounts.utf8).write(to: url(.accounts)) }
            if [.timesheets, .milestones, .changeOrders].contains(file) { try Data(Self.projects.utf8).write(to: url(.projects)) }
            lastFile = file
        }
        try Data(content).write(to: url(file))
    }

    private func url(_ file: SignalsFile) -> URL {
        URL(fileURLWithPath: (directory as NSString).appendingPathComponent(file.fileName))
    }
}
