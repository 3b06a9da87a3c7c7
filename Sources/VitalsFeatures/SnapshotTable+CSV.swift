import Foundation
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
        append(layout.task == .churn ? "account_id,as_of" : "project_id,as_of")
        for name in featureNames {
            append(",")
            append(Self.quoted(name))
        }
        append(",label\n")
        for r in 0..<rowCount {
            append(Self.quoted(ids[Int(entities[r])]))
            append(",")
            dates[r].append(to: &out)
            for value in row(r) {
                append(",")
                if !value.isNaN { append(Self.number(value)) }
            }
            append(",")
            if !labels[r].isNaN { append(labels[r] == 1 ? "1" : "0") }
            append("\n")
        }
        return Data(out)
    }

    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    static func quoted(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
