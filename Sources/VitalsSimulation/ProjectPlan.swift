import Foundation
import VitalsFoundation
import VitalsSignals

/// What a professional-services project is for; sets its budget, team, roles and milestones.
enum ProjectKind: Int, CaseIterable, Sendable {
    case implementation, integration, migration, training

    var name: String { ["implementation", "integration", "migration", "training"][rawValue] }

    /// Median budget hours by segment (SMB, Mid-Market, Enterprise).
    func medianBudget(_ segment: Segment) -> Double {
        switch self {
        case .implementation: return [50.0, 180.0, 600.0][segment.rawValue]
        case .integration: return [25.0, 90.0, 300.0][segment.rawValue]
        case .migration: return [35.0, 126.0, 420.0][segment.rawValue]
        case .training: return 16
        }
    }

    /// Hours the team delivers per week; with the budget it sets the planned duration.
    func weeklyCapacity(_ segment: Segment) -> Double {
        self == .training ? 8 : [12.0, 20.0, 35.0][segment.rawValue]
    }

    /// Roles that log time, each with a base share and a phase profile.
    var roles: [ProjectRole] {
        switch self {
        case .implementation:
            return [.init("project manager", 0.15, .flat), .init("solution architect", 0.20, .early),
                    .init("consultant", 0.50, .middle), .init("data engineer", 0.15, .late)]
        case .integration:
            return [.init("project manager", 0.15, .flat), .init("solution architect", 0.25, .early),
                    .init("integration engineer", 0.60, .middle)]
        case .migration:
            return [.init("project manager", 0.15, .flat), .init("data engineer", 0.55, .middle),
                    .init("consultant", 0.30, .late)]
        case .training:
            return [.init("trainer", 0.85, .middle), .init("project manager", 0.15, .flat)]
        }
    }

    /// Milestone names and the fraction of the project's duration at which each falls (4–6 per project).
    func milestones(_ segment: Segment) -> [(name: String, at: Double)] {
        switch self {
        case .implementation:
            let all: [(String, Double)] = [("Kickoff", 0.03), ("Design sign-off", 0.25), ("Configuration complete", 0.5),
                                           ("Data migration", 0.7), ("UAT sign-off", 0.88), ("Go-live", 1)]
            // Small customers bring no legacy data worth a milestone.
            return segment == .smb ? all.filter { $0.0 != "Data migration" } : all
        case .integration:
            return [("Kickoff", 0.04), ("Design sign-off", 0.3), ("Build complete", 0.65),
                    ("Integration test", 0.85), ("Go-live", 1)]
        case .migration:
            return [("Kickoff", 0.04), ("Data mapping", 0.3), ("Trial migration", 0.6),
                    ("Final migration", 0.9), ("Cutover", 1)]
        case .training:
            return [("Kickoff", 0.05), ("Curriculum agreed", 0.3), ("Training delivered", 0.8), ("Close-out", 1)]
        }
    }
}

/// A role on a project and how its share of the weekly hours moves over the project.
struct ProjectRole {
    enum Phase { case early, middle, late, flat }
    let name: [UInt8]
    let share: Double
    let phase: Phase

    init(_ name: String, _ share: Double, _ phase: Phase) {
        self.name = Array(name.utf8)
        self.share = share
        self.phase = phase
    }

    /// Relative weight at progress x ∈ [0, 1]: architects front-loaded, data work late.
    func weight(at x: Double) -> Double {
        switch phase {
        case .early: return share * (1.6 - 1.2 * x)
        case .middle: return share * (0.6 + 0.8 * min(x, 1 - x) * 2)
        case .late: return share * (0.4 + 1.2 * x)
        case .flat: return share
        }
    }
}

/// A project as it will unfold if nothing stops it.
///
/// A hidden complexity c (lognormal, median 1, σ 0.3; σ 0.2 for training)
/// drives everything the baseline does not know:
///
/// - change orders: Poisson(0.15 + 2.5 · max(0, c − 0.9)) of them, each adding
///   budget · U(5 %, 15 %) · c hours, dated while the work runs; with probability
///   0.08 also a descope removing budget · U(3 %, 8 %);
/// - hours: budget · 0.9 · c^0.85 · LN(0, 0.08) + 0.9 · added − 0.8 · descoped;
/// - duration: work days · c^0.6 · LN(0, 0.08) + 14 + 3 per change order,
///   where the plan is work days + 14 and work days = 7 · budget / weekly capacity.
///
/// In the default book 28 % of completed projects overrun by the contract's
/// rule (hours > budget × 1.10, or ending more than 14 days late); larger
/// projects overrun more often, mostly by running late.
struct ProjectPlan {
    let kind: ProjectKind
    let start: Day
    let plannedDays: Int
    let budgetQuarters: Int
    let complexity: Double
    let changeOrders: [(day: Day, quarters: Int, reason: String)]
    /// The duration and hours (in quarter hours) the project takes when run to completion.
    let fullDays: Int
    let fullQuarters: Int

    var plannedEnd: Day { start + plannedDays }
    var fullEnd: Day { start + fullDays }
    var budgetHours: Double { Double(budgetQuarters) / 4 }

    /// Whether, run to completion, it breaks the contract's overrun rule (10 % tolerance, 14 days grace).
    var wouldOverrun: Bool {
        Double(fullQuarters) > Double(budgetQuarters) * 1.10 || fullDays - plannedDays > 14
    }

    static let changeReasons = ["additional integration", "new reporting requirement", "data quality remediation",
                                "extra environment", "scope clarification", "SSO and security review",
                                "additional business unit", "custom workflow"]

    init(kind: ProjectKind, start: Day, segment: Segment, rng: inout RandomSource) {
        self.kind = kind
        self.start = start
        let drawn = rng.lognormal(median: kind.medianBudget(segment), sigma: kind == .training ? 0.3 : 0.35)
        // PSA budgets are quoted in round figures: 5-hour steps, whole hours for training.
        let budgetHours = kind == .training ? max(4, drawn.rounded()) : max(10, (drawn / 5).rounded() * 5)
        budgetQuarters = Int(budgetHours) * 4
        let workDays = Int((budgetHours / kind.weeklyCapacity(segment) * 7).rounded(.up))
        plannedDays = workDays + 14
        let c = rng.lognormal(sigma: kind == .training ? 0.2 : 0.3)
        complexity = c

        var orders: [(day: Day, quarters: Int, reason: String)] = []
        var added = 0, removed = 0
        let orderCount = rng.poisson(0.15 + 2.5 * max(0, c - 0.9))
        let span = Double(workDays) * pow(c, 0.6)
        for _ in 0..<orderCount {
            let quarters = max(4, Int((budgetHours * rng.uniform(0.05, 0.15) * c * 4).rounded()))
            let day = start + Int((span * rng.uniform(0.15, 0.9)).rounded())
            orders.append((day, quarters, rng.pick(Self.changeReasons)))
            added += quarters
        }
        if rng.bernoulli(0.08) {
            let quarters = max(4, Int((budgetHours * rng.uniform(0.03, 0.08) * 4).rounded()))
            orders.append((start + Int((span * rng.uniform(0.3, 0.7)).rounded()), -quarters, "descope"))
            removed += quarters
        }
        // Stable order by date: same-day orders keep the order they were drawn in.
        changeOrders = orders.enumerated().sorted { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }
            .map(\.element)

        let hours = budgetHours * 0.9 * pow(c, 0.85) * rng.lognormal(sigma: 0.08)
        fullQuarters = max(4, Int((hours * 4 + 0.9 * Double(added) - 0.8 * Double(removed)).rounded()))
        fullDays = max(7, Int((Double(workDays) * pow(c, 0.6) * rng.lognormal(sigma: 0.08)).rounded()) + 14
            + 3 * orderCount)
    }
}
