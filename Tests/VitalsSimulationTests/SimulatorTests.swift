import Foundation
import Testing
import VitalsSignals
import VitalsSimulation
import VitalsTestSupport

@Suite struct SimulatorTests {
    @Test func sameSeedWritesByteIdenticalFilesAndAnotherSeedDoesNot() throws {
        let dir = try TemporaryDirectory("simulator")
        defer { dir.remove() }
        let config = SimulationConfig(accounts: 120, months: 12, seed: 5)
        _ = try Simulator(config: config).write(signalsDirectory: dir.path("a"), truthDirectory: dir.path("ta"), overwrite: false)
        _ = try Simulator(config: config).write(signalsDirectory: dir.path("b"), truthDirectory: dir.path("tb"), overwrite: false)
        var other = config
        other.seed = 6
        _ = try Simulator(config: other).write(signalsDirectory: dir.path("c"), truthDirectory: nil, overwrite: false)
        for file in SignalsFile.allCases {
            let a = try Data(contentsOf: URL(fileURLWithPath: dir.path("a/\(file.fileName)")))
            let b = try Data(contentsOf: URL(fileURLWithPath: dir.path("b/\(file.fileName)")))
            #expect(a == b, "\(file.fileName) differs between runs with the same seed")
        }
        for name in ["account_months.csv", "accounts.csv", "projects.csv"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("ta/\(name)")))
                == Data(contentsOf: URL(fileURLWithPath: dir.path("tb/\(name)"))))
        }
        let usageA = try Data(contentsOf: URL(fileURLWithPath: dir.path("a/usage.csv")))
        let usageC = try Data(contentsOf: URL(fileURLWithPath: dir.path("c/usage.csv")))
        #expect(usageA != usageC)
        // Without a truth directory nothing but the signals directories appears (no truth, no leftovers).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a", "b", "c", "ta", "tb"])
    }

    @Test(arguments: [
        (SimulationConfig(accounts: 0), "accounts"),
        (SimulationConfig(accounts: 1_000_001), "accounts"),
        (SimulationConfig(months: 0), "months"),
        (SimulationConfig(months: 121), "months"),
        (SimulationConfig(start: Day("1850-01-01")!), "start"),
    ])
    func invalidParametersAreRejectedUpFront(config: SimulationConfig, parameter: String) {
        #expect {
            try Simulator(config: config)
        } throws: { error in
            guard case .invalidParameter(let name, _, _) = error as? SimulationError else { return false }
            return name == parameter
        }
    }

    @Test func existingDestinationIsLeftAloneUnlessOverwriting() throws {
        let dir = try TemporaryDirectory("simulator")
        defer { dir.remove() }
        let out = dir.path("signals")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try dir.write("signals/keep.txt", "mine")
        let simulator = try Simulator(config: SimulationConfig(accounts: 10, months: 3))
        #expect(throws: SimulationError.destinationExists(path: out)) {
            try simulator.write(signalsDirectory: out, truthDirectory: nil, overwrite: false)
        }
        #expect(try String(contentsOfFile: out + "/keep.txt", encoding: .utf8) == "mine")
        _ = try simulator.write(signalsDirectory: out, truthDirectory: nil, overwrite: true)
        #expect(!FileManager.default.fileExists(atPath: out + "/keep.txt"))
        #expect(FileManager.default.fileExists(atPath: out + "/accounts.csv"))
        // No temporary or retired directories are left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test func headersAreTheContractsAndTheReaderFindsNoProblem() throws {
        let world = try SimulatedWorld.shared()
        for file in SignalsFile.allCases {
            let text = try String(contentsOfFile: world.signals + "/" + file.fileName, encoding: .utf8)
            #expect(text.prefix(while: { $0 != "\n" }) == Substring(file.canonicalHeader))
        }
        #expect(world.report.problemCount == 0)
        #expect(world.report.warnings.isEmpty)
        let d = world.dataset
        #expect(d.accounts.count == SimulatedWorld.config.accounts)
        // Nothing is dated after the export day.
        let end = SimulatedWorld.config.end
        #expect(d.usage!.date.allSatisfy { $0 <= end })
        #expect(d.timesheets!.date.allSatisfy { $0 <= end })
        #expect(d.tickets!.closedAt!.raw.allSatisfy { $0 == DayColumn.missing || $0 <= end.ordinal })
        #expect(d.accounts.churnDate!.raw.allSatisfy { $0 == DayColumn.missing || $0 <= end.ordinal })
        // No usage on or after an account's churn day.
        for (a, day) in zip(d.usage!.account, d.usage!.date) {
            if let churn = d.accounts.churnDate?[Int(a)] { #expect(day < churn) }
        }
        // Renewal dates only for accounts still customers at the export, and after it.
        for row in 0..<d.accounts.count {
            #expect((d.accounts.renewalDate?[row] == nil) == (d.accounts.churnDate?[row] != nil))
            if let renewal = d.accounts.renewalDate?[row] { #expect(renewal > end) }
        }
    }
}
