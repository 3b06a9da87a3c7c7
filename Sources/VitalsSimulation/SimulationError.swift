/// Why a simulation could not run or be written.
public enum SimulationError: Error, Equatable, CustomStringConvertible {
    /// A `SimulationConfig` parameter is out of range.
    case invalidParameter(name: String, value: String, rule: String)
    /// The output directory exists and overwriting was not asked for.
    case destinationExists(path: String)
    /// The truth directory is the signals directory, or one lies inside the other;
    /// models must never find the truth among the signals.
    case overlappingDirectories(signals: String, truth: String)
    /// The file system refused; nothing was put in place.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, rule):
            return "invalid \(name) \(value): \(rule)"
        case let .destinationExists(path):
            return "\(path) already exists; nothing was written over it"
        case let .overlappingDirectories(signals, truth):
            return "the truth directory \(truth) must be separate from the signals directory \(signals), not inside it or around it"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
