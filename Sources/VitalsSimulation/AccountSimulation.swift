import Foundation
import VitalsSignals

/// One account's whole life in the window: a monthly latent-state pass that
/// decides churn, then the daily signals drawn from those states.
struct AccountSimulation {
    let index: Int
    let config: SimulationConfig
    var rng: RandomSource

    let id: String
    let segment: Segment
    let seats: Int
    let contractStart: Day
    /// Day the account's signals start: its contract start or the window start.
    let firstDay: Day
    /// How heavily this customer uses the product regardless of health (lognormal around 1).
    let propensity: Double

    enum Segment: Int {
        case smb, midMarket, enterprise
        var name: String { ["SMB", "Mid-Market", "Enterprise"][rawValue] }
    }

    init(index: Int, config: SimulationConfig) {
        self.index = index
        self.config = config
        var rng = RandomSource(seed: config.seed, stream: UInt64(index) + 1)
        id = "A" + String(index + 1).leftPadded(to: 6)
        let segment = Segment(rawValue: rng.categorical([0.6, 0.3, 0.1]))!
        self.segment = segment
        switch segment {
        case .smb: seats = Int(rng.lognormal(median: 14, sigma: 0.6).rounded()).clamped(3, 60)
        case .midMarket: seats = Int(rng.lognormal(median: 110, sigma: 0.5).rounded()).clamped(40, 400)
        case .enterprise: seats = Int(rng.lognormal(median: 900, sigma: 0.5).rounded()).clamped(300, 4000)
        }
        let windowDays = config.end - config.start
        if rng.bernoulli(0.5) || windowDays < 45 {
            contractStart = config.start - rng.int(30...1095)
        } else {
            contractStart = config.start + rng.int(0...(windowDays - 31))
        }
        firstDay = max(contractStart, config.start)
        propensity = rng.lognormal(median: 1, sigma: 0.15)
        self.rng = rng
    }

    mutating func run(into book: inout SimulatedBook) {
        let end = config.end
        // Every account was implemented at its contract start (for established accounts, before the
        // window opened). The outcome shapes health, so it is drawn before the states.
        var projects = [ProjectSimulation(
            id: "P\(index + 1)-1", type: .implementation, start: contractStart, segment: segment, rng: &rng)]
        let troubledUntil: Day? = projects.first.flatMap { $0.overran ? $0.fullEnd.adding(months: 6) : nil }

        // Monthly latent states and churn.
        var months: [(start: Day, state: LatentHealth)] = []
        let established = contractStart < config.start
        var state = established
            ? LatentHealth(rawValue: rng.categorical(LatentHealth.establishedMix))!
            : (rng.bernoulli(0.5) ? .healthy : .steady)
        let initialState = state
        var churnDate: Day?, decisionDate: Day?, churnKind = ""
        var month = firstDay.startOfMonth
        while month <= end {
            months.append((month, state))
            let nextMonth = month.adding(months: 1)
            if let renewal = anniversary(inMonthFrom: month, to: nextMonth - 1), renewal >= firstDay, renewal <= end,
               rng.bernoulli(state.renewalChurn)
            {
                churnDate = renewal
                decisionDate = renewal - rng.int(60...120)
                churnKind = "renewal"
                break
            }
            if month > firstDay.startOfMonth, rng.bernoulli(state.midTermChurn) {
                let day = month + rng.int(0...27)
                if day <= end, day > firstDay {
                    churnDate = day
                    decisionDate = day - rng.int(15...45)
                    churnKind = "mid-term"
                    break
                }
            }
            var next = LatentHealth(rawValue: rng.categorical(LatentHealth.transitions[state.rawValue]))!
            var worse = segment == .smb ? 0.04 : 0.0
            var better = segment == .enterprise ? 0.05 : 0.0
            if seats > 200 { better += 0.03 }
            if let troubledUntil, month <= troubledUntil, month >= contractStart { worse += 0.30 }
            let u = rng.uniform()
            if u < worse, next != .critical {
                next = LatentHealth(rawValue: next.rawValue + 1)!
            } else if u > 1 - better, next != .thriving {
                next = LatentHealth(rawValue: next.rawValue - 1)!
            }
            state = next
            month = nextMonth
        }
        let lastDay = churnDate.map { $0 - 1 } ?? end

        // Later projects at contract anniversaries: integrations and migrations for healthier accounts, training for any.
        for k in 1... {
            let anniversaryDay = contractStart.adding(months: 12 * k)
            guard anniversaryDay <= lastDay else { break }
            let start = anniversaryDay + rng.int(10...100)
            guard start >= config.start, start <= lastDay else { continue }
            let stateThen = months.last(where: { $0.start <= start })?.state ?? state
            if stateThen.rawValue <= LatentHealth.steady.rawValue, rng.bernoulli(0.30) {
                let type: ProjectSimulation.Kind = rng.bernoulli(0.65) ? .integration : .migration
                projects.append(ProjectSimulation(id: "P\(index + 1)-\(projects.count + 1)", type: type, start: start, segment: segment, rng: &rng))
            }
            if rng.bernoulli(0.12) {
                projects.append(ProjectSimulation(id: "P\(index + 1)-\(projects.count + 1)", type: .training, start: start + 7, segment: segment, rng: &rng))
            }
        }
        projects = projects.filter { $0.start <= lastDay }

        writeAccount(into: &book, churnDate: churnDate, end: end)
        writeUsage(into: &book, months: months, lastDay: lastDay, decisionDate: decisionDate, churnDate: churnDate)
        writeTickets(into: &book, months: months, lastDay: lastDay)
        writeNPS(into: &book, months: months, lastDay: lastDay, decisionDate: decisionDate)
        for var project in projects {
            project.write(into: &book, account: id, churnDate: churnDate, export: end, rng: &rng)
        }

        for (start, s) in months {
            book.truthRow("account_months.csv") { w in
                w.text(id); w.day(start); w.text(s.name); w.decimal(s.engagement * propensity, places: 4)
            }
        }
        book.truthRow("accounts.csv") { w in
            w.text(id); w.text(segment.name); w.text(initialState.name); w.bool(churnDate != nil)
            w.day(churnDate); w.day(decisionDate); w.text(churnKind.isEmpty ? nil : churnKind)
            w.decimal(propensity, places: 4)
        }
        book.summary.accounts += 1
        if churnDate != nil { book.summary.churnedAccounts += 1 }
    }

    /// The contract anniversary (renewal) within [from, to], if any.
    private func anniversary(inMonthFrom from: Day, to: Day) -> Day? {
        let years = max(1, (from.year - contractStart.year))
        for k in [years, years + 1] {
            let day = contractStart.adding(months: 12 * k)
            if day >= from && day <= to { return day }
        }
        return nil
    }

    private mutating func writeAccount(into book: inout SimulatedBook, churnDate: Day?, end: Day) {
        let pricePerSeat = [620.0, 480.0, 360.0][segment.rawValue] * rng.lognormal(median: 1, sigma: 0.15)
        let arr = (Double(seats) * pricePerSeat / 10).rounded() * 10
        let csms = [["Avery Chen", "Blake Moreno", "Casey Diaz", "Devon Patel", "Emery Walsh"],
                    ["Finley Okafor", "Harper Lind", "Jordan Reyes", "Kai Novak"],
                    ["Logan Brooks", "Morgan Ito", "Quinn Adler"]][segment.rawValue]
        let csm = csms[rng.int(0...(csms.count - 1))]
        var renewal: Day?
        if churnDate == nil {
            var k = 1
            while contractStart.adding(months: 12 * k) <= end { k += 1 }
            renewal = contractStart.adding(months: 12 * k)
        }
        let name = companyName()
        book.row(.accounts) { w in
            w.text(id); w.text(name); w.text(segment.name); w.text(csm); w.decimal(arr)
            w.int(seats); w.day(contractStart); w.day(renewal); w.day(churnDate)
        }
    }

    private mutating func companyName() -> String {
        let first = ["Acme", "Blue", "Cobalt", "Delta", "Ember", "Flux", "Granite", "Harbor", "Iris", "Juniper",
                     "Kestrel", "Lumen", "Maple", "Nimbus", "Orbit", "Pioneer", "Quartz", "Ridge", "Summit", "Tidal"]
        let second = ["Analytics", "Health", "Logistics", "Foods", "Labs", "Capital", "Systems", "Retail",
                      "Energy", "Media", "Works", "Robotics", "Travel", "Insurance", "Software", "Dynamics"]
        let suffix = ["Inc", "LLC", "GmbH", "Ltd", "Group", "Co"]
        return "\(first[rng.int(0...19)]) \(second[rng.int(0...15)]) \(suffix[rng.int(0...5)])"
    }

    /// Engagement on a day: the month's level, interpolated toward the neighbouring
    /// month so usage moves smoothly instead of jumping on the 1st.
    private func engagement(on day: Day, months: [(start: Day, state: LatentHealth)], monthIndex: Int) -> Double {
        let (y, m, d) = day.components
        let fraction = (Double(d) - 0.5) / Double(Day.daysInMonth(year: y, month: m))
        let here = months[monthIndex].state.engagement
        if fraction < 0.5 {
            let previous = monthIndex > 0 ? months[monthIndex - 1].state.engagement : here
            return previous + (here - previous) * (fraction + 0.5)
        }
        let next = monthIndex + 1 < months.count ? months[monthIndex + 1].state.engagement : here
        return here + (next - here) * (fraction - 0.5)
    }

    private mutating func writeUsage(
        into book: inout SimulatedBook, months: [(start: Day, state: LatentHealth)], lastDay: Day,
        decisionDate: Day?, churnDate: Day?
    ) {
        guard firstDay <= lastDay, !months.isEmpty else { return }
        let weekday = [1.0, 1.0, 1.0, 0.97, 0.9, 0.2, 0.12]
        var monthIndex = 0
        var day = firstDay
        while day <= lastDay {
            while monthIndex + 1 < months.count, months[monthIndex + 1].start <= day { monthIndex += 1 }
            var e = engagement(on: day, months: months, monthIndex: monthIndex) * propensity
            let tenure = day - contractStart
            if tenure < 75 { e *= 0.25 + 0.75 * Double(tenure) / 75 }
            if let decisionDate, let churnDate, day >= decisionDate {
                e *= 1 - 0.6 * Double(day - decisionDate) / Double(max(1, churnDate - decisionDate))
            }
            let mean = Double(seats) * min(e, 1) * weekday[day.isoWeekday - 1] * rng.lognormal(median: 1, sigma: 0.12)
            let active = Int(rng.normal(mean, (mean + 1).squareRoot() * 0.8).rounded()).clamped(0, seats)
            if active > 0 {
                let sessions = Int((Double(active) * (1.2 + 1.3 * e) * rng.lognormal(median: 1, sigma: 0.1)).rounded())
                let keyEvents = Int((Double(active) * (2 + 9 * e) * rng.lognormal(median: 1, sigma: 0.15)).rounded())
                let started = rng.poisson(Double(active) * 0.35)
                let rate = (0.40 + 0.55 * min(e, 1) + rng.normal(0, 0.05)).clamped(0.05, 1)
                let completed = min(started, Int((Double(started) * rate).rounded()))
                book.row(.usage) { w in
                    w.text(id); w.day(day); w.int(active); w.int(sessions); w.int(keyEvents); w.int(started); w.int(completed)
                }
            }
            day = day + 1
        }
    }

    private mutating func writeTickets(into book: inout SimulatedBook, months: [(start: Day, state: LatentHealth)], lastDay: Day) {
        let baseRate = 0.25 + pow(Double(seats), 0.55) * 0.06
        let priorities = TicketPriority.allCases
        var sequence = 0
        for (start, state) in months {
            let from = max(start, firstDay), to = min(start.adding(months: 1) - 1, lastDay)
            guard from <= to else { continue }
            let count = rng.poisson(baseRate * state.ticketLoad * Double(to - from + 1) / 30)
            let opened = (0..<count).map { _ in from + rng.int(0...(to - from)) }.sorted()
            let t = Double(state.rawValue) / 4
            let weights = zip([0.35, 0.50, 0.12, 0.03], [0.12, 0.40, 0.30, 0.18]).map { $0 + ($1 - $0) * t }
            for openedAt in opened {
                sequence += 1
                let priority = rng.categorical(weights)
                let meanDays = [8.0, 5.0, 3.0, 1.5][priority] * (1 + 0.25 * Double(state.rawValue))
                let resolution = -meanDays * log(max(rng.uniform(), 1e-12))
                let closedAt = openedAt + Int(resolution.rounded())
                let closed: Day? = closedAt <= config.end ? closedAt : nil
                let breached = resolution > [10.0, 5.0, 2.0, 1.0][priority]
                let escalated = rng.bernoulli(0.02 + 0.04 * Double(state.rawValue) + (priority == 3 ? 0.15 : 0))
                var csat: Int?
                if closed != nil, rng.bernoulli(0.55) {
                    csat = Int(rng.normal(4.7 - 0.45 * Double(state.rawValue) - 0.05 * resolution, 0.7).rounded()).clamped(1, 5)
                }
                let ticketID = "T\(index + 1)-\(sequence)"
                book.row(.tickets) { w in
                    w.text(ticketID); w.text(id); w.day(openedAt); w.day(closed); w.text(priorities[priority].rawValue)
                    w.bool(breached); w.bool(escalated); w.int(csat)
                }
            }
        }
    }

    private mutating func writeNPS(
        into book: inout SimulatedBook, months: [(start: Day, state: LatentHealth)], lastDay: Day, decisionDate: Day?
    ) {
        let potential = min(6, 1 + seats / 50)
        var survey = contractStart + 45
        while survey <= lastDay {
            if survey >= firstDay, let state = months.last(where: { $0.start <= survey })?.state {
                // A customer that has decided to leave says so in surveys too.
                let mean = state.meanNPS - (decisionDate.map { survey >= $0 } == true ? 1.5 : 0)
                for respondent in 1...potential where rng.bernoulli(0.4) {
                    let score = Int(rng.normal(mean, 1.4).rounded()).clamped(0, 10)
                    book.row(.nps) { w in
                        w.text(id); w.day(survey); w.int(score); w.text("user\(respondent)@\(id.lowercased()).example")
                    }
                }
            }
            survey = survey + 91
        }
    }
}

extension Comparable {
    func clamped(_ lo: Self, _ hi: Self) -> Self { min(max(self, lo), hi) }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
