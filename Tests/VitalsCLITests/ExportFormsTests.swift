import Foundation
import Testing
import VitalsSignals
import VitalsTestSupport

/// The forms real exports take (CRLF line ends, every field quoted, gzip) give the plain
/// book's results through the built binary: the same scores byte for byte, the same model when
/// only the compression differs, and the same problems and exit codes when something is wrong.
@Suite struct ExportFormsTests {
    static let book = BuiltOnce<TemporaryDirectory>()

    /// A simulated book in four forms: `lf`, `crlf`, `quoted` (every field quoted, CRLF) and
    /// `gzip` (the LF files, each gzip-compressed), under one temporary directory.
    static func forms() throws -> TemporaryDirectory {
        try book.value {
            let dir = try VitalsProcess.simulatedBook(accounts: 500, seed: 33, label: "export-forms")
            let lf = dir.path("signals")
            for form in ["crlf", "quoted", "gzip"] { try FileManager.default.createDirectory(atPath: dir.path(form), withIntermediateDirectories: true) }
            for name in try FileManager.default.contentsOfDirectory(atPath: lf) where name.hasSuffix(".csv") {
                let text = try String(contentsOfFile: lf + "/" + name, encoding: .utf8)
                try text.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: dir.path("crlf") + "/" + name, atomically: true, encoding: .utf8)
                try quotedCRLF(lf + "/" + name).write(toFile: dir.path("quoted") + "/" + name, atomically: true, encoding: .utf8)
                let gz = try GzipTool.compress(Data(contentsOf: URL(fileURLWithPath: lf + "/" + name)))
                try gz.write(to: URL(fileURLWithPath: dir.path("gzip") + "/" + name + ".gz"))
            }
            return dir
        }
    }

    /// The file re-written as Excel and Salesforce write CSV: every field in quotes (inner quotes
    /// doubled), CRLF line ends. Parsed with the package's own scanner, so embedded commas and
    /// quotes survive.
    static func quotedCRLF(_ path: String) throws -> String {
        let scanner = try CSVScanner(path: path)
        var out = ""
        while try scanner.next() {
            out += scanner.fields.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func everyFormScoresToTheSameBytes() throws {
        let dir = try Self.forms()
        let work = try TemporaryDirectory("export-forms-scores")
        defer { work.remove() }
        let config = Fixtures.packageRoot.appendingPathComponent("Training/churn.yaml").path
        let model = work.path("churn.json")
        let train = try VitalsProcess.run(["train", dir.path("signals"), "--config", config, "--out", model])
        try #require(train.status == 0, "\(train.stderr)")
        // Compression alone changes no byte of the model (its data fingerprint hashes the text).
        let trainedOnGzip = try VitalsProcess.run(["train", dir.path("gzip"), "--config", config, "--out", work.path("churn-gz.json")])
        try #require(trainedOnGzip.status == 0, "\(trainedOnGzip.stderr)")
        #expect(try bytes(model) == bytes(work.path("churn-gz.json")))

        var scores: [String: Data] = [:]
        for form in ["signals", "crlf", "quoted", "gzip"] {
            let out = work.path("scores-\(form)")
            let run = try VitalsProcess.run(["score", dir.path(form), "--model", model, "--as-of", "2025-12-31", "--out", out, "--no-history", "--quiet"])
            #expect(run.status == 0, "\(form): \(run.stderr)")
            scores[form] = try bytes(out + "/churn-scores-2025-12-31.csv") + bytes(out + "/churn-scores-2025-12-31.jsonl")
        }
        #expect(scores["signals"]!.count > 10_000)
        for form in ["crlf", "quoted", "gzip"] { #expect(scores[form] == scores["signals"], "\(form)") }
    }

    /// The same bad row gives the same problem and exit code whether the file is plain or
    /// gzip-compressed; damage to the gzip data is exit 65 too, named as the file on disk.
    @Test func problemsAndExitCodesMatchThePlainForm() throws {
        let dir = try Self.forms()
        let work = try TemporaryDirectory("export-forms-bad")
        defer { work.remove() }
        for form in ["plain", "gz"] {
            try FileManager.default.copyItem(atPath: dir.path("signals"), toPath: work.path(form))
        }
        let usage = try String(contentsOfFile: work.path("plain") + "/usage.csv", encoding: .utf8)
        var lines = usage.components(separatedBy: "\n")
        var fields = lines[5].components(separatedBy: ",")
        fields[1] = "2025-13-01"  // the date: a month that cannot be
        lines[5] = fields.joined(separator: ",")
        let broken = lines.joined(separator: "\n")
        try broken.write(toFile: work.path("plain") + "/usage.csv", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: work.path("gz") + "/usage.csv")
        try GzipTool.compress(Data(broken.utf8)).write(to: URL(fileURLWithPath: work.path("gz") + "/usage.csv.gz"))

        let plain = try VitalsProcess.run(["validate", work.path("plain")])
        let gz = try VitalsProcess.run(["validate", work.path("gz")])
        #expect(plain.status == 65 && gz.status == 65)
        let problem = try #require(plain.stdout.split(separator: "\n").first { $0.hasPrefix("usage.csv:6:") })
        #expect(gz.stdout.contains("usage.csv.gz" + problem.dropFirst("usage.csv".count)), "\(gz.stdout)")

        // Cut short: the gzip file loses its last third.
        let whole = try bytes(work.path("gz") + "/usage.csv.gz")
        try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: work.path("gz") + "/usage.csv.gz"))
        let cut = try VitalsProcess.run(["validate", work.path("gz")])
        #expect(cut.status == 65)
        #expect(cut.stdout.contains("usage.csv.gz:") && cut.stdout.contains("cut short"), "\(cut.stdout)")
        let scored = try VitalsProcess.run(["score", work.path("gz"), "--model", Fixtures.packageRoot.appendingPathComponent("Models/churn.json").path,
                                            "--as-of", "2025-12-31", "--out", work.path("out"), "--no-history", "--quiet"])
        #expect(scored.status == 65)
        #expect(!FileManager.default.fileExists(atPath: work.path("out") + "/churn-scores-2025-12-31.csv"))

        // Both forms of one file: refused, exit 65.
        try FileManager.default.copyItem(atPath: dir.path("signals") + "/usage.csv", toPath: work.path("gz") + "/usage.csv")
        let twice = try VitalsProcess.run(["validate", work.path("gz")])
        #expect(twice.status == 65)
        #expect(twice.stdout.contains("both usage.csv and usage.csv.gz"), "\(twice.stdout)")
    }
}
