import Foundation
import Testing
import VitalsTestSupport

/// `--table` on real project data: the Kitchenham projects (Tests/Fixtures/real), with an
/// overrun label from actual effort against the first estimate (over by more than 10 %).
/// The outcome columns (actual effort and duration) are dropped, and `?` (the dataset's
/// missing value) becomes an empty field.
@Suite struct KitchenhamTableTests {
    @Test func trainsAndScoresOverrunsFromTheFirstEstimate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let lines = try String(contentsOfFile: Fixtures.path("real/kitchenham-projects.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        let effort = header.firstIndex(of: "Actual.effort")!, estimate = header.firstIndex(of: "First.estimate")!
        let dropped: Set<Int> = [effort, header.firstIndex(of: "Actual.duration")!]
        var rows = [header.enumerated().filter { !dropped.contains($0.offset) }.map(\.element) + ["overrun"]]
        var overruns = 0
        for fields in lines.dropFirst() {
            guard let actual = Double(fields[effort]), let first = Double(fields[estimate]) else { continue }
            let overran = actual > first * 1.1
            overruns += overran ? 1 : 0
            rows.append(fields.enumerated().filter { !dropped.contains($0.offset) }.map { $0.element == "?" ? "" : $0.element }
                        + [overran ? "yes" : "no"])
        }
        #expect(rows.count == 146 && overruns > 10 && overruns < 135)
        let table = try directory.write("kitchenham.csv", rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n")

        let model = directory.path("model.json")
        let trained = try VitalsProcess.run(["train", "--table", table, "--label", "overrun", "--id", "id", "--out", model])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("converged true"))
        let scored = try VitalsProcess.run(["score", "--model", model, "--table", table, "--out", directory.path("scores")])
        #expect(scored.status == 0, "\(scored.stderr)")
        let scores = try String(contentsOfFile: directory.path("scores/table-scores.csv"), encoding: .utf8).split(separator: "\n")
        #expect(scores.count == 146)
        #expect(scores[0] == "id,probability,top_drivers,model_id")
        for line in scores.dropFirst() {
            let p = try #require(Double(line.split(separator: ",")[1]))
            #expect(p >= 0 && p <= 1)
        }
        let evaluated = try VitalsProcess.run(["evaluate", "--model", model, "--table", table, "--capacity", "10", "--json"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
    }
}
