import VitalsFoundation

/// Why a list or explanation cannot be made.
public enum InsightError: Error, Equatable, CustomStringConvertible {
    case wrongTask(model: String, expected: RiskTask)
    case unknownEntity(kind: String, id: String, asOf: String)
    case notScored(kind: String, id: String, asOf: String)
    case noScores(id: String, history: String)
    /// A filter value (`field`: csm, segment) that names none of the data's values, or begins
    /// several of them (`ambiguous`); `candidates` are the values it could have meant.
    case filterMismatch(field: String, value: String, candidates: [String], ambiguous: Bool)

    /// The error comes from an option's value (a filter naming nothing in the data), not from the data.
    public var isUsage: Bool {
        if case .filterMismatch = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .wrongTask(model, expected):
            return "model \(model) is not \(expected == .overrun ? "an" : "a") \(expected.rawValue) model"
        case let .unknownEntity(kind, id, _): return "no \(kind) \(id) in the signals"
        case let .noScores(id, history): return "\(history) has no scores for \(id)"
        case let .filterMismatch(field, value, candidates, ambiguous):
            let shown = candidates.prefix(40).joined(separator: ", ") + (candidates.count > 40 ? ", … (\(candidates.count - 40) more)" : "")
            if candidates.isEmpty { return "\(field) \"\(value)\" matches nothing: the data has no \(field) values" }
            return ambiguous ? "\(field) \"\(value)\" is ambiguous: it begins \(shown)"
                : "\(field) \"\(value)\" matches no \(field) in the data; the values are: \(shown)"
        case let .notScored(kind, id, asOf):
            return kind == "account" ? "account \(id) is not active on \(asOf) (not yet started, or churned), so it has no score"
                : "project \(id) is not in flight on \(asOf), so it has no overrun score"
        }
    }
}
