import Foundation
import Testing
import VitalsTestSupport

@Suite struct ValidateCommandTests {
    @Test func validDirectoryExitsZeroWithSummary() throws {
        let result = try VitalsProcess.run(["validate", Fixtures.path("signals/valid")])
        #expect(result.status == 0)
        #expect(result.stdout.contains(": valid"))
        #expect(result.stdout.contains("accounts  4 (1 churned)"))
        #expect(result.stdout.contains("usage.csv                  4"))
        #expect(result.stdout.contains("accounts.csv: ignoring unknown column: region"))
    }

    @Test func skipInvalidExitsZeroAndCountsSkippedRows() throws {
        let result = try VitalsProcess.run(["validate", "--skip-invalid", Fixtures.path("bad/ragged-row")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("accounts.csv: 2 wrong number of fields"))
        #expect(result.stdout.contains("accounts.csv               1"))
    }

    @Test func problemListIsCappedWithACount() throws {
        let result = try VitalsProcess.run(["validate", "--max-problems", "1", Fixtures.path("bad/ragged-row")])
        #expect(result.status == 65)
        #expect(result.stdout.contains("accounts.csv:3: row: has 4 fields; the header has 3\n… and 1 more problem\n"))
        #expect(!result.stdout.contains("accounts.csv:4:"))
    }

    @Test func unreadableDirectoryExits66() throws {
        let result = try VitalsProcess.run(["validate", "/nonexistent/signals"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("/nonexistent/signals: no such directory"))
    }

    @Test func badUsageExits64() throws {
        let result = try VitalsProcess.run(["validate"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Missing expected argument '<directory>'"))
    }
}
