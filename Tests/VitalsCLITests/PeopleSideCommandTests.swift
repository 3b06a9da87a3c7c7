import Foundation
import Testing
import VitalsHistory
import VitalsTestSupport

/// The people's side end to end: two scoring runs into the history, then the at-risk list,
/// the project list, explanations and the trend, checked against the history and the score files.
@Suite(.serialized) struct PeopleSideCommandTests {
    final class Book: @unchecked Sendable {
        let directory: TemporaryDirectory
        var signals: String { directory.path("signals") }
        var churn: String { directory.path("churn.json") }
        var overrun: String { directory.path("overrun.json") }
        var scores: String { directory.path("scores") }
        var history: String { directory.path("scores/history.sqlite") }

        private init() throws {
            directory = try TemporaryDirectory("people")
            try Self.check(["simulate", "--out", directory.path("signals"), "--accounts", "700", "--seed", "7"])
            for task in ["churn", "overrun"] {
                try Self.check(["train", directory.path("signals"), "--config", Fixtures.packageRoot.appendingPathComponent("Training/\(task).yaml").path,
                                "--until", "2025-06-30", "--out", directory.path("\(task).json")])
            }
            for asOf in ["2025-11-30", "2025-12-31"] {
                for model in ["churn.json", "overrun.json"] {
                    try Self.check(["score", directory.path("signals"), "--model", directory.path(model), "--as-of", asOf, "--out", directory.path("scores")])
                }
            }
        }

        static func check(_ arguments: [String]) throws {
            let result = try VitalsProcess.run(arguments)
            guard result.status == 0 else { throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "\(arguments): \(result.stderr)"]) }
        }

        static let cache = BuiltOnce<Book>()
        static func shared() throws -> Book { try cache.value(Book.init) }
    }

    static func json(_ output: VitalsProcess.Output) throws -> [String: Any] {
        #expect(output.status == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    /// Equal up to JSON parsing: Foundation's JSONSerialization on Linux can read a number
    /// one ulp off what was written (JSONDecoder reads it exactly), so "equal" allows 1e-14.
    static func same(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= 1e-14
    }

    /// The score file's probabilities by account.
    /// Each id's probability in a score file (column 2 in account scores, 3 in project scores).
    static func scoreFile(_ path: String, column: Int = 2) throws -> [String: Double] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        var out: [String: Double] = [:]
        for line in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            out[String(fields[0])] = Double(fields[column])
        }
        return out
    }

    @Test func scoreRecordsBothRunsInTheHistory() throws {
        let book = try Book.shared()
        let history = try ScoreHistory(path: book.history, access: .read)
        let runs = try history.runs()
        #expect(runs.map(\.asOf) == ["2025-11-30", "2025-11-30", "2025-12-31", "2025-12-31"])
        #expect(Set(runs.map(\.task)) == ["churn", "overrun"])
        // The history holds exactly what the score file says.
        let latest = try #require(runs.last { $0.task == "churn" })
        let recorded = try history.scores(of: latest)
        let file = try Self.scoreFile(book.scores + "/churn-scores-2025-12-31.csv")
        #expect(recorded.count == file.count && recorded.count == latest.rows)
        for (id, p) in file { #expect(recorded[id]?.probability == p && recorded[id]?.logOdds != nil) }
    }

    /// Changes and "new" flags agree with the history's previous run, for every sort order.
    @Test(arguments: ["probability", "arr-at-risk", "change"])
    func atRiskChangesAndNewFlagsAgreeWithTheHistory(sort: String) throws {
        let book = try Book.shared()
        let top = 15
        let list = try Self.json(try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--history", book.history,
                                                        "--top", "\(top)", "--sort", sort, "--format", "json"]))
        #expect(list["as_of"] as? String == "2025-12-31")
        let listedRun = try #require(list["previous_run"] as? [String: Any])
        #expect(listedRun["as_of"] as? String == "2025-11-30")
        let accounts = try #require(list["accounts"] as? [[String: Any]])
        #expect(accounts.count == top)

        let history = try ScoreHistory(path: book.history, access: .read)
        let previousRun = try #require(try history.previousRun(task: "churn", before: "2025-12-31"))
        let previous = try history.scores(of: previousRun)
        let now = try Self.scoreFile(book.scores + "/churn-scores-2025-12-31.csv")
        let key: (ScoreHistory.Score) -> Double = sort == "arr-at-risk" ? { ($0.arr ?? 0) * $0.probability } : { $0.probability }
        let ranked = previous.values.sorted { (a: ScoreHistory.Score, b: ScoreHistory.Score) -> Bool in
            if key(a) != key(b) { return key(a) > key(b) }
            if a.probability != b.probability { return a.probability > b.probability }
            if a.logOdds != b.logOdds { return (a.logOdds ?? -.infinity) > (b.logOdds ?? -.infinity) }
            return a.entityID < b.entityID
        }
        // "New" is judged on the top 50 (whatever --top): the previous run's, and today's in the
        // same order (by probability for --sort change, whose key the history does not keep).
        let previousTop = Set(ranked.prefix(50).map(\.entityID))
        let watchNow = Set(now.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(50).map(\.key))
        var newCount = 0, sortKeys: [Double] = []
        for entry in accounts {
            let id = try #require(entry["account_id"] as? String)
            let p = try #require(entry["churn_probability"] as? Double)
            #expect(Self.same(p, now[id]), "\(id): the list and the score file agree")
            if let before = previous[id]?.probability {
                let change = try #require(entry["change"] as? Double)
                #expect(abs(change - (p - before)) < 1e-12)
                #expect(Self.same(entry["previous_probability"] as? Double, before))
            } else {
                #expect(entry["change"] == nil || entry["change"] is NSNull)
            }
            let isNew = try #require(entry["new_on_list"] as? Bool)
            #expect(isNew == ((sort != "change" || watchNow.contains(id)) && !previousTop.contains(id)), "\(id) new flag")
            if isNew { newCount += 1 }
            let band = try #require(entry["risk_band"] as? String)
            #expect(band == (p >= 0.3 ? "high" : p >= 0.1 ? "medium" : "low"))
            let drivers = try #require(entry["top_drivers"] as? [[String: Any]])
            #expect(!drivers.isEmpty && drivers.count <= 3)
            for driver in drivers { #expect((driver["contribution"] as? Double ?? 0) > 0 && !(driver["phrase"] as? String ?? "").isEmpty) }
            switch sort {
            case "probability": sortKeys.append(p)
            case "arr-at-risk": sortKeys.append(entry["arr_at_risk"] as? Double ?? 0)
            default: sortKeys.append(entry["change"] as? Double ?? -.infinity)
            }
        }
        #expect(zip(sortKeys, sortKeys.dropFirst()).allSatisfy { $0.0 >= $0.1 - 0.01 }, "\(sort) order: \(sortKeys)")
        print("at-risk --sort \(sort): \(newCount) of \(top) new since 2025-11-30")

        // The table marks the same accounts new, and fits 80 and 120 columns without colour off a TTY.
        for width in [80, 120] {
            let table = try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--history", book.history, "--top", "\(top)",
                                               "--sort", sort, "--width", "\(width)"])
            #expect(table.status == 0)
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.allSatisfy { $0.count <= width }, "a line over \(width): \(lines.first { $0.count > width } ?? "")")
            #expect(!table.stdout.contains("\u{1B}["))
            let rows = lines.filter { $0.count > 6 && $0.prefix(3).trimmingCharacters(in: .whitespaces).allSatisfy(\.isNumber) && !$0.prefix(3).trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(rows.count == top)
            #expect(rows.filter { $0.dropFirst(4).hasPrefix("N") }.count == newCount)
        }
    }

    @Test func atRiskFiltersAndCSV() throws {
        let book = try Book.shared()
        let csv = try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--top", "500", "--format", "csv", "--csm", "casey diaz",
                                         "--no-history"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines[0].hasPrefix("rank,account_id,name,csm,segment,arr,churn_probability,risk_band,arr_at_risk,previous_probability,change,new_on_list"))
        let csmColumn = try #require(lines[0].split(separator: ",").firstIndex(of: "csm"))
        #expect(lines.count > 2)
        for line in lines.dropFirst() { #expect(line.split(separator: ",", omittingEmptySubsequences: false)[csmColumn] == "Casey Diaz") }
        // Without a history nothing is new and no change is known.
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[11] == "0" })
        let segment = try Self.json(try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--segment", "SMB", "--format", "json", "--top", "1000"]))
        let accounts = try #require(segment["accounts"] as? [[String: Any]])
        #expect(!accounts.isEmpty && accounts.allSatisfy { $0["segment"] as? String == "SMB" })
        #expect(segment["matching"] as? Int == accounts.count)
    }

    @Test func projectListForecastsFromEarnedValue() throws {
        let book = try Book.shared()
        let list = try Self.json(try VitalsProcess.run(["projects", book.signals, "--model", book.overrun, "--top", "25", "--format", "json"]))
        let projects = try #require(list["projects"] as? [[String: Any]])
        #expect(!projects.isEmpty)
        let file = try String(contentsOfFile: book.scores + "/overrun-scores-2025-12-31.csv", encoding: .utf8).split(separator: "\n")
        let scores = file.dropFirst()
        #expect(list["in_flight"] as? Int == scores.count)
        // The score file carries the same ranges, risks, band, phase and lateness as the list, before model_id.
        let header = file[0].split(separator: ",").map(String.init)
        let carried = ["forecast_hours_low", "forecast_hours_high", "forecast_end_low", "forecast_end_high", "hours_overrun_probability",
                       "late_probability", "risk_band", "phase", "baseline_end_date", "days_late"]
        #expect(Array(header.suffix(carried.count + 3)) == carried + ["previous_probability", "change", "model_id"])
        let columns = carried.map { header.firstIndex(of: $0)! }
        var fileRows: [String: [String]] = [:]
        for line in scores {
            // The drivers (the only text with commas, quoted) come before these columns: read them from the end.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let fromEnd = fields.count - header.count
            fileRows[fields[0]] = columns.map { fields[$0 + fromEnd] }
        }
        var previous = 1.0
        for project in projects {
            let p = try #require(project["overrun_probability"] as? Double)
            #expect(p <= previous)
            previous = p
            let budget = try #require(project["budget_hours"] as? Double), logged = try #require(project["hours_logged"] as? Double)
            let eac = try #require(project["forecast_hours_at_completion"] as? Double)
            let low = try #require(project["forecast_hours_low"] as? Double), high = try #require(project["forecast_hours_high"] as? Double)
            #expect(low <= eac && eac <= high && eac >= logged - 0.05)
            let overrun = try #require(project["forecast_overrun_pct"] as? Double)
            // The list rounds hours to 0.1 and percentages to 0.1: on a small budget the hours' rounding dominates.
            #expect(abs(overrun - (eac / budget - 1) * 100) <= 100 * 0.05 / budget + 0.05 + 1e-9, "\(project["project_id"] ?? ""): \(overrun) % against EAC \(eac) of budget \(budget)")
            let end = try #require(project["forecast_end_date"] as? String), baseline = try #require(project["baseline_end_date"] as? String)
            #expect(end >= "2025-12-31" && !baseline.isEmpty)
            // The end's range comes from the hours interval at the same pace: it brackets the end.
            let endLow = try #require(project["forecast_end_low"] as? String), endHigh = try #require(project["forecast_end_high"] as? String)
            let row = try #require(fileRows[project["project_id"] as? String ?? ""])
            #expect(Double(row[0]) == low && Double(row[1]) == high && row[2] == endLow && row[3] == endHigh, "\(row)")
            // The two risks, the same in the file and the list, bound the combined probability.
            let hoursRisk = try #require(project["hours_overrun_probability"] as? Double), lateRisk = try #require(project["late_probability"] as? Double)
            #expect(Self.same(Double(row[4]), hoursRisk) && Self.same(Double(row[5]), lateRisk))
            #expect(row[6] == project["risk_band"] as? String && row[7] == project["phase"] as? String, "\(row)")
            #expect(row[8] == baseline && Int(row[9]) == project["days_late"] as? Int, "\(row)")
            #expect(p >= max(hoursRisk, lateRisk) && p <= min(1, hoursRisk + lateRisk) + 1e-12)
            #expect(endLow >= "2025-12-31" && endLow <= end && end <= endHigh, "\(project["project_id"] ?? ""): \(endLow) ≤ \(end) ≤ \(endHigh)")
            // Work left (the forecast above the hours logged) means an end after the as-of date.
            if eac > logged + 0.05 { #expect(end > "2025-12-31", "\(project["project_id"] ?? ""): \(end) with \(eac - logged) hours left") }
        }
        for width in [80, 120] {
            let table = try VitalsProcess.run(["projects", book.signals, "--model", book.overrun, "--top", "25", "--width", "\(width)"])
            #expect(table.status == 0 && table.stdout.split(separator: "\n").allSatisfy { $0.count <= width })
        }
    }

    /// The project list's changes, "new" flags, bands, filters and orders agree with the
    /// history's previous run and the score file, for every order.
    @Test(arguments: ["probability", "hours", "late", "change"])
    func projectChangesFiltersAndOrdersAgreeWithTheHistory(sort: String) throws {
        let book = try Book.shared()
        let top = 12
        let list = try Self.json(try VitalsProcess.run(["projects", book.signals, "--model", book.overrun, "--history", book.history,
                                                        "--top", "\(top)", "--sort", sort, "--format", "json"]))
        #expect((list["previous_run"] as? [String: Any])?["as_of"] as? String == "2025-11-30" && list["sort"] as? String == sort)
        let projects = try #require(list["projects"] as? [[String: Any]])
        #expect(projects.count == top && list["matching"] as? Int == list["in_flight"] as? Int)
        let history = try ScoreHistory(path: book.history, access: .read)
        let previous = try history.scores(of: try #require(try history.previousRun(task: "overrun", before: "2025-12-31")))
        let now = try Self.scoreFile(book.scores + "/overrun-scores-2025-12-31.csv", column: 3)
        // "New" compares the top 50 by probability (the key the history keeps) now and in the previous run, whatever --top.
        let ranked = previous.values.sorted { (a: ScoreHistory.Score, b: ScoreHistory.Score) -> Bool in
            if a.probability != b.probability { return a.probability > b.probability }
            if a.logOdds != b.logOdds { return (a.logOdds ?? -.infinity) > (b.logOdds ?? -.infinity) }
            return a.entityID < b.entityID
        }
        let previousTop = Set(ranked.prefix(50).map(\.entityID))
        let watchNow = Set(now.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(50).map(\.key))
        var keys: [Double] = []
        for entry in projects {
            let id = try #require(entry["project_id"] as? String), p = try #require(entry["overrun_probability"] as? Double)
            #expect(Self.same(p, now[id]), "\(id): the list and the score file agree")
            if let before = previous[id]?.probability {
                #expect(abs((entry["change"] as? Double ?? .nan) - (p - before)) < 1e-12)
            } else {
                #expect(entry["change"] == nil || entry["change"] is NSNull)
            }
            #expect(entry["new_on_list"] as? Bool == (watchNow.contains(id) && !previousTop.contains(id)), "\(id) new flag")
            #expect(entry["risk_band"] as? String == (p >= 0.3 ? "high" : p >= 0.1 ? "medium" : "low"))
            switch sort {
            case "probability": keys.append(p)
            case "hours": keys.append(entry["forecast_overrun_pct"] as? Double ?? .nan)
            case "late": keys.append(Double(entry["days_late"] as? Int ?? .min))
            default: keys.append(entry["change"] as? Double ?? -.infinity)
            }
        }
        // The overrun percentage is rounded to 0.1 in the list: allow that much.
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.0 >= $0.1 - 0.051 }, "\(sort) order: \(keys)")

        // Filters: an account, a type and a phase each keep only their projects.
        let first = projects[0]
        let filters: [(option: String, value: String, key: String)] = [
            ("--account", (first["account_id"] as? String ?? "").lowercased(), "account_id"), ("--type", first["type"] as? String ?? "", "type"),
            ("--phase", (first["phase"] as? String ?? "").replacingOccurrences(of: "_", with: "-").uppercased(), "phase"),
        ]
        for filter in filters {
            let filtered = try Self.json(try VitalsProcess.run(["projects", book.signals, "--model", book.overrun, "--history", book.history,
                                                                "--top", "500", "--sort", sort, filter.option, filter.value, "--format", "json"]))
            let rows = try #require(filtered["projects"] as? [[String: Any]])
            #expect(!rows.isEmpty && rows.count == filtered["matching"] as? Int && rows.count < filtered["in_flight"] as? Int ?? 0, "\(filter.option)")
            #expect(rows.allSatisfy { ($0[filter.key] as? String)?.caseInsensitiveCompare(first[filter.key] as? String ?? "") == .orderedSame },
                    "\(filter.option) \(filter.value)")
        }
        for width in [80, 120] {
            let table = try VitalsProcess.run(["projects", book.signals, "--model", book.overrun, "--history", book.history, "--top", "\(top)",
                                               "--sort", sort, "--width", "\(width)"])
            #expect(table.status == 0 && table.stdout.split(separator: "\n").allSatisfy { $0.count <= width })
        }
    }

    /// The decomposition sums to the model's log-odds to 1e-9, and the change splits exactly.
    @Test func explainDecomposesTheLogOddsExactly() throws {
        let book = try Book.shared()
        let list = try Self.json(try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--top", "3", "--format", "json"]))
        let history = try ScoreHistory(path: book.history, access: .read)
        let previousRun = try #require(try history.previousRun(task: "churn", before: "2025-12-31"))
        let previous = try history.scores(of: previousRun)
        let model = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: book.churn))) as? [String: Any])
        let pairCount = (((model["model"] as? [String: Any])?["shapes"] as? [String: Any])?["pairs"] as? [Any])?.count ?? 0
        for entry in try #require(list["accounts"] as? [[String: Any]]) {
            let id = try #require(entry["account_id"] as? String)
            let e = try Self.json(try VitalsProcess.run(["explain", book.signals, "--model", book.churn, "--account", id,
                                                         "--history", book.history, "--format", "json"]))
            let features = try #require(e["features"] as? [[String: Any]])
            // The kept interactions, each a pair of values and one contribution, are part of the sum.
            let interactions = e["interactions"] as? [[String: Any]] ?? []
            // One line per interaction the model kept, none otherwise.
            #expect(interactions.count == pairCount, "\(id) has \(interactions.count) interaction lines for \(pairCount) pairs")
            #expect(interactions.allSatisfy { ($0["feature"] as? String)?.contains(" × ") == true && ($0["values"] as? [Double])?.count == 2 })
            let sum = try #require(e["intercept"] as? Double) + (features + interactions).reduce(0) { $0 + ($1["contribution"] as? Double ?? .nan) }
            let eta = try #require(e["decision_value"] as? Double)
            #expect(abs(sum - eta) < 1e-9, "\(id): \(sum) vs \(eta)")
            #expect(Self.same(e["probability"] as? Double, entry["churn_probability"] as? Double))
            for line in features { #expect((0...100).contains(line["percentile"] as? Double ?? -1)) }
            let path = try #require(e["state_path"] as? [[String: Any]])
            #expect(path.count == 13 && path.last?["date"] as? String == "2025-12-31")
            #expect(path.last?["state"] as? String == entry["health_state"] as? String)
            let change = try #require(e["change"] as? [String: Any])
            #expect(change["since"] as? String == "2025-11-30" && change["source"] as? String == "history")
            let parts = try #require(change["parts"] as? [[String: Any]])
            let split = parts.reduce(0) { $0 + ($1["contribution"] as? Double ?? .nan) }
            #expect(abs(split - (try #require(change["decision_change"] as? Double))) < 1e-9)
            // Same model both times: the rescored previous probability is the history's.
            if let recorded = previous[id]?.probability {
                #expect(abs((try #require(change["previous_probability"] as? Double)) - recorded) < 1e-12)
            }
        }
        // A project, compared with a date given on the command line.
        let projects = try Self.json(try VitalsProcess.run(["projects", book.signals, "--model", book.overrun, "--top", "1", "--format", "json"]))
        let project = try #require((projects["projects"] as? [[String: Any]])?.first?["project_id"] as? String)
        let e = try Self.json(try VitalsProcess.run(["explain", book.signals, "--model", book.overrun, "--project", project, "--since", "2025-12-15", "--format", "json"]))
        let projectFeatures = try #require(e["features"] as? [[String: Any]])
        let sum = try #require(e["intercept"] as? Double) + projectFeatures.reduce(0) { $0 + ($1["contribution"] as? Double ?? .nan) }
        #expect(abs(sum - (try #require(e["decision_value"] as? Double))) < 1e-9)
        let text = try VitalsProcess.run(["explain", book.signals, "--model", book.overrun, "--project", project, "--since", "2025-12-15"])
        #expect(text.status == 0 && text.stdout.contains("Delivery phase, month by month") && text.stdout.contains("Since 2025-12-15"))
    }

    @Test func historyPrintsTheTrend() throws {
        let book = try Book.shared()
        let history = try ScoreHistory(path: book.history, access: .read)
        let churnRuns = try history.runs().filter { $0.task == "churn" }
        #expect(churnRuns.count == 2)
        // An account scored in both runs, so the trend has two points and a change.
        let both = Set(try history.scores(of: churnRuns[0]).keys).intersection(try history.scores(of: churnRuns[1]).keys)
        let id = try #require(both.sorted().first)
        let trend = try Self.json(try VitalsProcess.run(["history", "--history", book.history, "--account", id, "--format", "json"]))
        let points = try #require(trend["points"] as? [[String: Any]])
        let expected = try history.trend(entity: id, task: "churn")
        #expect(points.count == expected.count && points.count == 2)
        for (point, record) in zip(points, expected) { #expect(Self.same(point["probability"] as? Double, record.probability) && point["as_of"] as? String == record.asOf) }
        #expect(abs((points[1]["change"] as? Double ?? .nan) - (expected[1].probability - expected[0].probability)) < 1e-12)
        #expect(points[0]["change"] == nil || points[0]["change"] is NSNull)
        let table = try VitalsProcess.run(["history", "--history", book.history, "--account", id])
        #expect(table.status == 0 && table.stdout.contains(id) && table.stdout.contains("2025-12-31"))
    }

    /// The evaluation report on signals: every chart, the transition heatmap, no network, and
    /// its data block agreeing with `evaluate --json`.
    @Test func evaluationReportCarriesTheChartsAndTheSameFigures() throws {
        let book = try Book.shared()
        let report = book.directory.path("reports/churn.html")
        let written = try VitalsProcess.run(["evaluate", book.signals, "--model", book.churn, "--from", "2025-07-01", "--report", report, "--quiet"])
        #expect(written.status == 0, "\(written.stderr)")
        let figures = try Self.json(try VitalsProcess.run(["evaluate", book.signals, "--model", book.churn, "--from", "2025-07-01", "--json"]))
        let html = try String(contentsOfFile: report, encoding: .utf8)
        for id in ["roc", "pr", "reliability", "gains", "lift", "distribution", "coefficients", "transitions"] {
            #expect(html.contains(#"<figure id="\#(id)""#), "report lacks \(id)")
        }
        #expect(html.contains(#"<table id="metrics""#))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script src"))
        let start = try #require(html.range(of: #"id="report-data">"#)).upperBound
        let end = try #require(html.range(of: "</script>", range: start..<html.endIndex)).lowerBound
        let data = try #require(try JSONSerialization.jsonObject(with: Data(html[start..<end].utf8)) as? [String: Any])
        let metrics = try #require(data["metrics"] as? [String: Any])
        for key in ["auc", "log_loss", "brier"] {
            #expect(Self.same(metrics[key] as? Double, figures[key] as? Double), "\(key) in the report and in --json")
        }
        // The ROC points in the report integrate to the AUC it states (the chart keeps at most
        // 1,500 of a smooth calibration's thousands of thresholds, so to within 1e-4).
        let roc = try #require(data["roc"] as? [[Double]])
        var area = 0.0
        for (a, b) in zip(roc, roc.dropFirst()) { area += (b[0] - a[0]) * (a[1] + b[1]) / 2 }
        #expect(abs(area - (figures["auc"] as? Double ?? .nan)) < 1e-4)
    }

    @Test func mistakesGetClearErrorsAndDocumentedCodes() throws {
        let book = try Book.shared()
        let unknown = try VitalsProcess.run(["explain", book.signals, "--model", book.churn, "--account", "NOPE"])
        #expect(unknown.status == 65 && unknown.stderr.contains("no account NOPE"))
        let wrongModel = try VitalsProcess.run(["at-risk", book.signals, "--model", book.overrun])
        #expect(wrongModel.status == 65 && wrongModel.stderr.contains("not a churn model"))
        let noHistory = try VitalsProcess.run(["history", "--history", book.directory.path("none.sqlite"), "--account", "A000001"])
        #expect(noHistory.status == 66 && noHistory.stderr.contains("no score history"))
        #expect(!FileManager.default.fileExists(atPath: book.directory.path("none.sqlite")))
        // A file that is not a history is refused, and left as it was.
        let notHistory = try book.directory.write("not-history.sqlite", "account_id,probability\n")
        let refused = try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--history", notHistory])
        #expect(refused.status == 66 && refused.stderr.contains("cannot open the score history"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: notHistory, encoding: .utf8) == "account_id,probability\n")
        let both = try VitalsProcess.run(["explain", book.signals, "--model", book.churn])
        #expect(both.status == 64)
    }
}
