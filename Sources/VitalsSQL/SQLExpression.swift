// VitalsSQL: the daily scoring compiled to SQL. One description of the query (expressions,
// selects and common table expressions over the contract's tables), built from a model file,
// and one small emitter per dialect (DuckDB, Spark SQL, PostgreSQL) that writes it out.
// Stands on the model and features modules; knows nothing of the CLI.

import VitalsFoundation

/// The SQL types of the contract's columns and of computed values.
public enum SQLType: String, Sendable, Equatable, CaseIterable, Codable {
    case text, date, integer, double, boolean
}

/// A scalar SQL expression, dialect-free: every construct whose spelling differs between
/// engines (literals of doubles, date arithmetic, the as-of date, string concatenation) is a
/// case of its own, and the emitters (`SQLDialect.render`) spell it.
///
/// Semantics are those Vitals computes with: doubles are IEEE binary64, `NULL` is a missing
/// value (Vitals' NaN), and the builders never divide by an expression that may be zero or
/// take the logarithm of one that may be ≤ 0 without a guard, so no engine's error or
/// infinity rules come into play.
public indirect enum SQLExpression: Sendable, Equatable {
    /// A column, optionally qualified by a table or CTE alias.
    case column(String, table: String?)
    /// A double, written so that every engine reads back exactly this binary64 value.
    case double(Double)
    case integer(Int)
    case text(String)
    case date(Day)
    case boolean(Bool)
    /// A typed NULL.
    case null(SQLType)
    /// The scoring date: the literal from `--as-of`, or the engine's current date.
    case asOf
    case binary(SQLBinaryOperator, SQLExpression, SQLExpression)
    case negate(SQLExpression)
    case not(SQLExpression)
    case isNull(SQLExpression)
    /// `CASE WHEN c₁ THEN v₁ … ELSE e END`.
    case cases([SQLWhen], otherwise: SQLExpression)
    case function(SQLFunction, [SQLExpression])
    /// Whole days from `from` to `to` (dates): `to − from`.
    case daysBetween(from: SQLExpression, to: SQLExpression)
    /// A date moved by a whole number of days.
    case addDays(SQLExpression, SQLExpression)
    case cast(SQLExpression, SQLType)
    /// An aggregate over the group's rows (NULLs ignored, as SQL does).
    case aggregate(SQLAggregate, SQLExpression)
    /// `COUNT(*)`.
    case countRows
    /// Text concatenation of the parts (none NULL).
    case concat([SQLExpression])
    /// `ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)`.
    case rowNumber(partitionBy: [SQLExpression], orderBy: [SQLOrdering])
    /// A double as text with two decimals (the drivers' values).
    case fixed2(SQLExpression)
    /// The year, month or day of the month of a date, as a whole number.
    case datePart(SQLDatePart, SQLExpression)
    /// The date of a year, month and day (whole numbers; the day must exist).
    case makeDate(year: SQLExpression, month: SQLExpression, day: SQLExpression)

    public static func column(_ name: String) -> SQLExpression { .column(name, table: nil) }
    public static func column(_ table: String, _ name: String) -> SQLExpression { .column(name, table: table) }
}

public struct SQLWhen: Sendable, Equatable {
    public let condition: SQLExpression
    public let value: SQLExpression
    public init(_ condition: SQLExpression, _ value: SQLExpression) {
        self.condition = condition
        self.value = value
    }
}

public struct SQLOrdering: Sendable, Equatable {
    public let expression: SQLExpression
    public let descending: Bool
    /// Text ordered by its bytes (code points), as Vitals orders it, whatever the database's
    /// collation (PostgreSQL's default one is linguistic).
    public let text: Bool
    public init(_ expression: SQLExpression, descending: Bool = false, text: Bool = false) {
        self.expression = expression
        self.descending = descending
        self.text = text
    }
}

public enum SQLBinaryOperator: String, Sendable, Equatable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and = "AND", or = "OR"

    /// Binding strength for parenthesizing: higher binds tighter.
    var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return 3
        case .add, .subtract: return 4
        case .multiply, .divide: return 5
        }
    }
}

/// Scalar functions every dialect has under these names (the emitter spells the rest).
public enum SQLFunction: String, Sendable, Equatable {
    case ln = "LN", exp = "EXP", power = "POWER", sqrt = "SQRT", abs = "ABS", coalesce = "COALESCE"
    case floor = "FLOOR", ceil = "CEIL", lower = "LOWER", trim = "TRIM"
}

public enum SQLDatePart: String, Sendable, Equatable {
    case year = "YEAR", month = "MONTH", day = "DAY"
}

public enum SQLAggregate: String, Sendable, Equatable {
    case sum = "SUM", count = "COUNT", max = "MAX", min = "MIN"
}

// MARK: Building expressions

extension SQLExpression {
    public static func + (a: SQLExpression, b: SQLExpression) -> SQLExpression { .binary(.add, a, b) }
    public static func - (a: SQLExpression, b: SQLExpression) -> SQLExpression { .binary(.subtract, a, b) }
    public static func * (a: SQLExpression, b: SQLExpression) -> SQLExpression { .binary(.multiply, a, b) }
    /// Division as written: callers guard the divisor (`ratio` does).
    public static func / (a: SQLExpression, b: SQLExpression) -> SQLExpression { .binary(.divide, a, b) }
    public static prefix func - (a: SQLExpression) -> SQLExpression { .negate(a) }

    public func equals(_ b: SQLExpression) -> SQLExpression { .binary(.equal, self, b) }
    public func less(_ b: SQLExpression) -> SQLExpression { .binary(.less, self, b) }
    public func lessOrEqual(_ b: SQLExpression) -> SQLExpression { .binary(.lessOrEqual, self, b) }
    public func greater(_ b: SQLExpression) -> SQLExpression { .binary(.greater, self, b) }
    public func greaterOrEqual(_ b: SQLExpression) -> SQLExpression { .binary(.greaterOrEqual, self, b) }
    public func and(_ b: SQLExpression) -> SQLExpression { .binary(.and, self, b) }
    public func or(_ b: SQLExpression) -> SQLExpression { .binary(.or, self, b) }
    public var isNull: SQLExpression { .isNull(self) }
    public var isNotNull: SQLExpression { .not(.isNull(self)) }
    public var asDouble: SQLExpression { .cast(self, .double) }
    /// Text as the contract matches enumerations: in any case, surrounding spaces ignored.
    public var normalized: SQLExpression { .function(.lower, [.function(.trim, [self])]) }

    /// `CASE WHEN condition THEN then ELSE otherwise END`.
    public static func when(_ condition: SQLExpression, then: SQLExpression, else otherwise: SQLExpression) -> SQLExpression {
        .cases([SQLWhen(condition, then)], otherwise: otherwise)
    }

    /// a / b, or NULL when b is 0 or NULL (Vitals' non-finite ratio is missing).
    public static func ratio(_ a: SQLExpression, _ b: SQLExpression) -> SQLExpression {
        .when(b.equals(.double(0)).or(b.isNull), then: .null(.double), else: a / b)
    }

    /// The larger of two values, neither NULL (`GREATEST` treats NULLs differently per engine).
    public static func larger(_ a: SQLExpression, _ b: SQLExpression) -> SQLExpression { .when(a.greaterOrEqual(b), then: a, else: b) }
    /// The smaller of two values, neither NULL.
    public static func smaller(_ a: SQLExpression, _ b: SQLExpression) -> SQLExpression { .when(a.lessOrEqual(b), then: a, else: b) }

    /// `SUM(CASE WHEN condition THEN value END)`: a sum over the rows that meet the condition
    /// (NULL when none does; `COALESCE` it for a count).
    public static func sum(_ value: SQLExpression, where condition: SQLExpression) -> SQLExpression {
        .aggregate(.sum, .when(condition, then: value, else: .null(.double)))
    }

    /// The number of rows meeting the condition, 0 when none does, as a double.
    public static func count(where condition: SQLExpression) -> SQLExpression {
        .function(.coalesce, [.aggregate(.sum, .when(condition, then: .double(1), else: .double(0))), .double(0)])
    }

    /// ln(1 + x) computed as C's log1p is, for |x| small as well: with u = 1 + x rounded,
    /// ln(u) · x / (u − 1) (Goldberg's correction); x itself when u is 1. x > −1.
    public static func log1p(_ x: SQLExpression) -> SQLExpression {
        let u = SQLExpression.double(1) + x
        return .when(u.equals(.double(1)), then: x, else: .function(.ln, [u]) * x / (u - .double(1)))
    }

    /// σ(z) = 1 / (1 + e^−z), written as `LogisticLoss.sigmoid` computes it: e^z / (1 + e^z)
    /// for z < 0, so neither branch overflows.
    public static func sigmoid(_ z: SQLExpression) -> SQLExpression {
        .when(z.greaterOrEqual(.double(0)),
              then: .double(1) / (.double(1) + .function(.exp, [-z])),
              else: .function(.exp, [z]) / (.double(1) + .function(.exp, [z])))
    }
}
