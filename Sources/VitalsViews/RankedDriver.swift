import VitalsModel
import VitalsScoring

/// One of the few things that raise an entity's risk most: the feature group, its
/// contribution to the log-odds, and the phrase that says it in plain words.
public struct RankedDriver: Sendable, Equatable, Codable {
    public let feature: String
    public let contribution: Double
    public let phrase: String

    /// How a driver whose facts a stronger one already said is phrased: an interaction says
    /// `alsoWith` and its other fact; a feature, its fact and `onItsOwn`.
    public static let alsoWith = "with that, also "
    public static let onItsOwn = " on its own too"

    /// The score files' drivers with their phrases (`ScoringRun.describeDrivers`), for the rows
    /// of one snapshot: the book's typical values the phrases compare with are computed once
    /// per feature, not once per row.
    public static func describer() -> ScoreFile.DriverDescriber {
        let typical = DriverPhrase.TypicalValues()
        return { snapshot, r in
            let drivers = typical.drivers { Drivers(featureNames: snapshot.termNames, encoder: nil) }
            return DriverPhrase.$typicalValues.withValue(typical) { top(snapshot, row: r, drivers: drivers).map(\.cell) }
        }
    }

    /// The driver as every output writes it (`ScoreTable.Driver`).
    public var cell: ScoreTable.Driver { ScoreTable.Driver(feature: feature, contribution: contribution, phrase: phrase) }

    /// The `count` groups with the largest positive contributions on row `r`, largest first.
    /// `drivers` is the snapshot's grouping when the caller has it already (one per snapshot).
    public static func top(_ snapshot: ScoredSnapshot, row r: Int, count: Int = 3, drivers: Drivers? = nil) -> [RankedDriver] {
        let drivers = drivers ?? Drivers(featureNames: snapshot.termNames, encoder: nil)
        let grouped = drivers.grouped(snapshot.contributions(row: r))
        // A fact a stronger driver already said is not said again as new: an interaction with
        // one of them says only its other fact, and a feature already said, that it counts on
        // its own too.
        var said = Set<String>()
        return drivers.topGroups(grouped, count: count).map { g in
            let facts = DriverPhrase.facts(group: drivers.groupNames[g], snapshot: snapshot, row: r)
            let fresh = facts.filter { !said.contains($0) }
            said.formUnion(facts)
            let phrase: String
            switch (facts.count, fresh.count) {
            case (2, 1): phrase = "\(RankedDriver.alsoWith)\(fresh[0])"
            case (1, 0): phrase = "\(facts[0])\(RankedDriver.onItsOwn)"
            default: phrase = DriverPhrase.describe(group: drivers.groupNames[g], snapshot: snapshot, row: r)
            }
            return RankedDriver(feature: drivers.groupNames[g], contribution: grouped[g], phrase: phrase)
        }
    }
}
