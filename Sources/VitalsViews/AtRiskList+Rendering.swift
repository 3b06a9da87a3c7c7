import Foundation
import VitalsFoundation
import VitalsScoring

extension AtRiskList {
    /// The list as a terminal table: one line per account and the top drivers in words
    /// below it. Fits `style.width` (the 80-column layout, or the 120-column one with the
    /// account name and renewal date).
    public func table(style: TerminalStyle) -> String {
        let wide = style.isWide
        // (header, width, right-aligned)
        var columns: [(String, Int, Bool)] = [("#", 3, true), ("", 2, false), ("Account", 8, false)]
        if wide { columns.append(("Name", 13, false)) }
        columns.append(("CSM", wide ? 14 : 10, false))
        if wide { columns.append(("Segment", 8, false)) }
        columns += [("ARR", 6, true), ("P(churn)", 8, true), ("Band", 6, false), ("Δ pts", 7, true), ("State", wide ? 10 : 8, false),
                    ("Days", 4, true), ("By renew", 8, true)]
        if wide { columns.append(("Renewal", 10, false)) }
        var out = ""
        out += style.paint(cell("At-risk accounts as of \(asOf): top \(accounts.count) of \(matching)", style.width).trimmingTrailingSpaces, .bold) + "\n"
        let since = previousRun.map { "changes since the run of \($0.asOf)" } ?? "no earlier run to compare with"
        out += cell("model \(modelID) · \(since)", style.width).trimmingTrailingSpaces + "\n"
        out += columns.map { cell($0.0, $0.1, right: $0.2) }.joined(separator: " ").trimmingTrailingSpaces + "\n"
        for entry in accounts {
            let flags = (entry.newOnList ? "N" : " ") + (entry.renewsWithinHorizon ? "R" : " ")
            let change = changeText(entry.change)
            var cells: [String] = [cell("\(entry.rank)", 3, right: true), style.paint(cell(flags, 2), entry.newOnList ? .bold : nil),
                                   cell(entry.accountID, 8)]
            if wide { cells.append(cell(entry.name ?? "", 13)) }
            cells.append(cell(entry.csm ?? "", wide ? 14 : 10))
            if wide { cells.append(cell(entry.segment ?? "", 8)) }
            cells += [
                cell(entry.arr.map(DriverPhrase.money) ?? "", 6, right: true), cell(percentText(entry.churnProbability), 8, right: true),
                style.paint(cell(entry.riskBand.rawValue, 6), style.bandColor(entry.riskBand)), style.paint(cell(change.text, 7, right: true), change.color),
                cell(entry.healthState ?? "", wide ? 10 : 8),
                cell(entry.expectedDaysToChurn.map(String.init) ?? "", 4, right: true),
                cell(entry.churnProbabilityByRenewal.map(percentText) ?? "", 8, right: true),
            ]
            if wide { cells.append(cell(entry.renewalDate, 10)) }
            out += cells.joined(separator: " ").trimmingTrailingSpaces + "\n"
            let why = entry.drivers.isEmpty ? "nothing raises the risk above the average account" : entry.drivers.map(\.phrase).joined(separator: "; ")
            for line in wrap("↳ " + why, width: style.width, indent: String(repeating: " ", count: 7)) { out += style.paint(line, .dim) + "\n" }
        }
        out += LeftTheListRendering.table(leftTheList, size: watchListSize, previousRun: previousRun, notScored: "not active now", style: style)
        let bands = "bands: low < \(percentText(riskBands.mediumFrom)) ≤ medium < \(percentText(riskBands.highFrom)) ≤ high"
        let days = daysToChurnFrom == "curve" ? "Days expected days to churn (the account's own curve) · By renew P(churn by the renewal date)"
            : "Days expected days to churn (health chain)"
        let legend = "N new in the top \(watchListSize) since the previous run · R renewal within \(horizonDays) days · Δ pts change in percentage points · \(days) · \(bands)"
        for line in wrap(legend, width: style.width, indent: "", maxLines: 5) { out += style.paint(line, .dim) + "\n" }
        return out
    }

    /// The list as CSV, one row per account, the drivers as `feature:+0.26; …` (`top_drivers`, as in
    /// the score files), then the accounts that left the list (`left_the_list` 1).
    public func csv() -> String {
        var table = ScoreTable(columns: ["rank", "account_id", "name", "csm", "segment", "arr", "churn_probability", "risk_band", "arr_at_risk",
                                         "previous_probability", "change", "new_on_list", "renewal_date", "renews_within_horizon",
                                         "health_state", "expected_days_to_churn", "churn_probability_by_renewal", "median_days_to_churn",
                                         "top_drivers", "as_of", "model_id"])
        for e in accounts {
            table.rows.append([
                .integer(e.rank), .text(e.accountID), text(e.name), text(e.csm), text(e.segment), money(e.arr), .number(e.churnProbability),
                .text(e.riskBand.rawValue), money(e.arrAtRisk), number(e.previousProbability), number(e.change), .integer(e.newOnList ? 1 : 0),
                .text(e.renewalDate), .integer(e.renewsWithinHorizon ? 1 : 0), text(e.healthState),
                e.expectedDaysToChurn.map { .integer($0) } ?? .missing, number(e.churnProbabilityByRenewal),
                e.medianDaysToChurn.map { .integer($0) } ?? .missing, .drivers(e.drivers.map(\.cell)),
                .text(asOf), .text(modelID),
            ])
        }
        return LeftTheListRendering.csv(table, leftTheList, idColumn: "account_id", nameColumn: "name", probabilityColumn: "churn_probability",
                                        asOf: asOf, modelID: modelID).csv()
    }

    /// The list as one JSON document: every key always present (`null` when there is no value),
    /// keys sorted, so the bytes are stable (docs/schema/at-risk-list.schema.json).
    public func json() throws -> String {
        let entries: [JSONDocument] = accounts.map { e in
            .object([
                "rank": .integer(e.rank), "account_id": .string(e.accountID), "name": .string(e.name), "csm": .string(e.csm),
                "segment": .string(e.segment), "arr": .money(e.arr), "churn_probability": .number(e.churnProbability),
                "risk_band": .string(e.riskBand.rawValue), "arr_at_risk": .money(e.arrAtRisk), "previous_probability": .number(e.previousProbability),
                "change": .number(e.change), "new_on_list": .bool(e.newOnList), "renewal_date": .string(e.renewalDate),
                "renews_within_horizon": .bool(e.renewsWithinHorizon), "health_state": .string(e.healthState),
                "expected_days_to_churn": .integer(e.expectedDaysToChurn), "churn_probability_by_renewal": .number(e.churnProbabilityByRenewal),
                "median_days_to_churn": .integer(e.medianDaysToChurn), "top_drivers": .drivers(e.drivers),
            ])
        }
        return JSONDocument.object([
            "as_of": .string(asOf), "model_id": .string(modelID), "previous_run": previousRun.map(\.document) ?? .null,
            "horizon_days": .integer(horizonDays), "days_to_churn_from": .string(daysToChurnFrom),
            "risk_bands": .array(riskBands.cuts.map { .number($0) }), "matching": .integer(matching), "accounts": .array(entries),
            "watch_list_size": .integer(watchListSize), "left_the_list": .array(leftTheList.map(\.document)),
        ]).text
    }
}

extension AtRiskList.PreviousRun {
    var document: JSONDocument { .object(["as_of": .string(asOf), "model_id": .string(modelID)]) }
}

func text(_ s: String?) -> ScoreTable.Value { s.map { .text($0) } ?? .missing }
func number(_ x: Double?) -> ScoreTable.Value { x.map { .number($0) } ?? .missing }
func money(_ x: Double?) -> ScoreTable.Value { x.map { .money($0) } ?? .missing }

/// Pretty-printed JSON with sorted keys and a final newline.
func stableJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}
