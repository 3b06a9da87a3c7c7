import Foundation
import VitalsScoring

/// The "left the list" section every list shares (`LeftEntry`), in the table and in CSV.
enum LeftTheListRendering {
    /// The section under a list's table: one line per entity that left the watch list since the
    /// previous run, with its rank and probability then and its probability now, the first
    /// `shown` of them (the morning list stays short; CSV and JSON carry them all). Nothing
    /// without a previous run.
    static let shown = 10

    static func table(_ entries: [LeftEntry], size: Int, previousRun: AtRiskList.PreviousRun?, notScored: String, style: TerminalStyle) -> String {
        guard let previousRun else { return "" }
        guard !entries.isEmpty else { return style.paint("Left the top \(size) since \(previousRun.asOf): none", .dim) + "\n" }
        var out = style.paint(cell("Left the top \(size) since \(previousRun.asOf): \(entries.count) (rank and probability then → now)", style.width)
            .trimmingTrailingSpaces, .bold) + "\n"
        // id, who, "was #12", then → now.
        let nowWidth = max(notScored.count, 6), whoWidth = max(8, min(30, style.width - 2 - 10 - 1 - 1 - 7 - 1 - 6 - 3 - nowWidth - 1))
        for e in entries.prefix(shown) {
            let who = [e.accountID, e.name].compactMap { $0 }.joined(separator: " ")
            let now = e.probability.map(percentText) ?? notScored
            out += ("  " + [cell(e.id, 10), cell(who, whoWidth), cell("was #\(e.previousRank)", 7), cell(percentText(e.previousProbability), 6, right: true),
                            "→", cell(now, nowWidth)].joined(separator: " ")).trimmingTrailingSpaces + "\n"
        }
        if entries.count > shown {
            out += style.paint("  and \(entries.count - shown) more (the CSV and JSON outputs list them all)", .dim) + "\n"
        }
        return out
    }

    /// `table` with the left entities appended as rows, and a last column `left_the_list`: 0 for
    /// the list's rows, 1 for the left ones. A left row fills the columns it knows by name (`id`
    /// column, the account's name and id, the probability now and then, the change, as_of and
    /// model_id); the rest stay empty.
    static func csv(_ table: ScoreTable, _ entries: [LeftEntry], idColumn: String, nameColumn: String, probabilityColumn: String,
                    asOf: String, modelID: String) -> ScoreTable {
        var out = ScoreTable(columns: table.columns + ["left_the_list"], rows: table.rows.map { $0 + [.integer(0)] })
        for e in entries {
            var values: [String: ScoreTable.Value] = [
                idColumn: .text(e.id), nameColumn: text(e.name), probabilityColumn: number(e.probability),
                "previous_probability": .number(e.previousProbability), "change": number(e.probability.map { $0 - e.previousProbability }),
                "new_on_list": .integer(0), "as_of": .text(asOf), "model_id": .text(modelID), "left_the_list": .integer(1),
            ]
            if let accountID = e.accountID { values["account_id"] = .text(accountID) }
            out.rows.append(out.columns.map { values[$0] ?? .missing })
        }
        return out
    }
}
