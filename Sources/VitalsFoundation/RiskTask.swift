/// What Vitals predicts: whether an account churns, or whether an implementation project
/// overruns. The training config's `task`, a feature layout's task and a signals model's
/// task are all this one type.
public enum RiskTask: String, Sendable, Codable, CaseIterable {
    case churn, overrun

    /// What one row is about: an `account` (churn) or a `project` (overrun).
    public var entity: String { self == .churn ? "account" : "project" }

    /// The entity's id column in the contract's files: `account_id` or `project_id`.
    public var idColumn: String { "\(entity)_id" }

    /// The snapshot dates by default: month-ends for churn, Sundays for overrun.
    public var defaultCadence: Cadence { self == .churn ? .monthly : .weekly }
}
