import VitalsFeatures
import VitalsFoundation
import VitalsHistory
import VitalsModel
import VitalsScoring
import VitalsSignals

/// The scored snapshot and the history's previous run that every list, explanation and alert
/// starts from. The history is only read.
public struct InsightContext {
    public let snapshot: ScoredSnapshot
    public let previous: (run: ScoreHistory.Run, scores: [String: ScoreHistory.Score])?
    public let warnings: [String]

    public init(input: ScoringInput, historyPath: String?) throws {
        let (snapshot, warnings) = try input.snapshot()
        let asOf = "\(snapshot.asOf)", task = snapshot.task.rawValue
        previous = try historyPath.flatMap { try ScoreHistory(path: $0, access: .read).previousScores(task: task, before: asOf) }
        (self.snapshot, self.warnings) = (snapshot, warnings)
    }
}

/// `vitals at-risk`: the at-risk list for a CSM.
public struct AtRiskRequest: Sendable {
    public var input: ScoringInput
    public var historyPath: String?
    public var query: AtRiskQuery

    public init(input: ScoringInput, historyPath: String?, query: AtRiskQuery) {
        self.input = input
        self.historyPath = historyPath
        self.query = query
    }

    public func run() throws -> (list: AtRiskList, warnings: [String]) {
        let context = try InsightContext(input: input, historyPath: historyPath)
        return (try AtRiskList(snapshot: context.snapshot, query: query, previous: context.previous), context.warnings)
    }
}

/// `vitals projects`: in-flight projects for a PSO lead.
public struct ProjectListRequest: Sendable {
    public var input: ScoringInput
    public var historyPath: String?
    public var query: ProjectQuery

    public init(input: ScoringInput, historyPath: String? = nil, query: ProjectQuery) {
        self.input = input
        self.historyPath = historyPath
        self.query = query
    }

    public func run() throws -> (list: ProjectList, warnings: [String]) {
        let context = try InsightContext(input: input, historyPath: historyPath)
        return (try ProjectList(snapshot: context.snapshot, query: query, previous: context.previous), context.warnings)
    }
}

/// `vitals explain`: one account's or project's score, feature by feature.
public struct ExplainRequest: Sendable {
    public var input: ScoringInput
    public var id: String
    /// Compare with this date; else with the history's previous run, if any.
    public var since: Day?
    public var historyPath: String?

    public init(input: ScoringInput, id: String, since: Day?, historyPath: String?) {
        self.input = input
        self.id = id
        self.since = since
        self.historyPath = historyPath
    }

    public func run() throws -> (explanation: Explanation, warnings: [String]) {
        let context = try InsightContext(input: input, historyPath: historyPath)
        let comparison: (day: Day, source: String, recorded: ScoreHistory.Score?, recordedModel: String?)?
        if let since {
            let index = context.snapshot.index
            try ScoringError.check(since, "comparison date", first: index.dataStart, last: index.dataEnd)
            comparison = (since, "option", nil, nil)
        } else if let previous = context.previous, let day = Day(previous.run.asOf) {
            comparison = (day, "history", previous.scores[id], previous.run.modelID)
        } else {
            comparison = nil
        }
        return (try Explanation(snapshot: context.snapshot, id: id, since: comparison), context.warnings)
    }
}

/// `vitals history`: one entity's scores over time.
public struct HistoryRequest: Sendable {
    public var historyPath: String
    public var task: RiskTask
    public var entityID: String

    public init(historyPath: String, task: RiskTask, entityID: String) {
        self.historyPath = historyPath
        self.task = task
        self.entityID = entityID
    }

    public func run() throws -> ScoreTrend {
        let trend = try ScoreHistory(path: historyPath, access: .read).trend(entity: entityID, task: task.rawValue)
        guard !trend.isEmpty else { throw InsightError.noScores(id: entityID, history: historyPath) }
        return ScoreTrend(task: task, id: entityID, trend: trend)
    }
}
