import Foundation
import Testing
import VitalsTestSupport

@Suite struct SimulateCommandTests {
    /// simulate → validate, through the binary: the simulated directory obeys the contract.
    @Test func simulatedDirectoryValidates() throws {
        let dir = try TemporaryDirectory("simulate-cli")
        defer { dir.remove() }
        let signals = dir.path("signals"), truth = dir.path("truth")
        let simulate = try VitalsProcess.run([
            "simulate", "--out", signals, "--truth", truth, "--accounts", "150", "--months", "12", "--seed", "3",
        ])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        let validate = try VitalsProcess.run(["validate", signals])
        #expect(validate.status == 0, "\(validate.stdout)")
        #expect(validate.stdout.contains("accounts  150 ("))
        #expect(!validate.stdout.contains("absent"))  // all eight files are written
        #expect(FileManager.default.fileExists(atPath: truth))
        #expect(!FileManager.default.fileExists(atPath: signals + "/truth"))
    }

    @Test func sameSeedGivesByteIdenticalFiles() throws {
        let dir = try TemporaryDirectory("simulate-cli")
        defer { dir.remove() }
        for name in ["a", "b"] {
            let run = try VitalsProcess.run(["simulate", "--out", dir.path(name), "--accounts", "60", "--months", "6", "--seed", "9"])
            #expect(run.status == 0)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("a")).sorted()
        #expect(files.count == 8)
        for file in files {
            let a = try Data(contentsOf: URL(fileURLWithPath: dir.path("a/\(file)")))
            let b = try Data(contentsOf: URL(fileURLWithPath: dir.path("b/\(file)")))
            #expect(a == b, "\(file) differs")
        }
    }

    @Test func existingOutputIsRefusedWithoutForce() throws {
        let dir = try TemporaryDirectory("simulate-cli")
        defer { dir.remove() }
        let out = dir.path("signals")
        #expect(try VitalsProcess.run(["simulate", "--out", out, "--accounts", "20", "--months", "3"]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/accounts.csv"))
        let again = try VitalsProcess.run(["simulate", "--out", out, "--accounts", "30", "--months", "3"])
        #expect(again.status == 73)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/accounts.csv")) == before)
        let forced = try VitalsProcess.run(["simulate", "--out", out, "--accounts", "30", "--months", "3", "--force"])
        #expect(forced.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/accounts.csv")) != before)
    }

    @Test func badParametersExit64NamingTheOption() throws {
        let zero = try VitalsProcess.run(["simulate", "--out", "/tmp/never", "--accounts", "0"])
        #expect(zero.status == 64)
        #expect(zero.stderr.contains("accounts"))
        let date = try VitalsProcess.run(["simulate", "--out", "/tmp/never", "--start", "2024-02-30"])
        #expect(date.status == 64)
        #expect(date.stderr.contains("The value '2024-02-30' is invalid for '--start <YYYY-MM-DD>'"))
    }
}
