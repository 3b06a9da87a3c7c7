import Foundation
import VitalsFoundation

/// The digest `vitals digest` writes: one page per CSM, an index, and a page for PSO leads.
///
/// Every figure on it comes from the lists the other commands print (`AtRiskList` per CSM,
/// `ProjectList` for the PSO page) and from the score history; the digest only arranges them
/// for people who read them in a browser or an email, not in a terminal.
public struct HealthDigest: Sendable {
    /// The as-of date of the scores.
    public let asOf: String
    /// The churn side: nil when the digest was made with an overrun model only.
    public let churn: ChurnSide?
    /// The PSO page's list: nil without an overrun model.
    public let projects: ProjectList?

    public struct ChurnSide: Sendable {
        public let modelID: String
        public let previousRun: AtRiskList.PreviousRun?
        public let horizonDays: Int
        public let riskBands: RiskBands
        /// How many accounts each CSM page lists at most (the at-risk list's `top`).
        public let top: Int
        /// One page per CSM named in accounts.csv, in name order (any case, then as spelt).
        public let csms: [CSMDigest]
        /// Active accounts without a CSM: on no page.
        public let accountsWithoutCSM: Int

        public init(modelID: String, previousRun: AtRiskList.PreviousRun?, horizonDays: Int, riskBands: RiskBands, top: Int,
                    csms: [CSMDigest], accountsWithoutCSM: Int) {
            self.modelID = modelID
            self.previousRun = previousRun
            self.horizonDays = horizonDays
            self.riskBands = riskBands
            self.top = top
            self.csms = csms
            self.accountsWithoutCSM = accountsWithoutCSM
        }
    }

    public init(asOf: String, churn: ChurnSide?, projects: ProjectList?) {
        self.asOf = asOf
        self.churn = churn
        self.projects = projects
    }

    /// The index page's file name.
    public static let indexFile = "index.html"
    /// The PSO leads' page's file name.
    public static let projectsFile = "projects.html"
}

/// One CSM's page: `vitals at-risk --csm NAME`'s list, what changed since the history's
/// previous run, the renewals coming up, and each listed account's probability over the runs.
public struct CSMDigest: Sendable {
    /// The CSM's name as accounts.csv spells it (the first spelling in sort order when several
    /// differ only in case, which the at-risk list treats as one CSM).
    public let name: String
    /// The page's file name, `csm-<slug>.html`: unique in the digest (`DigestSlug`).
    public let fileName: String
    /// The CSM's at-risk list (the same query as `vitals at-risk --csm NAME --top N`).
    public let atRisk: AtRiskList
    /// Accounts on the same query's list in the previous run that are not on it now.
    public let left: [LeftEntry]
    /// The CSM's active accounts whose next renewal falls within the model's horizon, soonest first.
    public let renewals: [AtRiskEntry]
    /// Σ ARR × P(churn) over all the CSM's active accounts (not only those listed).
    public let arrAtRisk: Double
    /// The CSM's active accounts in the high band.
    public let highRisk: Int
    /// Each listed or renewing account's probability over the history's runs before the as-of
    /// date, oldest first, the current score last.
    public let trends: [String: [TrendPoint]]

    public struct TrendPoint: Sendable, Equatable {
        public let asOf: String
        public let probability: Double

        public init(asOf: String, probability: Double) {
            self.asOf = asOf
            self.probability = probability
        }
    }

    /// An account that left the list since the previous run.
    public struct LeftEntry: Sendable, Equatable {
        public let accountID: String
        public let name: String?
        public let previousProbability: Double?
        /// Now; nil when the account is no longer scored (churned, or not active on the as-of date).
        public let probability: Double?

        public init(accountID: String, name: String?, previousProbability: Double?, probability: Double?) {
            self.accountID = accountID
            self.name = name
            self.previousProbability = previousProbability
            self.probability = probability
        }
    }

    public init(name: String, fileName: String, atRisk: AtRiskList, left: [LeftEntry], renewals: [AtRiskEntry], arrAtRisk: Double,
                highRisk: Int, trends: [String: [TrendPoint]]) {
        self.name = name
        self.fileName = fileName
        self.atRisk = atRisk
        self.left = left
        self.renewals = renewals
        self.arrAtRisk = arrAtRisk
        self.highRisk = highRisk
        self.trends = trends
    }

    /// Accounts new on the list since the previous run.
    public var newOnList: [AtRiskEntry] { atRisk.accounts.filter(\.newOnList) }
}
