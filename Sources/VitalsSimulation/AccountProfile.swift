import Foundation
import VitalsFoundation
import VitalsSignals

/// Market segment of an account; drawn SMB 60 %, Mid-Market 30 %, Enterprise 10 %.
enum Segment: Int, CaseIterable, Sendable {
    case smb, midMarket, enterprise

    var name: String { ["SMB", "Mid-Market", "Enterprise"][rawValue] }
    static let mix: [Double] = [0.6, 0.3, 0.1]

    /// Licensed seats: lognormal with this median and σ, clamped to `seatRange`.
    var seatMedian: Double { [14.0, 110.0, 800.0][rawValue] }
    var seatSigma: Double { [0.55, 0.5, 0.55][rawValue] }
    var seatRange: ClosedRange<Int> { [5...40, 40...300, 300...3000][rawValue] }
    /// List price per seat and year; volume discounts make it lower for larger segments.
    var pricePerSeat: Double { [600.0, 480.0, 380.0][rawValue] }
    /// Part of the stickiness τ that comes from the segment (see `TransitionModel`).
    var stickiness: Double { [-0.1, 0.0, 0.2][rawValue] }

    /// The customer success team that owns the segment: twelve CSMs in all.
    var csms: [String] {
        [
            ["Avery Chen", "Blake Moreno", "Casey Diaz", "Devon Patel", "Emery Walsh"],
            ["Finley Okafor", "Harper Lind", "Jordan Reyes", "Kai Novak"],
            ["Logan Brooks", "Morgan Ito", "Quinn Adler"],
        ][rawValue]
    }
}

/// Who an account is: everything drawn once, before its months are simulated.
struct AccountProfile {
    let index: Int
    /// `A000001`…, as bytes for the hot path (never needs quoting).
    let id: [UInt8]
    let name: String
    let segment: Segment
    let seats: Int
    let arr: Int
    let csm: String
    /// First day as a customer; up to three years before the window for established accounts.
    let contractStart: Day
    /// τ of the account's transition matrix: larger and enterprise accounts are stickier.
    let stickiness: Double
    /// How heavily its users use the product whatever its health (lognormal, median 1, σ 0.15).
    let propensity: Double

    var idString: String { String(decoding: id, as: UTF8.self) }
    var isEstablished: Bool { contractStart < startOfWindow }
    private let startOfWindow: Day

    init(index: Int, config: SimulationConfig) {
        var rng = RandomSource(seed: config.seed, account: index, purpose: .profile)
        self.index = index
        id = Self.accountID(index)
        name = CompanyNames.name(index: index, seed: config.seed)
        segment = Segment(rawValue: rng.categorical(Segment.mix))!
        let drawn = rng.lognormal(median: segment.seatMedian, sigma: segment.seatSigma)
        seats = min(max(Int(drawn.rounded()), segment.seatRange.lowerBound), segment.seatRange.upperBound)
        arr = Int((Double(seats) * segment.pricePerSeat * rng.lognormal(sigma: 0.15)).rounded())
        csm = rng.pick(segment.csms)
        startOfWindow = config.start
        // About half the book exists when the window opens; the other half signs during it.
        let windowDays = config.end - config.start + 1
        if rng.bernoulli(0.5) {
            contractStart = config.start - rng.int(1...1095)
        } else {
            contractStart = config.start + rng.int(0...(windowDays - 1))
        }
        stickiness = segment.stickiness + 0.08 * log(Double(seats) / 60) + rng.normal(0, 0.12)
        propensity = rng.lognormal(sigma: 0.15)
    }

    /// `A` and the 1-based index, zero-padded to six digits.
    static func accountID(_ index: Int) -> [UInt8] {
        var digits = Array(String(index + 1).utf8)
        while digits.count < 6 { digits.insert(UInt8(ascii: "0"), at: 0) }
        return [UInt8(ascii: "A")] + digits
    }

    /// The k-th contract anniversary (k ≥ 1): the renewal dates of an annual contract.
    func renewal(_ k: Int) -> Day { contractStart.adding(months: 12 * k) }
}

/// Company names built from syllables, distinct for the first 76,800 accounts.
///
/// The index is mapped to a name code by an affine bijection modulo the number
/// of names (the multiplier is coprime with it), shifted by the seed; beyond
/// that many accounts a generation number is appended, so names never repeat.
enum CompanyNames {
    static let heads = ["Al", "Bel", "Cor", "Dar", "El", "Fen", "Gal", "Har", "Is", "Jor", "Kel", "Lum",
                        "Mar", "Nor", "Or", "Pel", "Quin", "Ros", "Sol", "Tor", "Ul", "Ver", "Wyn", "Zan"]
    static let middles = ["a", "e", "i", "o", "u", "ar", "en", "in", "or", "al",
                          "is", "on", "ir", "el", "ov", "an", "ur", "ex", "ia", "eo"]
    static let tails = ["da", "ton", "ris", "via", "tech", "nex", "ly", "mont",
                        "field", "gate", "wave", "core", "stone", "ra", "vo", "bit"]
    static let kinds = ["Inc", "LLC", "Ltd", "GmbH", "Group", "Labs", "Systems", "Health", "Logistics", "Analytics"]
    static let count = heads.count * middles.count * tails.count * kinds.count  // 76,800 = 2¹⁰·3·5²
    static let multiplier = 48_271  // prime, coprime with 2, 3 and 5

    static func name(index: Int, seed: UInt64) -> String {
        let offset = Int(seed % UInt64(count))
        var code = ((index % count) * multiplier + offset) % count
        let kind = kinds[code % kinds.count]; code /= kinds.count
        let tail = tails[code % tails.count]; code /= tails.count
        let middle = middles[code % middles.count]; code /= middles.count
        let head = heads[code]
        let generation = index / count
        return head + middle + tail + " " + kind + (generation > 0 ? " \(generation + 1)" : "")
    }
}
