import Logging

extension Logger {
    /// The metadata keys of a progress event: how much of a step is done, out of how much, in what unit.
    public static let progressDone = "progress.done"
    public static let progressTotal = "progress.total"
    public static let progressUnit = "progress.unit"

    /// Reports that `done` of `total` `unit` of step `step` are finished. A terminal handler
    /// draws a bar with an ETA from these; any other handler gets an ordinary info line.
    public func progress(_ step: String, done: Int, total: Int, unit: String) {
        info("\(step)", metadata: [Self.progressDone: "\(done)", Self.progressTotal: "\(total)", Self.progressUnit: "\(unit)"])
    }

    /// A logger that drops everything: the default for library calls that were given none.
    public static var silent: Logger { Logger(label: "vitals", factory: { _ in SwiftLogNoOpLogHandler() }) }
}
