import VitalsFoundation
import VitalsSignals

/// The files of the truth directory: what the signals only hint at.
/// Tests read it to show that the signals carry information; models never do.
public enum TruthFile: String, CaseIterable, Sendable {
    case accountMonths = "account_months"
    case accounts
    case projects

    public var fileName: String { rawValue + ".csv" }

    public var header: String {
        switch self {
        case .accountMonths:
            return "account_id,month,latent_state,engagement"
        case .accounts:
            return "account_id,segment,seats,stickiness,usage_propensity,initial_state,implementation_overran,"
                + "churned,churn_date,decided_to_leave,churn_decision_date,planned_churn_date,churn_kind"
        case .projects:
            return "project_id,account_id,type,complexity,budget_hours,change_order_hours,planned_days,full_days,"
                + "full_hours,logged_hours,status,would_overrun,overran"
        }
    }
}

/// Counts a summary is made of; added up over batches.
struct SimulationTally {
    var rows = [Int](repeating: 0, count: SignalsFile.allCases.count)
    var accounts = 0
    var churnedAccounts = 0
    var projects = 0
    var completedProjects = 0
    var overrunProjects = 0
    var activeProjects = 0
    var cancelledProjects = 0

    mutating func add(_ other: SimulationTally) {
        for i in rows.indices { rows[i] += other.rows[i] }
        accounts += other.accounts
        churnedAccounts += other.churnedAccounts
        projects += other.projects
        completedProjects += other.completedProjects
        overrunProjects += other.overrunProjects
        activeProjects += other.activeProjects
        cancelledProjects += other.cancelledProjects
    }
}

/// The rows a batch of accounts produces, one buffer per file, in account order.
struct SimulationOutput {
    var accounts = CSVWriter()
    var usage = CSVWriter()
    var tickets = CSVWriter()
    var nps = CSVWriter()
    var projects = CSVWriter()
    var timesheets = CSVWriter()
    var milestones = CSVWriter()
    var changeOrders = CSVWriter()
    var truthAccountMonths = CSVWriter()
    var truthAccounts = CSVWriter()
    var truthProjects = CSVWriter()
    var tally = SimulationTally()

    /// Whether to fill the truth buffers (skipped when no truth directory is asked for).
    let withTruth: Bool

    init(withTruth: Bool) { self.withTruth = withTruth }

    func bytes(_ file: SignalsFile) -> [UInt8] {
        switch file {
        case .accounts: return accounts.bytes
        case .usage: return usage.bytes
        case .tickets: return tickets.bytes
        case .nps: return nps.bytes
        case .projects: return projects.bytes
        case .timesheets: return timesheets.bytes
        case .milestones: return milestones.bytes
        case .changeOrders: return changeOrders.bytes
        }
    }

    func bytes(_ file: TruthFile) -> [UInt8] {
        switch file {
        case .accountMonths: return truthAccountMonths.bytes
        case .accounts: return truthAccounts.bytes
        case .projects: return truthProjects.bytes
        }
    }

    /// Empties every buffer and the tally for the next batch, keeping the buffers' capacity.
    mutating func reset() {
        for w in [\SimulationOutput.accounts, \.usage, \.tickets, \.nps, \.projects, \.timesheets, \.milestones,
                  \.changeOrders, \.truthAccountMonths, \.truthAccounts, \.truthProjects] {
            self[keyPath: w].reset()
        }
        tally = SimulationTally()
    }

    /// The signals rows of this batch, per file in `SignalsFile.allCases` order.
    var signalsRows: [Int] {
        [accounts.rows, usage.rows, tickets.rows, nps.rows, projects.rows, timesheets.rows, milestones.rows,
         changeOrders.rows]
    }
}
