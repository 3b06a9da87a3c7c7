// VitalsViews: what people and dashboards read. The at-risk and project lists, explanations,
// score trends, driver phrases, the Markov report and the HTML evaluation report, each a value
// built from scores, with its terminal, CSV and JSON renderers. Never imports training.

import Foundation
import VitalsFoundation
import VitalsHistory
import VitalsModel
import VitalsScoring
import VitalsSignals

/// The order of the at-risk list.
public enum AtRiskSort: String, Sendable, CaseIterable, Codable {
    /// Highest churn probability first.
    case probability
    /// Largest ARR × probability first: the revenue most likely to be lost.
    case arrAtRisk = "arr-at-risk"
    /// Largest rise in probability since the previous run first (accounts without a
    /// previous score last).
    case change
}

/// What a CSM asks for: the top `top` accounts, optionally of one CSM or segment, in one order.
public struct AtRiskQuery: Sendable, Equatable {
    public var top: Int
    public var csm: String?
    public var segment: String?
    public var sort: AtRiskSort

    public init(top: Int = 20, csm: String? = nil, segment: String? = nil, sort: AtRiskSort = .probability) {
        self.top = top
        self.csm = csm
        self.segment = segment
        self.sort = sort
    }
}

/// One account on the at-risk list.
public struct AtRiskEntry: Sendable, Equatable {
    public let rank: Int
    public let accountID: String
    public let name: String?
    public let csm: String?
    public let segment: String?
    public let arr: Double?
    public let churnProbability: Double
    public let riskBand: RiskBand
    /// ARR × probability.
    public let arrAtRisk: Double?
    public let previousProbability: Double?
    /// Probability now minus in the previous run.
    public let change: Double?
    /// On today's watch list (the top 50 of the same query) and not on the previous run's
    /// (`PreviousList`); false without a previous run.
    public let newOnList: Bool
    public let renewalDate: String
    /// The renewal falls within the model's horizon from the as-of date.
    public let renewsWithinHorizon: Bool
    public let healthState: String?
    /// From the account's own churn curve (the health chain's figure for its state with a
    /// model without a curve).
    public let expectedDaysToChurn: Int?
    /// P(churn by the renewal date) and the median days to churn, from the account's curve;
    /// nil with a model without a curve (the median also when it lies beyond the curve).
    public let churnProbabilityByRenewal: Double?
    public let medianDaysToChurn: Int?
    public let drivers: [RankedDriver]

}

/// The CSM's morning list: which accounts need a call, what changed since the previous
/// scoring run in the history, and why.
///
/// "New on the list" compares like with like, on a watch list of a fixed size (`PreviousList`,
/// the top 50, whatever `top`): the same query (CSM, segment, and the same order, or probability
/// order for `--sort change`, ties broken the same way) applied to today's scores and to the
/// previous run's scores in the history. Accounts on the previous watch list and not on
/// today's are `leftTheList`. Without a previous run, nothing is new or left and no change is shown.
public struct AtRiskList: Sendable {
    public struct PreviousRun: Sendable, Equatable {
        public let asOf: String
        public let modelID: String
    }

    public let asOf: String
    public let modelID: String
    public let previousRun: PreviousRun?
    public let horizonDays: Int
    /// Where the days to churn come from: `curve` (each account's own churn curve) or
    /// `health_chain` (the chain's figure for the account's state, for models without a curve).
    public let daysToChurnFrom: String
    public let riskBands: RiskBands
    /// Accounts that match the CSM and segment filters (before `top`).
    public let matching: Int
    public private(set) var accounts: [AtRiskEntry]
    /// The size of the watch list that new and left are judged on.
    public let watchListSize: Int
    /// Accounts on the previous run's watch list that are not on today's, in their previous order.
    public let leftTheList: [LeftEntry]


    /// The same list cut to its first `top` accounts: what the same query with that `top` gives
    /// (new and left are judged on the watch list, whatever `top`), without ranking and
    /// phrasing the accounts again.
    public func prefix(_ top: Int) -> AtRiskList {
        var cut = self
        cut.accounts = Array(accounts.prefix(top))
        return cut
    }

    /// Builds the list from a churn snapshot and, when given, the previous run's scores.
    public init(snapshot: ScoredSnapshot, query: AtRiskQuery, previous: (run: ScoreHistory.Run, scores: [String: ScoreHistory.Score])?) throws {
        guard snapshot.task == .churn else { throw InsightError.wrongTask(model: snapshot.model.modelID, expected: .churn) }
        let accounts = snapshot.dataset.accounts
        let rowOfAccount = accounts.rowByID
        // `--csm quinn` and `--segment ent` name the data's values by any case or a unique prefix.
        let query = try query.resolved(in: accounts)
        func matches(_ a: Int) -> Bool {
            if let csm = query.csm, accounts.csm?[a]?.caseInsensitiveCompare(csm) != .orderedSame { return false }
            if let segment = query.segment, accounts.segment?[a]?.caseInsensitiveCompare(segment) != .orderedSame { return false }
            return true
        }
        let p = snapshot.probabilities
        let rows = (0..<snapshot.rowCount).filter { matches(Int(snapshot.table.entities[$0])) }
        let arr: (Int) -> Double? = { accounts.arr?[$0] }
        let change: (Int) -> Double? = { r in previous?.scores[snapshot.ids[r]].map { p[r] - $0.probability } }
        let key: (Int) -> Double
        switch query.sort {
        case .probability: key = { p[$0] }
        case .arrAtRisk: key = { r in (arr(Int(snapshot.table.entities[r])) ?? 0) * p[r] }
        case .change: key = { r in change(r) ?? -.infinity }
        }
        let eta = snapshot.decisionValues
        let order = { (r: Int) in RiskOrder(key: key(r), probability: p[r], logOdds: eta[r], id: snapshot.ids[r]) }
        let ordered = rows.sorted { order($0).ranksAbove(order($1)) }
        let listed = Array(ordered.prefix(query.top))

        // The watch lists new and left are judged on: the history keeps no change, so `change` watches by probability.
        let watchKey: (Int) -> Double = query.sort == .arrAtRisk ? key : { p[$0] }
        let watch = Set(rows.sorted { RiskOrder(key: watchKey($0), probability: p[$0], logOdds: eta[$0], id: snapshot.ids[$0])
                .ranksAbove(RiskOrder(key: watchKey($1), probability: p[$1], logOdds: eta[$1], id: snapshot.ids[$1])) }
            .prefix(PreviousList.size).map { snapshot.ids[$0] })
        let previousWatch = previous.map { previous in
            PreviousList.ids(previous.scores, matches: { rowOfAccount[$0].map(matches) ?? false },
                             key: query.sort == .arrAtRisk ? { ($0.arr ?? 0) * $0.probability } : { $0.probability })
        } ?? []
        let previousList = Set(previousWatch)
        var now: [String: Double] = [:]
        if previous != nil { for r in 0..<snapshot.rowCount { now[snapshot.ids[r]] = p[r] } }
        leftTheList = previous.map { previous in
            LeftEntry.left(previous: previousWatch, current: watch, scores: previous.scores, now: now,
                           describe: { (rowOfAccount[$0].flatMap { accounts.name?[$0] }, nil) })
        } ?? []
        watchListSize = PreviousList.size

        let asOf = snapshot.asOf, horizon = snapshot.spec.horizonDays
        self.accounts = listed.enumerated().map { rank, r in
            let a = Int(snapshot.table.entities[r]), id = snapshot.ids[r]
            let renewal = snapshot.index.nextRenewal(account: a, after: asOf)
            let before = previous?.scores[id]?.probability
            return AtRiskEntry(
                rank: rank + 1, accountID: id, name: accounts.name?[a], csm: accounts.csm?[a], segment: accounts.segment?[a], arr: arr(a),
                churnProbability: p[r], riskBand: snapshot.band(r),
                arrAtRisk: arr(a).map { ArrAtRisk.of(arr: $0, probability: p[r]) }, previousProbability: before, change: change(r),
                newOnList: previous != nil && watch.contains(id) && !previousList.contains(id), renewalDate: "\(renewal)",
                renewsWithinHorizon: renewal - asOf <= horizon, healthState: snapshot.stateName(r),
                expectedDaysToChurn: snapshot.expectedDaysToChurn(r), churnProbabilityByRenewal: snapshot.churnProbabilityByRenewal(r),
                medianDaysToChurn: snapshot.medianDaysToChurn(r), drivers: RankedDriver.top(snapshot, row: r))
        }
        self.asOf = "\(asOf)"
        self.modelID = snapshot.model.modelID
        self.previousRun = previous.map { PreviousRun(asOf: $0.run.asOf, modelID: $0.run.modelID) }
        self.horizonDays = horizon
        self.daysToChurnFrom = snapshot.curves == nil ? "health_chain" : "curve"
        self.riskBands = snapshot.spec.riskBands
        self.matching = rows.count
    }
}
