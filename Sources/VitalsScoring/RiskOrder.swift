/// The one order of every ranked list (the at-risk list, the same query on the previous run,
/// the project list): the list's key, highest first; ties on the calibrated probability, then
/// on the log-odds (a calibration may give whole ranges of log-odds one probability, as isotonic does; a
/// run recorded without log-odds ranks below), then on the id, so the order is total and stable.
public struct RiskOrder: Sendable, Equatable {
    public let key: Double
    public let probability: Double
    public let logOdds: Double?
    public let id: String

    public init(key: Double, probability: Double, logOdds: Double?, id: String) {
        self.key = key
        self.probability = probability
        self.logOdds = logOdds
        self.id = id
    }

    /// Whether `self` ranks above `other`.
    public func ranksAbove(_ other: RiskOrder) -> Bool {
        if key != other.key { return key > other.key }
        if probability != other.probability { return probability > other.probability }
        let (a, b) = (logOdds ?? -.infinity, other.logOdds ?? -.infinity)
        if a != b { return a > b }
        return id < other.id
    }
}
