import Foundation
import Testing
import VitalsFeatures
import VitalsLogistic
import VitalsTestSupport
import VitalsTraining

@Suite struct TrainingConfigTests {
    @Test func committedConfigsParse() throws {
        let churn = try TrainingConfig.load(path: Fixtures.packageRoot.appendingPathComponent("Training/churn.yaml").path)
        #expect(churn.task == .churn && churn.horizonDays == 90 && churn.cadence == .monthly)
        #expect(churn.selectC && churn.cGrid == [0.01, 0.1, 1, 10] && churn.capacity == 50)
        #expect(churn.healthStates.components.map(\.feature).first == "active_user_ratio_30d")
        #expect(churn.healthStates.components.last?.weight == -0.5)
        let overrun = try TrainingConfig.load(path: Fixtures.packageRoot.appendingPathComponent("Training/overrun.yaml").path)
        #expect(overrun.task == .overrun && overrun.cadence == .weekly && overrun.tolerance == 0.1 && overrun.graceDays == 14)
        #expect(overrun.families == [.delivery, .support, .nps, .markov] && overrun.capacity == 20)
    }

    @Test func absentKeysTakeTheirDefaults() throws {
        let config = try TrainingConfig.parse("task: churn\n", path: "c.yaml")
        #expect(config == TrainingConfig(task: .churn))
        #expect(config.estimator.c == 1 && config.estimator.logistic.classWeight == .none && config.estimator.shape == .additive)
    }

    @Test(arguments: [
        ("task: churn\nmodel:\n  cc: 2\n", "c.yaml:3: model.cc: unknown key"),
        ("task: churn\nmodel:\n  c: -1\n", "c.yaml:3: model.c: must be a number from 1e-6 to 1e6 (got '-1')"),
        ("task: churn\nmodel:\n  class_weight: heavy\n", "c.yaml:3: model.class_weight: must be one of none, balanced (got 'heavy')"),
        ("task: churn\nlabels:\n  horizon_days: ninety\n", "c.yaml:3: labels.horizon_days: must be an integer in 1…730 (got 'ninety')"),
        ("task: churn\nstates:\n  band_quantiles: [0.7, 0.2]\n", "c.yaml:3: states.band_quantiles: must be increasing numbers in (0, 1), one fewer than the bands (got a list)"),
        ("task: churn\nfeatures:\n  families: [usage, telemetry]\n", "c.yaml: features.families: unknown family 'telemetry'"),
        ("task: forecast\n", "c.yaml:1: task: must be one of churn, overrun (got 'forecast')"),
        ("seed: 3\n", "c.yaml: task: is required: churn or overrun"),
        ("", "c.yaml: the file is empty"),
        ("task: churn\n  bad indentation: [\n", "c.yaml: not valid YAML"),
    ])
    func badConfigsNameTheKeyAndLine(text: String, expected: String) {
        #expect {
            try TrainingConfig.parse(text, path: "c.yaml")
        } throws: { error in
            "\(error)".hasPrefix(expected)
        }
    }

    @Test func flattenedConfigNamesEveryKey() throws {
        let config = try TrainingConfig.parse("task: overrun\nmodel:\n  l1_ratio: 0.5\n", path: "o.yaml")
        let flat = config.flattened
        #expect(flat["model.l1_ratio"] == "0.5")
        #expect(flat["labels.cadence"] == "weekly")
        #expect(flat["states.engagement.active_user_ratio_30d"] == "1.0")
    }
}

/// Training/README.md's key table is generated from the key table in code, so the docs
/// cannot drift from the parser. `make config-docs` rewrites it.
@Suite struct TrainingConfigDocsTests {
    static let begin = "<!-- keys: generated from TrainingConfig.sections by `make config-docs`; do not edit by hand -->\n"
    static let end = "<!-- end of keys -->"

    @Test func theReadmeKeyTableIsTheGeneratedOne() throws {
        let path = Fixtures.packageRoot.appendingPathComponent("Training/README.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let start = try #require(text.range(of: Self.begin)), stop = try #require(text.range(of: Self.end))
        let generated = TrainingConfig.keyTableMarkdown
        if ProcessInfo.processInfo.environment["VITALS_WRITE_CONFIG_DOCS"] == "1" {
            try (text[..<start.upperBound] + generated + text[stop.lowerBound...]).write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(text[start.upperBound..<stop.lowerBound]) == generated, "run make config-docs")
    }

    /// Every key the parser reads is in the table, and every key in the model file's copy of a
    /// config comes from the table.
    @Test func theTableNamesEveryKey() throws {
        let table = TrainingConfig.keyTableMarkdown
        for key in TrainingConfig(task: .churn).flattened.keys {
            let documented = key.hasPrefix("states.engagement.") ? "states.engagement" : key
            #expect(table.contains("| `\(documented)` |"), "\(key) is not in the table")
        }
    }
}
