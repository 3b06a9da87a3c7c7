/// The top drivers in SQL, for any score file keyed by one id column (`account_id` for churn,
/// `project_id` for overrun): the driver groups (`Drivers`), each row's three largest positive
/// group contributions (`Drivers.topGroups`), and their text (`Drivers.topDrivers`).
struct DriverSQL {
    /// The terms the contributions `c0` … stand for, in order.
    let termNames: [String]
    /// The key column of the scores CTE and of the drivers CTEs.
    let key: String

    static func col(_ table: String, _ name: String) -> SQLExpression { .column(table, name) }

    /// The driver groups: one-hot levels under their name before `=`, the rest alone.
    var groups: (names: [String], members: [[Int]]) {
        var names: [String] = [], members: [[Int]] = [], index: [String: Int] = [:]
        for (k, term) in termNames.enumerated() {
            let group = term.contains(" × ") ? term : term.split(separator: "=", maxSplits: 1).first.map(String.init) ?? term
            if index[group] == nil {
                index[group] = names.count
                names.append(group)
                members.append([])
            }
            members[index[group]!].append(k)
        }
        return (names, members)
    }

    /// Each row's three largest positive group contributions, largest first, ties to the
    /// earlier group: unpivoted, ranked, and pivoted back (CTE `top_drivers`, columns `key`,
    /// `driver_n`, `driver_n_value`), from the contributions of CTE `scores`.
    func ctes() -> [(String, SQLSelect)] {
        let (names, members) = groups
        let s = { Self.col("s", $0) }, g = { Self.col("g", $0) }
        // The groups as a small table; each row crosses it once (the scores are read once).
        var table = SQLSelect([.init(.integer(0), as: "driver_group")], from: "")
        table.unionAll = names.indices.dropFirst().map { SQLSelect([.init(.integer($0), as: "driver_group")], from: "") }
        var valueWhens: [SQLWhen] = [], nameWhens: [SQLWhen] = []
        for (k, name) in names.enumerated() {
            var value: SQLExpression = .double(0)
            for m in members[k] { value = value + s("c\(m)") }
            valueWhens.append(SQLWhen(g("driver_group").equals(.integer(k)), value))
            nameWhens.append(SQLWhen(g("driver_group").equals(.integer(k)), .text(name)))
        }
        let unpivot = SQLSelect([.init(s(key), as: key), .init(g("driver_group"), as: "driver_group"),
                                 .init(.cases(nameWhens, otherwise: .null(.text)), as: "driver"),
                                 .init(.cases(valueWhens, otherwise: .null(.double)), as: "driver_value")],
                                from: "scores", as: "s", joins: [.init("driver_groups", as: "g", on: .boolean(true))])
        let v = { Self.col("v", $0) }
        let ranked = SQLSelect([
            .init(v(key), as: key), .init(v("driver"), as: "driver"), .init(v("driver_value"), as: "driver_value"),
            .init(.rowNumber(partitionBy: [v(key)], orderBy: [SQLOrdering(v("driver_value"), descending: true), SQLOrdering(v("driver_group"))]),
                  as: "rank"),
        ], from: "driver_values", as: "v", where: v("driver_value").greater(.double(0)))
        let r = { Self.col("r", $0) }
        var top: [SQLSelect.Output] = [.init(r(key), as: key)]
        for n in 1...3 {
            top.append(.init(.aggregate(.max, .when(r("rank").equals(.integer(n)), then: r("driver"), else: .null(.text))), as: "driver_\(n)"))
            top.append(.init(.aggregate(.max, .when(r("rank").equals(.integer(n)), then: r("driver_value"), else: .null(.double))), as: "driver_\(n)_value"))
        }
        let pivot = SQLSelect(top, from: "driver_ranks", as: "r", where: r("rank").lessOrEqual(.integer(3)), groupBy: [r(key)])
        return [("driver_groups", table), ("driver_values", unpivot), ("driver_ranks", ranked), ("top_drivers", pivot)]
    }

    /// The score file's `top_drivers` text from the `top_drivers` CTE under alias `t`:
    /// `name:+value` joined by `; `.
    static func text(_ t: (String) -> SQLExpression) -> SQLExpression {
        var drivers: SQLExpression = .text("")
        for n in 1...3 {
            let name = t("driver_\(n)"), value = t("driver_\(n)_value")
            let item = SQLExpression.concat([name, .text(":+"), .fixed2(value)])
            drivers = n == 1 ? .when(name.isNull, then: .text(""), else: item)
                : .when(name.isNull, then: drivers, else: .concat([drivers, .text("; "), item]))
        }
        return drivers
    }
}

extension ModelTermsSQL {
    /// The calibration applied to columns `inputs` of CTE `source`, one CTE per step
    /// (`probabilitySteps`), the last named `last` with the results as `outputs`; the
    /// `carried` columns pass through.
    func calibratedCTEs(from source: String, carried: [String], inputs: [String], outputs: [String], last: String) -> [(String, SQLSelect)] {
        let steps = probabilitySteps()
        var out: [(String, SQLSelect)] = [], from = source, current = inputs
        for (k, step) in steps.enumerated() {
            let name = k == steps.count - 1 ? last : "\(last)_step\(k + 1)"
            let next = k == steps.count - 1 ? outputs : inputs.map { "\($0)_\(k + 1)" }
            let a = "v\(k)"
            out.append((name, SQLSelect(carried.map { .init(.column(a, $0), as: $0) }
                                        + zip(current, next).map { .init(step(.column(a, $0)), as: $1) }, from: from, as: a)))
            from = name
            current = next
        }
        return out
    }
}
