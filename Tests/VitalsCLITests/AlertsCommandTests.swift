import Foundation
import Testing
import VitalsHistory
import VitalsTestSupport

/// `vitals alerts` end to end on a simulated book with three scoring runs in its history
/// (the shipped models, so nothing is trained): JSON lines, the terminal summary, webhook
/// delivery to a local receiver with retries, dedup and exit codes, dry runs, config errors.
@Suite(.serialized) struct AlertsCommandTests {
    final class Book: @unchecked Sendable {
        let directory: TemporaryDirectory
        var signals: String { directory.path("signals") }
        var history: String { directory.path("scores/history.sqlite") }
        static let churn = Fixtures.packageRoot.appendingPathComponent("Models/churn.json").path
        static let overrun = Fixtures.packageRoot.appendingPathComponent("Models/overrun.json").path

        private init() throws {
            directory = try VitalsProcess.simulatedBook(accounts: 400, seed: 11, label: "alerts")
            for asOf in ["2025-09-30", "2025-10-31", "2025-11-30"] {
                for model in [Self.churn, Self.overrun] {
                    let result = try VitalsProcess.run(["score", directory.path("signals"), "--model", model, "--as-of", asOf, "--out", directory.path("scores")])
                    guard result.status == 0 else { throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
                }
            }
        }

        static let cache = BuiltOnce<Book>()
        static func shared() throws -> Book { try cache.value(Book.init) }

        /// A copy of the history, so a test's deliveries do not reach the next test.
        func historyCopy(in work: TemporaryDirectory) throws -> String {
            let copy = work.path("history.sqlite")
            try FileManager.default.copyItem(atPath: history, toPath: copy)
            return copy
        }
    }

    static func alerts(_ book: Book, model: String = Book.churn, history: String? = nil, _ more: [String]) throws -> VitalsProcess.Output {
        // The receiver is local: a proxy from the environment (libcurl obeys http_proxy) must not stand in between.
        try VitalsProcess.run(["alerts", book.signals, "--model", model, "--history", history ?? book.history] + more,
                              environment: ["no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost"])
    }

    static func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static let keys: Set<String> = ["id", "kind", "account_id", "project_id", "as_of", "csm", "probability", "previous_probability", "arr",
                                    "model_id", "risk_band", "reason"]

    @Test func jsonLinesAgreeWithTheHistoryAndAreTheSameOnARerun() throws {
        let book = try Book.shared()
        let work = try TemporaryDirectory("alerts-out")
        let result = try Self.alerts(book, ["--out", work.path("a/alerts.jsonl")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let events = try Self.lines(work.path("a/alerts.jsonl"))
        #expect(!events.isEmpty)
        let kinds = Set(events.compactMap { $0["kind"] as? String })
        #expect(kinds.isSubset(of: ["entered_high_band", "renewal_at_risk", "probability_rose", "stayed_high"]))
        #expect(kinds.contains("entered_high_band") && kinds.contains("probability_rose"))
        #expect(Set(events.compactMap { $0["id"] as? String }).count == events.count)

        let history = try ScoreHistory(path: book.history, access: .read)
        let previous = try history.scores(of: try #require(try history.previousRun(task: "churn", before: "2025-12-31")))
        for event in events {
            #expect(Set(event.keys) == Self.keys)
            #expect(event["as_of"] as? String == "2025-12-31" && event["project_id"] is NSNull)
            let id = try #require(event["account_id"] as? String), p = try #require(event["probability"] as? Double)
            let before = previous[id]?.probability
            #expect((event["previous_probability"] as? Double).map { abs($0 - before!) < 1e-12 } ?? (before == nil))
            switch event["kind"] as? String {
            case "entered_high_band": #expect(p >= 0.3 && (before ?? 0) < 0.3 && event["risk_band"] as? String == "high")
            case "probability_rose": #expect((p - before!) * 100 >= 10 - 1e-9)
            default: #expect(p >= 0.3)
            }
        }
        // A rerun writes the same bytes.
        #expect(try Self.alerts(book, ["--out", work.path("b.jsonl")]).status == 0)
        #expect(FileManager.default.contents(atPath: work.path("a/alerts.jsonl")) == FileManager.default.contents(atPath: work.path("b.jsonl")))
    }

    @Test func anOverrunModelGivesProjectEvents() throws {
        let book = try Book.shared()
        let work = try TemporaryDirectory("alerts-out")
        let result = try Self.alerts(book, model: Book.overrun, ["--out", work.path("p.jsonl")])
        #expect(result.status == 0, "\(result.stderr)")
        let events = try Self.lines(work.path("p.jsonl"))
        #expect(!events.isEmpty)
        for event in events {
            #expect(Set(event.keys) == Self.keys)
            #expect(event["project_id"] is String && event["account_id"] is String)
            #expect(["overrun_entered_high_band", "late_entered_high_band", "probability_rose", "stayed_high"].contains(event["kind"] as? String ?? ""))
        }
    }

    @Test func theTerminalSummaryFitsEightyColumns() throws {
        let book = try Book.shared()
        let result = try Self.alerts(book, [])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.contains("churn alerts, 2025-11-30 → 2025-12-31, model churn-") == true, "\(lines.first ?? "")")
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.first { $0.count > 80 } ?? "")")
        #expect(!result.stdout.contains("\u{1B}"))
        let work = try TemporaryDirectory("alerts-out")
        _ = try Self.alerts(book, ["--out", work.path("all.jsonl")])
        #expect(lines.count == (try Self.lines(work.path("all.jsonl"))).count + 1)
    }

    @Test func webhookDeliversEveryEventOnceAcrossReruns() throws {
        let book = try Book.shared()
        let work = try TemporaryDirectory("alerts-hook")
        let history = try book.historyCopy(in: work)
        let receiver = try TestReceiver(script: [.status(500)])  // the first POST fails once, then is retried
        defer { receiver.stop() }
        try work.write("alerts.yaml", "webhook:\n  backoff_seconds: 0\n")
        let first = try Self.alerts(book, history: history, ["--out", work.path("e.jsonl"), "--webhook", receiver.url, "--config", work.path("alerts.yaml")])
        #expect(first.status == 0, "\(first.stderr)")
        let events = try Self.lines(work.path("e.jsonl"))
        let bodies = try receiver.requests.map { try #require(try JSONSerialization.jsonObject(with: $0.body) as? [String: Any]) }
        #expect(receiver.requests.count == events.count + 1)
        #expect(bodies.map { $0["id"] as? String } == [events[0]["id"] as? String] + events.map { $0["id"] as? String })
        #expect(receiver.requests.allSatisfy { $0.headers["idempotency-key"] == (try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any])?["id"] as? String })
        #expect(first.stderr.contains("webhook: \(events.count) delivered, 0 delivered before, 0 failed"), "\(first.stderr)")
        let recorded = try ScoreHistory(path: history, access: .read).deliveries()
        #expect(Set(recorded.map(\.eventID)) == Set(events.compactMap { $0["id"] as? String }))

        let again = try Self.alerts(book, history: history, ["--webhook", receiver.url])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(receiver.requests.count == events.count + 1, "no POST the second time")
        #expect(again.stderr.contains("webhook: 0 delivered, \(events.count) delivered before, 0 failed"), "\(again.stderr)")
    }

    @Test func aHangTimesOutAndIsRetried() throws {
        let book = try Book.shared()
        let work = try TemporaryDirectory("alerts-hook")
        let history = try book.historyCopy(in: work)
        let receiver = try TestReceiver(script: [.hang])
        defer { receiver.stop() }
        try work.write("alerts.yaml", "kinds: [stayed_high]\nwebhook:\n  timeout_seconds: 1\n  backoff_seconds: 0\n")
        let result = try Self.alerts(book, history: history, ["--webhook", receiver.url, "--config", work.path("alerts.yaml"), "--out", work.path("e.jsonl")])
        #expect(result.status == 0, "\(result.stderr)")
        let events = try Self.lines(work.path("e.jsonl"))
        #expect(!events.isEmpty && receiver.requests.count == events.count + 1)
        #expect(try ScoreHistory(path: history, access: .read).deliveries().count == events.count)
    }

    @Test func failuresHaveTheirExitCodes() throws {
        let book = try Book.shared()
        let work = try TemporaryDirectory("alerts-hook")
        try work.write("alerts.yaml", "kinds: [stayed_high]\nwebhook:\n  max_attempts: 2\n  backoff_seconds: 0\n")
        let config = work.path("alerts.yaml")
        // Count the events first.
        #expect(try Self.alerts(book, ["--out", work.path("e.jsonl"), "--config", config]).status == 0)
        let n = try Self.lines(work.path("e.jsonl")).count
        #expect(n >= 2)

        // Some fail: the first event is refused (4xx, not retried), the rest go: 79, and the rerun sends only the refused one.
        let someHistory = try book.historyCopy(in: try TemporaryDirectory("alerts-some"))
        let some = try TestReceiver(script: [.status(400)])
        defer { some.stop() }
        let partly = try Self.alerts(book, history: someHistory, ["--webhook", some.url, "--config", config])
        #expect(partly.status == 79, "\(partly.stderr)")
        #expect(partly.stderr.contains("not delivered: HTTP 400") && some.requests.count == n)
        #expect(try ScoreHistory(path: someHistory, access: .read).deliveries().count == n - 1)
        let rerun = try Self.alerts(book, history: someHistory, ["--webhook", some.url, "--config", config])
        #expect(rerun.status == 0 && some.requests.count == n + 1, "\(rerun.stderr)")

        // Every attempt fails (503 on both attempts of every event): 69, nothing recorded.
        let noneHistory = try book.historyCopy(in: try TemporaryDirectory("alerts-none"))
        let none = try TestReceiver(script: Array(repeating: .status(503), count: 2 * n))
        defer { none.stop() }
        let failed = try Self.alerts(book, history: noneHistory, ["--webhook", none.url, "--config", config])
        #expect(failed.status == 69, "\(failed.stderr)")
        #expect(none.requests.count == 2 * n)
        #expect(try ScoreHistory(path: noneHistory, access: .read).deliveries().isEmpty)
    }

    @Test func aReceiverThatNeverAnswersFailsEveryDeliveryWithExit69() throws {
        let book = try Book.shared()
        let work = try TemporaryDirectory("alerts-hang")
        let history = try book.historyCopy(in: work)
        try work.write("alerts.yaml", "kinds: [stayed_high]\nwebhook:\n  timeout_seconds: 1\n  max_attempts: 1\n")
        #expect(try Self.alerts(book, ["--out", work.path("e.jsonl"), "--config", work.path("alerts.yaml")]).status == 0)
        let n = try Self.lines(work.path("e.jsonl")).count
        let receiver = try TestReceiver(script: Array(repeating: .hang, count: n))
        defer { receiver.stop() }
        let result = try Self.alerts(book, history: history, ["--webhook", receiver.url, "--config", work.path("alerts.yaml")])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("not delivered: timed out after 1 attempt"), "\(result.stderr)")
        #expect(receiver.requests.count == n)
        #expect(try ScoreHistory(path: history, access: .read).deliveries().isEmpty)
    }

    @Test func aDryRunSendsWritesAndRecordsNothing() throws {
        let book = try Book.shared()
        let work = try TemporaryDirectory("alerts-dry")
        let history = try book.historyCopy(in: work)
        let before = FileManager.default.contents(atPath: history)
        let receiver = try TestReceiver()
        defer { receiver.stop() }
        let result = try Self.alerts(book, history: history, ["--webhook", receiver.url, "--out", work.path("e.jsonl"), "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("dry run: would deliver "), "\(result.stdout)")
        #expect(receiver.requests.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: work.path("e.jsonl")))
        #expect(FileManager.default.contents(atPath: history) == before)
    }

    @Test func configErrorsNameTheKey() throws {
        let book = try Book.shared()
        let work = try TemporaryDirectory("alerts-config")
        try work.write("bad.yaml", "renewal_within_days: 30\nwebhook:\n  retries: 3\n")
        let bad = try Self.alerts(book, ["--config", work.path("bad.yaml")])
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("bad.yaml:3: webhook.retries: unknown key"), "\(bad.stderr)")
        try work.write("value.yaml", "stayed_high_runs: one\n")
        let value = try Self.alerts(book, ["--config", work.path("value.yaml")])
        #expect(value.status == 78 && value.stderr.contains("stayed_high_runs"), "\(value.stderr)")
        #expect(try Self.alerts(book, ["--config", work.path("absent.yaml")]).status == 66)
        #expect(try Self.alerts(book, ["--webhook", "ftp://example.com/x"]).status == 64)
    }
}
