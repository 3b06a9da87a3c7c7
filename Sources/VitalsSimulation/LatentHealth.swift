/// The hidden monthly health of an account: a Markov chain over five states.
///
/// The signals never carry the state itself; usage, tickets, NPS and churn are
/// drawn from it, which is what makes the signals informative and learning
/// from them real work.
enum LatentHealth: Int, CaseIterable {
    case thriving, healthy, steady, atRisk, critical

    var name: String { ["thriving", "healthy", "steady", "at_risk", "critical"][rawValue] }

    /// Base monthly transition matrix (rows: from, columns: to); rows sum to 1.
    static let transitions: [[Double]] = [
        [0.80, 0.15, 0.04, 0.01, 0.00],
        [0.08, 0.76, 0.12, 0.04, 0.00],
        [0.02, 0.14, 0.68, 0.13, 0.03],
        [0.00, 0.04, 0.20, 0.60, 0.16],
        [0.00, 0.01, 0.07, 0.25, 0.67],
    ]

    /// The mix of states in the book that already exists when the window opens.
    static let establishedMix: [Double] = [0.20, 0.34, 0.26, 0.13, 0.07]

    /// Share of seats active on a working day, at this state.
    var engagement: Double { [0.82, 0.68, 0.52, 0.34, 0.19][rawValue] }
    /// Probability of churning at a renewal.
    var renewalChurn: Double { [0.02, 0.05, 0.13, 0.38, 0.68][rawValue] }
    /// Monthly probability of churning mid-term.
    var midTermChurn: Double { [0.000, 0.0005, 0.001, 0.003, 0.012][rawValue] }
    /// Multiplier of the ticket rate.
    var ticketLoad: Double { [0.6, 0.8, 1.0, 1.6, 2.5][rawValue] }
    /// Mean NPS score of a respondent.
    var meanNPS: Double { [9.1, 8.2, 7.1, 5.3, 3.5][rawValue] }
}
