import Foundation
import Testing
import VitalsHistory
import VitalsTestSupport

@Suite struct ScoreHistoryTests {
    struct Boom: Error {}

    static func run(_ asOf: String, model: String = "churn-aaaa") -> ScoreHistory.Run {
        ScoreHistory.Run(task: "churn", asOf: asOf, modelID: model, scoreFile: "churn-scores-\(asOf).csv", rows: 2)
    }

    @Test func runsScoresAndTrendsSurviveReopening() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("history.sqlite")
        do {
            let history = try ScoreHistory(path: path)
            try history.append(Self.run("2025-11-30"), scores: [
                .init(entityID: "A1", probability: 0.2, riskBand: "low", healthState: "healthy", arr: 1000),
                .init(entityID: "A2", probability: 0.6, riskBand: "high", healthState: "at_risk", arr: 500),
            ])
            try history.append(Self.run("2025-12-31"), scores: [
                .init(entityID: "A1", probability: 0.35, riskBand: "medium", healthState: "neutral", arr: 1000),
                .init(entityID: "A3", probability: 0.7, riskBand: "high", healthState: "at_risk", arr: 200),
            ])
        }
        let history = try ScoreHistory(path: path)  // migrations are not re-applied
        #expect(try history.runs().map(\.asOf) == ["2025-11-30", "2025-12-31"])
        let previous = try #require(try history.previousRun(task: "churn", before: "2025-12-31"))
        #expect(previous.asOf == "2025-11-30")
        #expect(try history.previousRun(task: "churn", before: "2025-11-30") == nil)
        #expect(try history.previousRun(task: "overrun", before: "2026-01-01") == nil)
        let earlier = try history.scores(of: previous)
        #expect(Set(earlier.keys) == ["A1", "A2"] && earlier["A2"]?.riskBand == "high")
        let trend = try history.trend(entity: "A1", task: "churn")
        #expect(trend.map(\.asOf) == ["2025-11-30", "2025-12-31"])
        #expect(trend.map(\.probability) == [0.2, 0.35])
        #expect(trend.last?.healthState == "neutral")
    }

    @Test func rescoringTheSameDateAndModelReplacesTheRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = try ScoreHistory(path: directory.path("h.sqlite"))
        try history.append(Self.run("2025-12-31"), scores: [.init(entityID: "A1", probability: 0.1)])
        let replaced = try history.append(Self.run("2025-12-31"), scores: [.init(entityID: "A1", probability: 0.4)])
        try history.append(Self.run("2025-12-31", model: "churn-bbbb"), scores: [.init(entityID: "A1", probability: 0.5)])
        #expect(try history.runs().count == 2)
        #expect(try history.scores(of: replaced)["A1"]?.probability == 0.4)
        #expect(try history.trend(entity: "A1", task: "churn").map(\.probability) == [0.4, 0.5])
    }

    /// A run that fails inside its transaction leaves the history exactly as it was.
    @Test func aFailedRunLeavesTheHistoryAsItWas() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = try ScoreHistory(path: directory.path("h.sqlite"))
        try history.append(Self.run("2025-11-30"), scores: [.init(entityID: "A1", probability: 0.1)])
        #expect(throws: Boom.self) {
            try history.append(Self.run("2025-11-30"), scores: [.init(entityID: "A1", probability: 0.9)]) { throw Boom() }
        }
        #expect(throws: (any Error).self) {  // a duplicate entity breaks the primary key midway
            try history.append(Self.run("2025-12-31"), scores: [.init(entityID: "A1", probability: 0.2), .init(entityID: "A1", probability: 0.3)])
        }
        #expect(try history.runs().map(\.asOf) == ["2025-11-30"])
        #expect(try history.trend(entity: "A1", task: "churn").map(\.probability) == [0.1])
    }
}
