/// A chain that cannot be built or analysed as asked, with what to change.
public enum MarkovError: Error, Equatable, CustomStringConvertible {
    case invalidParameter(name: String, value: String, rule: String)
    case invalidStateSpace(String)
    case unknownState(String)
    case shapeMismatch(String)
    /// A transient row with no transitions and no smoothing to fill it.
    case emptyRow(state: String)
    /// Some transient state can never reach an absorbing state, so (I − Q) is singular.
    case notAbsorbing(String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, rule): return "\(name) = \(value): \(rule)"
        case let .invalidStateSpace(message): return "state space: \(message)"
        case let .unknownState(name): return "unknown state '\(name)'"
        case let .shapeMismatch(message): return message
        case let .emptyRow(state):
            return "state \(state) has no observed transitions and smoothing is 0; set smoothing > 0 or merge the state"
        case let .notAbsorbing(message): return message
        }
    }
}
