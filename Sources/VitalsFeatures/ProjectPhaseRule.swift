import VitalsMarkov

/// The weekly health of a project in flight, and the two ways it ends: the states of
/// the project phase chain. The absorption probability into `delivered_over` is the
/// chain's overrun probability.
///
/// Each signal votes for a state, and the project takes the worst vote:
///
/// | signal (feature) | on_track | watch | off_track |
/// |---|---|---|---|
/// | burn rate: budget share burned / time share elapsed | ≤ `burnWatch` | ≤ `burnOffTrack` | above |
/// | schedule performance index (milestones done / due) | ≥ `scheduleWatch` | ≥ `scheduleOffTrack` | below |
/// | change-order hours / budget | ≤ `changeWatch` | ≤ `changeOffTrack` | above |
///
/// A missing signal does not vote; with no signal at all the project is `on_track`
/// (a project that has not started burning has not gone wrong yet).
public struct ProjectPhaseRule: Sendable, Equatable, Codable {
    public var burnFeature: String
    public var scheduleFeature: String
    public var changeFeature: String
    /// Defaults 1.1 and 1.3.
    public var burnWatch: Double
    public var burnOffTrack: Double
    /// Defaults 0.9 and 0.75.
    public var scheduleWatch: Double
    public var scheduleOffTrack: Double
    /// Defaults 0.1 and 0.25.
    public var changeWatch: Double
    public var changeOffTrack: Double

    public static let states = ["on_track", "watch", "off_track"]
    public static let outcomes = ["delivered_within_budget", "delivered_over"]

    public init(burnFeature: String = "burn_rate", scheduleFeature: String = "schedule_performance_index",
                changeFeature: String = "change_order_hours_ratio",
                burnWatch: Double = 1.1, burnOffTrack: Double = 1.3, scheduleWatch: Double = 0.9,
                scheduleOffTrack: Double = 0.75, changeWatch: Double = 0.1, changeOffTrack: Double = 0.25) {
        self.burnFeature = burnFeature
        self.scheduleFeature = scheduleFeature
        self.changeFeature = changeFeature
        self.burnWatch = burnWatch
        self.burnOffTrack = burnOffTrack
        self.scheduleWatch = scheduleWatch
        self.scheduleOffTrack = scheduleOffTrack
        self.changeWatch = changeWatch
        self.changeOffTrack = changeOffTrack
    }

    public func validate() throws(MarkovError) {
        guard burnWatch > 0, burnWatch <= burnOffTrack else {
            throw .invalidParameter(name: "phases.burn", value: "\(burnWatch), \(burnOffTrack)", rule: "need 0 < watch ≤ off_track")
        }
        guard scheduleOffTrack <= scheduleWatch, scheduleOffTrack >= 0 else {
            throw .invalidParameter(name: "phases.schedule", value: "\(scheduleWatch), \(scheduleOffTrack)", rule: "need 0 ≤ off_track ≤ watch")
        }
        guard changeWatch >= 0, changeWatch <= changeOffTrack else {
            throw .invalidParameter(name: "phases.change_orders", value: "\(changeWatch), \(changeOffTrack)", rule: "need 0 ≤ watch ≤ off_track")
        }
    }

    /// on_track, watch, off_track transient; the two outcomes absorbing.
    public func stateSpace() throws(MarkovError) -> StateSpace {
        try StateSpace(transient: Self.states, absorbing: Self.outcomes)
    }

    /// The state index (0 on_track, 1 watch, 2 off_track) of a project in flight.
    public func state(features: (String) -> Double?) -> Int {
        var worst = 0
        if let burn = features(burnFeature), burn.isFinite {
            worst = max(worst, burn <= burnWatch ? 0 : burn <= burnOffTrack ? 1 : 2)
        }
        if let schedule = features(scheduleFeature), schedule.isFinite {
            worst = max(worst, schedule >= scheduleWatch ? 0 : schedule >= scheduleOffTrack ? 1 : 2)
        }
        if let change = features(changeFeature), change.isFinite {
            worst = max(worst, change <= changeWatch ? 0 : change <= changeOffTrack ? 1 : 2)
        }
        return worst
    }

    /// The absorbing state of a finished project: 3 within budget, 4 over.
    public func outcome(overran: Bool) -> Int { overran ? 4 : 3 }
}
