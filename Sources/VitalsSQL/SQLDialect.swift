import VitalsFoundation

/// The engines the scoring query is written for. Each spells the few constructs that differ
/// (`SQLExpression`'s dialect-specific cases) its own way; everything else is shared.
public enum SQLDialect: String, Sendable, CaseIterable, Codable {
    case duckdb
    case spark
    case postgres

    /// The type's name in this dialect's DDL and casts.
    public func typeName(_ type: SQLType) -> String {
        switch (self, type) {
        case (.duckdb, .text): return "VARCHAR"
        case (.spark, .text): return "STRING"
        case (.postgres, .text): return "TEXT"
        case (_, .date): return "DATE"
        case (_, .integer): return "BIGINT"
        case (.postgres, .double): return "DOUBLE PRECISION"
        case (_, .double): return "DOUBLE"
        case (_, .boolean): return "BOOLEAN"
        }
    }

    /// A quoted identifier (names from the contract and the model: letters, digits, `_`, `=`, spaces).
    public func identifier(_ name: String) -> String {
        switch self {
        case .spark: return "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
        case .duckdb, .postgres: return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    /// A text literal. Backslashes are literal in DuckDB and PostgreSQL (standard strings) but
    /// escapes in Spark, which doubles them.
    public func textLiteral(_ text: String) -> String {
        var body = text.replacingOccurrences(of: "'", with: "''")
        if self == .spark { body = body.replacingOccurrences(of: "\\", with: "\\\\") }
        return "'" + body + "'"
    }

    /// A binary64 literal every engine parses back to exactly `value`: Swift's shortest
    /// round-trip digits, cast from text (a bare `0.1` is DECIMAL in DuckDB and Spark and
    /// NUMERIC in PostgreSQL, whose arithmetic is not binary64's).
    public func doubleLiteral(_ value: Double) -> String {
        precondition(value.isFinite, "a SQL double literal must be finite")
        if value == 0 { return "CAST(0 AS \(typeName(.double)))" }
        switch self {
        case .spark: return "CAST('\(value)' AS DOUBLE)"
        case .duckdb: return "CAST('\(value)' AS DOUBLE)"
        case .postgres: return "CAST('\(value)' AS DOUBLE PRECISION)"
        }
    }

    public func dateLiteral(_ day: Day) -> String { "DATE '\(day)'" }
}

/// Writes expressions in one dialect.
public struct SQLRenderer: Sendable {
    public let dialect: SQLDialect
    /// The `--as-of` date; nil for the engine's current date.
    public let asOf: Day?

    public init(dialect: SQLDialect, asOf: Day?) {
        self.dialect = dialect
        self.asOf = asOf
    }

    /// The expression as SQL text, parenthesized where its parts need it.
    public func render(_ e: SQLExpression) -> String {
        switch e {
        case let .column(name, table):
            return (table.map { dialect.identifier($0) + "." } ?? "") + dialect.identifier(name)
        case let .double(v): return dialect.doubleLiteral(v)
        case let .integer(v): return "CAST(\(v) AS BIGINT)"
        case let .text(s): return dialect.textLiteral(s)
        case let .date(d): return dialect.dateLiteral(d)
        case let .boolean(b): return b ? "TRUE" : "FALSE"
        case let .null(type): return "CAST(NULL AS \(dialect.typeName(type)))"
        case .asOf: return asOf.map(dialect.dateLiteral) ?? "CURRENT_DATE"
        case let .binary(op, a, b):
            return operand(a, of: op, right: false) + " \(op.rawValue) " + operand(b, of: op, right: true)
        case let .negate(a): return "(-" + wrapped(a) + ")"
        case let .not(a): return "(NOT " + wrapped(a) + ")"
        case let .isNull(a): return "(" + wrapped(a) + " IS NULL)"
        case let .cases(whens, otherwise):
            return "CASE " + whens.map { "WHEN \(render($0.condition)) THEN \(render($0.value))" }.joined(separator: " ")
                + " ELSE \(render(otherwise)) END"
        case let .function(f, arguments):
            return f.rawValue + "(" + arguments.map(render).joined(separator: ", ") + ")"
        case let .daysBetween(from, to):
            switch dialect {
            case .spark: return "DATEDIFF(\(render(to)), \(render(from)))"
            case .duckdb: return "DATE_DIFF('day', \(render(from)), \(render(to)))"
            case .postgres: return "(" + wrapped(to) + " - " + wrapped(from) + ")"
            }
        case let .addDays(date, days):
            switch dialect {
            case .spark: return "DATE_ADD(\(render(date)), CAST(\(render(days)) AS INT))"
            case .duckdb: return "CAST(\(wrapped(date)) + CAST(\(render(days)) AS INTEGER) AS DATE)"
            case .postgres: return "(" + wrapped(date) + " + CAST(\(render(days)) AS INTEGER))"
            }
        case let .cast(a, type): return "CAST(\(render(a)) AS \(dialect.typeName(type)))"
        case let .aggregate(f, a): return f.rawValue + "(" + render(a) + ")"
        case .countRows: return "COUNT(*)"
        case let .concat(parts):
            switch dialect {
            case .spark: return "CONCAT(" + parts.map(render).joined(separator: ", ") + ")"
            case .duckdb, .postgres: return "(" + parts.map(render).joined(separator: " || ") + ")"
            }
        case let .rowNumber(partitionBy, orderBy):
            let partition = partitionBy.isEmpty ? "" : "PARTITION BY " + partitionBy.map(render).joined(separator: ", ") + " "
            return "ROW_NUMBER() OVER (" + partition + "ORDER BY "
                + orderBy.map(ordering).joined(separator: ", ") + ")"
        case let .datePart(part, a):
            switch dialect {
            case .spark: return (part == .day ? "DAYOFMONTH" : part.rawValue) + "(\(render(a)))"
            case .duckdb: return "CAST(\(part.rawValue)(\(render(a))) AS BIGINT)"
            case .postgres: return "CAST(EXTRACT(\(part.rawValue) FROM \(render(a))) AS BIGINT)"
            }
        case let .makeDate(year, month, day):
            let parts = [year, month, day].map { "CAST(\(render($0)) AS INT)" }.joined(separator: ", ")
            switch dialect {
            case .spark, .postgres: return "MAKE_DATE(\(parts))"
            case .duckdb: return "MAKE_DATE(" + [year, month, day].map { "CAST(\(render($0)) AS BIGINT)" }.joined(separator: ", ") + ")"
            }
        case let .fixed2(a):
            switch dialect {
            case .spark: return "FORMAT_STRING('%.2f', \(render(a)))"
            case .duckdb: return "PRINTF('%.2f', \(render(a)))"
            case .postgres: return "TRIM(TO_CHAR(\(render(a)), 'FM999999999990.00'))"
            }
        }
    }

    /// One ORDER BY item.
    func ordering(_ o: SQLOrdering) -> String {
        render(o.expression) + (o.text && dialect == .postgres ? " COLLATE \"C\"" : "") + (o.descending ? " DESC" : " ASC")
    }

    private func wrapped(_ e: SQLExpression) -> String {
        if case .binary = e { return "(" + render(e) + ")" }
        return render(e)
    }

    /// An operand of `op`, parenthesized when it binds more loosely, or as tightly on the right
    /// of a non-associative operator (a − (b − c), a / (b · c)).
    private func operand(_ e: SQLExpression, of op: SQLBinaryOperator, right: Bool) -> String {
        guard case let .binary(inner, _, _) = e else { return render(e) }
        let needs = inner.precedence < op.precedence || (right && inner.precedence == op.precedence)
        return needs ? "(" + render(e) + ")" : render(e)
    }
}
