import Foundation
import VitalsScoring

extension ProjectList {
    /// The list as a terminal table: one line per project, then its forecast range, end
    /// date and top drivers in words.
    public func table(style: TerminalStyle) -> String {
        let wide = style.isWide
        var columns: [(String, Int, Bool)] = [("#", 3, true), ("Project", 10, false), ("Account", 7, false)]
        if wide { columns.append(("Type", 14, false)) }
        columns += [("Budget", 6, true), ("Logged", 6, true), ("CO h", 5, true), ("EAC h", 6, true)]
        if wide { columns.append(("EAC range", 11, true)) }
        columns += [("Over", 6, true), ("P(over)", 7, true)]
        if wide { columns.append(("Ends", 10, false)) }
        columns += [("Late", 5, true), ("Phase", 9, false)]
        var out = style.paint(cell("Projects in flight as of \(asOf): top \(projects.count) of \(inFlight) by overrun probability", style.width)
            .trimmingTrailingSpaces, .bold) + "\n"
        out += "model \(modelID)\n"
        out += columns.map { cell($0.0, $0.1, right: $0.2) }.joined(separator: " ").trimmingTrailingSpaces + "\n"
        let hours: (Double) -> String = { "\(Int($0.rounded()))" }
        for e in projects {
            let over = e.forecastOverrunPct
            var cells = [cell("\(e.rank)", 3, right: true), cell(e.projectID, 10), cell(e.accountID, 7)]
            if wide { cells.append(cell(e.type ?? "", 14)) }
            cells += [cell(hours(e.budgetHours), 6, right: true), cell(hours(e.hoursLogged), 6, right: true),
                      cell(hours(e.changeOrderHours), 5, right: true), cell(hours(e.forecastHoursAtCompletion), 6, right: true)]
            if wide { cells.append(cell("\(hours(e.forecastHoursLow))–\(hours(e.forecastHoursHigh))", 11, right: true)) }
            cells += [style.paint(cell(String(format: "%+.0f%%", over), 6, right: true), over > 10 ? .red : over > 0 ? .yellow : .green),
                      style.paint(cell(percentText(e.overrunProbability), 7, right: true), e.overrunProbability >= 0.5 ? .red : nil)]
            if wide { cells.append(cell(e.forecastEndDate, 10)) }
            cells += [cell(e.daysLate == 0 ? "0d" : String(format: "%+dd", e.daysLate), 5, right: true),
                      cell((e.phase ?? "").replacingOccurrences(of: "_", with: "-"), 9)]
            out += cells.joined(separator: " ").trimmingTrailingSpaces + "\n"
            var detail = wide ? "" : "EAC \(hours(e.forecastHoursLow))–\(hours(e.forecastHoursHigh)) h, ends \(e.forecastEndDate) (plan \(e.baselineEndDate)) · "
            detail += e.drivers.isEmpty ? "nothing raises the risk above the average project" : e.drivers.map(\.phrase).joined(separator: "; ")
            for line in wrap("↳ " + detail, width: style.width, indent: String(repeating: " ", count: 4), maxLines: 3) {
                out += style.paint(line, .dim) + "\n"
            }
        }
        let legend = "EAC: estimate at completion = budget / CPI (earned value), range from the remaining work at plan to CPI × SPI slippage · "
            + "Over: EAC vs budget · P(over): the model's overrun probability · Late: forecast end vs the baseline"
        for line in wrap(legend, width: style.width, indent: "", maxLines: 4) { out += style.paint(line, .dim) + "\n" }
        return out
    }

    public func csv() -> String {
        var table = ScoreTable(columns: ["rank", "project_id", "account_id", "account_name", "type", "overrun_probability", "budget_hours",
                                         "hours_logged", "change_order_hours", "forecast_hours_at_completion", "forecast_hours_low",
                                         "forecast_hours_high", "forecast_overrun_pct", "forecast_end_date", "baseline_end_date", "days_late",
                                         "phase", "drivers", "driver_contributions", "as_of", "model_id"])
        for e in projects {
            table.rows.append([
                .integer(e.rank), .text(e.projectID), .text(e.accountID), text(e.accountName), text(e.type), .number(e.overrunProbability),
                .number(e.budgetHours), .number(e.hoursLogged), .number(e.changeOrderHours), .number(e.forecastHoursAtCompletion),
                .number(e.forecastHoursLow), .number(e.forecastHoursHigh), .number(e.forecastOverrunPct), .text(e.forecastEndDate),
                .text(e.baselineEndDate), .integer(e.daysLate), text(e.phase), .text(e.drivers.map(\.phrase).joined(separator: " | ")),
                .text(e.drivers.map { "\($0.feature):\(String(format: "%+.2f", $0.contribution))" }.joined(separator: "; ")),
                .text(asOf), .text(modelID),
            ])
        }
        return table.csv()
    }

    public func json() throws -> String { try stableJSON(self) }
}
