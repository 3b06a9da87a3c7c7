import Foundation
import Testing
import VitalsFoundation
@testable import VitalsSignals
import VitalsTestSupport

@Suite struct SignalsReaderTests {
    /// accounts.csv of the valid fixture has a BOM, CRLF, shuffled and upper-case
    /// headers, an unknown column, quoted commas, escaped quotes, a line break in
    /// a field, a blank line, timestamps and no final newline.
    @Test func validFixtureIsReadIntoTypedColumns() throws {
        let result = try SignalsReader().read(directory: Fixtures.path("signals/valid"))
        let d = result.dataset
        #expect(d.accounts.accountID == ["A1", "A2", "A3", "A4"])
        #expect(d.accounts.name?[0] == "Acme, \"Rockets\" Inc")
        #expect(d.accounts.name?[1] == "Globex\r\nEast")
        #expect(d.accounts.name?[3] == "Umbrella ☂")
        #expect(d.accounts.segment?.levels == ["Enterprise", "SMB", "Mid-Market"])
        #expect(d.accounts.segment?.codes == [0, 1, 2, 1])
        #expect(d.accounts.csm?[2] == nil)
        #expect(d.accounts.arr?.raw[0] == 120_000.50)
        #expect(d.accounts.arr?[2] == nil)
        #expect(d.accounts.seats?.raw == [250, 12, 40, CountColumn.missing])
        #expect(d.accounts.contractStart.map(\.description) == ["2023-01-15", "2023-06-01", "2024-02-29", "2023-03-11"])
        #expect(d.accounts.renewalDate?[1] == nil)
        #expect(d.accounts.churnDate?[1]?.description == "2024-08-31")
        #expect(result.report[.accounts].unknownColumns == ["region"])
        // The quoted name with a line break is kept, and warned about: a terminal would act on it.
        #expect(result.report.warnings == ["accounts.csv: ignoring unknown column: region",
                                           "accounts.csv: name: 1 value holds control characters (such as \"Globex\\r\\nEast\"); they are kept, and shown escaped on a terminal"])
        #expect(result.report[.accounts].rowsRead == 4)

        let usage = try #require(d.usage)
        #expect(usage.account == [0, 0, 1, 2])
        #expect(usage.activeUsers?.raw == [120, 5, 0, 7])  // " 7 " is trimmed
        #expect(usage.sessions == nil)  // absent column, not zeros
        #expect(usage.workflowsCompleted?.raw == [35, CountColumn.missing, 0, CountColumn.missing])

        let tickets = try #require(d.tickets)
        #expect(tickets.priority == [.urgent, .normal, .low])
        #expect(tickets.slaBreached?.raw == [1, 0, 1])
        #expect(tickets.escalated?.raw == [0, 0, 1])
        #expect(tickets.csat?.raw == [2, -1, 5])
        #expect(tickets.closedAt?[1] == nil)

        #expect(d.nps?.score == [9, 0])
        #expect(d.nps?.respondent?[1] == nil)

        let projects = try #require(d.projects)
        #expect(projects.status == [.completed, .active, .cancelled])  // P1 and P2 derived from actual_end_date
        #expect(projects.budgetHours == [400, 120.5, 80])
        #expect(projects.account == [0, 0, 1])

        #expect(d.timesheets?.hours == [7.5, 8, 0])
        #expect(d.timesheets?.project == [0, 0, 1])
        #expect(d.milestones?.milestone[1] == "Go-live, phase 1")
        #expect(d.milestones?.completedDate?[2] == nil)
        #expect(d.changeOrders?.hoursAdded == [40, -12.25])
        #expect(d.changeOrders?.reason?[0] == "extra \"SSO\" scope")
    }

    @Test(arguments: Fixtures.invalidSignalCases)
    func invalidFixtureReportsExactlyTheExpectedProblems(name: String) throws {
        let (dir, expected) = try Fixtures.invalidSignalCase(name)
        let error = try #require(throws: SignalsValidationError.self) {
            try SignalsReader().read(directory: dir)
        }
        #expect(error.problems.map(\.description) == expected)
        #expect(error.report.problemCount == expected.count)
    }

    /// One failing fixture per rule: together the fixtures break every rule the reader knows.
    @Test func fixturesCoverEveryRule() throws {
        var seen = Set<SignalsRule>()
        #expect(Fixtures.invalidSignalCases.count >= SignalsRule.allCases.count)
        for name in Fixtures.invalidSignalCases {
            do {
                _ = try SignalsReader().read(directory: Fixtures.path("bad/\(name)"))
            } catch let error as SignalsValidationError {
                seen.formUnion(error.problems.map(\.rule))
            }
        }
        let missing = SignalsRule.allCases.filter { !seen.contains($0) }
        #expect(missing.isEmpty, "rules without a failing fixture: \(missing)")
    }

    @Test func skipInvalidDropsBadRowsAndCountsThemPerRule() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("accounts.csv", "account_id,contract_start,seats\nA1,2024-01-01,3\nA2,2024-13-01,3\nA3,2024-01-01,-1\nA1,2024-01-01,4\nA4,2024-01-01,5\n")
        try dir.write("usage.csv", "account_id,date,sessions\nA1,2024-01-02,1\nA2,2024-01-02,1\nA4,2024-01-02,x\nA4,2024-01-03,2\n")
        #expect(throws: SignalsValidationError.self) { try SignalsReader().read(directory: dir.path) }

        let result = try SignalsReader(options: .init(skipInvalid: true)).read(directory: dir.path)
        #expect(result.dataset.accounts.accountID == ["A1", "A4"])
        #expect(result.dataset.accounts.seats?.raw == [3, 5])
        #expect(result.report[.accounts].skipped == [.invalidDate: 1, .invalidCount: 1, .duplicateKey: 1])
        // A2 was skipped, so its usage row names an unknown account and is skipped too.
        #expect(result.report[.usage].skipped == [.unknownAccount: 1, .invalidCount: 1])
        #expect(result.dataset.usage?.account == [0, 1])
        #expect(result.dataset.usage?.date.map(\.description) == ["2024-01-02", "2024-01-03"])
        #expect(result.report.problemCount == 5)
    }

    @Test func fileLevelProblemsFailEvenWhenSkipping() throws {
        let dir = Fixtures.path("bad/missing-required-column")
        #expect(throws: SignalsValidationError.self) {
            try SignalsReader(options: .init(skipInvalid: true)).read(directory: dir)
        }
    }

    @Test func problemsAreCappedButAllCounted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let rows = (1...30).map { "A\($0),not-a-date" }.joined(separator: "\n")
        try dir.write("accounts.csv", "account_id,contract_start\n" + rows + "\n")
        let error = try #require(throws: SignalsValidationError.self) {
            try SignalsReader(options: .init(maxStoredProblems: 10)).read(directory: dir.path)
        }
        #expect(error.problems.count == 10)
        #expect(error.report.problemCount == 30)
        #expect(error.problems.last?.line == 11)
        #expect(error.description.hasSuffix("… and 20 more problems\n30 problems found"))
    }

    @Test func aMissingDirectoryIsAnIOError() {
        #expect(throws: SignalsIOError(path: "/nonexistent/signals", reason: "no such directory")) {
            try SignalsReader().read(directory: "/nonexistent/signals")
        }
    }

    @Test func decimalsAreCorrectlyRounded() throws {
        // Compare with the standard library's correctly rounded parser, across fast and slow paths.
        var rng = SeededGenerator(seed: 11)
        var texts: [String] = ["0.1", "0.30000000000000004", "1e3", "2.5E-3", "-0.0", "+7", "5.", ".5",
                               "123456789012345678", "0.000000000000000000000001234", "9007199254740993"]
        for _ in 0..<300 {
            let whole = UInt64.random(in: 0...999_999_999, using: &rng)
            let fraction = UInt64.random(in: 0...999_999_999, using: &rng)
            texts.append("\(whole).\(String(fraction).padding(toLength: Int.random(in: 1...12, using: &rng), withPad: "0", startingAt: 0))")
        }
        // Every text through the parser; those within ARR's plausible range (up to 10¹²) through the reader too.
        for text in texts {
            let parsed = Array(text.utf8).withUnsafeBufferPointer { FieldParsers.decimal($0) }
            #expect(parsed == Double(text)!, "\(text)")
        }
        let plausible = texts.map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 }.filter { Double($0)! <= 1e12 }
        #expect(plausible.count >= 300)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("accounts.csv", "account_id,contract_start,arr\n"
            + plausible.enumerated().map { "A\($0),2024-01-01,\($1)" }.joined(separator: "\n"))
        let arr = try SignalsReader().read(directory: dir.path).dataset.accounts.arr!.raw
        for (text, value) in zip(plausible, arr) { #expect(value == Double(text)!, "\(text)") }
    }
}
