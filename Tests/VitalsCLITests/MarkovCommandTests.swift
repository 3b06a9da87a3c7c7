import Foundation
import Testing
import VitalsTestSupport

@Suite(.serialized) struct MarkovCommandTests {
    @Test func chainReportTextJSONAndErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let signals = directory.path("signals")
        #expect(try VitalsProcess.run(["simulate", "--out", signals, "--accounts", "300", "--months", "18", "--seed", "8"]).status == 0)

        let text = try VitalsProcess.run(["markov", signals, "--as-of", "2025-03-31"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("Health chain as of 2025-03-31: "))
        // Off a terminal the layout is 80 columns: the matrix without intervals, the intervals as a list.
        #expect(text.stdout.contains("Transition probabilities per month:") && text.stdout.contains("95 % credible intervals"))
        #expect(text.stdout.contains("Forecast of the book"))
        let textLines = text.stdout.split(separator: "\n")
        #expect(textLines.allSatisfy { $0.count <= 80 }, "a line over 80: \(textLines.first { $0.count > 80 } ?? "")")
        let wide = try VitalsProcess.run(["markov", signals, "--as-of", "2025-03-31", "--width", "140"])
        #expect(wide.status == 0 && wide.stdout.contains("Transition probabilities per month (95 % credible interval):"))
        #expect(wide.stdout.split(separator: "\n").allSatisfy { $0.count <= 140 })
        #expect(try VitalsProcess.run(["markov", signals, "--width", "20"]).status == 64)

        let json = try VitalsProcess.run(["markov", signals, "--json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["states"] as? [String] == ["onboarding", "healthy", "neutral", "at_risk", "churned"])
        let summary = try #require(object["summary"] as? [[String: Any]])
        let risk = summary.compactMap { $0["churn_within_6_months"] as? Double }
        #expect(risk.count == 4 && risk[1] < risk[3])  // healthy below at_risk
        let forecast = try #require(object["forecast"] as? [[String: Any]])
        #expect(forecast.count == 12)
        // Every transient row's probabilities sum to 1.
        let transitions = try #require(object["transitions"] as? [[String: Any]])
        for state in ["onboarding", "healthy", "neutral", "at_risk"] {
            let total = transitions.filter { $0["from"] as? String == state }.compactMap { $0["probability"] as? Double }.reduce(0, +)
            #expect(abs(total - 1) < 1e-12, "\(state) row sums to \(total)")
        }

        let segment = try VitalsProcess.run(["markov", signals, "--segment", "Enterprise"])
        #expect(segment.status == 0 && segment.stdout.contains("segment Enterprise"))
        // Any case, or a unique prefix, names a segment; a value naming none lists the segments.
        let prefix = try VitalsProcess.run(["markov", signals, "--segment", "ent"])
        #expect(prefix.status == 0 && prefix.stdout.contains("segment Enterprise"), "\(prefix.stderr)")
        let unknown = try VitalsProcess.run(["markov", signals, "--segment", "Galactic"])
        #expect(unknown.status == 64 && unknown.stderr.contains("--segment") && unknown.stderr.contains("Enterprise, Mid-Market, SMB"), "\(unknown.stderr)")
    }
}
