import Foundation
import VitalsSignals

/// One professional-services project. A hidden complexity (lognormal around 1)
/// drives change orders, the burn of hours, milestone slippage and the actual
/// end; whether it overran then follows the contract's rule, from the data.
struct ProjectSimulation {
    enum Kind: String {
        case implementation, integration, migration, training
    }

    let id: String
    let type: Kind
    let start: Day
    let plannedEnd: Day
    let budget: Double
    let complexity: Double
    /// The end the project would reach if nothing stopped it.
    let fullEnd: Day
    /// Hours it would take in full, change-order work included.
    let fullHours: Double
    let changeOrders: [(day: Day, hours: Double, reason: String)]

    init(id: String, type: Kind, start: Day, segment: AccountSimulation.Segment, rng: inout RandomSource) {
        self.id = id
        self.type = type
        self.start = start
        let implementationMedian = [60.0, 220.0, 700.0][segment.rawValue]
        let median: Double
        switch type {
        case .implementation: median = implementationMedian
        case .integration: median = implementationMedian * 0.45
        case .migration: median = implementationMedian * 0.6
        case .training: median = 24
        }
        budget = max(8, (rng.lognormal(median: median, sigma: 0.3) / 5).rounded() * 5)
        let weeklyCapacity = type == .training ? 12.0 : [10.0, 18.0, 30.0][segment.rawValue]
        let plannedDays = Int(21 + budget / weeklyCapacity * 7)
        plannedEnd = start + plannedDays
        complexity = rng.lognormal(median: 1, sigma: 0.3)

        var orders: [(Day, Double, String)] = []
        let reasons = ["additional integration", "new reporting requirement", "data quality remediation",
                       "extra environment", "scope clarification", "SSO and security review"]
        for _ in 0..<rng.poisson(max(0, complexity - 0.95) * 3.0) {
            let day = start + rng.int((plannedDays / 5)...max(plannedDays / 5, plannedDays))
            orders.append((day, (budget * rng.uniform(0.04, 0.14) * complexity * 4).rounded() / 4, reasons[rng.int(0...5)]))
        }
        if rng.bernoulli(0.12) {
            orders.append((start + rng.int((plannedDays / 3)...max(plannedDays / 3, plannedDays)),
                           -(budget * rng.uniform(0.02, 0.06) * 4).rounded() / 4, "descope"))
        }
        orders.sort { $0.0 < $1.0 }
        changeOrders = orders
        let addedHours = orders.reduce(0) { $0 + max(0, $1.1) }
        fullHours = budget * pow(complexity, 0.9) * rng.lognormal(median: 1, sigma: 0.07) + addedHours * 0.85
        let stretch = 0.86 + 0.2 * complexity + rng.normal(0, 0.05)
        fullEnd = start + max(14, Int(Double(plannedDays) * stretch) + 4 * orders.count)
    }

    /// Whether the project, run to its end, breaks the contract's overrun rule (10 %, 14 days).
    var overran: Bool { fullHours > budget * 1.10 || fullEnd - plannedEnd > 14 }

    /// Writes the project, its change orders, milestones and weekly timesheets, cut at the export day,
    /// and cancelled when the account churns first.
    mutating func write(into book: inout SimulatedBook, account: String, churnDate: Day?, export: Day, rng: inout RandomSource) {
        let status: ProjectStatus
        let stop: Day  // the last day work is logged
        var actualEnd: Day?
        if let churnDate, churnDate < fullEnd {
            status = .cancelled
            actualEnd = churnDate <= export ? churnDate : nil
            stop = min(churnDate, export)
        } else if fullEnd <= export {
            status = .completed
            actualEnd = fullEnd
            stop = fullEnd
        } else {
            status = .active
            stop = export
        }
        book.row(.projects) { w in
            w.text(id); w.text(account); w.text(type.rawValue); w.day(start); w.day(plannedEnd); w.decimal(budget)
            w.day(actualEnd); w.text(status == .active ? ProjectStatus.active.rawValue : status.rawValue)
        }
        for order in changeOrders where order.day <= stop {
            book.row(.changeOrders) { w in w.text(id); w.day(order.day); w.decimal(order.hours); w.text(order.reason) }
        }

        let names = ["Kickoff", "Design sign-off", "Build complete", "UAT sign-off", "Go-live"]
        let fractions = [0.04, 0.3, 0.6, 0.85, 1.0]
        let plannedDays = Double(plannedEnd - start), actualDays = Double(fullEnd - start)
        for (name, f) in zip(names, fractions) {
            let due = start + Int((f * plannedDays).rounded())
            let done = min(fullEnd, max(start, start + Int((f * actualDays).rounded()) + rng.int(-2...3)))
            let completed: Day? = done <= stop && (status != .cancelled || done < stop) ? done : nil
            book.row(.milestones) { w in w.text(id); w.text(name); w.day(due); w.day(completed) }
        }

        // Weekly hours: a ramp up, a plateau and a tail, with noise; split across roles.
        let weeks = max(1, (fullEnd - start + 6) / 7)
        var weights = (0..<weeks).map { k -> Double in
            let x = (Double(k) + 0.5) / Double(weeks)
            return min(1, 0.4 + 2 * x) * min(1, 0.3 + 2.5 * (1 - x)) * rng.lognormal(median: 1, sigma: 0.2)
        }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total * fullHours }
        let roles = [("consultant", 0.6), ("architect", 0.2), ("project manager", 0.2)]
        var logged = 0.0
        for (k, hours) in weights.enumerated() {
            let day = min(start + 7 * k + 4, fullEnd)
            guard day <= stop else { break }
            for (role, share) in roles {
                let h = (hours * share * 4).rounded() / 4
                guard h > 0 else { continue }
                logged += h
                book.row(.timesheets) { w in w.text(id); w.day(day); w.decimal(h); w.text(role) }
            }
        }

        let overranAsLogged = status == .completed
            ? (logged > budget * 1.10 || fullEnd - plannedEnd > 14) : nil
        book.truthRow("projects.csv") { w in
            w.text(id); w.text(account); w.text(type.rawValue); w.decimal(complexity, places: 4)
            w.decimal(fullHours); w.decimal(budget); w.text(status.rawValue); w.bool(overranAsLogged)
        }
        book.summary.projects += 1
        if status == .completed {
            book.summary.completedProjects += 1
            if overranAsLogged == true { book.summary.overrunProjects += 1 }
        }
    }
}
