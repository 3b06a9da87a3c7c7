import Foundation
import Testing
import VitalsFeatures
import VitalsFoundation
import VitalsMarkov
import VitalsSignals
import VitalsSimulation
import VitalsTestBooks
import VitalsTestSupport

/// The health chain on a simulated book, against what the simulator knows.
@Suite struct AccountHealthChainTests {
    /// The book, and the truth's churn dates: the truth knows churns decided before the
    /// export but dated after it.
    final class Book: @unchecked Sendable {
        static let config = SimulationConfig(accounts: 1_200, months: 24, seed: 31)
        let book: TestBook
        var index: SignalsIndex { book.index }
        let truthChurn: [String: Day]

        private init() throws {
            book = try TestBook.shared(Self.config)
            let lines = try String(contentsOfFile: book.truth + "/accounts.csv", encoding: .utf8).split(separator: "\n")
            let header = lines[0].split(separator: ",").map(String.init)
            let id = header.firstIndex(of: "account_id")!, churn = header.firstIndex(of: "churn_date")!
            var dates: [String: Day] = [:]
            for line in lines.dropFirst() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if let day = Day(fields[churn]) { dates[fields[id]] = day }
            }
            truthChurn = dates
        }

        static let cache = BuiltOnce<Book>()
        static func shared() throws -> Book { try cache.value(Book.init) }
    }

    @Test func bandsRankAsTheRulePromisesAndMatchTheTruth() throws {
        let book = try Book.shared()
        let months = Cadence.monthly.dates(from: book.index.dataStart, through: book.index.dataEnd)
        let fitted = try AccountHealthChain.fit(index: book.index, rule: HealthStateRule(), estimator: MarkovChainEstimator(), months: months)
        #expect(fitted.space.names == ["onboarding", "healthy", "neutral", "at_risk", "churned"])
        let analysis = try AbsorbingChainAnalysis(fitted.chain)
        let churned = 4
        let within6 = try analysis.probabilityOfAbsorption(into: churned, within: 6)
        let within12 = try analysis.probabilityOfAbsorption(into: churned, within: 12)
        let time = analysis.expectedPeriodsToAbsorption
        print("P(churn within 6 months): healthy \(within6[1]), neutral \(within6[2]), at_risk \(within6[3])")
        print("expected months to churn: healthy \(time[1]), neutral \(time[2]), at_risk \(time[3])")
        // Lower engagement bands: more churn, sooner.
        #expect(within6[1] < within6[2] && within6[2] < within6[3])
        #expect(within12[1] < within12[2] && within12[2] < within12[3])
        #expect(time[1] > time[2] && time[2] > time[3])

        // Each band's monthly churn rate against the simulator's truth: of the account-months in the
        // band, the share whose account churned within the next month by the truth's churn dates
        // (which include churns decided before the export and dated after it). The chain estimates the
        // same rate from the signals alone, as P(band → churned).
        let states = AccountHealthChain.states(index: book.index, rule: fitted.rule, months: months)
        let ids = book.index.dataset.accounts.accountID
        for band in 1...3 {
            var n = 0.0, churnedCount = 0.0
            for (m, month) in months.enumerated() where month.adding(months: 1) <= book.index.dataEnd {
                for a in ids.indices where states[m][a] == band {
                    n += 1
                    if let churn = book.truthChurn[ids[a]], churn > month, churn <= months[m + 1] { churnedCount += 1 }
                }
            }
            let empirical = churnedCount / n
            let standardError = (empirical * (1 - empirical) / n).squareRoot()
            let chainRate = fitted.chain.probability(from: band, to: churned)
            print("band \(fitted.space.names[band]): monthly churn, chain \(chainRate), truth \(empirical) ± \(standardError) over \(Int(n)) account-months; within 6 months, chain \(within6[band])")
            #expect(abs(chainRate - empirical) <= 3 * standardError,
                    "\(fitted.space.names[band]): chain \(chainRate) vs truth \(empirical) ± \(standardError)")
        }
    }
}

/// The Markov-only churn score on a time-based split: the chain is fitted on the months up
/// to a cutoff, and later snapshots are ranked by P(churn within the horizon | state).
@Suite struct MarkovOnlyScoreTests {
    @Test func markovScoreRanksLaterMonthsAboveChance() throws {
        let book = try AccountHealthChainTests.Book.shared()
        let index = book.index
        let cutoff = index.dataEnd.adding(months: -9)
        let trainMonths = Cadence.monthly.dates(from: index.dataStart, through: cutoff)
        let chain = try AccountHealthChain.fit(index: index, rule: HealthStateRule(), estimator: MarkovChainEstimator(), months: trainMonths)
        let markov = MarkovColumns.health(try HealthStateColumns(chain: chain, horizonDays: 90))
        #expect(markov.names == ["markov_state=onboarding", "markov_state=at_least_neutral", "markov_state=at_least_at_risk",
                                 "markov_churn_probability_3m", "markov_expected_months_to_churn"])
        let table = try laterRows(.churn, markov, index: index, after: cutoff)
        let auc = rankAUC(table.column("markov_churn_probability_3m"), table.labels)
        print("Markov-only churn AUC on \(table.rowCount) snapshots after \(cutoff): \(auc)")
        #expect(table.rowCount > 2_000 && table.labels.contains(1))
        #expect(auc > 0.6)
        // The state columns in cumulative form: onboarding alone, or the bands' "at least"
        // columns set from the best up to the row's band (never a gap, never both).
        for r in 0..<table.rowCount {
            let state = Array(table.row(r).suffix(5).prefix(3))
            #expect(state.allSatisfy { $0 == 0 || $0 == 1 })
            #expect(state[0] == 0 || (state[1] == 0 && state[2] == 0))
            #expect(state[2] <= state[1])
        }
    }
}

@Suite struct ProjectPhaseChainTests {
    /// Off-track projects end over budget more often than on-track ones, and the chain's
    /// overrun probability ranks later project-weeks above chance.
    @Test func phasesRankOverrunRisk() throws {
        let book = try AccountHealthChainTests.Book.shared()
        let index = book.index
        let cutoff = index.dataEnd.adding(months: -9)
        let weeks = Cadence.weekly.dates(from: index.dataStart, through: cutoff)
        let phases = try ProjectPhaseChain.fit(index: index, rule: ProjectPhaseRule(), estimator: MarkovChainEstimator(), weeks: weeks,
                                               tolerance: 0.1, graceDays: 14)
        let columns = PhaseColumns(chain: phases)
        print("P(delivered over | phase): \(columns.overrunProbability); expected weeks to delivery: \(columns.expectedWeeks)")
        #expect(phases.chain.space.names == ["on_track", "watch", "off_track", "delivered_within_budget", "delivered_over"])
        #expect(columns.overrunProbability[0] < columns.overrunProbability[2])
        #expect(phases.chain.counts.counts[0][3] + phases.chain.counts.counts[0][4] > 0)  // outcomes were observed
        let table = try laterRows(.overrun, .phase(columns), index: index, after: cutoff)
        let auc = rankAUC(table.column("markov_overrun_probability"), table.labels)
        print("phase-chain overrun AUC on \(table.rowCount) later project-weeks: \(auc)")
        #expect(auc > 0.55)
    }
}

/// The labelled rows of `task` after `cutoff` (on the task's cadence), with Markov columns `markov` fitted up to it.
func laterRows(_ task: RiskTask, _ markov: MarkovColumns, index: SignalsIndex, after cutoff: Day) throws -> SnapshotTable {
    let recipe = FeatureRecipe(layout: SnapshotBuilder(index: index).layout(task: task), horizonDays: 90, tolerance: 0.1, graceDays: 14, markov: markov)
    let dates = task.defaultCadence.dates(from: cutoff + 1, through: index.dataEnd)
    return try Featurizer(recipe: recipe, index: index).table(dates: dates, requireLabels: true).table
}
