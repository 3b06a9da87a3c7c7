import Logging

extension Logger {
    /// The metadata key of a stage timing: the stage's wall-clock seconds.
    public static let stageSeconds = "stage.seconds"

    /// Runs `body` and reports, at debug level, how long it took as stage `stage`
    /// (wall-clock, monotonic). `vitals … --timings` prints these as `timing <stage> <seconds> s`;
    /// the benchmarks read them for per-stage figures.
    @discardableResult
    public func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        let value = try body()
        let elapsed = (ContinuousClock.now - start).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        debug("\(stage)", metadata: [Self.stageSeconds: "\(seconds)"])
        return value
    }
}
