import VitalsFoundation
import VitalsSignals

/// One account's whole story: who it is, its implementation, its months and
/// churn, and then every signal drawn from them.
///
/// Each part draws from its own random stream (`RandomSource.Purpose`), so an
/// account's rows depend on the seed and its index alone: the first n accounts
/// of a larger book are the same as a book of n accounts.
struct AccountSimulation {
    let config: SimulationConfig
    let profile: AccountProfile
    /// The implementation that started at contract start; in the signals only when that lies in the window.
    let implementation: ProjectPlan
    let life: AccountLifecycle

    init(index: Int, config: SimulationConfig) {
        self.config = config
        profile = AccountProfile(index: index, config: config)
        var projectRNG = RandomSource(seed: config.seed, account: index, purpose: .project, index: 0)
        implementation = ProjectPlan(
            kind: .implementation, start: profile.contractStart, segment: profile.segment, rng: &projectRNG)
        life = AccountLifecycle(profile: profile, implementation: implementation, config: config)
    }

    func write(into out: inout SimulationOutput) {
        writeAccount(into: &out)
        writeUsage(into: &out)
        writeTickets(into: &out)
        writeNPS(into: &out)
        writeProjects(into: &out)
        if out.withTruth { writeTruth(into: &out) }
        out.tally.accounts += 1
        if life.churnDate != nil { out.tally.churnedAccounts += 1 }
    }

    /// accounts.csv: the account as of the export day.
    private func writeAccount(into out: inout SimulationOutput) {
        // The next renewal after the export for customers; none for churned accounts, whose
        // empty renewal_date must not be read as of an earlier day (it would leak the label).
        var renewal: Day?
        if life.churnDate == nil {
            var k = 1
            while profile.renewal(k) <= config.end { k += 1 }
            renewal = profile.renewal(k)
        }
        out.accounts.raw(profile.id)
        out.accounts.text(profile.name)
        out.accounts.text(profile.segment.name)
        out.accounts.text(profile.csm)
        out.accounts.int(profile.arr)
        out.accounts.int(profile.seats)
        out.accounts.day(profile.contractStart)
        out.accounts.day(renewal)
        out.accounts.day(life.churnDate)
        out.accounts.endRow()
    }

    private func writeTruth(into out: inout SimulationOutput) {
        for i in life.monthStarts.indices {
            out.truthAccountMonths.raw(profile.id)
            out.truthAccountMonths.day(life.monthStarts[i])
            out.truthAccountMonths.text(life.states[i].name)
            out.truthAccountMonths.decimal(life.engagement[i], places: 4)
            out.truthAccountMonths.endRow()
        }
        out.truthAccounts.raw(profile.id)
        out.truthAccounts.text(profile.segment.name)
        out.truthAccounts.int(profile.seats)
        out.truthAccounts.decimal(profile.stickiness, places: 4)
        out.truthAccounts.decimal(profile.propensity, places: 4)
        out.truthAccounts.text(life.initialState.name)
        out.truthAccounts.bool(implementation.wouldOverrun)
        out.truthAccounts.bool(life.churnDate != nil)
        out.truthAccounts.day(life.churnDate)
        out.truthAccounts.bool(life.decisionDate != nil)
        out.truthAccounts.day(life.decisionDate)
        out.truthAccounts.day(life.plannedChurn)
        out.truthAccounts.text(life.churnKind?.rawValue)
        out.truthAccounts.endRow()
    }
}
