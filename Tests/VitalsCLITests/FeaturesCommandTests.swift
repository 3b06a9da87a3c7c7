import Foundation
import Testing
import VitalsTestSupport

/// `vitals features` on a small simulated book, as a data team runs it.
@Suite(.serialized) struct FeaturesCommandTests {
    @Test func catalogSnapshotTablesAndErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let signals = directory.path("signals")
        let simulated = try VitalsProcess.run(["simulate", "--out", signals, "--accounts", "150", "--months", "12", "--seed", "5"])
        #expect(simulated.status == 0, "\(simulated.stderr)")

        let list = try VitalsProcess.run(["features", "--list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("active_user_ratio_30d"))
        #expect(list.stdout.contains("burn_rate"))
        #expect(list.stdout.split(separator: "\n").count > 50)

        let one = directory.path("asof.csv")
        let asOf = try VitalsProcess.run(["features", signals, "--task", "churn", "--as-of", "2024-09-30", "--out", one])
        #expect(asOf.status == 0, "\(asOf.stderr)")
        let lines = try String(contentsOfFile: one, encoding: .utf8).split(separator: "\n")
        #expect(lines[0].hasPrefix("account_id,as_of,tenure_days,days_to_renewal,log_arr,seats,"))
        #expect(lines[0].hasSuffix(",label"))
        #expect(lines.count > 100 && lines.dropFirst().allSatisfy { $0.contains(",2024-09-30,") })
        #expect(asOf.stdout.contains("over 1 snapshot date (2024-09-30 … 2024-09-30)"))

        let range = directory.path("range.csv")
        let snapshots = try VitalsProcess.run(["features", signals, "--task", "overrun", "--from", "2024-04-01", "--to", "2024-12-31",
                                               "--labelled-only", "--out", range])
        #expect(snapshots.status == 0, "\(snapshots.stderr)")
        #expect(snapshots.stdout.contains("left out:") && snapshots.stdout.contains("censored"))
        let rows = try String(contentsOfFile: range, encoding: .utf8).split(separator: "\n")
        #expect(rows[0].hasPrefix("project_id,as_of,timesheets_missing,elapsed_share"))
        #expect(rows.dropFirst().allSatisfy { $0.hasSuffix(",1") || $0.hasSuffix(",0") })

        // Refuses to overwrite, and rejects bad arguments with usage errors.
        #expect(try VitalsProcess.run(["features", signals, "--as-of", "2024-09-30", "--out", one]).status == 73)
        let badDate = try VitalsProcess.run(["features", signals, "--as-of", "30/09/2024", "--out", directory.path("x.csv")])
        #expect(badDate.status == 64 && badDate.stderr.contains("The value '30/09/2024' is invalid for '--as-of <YYYY-MM-DD>'"))
        let badTask = try VitalsProcess.run(["features", signals, "--task", "renewal", "--as-of", "2024-09-30", "--out", directory.path("x.csv")])
        #expect(badTask.status == 64)
        let missing = try VitalsProcess.run(["features", directory.path("nowhere"), "--as-of", "2024-09-30", "--out", directory.path("x.csv")])
        #expect(missing.status == 66)
    }
}
