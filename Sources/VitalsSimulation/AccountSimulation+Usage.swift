import Foundation
import VitalsFoundation
import VitalsSignals

/// usage.csv: one row per day with any activity, from the account's first day
/// in the window to its last as a customer.
///
/// For day t in month m, with h(t) the state engagement interpolated linearly
/// between month midpoints (so usage drifts instead of jumping on the 1st):
///
///     p(t)        = min(0.98, h(t) · propensity · b(t) · ramp(t) · decline(t) · weekday(t) · holiday(t) · LN(0, 0.12))
///     active      ~ Binomial(seats, p(t))
///     sessions    = active + Poisson(active · (0.3 + 1.4 e))
///     key_events  ~ Poisson(active · (1.5 + 9 e))
///     started     ~ Poisson(active · (0.15 + 0.35 e))
///     completed   ~ Binomial(started, clamp(0.30 + 0.8 h(t) + N(0, 0.05), 0.05, 0.99))
///
/// where e = h · propensity · b · ramp · decline is the day's engagement before
/// the calendar. b(t) is the customer's own business cycle, unrelated to its
/// health: log b follows a monthly AR(1), log b_m = 0.6 log b_(m−1) + N(0, 0.12),
/// interpolated like h. ramp rises linearly from 0.2 to 1 over the first 60–90 days
/// of the contract; decline falls linearly from 1 at the decision to leave to
/// 0.35 on the churn day; weekday is 1, 1.02, 1.02, 0.98, 0.88, 0.18, 0.12
/// (Monday to Sunday); holiday is 0.4 from December 24 to January 1. Days with
/// no active user get no row, as in a real analytics export, and neither do
/// the days of a tracking outage (each month, with probability 0.03, 1–4 days).
extension AccountSimulation {
    static let weekdayFactor = [1.0, 1.02, 1.02, 0.98, 0.88, 0.18, 0.12]

    func writeUsage(into out: inout SimulationOutput) {
        var rng = RandomSource(seed: config.seed, account: profile.index, purpose: .usage)
        let rampDays = Double(rng.int(60...90))
        let seats = profile.seats
        let months = life.monthStarts
        let level = life.states.map(\.engagement)
        var logCycle = 0.0
        let cycle = level.map { _ in
            logCycle = 0.6 * logCycle + rng.normal(0, 0.12)
            return exp(logCycle)
        }
        var outages: [ClosedRange<Day>] = []
        for monthStart in months where rng.bernoulli(0.03) {
            let first = monthStart + rng.int(0...27)
            outages.append(first...(first + rng.int(0...3)))
        }
        var outage = 0
        var m = 0
        var day = life.firstDay
        while day <= life.lastDay {
            while m + 1 < months.count && months[m + 1] <= day { m += 1 }
            let (y, month, d) = day.components
            let health = Self.interpolate(level, month: m, day: d, daysInMonth: Day.daysInMonth(year: y, month: month))
            while outage < outages.count && outages[outage].upperBound < day { outage += 1 }
            if outage < outages.count && outages[outage].contains(day) {
                day = day + 1
                continue
            }
            let business = Self.interpolate(cycle, month: m, day: d, daysInMonth: Day.daysInMonth(year: y, month: month))
            var e = health * profile.propensity * business
            let tenure = Double(day - profile.contractStart)
            if tenure < rampDays { e *= 0.2 + 0.8 * tenure / rampDays }
            if let decided = life.decisionDate, let leaving = life.plannedChurn, day >= decided {
                e *= 1 - 0.65 * min(1, Double(day - decided) / Double(max(1, leaving - decided)))
            }
            var calendar = Self.weekdayFactor[day.isoWeekday - 1]
            if (month == 12 && d >= 24) || (month == 1 && d == 1) { calendar *= 0.4 }
            let p = min(0.98, e * calendar * rng.lognormal(sigma: 0.12))
            let active = rng.binomial(seats, p)
            if active > 0 {
                let a = Double(active)
                let sessions = active + rng.poisson(a * (0.3 + 1.4 * e))
                let keyEvents = rng.poisson(a * (1.5 + 9 * e))
                let started = rng.poisson(a * (0.15 + 0.35 * e))
                let completion = min(0.99, max(0.05, 0.30 + 0.8 * health + rng.normal(0, 0.05)))
                let completed = rng.binomial(started, completion)
                out.usage.raw(profile.id)
                out.usage.day(day)
                out.usage.int(active)
                out.usage.int(sessions)
                out.usage.int(keyEvents)
                out.usage.int(started)
                out.usage.int(completed)
                out.usage.endRow()
            }
            day = day + 1
        }
    }

    /// The monthly level at day `d` of month `m`, linear between month midpoints.
    static func interpolate(_ level: [Double], month m: Int, day d: Int, daysInMonth: Int) -> Double {
        let fraction = (Double(d) - 0.5) / Double(daysInMonth)
        let here = level[m]
        if fraction < 0.5 {
            let previous = m > 0 ? level[m - 1] : here
            return previous + (here - previous) * (fraction + 0.5)
        }
        let next = m + 1 < level.count ? level[m + 1] : here
        return here + (next - here) * (fraction - 0.5)
    }
}
