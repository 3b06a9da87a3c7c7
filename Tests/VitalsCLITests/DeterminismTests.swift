import Foundation
import Testing
import VitalsTestSupport

/// The same inputs, config and seed give byte-identical model and score files whatever
/// OPENBLAS_NUM_THREADS says and however many cores the process may use (README,
/// "Determinism"). Before OpenBLAS was pinned to one thread, the churn model trained here
/// differed in the last bits of its calibration knots between 1 and 2 threads.
@Suite struct DeterminismTests {
    static let book = BuiltOnce<TemporaryDirectory>()

    static func signals() throws -> String {
        try book.value { try VitalsProcess.simulatedBook(accounts: 1000, seed: 21, label: "determinism") }.path("signals")
    }

    static let taskset = "/usr/bin/taskset"

    /// Runs vitals with OPENBLAS_NUM_THREADS set, optionally confined to CPU 0 by taskset.
    func vitals(_ arguments: [String], threads: Int, oneCore: Bool = false) throws {
        let result: VitalsProcess.Output
        if oneCore {
            let executable = try #require(VitalsProcess.executable).path
            result = try VitalsProcess.run(arguments, environment: ["OPENBLAS_NUM_THREADS": "\(threads)"],
                                           launcher: [Self.taskset, "-c", "0", executable])
        } else {
            result = try VitalsProcess.run(arguments, environment: ["OPENBLAS_NUM_THREADS": "\(threads)"])
        }
        #expect(result.status == 0, "\(arguments.first ?? ""): \(result.stderr)")
    }

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test(arguments: ["churn", "overrun"])
    func modelsAndScoresAreByteIdenticalAcrossOpenBLASThreads(task: String) throws {
        let signals = try Self.signals()
        let tmp = try TemporaryDirectory("determinism-\(task)")
        defer { tmp.remove() }
        let config = Fixtures.packageRoot.appendingPathComponent("Training/\(task).yaml").path
        var runs: [(label: String, threads: Int, oneCore: Bool)] = [("one", 1, false), ("two", 2, false)]
        if task == "churn", FileManager.default.isExecutableFile(atPath: Self.taskset) { runs.append(("core0", 2, true)) }
        for run in runs {
            try vitals(["train", signals, "--config", config, "--until", "2025-06-30", "--out", tmp.path("\(run.label).json")],
                       threads: run.threads, oneCore: run.oneCore)
            try vitals(["score", signals, "--model", tmp.path("\(run.label).json"), "--out", tmp.path("scores-\(run.label)"), "--no-history"],
                       threads: run.threads, oneCore: run.oneCore)
        }
        let model = try bytes(tmp.path("one.json"))
        #expect(model.count > 1000)
        let scores = try FileManager.default.contentsOfDirectory(atPath: tmp.path("scores-one")).sorted()
        #expect(scores == ["\(task)-scores-2025-12-31.csv", "\(task)-scores-2025-12-31.jsonl"])
        for run in runs.dropFirst() {
            #expect(try bytes(tmp.path("\(run.label).json")) == model, "\(run.label): the model differs")
            for name in scores {
                #expect(try bytes(tmp.path("scores-\(run.label)/\(name)")) == bytes(tmp.path("scores-one/\(name)")), "\(run.label): \(name) differs")
            }
        }
    }
}
