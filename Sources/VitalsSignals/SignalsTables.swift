import VitalsFoundation

/// The contents of a signals directory, one typed table per file.
///
/// References are resolved: `account` and `project` columns hold row indices
/// into `accounts` and `projects`, not the id strings. A file that was absent
/// from the directory is `nil` (the signal family is missing, which is not the
/// same as zero), and so is an optional column absent from its file's header.
public struct SignalsDataset: Sendable {
    public var accounts: AccountsTable
    public var usage: UsageTable?
    public var tickets: TicketsTable?
    public var nps: NPSTable?
    public var projects: ProjectsTable?
    public var timesheets: TimesheetsTable?
    public var milestones: MilestonesTable?
    public var changeOrders: ChangeOrdersTable?

    public init(
        accounts: AccountsTable, usage: UsageTable? = nil, tickets: TicketsTable? = nil, nps: NPSTable? = nil,
        projects: ProjectsTable? = nil, timesheets: TimesheetsTable? = nil, milestones: MilestonesTable? = nil,
        changeOrders: ChangeOrdersTable? = nil
    ) {
        self.accounts = accounts
        self.usage = usage
        self.tickets = tickets
        self.nps = nps
        self.projects = projects
        self.timesheets = timesheets
        self.milestones = milestones
        self.changeOrders = changeOrders
    }
}

/// accounts.csv: one row per account.
public struct AccountsTable: Sendable {
    public var accountID: [String] = []
    public var name: TextColumn?
    public var segment: TextColumn?
    public var csm: TextColumn?
    public var arr: DecimalColumn?
    public var seats: CountColumn?
    public var contractStart: [Day] = []
    public var renewalDate: DayColumn?
    public var churnDate: DayColumn?
    public var count: Int { accountID.count }
    /// Row index of each account id.
    public var rowByID: [String: Int] {
        Dictionary(uniqueKeysWithValues: accountID.enumerated().map { ($1, $0) })
    }
    public init() {}
}

/// usage.csv: product usage per account and day. Several rows for one account
/// and day are kept as read; feature extraction adds them up.
public struct UsageTable: Sendable {
    public var account: [Int32] = []
    public var date: [Day] = []
    public var activeUsers: CountColumn?
    public var sessions: CountColumn?
    public var keyEvents: CountColumn?
    public var workflowsStarted: CountColumn?
    public var workflowsCompleted: CountColumn?
    /// Set when the read kept only a scoring window's rows (`SignalsReadOptions.usageWindow`):
    /// the rows above are those dated in it, and this says what the others did.
    public var window: UsageWindowFacts?
    public var count: Int { account.count }
    public init() {}
}

/// What a read that kept only the usage rows dated in a window found in the rows it dropped:
/// the facts point-in-time features as of the window's last day need of them, so the rows
/// themselves are never held (at 1,000,000 accounts the whole table is 9.5 GB, the window a
/// quarter of it).
public struct UsageWindowFacts: Sendable, Equatable {
    /// The days kept (ordinals).
    public let kept: ClosedRange<Int32>
    /// Per account (row of accounts.csv): the latest day before the window with an active user
    /// (any row counts when the file has no active_users column), else `Int32.min`.
    public var lastActiveBefore: [Int32]
    /// Per account: whether it has any row before the window.
    public var hasRowBefore: [Bool]
    /// The earliest and latest date of the rows dropped (before or after the window); nil when none was.
    public var droppedDays: ClosedRange<Int32>?

    /// Whether a usage row counts as a day with an active user: its active_users is above 0 (a
    /// missing count, −1, is none); in a file without the column, any row counts. The one
    /// statement of the rule, for the reader's fold and the index's.
    @inline(__always)
    public static func isActive(activeUsers raw: Int32?) -> Bool { raw.map { $0 > 0 } ?? true }

    public init(kept: ClosedRange<Int32>, lastActiveBefore: [Int32], hasRowBefore: [Bool], droppedDays: ClosedRange<Int32>?) {
        self.kept = kept
        self.lastActiveBefore = lastActiveBefore
        self.hasRowBefore = hasRowBefore
        self.droppedDays = droppedDays
    }
}

/// tickets.csv: support tickets.
public struct TicketsTable: Sendable {
    public var ticketID: [String] = []
    public var account: [Int32] = []
    public var openedAt: [Day] = []
    public var closedAt: DayColumn?
    /// Always present: an absent column or empty field is `normal`.
    public var priority: [TicketPriority] = []
    /// 1 = true, 0 = false, −1 = missing.
    public var slaBreached: SmallIntColumn?
    public var escalated: SmallIntColumn?
    public var csat: SmallIntColumn?
    public var count: Int { ticketID.count }
    public init() {}
}

/// nps.csv: survey responses.
public struct NPSTable: Sendable {
    public var account: [Int32] = []
    public var date: [Day] = []
    /// 0–10, never missing.
    public var score: [Int8] = []
    public var respondent: TextColumn?
    public var count: Int { account.count }
    public init() {}
}

/// projects.csv: professional-services projects.
public struct ProjectsTable: Sendable {
    public var projectID: [String] = []
    public var account: [Int32] = []
    public var type: TextColumn?
    public var startDate: [Day] = []
    public var plannedEndDate: [Day] = []
    public var budgetHours: [Double] = []
    public var actualEndDate: DayColumn?
    /// Always present: an empty field is derived from `actual_end_date`.
    public var status: [ProjectStatus] = []
    public var count: Int { projectID.count }
    /// Row index of each project id.
    public var rowByID: [String: Int] {
        Dictionary(uniqueKeysWithValues: projectID.enumerated().map { ($1, $0) })
    }
    public init() {}
}

/// timesheets.csv: hours logged.
public struct TimesheetsTable: Sendable {
    public var project: [Int32] = []
    public var date: [Day] = []
    public var hours: [Double] = []
    public var role: TextColumn?
    public var count: Int { project.count }
    public init() {}
}

/// milestones.csv.
public struct MilestonesTable: Sendable {
    public var project: [Int32] = []
    public var milestone: TextColumn = .init()
    public var dueDate: [Day] = []
    public var completedDate: DayColumn?
    public var count: Int { project.count }
    public init() {}
}

/// change_orders.csv: approved scope changes.
public struct ChangeOrdersTable: Sendable {
    public var project: [Int32] = []
    public var date: [Day] = []
    /// Budget hours added; negative for a descope.
    public var hoursAdded: [Double] = []
    public var reason: TextColumn?
    public var count: Int { project.count }
    public init() {}
}
