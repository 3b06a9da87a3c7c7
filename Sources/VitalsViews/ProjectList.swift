import Foundation
import VitalsFoundation
import VitalsHistory
import VitalsScoring
import VitalsSignals

/// The order of the project list.
public enum ProjectSort: String, Sendable, CaseIterable, Codable {
    /// Highest overrun probability first.
    case probability
    /// Largest forecast overrun (EAC over budget, in percent) first.
    case hours
    /// Most days late (forecast end after the baseline) first.
    case late
    /// Largest rise in probability since the previous run first (projects without a previous
    /// score last).
    case change
}

/// What a PSO lead asks for: the top `top` projects in flight, optionally of one account,
/// type or delivery phase, in one order.
public struct ProjectQuery: Sendable, Equatable {
    public var top: Int
    public var account: String?
    public var type: String?
    public var phase: String?
    public var sort: ProjectSort

    public init(top: Int = 20, account: String? = nil, type: String? = nil, phase: String? = nil, sort: ProjectSort = .probability) {
        self.top = top
        self.account = account
        self.type = type
        self.phase = phase
        self.sort = sort
    }

    /// A phase as the outputs spell it ("off_track") or with a hyphen ("off-track"), any case.
    static func samePhase(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        let normal = { (s: String) in s.lowercased().replacingOccurrences(of: "-", with: "_") }
        return normal(a) == normal(b)
    }
}

/// One in-flight project on the PSO lead's list.
public struct ProjectEntry: Sendable, Equatable {
    public let rank: Int
    public let projectID: String
    public let accountID: String
    public let accountName: String?
    public let type: String?
    public let overrunProbability: Double
    /// The two risks `overrunProbability` joins (nil with a model that has not got them):
    /// final hours above budget × (1 + T), and ending after the planned end + G.
    public let hoursOverrunProbability: Double?
    public let lateProbability: Double?
    public let riskBand: RiskBand
    public let previousProbability: Double?
    /// Probability now minus in the previous run.
    public let change: Double?
    /// On today's watch list (the top 50 of the same query) and not on the previous run's
    /// (`PreviousList`); false without a previous run.
    public let newOnList: Bool
    public let budgetHours: Double
    public let hoursLogged: Double
    public let changeOrderHours: Double
    /// EAC = BAC / CPI, and the PMI bracket around it (`ProjectForecast`).
    public let forecastHoursAtCompletion: Double
    public let forecastHoursLow: Double
    public let forecastHoursHigh: Double
    /// EAC / BAC − 1, in percent.
    public let forecastOverrunPct: Double
    public let forecastEndDate: String
    /// When the interval's low and high hours would run out at the same pace.
    public let forecastEndLow: String
    public let forecastEndHigh: String
    public let baselineEndDate: String
    public let daysLate: Int
    public let phase: String?
    public let drivers: [RankedDriver]

}

/// The PSO lead's list: in-flight projects by overrun probability (or forecast overrun, days
/// late or change), each with its earned-value forecast (how many hours, how late) beside the
/// model's probability, and what changed since the previous scoring run in the history.
///
/// "New on the list" and "left the list" follow the at-risk list's rule (`PreviousList`): the
/// same query's top 50 (whatever `top`) today and on the previous run's scores, by probability
/// (the history keeps no forecast hours, days late or change). The phase filter applies to the
/// previous run's recorded phase.
public struct ProjectList: Sendable {
    public let asOf: String
    public let modelID: String
    public let previousRun: AtRiskList.PreviousRun?
    public let riskBands: RiskBands
    /// Projects in flight on the as-of date (before any filter and `top`).
    public let inFlight: Int
    /// Projects that match the account, type and phase filters (before `top`).
    public let matching: Int
    public let sort: ProjectSort
    /// What the hours range is: the model's calibrated interval, or the earned-value bracket
    /// (models trained before the interval existed).
    public let forecastInterval: String
    public let projects: [ProjectEntry]
    /// The size of the watch list that new and left are judged on.
    public let watchListSize: Int
    /// Projects on the previous run's watch list that are not on today's, in their previous
    /// order.
    public let leftTheList: [LeftEntry]


    public static let calibratedInterval = "80 % interval calibrated on finished projects"
    public static let earnedValueBracket = "earned-value bracket (the remaining work at plan to CPI × SPI slippage)"

    public init(snapshot: ScoredSnapshot, query: ProjectQuery,
                previous: (run: ScoreHistory.Run, scores: [String: ScoreHistory.Score])? = nil) throws {
        guard snapshot.task == .overrun else { throw InsightError.wrongTask(model: snapshot.model.modelID, expected: .overrun) }
        let projects = snapshot.dataset.projects!, accounts = snapshot.dataset.accounts
        let rowOfProject = projects.rowByID
        func matches(project j: Int, phase: String?) -> Bool {
            if let account = query.account, accounts.accountID[Int(projects.account[j])].caseInsensitiveCompare(account) != .orderedSame { return false }
            if let type = query.type, projects.type?[j]?.caseInsensitiveCompare(type) != .orderedSame { return false }
            if let wanted = query.phase, !ProjectQuery.samePhase(phase, wanted) { return false }
            return true
        }
        let p = snapshot.probabilities, eta = snapshot.decisionValues
        let rows = (0..<snapshot.rowCount).filter { matches(project: Int(snapshot.table.entities[$0]), phase: snapshot.stateName($0)) }
        var forecasts: [Int: ProjectForecast] = [:]
        for r in rows { forecasts[r] = ProjectForecast(snapshot, row: r) }
        let change: (Int) -> Double? = { r in previous?.scores[snapshot.ids[r]].map { p[r] - $0.probability } }
        let key: (Int) -> Double
        switch query.sort {
        case .probability: key = { p[$0] }
        case .hours: key = { forecasts[$0]!.overrunShare }
        case .late: key = { Double(forecasts[$0]!.daysLate) }
        case .change: key = { change($0) ?? -.infinity }
        }
        let order = { (r: Int) in RiskOrder(key: key(r), probability: p[r], logOdds: eta[r], id: snapshot.ids[r]) }
        let listed = rows.sorted { order($0).ranksAbove(order($1)) }.prefix(query.top)
        let watch = Set(rows.sorted { RiskOrder(key: p[$0], probability: p[$0], logOdds: eta[$0], id: snapshot.ids[$0])
                .ranksAbove(RiskOrder(key: p[$1], probability: p[$1], logOdds: eta[$1], id: snapshot.ids[$1])) }
            .prefix(PreviousList.size).map { snapshot.ids[$0] })
        let previousWatch = previous.map { previous in
            PreviousList.ids(previous.scores, matches: { id in rowOfProject[id].map { matches(project: $0, phase: previous.scores[id]?.healthState) } ?? false },
                             key: { $0.probability })
        } ?? []
        let previousList = Set(previousWatch)
        var now: [String: Double] = [:]
        if previous != nil { for r in 0..<snapshot.rowCount { now[snapshot.ids[r]] = p[r] } }
        leftTheList = previous.map { previous in
            LeftEntry.left(previous: previousWatch, current: watch, scores: previous.scores, now: now,
                           describe: { id in
                               let a = rowOfProject[id].map { Int(projects.account[$0]) }
                               return (a.flatMap { accounts.name?[$0] }, a.map { accounts.accountID[$0] })
                           })
        } ?? []
        watchListSize = PreviousList.size

        self.projects = listed.enumerated().map { rank, r in
            let j = Int(snapshot.table.entities[r]), a = Int(projects.account[j]), id = snapshot.ids[r]
            let f = forecasts[r]!
            let tenth: (Double) -> Double = { ($0 * 10).rounded() / 10 }
            return ProjectEntry(
                rank: rank + 1, projectID: id, accountID: accounts.accountID[a], accountName: accounts.name?[a],
                type: projects.type?[j], overrunProbability: p[r], hoursOverrunProbability: snapshot.risks?.hours[r],
                lateProbability: snapshot.risks?.late[r], riskBand: snapshot.band(r), previousProbability: previous?.scores[id]?.probability,
                change: change(r), newOnList: previous != nil && watch.contains(id) && !previousList.contains(id), budgetHours: f.budgetHours, hoursLogged: f.hoursLogged,
                changeOrderHours: tenth(f.changeOrderHours), forecastHoursAtCompletion: tenth(f.hoursAtCompletion),
                forecastHoursLow: tenth(f.hoursAtCompletionLow), forecastHoursHigh: tenth(f.hoursAtCompletionHigh),
                forecastOverrunPct: tenth(f.overrunShare * 100), forecastEndDate: "\(f.endDate)", forecastEndLow: "\(f.endDateLow)",
                forecastEndHigh: "\(f.endDateHigh)", baselineEndDate: "\(f.baselineEndDate)",
                daysLate: f.daysLate, phase: snapshot.stateName(r), drivers: RankedDriver.top(snapshot, row: r))
        }
        asOf = "\(snapshot.asOf)"
        modelID = snapshot.model.modelID
        previousRun = previous.map { AtRiskList.PreviousRun(asOf: $0.run.asOf, modelID: $0.run.modelID) }
        riskBands = snapshot.spec.riskBands
        inFlight = snapshot.rowCount
        matching = rows.count
        sort = query.sort
        forecastInterval = snapshot.spec.hoursInterval == nil ? Self.earnedValueBracket : Self.calibratedInterval
    }
}
