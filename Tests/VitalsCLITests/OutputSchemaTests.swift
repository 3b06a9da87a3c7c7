import Foundation
import GRDB
import Testing
import VitalsTestSupport

/// Every output checked against its JSON Schema in docs/schema/, row by row, on real runs of
/// the built binary: the score files (CSV and JSON Lines) of a first run (no previous scores)
/// and of a second one, the feature-table score files, the at-risk and project lists as CSV
/// and JSON with and without a previous run, the history's `score_rows` view, and `explain` and `history` as JSON. CSV cells
/// are read by their column's schema type. Every schema file must have an output here, so a
/// new schema has to be wired in.
@Suite(.serialized) struct OutputSchemaTests {
    static let schemaDirectory = Fixtures.packageRoot.appendingPathComponent("docs/schema").path
    /// Schemas checked elsewhere: the alert events (`vitals alerts`, its own tests).
    static let checkedElsewhere: Set<String> = ["alert-event.schema.json"]
    static let churnModel = Fixtures.packageRoot.appendingPathComponent("Models/churn.json").path
    static let overrunModel = Fixtures.packageRoot.appendingPathComponent("Models/overrun.json").path
    static let days = ["2025-11-30", "2025-12-31"]

    final class Book: @unchecked Sendable {
        let directory: TemporaryDirectory
        var signals: String { directory.path("signals") }
        var scores: String { directory.path("scores") }
        var history: String { directory.path("scores/history.sqlite") }
        var tableScores: String { directory.path("table-scores") }
        /// stdout of each list run, by name: `at-risk-<day>.json`, `projects-<day>.csv`, …
        var lists: [String: String] = [:]

        private init() throws {
            directory = try VitalsProcess.simulatedBook(accounts: 400, seed: 23, label: "output-schema")
            for day in OutputSchemaTests.days {
                for model in [OutputSchemaTests.churnModel, OutputSchemaTests.overrunModel] {
                    _ = try Self.check(["score", signals, "--model", model, "--as-of", day, "--out", scores])
                }
                for format in ["csv", "json"] {
                    lists["at-risk-\(day).\(format)"] = try Self.check(["at-risk", signals, "--model", OutputSchemaTests.churnModel, "--as-of", day,
                                                                        "--history", history, "--top", "400", "--format", format])
                    lists["projects-\(day).\(format)"] = try Self.check(["projects", signals, "--model", OutputSchemaTests.overrunModel, "--as-of", day,
                                                                         "--history", history, "--top", "400", "--format", format])
                }
            }
            // A feature-table model, trained and scored on a slice of the Telco table.
            let lines = try String(contentsOfFile: Fixtures.path("real/telco-customer-churn.csv"), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
            let table = try directory.write("telco.csv", lines.prefix(1201).joined(separator: "\n") + "\n")
            _ = try Self.check(["train", "--table", table, "--label", "Churn", "--id", "customerID", "--out", directory.path("table.json")])
            _ = try Self.check(["score", "--model", directory.path("table.json"), "--table", table, "--out", tableScores])
        }

        static func check(_ arguments: [String]) throws -> String {
            let result = try VitalsProcess.run(arguments)
            guard result.status == 0 else { throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "\(arguments): \(result.stderr)"]) }
            return result.stdout
        }

        static let cache = BuiltOnce<Book>()
        static func shared() throws -> Book { try cache.value(Book.init) }
    }

    static func schema(_ name: String) throws -> JSONSchema { try JSONSchema(path: "\(schemaDirectory)/\(name).schema.json") }

    /// The outputs each schema describes, as (label, kind, text) for one book.
    enum Output {
        case csv(String)
        case jsonLines(String)
        case json(String)
        case rows([JSONValue])
    }

    static func outputs(_ schema: String, book: Book) throws -> [(label: String, output: Output)] {
        func file(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
        switch schema {
        case "churn-score-row", "overrun-score-row":
            let task = schema == "churn-score-row" ? "churn" : "overrun"
            return try days.flatMap { day in
                [("\(task)-scores-\(day).csv", Output.csv(try file("\(book.scores)/\(task)-scores-\(day).csv"))),
                 ("\(task)-scores-\(day).jsonl", Output.jsonLines(try file("\(book.scores)/\(task)-scores-\(day).jsonl")))]
            }
        case "table-score-row":
            return [("table-scores.csv", .csv(try file("\(book.tableScores)/table-scores.csv"))),
                    ("table-scores.jsonl", .jsonLines(try file("\(book.tableScores)/table-scores.jsonl")))]
        case "at-risk-list": return days.map { ("at-risk --format json as of \($0)", .json(book.lists["at-risk-\($0).json"]!)) }
        case "at-risk-csv-row": return days.map { ("at-risk --format csv as of \($0)", .csv(book.lists["at-risk-\($0).csv"]!)) }
        case "projects-list": return days.map { ("projects --format json as of \($0)", .json(book.lists["projects-\($0).json"]!)) }
        case "projects-csv-row": return days.map { ("projects --format csv as of \($0)", .csv(book.lists["projects-\($0).csv"]!)) }
        case "history-score-row": return [("score_rows in \(book.history)", .rows(try historyRows(book.history)))]
        case "explanation":
            // An account on the first run (no change) and the second (a change since the first), and a project.
            let account = try firstID("\(book.scores)/churn-scores-\(days[1]).csv"), project = try firstID("\(book.scores)/overrun-scores-\(days[1]).csv")
            return try days.map { day in
                ("explain --account \(account) as of \(day)", Output.json(try Book.check(["explain", book.signals, "--model", churnModel, "--account", account,
                                                                                          "--as-of", day, "--history", book.history, "--format", "json"])))
            } + [("explain --project \(project)", .json(try Book.check(["explain", book.signals, "--model", overrunModel, "--project", project,
                                                                        "--as-of", days[1], "--history", book.history, "--format", "json"])))]
        case "score-trend":
            let account = try firstID("\(book.scores)/churn-scores-\(days[1]).csv"), project = try firstID("\(book.scores)/overrun-scores-\(days[1]).csv")
            return [("history --account \(account)", .json(try Book.check(["history", "--history", book.history, "--account", account, "--format", "json"]))),
                    ("history --project \(project)", .json(try Book.check(["history", "--history", book.history, "--project", project, "--format", "json"])))]
        default: throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "docs/schema/\(schema).schema.json has no output in OutputSchemaTests; wire it in"])
        }
    }

    static let known = ["churn-score-row", "overrun-score-row", "table-score-row", "at-risk-list", "at-risk-csv-row", "projects-list",
                        "projects-csv-row", "history-score-row", "explanation", "score-trend"]

    /// The first entity of a score file (its first column on the first row).
    static func firstID(_ path: String) throws -> String {
        try #require(String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().first?.split(separator: ",").first.map(String.init))
    }

    /// The view a BI tool reads, each row as JSON (SQLite's integer, real, text and NULL).
    static func historyRows(_ path: String) throws -> [JSONValue] {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: path, configuration: configuration)
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM score_rows ORDER BY run_id, entity_id").map { row in
                var fields: [String: JSONValue] = [:]
                for (column, value) in row {
                    switch value.storage {
                    case .null: fields[column] = .null
                    case let .int64(n): fields[column] = .number(Double(n), integerText: true)
                    case let .double(x): fields[column] = .number(x, integerText: false)
                    case let .string(s): fields[column] = .string(s)
                    case .blob: fields[column] = .string("<blob>")
                    }
                }
                return .object(fields)
            }
        }
    }

    /// Validates every row of `output`; returns the number of rows checked and the first errors.
    static func check(_ output: Output, against schema: JSONSchema) throws -> (rows: Int, errors: [String]) {
        var errors: [String] = []
        var rows = 0
        switch output {
        case let .csv(text):
            let lines = CSVRecords.parse(text)
            guard let header = lines.first else { return (0, ["no header"]) }
            // The CSV's columns are the schema's, in the order it lists them (the table scores' first column is the table's id).
            if case let .object(root) = schema.root, case let .object(properties)? = root["properties"] {
                let listed = header.filter { properties[$0] != nil }
                if Set(listed) != Set(properties.keys) { errors.append("columns \(header) are not the schema's \(properties.keys.sorted())") }
            }
            for (k, cells) in lines.dropFirst().enumerated() {
                rows += 1
                if cells.count != header.count { errors.append("row \(k + 2): \(cells.count) fields, the header has \(header.count)") }
                errors += schema.errors(schema.csvRow(header: header, cells: cells)).map { "row \(k + 2) \($0)" }
                // Money is written with two decimals whatever its value.
                for (name, cell) in zip(header, cells) where ["arr", "arr_at_risk"].contains(name) && !cell.isEmpty {
                    if !isMoney(cell) { errors.append("row \(k + 2) \(name): \(cell) is not written with two decimals") }
                }
            }
        case let .jsonLines(text):
            for (k, line) in text.split(separator: "\n").enumerated() {
                rows += 1
                errors += schema.errors(try JSONValue.parse(String(line))).map { "line \(k + 1) \($0)" }
                errors += moneyErrors(String(line)).map { "line \(k + 1) \($0)" }
            }
        case let .json(text):
            rows = 1
            errors += schema.errors(try JSONValue.parse(text))
            errors += moneyErrors(text)
        case let .rows(values):
            for (k, value) in values.enumerated() {
                rows += 1
                errors += schema.errors(value).map { "row \(k + 1) \($0)" }
            }
        }
        return (rows, errors)
    }

    /// `49606.00`: digits, a point, two digits.
    static func isMoney(_ text: some StringProtocol) -> Bool {
        let parts: [Substring] = String(text).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, !parts[0].isEmpty else { return false }
        let digits: String = String(parts[0]) + String(parts[1])
        return digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Every `"arr"` and `"arr_at_risk"` in a JSON text written with two decimals (or null).
    static func moneyErrors(_ text: String) -> [String] {
        var out: [String] = []
        for key in ["\"arr\"", "\"arr_at_risk\""] {
            var rest = Substring(text)
            while let range = rest.range(of: key) {
                rest = rest[range.upperBound...]
                let value = rest.drop { $0 == " " || $0 == ":" }.prefix { $0 != "," && $0 != "}" && $0 != "\n" }
                if value != "null", !isMoney(value) { out.append("\(key): \(value) is not written with two decimals") }
            }
        }
        return out
    }

    // MARK: the tests

    @Test func everySchemaFileIsKnownAndValidForTheValidator() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.schemaDirectory).filter { $0.hasSuffix(".schema.json") }
        let unknown = files.filter { !Self.checkedElsewhere.contains($0) && !Self.known.contains(String($0.dropLast(".schema.json".count))) }
        #expect(unknown.isEmpty, "docs/schema has schemas no output is checked against: \(unknown); wire them into OutputSchemaTests")
        for name in Self.known {
            #expect(files.contains("\(name).schema.json"), "docs/schema/\(name).schema.json is missing")
            let schema = try Self.schema(name)
            guard case let .object(root) = schema.root else { Issue.record("\(name): not an object"); continue }
            #expect(root["$schema"] == .string("https://json-schema.org/draft/2020-12/schema"), "\(name)")
        }
    }

    @Test(arguments: known)
    func everyRowOfTheOutputsMatchesItsSchema(schema name: String) throws {
        let book = try Book.shared()
        let schema = try Self.schema(name)
        for (label, output) in try Self.outputs(name, book: book) {
            let (rows, errors) = try Self.check(output, against: schema)
            #expect(rows > 0, "\(name): \(label) has no rows")
            #expect(errors.isEmpty, "\(name): \(label): \(errors.count) errors, first \(errors.prefix(5))")
        }
    }

    /// The first run has no previous scores: the columns are there, null; the second has them.
    @Test func previousProbabilityAndChangeAreNullOnTheFirstRunAndSetOnTheSecond() throws {
        let book = try Book.shared()
        for task in ["churn", "overrun"] {
            for (day, expectNull) in [(Self.days[0], true), (Self.days[1], false)] {
                let text = try String(contentsOfFile: "\(book.scores)/\(task)-scores-\(day).jsonl", encoding: .utf8)
                let rows = try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
                let nulls = rows.filter { if case let .object(f) = $0 { return f["previous_probability"] == .null && f["change"] == .null } else { return false } }
                if expectNull { #expect(nulls.count == rows.count, "\(task) \(day)") } else { #expect(nulls.count < rows.count / 2, "\(task) \(day)") }
            }
        }
        let first = try JSONValue.parse(book.lists["at-risk-\(Self.days[0]).json"]!)
        guard case let .object(list) = first, case let .array(accounts)? = list["accounts"], case let .object(entry)? = accounts.first else {
            Issue.record("no accounts")
            return
        }
        #expect(list["previous_run"] == .null)
        #expect(entry["previous_probability"] == .null && entry["change"] == .null)
    }

    /// The other JSON outputs keep every key too: `history`'s first point has `change: null`,
    /// `explain` writes every feature's `value` (null when missing) and `change` (null without an earlier run).
    @Test func historyAndExplainJSONWriteEveryKey() throws {
        let book = try Book.shared()
        let id = try #require(String(contentsOfFile: "\(book.scores)/churn-scores-\(Self.days[1]).csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().first?.split(separator: ",").first.map(String.init))
        let trend = try JSONValue.parse(try Book.check(["history", "--history", book.history, "--account", id, "--format", "json"]))
        guard case let .object(t) = trend, case let .array(points)? = t["points"], case let .object(first)? = points.first else {
            Issue.record("no points: \(trend.text.prefix(300))")
            return
        }
        #expect(points.count == 2 && first["change"] == .null && first.keys.sorted() == ["as_of", "change", "health_state", "model_id", "probability", "risk_band"])
        let explained = try JSONValue.parse(try Book.check(["explain", book.signals, "--model", Self.churnModel, "--account", id, "--as-of", Self.days[0],
                                                            "--format", "json"]))
        guard case let .object(e) = explained, case let .array(features)? = e["features"] else {
            Issue.record("no features: \(explained.text.prefix(300))")
            return
        }
        #expect(e["change"] == .null)
        #expect(features.allSatisfy { if case let .object(f) = $0 { return f["value"] != nil } else { return false } })
    }

    /// One spelling of the states in every output: `at_risk`, in the terminal tables too.
    @Test func statesAreSpelledWithUnderscoresEverywhere() throws {
        let book = try Book.shared()
        let table = try Book.check(["at-risk", book.signals, "--model", Self.churnModel, "--history", book.history, "--top", "400", "--width", "120"])
        #expect(table.contains("at_risk") && !table.contains("at-risk "), "\(table.prefix(2000))")
        let projects = try Book.check(["projects", book.signals, "--model", Self.overrunModel, "--history", book.history, "--top", "100", "--width", "120"])
        #expect(!projects.contains("off-track"))
        #expect(!book.lists.values.contains { $0.contains("at-risk") || $0.contains("off-track") })
    }

    /// A run for the same date and model replaces the earlier one, and says so on stderr, on one line.
    @Test func rescoringTheSameDateAndModelSaysItReplacesTheRun() throws {
        let book = try Book.shared()
        let again = try VitalsProcess.run(["score", book.signals, "--model", Self.churnModel, "--as-of", Self.days[1], "--out", book.scores])
        #expect(again.status == 0, "\(again.stderr)")
        let notice = again.stderr.split(separator: "\n").filter { $0.contains("replaces the history's earlier churn run as of \(Self.days[1])") }
        #expect(notice.count == 1, "\(again.stderr)")
        #expect(notice.first?.contains("(recorded 20") ?? false)
    }
}

/// RFC 4180 records (quoted fields may hold commas, quotes and newlines).
enum CSVRecords {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], fields: [String] = [], field = "", quoted = false, afterQuote = false
        var chars = Array(text).makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return chars.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.append("\"") } else { quoted = false; afterQuote = true; pending = n }
                    } else { quoted = false }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: quoted = true
            case ",": fields.append(field); field = ""; afterQuote = false
            case "\n", "\r\n":
                fields.append(field); records.append(fields); fields = []; field = ""; afterQuote = false
            default: field.append(c)
            }
        }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); records.append(fields) }
        return records
    }
}
