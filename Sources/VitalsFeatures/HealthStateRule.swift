import Foundation
import VitalsMarkov

/// The documented rule that puts an account in a health state as of a date, from
/// point-in-time features only. Its thresholds come from the training config and from
/// the training snapshots (quantiles), and are stored with the model.
///
/// As of D, an account is
/// 1. `churned` if it churned on or before D (absorbing);
/// 2. `onboarding` while its tenure is under `onboardingDays`;
/// 3. otherwise in an engagement band. The engagement index is
///
///        e = Σₖ wₖ · (xₖ − μₖ) / σₖ / Σₖ |wₖ|     over the components k present
///
///    with μ, σ learned on the training snapshots; a missing component is left out and the
///    weights renormalized (never read as zero). The bands cut e at the training
///    quantiles `bandQuantiles`: with quantiles (q₁ < … < q_{m−1}) and band names
///    ordered best first, e ≥ the q_{m−1} quantile is the first band, and so on down.
///    An account with no component at all falls in the middle band.
public struct HealthStateRule: Sendable, Equatable, Codable {
    public struct Component: Sendable, Equatable, Codable {
        /// A feature name from the catalog, e.g. `active_user_ratio_30d`.
        public let feature: String
        /// Positive when more of the feature means healthier, negative when it means less healthy.
        public let weight: Double

        public init(feature: String, weight: Double) {
            self.feature = feature
            self.weight = weight
        }
    }

    /// Default 90 days.
    public var onboardingDays: Int
    public var components: [Component]
    /// Engagement bands, best first. Default healthy, neutral, at_risk.
    public var bands: [String]
    /// Training quantiles of e that separate the bands (bands.count − 1 values, increasing, in (0, 1)).
    /// Default 0.25 and 0.6: the lowest quarter is at risk, the top 40 % healthy.
    public var bandQuantiles: [Double]
    public var onboardingState: String
    public var churnedState: String

    /// The features an engagement index may weigh: the numeric features of the account
    /// families (one-hot segment columns aside), which every churn snapshot table holds.
    public static var engagementFeatures: [String] {
        (FeatureCatalog.account + FeatureCatalog.usage + FeatureCatalog.support + FeatureCatalog.nps)
            .map(\.name).filter { !$0.contains("=") }
    }

    public static let defaultComponents = [
        Component(feature: "active_user_ratio_30d", weight: 1),
        Component(feature: "usage_trend_90d", weight: 1),
        Component(feature: "workflow_completion_rate_90d", weight: 0.5),
        Component(feature: "nps_mean_180d", weight: 0.5),
        Component(feature: "tickets_per_seat_90d", weight: -0.5),
    ]

    public init(onboardingDays: Int = 90, components: [Component] = Self.defaultComponents,
                bands: [String] = ["healthy", "neutral", "at_risk"], bandQuantiles: [Double] = [0.25, 0.6],
                onboardingState: String = "onboarding", churnedState: String = "churned") {
        self.onboardingDays = onboardingDays
        self.components = components
        self.bands = bands
        self.bandQuantiles = bandQuantiles
        self.onboardingState = onboardingState
        self.churnedState = churnedState
    }

    /// Checks the rule's settings (the config keys are named as in `Training/*.yaml`).
    public func validate() throws(MarkovError) {
        guard onboardingDays >= 0 else {
            throw .invalidParameter(name: "states.onboarding_days", value: "\(onboardingDays)", rule: "must be ≥ 0")
        }
        guard !components.isEmpty, components.allSatisfy({ $0.weight != 0 && $0.weight.isFinite }) else {
            throw .invalidParameter(name: "states.engagement", value: "\(components.map(\.feature))",
                                    rule: "needs at least one component, each with a finite nonzero weight")
        }
        guard bands.count >= 2, bandQuantiles.count == bands.count - 1 else {
            throw .invalidParameter(name: "states.band_quantiles", value: "\(bandQuantiles)",
                                    rule: "needs one quantile fewer than the \(bands.count) bands")
        }
        guard zip(bandQuantiles, bandQuantiles.dropFirst()).allSatisfy({ $0 < $1 }),
              bandQuantiles.allSatisfy({ $0 > 0 && $0 < 1 }) else {
            throw .invalidParameter(name: "states.band_quantiles", value: "\(bandQuantiles)", rule: "must increase strictly within (0, 1)")
        }
        let names = [onboardingState] + bands + [churnedState]
        guard Set(names).count == names.count else {
            throw .invalidParameter(name: "states", value: "\(names)", rule: "state names must be unique")
        }
    }

    /// The state space: onboarding and the bands (best first) transient, churned absorbing;
    /// nothing returns to onboarding.
    public func stateSpace() throws(MarkovError) -> StateSpace {
        try StateSpace(transient: [onboardingState] + bands, absorbing: [churnedState],
                       forbidden: bands.map { ($0, onboardingState) })
    }

    /// Learns μ, σ per component and the band thresholds from training snapshots.
    ///
    /// - Parameter snapshots: one feature lookup per (account, date) that is past onboarding
    ///   and not churned; `nil` means the feature is missing there.
    public func fit(_ snapshots: [(String) -> Double?]) throws -> FittedHealthStateRule {
        try validate()
        var means: [Double] = [], scales: [Double] = []
        for component in components {
            let values = snapshots.compactMap { $0(component.feature) }.filter(\.isFinite)
            let mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
            let variance = values.isEmpty ? 0 : values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            means.append(mean)
            scales.append(variance > 0 ? variance.squareRoot() : 1)
        }
        var partial = FittedHealthStateRule(rule: self, means: means, scales: scales, thresholds: [])
        let indices = snapshots.compactMap { partial.engagementIndex($0) }.sorted()
        guard !indices.isEmpty else {
            throw MarkovError.invalidParameter(name: "states.engagement", value: "\(components.map(\.feature))",
                                               rule: "no training snapshot has any of these features")
        }
        // The empirical quantile at q: the value at rank ⌈q·n⌉ (inverted CDF, numpy's method "inverted_cdf").
        partial.thresholds = bandQuantiles.map { q in indices[max(0, Int((q * Double(indices.count)).rounded(.up)) - 1)] }
        return partial
    }
}

/// A `HealthStateRule` with its learned means, scales and band thresholds: it assigns states.
public struct FittedHealthStateRule: Sendable, Equatable, Codable {
    public let rule: HealthStateRule
    public let means: [Double]
    public let scales: [Double]
    /// Engagement-index cut points, increasing (bands.count − 1).
    public internal(set) var thresholds: [Double]

    /// e for one snapshot, or nil when no component is present.
    public func engagementIndex(_ feature: (String) -> Double?) -> Double? {
        var sum = 0.0, weight = 0.0
        for (k, component) in rule.components.enumerated() {
            guard let x = feature(component.feature), x.isFinite else { continue }
            sum += component.weight * (x - means[k]) / scales[k]
            weight += abs(component.weight)
        }
        return weight > 0 ? sum / weight : nil
    }

    /// The feature a snapshot's tenure is read from, to tell onboarding accounts apart.
    public static let tenureFeature = "tenure_days"

    /// The state index of a customer (not churned) whose point-in-time features are `row`,
    /// which must hold `tenure_days`: onboarding, or its engagement band.
    public func state(of row: FeatureLookup) -> Int {
        state(churned: false, tenureDays: Int(row(Self.tenureFeature)!), features: row)
    }

    /// The state's index in `rule.stateSpace()` as of the snapshot's date.
    ///
    /// - Parameters:
    ///   - churned: the account churned on or before the as-of date.
    ///   - tenureDays: days since contract start, as of the date.
    public func state(churned: Bool, tenureDays: Int, features: (String) -> Double?) -> Int {
        let bands = rule.bands.count
        if churned { return bands + 1 }
        if tenureDays < rule.onboardingDays { return 0 }
        guard let e = engagementIndex(features) else { return 1 + bands / 2 }
        // Count the thresholds e is below: 0 → best band.
        let below = thresholds.reversed().prefix { e < $0 }.count
        return 1 + below
    }
}
