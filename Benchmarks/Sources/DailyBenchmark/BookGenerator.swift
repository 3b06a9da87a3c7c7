import BenchmarkSupport
import Foundation
import VitalsFoundation
import VitalsSignals

// Writes a whole signals directory (all eight files of the contract) for a book of
// `accounts` accounts over one year, byte by byte: the simulator models far more
// (lifecycles, onboarding, renewals) and is too slow at 100,000 accounts. Deterministic:
// the same seed and account count give the same bytes.
//
// Each account has a latent risk z ~ N(0, 1). About 10 % churn during the year; for the
// 120 days before its churn date an account's usage falls to a quarter, its tickets
// triple and its NPS drops, so the signals carry something for the model to learn.

struct BookSize: CustomStringConvertible {
    var files: [(name: String, bytes: Int, rows: Int)] = []
    var description: String {
        files.map { "\($0.name) \(grouped($0.rows)) rows (\(megabytes($0.bytes)) MB)" }.joined(separator: ", ")
    }
}

enum BookGenerator {
    /// Changes whenever the bytes a seed gives change, so cached books are regenerated.
    static let version = 2

    /// The year the book covers: 2025-01-01 … 2025-12-31.
    static let firstDay = Day(year: 2025, month: 1, day: 1)!
    static let dayCount = 365
    static var lastDay: Day { firstDay + (dayCount - 1) }

    private static let segments = ["enterprise", "mid-market", "smb"]
    private static let csms = [
        "Dana Whitfield", "Priya Natarajan", "Marcus Oyelaran", "Sofia Lindqvist", "Kenji Watanabe",
        "Amara Okafor", "Lucas Moreau", "Hannah Becker", "Diego Fernández", "Mei Chen", "Omar Haddad",
        "Chloé Dubois", "Ravi Iyer", "Zoe Papadopoulos", "Tomás Novák", "Aisha Rahman",
    ]
    private static let projectTypes = ["implementation", "migration", "integration", "training"]
    private static let roles = ["consultant", "engineer", "project manager"]
    private static let reasons = ["new integration", "extra data source", "scope clarification", "additional training"]
    private static let priorities = ["low", "normal", "high", "urgent", ""]

    /// A writer for `file` in `directory`, its header row already written.
    private static func headedWriter(_ file: SignalsFile, in directory: String) throws -> ByteWriter {
        let writer = try ByteWriter(path: directory + "/" + file.fileName)
        writer.text(file.canonicalHeader)
        writer.endRow()
        return writer
    }

    static func write(directory: String, accounts n: Int, seed: UInt64) throws -> BookSize {
        var rng = SplitMix64(seed: seed)
        let first = firstDay, last = lastDay
        var date: [UInt8] = []
        func dateBytes(_ day: Day) -> [UInt8] {
            date.removeAll(keepingCapacity: true)
            day.append(to: &date)
            return date
        }
        var size = BookSize()

        // accounts.csv
        var ids: [[UInt8]] = [], seats = [Int](repeating: 0, count: n), risk = [Double](repeating: 0, count: n)
        var adoption = [Double](repeating: 0, count: n), depth = [Double](repeating: 0, count: n)
        var start = [Int32](repeating: 0, count: n), churn = [Int32](repeating: Int32.max, count: n)
        ids.reserveCapacity(n)
        let a = try headedWriter(.accounts, in: directory)
        let earliestStart = Day(year: 2021, month: 1, day: 1)!
        for k in 0..<n {
            let number = String(k + 1)
            ids.append(Array("A".utf8) + Array(repeating: UInt8(ascii: "0"), count: max(0, 6 - number.utf8.count)) + Array(number.utf8))
            let draw = rng.unit()
            let s = draw < 0.1 ? 0 : draw < 0.4 ? 1 : 2
            let (lo, hi): (Double, Double) = s == 0 ? (300, 3000) : s == 1 ? (40, 400) : (5, 50)
            seats[k] = Int(lo * pow(hi / lo, rng.unit()))
            risk[k] = rng.normal()
            adoption[k] = min(0.95, max(0.08, 0.5 - 0.08 * risk[k] + 0.2 * (rng.unit() - 0.5)))
            depth[k] = 1.5 + 5 * rng.unit()
            // Contract starts from 2021 to March 2025; never on 29 February, so every anniversary exists.
            var begin = earliestStart + rng.below(Day(year: 2025, month: 3, day: 31)! - earliestStart)
            if begin.components.month == 2 && begin.components.day == 29 { begin = begin + 1 }
            start[k] = begin.ordinal
            let churnChance = 1 / (1 + exp(-(-2.5 + 1.1 * risk[k])))
            if rng.unit() < churnChance {
                let from = max(first.ordinal, begin.ordinal + 60)
                if from < last.ordinal { churn[k] = from + Int32(rng.below(Int(last.ordinal - from) + 1)) }
            }
            a.bytes(ids[k]); a.byte(44)
            a.text("Account \(k + 1)"); a.byte(44)
            a.text(segments[s]); a.byte(44)
            a.text(csms[rng.below(csms.count)]); a.byte(44)
            a.cents(seats[k] * (40_000 + rng.below(80_000))); a.byte(44)
            a.int(seats[k]); a.byte(44)
            a.bytes(dateBytes(begin)); a.byte(44)
            // Renewal on the contract's anniversary (annual terms), one to three years out.
            let term = 1 + rng.below(3)
            let (y, m, d) = begin.components
            a.bytes(dateBytes(Day(year: y + term, month: m, day: d)!)); a.byte(44)
            if churn[k] != Int32.max { a.bytes(dateBytes(Day(ordinal: churn[k]))) }
            a.endRow()
        }
        try a.close()
        size.files.append(("accounts.csv", a.size, n))

        /// How far the account has declined on `day`: 0 normally, rising to 1 on its churn date.
        func decline(_ k: Int, _ day: Int32) -> Double {
            guard churn[k] != Int32.max else { return 0 }
            let lead = Double(churn[k] - day)
            return lead >= 120 ? 0 : 1 - lead / 120
        }
        func active(_ k: Int, _ day: Int32) -> Bool { day >= start[k] && day < churn[k] }

        // usage.csv, tickets.csv and nps.csv, day by day, as daily exports are appended.
        let u = try headedWriter(.usage, in: directory)
        let t = try headedWriter(.tickets, in: directory)
        let s = try headedWriter(.nps, in: directory)
        var usageRows = 0, ticketRows = 0, npsRows = 0
        // About five tickets per account-year at the median size, more for large and risky accounts.
        let ticketRate = (0..<n).map { k in 5.0 / 365 * pow(Double(seats[k]) / 40, 0.35) * exp(0.35 * risk[k]) }
        for dayIndex in 0..<dayCount {
            let day = first + dayIndex
            let dayText = dateBytes(day)
            let weekend = day.isoWeekday >= 6
            let season = 1 + 0.08 * sin(Double(dayIndex) * 2 * Double.pi / 365)
            for k in 0..<n where active(k, day.ordinal) {
                let fall = decline(k, day.ordinal)
                let share = adoption[k] * (1 - 0.75 * fall) * season * (weekend ? 0.5 : 1) * (0.8 + 0.4 * rng.unit())
                let users = Int(Double(seats[k]) * share)
                if users > 0 {
                    let sessions = users + Int(Double(users) * 2 * rng.unit())
                    let events = Int(Double(sessions) * depth[k] * (0.6 + 0.8 * rng.unit()))
                    let started = events / (6 + rng.below(20))
                    let completed = Int(Double(started) * (0.85 - 0.35 * fall - 0.05 * risk[k] + 0.1 * rng.unit()).clamped01)
                    u.bytes(ids[k]); u.byte(44); u.bytes(dayText); u.byte(44)
                    u.int(users); u.byte(44); u.int(sessions); u.byte(44); u.int(events); u.byte(44)
                    u.int(started); u.byte(44); u.int(completed)
                    u.endRow()
                    usageRows += 1
                }
                if rng.unit() < ticketRate[k] * (1 + 2 * fall) {
                    ticketRows += 1
                    t.text("T"); t.int(10_000_000 + ticketRows); t.byte(44)
                    t.bytes(ids[k]); t.byte(44); t.bytes(dayText); t.byte(44)
                    let days = Int(-log(max(rng.unit(), 1e-12)) * (3 + 3 * fall + max(0, risk[k])))
                    let closed = day + days
                    if closed <= last { t.bytes(dateBytes(closed)) }
                    t.byte(44)
                    let p = rng.unit() + 0.15 * fall
                    t.text(priorities[p < 0.05 ? 4 : p < 0.25 ? 0 : p < 0.75 ? 1 : p < 0.95 ? 2 : 3]); t.byte(44)
                    t.text(rng.unit() < 0.08 + 0.3 * fall ? "true" : "false"); t.byte(44)
                    t.text(rng.unit() < 0.04 + 0.2 * fall ? "true" : "false"); t.byte(44)
                    if closed <= last && rng.unit() < 0.6 {
                        t.int(max(1, min(5, Int((4.3 - 0.4 * risk[k] - 2 * fall + rng.normal()).rounded()))))
                    }
                    t.endRow()
                }
                if rng.unit() < 1.5 / 365 {
                    npsRows += 1
                    s.bytes(ids[k]); s.byte(44); s.bytes(dayText); s.byte(44)
                    s.int(max(0, min(10, Int((8 - 1.2 * risk[k] - 4 * fall + 1.5 * rng.normal()).rounded())))); s.byte(44)
                    s.text("user"); s.int(rng.below(40))
                    s.endRow()
                }
            }
        }
        try u.close()
        try t.close()
        try s.close()
        size.files.append(("usage.csv", u.size, usageRows))
        size.files.append(("tickets.csv", t.size, ticketRows))
        size.files.append(("nps.csv", s.size, npsRows))

        // projects.csv and its timesheets, milestones and change orders: one project per five accounts.
        let p = try headedWriter(.projects, in: directory)
        let ts = try headedWriter(.timesheets, in: directory)
        let ms = try headedWriter(.milestones, in: directory)
        let co = try headedWriter(.changeOrders, in: directory)
        let projectCount = max(1, n / 5)
        var timesheetRows = 0, milestoneRows = 0, changeRows = 0
        let projectWindowStart = Day(year: 2024, month: 10, day: 1)!
        for j in 0..<projectCount {
            let k = rng.below(n)
            let begin = max(Day(ordinal: start[k]), projectWindowStart + rng.below(Day(year: 2025, month: 11, day: 30)! - projectWindowStart))
            let planned = 30 + rng.below(150)
            let plannedEnd = begin + planned
            let budget = Double(80 + rng.below(1900))
            let overrun = max(0.0, 0.25 * rng.normal() + 0.1 + 0.1 * risk[k])
            let actualEnd = begin + Int(Double(planned) * (1 + overrun))
            let ended = actualEnd <= last
            let cancelled = ended && rng.unit() < 0.02
            let projectID = Array("P".utf8) + Array(String(1_000_000 + j).utf8)
            p.bytes(projectID); p.byte(44); p.bytes(ids[k]); p.byte(44)
            p.text(projectTypes[rng.below(projectTypes.count)]); p.byte(44)
            p.bytes(dateBytes(begin)); p.byte(44); p.bytes(dateBytes(plannedEnd)); p.byte(44)
            p.int(Int(budget)); p.byte(44)
            if ended { p.bytes(dateBytes(actualEnd)) }
            p.byte(44)
            p.text(cancelled ? "cancelled" : ended ? "completed" : "active")
            p.endRow()

            // Weekday timesheets from the start to the end (or the end of the data).
            let workdays = max(1, planned * 5 / 7)
            let perDay = budget * (1 + overrun) / Double(workdays) / (1 + overrun * 0.5)
            var day = begin
            while day <= min(actualEnd, last) {
                if day.isoWeekday <= 5 {
                    ts.bytes(projectID); ts.byte(44); ts.bytes(dateBytes(day)); ts.byte(44)
                    ts.cents(Int(perDay * (0.6 + 0.8 * rng.unit()) * 100)); ts.byte(44)
                    ts.text(roles[rng.below(roles.count)])
                    ts.endRow()
                    timesheetRows += 1
                }
                day = day + 1
            }
            let milestones = 3 + rng.below(4)
            for m in 1...milestones {
                let due = begin + planned * m / milestones
                let done = due + Int(Double(planned) * overrun * Double(m) / Double(milestones)) + rng.below(5)
                ms.bytes(projectID); ms.byte(44); ms.text("M\(m)"); ms.byte(44)
                ms.bytes(dateBytes(due)); ms.byte(44)
                if done <= last { ms.bytes(dateBytes(done)) }
                ms.endRow()
                milestoneRows += 1
            }
            var orders = 0
            while rng.unit() < 0.35 + 0.2 * overrun && orders < 5 {
                orders += 1
                let when = begin + rng.below(max(1, min(actualEnd, last) - begin + 1))
                co.bytes(projectID); co.byte(44); co.bytes(dateBytes(when)); co.byte(44)
                co.int(8 + rng.below(190)); co.byte(44)
                co.text(reasons[rng.below(reasons.count)])
                co.endRow()
                changeRows += 1
            }
        }
        for w in [p, ts, ms, co] { try w.close() }
        size.files.append(("projects.csv", p.size, projectCount))
        size.files.append(("timesheets.csv", ts.size, timesheetRows))
        size.files.append(("milestones.csv", ms.size, milestoneRows))
        size.files.append(("change_orders.csv", co.size, changeRows))
        return size
    }
}

extension Double {
    var clamped01: Double { Swift.min(1, Swift.max(0, self)) }
}
