import Foundation
import GRDB
import Testing
import VitalsScoring
import VitalsTestSupport

/// `vitals score` killed at random moments (SIGKILL) or interrupted (SIGINT): once the next
/// writer of the folder has recovered it (`ScoreFolder.recover`), the score files and the
/// history are the previous run's or the whole new run's, together; every file is whole; the
/// history passes `PRAGMA integrity_check`.
///
/// The previous run scored one book; each trial scores another book of the same size with the
/// same model and as-of date, so it replaces the same score files and the same history run.
/// Half the trials are killed at a uniform moment of the run; the other half just after the
/// first temporary output appears, so the writes, renames and history transaction are hit.
///
/// `make test` runs 20 SIGKILL and 10 SIGINT trials on a 1,000-account book. `make crash-test`
/// sets VITALS_CRASH_ACCOUNTS and VITALS_CRASH_TRIALS for a large book and the release binary.
@Suite(.serialized) struct CrashSafetyTests {
    static let environment = ProcessInfo.processInfo.environment
    static let accounts = Int(environment["VITALS_CRASH_ACCOUNTS"] ?? "") ?? 1000
    static let trials = Int(environment["VITALS_CRASH_TRIALS"] ?? "") ?? 20

    /// The scene every trial starts from, and the two outcomes it may end in.
    struct Scene {
        let root: TemporaryDirectory
        let newBook: String
        let model: String
        /// The output directory after the previous run.
        let pristine: String
        let oldFiles: [String: [UInt8]]
        let newFiles: [String: [UInt8]]
        let oldHistory: String
        let newHistory: String
        /// How long an uninterrupted run takes, in seconds.
        let duration: Double
    }

    static let cache = BuiltOnce<Scene>()

    static func scene() throws -> Scene {
        try cache.value {
            let root = try TemporaryDirectory("crash")
            let model = Fixtures.packageRoot.appendingPathComponent("Models/churn.json").path
            for (name, seed) in [("old-book", "11"), ("new-book", "12")] {
                let made = try VitalsProcess.run(["simulate", "--out", root.path(name), "--accounts", "\(accounts)", "--seed", seed])
                guard made.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: made.stderr]) }
            }
            let pristine = root.path("pristine")
            let previous = try VitalsProcess.run(["score", root.path("old-book"), "--model", model, "--out", pristine])
            guard previous.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: previous.stderr]) }
            let reference = root.path("reference")
            try FileManager.default.copyItem(atPath: pristine, toPath: reference)
            let started = Date()
            let complete = try VitalsProcess.run(["score", root.path("new-book"), "--model", model, "--out", reference])
            let duration = Date().timeIntervalSince(started)
            guard complete.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: complete.stderr]) }
            return Scene(root: root, newBook: root.path("new-book"), model: model, pristine: pristine,
                         oldFiles: try scoreFiles(in: pristine), newFiles: try scoreFiles(in: reference),
                         oldHistory: try historyDump(pristine + "/history.sqlite"),
                         newHistory: try historyDump(reference + "/history.sqlite"), duration: duration)
        }
    }

    /// The score files (CSV and JSONL) in a directory, by name.
    static func scoreFiles(in directory: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".csv") || name.hasSuffix(".jsonl") {
            files[name] = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
        }
        return files
    }

    /// Every run and score in a history, as text, after `PRAGMA integrity_check` passed and each
    /// run's row count matched its scores.
    static func historyDump(_ path: String) throws -> String {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard check == ["ok"] else { return "integrity_check: \(check)" }
            let mismatched = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM runs r WHERE r.rows != (SELECT COUNT(*) FROM scores s WHERE s.run_id = r.id)
                """) ?? -1
            guard mismatched == 0 else { return "runs whose row count differs from their scores: \(mismatched)" }
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.task, r.as_of, r.model_id, r.score_file, r.rows, s.entity_id, s.probability, s.risk_band, s.log_odds
                FROM runs r JOIN scores s ON s.run_id = r.id ORDER BY r.as_of, r.task, s.entity_id
                """)
            return rows.map { $0.description }.joined(separator: "\n")
        }
    }

    enum Outcome: String, CaseIterable {
        case untouched = "nothing replaced"
        case complete = "files and history replaced"
    }

    /// Runs one trial: a fresh copy of the previous outputs, a score run stopped by `signal`,
    /// the recovery the next writer of the folder runs, then every check. Returns the outcome,
    /// what recovery did (nil when there was nothing to do) and the leftover temporary files.
    static func trial(_ scene: Scene, index: Int, signal: Int32, rng: inout SeededGenerator)
        throws -> (Outcome, exit: String, recovery: String?, leftovers: [String])
    {
        let out = scene.root.path("trial-\(signal)-\(index)")
        try FileManager.default.copyItem(atPath: scene.pristine, toPath: out)
        defer { try? FileManager.default.removeItem(atPath: out) }

        let process = Process()
        process.executableURL = VitalsProcess.executable
        process.arguments = ["score", scene.newBook, "--model", scene.model, "--out", out]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if index % 2 == 0 {
            usleep(UInt32(Double.random(in: 0...(1.1 * scene.duration), using: &rng) * 1e6))
        } else {
            // Wait for the first temporary file (or a journal), then a few milliseconds more.
            while process.isRunning {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
                if names.contains(where: { $0.hasSuffix(".tmp") || $0.hasSuffix("journal") }) { break }
                usleep(100)
            }
            usleep(UInt32.random(in: 0...15_000, using: &rng))
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let exit = process.terminationReason == .uncaughtSignal ? "signal \(process.terminationStatus)" : "exit \(process.terminationStatus)"

        // What the next `vitals score` into the folder does first, under the folder's lock.
        let folder = ScoreFolder(directory: out)
        let lock = try folder.lock()
        let recovery = try folder.recover()
        lock.release()

        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        let leftovers = names.filter { $0.hasPrefix(".") && $0.hasSuffix(".tmp") }
        let known = Set(scene.newFiles.keys).union(scene.oldFiles.keys).union(["history.sqlite", "history.sqlite-journal"])
        let strays = names.filter { !known.contains($0) && !leftovers.contains($0) }
        #expect(strays.isEmpty, "trial \(index): files that are neither outputs nor temporaries: \(strays)")

        var replaced = 0
        for (name, old) in scene.oldFiles {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: out + "/" + name)))
            let isOld = bytes == old, isNew = bytes == scene.newFiles[name]
            #expect(isOld || isNew, "trial \(index): \(name) is neither the previous file nor the new one (\(bytes.count) bytes)")
            if isNew && !isOld { replaced += 1 }
        }
        let history = try historyDump(out + "/history.sqlite")
        let historyIsNew = history == scene.newHistory
        #expect(history == scene.oldHistory || historyIsNew,
                "trial \(index): the history is neither the previous one nor the previous plus the whole new run")
        // One unit: the new run's files and history together, or neither.
        #expect(replaced == (historyIsNew ? scene.oldFiles.count : 0),
                "trial \(index): \(replaced) of \(scene.oldFiles.count) files replaced with the history \(historyIsNew ? "new" : "old")")
        return (historyIsNew ? .complete : .untouched, exit, recovery, leftovers)
    }

    @Test func sigkillAtRandomMomentsLeavesEveryOutputWholeOrUntouched() throws {
        let scene = try Self.scene()
        #expect(scene.oldFiles.count == 2 && scene.newFiles.keys == scene.oldFiles.keys)
        #expect(scene.oldFiles != scene.newFiles && scene.oldHistory != scene.newHistory)
        var rng = SeededGenerator(seed: 9)
        var outcomes: [Outcome: Int] = [:]
        var exits: [String: Int] = [:]
        var leftoverCount = 0, finished = 0, undone = 0
        for index in 0..<Self.trials {
            let (outcome, exit, recovery, leftovers) = try Self.trial(scene, index: index, signal: SIGKILL, rng: &rng)
            outcomes[outcome, default: 0] += 1
            exits[exit, default: 0] += 1
            leftoverCount += leftovers.count
            if recovery?.hasPrefix("finished") == true { finished += 1 }
            if recovery?.hasPrefix("undid") == true { undone += 1 }
        }
        print("kill trials: \(Self.trials) SIGKILL on a \(Self.accounts)-account book (uninterrupted run \(String(format: "%.2f", scene.duration)) s): "
              + Outcome.allCases.map { "\($0.rawValue) \(outcomes[$0] ?? 0)" }.joined(separator: ", ")
              + "; ended by \(exits.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))"
              + "; interrupted runs finished by the next writer \(finished), undone \(undone); temporary files left behind \(leftoverCount)")
        #expect(exits["signal 9", default: 0] > 0, "no trial was killed before it finished")
    }

    /// Ctrl-C: exit 130 (or 0 when the run finished first), outputs whole or untouched, and no
    /// temporary file left behind.
    @Test func ctrlCRemovesEveryUnfinishedOutput() throws {
        let scene = try Self.scene()
        var rng = SeededGenerator(seed: 10)
        var exits: [String: Int] = [:]
        for index in 0..<max(2, Self.trials / 2) {
            let (_, exit, _, leftovers) = try Self.trial(scene, index: index, signal: SIGINT, rng: &rng)
            #expect(exit == "exit 130" || exit == "exit 0", "trial \(index): \(exit)")
            #expect(leftovers.isEmpty, "trial \(index): \(leftovers) left behind")
            exits[exit, default: 0] += 1
        }
        print("interrupt trials: \(max(2, Self.trials / 2)) SIGINT: \(exits.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))")
        #expect(exits["exit 130", default: 0] > 0, "no trial was interrupted before it finished")
    }

    /// A temporary file left by a killed run is removed by the next write to the same target.
    @Test func theNextRunRemovesTemporaryFilesOfDeadProcesses() throws {
        let scene = try Self.scene()
        let out = scene.root.path("leftovers")
        try FileManager.default.copyItem(atPath: scene.pristine, toPath: out)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let csv = try #require(scene.oldFiles.keys.first { $0.hasSuffix(".csv") })
        // pid 2^22 + 1 is above Linux's default pid_max of 4,194,304, so no process has it.
        let dead = out + "/.\(csv).4194305.tmp"
        try Data("partial".utf8).write(to: URL(fileURLWithPath: dead))
        let result = try VitalsProcess.run(["score", scene.newBook, "--model", scene.model, "--out", out])
        #expect(result.status == 0)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(try Self.scoreFiles(in: out) == scene.newFiles)
    }
}
