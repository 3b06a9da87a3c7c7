import Foundation
import Testing
import VitalsModel
import VitalsTestSupport

/// Damaged and mismatched model files are refused with a clear message and exit 65, before
/// anything is written: a truncated copy, flipped bits, a hash that does not match, a format
/// version vitals never wrote, and features the data cannot give.
@Suite struct ModelIntegrityTests {
    static let shipped = Fixtures.packageRoot.appendingPathComponent("Models/churn.json").path
    static let book = BuiltOnce<TemporaryDirectory>()

    /// A 300-account simulated book to score.
    static func signals() throws -> String {
        try book.value { try VitalsProcess.simulatedBook(accounts: 300, seed: 5, label: "integrity-book") }.path("signals")
    }

    /// Scores the book with `bytes` as the model file; checks exit 65 and that no output appeared.
    /// Returns standard error and the model file's path.
    func refused(_ bytes: [UInt8], signals: String? = nil) throws -> (stderr: String, model: String) {
        let tmp = try TemporaryDirectory("integrity")
        defer { tmp.remove() }
        let model = try tmp.write("model.json", bytes)
        let result = try VitalsProcess.run(["score", try signals ?? Self.signals(), "--model", model, "--out", tmp.path("out")])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.path("out")), "a refused model still wrote output")
        let error = result.stderr.split(separator: "\n").first { $0.hasPrefix("error: ") }.map { String($0) + "\n" }
        return (error ?? result.stderr, model)
    }

    static func shippedBytes() throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: shipped))) }

    @Test func theShippedModelScoresTheBook() throws {
        let tmp = try TemporaryDirectory("integrity")
        defer { tmp.remove() }
        let result = try VitalsProcess.run(["score", try Self.signals(), "--model", Self.shipped, "--out", tmp.path("out")])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(arguments: [0, 1, 100, 5000, 50_000, -2])
    func aTruncatedFileIsRefusedAsCutShort(keep: Int) throws {
        let whole = try Self.shippedBytes()
        let kept = keep < 0 ? whole.count + keep : min(keep, whole.count / 2)
        let (stderr, model) = try refused(Array(whole.prefix(kept)))
        #expect(stderr == "error: \(model): not a valid model file: the JSON ends before it is complete (the file has \(kept) bytes): "
                + "it was cut short; copy it again or retrain\n")
    }

    /// Without only its final line feed the JSON is complete, but not the bytes vitals wrote.
    @Test func aFileMissingItsLastByteIsRefusedAsAltered() throws {
        let whole = try Self.shippedBytes()
        let (stderr, model) = try refused(Array(whole.dropLast()))
        let lines = whole.filter { $0 == 10 }.count
        #expect(stderr.hasPrefix("error: \(model):\(lines): column 2: the bytes differ from those vitals wrote for this content"))
    }

    /// Forty single-bit flips at seeded positions: each one is refused, as damaged JSON, a hash
    /// mismatch, an altered byte or a bad field, and never scores.
    @Test func everyFlippedBitIsRefused() throws {
        let whole = try Self.shippedBytes()
        var rng = SeededGenerator(seed: 77)
        var kinds: [String: Int] = [:]
        for _ in 0..<40 {
            var bytes = whole
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            let (stderr, _) = try refused(bytes)
            let kind = ["the JSON is damaged", "the JSON ends before", "does not match model_id", "the bytes differ",
                        "not a valid model file", "format_version"].first { stderr.contains($0) }
            #expect(kind != nil, "byte \(at): \(stderr)")
            kinds[kind ?? "other", default: 0] += 1
        }
        print("flipped bits: 40 refused: \(kinds.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))")
    }

    @Test func aChangedCoefficientIsRefusedAsAHashMismatch() throws {
        var text = String(decoding: try Self.shippedBytes(), as: UTF8.self)
        let list = try #require(text.range(of: "\"coefficients\" : ["))
        let digit = try #require(text[list.upperBound...].firstIndex { $0.isNumber })
        text.replaceSubrange(digit...digit, with: text[digit] == "7" ? "8" : "7")
        let (stderr, model) = try refused(Array(text.utf8))
        #expect(stderr.hasPrefix("error: \(model): the content does not match model_id churn-"))
        #expect(stderr.contains("the file was changed after training (edited, or damaged in a copy); retrain or copy it again, never edit it"))
    }

    @Test(arguments: [(0, "format_version 0 is not one vitals has ever written (it reads 1 to 1)"),
                      (99, "format_version 99 is newer than this vitals supports (1); upgrade vitals to read it")])
    func anUnknownFormatVersionIsRefusedByName(version: Int, message: String) throws {
        let text = String(decoding: try Self.shippedBytes(), as: UTF8.self)
            .replacingOccurrences(of: "\"format_version\" : 1,", with: "\"format_version\" : \(version),")
        let (stderr, _) = try refused(Array(text.utf8))
        #expect(stderr.contains(message))
    }

    /// A model whose feature list is not what this vitals computes (here one renamed feature, in a
    /// file sealed with its own correct hash, as another version of vitals would write it).
    @Test func featuresTheDataCannotGiveAreRefused() throws {
        let text = String(decoding: try Self.shippedBytes(), as: UTF8.self)
            .replacingOccurrences(of: "\"days_to_renewal\"", with: "\"days_to_renewal_v2\"")
        let renamed = try JSONDecoder().decode(ModelFile.self, from: Data(text.utf8))
        let bytes = Array(try renamed.serialized())
        let (stderr, _) = try refused(bytes)
        let count = try #require(renamed.signals).featureNames.count
        #expect(stderr.contains("has \(count) features, but this vitals computes \(count) from its feature layout (feature 2 is \"days_to_renewal_v2\" "
                                + "in the model and \"days_to_renewal\" here): the model was trained by another version of vitals; retrain it"))
    }

    /// A signal family the model was trained on is missing from the data.
    @Test func aMissingSignalFileIsRefused() throws {
        let tmp = try TemporaryDirectory("integrity-missing")
        defer { tmp.remove() }
        let signals = tmp.path("signals")
        try FileManager.default.copyItem(atPath: try Self.signals(), toPath: signals)
        try FileManager.default.removeItem(atPath: signals + "/usage.csv")
        let (stderr, _) = try refused(try Self.shippedBytes(), signals: signals)
        #expect(stderr.contains("\(signals) has no usage.csv, which model churn-"))
        #expect(stderr.contains("was trained on; add it, or pass --allow-missing-signals to score without it"))
    }
}
