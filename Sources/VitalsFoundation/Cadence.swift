/// Which snapshot dates a table covers: month-ends or Sundays.
public enum Cadence: String, Sendable, Codable, CaseIterable {
    case monthly, weekly

    /// Month-ends (or Sundays) in [from, through], ascending; empty when none falls inside.
    public func dates(from: Day, through: Day) -> [Day] {
        var out: [Day] = []
        switch self {
        case .monthly:
            var monthStart = from.startOfMonth
            while true {
                let end = monthStart.adding(months: 1) - 1
                if end > through { break }
                if end >= from { out.append(end) }
                monthStart = monthStart.adding(months: 1)
            }
        case .weekly:
            var day = from + ((7 - from.isoWeekday) % 7)  // the first Sunday on or after `from`
            while day <= through {
                out.append(day)
                day = day + 7
            }
        }
        return out
    }
}
