import Crypto
import Foundation
import Logging
import VitalsFoundation
import VitalsHistory

/// The folder score files go to, written as one unit with the score history.
///
/// A publication is whole or absent, together:
/// 1. every file is written beside its target and flushed (`AtomicFile.prepare`), and a
///    journal naming them, the history and the CSV's SHA-256 is written;
/// 2. the run is appended to the history in one transaction (which waits up to
///    `ScoreHistory.busyTimeout` for readers), and right after its commit, with interrupts
///    held off, every file is renamed over its target and the journal removed.
///
/// A failure before the commit removes the new files and leaves folder and history as they
/// were. A process killed between the commit and the last rename leaves the journal: the
/// next writer of the folder (under its lock) finds the run in the history by the SHA-256
/// and puts the remaining files in place; a process killed before the commit leaves a
/// journal whose run the history lacks, and the next writer removes its files. One writer
/// holds a folder at a time (an exclusive lock on the directory; others wait).
public struct ScoreFolder: Sendable {
    public let directory: String

    /// The journal of a publication in progress.
    static let journalName = ".vitals-publish.journal"
    /// How long a second writer waits for the folder before giving up.
    public static let lockWait: TimeInterval = 15 * 60

    public init(directory: String) { self.directory = directory }

    /// A publication's journal.
    struct Journal: Codable {
        struct Entry: Codable { let temporary: String; let target: String }
        let pid: Int32
        let history: String?
        let scoreFileSHA256: String?
        let files: [Entry]
    }

    /// The folder's exclusive lock, held until released (or the process ends).
    public final class Lock: @unchecked Sendable {
        let fd: Int32
        init(fd: Int32) { self.fd = fd }
        public func release() {
            flock(fd, LOCK_UN)
            close(fd)
        }
    }

    /// A folder that cannot be written, or was left inconsistent, said in words.
    public struct Failure: Error, CustomStringConvertible {
        public let directory: String
        public let reason: String
        /// The history had committed the run when this happened (its journal finishes it later).
        public var afterCommit = false
        public var description: String { "\(directory): \(reason)" }
    }

    /// Creates the folder when missing; returns whether it did.
    public func create() throws -> Bool {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw AtomicFile.WriteError(path: directory, reason: "exists and is not a directory") }
            return false
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AtomicFile.WriteError(path: directory, reason: "cannot create the directory")
        }
        return true
    }

    /// Takes the folder's lock, waiting for another writer up to `lockWait` (and saying so).
    public func lock(logger: Logger = .silent) throws -> Lock {
        let fd = open(directory, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw AtomicFile.WriteError(path: directory, reason: "cannot open the directory: \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return Lock(fd: fd) }
        logger.notice("waiting for another vitals writing to \(directory)")
        let deadline = Date().addingTimeInterval(Self.lockWait)
        while Date() < deadline {
            usleep(100_000)
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return Lock(fd: fd) }
        }
        close(fd)
        throw Failure(directory: directory, reason: "another vitals kept writing to this folder for \(Int(Self.lockWait / 60)) minutes; nothing was written")
    }

    /// Finishes or undoes a publication that a killed process left (call it holding the lock).
    /// Returns what it did, or nil when there was nothing to do.
    public func recover() throws -> String? {
        let path = (directory as NSString).appendingPathComponent(Self.journalName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let journal = try? JSONDecoder().decode(Journal.self, from: data) else {
            unlink(path)
            return "removed an unreadable publication journal"
        }
        var committed = true
        if let history = journal.history, let sha = journal.scoreFileSHA256 {
            committed = FileManager.default.fileExists(atPath: history)
                && ((try? ScoreHistory(path: history, access: .read).hasRun(scoreFileSHA256: sha)) ?? false)
        }
        var moved = 0
        for file in journal.files where FileManager.default.fileExists(atPath: file.temporary) {
            if committed {
                guard rename(file.temporary, file.target) == 0 else {
                    throw Failure(directory: directory, reason: "cannot finish the interrupted run of process \(journal.pid): "
                                  + "\(file.target): \(String(cString: strerror(errno)))")
                }
                moved += 1
            } else {
                unlink(file.temporary)
            }
        }
        AtomicFile.syncDirectory(directory)
        unlink(path)
        return committed
            ? "finished the run process \(journal.pid) was writing when it stopped (\(moved) file\(moved == 1 ? "" : "s") put in place)"
            : "undid the run process \(journal.pid) was writing when it stopped (its history run was never committed)"
    }

    /// What a publication records in the history.
    public struct HistoryRun {
        public let history: ScoreHistory
        public var run: ScoreHistory.Run
        public let scores: [ScoreHistory.Score]

        public init(history: ScoreHistory, run: ScoreHistory.Run, scores: [ScoreHistory.Score]) {
            self.history = history
            self.run = run
            self.scores = scores
        }
    }

    /// One file of a publication: its name, and what hands over its bytes in order (so a large
    /// score file goes to disk as it is formatted, never whole in memory).
    public struct Output: Sendable {
        /// Calls `emit` with the file's bytes, piece by piece, in order.
        public typealias Producer = @Sendable (_ emit: AtomicFile.Emit) throws -> Void

        public let name: String
        public let produce: Producer

        public init(name: String, produce: @escaping Producer) {
            self.name = name
            self.produce = produce
        }

        public init(name: String, data: Data) {
            self.init(name: name) { emit in try data.withUnsafeBytes { try emit($0) } }
        }
    }

    /// Writes `files` (name → bytes) into the folder and, when given, the run into the history,
    /// as one unit (see the type). The first file is the one the history's SHA-256 is of.
    /// Hold the folder's lock. Returns the files' paths.
    public func publish(_ files: [(name: String, data: Data)], history: HistoryRun?) throws -> [String] {
        try publish(files.map { Output(name: $0.name, data: $0.data) }, history: history)
    }

    /// As `publish(_:history:)`, each file produced as it is written, all of them at once (one
    /// per core: formatting a score file and the kernel's copy of its bytes take about as long).
    public func publish(_ files: [Output], history: HistoryRun?) throws -> [String] {
        let targets = files.map { (directory as NSString).appendingPathComponent($0.name) }
        var results = [Result<AtomicFile.Prepared, any Error>?](repeating: nil, count: files.count)
        nonisolated(unsafe) var digest: String?
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: files.count) { k in
                slots[k] = Result {
                    guard k == 0 else { return try AtomicFile.prepare(to: targets[k], producing: files[k].produce) }
                    // The first file is hashed as it goes (the history's and the journal's SHA-256).
                    var hasher = SHA256()
                    let prepared = try AtomicFile.prepare(to: targets[k]) { emit in
                        try files[k].produce { bytes in
                            hasher.update(bufferPointer: bytes)
                            try emit(bytes)
                        }
                    }
                    digest = lowercaseHex(hasher.finalize())
                    return prepared
                }
            }
        }
        var prepared: [AtomicFile.Prepared] = []
        for result in results {
            if case let .success(file) = result { prepared.append(file) }
        }
        for case let .failure(error) in results.compactMap({ $0 }) {
            prepared.forEach { $0.discard() }
            throw error
        }
        let sha = digest
        let journalPath = (directory as NSString).appendingPathComponent(Self.journalName)
        let journal = Journal(pid: ProcessInfo.processInfo.processIdentifier, history: history.map { Self.absolute($0.history.path) },
                              scoreFileSHA256: sha, files: prepared.map { .init(temporary: $0.temporary, target: $0.target) })
        do {
            try AtomicFile.write(try JSONEncoder().encode(journal), to: journalPath)
        } catch {
            prepared.forEach { $0.discard() }
            throw error
        }
        // Removed by an interrupt before the commit, like the files (a journal left anyway is harmless:
        // its run is not in the history, so the next writer only removes it).
        let pendingJournal = PendingOutputs.shared.register(journalPath) {}.token

        var holding = false
        do {
            if var entry = history {
                entry.run.scoreFileSHA256 = sha
                // The interrupt lock is taken inside the transaction, just before its commit.
                try entry.history.append(entry.run, scores: entry.scores) {
                    PendingOutputs.shared.hold()
                    holding = true
                }
            } else {
                PendingOutputs.shared.hold()
                holding = true
            }
        } catch {
            if holding { PendingOutputs.shared.release() }
            prepared.forEach { $0.discard() }
            PendingOutputs.shared.settle(pendingJournal) { _ = unlink(journalPath) }
            throw error
        }
        // Committed: the files go in place together; an interrupt waits until they have.
        defer { PendingOutputs.shared.release() }
        for file in prepared {
            do {
                try file.renameHeld()
            } catch {
                // The history has the run; the journal stays, and the next writer finishes it.
                PendingOutputs.shared.settleHeld(pendingJournal) {}
                for other in prepared { PendingOutputs.shared.settleHeld(other.token) {} }
                throw Failure(directory: directory, reason: "\(error); the history recorded the run, and the next vitals score into this "
                              + "folder will put the remaining files in place", afterCommit: true)
            }
        }
        AtomicFile.syncDirectory(directory)
        PendingOutputs.shared.settleHeld(pendingJournal) { _ = unlink(journalPath) }
        return targets
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}
