import VitalsFeatures
import VitalsMarkov

/// What a model trained on a signals directory needs to score new data exactly as it was
/// trained: the feature layout (families and one-hot levels), the imputation values, the
/// label settings, and the Markov layer's fitted figures.
public struct SignalsModelSpec: Sendable, Equatable, Codable {
    /// The health chain's part of the churn model: the fitted state rule and, per state,
    /// the chain's churn probability within the horizon and expected months to churn.
    public struct AccountChain: Sendable, Equatable, Codable {
        public let rule: FittedHealthStateRule
        public let states: [String]
        public let transitions: [[Double]]
        public let churnProbability: [Double]
        public let expectedMonths: [Double]
        public let horizonMonths: Int

        public init(rule: FittedHealthStateRule, states: [String], transitions: [[Double]], churnProbability: [Double],
                    expectedMonths: [Double], horizonMonths: Int) {
            self.rule = rule
            self.states = states
            self.transitions = transitions
            self.churnProbability = churnProbability
            self.expectedMonths = expectedMonths
            self.horizonMonths = horizonMonths
        }
    }

    /// The project phase chain's part of the overrun model.
    public struct ProjectChain: Sendable, Equatable, Codable {
        public let rule: ProjectPhaseRule
        public let states: [String]
        public let transitions: [[Double]]
        public let overrunProbability: [Double]
        public let expectedWeeks: [Double]

        public init(rule: ProjectPhaseRule, states: [String], transitions: [[Double]], overrunProbability: [Double], expectedWeeks: [Double]) {
            self.rule = rule
            self.states = states
            self.transitions = transitions
            self.overrunProbability = overrunProbability
            self.expectedWeeks = expectedWeeks
        }
    }

    public let layout: FeatureLayout
    /// Every feature's name in model order: the layout's, then the Markov columns.
    public let featureNames: [String]
    public let imputer: FeatureImputer
    public let horizonDays: Int
    public let tolerance: Double
    public let graceDays: Int
    /// The signal files the features are computed from; scoring refuses data without them.
    public let requiredFiles: [String]
    public let accountChain: AccountChain?
    public let projectChain: ProjectChain?
    /// Probability cut points of the risk bands (low < first ≤ medium < second ≤ high).
    public let riskBands: [Double]
    /// The first and last snapshot date trained on.
    public let firstSnapshot: String
    public let lastSnapshot: String

    public init(layout: FeatureLayout, featureNames: [String], imputer: FeatureImputer, horizonDays: Int, tolerance: Double, graceDays: Int,
                requiredFiles: [String], accountChain: AccountChain?, projectChain: ProjectChain?, riskBands: [Double],
                firstSnapshot: String, lastSnapshot: String) {
        self.layout = layout
        self.featureNames = featureNames
        self.imputer = imputer
        self.horizonDays = horizonDays
        self.tolerance = tolerance
        self.graceDays = graceDays
        self.requiredFiles = requiredFiles
        self.accountChain = accountChain
        self.projectChain = projectChain
        self.riskBands = riskBands
        self.firstSnapshot = firstSnapshot
        self.lastSnapshot = lastSnapshot
    }
}
