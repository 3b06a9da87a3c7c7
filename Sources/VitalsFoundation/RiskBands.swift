/// The band a probability falls in, as lists, score files and the history name it.
public enum RiskBand: String, Sendable, Codable, CaseIterable {
    case low, medium, high
}

/// The two probability cut points between the risk bands:
///
///     low < mediumFrom ≤ medium < highFrom ≤ high
///
/// Set by the training config's `evaluation.risk_bands` and stored with the model, where it
/// is written as the two-number list `[mediumFrom, highFrom]`.
public struct RiskBands: Sendable, Equatable, Codable {
    /// The lowest probability in the medium band; in (0, highFrom).
    public let mediumFrom: Double
    /// The lowest probability in the high band; in (mediumFrom, 1).
    public let highFrom: Double

    /// The defaults: medium from 10 %, high from 30 %.
    public static let standard = RiskBands(mediumFrom: 0.1, highFrom: 0.3)

    public init(mediumFrom: Double, highFrom: Double) {
        self.mediumFrom = mediumFrom
        self.highFrom = highFrom
    }

    /// The cut points as the config and the model file list them.
    public var cuts: [Double] { [mediumFrom, highFrom] }

    /// Whether two numbers make valid cut points: 0 < first < second < 1.
    public static func areValid(_ cuts: [Double]) -> Bool {
        cuts.count == 2 && cuts[0] > 0 && cuts[0] < cuts[1] && cuts[1] < 1
    }

    /// The band of probability `p`.
    public func band(_ p: Double) -> RiskBand {
        p >= highFrom ? .high : p >= mediumFrom ? .medium : .low
    }

    public init(from decoder: any Decoder) throws {
        let cuts = try decoder.singleValueContainer().decode([Double].self)
        guard cuts.count == 2 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "risk bands need two cut points"))
        }
        self.init(mediumFrom: cuts[0], highFrom: cuts[1])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(cuts)
    }
}
