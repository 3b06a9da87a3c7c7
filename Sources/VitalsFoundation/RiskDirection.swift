/// How a feature may move the risk as its value grows: the direction a feature declares
/// (the signals catalog for every feature, `features.monotone` in a table's config) and the
/// fit enforces. In the config and the model file: `increasing`, `decreasing`, `either`.
public enum RiskDirection: String, Sendable, Codable, CaseIterable {
    /// A larger value never lowers the risk (SLA breaches, detractor share).
    case increasing
    /// A larger value never raises the risk (active-user ratio, days to renewal).
    case decreasing
    /// No constraint: the data decide (tenure, seats).
    case either

    /// The bounds on a coefficient whose column grows with the feature: [0, ∞), (−∞, 0] or free.
    public var coefficientBounds: (lower: Double, upper: Double) {
        switch self {
        case .increasing: return (0, .infinity)
        case .decreasing: return (-.infinity, 0)
        case .either: return (-.infinity, .infinity)
        }
    }

    /// In words, for explanations and model cards: "raises risk", "lowers risk", "either way".
    public var phrase: String {
        switch self {
        case .increasing: return "raises risk"
        case .decreasing: return "lowers risk"
        case .either: return "either way"
        }
    }
}
