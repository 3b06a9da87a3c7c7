import Foundation
import Testing
import VitalsTestSupport

/// train → evaluate → score on a simulated signals directory, as `make demo` runs them.
@Suite(.serialized) struct SignalsLifecycleCommandTests {
    final class Book: @unchecked Sendable {
        let directory: TemporaryDirectory
        var signals: String { directory.path("signals") }
        private init() throws {
            directory = try TemporaryDirectory("lifecycle")
            let result = try VitalsProcess.run(["simulate", "--out", directory.path("signals"), "--accounts", "1000", "--seed", "42"])
            precondition(result.status == 0, result.stderr)
        }
        static let cache = BuiltOnce<Book>()
        static func shared() throws -> Book { try cache.value(Book.init) }
    }

    static func train(_ task: String, _ book: Book, out: String) throws -> VitalsProcess.Output {
        try VitalsProcess.run(["train", book.signals, "--config", Fixtures.packageRoot.appendingPathComponent("Training/\(task).yaml").path,
                               "--until", "2025-06-30", "--out", out])
    }

    /// On the months after the training cutoff, both models beat both baselines in AUC and precision@k.
    @Test(arguments: ["churn", "overrun"])
    func modelsBeatBothBaselinesOnLaterMonths(task: String) throws {
        let book = try Book.shared()
        let model = book.directory.path("\(task).json")
        let trained = try Self.train(task, book, out: model)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("converged true"))
        let evaluated = try VitalsProcess.run(["evaluate", book.signals, "--model", model, "--from", "2025-07-01", "--json"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any])
        let baselines = try #require(figures["baselines"] as? [String: [String: Any]])
        #expect(baselines.count == 2)
        let auc = try #require(figures["auc"] as? Double), precision = try #require(figures["precision_at_k"] as? Double)
        for (name, baseline) in baselines {
            let baselineAUC = try #require(baseline["auc"] as? Double), baselinePrecision = try #require(baseline["precision_at_k"] as? Double)
            print("\(task): model AUC \(auc) vs \(name) \(baselineAUC); precision@k \(precision) vs \(baselinePrecision)")
            #expect(auc > baselineAUC, "\(task) AUC \(auc) vs \(name) \(baselineAUC)")
            #expect(precision > baselinePrecision, "\(task) precision@k \(precision) vs \(name) \(baselinePrecision)")
        }
        // Training windows may not be evaluated on unless asked.
        let overlap = try VitalsProcess.run(["evaluate", book.signals, "--model", model, "--from", "2025-01-01"])
        #expect(overlap.status == 65 && overlap.stderr.contains("inside the model's training snapshots"))
    }

    /// Scoring is deterministic; a second run on a later date shows changes from the first.
    @Test func scoringIsDeterministicAndShowsChanges() throws {
        let book = try Book.shared()
        let model = book.directory.path("churn-score.json")
        #expect(try Self.train("churn", book, out: model).status == 0)
        let first = book.directory.path("scores-a"), second = book.directory.path("scores-b")
        for out in [first, second] {
            #expect(try VitalsProcess.run(["score", book.signals, "--model", model, "--as-of", "2025-11-30", "--out", out]).status == 0)
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: first + "/churn-scores-2025-11-30.csv"))
        #expect(try a == Data(contentsOf: URL(fileURLWithPath: second + "/churn-scores-2025-11-30.csv")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: first + "/churn-scores-2025-11-30.jsonl"))
            == Data(contentsOf: URL(fileURLWithPath: second + "/churn-scores-2025-11-30.jsonl")))

        // Without the history, the previous run is the newest earlier score file; with it, the history's run.
        let later = try VitalsProcess.run(["score", book.signals, "--model", model, "--out", first, "--no-history"])
        #expect(later.status == 0 && later.stderr.contains("changes since churn-scores-2025-11-30.csv"), "\(later.stderr)")
        let laterWithHistory = try VitalsProcess.run(["score", book.signals, "--model", model, "--out", second])
        #expect(laterWithHistory.status == 0 && laterWithHistory.stderr.contains("history.sqlite (run of 2025-11-30"), "\(laterWithHistory.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: first + "/churn-scores-2025-12-31.csv"))
            == Data(contentsOf: URL(fileURLWithPath: second + "/churn-scores-2025-12-31.csv")))
        let rows = try String(contentsOfFile: first + "/churn-scores-2025-12-31.csv", encoding: .utf8).split(separator: "\n")
        #expect(rows[0] == "account_id,as_of,churn_probability,risk_band,health_state,expected_days_to_churn,arr,arr_at_risk,top_drivers,previous_probability,change,"
            + "churn_probability_30d,churn_probability_90d,churn_probability_180d,churn_probability_365d,churn_probability_by_renewal,median_days_to_churn,model_id")
        // Accounts scored both times have previous_probability and change = now − before.
        var compared = 0
        for row in rows.dropFirst() {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            guard let now = Double(fields[2]), let before = Double(fields[9]), let change = Double(fields[10]) else { continue }
            #expect(abs(change - (now - before)) < 1e-12)
            compared += 1
        }
        #expect(compared > 500)
    }

    /// A signals directory without a file the model was trained on is refused by name, unless asked.
    @Test func aMissingSignalFileIsNamed() throws {
        let book = try Book.shared()
        let model = book.directory.path("churn-missing.json")
        #expect(try Self.train("churn", book, out: model).status == 0)
        let partial = try TemporaryDirectory("partial")
        defer { partial.remove() }
        for file in try FileManager.default.contentsOfDirectory(atPath: book.signals) where file != "nps.csv" {
            try FileManager.default.copyItem(atPath: book.signals + "/" + file, toPath: partial.path(file))
        }
        let refused = try VitalsProcess.run(["score", partial.path, "--model", model, "--out", partial.path("scores")])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("has no nps.csv, which model churn-"))
        #expect(refused.stderr.contains("--allow-missing-signals"))
        let allowed = try VitalsProcess.run(["score", partial.path, "--model", model, "--out", partial.path("scores"), "--allow-missing-signals"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("warning: \(partial.path) has no nps.csv"))
    }
}
