import Foundation
import VitalsFoundation
import VitalsSignals

/// tickets.csv: support tickets, drawn month by month from the latent state.
///
/// - Count per month ~ Poisson((0.3 + 0.05 · seats^0.6) · load(state) · days/30.4),
///   × 1.5 in the first 90 days of a contract; load 0.6, 0.8, 1.0, 1.6, 2.4 by
///   state (thriving … critical). Opened on uniform days within the month.
/// - Priority (low, normal, high, urgent): weights moving linearly from
///   0.30/0.50/0.15/0.05 (thriving) to 0.10/0.38/0.32/0.20 (critical).
/// - Resolution days ~ Gamma(1.6, mean/1.6), mean 6, 4, 2.5, 1.2 by priority,
///   × (1 + 0.2 · state index). `closed_at` = opened + ⌊resolution⌋; empty when
///   that is after the export day; the churn day at the latest (offboarding
///   closes every ticket).
/// - `sla_breached`: resolution (or time open at export) beyond 10, 7, 3, 2 days.
/// - `escalated` with probability 0.02 + 0.03 · state + 0, 0, 0.06, 0.18 by
///   priority, + 0.1 when breached.
/// - `csat` on 45 % of closed tickets: N(4.6 − 0.35 · state − 0.06 · min(days, 15)
///   − 0.4 · escalated − 0.3 · breached, 0.7), rounded into 1–5.
extension AccountSimulation {
    static let healthyPriorityMix = [0.30, 0.50, 0.15, 0.05]
    static let criticalPriorityMix = [0.10, 0.38, 0.32, 0.20]
    static let meanResolutionDays = [6.0, 4.0, 2.5, 1.2]
    static let slaDays = [10.0, 7.0, 3.0, 2.0]
    static let priorityNames: [[UInt8]] = TicketPriority.allCases.map { Array($0.rawValue.utf8) }

    func writeTickets(into out: inout SimulationOutput) {
        var rng = RandomSource(seed: config.seed, account: profile.index, purpose: .tickets)
        let baseRate = 0.3 + 0.05 * pow(Double(profile.seats), 0.6)
        let end = config.end
        var sequence = 0
        var opened: [Day] = []
        for (m, monthStart) in life.monthStarts.enumerated() {
            let from = max(monthStart, life.firstDay)
            let to = min(monthStart.adding(months: 1) - 1, life.lastDay)
            guard from <= to else { continue }
            let state = life.states[m]
            let s = Double(state.rawValue)
            var rate = baseRate * state.ticketLoad * Double(to - from + 1) / 30.4
            if from - profile.contractStart < 90 { rate *= 1.5 }
            opened.removeAll(keepingCapacity: true)
            for _ in 0..<rng.poisson(rate) { opened.append(from + rng.int(0...(to - from))) }
            opened.sort()
            let weights = (0..<4).map {
                Self.healthyPriorityMix[$0] + (Self.criticalPriorityMix[$0] - Self.healthyPriorityMix[$0]) * s / 4
            }
            for openedAt in opened {
                sequence += 1
                let priority = rng.categorical(weights)
                let meanDays = Self.meanResolutionDays[priority] * (1 + 0.2 * s)
                let resolution = rng.gamma(shape: 1.6, scale: meanDays / 1.6)
                var closedAt: Day? = openedAt + Int(resolution)
                if let churn = life.churnDate, closedAt! > churn { closedAt = churn }
                if closedAt! > end { closedAt = nil }
                let daysOpen = closedAt.map { Double($0 - openedAt) } ?? Double(end - openedAt)
                let breached = min(resolution, daysOpen + 1) > Self.slaDays[priority]
                let escalated = rng.bernoulli(
                    0.02 + 0.03 * s + [0, 0, 0.06, 0.18][priority] + (breached ? 0.1 : 0))
                var csat: Int?
                if closedAt != nil, rng.bernoulli(0.45) {
                    let mean = 4.6 - 0.35 * s - 0.06 * min(resolution, 15) - (escalated ? 0.4 : 0) - (breached ? 0.3 : 0)
                    csat = min(5, max(1, Int(rng.normal(mean, 0.7).rounded())))
                }
                out.tickets.raw(ticketID(sequence))
                out.tickets.raw(profile.id)
                out.tickets.day(openedAt)
                out.tickets.day(closedAt)
                out.tickets.raw(Self.priorityNames[priority])
                out.tickets.bool(breached)
                out.tickets.bool(escalated)
                out.tickets.int(csat)
                out.tickets.endRow()
            }
        }
    }

    /// `T` + the account's number + `-` + a four-digit sequence: unique across the book.
    private func ticketID(_ sequence: Int) -> [UInt8] {
        var id = profile.id
        id[0] = UInt8(ascii: "T")
        id.append(UInt8(ascii: "-"))
        Self.appendPadded(sequence, width: 4, to: &id)
        return id
    }

    static func appendPadded(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        let digits = Array(String(value).utf8)
        for _ in digits.count..<max(width, digits.count) { bytes.append(UInt8(ascii: "0")) }
        bytes.append(contentsOf: digits)
    }
}
