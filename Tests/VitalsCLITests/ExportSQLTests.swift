import Foundation
import Testing
import VitalsSignals
import VitalsTestSupport

/// `vitals export-sql` against `vitals score`, in real engines: each book is loaded into the
/// engine by Tools/sql/sqlrun.py (the engine's own CSV reader, the contract's types), the
/// exported query runs there, and its rows must be the score file's: the same accounts,
/// probabilities within 1e-9, the same bands, states, days, ARR at risk and drivers.
///
/// Which engines run is the environment's choice (the make targets set it):
/// VITALS_SQL_ENGINES=duckdb (`make test`), postgres (`make test-sql`), spark (`make test-spark`),
/// with the harness's Python in VITALS_SQL_PYTHON / VITALS_SPARK_PYTHON.
@Suite(.serialized) struct ExportSQLTests {
    static let engines: [String] = (ProcessInfo.processInfo.environment["VITALS_SQL_ENGINES"] ?? "")
        .split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }

    static func python(for engine: String) -> String {
        let env = ProcessInfo.processInfo.environment
        if engine == "spark" { return env["VITALS_SPARK_PYTHON"] ?? Fixtures.packageRoot.appendingPathComponent("Tools/sql/.venv-spark/bin/python").path }
        return env["VITALS_SQL_PYTHON"] ?? Fixtures.packageRoot.appendingPathComponent("Tools/sql/.venv/bin/python").path
    }

    static let root = Fixtures.packageRoot
    static let churnModel = root.appendingPathComponent("Models/churn.json").path
    static let overrunModel = root.appendingPathComponent("Models/overrun.json").path

    // MARK: books

    /// A simulated book with accounts added at the edges: no signal at all, a segment unseen in
    /// training, a contract that started days before D (every window reaches before the data),
    /// a 29 February renewal date, ARR and usage far beyond the training range with zero seats,
    /// and no ARR, seats or segment at all; and projects at the edges (see below).
    static let edgeBook = BuiltOnce<TemporaryDirectory>()

    static func edgeSignals() throws -> String {
        try edgeBook.value {
            let dir = try VitalsProcess.simulatedBook(accounts: 400, seed: 44, label: "export-sql")
            let signals = dir.path("signals")
            try append(signals + "/accounts.csv", rows: [
                ["account_id": "Z-NOSIGNALS", "name": "No Signals Ltd", "segment": "SMB", "arr": "12000", "seats": "10", "contract_start": "2024-06-01"],
                ["account_id": "Z-NEWSEGMENT", "name": "Public Body", "segment": "Public Sector", "arr": "50000", "seats": "40", "contract_start": "2024-03-15"],
                ["account_id": "Z-RECENT", "name": "Fresh Start", "segment": "Mid-Market", "arr": "30000", "seats": "25", "contract_start": "2025-12-27"],
                ["account_id": "Z-LEAP", "name": "Leap Year Co", "segment": "Enterprise", "arr": "90000", "seats": "80",
                 "contract_start": "2024-02-29", "renewal_date": "2024-02-29"],
                ["account_id": "Z-EXTREME", "name": "Huge Inc", "segment": "Enterprise", "arr": "9000000", "seats": "0", "contract_start": "2024-01-10"],
                ["account_id": "Z-BARE", "name": "Bare", "contract_start": "2024-09-01"],
            ])
            var usage: [[String: String]] = []
            for day in 27...31 { usage.append(["account_id": "Z-RECENT", "date": "2025-12-\(day)", "active_users": "7", "sessions": "20"]) }
            for day in 1...28 {
                usage.append(["account_id": "Z-EXTREME", "date": "2025-12-\(String(format: "%02d", day))", "active_users": "90000",
                              "sessions": "900000", "key_events": "5000000", "workflows_started": "100", "workflows_completed": "250"])
            }
            try append(signals + "/usage.csv", rows: usage)
            try append(signals + "/nps.csv", rows: [
                // Two responses on one day: the lower score counts as the later one.
                ["account_id": "Z-LEAP", "date": "2025-11-02", "score": "9", "respondent": "b@leap"],
                ["account_id": "Z-LEAP", "date": "2025-11-02", "score": "3", "respondent": "a@leap"],
            ])
            // Projects at the edges (the overrun model): one starting on D with nothing logged; one
            // past its planned end, of a type unseen in training, with two timesheet rows and two
            // change orders on one day and a milestone completed late, one missed and one not yet
            // due; one ending on D (not in flight); one planned to end the day it started and
            // stalled since; one cancelled without an end date (in flight until it ends).
            try append(signals + "/projects.csv", rows: [
                ["project_id": "Z-P-TODAY", "account_id": "Z-LEAP", "type": "implementation", "start_date": "2025-12-31",
                 "planned_end_date": "2026-03-31", "budget_hours": "100", "status": "active"],
                ["project_id": "Z-P-OVERDUE", "account_id": "Z-LEAP", "type": "consulting", "start_date": "2025-01-15",
                 "planned_end_date": "2025-06-01", "budget_hours": "200", "status": "active"],
                ["project_id": "Z-P-ENDS-ON-D", "account_id": "Z-BARE", "type": "training", "start_date": "2025-10-01",
                 "planned_end_date": "2025-12-15", "budget_hours": "40", "actual_end_date": "2025-12-31", "status": "completed"],
                ["project_id": "Z-P-STALLED", "account_id": "Z-BARE", "type": "migration", "start_date": "2025-02-01",
                 "planned_end_date": "2025-02-01", "budget_hours": "50", "status": "active"],
                ["project_id": "Z-P-CANCELLED", "account_id": "Z-EXTREME", "type": "integration", "start_date": "2025-03-01",
                 "planned_end_date": "2025-09-30", "budget_hours": "300", "status": "cancelled"],
            ])
            var timesheets: [[String: String]] = []
            for (date, hours) in [("2025-01-20", "6.5"), ("2025-02-14", "8"), ("2025-05-30", "7.25"), ("2025-06-30", "4"), ("2025-06-30", "3.5"),
                                  ("2025-12-20", "12"), ("2025-12-31", "2")] {
                timesheets.append(["project_id": "Z-P-OVERDUE", "date": date, "hours": hours, "role": "consultant"])
            }
            for (date, hours) in [("2025-10-02", "10"), ("2025-12-31", "35")] {
                timesheets.append(["project_id": "Z-P-ENDS-ON-D", "date": date, "hours": hours, "role": "trainer"])
            }
            for date in ["2025-02-01", "2025-02-10", "2025-02-20"] {
                timesheets.append(["project_id": "Z-P-STALLED", "date": date, "hours": "9", "role": "engineer"])
            }
            for date in ["2025-03-05", "2025-06-01", "2025-06-24"] {
                timesheets.append(["project_id": "Z-P-CANCELLED", "date": date, "hours": "30", "role": "engineer"])
            }
            try append(signals + "/timesheets.csv", rows: timesheets)
            try append(signals + "/change_orders.csv", rows: [
                ["project_id": "Z-P-OVERDUE", "date": "2025-06-30", "hours_added": "20", "reason": "scope"],
                ["project_id": "Z-P-OVERDUE", "date": "2025-06-30", "hours_added": "15.5", "reason": "data"],
                ["project_id": "Z-P-CANCELLED", "date": "2025-04-01", "hours_added": "90", "reason": "scope"],
            ])
            try append(signals + "/milestones.csv", rows: [
                ["project_id": "Z-P-OVERDUE", "milestone": "Kickoff", "due_date": "2025-03-01", "completed_date": "2025-03-10"],
                ["project_id": "Z-P-OVERDUE", "milestone": "Go-live", "due_date": "2025-05-01"],
                ["project_id": "Z-P-OVERDUE", "milestone": "Handover", "due_date": "2026-01-15"],
                ["project_id": "Z-P-STALLED", "milestone": "Kickoff", "due_date": "2025-02-01", "completed_date": "2025-02-01"],
            ])
            return dir
        }.path("signals")
    }

    /// Appends rows to a CSV file, each given by column name (absent names are empty fields).
    static func append(_ path: String, rows: [[String: String]]) throws {
        let scanner = try CSVScanner(path: path)
        _ = try scanner.next()
        let header = scanner.fields
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if !text.hasSuffix("\n") { text += "\n" }
        for row in rows { text += header.map { row[$0] ?? "" }.joined(separator: ",") + "\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A linear model without a curve, calibrated isotonically: the other branch of every choice
    /// the curve model above takes (lines instead of splines, no pairs, isotonic instead of beta).
    static let linearModel = BuiltOnce<String>()

    static func linear() throws -> String {
        try linearModel.value {
            let out = try TemporaryDirectory("export-sql-linear").path("linear.json")
            let run = try VitalsProcess.run(["train", try edgeSignals(), "--config", Fixtures.path("sql/linear-isotonic.yaml"), "--out", out])
            guard run.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: run.stderr]) }
            return out
        }
    }

    // MARK: the comparison

    struct Case {
        let label: String
        let model: String
        let asOf: String
        /// The score file's task: churn (accounts) or overrun (projects).
        var task = "churn"
    }

    /// Scores every case with `vitals score`, exports each query, runs them all on `engine`
    /// over one load of the book, and compares.
    func expectSQLScoresAsVitals(engine: String, signals: String, cases: [Case]) throws {
        let work = try TemporaryDirectory("export-sql-\(engine)")
        defer { work.remove() }
        var arguments = [Self.root.appendingPathComponent("Tools/sql/sqlrun.py").path, "--engine", engine, "--signals", signals,
                         "--schema", Self.root.appendingPathComponent("Tools/sql/contract-schema.json").path]
        for (k, c) in cases.enumerated() {
            let exported = try VitalsProcess.run(["export-sql", "--model", c.model, "--dialect", engine, "--as-of", c.asOf, "--out", work.path("q\(k).sql")])
            try #require(exported.status == 0, "\(c.label): \(exported.stderr)")
            arguments += ["--query", work.path("q\(k).sql"), "--out", work.path("sql\(k).csv")]
        }
        let run = try VitalsProcess.run(arguments, launcher: [Self.python(for: engine)])
        try #require(run.status == 0, "sqlrun on \(engine): \(run.stderr)")
        for (k, c) in cases.enumerated() {
            let scored = try VitalsProcess.run(["score", signals, "--model", c.model, "--as-of", c.asOf, "--out", work.path("vitals\(k)"), "--no-history", "--quiet"])
            try #require(scored.status == 0, "\(c.label): \(scored.stderr)")
            let file = work.path("vitals\(k)") + "/\(c.task)-scores-\(c.asOf).csv"
            let expected = try Self.rows(file)
            let actual = try Self.rows(work.path("sql\(k).csv"))
            // The query gives every column of the score file, in the file's order (then its own extras).
            let fileColumns = try Self.header(file), sqlColumns = try Self.header(work.path("sql\(k).csv"))
            #expect(Array(sqlColumns.prefix(fileColumns.count)) == fileColumns, "\(engine), \(c.label): the query's columns \(sqlColumns) are not the file's \(fileColumns)")
            let compared = Set(Self.columns(c.task).numbers + Self.columns(c.task).texts + Self.withoutHistory + ["top_drivers"]).union(Self.keys(c.task))
            #expect(Set(fileColumns).subtracting(compared).isEmpty, "\(engine), \(c.label): score file columns not compared: \(Set(fileColumns).subtracting(compared))")
            compare(expected: expected, actual: actual, label: "\(engine), \(c.label)", task: c.task)
        }
    }

    /// The columns compared as numbers (within 1e-9; the forecasts' are rounded to a tenth on
    /// both sides, so they agree exactly or by a tenth) and as text, per task. `arr` and
    /// `arr_at_risk` are numbers: the file writes them with two decimals (49606.00) so a reader
    /// that infers types from a CSV infers one; the query gives a DOUBLE column, typed already.
    static func columns(_ task: String) -> (numbers: [String], texts: [String]) {
        if task == "overrun" {
            return (["overrun_probability", "hours_overrun_probability", "late_probability", "budget_hours", "hours_logged", "change_order_hours",
                     "forecast_hours_at_completion", "forecast_overrun_pct", "forecast_hours_low", "forecast_hours_high"],
                    ["account_id", "as_of", "forecast_end_date", "forecast_end_low", "forecast_end_high", "risk_band", "phase", "baseline_end_date",
                     "days_late", "model_id"])
        }
        return (["churn_probability", "arr", "arr_at_risk", "churn_probability_30d", "churn_probability_90d", "churn_probability_180d",
                 "churn_probability_365d", "churn_probability_by_renewal"],
                ["as_of", "risk_band", "health_state", "expected_days_to_churn", "median_days_to_churn", "model_id"])
    }

    /// The columns SQL cannot compute: the change since the previous run needs the history,
    /// which is not in the warehouse. The query gives them NULL (an empty field); the score
    /// files compared here are first runs (`--no-history` into a new folder), empty too.
    static let withoutHistory = ["previous_probability", "change"]

    /// The id columns rows are matched by.
    static func keys(_ task: String) -> [String] { task == "overrun" ? ["project_id"] : ["account_id"] }

    /// A CSV file's header.
    static func header(_ path: String) throws -> [String] {
        let scanner = try CSVScanner(path: path)
        return try scanner.next() ? scanner.fields : []
    }

    func compare(expected: [String: [String: String]], actual: [String: [String: String]], label: String, task: String = "churn") {
        #expect(Set(actual.keys) == Set(expected.keys), "\(label): the scored \(task == "churn" ? "accounts" : "projects") differ")
        #expect(expected.count > (task == "churn" ? 50 : 10), "\(label): only \(expected.count) rows")
        let (numbers, texts) = Self.columns(task)
        var worst = 0.0, mismatches: [String] = []
        for (id, v) in expected {
            guard let q = actual[id] else { continue }
            for column in numbers {
                let (a, b) = (v[column] ?? "", q[column] ?? "")
                if a.isEmpty || b.isEmpty {
                    if a.isEmpty != b.isEmpty { mismatches.append("\(id) \(column): \(a) vs \(b)") }
                    continue
                }
                let d = abs(Double(a)! - Double(b)!)
                // A forecast rounded to a tenth may round the other way when its value sits on
                // the boundary (x.x5 hours summed in another order, 697.0499999999998 against
                // 697.0500000000001): one tenth apart, with the engine's unrounded value within
                // 1e-9 of the boundary.
                if d > 1e-9, d <= 0.1 + 1e-9, let raw = q[column + "_unrounded"].flatMap(Double.init) {
                    let tenths = raw * 10
                    if abs(tenths - tenths.rounded(.down) - 0.5) < 1e-9 { continue }
                }
                worst = max(worst, d)
                if d > 1e-9 { mismatches.append("\(id) \(column): \(a) vs \(b)") }
            }
            for column in Self.withoutHistory {
                if q[column] != "" { mismatches.append("\(id) \(column): the query gave \(q[column] ?? "no column"), expected NULL (no history in SQL)") }
                if v[column] != "" { mismatches.append("\(id) \(column): the first run's score file has \(v[column] ?? "no column")") }
            }
            for column in texts {
                let a = v[column] ?? "", b = q[column] ?? ""
                // Whole numbers may come back as 12.0 from an engine's double.
                let same = a == b || (Double(a) != nil && Double(a) == Double(b))
                if !same { mismatches.append("\(id) \(column): \(a) vs \(b)") }
            }
            // The drivers: the same names in the same order, each value within rounding of the file's two decimals.
            let drivers = (v["top_drivers"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for n in 1...3 {
                let name = q["driver_\(n)"] ?? "", value = Double(q["driver_\(n)_value"] ?? "")
                guard n <= drivers.count else {
                    if !name.isEmpty { mismatches.append("\(id) driver_\(n): none vs \(name)") }
                    continue
                }
                let parts = drivers[n - 1].split(separator: ":+")
                let fileValue = Double(parts.last ?? "") ?? .nan
                if name != parts.dropLast().joined(separator: ":+") || value.map({ abs($0 - fileValue) > 0.005 + 1e-9 }) ?? true {
                    mismatches.append("\(id) driver_\(n): \(drivers[n - 1]) vs \(name):\(value ?? .nan)")
                }
            }
            if v["top_drivers"] != q["top_drivers"] { mismatches.append("\(id) top_drivers: \(v["top_drivers"] ?? "") vs \(q["top_drivers"] ?? "")") }
        }
        #expect(mismatches.isEmpty, "\(label): \(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
        #expect(worst <= 1e-9, "\(label): worst probability difference \(worst)")
    }

    /// A CSV file's rows by their first column.
    static func rows(_ path: String) throws -> [String: [String: String]] {
        let scanner = try CSVScanner(path: path)
        guard try scanner.next() else { return [:] }
        let header = scanner.fields
        var out: [String: [String: String]] = [:]
        while try scanner.next() {
            let fields = scanner.fields
            out[fields[0]] = Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
        return out
    }

    // MARK: the tests

    @Test(.enabled(if: !engines.isEmpty, "no SQL engine chosen (VITALS_SQL_ENGINES)"))
    func theSimulatedBookWithEdgeAccountsScoresAsVitalsDoes() throws {
        let signals = try Self.edgeSignals()
        let cases = [Case(label: "curve model, year end", model: Self.churnModel, asOf: "2025-12-31"),
                     Case(label: "curve model, mid-year", model: Self.churnModel, asOf: "2025-06-30"),
                     Case(label: "linear isotonic model", model: try Self.linear(), asOf: "2025-12-31"),
                     Case(label: "overrun model, year end", model: Self.overrunModel, asOf: "2025-12-31", task: "overrun"),
                     Case(label: "overrun model, mid-year", model: Self.overrunModel, asOf: "2025-06-30", task: "overrun")]
        for engine in Self.engines { try expectSQLScoresAsVitals(engine: engine, signals: signals, cases: cases) }
    }

    /// The second, independently generated book (quoted fields, a byte-order mark, headers in
    /// other capitals, an unknown column), scored with the simulator-trained model.
    @Test(.enabled(if: !engines.isEmpty, "no SQL engine chosen (VITALS_SQL_ENGINES)"))
    func theSecondBookScoresAsVitalsDoes() throws {
        let cases = [Case(label: "second book", model: Self.churnModel, asOf: "2025-06-30"),
                     Case(label: "second book, overrun model", model: Self.overrunModel, asOf: "2025-06-30", task: "overrun")]
        for engine in Self.engines { try expectSQLScoresAsVitals(engine: engine, signals: Fixtures.path("second-book"), cases: cases) }
    }

    // MARK: refusals (no engine needed)

    @Test func anUnknownDialectIsAUsageError() throws {
        let run = try VitalsProcess.run(["export-sql", "--model", Self.churnModel, "--dialect", "oracle", "--out", "/tmp/never.sql"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("oracle"))
    }

    @Test func aDamagedModelExits65AndAnOverrunModelCompiles() throws {
        let work = try TemporaryDirectory("export-sql-refusals")
        defer { work.remove() }
        let damaged = work.path("damaged.json")
        try String(try String(contentsOfFile: Self.churnModel, encoding: .utf8).prefix(5000)).write(toFile: damaged, atomically: true, encoding: .utf8)
        let broken = try VitalsProcess.run(["export-sql", "--model", damaged, "--dialect", "duckdb", "--out", work.path("a.sql")])
        #expect(broken.status == 65, "\(broken.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.path("a.sql")))
        // Overrun models compile too (their scores are compared with vitals score above).
        let overrun = try VitalsProcess.run(["export-sql", "--model", Self.overrunModel, "--dialect", "spark", "--out", work.path("b.sql")])
        #expect(overrun.status == 0, "\(overrun.stderr)")
        #expect(try String(contentsOfFile: work.path("b.sql"), encoding: .utf8).contains("overrun_probability"))
        // A table model's features are the table's own columns, not windows over the contract's
        // tables: nothing to compile. The refusal says what the model is and writes nothing.
        var table = "id,usage,tickets,churned\n"
        for k in 0..<60 { table += "T\(k),\(k % 7),\(k % 3),\(k % 5 == 0 ? "yes" : "no")\n" }
        try table.write(toFile: work.path("table.csv"), atomically: true, encoding: .utf8)
        let trained = try VitalsProcess.run(["train", "--table", work.path("table.csv"), "--label", "churned", "--id", "id", "--out", work.path("table-model.json")])
        #expect(trained.status == 0, "\(trained.stderr)")
        let refused = try VitalsProcess.run(["export-sql", "--model", work.path("table-model.json"), "--dialect", "duckdb", "--out", work.path("c.sql")])
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("table model"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.path("c.sql")))
        let ddl = try VitalsProcess.run(["export-sql", "--model", Self.churnModel, "--dialect", "postgres", "--schema", "--out", work.path("ddl.sql")])
        #expect(ddl.status == 0)
        #expect(try String(contentsOfFile: work.path("ddl.sql"), encoding: .utf8).contains("CREATE TABLE \"usage\""))
    }
}
