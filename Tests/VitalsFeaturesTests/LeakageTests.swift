import Foundation
import Testing
import VitalsFeatures
import VitalsFoundation
import VitalsSignals
import VitalsTestBooks
import VitalsTestSupport

/// The point-in-time rule, tested as the issue states it: cut every file at D (drop rows
/// dated after D, blank end dates after D) and the features as of D must not move.
@Suite struct LeakageTests {
    /// Writes the signals cut at `day` into `directory`.
    static func cut(_ signals: String, at day: Day, into directory: String) throws {
        let d = "\(day)"
        func keep(_ file: String, dateColumn: String, blank: [String] = [], also: ((inout [String], CSVRows) -> Void)? = nil) throws {
            let path = signals + "/" + file
            guard FileManager.default.fileExists(atPath: path) else { return }
            var table = try CSVRows(path: path)
            let dateIndex = table.column(dateColumn)
            table.rows = table.rows.filter { $0[dateIndex] <= d }  // ISO dates compare as text
            for name in blank {
                let k = table.column(name)
                for r in table.rows.indices where !table.rows[r][k].isEmpty && table.rows[r][k] > d {
                    table.rows[r][k] = ""
                    also?(&table.rows[r], table)
                }
            }
            try table.text().write(toFile: directory + "/" + file, atomically: true, encoding: .utf8)
        }
        try keep("accounts.csv", dateColumn: "contract_start", blank: ["churn_date"])
        try keep("usage.csv", dateColumn: "date")
        try keep("tickets.csv", dateColumn: "opened_at", blank: ["closed_at"])
        try keep("nps.csv", dateColumn: "date")
        // An unfinished project has no end date and (derived) status active.
        try keep("projects.csv", dateColumn: "start_date", blank: ["actual_end_date"]) { row, table in
            if let status = table.header.firstIndex(of: "status") { row[status] = "" }
        }
        try keep("timesheets.csv", dateColumn: "date")
        try keep("milestones.csv", dateColumn: "due_date", blank: ["completed_date"])
        try keep("change_orders.csv", dateColumn: "date")
    }

    /// Features by entity id, as of `day`, with a fixed layout.
    static func features(_ dataset: SignalsDataset, layout: FeatureLayout, day: Day) -> [String: [Double]] {
        let builder = SnapshotBuilder(index: SignalsIndex(dataset))
        let table = builder.table(layout: layout, dates: [day], requireLabels: false)
        let ids = layout.task == .churn ? dataset.accounts.accountID : dataset.projects!.projectID
        var out: [String: [Double]] = [:]
        for r in 0..<table.rowCount { out[ids[Int(table.entities[r])]] = Array(table.row(r)) }
        return out
    }

    @Test func featuresAsOfDDoNotMoveWhenTheFutureIsCutAway() throws {
        let book = try TestBook.shared()
        let builder = SnapshotBuilder(index: book.index)
        var rng = SeededGenerator(seed: 4242)
        let span = book.index.dataEnd - book.index.dataStart
        let days = (0..<5).map { _ in book.index.dataStart + Int.random(in: 30...(span - 10), using: &rng) }
        for day in days {
            let directory = try TemporaryDirectory("cut")
            defer { directory.remove() }
            try Self.cut(book.signals, at: day, into: directory.path)
            let cutData = try SignalsReader().read(directory: directory.path).dataset
            for task in RiskTask.allCases {
                let layout = builder.layout(task: task)
                let full = Self.features(book.dataset, layout: layout, day: day)
                let cut = Self.features(cutData, layout: layout, day: day)
                #expect(full.count > 0, "\(task) as of \(day): no rows")
                #expect(Set(full.keys) == Set(cut.keys), "\(task) as of \(day): different entities")
                var differences: [String] = []
                for (id, values) in full {
                    guard let other = cut[id] else { continue }
                    for (k, (a, b)) in zip(values, other).enumerated() where !(a == b || (a.isNaN && b.isNaN)) {
                        differences.append("\(id).\(layout.featureNames[k]): \(a) with the future, \(b) without")
                    }
                }
                #expect(differences.count == 0, "\(task) as of \(day): e.g. \(differences.prefix(5))")
            }
        }
    }
}

/// CSV text as header + rows of fields (the simulator quotes names with commas, so split properly).
struct CSVRows {
    var header: [String]
    var rows: [[String]]

    init(path: String) throws {
        let scanner = try CSVScanner(path: path)
        _ = try scanner.next()
        header = scanner.fields
        rows = []
        while try scanner.next() { rows.append(scanner.fields) }
    }

    func column(_ name: String) -> Int { header.firstIndex(of: name)! }

    func text() -> String {
        ([header] + rows).map { $0.map(CSVText.field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
