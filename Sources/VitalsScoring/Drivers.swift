import VitalsAdditive
import VitalsFeatures
import VitalsLinearAlgebra

/// Why a row scores as it does: the exact decomposition of its log-odds.
///
///     η = b + Σⱼ fⱼ(xⱼ)
///
/// Each term fⱼ(xⱼ) is feature j's contribution (wⱼ (xⱼ − meanⱼ) / scaleⱼ in a linear model,
/// the shape's value minus its training mean in an additive one): how far it moves this
/// row's log-odds from those of a row at the training average. The contributions of the
/// features made from one source (a one-hot column's levels, a number and its missing
/// indicator) are added into one, so a driver names something the user recognizes.
public struct Drivers: Sendable, Equatable {
    /// For each model feature, the driver group it belongs to.
    public let groupOfFeature: [Int]
    public let groupNames: [String]

    /// Groups features by the source a `TableEncoder` made them from (`plan=pro` → `plan`,
    /// `seats__missing` → `seats`); without an encoder, one-hot features group by the name
    /// before `=` (`segment=SMB` → `segment`, `markov_state=at_risk` → `markov_state`) and the
    /// others stand alone.
    public init(featureNames: [String], encoder: TableEncoder?) {
        var source: [String: String] = [:]
        for column in encoder?.columns ?? [] {
            for name in column.featureNames { source[name] = column.source }
        }
        var names: [String] = [], index: [String: Int] = [:], groups: [Int] = []
        for feature in featureNames {
            // An interaction (`a × b`) is its own group, whatever its features' names hold.
            let group = feature.contains(" × ") ? feature
                : source[feature] ?? (encoder == nil ? feature.split(separator: "=", maxSplits: 1).first.map(String.init) ?? feature : feature)
            if index[group] == nil {
                index[group] = names.count
                names.append(group)
            }
            groups.append(index[group]!)
        }
        self.groupOfFeature = groups
        self.groupNames = names
    }

    /// Per-group contributions to each row's log-odds (rows × groups).
    public func contributions(of model: FittedRiskModel, x: Matrix) -> [[Double]] {
        precondition(x.columns == model.featureNames.count, "x has \(x.columns) columns, the model \(model.featureNames.count)")
        return (0..<x.rows).map { grouped(model.contributions(x, row: $0)) }
    }

    /// Per-feature contributions added up into their groups.
    public func grouped(_ contributions: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: groupNames.count)
        for (j, c) in contributions.enumerated() { out[groupOfFeature[j]] += c }
        return out
    }

    /// The `count` groups that raise the risk most, largest first, as the score files write
    /// them: `name:+0.61; name:+0.44`. Only positive contributions are drivers of risk;
    /// ties go to the earlier group. Empty when nothing raises the risk.
    public func topDrivers(_ contributions: [Double], count: Int = 3) -> String {
        topGroups(contributions, count: count)
            .map { "\(groupNames[$0]):+\(String(format: "%.2f", contributions[$0]))" }
            .joined(separator: "; ")
    }

    /// The indices of the `count` groups with the largest positive contributions, largest
    /// first; ties go to the earlier group.
    public func topGroups(_ contributions: [Double], count: Int = 3) -> [Int] {
        Array(contributions.indices
            .filter { contributions[$0] > 0 }
            .sorted { contributions[$0] > contributions[$1] || (contributions[$0] == contributions[$1] && $0 < $1) }
            .prefix(count))
    }
}
