import VitalsFoundation

/// The exact columns a model's features occupy: the families used and the one-hot levels
/// learned from the training data. Stored with the model, so scoring lays out the same
/// columns whatever levels the new data has (an unseen level gets no column: all zeros).
public struct FeatureLayout: Sendable, Equatable, Codable {
    /// The most distinct values a one-hot column (segment, project type) may have: more is an
    /// identifier, and a column per value would swamp the model (as `TableEncoder.maximumLevels`).
    public static let maximumLevels = 100

    public let task: RiskTask
    public let families: [FeatureFamily]
    public let segmentLevels: [String]
    public let projectTypeLevels: [String]

    public init(task: RiskTask, families: [FeatureFamily], segmentLevels: [String], projectTypeLevels: [String]) {
        self.task = task
        self.families = families
        self.segmentLevels = segmentLevels
        self.projectTypeLevels = projectTypeLevels
    }

    /// The families a task uses by default: every account family for churn; the project
    /// family plus the account's support and NPS (inside the project family) for overrun.
    public static func defaultFamilies(_ task: RiskTask) -> [FeatureFamily] {
        task == .churn ? [.account, .usage, .support, .nps, .delivery] : [.project]
    }

    /// Catalog names with each one-hot pattern replaced, in place, by one name per level.
    func expand(_ specs: [FeatureSpec]) -> [String] {
        specs.flatMap { spec -> [String] in
            switch spec.name {
            case "segment=<value>": return segmentLevels.map { "segment=\($0)" }
            case "project_type=<value>": return projectTypeLevels.map { "project_type=\($0)" }
            default: return [spec.name]
            }
        }
    }

    /// Feature names in column order.
    public var featureNames: [String] {
        var names: [String] = []
        for family in families {
            switch family {
            case .account: names += expand(FeatureCatalog.account)
            case .usage: names += FeatureCatalog.usage.map(\.name)
            case .support: names += FeatureCatalog.support.map(\.name)
            case .nps: names += FeatureCatalog.nps.map(\.name)
            case .delivery: names += FeatureCatalog.delivery.map(\.name)
            case .project: names += expand(FeatureCatalog.project)
            case .markov: break  // appended by the Markov layer
            }
        }
        return names
    }
}

extension FeatureLayout {
    /// The layout families for the families a training config chose: for churn, the chosen
    /// account families in catalog order; for overrun, the project family (which holds the
    /// account's support and NPS figures itself).
    public static func families(for task: RiskTask, chosen: [FeatureFamily]) -> [FeatureFamily] {
        if task == .overrun { return [.project] }
        return [FeatureFamily.account, .usage, .support, .nps, .delivery].filter(chosen.contains)
    }

    /// The signal files the chosen families read, in the order checked: accounts.csv first.
    public static func requiredFiles(task: RiskTask, families: [FeatureFamily]) -> [String] {
        var files = ["accounts.csv"]
        if task == .overrun {
            files += ["projects.csv", "timesheets.csv", "milestones.csv", "change_orders.csv"]
            if families.contains(.support) { files.append("tickets.csv") }
            if families.contains(.nps) { files.append("nps.csv") }
            return files
        }
        if families.contains(.usage) { files.append("usage.csv") }
        if families.contains(.support) { files.append("tickets.csv") }
        if families.contains(.nps) { files.append("nps.csv") }
        if families.contains(.delivery) { files += ["projects.csv", "timesheets.csv", "change_orders.csv"] }
        return files
    }
}
