import Foundation
import VitalsSignals

/// A list filter's value (a CSM, a segment) as people type it, resolved to one of the values the
/// data holds: the same value in any case, else the one value it begins (`quinn` → `Quinn Adams`,
/// `ent` → `enterprise`). A value that matches none, or begins several, is an error listing the
/// values there are, rather than an empty list that looks like good news.
public enum FilterValue {
    /// The data's value that `wanted` names among `values` (duplicates and blanks ignored).
    /// - Throws: `InsightError.filterMismatch` when none or several match.
    public static func resolve(_ wanted: String, field: String, among values: [String]) throws -> String {
        let known = Array(Set(values.filter { !$0.isEmpty })).sorted()
        let typed = wanted.trimmingCharacters(in: .whitespaces).lowercased()
        if let exact = known.first(where: { $0.lowercased() == typed }) { return exact }
        let begun = typed.isEmpty ? [] : known.filter { $0.lowercased().hasPrefix(typed) }
        if begun.count == 1 { return begun[0] }
        throw InsightError.filterMismatch(field: field, value: wanted, candidates: begun.isEmpty ? known : begun, ambiguous: !begun.isEmpty)
    }
}

extension AtRiskQuery {
    /// The query with its CSM and segment resolved against the accounts' values (`FilterValue`).
    func resolved(in accounts: AccountsTable) throws -> AtRiskQuery {
        var query = self
        query.csm = try csm.map { try FilterValue.resolve($0, field: "csm", among: accounts.csm?.levels ?? []) }
        query.segment = try segment.map { try FilterValue.resolve($0, field: "segment", among: accounts.segment?.levels ?? []) }
        return query
    }
}
