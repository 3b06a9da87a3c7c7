import VitalsModel
import VitalsScoring

/// One of the few things that raise an entity's risk most: the feature group, its
/// contribution to the log-odds, and the phrase that says it in plain words.
public struct RankedDriver: Sendable, Equatable, Codable {
    public let feature: String
    public let contribution: Double
    public let phrase: String

    /// The `count` groups with the largest positive contributions on row `r`, largest first.
    public static func top(_ snapshot: ScoredSnapshot, row r: Int, count: Int = 3) -> [RankedDriver] {
        let drivers = Drivers(featureNames: snapshot.termNames, encoder: nil)
        let grouped = drivers.grouped(snapshot.contributions(row: r))
        return drivers.topGroups(grouped, count: count).map { g in
            RankedDriver(feature: drivers.groupNames[g], contribution: grouped[g],
                         phrase: DriverPhrase.describe(group: drivers.groupNames[g], snapshot: snapshot, row: r))
        }
    }
}
