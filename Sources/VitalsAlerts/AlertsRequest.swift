import Foundation
import VitalsFoundation
import VitalsHistory
import VitalsScoring
import VitalsSignals
import VitalsViews

/// The events of one as-of date: the alert rules over a scoring of the book and the history.
public struct AlertReport: Sendable, Equatable {
    public let task: RiskTask
    public let asOf: String
    public let modelID: String
    /// The history's previous run of the task, if any.
    public let previousAsOf: String?
    public let events: [AlertEvent]

    public init(task: RiskTask, asOf: String, modelID: String, previousAsOf: String?, events: [AlertEvent]) {
        self.task = task
        self.asOf = asOf
        self.modelID = modelID
        self.previousAsOf = previousAsOf
        self.events = events
    }
}

/// `vitals alerts`: scores the book as of the date with the model (the path `vitals at-risk`
/// and `vitals projects` take, `InsightContext`), reads the history's previous runs, and
/// applies the rules. The history is only read.
public struct AlertsRequest: Sendable {
    public var input: ScoringInput
    public var historyPath: String
    public var config: AlertsConfig

    public init(input: ScoringInput, historyPath: String, config: AlertsConfig = .standard) {
        self.input = input
        self.historyPath = historyPath
        self.config = config
    }

    public func run() throws -> (report: AlertReport, warnings: [String]) {
        let context = try InsightContext(input: input, historyPath: historyPath)
        let snapshot = context.snapshot, task = snapshot.task, bands = snapshot.spec.riskBands
        var warnings = context.warnings
        var runs: [AlertBaseline.Run] = []
        var previousRisks: (hours: [String: Double], late: [String: Double])?
        if let previous = context.previous {
            runs.append(Self.run(previous.run, previous.scores, bands: bands))
            // The runs before the previous one, one per date (the newest on a date), for stayed_high.
            let history = try ScoreHistory(path: historyPath, access: .read)
            var byDate: [String: ScoreHistory.Run] = [:]
            for run in try history.runs() where run.task == task.rawValue && run.asOf < previous.run.asOf { byDate[run.asOf] = run }
            for date in byDate.keys.sorted(by: >).prefix(max(config.stayedHighRuns - 1, 0)) {
                runs.append(Self.run(byDate[date]!, try history.scores(of: byDate[date]!), bands: bands))
            }
            // The history keeps the joint overrun probability only: the two risks of the previous
            // date come from scoring it again, on the same path, with the same model.
            if task == .overrun, snapshot.risks != nil, let day = Day(previous.run.asOf) {
                var earlier = input
                earlier.asOf = day
                do {
                    let (before, _) = try earlier.snapshot()
                    if let risks = before.risks {
                        previousRisks = (Dictionary(uniqueKeysWithValues: zip(before.ids, risks.hours)), Dictionary(uniqueKeysWithValues: zip(before.ids, risks.late)))
                    }
                } catch {
                    warnings.append("cannot score the previous run's date \(day) again (\(error)); no overrun or late band events this time")
                }
            }
        }
        let subjects = Self.subjects(snapshot)
        let events = AlertRules.events(task: task, modelID: snapshot.model.modelID, asOf: snapshot.asOf, bands: bands, subjects: subjects,
                                       baseline: AlertBaseline(runs: runs, previousRisks: previousRisks), config: config)
        return (AlertReport(task: task, asOf: "\(snapshot.asOf)", modelID: snapshot.model.modelID, previousAsOf: context.previous?.run.asOf, events: events),
                warnings)
    }

    /// A recorded run as the rules see it; the band is the one the run recorded (the model of
    /// that day), or under today's bands for a score without one.
    static func run(_ run: ScoreHistory.Run, _ scores: [String: ScoreHistory.Score], bands: RiskBands) -> AlertBaseline.Run {
        let high = scores.values.filter { ($0.riskBand.flatMap(RiskBand.init(rawValue:)) ?? bands.band($0.probability)) == .high }.map(\.entityID)
        return AlertBaseline.Run(asOf: Day(run.asOf) ?? Day(ordinal: 0), probabilities: scores.mapValues(\.probability), high: Set(high))
    }

    /// Every scored row as a subject: accounts with their CSM, ARR and next renewal; projects
    /// with their account's CSM and ARR and the overrun model's two risks.
    static func subjects(_ snapshot: ScoredSnapshot) -> [AlertSubject] {
        let accounts = snapshot.dataset.accounts
        return (0..<snapshot.rowCount).map { r in
            let entity = Int(snapshot.table.entities[r]), p = snapshot.probabilities[r]
            switch snapshot.task {
            case .churn:
                return AlertSubject(accountID: snapshot.ids[r], csm: accounts.csm?[entity], arr: accounts.arr?[entity], probability: p,
                                    renewal: snapshot.nextRenewal(r))
            case .overrun:
                let a = Int(snapshot.dataset.projects!.account[entity])
                return AlertSubject(accountID: accounts.accountID[a], projectID: snapshot.ids[r], csm: accounts.csm?[a], arr: accounts.arr?[a],
                                    probability: p, hoursProbability: snapshot.risks?.hours[r], lateProbability: snapshot.risks?.late[r])
            }
        }
    }
}
