/// The eight files of a signals directory and their columns, as the contract
/// (docs/SIGNALS.md) states them. The reader validates against this table, and
/// the simulator writes its headers from it, so the two cannot drift apart.
public enum SignalsFile: String, CaseIterable, Sendable, Comparable {
    case accounts
    case usage
    case tickets
    case nps
    case projects
    case timesheets
    case milestones
    case changeOrders = "change_orders"

    public var fileName: String { rawValue + ".csv" }

    /// Whether a signals directory must contain this file. Only accounts.csv is required.
    public var isRequired: Bool { self == .accounts }

    /// The columns in the contract's order (readers accept any order).
    public var columns: [ColumnSpec] {
        switch self {
        case .accounts:
            return [
                .init("account_id", .key, required: true),
                .init("name", .text),
                .init("segment", .text),
                .init("csm", .text),
                .init("arr", .decimal(.arr)),
                .init("seats", .count),
                .init("contract_start", .date, required: true),
                .init("renewal_date", .date),
                .init("churn_date", .date),
            ]
        case .usage:
            return [
                .init("account_id", .accountReference, required: true),
                .init("date", .date, required: true),
                .init("active_users", .count),
                .init("sessions", .count),
                .init("key_events", .count),
                .init("workflows_started", .count),
                .init("workflows_completed", .count),
            ]
        case .tickets:
            return [
                .init("ticket_id", .key, required: true),
                .init("account_id", .accountReference, required: true),
                .init("opened_at", .date, required: true),
                .init("closed_at", .date),
                .init("priority", .enumeration(TicketPriority.allCases.map(\.rawValue))),
                .init("sla_breached", .boolean),
                .init("escalated", .boolean),
                .init("csat", .integer(1...5)),
            ]
        case .nps:
            return [
                .init("account_id", .accountReference, required: true),
                .init("date", .date, required: true),
                .init("score", .integer(0...10), required: true),
                .init("respondent", .text),
            ]
        case .projects:
            return [
                .init("project_id", .key, required: true),
                .init("account_id", .accountReference, required: true),
                .init("type", .text),
                .init("start_date", .date, required: true),
                .init("planned_end_date", .date, required: true),
                .init("budget_hours", .decimal(.budgetHours), required: true),
                .init("actual_end_date", .date),
                .init("status", .enumeration(ProjectStatus.allCases.map(\.rawValue))),
            ]
        case .timesheets:
            return [
                .init("project_id", .projectReference, required: true),
                .init("date", .date, required: true),
                .init("hours", .decimal(.loggedHours), required: true),
                .init("role", .text),
            ]
        case .milestones:
            return [
                .init("project_id", .projectReference, required: true),
                .init("milestone", .text, required: true),
                .init("due_date", .date, required: true),
                .init("completed_date", .date),
            ]
        case .changeOrders:
            return [
                .init("project_id", .projectReference, required: true),
                .init("date", .date, required: true),
                .init("hours_added", .decimal(.changeOrderHours), required: true),
                .init("reason", .text),
            ]
        }
    }

    /// The header line the contract's column order gives, e.g. `account_id,date,...`.
    public var canonicalHeader: String { columns.map(\.name).joined(separator: ",") }

    public static func < (lhs: SignalsFile, rhs: SignalsFile) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One column of a signals file.
public struct ColumnSpec: Sendable, Equatable {
    /// The header name, lower-case snake_case; headers match it case-insensitively.
    public let name: String
    public let kind: ColumnKind
    /// A required column must be in the header, and none of its fields may be empty.
    public let required: Bool

    public init(_ name: String, _ kind: ColumnKind, required: Bool = false) {
        self.name = name
        self.kind = kind
        self.required = required
    }
}

/// The type of a column and the values it admits.
public enum ColumnKind: Sendable, Equatable {
    /// Free text (any valid UTF-8).
    case text
    /// Text that must be unique within the file: the file's key.
    case key
    /// An `account_id` that accounts.csv must contain.
    case accountReference
    /// A `project_id` that projects.csv must contain.
    case projectReference
    /// `YYYY-MM-DD`, or a timestamp taken as its UTC date.
    case date
    /// A finite decimal number with `.` as the decimal point.
    case decimal(DecimalRange)
    /// A non-negative integer.
    case count
    /// `true/false`, `yes/no`, `1/0`, any case.
    case boolean
    /// An integer within the range.
    case integer(ClosedRange<Int>)
    /// One of these words, any case.
    case enumeration([String])
}

/// The values a decimal column admits: a plausible range for what it measures, so that no
/// sum or ratio the features take of them can overflow (a timesheet row of 1.7e308 hours, or
/// a budget of 5e-324 hours, is a corrupt export, not a measurement).
public struct DecimalRange: Sendable, Equatable {
    /// The smallest value allowed (inclusive), or, when `minimumExclusive`, the bound above it.
    public let minimum: Double
    public let minimumExclusive: Bool
    /// The largest value allowed (inclusive).
    public let maximum: Double
    /// Nonzero values must be at least this far from zero (0: no such rule).
    public let smallestNonzero: Double
    /// What one value is, for messages: "hours in one timesheet row".
    public let what: String

    public init(minimum: Double, minimumExclusive: Bool = false, maximum: Double, smallestNonzero: Double = 0, what: String) {
        self.minimum = minimum
        self.minimumExclusive = minimumExclusive
        self.maximum = maximum
        self.smallestNonzero = smallestNonzero
        self.what = what
    }

    /// `arr`: 0 to 10¹² a year.
    public static let arr = DecimalRange(minimum: 0, maximum: 1e12, what: "ARR of one account")
    /// `budget_hours`: above 0, at least 0.01, at most 10⁷.
    public static let budgetHours = DecimalRange(minimum: 0, minimumExclusive: true, maximum: 1e7, smallestNonzero: 0.01,
                                                 what: "hours in a project budget")
    /// `hours`: 0, or 0.001 to 10⁷ (a row may hold a whole project's hours, as real exports do).
    public static let loggedHours = DecimalRange(minimum: 0, maximum: 1e7, smallestNonzero: 0.001, what: "hours in one timesheet row")
    /// `hours_added`: −10⁷ to 10⁷ (negative for a descope).
    public static let changeOrderHours = DecimalRange(minimum: -1e7, maximum: 1e7, what: "hours in one change order")

    /// Why `value` (finite) is not admitted, or nil when it is; `text` is the field as written.
    public func problem(_ value: Double, text: String) -> String? {
        if minimum == 0, !minimumExclusive, value < 0 { return "\(text) is negative; must be ≥ 0" }
        if minimumExclusive, value <= minimum { return "\(text) must be > \(Self.format(minimum))" }
        if value < minimum || value > maximum || (value != 0 && abs(value) < smallestNonzero) {
            let zeroAllowed = minimum <= 0 && !minimumExclusive && smallestNonzero > 0
            let lowest = zeroAllowed || minimumExclusive ? max(minimum, smallestNonzero) : minimum
            return "\(text) is implausible for \(what); must be \(zeroAllowed ? "0 or " : "")from \(Self.format(lowest)) to \(Self.format(maximum)) "
                + "(a corrupt export?)"
        }
        return nil
    }

    static func format(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
}

/// A ticket's priority; an empty field means `normal`.
public enum TicketPriority: String, CaseIterable, Sendable, Comparable {
    case low, normal, high, urgent
    public static func < (a: TicketPriority, b: TicketPriority) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A project's status; an empty field is derived: `completed` when
/// `actual_end_date` is set, else `active`.
public enum ProjectStatus: String, CaseIterable, Sendable {
    case active, completed, cancelled
}
