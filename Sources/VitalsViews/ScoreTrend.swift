import Foundation
import VitalsFoundation
import VitalsHistory
import VitalsScoring

/// One entity's scores over time from the history, with the change between runs.
public struct ScoreTrend: Sendable, Codable {
    public struct Point: Sendable, Equatable, Codable {
        public let asOf: String
        public let probability: Double
        public let change: Double?
        public let riskBand: String?
        public let healthState: String?
        public let modelID: String

        enum CodingKeys: String, CodingKey {
            case asOf = "as_of", probability, change, riskBand = "risk_band", healthState = "health_state", modelID = "model_id"
        }

        /// Every key written, `null` where there is no value (the first run's change).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(asOf, forKey: .asOf)
            try c.encode(probability, forKey: .probability)
            try c.encode(change, forKey: .change)
            try c.encode(riskBand, forKey: .riskBand)
            try c.encode(healthState, forKey: .healthState)
            try c.encode(modelID, forKey: .modelID)
        }
    }

    public let task: RiskTask
    public let id: String
    public let points: [Point]

    public init(task: RiskTask, id: String, trend: [ScoreHistory.TrendPoint]) {
        self.task = task
        self.id = id
        points = trend.enumerated().map { k, t in
            Point(asOf: t.asOf, probability: t.probability, change: k > 0 ? t.probability - trend[k - 1].probability : nil,
                  riskBand: t.riskBand, healthState: t.healthState, modelID: t.modelID)
        }
    }

    /// One block character per run, scaled from 0 to the largest probability shown.
    public var sparkline: String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let top = max(points.map(\.probability).max() ?? 0, 1e-12)
        return String(points.map { blocks[min(Int($0.probability / top * Double(blocks.count - 1) + 0.5), blocks.count - 1)] })
    }

    public func table(style: TerminalStyle) -> String {
        var out = style.paint("\(task.entity.capitalized) \(TerminalText.escaped(id)): \(points.count) runs in the history  \(sparkline)", .bold) + "\n"
        out += [cell("As of", 10), cell("P", 7, right: true), cell("Δ pts", 7, right: true), cell("Band", 6), cell("State", 10), "Model"]
            .joined(separator: " ") + "\n"
        for p in points {
            let change = changeText(p.change)
            out += [cell(p.asOf, 10), cell(percentText(p.probability), 7, right: true), style.paint(cell(change.text, 7, right: true), change.color),
                    style.paint(cell(p.riskBand ?? "", 6), p.riskBand.flatMap(RiskBand.init(rawValue:)).flatMap(style.bandColor)),
                    cell(p.healthState ?? "", 10), p.modelID]
                .joined(separator: " ").trimmingTrailingSpaces + "\n"
        }
        return out
    }

    public func csv() -> String {
        var table = ScoreTable(columns: ["id", "as_of", "probability", "change", "risk_band", "health_state", "model_id"])
        for p in points {
            table.rows.append([.text(id), .text(p.asOf), .number(p.probability), number(p.change), text(p.riskBand), text(p.healthState), .text(p.modelID)])
        }
        return table.csv()
    }

    public func json() throws -> String { try stableJSON(self) }
}
