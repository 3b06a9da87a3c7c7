/// A calendar date (proleptic Gregorian, no time zone), stored as days since 1970-01-01.
///
/// Every date in the signals contract is a whole day, so a 4-byte day number is
/// the natural column type: comparisons and differences are integer operations,
/// and a column of 36 million dates is 146 MB.
///
/// - Range: years 0001–9999 (what `YYYY-MM-DD` can spell).
/// - Properties: `Day(year:month:day:)` and `components` are inverse; `+` and `-`
///   count whole days; ordering is chronological.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public var ordinal: Int32

    public init(ordinal: Int32) { self.ordinal = ordinal }

    /// The day with these components, or `nil` when they name no real date
    /// (month 13, 2025-02-30, 2023-02-29, year 0).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Day.daysInMonth(year: year, month: month)
        else { return nil }
        self.ordinal = Int32(Day.daysFromCivil(year: year, month: month, day: day))
    }

    /// Year, month (1–12) and day of month (1–31).
    public var components: (year: Int, month: Int, day: Int) { Day.civilFromDays(Int(ordinal)) }

    public var year: Int { components.year }
    public var month: Int { components.month }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let r = (Int(ordinal) + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = components
        return String(unsafeUninitializedCapacity: 10) { buffer in
            Day.write(year: y, month: m, day: d, into: buffer.baseAddress!)
            return 10
        }
    }

    /// Appends `YYYY-MM-DD` to a byte buffer without allocating a `String`.
    public func append(to bytes: inout [UInt8]) {
        let (y, m, d) = components
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { buffer in
            Day.write(year: y, month: m, day: d, into: buffer.baseAddress!)
            bytes.append(contentsOf: buffer)
        }
    }

    /// The same day of month `months` later (earlier when negative), clamped to
    /// the month's last day: 2025-01-31 + 1 month = 2025-02-28.
    public func adding(months: Int) -> Day {
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + months
        let ny = total / 12, nm = total % 12 + 1
        return Day(year: ny, month: nm, day: min(d, Day.daysInMonth(year: ny, month: nm)))!
    }

    /// The first day of this day's month.
    public var startOfMonth: Day {
        let (y, m, _) = components
        return Day(year: y, month: m, day: 1)!
    }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.ordinal < rhs.ordinal }
    public static func + (lhs: Day, days: Int) -> Day { Day(ordinal: lhs.ordinal + Int32(days)) }
    public static func - (lhs: Day, days: Int) -> Day { Day(ordinal: lhs.ordinal - Int32(days)) }
    /// Whole days from `rhs` to `lhs`.
    public static func - (lhs: Day, rhs: Day) -> Int { Int(lhs.ordinal) - Int(rhs.ordinal) }

    /// The dates a signal file may hold: 1970-01-01 through 2099-12-31. A date outside is a
    /// typo (a century off, `0205` for `2025`), and would stretch every duration feature.
    public static let plausible = Day(year: 1970, month: 1, day: 1)!...Day(year: 2099, month: 12, day: 31)!

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact for the whole proleptic calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func write(year: Int, month: Int, day: Int, into p: UnsafeMutablePointer<UInt8>) {
        let zero = UInt8(ascii: "0")
        p[0] = zero + UInt8(year / 1000 % 10); p[1] = zero + UInt8(year / 100 % 10)
        p[2] = zero + UInt8(year / 10 % 10); p[3] = zero + UInt8(year % 10)
        p[4] = UInt8(ascii: "-")
        p[5] = zero + UInt8(month / 10); p[6] = zero + UInt8(month % 10)
        p[7] = UInt8(ascii: "-")
        p[8] = zero + UInt8(day / 10); p[9] = zero + UInt8(day % 10)
    }
}

extension Day {
    /// Parses `YYYY-MM-DD`, or a timestamp `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`
    /// taken as its UTC date (so `2025-03-01T01:00:00+02:00` is 2025-02-28).
    ///
    /// - Returns: `nil` for anything else, including impossible dates and times.
    public static func parse<C: Collection>(_ bytes: C) -> Day? where C.Element == UInt8 {
        Array(bytes).withUnsafeBufferPointer { parse($0) }
    }

    public init?(_ text: String) {
        guard let day = Day.parse(Array(text.utf8)) else { return nil }
        self = day
    }

    /// The allocation-free form of `parse(_:)`, for the CSV reader's hot path.
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Day? {
        let n = b.count, s = 0
        guard n >= 10, b[s + 4] == UInt8(ascii: "-"), b[s + 7] == UInt8(ascii: "-"),
              let year = digits(b, s, 4), let month = digits(b, s + 5, 2), let day = digits(b, s + 8, 2),
              let date = Day(year: year, month: month, day: day)
        else { return nil }
        if n == 10 { return date }
        // Timestamp: Thh:mm:ss, optional fraction, then Z or ±hh:mm.
        guard n >= 20, b[s + 10] == UInt8(ascii: "T") || b[s + 10] == UInt8(ascii: "t"),
              b[s + 13] == UInt8(ascii: ":"), b[s + 16] == UInt8(ascii: ":"),
              let hh = digits(b, s + 11, 2), let mm = digits(b, s + 14, 2), let ss = digits(b, s + 17, 2),
              hh <= 23, mm <= 59, ss <= 60
        else { return nil }
        var i = s + 19
        if i < b.endIndex, b[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < b.endIndex, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
            guard i > fractionStart else { return nil }
        }
        guard i < b.endIndex else { return nil }
        var offsetMinutes = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard b.endIndex - i == 6, b[i + 3] == UInt8(ascii: ":"),
                  let oh = digits(b, i + 1, 2), let om = digits(b, i + 4, 2), oh <= 23, om <= 59
            else { return nil }
            offsetMinutes = (oh * 60 + om) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.endIndex else { return nil }
        // UTC minute of day = local − offset; step the date when it leaves [0, 1440).
        let utcMinutes = hh * 60 + mm - offsetMinutes
        let shift = utcMinutes < 0 ? -1 : (utcMinutes >= 1440 ? 1 : 0)
        return date + shift
    }

    @inline(__always)
    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var value = 0
        for k in at..<(at + count) {
            let c = b[k] &- UInt8(ascii: "0")
            guard c <= 9 else { return nil }
            value = value * 10 + Int(c)
        }
        return value
    }
}

/// A day is stored in JSON as its `YYYY-MM-DD` text, so files that held dates as strings read the same.
extension Day: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a date YYYY-MM-DD"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
