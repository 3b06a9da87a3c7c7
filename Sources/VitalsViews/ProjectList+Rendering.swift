import Foundation
import VitalsScoring

extension ProjectList {
    /// The list as a terminal table: one line per project, then its risk band, forecast range,
    /// change-order hours, end date and top drivers in words. Fits `style.width` (80 columns,
    /// or 120 with the type, the hours logged, the EAC range and the end date).
    public func table(style: TerminalStyle) -> String {
        let wide = style.isWide
        // (header, width, right-aligned)
        var columns: [(String, Int, Bool)] = [("#", 3, true), ("", 1, false), ("Project", 10, false), ("Account", 7, false)]
        if wide { columns.append(("Type", 14, false)) }
        columns.append(("Budget", 6, true))
        if wide { columns.append(("Logged", 6, true)) }
        columns.append(("EAC h", 5, true))
        if wide { columns.append(("EAC range", 10, true)) }
        columns += [("Over", 6, true), ("P(over)", 7, true), ("Δ pts", 7, true)]
        if wide { columns.append(("Ends", 10, false)) }
        columns += [("Late", 5, true), ("Phase", 9, false)]
        let order: String
        switch sort {
        case .probability: order = "by overrun probability"
        case .hours: order = "by forecast overrun"
        case .late: order = "by days late"
        case .change: order = "by change since the previous run"
        }
        var out = style.paint(cell("Projects in flight as of \(asOf): top \(projects.count) of \(matching) \(order)", style.width)
            .trimmingTrailingSpaces, .bold) + "\n"
        let since = previousRun.map { "changes since the run of \($0.asOf)" } ?? "no earlier run to compare with"
        out += cell("model \(modelID) · \(since)", style.width).trimmingTrailingSpaces + "\n"
        out += columns.map { cell($0.0, $0.1, right: $0.2) }.joined(separator: " ").trimmingTrailingSpaces + "\n"
        let hours: (Double) -> String = { "\(Int($0.rounded()))" }
        for e in projects {
            let over = e.forecastOverrunPct, change = changeText(e.change)
            var cells = [cell("\(e.rank)", 3, right: true), style.paint(cell(e.newOnList ? "N" : " ", 1), e.newOnList ? .bold : nil),
                         cell(e.projectID, 10), cell(e.accountID, 7)]
            if wide { cells.append(cell(e.type ?? "", 14)) }
            cells.append(cell(hours(e.budgetHours), 6, right: true))
            if wide { cells.append(cell(hours(e.hoursLogged), 6, right: true)) }
            cells.append(cell(hours(e.forecastHoursAtCompletion), 5, right: true))
            if wide { cells.append(cell("\(hours(e.forecastHoursLow))–\(hours(e.forecastHoursHigh))", 10, right: true)) }
            cells += [style.paint(cell(String(format: "%+.0f%%", over), 6, right: true), over > 10 ? .red : over > 0 ? .yellow : .green),
                      style.paint(cell(percentText(e.overrunProbability), 7, right: true), style.bandColor(e.riskBand)),
                      style.paint(cell(change.text, 7, right: true), change.color)]
            if wide { cells.append(cell(e.forecastEndDate, 10)) }
            cells += [cell(e.daysLate == 0 ? "0d" : String(format: "%+dd", e.daysLate), 5, right: true),
                      cell(e.phase ?? "", 9)]
            out += cells.joined(separator: " ").trimmingTrailingSpaces + "\n"
            var detail = "\(e.riskBand.rawValue) risk"
            if let hours = e.hoursOverrunProbability, let late = e.lateProbability {
                // Which risk it is: the larger named first.
                let parts = [("hours over budget", hours), ("late", late)].sorted { $0.1 > $1.1 }
                detail += " (" + parts.map { "\($0.0) \(percentText($0.1))" }.joined(separator: ", ") + ")"
            }
            detail += " · "
            if !wide {
                detail += "\(hours(e.hoursLogged)) h logged, EAC \(hours(e.forecastHoursLow))–\(hours(e.forecastHoursHigh)) h, "
                    + "ends \(e.forecastEndDate) (\(e.forecastEndLow) to \(e.forecastEndHigh); plan \(e.baselineEndDate)) · "
            }
            if wide { detail += "ends \(e.forecastEndLow) to \(e.forecastEndHigh) · " }
            if e.changeOrderHours > 0 { detail += "change orders \(hours(e.changeOrderHours)) h · " }
            detail += e.drivers.isEmpty ? "nothing raises the risk above the average project" : e.drivers.map(\.phrase).joined(separator: "; ")
            for line in wrap("↳ " + detail, width: style.width, indent: String(repeating: " ", count: 4), maxLines: 3) {
                out += style.paint(line, .dim) + "\n"
            }
        }
        out += LeftTheListRendering.table(leftTheList, size: watchListSize, previousRun: previousRun, notScored: "not in flight now", style: style)
        let bands = "bands: low < \(percentText(riskBands.mediumFrom)) ≤ medium < \(percentText(riskBands.highFrom)) ≤ high"
        let legend = "N new in the top \(watchListSize) since the previous run · EAC: estimate at completion, earned value (budget / CPI) as the model corrects it from finished "
            + "projects, range: \(forecastInterval) · "
            + "Over: EAC vs budget · P(over): the model's probability of ending over budget or late (each risk in the line below) · "
            + "Δ pts: its change in percentage points · "
            + "Late: forecast end (the remaining hours at the recent pace) vs the baseline · \(bands)"
        for line in wrap(legend, width: style.width, indent: "", maxLines: 8) { out += style.paint(line, .dim) + "\n" }
        return out
    }

    public func csv() -> String {
        var table = ScoreTable(columns: ["rank", "project_id", "account_id", "account_name", "type", "overrun_probability",
                                         "hours_overrun_probability", "late_probability", "risk_band",
                                         "previous_probability", "change", "new_on_list", "budget_hours",
                                         "hours_logged", "change_order_hours", "forecast_hours_at_completion", "forecast_hours_low",
                                         "forecast_hours_high", "forecast_overrun_pct", "forecast_end_date", "forecast_end_low", "forecast_end_high",
                                         "baseline_end_date", "days_late",
                                         "phase", "top_drivers", "as_of", "model_id"])
        for e in projects {
            table.rows.append([
                .integer(e.rank), .text(e.projectID), .text(e.accountID), text(e.accountName), text(e.type), .number(e.overrunProbability),
                number(e.hoursOverrunProbability), number(e.lateProbability),
                .text(e.riskBand.rawValue), number(e.previousProbability), number(e.change), .integer(e.newOnList ? 1 : 0),
                .number(e.budgetHours), .number(e.hoursLogged), .number(e.changeOrderHours), .number(e.forecastHoursAtCompletion),
                .number(e.forecastHoursLow), .number(e.forecastHoursHigh), .number(e.forecastOverrunPct), .text(e.forecastEndDate), .text(e.forecastEndLow),
                .text(e.forecastEndHigh),
                .text(e.baselineEndDate), .integer(e.daysLate), text(e.phase), .drivers(e.drivers.map(\.cell)),
                .text(asOf), .text(modelID),
            ])
        }
        return LeftTheListRendering.csv(table, leftTheList, idColumn: "project_id", nameColumn: "account_name", probabilityColumn: "overrun_probability",
                                        asOf: asOf, modelID: modelID).csv()
    }

    /// The list as one JSON document: every key always present (`null` when there is no value),
    /// keys sorted, so the bytes are stable (docs/schema/projects-list.schema.json).
    public func json() throws -> String {
        let entries: [JSONDocument] = projects.map { e in
            .object([
                "rank": .integer(e.rank), "project_id": .string(e.projectID), "account_id": .string(e.accountID),
                "account_name": .string(e.accountName), "type": .string(e.type), "overrun_probability": .number(e.overrunProbability),
                "hours_overrun_probability": .number(e.hoursOverrunProbability), "late_probability": .number(e.lateProbability),
                "risk_band": .string(e.riskBand.rawValue), "previous_probability": .number(e.previousProbability), "change": .number(e.change),
                "new_on_list": .bool(e.newOnList), "budget_hours": .number(e.budgetHours), "hours_logged": .number(e.hoursLogged),
                "change_order_hours": .number(e.changeOrderHours), "forecast_hours_at_completion": .number(e.forecastHoursAtCompletion),
                "forecast_hours_low": .number(e.forecastHoursLow), "forecast_hours_high": .number(e.forecastHoursHigh),
                "forecast_overrun_pct": .number(e.forecastOverrunPct), "forecast_end_date": .string(e.forecastEndDate),
                "forecast_end_low": .string(e.forecastEndLow), "forecast_end_high": .string(e.forecastEndHigh),
                "baseline_end_date": .string(e.baselineEndDate), "days_late": .integer(e.daysLate), "phase": .string(e.phase),
                "top_drivers": .drivers(e.drivers),
            ])
        }
        return JSONDocument.object([
            "as_of": .string(asOf), "model_id": .string(modelID), "previous_run": previousRun.map(\.document) ?? .null,
            "risk_bands": .array(riskBands.cuts.map { .number($0) }), "in_flight": .integer(inFlight), "matching": .integer(matching),
            "sort": .string(sort.rawValue), "forecast_interval": .string(forecastInterval), "projects": .array(entries),
            "watch_list_size": .integer(watchListSize), "left_the_list": .array(leftTheList.map(\.document)),
        ]).text
    }
}
