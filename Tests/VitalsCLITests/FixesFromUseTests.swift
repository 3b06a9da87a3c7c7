import Foundation
import Testing
import VitalsHistory
import VitalsTestSupport

/// What CSMs, PSO leads and dashboard engineers hit when they tried Vitals (issue 22), end to
/// end on the people's book (`PeopleSideCommandTests.Book`: signals and scores side by side,
/// scored on 2025-11-30 and 2025-12-31).
@Suite(.serialized) struct FixesFromUseTests {
    typealias Book = PeopleSideCommandTests.Book

    static func json(_ output: VitalsProcess.Output) throws -> [String: Any] {
        try PeopleSideCommandTests.json(output)
    }

    /// `vitals --version`: the version, the commit it was built from and the model format.
    @Test func versionNamesTheCommitAndTheModelFormat() throws {
        let result = try VitalsProcess.run(["--version"])
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .newlines)
        let shape = #/^vitals \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\), model format_version \d+$/#
        #expect(line.wholeMatch(of: shape) != nil, "\(line)")
        // Built from a git checkout (the tests run in one), the commit is one of that checkout's
        // (HEAD when the binary was built after the last commit).
        guard let commit = line.firstMatch(of: #/commit ([0-9a-f]{12})/#)?.output.1 else { return }
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", Fixtures.packageRoot.path, "cat-file", "-e", "\(commit)^{commit}"]
        git.standardError = FileHandle.nullDevice
        if (try? git.run()) != nil {
            git.waitUntilExit()
            #expect(git.terminationStatus == 0, "\(commit) is not a commit of \(Fixtures.packageRoot.path)")
        }
    }

    /// `--csm` and `--segment` take any case and a unique prefix; a value naming nothing is a
    /// usage error that lists the values, not an empty list.
    @Test func filtersMatchByCaseAndPrefixOrSayWhatThereIs() throws {
        let book = try Book.shared()
        func accounts(_ options: [String]) throws -> [[String: Any]] {
            let list = try Self.json(try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--top", "1000", "--format", "json"] + options))
            return try #require(list["accounts"] as? [[String: Any]])
        }
        let quinn = try accounts(["--csm", "Quinn"])
        #expect(!quinn.isEmpty && quinn.allSatisfy { $0["csm"] as? String == "Quinn Adler" })
        #expect(try accounts(["--csm", "QUINN ADLER"]).count == quinn.count)
        let enterprise = try accounts(["--segment", "ent"])
        #expect(!enterprise.isEmpty && enterprise.allSatisfy { $0["segment"] as? String == "Enterprise" })
        #expect(try accounts(["--segment", "enterprise"]).count == enterprise.count)

        let none = try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--csm", "Zed"])
        #expect(none.status == 64 && none.stdout.isEmpty)
        #expect(none.stderr.contains("--csm") && none.stderr.contains("Avery Chen") && none.stderr.contains("Quinn Adler"), "\(none.stderr)")
        let segment = try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--segment", "gov"])
        #expect(segment.status == 64 && segment.stderr.contains("Enterprise, Mid-Market, SMB"), "\(segment.stderr)")
    }

    /// N is judged on the top 50, so --top 3 and --top 10 agree on who is new; the accounts
    /// that left the previous top 50 are listed with their probability then and now, in the
    /// table, the JSON and the CSV; the history beside the signals is found without --history.
    @Test func newAndLeftAreJudgedOnTheTop50AndTheHistoryIsFound() throws {
        let book = try Book.shared()
        func list(_ top: Int, _ extra: [String] = []) throws -> (list: [String: Any], stderr: String) {
            let result = try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--top", "\(top)", "--format", "json"] + extra)
            return (try Self.json(result), result.stderr)
        }
        let (three, note) = try list(3), (ten, _) = try list(10)
        // Found beside the signals, and said so on standard error.
        #expect((three["previous_run"] as? [String: Any])?["as_of"] as? String == "2025-11-30")
        #expect(note.contains(book.history), "\(note)")
        let newIn = { (list: [String: Any]) -> [String: Bool] in
            Dictionary(uniqueKeysWithValues: (list["accounts"] as? [[String: Any]] ?? []).map { ($0["account_id"] as? String ?? "", $0["new_on_list"] as? Bool ?? false) })
        }
        let newThree = newIn(three), newTen = newIn(ten)
        #expect(newThree.count == 3 && newTen.count == 10)
        for (id, isNew) in newThree { #expect(newTen[id] == isNew, "\(id): --top 3 says \(isNew)") }
        #expect(three["watch_list_size"] as? Int == 50)

        // Left: the previous run's top 50 less today's, in the previous order, with both probabilities.
        let history = try ScoreHistory(path: book.history, access: .read)
        let previous = try history.scores(of: try #require(try history.previousRun(task: "churn", before: "2025-12-31")))
        let now = try PeopleSideCommandTests.scoreFile(book.scores + "/churn-scores-2025-12-31.csv")
        let previousTop = previous.values.sorted {
            $0.probability != $1.probability ? $0.probability > $1.probability
                : ($0.logOdds ?? 0) != ($1.logOdds ?? 0) ? ($0.logOdds ?? 0) > ($1.logOdds ?? 0) : $0.entityID < $1.entityID
        }.prefix(50).map(\.entityID)
        let todayTop = Set(now.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(50).map(\.key))
        let expected = previousTop.filter { !todayTop.contains($0) }
        let left = try #require(ten["left_the_list"] as? [[String: Any]])
        #expect(left.map { $0["id"] as? String ?? "" } == expected)
        for entry in left {
            let id = entry["id"] as? String ?? ""
            #expect(PeopleSideCommandTests.same(entry["previous_probability"] as? Double, previous[id]?.probability))
            #expect(PeopleSideCommandTests.same(entry["probability"] as? Double, now[id]), "\(id) now")
            #expect((entry["previous_rank"] as? Int).map { previousTop[$0 - 1] == id } == true)
        }
        print("at-risk: \(left.count) accounts left the top 50 since 2025-11-30")

        // The table has the section within 80 columns; the CSV has the rows, marked.
        let table = try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--top", "5", "--width", "80"])
        #expect(table.status == 0 && table.stdout.contains("Left the top 50 since 2025-11-30"))
        #expect(table.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        // The first ten in the table, the rest counted.
        for id in expected.prefix(10) { #expect(table.stdout.contains(id), "\(id) in the section") }
        if expected.count > 10 { #expect(table.stdout.contains("and \(expected.count - 10) more")) }
        let csv = try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--top", "5", "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines[0].hasSuffix(",left_the_list"))
        #expect(lines.dropFirst().filter { $0.hasSuffix(",1") }.count == expected.count)
        #expect(lines.dropFirst().filter { $0.hasSuffix(",0") }.count == 5)

        // --scores DIR names the same history; --no-history compares with none.
        let scores = try list(3, ["--scores", book.scores]).list
        #expect((scores["previous_run"] as? [String: Any])?["as_of"] as? String == "2025-11-30")
        let alone = try list(3, ["--no-history"])
        #expect(alone.list["previous_run"] == nil || alone.list["previous_run"] is NSNull)
        #expect((alone.list["left_the_list"] as? [Any])?.isEmpty == true && !alone.stderr.contains("score history"))
        #expect(try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--no-history", "--history", book.history]).status == 64)

        // The project list: the same rules.
        let projects = try Self.json(try VitalsProcess.run(["projects", book.signals, "--model", book.overrun, "--top", "3", "--format", "json"]))
        #expect((projects["previous_run"] as? [String: Any])?["as_of"] as? String == "2025-11-30")
        #expect(projects["left_the_list"] is [Any] && projects["watch_list_size"] as? Int == 50)
        let projectTable = try VitalsProcess.run(["projects", book.signals, "--model", book.overrun, "--top", "3", "--width", "80"])
        #expect(projectTable.stdout.contains("Left the top 50 since 2025-11-30"))
        #expect(projectTable.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    /// explain: the account's name and CSM on top, features in words, 80 columns, and --help
    /// offers only the formats it prints.
    @Test func explainSpeaksPlainlyWithin80Columns() throws {
        let book = try Book.shared()
        let list = try Self.json(try VitalsProcess.run(["at-risk", book.signals, "--model", book.churn, "--top", "1", "--format", "json"]))
        let first = try #require((list["accounts"] as? [[String: Any]])?.first)
        let id = try #require(first["account_id"] as? String), name = try #require(first["name"] as? String), csm = try #require(first["csm"] as? String)
        let text = try VitalsProcess.run(["explain", book.signals, "--model", book.churn, "--account", id, "--width", "80"])
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 80 }, "a line over 80: \(lines.first { $0.count > 80 } ?? "")")
        let header = lines.prefix(2).joined(separator: " ")
        #expect(header.contains(id) && header.contains(name) && header.contains("CSM \(csm)"), "\(header)")
        #expect(text.stdout.contains("30-day active seats") || text.stdout.contains("days as a customer"))
        #expect(!text.stdout.contains("active_user_ratio_30d"))
        let json = try Self.json(try VitalsProcess.run(["explain", book.signals, "--model", book.churn, "--account", id, "--format", "json"]))
        #expect(json["name"] as? String == name && json["csm"] as? String == csm)

        let help = try VitalsProcess.run(["explain", "--help"])
        let formatLine = help.stdout.split(separator: "\n").first { $0.contains("--format") } ?? ""
        #expect(formatLine.contains("table") && !help.stdout.contains("csv"), "\(help.stdout)")
        #expect(try VitalsProcess.run(["explain", book.signals, "--model", book.churn, "--account", id, "--format", "csv"]).status == 64)
    }

    /// Small things: `features --list` in 80 columns, --top below 1, "an overrun model".
    @Test func catalogTopAndArticles() throws {
        let book = try Book.shared()
        let catalog = try VitalsProcess.run(["features", "--list"])
        #expect(catalog.status == 0 && catalog.stdout.contains("active_user_ratio_30d"))
        #expect(catalog.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(catalog.stdout.split(separator: "\n").first { $0.count > 80 } ?? "")")
        for command in ["at-risk", "projects"] {
            let zero = try VitalsProcess.run([command, book.signals, "--model", book.churn, "--top", "0"])
            #expect(zero.status == 64 && zero.stderr.contains("--top must be ≥ 1, got 0"), "\(zero.stderr)")
        }
        let wrong = try VitalsProcess.run(["projects", book.signals, "--model", book.churn])
        #expect(wrong.status == 65 && wrong.stderr.contains("is not an overrun model"), "\(wrong.stderr)")
    }
}
