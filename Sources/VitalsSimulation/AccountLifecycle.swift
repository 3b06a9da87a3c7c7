import VitalsFoundation
import VitalsSignals

/// How a churned account left.
enum ChurnKind: String {
    /// Did not renew: decided 60–120 days before the renewal, churned on it.
    case renewal
    /// Left mid-term: decided 20–60 days before, churned on a random day.
    case midTerm = "mid_term"
}

/// An account's months in the window: its latent state each month and
/// whether, when and why it leaves.
///
/// The chain runs first; churn is then decided from it, so churn labels come
/// from simulated events alone and every signal is drawn from the same states.
struct AccountLifecycle {
    /// The account's first day in the window: its contract start or the window start.
    let firstDay: Day
    /// Its last day as a customer in the window: the day before churn, or the export day.
    let lastDay: Day
    /// First day of each month the account is a customer in, in order, with its state.
    let monthStarts: [Day]
    let states: [LatentHealth]
    /// Monthly engagement level of each month: state engagement × propensity, capped at 0.97.
    let engagement: [Double]
    let initialState: LatentHealth
    /// The churn in the data: on or before the export day.
    let churnDate: Day?
    /// A churn the account has decided on, possibly after the export day (then invisible in
    /// the signals except through the customer's disengagement).
    let plannedChurn: Day?
    let decisionDate: Day?
    let churnKind: ChurnKind?

    init(profile: AccountProfile, implementation: ProjectPlan, config: SimulationConfig) {
        let end = config.end
        firstDay = max(profile.contractStart, config.start)

        // A project that overran hurts the relationship from mid-project to six months after it ends.
        let trouble: ClosedRange<Day>? = implementation.wouldOverrun
            ? (implementation.start + implementation.fullDays / 2)...(implementation.fullEnd + 182) : nil
        let model = TransitionModel(stickiness: profile.stickiness)

        var rng = RandomSource(seed: config.seed, account: profile.index, purpose: .latent)
        var months: [Day] = []
        var states: [LatentHealth] = []
        var state = LatentHealth(rawValue: rng.categorical(
            profile.isEstablished ? model.stationary : LatentHealth.onboardingMix))!
        initialState = state
        var month = firstDay.startOfMonth
        while month <= end {
            if !months.isEmpty {
                state = model.step(from: state, troubled: trouble?.contains(month) == true, rng: &rng)
            }
            months.append(month)
            states.append(state)
            month = month.adding(months: 1)
        }

        // Churn: the first renewal the customer decides not to take, or a mid-term exit.
        var churn = RandomSource(seed: config.seed, account: profile.index, purpose: .churn)
        func stateOn(_ day: Day) -> LatentHealth {
            var i = 0
            while i + 1 < months.count && months[i + 1] <= day { i += 1 }
            return states[i]
        }
        var candidate: (day: Day, decided: Day, kind: ChurnKind)?
        for k in 1... {
            let renewal = profile.renewal(k)
            if renewal > end + 120 { break }
            // A renewal on the window's first day was taken before the data starts.
            if renewal <= firstDay { continue }
            let decided = renewal - churn.int(60...120)
            if decided > end { break }
            if churn.bernoulli(stateOn(max(decided, firstDay)).renewalChurn) {
                candidate = (renewal, decided, .renewal)
                break
            }
        }
        for (i, monthStart) in months.enumerated() where i > 0 {
            guard churn.bernoulli(states[i].midTermChurn) else { continue }
            let (y, m, _) = monthStart.components
            let day = monthStart + churn.int(0...(Day.daysInMonth(year: y, month: m) - 1))
            if day > firstDay && day <= end && day < (candidate?.day ?? end + 1) {
                candidate = (day, max(profile.contractStart + 1, day - churn.int(20...60)), .midTerm)
            }
            break
        }
        plannedChurn = candidate?.day
        decisionDate = candidate?.decided
        churnKind = candidate?.kind
        churnDate = candidate.flatMap { $0.day <= end ? $0.day : nil }
        let last = churnDate.map { $0 - 1 } ?? end
        lastDay = last

        // Keep the months the account is a customer in.
        let kept = months.prefix { $0 <= last }.count
        monthStarts = Array(months.prefix(kept))
        self.states = Array(states.prefix(kept))
        engagement = self.states.map { min(0.97, $0.engagement * profile.propensity) }
    }

    /// Index into `monthStarts` of the month holding `day` (clamped to the known months).
    func monthIndex(of day: Day) -> Int {
        var i = 0
        while i + 1 < monthStarts.count && monthStarts[i + 1] <= day { i += 1 }
        return i
    }

    func state(on day: Day) -> LatentHealth { states[monthIndex(of: day)] }

    /// Whether the customer has decided to leave by `day`.
    func hasDecidedToLeave(by day: Day) -> Bool { decisionDate.map { day >= $0 } ?? false }
}
