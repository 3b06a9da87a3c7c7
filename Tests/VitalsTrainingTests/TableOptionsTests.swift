import Foundation
import Testing
import VitalsAdditive
import VitalsFeatures
import VitalsFoundation
import VitalsModel
import VitalsTestSupport
import VitalsTraining

/// What a data team's own table needs beyond numbers and text: declared categories and
/// exclusions, its spellings of "missing" and of the labels, dates kept out of the features,
/// a time column, declared directions, and a model id from content alone.
@Suite struct TableOptionsTests {
    /// 400 rows: a numeric code (`region`: 1–4, whose effect is not linear), a usage number
    /// with `?` and `NA` for missing, a date column, a free-text note, a T/F label.
    static func write(_ directory: TemporaryDirectory, name: String = "table.csv", shuffled: Bool = false) throws -> String {
        var rng = SeededGenerator(seed: 5)
        var rows: [String] = []
        for i in 0..<400 {
            let region = i % 4 + 1, usage = Double((i * 37) % 100)
            let risk = (region == 2 ? 1.5 : 0) - usage / 40 + Double.random(in: -1...1, using: &rng)
            let usageText = i % 23 == 0 ? "?" : i % 29 == 0 ? "NA" : "\(usage)"
            let day = Day(year: 2024, month: 1, day: 1)! - (400 - i)
            rows.append("R\(i),\(region),\(usageText),\(day),note \(i),\(risk > 0 ? "T" : "F")")
        }
        if shuffled { rows.shuffle(using: &rng) }
        return try directory.write(name, (["id,region,usage,as_of,note,churned"] + rows).joined(separator: "\n") + "\n")
    }

    static func train(_ path: String, _ configure: (inout TrainingConfig) -> Void = { _ in }, time: String? = nil, exclude: [String] = ["note"])
        throws -> Trainer.Result
    {
        var config = TrainingConfig(task: .churn)
        configure(&config)
        return try Trainer(config: config, program: "vitals test").train(.table(path: path, label: "churned", id: "id", time: time, exclude: exclude))
    }

    @Test func categoricalCodesMissingTokensLabelsAndDates() throws {
        let directory = try TemporaryDirectory("table-options")
        defer { directory.remove() }
        let path = try Self.write(directory)
        let plain = try Self.train(path)
        // The date column is left out with a message; `?` and `NA` are missing values, not text.
        #expect(plain.warnings.contains { $0.contains("column as_of holds dates; left out") })
        let encoding = try #require(plain.model.encoding)
        #expect(encoding.columns.map(\.source) == ["region", "usage"])
        guard case let .numeric(_, indicator) = encoding.columns[1].encoding else { Issue.record("usage is not numeric"); return }
        #expect(indicator)
        // Declared categorical, the code becomes one column per region.
        let coded = try Self.train(path) { $0.categoricalColumns = ["region"] }
        #expect(coded.model.encoding!.featureNames.prefix(4) == ["region=1", "region=2", "region=3", "region=4"])
        // Labels: T/F by default; other spellings by config, and an unknown one is named.
        #expect(plain.model.data.positives > 50)
        #expect(throws: TableError.self) { try Self.train(path) { $0.positiveLabels = ["yes"]; $0.negativeLabels = ["no"] } }
        let custom = try Self.train(path) { $0.positiveLabels = ["T"]; $0.negativeLabels = ["F"] }
        #expect(custom.model.config["labels.positive"] == "[T]" && custom.model.tableLabelTexts.positive == ["T"])
        // An exclusion the table lacks is an error, not a silent no-op.
        #expect(throws: TableError.self) { try Self.train(path, exclude: ["notes"]) }
    }

    @Test func theModelIdComesFromContentNotTheFileName() throws {
        let directory = try TemporaryDirectory("table-name")
        defer { directory.remove() }
        let a = try Self.write(directory, name: "a.csv"), b = try Self.write(directory, name: "export (final).csv")
        #expect(try Self.train(a).model.modelID == Self.train(b).model.modelID)
    }

    /// A time column orders the rows (held-out rows are the latest, C by time-ordered folds)
    /// and is never a feature; without one, C comes from stratified folds.
    @Test func aTimeColumnOrdersTheRows() throws {
        let directory = try TemporaryDirectory("table-time")
        defer { directory.remove() }
        let shuffled = try Self.write(directory, shuffled: true)
        let timed = try Self.train(shuffled, time: "as_of")
        #expect(timed.summary.contains("by time-ordered CV"))
        #expect(!timed.model.encoding!.columns.map(\.source).contains("as_of"))
        #expect(timed.model.config["features.time_column"] == nil)  // given as --time, not in the config
        let unordered = try Self.train(shuffled)
        #expect(unordered.summary.contains("by stratified CV"))
        // Ordered by the time column, the file's own order does not matter: the same fit.
        let ordered = try Self.write(directory, name: "ordered.csv")
        let again = try Self.train(ordered, time: "as_of").model
        #expect(again.model == timed.model.model && again.metrics == timed.model.metrics)
    }

    @Test func declaredDirectionsHoldOnATable() throws {
        let directory = try TemporaryDirectory("table-monotone")
        defer { directory.remove() }
        let path = try Self.write(directory)
        // The data say more usage lowers risk; declared increasing, the shape is flat instead.
        let forced = try Self.train(path) { $0.tableDirections = [("usage", .increasing)] }
        let model = forced.model.model
        let j = try #require(model.featureNames.firstIndex(of: "usage"))
        #expect(model.directions[j] == .increasing)
        let values = stride(from: 0.0, through: 99, by: 1).map { model.contribution(feature: j, value: $0) }
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 + 1e-12 })
        let free = try Self.train(path).model.model
        #expect(free.contribution(feature: j, value: 99) < free.contribution(feature: j, value: 0) - 1, "the data's own direction")
        #expect(throws: TableError.self) { try Self.train(path) { $0.tableDirections = [("region", .increasing)]; $0.categoricalColumns = ["region"] } }
        #expect(throws: TableError.self) { try Self.train(path) { $0.tableDirections = [("nothing", .increasing)] } }
    }

    /// A planted interaction is screened, tried by CV and kept; a config can turn them off.
    @Test func aPlantedInteractionIsKeptByCrossValidation() throws {
        let directory = try TemporaryDirectory("table-pairs")
        defer { directory.remove() }
        var rng = SeededGenerator(seed: 8)
        var rows = ["id,a,b,c,churned"]
        for i in 0..<3_000 {
            let a = Double.random(in: 0...1, using: &rng), b = Double.random(in: 0...1, using: &rng), c = Double.random(in: 0...1, using: &rng)
            let eta = -1 + 4 * a * (b >= 0.5 ? 1 : 0) - b
            rows.append("R\(i),\(a),\(b),\(c),\(Double.random(in: 0..<1, using: &rng) < 1 / (1 + exp(-eta)) ? 1 : 0)")
        }
        let path = try directory.write("pairs.csv", rows.joined(separator: "\n") + "\n")
        let kept = try Self.train(path, exclude: [])
        #expect(kept.summary.contains("interactions kept by CV"), "\(kept.summary)")
        #expect(kept.model.model.termNames.contains("a × b"))
        let off = try Self.train(path, { $0.interactions = 0 }, exclude: [])
        #expect(!off.summary.contains("interactions") && off.model.model.shapes?.pairs.isEmpty == true)
        #expect(throws: TrainingError.self) { try Self.train(path, { $0.declaredInteractions = [("a", "nothing")] }, exclude: []) }
    }
}
