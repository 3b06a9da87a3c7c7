import Foundation
import Testing
import VitalsFoundation
import VitalsSignals
import VitalsTestSupport

@testable import VitalsSimulation

@Suite struct SimulatorTests {
    private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    private func entries(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    private static let allFileNames = (SignalsFile.allCases.map(\.fileName)).sorted()
    private static let truthFileNames = TruthFile.allCases.map(\.fileName).sorted()

    @Test func sameSeedWritesByteIdenticalFilesAndAnotherSeedDoesNot() throws {
        let dir = try TemporaryDirectory("simulator")
        defer { dir.remove() }
        let config = SimulationConfig(accounts: 300, months: 18, seed: 5)
        _ = try Simulator(config: config).write(signalsDirectory: dir.path("a"), truthDirectory: dir.path("ta"), overwrite: false)
        _ = try Simulator(config: config).write(signalsDirectory: dir.path("b"), truthDirectory: dir.path("tb"), overwrite: false)
        var other = config
        other.seed = 6
        _ = try Simulator(config: other).write(signalsDirectory: dir.path("c"), truthDirectory: nil, overwrite: false)

        #expect(try entries(dir.path("a")) == Self.allFileNames)
        #expect(try entries(dir.path("ta")) == Self.truthFileNames)
        for name in Self.allFileNames {
            let a = try bytes(dir.path("a/" + name)), b = try bytes(dir.path("b/" + name))
            #expect(a.count > 100, "\(name) holds rows")
            #expect(a == b, "\(name) differs between runs with the same seed")
            #expect(a != (try bytes(dir.path("c/" + name))), "\(name) is the same under another seed")
        }
        for name in Self.truthFileNames {
            #expect(try bytes(dir.path("ta/" + name)) == bytes(dir.path("tb/" + name)), "truth \(name) differs")
        }
        // Without a truth directory nothing else appears: no truth, no temporary leftovers.
        #expect(try entries(dir.path) == ["a", "b", "c", "ta", "tb"])
    }

    /// Each account draws from its own streams and is written in order, so a smaller book
    /// is a byte prefix of a larger one with the same seed and window, file by file, and
    /// the number of worker threads changes nothing.
    @Test func accountsAreIndependentOfBookSizeAndOfThreads() throws {
        let small = try Simulator(config: SimulationConfig(accounts: 150, months: 12, seed: 9)).generate()
        var large = try Simulator(config: SimulationConfig(accounts: 700, months: 12, seed: 9))
        large.workers = 1
        let sequential = large.generate()
        large.workers = 3
        let parallel = large.generate()
        for file in SignalsFile.allCases {
            let s = small.signals[file]!, l = sequential.signals[file]!
            #expect(l.count > s.count && l.starts(with: s), "\(file.fileName) of 150 accounts is not a prefix of 700's")
            #expect(parallel.signals[file]! == l, "\(file.fileName) depends on the number of workers")
        }
        for file in TruthFile.allCases {
            #expect(sequential.truth[file]!.starts(with: small.truth[file]!))
            #expect(parallel.truth[file]! == sequential.truth[file]!)
        }
        #expect(parallel.summary == sequential.summary)
    }

    @Test func inMemoryBookEqualsTheWrittenFiles() throws {
        let dir = try TemporaryDirectory("simulator")
        defer { dir.remove() }
        let simulator = try Simulator(config: SimulationConfig(accounts: 80, months: 9, seed: 3))
        let summary = try simulator.write(signalsDirectory: dir.path("s"), truthDirectory: dir.path("t"), overwrite: false)
        let book = simulator.generate()
        for file in SignalsFile.allCases {
            #expect(try bytes(dir.path("s/" + file.fileName)) == Data(book.signals[file]!))
            // Rows in the summary are data lines: the file's lines minus the header.
            let lines = book.signals[file]!.filter { $0 == UInt8(ascii: "\n") }.count
            #expect(summary.rows[file] == lines - 1)
        }
        for file in TruthFile.allCases {
            #expect(try bytes(dir.path("t/" + file.fileName)) == Data(book.truth[file]!))
        }
        #expect(summary.bytes == SignalsFile.allCases.reduce(0) { $0 + book.signals[$1]!.count })
        #expect(summary == book.summary)
    }

    @Test(arguments: [
        (SimulationConfig(accounts: 0), "accounts"),
        (SimulationConfig(accounts: -5), "accounts"),
        (SimulationConfig(accounts: 1_000_001), "accounts"),
        (SimulationConfig(months: 0), "months"),
        (SimulationConfig(months: 121), "months"),
        (SimulationConfig(start: Day("1850-01-01")!), "start"),
        (SimulationConfig(months: 120, start: Day("2195-06-01")!), "start"),
    ])
    func invalidParametersAreRejectedUpFrontNamingTheParameter(config: SimulationConfig, parameter: String) {
        #expect {
            try Simulator(config: config)
        } throws: { error in
            guard let error = error as? SimulationError, case .invalidParameter(let name, _, _) = error else { return false }
            return name == parameter && error.description.contains(parameter)
        }
    }

    @Test func extremeValidParametersWork() throws {
        let dir = try TemporaryDirectory("simulator")
        defer { dir.remove() }
        for (k, config) in [SimulationConfig(accounts: 1, months: 1, seed: 0), SimulationConfig(accounts: 3, months: 120, seed: .max),
                            SimulationConfig(accounts: 40, months: 1, start: Day("2024-02-29")!)].enumerated() {
            let summary = try Simulator(config: config).write(signalsDirectory: dir.path("s\(k)"), truthDirectory: nil, overwrite: false)
            #expect(summary.accounts == config.accounts)
            #expect(summary.exportDay == config.start.adding(months: config.months) - 1)
            let read = try SignalsReader().read(directory: dir.path("s\(k)"))
            #expect(read.report.problemCount == 0)
            #expect(read.dataset.accounts.count == config.accounts)
        }
    }

    @Test func existingDestinationIsLeftAloneUnlessOverwriting() throws {
        let dir = try TemporaryDirectory("simulator")
        defer { dir.remove() }
        let out = dir.path("signals"), truth = dir.path("truth")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try dir.write("signals/keep.txt", "mine")
        let simulator = try Simulator(config: SimulationConfig(accounts: 10, months: 3))
        #expect(throws: SimulationError.destinationExists(path: out)) {
            try simulator.write(signalsDirectory: out, truthDirectory: truth, overwrite: false)
        }
        #expect(try entries(out) == ["keep.txt"])
        #expect(try String(contentsOfFile: out + "/keep.txt", encoding: .utf8) == "mine")
        #expect(try entries(dir.path) == ["signals"], "nothing was created beside it, not even the truth")

        // An existing truth directory is refused too, before the signals are touched.
        try FileManager.default.createDirectory(atPath: truth, withIntermediateDirectories: true)
        #expect(throws: SimulationError.destinationExists(path: truth)) {
            try simulator.write(signalsDirectory: dir.path("fresh"), truthDirectory: truth, overwrite: false)
        }
        #expect(try entries(dir.path) == ["signals", "truth"])

        _ = try simulator.write(signalsDirectory: out, truthDirectory: truth, overwrite: true)
        #expect(try entries(out) == Self.allFileNames)
        #expect(try entries(truth) == Self.truthFileNames)
        #expect(try entries(dir.path) == ["signals", "truth"], "no temporary or retired directory is left")
    }

    @Test func truthMustBeOutsideTheSignalsDirectory() throws {
        let dir = try TemporaryDirectory("simulator")
        defer { dir.remove() }
        let simulator = try Simulator(config: SimulationConfig(accounts: 5, months: 2))
        let out = dir.path("signals")
        for truth in [out, out + "/truth", out + "/./nested/../truth", dir.path("."), dir.path("signals/")] {
            #expect(throws: SimulationError.overlappingDirectories(signals: out, truth: truth)) {
                try simulator.write(signalsDirectory: out, truthDirectory: truth, overwrite: true)
            }
        }
        #expect(try entries(dir.path).isEmpty, "a refused write creates nothing")
        _ = try simulator.write(signalsDirectory: out + "/", truthDirectory: dir.path("signals-truth/"), overwrite: false)
        #expect(try entries(dir.path) == ["signals", "signals-truth"])
        #expect(try entries(out) == Self.allFileNames)
    }

    @Test func aFailedWriteLeavesNothingBehind() throws {
        let dir = try TemporaryDirectory("simulator")
        defer { dir.remove() }
        try dir.write("plain-file", "not a directory")
        let simulator = try Simulator(config: SimulationConfig(accounts: 5, months: 2))
        #expect {
            try simulator.write(signalsDirectory: dir.path("plain-file/signals"), truthDirectory: nil, overwrite: false)
        } throws: { error in
            guard case .writeFailed = error as? SimulationError else { return false }
            return true
        }
        #expect(try entries(dir.path) == ["plain-file"])
    }
}
