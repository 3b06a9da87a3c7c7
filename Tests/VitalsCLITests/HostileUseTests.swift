import Foundation
import GRDB
import Testing
import VitalsAdditive
import VitalsLogistic
import VitalsModel
import VitalsTestSupport

/// Hostile and concurrent use of the binary (issue 17): valid-looking data that would poison
/// scores, score files and history as one unit, a history that is not ours, hostile text,
/// inputs that are not files, and dates the data cannot answer. Every case checks the exit
/// code, the message, and that nothing that was there changed.
enum HostileFixture {
    static let book = BuiltOnce<TemporaryDirectory>()
    static let models = BuiltOnce<TemporaryDirectory>()

    /// A 300-account simulated book.
    static func signals() throws -> String {
        try book.value { try VitalsProcess.simulatedBook(accounts: 300, seed: 17, label: "hostile-book") }.path("signals")
    }

    /// Churn and overrun models trained on it (the shipped configs, labels up to 2025-06-30).
    static func model(_ task: String) throws -> String {
        let dir = try models.value { () throws -> TemporaryDirectory in
            let dir = try TemporaryDirectory("hostile-models")
            for task in ["churn", "overrun"] {
                let config = Fixtures.packageRoot.appendingPathComponent("Training/\(task).yaml").path
                let trained = try VitalsProcess.run(["train", try signals(), "--config", config, "--until", "2025-06-30", "--out", dir.path("\(task).json"), "-q"])
                guard trained.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: trained.stderr]) }
            }
            return dir
        }
        return dir.path("\(task).json")
    }

    /// A copy of the book's signals to damage.
    static func copyOfSignals(in dir: TemporaryDirectory) throws -> String {
        let copy = dir.path("signals")
        try FileManager.default.copyItem(atPath: try signals(), toPath: copy)
        return copy
    }

    /// Every file under `path` with its bytes (nil for a missing path): what "left as it was" compares.
    static func contents(_ path: String) -> [String: Data]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return ["": FileManager.default.contents(atPath: path) ?? Data()] }
        var out: [String: Data] = [:]
        for name in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
            let full = path + "/" + name
            var sub: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { out[name] = FileManager.default.contents(atPath: full) }
        }
        return out
    }

    static func append(_ line: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
        try handle.close()
    }

    /// Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN): the full-disk cases need one.
    static let canMount: Bool = {
        guard getuid() == 0, let dir = try? TemporaryDirectory("mount-probe") else { return false }
        defer { dir.remove() }
        let mounted = (try? run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.path])) == 0
        if mounted { _ = try? run("/bin/umount", [dir.path]) }
        return mounted
    }()

    /// Runs a system command; returns its exit status.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A tmpfs of `kilobytes` mounted at a fresh directory (unmounted by `unmount`).
    static func tinyDisk(kilobytes: Int, label: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory(label)
        guard try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", dir.path]) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: "mount failed"])
        }
        return dir
    }

    static func unmount(_ dir: TemporaryDirectory) {
        _ = try? run("/bin/umount", [dir.path])
        dir.remove()
    }

    /// The launcher that runs vitals as `nobody` (root ignores file permissions), or nil when not root.
    static var asNobody: [String]? {
        guard getuid() == 0, let vitals = VitalsProcess.executable?.path else { return nil }
        return ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", vitals]
    }
}

/// Valid-looking data and files that would put NaN into scores are refused where they are,
/// and good score files are never replaced by bad ones.
@Suite(.serialized) struct NonFiniteInputTests {
    @Test func anOverflowingTimesheetIsRefusedOnItsLineAndLeavesTheScoresAlone() throws {
        let dir = try TemporaryDirectory("nan-timesheet")
        defer { dir.remove() }
        let signals = try HostileFixture.copyOfSignals(in: dir)
        let out = dir.path("scores")
        #expect(try VitalsProcess.run(["score", signals, "--model", try HostileFixture.model("overrun"), "--out", out, "-q"]).status == 0)
        let before = HostileFixture.contents(out)
        let project = try String(contentsOfFile: signals + "/projects.csv", encoding: .utf8).split(separator: "\n")[1].split(separator: ",")[0]
        try HostileFixture.append("\(project),2025-12-01,1.7e308,engineer", to: signals + "/timesheets.csv")
        try HostileFixture.append("\(project),2025-12-02,1.7e308,engineer", to: signals + "/timesheets.csv")
        let lines = try String(contentsOfFile: signals + "/timesheets.csv", encoding: .utf8).split(separator: "\n").count
        let scored = try VitalsProcess.run(["score", signals, "--model", try HostileFixture.model("overrun"), "--out", out, "-q"])
        #expect(scored.status == 65)
        #expect(scored.stderr.contains("timesheets.csv:\(lines - 1): hours: 1.7e308 is implausible for hours in one timesheet row"), "\(scored.stderr)")
        #expect(HostileFixture.contents(out) == before)
        let listed = try VitalsProcess.run(["projects", signals, "--model", try HostileFixture.model("overrun"), "-q"])
        #expect(listed.status == 65, "\(listed.stderr)")
    }

    /// A coefficient of 1e308 in a model whose id was recomputed: refused on load, nothing written.
    @Test func aModelWithAnAbsurdCoefficientIsRefused() throws {
        let dir = try TemporaryDirectory("nan-model")
        defer { dir.remove() }
        var file = try ModelFile.load(path: try HostileFixture.model("churn"))
        var coefficients = file.model.core.coefficients
        coefficients[0] = 1e308
        file.model = FittedLogisticRegressionEditing.replacing(file.model, coefficients: coefficients)
        let path = dir.path("edited.json")
        try file.sealed().serialized().write(to: URL(fileURLWithPath: path))
        let out = dir.path("scores")
        let scored = try VitalsProcess.run(["score", try HostileFixture.signals(), "--model", path, "--out", out, "-q"])
        #expect(scored.status == 65)
        #expect(scored.stderr.contains("the coefficient of \(file.model.core.featureNames[0]) is 1e+308"), "\(scored.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test(arguments: [
        ("model:\n  c: 1e-320\n", "model.c: must be a number from 1e-6 to 1e6"),
        ("model:\n  tolerance: 1e-320\n  max_iterations: 1000000000\n", "model.max_iterations: must be an integer from 1 to 10000"),
        ("model:\n  tolerance: 1e-320\n", "model.tolerance: must be a number from 1e-12 to 0.1"),
        ("model:\n  c_grid: [0.1, 1e-320]\n", "model.c_grid: must be a list of 1 to 20 numbers from 1e-6 to 1e6"),
        ("states:\n  engagement:\n    active_user_ratio_3Od: 1\n", "states.engagement: 'active_user_ratio_3Od' is not a feature the health states can use"),
        ("states:\n  engagement:\n    active_user_ratio_30d: 1e-320\n", "states.engagement: each entry must be feature_name: a weight from 1e-06 to 1000000.0"),
    ])
    func aConfigOutsideItsRangesIsRefusedBeforeAnyDataIsRead(body: String, expected: String) throws {
        let dir = try TemporaryDirectory("config-range")
        defer { dir.remove() }
        let config = try dir.write("c.yaml", "task: churn\n" + body)
        // A signals directory that does not exist: the config must be refused first.
        let result = try VitalsProcess.run(["train", dir.path("no-signals"), "--config", config, "--out", dir.path("m.json")])
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }

    @Test func fortyThousandEngagementKeysAreRefusedAtOnce() throws {
        let dir = try TemporaryDirectory("config-keys")
        defer { dir.remove() }
        let keys = (0..<40_000).map { "    feature_\($0): 1\n" }.joined()
        let config = try dir.write("c.yaml", "task: churn\nstates:\n  engagement:\n" + keys)
        let started = Date()
        let result = try VitalsProcess.run(["train", dir.path("no-signals"), "--config", config, "--out", dir.path("m.json")])
        #expect(result.status == 78 && result.stderr.contains("must map 1 to 50 catalog features"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 20, "took \(Date().timeIntervalSince(started)) s")
    }
}

/// Edits a fitted model's coefficients through its JSON, as a hand-edited file would.
enum FittedLogisticRegressionEditing {
    static func replacing(_ model: FittedRiskModel, coefficients: [Double]) -> FittedRiskModel {
        var object = try! JSONSerialization.jsonObject(with: JSONEncoder().encode(model)) as! [String: Any]
        object["coefficients"] = coefficients
        return try! JSONDecoder().decode(FittedRiskModel.self, from: JSONSerialization.data(withJSONObject: object))
    }
}

/// The score files and the history land as one unit, and runs into one folder take turns.
@Suite(.serialized) struct ScoreFilesAndHistoryTests {
    static func score(_ out: String, history: String? = nil, asOf: String? = nil, launcher: [String] = []) throws -> VitalsProcess.Output {
        var arguments = ["score", try HostileFixture.signals(), "--model", try HostileFixture.model("churn"), "--out", out, "-q"]
        if let history { arguments += ["--history", history] }
        if let asOf { arguments += ["--as-of", asOf] }
        return try VitalsProcess.run(arguments, launcher: launcher)
    }

    /// A history that cannot be written (read-only to the user running vitals): no score file
    /// replaced, and the message says why in words.
    @Test(.enabled(if: HostileFixture.asNobody != nil, "needs root, to run vitals as a user the file's permissions stop"))
    func aReadOnlyHistoryLeavesTheScoreFilesAsTheyWere() throws {
        let dir = try TemporaryDirectory("readonly-history")
        defer { dir.remove() }
        let out = dir.path("scores")
        #expect(try Self.score(out, asOf: "2025-11-30").status == 0)
        // The folder belongs to nobody; the history stays root's, read-only to nobody.
        _ = try HostileFixture.run("/bin/chown", ["-R", "65534:65534", dir.path])
        _ = try HostileFixture.run("/bin/chown", ["0:0", out + "/history.sqlite"])
        _ = try HostileFixture.run("/bin/chmod", ["644", out + "/history.sqlite"])
        let before = HostileFixture.contents(out)
        let result = try Self.score(out, launcher: HostileFixture.asNobody!)
        #expect(result.status == 73 || result.status == 66, "\(result.stderr)")
        #expect(result.stderr.contains("history.sqlite"), "\(result.stderr)")
        #expect(!result.stderr.contains("SQLite error"), "\(result.stderr)")
        #expect(HostileFixture.contents(out) == before)
    }

    /// No room for the second score file: neither is replaced, the history has no new run.
    @Test(.enabled(if: HostileFixture.canMount, "needs root with CAP_SYS_ADMIN to mount a tiny tmpfs"))
    func aFullOutputDiskReplacesNothing() throws {
        let disk = try HostileFixture.tinyDisk(kilobytes: 96, label: "full-out")
        defer { HostileFixture.unmount(disk) }
        let history = try TemporaryDirectory("full-out-history")
        defer { history.remove() }
        let out = disk.path("scores")
        let result = try Self.score(out, history: history.path("h.sqlite"))
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "a failed first run left its folder")
        #expect(!FileManager.default.fileExists(atPath: history.path("h.sqlite")), "a failed first run left a new history")
    }

    /// A history on a full disk: the append fails in words, and the score files stay as they were.
    @Test(.enabled(if: HostileFixture.canMount, "needs root with CAP_SYS_ADMIN to mount a tiny tmpfs"))
    func aHistoryOnAFullDiskLeavesTheScoreFilesAsTheyWere() throws {
        let dir = try TemporaryDirectory("full-history")
        defer { dir.remove() }
        let disk = try HostileFixture.tinyDisk(kilobytes: 256, label: "full-history-disk")
        defer { HostileFixture.unmount(disk) }
        let out = dir.path("scores"), history = disk.path("h.sqlite")
        #expect(try Self.score(out, history: history, asOf: "2025-11-30").status == 0)
        // Fill the disk, then score a later date.
        try? Data(count: 512 << 10).write(to: URL(fileURLWithPath: disk.path("filler")))
        let files = HostileFixture.contents(out), stored = HostileFixture.contents(history)
        let result = try Self.score(out, history: history)
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("the disk is full"), "\(result.stderr)")
        #expect(HostileFixture.contents(out) == files)
        #expect(HostileFixture.contents(history) == stored)
    }

    /// A dashboard holding a read transaction delays the run; the run lands when it lets go.
    @Test func aReaderHoldingATransactionDelaysButDoesNotFailTheRun() throws {
        let dir = try TemporaryDirectory("busy-history")
        defer { dir.remove() }
        let out = dir.path("scores"), history = out + "/history.sqlite"
        #expect(try Self.score(out, asOf: "2025-11-30").status == 0)
        let reader = try DatabaseQueue(path: history)
        let holding = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        done.enter()
        DispatchQueue.global().async {
            try? reader.inDatabase { db in
                try db.execute(sql: "BEGIN")
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM scores")
                holding.signal()
                usleep(3_000_000)
                try db.execute(sql: "COMMIT")
            }
            done.leave()
        }
        holding.wait()
        let started = Date()
        let result = try Self.score(out)
        done.wait()
        #expect(result.status == 0, "\(result.stderr)")
        let runs = try reader.read { db in try String.fetchAll(db, sql: "SELECT as_of FROM runs ORDER BY as_of") }
        #expect(runs == ["2025-11-30", "2025-12-31"])
        print("a score run waited \(String(format: "%.1f", Date().timeIntervalSince(started))) s for a reader's transaction")
    }

    /// Three runs into one folder and history at once: they take turns, and all land.
    @Test func concurrentRunsIntoOneFolderAllLand() throws {
        let dir = try TemporaryDirectory("concurrent")
        defer { dir.remove() }
        let out = dir.path("scores")
        let dates = ["2025-09-30", "2025-10-31", "2025-11-30"]
        nonisolated(unsafe) var results = [VitalsProcess.Output?](repeating: nil, count: dates.count)
        DispatchQueue.concurrentPerform(iterations: dates.count) { k in results[k] = try? Self.score(out, asOf: dates[k]) }
        for (k, result) in results.enumerated() { #expect(result?.status == 0, "run \(dates[k]): \(result?.stderr ?? "did not start")") }
        let runs = try DatabaseQueue(path: out + "/history.sqlite").read { db in try String.fetchAll(db, sql: "SELECT as_of FROM runs ORDER BY as_of") }
        #expect(runs == dates)
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names == (dates.flatMap { ["churn-scores-\($0).csv", "churn-scores-\($0).jsonl"] } + ["history.sqlite"]).sorted())
    }
}

/// The history file is Vitals' own: foreign or newer files are refused untouched, and the
/// read-only commands only read.
@Suite(.serialized) struct HistoryOwnershipTests {
    /// An SQLite database of someone else's.
    static func foreign(in dir: TemporaryDirectory) throws -> String {
        let path = dir.path("crm.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT)")
            try db.execute(sql: "INSERT INTO customers VALUES ('C1', 'Acme')")
        }
        return path
    }

    @Test func aForeignDatabaseIsRefusedUntouchedByEveryCommand() throws {
        let dir = try TemporaryDirectory("foreign-history")
        defer { dir.remove() }
        let path = try Self.foreign(in: dir)
        let before = FileManager.default.contents(atPath: path)
        let scored = try ScoreFilesAndHistoryTests.score(dir.path("scores"), history: path)
        #expect(scored.status == 65 && scored.stderr.contains("is an SQLite database but not a Vitals score history"), "\(scored.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("scores")))
        let listed = try VitalsProcess.run(["history", "--history", path, "--account", "A000001"])
        #expect(listed.status == 65, "\(listed.stderr)")
        let atRisk = try VitalsProcess.run(["at-risk", try HostileFixture.signals(), "--model", try HostileFixture.model("churn"), "--history", path, "-q"])
        #expect(atRisk.status == 65, "\(atRisk.stderr)")
        #expect(FileManager.default.contents(atPath: path) == before)
    }

    @Test func anEmptyFileStaysEmptyUnderAReadOnlyCommand() throws {
        let dir = try TemporaryDirectory("empty-history")
        defer { dir.remove() }
        let path = try dir.write("empty.sqlite", "")
        let listed = try VitalsProcess.run(["history", "--history", path, "--account", "A000001"])
        #expect(listed.status == 65 && listed.stderr.contains("is empty, not a Vitals score history"), "\(listed.stderr)")
        #expect(FileManager.default.contents(atPath: path)?.count == 0)
    }

    @Test func aHistoryFromANewerVitalsIsRefusedUntouched() throws {
        let dir = try TemporaryDirectory("newer-history")
        defer { dir.remove() }
        let out = dir.path("scores"), path = out + "/history.sqlite"
        #expect(try ScoreFilesAndHistoryTests.score(out, asOf: "2025-11-30").status == 0)
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9')") }
        let before = HostileFixture.contents(out)
        let scored = try ScoreFilesAndHistoryTests.score(out)
        #expect(scored.status == 65 && scored.stderr.contains("was written by a newer vitals"), "\(scored.stderr)")
        #expect(HostileFixture.contents(out) == before)
    }

    /// Reading a history (trend, list, explanation) never writes to it.
    @Test func readOnlyCommandsLeaveTheHistoryByteForByte() throws {
        let dir = try TemporaryDirectory("read-only-history")
        defer { dir.remove() }
        let out = dir.path("scores"), path = out + "/history.sqlite"
        #expect(try ScoreFilesAndHistoryTests.score(out).status == 0)
        let before = HostileFixture.contents(out)
        let id = try String(contentsOfFile: out + "/churn-scores-2025-12-31.csv", encoding: .utf8).split(separator: "\n")[1].split(separator: ",")[0]
        #expect(try VitalsProcess.run(["history", "--history", path, "--account", String(id)]).status == 0)
        let signals = try HostileFixture.signals(), model = try HostileFixture.model("churn")
        #expect(try VitalsProcess.run(["at-risk", signals, "--model", model, "--history", path, "-q"]).status == 0)
        #expect(try VitalsProcess.run(["explain", signals, "--model", model, "--history", path, "--account", String(id), "-q"]).status == 0)
        #expect(HostileFixture.contents(out) == before)
    }
}

/// Names and ids that a spreadsheet would run as formulas, or a terminal would obey, are
/// written neutralized in every CSV, exactly in JSON Lines, and escaped on a terminal.
@Suite(.serialized) struct HostileTextTests {
    static let formulas = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
    static let escape = "Evil\u{1B}[2J\u{1B}]0;pwned\u{07}"

    /// The book with four scored accounts' ids replaced by formulas, a fifth by an id with a
    /// line break, and a CSM's name by escape sequences.
    static func hostileBook(in dir: TemporaryDirectory) throws -> (signals: String, ids: [String]) {
        let signals = try HostileFixture.copyOfSignals(in: dir)
        let probe = try VitalsProcess.run(["score", signals, "--model", try HostileFixture.model("churn"), "--out", dir.path("probe"), "--no-history", "-q"])
        guard probe.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: probe.stderr]) }
        let scored = try String(contentsOfFile: dir.path("probe/churn-scores-2025-12-31.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().prefix(5).map { String($0.split(separator: ",")[0]) }
        let hostile = formulas + ["Line\nBreak"]
        for name in try FileManager.default.contentsOfDirectory(atPath: signals) where name.hasSuffix(".csv") {
            var text = try String(contentsOfFile: signals + "/" + name, encoding: .utf8)
            for (old, new) in zip(scored, hostile) {
                text = text.replacingOccurrences(of: old + ",", with: "\"" + new.replacingOccurrences(of: "\"", with: "\"\"") + "\",")
            }
            if name == "accounts.csv" {
                // The first hostile account's CSM (after the segment, in the simulator's accounts.csv).
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let k = lines.firstIndex { $0.hasPrefix("\"=HYPERLINK") }!
                lines[k] = lines[k].replacingOccurrences(of: ",SMB,", with: ",SMB,\(escape)X").replacingOccurrences(of: ",Mid-Market,", with: ",Mid-Market,\(escape)X")
                    .replacingOccurrences(of: ",Enterprise,", with: ",Enterprise,\(escape)X")
                text = lines.joined(separator: "\n")
            }
            try text.write(toFile: signals + "/" + name, atomically: true, encoding: .utf8)
        }
        return (signals, hostile)
    }

    @Test func formulasAreNeutralizedInCSVAndExactInJSONLines() throws {
        let dir = try TemporaryDirectory("hostile-text")
        defer { dir.remove() }
        let (signals, ids) = try Self.hostileBook(in: dir)
        let validated = try VitalsProcess.run(["validate", signals, "-q"])
        #expect(validated.status == 0, "\(validated.stdout)\(validated.stderr)")
        #expect(validated.stdout.contains("csm: 1 value holds control characters") && validated.stdout.contains("account_id: 1 value holds control characters"),
                "\(validated.stdout)")
        #expect(!validated.stdout.contains("\u{1B}"), "validate printed a raw escape")

        let out = dir.path("scores"), model = try HostileFixture.model("churn")
        #expect(try VitalsProcess.run(["score", signals, "--model", model, "--out", out, "--as-of", "2025-11-30", "--no-history", "-q"]).status == 0)
        let second = try VitalsProcess.run(["score", signals, "--model", model, "--out", out, "--no-history", "-q"])
        #expect(second.status == 0, "\(second.stderr)")
        let csv = try String(contentsOfFile: out + "/churn-scores-2025-12-31.csv", encoding: .utf8)
        let jsonl = try String(contentsOfFile: out + "/churn-scores-2025-12-31.jsonl", encoding: .utf8)
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",") && csv.contains("'+cmd|' /C calc'!A0,") && csv.contains("\n'-2+3,")
                && csv.contains("\n'@SUM(A1),"), "\(csv.prefix(600))")
        // No cell a spreadsheet would run: no line starts with a formula character, quoted or not.
        for line in csv.split(separator: "\n") {
            #expect(!["=", "+", "-", "@", "\"=", "\"+", "\"-", "\"@"].contains { line.hasPrefix($0) }, "\(line)")
        }
        for id in ids.prefix(4) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            let json = String(decoding: try encoder.encode(id), as: UTF8.self)
            #expect(jsonl.contains("{\"account_id\":\(json),"), "\(id) not exact in JSON Lines")
        }
        // The previous run is read back from the neutralized CSV: every hostile id has its previous probability.
        let rows = jsonl.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        for id in ids {
            let row = rows.first { $0["account_id"] as? String == id }
            #expect(row?["previous_probability"] is Double, "\(id): no previous probability")
        }

        let list = try VitalsProcess.run(["at-risk", signals, "--model", model, "--top", "2000", "--format", "csv", "-q"])
        #expect(list.status == 0 && list.stdout.contains(",'-2+3,") && !list.stdout.contains(",-2+3,"), "\(list.stderr)")
        let table = try VitalsProcess.run(["at-risk", signals, "--model", model, "--top", "2000", "--width", "120", "-q"])
        #expect(table.status == 0 && !table.stdout.contains("\u{1B}") && table.stdout.contains("Evil\\e[2J"), "\(table.stderr)")
        #expect(!table.stdout.split(separator: "\n").contains { $0.hasPrefix("Break") }, "an id with a line break broke the table")
        let features = try VitalsProcess.run(["features", signals, "--as-of", "2025-12-31", "--out", dir.path("f.csv"), "-q"])
        #expect(features.status == 0)
        let table2 = try String(contentsOfFile: dir.path("f.csv"), encoding: .utf8)
        #expect(table2.contains("\n'@SUM(A1),") && !table2.contains("\n@SUM(A1),"))
    }
}

/// Only regular files are read: pipes, devices, directories and broken links are refused at
/// once with exit 66, and a model file is capped in size.
@Suite(.serialized) struct BoundedInputTests {
    /// Runs vitals, failing the test if it has not finished in `seconds` (it is then killed).
    static func runFinite(_ arguments: [String], seconds: Double = 60) throws -> VitalsProcess.Output {
        nonisolated(unsafe) var output: VitalsProcess.Output?
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            output = try? VitalsProcess.run(arguments)
            finished.signal()
        }
        if finished.wait(timeout: .now() + seconds) == .timedOut {
            _ = try? HostileFixture.run("/usr/bin/pkill", ["-f", arguments.joined(separator: " ")])
            finished.wait()
            Issue.record("vitals \(arguments.first ?? "") did not finish in \(seconds) s")
        }
        return output ?? VitalsProcess.Output(status: -1, stdout: "", stderr: "")
    }

    @Test func aFIFOAsASignalsFileIsRefusedNotWaitedOn() throws {
        let dir = try TemporaryDirectory("fifo-signals")
        defer { dir.remove() }
        let signals = try HostileFixture.copyOfSignals(in: dir)
        try FileManager.default.removeItem(atPath: signals + "/tickets.csv")
        #expect(mkfifo(signals + "/tickets.csv", 0o644) == 0)
        for command in [["validate", signals], ["score", signals, "--model", try HostileFixture.model("churn"), "--out", dir.path("out")]] {
            let result = try Self.runFinite(command + ["-q"])
            #expect(result.status == 66 && result.stderr.contains("tickets.csv: is a FIFO (named pipe), not a regular file"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("out")))
    }

    @Test func brokenLinksAndLoopsAreUnreadableNotAbsent() throws {
        let dir = try TemporaryDirectory("links-signals")
        defer { dir.remove() }
        let signals = try HostileFixture.copyOfSignals(in: dir)
        try FileManager.default.removeItem(atPath: signals + "/nps.csv")
        try FileManager.default.createSymbolicLink(atPath: signals + "/nps.csv", withDestinationPath: signals + "/nowhere.csv")
        let dangling = try Self.runFinite(["validate", signals, "-q"])
        #expect(dangling.status == 66 && dangling.stderr.contains("nps.csv: is a symbolic link to a missing file"), "\(dangling.stderr)")
        try FileManager.default.removeItem(atPath: signals + "/nps.csv")
        try FileManager.default.createSymbolicLink(atPath: signals + "/nps.csv", withDestinationPath: signals + "/nps.csv")
        let loop = try Self.runFinite(["validate", signals, "-q"])
        #expect(loop.status == 66 && loop.stderr.contains("nps.csv: is a symbolic link loop"), "\(loop.stderr)")
    }

    @Test(.enabled(if: HostileFixture.asNobody != nil, "needs root, to run vitals as a user the directory's permissions stop"))
    func anUnreadableDirectoryIsUnreadableNotMissing() throws {
        let dir = try TemporaryDirectory("unreadable-signals")
        defer { dir.remove() }
        let signals = try HostileFixture.copyOfSignals(in: dir)
        _ = try HostileFixture.run("/bin/chmod", ["755", dir.path])
        _ = try HostileFixture.run("/bin/chmod", ["700", signals])
        let result = try VitalsProcess.run(["validate", signals, "-q"], launcher: HostileFixture.asNobody!)
        #expect(result.status == 66 && result.stderr.contains("cannot read the directory: permission denied"), "\(result.stderr)")
    }

    @Test func aModelThatIsNotARegularFileIsRefusedAtOnce() throws {
        let dir = try TemporaryDirectory("model-inputs")
        defer { dir.remove() }
        #expect(mkfifo(dir.path("fifo.json"), 0o644) == 0)
        let signals = try HostileFixture.signals()
        for (model, expected) in [(dir.path("fifo.json"), "is a FIFO"), ("/dev/zero", "is a character device"), (dir.path(""), "is a directory")] {
            let result = try Self.runFinite(["score", signals, "--model", model, "--out", dir.path("out"), "-q"])
            #expect(result.status == 66 && result.stderr.contains(expected), "\(model): \(result.stderr)")
        }
        // A 2 GB file (sparse: no disk used) is refused before it is read.
        let huge = dir.path("huge.json")
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        #expect(truncate(huge, 2 << 30) == 0)
        let started = Date()
        let result = try Self.runFinite(["score", signals, "--model", huge, "--out", dir.path("out"), "-q"])
        #expect(result.status == 65 && result.stderr.contains("has 2147483648 bytes, more than a model file can be"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 5)
        // A config that is a FIFO, likewise.
        #expect(mkfifo(dir.path("config.yaml"), 0o644) == 0)
        let config = try Self.runFinite(["train", signals, "--config", dir.path("config.yaml"), "--out", dir.path("m.json")])
        #expect(config.status == 66 && config.stderr.contains("is a FIFO"), "\(config.stderr)")
    }
}

/// Dates the data cannot answer are refused with the data's range.
@Suite struct DateRangeTests {
    @Test(arguments: ["2099-12-31", "1990-01-01"])
    func scoringOutsideTheDataIsRefused(day: String) throws {
        let dir = try TemporaryDirectory("as-of-range")
        defer { dir.remove() }
        let result = try VitalsProcess.run(["score", try HostileFixture.signals(), "--model", try HostileFixture.model("churn"), "--out", dir.path("out"),
                                            "--as-of", day, "-q"])
        #expect(result.status == 64 && result.stderr.contains("the as-of date \(day) is") && result.stderr.contains("day of the data (it runs"),
                "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out")))
        let list = try VitalsProcess.run(["at-risk", try HostileFixture.signals(), "--model", try HostileFixture.model("churn"), "--as-of", day, "-q"])
        #expect(list.status == 64, "\(list.stderr)")
    }

    @Test func aFeatureRangeThatIsInvertedOrEmptyIsRefused() throws {
        let dir = try TemporaryDirectory("feature-range")
        defer { dir.remove() }
        let signals = try HostileFixture.signals()
        let inverted = try VitalsProcess.run(["features", signals, "--from", "2025-10-01", "--to", "2025-01-01", "--out", dir.path("f.csv")])
        #expect(inverted.status == 64 && inverted.stderr.contains("--from 2025-10-01 is after --to 2025-01-01"), "\(inverted.stderr)")
        let empty = try VitalsProcess.run(["features", signals, "--from", "2030-01-01", "--out", dir.path("f.csv"), "-q"])
        #expect(empty.status == 64 && empty.stderr.contains("no monthly snapshot date falls in"), "\(empty.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("f.csv")))
    }

    @Test func scoringADateTheModelTrainedOnIsWarnedAbout() throws {
        let dir = try TemporaryDirectory("in-sample")
        defer { dir.remove() }
        let result = try VitalsProcess.run(["score", try HostileFixture.signals(), "--model", try HostileFixture.model("churn"), "--out", dir.path("out"),
                                            "--as-of", "2024-12-31", "-q"])
        #expect(result.status == 0 && result.stderr.contains("warning: 2024-12-31 is inside the model's training snapshots"), "\(result.stderr)")
    }

    @Test func aSimulatedWindowPastTheReadersRangeIsRefused() throws {
        let result = try VitalsProcess.run(["simulate", "--out", "/tmp/never-simulated", "--start", "2099-06-01"])
        #expect(result.status == 64 && result.stderr.contains("every date the book holds is one the reader accepts"), "\(result.stderr)")
    }
}

/// What the sweep beyond the issue's list found (each crashed or misbehaved before).
@Suite struct SweepFindingsTests {
    @Test func hugeNumericOptionsAreRefusedNotTrappedOn() throws {
        let dir = try TemporaryDirectory("huge-options")
        defer { dir.remove() }
        let signals = try HostileFixture.signals(), model = try HostileFixture.model("churn")
        // Was: an Int32 overflow trap (exit 132) in the label window.
        let horizon = try VitalsProcess.run(["features", signals, "--as-of", "2025-12-31", "--horizon", "3000000000", "--out", dir.path("f.csv")])
        #expect(horizon.status == 64 && horizon.stderr.contains("--horizon must be from 1 to 730 days"), "\(horizon.stderr)")
        // Was: an allocation of 10¹¹ spaces per cell (abort, 134).
        let width = try VitalsProcess.run(["at-risk", signals, "--model", model, "--width", "99999999999", "-q"])
        #expect(width.status == 64 && width.stderr.contains("--width must be from 60 to 1000"), "\(width.stderr)")
        let columns = try VitalsProcess.run(["at-risk", signals, "--model", model, "--top", "2", "-q"], environment: ["COLUMNS": "99999999999"])
        #expect(columns.status == 0, "\(columns.stderr)")
    }

    /// A segment per account is an identifier: training leaves it out with a warning instead of
    /// adding a column per account.
    @Test func aSegmentWithAValuePerAccountIsLeftOut() throws {
        let dir = try TemporaryDirectory("identifier-segment")
        defer { dir.remove() }
        let signals = try HostileFixture.copyOfSignals(in: dir)
        var lines = try String(contentsOfFile: signals + "/accounts.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        for k in 1..<lines.count {
            lines[k] = lines[k].replacingOccurrences(of: ",SMB,", with: ",S\(k),").replacingOccurrences(of: ",Mid-Market,", with: ",M\(k),")
                .replacingOccurrences(of: ",Enterprise,", with: ",E\(k),")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: signals + "/accounts.csv", atomically: true, encoding: .utf8)
        let trained = try VitalsProcess.run(["train", signals, "--task", "churn", "--out", dir.path("m.json")])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stderr.contains("warning: segment has 300 distinct values (more than 100); left out as an identifier"), "\(trained.stderr)")
        let model = try ModelFile.load(path: dir.path("m.json"))
        #expect(!model.model.featureNames.contains { $0.hasPrefix("segment=") })
    }

    @Test func simulatingOverADirectoryNamesTheOption() throws {
        let dir = try TemporaryDirectory("simulate-exists")
        defer { dir.remove() }
        let result = try VitalsProcess.run(["simulate", "--out", dir.path, "--accounts", "10"])
        #expect(result.status == 73 && result.stderr.contains("already exists; nothing was written over it (pass --force to replace it)"), "\(result.stderr)")
    }
}
