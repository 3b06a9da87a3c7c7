import Foundation
import Testing
import VitalsFoundation
import VitalsHistory
import VitalsModel
import VitalsScoring
import VitalsSignals
import VitalsTestBooks
import VitalsTestSupport

/// Scoring as values, in process: the scored snapshot, the score file's rows, previous
/// scores from the history and from files, one scoring run, and evaluation.
@Suite struct ScoringTests {
    static func input(_ model: ModelFile, asOf: Day? = nil) throws -> ScoringInput {
        let book = try TrainedBook.shared().book
        return ScoringInput(model: model, dataset: book.dataset, directory: book.signals, asOf: asOf, allowMissingSignals: false)
    }

    @Test(arguments: RiskTask.allCases)
    func aSnapshotsLogOddsAreItsInterceptPlusItsContributions(task: RiskTask) throws {
        let trained = try TrainedBook.shared()
        let model = task == .churn ? trained.churn.model : trained.overrun.model
        let (snapshot, warnings) = try Self.input(model).snapshot()
        #expect(warnings.isEmpty)
        #expect(snapshot.asOf == trained.book.index.dataEnd && snapshot.task == task && snapshot.rowCount > 20)
        #expect(Set(snapshot.ids).count == snapshot.rowCount)
        for r in 0..<snapshot.rowCount {
            let eta = snapshot.intercept(row: r) + snapshot.contributions(row: r).reduce(0, +)
            assertClose(eta, snapshot.decisionValues[r], rtol: 1e-9, atol: 1e-9)
            #expect(snapshot.probabilities[r] > 0 && snapshot.probabilities[r] < 1)
            #expect(snapshot.band(r) == model.signals!.riskBands.band(snapshot.probabilities[r]))
            #expect(snapshot.stateName(r) != nil)
        }
    }

    /// Smooth calibration: as many distinct probabilities as log-odds (never a staircase), none
    /// at 0 or 1, and a change between two dates always has the log-odds' sign.
    @Test(arguments: RiskTask.allCases)
    func probabilitiesFollowTheLogOdds(task: RiskTask) throws {
        let trained = try TrainedBook.shared()
        let model = task == .churn ? trained.churn.model : trained.overrun.model
        let end = trained.book.index.dataEnd
        let now = try ScoredSnapshot(model: model, index: trained.book.index, asOf: end)
        let before = try ScoredSnapshot(model: model, index: trained.book.index, asOf: end.adding(months: -1))
        #expect(Double(Set(now.probabilities).count) >= 0.95 * Double(Set(now.decisionValues).count))
        #expect(now.probabilities.allSatisfy { $0 > 0 && $0 < 1 })
        let earlier = before.rowOfID
        var compared = 0
        let etas = { (s: ScoredSnapshot) throws -> (hours: [Double], late: [Double])? in
            guard let hours = s.spec.hoursOverrunModel, let late = s.spec.lateModel else { return nil }
            return (try hours.decisionFunction(s.x), try late.decisionFunction(s.x))
        }
        let riskEtas = (now: try etas(now), before: try etas(before))
        #expect((riskEtas.now != nil) == (task == .overrun))
        // A curve's probability at the horizon also moves with the renewal's month: compare the
        // features' part of η, on accounts whose renewal is beyond the horizon on both dates.
        let horizon = now.spec.horizonDays + 31
        for (r, id) in now.ids.enumerated() {
            guard let r0 = earlier[id] else { continue }
            if now.curves != nil, now.nextRenewal(r) - now.asOf <= horizon || before.nextRenewal(r0) - before.asOf <= horizon { continue }
            let dEta = (now.decisionValues[r] - now.intercept(row: r)) - (before.decisionValues[r0] - before.intercept(row: r0))
            let dP = now.probabilities[r] - before.probabilities[r0]
            if let hours = riskEtas.now?.hours, let late = riskEtas.now?.late, let hours0 = riskEtas.before?.hours, let late0 = riskEtas.before?.late {
                // An overrun model with its two risks: the combined probability is a non-decreasing
                // function of the three log-odds, so when all three move one way it moves that way.
                let moves = [dEta, hours[r] - hours0[r0], late[r] - late0[r0]]
                if moves.allSatisfy({ $0 > 0 }) { #expect(dP >= 0, "\(id): every log-odds rose, p moved \(dP)"); compared += 1 }
                if moves.allSatisfy({ $0 < 0 }) { #expect(dP <= 0, "\(id): every log-odds fell, p moved \(dP)"); compared += 1 }
                continue
            }
            #expect(dEta == 0 ? dP == 0 : (dEta > 0) == (dP > 0) || dP == 0, "\(id): η moved \(dEta), p moved \(dP)")
            compared += 1
        }
        // The test book has a few dozen projects in flight; the three log-odds agree on some.
        #expect(compared > (task == .churn ? 20 : 10))
    }

    @Test func theChurnScoreFileComparesWithThePreviousRun() throws {
        let trained = try TrainedBook.shared()
        let (snapshot, _) = try Self.input(trained.churn.model).snapshot()
        let previous = Dictionary(uniqueKeysWithValues: snapshot.ids.prefix(10).map { ($0, 0.5) })
        let table = ScoreFile.table(snapshot, previous: previous)
        #expect(table.columns == ScoreFile.columns(.churn) && table.rows.count == snapshot.rowCount)
        for (r, row) in table.rows.enumerated() {
            #expect(row[0] == .text(snapshot.ids[r]) && row[2] == .number(snapshot.probabilities[r]))
            if r < 10 {
                #expect(row[9] == .number(0.5) && row[10] == .number(snapshot.probabilities[r] - 0.5))
            } else {
                #expect(row[9] == .missing && row[10] == .missing)
            }
        }
    }

    /// Two runs into one folder: the second compares with the first through the history; with
    /// no history, through the first run's score file.
    @Test func aScoringRunWritesFilesThenTheHistoryAndTheNextRunComparesWithIt() throws {
        let trained = try TrainedBook.shared()
        let directory = try TemporaryDirectory("scoring-run")
        defer { directory.remove() }
        let out = directory.path("scores"), history = directory.path("scores/history.sqlite")
        let earlier = trained.book.index.dataEnd.adding(months: -1)
        let first = try ScoringRun(input: try Self.input(trained.churn.model, asOf: earlier), outDirectory: out, historyPath: history).run()
        #expect(first.written.map { ($0 as NSString).lastPathComponent } == ["churn-scores-\(earlier).csv", "churn-scores-\(earlier).jsonl"])
        #expect(first.changesNote.hasPrefix("no earlier run"))
        let recorded = try ScoreHistory(path: history, access: .read)
        #expect(try recorded.runs().map(\.asOf) == ["\(earlier)"])

        let second = try ScoringRun(input: try Self.input(trained.churn.model), outDirectory: out, historyPath: history).run()
        #expect(second.changesNote.contains("history.sqlite (run of \(earlier)"))
        let fromHistory = try #require(try PreviousScores.history(recorded, task: .churn, before: second.snapshot.asOf))
        #expect(fromHistory.probabilities == Dictionary(uniqueKeysWithValues: zip(first.snapshot.ids, first.snapshot.probabilities)))
        let fromFiles = try #require(try PreviousScores.scoreFiles(in: out, task: .churn, before: second.snapshot.asOf))
        #expect(fromFiles.source == "churn-scores-\(earlier).csv" && fromFiles.probabilities == fromHistory.probabilities)
        #expect(second.scores == ScoreFile.table(second.snapshot, previous: fromHistory.probabilities))
        #expect(try PreviousScores.scoreFiles(in: out, task: .churn, before: earlier) == nil)
    }

    /// On the months after training, both models beat both baselines, as `vitals evaluate` reports.
    @Test(arguments: RiskTask.allCases)
    func evaluationOnLaterMonthsBeatsTheBaselines(task: RiskTask) throws {
        let trained = try TrainedBook.shared()
        let model = task == .churn ? trained.churn.model : trained.overrun.model
        let result = try ModelEvaluation(model: model, capacity: 25)
            .run(.signals(dataset: trained.book.dataset, from: Day("2025-07-01")!, to: Day("2099-12-31")!, allowOverlap: false))
        #expect(result.dates.first! >= Day("2025-07-01")! && result.report.baselines.count == 2)
        for (name, baseline) in result.report.baselines {
            #expect(result.report.model.auc > baseline.auc, "\(task) AUC \(result.report.model.auc) vs \(name) \(baseline.auc)")
        }
        // Overrun: the hour forecasts against the finished projects' totals, one per labelled snapshot.
        if task == .overrun {
            let forecast = try #require(result.report.forecast)
            #expect(forecast.n == result.labels.count && (0...1).contains(forecast.coverage))
            #expect(Set(forecast.medianAbsoluteError.keys) == ["forecast", "budget_only", "cpi_only"])
            // The model's interval, calibrated on the training window's finished projects, holds about 80 % of later ones.
            #expect(model.signals?.hoursInterval != nil && forecast.interval == "80 % conformal interval")
            #expect(forecast.coverage > 0.7 && forecast.coverage < 0.9, "coverage \(forecast.coverage) on \(forecast.n) snapshots")
        } else {
            #expect(result.report.forecast == nil && model.signals?.hoursInterval == nil)
        }
        #expect(throws: SignalsModelError.overlap(from: Day("2025-01-01")!, lastTrained: model.signals!.lastSnapshot)) {
            try ModelEvaluation(model: model, capacity: 25)
                .run(.signals(dataset: trained.book.dataset, from: Day("2025-01-01")!, to: Day("2099-12-31")!, allowOverlap: false))
        }
    }

    @Test func aMissingSignalFileIsRefusedUnlessAllowed() throws {
        let trained = try TrainedBook.shared()
        var input = try Self.input(trained.churn.model)
        input.directory = "/nonexistent"
        #expect(throws: SignalsModelError.missingSignalFile(directory: "/nonexistent", file: "accounts.csv", model: trained.churn.model.modelID)) {
            try input.checkSignalFiles()
        }
        input.allowMissingSignals = true
        #expect(try input.checkSignalFiles().count == trained.churn.model.signals!.requiredFiles.count)
    }

    @Test func riskOrderBreaksTiesOnProbabilityThenLogOddsThenID() {
        let a = RiskOrder(key: 1, probability: 0.5, logOdds: 0.2, id: "B")
        #expect(RiskOrder(key: 2, probability: 0.1, logOdds: nil, id: "Z").ranksAbove(a))
        #expect(RiskOrder(key: 1, probability: 0.6, logOdds: -5, id: "Z").ranksAbove(a))
        #expect(RiskOrder(key: 1, probability: 0.5, logOdds: 0.3, id: "Z").ranksAbove(a))
        #expect(a.ranksAbove(RiskOrder(key: 1, probability: 0.5, logOdds: nil, id: "A")))
        #expect(RiskOrder(key: 1, probability: 0.5, logOdds: 0.2, id: "A").ranksAbove(a) && !a.ranksAbove(a))
    }
}
