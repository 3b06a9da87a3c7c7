import VitalsFoundation

/// Why a list or explanation cannot be made.
public enum InsightError: Error, Equatable, CustomStringConvertible {
    case wrongTask(model: String, expected: RiskTask)
    case unknownEntity(kind: String, id: String, asOf: String)
    case notScored(kind: String, id: String, asOf: String)
    case noScores(id: String, history: String)

    public var description: String {
        switch self {
        case let .wrongTask(model, expected): return "model \(model) is not a \(expected.rawValue) model"
        case let .unknownEntity(kind, id, _): return "no \(kind) \(id) in the signals"
        case let .noScores(id, history): return "\(history) has no scores for \(id)"
        case let .notScored(kind, id, asOf):
            return kind == "account" ? "account \(id) is not active on \(asOf) (not yet started, or churned), so it has no score"
                : "project \(id) is not in flight on \(asOf), so it has no overrun score"
        }
    }
}
