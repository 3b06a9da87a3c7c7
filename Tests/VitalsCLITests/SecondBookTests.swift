import Foundation
import Testing
import VitalsTestSupport

/// A book from a second, independent generator (Benchmarks/second-book/generate.py, written
/// from the data contract alone), in the forms real exports take: CRLF line ends, a BOM,
/// quoted fields with commas, quotes and a line break, capitalised headers in their own
/// order, timestamps with offsets, duplicate usage rows. The whole lifecycle runs on it.
@Suite struct SecondBookTests {
    static let signals = Fixtures.path("second-book")

    @Test func itValidatesWithOnlyTheIntendedWarnings() throws {
        let result = try VitalsProcess.run(["validate", Self.signals])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout + result.stderr
        #expect(text.contains("accounts.csv: ignoring unknown column: industry"))
        #expect(text.contains("tickets.csv: ignoring unknown column: subject"))
        #expect(text.contains("1 value holds control characters"))
        #expect(text.contains("150"), "the 150 accounts")
    }

    @Test(arguments: ["churn", "overrun"])
    func trainEvaluateAndScoreOnIt(task: String) throws {
        let directory = try TemporaryDirectory("second-book-\(task)")
        defer { directory.remove() }
        let model = directory.path("\(task).json")
        let config = Fixtures.packageRoot.appendingPathComponent("Training/\(task).yaml").path
        let trained = try VitalsProcess.run(["train", Self.signals, "--config", config, "--until", "2025-01-31", "--out", model, "-q"])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("converged true"), "\(trained.stdout)")
        let evaluated = try VitalsProcess.run(["evaluate", Self.signals, "--model", model, "--from", "2025-02-01", "--json", "-q"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any])
        let auc = try #require(figures["auc"] as? Double)
        #expect(auc > 0.6, "\(task) AUC \(auc) on the later months of an independent book")
        let scored = try VitalsProcess.run(["score", Self.signals, "--model", model, "--out", directory.path("scores"), "-q"])
        #expect(scored.status == 0, "\(scored.stderr)")
    }
}
