import VitalsFoundation

/// Typed column storage. Each column is one flat array with an in-band sentinel
/// for a missing value, so a 36-million-row usage file costs 4 bytes per cell
/// and no per-row objects. The `subscript` gives the `Optional` view; the raw
/// arrays are public for tight loops.
/// Dates, with `Int32.min` for a missing value.
public struct DayColumn: Sendable, Equatable {
    public static let missing = Int32.min
    public var raw: [Int32]
    public init(raw: [Int32] = []) { self.raw = raw }
    public var count: Int { raw.count }
    public subscript(row: Int) -> Day? {
        let v = raw[row]
        return v == DayColumn.missing ? nil : Day(ordinal: v)
    }
}

/// Non-negative integer counts, with −1 for a missing value.
public struct CountColumn: Sendable, Equatable {
    public static let missing: Int32 = -1
    public var raw: [Int32]
    public init(raw: [Int32] = []) { self.raw = raw }
    public var count: Int { raw.count }
    public subscript(row: Int) -> Int? {
        let v = raw[row]
        return v < 0 ? nil : Int(v)
    }
}

/// Finite decimals, with NaN for a missing value (the reader rejects NaN input,
/// so NaN can only mean "empty field").
public struct DecimalColumn: Sendable, Equatable {
    public var raw: [Double]
    public init(raw: [Double] = []) { self.raw = raw }
    public var count: Int { raw.count }
    public subscript(row: Int) -> Double? {
        let v = raw[row]
        return v.isNaN ? nil : v
    }
    public static func == (a: DecimalColumn, b: DecimalColumn) -> Bool {
        a.raw.count == b.raw.count && zip(a.raw, b.raw).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}

/// Small integers (booleans as 0/1, CSAT 1–5, NPS 0–10), with −1 for a missing value.
public struct SmallIntColumn: Sendable, Equatable {
    public static let missing: Int8 = -1
    public var raw: [Int8]
    public init(raw: [Int8] = []) { self.raw = raw }
    public var count: Int { raw.count }
    public subscript(row: Int) -> Int? {
        let v = raw[row]
        return v < 0 ? nil : Int(v)
    }
}

/// Text, dictionary-encoded: each row holds a code into `levels`, −1 when missing.
/// Segments, CSMs, roles and types repeat a few values over many rows, so each
/// distinct string is stored once.
public struct TextColumn: Sendable, Equatable {
    public static let missing: Int32 = -1
    public var codes: [Int32]
    /// The distinct values, in order of first appearance.
    public var levels: [String]
    public init(codes: [Int32] = [], levels: [String] = []) {
        self.codes = codes
        self.levels = levels
    }
    public var count: Int { codes.count }
    public subscript(row: Int) -> String? {
        let c = codes[row]
        return c < 0 ? nil : levels[Int(c)]
    }
}
