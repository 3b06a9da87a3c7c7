import VitalsFoundation

/// Data that cannot train the model asked for.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// No snapshot up to the cutoff has a known label, or they all have the same one.
    case noLabelledSnapshots(task: RiskTask, cutoff: Day, rows: Int)
    /// The fit gave numbers no model file may hold (nearly separable classes with a weak penalty).
    case unsoundModel(String)
    /// `features.interactions` names a feature the model does not have.
    case unknownInteraction(String, String, known: [String])

    public var description: String {
        switch self {
        case let .noLabelledSnapshots(task, cutoff, rows):
            return "no labelled \(task.rawValue) snapshots with both outcomes up to \(cutoff) (\(rows) rows); train on more history or a later cutoff"
        case let .unsoundModel(problem):
            return "the fitted model is unusable: \(problem); lower model.c (a stronger penalty) or check the data for a column that gives the label away"
        case let .unknownInteraction(a, b, known):
            let missing = [a, b].filter { !known.contains($0) }
            return "features.interactions names \(missing.joined(separator: " and ")), not among the model's features (\(known.prefix(12).joined(separator: ", "))\(known.count > 12 ? ", …" : ""))"
        }
    }
}
