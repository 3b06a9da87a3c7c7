import Foundation
import Testing
import VitalsFeatures
import VitalsFoundation
import VitalsMarkov
import VitalsSignals
import VitalsTestBooks
import VitalsTestSupport

/// The one featurizer: a training row and a scoring row of the same (entity, date) are the
/// same columns with the same values, Markov columns included, for both tasks.
@Suite struct FeaturizerTests {
    /// The recipe training would build for a task: the data's levels, every family, and the
    /// Markov columns fitted on the data up to `cutoff`.
    static func recipe(_ task: RiskTask, index: SignalsIndex, cutoff: Day) throws -> FeatureRecipe {
        let builder = SnapshotBuilder(index: index)
        let markov = task == .churn
            ? try MarkovColumns.fitHealth(index: index, rule: HealthStateRule(), estimator: MarkovChainEstimator(), through: cutoff, horizonDays: 90)
            : try MarkovColumns.fitPhase(index: index, rule: ProjectPhaseRule(), estimator: MarkovChainEstimator(), through: cutoff,
                                         tolerance: 0.1, graceDays: 14)
        return FeatureRecipe(layout: builder.layout(task: task), horizonDays: 90, tolerance: 0.1, graceDays: 14, markov: markov)
    }

    @Test(arguments: RiskTask.allCases)
    func trainingAndScoringRowsOfTheSameEntityAndDateAgree(task: RiskTask) throws {
        let book = try TestBook.shared()
        let index = book.index
        let cutoff = index.dataEnd.adding(months: -6)
        let featurizer = Featurizer(recipe: try Self.recipe(task, index: index, cutoff: cutoff), index: index)
        let dates = SnapshotBuilder(index: index).defaultDates(cadence: task.defaultCadence, through: cutoff)
        let training = try featurizer.table(dates: dates, requireLabels: true, labelCutoff: cutoff)
        #expect(training.table.featureNames == featurizer.recipe.featureNames)
        #expect(training.table.featureNames.suffix(4).allSatisfy { $0.hasPrefix("markov_") })
        var compared = 0
        // Scoring one date at a time, as `vitals score --as-of` does.
        for day in stride(from: dates.count - 1, through: 0, by: -max(1, dates.count / 6)).map({ dates[$0] }) {
            let scoring = try featurizer.table(dates: [day], requireLabels: false)
            #expect(scoring.table.featureNames == training.table.featureNames)
            let rowOfEntity = Dictionary(uniqueKeysWithValues: scoring.table.entities.enumerated().map { ($1, $0) })
            for r in 0..<training.table.rowCount where training.table.dates[r] == day {
                let s = try #require(rowOfEntity[training.table.entities[r]], "entity \(training.table.entities[r]) not scored on \(day)")
                let a = training.table.row(r), b = scoring.table.row(s)
                #expect(zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) },
                        "\(task) entity \(training.table.entities[r]) on \(day)")
                #expect(training.states[r] == scoring.states[s])
                compared += 1
            }
        }
        #expect(compared > 50, "\(task): only \(compared) rows compared")
    }

    /// The Markov columns of a row are its state in cumulative form (onboarding, then "at
    /// least" each band after the best) and that state's chain figures.
    @Test func markovColumnsAreTheRowsStateAndItsFigures() throws {
        let book = try TestBook.shared()
        let recipe = try Self.recipe(.churn, index: book.index, cutoff: book.index.dataEnd)
        guard case let .health(columns) = recipe.markov else { Issue.record("no health columns"); return }
        let (table, states) = try Featurizer(recipe: recipe, index: book.index).table(dates: [book.index.dataEnd], requireLabels: false)
        let transient = columns.transientStates.count
        #expect(transient == 4 && columns.names.count == transient - 1 + 2)
        var seen = Set<Int>()
        for r in 0..<table.rowCount {
            let tail = Array(table.row(r).suffix(transient + 1))
            let s = states[r]
            seen.insert(s)
            // onboarding (0); healthy (1): nothing set; neutral (2): at_least_neutral; at_risk (3): both.
            #expect(tail[0..<(transient - 1)] == [s == 0 ? 1 : 0, s >= 2 ? 1 : 0, s >= 3 ? 1 : 0][...])
            #expect(tail[transient - 1] == columns.churnProbability[s] && tail[transient] == columns.expectedMonths[s])
        }
        #expect(seen.count >= 3, "states seen: \(seen)")
    }

    /// A health chain needs `tenure_days` to place accounts; without the account family the
    /// featurizer says so instead of crashing.
    @Test func healthColumnsWithoutTenureAreRefused() throws {
        let book = try TestBook.shared()
        let full = try Self.recipe(.churn, index: book.index, cutoff: book.index.dataEnd)
        let layout = FeatureLayout(task: .churn, families: [.usage], segmentLevels: [], projectTypeLevels: [])
        let recipe = FeatureRecipe(layout: layout, horizonDays: 90, tolerance: 0.1, graceDays: 14, markov: full.markov)
        #expect(throws: FeaturizerError.missingFeature("tenure_days", purpose: "place accounts in the health chain")) {
            try Featurizer(recipe: recipe, index: book.index).table(dates: [book.index.dataEnd], requireLabels: false)
        }
    }
}
