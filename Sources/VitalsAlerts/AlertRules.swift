import Foundation
import VitalsFoundation

/// One account or project as scored on the as-of date: what the rules look at.
public struct AlertSubject: Sendable, Equatable {
    /// The account; for a project, its account.
    public var accountID: String
    /// The project, for an overrun model's subjects.
    public var projectID: String?
    public var csm: String?
    public var arr: Double?
    /// Churn or overrun probability.
    public var probability: Double
    /// The account's next renewal after the as-of date (churn models).
    public var renewal: Day?
    /// The overrun model's two risks, when it has them: above budget, and late.
    public var hoursProbability: Double?
    public var lateProbability: Double?

    public var entityID: String { projectID ?? accountID }

    public init(accountID: String, projectID: String? = nil, csm: String? = nil, arr: Double? = nil, probability: Double, renewal: Day? = nil,
                hoursProbability: Double? = nil, lateProbability: Double? = nil) {
        self.accountID = accountID
        self.projectID = projectID
        self.csm = csm
        self.arr = arr
        self.probability = probability
        self.renewal = renewal
        self.hoursProbability = hoursProbability
        self.lateProbability = lateProbability
    }
}

/// What the score history says before the as-of date.
public struct AlertBaseline: Sendable, Equatable {
    /// One recorded run: its date, each entity's probability, and who was in the high band
    /// (as the run recorded the band).
    public struct Run: Sendable, Equatable {
        public var asOf: Day
        public var probabilities: [String: Double]
        public var high: Set<String>

        public init(asOf: Day, probabilities: [String: Double], high: Set<String>) {
            self.asOf = asOf
            self.probabilities = probabilities
            self.high = high
        }
    }

    /// The runs of the task before the as-of date, newest first (the previous run first),
    /// one per date; empty on the first run.
    public var runs: [Run]
    /// The previous run's hours-overrun and late probabilities by project (the history keeps
    /// only the joint probability, so these come from scoring the previous date again); nil
    /// when they are not known.
    public var previousRisks: (hours: [String: Double], late: [String: Double])?

    public init(runs: [Run] = [], previousRisks: (hours: [String: Double], late: [String: Double])? = nil) {
        self.runs = runs
        self.previousRisks = previousRisks
    }

    public static func == (a: AlertBaseline, b: AlertBaseline) -> Bool {
        a.runs == b.runs && a.previousRisks?.hours == b.previousRisks?.hours && a.previousRisks?.late == b.previousRisks?.late
    }
}

/// The alert rules: each kind fires on the run where its threshold is crossed, not on every
/// run after, so one change gives one event.
///
/// - `entered_high_band`: churn probability in the high band now, not in the previous run
///   (nor the entity in it, nor a previous run at all).
/// - `renewal_at_risk`: renewal within `renewal_within_days` and the churn probability in the
///   high band now, and not both already so in the previous run.
/// - `overrun_entered_high_band`, `late_entered_high_band`: the project's hours-overrun or late
///   probability in the high band now and not in the previous run.
/// - `probability_rose`: up by at least `probability_rise_points` percentage points since the
///   previous run (no previous score, no event).
/// - `stayed_high`: in the high band in this run and the `stayed_high_runs − 1` runs before it
///   in the history, and not in the run before those: fires once per streak, on the run that
///   makes it long enough.
public enum AlertRules {
    public static func events(task: RiskTask, modelID: String, asOf: Day, bands: RiskBands, subjects: [AlertSubject], baseline: AlertBaseline,
                              config: AlertsConfig) -> [AlertEvent] {
        let kinds = Set(AlertKind.kinds(for: task)).intersection(config.kinds)
        let previous = baseline.runs.first
        let stamp = "\(asOf)"
        var events: [AlertEvent] = []
        for s in subjects {
            let id = s.entityID, p = s.probability, band = bands.band(p)
            let before = previous?.probabilities[id]
            let wasHigh = previous?.high.contains(id) ?? false
            func event(_ kind: AlertKind, _ probability: Double, _ previousProbability: Double?, _ reason: String) {
                events.append(AlertEvent(kind: kind, task: task, accountID: s.accountID, projectID: s.projectID, asOf: stamp, csm: s.csm,
                                         probability: probability, previousProbability: previousProbability, arr: s.arr, modelID: modelID,
                                         riskBand: bands.band(probability), reason: reason))
            }
            let renewalDays = s.renewal.map { $0 - asOf }
            let renewsSoon = renewalDays.map { (0...config.renewalWithinDays).contains($0) } ?? false

            if kinds.contains(.enteredHighBand), band == .high, !wasHigh {
                event(.enteredHighBand, p, before, "entered the high band: \(Self.move(before, p))" + (renewsSoon ? "; renewal in \(renewalDays!) days" : ""))
            }
            if kinds.contains(.renewalAtRisk), band == .high, renewsSoon, let renewal = s.renewal {
                let alreadySo = previous.map { wasHigh && (0...config.renewalWithinDays).contains(renewal - $0.asOf) } ?? false
                if !alreadySo {
                    event(.renewalAtRisk, p, before, "renewal in \(renewalDays!) days (\(renewal)), churn risk \(Self.percent(p)) (high)")
                }
            }
            for (kind, now, earlier, what) in [(AlertKind.overrunEnteredHighBand, s.hoursProbability, baseline.previousRisks?.hours, "over-budget risk"),
                                               (.lateEnteredHighBand, s.lateProbability, baseline.previousRisks?.late, "lateness risk")] {
                guard kinds.contains(kind), let now, bands.band(now) == .high else { continue }
                // With a previous run whose risks are unknown, a crossing cannot be told: no event.
                if previous != nil && earlier == nil { continue }
                let then = earlier?[id]
                guard then.map({ bands.band($0) != .high }) ?? true else { continue }
                event(kind, now, then, "\(what) entered the high band: \(Self.move(then, now))")
            }
            if kinds.contains(.probabilityRose), let before, (p - before) * 100 >= config.probabilityRisePoints - 1e-9 {
                event(.probabilityRose, p, before, String(format: "rose %.1f points: ", (p - before) * 100) + Self.move(before, p))
            }
            if kinds.contains(.stayedHigh), band == .high {
                let needed = config.stayedHighRuns - 1
                let streak = baseline.runs.prefix(while: { $0.high.contains(id) })
                if streak.count == needed {
                    let path = (streak.reversed().compactMap { $0.probabilities[id] } + [p]).map(Self.percent).joined(separator: " → ")
                    event(.stayedHigh, p, before, "high for \(config.stayedHighRuns) runs in a row: \(path)")
                }
            }
        }
        let rank = Dictionary(uniqueKeysWithValues: AlertKind.allCases.enumerated().map { ($1, $0) })
        return events.sorted { a, b in
            if a.kind != b.kind { return rank[a.kind]! < rank[b.kind]! }
            if a.probability != b.probability { return a.probability > b.probability }
            return (a.projectID ?? a.accountID, a.id) < (b.projectID ?? b.accountID, b.id)
        }
    }

    /// "12.0 %".
    static func percent(_ p: Double) -> String { String(format: "%.1f %%", p * 100) }

    /// "12.0 % → 41.3 %", or "41.3 % (first score)".
    static func move(_ before: Double?, _ now: Double) -> String {
        before.map { "\(percent($0)) → \(percent(now))" } ?? "\(percent(now)) (first score)"
    }
}
