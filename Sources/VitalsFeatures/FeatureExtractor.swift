import Foundation
import VitalsFoundation
import VitalsSignals

/// One signal family's features for one kind of entity (accounts or projects).
///
/// An extractor writes `names(layout).count` values per (entity, as-of date), computed
/// from rows dated on or before the date only. A value that cannot be computed (a ratio
/// over nothing) is NaN, for the imputer; a family absent for the entity sets its
/// `<family>_missing` indicator. `FeatureCatalog` documents every name.
public protocol FeatureExtractor: Sendable {
    var family: FeatureFamily { get }
    /// The columns this extractor writes, in order, for a layout's one-hot levels.
    func names(_ layout: FeatureLayout) -> [String]
    /// Writes the entity's features as of `day`.
    func write(entity: Int, asOf day: Day, into out: inout FeatureWriter)
}

/// A cursor over one row's feature slots.
public struct FeatureWriter {
    let buffer: UnsafeMutableBufferPointer<Double>
    public private(set) var position: Int

    init(_ buffer: UnsafeMutableBufferPointer<Double>, at position: Int = 0) {
        self.buffer = buffer
        self.position = position
    }

    /// Writes the next feature. A value that is not finite (a ratio over a vanishing
    /// denominator) is missing, as a ratio over nothing is: NaN, for the imputer.
    @inline(__always)
    public mutating func put(_ value: Double) {
        buffer[position] = value.isFinite ? value : .nan
        position += 1
    }

    /// A family absent for the entity: its `<family>_missing` indicator (the first of its
    /// `count` columns) is 1 and the rest are missing values.
    mutating func familyMissing(_ count: Int) {
        put(1)
        for _ in 1..<count { put(.nan) }
    }
}

/// The extractors for a layout, in column order.
public enum FeatureRegistry {
    public static func extractors(for layout: FeatureLayout, index: SignalsIndex, tolerance: Double, graceDays: Int) -> [any FeatureExtractor] {
        layout.families.compactMap { family -> (any FeatureExtractor)? in
            switch family {
            case .account: return AccountExtractor(index: index, levels: layout.segmentLevels)
            case .usage: return UsageExtractor(index: index)
            case .support: return SupportExtractor(index: index)
            case .nps: return NPSExtractor(index: index)
            case .delivery: return DeliveryExtractor(index: index, tolerance: tolerance, graceDays: graceDays)
            case .project: return ProjectExtractor(index: index, levels: layout.projectTypeLevels)
            case .markov: return nil
            }
        }
    }
}

extension SignalsIndex {
    /// Licensed seats, when known and positive.
    func seats(_ account: Int) -> Double? {
        dataset.accounts.seats.flatMap { $0[account] }.flatMap { $0 > 0 ? Double($0) : nil }
    }
}

/// Tenure, renewal, ARR, seats and segment.
struct AccountExtractor: FeatureExtractor {
    let index: SignalsIndex
    /// The layout's segment levels, one indicator each.
    let levels: [String]
    var family: FeatureFamily { .account }
    func names(_ layout: FeatureLayout) -> [String] { layout.expand(FeatureCatalog.account) }

    func write(entity a: Int, asOf day: Day, into out: inout FeatureWriter) {
        let accounts = index.dataset.accounts
        out.put(Double(day.ordinal - accounts.contractStart[a].ordinal))
        out.put(Double(index.nextRenewal(account: a, after: day) - day))
        out.put(accounts.arr.flatMap { $0[a] }.map { log1p($0) } ?? .nan)
        out.put(accounts.seats.flatMap { $0[a] }.map(Double.init) ?? .nan)
        let segment = accounts.segment.flatMap { $0[a] }
        for level in levels { out.put(segment == level ? 1 : 0) }
    }
}

struct UsageExtractor: FeatureExtractor {
    let index: SignalsIndex
    var family: FeatureFamily { .usage }
    func names(_ layout: FeatureLayout) -> [String] { FeatureCatalog.usage.map(\.name) }

    func write(entity a: Int, asOf day: Day, into out: inout FeatureWriter) {
        func put(_ value: Double) { out.put(value) }
        let d = day.ordinal, seats = index.seats(a)
        guard let usage = index.usage, usage.hasRows(a, through: d) else {
            out.familyMissing(FeatureCatalog.usage.count)
            return
        }
        put(0)
        let start = index.dataset.accounts.contractStart[a].ordinal
        // Mean daily active users over the window's days since contract start (a day without a row is 0).
        func meanActive(_ days: Int32, endingAt end: Int32 = d) -> Double {
            let from = max(end - days + 1, start)
            guard from <= end else { return .nan }
            let (k0, k1) = usage.window(a, from: from, through: end)
            guard let total = usage.total(.activeUsers, a, k0, k1) else { return .nan }
            return total / Double(end - from + 1)
        }
        let seatCount = seats.flatMap { $0 > 0 ? $0 : nil }
        for w: Int32 in [7, 30, 90] { put(seatCount.map { meanActive(w) / $0 } ?? .nan) }
        // Trend: least-squares slope of 13 weekly means over the week index, over their mean.
        var weekly: [Double] = []
        for w in 0..<13 {
            let end = d - Int32(7 * (12 - w))
            let value = meanActive(7, endingAt: end)
            if value.isFinite && end - 6 >= start { weekly.append(value) } else { weekly.removeAll() }
        }
        if weekly.count >= 4 {
            let n = Double(weekly.count), xMean = (n - 1) / 2, yMean = weekly.reduce(0, +) / n
            var sxy = 0.0, sxx = 0.0
            for (x, y) in weekly.enumerated() {
                sxy += (Double(x) - xMean) * (y - yMean)
                sxx += (Double(x) - xMean) * (Double(x) - xMean)
            }
            put(yMean > 0 ? (sxy / sxx) / yMean : 0)
        } else {
            put(.nan)
        }
        let m30 = meanActive(30), m90 = meanActive(90)
        put(m90 > 0 ? m30 / m90 : .nan)
        let last = usage.lastActive(a, through: d)
        put(last == Int32.min ? .nan : Double(d - last))
        let (k0, k1) = usage.window(a, from: d - 29, through: d)
        let activeDays = usage.total(.activeUsers, a, k0, k1) ?? .nan
        put(activeDays > 0 ? (usage.total(.keyEvents, a, k0, k1) ?? .nan) / activeDays : .nan)
        put(activeDays > 0 ? (usage.total(.sessions, a, k0, k1) ?? .nan) / activeDays : .nan)
        func completion(from: Int32, through: Int32) -> Double {
            let (k0, k1) = usage.window(a, from: from, through: through)
            guard let started = usage.total(.workflowsStarted, a, k0, k1), started > 0,
                  let completed = usage.total(.workflowsCompleted, a, k0, k1) else { return .nan }
            return min(1, completed / started)
        }
        let rate90 = completion(from: d - 89, through: d)
        put(rate90)
        put(rate90.isNaN ? .nan : 1 - rate90)
        let recent = completion(from: d - 29, through: d), before = completion(from: d - 89, through: d - 30)
        put(recent.isNaN || before.isNaN ? .nan : recent - before)
    }
}

struct SupportExtractor: FeatureExtractor {
    let index: SignalsIndex
    var family: FeatureFamily { .support }
    func names(_ layout: FeatureLayout) -> [String] { FeatureCatalog.support.map(\.name) }

    func write(entity a: Int, asOf day: Day, into out: inout FeatureWriter) {
        func put(_ value: Double) { out.put(value) }
        let d = day.ordinal, seats = index.seats(a)
        guard let tickets = index.dataset.tickets, let grouped = index.tickets else {
            out.familyMissing(FeatureCatalog.support.count)
            return
        }
        put(0)
        var opened30 = 0.0, opened90 = 0.0, open = 0.0, oldest = 0.0, urgent90 = 0.0, sla90 = 0.0, escalated90 = 0.0
        var csatSum = 0.0, csatCount = 0.0, resolveSum = 0.0, resolveCount = 0.0
        let through = grouped.start[a] + grouped.countThrough(a, d, dates: index.ticketOpened)
        for k in grouped.start[a]..<through {
            let r = Int(grouped.rows[k])
            let opened = index.ticketOpened[r]
            let age = d - opened
            let closed = tickets.closedAt.map { $0.raw[r] } ?? DayColumn.missing
            let closedByThen = closed != DayColumn.missing && closed <= d
            if age < 30 { opened30 += 1 }
            if age < 90 {
                opened90 += 1
                if tickets.priority[r] == .high || tickets.priority[r] == .urgent { urgent90 += 1 }
                // The export sets these flags whenever they happened; only a ticket closed by D is known
                // to have breached or escalated by D.
                if closedByThen, tickets.slaBreached.flatMap({ $0[r] }) == 1 { sla90 += 1 }
                if closedByThen, tickets.escalated.flatMap({ $0[r] }) == 1 { escalated90 += 1 }
            }
            if !closedByThen {
                open += 1
                oldest = max(oldest, Double(age))
            } else if d - closed < 90 {
                resolveSum += Double(closed - opened)
                resolveCount += 1
            }
            // CSAT is left when the ticket closes: only ratings of tickets closed by then count.
            if age < 180, closedByThen, let csat = tickets.csat.flatMap({ $0[r] }) {
                csatSum += Double(csat)
                csatCount += 1
            }
        }
        let seatCount = seats.flatMap { $0 > 0 ? $0 : nil }
        put(opened30)
        put(opened90)
        put(seatCount.map { opened30 / $0 } ?? .nan)
        put(seatCount.map { opened90 / $0 } ?? .nan)
        put(open)
        put(oldest)
        put(opened90 > 0 ? urgent90 / opened90 : 0)
        put(sla90)
        put(escalated90)
        put(csatCount > 0 ? csatSum / csatCount : .nan)
        put(resolveCount > 0 ? resolveSum / resolveCount : .nan)
    }
}

struct NPSExtractor: FeatureExtractor {
    let index: SignalsIndex
    var family: FeatureFamily { .nps }
    func names(_ layout: FeatureLayout) -> [String] { FeatureCatalog.nps.map(\.name) }

    func write(entity a: Int, asOf day: Day, into out: inout FeatureWriter) {
        func put(_ value: Double) { out.put(value) }
        let d = day.ordinal
        guard let nps = index.dataset.nps, let grouped = index.nps,
              grouped.countThrough(a, d, dates: index.npsDate) > 0 else {
            out.familyMissing(FeatureCatalog.nps.count)
            return
        }
        put(0)
        let through = grouped.start[a] + grouped.countThrough(a, d, dates: index.npsDate)
        let last = Int(grouped.rows[through - 1])
        put(Double(nps.score[last]))
        put(Double(d - index.npsDate[last]))
        var sum = 0.0, count = 0.0, detractors = 0.0, promoters = 0.0, year = 0.0
        for k in grouped.start[a]..<through {
            let r = Int(grouped.rows[k])
            let age = d - index.npsDate[r]
            if age < 365 { year += 1 }
            guard age < 180 else { continue }
            let score = Double(nps.score[r])
            sum += score
            count += 1
            if score <= 6 { detractors += 1 }
            if score >= 9 { promoters += 1 }
        }
        put(count > 0 ? sum / count : .nan)
        put(count > 0 ? detractors / count : .nan)
        put(count > 0 ? promoters / count : .nan)
        put(year)
        put(through - grouped.start[a] >= 2
            ? Double(nps.score[last]) - Double(nps.score[Int(grouped.rows[through - 2])]) : .nan)
    }
}

struct DeliveryExtractor: FeatureExtractor {
    let index: SignalsIndex
    let tolerance: Double
    let graceDays: Int
    var family: FeatureFamily { .delivery }
    func names(_ layout: FeatureLayout) -> [String] { FeatureCatalog.delivery.map(\.name) }

    func write(entity a: Int, asOf day: Day, into out: inout FeatureWriter) {
        func put(_ value: Double) { out.put(value) }
        let d = day.ordinal
        guard let projects = index.dataset.projects, let byAccount = index.projectsByAccount,
              byAccount.countThrough(a, d, dates: index.projectStart) > 0 else {
            out.familyMissing(FeatureCatalog.delivery.count)
            return
        }
        put(0)
        var inFlight = 0.0, budget = 0.0, changeHours = 0.0
        var latestEnd = Int32.min, late = Double.nan, over = Double.nan
        let through = byAccount.start[a] + byAccount.countThrough(a, d, dates: index.projectStart)
        for k in byAccount.start[a]..<through {
            let p = Int(byAccount.rows[k])
            budget += projects.budgetHours[p]
            changeHours += index.changeOrderHours(project: p, through: d)
            let end = index.endDate(project: p)
            if end == nil || end! > d {
                inFlight += 1
            } else if let end, end >= latestEnd, projects.status[p] != .cancelled {
                latestEnd = end
                late = end > projects.plannedEndDate[p].ordinal + Int32(graceDays) ? 1 : 0
                over = index.hoursLogged(project: p, through: d) > projects.budgetHours[p] * (1 + tolerance) ? 1 : 0
            }
        }
        put(inFlight)
        put(late)
        put(over)
        put(budget > 0 ? changeHours / budget : .nan)
    }
}
