import Foundation
import VitalsFoundation
import VitalsSignals

extension SnapshotTable {
    /// The table as CSV for data teams' own tools: `account_id` (or `project_id`), `as_of`,
    /// every feature, and `label` (empty when unknown). A value that cannot be computed is
    /// an empty field; numbers are written in their shortest exact form.
    public func csv(dataset: SignalsDataset) -> Data {
        let ids = layout.task == .churn ? dataset.accounts.accountID : (dataset.projects?.projectID ?? [])
        var out = [UInt8]()
        out.reserveCapacity(rowCount * (columnCount * 6 + 32))
        func append(_ s: String) { out.append(contentsOf: s.utf8) }
        append("\(layout.task.idColumn),as_of")
        for name in featureNames {
            append(",")
            CSVText.appendField(name, to: &out)
        }
        append(",label\n")
        for r in 0..<rowCount {
            CSVText.appendCell(ids[Int(entities[r])], to: &out)
            append(",")
            dates[r].append(to: &out)
            for value in row(r) {
                append(",")
                if !value.isNaN { append(CSVText.number(value)) }
            }
            append(",")
            if !labels[r].isNaN { append(labels[r] == 1 ? "1" : "0") }
            append("\n")
        }
        return Data(out)
    }
}
