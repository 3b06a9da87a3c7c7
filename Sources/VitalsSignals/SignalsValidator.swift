import Logging
import VitalsFoundation

/// What `vitals validate` does: read a directory, check every rule, and say
/// what there is and what is wrong.
public struct SignalsValidator: Sendable {
    public let directory: String
    public let options: SignalsReadOptions
    /// Problems listed in full; the rest are counted. Default 50; ≥ 0.
    public let maxListedProblems: Int

    public init(directory: String, options: SignalsReadOptions = .init(), maxListedProblems: Int = 50) {
        self.directory = directory
        self.options = options
        self.maxListedProblems = max(0, maxListedProblems)
    }

    /// The outcome of one validation.
    public struct Outcome: Sendable {
        /// The directory obeys the contract (or, with `skipInvalid`, every file was usable).
        public let isValid: Bool
        public let report: SignalsReadReport
        public let summary: SignalsSummary?
        /// The text to show: summary, warnings, skipped rows and problems.
        public let text: String
    }

    /// - Throws: `SignalsIOError` when the directory or a file cannot be read.
    public func run(logger: Logger = .silent) throws -> Outcome {
        do {
            let result = try SignalsReader(options: options).read(directory: directory, logger: logger)
            let summary = SignalsSummary(dataset: result.dataset, report: result.report)
            var parts = ["\(directory): valid", "", summary.text]
            if !result.report.warnings.isEmpty { parts += ["", "warnings:"] + result.report.warnings.map { "  " + $0 } }
            let skipped = result.report.files.filter { $0.skippedTotal > 0 }
            if !skipped.isEmpty {
                parts += ["", "skipped rows:"]
                for file in skipped {
                    for (rule, count) in file.skipped.sorted(by: { $0.key < $1.key }) {
                        parts.append("  \(file.fileName): \(count) \(rule.rawValue)")
                    }
                }
                parts += ["", "first problems:"] + listed(result.report)
            }
            return Outcome(isValid: true, report: result.report, summary: summary, text: parts.joined(separator: "\n"))
        } catch let error as SignalsValidationError {
            let report = error.report
            var parts = listed(report)
            if !report.warnings.isEmpty { parts += ["", "warnings:"] + report.warnings.map { "  " + $0 } }
            parts += ["", "\(directory): invalid, \(report.problemCount) problem\(report.problemCount == 1 ? "" : "s")"]
            return Outcome(isValid: false, report: report, summary: nil, text: parts.joined(separator: "\n"))
        }
    }

    private func listed(_ report: SignalsReadReport) -> [String] {
        var lines = report.problems.prefix(maxListedProblems).map(\.description)
        let hidden = report.problemCount - lines.count
        if hidden > 0 { lines.append("… and \(hidden) more problem\(hidden == 1 ? "" : "s")") }
        return lines
    }
}
