import VitalsFoundation

/// A request the data cannot answer.
public enum ScoringError: Error, Equatable, CustomStringConvertible {
    /// A date outside the days the signals cover: nothing can be scored (or said) as of it.
    case dateOutsideData(what: String, date: Day, first: Day, last: Day)
    /// A range of dates that ends before it starts.
    case emptyRange(from: Day, to: Day)

    public var description: String {
        switch self {
        case let .dateOutsideData(what, date, first, last):
            return "the \(what) \(date) is \(date > last ? "after the last" : "before the first") day of the data (it runs \(first) … \(last)); "
                + "give a date within it"
        case let .emptyRange(from, to): return "the range \(from) … \(to) ends before it starts; give the earlier date first"
        }
    }

    /// Throws unless `date` lies within the data's days.
    public static func check(_ date: Day, _ what: String, first: Day, last: Day) throws(ScoringError) {
        guard date >= first, date <= last else { throw .dateOutsideData(what: what, date: date, first: first, last: last) }
    }
}
