import Foundation
import VitalsFoundation
import VitalsHistory
import VitalsSignals

/// An earlier run's probabilities by entity id, and where they came from: what the score
/// file's `previous_probability` and `change` compare with.
public struct PreviousScores: Sendable, Equatable {
    /// A score file name, or the history and its run.
    public let source: String
    public let probabilities: [String: Double]

    public init(source: String, probabilities: [String: Double]) {
        self.source = source
        self.probabilities = probabilities
    }

    /// The history's newest run of `task` before `day`.
    public static func history(_ history: ScoreHistory, task: RiskTask, before day: Day) throws -> PreviousScores? {
        try history.previousScores(task: task.rawValue, before: "\(day)").map { run, scores in
            PreviousScores(source: "\(history.path) (run of \(run.asOf), model \(run.modelID))", probabilities: scores.mapValues(\.probability))
        }
    }

    /// The newest `<task>-scores-<date>.csv` in `directory` dated before `day`; nil when there
    /// is none. A file without an id or probability column gives no probabilities.
    public static func scoreFiles(in directory: String, task: RiskTask, before day: Day) throws -> PreviousScores? {
        let prefix = "\(task.rawValue)-scores-"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".csv") }
            .compactMap { name -> (String, Day)? in
                Day(String(name.dropFirst(prefix.count).dropLast(4))).flatMap { $0 < day ? (name, $0) : nil }
            }
        guard let newest = files.max(by: { $0.1 < $1.1 }) else { return nil }
        let path = (directory as NSString).appendingPathComponent(newest.0)
        let scanner = try CSVScanner(path: path)
        guard try scanner.next() else { return PreviousScores(source: newest.0, probabilities: [:]) }
        let header = scanner.fields
        guard let idColumn = header.firstIndex(where: { $0 == "account_id" || $0 == "project_id" }),
              let probabilityColumn = header.firstIndex(where: { $0.hasSuffix("_probability") && $0 != "previous_probability" }) else {
            return PreviousScores(source: newest.0, probabilities: [:])
        }
        var out: [String: Double] = [:]
        while try scanner.next() {
            guard scanner.fieldCount > max(idColumn, probabilityColumn) else { continue }
            // Score files neutralize ids a spreadsheet would run as formulas; the id is the cell's text.
            if let p = Double(scanner.string(probabilityColumn)) { out[CSVText.unneutralized(scanner.string(idColumn))] = p }
        }
        return PreviousScores(source: newest.0, probabilities: out)
    }
}
