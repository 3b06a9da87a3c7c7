import Foundation
import Testing
import VitalsTestSupport

/// `train`, `evaluate` and `score` with `--table`, run as a user runs them: on the real
/// Telco churn file split by row order (first 5,000 rows train, the rest evaluate).
@Suite(.serialized) struct TableLifecycleCommandTests {
    static func split(in directory: TemporaryDirectory) throws -> (train: String, test: String) {
        let lines = try String(contentsOfFile: Fixtures.path("real/telco-customer-churn.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let header = lines[0], rows = lines.dropFirst().filter { !$0.isEmpty }
        let train = try directory.write("train.csv", ([header] + rows.prefix(5_000)).joined(separator: "\n") + "\n")
        let test = try directory.write("test.csv", ([header] + rows.dropFirst(5_000)).joined(separator: "\n") + "\n")
        return (train, test)
    }

    @Test func trainEvaluateScoreOnTelco() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (train, test) = try Self.split(in: directory)
        let model = directory.path("model.json")
        let trained = try VitalsProcess.run(["train", "--table", train, "--label", "Churn", "--id", "customerID", "--out", model])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("on 5000 rows (1313 positive), 46 features (3 as splines, 43 as lines); calibrated (beta) on the out-of-fold predictions"))
        #expect(trained.stdout.contains("converged true") && trained.stdout.contains("by stratified CV"))
        #expect(trained.stdout.contains("strongest shapes (log-odds from the lowest to the highest training value; lines: standardized coefficient):\n  tenure"))

        // Training again gives the same bytes, and refuses to overwrite without --force.
        let again = try VitalsProcess.run(["train", "--table", train, "--label", "Churn", "--id", "customerID", "--out", model])
        #expect(again.status == 73 && again.stderr.contains("exists; pass --force"))
        let second = directory.path("model2.json")
        #expect(try VitalsProcess.run(["train", "--table", train, "--label", "Churn", "--id", "customerID", "--out", second]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == Data(contentsOf: URL(fileURLWithPath: second)))

        let evaluated = try VitalsProcess.run(["evaluate", "--model", model, "--table", test, "--json"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any])
        #expect(figures["n"] as? Int == 2_043 && figures["positives"] as? Int == 556)
        // A table has no revenue column: no ARR figure, in the JSON or the text.
        #expect(figures["arr_recall_at_k"] == nil)
        let text = try VitalsProcess.run(["evaluate", "--model", model, "--table", test])
        #expect(text.status == 0 && !text.stdout.contains("ARR"))
        let auc = try #require(figures["auc"] as? Double)
        #expect(auc > 0.8, "held-out AUC \(auc)")

        let reportPath = directory.path("report.html")
        let withReport = try VitalsProcess.run(["evaluate", "--model", model, "--table", test, "--report", reportPath])
        #expect(withReport.status == 0 && withReport.stdout.hasSuffix("wrote \(reportPath)\n"))
        let html = try String(contentsOfFile: reportPath, encoding: .utf8)
        for id in ["metrics", "roc", "pr", "reliability", "gains", "lift", "distribution", "coefficients"] {
            #expect(html.contains(#"<figure id="\#(id)""#) || html.contains(#"<table id="\#(id)""#), "report lacks \(id)")
        }
        #expect(html.contains(String(format: "%.4f", auc)))

        let out = directory.path("scores")
        let scored = try VitalsProcess.run(["score", "--model", model, "--table", test, "--out", out])
        #expect(scored.status == 0, "\(scored.stderr)")
        let csv = try String(contentsOfFile: out + "/table-scores.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 2_044)
        #expect(csv[0] == "customerID,probability,top_drivers,model_id")
        #expect(csv[1].hasPrefix("5600-PDUJF,"))
        let jsonl = try String(contentsOfFile: out + "/table-scores.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(jsonl.count == 2_043)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(jsonl[0].utf8)) as? [String: Any])
        #expect(first["customerID"] as? String == "5600-PDUJF")
        // Scoring is deterministic: a second run writes the same bytes.
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/table-scores.csv"))
        #expect(try VitalsProcess.run(["score", "--model", model, "--table", test, "--out", out]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/table-scores.csv")) == before)
    }

    @Test func badModelsTablesAndConfigsFailClearly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (train, test) = try Self.split(in: directory)
        let model = directory.path("model.json")
        #expect(try VitalsProcess.run(["train", "--table", train, "--label", "Churn", "--id", "customerID", "--out", model]).status == 0)

        // A changed coefficient without the hash updated.
        var text = try String(contentsOfFile: model, encoding: .utf8)
        let range = try #require(text.range(of: "\"coefficients\" : [\n      "))
        text.insert(contentsOf: "1", at: range.upperBound)
        let tampered = try directory.write("tampered.json", text)
        let refused = try VitalsProcess.run(["score", "--model", tampered, "--table", test, "--out", directory.path("s")])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("the file was changed after training"))

        // A newer format.
        let newer = try directory.write("newer.json", try String(contentsOfFile: model, encoding: .utf8)
            .replacingOccurrences(of: "\"format_version\" : 1", with: "\"format_version\" : 7"))
        let future = try VitalsProcess.run(["evaluate", "--model", newer, "--table", test])
        #expect(future.status == 65 && future.stderr.contains("format_version 7 is newer than this vitals supports (1)"))

        // A table without a column the model needs.
        let lines = try String(contentsOfFile: test, encoding: .utf8).split(separator: "\n")
        let withoutTenure = lines.map { line in line.split(separator: ",", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset != 5 }.map(\.element).joined(separator: ",") }
        #expect(lines[0].split(separator: ",")[5] == "tenure")
        let lacking = try directory.write("lacking.csv", withoutTenure.joined(separator: "\n") + "\n")
        let missing = try VitalsProcess.run(["score", "--model", model, "--table", lacking, "--out", directory.path("s")])
        #expect(missing.status == 65 && missing.stderr.contains("lacking.csv: tenure: the table lacks column tenure, which the model needs"))

        // A config with a typo.
        let config = try directory.write("bad.yaml", "task: churn\nmodel:\n  c: 1\n  l1_raito: 0.5\n")
        let badConfig = try VitalsProcess.run(["train", "--table", train, "--label", "Churn", "--config", config, "--out", directory.path("m.json")])
        #expect(badConfig.status == 78 && badConfig.stderr.contains("bad.yaml:4: model.l1_raito: unknown key"))

        // Unreadable input.
        let absent = try VitalsProcess.run(["evaluate", "--model", directory.path("absent.json"), "--table", test])
        #expect(absent.status == 66)
    }
}
