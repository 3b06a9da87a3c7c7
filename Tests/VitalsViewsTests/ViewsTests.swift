import Foundation
import Testing
import VitalsFeatures
import VitalsFoundation
import VitalsHistory
import VitalsMarkov
import VitalsModel
import VitalsScoring
import VitalsSignals
import VitalsTestBooks
import VitalsTestSupport
import VitalsViews

/// The lists, explanations, trends and the Markov report as values built from a scored
/// snapshot in process (the end-to-end tests check what the binary prints of them).
@Suite struct ViewsTests {
    static func snapshot(_ model: ModelFile, asOf: Day? = nil) throws -> ScoredSnapshot {
        let book = try TrainedBook.shared().book
        return try ScoringInput(model: model, dataset: book.dataset, directory: book.signals, asOf: asOf, allowMissingSignals: false).snapshot().snapshot
    }

    @Test func theAtRiskListIsTheTopOfTheBookInRiskOrder() throws {
        let trained = try TrainedBook.shared()
        let snapshot = try Self.snapshot(trained.churn.model)
        let list = try AtRiskList(snapshot: snapshot, query: AtRiskQuery(top: 15), previous: nil)
        #expect(list.accounts.count == 15 && list.matching == snapshot.rowCount && list.previousRun == nil)
        #expect(list.accounts.map(\.rank) == Array(1...15))
        let expected = (0..<snapshot.rowCount).sorted {
            RiskOrder(key: snapshot.probabilities[$0], probability: snapshot.probabilities[$0], logOdds: snapshot.decisionValues[$0], id: snapshot.ids[$0])
                .ranksAbove(RiskOrder(key: snapshot.probabilities[$1], probability: snapshot.probabilities[$1],
                                      logOdds: snapshot.decisionValues[$1], id: snapshot.ids[$1]))
        }.prefix(15).map { snapshot.ids[$0] }
        #expect(list.accounts.map(\.accountID) == expected)
        #expect(list.accounts.allSatisfy { !$0.newOnList && $0.change == nil && $0.drivers.count <= 3 })
        #expect(list.accounts.allSatisfy { $0.riskBand == snapshot.spec.riskBands.band($0.churnProbability) })

        // One CSM's accounts only, any case.
        let csm = try #require(list.accounts.first?.csm)
        let mine = try AtRiskList(snapshot: snapshot, query: AtRiskQuery(top: 500, csm: csm.uppercased()), previous: nil)
        #expect(!mine.accounts.isEmpty && mine.accounts.allSatisfy { $0.csm == csm } && mine.matching < list.matching)
        #expect(throws: InsightError.wrongTask(model: trained.overrun.model.modelID, expected: .churn)) {
            try AtRiskList(snapshot: try Self.snapshot(trained.overrun.model), query: AtRiskQuery(), previous: nil)
        }
    }

    /// Against a previous run, changes are now − before, "new" means not in the same query's
    /// top 50 then (whatever `top`), and "left" is then's top 50 less today's.
    @Test func changesAndNewFlagsComeFromThePreviousRun() throws {
        let trained = try TrainedBook.shared()
        let earlier = try Self.snapshot(trained.churn.model, asOf: trained.book.index.dataEnd.adding(months: -1))
        let now = try Self.snapshot(trained.churn.model)
        let run = ScoreHistory.Run(task: "churn", asOf: "\(earlier.asOf)", modelID: earlier.model.modelID, scoreFile: "x.csv", rows: earlier.rowCount)
        let scores = Dictionary(uniqueKeysWithValues: HistoryRecords.scores(earlier).map { ($0.entityID, $0) })
        let list = try AtRiskList(snapshot: now, query: AtRiskQuery(top: 20), previous: (run, scores))
        let before = try AtRiskList(snapshot: earlier, query: AtRiskQuery(top: 50), previous: nil)
        let earlierIDs = Set(before.accounts.map(\.accountID))
        let today = try AtRiskList(snapshot: now, query: AtRiskQuery(top: 50), previous: nil)
        let todayIDs = Set(today.accounts.map(\.accountID))
        #expect(list.watchListSize == 50)
        #expect(list.leftTheList.map(\.id) == before.accounts.map(\.accountID).filter { !todayIDs.contains($0) })
        #expect(list.leftTheList.allSatisfy { $0.previousProbability == scores[$0.id]?.probability && $0.previousRank >= 1 })
        let three = try AtRiskList(snapshot: now, query: AtRiskQuery(top: 3), previous: (run, scores))
        #expect(three.accounts.map(\.newOnList) == list.accounts.prefix(3).map(\.newOnList))
        for entry in list.accounts {
            #expect(entry.newOnList == !earlierIDs.contains(entry.accountID))
            if let previous = scores[entry.accountID] {
                #expect(entry.previousProbability == previous.probability && entry.change == entry.churnProbability - previous.probability)
            }
        }
        #expect(list.previousRun?.asOf == "\(earlier.asOf)")
    }

    @Test func theProjectListRanksInFlightProjectsWithTheirForecasts() throws {
        let trained = try TrainedBook.shared()
        let snapshot = try Self.snapshot(trained.overrun.model)
        let list = try ProjectList(snapshot: snapshot, query: ProjectQuery(top: 10))
        #expect(list.inFlight == snapshot.rowCount && list.projects.count == min(10, snapshot.rowCount))
        #expect(zip(list.projects, list.projects.dropFirst()).allSatisfy { $0.overrunProbability >= $1.overrunProbability })
        for entry in list.projects {
            #expect(entry.forecastHoursLow <= entry.forecastHoursAtCompletion && entry.forecastHoursAtCompletion <= entry.forecastHoursHigh)
            #expect(entry.forecastEndDate >= "\(snapshot.asOf)" && entry.phase != nil)
        }
    }

    /// The contributions and the intercept add up to the log-odds; the change's parts add up to
    /// A row's drivers never state one fact twice: a driver whose facts a stronger one already
    /// said states only what is new (an interaction's other fact), or that it counts too.
    @Test func driversDoNotRepeatAFact() throws {
        let trained = try TrainedBook.shared()
        let snapshot = try Self.snapshot(trained.churn.model)
        var shortened = 0
        for r in 0..<snapshot.rowCount {
            var stated: [String] = [], said = Set<String>()
            for driver in RankedDriver.top(snapshot, row: r) {
                let facts = DriverPhrase.facts(group: driver.feature, snapshot: snapshot, row: r)
                let fresh = facts.filter { !said.contains($0) }
                said.formUnion(facts)
                switch (facts.count, fresh.count) {
                case (2, 1):
                    shortened += 1
                    #expect(driver.phrase == RankedDriver.alsoWith + fresh[0])
                case (1, 0):
                    shortened += 1
                    #expect(driver.phrase == facts[0] + RankedDriver.onItsOwn)
                default:
                    #expect(driver.phrase == DriverPhrase.describe(group: driver.feature, snapshot: snapshot, row: r))
                }
                stated += fresh
            }
            #expect(Set(stated).count == stated.count, "row \(r) states a fact twice: \(stated)")
        }
        // The test book's churn model keeps interactions with a shared feature, so the short forms are exercised.
        #expect(shortened > 0)
    }

    /// the change in log-odds.
    @Test func anExplanationAddsUp() throws {
        let trained = try TrainedBook.shared()
        let snapshot = try Self.snapshot(trained.churn.model)
        let id = snapshot.ids[snapshot.probabilities.indices.max { snapshot.probabilities[$0] < snapshot.probabilities[$1] }!]
        let since = snapshot.asOf.adding(months: -2)
        let explanation = try Explanation(snapshot: snapshot, id: id, since: (since, "option", nil, nil))
        let pairs = (explanation.interactions ?? []).reduce(0) { $0 + $1.contribution }
        assertClose(explanation.intercept + explanation.features.reduce(0) { $0 + $1.contribution } + pairs, explanation.decisionValue,
                    rtol: 1e-9, atol: 1e-9)
        #expect(explanation.features.count == snapshot.featureNames.count && snapshot.featureNames.count > 20)
        #expect(explanation.statePath.count == 13 && explanation.statePath.last?.state != nil)
        let change = try #require(explanation.change)
        assertClose(change.parts.reduce(0) { $0 + $1.contribution }, change.decisionChange, rtol: 1e-9, atol: 1e-9)
        #expect(throws: InsightError.unknownEntity(kind: "account", id: "NOPE", asOf: "\(snapshot.asOf)")) {
            try Explanation(snapshot: snapshot, id: "NOPE", since: nil)
        }
    }

    @Test func aTrendHasTheChangeBetweenRuns() throws {
        let directory = try TemporaryDirectory("trend")
        defer { directory.remove() }
        let history = try ScoreHistory(path: directory.path("h.sqlite"))
        for (k, p) in [0.2, 0.35, 0.3].enumerated() {
            _ = try history.append(ScoreHistory.Run(task: "churn", asOf: "2025-0\(k + 1)-28", modelID: "m", scoreFile: "f", rows: 1),
                                   scores: [ScoreHistory.Score(entityID: "A1", probability: p, riskBand: "high")])
        }
        let trend = try HistoryRequest(historyPath: directory.path("h.sqlite"), task: .churn, entityID: "A1").run()
        #expect(trend.points.map(\.probability) == [0.2, 0.35, 0.3])
        #expect(trend.points[0].change == nil)
        assertClose(trend.points[1].change!, 0.15, rtol: 1e-12)
        #expect(trend.table(style: TerminalStyle()).hasPrefix("Account A1: 3 runs"))
    }

    @Test func theMarkovReportTakesItsRuleAndEstimatorFromTheCaller() throws {
        let book = try TrainedBook.shared().book
        let report = try MarkovReport.build(index: book.index, rule: HealthStateRule(), estimator: MarkovChainEstimator(), asOf: book.index.dataEnd,
                                            segment: nil)
        #expect(report.states == ["onboarding", "healthy", "neutral", "at_risk", "churned"])
        #expect(report.summary.map(\.state) == ["onboarding", "healthy", "neutral", "at_risk"])
        #expect(report.forecast.count == 12)
    }
}
