import Foundation
import Testing
import VitalsTestSupport

/// The bad-input corpus (`Tests/Fixtures/bad`, one directory per case with its `expected.txt`)
/// through the built binary: each case is refused with exactly its `file:line: column: message`
/// lines and exit code 65, and a refused run writes nothing and leaves earlier outputs alone.
@Suite struct BadInputCorpusTests {
    /// The problem lines of a run's output (`accounts.csv:3: name: …`, or `accounts.csv: …` for a missing file).
    static func problemLines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter {
            $0.range(of: #"^[a-z_]+\.csv(\.gz)?(:[0-9]+)?: "#, options: .regularExpression) != nil
        }
    }

    @Test(arguments: Fixtures.invalidSignalCases)
    func validatePrintsExactlyTheExpectedProblems(name: String) throws {
        let (dir, expected) = try Fixtures.invalidSignalCase(name)
        let result = try VitalsProcess.run(["validate", dir])
        #expect(result.status == 65)
        #expect(Self.problemLines(result.stdout) == expected)
        #expect(result.stdout.hasSuffix("invalid, \(expected.count) problem\(expected.count == 1 ? "" : "s")\n"))
    }

    /// `vitals score` on a broken directory: exit 65, the same problems on standard error, no
    /// score file, no history, and the score file already in the output directory untouched.
    @Test(arguments: Fixtures.invalidSignalCases)
    func scoreRefusesAndWritesNothing(name: String) throws {
        let (dir, expected) = try Fixtures.invalidSignalCase(name)
        let tmp = try TemporaryDirectory("bad-input")
        defer { tmp.remove() }
        let out = tmp.path("scores")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let earlier = Array("account_id,as_of,probability\nA1,2025-01-31,0.25\n".utf8)
        try Data(earlier).write(to: URL(fileURLWithPath: out + "/churn-scores-2025-01-31.csv"))

        let model = Fixtures.packageRoot.appendingPathComponent("Models/churn.json").path
        let result = try VitalsProcess.run(["score", dir, "--model", model, "--out", out])
        #expect(result.status == 65)
        #expect(result.stderr.contains("\(dir) breaks the signals contract:\n"))
        #expect(Self.problemLines(result.stderr) == expected)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["churn-scores-2025-01-31.csv"])
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: out + "/churn-scores-2025-01-31.csv"))) == earlier)
    }

    /// Lines ending in \n and in \r\n may be mixed in one file (exports joined from two systems);
    /// only a bare \r is refused, as the mixed-line-endings case shows.
    @Test func lineFeedAndCarriageReturnLineFeedMayBeMixed() throws {
        let tmp = try TemporaryDirectory("mixed-endings")
        defer { tmp.remove() }
        try tmp.write("accounts.csv", "account_id,name,contract_start\r\nA1,Acme,2024-01-01\nA2,Globex,2024-02-01\r\nA3,Initech,2024-03-01\n")
        let result = try VitalsProcess.run(["validate", tmp.path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("accounts  3 (0 churned)"))
    }

    /// The corpus holds every case the reliability issue lists, by name.
    @Test func corpusHoldsTheListedCases() {
        let listed = [
            "unterminated-quote", "ragged-row", "invalid-utf8", "nul-byte", "missing-header", "repeated-header",
            "duplicate-column", "empty-file", "header-only", "long-field", "mixed-line-endings", "invalid-integer",
            "invalid-number", "invalid-boolean", "invalid-count", "out-of-range", "closed-before-opened", "duplicate-key",
            "unknown-account", "unknown-project", "invalid-date", "century-off-date", "non-finite-number", "not-csv",
        ]
        #expect(Set(listed).subtracting(Fixtures.invalidSignalCases).isEmpty)
    }
}
