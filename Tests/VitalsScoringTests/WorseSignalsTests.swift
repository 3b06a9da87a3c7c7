import Foundation
import Testing
import VitalsFeatures
import VitalsFoundation
import VitalsModel
import VitalsScoring
import VitalsSignals
import VitalsTestBooks
import VitalsTestSupport

/// Metamorphic tests where no oracle exists: make accounts' (or projects') signals worse in
/// the raw files, read them again, score again, and the probability must never fall. The
/// models are the shipped configs' (additive, with the catalog's directions), trained in
/// process on a simulated book.
///
/// "Worse" is taken where it is unambiguous, signal by signal:
/// - tickets of the last 180 days: urgent, SLA breached and escalated when closed, CSAT 1;
/// - the latest NPS response: a score of 1;
/// - usage of the last 30 days: active users, sessions and key events cut by 80 % (users
///   rounded up, so a day with a user keeps one, and the counts per user rounded down);
///   workflow counts are left alone, because a rate over a window rises when the bad recent
///   days weigh less (a cut is not a worse rate);
/// - a project's timesheets of the last 14 days: half as many hours again.
@Suite struct WorseSignalsTests {
    enum Worsening: String, CaseIterable {
        case tickets, nps, usage, all
    }

    /// A copy of `signals` with `rewrite` applied to `file`'s rows (header kept).
    static func copy(_ signals: String, into directory: TemporaryDirectory, rewriting files: [String: ([String], [String]) -> [String]]) throws -> String {
        let out = directory.path("signals")
        try FileManager.default.copyItem(atPath: signals, toPath: out)
        for (file, rewrite) in files {
            let path = out + "/" + file
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var rewritten = [lines[0]]
            for line in lines.dropFirst() where !line.isEmpty {
                rewritten.append(rewrite(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)).joined(separator: ","))
            }
            try (rewritten.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        return out
    }

    static func rewrites(_ worsening: Worsening, accounts: Set<String>, asOf: Day) -> [String: ([String], [String]) -> [String]] {
        var files: [String: ([String], [String]) -> [String]] = [:]
        if worsening == .tickets || worsening == .all {
            files["tickets.csv"] = { header, row in
                var row = row
                func at(_ name: String) -> Int { header.firstIndex(of: name)! }
                guard accounts.contains(row[at("account_id")]), let opened = Day(String(row[at("opened_at")].prefix(10))),
                      opened <= asOf, opened > asOf - 180 else { return row }
                row[at("priority")] = "urgent"
                if !row[at("closed_at")].isEmpty {
                    row[at("sla_breached")] = "true"
                    row[at("escalated")] = "true"
                    row[at("csat")] = "1"
                }
                return row
            }
        }
        if worsening == .usage || worsening == .all {
            files["usage.csv"] = { header, row in
                var row = row
                func at(_ name: String) -> Int { header.firstIndex(of: name)! }
                guard accounts.contains(row[at("account_id")]), let day = Day(row[at("date")]), day <= asOf, day > asOf - 30 else { return row }
                for (name, roundUp) in [("active_users", true), ("sessions", false), ("key_events", false)] {
                    if let value = Double(row[at(name)]) { row[at(name)] = "\(Int(roundUp ? (value * 0.2).rounded(.up) : (value * 0.2).rounded(.down)))" }
                }
                return row
            }
        }
        return files
    }

    /// The latest response on or before `asOf` of each account, by row position in nps.csv.
    static func latestResponses(_ signals: String, accounts: Set<String>, asOf: Day) throws -> Set<Int> {
        let lines = try String(contentsOfFile: signals + "/nps.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let (account, date) = (header.firstIndex(of: "account_id")!, header.firstIndex(of: "date")!)
        var latest: [String: (Day, Int)] = [:]
        for (i, line) in lines.enumerated().dropFirst() {
            let row = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard accounts.contains(row[account]), let day = Day(row[date]), day <= asOf else { continue }
            if latest[row[account]].map({ day >= $0.0 }) ?? true { latest[row[account]] = (day, i) }
        }
        return Set(latest.values.map(\.1))
    }

    @Test(arguments: Worsening.allCases)
    func worseAccountSignalsNeverLowerChurnRisk(worsening: Worsening) throws {
        let trained = try TrainedBook.shared()
        let model = trained.churn.model
        let asOf = trained.book.index.dataEnd
        let base = try ScoredSnapshot(model: model, index: trained.book.index, asOf: asOf)
        // 60 accounts spread over the scored ones.
        let chosen = stride(from: 0, to: base.rowCount, by: max(1, base.rowCount / 60)).prefix(60).map { base.ids[$0] }
        let accounts = Set(chosen)
        let directory = try TemporaryDirectory("worse-\(worsening.rawValue)")
        defer { directory.remove() }
        var files = Self.rewrites(worsening, accounts: accounts, asOf: asOf)
        if worsening == .nps || worsening == .all {
            let latest = try Self.latestResponses(trained.book.signals, accounts: accounts, asOf: asOf)
            var line = 0
            files["nps.csv"] = { header, row in
                line += 1
                guard latest.contains(line) else { return row }
                var row = row
                row[header.firstIndex(of: "score")!] = "1"
                return row
            }
        }
        let worse = try Self.copy(trained.book.signals, into: directory, rewriting: files)
        let dataset = try SignalsReader().read(directory: worse).dataset
        let after = try ScoredSnapshot(model: model, index: SignalsIndex(dataset), asOf: asOf)
        let rowAfter = after.rowOfID, rowBefore = base.rowOfID
        var rose = 0, fell: [String] = []
        for id in chosen {
            let before = base.probabilities[rowBefore[id]!], now = after.probabilities[rowAfter[id]!]
            if now < before - 1e-12 { fell.append("\(id): \(before) → \(now)") }
            if now > before + 1e-12 { rose += 1 }
        }
        #expect(fell.isEmpty, "risk fell for \(fell.count) of \(chosen.count): \(fell.prefix(5))")
        // The worsening did reach the model: most accounts' risk rose.
        #expect(rose >= chosen.count / 2, "risk rose for only \(rose) of \(chosen.count)")
        // Accounts left alone score as before.
        for id in base.ids.filter({ !accounts.contains($0) }).prefix(100) {
            #expect(after.probabilities[rowAfter[id]!] == base.probabilities[rowBefore[id]!])
        }
    }

    @Test func moreHoursNeverLowerOverrunRisk() throws {
        let trained = try TrainedBook.shared()
        let model = trained.overrun.model
        let asOf = trained.book.index.dataEnd
        let base = try ScoredSnapshot(model: model, index: trained.book.index, asOf: asOf)
        let projects = Set(base.ids)
        let directory = try TemporaryDirectory("worse-hours")
        defer { directory.remove() }
        let worse = try Self.copy(trained.book.signals, into: directory, rewriting: ["timesheets.csv": { header, row in
            var row = row
            let (project, date, hours) = (header.firstIndex(of: "project_id")!, header.firstIndex(of: "date")!, header.firstIndex(of: "hours")!)
            guard projects.contains(row[project]), let day = Day(row[date]), day <= asOf, day > asOf - 14, let h = Double(row[hours]) else { return row }
            row[hours] = "\(h * 1.5)"
            return row
        }])
        let after = try ScoredSnapshot(model: model, index: SignalsIndex(try SignalsReader().read(directory: worse).dataset), asOf: asOf)
        let rowAfter = after.rowOfID
        var fell: [String] = [], rose = 0
        for (r, id) in base.ids.enumerated() {
            let now = after.probabilities[rowAfter[id]!]
            if now < base.probabilities[r] - 1e-12 { fell.append("\(id): \(base.probabilities[r]) → \(now)") }
            if now > base.probabilities[r] + 1e-12 { rose += 1 }
        }
        #expect(fell.isEmpty, "risk fell for \(fell.count) of \(base.rowCount): \(fell.prefix(5))")
        #expect(rose > 0, "no project's risk rose")
    }

    /// Feature by feature on the trained models: moving any feature with a declared direction
    /// the worse way, on every scored row, never lowers the log-odds.
    @Test(arguments: RiskTask.allCases)
    func everyDeclaredDirectionHoldsFeatureByFeature(task: RiskTask) throws {
        let trained = try TrainedBook.shared()
        let file = task == .churn ? trained.churn.model : trained.overrun.model
        let model = file.model
        let snapshot = try ScoredSnapshot(model: file, index: trained.book.index, asOf: trained.book.index.dataEnd)
        var checked = 0
        for (j, direction) in model.directions.enumerated() where direction != .either {
            let values = (0..<snapshot.rowCount).map { snapshot.x[$0, j] }
            let span = max((values.max() ?? 0) - (values.min() ?? 0), 1)
            for r in 0..<snapshot.rowCount {
                let x = snapshot.x[r, j]
                for step in [0.01, 0.1, 0.5, 1.0] {
                    let worse = direction == .increasing ? x + step * span : x - step * span
                    #expect(model.contributionChange(feature: j, from: x, to: worse) >= -1e-12, "\(model.featureNames[j]) at \(x) → \(worse)")
                }
            }
            checked += 1
        }
        #expect(checked >= (task == .churn ? 30 : 10), "only \(checked) features have a direction")
    }
}
