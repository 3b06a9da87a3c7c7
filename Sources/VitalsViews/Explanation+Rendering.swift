import Foundation
import VitalsFoundation

extension Explanation {
    /// The explanation as text: the score, every feature (value, percentile, contribution,
    /// largest first), the state path, and the split of the change. `sinceOption` is how the
    /// reader asks for a comparison date (the CLI's option), named in the text.
    public func table(style: TerminalStyle, sinceOption: String? = nil) -> String {
        let nameWidth = style.isWide ? 40 : 32
        var out = style.paint("\(kind.capitalized) \(TerminalText.escaped(id)) as of \(asOf) · model \(modelID)", .bold) + "\n"
        out += "probability \(percentText(probability))" + (riskBand.map { " (\($0.rawValue))" } ?? "")
            + " · log-odds η = \(String(format: "%.4f", decisionValue)) (uncalibrated \(percentText(uncalibratedProbability)))\n"
        let total = intercept + features.reduce(0) { $0 + $1.contribution } + (interactions ?? []).reduce(0) { $0 + $1.contribution }
        out += "η = intercept \(String(format: "%.4f", intercept)) + the contributions below (sum \(String(format: "%.4f", total)))\n\n"
        out += [cell("Feature", nameWidth), cell("Value", 10, right: true), cell("Pctile", 6, right: true), cell("Contrib", 8, right: true)]
            .joined(separator: " ") + "\n"
        for line in features {
            let value = line.value.map(Self.number) ?? "missing"
            let c = line.contribution
            out += [cell(line.feature, nameWidth), cell(value, 10, right: true), cell(String(format: "%.0f", line.percentile), 6, right: true),
                    style.paint(cell(String(format: "%+.3f", c), 8, right: true), c > 0.005 ? .red : c < -0.005 ? .green : .dim)]
                .joined(separator: " ") + "\n"
        }
        if let interactions, !interactions.isEmpty {
            out += "\n" + [cell("Interaction", nameWidth), cell("Values", 21, right: true), cell("Contrib", 8, right: true)].joined(separator: " ") + "\n"
            for line in interactions {
                let c = line.contribution
                out += [cell(line.feature, nameWidth), cell(line.values.map(Self.number).joined(separator: ", "), 21, right: true),
                        style.paint(cell(String(format: "%+.3f", c), 8, right: true), c > 0.005 ? .red : c < -0.005 ? .green : .dim)]
                    .joined(separator: " ") + "\n"
            }
        }
        if !statePath.isEmpty, statePath.contains(where: { $0.state != nil }) {
            out += "\n" + (kind == "account" ? "Health state" : "Delivery phase") + ", month by month:\n"
            for point in statePath { out += "  \(point.date)  \(point.state ?? "—")\n" }
        }
        if let change {
            out += "\nSince \(change.since) (\(change.source == "history" ? "the previous run in the history" : sinceOption ?? "the date asked for")): "
            out += "\(percentText(change.previousProbability)) → \(percentText(probability)), η \(String(format: "%+.4f", change.decisionChange))\n"
            if let recorded = change.historyProbability, let model = change.historyModelID, model != modelID {
                out += "(the history recorded \(percentText(recorded)) from model \(model); the split rescored \(change.since) with this model)\n"
            }
            let shown = change.parts.prefix(style.isWide ? 20 : 12)
            for part in shown {
                out += "  " + [cell(part.feature, nameWidth), cell(Self.number(part.previous), 10, right: true), "→",
                               cell(Self.number(part.current), 10, right: true),
                               style.paint(cell(String(format: "%+.3f", part.contribution), 8, right: true), part.contribution > 0 ? .red : .green)]
                    .joined(separator: " ") + "\n"
            }
            if change.parts.count > shown.count {
                let rest = change.parts.dropFirst(shown.count).reduce(0) { $0 + $1.contribution }
                out += "  \(change.parts.count - shown.count) more features: \(String(format: "%+.3f", rest))\n"
            }
        } else {
            let hint = sinceOption.map { "\($0) D compares with a date" } ?? "give a date to compare with"
            out += "\nNo earlier score to compare with (no previous run in the history, or not scored then; \(hint)).\n"
        }
        return out
    }

    public func json() throws -> String { try stableJSON(self) }

    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e9 { return "\(Int(x))" }
        return abs(x) >= 100 ? String(format: "%.1f", x) : String(format: "%.3f", x)
    }
}
