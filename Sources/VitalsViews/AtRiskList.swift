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
public struct AtRiskEntry: Sendable, Equatable, Codable {
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
    /// Not on the list the same query gave in the previous run.
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

    enum CodingKeys: String, CodingKey {
        case rank, accountID = "account_id", name, csm, segment, arr, churnProbability = "churn_probability", riskBand = "risk_band"
        case arrAtRisk = "arr_at_risk", previousProbability = "previous_probability", change, newOnList = "new_on_list"
        case renewalDate = "renewal_date", renewsWithinHorizon = "renews_within_horizon", healthState = "health_state"
        case expectedDaysToChurn = "expected_days_to_churn", churnProbabilityByRenewal = "churn_probability_by_renewal"
        case medianDaysToChurn = "median_days_to_churn", drivers
    }
}

/// The CSM's morning list: which accounts need a call, what changed since the previous
/// scoring run in the history, and why.
///
/// "New on the list" compares like with like: the same query (CSM, segment, top N, and the
/// same order, or probability order for `--sort change`, ties broken the same way) applied
/// to the previous run's scores in the history. Without a previous run, nothing is new and no change is shown.
public struct AtRiskList: Sendable, Codable {
    public struct PreviousRun: Sendable, Equatable, Codable {
        public let asOf: String
        public let modelID: String
        enum CodingKeys: String, CodingKey { case asOf = "as_of", modelID = "model_id" }
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
    public let accounts: [AtRiskEntry]
    /// The accounts the same query listed in the previous run, sorted (empty without one): with
    /// `accounts`, who left the list since (the digest shows them). Not in the list's JSON.
    public private(set) var previousListIDs: [String] = []

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", modelID = "model_id", previousRun = "previous_run", horizonDays = "horizon_days"
        case daysToChurnFrom = "days_to_churn_from", riskBands = "risk_bands"
        case matching, accounts
    }

    /// Builds the list from a churn snapshot and, when given, the previous run's scores.
    public init(snapshot: ScoredSnapshot, query: AtRiskQuery, previous: (run: ScoreHistory.Run, scores: [String: ScoreHistory.Score])?) throws {
        guard snapshot.task == .churn else { throw InsightError.wrongTask(model: snapshot.model.modelID, expected: .churn) }
        let accounts = snapshot.dataset.accounts
        let rowOfAccount = accounts.rowByID
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

        let previousList = previous.map { previous in
            PreviousList.ids(previous.scores, matches: { rowOfAccount[$0].map(matches) ?? false },
                             key: query.sort == .arrAtRisk ? { ($0.arr ?? 0) * $0.probability } : { $0.probability }, top: query.top)
        } ?? []

        let asOf = snapshot.asOf, horizon = snapshot.spec.horizonDays
        self.accounts = listed.enumerated().map { rank, r in
            let a = Int(snapshot.table.entities[r]), id = snapshot.ids[r]
            let renewal = snapshot.index.nextRenewal(account: a, after: asOf)
            let before = previous?.scores[id]?.probability
            return AtRiskEntry(
                rank: rank + 1, accountID: id, name: accounts.name?[a], csm: accounts.csm?[a], segment: accounts.segment?[a], arr: arr(a),
                churnProbability: p[r], riskBand: snapshot.band(r),
                arrAtRisk: arr(a).map { ArrAtRisk.of(arr: $0, probability: p[r]) }, previousProbability: before, change: change(r),
                newOnList: previous != nil && !previousList.contains(id), renewalDate: "\(renewal)",
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
        self.previousListIDs = previousList.sorted()
    }
}
