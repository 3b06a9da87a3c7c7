/// One `SELECT`: named output expressions over a table or CTE, with left joins, a filter,
/// grouping and ordering.
public struct SQLSelect: Sendable, Equatable {
    public struct Output: Sendable, Equatable {
        public let expression: SQLExpression
        public let name: String
        public init(_ expression: SQLExpression, as name: String) {
            self.expression = expression
            self.name = name
        }
    }

    public struct Join: Sendable, Equatable {
        public let table: String
        public let alias: String
        public let on: SQLExpression
        public init(_ table: String, as alias: String, on: SQLExpression) {
            self.table = table
            self.alias = alias
            self.on = on
        }
    }

    public var outputs: [Output]
    public var from: String
    public var alias: String
    public var joins: [Join] = []
    public var filter: SQLExpression?
    public var groupBy: [SQLExpression] = []
    public var orderBy: [SQLOrdering] = []
    /// Rows of several selects one after another (`UNION ALL`); the outputs must agree.
    public var unionAll: [SQLSelect] = []

    public init(_ outputs: [Output], from: String, as alias: String? = nil, joins: [Join] = [], where filter: SQLExpression? = nil,
                groupBy: [SQLExpression] = [], orderBy: [SQLOrdering] = []) {
        self.outputs = outputs
        self.from = from
        self.alias = alias ?? from
        self.joins = joins
        self.filter = filter
        self.groupBy = groupBy
        self.orderBy = orderBy
    }
}

/// A whole query: common table expressions, each named, then the final select.
public struct SQLQuery: Sendable, Equatable {
    public var ctes: [(name: String, select: SQLSelect)]
    public var final: SQLSelect

    public init(ctes: [(name: String, select: SQLSelect)], final: SQLSelect) {
        self.ctes = ctes
        self.final = final
    }

    public static func == (a: SQLQuery, b: SQLQuery) -> Bool {
        a.ctes.map(\.name) == b.ctes.map(\.name) && a.ctes.map(\.select) == b.ctes.map(\.select) && a.final == b.final
    }
}

extension SQLRenderer {
    /// The query as text: `WITH a AS (…), b AS (…) SELECT …;`, one clause per line.
    public func render(_ query: SQLQuery) -> String {
        var out = ""
        // PostgreSQL inlines a CTE read once into its reader, substituting every column by its
        // formula: a value used four times is computed four times, and so on down the chain
        // (the server ran out of memory on the churn curve). Materialized, each is computed once.
        let materialized = dialect == .postgres ? "MATERIALIZED " : ""
        for (k, cte) in query.ctes.enumerated() {
            out += (k == 0 ? "WITH " : ",\n") + dialect.identifier(cte.name) + " AS " + materialized + "(\n" + render(cte.select, indent: "  ") + "\n)"
        }
        if !query.ctes.isEmpty { out += "\n" }
        return out + render(query.final, indent: "") + ";\n"
    }

    func render(_ select: SQLSelect, indent: String) -> String {
        let parts = [select] + select.unionAll
        return parts.map { one($0, indent: indent) }.joined(separator: "\n" + indent + "UNION ALL\n")
    }

    private func one(_ s: SQLSelect, indent: String) -> String {
        var lines = [indent + "SELECT " + s.outputs.map { render($0.expression) + " AS " + dialect.identifier($0.name) }
            .joined(separator: ",\n" + indent + "       ")]
        // An empty `from`: a row of constants (`SELECT 1 AS a`), which every dialect takes.
        if !s.from.isEmpty {
            lines.append(indent + "FROM " + dialect.identifier(s.from) + (s.alias != s.from ? " AS " + dialect.identifier(s.alias) : ""))
        }
        for join in s.joins {
            let joined = dialect.identifier(join.table)
            lines.append(indent + "LEFT JOIN " + joined + (join.alias != join.table ? " AS " + dialect.identifier(join.alias) : "")
                + " ON " + render(join.on))
        }
        if let filter = s.filter { lines.append(indent + "WHERE " + render(filter)) }
        if !s.groupBy.isEmpty { lines.append(indent + "GROUP BY " + s.groupBy.map(render).joined(separator: ", ")) }
        if !s.orderBy.isEmpty {
            lines.append(indent + "ORDER BY " + s.orderBy.map(ordering).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
