import Foundation
import Testing
import VitalsAdditive
import VitalsFeatures
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsModel
import VitalsTestSupport

@Suite struct ModelFileTests {
    /// A small calibrated `--table` model.
    static func model(in directory: TemporaryDirectory) throws -> ModelFile {
        var rows = ["seats,plan,churned"]
        for i in 0..<300 { rows.append("\(i % 37 + 1),\(["basic", "pro", "team"][i % 3]),\(i % 7 == 0 || i % 37 < 4 ? "yes" : "no")") }
        let path = try directory.write("train.csv", rows.joined(separator: "\n") + "\n")
        let table = try FeatureTable.read(path: path)
        let (encoder, _) = try TableEncoder.fit(table, excluding: ["churned"])
        let x = try encoder.transform(table), y = try table.labels("churned")
        let fitted = try LogisticRegression(c: 0.7).fit(x: x, y: y, featureNames: encoder.featureNames)
            .calibrated(heldOutX: x, y: y, method: .platt)
        return ModelFile(
            kind: .table, createdBy: "vitals test", encoding: encoder, labelColumn: "churned", idColumn: nil,
            model: FittedRiskModel(core: fitted, shapes: nil), config: ["c": "0.7"],
            data: try DataFingerprint.of(files: [("train.csv", path)], range: "rows 1–300", rows: 300, positives: Int(y.reduce(0, +))),
            metrics: ["train_auc": 0.61234567890123456])
    }

    @Test func writeThenLoadGivesTheSameModelBitForBit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.model(in: directory)
        let path = directory.path("model.json")
        try file.write(to: path)
        let loaded = try ModelFile.load(path: path)
        #expect(try loaded == file.sealed())
        #expect(loaded.model.core.coefficients == file.model.core.coefficients)  // every Double reads back exactly
        #expect(loaded.model.calibration == file.model.calibration)
        #expect(loaded.modelID.hasPrefix("table-") && loaded.modelID.count == "table-".count + 16)
        // Deterministic bytes: serializing the loaded model gives the file again.
        #expect(try loaded.serialized() == Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["model.json", "train.csv"])
    }

    @Test func aChangedCoefficientWithoutANewHashIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.model(in: directory).sealed()
        let path = directory.path("model.json")
        try file.write(to: path)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let coefficient = "\(file.model.core.coefficients[0])"
        let range = try #require(text.range(of: coefficient))
        text.replaceSubrange(range, with: "\(file.model.core.coefficients[0] + 0.001)")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect {
            try ModelFile.load(path: path)
        } throws: { error in
            guard case let ModelFileError.tampered(_, stored, computed) = error else { return false }
            return stored == file.modelID && computed != stored
                && "\(error)".contains("the file was changed after training")
        }
    }

    @Test func aNewerFormatVersionIsRefusedByName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("model.json")
        try Self.model(in: directory).write(to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "\"format_version\" : 1", with: "\"format_version\" : 2")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: ModelFileError.newerFormat(path: path, version: 2, supported: 1)) { try ModelFile.load(path: path) }
        #expect("\(ModelFileError.newerFormat(path: "m.json", version: 2, supported: 1))"
            == "m.json: format_version 2 is newer than this vitals supports (1); upgrade vitals to read it")
    }

    @Test func malformedFilesSayWhatIsWrong() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("model.json", #"{"format_version": 1, "task": "churn"}"#)
        #expect {
            try ModelFile.load(path: path)
        } throws: { error in
            guard case let ModelFileError.malformed(_, reason) = error else { return false }
            return reason.hasSuffix(": missing")
        }
        let notJSON = try directory.write("notes.txt", "hello")
        #expect(throws: ModelFileError.malformed(path: notJSON, reason: "the file is not JSON; a model file is the JSON that vitals train writes")) {
            try ModelFile.load(path: notJSON)
        }
        let otherJSON = try directory.write("other.json", #"{"version": 1}"#)
        #expect(throws: ModelFileError.malformed(path: otherJSON, reason: "no integer format_version at the top level")) {
            try ModelFile.load(path: otherJSON)
        }
        #expect(throws: ModelFileError.self) { try ModelFile.load(path: directory.path("absent.json")) }
    }

    /// SHA-256 test vector: "abc" → ba7816bf….
    @Test func fingerprintsAreSHA256() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("a.csv", "abc")
        let fingerprint = try DataFingerprint.of(files: [("a.csv", path)], range: "", rows: 0, positives: 0)
        #expect(fingerprint.files == [.init(name: "a.csv", bytes: 3, sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")])
    }
}
