import VitalsFeatures
import VitalsHistory
import VitalsModel
import VitalsSignals
import VitalsTraining

/// The scored snapshot and the history's previous run that every list and explanation starts from.
struct InsightContext {
    let snapshot: ScoredSnapshot
    let previous: (run: ScoreHistory.Run, scores: [String: ScoreHistory.Score])?
    let warnings: [String]

    init(model: ModelFile, dataset: SignalsDataset, directory: String, asOf: Day?, historyPath: String?, allowMissingSignals: Bool) throws {
        warnings = try SignalsScoring.checkSignalFiles(model: model, directory: directory, allowMissing: allowMissingSignals)
        let index = SignalsIndex(dataset)
        snapshot = try ScoredSnapshot(model: model, index: index, asOf: asOf ?? index.dataEnd)
        let asOf = "\(snapshot.asOf)"
        previous = try historyPath.flatMap { try ScoreHistory(path: $0, create: false).previousScores(task: model.task.rawValue, before: asOf) }
    }
}

/// `vitals at-risk`: the at-risk list for a CSM.
public struct AtRiskRequest: Sendable {
    public var model: ModelFile
    public var dataset: SignalsDataset
    public var directory: String
    public var asOf: Day?
    public var historyPath: String?
    public var query: AtRiskQuery
    public var allowMissingSignals: Bool

    public init(model: ModelFile, dataset: SignalsDataset, directory: String, asOf: Day?, historyPath: String?, query: AtRiskQuery,
                allowMissingSignals: Bool = false) {
        self.model = model
        self.dataset = dataset
        self.directory = directory
        self.asOf = asOf
        self.historyPath = historyPath
        self.query = query
        self.allowMissingSignals = allowMissingSignals
    }

    public func run() throws -> (list: AtRiskList, warnings: [String]) {
        let context = try InsightContext(model: model, dataset: dataset, directory: directory, asOf: asOf, historyPath: historyPath,
                                         allowMissingSignals: allowMissingSignals)
        return (try AtRiskList(snapshot: context.snapshot, query: query, previous: context.previous), context.warnings)
    }
}

/// `vitals projects`: in-flight projects by overrun probability for a PSO lead.
public struct ProjectListRequest: Sendable {
    public var model: ModelFile
    public var dataset: SignalsDataset
    public var directory: String
    public var asOf: Day?
    public var top: Int
    public var allowMissingSignals: Bool

    public init(model: ModelFile, dataset: SignalsDataset, directory: String, asOf: Day?, top: Int, allowMissingSignals: Bool = false) {
        self.model = model
        self.dataset = dataset
        self.directory = directory
        self.asOf = asOf
        self.top = top
        self.allowMissingSignals = allowMissingSignals
    }

    public func run() throws -> (list: ProjectList, warnings: [String]) {
        let context = try InsightContext(model: model, dataset: dataset, directory: directory, asOf: asOf, historyPath: nil,
                                         allowMissingSignals: allowMissingSignals)
        return (try ProjectList(snapshot: context.snapshot, top: top), context.warnings)
    }
}

/// `vitals explain`: one account's or project's score, feature by feature.
public struct ExplainRequest: Sendable {
    public var model: ModelFile
    public var dataset: SignalsDataset
    public var directory: String
    public var id: String
    public var asOf: Day?
    /// Compare with this date; else with the history's previous run, if any.
    public var since: Day?
    public var historyPath: String?
    public var allowMissingSignals: Bool

    public init(model: ModelFile, dataset: SignalsDataset, directory: String, id: String, asOf: Day?, since: Day?, historyPath: String?,
                allowMissingSignals: Bool = false) {
        self.model = model
        self.dataset = dataset
        self.directory = directory
        self.id = id
        self.asOf = asOf
        self.since = since
        self.historyPath = historyPath
        self.allowMissingSignals = allowMissingSignals
    }

    public func run() throws -> (explanation: Explanation, warnings: [String]) {
        let context = try InsightContext(model: model, dataset: dataset, directory: directory, asOf: asOf, historyPath: historyPath,
                                         allowMissingSignals: allowMissingSignals)
        let comparison: (day: Day, source: String, recorded: ScoreHistory.Score?, recordedModel: String?)?
        if let since {
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
    public var task: String
    public var entityID: String

    public init(historyPath: String, task: String, entityID: String) {
        self.historyPath = historyPath
        self.task = task
        self.entityID = entityID
    }

    public func run() throws -> ScoreTrend {
        let trend = try ScoreHistory(path: historyPath, create: false).trend(entity: entityID, task: task)
        guard !trend.isEmpty else { throw InsightError.noScores(id: entityID, history: historyPath) }
        return ScoreTrend(task: task, id: entityID, trend: trend)
    }
}
