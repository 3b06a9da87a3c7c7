// VitalsSimulation: a simulated book of business written as a signals directory (and its
// latent truth beside it), byte for byte the same for the same config and seed.

import Dispatch
import Foundation
import VitalsFoundation
import VitalsSignals

/// Simulates a book of business and writes it as a signals directory.
///
/// Every account has a latent monthly health (`LatentHealth`) moving as a
/// Markov chain tilted by its segment and size and, for six months, by an
/// implementation that overran. Usage, tickets, NPS and churn are drawn from
/// that health; projects from a hidden complexity. docs/SIMULATOR.md gives the
/// whole model with its parameters.
///
/// - Determinism: the same `SimulationConfig` gives byte-identical files, with
///   any number of `workers`: each account draws from its own random streams
///   and batches are written in account order.
/// - Cost: about 0.3 s per million usage rows in a release build on two cores;
///   memory for one batch of accounts per worker, whatever the size of the book.
public struct Simulator: Sendable {
    public let config: SimulationConfig
    /// Threads that generate accounts. Default: the active processor count, at most 8.
    /// The output does not depend on it.
    public var workers: Int

    /// Accounts generated as one unit of work and written together.
    static let batchSize = 256

    /// - Throws: `SimulationError.invalidParameter` when the configuration is out of range.
    public init(config: SimulationConfig) throws(SimulationError) {
        try config.validate()
        self.config = config
        workers = min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// Writes a complete signals directory (all eight files of the contract) and, when
    /// `truthDirectory` is given, the latent truth in a separate directory.
    ///
    /// Both are built in temporary siblings (`<dir>.tmp-<pid>`) and renamed into place
    /// once complete, so a failure leaves no partial directory; an existing directory
    /// is renamed aside and removed only after its replacement is in place. The signals
    /// directory is committed first: only a failure between the two renames could leave
    /// new signals beside an old (or missing) truth directory.
    ///
    /// - Throws: `SimulationError.destinationExists` when a directory exists and
    ///   `overwrite` is false (nothing is touched); `.overlappingDirectories` when the
    ///   truth directory is, is inside, or holds the signals directory;
    ///   `.writeFailed` when the file system refuses.
    public func write(signalsDirectory: String, truthDirectory: String?, overwrite: Bool) throws(SimulationError)
        -> SimulationSummary
    {
        if let truthDirectory, Self.overlap(signalsDirectory, truthDirectory) {
            throw .overlappingDirectories(signals: signalsDirectory, truth: truthDirectory)
        }
        for path in [signalsDirectory] + (truthDirectory.map { [$0] } ?? [])
        where FileManager.default.fileExists(atPath: path) && !overwrite {
            throw .destinationExists(path: path)
        }

        let signals = try StagedDirectory(destination: signalsDirectory)
        var truth: StagedDirectory?
        do throws(SimulationError) {
            if let truthDirectory { truth = try StagedDirectory(destination: truthDirectory) }
            var signalFiles: [StagedFile] = []
            for file in SignalsFile.allCases {
                signalFiles.append(try signals.create(file.fileName, header: file.canonicalHeader))
            }
            var truthFiles: [StagedFile] = []
            for file in TruthFile.allCases {
                if let truth { truthFiles.append(try truth.create(file.fileName, header: file.header)) }
            }
            let tally = run(withTruth: truth != nil) { batch in
                for (i, file) in SignalsFile.allCases.enumerated() { signalFiles[i].append(batch.bytes(file)) }
                for (i, file) in TruthFile.allCases.enumerated() where i < truthFiles.count {
                    truthFiles[i].append(batch.bytes(file))
                }
            }
            try signals.finish()
            try truth?.finish()
            try signals.commit()
            try truth?.commit()
            return summary(tally, bytes: signals.bytes, truthBytes: truth?.bytes ?? 0)
        } catch {
            signals.discard()
            truth?.discard()
            throw error
        }
    }

    /// The whole book in memory: each file's bytes, header included, exactly as `write`
    /// puts them on disk. Meant for tests and small books; `write` streams instead.
    public func generate(includeTruth: Bool = true) -> SimulatedBook {
        var signals = Dictionary(uniqueKeysWithValues: SignalsFile.allCases.map { ($0, Array(($0.canonicalHeader + "\n").utf8)) })
        var truth = includeTruth
            ? Dictionary(uniqueKeysWithValues: TruthFile.allCases.map { ($0, Array(($0.header + "\n").utf8)) }) : [:]
        let tally = run(withTruth: includeTruth) { batch in
            for file in SignalsFile.allCases { signals[file]!.append(contentsOf: batch.bytes(file)) }
            for file in TruthFile.allCases where includeTruth { truth[file]!.append(contentsOf: batch.bytes(file)) }
        }
        let bytes = signals.values.reduce(0) { $0 + $1.count }
        let truthBytes = truth.values.reduce(0) { $0 + $1.count }
        return SimulatedBook(signals: signals, truth: truth, summary: summary(tally, bytes: bytes, truthBytes: truthBytes))
    }

    /// Generates the accounts in batches, `workers` batches at a time, and hands each
    /// batch's rows to `emit` in account order.
    func run(withTruth: Bool, emit: (SimulationOutput) -> Void) -> SimulationTally {
        let batches = (config.accounts + Self.batchSize - 1) / Self.batchSize
        let parallel = max(1, min(workers, batches))
        var outputs = (0..<parallel).map { _ in SimulationOutput(withTruth: withTruth) }
        var tally = SimulationTally()
        let config = self.config
        var next = 0
        while next < batches {
            let round = min(parallel, batches - next)
            let first = next
            if round == 1 {
                Self.fill(&outputs[0], batch: first, config: config)
            } else {
                outputs.withUnsafeMutableBufferPointer { buffer in
                    // Each iteration owns one element: no two threads touch the same output.
                    let slots = UnsafeSendableBuffer(base: buffer.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: round) { i in
                        Self.fill(&slots.base[i], batch: first + i, config: config)
                    }
                }
            }
            for i in 0..<round {
                emit(outputs[i])
                tally.add(outputs[i].tally)
            }
            next += round
        }
        return tally
    }

    private static func fill(_ out: inout SimulationOutput, batch: Int, config: SimulationConfig) {
        out.reset()
        let lo = batch * batchSize, hi = min(config.accounts, lo + batchSize)
        for index in lo..<hi {
            AccountSimulation(index: index, config: config).write(into: &out)
        }
        out.tally.rows = out.signalsRows
    }

    private func summary(_ tally: SimulationTally, bytes: Int, truthBytes: Int) -> SimulationSummary {
        SimulationSummary(
            rows: Dictionary(uniqueKeysWithValues: zip(SignalsFile.allCases, tally.rows)),
            accounts: tally.accounts, churnedAccounts: tally.churnedAccounts, projects: tally.projects,
            completedProjects: tally.completedProjects, overrunProjects: tally.overrunProjects,
            activeProjects: tally.activeProjects, cancelledProjects: tally.cancelledProjects,
            firstDay: config.start, exportDay: config.end, bytes: bytes, truthBytes: truthBytes)
    }

    /// Whether two directories are the same or one lies inside the other, after
    /// making both absolute and resolving `.`, `..` and symbolic links.
    static func overlap(_ a: String, _ b: String) -> Bool {
        func normal(_ path: String) -> String {
            let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
            let p = url.path
            return p.hasSuffix("/") && p.count > 1 ? String(p.dropLast()) : p
        }
        let x = normal(a), y = normal(b)
        return x == y || x.hasPrefix(y == "/" ? y : y + "/") || y.hasPrefix(x == "/" ? x : x + "/")
    }
}

/// A pointer handed to `concurrentPerform`'s iterations, each of which writes only its own element.
private struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

/// A whole simulated book in memory (`Simulator.generate`).
public struct SimulatedBook: Sendable {
    /// Each signals file's bytes, header included.
    public var signals: [SignalsFile: [UInt8]]
    /// Each truth file's bytes, header included; empty when the truth was not asked for.
    public var truth: [TruthFile: [UInt8]]
    public var summary: SimulationSummary
}
