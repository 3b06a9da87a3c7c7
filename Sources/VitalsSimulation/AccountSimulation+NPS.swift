import Foundation
import VitalsFoundation
import VitalsSignals

/// nps.csv: quarterly relationship surveys.
///
/// - A survey goes out each calendar quarter, on the account's own day 0–40 of
///   the quarter, once the customer is 30 days in.
/// - The panel is n = clamp(round(2 + 1.2 · seats^0.4), 2, 15) people, each with
///   a lasting bias ~ N(0, 0.8); the account's response rate ~ Beta(6, 9) (mean 0.4).
/// - Each panelist answers with that probability, 0–10 days after the survey,
///   score = round(N(mean(state) + bias − 1.5 · decided to leave, 1.2)) clamped
///   to 0–10, mean(state) 9.0, 8.0, 7.0, 5.2, 3.4 (thriving … critical).
extension AccountSimulation {
    func writeNPS(into out: inout SimulationOutput) {
        var rng = RandomSource(seed: config.seed, account: profile.index, purpose: .nps)
        let panel = min(15, max(2, Int((2 + 1.2 * pow(Double(profile.seats), 0.4)).rounded())))
        let bias = (0..<panel).map { _ in rng.normal(0, 0.8) }
        let responseRate = rng.beta(6, 9)
        let offset = rng.int(0...40)
        let lowerID = Array(profile.idString.lowercased().utf8)
        let (y, m, _) = life.firstDay.components
        var quarter = Day(year: y, month: (m - 1) / 3 * 3 + 1, day: 1)!
        while quarter <= life.lastDay {
            let survey = quarter + offset
            quarter = quarter.adding(months: 3)
            guard survey >= life.firstDay, survey - profile.contractStart >= 30, survey <= life.lastDay else { continue }
            for person in 0..<panel where rng.bernoulli(responseRate) {
                let day = survey + rng.int(0...10)
                guard day <= life.lastDay else { continue }
                let mean = life.state(on: day).meanNPS + bias[person] - (life.hasDecidedToLeave(by: day) ? 1.5 : 0)
                let score = min(10, max(0, Int(rng.normal(mean, 1.2).rounded())))
                out.nps.raw(profile.id)
                out.nps.day(day)
                out.nps.int(score)
                var respondent = Array("user".utf8)
                Self.appendPadded(person + 1, width: 2, to: &respondent)
                respondent.append(UInt8(ascii: "@"))
                respondent.append(contentsOf: lowerID)
                respondent.append(contentsOf: Array(".example.com".utf8))
                out.nps.raw(respondent)
                out.nps.endRow()
            }
        }
    }
}
