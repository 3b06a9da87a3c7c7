import Foundation
import Testing
import VitalsFoundation
import VitalsFuzzTargets
import VitalsSignals
import VitalsTestSupport

/// The fuzz target in-process: every input libFuzzer once broke (Tests/Fixtures/fuzz/regressions)
/// and every CSV fixture, as each kind of file, must now keep every property.
@Suite struct SignalsFuzzTargetTests {
    static let regressions: [String] = {
        let dir = Fixtures.path("fuzz/regressions")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }()

    @Test func theRegressionCorpusIsThere() {
        #expect(Self.regressions.count >= 4)
    }

    @Test(arguments: regressions)
    func aFormerFindingKeepsEveryProperty(name: String) throws {
        let target = try SignalsFuzzTarget()
        let input = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("fuzz/regressions/\(name)"))))
        #expect(target.check(input) == nil)
    }

    /// Each fixture CSV read as every kind of file, with two chunk sizes.
    @Test func everyFixtureAsEveryFileKeepsEveryProperty() throws {
        let target = try SignalsFuzzTarget()
        let root = Fixtures.root
        let csvs = (FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".csv") && ($0.hasPrefix("bad/") || $0.hasPrefix("signals/")) }.sorted()
        #expect(csvs.count > 40)
        var checked = 0
        for csv in csvs {
            let content = Array(try Data(contentsOf: root.appendingPathComponent(csv)))
            guard content.count <= 1 << 16 else { continue }  // the 10 MB field: the reader tests cover it
            for file in SignalsFile.allCases {
                for chunk: UInt8 in [0, 9] {
                    let broken = target.check(SignalsFuzzTarget.input(file: file, chunk: chunk, content: content))
                    #expect(broken == nil, "\(csv) as \(file.fileName), chunk selector \(chunk)")
                    checked += 1
                }
            }
        }
        #expect(checked > 600)
    }

    /// The property checks can fail: a problem without a column is reported as broken.
    @Test func aProblemWithoutAColumnIsReported() {
        var report = SignalsReadReport()
        report.problems = [SignalsProblem(file: .accounts, line: 2, column: "", rule: .strayQuote, message: "m")]
        report.problemCount = 1
        #expect(SignalsFuzzTarget.malformed(report, file: .accounts, lines: 3)?.contains("without a column") == true)
        report.problems = [SignalsProblem(file: .accounts, line: 9, column: "name", rule: .strayQuote, message: "m")]
        #expect(SignalsFuzzTarget.malformed(report, file: .accounts, lines: 3)?.contains("outside 1...3") == true)
    }
}
