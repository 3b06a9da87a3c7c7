import Foundation
import VitalsFoundation

extension Explanation {
    /// The explanation as text within `style.width`: the account (its name and CSM), the score,
    /// every feature in plain words (`FeatureLabel`; the 120-column layout adds the model's
    /// column name) with its value, percentile and contribution, largest first, the state
    /// path, and the split of the change. Sentences wrap; cells cut with "…". `sinceOption`
    /// is how the reader asks for a comparison date (the CLI's option), named in the text.
    public func table(style: TerminalStyle, sinceOption: String? = nil) -> String {
        let wide = style.isWide
        // Room for an interaction's two labels ("days to renewal × 7-day active seats").
        let nameWidth = wide ? 44 : 40
        // A feature's cells: its label, and in the wide layout its column name.
        func named(_ feature: String) -> [String] {
            wide ? [cell(FeatureLabel.of(feature), nameWidth), cell(feature, 30)] : [cell(FeatureLabel.of(feature), nameWidth)]
        }
        func paragraph(_ text: String, maxLines: Int = 4) -> String { wrap(text, width: style.width, indent: "", maxLines: maxLines).joined(separator: "\n") + "\n" }
        let who = kind == "account" ? [name, csm.map { "CSM \($0)" }].compactMap { $0 }
            : [accountID.map { "account \($0)" + (name.map { " (\($0))" } ?? "") }, csm.map { "CSM \($0)" }].compactMap { $0 }
        var out = ""
        for line in wrap(([kind.capitalized + " " + id] + who).joined(separator: " · "), width: style.width, indent: "", maxLines: 2) {
            out += style.paint(line, .bold) + "\n"
        }
        out += paragraph("as of \(asOf) · model \(modelID)")
        out += paragraph("probability \(percentText(probability))" + (riskBand.map { " (\($0.rawValue))" } ?? "")
            + " · log-odds η = \(String(format: "%.4f", decisionValue)) (uncalibrated \(percentText(uncalibratedProbability)))")
        let total = intercept + features.reduce(0) { $0 + $1.contribution } + (interactions ?? []).reduce(0) { $0 + $1.contribution }
        out += paragraph("η = intercept \(String(format: "%.4f", intercept)) + the contributions below (sum \(String(format: "%.4f", total)))") + "\n"
        out += ([cell("Feature", nameWidth)] + (wide ? [cell("Column", 30)] : [])
                + [cell("Value", 10, right: true), cell("Pctile", 6, right: true), cell("Contrib", 8, right: true)])
            .joined(separator: " ") + "\n"
        for line in features {
            let value = line.value.map(Self.number) ?? "missing"
            let c = line.contribution
            out += (named(line.feature) + [cell(value, 10, right: true), cell(String(format: "%.0f", line.percentile), 6, right: true),
                    style.paint(cell(String(format: "%+.3f", c), 8, right: true), c > 0.005 ? .red : c < -0.005 ? .green : .dim)])
                .joined(separator: " ") + "\n"
        }
        if let interactions, !interactions.isEmpty {
            out += "\n" + ([cell("Interaction", nameWidth)] + (wide ? [cell("Columns", 30)] : [])
                            + [cell("Values", 17, right: true), cell("Contrib", 8, right: true)]).joined(separator: " ") + "\n"
            for line in interactions {
                let c = line.contribution
                out += (named(line.feature) + [cell(line.values.map(Self.number).joined(separator: ", "), 17, right: true),
                        style.paint(cell(String(format: "%+.3f", c), 8, right: true), c > 0.005 ? .red : c < -0.005 ? .green : .dim)])
                    .joined(separator: " ") + "\n"
            }
        }
        if !statePath.isEmpty, statePath.contains(where: { $0.state != nil }) {
            out += "\n" + (kind == "account" ? "Health state" : "Delivery phase") + ", month by month:\n"
            for point in statePath { out += "  \(point.date)  \(point.state ?? "—")\n" }
        }
        if let change {
            out += "\n" + paragraph("Since \(change.since) (\(change.source == "history" ? "the previous run in the history" : sinceOption ?? "the date asked for")): "
                + "\(percentText(change.previousProbability)) → \(percentText(probability)), η \(String(format: "%+.4f", change.decisionChange))")
            if let recorded = change.historyProbability, let model = change.historyModelID, model != modelID {
                out += paragraph("(the history recorded \(percentText(recorded)) from model \(model); the split rescored \(change.since) with this model)")
            }
            let shown = change.parts.prefix(style.isWide ? 20 : 12)
            for part in shown {
                out += "  " + (named(part.feature) + [cell(Self.number(part.previous), 10, right: true), "→",
                                                      cell(Self.number(part.current), 10, right: true),
                                                      style.paint(cell(String(format: "%+.3f", part.contribution), 8, right: true),
                                                                  part.contribution > 0 ? .red : .green)])
                    .joined(separator: " ") + "\n"
            }
            if change.parts.count > shown.count {
                let rest = change.parts.dropFirst(shown.count).reduce(0) { $0 + $1.contribution }
                out += "  \(change.parts.count - shown.count) more features: \(String(format: "%+.3f", rest))\n"
            }
        } else {
            let hint = sinceOption.map { "\($0) D compares with a date" } ?? "give a date to compare with"
            out += "\n" + paragraph("No earlier score to compare with (no previous run in the history, or not scored then; \(hint)).")
        }
        return out
    }

    public func json() throws -> String { try stableJSON(self) }

    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e9 { return "\(Int(x))" }
        return abs(x) >= 100 ? String(format: "%.1f", x) : String(format: "%.3f", x)
    }
}
