import Foundation
import Testing
import VitalsFoundation
import VitalsHistory
import VitalsScoring
import VitalsTestSupport

/// The folder's publication protocol, and its recovery after a process dies midway.
@Suite struct ScoreFolderTests {
    static func publish(_ folder: ScoreFolder, text: String, history: ScoreHistory) throws -> [String] {
        let lock = try folder.lock()
        defer { lock.release() }
        return try folder.publish([("s.csv", Data("csv \(text)\n".utf8)), ("s.jsonl", Data("jsonl \(text)\n".utf8))],
                                  history: .init(history: history, run: .init(task: "churn", asOf: "2025-01-31", modelID: "m", scoreFile: "s.csv", rows: 1),
                                                 scores: [.init(entityID: "A1", probability: text == "old" ? 0.1 : 0.2)]))
    }

    /// A folder with one run published ("old"), and its history.
    static func folderWithAnOldRun() throws -> (TemporaryDirectory, ScoreFolder, ScoreHistory) {
        let dir = try TemporaryDirectory("folder")
        do {
            let folder = ScoreFolder(directory: dir.path)
            let history = try ScoreHistory(path: dir.path("h.sqlite"))
            _ = try publish(folder, text: "old", history: history)
            return (dir, folder, history)
        } catch {
            dir.remove()
            throw error
        }
    }

    /// What a process killed after `stage` leaves: temporaries, a journal, and the history
    /// run committed or not.
    static func interrupted(_ folder: ScoreFolder, history: ScoreHistory, committed: Bool) throws {
        let csv = Data("csv new\n".utf8), jsonl = Data("jsonl new\n".utf8)
        let temporaries = [folder.directory + "/.s.csv.4194305.tmp", folder.directory + "/.s.jsonl.4194305.tmp"]
        try csv.write(to: URL(fileURLWithPath: temporaries[0]))
        try jsonl.write(to: URL(fileURLWithPath: temporaries[1]))
        let sha = ScoreFolderTestsSupport.sha256(csv)
        let journal: [String: Any] = [
            "pid": 4_194_305, "history": history.path, "scoreFileSHA256": sha,
            "files": [["temporary": temporaries[0], "target": folder.directory + "/s.csv"],
                      ["temporary": temporaries[1], "target": folder.directory + "/s.jsonl"]],
        ]
        try JSONSerialization.data(withJSONObject: journal).write(to: URL(fileURLWithPath: folder.directory + "/.vitals-publish.journal"))
        if committed {
            _ = try history.append(.init(task: "churn", asOf: "2025-01-31", modelID: "m", scoreFile: "s.csv", rows: 1, scoreFileSHA256: sha),
                                   scores: [.init(entityID: "A1", probability: 0.2)])
        }
    }

    @Test(arguments: [false, true])
    func theNextWriterFinishesACommittedRunAndUndoesAnUncommittedOne(committed: Bool) throws {
        let dir = try TemporaryDirectory("folder")
        defer { dir.remove() }
        let folder = ScoreFolder(directory: dir.path)
        let history = try ScoreHistory(path: dir.path("h.sqlite"))
        let written = try Self.publish(folder, text: "old", history: history)
        #expect(written.map { ($0 as NSString).lastPathComponent } == ["s.csv", "s.jsonl"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["h.sqlite", "s.csv", "s.jsonl"])

        try Self.interrupted(folder, history: history, committed: committed)
        let lock = try folder.lock()
        let note = try folder.recover()
        lock.release()
        #expect(note?.hasPrefix(committed ? "finished the run process 4194305 was writing" : "undid the run process 4194305 was writing") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["h.sqlite", "s.csv", "s.jsonl"])
        let expected = committed ? "new" : "old"
        #expect(String(decoding: FileManager.default.contents(atPath: dir.path("s.csv"))!, as: UTF8.self) == "csv \(expected)\n")
        #expect(String(decoding: FileManager.default.contents(atPath: dir.path("s.jsonl"))!, as: UTF8.self) == "jsonl \(expected)\n")
        #expect(try history.trend(entity: "A1", task: "churn").map(\.probability) == [committed ? 0.2 : 0.1])
        // Nothing left to do the second time.
        #expect(try folder.recover() == nil)
    }

    /// A failure of the history's transaction replaces no file.
    @Test func aFailedCommitReplacesNothing() throws {
        let (dir, folder, history) = try Self.folderWithAnOldRun()
        defer { dir.remove() }
        let lock = try folder.lock()
        defer { lock.release() }
        // A run whose scores break the history's primary key (the same entity twice) fails inside the transaction.
        #expect(throws: (any Error).self) {
            try folder.publish([("s.csv", Data("csv new\n".utf8)), ("s.jsonl", Data("jsonl new\n".utf8))],
                               history: .init(history: history, run: .init(task: "churn", asOf: "2025-02-28", modelID: "m", scoreFile: "s.csv", rows: 2),
                                              scores: [.init(entityID: "A1", probability: 0.2), .init(entityID: "A1", probability: 0.3)]))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["h.sqlite", "s.csv", "s.jsonl"])
        #expect(String(decoding: FileManager.default.contents(atPath: dir.path("s.csv"))!, as: UTF8.self) == "csv old\n")
        #expect(try history.runs().map(\.asOf) == ["2025-01-31"])
    }

    /// Files handed over in pieces of every size (as a score file of a million rows is) land
    /// byte for byte, and the history's SHA-256 is the CSV's, hashed as it was written.
    @Test func filesProducedInPiecesLandWholeWithTheCSVsDigest() throws {
        let dir = try TemporaryDirectory("folder")
        defer { dir.remove() }
        let folder = ScoreFolder(directory: dir.path)
        let history = try ScoreHistory(path: dir.path("h.sqlite"))
        var random = SplitMix64(seed: 11)
        let csv = (0..<300_000).map { _ in UInt8(32 + random.next() % 90) }, jsonl = Array(csv.reversed())
        let pieces = [0, 1, 7, 4096, 65_537, 1 << 20]
        func producer(_ bytes: [UInt8]) -> ScoreFolder.Output.Producer {
            { emit in
                var at = 0, k = 0
                while at < bytes.count {
                    let n = min(pieces[k % pieces.count], bytes.count - at)
                    try bytes[at..<(at + n)].withUnsafeBytes { try emit($0) }
                    at += n
                    k += 1
                }
            }
        }
        let lock = try folder.lock()
        defer { lock.release() }
        _ = try folder.publish([ScoreFolder.Output(name: "s.csv", produce: producer(csv)), ScoreFolder.Output(name: "s.jsonl", produce: producer(jsonl))],
                               history: .init(history: history, run: .init(task: "churn", asOf: "2025-01-31", modelID: "m", scoreFile: "s.csv", rows: 1),
                                              scores: [.init(entityID: "A1", probability: 0.1)]))
        #expect(FileManager.default.contents(atPath: dir.path("s.csv")) == Data(csv))
        #expect(FileManager.default.contents(atPath: dir.path("s.jsonl")) == Data(jsonl))
        #expect(try history.runs().map(\.scoreFileSHA256) == [ScoreFolderTestsSupport.sha256(Data(csv))])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["h.sqlite", "s.csv", "s.jsonl"])
    }

    struct ProducerFailed: Error {}

    /// A file whose producer fails part-way (after writing some of it) replaces nothing, leaves
    /// no temporary file, and records no run; the error is the producer's.
    @Test(arguments: [0, 1])
    func aProducerThatFailsPartWayReplacesNothing(failing: Int) throws {
        let (dir, folder, history) = try Self.folderWithAnOldRun()
        defer { dir.remove() }
        let lock = try folder.lock()
        defer { lock.release() }
        let outputs = ["s.csv", "s.jsonl"].enumerated().map { k, name in
            ScoreFolder.Output(name: name) { emit in
                try Array("\(name) new, first piece\n".utf8).withUnsafeBytes { try emit($0) }
                if k == failing { throw ProducerFailed() }
            }
        }
        #expect(throws: ProducerFailed.self) {
            try folder.publish(outputs, history: .init(history: history, run: .init(task: "churn", asOf: "2025-02-28", modelID: "m", scoreFile: "s.csv", rows: 1),
                                                       scores: [.init(entityID: "A1", probability: 0.3)]))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["h.sqlite", "s.csv", "s.jsonl"])
        #expect(String(decoding: FileManager.default.contents(atPath: dir.path("s.csv"))!, as: UTF8.self) == "csv old\n")
        #expect(String(decoding: FileManager.default.contents(atPath: dir.path("s.jsonl"))!, as: UTF8.self) == "jsonl old\n")
        #expect(try history.runs().map(\.asOf) == ["2025-01-31"])
    }
}
